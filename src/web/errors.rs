//! Errors as JavaScript sees them: an `Error` with a stable `code` string and a message a
//! person understands (never a `{:?}` dump).

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::codec::ReasonCode;
use crate::session::SessionError;

/// Codes of errors raised by the JavaScript API itself (the session's come from
/// [`SessionError::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    /// An unknown or ill-typed option or argument.
    InvalidOption,
    /// A frame that is not binary [MQTT-6.0.0-1].
    NonBinaryFrame,
    /// The WebSocket could not be created (bad URL).
    WebSocket,
    /// A packet the application asked to encode breaks a rule (codec API).
    #[cfg(feature = "codec-api")]
    Encode,
    /// Bytes that are not a well-formed MQTT packet (codec API).
    #[cfg(feature = "codec-api")]
    MalformedPacket,
    /// The library panicked (a bug): its clients have stopped.
    Panic,
}

impl ErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidOption => "ERR_INVALID_OPTION",
            ErrorCode::NonBinaryFrame => "ERR_NON_BINARY_FRAME",
            ErrorCode::WebSocket => "ERR_WEBSOCKET",
            #[cfg(feature = "codec-api")]
            ErrorCode::Encode => "ERR_ENCODE",
            #[cfg(feature = "codec-api")]
            ErrorCode::MalformedPacket => "ERR_MALFORMED_PACKET",
            ErrorCode::Panic => "ERR_PANIC",
        }
    }
}

fn make(code: &str, message: &str) -> js_sys::Error {
    let err = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &code.into());
    err
}

/// A JavaScript `Error` with `code`.
pub(crate) fn js_error(code: ErrorCode, message: &str) -> JsValue {
    make(code.as_str(), message).into()
}

/// A session error as a JavaScript `Error`, with `reasonCode` when the server gave one.
pub(crate) fn session_error(e: &SessionError) -> JsValue {
    let err = make(e.code(), &alloc::string::ToString::to_string(e));
    let reason: Option<ReasonCode> = match e {
        SessionError::ConnectionRefused { reason_code, .. }
        | SessionError::ServerDisconnected { reason_code, .. }
        | SessionError::ProtocolViolation { reason_code, .. }
        | SessionError::Rejected(reason_code) => Some(*reason_code),
        _ => None,
    };
    if let Some(rc) = reason {
        let _ = Reflect::set(&err, &"reasonCode".into(), &rc.value().into());
    }
    err.into()
}
