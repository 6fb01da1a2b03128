//! MQTT 5 properties (section 2.2.2): the 27 identifiers, their types, the packets each may
//! appear in, their value ranges, and one [`Properties`] value that holds any set of them.
//!
//! A single mapping between fields and identifiers ([`Properties::visit`]) drives size
//! computation, validation and encoding, so they cannot disagree.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use super::error::Error;
use super::primitives::{
    check_bin_out, check_str_out, prefixed_len, var_int_len, Reader, Writer, MAX_VAR_INT,
};
use super::types::{PacketType, ProtocolVersion, QoS};

/// Where a property list appears: a packet, or the will properties of CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyContext {
    /// The properties of a packet's variable header.
    Packet(PacketType),
    /// The will properties in the CONNECT payload.
    Will,
}

impl PropertyContext {
    const fn bit(self) -> u16 {
        match self {
            PropertyContext::Packet(t) => 1 << (t as u8),
            PropertyContext::Will => 1,
        }
    }

    /// A name for error messages.
    pub const fn name(self) -> &'static str {
        match self {
            PropertyContext::Packet(t) => t.name(),
            PropertyContext::Will => "will properties",
        }
    }
}

/// How a property's value is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Byte,
    TwoByte,
    FourByte,
    VarInt,
    Utf8,
    Binary,
    Utf8Pair,
}

macro_rules! property_ids {
    ($( $name:ident = $value:literal, $text:literal, $kind:ident, [$($ctx:ident),*]; )*) => {
        /// The 27 property identifiers of MQTT 5.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum PropertyId {
            $( #[doc = $text] $name = $value, )*
        }

        impl PropertyId {
            /// The property with this identifier.
            pub const fn from_u8(v: u8) -> Option<Self> {
                match v {
                    $( $value => Some(PropertyId::$name), )*
                    _ => None,
                }
            }

            /// The specification's name for it.
            pub const fn name(self) -> &'static str {
                match self {
                    $( PropertyId::$name => $text, )*
                }
            }

            const fn kind(self) -> ValueKind {
                match self {
                    $( PropertyId::$name => ValueKind::$kind, )*
                }
            }

            /// Whether the specification allows it in `ctx` (table 2-4 of section 2.2.2.2).
            pub const fn allowed_in(self, ctx: PropertyContext) -> bool {
                let mask: u16 = match self {
                    $( PropertyId::$name => 0 $( | ctx_bit(Ctx::$ctx) )*, )*
                };
                mask & ctx.bit() != 0
            }
        }
    };
}

/// Short names for the contexts in the table below.
#[derive(Clone, Copy)]
enum Ctx {
    Will,
    Connect,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth,
}

const fn ctx_bit(c: Ctx) -> u16 {
    match c {
        Ctx::Will => PropertyContext::Will.bit(),
        Ctx::Connect => PropertyContext::Packet(PacketType::Connect).bit(),
        Ctx::ConnAck => PropertyContext::Packet(PacketType::ConnAck).bit(),
        Ctx::Publish => PropertyContext::Packet(PacketType::Publish).bit(),
        Ctx::PubAck => PropertyContext::Packet(PacketType::PubAck).bit(),
        Ctx::PubRec => PropertyContext::Packet(PacketType::PubRec).bit(),
        Ctx::PubRel => PropertyContext::Packet(PacketType::PubRel).bit(),
        Ctx::PubComp => PropertyContext::Packet(PacketType::PubComp).bit(),
        Ctx::Subscribe => PropertyContext::Packet(PacketType::Subscribe).bit(),
        Ctx::SubAck => PropertyContext::Packet(PacketType::SubAck).bit(),
        Ctx::Unsubscribe => PropertyContext::Packet(PacketType::Unsubscribe).bit(),
        Ctx::UnsubAck => PropertyContext::Packet(PacketType::UnsubAck).bit(),
        Ctx::Disconnect => PropertyContext::Packet(PacketType::Disconnect).bit(),
        Ctx::Auth => PropertyContext::Packet(PacketType::Auth).bit(),
    }
}

property_ids! {
    PayloadFormatIndicator = 0x01, "Payload Format Indicator", Byte, [Publish, Will];
    MessageExpiryInterval = 0x02, "Message Expiry Interval", FourByte, [Publish, Will];
    ContentType = 0x03, "Content Type", Utf8, [Publish, Will];
    ResponseTopic = 0x08, "Response Topic", Utf8, [Publish, Will];
    CorrelationData = 0x09, "Correlation Data", Binary, [Publish, Will];
    SubscriptionIdentifier = 0x0B, "Subscription Identifier", VarInt, [Publish, Subscribe];
    SessionExpiryInterval = 0x11, "Session Expiry Interval", FourByte, [Connect, ConnAck, Disconnect];
    AssignedClientIdentifier = 0x12, "Assigned Client Identifier", Utf8, [ConnAck];
    ServerKeepAlive = 0x13, "Server Keep Alive", TwoByte, [ConnAck];
    AuthenticationMethod = 0x15, "Authentication Method", Utf8, [Connect, ConnAck, Auth];
    AuthenticationData = 0x16, "Authentication Data", Binary, [Connect, ConnAck, Auth];
    RequestProblemInformation = 0x17, "Request Problem Information", Byte, [Connect];
    WillDelayInterval = 0x18, "Will Delay Interval", FourByte, [Will];
    RequestResponseInformation = 0x19, "Request Response Information", Byte, [Connect];
    ResponseInformation = 0x1A, "Response Information", Utf8, [ConnAck];
    ServerReference = 0x1C, "Server Reference", Utf8, [ConnAck, Disconnect];
    ReasonString = 0x1F, "Reason String", Utf8,
        [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    ReceiveMaximum = 0x21, "Receive Maximum", TwoByte, [Connect, ConnAck];
    TopicAliasMaximum = 0x22, "Topic Alias Maximum", TwoByte, [Connect, ConnAck];
    TopicAlias = 0x23, "Topic Alias", TwoByte, [Publish];
    MaximumQoS = 0x24, "Maximum QoS", Byte, [ConnAck];
    RetainAvailable = 0x25, "Retain Available", Byte, [ConnAck];
    UserProperty = 0x26, "User Property", Utf8Pair,
        [Will, Connect, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck,
         Unsubscribe, UnsubAck, Disconnect, Auth];
    MaximumPacketSize = 0x27, "Maximum Packet Size", FourByte, [Connect, ConnAck];
    WildcardSubscriptionAvailable = 0x28, "Wildcard Subscription Available", Byte, [ConnAck];
    SubscriptionIdentifierAvailable = 0x29, "Subscription Identifier Available", Byte, [ConnAck];
    SharedSubscriptionAvailable = 0x2A, "Shared Subscription Available", Byte, [ConnAck];
}

/// The Payload Format Indicator's two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// 0: unspecified bytes.
    Unspecified,
    /// 1: UTF-8 encoded character data.
    Utf8,
}

/// A set of MQTT 5 properties. Empty ([`Default`]) for MQTT 3.1.1, which has none.
///
/// Strings and binary values borrow from the decoded packet; [`Properties::into_owned`]
/// copies them out to keep. `Debug` shows only the properties present.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Properties<'a> {
    /// 0x01, PUBLISH and will.
    pub payload_format_indicator: Option<PayloadFormat>,
    /// 0x02 in seconds, PUBLISH and will.
    pub message_expiry_interval: Option<u32>,
    /// 0x03, PUBLISH and will.
    pub content_type: Option<Cow<'a, str>>,
    /// 0x08, PUBLISH and will; a topic name, so without wildcards [MQTT-3.3.2-14].
    pub response_topic: Option<Cow<'a, str>>,
    /// 0x09, PUBLISH and will.
    pub correlation_data: Option<Cow<'a, [u8]>>,
    /// 0x0B, 1 to 268,435,455: several in PUBLISH, at most one in SUBSCRIBE.
    pub subscription_identifiers: Vec<u32>,
    /// 0x11 in seconds, CONNECT, CONNACK, DISCONNECT.
    pub session_expiry_interval: Option<u32>,
    /// 0x12, CONNACK.
    pub assigned_client_identifier: Option<Cow<'a, str>>,
    /// 0x13 in seconds, CONNACK.
    pub server_keep_alive: Option<u16>,
    /// 0x15, CONNECT, CONNACK, AUTH.
    pub authentication_method: Option<Cow<'a, str>>,
    /// 0x16, CONNECT, CONNACK, AUTH.
    pub authentication_data: Option<Cow<'a, [u8]>>,
    /// 0x17, CONNECT.
    pub request_problem_information: Option<bool>,
    /// 0x18 in seconds, will.
    pub will_delay_interval: Option<u32>,
    /// 0x19, CONNECT.
    pub request_response_information: Option<bool>,
    /// 0x1A, CONNACK.
    pub response_information: Option<Cow<'a, str>>,
    /// 0x1C, CONNACK, DISCONNECT.
    pub server_reference: Option<Cow<'a, str>>,
    /// 0x1F, acknowledgements, DISCONNECT, AUTH.
    pub reason_string: Option<Cow<'a, str>>,
    /// 0x21, CONNECT, CONNACK; never 0.
    pub receive_maximum: Option<u16>,
    /// 0x22, CONNECT, CONNACK.
    pub topic_alias_maximum: Option<u16>,
    /// 0x23, PUBLISH; never 0 [MQTT-3.3.2-8].
    pub topic_alias: Option<u16>,
    /// 0x24, CONNACK; 0 or 1.
    pub maximum_qos: Option<QoS>,
    /// 0x25, CONNACK.
    pub retain_available: Option<bool>,
    /// 0x26, every packet with properties; order kept [MQTT-3.3.2-18].
    pub user_properties: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// 0x27, CONNECT, CONNACK; never 0.
    pub maximum_packet_size: Option<u32>,
    /// 0x28, CONNACK.
    pub wildcard_subscription_available: Option<bool>,
    /// 0x29, CONNACK.
    pub subscription_identifier_available: Option<bool>,
    /// 0x2A, CONNACK.
    pub shared_subscription_available: Option<bool>,
}

/// One property's value, borrowed, as the visitor hands it out.
#[derive(Clone, Copy)]
enum Value<'v> {
    Byte(u8),
    TwoByte(u16),
    FourByte(u32),
    VarInt(u32),
    Utf8(&'v str),
    Binary(&'v [u8]),
    Utf8Pair(&'v str, &'v str),
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Byte(v) => v.fmt(f),
            Value::TwoByte(v) => v.fmt(f),
            Value::FourByte(v) | Value::VarInt(v) => v.fmt(f),
            Value::Utf8(s) => s.fmt(f),
            Value::Binary(b) => b.fmt(f),
            Value::Utf8Pair(k, v) => write!(f, "({k:?}, {v:?})"),
        }
    }
}

impl fmt::Debug for Properties<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        let _ = self.visit(&mut |id, value| {
            map.entry(&format_args!("{}", id.name()), &value);
            Ok(())
        });
        map.finish()
    }
}

impl Value<'_> {
    fn encoded_len(self) -> usize {
        match self {
            Value::Byte(_) => 1,
            Value::TwoByte(_) => 2,
            Value::FourByte(_) => 4,
            Value::VarInt(v) => var_int_len(v),
            Value::Utf8(s) => prefixed_len(s.len()),
            Value::Binary(b) => prefixed_len(b.len()),
            Value::Utf8Pair(k, v) => prefixed_len(k.len()) + prefixed_len(v.len()),
        }
    }

    fn write(self, w: &mut Writer<'_>) -> Result<(), Error> {
        match self {
            Value::Byte(v) => w.u8(v),
            Value::TwoByte(v) => w.u16(v),
            Value::FourByte(v) => w.u32(v),
            Value::VarInt(v) => w.var_int(v),
            Value::Utf8(s) => w.string(s),
            Value::Binary(b) => w.binary(b),
            Value::Utf8Pair(k, v) => {
                w.string(k)?;
                w.string(v)
            }
        }
    }
}

/// Range checks of property values, applied on decode and on encode alike.
fn check_range(id: PropertyId, value: Value<'_>) -> Result<(), Error> {
    let invalid = |v: u32| {
        Err(Error::InvalidPropertyValue {
            property: id,
            value: v,
        })
    };
    match (id, value) {
        (PropertyId::ReceiveMaximum | PropertyId::TopicAlias, Value::TwoByte(0)) => invalid(0),
        (PropertyId::MaximumPacketSize, Value::FourByte(0)) => invalid(0),
        (PropertyId::SubscriptionIdentifier, Value::VarInt(v)) if v == 0 || v > MAX_VAR_INT => {
            invalid(v)
        }
        // Every one-byte property is 0 or 1 (Maximum QoS included).
        (_, Value::Byte(b)) if b > 1 => invalid(u32::from(b)),
        (PropertyId::ResponseTopic, Value::Utf8(s)) if s.contains(['+', '#']) => {
            Err(Error::WildcardInTopicName)
        }
        _ => Ok(()),
    }
}

/// What decoding checks as it reads but the application's values must be checked for:
/// lengths that fit in two bytes, strings without U+0000.
fn check_encodable(id: PropertyId, value: Value<'_>) -> Result<(), Error> {
    match value {
        Value::Utf8(s) => check_str_out(s, id.name()),
        Value::Binary(b) => check_bin_out(b, id.name()),
        Value::Utf8Pair(k, v) => {
            check_str_out(k, "user property name")?;
            check_str_out(v, "user property value")
        }
        _ => Ok(()),
    }
}

fn flag(b: bool) -> Value<'static> {
    Value::Byte(u8::from(b))
}

impl<'a> Properties<'a> {
    /// Calls `f` with every property present, in identifier order, user properties in their
    /// own order. The one place that maps fields to identifiers for encoding. `f` is a trait
    /// object so that this long function exists once in the wasm, not once per caller.
    fn visit(
        &self,
        f: &mut dyn FnMut(PropertyId, Value<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        use PropertyId as P;
        if let Some(v) = self.payload_format_indicator {
            f(
                P::PayloadFormatIndicator,
                Value::Byte(u8::from(v == PayloadFormat::Utf8)),
            )?;
        }
        if let Some(v) = self.message_expiry_interval {
            f(P::MessageExpiryInterval, Value::FourByte(v))?;
        }
        if let Some(v) = &self.content_type {
            f(P::ContentType, Value::Utf8(v))?;
        }
        if let Some(v) = &self.response_topic {
            f(P::ResponseTopic, Value::Utf8(v))?;
        }
        if let Some(v) = &self.correlation_data {
            f(P::CorrelationData, Value::Binary(v))?;
        }
        for &v in &self.subscription_identifiers {
            f(P::SubscriptionIdentifier, Value::VarInt(v))?;
        }
        if let Some(v) = self.session_expiry_interval {
            f(P::SessionExpiryInterval, Value::FourByte(v))?;
        }
        if let Some(v) = &self.assigned_client_identifier {
            f(P::AssignedClientIdentifier, Value::Utf8(v))?;
        }
        if let Some(v) = self.server_keep_alive {
            f(P::ServerKeepAlive, Value::TwoByte(v))?;
        }
        if let Some(v) = &self.authentication_method {
            f(P::AuthenticationMethod, Value::Utf8(v))?;
        }
        if let Some(v) = &self.authentication_data {
            f(P::AuthenticationData, Value::Binary(v))?;
        }
        if let Some(v) = self.request_problem_information {
            f(P::RequestProblemInformation, flag(v))?;
        }
        if let Some(v) = self.will_delay_interval {
            f(P::WillDelayInterval, Value::FourByte(v))?;
        }
        if let Some(v) = self.request_response_information {
            f(P::RequestResponseInformation, flag(v))?;
        }
        if let Some(v) = &self.response_information {
            f(P::ResponseInformation, Value::Utf8(v))?;
        }
        if let Some(v) = &self.server_reference {
            f(P::ServerReference, Value::Utf8(v))?;
        }
        if let Some(v) = &self.reason_string {
            f(P::ReasonString, Value::Utf8(v))?;
        }
        if let Some(v) = self.receive_maximum {
            f(P::ReceiveMaximum, Value::TwoByte(v))?;
        }
        if let Some(v) = self.topic_alias_maximum {
            f(P::TopicAliasMaximum, Value::TwoByte(v))?;
        }
        if let Some(v) = self.topic_alias {
            f(P::TopicAlias, Value::TwoByte(v))?;
        }
        if let Some(v) = self.maximum_qos {
            f(P::MaximumQoS, Value::Byte(v as u8))?;
        }
        if let Some(v) = self.retain_available {
            f(P::RetainAvailable, flag(v))?;
        }
        for (k, v) in &self.user_properties {
            f(P::UserProperty, Value::Utf8Pair(k, v))?;
        }
        if let Some(v) = self.maximum_packet_size {
            f(P::MaximumPacketSize, Value::FourByte(v))?;
        }
        if let Some(v) = self.wildcard_subscription_available {
            f(P::WildcardSubscriptionAvailable, flag(v))?;
        }
        if let Some(v) = self.subscription_identifier_available {
            f(P::SubscriptionIdentifierAvailable, flag(v))?;
        }
        if let Some(v) = self.shared_subscription_available {
            f(P::SharedSubscriptionAvailable, flag(v))?;
        }
        Ok(())
    }

    /// Whether no property is set.
    pub fn is_empty(&self) -> bool {
        let mut empty = true;
        let _ = self.visit(&mut |_, _| {
            empty = false;
            Ok(())
        });
        empty
    }

    /// Checks every property is allowed in `ctx`, appears at most as often as allowed and
    /// has a value in range; returns the encoded length of the list (without its length prefix).
    pub(crate) fn checked_len(&self, ctx: PropertyContext) -> Result<usize, Error> {
        if ctx == PropertyContext::Packet(PacketType::Subscribe)
            && self.subscription_identifiers.len() > 1
        {
            return Err(Error::DuplicateProperty(PropertyId::SubscriptionIdentifier));
        }
        let mut len = 0usize;
        self.visit(&mut |id, value| {
            if !id.allowed_in(ctx) {
                return Err(Error::PropertyNotAllowed {
                    property: id,
                    context: ctx.name(),
                });
            }
            check_range(id, value)?;
            check_encodable(id, value)?;
            len += 1 + value.encoded_len();
            Ok(())
        })?;
        Ok(len)
    }

    /// Bytes the list takes on the wire, with its length prefix; `len` from [`Self::checked_len`].
    pub(crate) fn wire_len(len: usize) -> usize {
        var_int_len(u32::try_from(len).unwrap_or(u32::MAX)) + len
    }

    /// Writes the property length and the properties; `len` from [`Self::checked_len`].
    pub(crate) fn write(&self, len: usize, w: &mut Writer<'_>) -> Result<(), Error> {
        let len = u32::try_from(len)
            .ok()
            .filter(|&l| l <= MAX_VAR_INT)
            .ok_or(Error::RemainingLengthTooLarge(len))?;
        w.var_int(len)?;
        self.visit(&mut |id, value| {
            w.u8(id as u8)?;
            value.write(w)
        })
    }

    /// Reads a property length and the properties after it, checking each is known, allowed
    /// in `ctx`, not duplicated and in range.
    pub(crate) fn decode(r: &mut Reader<'a>, ctx: PropertyContext) -> Result<Self, Error> {
        let len = r.var_int("property length")?;
        let mut props = Properties::default();
        if len == 0 {
            return Ok(props);
        }
        let bytes = r.take(len as usize, "properties")?;
        let mut r = Reader::new(bytes);
        let mut seen: u64 = 0;
        while !r.is_empty() {
            let raw = r.var_int("property identifier")?;
            let id = u8::try_from(raw)
                .ok()
                .and_then(PropertyId::from_u8)
                .ok_or(Error::UnknownProperty(raw))?;
            if !id.allowed_in(ctx) {
                return Err(Error::PropertyNotAllowed {
                    property: id,
                    context: ctx.name(),
                });
            }
            let repeatable = id == PropertyId::UserProperty
                || (id == PropertyId::SubscriptionIdentifier
                    && ctx == PropertyContext::Packet(PacketType::Publish));
            let bit = 1u64 << (id as u8);
            if seen & bit != 0 && !repeatable {
                return Err(Error::DuplicateProperty(id));
            }
            seen |= bit;
            let name = id.name();
            let value = match id.kind() {
                ValueKind::Byte => Value::Byte(r.u8(name)?),
                ValueKind::TwoByte => Value::TwoByte(r.u16(name)?),
                ValueKind::FourByte => Value::FourByte(r.u32(name)?),
                ValueKind::VarInt => Value::VarInt(r.var_int(name)?),
                ValueKind::Utf8 => Value::Utf8(r.string(name)?),
                ValueKind::Binary => Value::Binary(r.binary(name)?),
                ValueKind::Utf8Pair => Value::Utf8Pair(
                    r.string("user property name")?,
                    r.string("user property value")?,
                ),
            };
            check_range(id, value)?;
            props.set(id, value)?;
        }
        Ok(props)
    }

    /// Stores a decoded value in its field.
    fn set(&mut self, id: PropertyId, value: Value<'a>) -> Result<(), Error> {
        use PropertyId as P;
        let bool_of = |v: u8| v == 1;
        match (id, value) {
            (P::PayloadFormatIndicator, Value::Byte(v)) => {
                self.payload_format_indicator = Some(if v == 1 {
                    PayloadFormat::Utf8
                } else {
                    PayloadFormat::Unspecified
                })
            }
            (P::MessageExpiryInterval, Value::FourByte(v)) => {
                self.message_expiry_interval = Some(v)
            }
            (P::ContentType, Value::Utf8(s)) => self.content_type = Some(Cow::Borrowed(s)),
            (P::ResponseTopic, Value::Utf8(s)) => self.response_topic = Some(Cow::Borrowed(s)),
            (P::CorrelationData, Value::Binary(b)) => {
                self.correlation_data = Some(Cow::Borrowed(b))
            }
            (P::SubscriptionIdentifier, Value::VarInt(v)) => self.subscription_identifiers.push(v),
            (P::SessionExpiryInterval, Value::FourByte(v)) => {
                self.session_expiry_interval = Some(v)
            }
            (P::AssignedClientIdentifier, Value::Utf8(s)) => {
                self.assigned_client_identifier = Some(Cow::Borrowed(s))
            }
            (P::ServerKeepAlive, Value::TwoByte(v)) => self.server_keep_alive = Some(v),
            (P::AuthenticationMethod, Value::Utf8(s)) => {
                self.authentication_method = Some(Cow::Borrowed(s))
            }
            (P::AuthenticationData, Value::Binary(b)) => {
                self.authentication_data = Some(Cow::Borrowed(b))
            }
            (P::RequestProblemInformation, Value::Byte(v)) => {
                self.request_problem_information = Some(bool_of(v))
            }
            (P::WillDelayInterval, Value::FourByte(v)) => self.will_delay_interval = Some(v),
            (P::RequestResponseInformation, Value::Byte(v)) => {
                self.request_response_information = Some(bool_of(v))
            }
            (P::ResponseInformation, Value::Utf8(s)) => {
                self.response_information = Some(Cow::Borrowed(s))
            }
            (P::ServerReference, Value::Utf8(s)) => self.server_reference = Some(Cow::Borrowed(s)),
            (P::ReasonString, Value::Utf8(s)) => self.reason_string = Some(Cow::Borrowed(s)),
            (P::ReceiveMaximum, Value::TwoByte(v)) => self.receive_maximum = Some(v),
            (P::TopicAliasMaximum, Value::TwoByte(v)) => self.topic_alias_maximum = Some(v),
            (P::TopicAlias, Value::TwoByte(v)) => self.topic_alias = Some(v),
            (P::MaximumQoS, Value::Byte(v)) => self.maximum_qos = Some(QoS::from_u8(v)?),
            (P::RetainAvailable, Value::Byte(v)) => self.retain_available = Some(bool_of(v)),
            (P::UserProperty, Value::Utf8Pair(k, v)) => self
                .user_properties
                .push((Cow::Borrowed(k), Cow::Borrowed(v))),
            (P::MaximumPacketSize, Value::FourByte(v)) => self.maximum_packet_size = Some(v),
            (P::WildcardSubscriptionAvailable, Value::Byte(v)) => {
                self.wildcard_subscription_available = Some(bool_of(v))
            }
            (P::SubscriptionIdentifierAvailable, Value::Byte(v)) => {
                self.subscription_identifier_available = Some(bool_of(v))
            }
            (P::SharedSubscriptionAvailable, Value::Byte(v)) => {
                self.shared_subscription_available = Some(bool_of(v))
            }
            // `kind()` decides the variant from the id, so other pairs cannot occur; treat one
            // as malformed rather than panic.
            _ => return Err(Error::UnknownProperty(u32::from(id as u8))),
        }
        Ok(())
    }

    /// Copies every borrowed value, to keep the properties beyond the packet's buffer.
    pub fn into_owned(self) -> Properties<'static> {
        fn own<T: ?Sized + alloc::borrow::ToOwned>(c: Cow<'_, T>) -> Cow<'static, T>
        where
            T::Owned: 'static,
        {
            Cow::Owned(c.into_owned())
        }
        Properties {
            payload_format_indicator: self.payload_format_indicator,
            message_expiry_interval: self.message_expiry_interval,
            content_type: self.content_type.map(own),
            response_topic: self.response_topic.map(own),
            correlation_data: self.correlation_data.map(own),
            subscription_identifiers: self.subscription_identifiers,
            session_expiry_interval: self.session_expiry_interval,
            assigned_client_identifier: self.assigned_client_identifier.map(own),
            server_keep_alive: self.server_keep_alive,
            authentication_method: self.authentication_method.map(own),
            authentication_data: self.authentication_data.map(own),
            request_problem_information: self.request_problem_information,
            will_delay_interval: self.will_delay_interval,
            request_response_information: self.request_response_information,
            response_information: self.response_information.map(own),
            server_reference: self.server_reference.map(own),
            reason_string: self.reason_string.map(own),
            receive_maximum: self.receive_maximum,
            topic_alias_maximum: self.topic_alias_maximum,
            topic_alias: self.topic_alias,
            maximum_qos: self.maximum_qos,
            retain_available: self.retain_available,
            user_properties: self
                .user_properties
                .into_iter()
                .map(|(k, v)| (own(k), own(v)))
                .collect(),
            maximum_packet_size: self.maximum_packet_size,
            wildcard_subscription_available: self.wildcard_subscription_available,
            subscription_identifier_available: self.subscription_identifier_available,
            shared_subscription_available: self.shared_subscription_available,
        }
    }
}

impl<'a> Properties<'a> {
    /// Reads the property list of `ctx` in `version`: MQTT 5 has one, earlier versions none.
    #[inline]
    pub(crate) fn decode_in(
        r: &mut Reader<'a>,
        ctx: PropertyContext,
        version: ProtocolVersion,
    ) -> Result<Self, Error> {
        if version.is_v5() {
            Properties::decode(r, ctx)
        } else {
            Ok(Properties::default())
        }
    }

    /// Checks the list for `ctx` in `version` and returns the bytes it takes on the wire:
    /// in MQTT 5 its length prefix and properties, before MQTT 5 nothing (and it must be empty).
    pub(crate) fn wire_len_in(
        &self,
        ctx: PropertyContext,
        version: ProtocolVersion,
    ) -> Result<usize, Error> {
        if version.is_v5() {
            Ok(Properties::wire_len(self.checked_len(ctx)?))
        } else if self.is_empty() {
            Ok(0)
        } else {
            Err(Error::NotInVersion {
                what: "properties",
                version,
            })
        }
    }

    /// Writes the list as [`Self::wire_len_in`] measured it.
    pub(crate) fn write_in(
        &self,
        ctx: PropertyContext,
        version: ProtocolVersion,
        w: &mut Writer<'_>,
    ) -> Result<(), Error> {
        if version.is_v5() {
            self.write(self.checked_len(ctx)?, w)
        } else {
            Ok(())
        }
    }
}
