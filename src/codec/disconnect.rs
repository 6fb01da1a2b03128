//! DISCONNECT (section 3.14): MQTT 5 gives it a reason code and properties, 3.1.1 nothing.

use super::error::Error;
use super::primitives::{Reader, Writer};
use super::properties::Properties;
use super::reason_code::ReasonCode;
use super::reason_tail;
use super::types::{PacketType, ProtocolVersion};

/// The last packet of a connection, from either side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disconnect<'a> {
    /// Why (MQTT 5); 0x00 is Normal disconnection.
    pub reason_code: ReasonCode,
    /// Properties (MQTT 5).
    pub properties: Properties<'a>,
}

impl<'a> Disconnect<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        if !v.is_v5() {
            return Ok(Disconnect::default());
        }
        let (reason_code, properties) = reason_tail::decode(r, PacketType::Disconnect)?;
        Ok(Disconnect {
            reason_code,
            properties,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        reason_tail::len(
            self.reason_code,
            &self.properties,
            PacketType::Disconnect,
            v,
        )
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        reason_tail::write(
            self.reason_code,
            &self.properties,
            PacketType::Disconnect,
            v,
            w,
        )
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> Disconnect<'static> {
        Disconnect {
            reason_code: self.reason_code,
            properties: self.properties.into_owned(),
        }
    }
}
