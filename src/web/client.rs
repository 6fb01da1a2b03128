//! `MqttClient`: MQTT.js's client, method for method, over the session and the driver.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::codec::{
    Framer, Properties, QoS, ReasonCode, RetainHandling, SubscribeFilter, SubscriptionOptions,
};
use crate::session::{Message, State};

use super::convert::{bytes_from, string_from};
use super::delivery;
use super::driver::{self, Done, Inner, Shared, Waiting};
use super::emitter::Emitter;
use super::errors::{js_error, session_error, ErrorCode};
use super::options;

/// An MQTT client, with MQTT.js's methods, events and options.
#[wasm_bindgen]
pub struct MqttClient {
    shared: Rc<Shared>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

std::thread_local! {
    /// The option names read on every publish, made JavaScript strings once: a `&str` key
    /// is otherwise decoded by a TextDecoder on each call.
    static PUBLISH_KEYS: [JsValue; 3] = ["qos", "retain", "properties"].map(JsValue::from);
}

fn as_function(v: &JsValue) -> Option<Function> {
    v.dyn_ref::<Function>().cloned()
}

/// MQTT.js's optional arguments: `(opts?, callback?)` where either may be missing.
fn split_opts(opts: JsValue, callback: JsValue) -> (JsValue, Option<Function>) {
    match as_function(&opts) {
        Some(f) => (JsValue::UNDEFINED, Some(f)),
        None => (opts, as_function(&callback)),
    }
}

fn qos_of(v: &JsValue, what: &str) -> Result<QoS, JsValue> {
    match v.as_f64() {
        None if v.is_undefined() || v.is_null() => Ok(QoS::AtMostOnce),
        Some(q) if q == 0.0 || q == 1.0 || q == 2.0 => {
            Ok(QoS::from_u8(q as u8).unwrap_or_default())
        }
        _ => Err(js_error(
            ErrorCode::InvalidOption,
            &alloc::format!("{what} must be 0, 1 or 2"),
        )),
    }
}

impl MqttClient {
    /// The properties of a publish, subscribe, unsubscribe or disconnect. Before MQTT 5 they
    /// are left out, unread, as MQTT.js leaves them out: code written for either version runs.
    fn js_properties(&self, v: &JsValue) -> Result<Properties<'static>, JsValue> {
        if self.shared.inner.borrow().session.protocol().is_v5() {
            options::properties(v.clone(), "properties.")
        } else {
            Ok(Properties::default())
        }
    }
}

/// The callback form: `(opts?, callback?)` sorted out, argument errors to the callback.
fn with_callback(
    opts: JsValue,
    callback: JsValue,
    start: impl FnOnce(JsValue, Done) -> Result<(), JsValue>,
) -> Result<(), JsValue> {
    let (opts, cb) = split_opts(opts, callback);
    let result = start(opts, cb.clone());
    report(result, cb)
}

impl MqttClient {
    pub(crate) fn create(url: &str, options: &JsValue) -> Result<MqttClient, JsValue> {
        let opts = options::parse(url, options)?;
        let manual = opts.manual_connect;
        let options_js = if options.is_object() {
            options.clone()
        } else {
            Object::new().into()
        };
        let shared = Rc::new(Shared {
            inner: core::cell::RefCell::new(Inner::new(opts, options_js)),
            emitter: Emitter::default(),
        });
        let client = MqttClient { shared };
        if !manual {
            client.start();
        }
        Ok(client)
    }

    fn start(&self) {
        let shared = self.shared.clone();
        // Opened in a microtask, so listeners attached right after connect() see every event.
        driver::queue_microtask(move || {
            driver::with(&shared, |inner| {
                if !inner.ended {
                    driver::open_next(&shared, inner);
                }
            });
        });
    }

    fn publish_inner(
        &self,
        topic: JsValue,
        message: JsValue,
        opts: JsValue,
        done: Done,
    ) -> Result<(), JsValue> {
        let topic = string_from(&topic, "topic")?;
        let payload = bytes_from(&message, "message")?;
        let [qos, retain, properties] = PUBLISH_KEYS.with(|[q, r, p]| {
            if opts.is_object() {
                let get = |k: &JsValue| Reflect::get(&opts, k).unwrap_or(JsValue::UNDEFINED);
                [get(q), get(r), get(p)]
            } else {
                [JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED]
            }
        });
        let msg = Message {
            topic,
            payload,
            qos: qos_of(&qos, "option qos")?,
            retain: retain.as_bool().unwrap_or(false),
            properties: self.js_properties(&properties)?,
        };
        driver::with_batched(&self.shared, |inner| {
            let now = js_sys::Date::now() as u64;
            match inner.session.publish(now, msg) {
                Ok(token) => {
                    inner.waiting.insert(token, (Waiting::Publish, done));
                    Ok(())
                }
                Err(e) => Err(session_error(&e)),
            }
        })
    }

    fn subscribe_inner(&self, topic: JsValue, opts: JsValue, done: Done) -> Result<(), JsValue> {
        let defaults = options_of(&opts)?;
        let mut filters = Vec::new();
        let mut names = Vec::new();
        if let Some(t) = topic.as_string() {
            filters.push(SubscribeFilter {
                filter: t.clone().into(),
                options: defaults,
            });
            names.push(t);
        } else if let Some(list) = topic.dyn_ref::<Array>() {
            for t in list.iter() {
                let t = string_from(&t, "topic")?;
                filters.push(SubscribeFilter {
                    filter: t.clone().into(),
                    options: defaults,
                });
                names.push(t);
            }
        } else if topic.is_object() {
            // { "topic": { qos, nl, rap, rh } } as MQTT.js accepts.
            let keys = Object::keys(topic.unchecked_ref::<Object>());
            for k in keys.iter() {
                let t = string_from(&k, "topic")?;
                let o = get(&topic, &t);
                let options = if o.is_object() {
                    options_of(&o)?
                } else {
                    SubscriptionOptions {
                        qos: qos_of(&o, "qos")?,
                        ..defaults
                    }
                };
                filters.push(SubscribeFilter {
                    filter: t.clone().into(),
                    options,
                });
                names.push(t);
            }
        } else {
            return Err(js_error(
                ErrorCode::InvalidOption,
                "topic must be a string, an array or an object",
            ));
        }
        let properties = self.js_properties(&get(&opts, "properties"))?;
        driver::with_batched(&self.shared, |inner| {
            let now = js_sys::Date::now() as u64;
            if !inner.session.protocol().is_v5() {
                // nl, rap and rh are MQTT 5's: left out before it, as MQTT.js does.
                for f in &mut filters {
                    f.options = SubscriptionOptions {
                        qos: f.options.qos,
                        ..SubscriptionOptions::default()
                    };
                }
            }
            match inner.session.subscribe(now, filters, properties) {
                Ok(token) => {
                    inner
                        .waiting
                        .insert(token, (Waiting::Subscribe(names), done));
                    Ok(())
                }
                Err(e) => Err(session_error(&e)),
            }
        })
    }

    fn unsubscribe_inner(&self, topic: JsValue, opts: JsValue, done: Done) -> Result<(), JsValue> {
        let filters: Vec<String> = if let Some(t) = topic.as_string() {
            alloc::vec![t]
        } else if let Some(list) = topic.dyn_ref::<Array>() {
            list.iter()
                .map(|t| string_from(&t, "topic"))
                .collect::<Result<_, _>>()?
        } else {
            return Err(js_error(
                ErrorCode::InvalidOption,
                "topic must be a string or an array",
            ));
        };
        let properties = self.js_properties(&get(&opts, "properties"))?;
        driver::with_batched(&self.shared, |inner| {
            let now = js_sys::Date::now() as u64;
            match inner.session.unsubscribe(now, filters, properties) {
                Ok(token) => {
                    inner.waiting.insert(token, (Waiting::Unsubscribe, done));
                    Ok(())
                }
                Err(e) => Err(session_error(&e)),
            }
        })
    }

    fn end_inner(&self, force: bool, opts: JsValue, done: Done) -> Result<(), JsValue> {
        let reason = match get(&opts, "reasonCode").as_f64() {
            None => ReasonCode::Success,
            Some(v) => ReasonCode::from_u8(v as u8).ok_or_else(|| {
                js_error(
                    ErrorCode::InvalidOption,
                    "option reasonCode is not a reason code",
                )
            })?,
        };
        let properties = self.js_properties(&get(&opts, "properties"))?;
        driver::with(&self.shared, |inner| {
            let now = js_sys::Date::now() as u64;
            if inner.ended {
                inner
                    .actions
                    .push(driver::Action::Complete(done, Ok(JsValue::UNDEFINED)));
                return;
            }
            inner.end_callbacks.push(done);
            if inner.session.state() == State::Disconnected {
                // No CONNECT went out: nothing to tell a server. A socket still opening is
                // abandoned (its events are no longer listened to).
                inner.drop_socket();
                inner.session.disconnect(now, reason, properties);
                // The session was already down: no Disconnected event reports the end.
                inner.ended = true;
                for d in core::mem::take(&mut inner.end_callbacks) {
                    inner
                        .actions
                        .push(driver::Action::Complete(d, Ok(JsValue::UNDEFINED)));
                }
                inner.emit("close", Array::new());
                inner.emit("end", Array::new());
            } else if force {
                inner.session.disconnect(now, reason, properties);
            } else {
                // MQTT.js waits for in-flight messages before it closes.
                inner.ending = Some((reason, properties));
            }
        });
        Ok(())
    }
}

fn options_of(opts: &JsValue) -> Result<SubscriptionOptions, JsValue> {
    let rh = match get(opts, "rh").as_f64() {
        None | Some(0.0) => RetainHandling::SendAtSubscribe,
        Some(1.0) => RetainHandling::SendIfNewSubscription,
        Some(2.0) => RetainHandling::DoNotSend,
        Some(_) => {
            return Err(js_error(
                ErrorCode::InvalidOption,
                "option rh must be 0, 1 or 2",
            ))
        }
    };
    Ok(SubscriptionOptions {
        qos: qos_of(&get(opts, "qos"), "option qos")?,
        no_local: get(opts, "nl").as_bool().unwrap_or(false),
        retain_as_published: get(opts, "rap").as_bool().unwrap_or(false),
        retain_handling: rh,
    })
}

/// Reports an argument error the way MQTT.js does: to the callback if there is one.
fn report(result: Result<(), JsValue>, cb: Option<Function>) -> Result<(), JsValue> {
    match (result, cb) {
        (Err(e), Some(cb)) => {
            let _ = cb.call1(&JsValue::NULL, &e);
            Ok(())
        }
        (r, _) => r,
    }
}

#[wasm_bindgen]
impl MqttClient {
    /// Adds a listener (MQTT.js / Node EventEmitter `on`). The package's JavaScript class
    /// wraps this one and returns itself for chaining.
    pub fn on(&self, event: &str, listener: Function) {
        self.shared.emitter.add(event, listener, false);
        self.after_listener_change(event);
    }

    /// Adds a listener called once.
    pub fn once(&self, event: &str, listener: Function) {
        self.shared.emitter.add(event, listener, true);
        self.after_listener_change(event);
    }

    /// Removes a listener.
    pub fn off(&self, event: &str, listener: Function) {
        self.shared.emitter.remove(event, Some(&listener));
    }

    /// Removes a listener (alias of `off`).
    #[wasm_bindgen(js_name = removeListener)]
    pub fn remove_listener(&self, event: &str, listener: Function) {
        self.off(event, listener)
    }

    /// Removes every listener of `event`, or of every event.
    #[wasm_bindgen(js_name = removeAllListeners)]
    pub fn remove_all_listeners(&self, event: Option<String>) {
        match event {
            Some(e) => self.shared.emitter.remove(&e, None),
            None => self.shared.emitter.clear(),
        }
    }

    /// How many listeners `event` has.
    #[wasm_bindgen(js_name = listenerCount)]
    pub fn listener_count(&self, event: &str) -> usize {
        self.shared.emitter.count(event)
    }

    fn after_listener_change(&self, event: &str) {
        match event {
            // Messages that waited for a listener are delivered now.
            "message" => driver::with_batched(&self.shared, |_| {}),
            "packetsend" => self.shared.inner.borrow_mut().session.set_trace_sent(true),
            "packetreceive" => {
                let mut inner = self.shared.inner.borrow_mut();
                if inner.trace_receive.is_none() {
                    let o = inner.session.options();
                    inner.trace_receive = Some(Framer::new(o.protocol, o.maximum_packet_size()));
                }
            }
            _ => {}
        }
    }

    /// Calls `handler(topic, payload, packet)` for every message whose topic matches
    /// `filter` (beyond MQTT.js); returns a function that removes the handler.
    #[wasm_bindgen(js_name = onMessage)]
    pub fn on_message(&self, filter: String, handler: Function) -> Result<Function, JsValue> {
        crate::codec::check_topic_filter(&filter)
            .map_err(|e| js_error(ErrorCode::InvalidOption, &alloc::format!("filter: {e}")))?;
        let id = driver::with_batched(&self.shared, |inner| {
            inner.routes.add_handler(filter, handler)
        });
        let weak = Rc::downgrade(&self.shared);
        let remove = Closure::once_into_js(move || {
            if super::panic::happened() {
                return;
            }
            if let Some(shared) = weak.upgrade() {
                shared.inner.borrow_mut().routes.remove_handler(id);
            }
        });
        Ok(remove.unchecked_into())
    }

    /// An async iterator over the messages matching `filter` (all when omitted), pulled from
    /// the bounded inbound queue: `for await (const { topic, payload, packet } of
    /// client.messages("sensors/#"))`. With the `backpressure` policy and no `message`
    /// listener, the broker is acknowledged only as fast as the loop takes messages.
    pub fn messages(&self, filter: Option<String>) -> Result<Object, JsValue> {
        if let Some(f) = &filter {
            crate::codec::check_topic_filter(f)
                .map_err(|e| js_error(ErrorCode::InvalidOption, &alloc::format!("filter: {e}")))?;
        }
        let capacity = self
            .shared
            .inner
            .borrow()
            .session
            .options()
            .inbound_limits
            .max_messages;
        let stream = Rc::new(core::cell::RefCell::new(delivery::Stream {
            filter,
            buffered: Default::default(),
            waiting: None,
            closed: false,
            capacity: capacity.max(1),
        }));
        self.shared
            .inner
            .borrow_mut()
            .routes
            .streams
            .push(stream.clone());
        let (weak, s) = (Rc::downgrade(&self.shared), stream.clone());
        let next = move || {
            let promise = delivery::next(&s);
            if let Some(shared) = weak.upgrade() {
                // A waiting iterator may take a message now.
                driver::with_batched(&shared, |_| {});
            }
            promise
        };
        let close = move || {
            if let Some(delivery::Delivery::Resolve(resolve, done)) = delivery::close(&stream) {
                let _ = resolve.call1(&JsValue::NULL, &done);
            }
            Promise::resolve(&JsValue::UNDEFINED)
        };
        Ok(delivery::iterator_object(next, close))
    }

    /// `publish(topic, message, [options], [callback])`: options `qos`, `retain`, `dup`,
    /// `properties`; `callback(error, packet)` when QoS 0 is written, QoS 1 acknowledged,
    /// QoS 2 completed.
    pub fn publish(
        &self,
        topic: JsValue,
        message: JsValue,
        opts: JsValue,
        callback: JsValue,
    ) -> Result<(), JsValue> {
        with_callback(opts, callback, |opts, done| {
            self.publish_inner(topic, message, opts, done)
        })
    }

    /// `subscribe(topic | topics | {topic: options}, [options], [callback])`: options `qos`,
    /// `nl`, `rap`, `rh`, `properties`; `callback(error, granted)` with `{topic, qos}` per
    /// filter (`qos` 128 or above: refused).
    pub fn subscribe(
        &self,
        topic: JsValue,
        opts: JsValue,
        callback: JsValue,
    ) -> Result<(), JsValue> {
        with_callback(opts, callback, |opts, done| {
            self.subscribe_inner(topic, opts, done)
        })
    }

    /// `unsubscribe(topic | topics, [options], [callback])`.
    pub fn unsubscribe(
        &self,
        topic: JsValue,
        opts: JsValue,
        callback: JsValue,
    ) -> Result<(), JsValue> {
        with_callback(opts, callback, |opts, done| {
            self.unsubscribe_inner(topic, opts, done)
        })
    }

    /// `end([force], [options], [callback])`: DISCONNECT (after in-flight messages complete
    /// unless `force`), no reconnect; options `reasonCode`, `properties` (MQTT 5).
    pub fn end(&self, force: JsValue, opts: JsValue, callback: JsValue) -> Result<(), JsValue> {
        let (force, opts, cb) = match as_function(&force) {
            Some(f) => (false, JsValue::UNDEFINED, Some(f)),
            None => {
                let (opts, cb) = split_opts(opts, callback);
                (force.as_bool().unwrap_or(false), opts, cb)
            }
        };
        let result = self.end_inner(force, opts, cb.clone());
        report(result, cb)
    }

    /// Connects again now: after `end()`, after a failure, or with `manualConnect`.
    pub fn reconnect(&self) {
        driver::with(&self.shared, |inner| {
            inner.ended = false;
            inner.reconnecting = true;
            if inner.session.state() == State::Disconnected && !inner.is_socket_open() {
                let now = js_sys::Date::now() as u64;
                inner.session.reconnect(now);
            }
        });
    }

    /// Starts the first connection when `manualConnect` was set.
    pub fn connect(&self) {
        self.start();
    }

    /// Whether CONNACK accepted the current connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.shared.inner.borrow().session.is_connected()
    }

    /// Whether the client is between a lost connection and the next CONNACK.
    #[wasm_bindgen(getter)]
    pub fn reconnecting(&self) -> bool {
        self.shared.inner.borrow().reconnecting
    }

    /// Whether `end()` completed.
    #[wasm_bindgen(getter)]
    pub fn disconnected(&self) -> bool {
        self.shared.inner.borrow().ended
    }

    /// Whether `end()` waits for in-flight messages.
    #[wasm_bindgen(getter)]
    pub fn disconnecting(&self) -> bool {
        self.shared.inner.borrow().ending.is_some()
    }

    /// The options given to `connect`.
    #[wasm_bindgen(getter)]
    pub fn options(&self) -> JsValue {
        let inner = self.shared.inner.borrow();
        let o = inner.options_js.clone();
        // The client id in force (generated, or assigned by the server).
        let _ = Reflect::set(
            &o,
            &"clientId".into(),
            &inner.session.options().client_id.as_str().into(),
        );
        o
    }

    /// Flow-control figures: queue depths and drops, inflight each way, bytes.
    pub fn stats(&self) -> Object {
        let inner = self.shared.inner.borrow();
        let s = inner.session.stats();
        let o = Object::new();
        let fields: [(&str, f64); 15] = [
            ("inboundQueued", s.inbound_queued as f64),
            ("inboundQueuedBytes", s.inbound_queued_bytes as f64),
            ("inboundDropped", s.inbound_dropped as f64),
            ("outboundQueued", s.outbound_queued as f64),
            ("outboundQueuedBytes", s.outbound_queued_bytes as f64),
            ("outboundDropped", s.outbound_dropped as f64),
            ("inflightOut", s.inflight_out as f64),
            ("inflightOutBytes", s.inflight_out_bytes as f64),
            ("inflightIn", s.inflight_in as f64),
            ("sendWindow", s.send_window as f64),
            ("messagesReceived", s.messages_received as f64),
            ("messagesSent", s.messages_sent as f64),
            ("bytesReceived", s.bytes_received as f64),
            ("bytesSent", s.bytes_sent as f64),
            ("bufferedAmount", f64::from(inner.buffered_amount())),
        ];
        for (k, v) in fields {
            let _ = Reflect::set(&o, &k.into(), &v.into());
        }
        let reconnect_in = inner
            .reconnect_in()
            .map_or(JsValue::NULL, |ms| (ms as f64).into());
        let _ = Reflect::set(&o, &"reconnectIn".into(), &reconnect_in);
        o
    }
}

/// `connect(url, options)`: a client that connects at once (unless `manualConnect`).
#[wasm_bindgen]
pub fn connect(url: JsValue, options: JsValue) -> Result<MqttClient, JsValue> {
    // MQTT.js also accepts connect(options) with the URL in `servers`.
    let (url, options) = match url.as_string() {
        Some(u) => (u, options),
        None => (String::new(), url),
    };
    MqttClient::create(&url, &options)
}
