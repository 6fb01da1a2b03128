//! The browser's `WebSocket`, owned: binary frames only, its four handlers kept here and
//! removed when the socket is dropped, so nothing leaks per reconnect.

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

/// What the socket reports to its owner.
pub(crate) enum SocketEvent {
    Open,
    /// A binary message's bytes.
    Bytes(Uint8Array),
    /// A text message: not MQTT [MQTT-6.0.0-1].
    Text,
    Closed,
}

/// A WebSocket with its handlers; dropping it closes it and unregisters them.
pub(crate) struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(JsValue)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(JsValue)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Socket {
    /// Opens `url` with `subprotocol` ("mqtt", or "mqttv3.1" for MQTT 3.1); `on_event`
    /// receives what happens.
    pub(crate) fn open(
        url: &str,
        subprotocol: &str,
        on_event: impl Fn(SocketEvent) + Clone + 'static,
    ) -> Result<Socket, JsValue> {
        let ws = WebSocket::new_with_str(url, subprotocol)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        // After a panic nothing may enter the client state: the socket is closed instead.
        let guard = {
            let ws = ws.clone();
            move || {
                if super::panic::happened() {
                    ws.set_onmessage(None);
                    ws.set_onclose(None);
                    let _ = ws.close();
                    return false;
                }
                true
            }
        };
        let (f, ok) = (on_event.clone(), guard.clone());
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if ok() {
                f(SocketEvent::Open)
            }
        });
        let (f, ok) = (on_event.clone(), guard.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if !ok() {
                return;
            }
            let data = e.data();
            match data.dyn_into::<ArrayBuffer>() {
                Ok(buf) => f(SocketEvent::Bytes(Uint8Array::new(&buf))),
                Err(_) => f(SocketEvent::Text),
            }
        });
        let (f, ok) = (on_event.clone(), guard);
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if ok() {
                f(SocketEvent::Closed)
            }
        });
        // An error is always followed by close, which is where it is handled.
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| {});
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        super::panic::track(&ws);
        Ok(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    /// Sends one binary message.
    pub(crate) fn send(&self, bytes: &[u8]) -> Result<(), JsValue> {
        self.ws.send_with_u8_array(bytes)
    }

    /// Bytes queued by `send` and not yet handed to the network.
    pub(crate) fn buffered_amount(&self) -> u32 {
        self.ws.buffered_amount()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        super::panic::untrack(&self.ws);
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        // Messages already passed to send() go out before the close frame.
        let _ = self.ws.close();
    }
}
