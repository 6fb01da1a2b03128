//! PUBLISH (section 3.3): the hot path. Decoding borrows the topic and payload from the input.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::error::Error;
use super::packet::{body_to_vec, total_len};
use super::primitives::{check_str_out, prefixed_len, Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::topic::check_topic_name_chars;
use super::types::{PacketType, ProtocolVersion, QoS, QosPid};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::Publish);

/// An application message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish<'a> {
    /// DUP: a re-delivery [MQTT-3.3.1-1]; never with QoS 0 [MQTT-3.3.1-2].
    pub dup: bool,
    /// QoS and, for QoS 1 and 2, the packet identifier.
    pub qos_pid: QosPid,
    /// RETAIN.
    pub retain: bool,
    /// The topic name; empty only in MQTT 5 with a topic alias.
    pub topic: Cow<'a, str>,
    /// PUBLISH properties (MQTT 5).
    pub properties: Properties<'a>,
    /// The application message.
    pub payload: Cow<'a, [u8]>,
}

impl<'a> Publish<'a> {
    #[inline]
    pub(crate) fn decode(flags: u8, r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        let dup = flags & 0x08 != 0;
        let retain = flags & 0x01 != 0;
        let qos = QoS::from_u8((flags >> 1) & 0x03)?;
        if dup && qos == QoS::AtMostOnce {
            return Err(Error::DupWithQoS0);
        }
        let topic = r.topic_name()?;
        let qos_pid = match qos {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            QoS::AtLeastOnce => QosPid::AtLeastOnce(r.pid()?),
            QoS::ExactlyOnce => QosPid::ExactlyOnce(r.pid()?),
        };
        let properties = Properties::decode_in(r, CTX, v)?;
        // [MQTT-4.7.3-1]; MQTT 5 allows an empty name when a topic alias stands for it.
        if topic.is_empty() && properties.topic_alias.is_none() {
            return Err(Error::EmptyTopic);
        }
        Ok(Publish {
            dup,
            qos_pid,
            retain,
            topic: Cow::Borrowed(topic),
            properties,
            payload: Cow::Borrowed(r.rest()),
        })
    }

    pub(crate) fn flags(&self) -> u8 {
        (u8::from(self.dup) << 3) | ((self.qos_pid.qos() as u8) << 1) | u8::from(self.retain)
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        if self.dup && self.qos_pid == QosPid::AtMostOnce {
            return Err(Error::DupWithQoS0);
        }
        check_str_out(&self.topic, "topic name")?;
        check_topic_name_chars(&self.topic)?;
        if self.topic.is_empty() && self.properties.topic_alias.is_none() {
            return Err(Error::EmptyTopic);
        }
        let pid_len = if self.qos_pid.pid().is_some() { 2 } else { 0 };
        Ok(prefixed_len(self.topic.len())
            + pid_len
            + self.properties.wire_len_in(CTX, v)?
            + self.payload.len())
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        w.string(&self.topic)?;
        if let Some(pid) = self.qos_pid.pid() {
            w.pid(pid)?;
        }
        self.properties.write_in(CTX, v, w)?;
        w.bytes(&self.payload)
    }

    /// The encoded size in `version`, after checking every rule.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, Error> {
        total_len(self.body_len(version)?).map(|(total, _)| total)
    }

    /// Appends the encoded PUBLISH to `out` (as `Packet::encode_to_vec`, without moving the
    /// message into a [`super::Packet`]).
    pub fn encode_to_vec(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, Error> {
        let body = self.body_len(version)?;
        body_to_vec(out, PacketType::Publish, self.flags(), body, |w| {
            self.write_body(version, w)
        })
    }

    /// Copies the topic, payload and properties, to keep the message.
    pub fn into_owned(self) -> Publish<'static> {
        Publish {
            dup: self.dup,
            qos_pid: self.qos_pid,
            retain: self.retain,
            topic: Cow::Owned(self.topic.into_owned()),
            properties: self.properties.into_owned(),
            payload: Cow::Owned(self.payload.into_owned()),
        }
    }
}
