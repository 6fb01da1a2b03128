//! The small typed values every packet shares: protocol version, packet type, QoS and packet
//! identifiers. Invalid states (QoS 3, packet id 0, a QoS 0 publish with an id) cannot be built.

use core::fmt;
use core::num::NonZeroU16;

use super::error::Error;

/// The protocol version spoken on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// MQTT 3.1: protocol name "MQIsdp", level 3.
    V3_1,
    /// MQTT 3.1.1: protocol name "MQTT", level 4.
    V3_1_1,
    /// MQTT 5.0: protocol name "MQTT", level 5.
    V5,
}

impl ProtocolVersion {
    /// The protocol level byte of CONNECT.
    pub const fn level(self) -> u8 {
        match self {
            ProtocolVersion::V3_1 => 3,
            ProtocolVersion::V3_1_1 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    /// The version with this protocol level (3, 4 or 5), as MQTT.js's `protocolVersion`.
    pub fn from_level(level: u8) -> Result<Self, Error> {
        match level {
            3 => Ok(ProtocolVersion::V3_1),
            4 => Ok(ProtocolVersion::V3_1_1),
            5 => Ok(ProtocolVersion::V5),
            other => Err(Error::UnsupportedProtocolVersion(other)),
        }
    }

    /// The CONNECT protocol name.
    pub const fn protocol_name(self) -> &'static str {
        match self {
            ProtocolVersion::V3_1 => "MQIsdp",
            _ => "MQTT",
        }
    }

    /// Whether packets carry properties and reason codes (MQTT 5).
    pub const fn is_v5(self) -> bool {
        matches!(self, ProtocolVersion::V5)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProtocolVersion::V3_1 => "MQTT 3.1",
            ProtocolVersion::V3_1_1 => "MQTT 3.1.1",
            ProtocolVersion::V5 => "MQTT 5.0",
        })
    }
}

/// The 15 control packet types (the high nibble of the first byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}

impl PacketType {
    /// The packet type of a first byte's high nibble; 0 is reserved.
    pub fn from_nibble(n: u8) -> Result<Self, Error> {
        Ok(match n {
            1 => PacketType::Connect,
            2 => PacketType::ConnAck,
            3 => PacketType::Publish,
            4 => PacketType::PubAck,
            5 => PacketType::PubRec,
            6 => PacketType::PubRel,
            7 => PacketType::PubComp,
            8 => PacketType::Subscribe,
            9 => PacketType::SubAck,
            10 => PacketType::Unsubscribe,
            11 => PacketType::UnsubAck,
            12 => PacketType::PingReq,
            13 => PacketType::PingResp,
            14 => PacketType::Disconnect,
            15 => PacketType::Auth,
            other => return Err(Error::InvalidPacketType(other)),
        })
    }

    /// The fixed-header flags every packet but PUBLISH must carry [MQTT-2.1.3-1]:
    /// 0b0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE [MQTT-3.6.1-1] [MQTT-3.8.1-1]
    /// [MQTT-3.10.1-1], 0 for the others.
    pub const fn required_flags(self) -> u8 {
        match self {
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => 0b0010,
            _ => 0,
        }
    }

    /// The name the specification uses.
    pub const fn name(self) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::ConnAck => "CONNACK",
            PacketType::Publish => "PUBLISH",
            PacketType::PubAck => "PUBACK",
            PacketType::PubRec => "PUBREC",
            PacketType::PubRel => "PUBREL",
            PacketType::PubComp => "PUBCOMP",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::SubAck => "SUBACK",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            PacketType::UnsubAck => "UNSUBACK",
            PacketType::PingReq => "PINGREQ",
            PacketType::PingResp => "PINGRESP",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Auth => "AUTH",
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Quality of service. There is no QoS 3 [MQTT-3.3.1-4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum QoS {
    /// At most once (0).
    #[default]
    AtMostOnce = 0,
    /// At least once (1).
    AtLeastOnce = 1,
    /// Exactly once (2).
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS with this value; 3 and above are errors [MQTT-3.3.1-4].
    pub fn from_u8(v: u8) -> Result<Self, Error> {
        match v {
            0 => Ok(QoS::AtMostOnce),
            1 => Ok(QoS::AtLeastOnce),
            2 => Ok(QoS::ExactlyOnce),
            other => Err(Error::InvalidQoS(other)),
        }
    }
}

/// A packet identifier: never 0 [MQTT-2.2.1-3].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid(NonZeroU16);

impl Pid {
    /// The identifier `v`, or `None` for 0.
    pub const fn new(v: u16) -> Option<Self> {
        match NonZeroU16::new(v) {
            Some(n) => Some(Pid(n)),
            None => None,
        }
    }

    /// The identifier 1, where allocation starts.
    pub const MIN: Pid = Pid(NonZeroU16::MIN);

    /// Its value.
    pub const fn get(self) -> u16 {
        self.0.get()
    }

    /// The identifier after this one, wrapping from 65535 to 1.
    pub const fn next(self) -> Self {
        match NonZeroU16::new(self.0.get().wrapping_add(1)) {
            Some(n) => Pid(n),
            None => Pid::MIN,
        }
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A PUBLISH's QoS together with its packet identifier, which QoS 0 has not
/// [MQTT-2.2.1-2] and QoS 1 and 2 must have [MQTT-2.2.1-3].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QosPid {
    /// QoS 0, no packet identifier.
    AtMostOnce,
    /// QoS 1 with its packet identifier.
    AtLeastOnce(Pid),
    /// QoS 2 with its packet identifier.
    ExactlyOnce(Pid),
}

impl QosPid {
    /// The QoS.
    pub const fn qos(self) -> QoS {
        match self {
            QosPid::AtMostOnce => QoS::AtMostOnce,
            QosPid::AtLeastOnce(_) => QoS::AtLeastOnce,
            QosPid::ExactlyOnce(_) => QoS::ExactlyOnce,
        }
    }

    /// The packet identifier, if the QoS has one.
    pub const fn pid(self) -> Option<Pid> {
        match self {
            QosPid::AtMostOnce => None,
            QosPid::AtLeastOnce(p) | QosPid::ExactlyOnce(p) => Some(p),
        }
    }
}
