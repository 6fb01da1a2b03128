//! The wasm-bindgen shell (feature `web`, wasm32). For now it exposes the codec to
//! JavaScript: the demo page encodes a CONNECT and decodes what the broker answers.
//! The WebSocket driver and the MQTT.js-compatible client come with the session layer.

mod codec_api;

pub use codec_api::{encode_connect, PacketDecoder};
