//! Browser tests (headless Chromium, real mosquitto on loopback) of the MQTT.js-compatible
//! client: `connect`, events, publish/subscribe in callback form (and as Promises over it, as
//! the package's JavaScript shell makes its `...Async` forms), `end`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

use wasmqtt::web::{connect, MqttClient};

wasm_bindgen_test_configure!(run_in_browser);

const BROKER: &str = match option_env!("WASMQTT_TEST_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:18083",
};

/// A Promise over a callback-form call, as js/client.js makes the `...Async` methods:
/// `start` gets the `(error, result)` callback.
fn promised(start: impl FnOnce(JsValue) -> Result<(), JsValue>) -> js_sys::Promise {
    let mut start = Some(start);
    js_sys::Promise::new(&mut |resolve: Function, reject: Function| {
        let settle = {
            let reject = reject.clone();
            Closure::once_into_js(move |err: JsValue, result: JsValue| {
                let _ = if err.is_null() || err.is_undefined() {
                    resolve.call1(&JsValue::NULL, &result)
                } else {
                    reject.call1(&JsValue::NULL, &err)
                };
            })
        };
        if let Some(start) = start.take() {
            if let Err(e) = start(settle) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        }
    })
}

fn publish_async(
    c: &MqttClient,
    topic: JsValue,
    message: JsValue,
    opts: JsValue,
) -> js_sys::Promise {
    promised(|cb| c.publish(topic, message, opts, cb))
}

fn subscribe_async(c: &MqttClient, topic: JsValue, opts: JsValue) -> js_sys::Promise {
    promised(|cb| c.subscribe(topic, opts, cb))
}

fn end_async(c: &MqttClient, force: JsValue, opts: JsValue) -> js_sys::Promise {
    promised(|cb| c.end(force, opts, cb))
}

/// Everything a client's listeners saw, in order.
#[derive(Default)]
struct Seen {
    events: Vec<String>,
    messages: Vec<(String, JsValue, JsValue)>,
    errors: Vec<JsValue>,
}

type Log = Rc<RefCell<Seen>>;

fn record(client: MqttClient, log: &Log) -> MqttClient {
    for event in [
        "connect",
        "close",
        "offline",
        "reconnect",
        "end",
        "outgoingEmpty",
    ] {
        let log = log.clone();
        let f = Closure::<dyn FnMut()>::new(move || log.borrow_mut().events.push(event.into()));
        client.on(event, f.into_js_value().unchecked_into());
    }
    let l = log.clone();
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e| l.borrow_mut().errors.push(e));
    client.on("error", on_error.into_js_value().unchecked_into());
    let l = log.clone();
    let on_message =
        Closure::<dyn FnMut(JsValue, JsValue, JsValue)>::new(move |t: JsValue, p, packet| {
            l.borrow_mut()
                .messages
                .push((t.as_string().unwrap_or_default(), p, packet));
        });
    client.on("message", on_message.into_js_value().unchecked_into());
    client
}

async fn until(log: &Log, what: &str, ok: impl Fn(&Seen) -> bool) {
    let deadline = Date::now() + 5000.0;
    while !ok(&log.borrow()) {
        assert!(
            Date::now() < deadline,
            "timed out waiting for {what}; events {:?}",
            log.borrow().events
        );
        TimeoutFuture::new(5).await;
    }
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn unique(prefix: &str) -> String {
    format!(
        "wasmqtt/client/{prefix}/{}-{}",
        Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64
    )
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

async fn connected(version: u8) -> (MqttClient, Log) {
    let log = Log::default();
    let opts = options(&[
        ("protocolVersion", version.into()),
        ("reconnectPeriod", 0.into()),
    ]);
    let client = record(connect(BROKER.into(), opts).expect("connect"), &log);
    until(&log, "connect", |s| {
        s.events.contains(&"connect".to_string())
    })
    .await;
    assert!(client.connected());
    (client, log)
}

async fn pubsub_roundtrip(version: u8) {
    let (client, log) = connected(version).await;
    let topic = unique(&format!("v{version}"));
    let granted = JsFuture::from(subscribe_async(
        &client,
        format!("{topic}/#").into(),
        options(&[("qos", 2.into())]),
    ))
    .await
    .expect("subscribe");
    let granted: Array = granted.unchecked_into();
    assert_eq!(granted.length(), 1);
    assert_eq!(get(&granted.get(0), "qos").as_f64(), Some(2.0));

    // One of each QoS, in the callback and the Promise forms.
    let acked = Rc::new(RefCell::new(0));
    let a = acked.clone();
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |err: JsValue| {
        assert!(
            err.is_null() || err.is_undefined(),
            "publish failed: {err:?}"
        );
        *a.borrow_mut() += 1;
    });
    client
        .publish(
            format!("{topic}/0").into(),
            "zero".into(),
            options(&[("qos", 0.into())]),
            cb.into_js_value(),
        )
        .unwrap();
    let ack1 = JsFuture::from(publish_async(
        &client,
        format!("{topic}/1").into(),
        "one".into(),
        options(&[("qos", 1.into())]),
    ))
    .await
    .expect("QoS 1 publish");
    let bytes = js_sys::Uint8Array::from(&[0u8, 159, 146, 150, 255][..]);
    let ack2 = JsFuture::from(publish_async(
        &client,
        format!("{topic}/2").into(),
        bytes.into(),
        options(&[("qos", 2.into())]),
    ))
    .await
    .expect("QoS 2 publish");
    // As MQTT.js's: the packet names its command and the identifier it went out with.
    for ack in [&ack1, &ack2] {
        assert_eq!(get(ack, "cmd").as_string().as_deref(), Some("publish"));
        let id = get(ack, "messageId").as_f64().expect("messageId");
        assert!((1.0..=65535.0).contains(&id), "{ack:?}");
    }
    assert_ne!(get(&ack1, "messageId"), get(&ack2, "messageId"));
    assert_eq!(*acked.borrow(), 1, "QoS 0 callback");

    until(&log, "3 messages", |s| s.messages.len() >= 3).await;
    {
        let seen = log.borrow();
        let texts: Vec<(String, String)> = seen
            .messages
            .iter()
            .map(|(t, p, _)| {
                // MQTT.js code calls message.toString(): the payload decodes as UTF-8.
                let to_string: Function = get(p, "toString").unchecked_into();
                (t.clone(), to_string.call0(p).unwrap().as_string().unwrap())
            })
            .collect();
        assert_eq!(texts[0], (format!("{topic}/0"), "zero".to_string()));
        assert_eq!(texts[1], (format!("{topic}/1"), "one".to_string()));
        let (_, binary, packet) = &seen.messages[2];
        assert_eq!(
            js_sys::Uint8Array::new(binary).to_vec(),
            vec![0u8, 159, 146, 150, 255]
        );
        assert_eq!(get(packet, "qos").as_f64(), Some(2.0));
        assert_eq!(get(packet, "cmd").as_string().as_deref(), Some("publish"));
        assert!(seen.errors.is_empty(), "errors: {:?}", seen.errors);
    }

    JsFuture::from(end_async(&client, JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .expect("end");
    until(&log, "end", |s| s.events.contains(&"end".to_string())).await;
    assert!(!client.connected());
    assert!(client.disconnected());
}

#[wasm_bindgen_test]
async fn v311_publish_subscribe_all_qos_through_mosquitto() {
    pubsub_roundtrip(4).await;
}

#[wasm_bindgen_test]
async fn v5_publish_subscribe_all_qos_through_mosquitto() {
    pubsub_roundtrip(5).await;
}

#[wasm_bindgen_test]
async fn unknown_option_is_an_error_naming_it() {
    let err = connect(BROKER.into(), options(&[("keepAlive", 10.into())]))
        .err()
        .expect("refused");
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.contains("keepAlive"), "{message}");
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("ERR_INVALID_OPTION")
    );
}

#[wasm_bindgen_test]
async fn ill_typed_options_are_errors_naming_the_option_by_its_path() {
    let will = options(&[("topic", "t".into()), ("qos", 3.into())]);
    let queue = options(&[("policy", "lifo".into())]);
    let receive_max = options(&[("receiveMaximum", 70_000.into())]);
    let user = options(&[("a", 1.into())]);
    let user_properties = options(&[("userProperties", user.into())]);
    let cases: Vec<(JsValue, &str)> =
        vec![
        (options(&[("keepalive", "10".into())]), "option keepalive must be a whole number"),
        (options(&[("keepalive", 1.5.into())]), "not 1.5"),
        (options(&[("clean", 1.into())]), "option clean must be true or false"),
        (options(&[("will", will.into())]), "option will.qos must be a whole number from 0 to 2"),
        (options(&[("inboundQueue", queue.into())]), "inboundQueue.policy \"lifo\""),
        (
            options(&[("properties", receive_max.into())]),
            "option properties.receiveMaximum must be a whole number from 0 to 65535, not 70000",
        ),
        (
            options(&[("properties", user_properties.into())]),
            "properties.userProperties.a must be a string",
        ),
        (options(&[("transformWsUrl", "x".into())]), "option transformWsUrl must be a function"),
        ("not an object".into(), "options must be an object"),
    ];
    for (opts, expected) in cases {
        let err = connect(BROKER.into(), opts).err().expect("refused");
        let message = get(&err, "message").as_string().unwrap();
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        assert_eq!(
            get(&err, "code").as_string().as_deref(),
            Some("ERR_INVALID_OPTION")
        );
    }
}

#[wasm_bindgen_test]
async fn refused_connection_emits_error_with_reason() {
    // An authentication method mosquitto has no plugin for: CONNACK 0x8C.
    let log = Log::default();
    let properties = options(&[("authenticationMethod", "SCRAM-SHA-512".into())]);
    let opts = options(&[
        ("protocolVersion", 5.into()),
        ("properties", properties),
        ("reconnectPeriod", 0.into()),
    ]);
    let _client = record(connect(BROKER.into(), opts).expect("connect"), &log);
    until(&log, "error", |s| !s.errors.is_empty()).await;
    let err = log.borrow().errors[0].clone();
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("ERR_CONNECTION_REFUSED")
    );
    assert_eq!(get(&err, "reasonCode").as_f64(), Some(f64::from(0x8C)));
    until(&log, "close", |s| s.events.contains(&"close".to_string())).await;
}

#[wasm_bindgen_test]
async fn reconnects_after_the_connection_drops_and_resubscribes() {
    let log = Log::default();
    let opts = options(&[
        ("protocolVersion", 4.into()),
        ("reconnectPeriod", 100.into()),
    ]);
    let client = record(connect(BROKER.into(), opts).expect("connect"), &log);
    until(&log, "connect", |s| {
        s.events.iter().filter(|e| *e == "connect").count() == 1
    })
    .await;
    let topic = unique("reconnect");
    JsFuture::from(subscribe_async(
        &client,
        topic.clone().into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    // Take the client id over from a second connection: mosquitto drops the first.
    let id = get(&client.options(), "clientId");
    let thief_log = Log::default();
    let thief = record(
        connect(
            BROKER.into(),
            options(&[("clientId", id), ("reconnectPeriod", 0.into())]),
        )
        .unwrap(),
        &thief_log,
    );
    until(&log, "offline", |s| {
        s.events.contains(&"offline".to_string())
    })
    .await;
    JsFuture::from(end_async(&thief, true.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    until(&log, "reconnect and second connect", |s| {
        s.events.contains(&"reconnect".to_string())
            && s.events.iter().filter(|e| *e == "connect").count() >= 2
    })
    .await;
    // The subscription was renewed on the new (clean) session.
    JsFuture::from(publish_async(
        &client,
        topic.clone().into(),
        "back".into(),
        options(&[("qos", 1.into())]),
    ))
    .await
    .unwrap();
    until(&log, "message after reconnect", |s| {
        s.messages.iter().any(|(t, _, _)| *t == topic)
    })
    .await;
    JsFuture::from(end_async(&client, true.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn broker_urls_as_mqttjs_reads_them_in_a_browser() {
    for (url, expected) in [
        ("not-a-url", "has no protocol"),
        (
            "ftp://127.0.0.1/mqtt",
            "protocol \"ftp\" is not ws, wss, mqtt or mqtts",
        ),
    ] {
        let err = connect(url.into(), JsValue::UNDEFINED).err().expect(url);
        let message = get(&err, "message").as_string().unwrap();
        assert!(message.contains(expected), "{url}: {message}");
    }
    // mqtt:// means ws:// in a browser, as in MQTT.js.
    let log = Log::default();
    let url = BROKER.replacen("ws://", "mqtt://", 1);
    let client = record(connect(url.into(), JsValue::UNDEFINED).unwrap(), &log);
    until(&log, "connect over mqtt://", |s| {
        s.events.contains(&"connect".to_string())
    })
    .await;
    JsFuture::from(end_async(&client, true.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn stats_show_buffered_amount_and_the_time_to_the_next_attempt() {
    let log = Log::default();
    // Nothing listens on port 1: every attempt fails, and the next is 3 s away.
    let opts = options(&[("reconnectPeriod", 3000.into())]);
    let client = record(connect("ws://127.0.0.1:1/mqtt".into(), opts).unwrap(), &log);
    let stat = |name: &str| get(&client.stats(), name);
    assert_eq!(stat("reconnectIn"), JsValue::NULL, "nothing scheduled yet");
    until(&log, "close", |s| s.events.contains(&"close".to_string())).await;
    let first = stat("reconnectIn")
        .as_f64()
        .expect("a number once scheduled");
    assert!((2000.0..=3000.0).contains(&first), "{first}");
    TimeoutFuture::new(300).await;
    let later = stat("reconnectIn").as_f64().unwrap();
    assert!(
        later < first && later >= first - 1000.0,
        "{first} then {later}"
    );
    assert_eq!(stat("bufferedAmount").as_f64(), Some(0.0));
    client
        .end(true.into(), JsValue::UNDEFINED, JsValue::UNDEFINED)
        .unwrap();
    until(&log, "end", |s| s.events.contains(&"end".to_string())).await;
    assert_eq!(
        stat("reconnectIn"),
        JsValue::NULL,
        "ended: nothing scheduled"
    );
}

#[wasm_bindgen_test]
async fn per_filter_handlers_and_async_iterator_pull_from_the_queue() {
    let log = Log::default();
    // Backpressure with a queue of 4: the broker may only have 4 unacknowledged QoS 1
    // messages out at a time, so the iterator's pace is the broker's.
    let queue = options(&[("maxMessages", 4.into()), ("policy", "backpressure".into())]);
    let opts = options(&[
        ("protocolVersion", 5.into()),
        ("reconnectPeriod", 0.into()),
        ("inboundQueue", queue),
    ]);
    let client = connect(BROKER.into(), opts).expect("connect");
    let l = log.clone();
    let on_connect =
        Closure::<dyn FnMut()>::new(move || l.borrow_mut().events.push("connect".into()));
    client.on("connect", on_connect.into_js_value().unchecked_into());
    until(&log, "connect", |s| !s.events.is_empty()).await;

    let topic = unique("pull");
    let handled = Rc::new(RefCell::new(Vec::<String>::new()));
    let h = handled.clone();
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |t: JsValue| {
        h.borrow_mut().push(t.as_string().unwrap())
    });
    let remove = client
        .on_message(
            format!("{topic}/odd/+"),
            handler.into_js_value().unchecked_into(),
        )
        .expect("handler");
    let iterator = client
        .messages(Some(format!("{topic}/#")))
        .expect("iterator");
    JsFuture::from(subscribe_async(
        &client,
        format!("{topic}/#").into(),
        options(&[("qos", 1.into())]),
    ))
    .await
    .unwrap();
    for i in 0..10 {
        let sub = if i % 2 == 1 { "odd" } else { "even" };
        client
            .publish(
                format!("{topic}/{sub}/{i}").into(),
                format!("{i}").into(),
                options(&[("qos", 1.into())]),
                JsValue::UNDEFINED,
            )
            .unwrap();
    }
    let next: Function = get(&iterator, "next").unchecked_into();
    let mut got = Vec::new();
    for _ in 0..10 {
        let result = JsFuture::from(
            next.call0(&iterator)
                .unwrap()
                .unchecked_into::<js_sys::Promise>(),
        )
        .await
        .unwrap();
        assert_eq!(get(&result, "done").as_bool(), Some(false));
        let value = get(&result, "value");
        let payload = get(&value, "payload");
        let text: Function = get(&payload, "toString").unchecked_into();
        got.push(text.call0(&payload).unwrap().as_string().unwrap());
        let stats = client.stats();
        assert!(
            get(&stats, "inboundQueued").as_f64().unwrap() <= 4.0,
            "queue above its bound"
        );
    }
    assert_eq!(
        got,
        (0..10).map(|i| i.to_string()).collect::<Vec<_>>(),
        "order kept"
    );
    let handled_topics = handled.borrow().clone();
    assert_eq!(
        handled_topics.len(),
        5,
        "handler sees only odd topics: {handled_topics:?}"
    );
    remove.call0(&JsValue::NULL).unwrap();
    // return() ends the iterator: a later next() is done.
    let close: Function = get(&iterator, "return").unchecked_into();
    JsFuture::from(
        close
            .call0(&iterator)
            .unwrap()
            .unchecked_into::<js_sys::Promise>(),
    )
    .await
    .unwrap();
    let after = JsFuture::from(
        next.call0(&iterator)
            .unwrap()
            .unchecked_into::<js_sys::Promise>(),
    )
    .await
    .unwrap();
    assert_eq!(get(&after, "done").as_bool(), Some(true));
    JsFuture::from(end_async(&client, true.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn packetsend_and_packetreceive_show_the_packets_in_mqttjs_shapes() {
    let sent = Rc::new(RefCell::new(Vec::<String>::new()));
    let received = Rc::new(RefCell::new(Vec::<String>::new()));
    let opts = options(&[("protocolVersion", 4.into()), ("reconnectPeriod", 0.into())]);
    let client = connect(BROKER.into(), opts).expect("connect");
    let s = sent.clone();
    let on_send = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        s.borrow_mut().push(get(&p, "cmd").as_string().unwrap())
    });
    let r = received.clone();
    let on_receive = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        r.borrow_mut().push(get(&p, "cmd").as_string().unwrap())
    });
    client.on("packetsend", on_send.into_js_value().unchecked_into());
    client.on("packetreceive", on_receive.into_js_value().unchecked_into());
    let deadline = Date::now() + 5000.0;
    while !client.connected() {
        assert!(Date::now() < deadline, "no connection");
        TimeoutFuture::new(5).await;
    }
    let topic = unique("trace");
    JsFuture::from(subscribe_async(
        &client,
        format!("{topic}/none").into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    JsFuture::from(publish_async(
        &client,
        topic.into(),
        "x".into(),
        options(&[("qos", 1.into())]),
    ))
    .await
    .unwrap();
    JsFuture::from(end_async(&client, JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(
        *sent.borrow(),
        vec!["connect", "subscribe", "publish", "disconnect"]
    );
    assert_eq!(*received.borrow(), vec!["connack", "suback", "puback"]);
}

#[wasm_bindgen_test]
async fn end_before_the_connection_is_up_never_connects() {
    let log = Log::default();
    let opts = options(&[
        ("protocolVersion", 4.into()),
        ("reconnectPeriod", 50.into()),
    ]);
    let client = record(connect(BROKER.into(), opts).expect("connect"), &log);
    // Before the first microtask opened the socket.
    JsFuture::from(end_async(&client, JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .expect("end");
    until(&log, "end", |s| s.events.contains(&"end".to_string())).await;
    TimeoutFuture::new(300).await;
    let events = log.borrow().events.clone();
    assert!(
        !events.contains(&"connect".to_string()),
        "connected after end(): {events:?}"
    );
    assert!(
        !events.contains(&"reconnect".to_string()),
        "reconnected after end(): {events:?}"
    );
    assert!(!client.connected());
}

#[wasm_bindgen_test]
async fn byte_options_take_any_bytes_and_user_properties_keep_their_order() {
    let bytes: JsValue = js_sys::Uint8Array::from(&[0xffu8, 0x80, 0x00][..]).into();
    let users = options(&[("zeta", "1".into()), ("alpha", "2".into())]);
    let will = options(&[
        ("topic", unique("will").into()),
        ("payload", bytes.clone()),
        (
            "properties",
            options(&[
                ("userProperties", users.clone()),
                ("correlationData", bytes.clone()),
            ]),
        ),
    ]);
    let opts = options(&[
        ("protocolVersion", 5.into()),
        ("password", bytes),
        ("username", "u".into()),
        ("will", will),
        ("manualConnect", true.into()),
    ]);
    connect(BROKER.into(), opts)
        .expect("non-UTF-8 bytes are accepted where MQTT.js takes a Buffer");
    // Order kept: the PUBLISH a peer receives lists zeta before alpha.
    let (client, log) = connected(5).await;
    let topic = unique("order");
    JsFuture::from(subscribe_async(
        &client,
        topic.clone().into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let publish_opts = options(&[
        ("qos", 1.into()),
        ("properties", options(&[("userProperties", users)])),
    ]);
    JsFuture::from(publish_async(
        &client,
        topic.clone().into(),
        "x".into(),
        publish_opts,
    ))
    .await
    .unwrap();
    until(&log, "message", |s| !s.messages.is_empty()).await;
    let packet = log.borrow().messages[0].2.clone();
    let received = get(&get(&packet, "properties"), "userProperties");
    let keys: Vec<String> = js_sys::Object::keys(received.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(keys, vec!["zeta", "alpha"]);
    JsFuture::from(end_async(&client, true.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn transform_ws_url_rewrites_each_attempt_sync_and_async() {
    for asynchronous in [false, true] {
        let log = Log::default();
        let calls = Rc::new(RefCell::new(Vec::<String>::new()));
        let c = calls.clone();
        let transform = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |url: JsValue| {
            c.borrow_mut().push(url.as_string().unwrap_or_default());
            // The URL given to connect() leads nowhere: the function supplies the broker's,
            // as a signed-URL function does per attempt.
            let real: JsValue = BROKER.into();
            if asynchronous {
                js_sys::Promise::resolve(&real).into()
            } else {
                real
            }
        });
        let opts = options(&[
            ("reconnectPeriod", 0.into()),
            ("transformWsUrl", transform.into_js_value()),
        ]);
        let client = record(
            connect("ws://127.0.0.1:9/nowhere".into(), opts).expect("connect"),
            &log,
        );
        until(&log, "connect", |s| {
            s.events.contains(&"connect".to_string())
        })
        .await;
        assert_eq!(
            *calls.borrow(),
            vec!["ws://127.0.0.1:9/nowhere".to_string()]
        );
        JsFuture::from(end_async(&client, true.into(), JsValue::UNDEFINED))
            .await
            .unwrap();
    }
}

#[wasm_bindgen_test]
async fn transform_ws_url_rejected_promise_is_an_error_event() {
    let log = Log::default();
    let transform = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |_url: JsValue| {
        js_sys::Promise::reject(&"no signed URL today".into()).into()
    });
    let opts = options(&[
        ("reconnectPeriod", 0.into()),
        ("transformWsUrl", transform.into_js_value()),
    ]);
    let client = record(connect(BROKER.into(), opts).expect("connect"), &log);
    until(&log, "error", |s| !s.errors.is_empty()).await;
    let err = log.borrow().errors[0].clone();
    let message = get(&err, "message").as_string().unwrap_or_default();
    assert!(
        message.contains("transformWsUrl did not give a URL"),
        "{message:?}"
    );
    assert!(!client.connected());
    JsFuture::from(end_async(&client, true.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
}
