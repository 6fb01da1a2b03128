//! CONNACK (section 3.2).

use super::error::Error;
use super::primitives::{Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::reason_code::ReasonCode;
use super::types::{PacketType, ProtocolVersion};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::ConnAck);

/// The server's answer to CONNECT. MQTT 3.1.1 return codes are mapped to the MQTT 5 reason
/// codes of the same meaning (1 to 0x84, 2 to 0x85, 3 to 0x88, 4 to 0x86, 5 to 0x87).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck<'a> {
    /// Whether the server resumed a stored session.
    pub session_present: bool,
    /// Success, or why the connection was refused.
    pub reason_code: ReasonCode,
    /// CONNACK properties (MQTT 5).
    pub properties: Properties<'a>,
}

impl<'a> ConnAck<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        let flags = r.u8("connect acknowledge flags")?;
        if flags & 0xFE != 0 {
            return Err(Error::InvalidConnAckFlags(flags));
        }
        let code = r.u8("reason code")?;
        let reason_code = if v.is_v5() {
            ReasonCode::decode_for(code, PacketType::ConnAck)?
        } else {
            ReasonCode::from_v3_connack(code)?
        };
        let session_present = flags & 0x01 != 0;
        if session_present && reason_code != ReasonCode::Success {
            return Err(Error::SessionPresentWithError);
        }
        let properties = Properties::decode_in(r, CTX, v)?;
        Ok(ConnAck {
            session_present,
            reason_code,
            properties,
        })
    }

    fn code_byte(&self, v: ProtocolVersion) -> Result<u8, Error> {
        if self.session_present && self.reason_code != ReasonCode::Success {
            return Err(Error::SessionPresentWithError);
        }
        if v.is_v5() {
            self.reason_code.check_for(PacketType::ConnAck)?;
            Ok(self.reason_code.value())
        } else {
            self.reason_code.to_v3_connack(v)
        }
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        self.code_byte(v)?;
        Ok(2 + self.properties.wire_len_in(CTX, v)?)
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        w.u8(u8::from(self.session_present))?;
        w.u8(self.code_byte(v)?)?;
        self.properties.write_in(CTX, v, w)
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> ConnAck<'static> {
        ConnAck {
            session_present: self.session_present,
            reason_code: self.reason_code,
            properties: self.properties.into_owned(),
        }
    }
}
