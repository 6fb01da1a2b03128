//! The incremental framer: bytes go in as the transport delivers them, in any split, and
//! whole packets come out. MQTT packets are not aligned to WebSocket messages [MQTT-6.0.0-2].

use alloc::vec::Vec;

use super::error::Error;
use super::packet::{FixedHeader, Packet};
use super::types::ProtocolVersion;

/// The largest packet MQTT can express: a 5-byte fixed header and 268,435,455 bytes.
pub const MAX_PACKET_SIZE: u32 = 268_435_460;

/// Reassembles packets from a byte stream.
///
/// Each fixed header is checked as soon as its bytes are in: a packet larger than
/// `max_packet_size` (the whole packet, as MQTT 5's Maximum Packet Size counts it) or with a
/// malformed header is refused before its body is kept, and the framer stays failed, since
/// the stream cannot be resynchronised: the connection must be closed. A packet whose body
/// is malformed is returned as an error and skipped; the caller decides to disconnect.
///
/// ```
/// use wasmqtt::codec::{Framer, Packet, ProtocolVersion};
/// let mut framer = Framer::new(ProtocolVersion::V3_1_1, 1024);
/// framer.push(&[0x20, 0x02, 0x00]).unwrap(); // a CONNACK, cut short
/// assert!(framer.next_packet().is_none());
/// framer.push(&[0x00, 0xd0, 0x00]).unwrap(); // its last byte, and a PINGRESP
/// assert!(matches!(framer.next_packet(), Some(Ok(Packet::ConnAck(_)))));
/// assert!(matches!(framer.next_packet(), Some(Ok(Packet::PingResp))));
/// assert!(framer.next_packet().is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Framer {
    buf: Vec<u8>,
    /// Where the next packet to hand out starts.
    start: usize,
    /// Where the first fixed header not yet checked starts (at or after `start`).
    scan: usize,
    version: ProtocolVersion,
    max_packet_size: u32,
    failed: Option<Error>,
}

impl Framer {
    /// A framer for `version` refusing packets over `max_packet_size` bytes.
    pub fn new(version: ProtocolVersion, max_packet_size: u32) -> Self {
        Framer {
            buf: Vec::new(),
            start: 0,
            scan: 0,
            version,
            max_packet_size,
            failed: None,
        }
    }

    /// The protocol version used to decode packets other than CONNECT.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Changes the version (e.g. after falling back from 5 to 3.1.1).
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// Bytes held: whole packets not yet taken and the start of the next one.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The framing error that stopped this framer, if any.
    pub fn error(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    /// Forgets all bytes and any error: for a new connection.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.scan = 0;
        self.failed = None;
    }

    /// Takes bytes as they arrive. Fails at the first fixed header that is malformed or
    /// announces an oversize packet; the bytes from that packet on are dropped, and later
    /// pushes are refused with the same error.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        self.compact();
        self.buf.extend_from_slice(bytes);
        self.check_headers()
    }

    /// Moves unread bytes to the front once the consumed prefix is worth reclaiming.
    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        if self.start == self.buf.len() {
            self.buf.clear();
        } else if self.start >= 4096 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
        } else {
            return;
        }
        self.scan -= self.start;
        self.start = 0;
    }

    /// Checks every fixed header now complete in the buffer, from `scan` on.
    fn check_headers(&mut self) -> Result<(), Error> {
        while let Some(rest) = self.buf.get(self.scan..) {
            let header = match FixedHeader::parse(rest) {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(e) => return Err(self.fail(e)),
            };
            let size = header.packet_len();
            if size > self.max_packet_size as usize {
                return Err(self.fail(Error::PacketTooLarge {
                    size,
                    max: self.max_packet_size,
                }));
            }
            self.scan += size;
        }
        Ok(())
    }

    fn fail(&mut self, err: Error) -> Error {
        self.buf.truncate(self.scan);
        self.failed = Some(err.clone());
        err
    }

    /// The next whole packet, if one is buffered. The packet borrows from the framer: copy
    /// out what must be kept (e.g. [`Packet::into_owned`]) before the next call.
    pub fn next_packet(&mut self) -> Option<Result<Packet<'_>, Error>> {
        self.next_of(Packet::decode_body)
    }

    /// As [`Framer::next_packet`], for a client: a packet only clients send is an error
    /// ([`Error::NotSentByServer`]), its body not decoded.
    pub fn next_server_packet(&mut self) -> Option<Result<Packet<'_>, Error>> {
        self.next_of(Packet::decode_server_body)
    }

    fn next_of<'f>(
        &'f mut self,
        decode: fn(&FixedHeader, &'f [u8], ProtocolVersion) -> Result<Packet<'f>, Error>,
    ) -> Option<Result<Packet<'f>, Error>> {
        let rest = self.buf.get(self.start..)?;
        let header = match FixedHeader::parse(rest) {
            Ok(Some(h)) => h,
            Ok(None) => return None,
            // Headers were checked on push; one that fails here fails again, stopped there.
            Err(_) => return None,
        };
        let body = rest.get(header.header_len..header.packet_len())?;
        self.start += header.packet_len();
        Some(decode(&header, body, self.version))
    }
}
