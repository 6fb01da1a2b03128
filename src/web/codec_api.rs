//! `encodeConnect` and `PacketDecoder`: the codec as JavaScript sees it.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::vec::Vec;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::errors::{js_error, ErrorCode};
use crate::codec::{Connect, Framer, Packet, Properties, ProtocolVersion};

fn version_of(level: u8) -> Result<ProtocolVersion, JsValue> {
    ProtocolVersion::from_level(level)
        .map_err(|e| js_error(ErrorCode::InvalidOption, &e.to_string()))
}

/// Encodes a clean-start CONNECT for protocol level 3, 4 or 5 (MQTT 3.1, 3.1.1, 5.0).
#[wasm_bindgen(js_name = encodeConnect)]
pub fn encode_connect(
    client_id: &str,
    protocol_version: u8,
    keep_alive: u16,
) -> Result<Vec<u8>, JsValue> {
    let protocol = version_of(protocol_version)?;
    let connect = Packet::Connect(Box::new(Connect {
        protocol,
        clean_start: true,
        keep_alive,
        properties: Properties::default(),
        client_id: Cow::Borrowed(client_id),
        will: None,
        username: None,
        password: None,
    }));
    let mut out = Vec::new();
    connect
        .encode_to_vec(protocol, &mut out)
        .map_err(|e| js_error(ErrorCode::Encode, &e.to_string()))?;
    Ok(out)
}

/// Reassembles and decodes the packets in a byte stream, whatever its split.
#[wasm_bindgen]
pub struct PacketDecoder {
    framer: Framer,
}

#[wasm_bindgen]
impl PacketDecoder {
    /// A decoder for protocol level 3, 4 or 5, refusing packets over `max_packet_size` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(protocol_version: u8, max_packet_size: u32) -> Result<PacketDecoder, JsValue> {
        Ok(PacketDecoder {
            framer: Framer::new(version_of(protocol_version)?, max_packet_size),
        })
    }

    /// Feeds bytes as they arrive; returns every whole packet now available as
    /// `{ type, packet }` objects (`packet` in MQTT.js's shape, as `packetreceive` gives it).
    pub fn push(&mut self, bytes: &[u8]) -> Result<Array, JsValue> {
        self.framer
            .push(bytes)
            .map_err(|e| js_error(ErrorCode::MalformedPacket, &e.to_string()))?;
        let out = Array::new();
        let version = self.framer.version();
        while let Some(next) = self.framer.next_packet() {
            let packet = next.map_err(|e| js_error(ErrorCode::MalformedPacket, &e.to_string()))?;
            let entry = Object::new();
            let object = super::convert::packet_object(&packet, version);
            Reflect::set(&entry, &"type".into(), &packet.packet_type().name().into())?;
            Reflect::set(&entry, &"packet".into(), &object)?;
            out.push(&entry);
        }
        Ok(out)
    }
}
