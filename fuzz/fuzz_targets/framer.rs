//! The `Framer` must yield the same packets and errors however a stream is split into pushes.
//!
//! Input layout: byte 0 picks the version (`% 3`) and, if its high bit is set, a small maximum
//! packet size from byte 1 (else `MAX_PACKET_SIZE`); the next byte is the number of cut points
//! (`% 16`), each a little-endian `u16` taken modulo the stream length; the rest is the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmqtt::codec::{Error, Framer, Packet, ProtocolVersion, MAX_PACKET_SIZE};

#[derive(Debug, PartialEq)]
struct Framed {
    packets: Vec<Result<Packet<'static>, Error>>,
    error: Option<Error>,
    buffered: usize,
}

fn frame<'c>(
    version: ProtocolVersion,
    max: u32,
    chunks: impl IntoIterator<Item = &'c [u8]>,
) -> Framed {
    let mut framer = Framer::new(version, max);
    let mut packets = Vec::new();
    let mut error: Option<Error> = None;
    for chunk in chunks {
        match &error {
            Some(e) => assert_eq!(framer.push(chunk).as_ref(), Err(e)),
            None => {
                if let Err(e) = framer.push(chunk) {
                    assert_eq!(framer.error(), Some(&e));
                    error = Some(e);
                }
            }
        }
        while let Some(r) = framer.next_packet() {
            packets.push(r.map(Packet::into_owned));
        }
    }
    assert!(framer.next_packet().is_none());
    Framed {
        packets,
        error,
        buffered: framer.buffered(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let version = match mode % 3 {
        0 => ProtocolVersion::V3_1,
        1 => ProtocolVersion::V3_1_1,
        _ => ProtocolVersion::V5,
    };
    let (max, rest) = if mode & 0x80 != 0 {
        match rest.split_first() {
            Some((&m, rest)) => (u32::from(m), rest),
            None => return,
        }
    } else {
        (MAX_PACKET_SIZE, rest)
    };
    let Some((&n, rest)) = rest.split_first() else {
        return;
    };
    let n = usize::from(n % 16);
    if rest.len() < 2 * n {
        return;
    }
    let (cuts, stream) = rest.split_at(2 * n);
    let mut at: Vec<usize> = cuts
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (stream.len() + 1))
        .collect();
    at.push(0);
    at.push(stream.len());
    at.sort_unstable();
    let pieces = at.windows(2).map(|w| &stream[w[0]..w[1]]);

    let whole = frame(version, max, [stream]);
    assert_eq!(frame(version, max, pieces), whole, "split at {at:?}");
    if stream.len() <= 4096 {
        assert_eq!(frame(version, max, stream.chunks(1)), whole, "byte by byte");
    }
});
