//! Every way a packet can be malformed or unencodable, as a typed value.

use core::fmt;

use super::properties::PropertyId;
use super::types::{PacketType, ProtocolVersion};

/// Why a packet could not be decoded or encoded.
///
/// Decoding never panics: each rule of the specifications that a packet can break has a
/// variant here, naming the field or value at fault. [`Error::reason_code`] gives the MQTT 5
/// reason code a receiver sends in its DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The packet ended inside `field`: its remaining length is shorter than its fields.
    UnexpectedEnd {
        /// The field being read.
        field: &'static str,
    },
    /// Bytes left over after the last field of a packet.
    TrailingBytes {
        /// The packet being read.
        packet: PacketType,
        /// How many bytes were left.
        count: usize,
    },
    /// The first nibble is 0, or 15 (AUTH) in a version before 5.
    InvalidPacketType(u8),
    /// A packet only clients send (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ), read where only a
    /// server's packets are expected ([`crate::codec::Framer::next_server_packet`]).
    NotSentByServer(PacketType),
    /// A packet only servers send (CONNACK, SUBACK, UNSUBACK, PINGRESP), given to
    /// [`crate::codec::Packet::encode_client_to_vec`].
    NotSentByClient(PacketType),
    /// Reserved bits of the fixed header are not as the specification lists them [MQTT-2.1.3-1].
    InvalidHeaderFlags {
        /// The packet type.
        packet: PacketType,
        /// The four low bits of the first byte.
        flags: u8,
    },
    /// A variable byte integer runs over four bytes.
    MalformedVarInt,
    /// A variable byte integer uses more bytes than needed [MQTT-1.5.5-1].
    NonMinimalVarInt,
    /// The packet is larger than the maximum packet size (checked at the fixed header).
    PacketTooLarge {
        /// The size of the whole packet, fixed header included.
        size: usize,
        /// The maximum in force.
        max: u32,
    },
    /// A UTF-8 string field is not well-formed UTF-8 [MQTT-1.5.4-1].
    InvalidUtf8 {
        /// The field.
        field: &'static str,
    },
    /// A UTF-8 string field contains U+0000 [MQTT-1.5.4-2].
    NullCharacter {
        /// The field.
        field: &'static str,
    },
    /// A string or binary field longer than 65,535 bytes (encode).
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// The packet's remaining length exceeds 268,435,455 (encode).
    RemainingLengthTooLarge(usize),
    /// A QoS of 3 [MQTT-3.3.1-4], or a QoS field with reserved bits.
    InvalidQoS(u8),
    /// DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2].
    DupWithQoS0,
    /// A packet identifier of 0 where a non-zero one is required [MQTT-2.2.1-3].
    ZeroPacketId,
    /// The CONNECT protocol name is neither "MQTT" nor "MQIsdp" [MQTT-3.1.2-1].
    InvalidProtocolName,
    /// The CONNECT protocol level is not 3, 4 or 5, or does not match the protocol name.
    UnsupportedProtocolVersion(u8),
    /// CONNECT flags break a rule; the text says which.
    InvalidConnectFlags(&'static str),
    /// CONNACK acknowledge flags with reserved bits set [MQTT-3.2.2-1].
    InvalidConnAckFlags(u8),
    /// CONNACK with Session Present and a non-zero reason code [MQTT-3.2.2-6].
    SessionPresentWithError,
    /// A property identifier the specification does not define.
    UnknownProperty(u32),
    /// A property the specification does not allow in this packet.
    PropertyNotAllowed {
        /// The property.
        property: PropertyId,
        /// Where it appeared ("CONNECT", "will properties", ...).
        context: &'static str,
    },
    /// A property that may appear once appears again.
    DuplicateProperty(PropertyId),
    /// A property value outside its range (e.g. Receive Maximum 0, Topic Alias 0).
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// The value received or given.
        value: u32,
    },
    /// A reason code the specification does not allow in this packet.
    InvalidReasonCode {
        /// The packet type.
        packet: PacketType,
        /// The code.
        code: u8,
    },
    /// A topic name containing `+` or `#` [MQTT-3.3.2-2] [MQTT-4.7.0-1].
    WildcardInTopicName,
    /// An empty topic name or filter [MQTT-4.7.3-1] (v5: an empty topic name needs a topic alias).
    EmptyTopic,
    /// A topic filter whose wildcards are misplaced [MQTT-4.7.1-1] [MQTT-4.7.1-2] or a malformed
    /// shared subscription [MQTT-4.8.2-1] [MQTT-4.8.2-2]; the text says which.
    InvalidTopicFilter(&'static str),
    /// No Local set on a shared subscription [MQTT-3.8.3-4].
    NoLocalOnSharedSubscription,
    /// Subscription options with reserved bits set [MQTT-3.8.3-5], Retain Handling 3 or
    /// Maximum QoS 3.
    InvalidSubscriptionOptions(u8),
    /// A SUBSCRIBE without topic filters [MQTT-3.8.3-2].
    EmptySubscribe,
    /// An UNSUBSCRIBE without topic filters [MQTT-3.10.3-2].
    EmptyUnsubscribe,
    /// A SUBACK or UNSUBACK (v5) without reason codes.
    EmptyAckList,
    /// Something the packet carries does not exist in this protocol version.
    NotInVersion {
        /// What it is ("properties", "AUTH", "reason code 0x97"...).
        what: &'static str,
        /// The version in force.
        version: ProtocolVersion,
    },
    /// The output buffer is too small (encode into a slice).
    BufferTooSmall {
        /// Bytes the packet needs.
        needed: usize,
        /// Bytes the buffer has.
        available: usize,
    },
}

impl Error {
    /// The MQTT 5 reason code a receiver of such a packet sends in its DISCONNECT:
    /// 0x95 Packet too large, 0x81 Malformed Packet, or 0x82 Protocol Error.
    pub fn reason_code(&self) -> u8 {
        match self {
            Error::PacketTooLarge { .. } => 0x95,
            Error::ZeroPacketId
            | Error::InvalidPacketType(_)
            | Error::NotSentByServer(_)
            | Error::NotSentByClient(_)
            | Error::UnsupportedProtocolVersion(_)
            | Error::DuplicateProperty(_)
            | Error::InvalidPropertyValue { .. }
            | Error::NoLocalOnSharedSubscription
            | Error::EmptySubscribe
            | Error::EmptyUnsubscribe
            | Error::NotInVersion { .. }
            | Error::SessionPresentWithError => 0x82,
            // Reserved bits are malformed [MQTT-3.8.3-5]; Retain Handling 3 or Maximum QoS 3
            // is a Protocol Error (section 3.8.3.1).
            Error::InvalidSubscriptionOptions(b) if b & 0xC0 == 0 => 0x82,
            _ => 0x81,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnexpectedEnd { field } => write!(f, "packet ends inside its {field}"),
            Error::TrailingBytes { packet, count } => {
                write!(
                    f,
                    "{count} unexpected byte(s) after the last field of {packet}"
                )
            }
            Error::InvalidPacketType(t) => write!(f, "invalid packet type {t}"),
            Error::NotSentByServer(t) => write!(f, "a server does not send {t}"),
            Error::NotSentByClient(t) => write!(f, "a client does not send {t}"),
            Error::InvalidHeaderFlags { packet, flags } => {
                write!(
                    f,
                    "reserved fixed-header flags of {packet} are {flags:#06b}"
                )
            }
            Error::MalformedVarInt => f.write_str("variable byte integer longer than 4 bytes"),
            Error::NonMinimalVarInt => {
                f.write_str("variable byte integer not encoded in the fewest bytes")
            }
            Error::PacketTooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the maximum packet size {max}"
                )
            }
            Error::InvalidUtf8 { field } => write!(f, "{field} is not well-formed UTF-8"),
            Error::NullCharacter { field } => write!(f, "{field} contains the null character"),
            Error::FieldTooLong { field, len } => {
                write!(f, "{field} is {len} bytes long, over the 65535 allowed")
            }
            Error::RemainingLengthTooLarge(n) => {
                write!(f, "remaining length {n} exceeds 268435455")
            }
            Error::InvalidQoS(q) => write!(f, "invalid QoS {q}"),
            Error::DupWithQoS0 => f.write_str("DUP flag set on a QoS 0 PUBLISH"),
            Error::ZeroPacketId => f.write_str("packet identifier 0"),
            Error::InvalidProtocolName => f.write_str("protocol name is not MQTT or MQIsdp"),
            Error::UnsupportedProtocolVersion(v) => write!(f, "unsupported protocol level {v}"),
            Error::InvalidConnectFlags(why) => write!(f, "invalid CONNECT flags: {why}"),
            Error::InvalidConnAckFlags(b) => {
                write!(f, "reserved CONNACK flags set: {b:#010b}")
            }
            Error::SessionPresentWithError => {
                f.write_str("CONNACK has Session Present with a non-zero reason code")
            }
            Error::UnknownProperty(id) => write!(f, "unknown property identifier {id:#04x}"),
            Error::PropertyNotAllowed { property, context } => {
                write!(
                    f,
                    "property {} is not allowed in {context}",
                    property.name()
                )
            }
            Error::DuplicateProperty(p) => write!(f, "property {} appears twice", p.name()),
            Error::InvalidPropertyValue { property, value } => {
                write!(f, "invalid value {value} for property {}", property.name())
            }
            Error::InvalidReasonCode { packet, code } => {
                write!(f, "reason code {code:#04x} is not allowed in {packet}")
            }
            Error::WildcardInTopicName => f.write_str("topic name contains a wildcard"),
            Error::EmptyTopic => f.write_str("empty topic"),
            Error::InvalidTopicFilter(why) => write!(f, "invalid topic filter: {why}"),
            Error::NoLocalOnSharedSubscription => {
                f.write_str("No Local set on a shared subscription")
            }
            Error::InvalidSubscriptionOptions(b) => {
                write!(f, "invalid subscription options byte {b:#010b}")
            }
            Error::EmptySubscribe => f.write_str("SUBSCRIBE without topic filters"),
            Error::EmptyUnsubscribe => f.write_str("UNSUBSCRIBE without topic filters"),
            Error::EmptyAckList => f.write_str("acknowledgement without reason codes"),
            Error::NotInVersion { what, version } => {
                write!(f, "{what} does not exist in {version}")
            }
            Error::BufferTooSmall { needed, available } => {
                write!(
                    f,
                    "buffer of {available} bytes is too small, {needed} needed"
                )
            }
        }
    }
}

impl core::error::Error for Error {}
