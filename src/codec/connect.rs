//! CONNECT (section 3.1), for MQTT 3.1 ("MQIsdp"), 3.1.1 and 5.0, with its will.

use alloc::borrow::Cow;

use super::error::Error;
use super::primitives::{check_bin_out, check_str_out, prefixed_len, Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::topic::check_topic_name;
use super::types::{PacketType, ProtocolVersion, QoS};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::Connect);

/// The first packet a client sends. Its own `protocol` decides the version it is encoded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect<'a> {
    /// The protocol version (name and level).
    pub protocol: ProtocolVersion,
    /// Clean Start (MQTT 5) / Clean Session (3.1.1).
    pub clean_start: bool,
    /// Keep Alive in seconds; 0 turns keepalive off.
    pub keep_alive: u16,
    /// CONNECT properties (MQTT 5).
    pub properties: Properties<'a>,
    /// The client identifier; may be empty with clean start, the server then assigns one.
    pub client_id: Cow<'a, str>,
    /// The will message.
    pub will: Option<Will<'a>>,
    /// The user name.
    pub username: Option<Cow<'a, str>>,
    /// The password (binary data).
    pub password: Option<Cow<'a, [u8]>>,
}

/// The message the server publishes when the connection is lost without a DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will<'a> {
    /// Will properties (MQTT 5).
    pub properties: Properties<'a>,
    /// The topic it is published to.
    pub topic: Cow<'a, str>,
    /// Its payload.
    pub payload: Cow<'a, [u8]>,
    /// Its QoS.
    pub qos: QoS,
    /// Whether it is retained.
    pub retain: bool,
}

const FLAG_CLEAN: u8 = 0x02;
const FLAG_WILL: u8 = 0x04;
const FLAG_WILL_RETAIN: u8 = 0x20;
const FLAG_PASSWORD: u8 = 0x40;
const FLAG_USERNAME: u8 = 0x80;

impl<'a> Connect<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>) -> Result<Self, Error> {
        let name = r.string("protocol name")?;
        let level = r.u8("protocol level")?;
        let protocol = match (name, level) {
            ("MQTT", 4) => ProtocolVersion::V3_1_1,
            ("MQTT", 5) => ProtocolVersion::V5,
            ("MQIsdp", 3) => ProtocolVersion::V3_1,
            ("MQTT" | "MQIsdp", other) => return Err(Error::UnsupportedProtocolVersion(other)),
            _ => return Err(Error::InvalidProtocolName),
        };
        let flags = r.u8("connect flags")?;
        if flags & 0x01 != 0 {
            return Err(Error::InvalidConnectFlags(
                "reserved bit 0 is set [MQTT-3.1.2-3]",
            ));
        }
        let has_will = flags & FLAG_WILL != 0;
        let will_qos_bits = (flags >> 3) & 0x03;
        let will_retain = flags & FLAG_WILL_RETAIN != 0;
        if !has_will && will_qos_bits != 0 {
            return Err(Error::InvalidConnectFlags(
                "will QoS set without a will [MQTT-3.1.2-11]",
            ));
        }
        if !has_will && will_retain {
            return Err(Error::InvalidConnectFlags(
                "will retain set without a will [MQTT-3.1.2-13]",
            ));
        }
        let will_qos = QoS::from_u8(will_qos_bits)?;
        let has_username = flags & FLAG_USERNAME != 0;
        let has_password = flags & FLAG_PASSWORD != 0;
        if has_password && !has_username && !protocol.is_v5() {
            return Err(Error::InvalidConnectFlags(
                "password without user name (MQTT 3.1.1 section 3.1.2.9)",
            ));
        }
        let keep_alive = r.u16("keep alive")?;
        let properties = Properties::decode_in(r, CTX, protocol)?;
        let client_id = r.string("client identifier")?;
        let will = if has_will {
            let properties = Properties::decode_in(r, PropertyContext::Will, protocol)?;
            let topic = r.string("will topic")?;
            check_topic_name(topic)?;
            let payload = r.binary("will payload")?;
            Some(Will {
                properties,
                topic: Cow::Borrowed(topic),
                payload: Cow::Borrowed(payload),
                qos: will_qos,
                retain: will_retain,
            })
        } else {
            None
        };
        let username = if has_username {
            Some(r.string("user name")?)
        } else {
            None
        };
        let password = if has_password {
            Some(r.binary("password")?)
        } else {
            None
        };
        Ok(Connect {
            protocol,
            clean_start: flags & FLAG_CLEAN != 0,
            keep_alive,
            properties,
            client_id: Cow::Borrowed(client_id),
            will,
            username: username.map(Cow::Borrowed),
            password: password.map(Cow::Borrowed),
        })
    }

    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= FLAG_CLEAN;
        }
        if let Some(will) = &self.will {
            flags |= FLAG_WILL | ((will.qos as u8) << 3);
            if will.retain {
                flags |= FLAG_WILL_RETAIN;
            }
        }
        if self.password.is_some() {
            flags |= FLAG_PASSWORD;
        }
        if self.username.is_some() {
            flags |= FLAG_USERNAME;
        }
        flags
    }

    pub(crate) fn body_len(&self) -> Result<usize, Error> {
        let v = self.protocol;
        if self.password.is_some() && self.username.is_none() && !v.is_v5() {
            return Err(Error::InvalidConnectFlags(
                "password without user name (MQTT 3.1.1 section 3.1.2.9)",
            ));
        }
        check_str_out(&self.client_id, "client identifier")?;
        let mut len = prefixed_len(v.protocol_name().len()) + 1 + 1 + 2;
        len += self.properties.wire_len_in(CTX, v)?;
        len += prefixed_len(self.client_id.len());
        if let Some(will) = &self.will {
            check_str_out(&will.topic, "will topic")?;
            check_topic_name(&will.topic)?;
            check_bin_out(&will.payload, "will payload")?;
            len += will.properties.wire_len_in(PropertyContext::Will, v)?;
            len += prefixed_len(will.topic.len()) + prefixed_len(will.payload.len());
        }
        if let Some(username) = &self.username {
            check_str_out(username, "user name")?;
            len += prefixed_len(username.len());
        }
        if let Some(password) = &self.password {
            check_bin_out(password, "password")?;
            len += prefixed_len(password.len());
        }
        Ok(len)
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        let v = self.protocol;
        w.string(v.protocol_name())?;
        w.u8(v.level())?;
        w.u8(self.flags())?;
        w.u16(self.keep_alive)?;
        self.properties.write_in(CTX, v, w)?;
        w.string(&self.client_id)?;
        if let Some(will) = &self.will {
            will.properties.write_in(PropertyContext::Will, v, w)?;
            w.string(&will.topic)?;
            w.binary(&will.payload)?;
        }
        if let Some(username) = &self.username {
            w.string(username)?;
        }
        if let Some(password) = &self.password {
            w.binary(password)?;
        }
        Ok(())
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> Connect<'static> {
        Connect {
            protocol: self.protocol,
            clean_start: self.clean_start,
            keep_alive: self.keep_alive,
            properties: self.properties.into_owned(),
            client_id: Cow::Owned(self.client_id.into_owned()),
            will: self.will.map(|w| Will {
                properties: w.properties.into_owned(),
                topic: Cow::Owned(w.topic.into_owned()),
                payload: Cow::Owned(w.payload.into_owned()),
                qos: w.qos,
                retain: w.retain,
            }),
            username: self.username.map(|u| Cow::Owned(u.into_owned())),
            password: self.password.map(|p| Cow::Owned(p.into_owned())),
        }
    }
}
