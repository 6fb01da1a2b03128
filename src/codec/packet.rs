//! The [`Packet`] enum over all 15 control packets, the fixed header, and the entry points
//! that decode and encode a whole packet in either protocol version.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::ack::Ack;
use super::auth::Auth;
use super::connack::ConnAck;
use super::connect::Connect;
use super::disconnect::Disconnect;
use super::error::Error;
use super::primitives::{decode_var_int, var_int_len, Reader, Writer, MAX_VAR_INT};
use super::publish::Publish;
use super::subscribe::{SubAck, Subscribe};
use super::types::{PacketType, ProtocolVersion};
use super::unsubscribe::{UnsubAck, Unsubscribe};

/// Any MQTT control packet, borrowing its strings and payloads from the decoded bytes
/// (`Packet<'static>` after [`Packet::into_owned`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Packet<'a> {
    /// Boxed: the largest packet, sent once per connection.
    Connect(Box<Connect<'a>>),
    ConnAck(ConnAck<'a>),
    Publish(Publish<'a>),
    PubAck(Ack<'a>),
    PubRec(Ack<'a>),
    PubRel(Ack<'a>),
    PubComp(Ack<'a>),
    Subscribe(Subscribe<'a>),
    SubAck(SubAck<'a>),
    Unsubscribe(Unsubscribe<'a>),
    UnsubAck(UnsubAck<'a>),
    PingReq,
    PingResp,
    Disconnect(Disconnect<'a>),
    Auth(Auth<'a>),
}

/// The fixed header: packet type, flags and remaining length (section 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedHeader {
    /// The packet type.
    pub packet_type: PacketType,
    /// The four low bits of the first byte.
    pub flags: u8,
    /// The number of bytes after the fixed header.
    pub remaining_length: u32,
    /// The fixed header's own size (2 to 5 bytes).
    pub header_len: usize,
}

impl FixedHeader {
    /// The size of the whole packet.
    pub fn packet_len(&self) -> usize {
        self.header_len + self.remaining_length as usize
    }

    /// Reads a fixed header from the start of `buf`: `Ok(None)` if `buf` ends inside it.
    ///
    /// The packet type and remaining length are checked here, before any body byte is needed,
    /// so a framer can refuse a bad or oversize packet at once. The header flags are checked
    /// with the body, where PUBLISH's are interpreted.
    #[inline]
    pub fn parse(buf: &[u8]) -> Result<Option<Self>, Error> {
        let Some((&first, rest)) = buf.split_first() else {
            return Ok(None);
        };
        let packet_type = PacketType::from_nibble(first >> 4)?;
        Ok(
            decode_var_int(rest)?.map(|(remaining_length, len)| FixedHeader {
                packet_type,
                flags: first & 0x0F,
                remaining_length,
                header_len: 1 + len,
            }),
        )
    }
}

impl<'a> Packet<'a> {
    /// Decodes the packet at the start of `buf`, if it is all there: `Ok(None)` asks for
    /// more bytes, `Ok(Some((packet, len)))` says how many bytes it took. CONNECT decides its
    /// own version; `version` applies to every other packet.
    #[inline]
    pub fn decode(buf: &'a [u8], version: ProtocolVersion) -> Result<Option<(Self, usize)>, Error> {
        let Some(header) = FixedHeader::parse(buf)? else {
            return Ok(None);
        };
        let len = header.packet_len();
        match buf.get(header.header_len..len) {
            Some(body) => Ok(Some((Packet::decode_body(&header, body, version)?, len))),
            None => Ok(None),
        }
    }

    /// Decodes a packet's body (exactly `header.remaining_length` bytes) under its header.
    #[inline]
    pub fn decode_body(
        header: &FixedHeader,
        body: &'a [u8],
        version: ProtocolVersion,
    ) -> Result<Self, Error> {
        Self::decode_body_of::<true>(header, body, version)
    }

    /// As [`Packet::decode_body`], for what a client reads: the packets only clients send are
    /// [`Error::NotSentByServer`], and their decoders are not part of a build that only uses
    /// this (a client's wasm module).
    #[inline]
    pub fn decode_server_body(
        header: &FixedHeader,
        body: &'a [u8],
        version: ProtocolVersion,
    ) -> Result<Self, Error> {
        Self::decode_body_of::<false>(header, body, version)
    }

    fn decode_body_of<const CLIENT_PACKETS: bool>(
        header: &FixedHeader,
        body: &'a [u8],
        version: ProtocolVersion,
    ) -> Result<Self, Error> {
        let t = header.packet_type;
        if !CLIENT_PACKETS
            && matches!(
                t,
                PacketType::Connect
                    | PacketType::Subscribe
                    | PacketType::Unsubscribe
                    | PacketType::PingReq
            )
        {
            return Err(Error::NotSentByServer(t));
        }
        if t != PacketType::Publish && header.flags != t.required_flags() {
            return Err(Error::InvalidHeaderFlags {
                packet: t,
                flags: header.flags,
            });
        }
        if t == PacketType::Auth && !version.is_v5() {
            return Err(Error::InvalidPacketType(15));
        }
        let mut r = Reader::new(body);
        let r = &mut r;
        let packet = match t {
            PacketType::Connect if CLIENT_PACKETS => Packet::Connect(Box::new(Connect::decode(r)?)),
            PacketType::ConnAck => Packet::ConnAck(ConnAck::decode(r, version)?),
            PacketType::Publish => Packet::Publish(Publish::decode(header.flags, r, version)?),
            PacketType::PubAck => Packet::PubAck(Ack::decode(t, r, version)?),
            PacketType::PubRec => Packet::PubRec(Ack::decode(t, r, version)?),
            PacketType::PubRel => Packet::PubRel(Ack::decode(t, r, version)?),
            PacketType::PubComp => Packet::PubComp(Ack::decode(t, r, version)?),
            PacketType::Subscribe if CLIENT_PACKETS => {
                Packet::Subscribe(Subscribe::decode(r, version)?)
            }
            PacketType::SubAck => Packet::SubAck(SubAck::decode(r, version)?),
            PacketType::Unsubscribe if CLIENT_PACKETS => {
                Packet::Unsubscribe(Unsubscribe::decode(r, version)?)
            }
            PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::decode(r, version)?),
            PacketType::PingReq if CLIENT_PACKETS => Packet::PingReq,
            PacketType::Connect
            | PacketType::Subscribe
            | PacketType::Unsubscribe
            | PacketType::PingReq => return Err(Error::NotSentByServer(t)),
            PacketType::PingResp => Packet::PingResp,
            PacketType::Disconnect => Packet::Disconnect(Disconnect::decode(r, version)?),
            PacketType::Auth => Packet::Auth(Auth::decode(r)?),
        };
        if !r.is_empty() {
            return Err(Error::TrailingBytes {
                packet: t,
                count: r.remaining(),
            });
        }
        Ok(packet)
    }

    /// Its packet type.
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    /// The version the packet is encoded in: a CONNECT's own, else `version`.
    fn effective_version(&self, version: ProtocolVersion) -> ProtocolVersion {
        match self {
            Packet::Connect(c) => c.protocol,
            _ => version,
        }
    }

    /// Checks every field and returns the body's length (with `SERVER_PACKETS` false, the
    /// packets only servers send are [`Error::NotSentByClient`]).
    fn body_len<const SERVER_PACKETS: bool>(&self, v: ProtocolVersion) -> Result<usize, Error> {
        let t = self.packet_type();
        match self {
            Packet::Connect(p) => p.body_len(),
            Packet::ConnAck(p) if SERVER_PACKETS => p.body_len(v),
            Packet::Publish(p) => p.body_len(v),
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.body_len(t, v)
            }
            Packet::Subscribe(p) => p.body_len(v),
            Packet::SubAck(p) if SERVER_PACKETS => p.body_len(v),
            Packet::Unsubscribe(p) => p.body_len(v),
            Packet::UnsubAck(p) if SERVER_PACKETS => p.body_len(v),
            Packet::PingReq => Ok(0),
            Packet::PingResp if SERVER_PACKETS => Ok(0),
            Packet::Disconnect(p) => p.body_len(v),
            Packet::Auth(p) => p.body_len(v),
            Packet::ConnAck(_) | Packet::SubAck(_) | Packet::UnsubAck(_) | Packet::PingResp => {
                Err(Error::NotSentByClient(t))
            }
        }
    }

    fn write_body<const SERVER_PACKETS: bool>(
        &self,
        v: ProtocolVersion,
        w: &mut Writer<'_>,
    ) -> Result<(), Error> {
        let t = self.packet_type();
        match self {
            Packet::Connect(p) => p.write_body(w),
            Packet::ConnAck(p) if SERVER_PACKETS => p.write_body(v, w),
            Packet::Publish(p) => p.write_body(v, w),
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.write_body(t, v, w)
            }
            Packet::Subscribe(p) => p.write_body(v, w),
            Packet::SubAck(p) if SERVER_PACKETS => p.write_body(v, w),
            Packet::Unsubscribe(p) => p.write_body(v, w),
            Packet::UnsubAck(p) if SERVER_PACKETS => p.write_body(v, w),
            Packet::PingReq => Ok(()),
            Packet::PingResp if SERVER_PACKETS => Ok(()),
            Packet::Disconnect(p) => p.write_body(v, w),
            Packet::Auth(p) => p.write_body(v, w),
            Packet::ConnAck(_) | Packet::SubAck(_) | Packet::UnsubAck(_) | Packet::PingResp => {
                Err(Error::NotSentByClient(t))
            }
        }
    }

    /// The number of bytes [`Packet::encode`] writes, after checking the packet.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, Error> {
        let v = self.effective_version(version);
        total_len(self.body_len::<true>(v)?).map(|(total, _)| total)
    }

    fn header_flags(&self) -> u8 {
        match self {
            Packet::Publish(p) => p.flags(),
            _ => self.packet_type().required_flags(),
        }
    }

    /// Encodes into the start of `out` and returns the number of bytes written. Every rule
    /// the decoder checks is checked first: nothing malformed is ever written.
    pub fn encode(&self, version: ProtocolVersion, out: &mut [u8]) -> Result<usize, Error> {
        let v = self.effective_version(version);
        let body = self.body_len::<true>(v)?;
        encode_into(out, self.packet_type(), self.header_flags(), body, |w| {
            self.write_body::<true>(v, w)
        })
    }

    /// Appends the encoded packet to `out` and returns its size; `out` is unchanged on error.
    pub fn encode_to_vec(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, Error> {
        self.encode_to_vec_of::<true>(version, out)
    }

    /// As [`Packet::encode_to_vec`], for what a client writes: the packets only servers send
    /// (CONNACK, SUBACK, UNSUBACK, PINGRESP) are [`Error::NotSentByClient`], and their encoders
    /// are not part of a build that only uses this (a client's wasm module).
    pub fn encode_client_to_vec(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, Error> {
        self.encode_to_vec_of::<false>(version, out)
    }

    fn encode_to_vec_of<const SERVER_PACKETS: bool>(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, Error> {
        let v = self.effective_version(version);
        let body = self.body_len::<SERVER_PACKETS>(v)?;
        body_to_vec(out, self.packet_type(), self.header_flags(), body, |w| {
            self.write_body::<SERVER_PACKETS>(v, w)
        })
    }

    /// Copies every borrowed field, to keep the packet beyond its input buffer.
    pub fn into_owned(self) -> Packet<'static> {
        match self {
            Packet::Connect(p) => Packet::Connect(Box::new(p.into_owned())),
            Packet::ConnAck(p) => Packet::ConnAck(p.into_owned()),
            Packet::Publish(p) => Packet::Publish(p.into_owned()),
            Packet::PubAck(p) => Packet::PubAck(p.into_owned()),
            Packet::PubRec(p) => Packet::PubRec(p.into_owned()),
            Packet::PubRel(p) => Packet::PubRel(p.into_owned()),
            Packet::PubComp(p) => Packet::PubComp(p.into_owned()),
            Packet::Subscribe(p) => Packet::Subscribe(p.into_owned()),
            Packet::SubAck(p) => Packet::SubAck(p.into_owned()),
            Packet::Unsubscribe(p) => Packet::Unsubscribe(p.into_owned()),
            Packet::UnsubAck(p) => Packet::UnsubAck(p.into_owned()),
            Packet::PingReq => Packet::PingReq,
            Packet::PingResp => Packet::PingResp,
            Packet::Disconnect(p) => Packet::Disconnect(p.into_owned()),
            Packet::Auth(p) => Packet::Auth(p.into_owned()),
        }
    }
}

/// The whole size and the remaining length of a packet whose body is `body` bytes.
pub(crate) fn total_len(body: usize) -> Result<(usize, u32), Error> {
    let remaining = u32::try_from(body)
        .ok()
        .filter(|&n| n <= MAX_VAR_INT)
        .ok_or(Error::RemainingLengthTooLarge(body))?;
    Ok((1 + var_int_len(remaining) + body, remaining))
}

/// Writes the fixed header of a packet of type `t` and its body (measured as `body` bytes
/// and written by `write_body`) into the start of `out`.
pub(crate) fn encode_into(
    out: &mut [u8],
    t: PacketType,
    flags: u8,
    body: usize,
    write_body: impl FnOnce(&mut Writer<'_>) -> Result<(), Error>,
) -> Result<usize, Error> {
    let (total, remaining) = total_len(body)?;
    if out.len() < total {
        return Err(Error::BufferTooSmall {
            needed: total,
            available: out.len(),
        });
    }
    let mut w = Writer::new(out);
    w.u8(((t as u8) << 4) | flags)?;
    w.var_int(remaining)?;
    write_body(&mut w)?;
    debug_assert_eq!(w.position(), total, "measured and written sizes differ");
    Ok(w.position())
}

/// Appends a whole packet (fixed header and body, as [`encode_into`] writes it) to `out`.
pub(crate) fn body_to_vec(
    out: &mut Vec<u8>,
    t: PacketType,
    flags: u8,
    body: usize,
    write_body: impl FnOnce(&mut Writer<'_>) -> Result<(), Error>,
) -> Result<usize, Error> {
    append_to_vec(out, body, |buf| {
        encode_into(buf, t, flags, body, write_body)
    })
}

/// Grows `out` by the packet's size and lets `encode` fill the new tail; on error `out` is
/// left as it was.
pub(crate) fn append_to_vec(
    out: &mut Vec<u8>,
    body: usize,
    encode: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> Result<usize, Error> {
    let (total, _) = total_len(body)?;
    let start = out.len();
    out.resize(start + total, 0);
    let written = match out.get_mut(start..) {
        Some(tail) => encode(tail),
        None => Err(Error::BufferTooSmall {
            needed: total,
            available: 0,
        }),
    };
    if written.is_err() {
        out.truncate(start);
    }
    written
}
