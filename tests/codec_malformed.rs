//! One test per malformed-input rule, named for the rule and citing the normative statement
//! (MQTT 5.0 ids, [MQTT-x.y.z-n]) or the section. Each asserts the exact [`Error`] on decode
//! and, where the application could build such a packet, on encode.

mod common;

use std::borrow::Cow;

use common::*;
use wasmqtt::codec::*;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A QoS 0 PUBLISH whose topic name field holds `topic` (raw bytes), payload "x".
fn raw_publish(version: ProtocolVersion, topic: &[u8]) -> Vec<u8> {
    let props: &[u8] = if version.is_v5() { &[0x00] } else { &[] };
    frame(0x30, &cat(&[&lp(topic), props, b"x"]))
}

fn publish(topic: &str) -> Publish<'_> {
    Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: false,
        topic: Cow::Borrowed(topic),
        properties: Properties::default(),
        payload: Cow::Borrowed(b"x"),
    }
}

/// A SUBSCRIBE (packet id 1) with one filter (raw bytes) and its options byte.
fn raw_subscribe(version: ProtocolVersion, filter: &[u8], options: u8) -> Vec<u8> {
    let props: &[u8] = if version.is_v5() { &[0x00] } else { &[] };
    frame(0x82, &cat(&[&[0x00, 0x01], props, &lp(filter), &[options]]))
}

fn subscribe(filter: &str, options: SubscriptionOptions) -> Packet<'_> {
    Packet::Subscribe(Subscribe {
        pid: pid(1),
        properties: Properties::default(),
        filters: vec![SubscribeFilter {
            filter: Cow::Borrowed(filter),
            options,
        }],
    })
}

/// An UNSUBSCRIBE (packet id 1) with one filter (raw bytes).
fn raw_unsubscribe(version: ProtocolVersion, filter: &[u8]) -> Vec<u8> {
    let props: &[u8] = if version.is_v5() { &[0x00] } else { &[] };
    frame(0xA2, &cat(&[&[0x00, 0x01], props, &lp(filter)]))
}

fn unsubscribe(filter: &str) -> Packet<'_> {
    Packet::Unsubscribe(Unsubscribe {
        pid: pid(1),
        properties: Properties::default(),
        filters: vec![Cow::Borrowed(filter)],
    })
}

/// A CONNECT: protocol name (raw), level, flags, keep alive 0, an empty property list for
/// level 5, then `payload` as given.
fn raw_connect(name: &[u8], level: u8, flags: u8, payload: &[u8]) -> Vec<u8> {
    let props: &[u8] = if level == 5 { &[0x00] } else { &[] };
    frame(
        0x10,
        &cat(&[&lp(name), &[level, flags, 0x00, 0x00], props, payload]),
    )
}

fn connect(protocol: ProtocolVersion) -> Connect<'static> {
    Connect {
        protocol,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::default(),
        client_id: "c".into(),
        will: None,
        username: None,
        password: None,
    }
}

fn will(topic: &str) -> Will<'_> {
    Will {
        properties: Properties::default(),
        topic: Cow::Borrowed(topic),
        payload: Cow::Borrowed(b"bye"),
        qos: QoS::AtMostOnce,
        retain: false,
    }
}

fn connect_with_will(protocol: ProtocolVersion, w: Will<'static>) -> Packet<'static> {
    let mut c = connect(protocol);
    c.will = Some(w);
    Packet::Connect(Box::new(c))
}

fn is_unexpected_end(e: &Error) -> bool {
    matches!(e, Error::UnexpectedEnd { .. })
}

/// What decoding a cut packet must give.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Ok,
    End(&'static str),
    Err(Error),
}

/// Expands runs of (expectation, count) into one expectation per cut length.
fn runs(spec: &[(Expect, usize)]) -> Vec<Expect> {
    spec.iter()
        .flat_map(|(e, n)| std::iter::repeat_n(e.clone(), *n))
        .collect()
}

/// Cuts `body` at every length from 0 to its end and frames the cut with a remaining length
/// matching it: the packet then ends inside a field. `expected[cut]` says what must happen.
fn check_every_cut(first: u8, body: &[u8], version: ProtocolVersion, expected: &[Expect]) {
    assert_eq!(expected.len(), body.len(), "one expectation per cut");
    // The whole body is valid.
    decode_whole(&frame(first, body), version).unwrap();
    for (cut, want) in expected.iter().enumerate() {
        let bytes = frame(first, &body[..cut]);
        let got = Packet::decode(&bytes, version).map(|o| o.map(|(_, n)| n));
        match want {
            Expect::Ok => assert_eq!(got, Ok(Some(bytes.len())), "cut {cut}"),
            Expect::End(field) => {
                assert_eq!(got, Err(Error::UnexpectedEnd { field }), "cut {cut}")
            }
            Expect::Err(e) => assert_eq!(got, Err(e.clone()), "cut {cut}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Variable byte integers (section 1.5.5)
// ---------------------------------------------------------------------------------------------

#[test]
fn var_int_non_minimal_rejected_mqtt_1_5_5_1() {
    for bytes in [
        &[0x80, 0x00][..],         // 0 in two bytes
        &[0xFF, 0x00],             // 127 in two bytes
        &[0x80, 0x80, 0x00],       // 0 in three bytes
        &[0x80, 0x81, 0x00],       // 128 in three bytes
        &[0xFF, 0xFF, 0x00],       // 16 383 in three bytes
        &[0x80, 0x80, 0x80, 0x00], // 0 in four bytes
        &[0xFF, 0xFF, 0xFF, 0x00], // 2 097 151 in four bytes
    ] {
        assert_eq!(
            decode_var_int(bytes),
            Err(Error::NonMinimalVarInt),
            "{bytes:02x?}"
        );
    }
    // As a remaining length: PINGREQ with remaining length 0 in two bytes.
    assert_eq!(decode_err(&[0xC0, 0x80, 0x00], V4), Error::NonMinimalVarInt);
    assert_eq!(
        FixedHeader::parse(&[0xC0, 0x80, 0x00]),
        Err(Error::NonMinimalVarInt)
    );
    // PUBLISH with remaining length 5 written 0x85 0x00.
    assert_eq!(
        decode_err(&[0x30, 0x85, 0x00, 0x00, 0x01, b't', b'x', b'y'], V4),
        Error::NonMinimalVarInt
    );
    // As a property length: PUBACK with property length 0 in two bytes.
    assert_eq!(
        decode_err(&[0x40, 0x05, 0x00, 0x01, 0x00, 0x80, 0x00], V5),
        Error::NonMinimalVarInt
    );
    // As a Subscription Identifier value: 1 written 0x81 0x00.
    let raw = [0x0B, 0x81, 0x00];
    assert_eq!(
        decode_err(
            &v5_packet_with_raw_props(PropertyContext::Packet(PacketType::Publish), &raw),
            V5
        ),
        Error::NonMinimalVarInt
    );
    // As a property identifier: 0x01 written 0x81 0x00.
    let raw = [0x81, 0x00, 0x01];
    assert_eq!(
        decode_err(
            &v5_packet_with_raw_props(PropertyContext::Packet(PacketType::Publish), &raw),
            V5
        ),
        Error::NonMinimalVarInt
    );
    // The application cannot write one: the encoder always uses the shortest form (see the
    // boundary tests in codec_roundtrip.rs).
}

#[test]
fn var_int_of_five_bytes_rejected_mqtt_1_5_5() {
    // "The maximum number of bytes in the Variable Byte Integer field is four."
    for bytes in [
        &[0xFF, 0xFF, 0xFF, 0xFF, 0x7F][..],
        &[0x80, 0x80, 0x80, 0x80, 0x01],
        &[0xFF, 0xFF, 0xFF, 0xFF], // four continuation bytes: no fifth can make it valid
    ] {
        assert_eq!(
            decode_var_int(bytes),
            Err(Error::MalformedVarInt),
            "{bytes:02x?}"
        );
    }
    // Three continuation bytes may still be followed by a valid fourth.
    assert_eq!(decode_var_int(&[0xFF, 0xFF, 0xFF]), Ok(None));
    // As a remaining length.
    assert_eq!(
        decode_err(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], V4),
        Error::MalformedVarInt
    );
    // As a property length.
    assert_eq!(
        decode_err(
            &[0x40, 0x08, 0x00, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x01],
            V5
        ),
        Error::MalformedVarInt
    );
    // As a Subscription Identifier.
    let raw = [0x0B, 0x80, 0x80, 0x80, 0x80, 0x01];
    assert_eq!(
        decode_err(
            &v5_packet_with_raw_props(PropertyContext::Packet(PacketType::Publish), &raw),
            V5
        ),
        Error::MalformedVarInt
    );
}

/// Encoding cannot produce a variable byte integer over 268,435,455: a Subscription
/// Identifier above it, or a packet whose remaining length would exceed it, are refused.
#[test]
fn var_int_over_268_435_455_rejected_on_encode() {
    let mut p = publish("t");
    p.properties.subscription_identifiers = vec![MAX_VAR_INT + 1];
    assert_eq!(
        encode_err(&Packet::Publish(p), V5),
        Error::InvalidPropertyValue {
            property: PropertyId::SubscriptionIdentifier,
            value: MAX_VAR_INT + 1
        }
    );
    // A payload making the remaining length one over the maximum. The zeroed allocation is
    // never touched: the size is refused before anything is written.
    let payload = vec![0u8; MAX_VAR_INT as usize - 3 + 1];
    let mut p = publish("t");
    p.payload = Cow::Borrowed(&payload);
    let p = Packet::Publish(p);
    assert_eq!(
        encode_err(&p, V4),
        Error::RemainingLengthTooLarge(MAX_VAR_INT as usize + 1)
    );
    // One byte less is the largest packet there is.
    let mut q = publish("t");
    q.payload = Cow::Borrowed(&payload[1..]);
    assert_eq!(
        Packet::Publish(q).encoded_len(V4),
        Ok(MAX_PACKET_SIZE as usize)
    );
}

// ---------------------------------------------------------------------------------------------
// UTF-8 strings (section 1.5.4)
// ---------------------------------------------------------------------------------------------

const ILL_FORMED_UTF8: [&[u8]; 9] = [
    &[0xFF],                   // never valid
    &[0x80],                   // lone continuation byte
    &[0xC0, 0x80],             // overlong U+0000
    &[0xC1, 0xBF],             // overlong U+007F
    &[0xE0, 0x80, 0xAF],       // overlong '/'
    &[0xED, 0xA0, 0x80],       // U+D800, a surrogate
    &[0xED, 0xBF, 0xBF],       // U+DFFF, a surrogate
    &[0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
    &[b'a', 0xE2, 0x82],       // cut short
];

#[test]
fn utf8_ill_formed_rejected_mqtt_1_5_4_1() {
    for bad in ILL_FORMED_UTF8 {
        // topic name
        for v in VERSIONS {
            assert_eq!(
                decode_err(&raw_publish(v, bad), v),
                Error::InvalidUtf8 {
                    field: "topic name"
                },
                "{bad:02x?}"
            );
        }
        // topic filters
        assert_eq!(
            decode_err(&raw_subscribe(V4, bad, 0), V4),
            Error::InvalidUtf8 {
                field: "topic filter"
            }
        );
        assert_eq!(
            decode_err(&raw_unsubscribe(V5, bad), V5),
            Error::InvalidUtf8 {
                field: "topic filter"
            }
        );
        // client identifier, will topic, user name
        assert_eq!(
            decode_err(&raw_connect(b"MQTT", 4, 0x02, &lp(bad)), V4),
            Error::InvalidUtf8 {
                field: "client identifier"
            }
        );
        assert_eq!(
            decode_err(
                &raw_connect(b"MQTT", 4, 0x06, &cat(&[&lp("c"), &lp(bad), &lp("m")])),
                V4
            ),
            Error::InvalidUtf8 {
                field: "will topic"
            }
        );
        assert_eq!(
            decode_err(
                &raw_connect(b"MQTT", 5, 0x82, &cat(&[&lp("c"), &lp(bad)])),
                V5
            ),
            Error::InvalidUtf8 { field: "user name" }
        );
        // protocol name
        assert_eq!(
            decode_err(&raw_connect(bad, 4, 0x02, &lp("c")), V4),
            Error::InvalidUtf8 {
                field: "protocol name"
            }
        );
        // string properties, and both strings of a user property [MQTT-1.5.7-1]
        let publish_ctx = PropertyContext::Packet(PacketType::Publish);
        for (id, field) in [(0x03, "Content Type"), (0x08, "Response Topic")] {
            let raw = cat(&[&[id], &lp(bad)]);
            assert_eq!(
                decode_err(&v5_packet_with_raw_props(publish_ctx, &raw), V5),
                Error::InvalidUtf8 { field }
            );
        }
        let raw = cat(&[&[0x1F], &lp(bad)]);
        assert_eq!(
            decode_err(
                &v5_packet_with_raw_props(PropertyContext::Packet(PacketType::PubAck), &raw),
                V5
            ),
            Error::InvalidUtf8 {
                field: "Reason String"
            }
        );
        let raw = cat(&[&[0x26], &lp(bad), &lp("v")]);
        assert_eq!(
            decode_err(&v5_packet_with_raw_props(publish_ctx, &raw), V5),
            Error::InvalidUtf8 {
                field: "user property name"
            }
        );
        let raw = cat(&[&[0x26], &lp("k"), &lp(bad)]);
        assert_eq!(
            decode_err(&v5_packet_with_raw_props(publish_ctx, &raw), V5),
            Error::InvalidUtf8 {
                field: "user property value"
            }
        );
    }
    // The encoder takes `str`, which cannot hold ill-formed UTF-8 or surrogates.
}

#[test]
fn utf8_null_character_rejected_mqtt_1_5_4_2() {
    let nul: &[u8] = b"a\0b";
    // decode
    for v in VERSIONS {
        assert_eq!(
            decode_err(&raw_publish(v, nul), v),
            Error::NullCharacter {
                field: "topic name"
            }
        );
    }
    assert_eq!(
        decode_err(&raw_subscribe(V5, nul, 0), V5),
        Error::NullCharacter {
            field: "topic filter"
        }
    );
    assert_eq!(
        decode_err(&raw_unsubscribe(V4, nul), V4),
        Error::NullCharacter {
            field: "topic filter"
        }
    );
    assert_eq!(
        decode_err(&raw_connect(b"MQTT", 4, 0x02, &lp(nul)), V4),
        Error::NullCharacter {
            field: "client identifier"
        }
    );
    assert_eq!(
        decode_err(
            &raw_connect(b"MQTT", 4, 0x06, &cat(&[&lp("c"), &lp(nul), &lp("m")])),
            V4
        ),
        Error::NullCharacter {
            field: "will topic"
        }
    );
    assert_eq!(
        decode_err(
            &raw_connect(b"MQTT", 4, 0x82, &cat(&[&lp("c"), &lp(nul)])),
            V4
        ),
        Error::NullCharacter { field: "user name" }
    );
    let publish_ctx = PropertyContext::Packet(PacketType::Publish);
    let raw = cat(&[&[0x03], &lp(nul)]);
    assert_eq!(
        decode_err(&v5_packet_with_raw_props(publish_ctx, &raw), V5),
        Error::NullCharacter {
            field: "Content Type"
        }
    );
    let raw = cat(&[&[0x26], &lp(nul), &lp("v")]);
    assert_eq!(
        decode_err(&v5_packet_with_raw_props(publish_ctx, &raw), V5),
        Error::NullCharacter {
            field: "user property name"
        }
    );
    let raw = cat(&[&[0x26], &lp("k"), &lp(nul)]);
    assert_eq!(
        decode_err(&v5_packet_with_raw_props(publish_ctx, &raw), V5),
        Error::NullCharacter {
            field: "user property value"
        }
    );
    // Binary data may hold zero bytes: a password and correlation data of 00.
    decode_whole(
        &raw_connect(b"MQTT", 5, 0x40, &cat(&[&lp("c"), &lp([0u8])])),
        V5,
    )
    .unwrap();
    decode_whole(
        &v5_packet_with_raw_props(publish_ctx, &cat(&[&[0x09], &lp([0u8])])),
        V5,
    )
    .unwrap();

    // encode
    let s = "a\0b";
    for v in VERSIONS {
        assert_eq!(
            encode_err(&Packet::Publish(publish(s)), v),
            Error::NullCharacter {
                field: "topic name"
            }
        );
        assert_eq!(
            encode_err(&subscribe(s, SubscriptionOptions::default()), v),
            Error::NullCharacter {
                field: "topic filter"
            }
        );
        assert_eq!(
            encode_err(&unsubscribe(s), v),
            Error::NullCharacter {
                field: "topic filter"
            }
        );
        let mut c = connect(v);
        c.client_id = s.into();
        assert_eq!(
            encode_err(&Packet::Connect(Box::new(c)), v),
            Error::NullCharacter {
                field: "client identifier"
            }
        );
        let mut c = connect(v);
        c.username = Some(s.into());
        assert_eq!(
            encode_err(&Packet::Connect(Box::new(c)), v),
            Error::NullCharacter { field: "user name" }
        );
        assert_eq!(
            encode_err(&connect_with_will(v, will(s)), v),
            Error::NullCharacter {
                field: "will topic"
            }
        );
    }
    let mut p = publish("t");
    p.properties.user_properties = vec![(s.into(), "v".into())];
    assert_eq!(
        encode_err(&Packet::Publish(p), V5),
        Error::NullCharacter {
            field: "user property name"
        }
    );
    let mut p = publish("t");
    p.properties.user_properties = vec![("k".into(), s.into())];
    assert_eq!(
        encode_err(&Packet::Publish(p), V5),
        Error::NullCharacter {
            field: "user property value"
        }
    );
    let mut p = publish("t");
    p.properties.content_type = Some(s.into());
    assert_eq!(
        encode_err(&Packet::Publish(p), V5),
        Error::NullCharacter {
            field: "Content Type"
        }
    );
    let ack = Ack {
        pid: pid(1),
        reason_code: ReasonCode::Success,
        properties: Properties {
            reason_string: Some(s.into()),
            ..Default::default()
        },
    };
    assert_eq!(
        encode_err(&Packet::PubAck(ack), V5),
        Error::NullCharacter {
            field: "Reason String"
        }
    );
}

/// U+FEFF is a character like any other: kept, not stripped [MQTT-1.5.4-3].
#[test]
fn utf8_bom_is_kept_not_stripped_mqtt_1_5_4_3() {
    let bytes = raw_publish(V4, "\u{FEFF}a".as_bytes());
    match decode_whole(&bytes, V4).unwrap() {
        Packet::Publish(p) => assert_eq!(p.topic, "\u{FEFF}a"),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed header (section 2.1)
// ---------------------------------------------------------------------------------------------

/// A valid packet of each non-PUBLISH type, for `version`.
fn sample_packets(version: ProtocolVersion) -> Vec<(PacketType, Vec<u8>)> {
    let v5 = version.is_v5();
    let tail: &[u8] = if v5 { &[0x00] } else { &[] };
    let mut out = vec![
        (
            PacketType::Connect,
            encode(&Packet::Connect(Box::new(connect(version))), version),
        ),
        (
            PacketType::ConnAck,
            frame(0x20, &cat(&[&[0x00, 0x00], tail])),
        ),
        (PacketType::PubAck, vec![0x40, 0x02, 0x00, 0x01]),
        (PacketType::PubRec, vec![0x50, 0x02, 0x00, 0x01]),
        (PacketType::PubRel, vec![0x62, 0x02, 0x00, 0x01]),
        (PacketType::PubComp, vec![0x70, 0x02, 0x00, 0x01]),
        (PacketType::Subscribe, raw_subscribe(version, b"a/b", 0x01)),
        (
            PacketType::SubAck,
            frame(0x90, &cat(&[&[0x00, 0x01], tail, &[0x00]])),
        ),
        (PacketType::Unsubscribe, raw_unsubscribe(version, b"a/b")),
        (
            PacketType::UnsubAck,
            frame(0xB0, &cat(&[&[0x00, 0x01], tail, tail])),
        ),
        (PacketType::PingReq, vec![0xC0, 0x00]),
        (PacketType::PingResp, vec![0xD0, 0x00]),
        (PacketType::Disconnect, vec![0xE0, 0x00]),
    ];
    if v5 {
        out.push((PacketType::Auth, vec![0xF0, 0x00]));
    }
    for (t, bytes) in &out {
        let p = decode_whole(bytes, version).unwrap_or_else(|e| panic!("sample {t}: {e}"));
        assert_eq!(p.packet_type(), *t);
    }
    out
}

#[test]
fn reserved_header_flags_rejected_mqtt_2_1_3_1() {
    for v in VERSIONS {
        for (t, bytes) in sample_packets(v) {
            assert_eq!(bytes[0] & 0x0F, t.required_flags());
            for flags in 0..16u8 {
                if flags == t.required_flags() {
                    continue;
                }
                let mut bad = bytes.clone();
                bad[0] = (bad[0] & 0xF0) | flags;
                assert_eq!(
                    decode_err(&bad, v),
                    Error::InvalidHeaderFlags { packet: t, flags },
                    "{t} with flags {flags:#06b} in {v}"
                );
            }
        }
    }
}

/// The three packets whose reserved flags are 0010 [MQTT-3.6.1-1] [MQTT-3.8.1-1]
/// [MQTT-3.10.1-1]: 0000 (what the others use) is malformed for them.
#[test]
fn pubrel_subscribe_unsubscribe_flags_must_be_0010_mqtt_3_6_1_1_mqtt_3_8_1_1_mqtt_3_10_1_1() {
    for v in VERSIONS {
        for (t, first) in [
            (PacketType::PubRel, 0x62u8),
            (PacketType::Subscribe, 0x82),
            (PacketType::Unsubscribe, 0xA2),
        ] {
            let (_, bytes) = sample_packets(v)
                .into_iter()
                .find(|(x, _)| *x == t)
                .unwrap();
            assert_eq!(bytes[0], first);
            for flags in [0b0000, 0b0001, 0b0011, 0b0100, 0b1010, 0b1111] {
                let mut bad = bytes.clone();
                bad[0] = (first & 0xF0) | flags;
                assert_eq!(
                    decode_err(&bad, v),
                    Error::InvalidHeaderFlags { packet: t, flags }
                );
            }
        }
        // The encoder writes 0010 itself.
        let rel = encode(&Packet::PubRel(Ack::new(pid(1))), v);
        assert_eq!(rel[0], 0x62);
    }
}

/// Packet type 0 is "Reserved, Forbidden" (section 2.1.2, Table 2-1).
#[test]
fn packet_type_0_rejected_section_2_1_2() {
    for v in VERSIONS {
        assert_eq!(decode_err(&[0x00, 0x00], v), Error::InvalidPacketType(0));
        assert_eq!(
            decode_err(&[0x0F, 0x02, 0x00, 0x01], v),
            Error::InvalidPacketType(0)
        );
    }
    // Refused at the fixed header, before any remaining length byte.
    assert_eq!(
        FixedHeader::parse(&[0x00]),
        Err(Error::InvalidPacketType(0))
    );
    assert_eq!(PacketType::from_nibble(0), Err(Error::InvalidPacketType(0)));
}

/// AUTH (type 15) is reserved before MQTT 5 (3.1.1 section 2.2.1, Table 2.1).
#[test]
fn auth_rejected_before_mqtt_5() {
    for v in [V3_1, V4] {
        assert_eq!(decode_err(&[0xF0, 0x00], v), Error::InvalidPacketType(15));
        assert_eq!(
            decode_err(&[0xF0, 0x02, 0x18, 0x00], v),
            Error::InvalidPacketType(15)
        );
        assert_eq!(
            encode_err(&Packet::Auth(Auth::default()), v),
            Error::NotInVersion {
                what: "AUTH",
                version: v
            }
        );
    }
}

// ---------------------------------------------------------------------------------------------
// PUBLISH (section 3.3)
// ---------------------------------------------------------------------------------------------

#[test]
fn publish_qos_3_rejected_mqtt_3_3_1_4() {
    for v in VERSIONS {
        for first in [0x36u8, 0x37, 0x3E, 0x3F] {
            let bytes = frame(first, &cat(&[&lp("t"), &[0x00, 0x01], &[0x00], b"x"]));
            assert_eq!(decode_err(&bytes, v), Error::InvalidQoS(3), "{first:#04x}");
        }
    }
    // The application cannot express QoS 3: QoS and QosPid have three variants.
    assert_eq!(QoS::from_u8(3), Err(Error::InvalidQoS(3)));
}

#[test]
fn publish_dup_with_qos_0_rejected_mqtt_3_3_1_2() {
    for v in VERSIONS {
        for first in [0x38u8, 0x39] {
            let body = cat(&[&lp("t"), if v.is_v5() { &[0x00] } else { &[] }, b"x"]);
            assert_eq!(decode_err(&frame(first, &body), v), Error::DupWithQoS0);
        }
        let mut p = publish("t");
        p.dup = true;
        assert_eq!(encode_err(&Packet::Publish(p), v), Error::DupWithQoS0);
    }
}

#[test]
fn packet_identifier_0_rejected_mqtt_2_2_1_3() {
    for v in VERSIONS {
        let tail: &[u8] = if v.is_v5() { &[0x00] } else { &[] };
        let cases = [
            // PUBLISH QoS 1 and QoS 2
            frame(0x32, &cat(&[&lp("t"), &[0x00, 0x00], tail, b"x"])),
            frame(0x34, &cat(&[&lp("t"), &[0x00, 0x00], tail, b"x"])),
            // PUBACK, PUBREC, PUBREL, PUBCOMP
            vec![0x40, 0x02, 0x00, 0x00],
            vec![0x50, 0x02, 0x00, 0x00],
            vec![0x62, 0x02, 0x00, 0x00],
            vec![0x70, 0x02, 0x00, 0x00],
            // SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK
            frame(0x82, &cat(&[&[0x00, 0x00], tail, &lp("a"), &[0x00]])),
            frame(0x90, &cat(&[&[0x00, 0x00], tail, &[0x00]])),
            frame(0xA2, &cat(&[&[0x00, 0x00], tail, &lp("a")])),
            frame(0xB0, &cat(&[&[0x00, 0x00], tail, tail])),
        ];
        for bytes in cases {
            assert_eq!(
                decode_err(&bytes, v),
                Error::ZeroPacketId,
                "{bytes:02x?} in {v}"
            );
        }
    }
    // The application cannot build packet identifier 0.
    assert_eq!(Pid::new(0), None);
}

#[test]
fn wildcard_in_topic_name_rejected_mqtt_3_3_2_2_mqtt_4_7_0_1() {
    for topic in [
        "+",
        "#",
        "a/+",
        "a/#",
        "+/b",
        "a+b",
        "sport/tennis#",
        "a/#/b",
    ] {
        for v in VERSIONS {
            assert_eq!(
                decode_err(&raw_publish(v, topic.as_bytes()), v),
                Error::WildcardInTopicName,
                "{topic}"
            );
            assert_eq!(
                encode_err(&Packet::Publish(publish(topic)), v),
                Error::WildcardInTopicName
            );
            // The will topic is a topic name too.
            assert_eq!(
                encode_err(&connect_with_will(v, will(topic)), v),
                Error::WildcardInTopicName
            );
        }
        let bytes = raw_connect(b"MQTT", 4, 0x06, &cat(&[&lp("c"), &lp(topic), &lp("m")]));
        assert_eq!(decode_err(&bytes, V4), Error::WildcardInTopicName);
        assert_eq!(check_topic_name(topic), Err(Error::WildcardInTopicName));
    }
    assert_eq!(check_topic_name("a/b/$c"), Ok(()));
}

#[test]
fn empty_topic_name_rejected_mqtt_4_7_3_1() {
    // 3.1.1 (and 3.1): never empty.
    for v in [V3_1, V4] {
        assert_eq!(decode_err(&raw_publish(v, b""), v), Error::EmptyTopic);
        assert_eq!(
            encode_err(&Packet::Publish(publish("")), v),
            Error::EmptyTopic
        );
    }
    // 5.0: empty only with a Topic Alias.
    assert_eq!(decode_err(&raw_publish(V5, b""), V5), Error::EmptyTopic);
    assert_eq!(
        encode_err(&Packet::Publish(publish("")), V5),
        Error::EmptyTopic
    );
    // ... other properties do not stand in for it
    let raw = [0x02, 0x00, 0x00, 0x00, 0x0A]; // Message Expiry Interval 10
    let bytes = frame(0x30, &cat(&[&lp(""), &props(&raw), b"x"]));
    assert_eq!(decode_err(&bytes, V5), Error::EmptyTopic);
    let mut p = publish("");
    p.properties.message_expiry_interval = Some(10);
    assert_eq!(encode_err(&Packet::Publish(p), V5), Error::EmptyTopic);
    // ... and with a Topic Alias it is fine
    let bytes = frame(0x30, &cat(&[&lp(""), &props(&[0x23, 0x00, 0x01]), b"x"]));
    decode_whole(&bytes, V5).unwrap();
    // A will topic is never empty.
    for v in VERSIONS {
        assert_eq!(
            encode_err(&connect_with_will(v, will("")), v),
            Error::EmptyTopic
        );
    }
    let bytes = raw_connect(b"MQTT", 4, 0x06, &cat(&[&lp("c"), &lp(""), &lp("m")]));
    assert_eq!(decode_err(&bytes, V4), Error::EmptyTopic);
    assert_eq!(check_topic_name(""), Err(Error::EmptyTopic));
}

// ---------------------------------------------------------------------------------------------
// Topic filters (section 4.7) and shared subscriptions (section 4.8.2)
// ---------------------------------------------------------------------------------------------

/// `filter` is refused with `err` everywhere a topic filter goes.
fn assert_filter_rejected(filter: &str, err: &Error) {
    assert_eq!(&check_topic_filter(filter).unwrap_err(), err, "{filter:?}");
    for v in VERSIONS {
        assert_eq!(
            &decode_err(&raw_subscribe(v, filter.as_bytes(), 0x01), v),
            err
        );
        assert_eq!(&decode_err(&raw_unsubscribe(v, filter.as_bytes()), v), err);
        assert_eq!(
            &encode_err(&subscribe(filter, SubscriptionOptions::default()), v),
            err
        );
        assert_eq!(&encode_err(&unsubscribe(filter), v), err);
    }
}

/// A malformed shared subscription is refused in MQTT 5 [MQTT-4.8.2-1] [MQTT-4.8.2-2].
fn assert_shared_filter_rejected_in_v5(filter: &str, err: &Error) {
    assert_eq!(&check_topic_filter(filter).unwrap_err(), err, "{filter:?}");
    assert_eq!(
        &decode_err(&raw_subscribe(V5, filter.as_bytes(), 0x01), V5),
        err
    );
    assert_eq!(
        &decode_err(&raw_unsubscribe(V5, filter.as_bytes()), V5),
        err
    );
    assert_eq!(
        &encode_err(&subscribe(filter, SubscriptionOptions::default()), V5),
        err
    );
    assert_eq!(&encode_err(&unsubscribe(filter), V5), err);
}

fn assert_filter_accepted(filter: &str) {
    assert_eq!(check_topic_filter(filter), Ok(()), "{filter:?}");
    for v in VERSIONS {
        roundtrip(&subscribe(filter, SubscriptionOptions::default()), v);
        roundtrip(&unsubscribe(filter), v);
    }
}

fn invalid_filter(e: &Error) -> bool {
    matches!(e, Error::InvalidTopicFilter(_))
}

#[test]
fn multi_level_wildcard_misplaced_rejected_mqtt_4_7_1_1() {
    for filter in [
        "a/#/b",
        "#/a",
        "a#",
        "a/b#",
        "##",
        "#a",
        "a/#/",
        "sport/tennis/#/ranking",
    ] {
        let err = check_topic_filter(filter).unwrap_err();
        assert!(invalid_filter(&err), "{filter}: {err:?}");
        assert_filter_rejected(filter, &err);
    }
    for filter in ["#", "a/#", "/#", "+/#", "sport/tennis/player1/#"] {
        assert_filter_accepted(filter);
    }
}

#[test]
fn single_level_wildcard_misplaced_rejected_mqtt_4_7_1_2() {
    for filter in ["a+", "+a", "a/b+/c", "++", "a/+b", "sport+", "+#"] {
        let err = check_topic_filter(filter).unwrap_err();
        assert!(invalid_filter(&err), "{filter}: {err:?}");
        assert_filter_rejected(filter, &err);
    }
    for filter in ["+", "+/+", "/+", "+/tennis/#", "sport/+/player1", "a//+"] {
        assert_filter_accepted(filter);
    }
}

#[test]
fn empty_topic_filter_rejected_mqtt_4_7_3_1() {
    assert_filter_rejected("", &Error::EmptyTopic);
    // A filter of only separators has levels of zero length, which is allowed.
    assert_filter_accepted("/");
}

#[test]
fn shared_subscription_without_share_name_rejected_mqtt_4_8_2_1() {
    let err = check_topic_filter("$share//a").unwrap_err();
    assert!(invalid_filter(&err));
    assert_shared_filter_rejected_in_v5("$share//a", &err);
    assert!(is_shared_subscription("$share/g/a"));
    assert!(!is_shared_subscription("$sharex/g/a"));
    assert!(!is_shared_subscription("$SYS/broker"));
}

#[test]
fn shared_subscription_rules_apply_only_in_v5() {
    // MQTT 3.1.1 has no shared subscriptions: these are ordinary, well-formed filters there.
    for filter in ["$share//a", "$share/", "$share/g", "$share/g/"] {
        for v in [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1] {
            roundtrip(&subscribe(filter, SubscriptionOptions::default()), v);
            roundtrip(&unsubscribe(filter), v);
        }
    }
}

#[test]
fn shared_subscription_share_name_and_filter_rules_mqtt_4_8_2_2() {
    for filter in [
        "$share/",        // nothing after the prefix
        "$share/g",       // ShareName not followed by "/"
        "$share/g/",      // "/" not followed by a Topic Filter
        "$share/g+/a",    // "+" in ShareName
        "$share/g#/a",    // "#" in ShareName
        "$share/+/a",     // ShareName a wildcard
        "$share/#/a",     // ShareName a wildcard
        "$share/g/a#",    // the filter itself malformed
        "$share/g/a/#/b", // the filter itself malformed
    ] {
        let err = check_topic_filter(filter).unwrap_err();
        assert!(invalid_filter(&err), "{filter}: {err:?}");
        assert_shared_filter_rejected_in_v5(filter, &err);
    }
    for filter in [
        "$share/g/a",
        "$share/g/#",
        "$share/consumer1/sport/tennis/+",
        "$share/g//",
    ] {
        assert_filter_accepted(filter);
    }
}

#[test]
fn no_local_on_shared_subscription_rejected_mqtt_3_8_3_4() {
    // options 0x04: No Local, QoS 0
    assert_eq!(
        decode_err(&raw_subscribe(V5, b"$share/g/a", 0x04), V5),
        Error::NoLocalOnSharedSubscription
    );
    let opts = SubscriptionOptions {
        no_local: true,
        ..Default::default()
    };
    assert_eq!(
        encode_err(&subscribe("$share/g/a", opts), V5),
        Error::NoLocalOnSharedSubscription
    );
    // No Local on an ordinary subscription is fine.
    roundtrip(&subscribe("a/b", opts), V5);
}

#[test]
fn subscription_options_reserved_bits_rejected_mqtt_3_8_3_5() {
    // MQTT 5 reserves bits 7 and 6.
    for options in [0x40u8, 0x80, 0xC0, 0x41, 0xAD] {
        assert_eq!(
            decode_err(&raw_subscribe(V5, b"a", options), V5),
            Error::InvalidSubscriptionOptions(options),
            "{options:#04x}"
        );
    }
    // MQTT 3.1.1 reserves bits 7 to 2 (3.1.1 section 3.8.3.1).
    for v in [V3_1, V4] {
        for options in [0x04u8, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFD] {
            assert_eq!(
                decode_err(&raw_subscribe(v, b"a", options), v),
                Error::InvalidSubscriptionOptions(options),
                "{options:#04x}"
            );
        }
        // The application's MQTT 5 options cannot be written in 3.1.1.
        for opts in [
            SubscriptionOptions {
                no_local: true,
                ..Default::default()
            },
            SubscriptionOptions {
                retain_as_published: true,
                ..Default::default()
            },
            SubscriptionOptions {
                retain_handling: RetainHandling::DoNotSend,
                ..Default::default()
            },
        ] {
            assert_eq!(
                encode_err(&subscribe("a", opts), v),
                Error::NotInVersion {
                    what: "subscription options",
                    version: v
                }
            );
        }
    }
}

/// MQTT 5 section 3.8.3.1: "It is a Protocol Error to send a Retain Handling value of 3."
#[test]
fn subscription_retain_handling_3_rejected_section_3_8_3_1() {
    for options in [0x30u8, 0x31, 0x3A] {
        assert_eq!(
            decode_err(&raw_subscribe(V5, b"a", options), V5),
            Error::InvalidSubscriptionOptions(options)
        );
    }
    // RetainHandling has no variant for 3.
}

/// MQTT 5 section 3.8.3.1: "It is a Protocol Error if the Maximum QoS field has the value 3";
/// 3.1.1 section 3.8.3.1: "The Server MUST treat a SUBSCRIBE packet as malformed ... if any of
/// Requested QoS is not 0, 1 or 2" [MQTT-3-8.3-4 of 3.1.1].
#[test]
fn subscription_options_qos_3_rejected_section_3_8_3_1() {
    for v in VERSIONS {
        assert_eq!(
            decode_err(&raw_subscribe(v, b"a", 0x03), v),
            Error::InvalidSubscriptionOptions(0x03)
        );
    }
}

#[test]
fn empty_subscribe_rejected_mqtt_3_8_3_2() {
    assert_eq!(
        decode_err(&[0x82, 0x02, 0x00, 0x01], V4),
        Error::EmptySubscribe
    );
    assert_eq!(
        decode_err(&[0x82, 0x03, 0x00, 0x01, 0x00], V5),
        Error::EmptySubscribe
    );
    // with properties but no filter
    assert_eq!(
        decode_err(&[0x82, 0x05, 0x00, 0x01, 0x02, 0x0B, 0x01], V5),
        Error::EmptySubscribe
    );
    for v in VERSIONS {
        let p = Packet::Subscribe(Subscribe {
            pid: pid(1),
            properties: Properties::default(),
            filters: vec![],
        });
        assert_eq!(encode_err(&p, v), Error::EmptySubscribe);
    }
}

#[test]
fn empty_unsubscribe_rejected_mqtt_3_10_3_2() {
    assert_eq!(
        decode_err(&[0xA2, 0x02, 0x00, 0x01], V4),
        Error::EmptyUnsubscribe
    );
    assert_eq!(
        decode_err(&[0xA2, 0x03, 0x00, 0x01, 0x00], V5),
        Error::EmptyUnsubscribe
    );
    for v in VERSIONS {
        let p = Packet::Unsubscribe(Unsubscribe {
            pid: pid(1),
            properties: Properties::default(),
            filters: vec![],
        });
        assert_eq!(encode_err(&p, v), Error::EmptyUnsubscribe);
    }
}

/// A SUBACK carries one reason code per topic filter [MQTT-3.8.4-6] [MQTT-3.9.3-2], so at
/// least one; so does an MQTT 5 UNSUBACK [MQTT-3.11.3-2].
#[test]
fn ack_without_reason_codes_rejected_mqtt_3_9_3_2_mqtt_3_11_3_2() {
    assert_eq!(
        decode_err(&[0x90, 0x02, 0x00, 0x01], V4),
        Error::EmptyAckList
    );
    assert_eq!(
        decode_err(&[0x90, 0x03, 0x00, 0x01, 0x00], V5),
        Error::EmptyAckList
    );
    assert_eq!(
        decode_err(&[0xB0, 0x03, 0x00, 0x01, 0x00], V5),
        Error::EmptyAckList
    );
    for v in VERSIONS {
        let p = Packet::SubAck(SubAck {
            pid: pid(1),
            properties: Properties::default(),
            reason_codes: vec![],
        });
        assert_eq!(encode_err(&p, v), Error::EmptyAckList);
    }
    let p = Packet::UnsubAck(UnsubAck {
        pid: pid(1),
        properties: Properties::default(),
        reason_codes: vec![],
    });
    assert_eq!(encode_err(&p, V5), Error::EmptyAckList);
}

// ---------------------------------------------------------------------------------------------
// CONNECT (section 3.1)
// ---------------------------------------------------------------------------------------------

fn connect_flags_error(bytes: &[u8], version: ProtocolVersion, cites: &str) {
    match decode_err(bytes, version) {
        Error::InvalidConnectFlags(why) => assert!(why.contains(cites), "{why:?}"),
        other => panic!("expected InvalidConnectFlags, got {other:?}"),
    }
}

#[test]
fn connect_reserved_flag_rejected_mqtt_3_1_2_3() {
    for (name, level) in [(&b"MQTT"[..], 4u8), (b"MQTT", 5), (b"MQIsdp", 3)] {
        for flags in [0x01u8, 0x03, 0xC3] {
            let payload = cat(&[&lp("c"), &lp("u"), &lp("p")]);
            connect_flags_error(
                &raw_connect(name, level, flags, &payload),
                V4,
                "MQTT-3.1.2-3",
            );
        }
    }
}

#[test]
fn will_qos_without_will_flag_rejected_mqtt_3_1_2_11() {
    for level in [4u8, 5] {
        for flags in [0x0Au8, 0x12, 0x1A] {
            connect_flags_error(
                &raw_connect(b"MQTT", level, flags, &lp("c")),
                V4,
                "MQTT-3.1.2-11",
            );
        }
    }
}

#[test]
fn will_retain_without_will_flag_rejected_mqtt_3_1_2_13() {
    for level in [4u8, 5] {
        connect_flags_error(
            &raw_connect(b"MQTT", level, 0x22, &lp("c")),
            V4,
            "MQTT-3.1.2-13",
        );
    }
}

/// [MQTT-3.1.2-12]: with the Will Flag set, Will QoS is 0, 1 or 2; 3 is a Malformed Packet.
#[test]
fn will_qos_3_rejected_mqtt_3_1_2_12() {
    // will flag 0x04 + will QoS 3 (0x18) + clean start 0x02
    let v4 = raw_connect(b"MQTT", 4, 0x1E, &cat(&[&lp("c"), &lp("w"), &lp("m")]));
    assert_eq!(decode_err(&v4, V4), Error::InvalidQoS(3));
    let v5 = raw_connect(
        b"MQTT",
        5,
        0x1E,
        &cat(&[&lp("c"), &[0x00], &lp("w"), &lp("m")]),
    );
    assert_eq!(decode_err(&v5, V5), Error::InvalidQoS(3));
    // `Will::qos` is a QoS: 3 cannot be built.
}

#[test]
fn connect_bad_protocol_name_rejected_mqtt_3_1_2_1() {
    for name in [
        &b"MQTX"[..],
        b"mqtt",
        b"MQTT ",
        b"MQ",
        b"",
        b"MQIsdP",
        b"MQISDP",
    ] {
        for level in [3u8, 4, 5] {
            assert_eq!(
                decode_err(&raw_connect(name, level, 0x02, &lp("c")), V4),
                Error::InvalidProtocolName,
                "{name:?} level {level}"
            );
        }
    }
}

/// [MQTT-3.1.2-2]: the protocol level must be one this end speaks, and match the name.
#[test]
fn connect_bad_protocol_level_rejected_mqtt_3_1_2_2() {
    for (name, level) in [
        (&b"MQTT"[..], 0u8),
        (b"MQTT", 3), // 3.1's level with 3.1.1's name
        (b"MQTT", 6),
        (b"MQTT", 0x84),
        (b"MQIsdp", 4), // 3.1's name with 3.1.1's level
        (b"MQIsdp", 5),
    ] {
        assert_eq!(
            decode_err(&raw_connect(name, level, 0x02, &lp("c")), V5),
            Error::UnsupportedProtocolVersion(level)
        );
    }
}

/// MQTT 3.1.1 section 3.1.2.9: "If the User Name Flag is set to 0, the Password Flag MUST be
/// set to 0" ([MQTT-3.1.2-22] of 3.1.1). MQTT 5 lifted the rule.
#[test]
fn password_without_user_name_rejected_before_mqtt_5() {
    for (name, level, v) in [(&b"MQTT"[..], 4u8, V4), (b"MQIsdp", 3, V3_1)] {
        let bytes = raw_connect(name, level, 0x42, &cat(&[&lp("c"), &lp("p")]));
        match decode_err(&bytes, v) {
            Error::InvalidConnectFlags(why) => assert!(why.contains("password"), "{why}"),
            other => panic!("{other:?}"),
        }
        let mut c = connect(v);
        c.password = Some(Cow::Borrowed(b"p"));
        assert!(matches!(
            encode_err(&Packet::Connect(Box::new(c)), v),
            Error::InvalidConnectFlags(_)
        ));
    }
    let bytes = raw_connect(b"MQTT", 5, 0x42, &cat(&[&lp("c"), &lp("p")]));
    decode_whole(&bytes, V5).unwrap();
}

/// Fields announced by the flags must be present [MQTT-3.1.2-9] [MQTT-3.1.2-17] [MQTT-3.1.2-19].
#[test]
fn connect_fields_announced_by_flags_must_be_present_mqtt_3_1_2_9_17_19() {
    // will flag, no will
    assert_eq!(
        decode_err(&raw_connect(b"MQTT", 4, 0x06, &lp("c")), V4),
        Error::UnexpectedEnd {
            field: "will topic"
        }
    );
    assert_eq!(
        decode_err(&raw_connect(b"MQTT", 5, 0x06, &lp("c")), V5),
        Error::UnexpectedEnd {
            field: "property length"
        }
    );
    // user name flag, no user name
    assert_eq!(
        decode_err(&raw_connect(b"MQTT", 4, 0x82, &lp("c")), V4),
        Error::UnexpectedEnd { field: "user name" }
    );
    // password flag, no password
    assert_eq!(
        decode_err(
            &raw_connect(b"MQTT", 4, 0xC2, &cat(&[&lp("c"), &lp("u")])),
            V4
        ),
        Error::UnexpectedEnd { field: "password" }
    );
    // no client identifier at all [MQTT-3.1.3-3]
    assert_eq!(
        decode_err(&raw_connect(b"MQTT", 4, 0x02, &[]), V4),
        Error::UnexpectedEnd {
            field: "client identifier"
        }
    );
    // and fields not announced must be absent [MQTT-3.1.2-16] [MQTT-3.1.2-18]
    assert_eq!(
        decode_err(
            &raw_connect(b"MQTT", 4, 0x02, &cat(&[&lp("c"), &lp("u")])),
            V4
        ),
        Error::TrailingBytes {
            packet: PacketType::Connect,
            count: 3
        }
    );
}

// ---------------------------------------------------------------------------------------------
// CONNACK (section 3.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn connack_reserved_flags_rejected_mqtt_3_2_2_1() {
    for flags in [0x02u8, 0x03, 0x80, 0xFE, 0xFF] {
        assert_eq!(
            decode_err(&[0x20, 0x02, flags, 0x00], V4),
            Error::InvalidConnAckFlags(flags)
        );
        assert_eq!(
            decode_err(&[0x20, 0x03, flags, 0x00, 0x00], V5),
            Error::InvalidConnAckFlags(flags)
        );
    }
}

#[test]
fn connack_session_present_with_error_rejected_mqtt_3_2_2_6() {
    for code in 1..=5u8 {
        assert_eq!(
            decode_err(&[0x20, 0x02, 0x01, code], V4),
            Error::SessionPresentWithError
        );
    }
    for code in [0x80u8, 0x87, 0x9F] {
        assert_eq!(
            decode_err(&[0x20, 0x03, 0x01, code, 0x00], V5),
            Error::SessionPresentWithError
        );
    }
    for (v, rc) in [(V4, ReasonCode::NotAuthorized), (V5, ReasonCode::Banned)] {
        let p = Packet::ConnAck(ConnAck {
            session_present: true,
            reason_code: rc,
            properties: Properties::default(),
        });
        assert_eq!(encode_err(&p, v), Error::SessionPresentWithError);
    }
}

// ---------------------------------------------------------------------------------------------
// Reason codes (section 2.4)
// ---------------------------------------------------------------------------------------------

/// Each packet carries only its own reason codes: CONNACK [MQTT-3.2.2-8], PUBACK
/// [MQTT-3.4.2-1], PUBREC [MQTT-3.5.2-1], PUBREL [MQTT-3.6.2-1], PUBCOMP [MQTT-3.7.2-1],
/// SUBACK [MQTT-3.9.3-2], UNSUBACK [MQTT-3.11.3-2], DISCONNECT [MQTT-3.14.2-1], AUTH
/// [MQTT-3.15.2-1].
#[test]
fn reason_code_not_allowed_in_packet_rejected_mqtt_3_2_2_8_and_others() {
    use PacketType as T;
    let invalid = |packet, code| Error::InvalidReasonCode { packet, code };
    // MQTT 5 decode: every byte value not allowed in the packet.
    for code in 0..=u8::MAX {
        let allowed = |t: T| ReasonCode::from_u8(code).is_some_and(|rc| rc.allowed_in(t));
        let cases: [(T, Vec<u8>); 9] = [
            (T::ConnAck, vec![0x20, 0x03, 0x00, code, 0x00]),
            (T::PubAck, vec![0x40, 0x03, 0x00, 0x01, code]),
            (T::PubRec, vec![0x50, 0x03, 0x00, 0x01, code]),
            (T::PubRel, vec![0x62, 0x03, 0x00, 0x01, code]),
            (T::PubComp, vec![0x70, 0x03, 0x00, 0x01, code]),
            (T::SubAck, vec![0x90, 0x04, 0x00, 0x01, 0x00, code]),
            (T::UnsubAck, vec![0xB0, 0x04, 0x00, 0x01, 0x00, code]),
            (T::Disconnect, vec![0xE0, 0x01, code]),
            (T::Auth, vec![0xF0, 0x02, code, 0x00]),
        ];
        for (t, bytes) in cases {
            let got = Packet::decode(&bytes, V5);
            if allowed(t) {
                assert!(got.is_ok(), "{code:#04x} in {t}: {got:?}");
            } else {
                assert_eq!(got, Err(invalid(t, code)), "{code:#04x} in {t}");
            }
        }
    }
    // The examples of the brief: 0x92 in PUBACK, 0x01 in CONNACK.
    assert_eq!(
        decode_err(&[0x40, 0x03, 0x00, 0x01, 0x92], V5),
        invalid(T::PubAck, 0x92)
    );
    assert_eq!(
        decode_err(&[0x20, 0x03, 0x00, 0x01, 0x00], V5),
        invalid(T::ConnAck, 0x01)
    );
    // MQTT 3.1.1: CONNACK return codes 0 to 5, SUBACK 0, 1, 2, 0x80.
    for code in 6..=u8::MAX {
        assert_eq!(
            decode_err(&[0x20, 0x02, 0x00, code], V4),
            invalid(T::ConnAck, code)
        );
    }
    for code in (0..=u8::MAX).filter(|c| ![0x00, 0x01, 0x02, 0x80].contains(c)) {
        assert_eq!(
            decode_err(&[0x90, 0x03, 0x00, 0x01, code], V4),
            invalid(T::SubAck, code)
        );
    }

    // MQTT 5 encode.
    let ack = |rc| Ack {
        pid: pid(1),
        reason_code: rc,
        properties: Properties::default(),
    };
    let cases = [
        (
            Packet::PubAck(ack(ReasonCode::PacketIdentifierNotFound)),
            invalid(T::PubAck, 0x92),
        ),
        (
            Packet::PubRel(ack(ReasonCode::NoMatchingSubscribers)),
            invalid(T::PubRel, 0x10),
        ),
        (
            Packet::PubComp(ack(ReasonCode::UnspecifiedError)),
            invalid(T::PubComp, 0x80),
        ),
        (
            Packet::ConnAck(ConnAck {
                session_present: false,
                reason_code: ReasonCode::GrantedQoS1,
                properties: Properties::default(),
            }),
            invalid(T::ConnAck, 0x01),
        ),
        (
            Packet::SubAck(SubAck {
                pid: pid(1),
                properties: Properties::default(),
                reason_codes: vec![ReasonCode::GrantedQoS1, ReasonCode::NoSubscriptionExisted],
            }),
            invalid(T::SubAck, 0x11),
        ),
        (
            Packet::UnsubAck(UnsubAck {
                pid: pid(1),
                properties: Properties::default(),
                reason_codes: vec![ReasonCode::GrantedQoS2],
            }),
            invalid(T::UnsubAck, 0x02),
        ),
        (
            Packet::Disconnect(Disconnect {
                reason_code: ReasonCode::ContinueAuthentication,
                properties: Properties::default(),
            }),
            invalid(T::Disconnect, 0x18),
        ),
        (
            Packet::Auth(Auth {
                reason_code: ReasonCode::NotAuthorized,
                properties: Properties::default(),
            }),
            invalid(T::Auth, 0x87),
        ),
    ];
    for (p, e) in cases {
        assert_eq!(encode_err(&p, V5), e, "{p:?}");
    }

    // MQTT 3.1.1 encode: codes 3.1.1 does not have.
    for v in [V3_1, V4] {
        let not_in = |p: Packet<'_>| {
            let e = encode_err(&p, v);
            assert!(
                matches!(e, Error::NotInVersion { version, .. } if version == v),
                "{e:?}"
            );
        };
        not_in(Packet::ConnAck(ConnAck {
            session_present: false,
            reason_code: ReasonCode::Banned,
            properties: Properties::default(),
        }));
        not_in(Packet::PubAck(ack(ReasonCode::NoMatchingSubscribers)));
        not_in(Packet::PubRel(ack(ReasonCode::PacketIdentifierNotFound)));
        not_in(Packet::SubAck(SubAck {
            pid: pid(1),
            properties: Properties::default(),
            reason_codes: vec![ReasonCode::NotAuthorized],
        }));
        not_in(Packet::UnsubAck(UnsubAck {
            pid: pid(1),
            properties: Properties::default(),
            reason_codes: vec![ReasonCode::Success],
        }));
        not_in(Packet::Disconnect(Disconnect {
            reason_code: ReasonCode::DisconnectWithWillMessage,
            properties: Properties::default(),
        }));
    }
}

// ---------------------------------------------------------------------------------------------
// Properties (section 2.2.2)
// ---------------------------------------------------------------------------------------------

/// Section 2.2.2.2: identifiers outside Table 2-4 are malformed.
#[test]
fn unknown_property_identifier_rejected_section_2_2_2_2() {
    let ctx = PropertyContext::Packet(PacketType::Publish);
    for id in 0..=0x7Fu8 {
        if PropertyId::from_u8(id).is_some() {
            continue;
        }
        let raw = [id, 0x00, 0x00, 0x00, 0x00];
        assert_eq!(
            decode_err(&v5_packet_with_raw_props(ctx, &raw), V5),
            Error::UnknownProperty(u32::from(id)),
            "{id:#04x}"
        );
    }
    // Identifiers are variable byte integers: 128, 255 and 256 are unknown too.
    for (raw, id) in [
        (&[0x80, 0x01][..], 128u32),
        (&[0xFF, 0x01], 255),
        (&[0x80, 0x02], 256),
        (&[0xFF, 0xFF, 0xFF, 0x7F], MAX_VAR_INT),
    ] {
        assert_eq!(
            decode_err(&v5_packet_with_raw_props(ctx, raw), V5),
            Error::UnknownProperty(id)
        );
    }
}

/// Section 2.2.2.2: "A Control Packet which contains an Identifier which is not valid for its
/// packet type ... is a Malformed Packet". Every (property, packet) pair outside Table 2-4,
/// on decode and encode.
#[test]
fn property_not_allowed_in_packet_rejected_section_2_2_2_2() {
    let mut pairs = 0;
    for ctx in PROPERTY_CONTEXTS {
        for id in ALL_PROPERTY_IDS {
            if id.allowed_in(ctx) {
                continue;
            }
            pairs += 1;
            let expected = Error::PropertyNotAllowed {
                property: id,
                context: ctx.name(),
            };
            assert_eq!(
                decode_err(&v5_packet_with_raw_props(ctx, &raw_property(id)), V5),
                expected,
                "{} in {}",
                id.name(),
                ctx.name()
            );
            let mut p = Properties::default();
            set_property(&mut p, id);
            assert_eq!(encode_err(&v5_packet_with(ctx, p), V5), expected);
        }
    }
    assert!(pairs > 250, "{pairs}");
}

#[test]
fn topic_alias_in_connect_rejected_section_2_2_2_2() {
    let raw = [0x23, 0x00, 0x01];
    let ctx = PropertyContext::Packet(PacketType::Connect);
    let expected = Error::PropertyNotAllowed {
        property: PropertyId::TopicAlias,
        context: "CONNECT",
    };
    assert_eq!(
        decode_err(&v5_packet_with_raw_props(ctx, &raw), V5),
        expected
    );
    let mut c = connect(V5);
    c.properties.topic_alias = Some(1);
    assert_eq!(encode_err(&Packet::Connect(Box::new(c)), V5), expected);
}

/// The Will Delay Interval belongs to the will properties only (3.1.3.2.2).
#[test]
fn will_delay_interval_outside_will_properties_rejected_section_3_1_3_2() {
    let raw = [0x18, 0x00, 0x00, 0x00, 0x05];
    for (t, context) in [
        (PacketType::Connect, "CONNECT"),
        (PacketType::Publish, "PUBLISH"),
        (PacketType::Disconnect, "DISCONNECT"),
    ] {
        let ctx = PropertyContext::Packet(t);
        let expected = Error::PropertyNotAllowed {
            property: PropertyId::WillDelayInterval,
            context,
        };
        assert_eq!(
            decode_err(&v5_packet_with_raw_props(ctx, &raw), V5),
            expected
        );
        let p = Properties {
            will_delay_interval: Some(5),
            ..Default::default()
        };
        assert_eq!(encode_err(&v5_packet_with(ctx, p), V5), expected);
    }
    // In the will properties it is fine.
    decode_whole(&v5_packet_with_raw_props(PropertyContext::Will, &raw), V5).unwrap();
}

/// Every property but User Property (and Subscription Identifier in PUBLISH) may appear once:
/// "It is a Protocol Error to include the <property> more than once" (3.x property sections).
#[test]
fn duplicate_property_rejected_in_every_context_section_2_2_2_2() {
    let mut checked = std::collections::HashSet::new();
    for ctx in PROPERTY_CONTEXTS {
        for id in ALL_PROPERTY_IDS.into_iter().filter(|id| id.allowed_in(ctx)) {
            let twice = [raw_property(id), raw_property(id)].concat();
            let bytes = v5_packet_with_raw_props(ctx, &twice);
            let repeatable = id == PropertyId::UserProperty
                || (id == PropertyId::SubscriptionIdentifier
                    && ctx == PropertyContext::Packet(PacketType::Publish));
            if repeatable {
                decode_whole(&bytes, V5).unwrap();
            } else {
                assert_eq!(
                    decode_err(&bytes, V5),
                    Error::DuplicateProperty(id),
                    "{} twice in {}",
                    id.name(),
                    ctx.name()
                );
                checked.insert(id);
            }
        }
    }
    // Every single-valued kind, and the Subscription Identifier (in SUBSCRIBE).
    assert_eq!(checked.len(), 26);
    // Twice with different values is no better.
    let raw = [0x21, 0x00, 0x01, 0x21, 0x00, 0x02];
    assert_eq!(
        decode_err(
            &v5_packet_with_raw_props(PropertyContext::Packet(PacketType::Connect), &raw),
            V5
        ),
        Error::DuplicateProperty(PropertyId::ReceiveMaximum)
    );
}

/// 3.8.2.1.2: "It is a Protocol Error to include the Subscription Identifier more than once"
/// in SUBSCRIBE; PUBLISH may carry several (3.3.2.3.8).
#[test]
fn two_subscription_identifiers_in_subscribe_rejected_section_3_8_2_1_2() {
    let raw = [0x0B, 0x01, 0x0B, 0x02];
    assert_eq!(
        decode_err(
            &v5_packet_with_raw_props(PropertyContext::Packet(PacketType::Subscribe), &raw),
            V5
        ),
        Error::DuplicateProperty(PropertyId::SubscriptionIdentifier)
    );
    let p = Packet::Subscribe(Subscribe {
        pid: pid(1),
        properties: Properties {
            subscription_identifiers: vec![1, 2],
            ..Default::default()
        },
        filters: vec![SubscribeFilter {
            filter: "a".into(),
            options: SubscriptionOptions::default(),
        }],
    });
    assert_eq!(
        encode_err(&p, V5),
        Error::DuplicateProperty(PropertyId::SubscriptionIdentifier)
    );
    // In PUBLISH, two are fine.
    let bytes = v5_packet_with_raw_props(PropertyContext::Packet(PacketType::Publish), &raw);
    match decode_whole(&bytes, V5).unwrap() {
        Packet::Publish(p) => assert_eq!(p.properties.subscription_identifiers, [1, 2]),
        other => panic!("{other:?}"),
    }
}

fn assert_value_rejected(
    ctx: PropertyContext,
    raw: &[u8],
    set: impl Fn(&mut Properties<'static>),
    property: PropertyId,
    value: u32,
) {
    let expected = Error::InvalidPropertyValue { property, value };
    assert_eq!(
        decode_err(&v5_packet_with_raw_props(ctx, raw), V5),
        expected,
        "{} = {value} in {}",
        property.name(),
        ctx.name()
    );
    let mut p = Properties::default();
    set(&mut p);
    assert_eq!(encode_err(&v5_packet_with(ctx, p), V5), expected);
}

const CONNECT_CTX: PropertyContext = PropertyContext::Packet(PacketType::Connect);
const CONNACK_CTX: PropertyContext = PropertyContext::Packet(PacketType::ConnAck);
const PUBLISH_CTX: PropertyContext = PropertyContext::Packet(PacketType::Publish);
const SUBSCRIBE_CTX: PropertyContext = PropertyContext::Packet(PacketType::Subscribe);

/// 3.1.2.11.3 / 3.2.2.3.3: "It is a Protocol Error to include the Receive Maximum value of 0".
#[test]
fn receive_maximum_0_rejected_section_3_1_2_11_3() {
    for ctx in [CONNECT_CTX, CONNACK_CTX] {
        assert_value_rejected(
            ctx,
            &[0x21, 0x00, 0x00],
            |p| p.receive_maximum = Some(0),
            PropertyId::ReceiveMaximum,
            0,
        );
    }
}

/// 3.1.2.11.4 / 3.2.2.3.6: "It is a Protocol Error ... for the value to be set to zero."
#[test]
fn maximum_packet_size_0_rejected_section_3_1_2_11_4() {
    for ctx in [CONNECT_CTX, CONNACK_CTX] {
        assert_value_rejected(
            ctx,
            &[0x27, 0x00, 0x00, 0x00, 0x00],
            |p| p.maximum_packet_size = Some(0),
            PropertyId::MaximumPacketSize,
            0,
        );
    }
}

#[test]
fn topic_alias_0_rejected_mqtt_3_3_2_8() {
    assert_value_rejected(
        PUBLISH_CTX,
        &[0x23, 0x00, 0x00],
        |p| p.topic_alias = Some(0),
        PropertyId::TopicAlias,
        0,
    );
}

/// 3.3.2.3.8 / 3.8.2.1.2: "It is a Protocol Error if the Subscription Identifier has a value
/// of 0."
#[test]
fn subscription_identifier_0_rejected_section_3_8_2_1_2() {
    for ctx in [PUBLISH_CTX, SUBSCRIBE_CTX] {
        assert_value_rejected(
            ctx,
            &[0x0B, 0x00],
            |p| p.subscription_identifiers = vec![0],
            PropertyId::SubscriptionIdentifier,
            0,
        );
    }
    // Above the variable byte integer range, on encode.
    let p = Properties {
        subscription_identifiers: vec![u32::MAX],
        ..Default::default()
    };
    assert_eq!(
        encode_err(&v5_packet_with(SUBSCRIBE_CTX, p), V5),
        Error::InvalidPropertyValue {
            property: PropertyId::SubscriptionIdentifier,
            value: u32::MAX
        }
    );
}

/// One-byte properties are 0 or 1 ("It is a Protocol Error to include a value other than 0
/// or 1", 3.1.2.11.6, 3.1.2.11.7, 3.2.2.3.5, 3.2.2.3.11 to 3.2.2.3.13; 3.3.2.3.2 defines the
/// Payload Format Indicator's two values).
#[test]
fn byte_properties_above_1_rejected_section_3_1_2_11() {
    use PropertyId as P;
    for id in [
        P::PayloadFormatIndicator,
        P::RequestProblemInformation,
        P::RequestResponseInformation,
        P::MaximumQoS,
        P::RetainAvailable,
        P::WildcardSubscriptionAvailable,
        P::SubscriptionIdentifierAvailable,
        P::SharedSubscriptionAvailable,
    ] {
        for value in [2u8, 3, 0x80, 0xFF] {
            for ctx in PROPERTY_CONTEXTS.into_iter().filter(|c| id.allowed_in(*c)) {
                assert_eq!(
                    decode_err(&v5_packet_with_raw_props(ctx, &[id as u8, value]), V5),
                    Error::InvalidPropertyValue {
                        property: id,
                        value: u32::from(value)
                    },
                    "{} = {value}",
                    id.name()
                );
            }
        }
        // 0 and 1 are fine.
        for value in [0u8, 1] {
            let ctx = a_context_allowing(id);
            decode_whole(&v5_packet_with_raw_props(ctx, &[id as u8, value]), V5).unwrap();
        }
    }
}

/// 3.2.2.3.4: "It is a Protocol Error to include Maximum QoS more than once, or to have a
/// value other than 0 or 1."
#[test]
fn maximum_qos_2_rejected_section_3_2_2_3_4() {
    assert_value_rejected(
        CONNACK_CTX,
        &[0x24, 0x02],
        |p| p.maximum_qos = Some(QoS::ExactlyOnce),
        PropertyId::MaximumQoS,
        2,
    );
}

#[test]
fn response_topic_with_wildcards_rejected_mqtt_3_3_2_14() {
    for topic in ["a/#", "+", "reply/+/x"] {
        for ctx in [PUBLISH_CTX, PropertyContext::Will] {
            let raw = cat(&[&[0x08], &lp(topic)]);
            assert_eq!(
                decode_err(&v5_packet_with_raw_props(ctx, &raw), V5),
                Error::WildcardInTopicName,
                "{topic} in {}",
                ctx.name()
            );
            let p = Properties {
                response_topic: Some(topic.into()),
                ..Default::default()
            };
            assert_eq!(
                encode_err(&v5_packet_with(ctx, p), V5),
                Error::WildcardInTopicName
            );
        }
    }
}

/// MQTT 3.1.1 has no properties: an application's properties cannot be encoded in it.
#[test]
fn properties_in_v311_packets_rejected_on_encode() {
    for v in [V3_1, V4] {
        let not_in = Error::NotInVersion {
            what: "properties",
            version: v,
        };
        for ctx in PROPERTY_CONTEXTS {
            if ctx == PropertyContext::Packet(PacketType::Auth) {
                continue;
            }
            let mut p = v5_packet_with(ctx, full_properties(ctx));
            match &mut p {
                Packet::Connect(c) => c.protocol = v,
                // 3.1.1 UNSUBACK has no reason codes; keep only the properties at fault.
                Packet::UnsubAck(u) => u.reason_codes.clear(),
                _ => {}
            }
            assert_eq!(encode_err(&p, v), not_in, "{}", ctx.name());
            // A single user property is enough.
            let mut p = v5_packet_with(
                ctx,
                Properties {
                    user_properties: vec![("k".into(), "v".into())],
                    ..Default::default()
                },
            );
            match &mut p {
                Packet::Connect(c) => c.protocol = v,
                Packet::UnsubAck(u) => u.reason_codes.clear(),
                _ => {}
            }
            assert_eq!(encode_err(&p, v), not_in, "{}", ctx.name());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lengths: trailing bytes, truncation, strings beyond the packet, fields too long
// ---------------------------------------------------------------------------------------------

/// The Remaining Length is the number of bytes of the variable header and payload (section
/// 2.1.4): bytes after the last field make a Malformed Packet (section 1.2, 4.13).
#[test]
fn trailing_bytes_after_last_field_rejected_section_2_1_4() {
    use PacketType as T;
    let trailing = |packet, count| Error::TrailingBytes { packet, count };
    for v in VERSIONS {
        // PINGREQ / PINGRESP have no body at all.
        assert_eq!(decode_err(&[0xC0, 0x01, 0x00], v), trailing(T::PingReq, 1));
        assert_eq!(
            decode_err(&[0xD0, 0x02, 0x00, 0x00], v),
            trailing(T::PingResp, 2)
        );
    }
    for v in [V3_1, V4] {
        // 3.1.1 acknowledgements are exactly a packet identifier.
        assert_eq!(
            decode_err(&[0x40, 0x03, 0x00, 0x01, 0x00], v),
            trailing(T::PubAck, 1)
        );
        assert_eq!(
            decode_err(&[0x50, 0x03, 0x00, 0x01, 0x00], v),
            trailing(T::PubRec, 1)
        );
        assert_eq!(
            decode_err(&[0x62, 0x03, 0x00, 0x01, 0x00], v),
            trailing(T::PubRel, 1)
        );
        assert_eq!(
            decode_err(&[0x70, 0x03, 0x00, 0x01, 0x00], v),
            trailing(T::PubComp, 1)
        );
        assert_eq!(
            decode_err(&[0xB0, 0x03, 0x00, 0x01, 0x00], v),
            trailing(T::UnsubAck, 1)
        );
        // CONNACK is two bytes.
        assert_eq!(
            decode_err(&[0x20, 0x03, 0x00, 0x00, 0x00], v),
            trailing(T::ConnAck, 1)
        );
        // DISCONNECT is empty.
        assert_eq!(
            decode_err(&[0xE0, 0x01, 0x00], v),
            trailing(T::Disconnect, 1)
        );
    }
    // MQTT 5: after the property list.
    assert_eq!(
        decode_err(&[0x20, 0x04, 0x00, 0x00, 0x00, 0xFF], V5),
        trailing(T::ConnAck, 1)
    );
    assert_eq!(
        decode_err(&[0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0xFF], V5),
        trailing(T::PubAck, 1)
    );
    assert_eq!(
        decode_err(&[0xE0, 0x04, 0x00, 0x00, 0xFF, 0xFF], V5),
        trailing(T::Disconnect, 2)
    );
    assert_eq!(
        decode_err(&[0xF0, 0x03, 0x00, 0x00, 0xFF], V5),
        trailing(T::Auth, 1)
    );
    // CONNECT: after the last field its flags announce.
    let mut bytes = encode(&Packet::Connect(Box::new(connect(V4))), V4);
    bytes.push(0x00);
    bytes[1] += 1;
    assert_eq!(decode_err(&bytes, V4), trailing(T::Connect, 1));
    // SUBSCRIBE: a stray byte after the last pair reads as a cut topic filter; a filter
    // without its options byte is cut too.
    let mut bytes = raw_subscribe(V4, b"a", 0x00);
    bytes.push(0x00);
    bytes[1] += 1;
    assert_eq!(
        decode_err(&bytes, V4),
        Error::UnexpectedEnd {
            field: "topic filter"
        }
    );
    assert_eq!(
        decode_err(&frame(0x82, &cat(&[&[0x00, 0x01], &lp("a")])), V4),
        Error::UnexpectedEnd {
            field: "subscription options"
        }
    );
}

/// A remaining length shorter than the fields (section 2.1.4): the packet ends inside a field,
/// a Malformed Packet (sections 1.2, 4.13). Cut at every
/// byte of each packet, the decoder names the field it was reading (or, at a boundary where
/// the shorter packet is itself valid, decodes it).
#[test]
fn truncated_packets_rejected_at_every_field_section_2_1_4() {
    use Expect::{End, Ok as Fine};
    // MQTT 3.1.1 CONNECT, the example of codec_vectors.rs (3.1.2.10).
    let whole = encode(
        &Packet::Connect(Box::new(Connect {
            protocol: V4,
            clean_start: true,
            keep_alive: 10,
            properties: Properties::default(),
            client_id: "wasmqtt".into(),
            will: Some(Will {
                properties: Properties::default(),
                topic: "a/b".into(),
                payload: b"bye".as_slice().into(),
                qos: QoS::AtLeastOnce,
                retain: false,
            }),
            username: Some("user".into()),
            password: Some(b"pw".as_slice().into()),
        })),
        V4,
    );
    let body = &whole[2..];
    check_every_cut(
        0x10,
        body,
        V4,
        &runs(&[
            (End("protocol name"), 6),
            (End("protocol level"), 1),
            (End("connect flags"), 1),
            (End("keep alive"), 2),
            (End("client identifier"), 9),
            (End("will topic"), 5),
            (End("will payload"), 5),
            (End("user name"), 6),
            (End("password"), 4),
        ]),
    );

    // MQTT 3.1 CONNECT
    let body = cat(&[
        &lp("MQIsdp"),
        &[0x03, 0xC2, 0x00, 0x3C],
        &lp("mqtt1"),
        &lp("u"),
        &lp("p"),
    ]);
    check_every_cut(
        0x10,
        &body,
        V3_1,
        &runs(&[
            (End("protocol name"), 8),
            (End("protocol level"), 1),
            (End("connect flags"), 1),
            (End("keep alive"), 2),
            (End("client identifier"), 7),
            (End("user name"), 3),
            (End("password"), 3),
        ]),
    );

    // MQTT 5 CONNECT, the 3.1.2.11 example with its payload.
    let body = cat(&[
        &lp("MQTT"),
        &[0x05, 0xCE, 0x00, 0x0A],
        &props(&[0x11, 0x00, 0x00, 0x00, 0x0A]),
        &lp("wasmqtt"),
        &props(&[]),
        &lp("a/b"),
        &lp("bye"),
        &lp("user"),
        &lp("pw"),
    ]);
    check_every_cut(
        0x10,
        &body,
        V5,
        &runs(&[
            (End("protocol name"), 6),
            (End("protocol level"), 1),
            (End("connect flags"), 1),
            (End("keep alive"), 2),
            (End("property length"), 1),
            (End("properties"), 5),
            (End("client identifier"), 9),
            (End("property length"), 1),
            (End("will topic"), 5),
            (End("will payload"), 5),
            (End("user name"), 6),
            (End("password"), 4),
        ]),
    );

    // CONNACK: 3.1.1, and MQTT 5 with properties.
    check_every_cut(
        0x20,
        &[0x00, 0x00],
        V4,
        &runs(&[
            (End("connect acknowledge flags"), 1),
            (End("reason code"), 1),
        ]),
    );
    let body = cat(&[
        &[0x01, 0x00],
        &props(&cat(&[
            &raw_property(PropertyId::AssignedClientIdentifier),
            &raw_property(PropertyId::ServerKeepAlive),
        ])),
    ]);
    check_every_cut(
        0x20,
        &body,
        V5,
        &runs(&[
            (End("connect acknowledge flags"), 1),
            (End("reason code"), 1),
            (End("property length"), 1),
            (End("properties"), body.len() - 3),
        ]),
    );

    // PUBLISH QoS 1: the payload may be cut anywhere (it is what is left).
    let body = cat(&[&lp("a/b"), &[0x00, 0x0A], b"hello"]);
    check_every_cut(
        0x32,
        &body,
        V4,
        &runs(&[
            (End("topic name"), 5),
            (End("packet identifier"), 2),
            (Fine, 5),
        ]),
    );
    let body = cat(&[
        &lp("a/b"),
        &[0x00, 0x0A],
        &props(&[0x23, 0x00, 0x01]),
        b"hi",
    ]);
    check_every_cut(
        0x32,
        &body,
        V5,
        &runs(&[
            (End("topic name"), 5),
            (End("packet identifier"), 2),
            (End("property length"), 1),
            (End("properties"), 3),
            (Fine, 2),
        ]),
    );

    // MQTT 5 PUBACK: valid with 2 and 3 bytes, cut in its properties after.
    let body = cat(&[
        &[0x00, 0x0A, 0x87],
        &props(&cat(&[
            &raw_property(PropertyId::ReasonString),
            &raw_property(PropertyId::UserProperty),
        ])),
    ]);
    check_every_cut(
        0x40,
        &body,
        V5,
        &runs(&[
            (End("packet identifier"), 2),
            (Fine, 1),
            (Fine, 1),
            (End("properties"), body.len() - 4),
        ]),
    );
    // 3.1.1 acknowledgements
    for first in [0x40, 0x50, 0x62, 0x70, 0xB0] {
        check_every_cut(
            first,
            &[0x00, 0x0A],
            V4,
            &runs(&[(End("packet identifier"), 2)]),
        );
    }

    // MQTT 5 SUBSCRIBE
    let body = cat(&[
        &[0x00, 0x0A],
        &props(&[0x0B, 0x05, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v']),
        &lp("a/b"),
        &[0x2D],
        &lp("$share/grp/x/#"),
        &[0x12],
    ]);
    check_every_cut(
        0x82,
        &body,
        V5,
        &runs(&[
            (End("packet identifier"), 2),
            (End("property length"), 1),
            (End("properties"), 9),
            (Expect::Err(Error::EmptySubscribe), 1),
            (End("topic filter"), 4),
            (End("subscription options"), 1),
            (Fine, 1),
            (End("topic filter"), 15),
            (End("subscription options"), 1),
        ]),
    );
    // MQTT 3.1.1 SUBACK and MQTT 5 UNSUBACK
    check_every_cut(
        0x90,
        &[0x00, 0x0A, 0x00, 0x02, 0x80],
        V4,
        &runs(&[
            (End("packet identifier"), 2),
            (Expect::Err(Error::EmptyAckList), 1),
            (Fine, 2),
        ]),
    );
    check_every_cut(
        0xB0,
        &[0x00, 0x0B, 0x00, 0x00, 0x11, 0x87, 0x8F],
        V5,
        &runs(&[
            (End("packet identifier"), 2),
            (End("property length"), 1),
            (Expect::Err(Error::EmptyAckList), 1),
            (Fine, 3),
        ]),
    );
    // MQTT 5 UNSUBSCRIBE
    let body = cat(&[
        &[0x00, 0x0B],
        &props(&raw_property(PropertyId::UserProperty)),
        &lp("a/b"),
        &lp("a/#"),
    ]);
    check_every_cut(
        0xA2,
        &body,
        V5,
        &runs(&[
            (End("packet identifier"), 2),
            (End("property length"), 1),
            (End("properties"), 7),
            (Expect::Err(Error::EmptyUnsubscribe), 1),
            (End("topic filter"), 4),
            (Fine, 1),
            (End("topic filter"), 4),
        ]),
    );
    // MQTT 5 DISCONNECT and AUTH: valid with 0 and 1 bytes.
    let p = props(&cat(&[
        &raw_property(PropertyId::ReasonString),
        &raw_property(PropertyId::UserProperty),
    ]));
    for (first, code) in [(0xE0, 0x8B), (0xF0, 0x18)] {
        let body = cat(&[&[code], &p]);
        check_every_cut(
            first,
            &body,
            V5,
            &runs(&[(Fine, 2), (End("properties"), body.len() - 2)]),
        );
    }
}

/// A remaining length beyond the bytes at hand is not an error: decoding waits for more.
#[test]
fn remaining_length_beyond_the_buffer_asks_for_more() {
    assert_eq!(
        Packet::decode(&[0x30, 0x0A, 0x00, 0x01, b't'], V4),
        Ok(None)
    );
    assert_eq!(Packet::decode(&[0xC0, 0x01], V4), Ok(None));
    assert_eq!(
        Packet::decode(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F], V4),
        Ok(None)
    );
}

/// A length prefix beyond the bytes of its packet or property list (sections 1.5.4, 1.5.6,
/// 2.2.2.1).
#[test]
fn string_or_binary_length_beyond_its_packet_rejected_section_1_5_4() {
    // topic name of 9 bytes in a packet of 5
    assert_eq!(
        decode_err(&[0x30, 0x05, 0x00, 0x09, b'a', b'b', b'c'], V4),
        Error::UnexpectedEnd {
            field: "topic name"
        }
    );
    // client identifier
    assert_eq!(
        decode_err(&raw_connect(b"MQTT", 4, 0x02, &[0x00, 0x05, b'c']), V4),
        Error::UnexpectedEnd {
            field: "client identifier"
        }
    );
    // password (binary data)
    assert_eq!(
        decode_err(
            &raw_connect(b"MQTT", 5, 0x40, &cat(&[&lp("c"), &[0xFF, 0xFF, 0x01]])),
            V5
        ),
        Error::UnexpectedEnd { field: "password" }
    );
    // topic filter
    assert_eq!(
        decode_err(&frame(0xA2, &[0x00, 0x01, 0x00, 0x04, b'a']), V4),
        Error::UnexpectedEnd {
            field: "topic filter"
        }
    );
    // A property's string may not run past the property list, even into bytes of the packet.
    let raw = cat(&[&[0x26], &lp("k"), &[0x00, 0x05, b'v']]);
    let bytes = frame(0x30, &cat(&[&lp("t"), &props(&raw), b"vvvv"]));
    assert_eq!(
        decode_err(&bytes, V5),
        Error::UnexpectedEnd {
            field: "user property value"
        }
    );
    let raw = [0x09, 0x00, 0x10, 0x01];
    assert_eq!(
        decode_err(&v5_packet_with_raw_props(PUBLISH_CTX, &raw), V5),
        Error::UnexpectedEnd {
            field: "Correlation Data"
        }
    );
    // Fixed-size values cut by the property list's end.
    for (raw, field) in [
        (&[0x23, 0x00][..], "Topic Alias"),
        (&[0x02, 0x00, 0x00, 0x01], "Message Expiry Interval"),
        (&[0x01], "Payload Format Indicator"),
        (&[0x0B, 0x80], "Subscription Identifier"),
        (&[0x80], "property identifier"),
    ] {
        let bytes = frame(0x30, &cat(&[&lp("t"), &props(raw), b"payload"]));
        assert_eq!(
            decode_err(&bytes, V5),
            Error::UnexpectedEnd { field },
            "{raw:02x?}"
        );
    }
    // A property length beyond the packet.
    assert_eq!(
        decode_err(&[0x40, 0x04, 0x00, 0x01, 0x00, 0x05], V5),
        Error::UnexpectedEnd {
            field: "properties"
        }
    );
}

/// Sets a string or binary property from a string.
type SetStr = fn(&mut Properties<'static>, &'static str);

/// Strings and binary data carry a two-byte length: 65,535 bytes at most (1.5.4, 1.5.6).
#[test]
fn string_or_binary_over_65535_bytes_rejected_on_encode_section_1_5_4() {
    let long: &'static str = Box::leak("a".repeat(65_536).into_boxed_str());
    let long_bin: &'static [u8] = long.as_bytes();
    let too_long = |field| Error::FieldTooLong { field, len: 65_536 };
    for v in VERSIONS {
        assert_eq!(
            encode_err(&Packet::Publish(publish(long)), v),
            too_long("topic name")
        );
        assert_eq!(
            encode_err(&subscribe(long, SubscriptionOptions::default()), v),
            too_long("topic filter")
        );
        assert_eq!(encode_err(&unsubscribe(long), v), too_long("topic filter"));
        let mut c = connect(v);
        c.client_id = long.into();
        assert_eq!(
            encode_err(&Packet::Connect(Box::new(c)), v),
            too_long("client identifier")
        );
        let mut c = connect(v);
        c.username = Some(long.into());
        assert_eq!(
            encode_err(&Packet::Connect(Box::new(c)), v),
            too_long("user name")
        );
        let mut c = connect(v);
        c.username = Some("u".into());
        c.password = Some(long_bin.into());
        assert_eq!(
            encode_err(&Packet::Connect(Box::new(c)), v),
            too_long("password")
        );
        assert_eq!(
            encode_err(&connect_with_will(v, will(long)), v),
            too_long("will topic")
        );
        let mut w = will("w");
        w.payload = long_bin.into();
        assert_eq!(
            encode_err(&connect_with_will(v, w), v),
            too_long("will payload")
        );
    }
    // MQTT 5 string and binary properties.
    let cases: [(PropertyContext, SetStr, &str); 7] = [
        (
            PUBLISH_CTX,
            |p, s| p.content_type = Some(s.into()),
            "Content Type",
        ),
        (
            PUBLISH_CTX,
            |p, s| p.response_topic = Some(s.into()),
            "Response Topic",
        ),
        (
            PUBLISH_CTX,
            |p, s| p.correlation_data = Some(s.as_bytes().into()),
            "Correlation Data",
        ),
        (
            PropertyContext::Packet(PacketType::PubAck),
            |p, s| p.reason_string = Some(s.into()),
            "Reason String",
        ),
        (
            PropertyContext::Packet(PacketType::Auth),
            |p, s| p.authentication_data = Some(s.as_bytes().into()),
            "Authentication Data",
        ),
        (
            PUBLISH_CTX,
            |p, s| p.user_properties = vec![(s.into(), "v".into())],
            "user property name",
        ),
        (
            PUBLISH_CTX,
            |p, s| p.user_properties = vec![("k".into(), s.into())],
            "user property value",
        ),
    ];
    for (ctx, set, field) in cases {
        let mut p = Properties::default();
        set(&mut p, long);
        assert_eq!(encode_err(&v5_packet_with(ctx, p), V5), too_long(field));
        // One byte less is fine.
        let mut p = Properties::default();
        set(&mut p, &long[1..]);
        roundtrip(&v5_packet_with(ctx, p), V5);
    }
}

// ---------------------------------------------------------------------------------------------
// Framer
// ---------------------------------------------------------------------------------------------

/// A framer with a maximum packet size refuses a packet from its fixed header: the body of a
/// 10 MB packet is never waited for nor kept, and the framer stays failed (the peer broke
/// [MQTT-3.1.2-24] / [MQTT-3.2.2-15]; 0x95 Packet too large, section 3.1.2.11.4).
#[test]
fn framer_refuses_oversize_packet_at_its_fixed_header() {
    let header = cat(&[&[0x30], &varint(10_000_000)]);
    assert_eq!(header, [0x30, 0x80, 0xAD, 0xE2, 0x04]);
    let too_large = Error::PacketTooLarge {
        size: 10_000_005,
        max: 1024,
    };
    let mut framer = Framer::new(V5, 1024);
    assert_eq!(framer.push(&header), Err(too_large.clone()));
    assert!(framer.buffered() <= header.len(), "{}", framer.buffered());
    assert_eq!(framer.error(), Some(&too_large));
    assert!(framer.next_packet().is_none());
    // Later bytes (the body, or anything else) are refused with the same error.
    for _ in 0..3 {
        assert_eq!(framer.push(&[0u8; 4096]), Err(too_large.clone()));
        assert!(framer.buffered() <= header.len());
    }
    assert_eq!(framer.push(&[0xD0, 0x00]), Err(too_large.clone()));
    assert!(framer.next_packet().is_none());
    assert_eq!(too_large.reason_code(), 0x95);

    // The same when the header arrives a byte at a time.
    let mut framer = Framer::new(V5, 1024);
    for &b in &header[..header.len() - 1] {
        assert_eq!(framer.push(&[b]), Ok(()));
    }
    assert_eq!(
        framer.push(&header[header.len() - 1..]),
        Err(too_large.clone())
    );
    assert!(framer.buffered() <= header.len());

    // Whole packets before the oversize one are still handed out.
    let mut framer = Framer::new(V4, 1024);
    assert_eq!(
        framer.push(&cat(&[&[0xD0, 0x00], &header])),
        Err(too_large.clone())
    );
    assert_eq!(framer.next_packet(), Some(Ok(Packet::PingResp)));
    assert!(framer.next_packet().is_none());
    assert_eq!(framer.buffered(), 0);

    // reset() forgets the failure (a new connection).
    framer.reset();
    assert!(framer.error().is_none());
    framer.push(&[0xD0, 0x00]).unwrap();
    assert_eq!(framer.next_packet(), Some(Ok(Packet::PingResp)));
}

/// The maximum counts the whole packet, fixed header included (MQTT 5 3.1.2.11.4).
#[test]
fn framer_maximum_counts_the_whole_packet() {
    // PUBLISH "t": 1 + 2 (remaining length 1021) + 1021 = 1024 bytes
    let at_max = encode(
        &Packet::Publish(Publish {
            payload: vec![0; 1018].into(),
            ..publish("t")
        }),
        V4,
    );
    assert_eq!(at_max.len(), 1024);
    let mut framer = Framer::new(V4, 1024);
    framer.push(&at_max).unwrap();
    assert!(matches!(framer.next_packet(), Some(Ok(Packet::Publish(_)))));
    let over = encode(
        &Packet::Publish(Publish {
            payload: vec![0; 1019].into(),
            ..publish("t")
        }),
        V4,
    );
    assert_eq!(
        framer.push(&over),
        Err(Error::PacketTooLarge {
            size: 1025,
            max: 1024
        })
    );
}

/// A malformed body is returned as an error and skipped; the packets after it come out.
#[test]
fn framer_skips_just_the_malformed_packet() {
    for v in [V4, V5] {
        let stream = cat(&[
            &[0x40, 0x02, 0x00, 0x00],             // PUBACK with packet id 0
            &[0x41, 0x02, 0x00, 0x01],             // PUBACK with reserved flags 0001
            &[0x30, 0x04, 0x00, 0x02, 0xFF, 0xFE], // PUBLISH with an ill-formed topic
            &[0xC0, 0x01, 0x00],                   // PINGREQ with a body
            &[0x20, 0x02, 0x04, 0x00],             // CONNACK with a reserved flag (v4 shape)
            &[0xD0, 0x00],                         // PINGRESP
        ]);
        for chunk in [1, 3, stream.len()] {
            let mut framer = Framer::new(v, 1024);
            let mut got = Vec::new();
            for piece in stream.chunks(chunk) {
                framer.push(piece).unwrap();
                while let Some(r) = framer.next_packet() {
                    got.push(r.map(Packet::into_owned));
                }
            }
            assert_eq!(
                got,
                vec![
                    Err(Error::ZeroPacketId),
                    Err(Error::InvalidHeaderFlags {
                        packet: PacketType::PubAck,
                        flags: 1
                    }),
                    Err(Error::InvalidUtf8 {
                        field: "topic name"
                    }),
                    Err(Error::TrailingBytes {
                        packet: PacketType::PingReq,
                        count: 1
                    }),
                    Err(Error::InvalidConnAckFlags(0x04)),
                    Ok(Packet::PingResp),
                ],
                "{v}, chunks of {chunk}"
            );
            assert!(framer.error().is_none());
            assert_eq!(framer.buffered(), 0);
        }
    }
    // AUTH in 3.1.1 is refused with the packet, like any malformed body.
    let mut framer = Framer::new(V4, 1024);
    framer.push(&[0xF0, 0x00, 0xD0, 0x00]).unwrap();
    assert_eq!(
        framer.next_packet(),
        Some(Err(Error::InvalidPacketType(15)))
    );
    assert_eq!(framer.next_packet(), Some(Ok(Packet::PingResp)));
}

/// A malformed fixed header cannot be skipped (its length is unknown): the framer fails.
#[test]
fn framer_fails_on_a_malformed_fixed_header() {
    for (bytes, err) in [
        (&[0x00, 0x00][..], Error::InvalidPacketType(0)),
        (
            &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
            Error::MalformedVarInt,
        ),
        (&[0xC0, 0x80, 0x00], Error::NonMinimalVarInt),
    ] {
        let mut framer = Framer::new(V5, MAX_PACKET_SIZE);
        framer.push(&[0xD0, 0x00]).unwrap();
        assert_eq!(framer.push(bytes), Err(err.clone()));
        assert_eq!(framer.error(), Some(&err));
        assert_eq!(framer.push(&[0xD0, 0x00]), Err(err.clone()));
        // The packet before is still there, nothing after.
        assert_eq!(framer.next_packet(), Some(Ok(Packet::PingResp)));
        assert!(framer.next_packet().is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// Error values
// ---------------------------------------------------------------------------------------------

/// The reason code a receiver sends for a few malformed packets (section 4.13; 1.5.4 and
/// 2.1.3 for malformed, the property sections for protocol errors, 3.1.2.11.4 for 0x95).
#[test]
fn error_reason_codes_malformed_0x81_protocol_error_0x82_too_large_0x95() {
    let malformed = [
        decode_err(&[0xC0, 0x80, 0x00], V4), // non-minimal varint
        decode_err(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], V4), // 5-byte varint
        decode_err(&raw_publish(V4, &[0xED, 0xA0, 0x80]), V4), // surrogate
        decode_err(&raw_publish(V4, b"a\0"), V4), // U+0000
        decode_err(&[0x63, 0x02, 0x00, 0x01], V4), // PUBREL flags 0011
        decode_err(&[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01], V4), // QoS 3
        decode_err(&raw_subscribe(V5, b"a", 0x40), V5), // reserved option bit
        decode_err(&[0xC0, 0x01, 0x00], V4), // trailing byte
        decode_err(&[0x30, 0x02, 0x00, 0x05], V4), // cut topic
        decode_err(&raw_connect(b"MQTT", 5, 0x03, &lp("c")), V5), // CONNECT reserved flag
        decode_err(&raw_connect(b"MQTT", 5, 0x1E, &lp("c")), V5), // will QoS 3
        decode_err(
            &v5_packet_with_raw_props(PUBLISH_CTX, &[0x04, 0x00]), // unknown property
            V5,
        ),
    ];
    for e in malformed {
        assert_eq!(e.reason_code(), 0x81, "{e:?}");
    }
    let protocol_errors = [
        decode_err(
            &v5_packet_with_raw_props(CONNECT_CTX, &[0x21, 0x00, 0x01, 0x21, 0x00, 0x01]),
            V5,
        ), // duplicate property
        decode_err(
            &v5_packet_with_raw_props(CONNECT_CTX, &[0x21, 0x00, 0x00]),
            V5,
        ), // Receive Maximum 0
        decode_err(&v5_packet_with_raw_props(CONNACK_CTX, &[0x24, 0x02]), V5), // Maximum QoS 2
        decode_err(&v5_packet_with_raw_props(SUBSCRIBE_CTX, &[0x0B, 0x00]), V5), // Subscription Identifier 0
        decode_err(&raw_subscribe(V5, b"$share/g/a", 0x04), V5), // No Local on a shared subscription
        decode_err(&[0x82, 0x03, 0x00, 0x01, 0x00], V5),         // empty SUBSCRIBE
        decode_err(&[0xA2, 0x03, 0x00, 0x01, 0x00], V5),         // empty UNSUBSCRIBE
    ];
    for e in protocol_errors {
        assert_eq!(e.reason_code(), 0x82, "{e:?}");
    }
    assert_eq!(
        Error::PacketTooLarge {
            size: 2000,
            max: 1000
        }
        .reason_code(),
        0x95
    );
}

/// Section 2.2.2.2: "A Control Packet which contains an Identifier which is not valid for its
/// packet type, or contains a value not of the specified data type, is a Malformed Packet.
/// If received, use a CONNACK or DISCONNECT packet with Reason Code 0x81 (Malformed Packet)".
#[test]
fn property_not_allowed_in_packet_is_malformed_0x81_section_2_2_2_2() {
    let e = decode_err(
        &v5_packet_with_raw_props(CONNECT_CTX, &[0x23, 0x00, 0x01]), // Topic Alias in CONNECT
        V5,
    );
    assert!(matches!(e, Error::PropertyNotAllowed { .. }), "{e:?}");
    assert_eq!(e.reason_code(), 0x81, "{e}");
}

/// MQTT 5 section 3.8.3.1: "It is a Protocol Error to send a Retain Handling value of 3."
#[test]
fn retain_handling_3_is_protocol_error_0x82_section_3_8_3_1() {
    let e = decode_err(&raw_subscribe(V5, b"a", 0x30), V5);
    assert_eq!(e, Error::InvalidSubscriptionOptions(0x30));
    assert_eq!(e.reason_code(), 0x82, "{e}");
}

/// MQTT 5 section 3.8.3.1: "It is a Protocol Error if the Maximum QoS field has the value 3."
#[test]
fn subscription_maximum_qos_3_is_protocol_error_0x82_section_3_8_3_1() {
    let e = decode_err(&raw_subscribe(V5, b"a", 0x03), V5);
    assert_eq!(e, Error::InvalidSubscriptionOptions(0x03));
    assert_eq!(e.reason_code(), 0x82, "{e}");
}

/// Every error has a message, naming the field or value at fault.
#[test]
fn every_error_display_is_non_empty_and_names_its_field() {
    use PacketType as T;
    let cases: Vec<(Error, Vec<&str>)> = vec![
        (
            Error::UnexpectedEnd {
                field: "client identifier",
            },
            vec!["client identifier"],
        ),
        (
            Error::TrailingBytes {
                packet: T::PingReq,
                count: 3,
            },
            vec!["PINGREQ", "3"],
        ),
        (Error::InvalidPacketType(0), vec!["packet type", "0"]),
        (
            Error::InvalidHeaderFlags {
                packet: T::PubRel,
                flags: 0b0011,
            },
            vec!["PUBREL", "0b0011"],
        ),
        (Error::MalformedVarInt, vec!["variable byte integer"]),
        (Error::NonMinimalVarInt, vec!["variable byte integer"]),
        (
            Error::PacketTooLarge {
                size: 10_000_005,
                max: 1024,
            },
            vec!["10000005", "1024"],
        ),
        (
            Error::InvalidUtf8 {
                field: "topic name",
            },
            vec!["topic name", "UTF-8"],
        ),
        (
            Error::NullCharacter { field: "user name" },
            vec!["user name", "null"],
        ),
        (
            Error::FieldTooLong {
                field: "password",
                len: 65_536,
            },
            vec!["password", "65536"],
        ),
        (
            Error::RemainingLengthTooLarge(268_435_456),
            vec!["remaining length", "268435456"],
        ),
        (Error::InvalidQoS(3), vec!["QoS", "3"]),
        (Error::DupWithQoS0, vec!["DUP", "QoS 0"]),
        (Error::ZeroPacketId, vec!["packet identifier"]),
        (Error::InvalidProtocolName, vec!["protocol name"]),
        (
            Error::UnsupportedProtocolVersion(6),
            vec!["protocol level", "6"],
        ),
        (
            Error::InvalidConnectFlags("will QoS set without a will [MQTT-3.1.2-11]"),
            vec![
                "CONNECT flags",
                "will QoS set without a will [MQTT-3.1.2-11]",
            ],
        ),
        (
            Error::InvalidConnAckFlags(0x02),
            vec!["CONNACK", "0b00000010"],
        ),
        (Error::SessionPresentWithError, vec!["Session Present"]),
        (Error::UnknownProperty(0x04), vec!["property", "0x04"]),
        (
            Error::PropertyNotAllowed {
                property: PropertyId::TopicAlias,
                context: "CONNECT",
            },
            vec!["Topic Alias", "CONNECT"],
        ),
        (
            Error::DuplicateProperty(PropertyId::ReceiveMaximum),
            vec!["Receive Maximum"],
        ),
        (
            Error::InvalidPropertyValue {
                property: PropertyId::TopicAlias,
                value: 0,
            },
            vec!["Topic Alias", "0"],
        ),
        (
            Error::InvalidReasonCode {
                packet: T::PubAck,
                code: 0x92,
            },
            vec!["PUBACK", "0x92"],
        ),
        (Error::WildcardInTopicName, vec!["topic name", "wildcard"]),
        (Error::EmptyTopic, vec!["topic"]),
        (
            Error::InvalidTopicFilter("'#' must be the whole last level"),
            vec!["topic filter", "'#' must be the whole last level"],
        ),
        (
            Error::NoLocalOnSharedSubscription,
            vec!["No Local", "shared"],
        ),
        (
            Error::InvalidSubscriptionOptions(0xC0),
            vec!["subscription options", "0b11000000"],
        ),
        (Error::EmptySubscribe, vec!["SUBSCRIBE"]),
        (Error::EmptyUnsubscribe, vec!["UNSUBSCRIBE"]),
        (Error::EmptyAckList, vec!["reason codes"]),
        (
            Error::NotInVersion {
                what: "AUTH",
                version: V4,
            },
            vec!["AUTH", "MQTT 3.1.1"],
        ),
        (
            Error::BufferTooSmall {
                needed: 10,
                available: 4,
            },
            vec!["10", "4"],
        ),
    ];
    // One case per variant of the enum (34 today).
    assert_eq!(cases.len(), 34);
    for (e, needles) in &cases {
        let text = e.to_string();
        assert!(!text.trim().is_empty(), "{e:?}");
        for n in needles {
            assert!(text.contains(n), "{e:?} displays {text:?}, without {n:?}");
        }
        let _: &dyn std::error::Error = e;
        assert!(matches!(e.reason_code(), 0x81 | 0x82 | 0x95), "{e:?}");
    }
    // Errors from real decoding name their field too.
    let e = decode_err(&raw_publish(V4, &[0xFF]), V4);
    assert!(e.to_string().contains("topic name"), "{e}");
    let e = decode_err(&[0x40, 0x04, 0x00, 0x01, 0x00, 0x05], V5);
    assert!(e.to_string().contains("properties"), "{e}");
}

/// Sanity check of the helpers: a truncated field reports `UnexpectedEnd`.
#[test]
fn helpers_frame_and_cut_as_expected() {
    let bytes = frame(0x30, &cat(&[&lp("a/b"), b"x"]));
    assert_eq!(bytes, [0x30, 0x06, 0x00, 0x03, b'a', b'/', b'b', b'x']);
    let cut = frame(0x30, &[0x00, 0x03, b'a']);
    assert!(is_unexpected_end(&decode_err(&cut, V4)));
}

/// A client reads only what servers send: CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ are
/// refused by `next_server_packet` (their bodies not decoded), accepted by `next_packet`.
#[test]
fn next_server_packet_refuses_the_packets_only_clients_send() {
    let client_only: [(&[u8], PacketType); 4] = [
        (&[0xC0, 0x00], PacketType::PingReq),
        (&[0x82, 0x06, 0, 1, 0, 1, b't', 0], PacketType::Subscribe),
        (&[0xA2, 0x05, 0, 1, 0, 1, b't'], PacketType::Unsubscribe),
        (
            &[
                0x10, 0x0D, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'c',
            ],
            PacketType::Connect,
        ),
    ];
    for (bytes, t) in client_only {
        let mut framer = Framer::new(ProtocolVersion::V3_1_1, 1024);
        framer.push(bytes).unwrap();
        assert_eq!(
            framer.next_server_packet().unwrap(),
            Err(Error::NotSentByServer(t))
        );
        let mut framer = Framer::new(ProtocolVersion::V3_1_1, 1024);
        framer.push(bytes).unwrap();
        assert_eq!(framer.next_packet().unwrap().unwrap().packet_type(), t);
    }
    // What servers send reads the same either way.
    let mut framer = Framer::new(ProtocolVersion::V3_1_1, 1024);
    framer.push(&[0xD0, 0x00, 0x40, 0x02, 0, 7]).unwrap();
    assert_eq!(framer.next_server_packet().unwrap(), Ok(Packet::PingResp));
    assert_eq!(
        framer.next_server_packet().unwrap().unwrap().packet_type(),
        PacketType::PubAck
    );
    assert!(framer.next_server_packet().is_none());
}

/// A client writes only what clients send: `encode_client_to_vec` refuses CONNACK, SUBACK,
/// UNSUBACK and PINGRESP (writing nothing), and encodes the rest as `encode_to_vec` does.
#[test]
fn encode_client_to_vec_refuses_the_packets_only_servers_send() {
    let v = ProtocolVersion::V3_1_1;
    for (packet, t) in [
        (Packet::PingResp, PacketType::PingResp),
        (
            Packet::ConnAck(ConnAck {
                session_present: false,
                reason_code: ReasonCode::Success,
                properties: Properties::default(),
            }),
            PacketType::ConnAck,
        ),
    ] {
        let mut out = vec![9];
        assert_eq!(
            packet.encode_client_to_vec(v, &mut out),
            Err(Error::NotSentByClient(t))
        );
        assert_eq!(out, [9], "nothing written");
        assert!(packet.encode_to_vec(v, &mut Vec::new()).is_ok());
    }
    let (mut client, mut any) = (Vec::new(), Vec::new());
    Packet::PingReq
        .encode_client_to_vec(v, &mut client)
        .unwrap();
    Packet::PingReq.encode_to_vec(v, &mut any).unwrap();
    assert_eq!(client, any);
    assert_eq!(client, [0xC0, 0x00]);
}
