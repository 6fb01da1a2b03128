//! Connect options as MQTT.js names them, with MQTT.js's defaults, read from a JavaScript
//! object; unknown or ill-typed options are an error naming the option.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use js_sys::{Function, Object, Reflect};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::codec::{PayloadFormat, Properties, ProtocolVersion, QoS, Will};
use crate::session::{BackoffOptions, InboundPolicy, OutboundPolicy, QueueLimits, SessionOptions};

use super::errors::{js_error, ErrorCode};

/// Text or bytes, as MQTT.js accepts for payloads and passwords: a string (sent as UTF-8)
/// or any bytes (a Uint8Array or Buffer, or an array of numbers).
#[derive(Debug, Clone)]
pub(crate) enum Bytes {
    Text(String),
    Raw(Vec<u8>),
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a string or bytes")
            }
            fn visit_str<E>(self, v: &str) -> Result<Bytes, E> {
                Ok(Bytes::Text(v.into()))
            }
            fn visit_string<E>(self, v: String) -> Result<Bytes, E> {
                Ok(Bytes::Text(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes::Raw(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes::Raw(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Bytes, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes::Raw(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// User properties in the order the object lists them (MQTT.js sends them in that order;
/// the order is kept end to end [MQTT-3.3.2-18]).
#[derive(Debug, Clone, Default)]
pub(crate) struct UserProperties(Vec<(String, UserValue)>);

impl<'de> Deserialize<'de> for UserProperties {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = UserProperties;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("an object of user properties")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<UserProperties, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, UserValue>()? {
                    out.push(entry);
                }
                Ok(UserProperties(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

impl Bytes {
    pub(crate) fn into_vec(self) -> Vec<u8> {
        match self {
            Bytes::Text(s) => s.into_bytes(),
            Bytes::Raw(v) => v,
        }
    }
}

/// MQTT 5 properties in MQTT.js's shape (`userProperties` as an object).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct JsProperties {
    session_expiry_interval: Option<u32>,
    receive_maximum: Option<u16>,
    maximum_packet_size: Option<u32>,
    topic_alias_maximum: Option<u16>,
    request_response_information: Option<bool>,
    request_problem_information: Option<bool>,
    user_properties: Option<UserProperties>,
    authentication_method: Option<String>,
    authentication_data: Option<Bytes>,
    will_delay_interval: Option<u32>,
    payload_format_indicator: Option<bool>,
    message_expiry_interval: Option<u32>,
    content_type: Option<String>,
    response_topic: Option<String>,
    correlation_data: Option<Bytes>,
    topic_alias: Option<u16>,
    subscription_identifier: Option<u32>,
}

/// A user property value: one string, or several (MQTT.js sends an array as repeated pairs).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum UserValue {
    One(String),
    Many(Vec<String>),
}

impl JsProperties {
    pub(crate) fn into_properties(self) -> Properties<'static> {
        let mut user_properties = Vec::new();
        for (k, v) in self.user_properties.unwrap_or_default().0 {
            match v {
                UserValue::One(v) => user_properties.push((k.into(), v.into())),
                UserValue::Many(vs) => {
                    for v in vs {
                        user_properties.push((k.clone().into(), v.into()));
                    }
                }
            }
        }
        Properties {
            session_expiry_interval: self.session_expiry_interval,
            receive_maximum: self.receive_maximum,
            maximum_packet_size: self.maximum_packet_size,
            topic_alias_maximum: self.topic_alias_maximum,
            request_response_information: self.request_response_information,
            request_problem_information: self.request_problem_information,
            user_properties,
            authentication_method: self.authentication_method.map(Into::into),
            authentication_data: self.authentication_data.map(|b| b.into_vec().into()),
            will_delay_interval: self.will_delay_interval,
            payload_format_indicator: self.payload_format_indicator.map(|utf8| {
                if utf8 {
                    PayloadFormat::Utf8
                } else {
                    PayloadFormat::Unspecified
                }
            }),
            message_expiry_interval: self.message_expiry_interval,
            content_type: self.content_type.map(Into::into),
            response_topic: self.response_topic.map(Into::into),
            correlation_data: self.correlation_data.map(|b| b.into_vec().into()),
            topic_alias: self.topic_alias,
            subscription_identifiers: self.subscription_identifier.into_iter().collect(),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsWill {
    topic: String,
    #[serde(default)]
    payload: Option<Bytes>,
    #[serde(default)]
    qos: u8,
    #[serde(default)]
    retain: bool,
    #[serde(default)]
    properties: Option<JsProperties>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct JsServer {
    host: String,
    port: Option<u16>,
    protocol: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsQueue {
    max_messages: Option<usize>,
    max_bytes: Option<usize>,
    policy: Option<String>,
}

/// The option names [`JsOptions`] reads. serde-wasm-bindgen looks up only the fields a
/// struct names, so unknown keys are found by comparing against this list.
const KNOWN_OPTIONS: &[&str] = &[
    "clientId",
    "username",
    "password",
    "keepalive",
    "clean",
    "reconnectPeriod",
    "connectTimeout",
    "protocolVersion",
    "protocolId",
    "will",
    "properties",
    "resubscribe",
    "queueQoSZero",
    "servers",
    "autoUseTopicAlias",
    "autoAssignTopicAlias",
    "manualConnect",
    "timerVariant",
    "inboundQueue",
    "outboundQueue",
    "reconnectMaxPeriod",
    "reconnectMultiplier",
    "reconnectJitter",
    "writeHighWatermark",
    "host",
    "port",
    "hostname",
    "path",
    "protocol",
    "query",
    "log",
    "transformWsUrl",
];
pub(crate) const KNOWN_PROPERTIES: &[&str] = &[
    "sessionExpiryInterval",
    "receiveMaximum",
    "maximumPacketSize",
    "topicAliasMaximum",
    "requestResponseInformation",
    "requestProblemInformation",
    "userProperties",
    "authenticationMethod",
    "authenticationData",
    "willDelayInterval",
    "payloadFormatIndicator",
    "messageExpiryInterval",
    "contentType",
    "responseTopic",
    "correlationData",
    "topicAlias",
    "subscriptionIdentifier",
];
const KNOWN_WILL: &[&str] = &["topic", "payload", "qos", "retain", "properties"];
const KNOWN_QUEUE: &[&str] = &["maxMessages", "maxBytes", "policy"];

/// Refuses a key of `obj` that is not in `known`, naming it with its path.
pub(crate) fn check_keys(obj: &JsValue, known: &[&str], path: &str) -> Result<(), JsValue> {
    if !obj.is_object() || js_sys::Array::is_array(obj) {
        return Ok(());
    }
    for key in Object::keys(obj.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(invalid(format!("unknown option {path}{key}")));
        }
    }
    Ok(())
}

fn check_all_keys(options: &JsValue) -> Result<(), JsValue> {
    check_keys(options, KNOWN_OPTIONS, "")?;
    let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
    check_keys(&get(options, "properties"), KNOWN_PROPERTIES, "properties.")?;
    let will = get(options, "will");
    check_keys(&will, KNOWN_WILL, "will.")?;
    check_keys(
        &get(&will, "properties"),
        KNOWN_PROPERTIES,
        "will.properties.",
    )?;
    check_keys(&get(options, "inboundQueue"), KNOWN_QUEUE, "inboundQueue.")?;
    check_keys(
        &get(options, "outboundQueue"),
        KNOWN_QUEUE,
        "outboundQueue.",
    )
}

/// serde's type errors do not say which field failed: try the options one at a time to
/// find the one to name.
fn name_bad_option(copy: &Object, error: serde_wasm_bindgen::Error) -> JsValue {
    for key in Object::keys(copy).iter() {
        let single = Object::new();
        let value = Reflect::get(copy, &key).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::set(&single, &key, &value);
        if let Err(e) = serde_wasm_bindgen::from_value::<JsOptions>(single.into()) {
            let key = key.as_string().unwrap_or_default();
            return invalid(format!("invalid option {key}: {e}"));
        }
    }
    invalid(format!("invalid options: {error}"))
}

/// Every option `connect` knows; anything else is refused by name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsOptions {
    client_id: Option<String>,
    username: Option<String>,
    password: Option<Bytes>,
    keepalive: Option<u16>,
    clean: Option<bool>,
    reconnect_period: Option<u32>,
    connect_timeout: Option<u32>,
    protocol_version: Option<u8>,
    protocol_id: Option<String>,
    will: Option<JsWill>,
    properties: Option<JsProperties>,
    resubscribe: Option<bool>,
    #[serde(rename = "queueQoSZero")]
    queue_qos_zero: Option<bool>,
    servers: Option<Vec<JsServer>>,
    auto_use_topic_alias: Option<bool>,
    auto_assign_topic_alias: Option<bool>,
    manual_connect: Option<bool>,
    timer_variant: Option<String>,
    // Beyond MQTT.js.
    inbound_queue: Option<JsQueue>,
    outbound_queue: Option<JsQueue>,
    reconnect_max_period: Option<u32>,
    reconnect_multiplier: Option<f64>,
    reconnect_jitter: Option<f64>,
    write_high_watermark: Option<u32>,
    // Accepted and ignored: MQTT.js reads them to build a URL the caller already gave, or
    // for Node transports the browser has not.
    #[serde(rename = "host")]
    _host: Option<JsValueIgnored>,
    #[serde(rename = "port")]
    _port: Option<JsValueIgnored>,
    #[serde(rename = "hostname")]
    _hostname: Option<JsValueIgnored>,
    #[serde(rename = "path")]
    _path: Option<JsValueIgnored>,
    #[serde(rename = "protocol")]
    _protocol: Option<JsValueIgnored>,
    #[serde(rename = "query")]
    _query: Option<JsValueIgnored>,
    #[serde(rename = "log")]
    _log: Option<JsValueIgnored>,
}

/// An option accepted for MQTT.js compatibility whose value does not matter here.
#[derive(Debug, Clone, Default)]
struct JsValueIgnored;

impl<'de> Deserialize<'de> for JsValueIgnored {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| JsValueIgnored)
    }
}

/// Which timers drive keepalive and reconnect (MQTT.js's `timerVariant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerVariant {
    /// `setTimeout` of the page or worker.
    Native,
    /// A dedicated Worker's `setTimeout`, which hidden tabs do not throttle; falls back to
    /// native where Workers are unavailable.
    Worker,
}

/// The options of one client: the session's, and the driver's own.
#[derive(Debug, Clone)]
pub(crate) struct ClientOptions {
    pub(crate) session: SessionOptions,
    pub(crate) servers: Vec<String>,
    pub(crate) transform_ws_url: Option<Function>,
    pub(crate) manual_connect: bool,
    pub(crate) timer_variant: TimerVariant,
    pub(crate) write_high_watermark: u32,
    pub(crate) subprotocol: &'static str,
}

fn invalid(message: String) -> JsValue {
    js_error(ErrorCode::InvalidOption, &message)
}

fn queue_limits(q: &Option<JsQueue>) -> QueueLimits {
    let mut limits = QueueLimits::default();
    if let Some(q) = q {
        if let Some(n) = q.max_messages {
            limits.max_messages = n;
        }
        if let Some(n) = q.max_bytes {
            limits.max_bytes = n;
        }
    }
    limits
}

fn random_client_id() -> String {
    let n = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("wasmqtt_{n:08x}")
}

/// Reads `options` (an object, `undefined` or `null`) for a connection to `url`.
pub(crate) fn parse(url: &str, options: &JsValue) -> Result<ClientOptions, JsValue> {
    let (raw, transform_ws_url) = if options.is_undefined() || options.is_null() {
        (JsOptions::default(), None)
    } else {
        if !options.is_object() {
            return Err(invalid("options must be an object".to_string()));
        }
        // Functions cannot cross serde: take them out of a copy first.
        let copy = Object::assign(&Object::new(), options.unchecked_ref());
        let transform = Reflect::get(&copy, &"transformWsUrl".into()).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::delete_property(&copy, &"transformWsUrl".into());
        let transform = if transform.is_undefined() || transform.is_null() {
            None
        } else {
            Some(
                transform
                    .dyn_into::<Function>()
                    .map_err(|_| invalid("option transformWsUrl must be a function".to_string()))?,
            )
        };
        check_all_keys(options)?;
        let raw: JsOptions = serde_wasm_bindgen::from_value(copy.clone().into())
            .map_err(|e| name_bad_option(&copy, e))?;
        (raw, transform)
    };

    let protocol = match raw.protocol_version.unwrap_or(4) {
        3 => ProtocolVersion::V3_1,
        4 => ProtocolVersion::V3_1_1,
        5 => ProtocolVersion::V5,
        v => {
            return Err(invalid(format!(
                "option protocolVersion must be 3, 4 or 5, not {v}"
            )))
        }
    };
    if let Some(id) = &raw.protocol_id {
        let expected = protocol.protocol_name();
        if id != expected {
            return Err(invalid(format!(
                "option protocolId {id:?} does not match protocolVersion (expected {expected:?})"
            )));
        }
    }
    let will = match raw.will {
        None => None,
        Some(w) => Some(Will {
            properties: w
                .properties
                .map(JsProperties::into_properties)
                .unwrap_or_default(),
            topic: w.topic.into(),
            payload: w.payload.map(Bytes::into_vec).unwrap_or_default().into(),
            qos: QoS::from_u8(w.qos)
                .map_err(|_| invalid(format!("option will.qos {} is not 0, 1 or 2", w.qos)))?,
            retain: w.retain,
        }),
    };
    let policy_in = match raw.inbound_queue.as_ref().and_then(|q| q.policy.as_deref()) {
        None | Some("drop-oldest") => InboundPolicy::DropOldest,
        Some("drop-newest") => InboundPolicy::DropNewest,
        Some("latest-per-topic") => InboundPolicy::LatestPerTopic,
        Some("backpressure") => InboundPolicy::Backpressure,
        Some(other) => {
            return Err(invalid(format!(
                "option inboundQueue.policy {other:?} is not drop-oldest, drop-newest, latest-per-topic or backpressure"
            )))
        }
    };
    let policy_out = match raw
        .outbound_queue
        .as_ref()
        .and_then(|q| q.policy.as_deref())
    {
        None | Some("reject") => OutboundPolicy::Reject,
        Some("drop-oldest") => OutboundPolicy::DropOldest,
        Some(other) => {
            return Err(invalid(format!(
                "option outboundQueue.policy {other:?} is not reject or drop-oldest"
            )))
        }
    };
    let timer_variant = match raw.timer_variant.as_deref() {
        None | Some("auto") | Some("worker") => TimerVariant::Worker,
        Some("native") => TimerVariant::Native,
        Some(other) => {
            return Err(invalid(format!(
                "option timerVariant {other:?} is not auto, worker or native"
            )))
        }
    };
    let reconnect_period = raw.reconnect_period.unwrap_or(1000);
    let reconnect = BackoffOptions {
        initial_ms: u64::from(reconnect_period),
        max_ms: u64::from(
            raw.reconnect_max_period
                .unwrap_or(reconnect_period.max(30_000)),
        ),
        // MQTT.js keeps the period constant; backoff is opt-in.
        multiplier: raw.reconnect_multiplier.unwrap_or(1.0),
        jitter: raw.reconnect_jitter.unwrap_or(0.0),
        ..BackoffOptions::default()
    };
    let auto_alias = raw
        .auto_assign_topic_alias
        .or(raw.auto_use_topic_alias)
        .unwrap_or(false);
    let session = SessionOptions {
        protocol,
        client_id: raw.client_id.unwrap_or_else(random_client_id),
        clean_start: raw.clean.unwrap_or(true),
        keep_alive: raw.keepalive.unwrap_or(60),
        username: raw.username,
        password: raw.password.map(Bytes::into_vec),
        will,
        properties: raw
            .properties
            .map(JsProperties::into_properties)
            .unwrap_or_default(),
        connect_timeout_ms: u64::from(raw.connect_timeout.unwrap_or(30_000)),
        ping_timeout_ms: None,
        inbound_limits: queue_limits(&raw.inbound_queue),
        inbound_policy: policy_in,
        outbound_limits: queue_limits(&raw.outbound_queue),
        outbound_policy: policy_out,
        queue_qos0: raw.queue_qos_zero.unwrap_or(true),
        max_inflight: u16::MAX,
        auto_topic_alias: auto_alias,
        resubscribe: raw.resubscribe.unwrap_or(true),
        reconnect,
        random_seed: (js_sys::Math::random() * 9.0e15) as u64,
    };
    session.validate().map_err(|e| invalid(e.to_string()))?;
    let mut servers = Vec::new();
    if !url.is_empty() {
        servers.push(url.to_string());
    }
    for s in raw.servers.unwrap_or_default() {
        let scheme = s.protocol.as_deref().unwrap_or("ws").trim_end_matches(':');
        let port = s.port.map(|p| format!(":{p}")).unwrap_or_default();
        servers.push(format!("{scheme}://{}{port}/mqtt", s.host));
    }
    if servers.is_empty() {
        return Err(invalid(
            "a broker URL (or option servers) is required".to_string(),
        ));
    }
    Ok(ClientOptions {
        session,
        servers,
        transform_ws_url,
        manual_connect: raw.manual_connect.unwrap_or(false),
        timer_variant,
        write_high_watermark: raw.write_high_watermark.unwrap_or(1 << 20),
        subprotocol: if protocol == ProtocolVersion::V3_1 {
            "mqttv3.1"
        } else {
            "mqtt"
        },
    })
}
