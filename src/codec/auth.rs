//! AUTH (section 3.15): enhanced authentication exchanges, MQTT 5 only.

use super::error::Error;
use super::primitives::{Reader, Writer};
use super::properties::Properties;
use super::reason_code::ReasonCode;
use super::reason_tail;
use super::types::{PacketType, ProtocolVersion};

/// One step of an enhanced authentication or re-authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Auth<'a> {
    /// Success (0x00), Continue authentication (0x18) or Re-authenticate (0x19).
    pub reason_code: ReasonCode,
    /// Authentication Method and Data, Reason String, User Properties.
    pub properties: Properties<'a>,
}

impl<'a> Auth<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>) -> Result<Self, Error> {
        let (reason_code, properties) = reason_tail::decode(r, PacketType::Auth)?;
        Ok(Auth {
            reason_code,
            properties,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        if !v.is_v5() {
            return Err(Error::NotInVersion {
                what: "AUTH",
                version: v,
            });
        }
        reason_tail::len(self.reason_code, &self.properties, PacketType::Auth, v)
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        reason_tail::write(self.reason_code, &self.properties, PacketType::Auth, v, w)
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> Auth<'static> {
        Auth {
            reason_code: self.reason_code,
            properties: self.properties.into_owned(),
        }
    }
}
