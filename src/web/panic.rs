//! A Rust panic, should one ever happen, becomes an `error` event on every client instead of a
//! dead page.
//!
//! With `panic = "abort"` a panic traps the wasm instance mid-call, leaving whatever state it
//! held borrowed. So the hook only records the panic and hands its message to the JavaScript
//! shell (in a microtask, outside the trapped call), which emits `error` and `close` on each
//! live client and refuses further calls; every entry into Rust from the browser (socket and
//! timer callbacks, microtasks) checks [`happened`] first, closes what it can and returns.

use alloc::string::ToString;
use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, Ordering};

use alloc::vec::Vec;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::WebSocket;

static PANICKED: AtomicBool = AtomicBool::new(false);

std::thread_local! {
    static HANDLER: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// The open sockets, closed by the hook so that brokers see the clients go at once.
    static SOCKETS: RefCell<Vec<WebSocket>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn track(ws: &WebSocket) {
    SOCKETS.with(|s| s.borrow_mut().push(ws.clone()));
}

pub(crate) fn untrack(ws: &WebSocket) {
    SOCKETS.with(|s| s.borrow_mut().retain(|w| w != ws));
}

#[wasm_bindgen(
    inline_js = "export function later(f, message) { queueMicrotask(() => f(message)); }"
)]
extern "C" {
    fn later(f: &Function, message: &str);
}

/// Whether the module has panicked: from then on nothing may enter the client state.
pub(crate) fn happened() -> bool {
    PANICKED.load(Ordering::Relaxed)
}

/// The error calls get once the module has panicked.
pub(crate) fn error() -> JsValue {
    super::errors::js_error(
        super::errors::ErrorCode::Panic,
        "wasmqtt stopped after an internal error (a Rust panic)",
    )
}

/// Installs the panic hook, with `handler(message)` to be called (once, in a microtask) if a
/// panic happens. Called by the JavaScript shell before its first client.
#[wasm_bindgen(js_name = setPanicHandler)]
pub fn set_panic_handler(handler: Function) {
    HANDLER.with(|h| *h.borrow_mut() = Some(handler));
    std::panic::set_hook(alloc::boxed::Box::new(|info| {
        if PANICKED.swap(true, Ordering::Relaxed) {
            return;
        }
        SOCKETS.with(|s| {
            if let Ok(sockets) = s.try_borrow() {
                for ws in sockets.iter() {
                    ws.set_onopen(None);
                    ws.set_onmessage(None);
                    ws.set_onclose(None);
                    let _ = ws.close();
                }
            }
        });
        let message = info.to_string();
        HANDLER.with(|h| {
            if let Ok(h) = h.try_borrow() {
                if let Some(f) = h.as_ref() {
                    later(f, &message);
                }
            }
        });
    }));
}

/// Panics, so that tests can check what a page sees when the library panics. The library never
/// calls it.
#[wasm_bindgen(js_name = __panicForTest)]
pub fn panic_for_test() {
    panic!("a panic requested by a test (__panicForTest)");
}
