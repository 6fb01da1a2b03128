//! Where received messages go: `message` listeners (MQTT.js), per-filter handlers, and
//! `messages(filter)` async iterators that pull from the session's bounded queue. With only
//! iterators, a message is taken from the queue when an iterator asks for one: under the
//! `backpressure` policy the broker then waits for the application, not the other way round.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::codec::{topic_matches, Publish};

/// A handler for the messages matching one filter.
pub(crate) struct Handler {
    pub(crate) id: u32,
    pub(crate) filter: String,
    pub(crate) callback: Function,
}

/// The state of one `messages(filter)` iterator.
pub(crate) struct Stream {
    pub(crate) filter: Option<String>,
    /// Messages that arrived while nobody waited (only when listeners also take messages).
    pub(crate) buffered: VecDeque<JsValue>,
    /// The `resolve` of a pending `next()`.
    pub(crate) waiting: Option<Function>,
    pub(crate) closed: bool,
    pub(crate) capacity: usize,
}

pub(crate) type StreamRef = Rc<RefCell<Stream>>;

impl Stream {
    fn matches(&self, topic: &str) -> bool {
        self.filter
            .as_deref()
            .is_none_or(|f| topic_matches(f, topic))
    }
}

/// Every consumer of messages.
#[derive(Default)]
pub(crate) struct Routes {
    pub(crate) handlers: Vec<Handler>,
    pub(crate) streams: Vec<StreamRef>,
    next_id: u32,
}

/// The JS calls delivering one message, to run once no state is borrowed.
pub(crate) enum Delivery {
    Call(Function, Array),
    Resolve(Function, JsValue),
}

fn iter_result(value: &JsValue, done: bool) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"value".into(), value);
    let _ = Reflect::set(&o, &"done".into(), &done.into());
    o.into()
}

impl Routes {
    pub(crate) fn add_handler(&mut self, filter: String, callback: Function) -> u32 {
        self.next_id += 1;
        self.handlers.push(Handler {
            id: self.next_id,
            filter,
            callback,
        });
        self.next_id
    }

    pub(crate) fn remove_handler(&mut self, id: u32) {
        self.handlers.retain(|h| h.id != id);
    }

    /// Whether messages are pushed to someone as soon as they arrive.
    pub(crate) fn has_push_consumers(&self) -> bool {
        !self.handlers.is_empty()
    }

    /// Whether an iterator waits for a message.
    pub(crate) fn has_waiting_stream(&self) -> bool {
        self.streams.iter().any(|s| s.borrow().waiting.is_some())
    }

    /// Routes a message to the handlers and iterators whose filter matches it.
    pub(crate) fn route(&mut self, publish: &Publish<'_>, out: &mut Vec<Delivery>, args: &Array) {
        let topic = publish.topic.as_ref();
        for h in &self.handlers {
            if topic_matches(&h.filter, topic) {
                out.push(Delivery::Call(h.callback.clone(), args.clone()));
            }
        }
        self.streams.retain(|s| !s.borrow().closed);
        if self.streams.is_empty() {
            return;
        }
        let item = Object::new();
        let _ = Reflect::set(&item, &"topic".into(), &args.get(0));
        let _ = Reflect::set(&item, &"payload".into(), &args.get(1));
        let _ = Reflect::set(&item, &"packet".into(), &args.get(2));
        let item: JsValue = item.into();
        for s in &self.streams {
            let mut s = s.borrow_mut();
            if !s.matches(topic) {
                continue;
            }
            match s.waiting.take() {
                Some(resolve) => out.push(Delivery::Resolve(resolve, iter_result(&item, false))),
                None => {
                    if s.buffered.len() >= s.capacity {
                        s.buffered.pop_front();
                    }
                    s.buffered.push_back(item.clone());
                }
            }
        }
    }
}

/// `next()` of an iterator: a buffered message now, or a Promise resolved by the driver.
pub(crate) fn next(stream: &StreamRef) -> js_sys::Promise {
    let mut s = stream.borrow_mut();
    if let Some(item) = s.buffered.pop_front() {
        return js_sys::Promise::resolve(&iter_result(&item, false));
    }
    if s.closed {
        return js_sys::Promise::resolve(&iter_result(&JsValue::UNDEFINED, true));
    }
    let mut resolver = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolver = Some(resolve));
    s.waiting = resolver;
    promise
}

/// `return()` of an iterator: ends it; a pending `next()` resolves as done.
pub(crate) fn close(stream: &StreamRef) -> Option<Delivery> {
    let mut s = stream.borrow_mut();
    s.closed = true;
    s.buffered.clear();
    s.waiting
        .take()
        .map(|resolve| Delivery::Resolve(resolve, iter_result(&JsValue::UNDEFINED, true)))
}

/// The async-iterator object handed to JavaScript: `next`, `return`, and
/// `[Symbol.asyncIterator]` returning itself, so `for await` works.
pub(crate) fn iterator_object(
    next: impl FnMut() -> js_sys::Promise + 'static,
    close: impl FnMut() -> js_sys::Promise + 'static,
) -> Object {
    let o = Object::new();
    let mut next = next;
    let next = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
        if super::panic::happened() {
            return js_sys::Promise::reject(&super::panic::error());
        }
        next()
    })
    .into_js_value();
    let mut close = close;
    let close = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
        if super::panic::happened() {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        close()
    })
    .into_js_value();
    let this = o.clone();
    let me = Closure::<dyn FnMut() -> JsValue>::new(move || this.clone().into()).into_js_value();
    let _ = Reflect::set(&o, &"next".into(), &next);
    let _ = Reflect::set(&o, &"return".into(), &close);
    let _ = Reflect::set(&o, &js_sys::Symbol::async_iterator().into(), &me);
    o
}
