//! The optional "reason code, then properties" ending that MQTT 5 gives PUBACK, PUBREC,
//! PUBREL, PUBCOMP (after the packet id), DISCONNECT and AUTH: both may be omitted when the
//! code is 0x00 and there are no properties, and the properties alone may be omitted.

use super::error::Error;
use super::primitives::{Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::reason_code::ReasonCode;
use super::types::{PacketType, ProtocolVersion};

/// Reads the tail of `packet` (MQTT 5): absent means Success without properties.
pub(crate) fn decode<'a>(
    r: &mut Reader<'a>,
    packet: PacketType,
) -> Result<(ReasonCode, Properties<'a>), Error> {
    if r.is_empty() {
        return Ok((ReasonCode::Success, Properties::default()));
    }
    let code = ReasonCode::decode_for(r.u8("reason code")?, packet)?;
    let properties = if r.is_empty() {
        Properties::default()
    } else {
        Properties::decode(r, PropertyContext::Packet(packet))?
    };
    Ok((code, properties))
}

/// Bytes the shortest tail takes; before MQTT 5 there is none, so it must be Success and empty.
pub(crate) fn len(
    code: ReasonCode,
    properties: &Properties<'_>,
    packet: PacketType,
    v: ProtocolVersion,
) -> Result<usize, Error> {
    if !v.is_v5() {
        if code != ReasonCode::Success {
            return Err(Error::NotInVersion {
                what: "reason codes",
                version: v,
            });
        }
        return properties.wire_len_in(PropertyContext::Packet(packet), v);
    }
    code.check_for(packet)?;
    let props = properties.checked_len(PropertyContext::Packet(packet))?;
    Ok(match (code, props) {
        (ReasonCode::Success, 0) => 0,
        (_, 0) => 1,
        (_, n) => 1 + Properties::wire_len(n),
    })
}

/// Writes the tail as [`len`] measured it.
pub(crate) fn write(
    code: ReasonCode,
    properties: &Properties<'_>,
    packet: PacketType,
    v: ProtocolVersion,
    w: &mut Writer<'_>,
) -> Result<(), Error> {
    if !v.is_v5() {
        return Ok(());
    }
    let props = properties.checked_len(PropertyContext::Packet(packet))?;
    if code == ReasonCode::Success && props == 0 {
        return Ok(());
    }
    w.u8(code.value())?;
    if props > 0 {
        properties.write(props, w)?;
    }
    Ok(())
}
