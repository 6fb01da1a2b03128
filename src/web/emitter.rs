//! Listeners by event name, with MQTT.js's (Node EventEmitter's) `on`, `once`, `off`.

use crate::session::sorted_map::SortedMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use js_sys::{Array, Function};
use wasm_bindgen::JsValue;

#[derive(Default)]
pub(crate) struct Emitter {
    listeners: RefCell<SortedMap<String, Vec<(Function, bool)>>>,
}

impl Emitter {
    pub(crate) fn add(&self, event: &str, f: Function, once: bool) {
        self.listeners
            .borrow_mut()
            .get_or_insert_with(event.into(), Vec::new)
            .push((f, once));
    }

    /// Removes the first registration of `f` for `event` (or all of `event` when `f` is None).
    pub(crate) fn remove(&self, event: &str, f: Option<&Function>) {
        let mut map = self.listeners.borrow_mut();
        match f {
            None => {
                map.remove(event);
            }
            Some(f) => {
                if let Some(list) = map.get_mut(event) {
                    if let Some(i) = list.iter().position(|(g, _)| g == f) {
                        list.remove(i);
                    }
                }
            }
        }
    }

    pub(crate) fn clear(&self) {
        self.listeners.borrow_mut().clear();
    }

    pub(crate) fn has(&self, event: &str) -> bool {
        self.listeners
            .borrow()
            .get(event)
            .is_some_and(|l| !l.is_empty())
    }

    pub(crate) fn count(&self, event: &str) -> usize {
        self.listeners.borrow().get(event).map_or(0, Vec::len)
    }

    /// Calls every listener of `event` with `args`. Listeners added or removed meanwhile take
    /// effect for the next emit; a listener that throws does not stop the others, and its
    /// exception is reported on the console rather than lost.
    pub(crate) fn emit(&self, this: &JsValue, event: &str, args: &Array) -> bool {
        let current: Vec<Function> = {
            let mut map = self.listeners.borrow_mut();
            let Some(list) = map.get_mut(event) else {
                return false;
            };
            let current = list.iter().map(|(f, _)| f.clone()).collect();
            list.retain(|(_, once)| !once);
            current
        };
        for f in &current {
            if let Err(e) = f.apply(this, args) {
                report_exception(&e);
            }
        }
        !current.is_empty()
    }
}

/// Reports a listener's exception on the console: it must not unwind through the client,
/// and must not vanish either.
pub(crate) fn report_exception(e: &JsValue) {
    web_sys::console::error_2(&"wasmqtt: a listener threw".into(), e);
}
