//! wasmqtt: a browser MQTT 3.1.1 / 5.0 client in Rust, compiled to WebAssembly.
//!
//! The crate is three layers, each a module usable without the one above it:
//! - [`codec`]: the MQTT wire format (all 15 control packets, both versions), encode, incremental
//!   decode, every well-formedness rule of the specifications. `no_std` + `alloc`.
//! - [`session`]: the sans-IO client state machine: connect, keepalive, QoS flows, resend,
//!   topic aliases, subscriptions, bounded queues with explicit policies, reconnect backoff.
//!   `no_std` + `alloc`, no I/O, no clock.
//! - `web` (feature `web`, wasm32): the wasm-bindgen shell that owns the browser's `WebSocket`.
//!
//! Without the default feature `web` the crate is `no_std` + `alloc`.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
// The code uses only `core` and `alloc` (the thumbv7em-none-eabihf build in the tests proves
// it). On hosted targets std is linked all the same, so the cdylib has an allocator and a
// panic handler without the `web` feature.
#[cfg(not(target_os = "none"))]
extern crate std;

pub mod codec;
pub mod session;

#[cfg(all(feature = "web", target_arch = "wasm32"))]
pub mod web;
