//! Drives a [`Session`] from the browser: socket events and timer ticks become `handle_*`
//! calls; then the session's outputs are drained: the bytes of one turn go out as one
//! WebSocket message, events become JavaScript callbacks (called with no borrow held, so
//! they may call the client again), and one timer is armed for the next deadline.

use crate::session::sorted_map::SortedMap;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use crate::codec::{Framer, Properties, ReasonCode};
use crate::session::{Event, Session, SessionError, State, Token};

use super::convert;
use super::delivery::{Delivery, Routes};
use super::emitter::{report_exception, Emitter};
use super::errors::{js_error, session_error, ErrorCode};
use super::options::ClientOptions;
use super::socket::{Socket, SocketEvent};
use super::task::Task;
use super::timer::Timer;

#[wasm_bindgen]
extern "C" {
    /// A promise, seen only through `then`.
    type Thenable;
    /// `then(onFulfilled, onRejected)`, with handlers made by `Closure::once_into_js`.
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue);
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// How a command's completion reaches the application: its `(error, result)` callback, if it
/// gave one (the `...Async` forms are Promises over it, made in js/client.js).
pub(crate) type Done = Option<Function>;

/// What a pending command was, to shape its result.
pub(crate) enum Waiting {
    Publish,
    Subscribe(Vec<String>),
    Unsubscribe,
}

/// A JavaScript call to make once the state is no longer borrowed.
pub(crate) enum Action {
    Emit(&'static str, Array),
    Complete(Done, Result<JsValue, JsValue>),
    Call(Function, Array),
}

impl Action {
    fn run(self, emitter: &Emitter) {
        match self {
            Action::Emit(event, args) => {
                let had_listener = emitter.emit(&JsValue::UNDEFINED, event, &args);
                // Like Node's EventEmitter: an 'error' nobody listens to is not swallowed.
                if event == "error" && !had_listener {
                    report_exception(&args.get(0));
                }
            }
            Action::Call(f, args) => {
                if let Err(e) = f.apply(&JsValue::NULL, &args) {
                    report_exception(&e);
                }
            }
            Action::Complete(done, result) => {
                let call = match (done, result) {
                    (Some(f), Ok(v)) => f.call2(&JsValue::NULL, &JsValue::NULL, &v),
                    (Some(f), Err(e)) => f.call1(&JsValue::NULL, &e),
                    (None, _) => Ok(JsValue::UNDEFINED),
                };
                if let Err(e) = call {
                    report_exception(&e);
                }
            }
        }
    }
}

/// The client's state, shared by its JavaScript handle, its socket and its timer.
pub(crate) struct Shared {
    pub(crate) inner: RefCell<Inner>,
    pub(crate) emitter: Emitter,
}

pub(crate) struct Inner {
    pub(crate) session: Session,
    pub(crate) opts: ClientOptions,
    pub(crate) options_js: JsValue,
    socket: Option<Socket>,
    /// Counts sockets: events of a replaced socket are ignored.
    socket_epoch: u64,
    server_index: usize,
    timer: Option<(u64, Timer)>,
    pub(crate) waiting: SortedMap<Token, (Waiting, Done)>,
    pub(crate) end_callbacks: Vec<Done>,
    /// `end()` without force: DISCONNECT once nothing is in flight.
    pub(crate) ending: Option<(ReasonCode, Properties<'static>)>,
    pub(crate) ended: bool,
    flush_scheduled: bool,
    /// When the last WebSocket message was sent (ms): another write due within a millisecond
    /// of it waits for `write_task`.
    last_write: u64,
    /// Set while `write_task` is queued: the session's bytes wait for it.
    write_deferred: bool,
    /// Writes from a task of its own when busy (created on first use).
    write_task: Option<Task>,
    /// Scratch for each incoming WebSocket message's bytes, reused.
    incoming: Vec<u8>,
    write_blocked: bool,
    offline: bool,
    was_outgoing_empty: bool,
    /// Set while reconnecting: between losing a connection and the next CONNACK.
    pub(crate) reconnecting: bool,
    pub(crate) actions: Vec<Action>,
    pub(crate) routes: Routes,
    /// Decodes what arrives a second time while someone listens to `packetreceive`.
    pub(crate) trace_receive: Option<Framer>,
}

impl Inner {
    /// Bytes the WebSocket holds that the network has not taken yet.
    pub(crate) fn buffered_amount(&self) -> u32 {
        self.socket.as_ref().map_or(0, Socket::buffered_amount)
    }

    /// Milliseconds until the next connection attempt, while one is scheduled.
    pub(crate) fn reconnect_in(&self) -> Option<u64> {
        // The session's only deadline while disconnected is the next attempt.
        if self.ended || self.session.state() != State::Disconnected {
            return None;
        }
        self.session
            .poll_timeout()
            .map(|at| at.saturating_sub(now()))
    }

    pub(crate) fn new(opts: ClientOptions, options_js: JsValue) -> Inner {
        Inner {
            session: Session::new(opts.session.clone()),
            opts,
            options_js,
            socket: None,
            socket_epoch: 0,
            server_index: 0,
            timer: None,
            waiting: SortedMap::new(),
            end_callbacks: Vec::new(),
            ending: None,
            ended: false,
            flush_scheduled: false,
            last_write: 0,
            write_deferred: false,
            write_task: None,
            incoming: Vec::new(),
            write_blocked: false,
            offline: false,
            was_outgoing_empty: true,
            reconnecting: false,
            actions: Vec::new(),
            routes: Routes::default(),
            trace_receive: None,
        }
    }

    pub(crate) fn emit(&mut self, event: &'static str, args: Array) {
        self.actions.push(Action::Emit(event, args));
    }

    pub(crate) fn is_socket_open(&self) -> bool {
        self.socket.is_some()
    }

    /// Closes the socket, if any; its later events are ignored.
    pub(crate) fn drop_socket(&mut self) {
        self.socket = None;
        self.socket_epoch += 1;
    }
}

/// Runs `f` on the state, then drains the session and runs the callbacks it produced.
pub(crate) fn with<R>(shared: &Rc<Shared>, f: impl FnOnce(&mut Inner) -> R) -> R {
    let r = f(&mut shared.inner.borrow_mut());
    drive(shared);
    r
}

/// Like [`with`], but leaves the draining to a microtask: packets produced by several calls
/// in one turn of the event loop go out as one WebSocket message.
pub(crate) fn with_batched<R>(shared: &Rc<Shared>, f: impl FnOnce(&mut Inner) -> R) -> R {
    let r = f(&mut shared.inner.borrow_mut());
    let schedule = {
        let mut inner = shared.inner.borrow_mut();
        !core::mem::replace(&mut inner.flush_scheduled, true)
    };
    if schedule {
        let weak = Rc::downgrade(shared);
        queue_microtask(move || {
            if let Some(shared) = weak.upgrade() {
                shared.inner.borrow_mut().flush_scheduled = false;
                drive(&shared);
            }
        });
    }
    r
}

/// Runs `f` in a microtask: after the current JavaScript task, before any other event.
pub(crate) fn queue_microtask(f: impl FnOnce() + 'static) {
    let task = Closure::once_into_js(move || {
        if !super::panic::happened() {
            f()
        }
    });
    // `Promise.resolve().then(task)`, called through Reflect: the function form of `then`.
    let promise = Promise::resolve(&JsValue::UNDEFINED);
    if let Ok(then) = js_sys::Reflect::get(&promise, &"then".into()) {
        if let Some(then) = then.dyn_ref::<Function>() {
            let _ = then.call1(&promise, &task);
        }
    }
}

/// Drains the session until it has nothing more to say.
pub(crate) fn drive(shared: &Rc<Shared>) {
    // Each round may run callbacks that call the client again; a bound keeps a pathological
    // callback loop from hanging the page.
    for _ in 0..1000 {
        let actions = {
            let mut inner = shared.inner.borrow_mut();
            step(shared, &mut inner);
            core::mem::take(&mut inner.actions)
        };
        if actions.is_empty() {
            return;
        }
        for action in actions {
            action.run(&shared.emitter);
        }
    }
}

fn step(shared: &Rc<Shared>, inner: &mut Inner) {
    let now = now();
    loop {
        flush(shared, inner, now);
        let mut progressed = false;
        while let Some(event) = inner.session.poll_event() {
            progressed = true;
            on_session_event(shared, inner, event);
        }
        progressed |= deliver_messages(shared, inner, now);
        let empty = inner.session.is_outgoing_empty();
        // MQTT.js's `outgoingEmpty`: while end() waits for the messages in flight, the last
        // of them is done (and then the client disconnects).
        if empty && !inner.was_outgoing_empty && inner.ending.is_some() {
            inner.emit("outgoingEmpty", Array::new());
        }
        inner.was_outgoing_empty = empty;
        if let Some((reason, props)) = inner.ending.take() {
            if empty || inner.session.state() != State::Connected {
                inner.session.disconnect(now, reason, props);
                progressed = true;
            } else {
                inner.ending = Some((reason, props));
            }
        }
        if !progressed {
            break;
        }
    }
    flush(shared, inner, now);
    arm_timer(shared, inner, now);
}

/// Takes messages from the session's queue while someone consumes them: listeners and
/// handlers take every message; iterators alone take one per pending `next()`.
fn deliver_messages(shared: &Rc<Shared>, inner: &mut Inner, now: u64) -> bool {
    let listeners = shared.emitter.has("message");
    let push = listeners || inner.routes.has_push_consumers();
    let mut delivered = false;
    while push || inner.routes.has_waiting_stream() {
        let Some(publish) = inner.session.take_message(now) else {
            break;
        };
        delivered = true;
        let args = convert::message_args(&publish);
        let mut out = Vec::new();
        inner.routes.route(&publish, &mut out, &args);
        if listeners {
            inner.emit("message", args);
        }
        for d in out {
            inner.actions.push(match d {
                Delivery::Call(f, a) => Action::Call(f, a),
                Delivery::Resolve(f, v) => Action::Call(f, Array::of1(&v)),
            });
        }
    }
    delivered
}

/// Emits `packetsend` for each packet of the message being written: the session keeps a copy
/// of each while someone listens (nothing is decoded again).
fn trace_send(shared: &Rc<Shared>, inner: &mut Inner) {
    let sent = inner.session.take_sent();
    if sent.is_empty() {
        return;
    }
    if !shared.emitter.has("packetsend") {
        // The last listener went away: the session stops keeping copies.
        inner.session.set_trace_sent(false);
        return;
    }
    let version = inner.session.protocol();
    for packet in &sent {
        let object = convert::packet_object(packet, version);
        inner.emit("packetsend", Array::of1(&object));
    }
}

/// Writes what the session produced, as one message. Each incoming WebSocket message is a task
/// of its own, so writing at the end of each would send one message per packet received (the
/// PUBACK of each, the reply a message handler publishes). So when a message went out within
/// the last millisecond, the write waits for a task queued behind the events already waiting,
/// and everything they produce goes out together. An idle connection writes at once.
fn flush(shared: &Rc<Shared>, inner: &mut Inner, now: u64) {
    if inner.write_deferred {
        return;
    }
    if !inner.session.has_transmit() {
        check_drain(inner, now);
        return;
    }
    if now <= inner.last_write.saturating_add(1) && defer_write(shared, inner) {
        return;
    }
    write(shared, inner, now);
}

/// Queues the write task; false if it cannot run (no `MessageChannel`): then write now.
fn defer_write(shared: &Rc<Shared>, inner: &mut Inner) -> bool {
    if inner.write_task.is_none() {
        let weak = Rc::downgrade(shared);
        inner.write_task = Task::new(move || {
            if let Some(shared) = weak.upgrade() {
                with(&shared, |inner| {
                    inner.write_deferred = false;
                    write(&shared, inner, now());
                });
            }
        });
    }
    inner.write_deferred = inner.write_task.as_ref().is_some_and(Task::post);
    inner.write_deferred
}

/// Sends the session's bytes as one WebSocket message; watches `bufferedAmount`.
fn write(shared: &Rc<Shared>, inner: &mut Inner, now: u64) {
    let Some(bytes) = inner.session.poll_transmit() else {
        return;
    };
    inner.last_write = now;
    trace_send(shared, inner);
    let Some(socket) = &inner.socket else { return };
    // A failed send means the socket is closing; its close event follows.
    let _ = socket.send(&bytes);
    if socket.buffered_amount() > inner.opts.write_high_watermark {
        inner.write_blocked = true;
        inner.session.set_write_blocked(now, true);
    }
}

fn check_drain(inner: &mut Inner, now: u64) {
    if !inner.write_blocked {
        return;
    }
    let drained = inner
        .socket
        .as_ref()
        .is_none_or(|s| s.buffered_amount() <= inner.opts.write_high_watermark / 2);
    if drained {
        inner.write_blocked = false;
        inner.session.set_write_blocked(now, false);
        inner.emit("drain", Array::new());
    }
}

fn arm_timer(shared: &Rc<Shared>, inner: &mut Inner, at: u64) {
    let mut deadline = inner.session.poll_timeout();
    if inner.write_blocked {
        // No event says bufferedAmount fell: look again soon.
        let poll = at + 20;
        deadline = Some(deadline.map_or(poll, |d| d.min(poll)));
    }
    match (deadline, &inner.timer) {
        (None, _) => inner.timer = None,
        // The keepalive deadline moves with every packet sent; re-arming each time cost two
        // messages to the timer Worker per send. A timer due no later than the deadline is
        // kept: when it fires early the session finds nothing due, and this re-arms.
        (Some(d), Some((armed, _))) if *armed <= d => {}
        (Some(d), _) => {
            let weak = Rc::downgrade(shared);
            let ms = d.saturating_sub(at).min(u64::from(u32::MAX)) as u32;
            let timer = Timer::after(inner.opts.timer_variant, ms, move || {
                if let Some(shared) = weak.upgrade() {
                    with(&shared, |inner| {
                        inner.timer = None;
                        inner.session.handle_timeout(now());
                    });
                }
            });
            inner.timer = Some((d, timer));
        }
    }
}

fn complete(inner: &mut Inner, token: Token, result: Result<JsValue, JsValue>) {
    if let Some((_, done)) = inner.waiting.remove(&token) {
        inner.actions.push(Action::Complete(done, result));
    }
}

fn on_session_event(shared: &Rc<Shared>, inner: &mut Inner, event: Event) {
    let version = inner.session.protocol();
    match event {
        Event::Connected(connack) => {
            inner.reconnecting = false;
            inner.offline = false;
            let packet = convert::connack_packet(&connack, version);
            inner.emit("connect", Array::of1(&packet));
        }
        Event::SessionNotResumed { .. } => {}
        Event::PublishComplete {
            token,
            pid,
            reason_code,
        } => {
            let result = match inner.waiting.get(&token) {
                // Nobody waits (a publish without callback): no packet object to build.
                Some((_, None)) => Ok(JsValue::UNDEFINED),
                Some((Waiting::Publish, _)) => {
                    let rc = version.is_v5().then_some(reason_code.value());
                    let id = pid.map(crate::codec::Pid::get);
                    Ok(convert::ack_packet("publish", id, rc).into())
                }
                _ => Ok(JsValue::UNDEFINED),
            };
            complete(inner, token, result);
        }
        Event::PublishFailed { token, error } | Event::RequestFailed { token, error } => {
            complete(inner, token, Err(session_error(&error)));
        }
        Event::Subscribed {
            token: Some(token),
            pid,
            reason_codes,
        } => {
            let codes: Array = reason_codes
                .iter()
                .map(|rc| JsValue::from(rc.value()))
                .collect();
            // MQTT.js's third argument: the SUBACK, `granted` its reason codes.
            let packet = convert::ack_packet("suback", Some(pid.get()), None);
            let _ = js_sys::Reflect::set(&packet, &"granted".into(), &codes);
            let granted = Array::new();
            if let Some((Waiting::Subscribe(topics), _)) = inner.waiting.get(&token) {
                for (topic, rc) in topics.iter().zip(&reason_codes) {
                    let g = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&g, &"topic".into(), &topic.as_str().into());
                    let _ = js_sys::Reflect::set(&g, &"qos".into(), &rc.value().into());
                    granted.push(&g);
                }
            }
            // As MQTT.js 5: a refused filter fails the call (ERR_REJECTED with the first
            // refusal's `reasonCode`); the callback still gets the grants as its second
            // argument, a refusal's `qos` being its reason code (0x80 and up).
            let err = match reason_codes.iter().find(|rc| rc.is_error()) {
                None => JsValue::NULL,
                Some(rc) => session_error(&SessionError::Rejected(*rc)),
            };
            if let Some((_, Some(f))) = inner.waiting.remove(&token) {
                inner
                    .actions
                    .push(Action::Call(f, Array::of3(&err, &granted, &packet)));
            }
        }
        Event::Subscribed { token: None, .. } => {}
        Event::Unsubscribed {
            token,
            pid,
            reason_codes,
        } => {
            let packet = convert::ack_packet("unsuback", Some(pid.get()), None);
            let codes: Array = reason_codes
                .iter()
                .map(|rc| JsValue::from(rc.value()))
                .collect();
            let _ = js_sys::Reflect::set(&packet, &"reasonCodes".into(), &codes);
            complete(inner, token, Ok(packet.into()));
        }
        Event::Auth {
            reason_code,
            properties,
        } => {
            let packet = convert::ack_packet("auth", None, Some(reason_code.value()));
            if let Some(p) = convert::properties(&properties) {
                let _ = js_sys::Reflect::set(&packet, &"properties".into(), &p);
            }
            inner.emit("auth", Array::of1(&packet));
        }
        Event::Disconnected {
            error,
            reconnect_in,
        } => {
            // What the session said last (a DISCONNECT) goes out before the socket closes.
            write(shared, inner, now());
            inner.socket = None;
            inner.socket_epoch += 1;
            inner.write_blocked = false;
            match &error {
                SessionError::Closed | SessionError::TransportClosed => {}
                SessionError::ServerDisconnected { reason_code, .. } => {
                    let packet = convert::ack_packet("disconnect", None, Some(reason_code.value()));
                    inner.emit("disconnect", Array::of1(&packet));
                }
                other => inner.emit("error", Array::of1(&session_error(other))),
            }
            // `offline` before `close`, in MQTT.js's order (its own `close` listener, which
            // runs first, emits `offline`).
            if reconnect_in.is_some() {
                inner.reconnecting = true;
                if !inner.offline {
                    inner.offline = true;
                    inner.emit("offline", Array::new());
                }
            }
            inner.emit("close", Array::new());
            if matches!(error, SessionError::Closed) {
                inner.ended = true;
                inner.reconnecting = false;
                inner.timer = None;
                for done in core::mem::take(&mut inner.end_callbacks) {
                    inner
                        .actions
                        .push(Action::Complete(done, Ok(JsValue::UNDEFINED)));
                }
                inner.emit("end", Array::new());
            }
        }
        Event::ReconnectDue { .. } => {
            inner.reconnecting = true;
            inner.emit("reconnect", Array::new());
            open_next(shared, inner);
        }
    }
}

/// Opens a socket to the next server (rotating through `servers`), through
/// `transformWsUrl` when given (which may return a Promise, e.g. to sign the URL).
pub(crate) fn open_next(shared: &Rc<Shared>, inner: &mut Inner) {
    if inner.ended {
        return;
    }
    let count = inner.opts.servers.len().max(1);
    let url = inner
        .opts
        .servers
        .get(inner.server_index % count)
        .cloned()
        .unwrap_or_default();
    inner.server_index = (inner.server_index + 1) % count;
    inner.socket_epoch += 1;
    let epoch = inner.socket_epoch;
    let Some(transform) = inner.opts.transform_ws_url.clone() else {
        open_url(shared, inner, &url, epoch);
        return;
    };
    let options = inner.options_js.clone();
    let weak = Rc::downgrade(shared);
    // Called from a microtask, with no state borrowed: the function may use the client.
    queue_microtask(move || {
        let Some(shared) = weak.upgrade() else { return };
        match transform.call2(&JsValue::NULL, &url.as_str().into(), &options) {
            Ok(result) if result.has_type::<Promise>() => {
                // Plain `then` handlers rather than a future: no executor in the download. Each
                // is freed when called; the one never called, when the promise is collected.
                let settle = |weak: Weak<Shared>, fulfilled: bool| {
                    Closure::once_into_js(move |value: JsValue| {
                        let Some(shared) = weak.upgrade() else { return };
                        let url = if fulfilled { value.as_string() } else { None };
                        open_transformed(&shared, epoch, url);
                    })
                };
                let promise: &Thenable = result.unchecked_ref();
                promise.then(&settle(weak.clone(), true), &settle(weak, false));
            }
            Ok(result) => open_transformed(&shared, epoch, result.as_string()),
            Err(e) => with(&shared, |inner| {
                inner.emit("error", Array::of1(&e));
                inner.session.handle_disconnected(now());
            }),
        }
    });
}

/// Opens the URL `transformWsUrl` gave, unless the attempt was abandoned meanwhile.
fn open_transformed(shared: &Rc<Shared>, epoch: u64, url: Option<String>) {
    with(shared, |inner| {
        if inner.socket_epoch != epoch || inner.ended {
            return;
        }
        match url {
            Some(url) => open_url(shared, inner, &url, epoch),
            None => fail_open(inner, "transformWsUrl did not give a URL"),
        }
    });
}

fn fail_open(inner: &mut Inner, message: &str) {
    inner.emit(
        "error",
        Array::of1(&js_error(ErrorCode::InvalidOption, message)),
    );
    inner.session.handle_disconnected(now());
}

fn open_url(shared: &Rc<Shared>, inner: &mut Inner, url: &str, epoch: u64) {
    match super::options::credentials(&inner.options_js) {
        Ok((username, password)) => inner.session.set_credentials(username, password),
        Err(e) => {
            inner.emit("error", Array::of1(&e));
            inner.session.handle_disconnected(now());
            return;
        }
    }
    let weak: Weak<Shared> = Rc::downgrade(shared);
    let on_event = move |event: SocketEvent| {
        let Some(shared) = weak.upgrade() else { return };
        with(&shared, |inner| on_socket_event(inner, epoch, event));
    };
    match Socket::open(url, inner.opts.subprotocol, on_event) {
        Ok(socket) => inner.socket = Some(socket),
        Err(e) => {
            let message = e
                .as_string()
                .unwrap_or_else(|| alloc::format!("cannot open {url}"));
            inner.emit(
                "error",
                Array::of1(&js_error(ErrorCode::WebSocket, &message)),
            );
            inner.session.handle_disconnected(now());
        }
    }
}

/// Emits `packetreceive` for each whole packet in the stream (only when someone listens).
fn trace_receive(inner: &mut Inner, bytes: &[u8]) {
    let version = inner.session.protocol();
    let Some(framer) = inner.trace_receive.as_mut() else {
        return;
    };
    if framer.push(bytes).is_err() {
        return;
    }
    let mut objects = Vec::new();
    while let Some(Ok(packet)) = framer.next_server_packet() {
        objects.push(convert::packet_object(&packet, version));
    }
    for object in objects {
        inner.emit("packetreceive", Array::of1(&object));
    }
}

fn on_socket_event(inner: &mut Inner, epoch: u64, event: SocketEvent) {
    if epoch != inner.socket_epoch {
        return;
    }
    let now = now();
    match event {
        SocketEvent::Open => {
            if let Some(framer) = inner.trace_receive.as_mut() {
                framer.reset();
            }
            inner.session.handle_connected(now);
        }
        SocketEvent::Bytes(bytes) => {
            // Copied once into wasm memory, into a buffer reused from message to message (and
            // not zero-filled first): the framer copies what it keeps.
            let len = bytes.length() as usize;
            let mut incoming = core::mem::take(&mut inner.incoming);
            incoming.clear();
            incoming.reserve(len);
            // `reserve(len)` on the cleared buffer guarantees the spare room: never `None`.
            if let Some(spare) = incoming.spare_capacity_mut().get_mut(..len) {
                let received: &[u8] = bytes.copy_to_uninit(spare);
                trace_receive(inner, received);
                inner.session.handle_bytes(now, received);
            }
            // The buffer of an unusually large message is not kept for the small ones after it.
            if incoming.capacity() <= 128 * 1024 {
                inner.incoming = incoming;
            }
        }
        SocketEvent::Text => {
            // [MQTT-6.0.0-1]: a text frame is not MQTT; the connection must be closed.
            let err = js_error(ErrorCode::NonBinaryFrame, "the server sent a text frame");
            inner.emit("error", Array::of1(&err));
            inner.socket = None;
            inner.session.handle_disconnected(now);
        }
        SocketEvent::Closed => {
            inner.socket = None;
            inner.session.handle_disconnected(now);
        }
    }
}
