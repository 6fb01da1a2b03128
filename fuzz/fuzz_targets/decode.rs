//! Arbitrary bytes → `Packet::decode` in MQTT 3.1, 3.1.1 and 5.0. Nothing may panic; a packet
//! that decodes must re-encode (the decoder accepts nothing the encoder refuses) to bytes
//! that decode to the same packet, and encoding is canonical (a second encode is identical).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmqtt::codec::{Packet, ProtocolVersion};

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V3_1,
    ProtocolVersion::V3_1_1,
    ProtocolVersion::V5,
];

fuzz_target!(|data: &[u8]| {
    for v in VERSIONS {
        let Ok(Some((packet, len))) = Packet::decode(data, v) else {
            continue;
        };
        assert!(len <= data.len());
        let mut buf = Vec::new();
        let written = packet
            .encode_to_vec(v, &mut buf)
            .unwrap_or_else(|e| panic!("decoded {packet:?} in {v} does not re-encode: {e}"));
        assert_eq!(written, buf.len());
        assert_eq!(packet.encoded_len(v), Ok(written));
        let again = Packet::decode(&buf, v);
        assert_eq!(
            again,
            Ok(Some((packet.clone(), buf.len()))),
            "re-encoded {buf:02x?}"
        );
        let mut buf2 = Vec::new();
        if let Ok(Some((again, _))) = again {
            again.encode_to_vec(v, &mut buf2).unwrap();
        }
        assert_eq!(buf, buf2, "encoding is not canonical");
        assert_eq!(packet.clone().into_owned(), packet);
    }
});
