//! Values across the boundary: payloads in (string or bytes), messages and acknowledgements
//! out in MQTT.js's packet shapes, with payloads as Uint8Arrays whose `toString()` is the text.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::codec::{ConnAck, PayloadFormat, Properties, ProtocolVersion, Publish};

use super::errors::{js_error, ErrorCode};

#[wasm_bindgen(inline_js = "
const decoder = new TextDecoder();
// toString() is UTF-8 text; the encodings MQTT.js code passes to Buffer's toString work too.
export class Payload extends Uint8Array {
  toString(encoding, start, end) {
    const bytes = start === undefined && end === undefined ? this : this.subarray(start, end);
    switch (encoding === undefined ? 'utf8' : String(encoding).toLowerCase()) {
      case 'hex': return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      case 'base64': return btoa(latin1(bytes));
      case 'latin1': case 'binary': return latin1(bytes);
      case 'ascii': return latin1(bytes.map((b) => b & 0x7f));
      default: return decoder.decode(bytes);
    }
  }
}
function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return s;
}
// One copy out of wasm memory: the typed-array constructor copies without first zero-filling
// as `new Payload(length)` then `set()` does (measured faster than ArrayBuffer.slice too).
export function makePayload(bytes) { return new Payload(bytes); }
export function makeMessage(topic, bytes, qos, retain, dup, messageId) {
  const payload = makePayload(bytes);
  const packet = { cmd: 'publish', topic, payload, qos, retain, dup };
  if (messageId !== 0) packet.messageId = messageId;
  return [topic, payload, packet];
}
")]
extern "C" {
    #[wasm_bindgen(js_name = makePayload)]
    fn make_payload(bytes: &[u8]) -> JsValue;
    /// `[topic, payload, packet]` built on the JavaScript side in one call: a received message
    /// is the hot path, and each property set from Rust would be a boundary crossing.
    #[wasm_bindgen(js_name = makeMessage)]
    fn make_message(
        topic: &JsValue,
        bytes: &[u8],
        qos: u8,
        retain: bool,
        dup: bool,
        message_id: u16,
    ) -> Array;
}

/// Topics of received messages as JavaScript strings, remembered in a small direct-mapped
/// cache: the same topics come again and again, and decoding one costs a TextDecoder call.
struct TopicCache {
    slots: [Option<(String, JsValue)>; TopicCache::SLOTS],
}

impl TopicCache {
    const SLOTS: usize = 64;

    fn get(&mut self, topic: &str) -> JsValue {
        // FNV-1a: a spread of slots for similar topics, at a few cycles per byte.
        let hash = topic.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        let Some(slot) = self.slots.get_mut(hash as usize % Self::SLOTS) else {
            return JsValue::from(topic);
        };
        match slot {
            Some((t, v)) if t == topic => v.clone(),
            _ => {
                let v = JsValue::from(topic);
                *slot = Some((topic.into(), v.clone()));
                v
            }
        }
    }
}

std::thread_local! {
    static TOPICS: core::cell::RefCell<TopicCache> = const {
        core::cell::RefCell::new(TopicCache {
            slots: [const { None }; TopicCache::SLOTS],
        })
    };
}

fn topic_value(topic: &str) -> JsValue {
    TOPICS.with(|c| match c.try_borrow_mut() {
        Ok(mut cache) => cache.get(topic),
        Err(_) => JsValue::from(topic),
    })
}

/// A payload for JavaScript: a Uint8Array (copied out of wasm memory) whose `toString()`
/// decodes UTF-8, as MQTT.js code expects of its Buffer payloads.
pub(crate) fn payload(bytes: &[u8]) -> JsValue {
    make_payload(bytes)
}

/// Bytes from a string (UTF-8), an ArrayBuffer, or any ArrayBuffer view (typed arrays,
/// DataView, Node's Buffer).
pub(crate) fn bytes_from(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    // The common case (and Node's Buffer): copied in one call.
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(s) = value.as_string() {
        return Ok(s.into_bytes());
    }
    if value.is_null() || value.is_undefined() {
        return Ok(Vec::new());
    }
    if let Some(buf) = value.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buf).to_vec());
    }
    if ArrayBuffer::is_view(value) {
        let get = |k: &str| Reflect::get(value, &k.into()).ok();
        let buffer = get("buffer").and_then(|b| b.dyn_into::<ArrayBuffer>().ok());
        let offset = get("byteOffset").and_then(|v| v.as_f64());
        let length = get("byteLength").and_then(|v| v.as_f64());
        if let (Some(buffer), Some(offset), Some(length)) = (buffer, offset, length) {
            let view =
                Uint8Array::new_with_byte_offset_and_length(&buffer, offset as u32, length as u32);
            return Ok(view.to_vec());
        }
    }
    Err(js_error(
        ErrorCode::InvalidOption,
        &alloc::format!("{what} must be a string, an ArrayBuffer or a typed array"),
    ))
}

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &key.into(), &value.into());
}

/// MQTT 5 properties in MQTT.js's shape: only those present; `userProperties` an object whose
/// repeated names hold arrays.
pub(crate) fn properties(p: &Properties<'_>) -> Option<Object> {
    if p.is_empty() {
        return None;
    }
    let o = Object::new();
    if let Some(v) = p.payload_format_indicator {
        set(&o, "payloadFormatIndicator", v == PayloadFormat::Utf8);
    }
    let numbers = [
        ("messageExpiryInterval", p.message_expiry_interval),
        ("sessionExpiryInterval", p.session_expiry_interval),
        ("willDelayInterval", p.will_delay_interval),
        ("maximumPacketSize", p.maximum_packet_size),
        ("serverKeepAlive", p.server_keep_alive.map(u32::from)),
        ("receiveMaximum", p.receive_maximum.map(u32::from)),
        ("topicAliasMaximum", p.topic_alias_maximum.map(u32::from)),
        ("topicAlias", p.topic_alias.map(u32::from)),
        ("maximumQoS", p.maximum_qos.map(|q| q as u32)),
    ];
    for (k, v) in numbers {
        if let Some(v) = v {
            set(&o, k, v);
        }
    }
    let strings = [
        ("contentType", &p.content_type),
        ("responseTopic", &p.response_topic),
        ("assignedClientIdentifier", &p.assigned_client_identifier),
        ("authenticationMethod", &p.authentication_method),
        ("responseInformation", &p.response_information),
        ("serverReference", &p.server_reference),
        ("reasonString", &p.reason_string),
    ];
    for (k, v) in strings {
        if let Some(v) = v {
            set(&o, k, v.as_ref());
        }
    }
    let bins = [
        ("correlationData", &p.correlation_data),
        ("authenticationData", &p.authentication_data),
    ];
    for (k, v) in bins {
        if let Some(v) = v {
            set(&o, k, payload(v));
        }
    }
    let flags = [
        ("requestProblemInformation", p.request_problem_information),
        ("requestResponseInformation", p.request_response_information),
        ("retainAvailable", p.retain_available),
        (
            "wildcardSubscriptionAvailable",
            p.wildcard_subscription_available,
        ),
        (
            "subscriptionIdentifiersAvailable",
            p.subscription_identifier_available,
        ),
        (
            "sharedSubscriptionAvailable",
            p.shared_subscription_available,
        ),
    ];
    for (k, v) in flags {
        if let Some(v) = v {
            set(&o, k, v);
        }
    }
    match p.subscription_identifiers.as_slice() {
        [] => {}
        [one] => set(&o, "subscriptionIdentifier", *one),
        many => set(
            &o,
            "subscriptionIdentifier",
            many.iter().map(|&i| JsValue::from(i)).collect::<Array>(),
        ),
    }
    if !p.user_properties.is_empty() {
        let users = Object::new();
        for (k, v) in &p.user_properties {
            let key: JsValue = k.as_ref().into();
            let existing = Reflect::get(&users, &key).unwrap_or(JsValue::UNDEFINED);
            let value: JsValue = v.as_ref().into();
            if existing.is_undefined() {
                let _ = Reflect::set(&users, &key, &value);
            } else if let Some(list) = existing.dyn_ref::<Array>() {
                list.push(&value);
            } else {
                let _ = Reflect::set(&users, &key, &Array::of2(&existing, &value));
            }
        }
        set(&o, "userProperties", users);
    }
    Some(o)
}

/// A received PUBLISH as the arguments of MQTT.js's `message` event: `[topic, payload,
/// packet]`, the packet in MQTT.js's shape.
pub(crate) fn message_args(p: &Publish<'_>) -> Array {
    let message_id = p.qos_pid.pid().map_or(0, |pid| pid.get());
    let args = make_message(
        &topic_value(&p.topic),
        &p.payload,
        p.qos_pid.qos() as u8,
        p.retain,
        p.dup,
        message_id,
    );
    if let Some(props) = properties(&p.properties) {
        set(args.get(2).unchecked_ref(), "properties", props);
    }
    args
}

/// A received PUBLISH as MQTT.js's packet object.
pub(crate) fn publish_packet(p: &Publish<'_>) -> Object {
    message_args(p).get(2).unchecked_into()
}

/// CONNACK as MQTT.js's packet object (`returnCode` in 3.1.1, `reasonCode` in 5.0).
pub(crate) fn connack_packet(c: &ConnAck<'_>, version: ProtocolVersion) -> Object {
    let o = Object::new();
    set(&o, "cmd", "connack");
    set(&o, "sessionPresent", c.session_present);
    if version.is_v5() {
        set(&o, "reasonCode", c.reason_code.value());
    } else {
        set(&o, "returnCode", 0);
    }
    if let Some(props) = properties(&c.properties) {
        set(&o, "properties", props);
    }
    o
}

/// A plain object `{ cmd, ...fields }` for acknowledgements handed to callbacks.
pub(crate) fn ack_packet(cmd: &str, message_id: Option<u16>, reason_code: Option<u8>) -> Object {
    let o = Object::new();
    set(&o, "cmd", cmd);
    if let Some(id) = message_id {
        set(&o, "messageId", id);
    }
    if let Some(rc) = reason_code {
        set(&o, "reasonCode", rc);
    }
    o
}

/// A string from a JS value, or an error naming `what`.
pub(crate) fn string_from(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        js_error(
            ErrorCode::InvalidOption,
            &alloc::format!("{what} must be a string"),
        )
    })
}

/// Any packet as MQTT.js's packet object (`cmd` and the fields MQTT.js names), for the
/// `packetsend` and `packetreceive` events.
pub(crate) fn packet_object(p: &crate::codec::Packet<'_>, version: ProtocolVersion) -> Object {
    use crate::codec::Packet;
    let ack = |cmd: &str, a: &crate::codec::Ack<'_>| {
        let rc = version.is_v5().then_some(a.reason_code.value());
        let o = ack_packet(cmd, Some(a.pid.get()), rc);
        if let Some(props) = properties(&a.properties) {
            set(&o, "properties", props);
        }
        o
    };
    match p {
        Packet::Connect(c) => {
            let o = Object::new();
            set(&o, "cmd", "connect");
            set(&o, "protocolVersion", c.protocol.level());
            set(&o, "clientId", c.client_id.as_ref());
            set(&o, "clean", c.clean_start);
            set(&o, "keepalive", c.keep_alive);
            if let Some(u) = &c.username {
                set(&o, "username", u.as_ref());
            }
            if let Some(props) = properties(&c.properties) {
                set(&o, "properties", props);
            }
            o
        }
        Packet::ConnAck(c) => connack_packet(c, version),
        Packet::Publish(p) => publish_packet(p),
        Packet::PubAck(a) => ack("puback", a),
        Packet::PubRec(a) => ack("pubrec", a),
        Packet::PubRel(a) => ack("pubrel", a),
        Packet::PubComp(a) => ack("pubcomp", a),
        Packet::Subscribe(s) => {
            let o = ack_packet("subscribe", Some(s.pid.get()), None);
            let subs: Array = s
                .filters
                .iter()
                .map(|f| {
                    let e = Object::new();
                    set(&e, "topic", f.filter.as_ref());
                    set(&e, "qos", f.options.qos as u8);
                    set(&e, "nl", f.options.no_local);
                    set(&e, "rap", f.options.retain_as_published);
                    set(&e, "rh", f.options.retain_handling as u8);
                    JsValue::from(e)
                })
                .collect();
            set(&o, "subscriptions", subs);
            o
        }
        Packet::SubAck(s) => {
            let o = ack_packet("suback", Some(s.pid.get()), None);
            let granted: Array = s
                .reason_codes
                .iter()
                .map(|rc| JsValue::from(rc.value()))
                .collect();
            set(&o, "granted", granted);
            o
        }
        Packet::Unsubscribe(u) => {
            let o = ack_packet("unsubscribe", Some(u.pid.get()), None);
            let list: Array = u
                .filters
                .iter()
                .map(|f| JsValue::from(f.as_ref()))
                .collect();
            set(&o, "unsubscriptions", list);
            o
        }
        Packet::UnsubAck(u) => ack_packet("unsuback", Some(u.pid.get()), None),
        Packet::PingReq => ack_packet("pingreq", None, None),
        Packet::PingResp => ack_packet("pingresp", None, None),
        Packet::Disconnect(d) => ack_packet(
            "disconnect",
            None,
            version.is_v5().then_some(d.reason_code.value()),
        ),
        Packet::Auth(a) => ack_packet("auth", None, Some(a.reason_code.value())),
    }
}
