//! One-shot timers for keepalive, connect timeout and reconnect. Browsers throttle
//! `setTimeout` in hidden tabs to once a minute, which kills keepalive (the failure MQTT.js
//! users report in its issues 1257, 1577, 2053); a Worker's timers are not throttled, so the
//! default runs them in a small shared Worker, with the page's own timers as the fallback.

use crate::session::sorted_map::SortedMap;
use alloc::boxed::Box;
use core::cell::RefCell;
use std::thread_local;

use gloo_timers::callback::Timeout;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

use super::options::TimerVariant;

const WORKER_SOURCE: &str = "const t = new Map();\
onmessage = (e) => { const [op, id, ms] = e.data;\
 if (op === 1) { t.set(id, setTimeout(() => { t.delete(id); postMessage(id); }, ms)); }\
 else { clearTimeout(t.get(id)); t.delete(id); } };";

struct WorkerTimers {
    worker: Worker,
    next_id: u32,
    callbacks: SortedMap<u32, Box<dyn FnOnce()>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    /// The page's timer Worker: created on first use, `None` inside if Workers are unavailable.
    static WORKER: RefCell<Option<Option<WorkerTimers>>> = const { RefCell::new(None) };
}

fn start_worker() -> Option<WorkerTimers> {
    let parts = Array::of1(&WORKER_SOURCE.into());
    let bag = BlobPropertyBag::new();
    bag.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &bag).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let worker = Worker::new(&url).ok();
    let _ = Url::revoke_object_url(&url);
    let worker = worker?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        let Some(id) = e.data().as_f64() else { return };
        if super::panic::happened() {
            return;
        }
        let callback = WORKER.with(|w| {
            w.borrow_mut()
                .as_mut()
                .and_then(Option::as_mut)
                .and_then(|t| t.callbacks.remove(&(id as u32)))
        });
        // Called with no borrow held: the callback may set the next timer.
        if let Some(f) = callback {
            f();
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(WorkerTimers {
        worker,
        next_id: 0,
        callbacks: SortedMap::new(),
        _on_message: on_message,
    })
}

/// A pending timer; dropping it cancels it.
pub(crate) enum Timer {
    Native(#[allow(dead_code)] Timeout),
    Worker(u32),
}

impl Timer {
    /// Calls `f` once after `ms` milliseconds.
    pub(crate) fn after(variant: TimerVariant, ms: u32, f: impl FnOnce() + 'static) -> Timer {
        let mut f = Some(f);
        if variant == TimerVariant::Worker {
            let id = WORKER.with(|w| {
                let mut w = w.borrow_mut();
                let timers = w.get_or_insert_with(start_worker).as_mut()?;
                timers.next_id = timers.next_id.wrapping_add(1);
                let id = timers.next_id;
                let msg = Array::of3(&1.into(), &id.into(), &ms.into());
                timers.worker.post_message(&msg).ok()?;
                let f = f.take()?;
                timers.callbacks.insert(id, Box::new(f));
                Some(id)
            });
            if let Some(id) = id {
                return Timer::Worker(id);
            }
        }
        match f {
            Some(f) => Timer::Native(Timeout::new(ms, move || {
                if !super::panic::happened() {
                    f()
                }
            })),
            // `f` is only taken once the Worker has the timer, which returned above.
            None => Timer::Worker(0),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Timer::Worker(id) = *self {
            WORKER.with(|w| {
                if let Some(Some(timers)) = w.borrow_mut().as_mut() {
                    if timers.callbacks.remove(&id).is_some() {
                        let msg = Array::of2(&2.into(), &id.into());
                        let _ = timers.worker.post_message(&msg);
                    }
                }
            });
        }
        // A native Timeout cancels itself when dropped.
    }
}
