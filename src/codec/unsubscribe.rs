//! UNSUBSCRIBE and UNSUBACK (sections 3.10 and 3.11).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::ack_list;
use super::error::Error;
use super::packet::{body_to_vec, total_len};
use super::primitives::{check_str_out, prefixed_len, Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::reason_code::ReasonCode;
use super::topic::check_topic_filter_in;
use super::types::{PacketType, Pid, ProtocolVersion};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::Unsubscribe);

/// A request to remove subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe<'a> {
    /// Its packet identifier.
    pub pid: Pid,
    /// Properties (MQTT 5): User Properties.
    pub properties: Properties<'a>,
    /// At least one topic filter [MQTT-3.10.3-2].
    pub filters: Vec<Cow<'a, str>>,
}

impl<'a> Unsubscribe<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        let pid = r.pid()?;
        let properties = Properties::decode_in(r, CTX, v)?;
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.string("topic filter")?;
            check_topic_filter_in(filter, v)?;
            filters.push(Cow::Borrowed(filter));
        }
        if filters.is_empty() {
            return Err(Error::EmptyUnsubscribe);
        }
        Ok(Unsubscribe {
            pid,
            properties,
            filters,
        })
    }

    /// The encoded size in `version`, after checking every rule.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, Error> {
        total_len(self.body_len(version)?).map(|(total, _)| total)
    }

    /// Appends the encoded packet to `out`, as `Packet::encode_to_vec` does.
    pub fn encode_to_vec(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, Error> {
        let body = self.body_len(version)?;
        let t = PacketType::Unsubscribe;
        body_to_vec(out, t, t.required_flags(), body, |w| {
            self.write_body(version, w)
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        if self.filters.is_empty() {
            return Err(Error::EmptyUnsubscribe);
        }
        let mut len = 2 + self.properties.wire_len_in(CTX, v)?;
        for f in &self.filters {
            check_str_out(f, "topic filter")?;
            check_topic_filter_in(f, v)?;
            len += prefixed_len(f.len());
        }
        Ok(len)
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        w.pid(self.pid)?;
        self.properties.write_in(CTX, v, w)?;
        for f in &self.filters {
            w.string(f)?;
        }
        Ok(())
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> Unsubscribe<'static> {
        Unsubscribe {
            pid: self.pid,
            properties: self.properties.into_owned(),
            filters: self
                .filters
                .into_iter()
                .map(|f| Cow::Owned(f.into_owned()))
                .collect(),
        }
    }
}

/// The server's answer to UNSUBSCRIBE. MQTT 5 gives one reason code per filter; 3.1.1 none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck<'a> {
    /// The UNSUBSCRIBE's packet identifier [MQTT-2.2.1-6].
    pub pid: Pid,
    /// Properties (MQTT 5).
    pub properties: Properties<'a>,
    /// Per filter (MQTT 5); empty in 3.1.1.
    pub reason_codes: Vec<ReasonCode>,
}

/// MQTT 3.1.1's UNSUBACK carries no reason codes at all.
fn none_in_v3(_: ReasonCode) -> bool {
    false
}

impl<'a> UnsubAck<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        let pid = r.pid()?;
        if !v.is_v5() {
            return Ok(UnsubAck {
                pid,
                properties: Properties::default(),
                reason_codes: Vec::new(),
            });
        }
        let (properties, reason_codes) = ack_list::decode(r, PacketType::UnsubAck, v, none_in_v3)?;
        if reason_codes.is_empty() {
            return Err(Error::EmptyAckList);
        }
        Ok(UnsubAck {
            pid,
            properties,
            reason_codes,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        if v.is_v5() && self.reason_codes.is_empty() {
            return Err(Error::EmptyAckList);
        }
        ack_list::body_len(
            &self.properties,
            &self.reason_codes,
            PacketType::UnsubAck,
            v,
            none_in_v3,
        )
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        ack_list::write_body(
            self.pid,
            &self.properties,
            &self.reason_codes,
            PacketType::UnsubAck,
            v,
            w,
        )
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> UnsubAck<'static> {
        UnsubAck {
            pid: self.pid,
            properties: self.properties.into_owned(),
            reason_codes: self.reason_codes,
        }
    }
}
