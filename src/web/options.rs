//! Connect options as MQTT.js names them, with MQTT.js's defaults, read from a JavaScript
//! object; unknown or ill-typed options are an error naming the option.
//!
//! Read by hand with `Reflect` rather than through serde: the generic deserializers were
//! about a tenth of the wasm module, and reading field by field names the failing option.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::codec::{PayloadFormat, Properties, ProtocolVersion, QoS, Will};
use crate::session::{BackoffOptions, InboundPolicy, OutboundPolicy, QueueLimits, SessionOptions};

use super::convert::bytes_from;
use super::errors::{js_error, ErrorCode};

/// The option names `parse` reads; any other key is refused by name.
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
    "auth",
    "log",
    "transformWsUrl",
];

/// MQTT.js options that have no effect in a browser, where MQTT.js ignores them too: TLS
/// settings (the browser does TLS), Node streams and sockets, WebSocket constructor options
/// (a browser `WebSocket` takes none), MQTT.js's own browser write buffer (wasmqtt has
/// `writeHighWatermark`), and ping rescheduling (wasmqtt always counts any packet sent as
/// keepalive traffic, as MQTT.js's default `reschedulePings: true` does). Accepted and ignored,
/// so code written for MQTT.js, which often carries `rejectUnauthorized: false`, runs as is.
const IGNORED_OPTIONS: &[&str] = &[
    "key",
    "keyPath",
    "cert",
    "certPath",
    "ca",
    "caPaths",
    "rejectUnauthorized",
    "ALPNProtocols",
    "servername",
    "socksProxy",
    "socksTimeout",
    "unixSocket",
    "wsOptions",
    "forceNativeWebSocket",
    "browserBufferSize",
    "browserBufferTimeout",
    "objectMode",
    "binary",
    "encoding",
    "my",
    "writeCache",
    "defaultProtocol",
    "reschedulePings",
    "reconnectOnConnackError",
    "subscribeBatchSize",
];

/// MQTT.js options that would change what the client does and that wasmqtt does not have: an
/// error naming the option, rather than a client that quietly behaves otherwise.
const UNSUPPORTED_OPTIONS: &[&str] = &[
    "incomingStore",
    "outgoingStore",
    "messageIdProvider",
    "customHandleAcks",
    "createWebsocket",
    "authPacket",
];
const KNOWN_PROPERTIES: &[&str] = &[
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
    "reasonString",
    "serverReference",
];
const KNOWN_WILL: &[&str] = &["topic", "payload", "qos", "retain", "properties"];
const KNOWN_QUEUE: &[&str] = &["maxMessages", "maxBytes", "policy"];

const KNOWN_SERVER: &[&str] = &["host", "port", "protocol"];

/// One options object, read field by field; every error names the option by its path.
pub(crate) struct OptionsObject {
    value: JsValue,
    /// `""` at the top, `"will."`, `"will.properties."`... below.
    path: String,
}

/// How a value looks in an error message, written by JavaScript (`JSON.stringify`).
fn shown(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .or_else(|| value.js_typeof().as_string())
        .unwrap_or_default()
}

impl OptionsObject {
    /// `value` as an options object whose keys must all be in one of the `known` lists;
    /// `None` when it is `undefined` or `null`.
    pub(crate) fn new(
        value: JsValue,
        path: &str,
        known: &[&[&str]],
    ) -> Result<Option<Self>, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let name = path.trim_end_matches('.');
        if !value.is_object() || Array::is_array(&value) || value.is_function() {
            let what = if name.is_empty() { "options" } else { name };
            return Err(invalid(format!(
                "{what} must be an object, not {}",
                shown(&value)
            )));
        }
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.iter().any(|names| names.contains(&key.as_str())) {
                return Err(invalid(format!("unknown option {path}{key}")));
            }
        }
        Ok(Some(OptionsObject {
            value,
            path: path.to_string(),
        }))
    }

    /// The value of `key`, or `None` when it is absent, `undefined` or `null`.
    fn get(&self, key: &str) -> Option<JsValue> {
        let v = Reflect::get(&self.value, &key.into()).ok()?;
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    fn wrong(&self, key: &str, expected: &str, value: &JsValue) -> JsValue {
        invalid(format!(
            "option {}{key} must be {expected}, not {}",
            self.path,
            shown(value)
        ))
    }

    fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        self.get(key)
            .map(|v| v.as_string().ok_or_else(|| self.wrong(key, "a string", &v)))
            .transpose()
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, JsValue> {
        self.get(key)
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| self.wrong(key, "true or false", &v))
            })
            .transpose()
    }

    /// A whole number from 0 to `max`.
    fn integer(&self, key: &str, max: u32) -> Result<Option<u32>, JsValue> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.as_f64() {
            Some(n) if n >= 0.0 && n <= f64::from(max) && n == (n as u32) as f64 => {
                Ok(Some(n as u32))
            }
            _ => Err(self.wrong(key, &format!("a whole number from 0 to {max}"), &v)),
        }
    }

    fn u16(&self, key: &str) -> Result<Option<u16>, JsValue> {
        let n = self.integer(key, u32::from(u16::MAX))?;
        Ok(n.map(|n| u16::try_from(n).unwrap_or(u16::MAX)))
    }

    fn number(&self, key: &str) -> Result<Option<f64>, JsValue> {
        self.get(key)
            .map(|v| match v.as_f64() {
                Some(n) if n.is_finite() && n >= 0.0 => Ok(n),
                _ => Err(self.wrong(key, "a number of at least 0", &v)),
            })
            .transpose()
    }

    /// Text (sent as UTF-8) or bytes: an ArrayBuffer, a typed array or Buffer, or an array of
    /// byte values, as MQTT.js accepts for payloads and passwords.
    fn bytes(&self, key: &str) -> Result<Option<Vec<u8>>, JsValue> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        if Array::is_array(&v) {
            let mut out = Vec::new();
            for b in Array::from(&v).iter() {
                match b.as_f64() {
                    Some(n) if (0.0..=255.0).contains(&n) && n == (n as u8) as f64 => {
                        out.push(n as u8)
                    }
                    _ => return Err(self.wrong(key, "text or bytes", &v)),
                }
            }
            return Ok(Some(out));
        }
        bytes_from(&v, &format!("option {}{key}", self.path)).map(Some)
    }

    fn object(&self, key: &str, known: &[&str]) -> Result<Option<OptionsObject>, JsValue> {
        let value = self.get(key).unwrap_or(JsValue::UNDEFINED);
        OptionsObject::new(value, &format!("{}{key}.", self.path), &[known])
    }

    fn function(&self, key: &str) -> Result<Option<Function>, JsValue> {
        self.get(key)
            .map(|v| {
                v.dyn_into::<Function>()
                    .map_err(|v| self.wrong(key, "a function", &v))
            })
            .transpose()
    }

    /// A string that must be one of `choices`.
    fn choice<'c>(&self, key: &str, choices: &[&'c str]) -> Result<Option<&'c str>, JsValue> {
        let Some(s) = self.string(key)? else {
            return Ok(None);
        };
        match choices.iter().find(|c| **c == s) {
            Some(c) => Ok(Some(*c)),
            None => Err(invalid(format!(
                "option {}{key} \"{s}\" is not {}",
                self.path,
                choices.join(", ")
            ))),
        }
    }
}

/// MQTT 5 properties in MQTT.js's shape (`userProperties` as an object whose values are a
/// string or an array of strings, sent as repeated pairs in the object's order
/// [MQTT-3.3.2-18]).
pub(crate) fn properties(value: JsValue, path: &str) -> Result<Properties<'static>, JsValue> {
    let Some(o) = OptionsObject::new(value, path, &[KNOWN_PROPERTIES])? else {
        return Ok(Properties::default());
    };
    let mut user_properties = Vec::new();
    if let Some(users) = o.get("userProperties") {
        if !users.is_object() || Array::is_array(&users) {
            return Err(o.wrong("userProperties", "an object", &users));
        }
        for entry in Object::entries(users.unchecked_ref::<Object>()).iter() {
            let entry = Array::from(&entry);
            let name = entry.get(0).as_string().unwrap_or_default();
            let value = entry.get(1);
            let values = if Array::is_array(&value) {
                Array::from(&value).iter().collect()
            } else {
                alloc::vec![value]
            };
            for v in values {
                let Some(v) = v.as_string() else {
                    return Err(invalid(format!(
                        "option {path}userProperties.{name} must be a string or an array of strings, not {}",
                        shown(&v)
                    )));
                };
                user_properties.push((name.clone().into(), v.into()));
            }
        }
    }
    Ok(Properties {
        session_expiry_interval: o.integer("sessionExpiryInterval", u32::MAX)?,
        receive_maximum: o.u16("receiveMaximum")?,
        maximum_packet_size: o.integer("maximumPacketSize", u32::MAX)?,
        topic_alias_maximum: o.u16("topicAliasMaximum")?,
        request_response_information: o.boolean("requestResponseInformation")?,
        request_problem_information: o.boolean("requestProblemInformation")?,
        user_properties,
        authentication_method: o.string("authenticationMethod")?.map(Into::into),
        authentication_data: o.bytes("authenticationData")?.map(Into::into),
        will_delay_interval: o.integer("willDelayInterval", u32::MAX)?,
        payload_format_indicator: o.boolean("payloadFormatIndicator")?.map(|utf8| {
            if utf8 {
                PayloadFormat::Utf8
            } else {
                PayloadFormat::Unspecified
            }
        }),
        message_expiry_interval: o.integer("messageExpiryInterval", u32::MAX)?,
        content_type: o.string("contentType")?.map(Into::into),
        response_topic: o.string("responseTopic")?.map(Into::into),
        correlation_data: o.bytes("correlationData")?.map(Into::into),
        topic_alias: o.u16("topicAlias")?,
        subscription_identifiers: o
            .integer("subscriptionIdentifier", 268_435_455)?
            .into_iter()
            .collect(),
        // DISCONNECT's (and AUTH's): end(false, { properties: { reasonString } }).
        reason_string: o.string("reasonString")?.map(Into::into),
        server_reference: o.string("serverReference")?.map(Into::into),
        ..Default::default()
    })
}

fn will(o: &OptionsObject) -> Result<Option<Will<'static>>, JsValue> {
    let Some(w) = o.object("will", KNOWN_WILL)? else {
        return Ok(None);
    };
    let Some(topic) = w.string("topic")? else {
        return Err(invalid("option will.topic is required".to_string()));
    };
    let qos = w.integer("qos", 2)?.unwrap_or(0);
    Ok(Some(Will {
        properties: properties(
            w.get("properties").unwrap_or(JsValue::UNDEFINED),
            "will.properties.",
        )?,
        topic: topic.into(),
        payload: w.bytes("payload")?.unwrap_or_default().into(),
        qos: QoS::from_u8(qos as u8).unwrap_or_default(),
        retain: w.boolean("retain")?.unwrap_or(false),
    }))
}

/// `inboundQueue` / `outboundQueue`: limits, and the policy's name.
fn queue<'c>(
    o: &OptionsObject,
    key: &str,
    policies: &[&'c str],
) -> Result<(QueueLimits, Option<&'c str>), JsValue> {
    let mut limits = QueueLimits::default();
    let Some(q) = o.object(key, KNOWN_QUEUE)? else {
        return Ok((limits, None));
    };
    if let Some(n) = q.integer("maxMessages", u32::MAX)? {
        limits.max_messages = n as usize;
    }
    if let Some(n) = q.integer("maxBytes", u32::MAX)? {
        limits.max_bytes = n as usize;
    }
    Ok((limits, q.choice("policy", policies)?))
}

/// The WebSocket URL for a broker URL, as MQTT.js reads it in a browser: `mqtt:`/`tcp:` mean
/// `ws:` and `mqtts:`/`ssl:`/`tls:` mean `wss:` there; a path alone (`/mqtt`) is on the page's
/// host; `http(s):` the browser turns into `ws(s):` itself. No scheme at all is an error, as in
/// MQTT.js ("Missing protocol"), rather than a path relative to the page.
fn websocket_url(url: &str) -> Result<String, JsValue> {
    if url.starts_with('/') {
        return Ok(url.to_string());
    }
    // Found byte-wise and cut with `get`: no string pattern searcher, no slicing panic path.
    let at = url.as_bytes().windows(3).position(|w| w == b"://");
    let Some((scheme, rest)) = at.and_then(|i| Some((url.get(..i)?, url.get(i + 3..)?))) else {
        return Err(invalid(format!(
            "broker URL \"{url}\" has no protocol: give ws://host:port/path or wss://..."
        )));
    };
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" | "tcp" | "ws" => "ws",
        "mqtts" | "ssl" | "tls" | "wss" => "wss",
        "http" => "http",
        "https" => "https",
        other => {
            return Err(invalid(format!(
                "broker URL \"{url}\": protocol \"{other}\" is not ws, wss, mqtt or mqtts"
            )))
        }
    };
    Ok(format!("{scheme}://{rest}"))
}

/// MQTT.js's `servers`: `[{ host, port?, protocol? }]`, as WebSocket URLs.
fn servers(o: &OptionsObject) -> Result<Vec<String>, JsValue> {
    let Some(list) = o.get("servers") else {
        return Ok(Vec::new());
    };
    if !Array::is_array(&list) {
        return Err(o.wrong("servers", "an array", &list));
    }
    let mut out = Vec::new();
    for (i, s) in Array::from(&list).iter().enumerate() {
        let Some(s) = OptionsObject::new(s, &format!("servers.{i}."), &[KNOWN_SERVER])? else {
            continue;
        };
        let Some(host) = s.string("host")? else {
            return Err(invalid(format!("option servers.{i}.host is required")));
        };
        let scheme = s.string("protocol")?.unwrap_or_else(|| "ws".to_string());
        let port = s.u16("port")?.map(|p| format!(":{p}")).unwrap_or_default();
        out.push(websocket_url(&format!(
            "{}://{host}{port}/mqtt",
            scheme.trim_end_matches(':')
        ))?);
    }
    Ok(out)
}

/// The user name and password `options` hold now. MQTT.js builds each CONNECT from the
/// client's options, so apps renew credentials there between connections (in
/// `transformWsUrl`, for one): they are read again before each attempt.
pub(crate) fn credentials(options: &JsValue) -> Result<(Option<String>, Option<Vec<u8>>), JsValue> {
    let o = OptionsObject {
        value: options.clone(),
        path: String::new(),
    };
    Ok((o.string("username")?, o.bytes("password")?))
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

/// MQTT.js's default client identifier: `mqttjs_` and 8 random hex digits.
fn random_client_id() -> String {
    let n = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("mqttjs_{n:08x}")
}

/// Reads `options` (an object, `undefined` or `null`) for a connection to `url`.
pub(crate) fn parse(url: &str, options: &JsValue) -> Result<ClientOptions, JsValue> {
    let empty = || OptionsObject {
        value: Object::new().into(),
        path: String::new(),
    };
    let known = [KNOWN_OPTIONS, IGNORED_OPTIONS, UNSUPPORTED_OPTIONS];
    let o = OptionsObject::new(options.clone(), "", &known)?.unwrap_or_else(empty);
    if let Some(name) = UNSUPPORTED_OPTIONS.iter().find(|k| o.get(k).is_some()) {
        return Err(invalid(format!(
            "option {name} (of MQTT.js) is not supported by wasmqtt"
        )));
    }

    let protocol = match o.integer("protocolVersion", 255)?.unwrap_or(4) {
        3 => ProtocolVersion::V3_1,
        4 => ProtocolVersion::V3_1_1,
        5 => ProtocolVersion::V5,
        v => {
            return Err(invalid(format!(
                "option protocolVersion must be 3, 4 or 5, not {v}"
            )))
        }
    };
    if let Some(id) = o.string("protocolId")? {
        let expected = protocol.protocol_name();
        if id != expected {
            return Err(invalid(format!(
                "option protocolId \"{id}\" does not match protocolVersion (expected \"{expected}\")"
            )));
        }
    }
    let (inbound_limits, policy_in) = queue(
        &o,
        "inboundQueue",
        &[
            "drop-oldest",
            "drop-newest",
            "latest-per-topic",
            "backpressure",
        ],
    )?;
    let inbound_policy = match policy_in {
        Some("drop-newest") => InboundPolicy::DropNewest,
        Some("latest-per-topic") => InboundPolicy::LatestPerTopic,
        Some("backpressure") => InboundPolicy::Backpressure,
        _ => InboundPolicy::DropOldest,
    };
    let (outbound_limits, policy_out) = queue(&o, "outboundQueue", &["reject", "drop-oldest"])?;
    let outbound_policy = match policy_out {
        Some("drop-oldest") => OutboundPolicy::DropOldest,
        _ => OutboundPolicy::Reject,
    };
    let timer_variant = match o.choice("timerVariant", &["auto", "worker", "native"])? {
        Some("native") => TimerVariant::Native,
        _ => TimerVariant::Worker,
    };
    let reconnect_period = o.integer("reconnectPeriod", u32::MAX)?.unwrap_or(1000);
    let reconnect = BackoffOptions {
        initial_ms: u64::from(reconnect_period),
        max_ms: u64::from(
            o.integer("reconnectMaxPeriod", u32::MAX)?
                .unwrap_or(reconnect_period.max(30_000)),
        ),
        // MQTT.js keeps the period constant; backoff is opt-in.
        multiplier: o.number("reconnectMultiplier")?.unwrap_or(1.0),
        jitter: o.number("reconnectJitter")?.unwrap_or(0.0),
        ..BackoffOptions::default()
    };
    let auto_alias = match o.boolean("autoAssignTopicAlias")? {
        Some(b) => b,
        None => o.boolean("autoUseTopicAlias")?.unwrap_or(false),
    };
    let client_id = o.string("clientId")?;
    let clean_start = o.boolean("clean")?.unwrap_or(true);
    if client_id.is_none() && !clean_start {
        // As MQTT.js: a session kept under a random identifier could never be resumed.
        return Err(invalid(
            "option clean false needs a clientId (the session is kept under it)".to_string(),
        ));
    }
    let mut session = SessionOptions {
        protocol,
        client_id: client_id.unwrap_or_else(random_client_id),
        clean_start,
        keep_alive: o.u16("keepalive")?.unwrap_or(60),
        username: o.string("username")?,
        password: o.bytes("password")?,
        will: will(&o)?,
        properties: properties(
            o.get("properties").unwrap_or(JsValue::UNDEFINED),
            "properties.",
        )?,
        connect_timeout_ms: u64::from(o.integer("connectTimeout", u32::MAX)?.unwrap_or(30_000)),
        ping_timeout_ms: None,
        inbound_limits,
        inbound_policy,
        outbound_limits,
        outbound_policy,
        queue_qos0: o.boolean("queueQoSZero")?.unwrap_or(true),
        max_inflight: u16::MAX,
        auto_topic_alias: auto_alias,
        resubscribe: o.boolean("resubscribe")?.unwrap_or(true),
        reconnect,
        random_seed: (js_sys::Math::random() * 9.0e15) as u64,
    };
    if !protocol.is_v5() {
        // CONNECT and will properties are MQTT 5's: checked, then left out before it, as
        // MQTT.js leaves them out, so code written for either version runs.
        session.properties = Properties::default();
        if let Some(will) = session.will.as_mut() {
            will.properties = Properties::default();
        }
    }
    session.validate().map_err(|e| invalid(e.to_string()))?;
    let mut servers_list = Vec::new();
    if !url.is_empty() {
        servers_list.push(websocket_url(url)?);
    }
    servers_list.extend(servers(&o)?);
    if servers_list.is_empty() {
        return Err(invalid(
            "a broker URL (or option servers) is required".to_string(),
        ));
    }
    Ok(ClientOptions {
        session,
        servers: servers_list,
        transform_ws_url: o.function("transformWsUrl")?,
        manual_connect: o.boolean("manualConnect")?.unwrap_or(false),
        timer_variant,
        write_high_watermark: o
            .integer("writeHighWatermark", u32::MAX)?
            .unwrap_or(1 << 20),
        subprotocol: if protocol == ProtocolVersion::V3_1 {
            "mqttv3.1"
        } else {
            "mqtt"
        },
    })
}
