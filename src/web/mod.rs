//! The wasm-bindgen shell (feature `web`, wasm32): the browser `WebSocket` driver and the
//! JavaScript API users import, with MQTT.js's names and semantics.

mod client;
#[cfg(feature = "codec-api")]
mod codec_api;
mod convert;
mod delivery;
mod driver;
mod emitter;
mod errors;
mod options;
mod panic;
mod socket;
mod task;
mod timer;

/// The module's allocator: about 1.5 KB of wasm, where the standard library's dlmalloc takes
/// about 8 KB (see `crates/size-class-alloc`).
#[global_allocator]
static ALLOCATOR: size_class_alloc::WasmAllocator = size_class_alloc::WasmAllocator::new();

pub use client::{connect, MqttClient};
#[cfg(feature = "codec-api")]
pub use codec_api::{encode_connect, PacketDecoder};
pub use panic::{panic_for_test, set_panic_handler};
