//! The body SUBACK and UNSUBACK share: packet id, properties (MQTT 5), one reason code per
//! topic filter of the request.

use alloc::vec::Vec;

use super::error::Error;
use super::primitives::{Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::reason_code::ReasonCode;
use super::types::{PacketType, Pid, ProtocolVersion};

/// Reads the properties and the reason codes after the packet id.
pub(crate) fn decode<'a>(
    r: &mut Reader<'a>,
    packet: PacketType,
    v: ProtocolVersion,
    valid_v3: fn(ReasonCode) -> bool,
) -> Result<(Properties<'a>, Vec<ReasonCode>), Error> {
    let properties = Properties::decode_in(r, PropertyContext::Packet(packet), v)?;
    let codes = r.rest();
    let mut reason_codes = Vec::with_capacity(codes.len());
    for &code in codes {
        let rc = if v.is_v5() {
            ReasonCode::decode_for(code, packet)?
        } else {
            ReasonCode::from_u8(code)
                .filter(|rc| valid_v3(*rc))
                .ok_or(Error::InvalidReasonCode { packet, code })?
        };
        reason_codes.push(rc);
    }
    Ok((properties, reason_codes))
}

/// Checks and measures the body (packet id included).
pub(crate) fn body_len(
    properties: &Properties<'_>,
    codes: &[ReasonCode],
    packet: PacketType,
    v: ProtocolVersion,
    valid_v3: fn(ReasonCode) -> bool,
) -> Result<usize, Error> {
    for &rc in codes {
        if v.is_v5() {
            rc.check_for(packet)?;
        } else if !valid_v3(rc) {
            return Err(Error::NotInVersion {
                what: "this reason code",
                version: v,
            });
        }
    }
    Ok(2 + properties.wire_len_in(PropertyContext::Packet(packet), v)? + codes.len())
}

/// Writes the body as [`body_len`] measured it.
pub(crate) fn write_body(
    pid: Pid,
    properties: &Properties<'_>,
    codes: &[ReasonCode],
    packet: PacketType,
    v: ProtocolVersion,
    w: &mut Writer<'_>,
) -> Result<(), Error> {
    w.pid(pid)?;
    properties.write_in(PropertyContext::Packet(packet), v, w)?;
    for &rc in codes {
        w.u8(rc.value())?;
    }
    Ok(())
}
