//! A task posted to the event loop through a `MessageChannel`: it runs after the events
//! already queued (WebSocket messages among them), with no 4 ms clamp and no throttling in a
//! hidden tab, unlike `setTimeout(0)`. The driver writes from it when busy, so that the packets
//! answering a burst of incoming messages leave as one WebSocket message.

use wasm_bindgen::prelude::*;
use web_sys::{MessageChannel, MessagePort};

/// A reusable task: [`Task::post`] queues one run of the callback; dropping it removes the
/// handler, so a run still queued then does nothing.
pub(crate) struct Task {
    port: MessagePort,
    sender: MessagePort,
    _on_message: Closure<dyn FnMut(JsValue)>,
}

impl Task {
    /// A task running `f` once per [`post`](Task::post); `None` where there is no
    /// `MessageChannel`.
    pub(crate) fn new(mut f: impl FnMut() + 'static) -> Option<Task> {
        let channel = MessageChannel::new().ok()?;
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if !super::panic::happened() {
                f()
            }
        });
        let port = channel.port1();
        // Assigning `onmessage` also starts the port.
        port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Task {
            port,
            sender: channel.port2(),
            _on_message: on_message,
        })
    }

    /// Queues one run; false if the message could not be posted.
    pub(crate) fn post(&self) -> bool {
        self.sender.post_message(&JsValue::UNDEFINED).is_ok()
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.port.set_onmessage(None);
        self.port.close();
        self.sender.close();
    }
}
