//! PUBACK, PUBREC, PUBREL and PUBCOMP (sections 3.4 to 3.7): one shape, four packet types.

use super::error::Error;
use super::primitives::{Reader, Writer};
use super::properties::Properties;
use super::reason_code::ReasonCode;
use super::reason_tail;
use super::types::{PacketType, Pid, ProtocolVersion};

/// A QoS 1 or QoS 2 acknowledgement; which one is the [`super::Packet`] variant holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack<'a> {
    /// The packet identifier of the PUBLISH it acknowledges [MQTT-2.2.1-5].
    pub pid: Pid,
    /// Success or why not (MQTT 5; always Success before).
    pub reason_code: ReasonCode,
    /// Properties (MQTT 5).
    pub properties: Properties<'a>,
}

impl<'a> Ack<'a> {
    /// A successful acknowledgement without properties: the common case, 2 bytes of body.
    pub fn new(pid: Pid) -> Self {
        Ack {
            pid,
            reason_code: ReasonCode::Success,
            properties: Properties::default(),
        }
    }

    #[inline]
    pub(crate) fn decode(
        packet: PacketType,
        r: &mut Reader<'a>,
        v: ProtocolVersion,
    ) -> Result<Self, Error> {
        let pid = r.pid()?;
        let (reason_code, properties) = if v.is_v5() {
            reason_tail::decode(r, packet)?
        } else {
            (ReasonCode::Success, Properties::default())
        };
        Ok(Ack {
            pid,
            reason_code,
            properties,
        })
    }

    pub(crate) fn body_len(&self, packet: PacketType, v: ProtocolVersion) -> Result<usize, Error> {
        Ok(2 + reason_tail::len(self.reason_code, &self.properties, packet, v)?)
    }

    pub(crate) fn write_body(
        &self,
        packet: PacketType,
        v: ProtocolVersion,
        w: &mut Writer<'_>,
    ) -> Result<(), Error> {
        w.pid(self.pid)?;
        reason_tail::write(self.reason_code, &self.properties, packet, v, w)
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> Ack<'static> {
        Ack {
            pid: self.pid,
            reason_code: self.reason_code,
            properties: self.properties.into_owned(),
        }
    }
}
