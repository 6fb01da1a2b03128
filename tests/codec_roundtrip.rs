//! Encode → decode identity for every packet type in every version it exists in, from the
//! smallest packets to maximal ones (every property the packet allows, large payloads,
//! remaining lengths at each variable byte integer boundary), plus `into_owned`, incremental
//! decoding, the framer, and encoding into buffers that are too small.

mod common;

use std::borrow::Cow;
use std::collections::HashSet;

use common::*;
use wasmqtt::codec::*;

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

fn connect(protocol: ProtocolVersion) -> Connect<'static> {
    Connect {
        protocol,
        clean_start: true,
        keep_alive: 30,
        properties: Properties::default(),
        client_id: "wasmqtt-client".into(),
        will: Some(Will {
            properties: Properties::default(),
            topic: "clients/wasmqtt/status".into(),
            payload: b"offline".as_slice().into(),
            qos: QoS::ExactlyOnce,
            retain: true,
        }),
        username: Some("user".into()),
        password: Some(vec![0x00, 0xFF, 0x10].into()),
    }
}

/// A range of packets of every type `version` has, minimal and full.
fn packets(version: ProtocolVersion) -> Vec<Packet<'static>> {
    let v5 = version.is_v5();
    let mut out = Vec::new();

    // CONNECT: minimal, with will and credentials, and (v5) every property.
    out.push(Packet::Connect(Box::new(Connect {
        protocol: version,
        clean_start: true,
        keep_alive: 0,
        properties: Properties::default(),
        client_id: "".into(),
        will: None,
        username: None,
        password: None,
    })));
    out.push(Packet::Connect(Box::new(connect(version))));
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce] {
        let mut c = connect(version);
        c.clean_start = false;
        let w = c.will.as_mut().unwrap();
        w.qos = qos;
        w.retain = false;
        c.password = None;
        out.push(Packet::Connect(Box::new(c)));
    }
    if v5 {
        let mut c = connect(version);
        c.properties = full_properties(PropertyContext::Packet(PacketType::Connect));
        c.will.as_mut().unwrap().properties = full_properties(PropertyContext::Will);
        out.push(Packet::Connect(Box::new(c)));
        // MQTT 5 allows a password without a user name.
        let mut c = connect(version);
        c.username = None;
        out.push(Packet::Connect(Box::new(c)));
    }

    // CONNACK
    for (sp, rc) in [
        (false, ReasonCode::Success),
        (true, ReasonCode::Success),
        (false, ReasonCode::UnsupportedProtocolVersion),
        (false, ReasonCode::ClientIdentifierNotValid),
        (false, ReasonCode::ServerUnavailable),
        (false, ReasonCode::BadUserNameOrPassword),
        (false, ReasonCode::NotAuthorized),
    ] {
        out.push(Packet::ConnAck(ConnAck {
            session_present: sp,
            reason_code: rc,
            properties: Properties::default(),
        }));
    }

    // PUBLISH: each QoS, DUP and RETAIN, empty and binary payloads.
    let all_bytes: Vec<u8> = (0..=255).collect();
    for (dup, qos_pid, retain) in [
        (false, QosPid::AtMostOnce, false),
        (false, QosPid::AtMostOnce, true),
        (false, QosPid::AtLeastOnce(pid(1)), false),
        (true, QosPid::AtLeastOnce(pid(65535)), true),
        (false, QosPid::ExactlyOnce(pid(256)), false),
        (true, QosPid::ExactlyOnce(pid(2)), true),
    ] {
        out.push(Packet::Publish(Publish {
            dup,
            qos_pid,
            retain,
            topic: "sport/tennis/player1/ünïcödé".into(),
            properties: Properties::default(),
            payload: all_bytes.clone().into(),
        }));
    }
    out.push(Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: false,
        topic: "/".into(),
        properties: Properties::default(),
        payload: Cow::Borrowed(b""),
    }));

    // PUBACK, PUBREC, PUBREL, PUBCOMP
    for id in [1, 0x1234, 65535] {
        out.push(Packet::PubAck(Ack::new(pid(id))));
        out.push(Packet::PubRec(Ack::new(pid(id))));
        out.push(Packet::PubRel(Ack::new(pid(id))));
        out.push(Packet::PubComp(Ack::new(pid(id))));
    }

    // SUBSCRIBE
    out.push(Packet::Subscribe(Subscribe {
        pid: pid(10),
        properties: Properties::default(),
        filters: vec![
            SubscribeFilter {
                filter: "#".into(),
                options: SubscriptionOptions::qos(QoS::AtMostOnce),
            },
            SubscribeFilter {
                filter: "+/+/+".into(),
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            },
            SubscribeFilter {
                filter: "sport/tennis/#".into(),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            },
            SubscribeFilter {
                filter: "$SYS/#".into(),
                options: SubscriptionOptions::qos(QoS::AtMostOnce),
            },
        ],
    }));

    // SUBACK
    out.push(Packet::SubAck(SubAck {
        pid: pid(10),
        properties: Properties::default(),
        reason_codes: vec![
            ReasonCode::Success,
            ReasonCode::GrantedQoS1,
            ReasonCode::GrantedQoS2,
            ReasonCode::UnspecifiedError,
        ],
    }));

    // UNSUBSCRIBE
    out.push(Packet::Unsubscribe(Unsubscribe {
        pid: pid(11),
        properties: Properties::default(),
        filters: vec!["#".into(), "a/+".into(), "$share/g/a/b".into()],
    }));

    // UNSUBACK
    out.push(Packet::UnsubAck(UnsubAck {
        pid: pid(11),
        properties: Properties::default(),
        reason_codes: if v5 {
            vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted]
        } else {
            vec![]
        },
    }));

    out.push(Packet::PingReq);
    out.push(Packet::PingResp);
    out.push(Packet::Disconnect(Disconnect::default()));

    if v5 {
        // Every context with every property it allows.
        for ctx in PROPERTY_CONTEXTS {
            out.push(v5_packet_with(ctx, full_properties(ctx)));
        }
        // SUBSCRIBE with every combination of options.
        let mut filters = Vec::new();
        for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
            for no_local in [false, true] {
                for retain_as_published in [false, true] {
                    for retain_handling in [
                        RetainHandling::SendAtSubscribe,
                        RetainHandling::SendIfNewSubscription,
                        RetainHandling::DoNotSend,
                    ] {
                        filters.push(SubscribeFilter {
                            filter: format!("f/{}", filters.len()).into(),
                            options: SubscriptionOptions {
                                qos,
                                no_local,
                                retain_as_published,
                                retain_handling,
                            },
                        });
                    }
                }
            }
        }
        // A shared subscription, without No Local.
        filters.push(SubscribeFilter {
            filter: "$share/consumers/sensors/+/temperature".into(),
            options: SubscriptionOptions {
                qos: QoS::AtLeastOnce,
                no_local: false,
                retain_as_published: true,
                retain_handling: RetainHandling::DoNotSend,
            },
        });
        out.push(Packet::Subscribe(Subscribe {
            pid: pid(12),
            properties: Properties {
                subscription_identifiers: vec![MAX_VAR_INT],
                ..Default::default()
            },
            filters,
        }));
        // AUTH
        out.push(Packet::Auth(Auth::default()));
        // PUBLISH with an empty topic and a topic alias
        out.push(Packet::Publish(Publish {
            dup: false,
            qos_pid: QosPid::ExactlyOnce(pid(3)),
            retain: false,
            topic: "".into(),
            properties: Properties {
                topic_alias: Some(1),
                ..Default::default()
            },
            payload: b"aliased".as_slice().into(),
        }));
    }
    out
}

/// Every reason code each packet type allows, in MQTT 5.
fn v5_reason_code_packets() -> Vec<Packet<'static>> {
    let mut out = Vec::new();
    for code in 0..=u8::MAX {
        let Some(rc) = ReasonCode::from_u8(code) else {
            continue;
        };
        let ack = Ack {
            pid: pid(5),
            reason_code: rc,
            properties: Properties::default(),
        };
        use PacketType as T;
        for t in [
            T::ConnAck,
            T::PubAck,
            T::PubRec,
            T::PubRel,
            T::PubComp,
            T::SubAck,
            T::UnsubAck,
            T::Disconnect,
            T::Auth,
        ] {
            if !rc.allowed_in(t) {
                continue;
            }
            out.push(match t {
                T::ConnAck => Packet::ConnAck(ConnAck {
                    session_present: false,
                    reason_code: rc,
                    properties: Properties::default(),
                }),
                T::PubAck => Packet::PubAck(ack.clone()),
                T::PubRec => Packet::PubRec(ack.clone()),
                T::PubRel => Packet::PubRel(ack.clone()),
                T::PubComp => Packet::PubComp(ack.clone()),
                T::SubAck => Packet::SubAck(SubAck {
                    pid: pid(5),
                    properties: Properties::default(),
                    reason_codes: vec![rc, rc],
                }),
                T::UnsubAck => Packet::UnsubAck(UnsubAck {
                    pid: pid(5),
                    properties: Properties::default(),
                    reason_codes: vec![rc],
                }),
                T::Disconnect => Packet::Disconnect(Disconnect {
                    reason_code: rc,
                    properties: Properties::default(),
                }),
                _ => Packet::Auth(Auth {
                    reason_code: rc,
                    properties: Properties::default(),
                }),
            });
        }
    }
    out
}

fn publish_with_payload(qos_pid: QosPid, payload: Vec<u8>) -> Packet<'static> {
    Packet::Publish(Publish {
        dup: false,
        qos_pid,
        retain: false,
        topic: "t".into(),
        properties: Properties::default(),
        payload: payload.into(),
    })
}

// ---------------------------------------------------------------------------------------------
// Encode → decode identity
// ---------------------------------------------------------------------------------------------

#[test]
fn every_packet_type_roundtrips_in_every_version() {
    for v in VERSIONS {
        let packets = packets(v);
        let mut types = HashSet::new();
        for p in &packets {
            roundtrip(p, v);
            types.insert(p.packet_type());
        }
        // AUTH exists in MQTT 5 only.
        let expected = if v.is_v5() { 15 } else { 14 };
        assert_eq!(types.len(), expected, "packet types covered in {v}");
    }
}

#[test]
fn every_v5_reason_code_roundtrips_in_every_packet_allowing_it() {
    let packets = v5_reason_code_packets();
    // 43 codes, and more than one packet for many of them.
    assert!(packets.len() > 43);
    for p in &packets {
        roundtrip(p, V5);
    }
}

/// Each packet with every property its context allows (the table of
/// [`PropertyId::allowed_in`]), and each property on its own in every context allowing it.
#[test]
fn every_property_roundtrips_in_every_context_allowing_it() {
    let mut exercised = HashSet::new();
    for ctx in PROPERTY_CONTEXTS {
        let full = full_properties(ctx);
        assert!(!full.is_empty());
        roundtrip(&v5_packet_with(ctx, full), V5);
        for id in ALL_PROPERTY_IDS.into_iter().filter(|id| id.allowed_in(ctx)) {
            let mut single = Properties::default();
            set_property(&mut single, id);
            assert!(!single.is_empty(), "{} sets nothing", id.name());
            let bytes = roundtrip(&v5_packet_with(ctx, single), V5);
            // The identifier is on the wire.
            assert!(bytes.contains(&(id as u8)), "{} not encoded", id.name());
            exercised.insert(id);
        }
    }
    assert_eq!(exercised.len(), 27, "every property exercised");
}

/// User properties keep their order, duplicates included [MQTT-3.3.2-18] [MQTT-3.3.2-17].
#[test]
fn user_properties_keep_their_order() {
    let pairs: Vec<(Cow<'static, str>, Cow<'static, str>)> = vec![
        ("z".into(), "1".into()),
        ("a".into(), "2".into()),
        ("z".into(), "3".into()),
        ("a".into(), "2".into()),
        ("m".into(), "".into()),
    ];
    for ctx in PROPERTY_CONTEXTS {
        let packet = v5_packet_with(
            ctx,
            Properties {
                user_properties: pairs.clone(),
                ..Default::default()
            },
        );
        let bytes = roundtrip(&packet, V5);
        let decoded = decode_whole(&bytes, V5).unwrap();
        assert_eq!(properties_of(&decoded, ctx).user_properties, pairs);
    }
    // The order on the wire is the order given.
    let bytes = encode(
        &v5_packet_with(
            PropertyContext::Packet(PacketType::Disconnect),
            Properties {
                user_properties: pairs.clone(),
                ..Default::default()
            },
        ),
        V5,
    );
    let mut expected_props = Vec::new();
    for (k, v) in &pairs {
        expected_props.extend(cat(&[&[0x26], &lp(k.as_bytes()), &lp(v.as_bytes())]));
    }
    assert_eq!(
        bytes,
        frame(0xE0, &cat(&[&[0x00], &props(&expected_props)]))
    );
}

/// Several Subscription Identifiers in one PUBLISH (3.3.2.3.8), in order.
#[test]
fn publish_with_several_subscription_identifiers() {
    let ids = vec![
        1,
        127,
        128,
        16_383,
        16_384,
        2_097_151,
        2_097_152,
        MAX_VAR_INT,
        5,
        5,
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: false,
        topic: "t".into(),
        properties: Properties {
            subscription_identifiers: ids.clone(),
            ..Default::default()
        },
        payload: b"".as_slice().into(),
    });
    let bytes = roundtrip(&packet, V5);
    match decode_whole(&bytes, V5).unwrap() {
        Packet::Publish(p) => assert_eq!(p.properties.subscription_identifiers, ids),
        other => panic!("{other:?}"),
    }
}

#[test]
fn publish_64_kib_payload() {
    let payload: Vec<u8> = (0..65_536u32).map(|i| (i % 251) as u8).collect();
    for v in VERSIONS {
        let packet = publish_with_payload(QosPid::AtLeastOnce(pid(1)), payload.clone());
        let bytes = roundtrip(&packet, v);
        let extra = if v.is_v5() { 1 } else { 0 };
        // topic (3) + packet id (2) + property length (v5) + payload
        let rl = 3 + 2 + extra + 65_536;
        assert_eq!(bytes.len(), 1 + var_int_len(rl as u32) + rl);
        assert_eq!(&bytes[1..4], varint(rl as u32).as_slice());
    }
    // Binary data fields hold 65,535 bytes at most: the largest ones roundtrip.
    let max = vec![0xA5u8; 65_535];
    let mut c = connect(V5);
    c.password = Some(max.clone().into());
    c.will.as_mut().unwrap().payload = max.clone().into();
    c.client_id = "x".repeat(65_535).into();
    c.will.as_mut().unwrap().properties.correlation_data = Some(max.clone().into());
    roundtrip(&Packet::Connect(Box::new(c)), V5);
}

#[test]
fn publish_1_mib_payload() {
    let payload: Vec<u8> = (0..1_048_576u32).map(|i| (i * 7 % 256) as u8).collect();
    for v in VERSIONS {
        let packet = publish_with_payload(QosPid::ExactlyOnce(pid(2)), payload.clone());
        roundtrip(&packet, v);
    }
}

/// Remaining lengths on each side of each variable byte integer boundary (section 1.5.5).
#[test]
fn remaining_length_at_each_var_int_boundary() {
    for (rl, header) in [
        (127u32, &[0x7F][..]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xFF, 0x7F]),
        (16_384, &[0x80, 0x80, 0x01]),
        (2_097_151, &[0xFF, 0xFF, 0x7F]),
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
    ] {
        for v in VERSIONS {
            // topic "t" (3 bytes), property length 0 in v5 (1 byte), the payload the rest.
            let overhead = if v.is_v5() { 4 } else { 3 };
            let packet =
                publish_with_payload(QosPid::AtMostOnce, vec![0x42; rl as usize - overhead]);
            let bytes = roundtrip(&packet, v);
            assert_eq!(bytes[0], 0x30);
            assert_eq!(
                &bytes[1..1 + header.len()],
                header,
                "remaining length {rl} in {v}"
            );
            assert_eq!(bytes.len(), 1 + header.len() + rl as usize);
            assert_eq!(packet.encoded_len(v), Ok(bytes.len()));
        }
    }
}

/// Property lengths on each side of the first two variable byte integer boundaries.
#[test]
fn property_length_at_var_int_boundaries() {
    for (len, prefix) in [
        (127u32, &[0x7F][..]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xFF, 0x7F]),
        (16_384, &[0x80, 0x80, 0x01]),
    ] {
        // One user property ("k", value): 1 + 3 + 2 + value bytes.
        let value = "v".repeat(len as usize - 6);
        let packet = v5_packet_with(
            PropertyContext::Packet(PacketType::PubAck),
            Properties {
                user_properties: vec![("k".into(), value.into())],
                ..Default::default()
            },
        );
        let bytes = roundtrip(&packet, V5);
        // fixed header, packet id (2), reason code (1), then the property length
        let header = FixedHeader::parse(&bytes).unwrap().unwrap();
        let at = header.header_len + 3;
        assert_eq!(
            &bytes[at..at + prefix.len()],
            prefix,
            "property length {len}"
        );
        assert_eq!(
            bytes.len(),
            header.header_len + 3 + prefix.len() + len as usize
        );
    }
}

// ---------------------------------------------------------------------------------------------
// into_owned
// ---------------------------------------------------------------------------------------------

/// Decodes from a buffer that is dropped before the packet is returned.
fn decode_owned(bytes: Vec<u8>, version: ProtocolVersion) -> Packet<'static> {
    let packet = decode_whole(&bytes, version).unwrap();
    let owned = packet.into_owned();
    drop(bytes);
    owned
}

fn is_borrowed_anywhere(p: &Packet<'_>) -> bool {
    fn props_borrowed(p: &Properties<'_>) -> bool {
        let s = |c: &Option<Cow<'_, str>>| matches!(c, Some(Cow::Borrowed(_)));
        matches!(p.correlation_data, Some(Cow::Borrowed(_)))
            || matches!(p.authentication_data, Some(Cow::Borrowed(_)))
            || s(&p.content_type)
            || s(&p.response_topic)
            || s(&p.assigned_client_identifier)
            || s(&p.authentication_method)
            || s(&p.response_information)
            || s(&p.server_reference)
            || s(&p.reason_string)
            || p.user_properties
                .iter()
                .any(|(k, v)| matches!(k, Cow::Borrowed(_)) || matches!(v, Cow::Borrowed(_)))
    }
    match p {
        Packet::Connect(c) => {
            matches!(c.client_id, Cow::Borrowed(_))
                || matches!(c.username, Some(Cow::Borrowed(_)))
                || matches!(c.password, Some(Cow::Borrowed(_)))
                || props_borrowed(&c.properties)
                || c.will.as_ref().is_some_and(|w| {
                    matches!(w.topic, Cow::Borrowed(_))
                        || matches!(w.payload, Cow::Borrowed(_))
                        || props_borrowed(&w.properties)
                })
        }
        Packet::Publish(x) => {
            matches!(x.topic, Cow::Borrowed(_))
                || matches!(x.payload, Cow::Borrowed(_))
                || props_borrowed(&x.properties)
        }
        Packet::Subscribe(x) => {
            props_borrowed(&x.properties)
                || x.filters
                    .iter()
                    .any(|f| matches!(f.filter, Cow::Borrowed(_)))
        }
        Packet::Unsubscribe(x) => {
            props_borrowed(&x.properties) || x.filters.iter().any(|f| matches!(f, Cow::Borrowed(_)))
        }
        Packet::ConnAck(x) => props_borrowed(&x.properties),
        Packet::PubAck(x) | Packet::PubRec(x) | Packet::PubRel(x) | Packet::PubComp(x) => {
            props_borrowed(&x.properties)
        }
        Packet::SubAck(x) => props_borrowed(&x.properties),
        Packet::UnsubAck(x) => props_borrowed(&x.properties),
        Packet::Disconnect(x) => props_borrowed(&x.properties),
        Packet::Auth(x) => props_borrowed(&x.properties),
        Packet::PingReq | Packet::PingResp => false,
    }
}

#[test]
fn into_owned_gives_an_equal_packet_that_outlives_its_buffer() {
    for v in VERSIONS {
        let mut kept: Vec<(Packet<'static>, Packet<'static>)> = Vec::new();
        for p in packets(v) {
            let bytes = encode(&p, v);
            let owned = decode_owned(bytes, v);
            assert!(!is_borrowed_anywhere(&owned), "{owned:?} still borrows");
            kept.push((p, owned));
        }
        // Buffers are gone; the packets are intact, and encode as before.
        for (original, owned) in &kept {
            assert_eq!(owned, original);
            assert_eq!(encode(owned, v), encode(original, v));
        }
    }
}

#[test]
fn decoded_packets_borrow_from_the_input() {
    let bytes = encode(
        &v5_packet_with(
            PropertyContext::Packet(PacketType::Publish),
            full_properties(PropertyContext::Packet(PacketType::Publish)),
        ),
        V5,
    );
    let decoded = decode_whole(&bytes, V5).unwrap();
    match &decoded {
        Packet::Publish(p) => {
            let Cow::Borrowed(topic) = &p.topic else {
                panic!("topic copied")
            };
            let Cow::Borrowed(payload) = &p.payload else {
                panic!("payload copied")
            };
            let range = bytes.as_ptr_range();
            assert!(range.contains(&topic.as_ptr()));
            assert!(range.contains(&payload.as_ptr()));
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Incremental decoding and the framer
// ---------------------------------------------------------------------------------------------

/// Every strict prefix of a packet asks for more bytes; the whole packet decodes.
#[test]
fn every_prefix_of_a_packet_asks_for_more() {
    for v in VERSIONS {
        for p in packets(v) {
            let bytes = encode(&p, v);
            for cut in 0..bytes.len() {
                assert_eq!(
                    Packet::decode(&bytes[..cut], v),
                    Ok(None),
                    "prefix of {cut} bytes of {p:?}"
                );
            }
        }
    }
}

#[test]
fn framer_reassembles_packets_in_any_split() {
    for v in VERSIONS {
        let packets = packets(v);
        let stream: Vec<u8> = packets.iter().flat_map(|p| encode(p, v)).collect();
        for chunk in [1, 2, 3, 7, 64, 1000, stream.len()] {
            let mut framer = Framer::new(v, MAX_PACKET_SIZE);
            assert_eq!(framer.version(), v);
            let mut out = Vec::new();
            for piece in stream.chunks(chunk) {
                framer.push(piece).unwrap();
                while let Some(p) = framer.next_packet() {
                    out.push(p.unwrap().into_owned());
                }
            }
            assert_eq!(out, packets, "chunks of {chunk} in {v}");
            assert_eq!(framer.buffered(), 0);
            assert!(framer.error().is_none());
        }
    }
}

#[test]
fn framer_handles_large_packets_and_reclaims_its_buffer() {
    let big = publish_with_payload(QosPid::AtLeastOnce(pid(1)), vec![7; 300_000]);
    let bytes = encode(&big, V5);
    let mut framer = Framer::new(V5, 1 << 20);
    for _ in 0..5 {
        for piece in bytes.chunks(4096) {
            framer.push(piece).unwrap();
        }
        let p = framer.next_packet().unwrap().unwrap();
        assert_eq!(p, big);
        assert!(framer.next_packet().is_none());
    }
    assert_eq!(framer.buffered(), 0);
    framer.reset();
    assert_eq!(framer.buffered(), 0);
}

/// Many 1 KiB publishes fed in 1460-byte chunks (one TCP segment's payload): the framer
/// reclaims consumed bytes while a packet is still incomplete, and loses none.
#[test]
fn framer_stream_of_many_packets_in_segment_sized_chunks() {
    let packets: Vec<Packet<'static>> = (1..=500u16)
        .map(|i| {
            publish_with_payload(
                QosPid::AtLeastOnce(pid(i)),
                vec![(i % 256) as u8; 1024 + usize::from(i % 7)],
            )
        })
        .collect();
    let stream: Vec<u8> = packets.iter().flat_map(|p| encode(p, V5)).collect();
    let mut framer = Framer::new(V5, 4096);
    let mut out = Vec::new();
    let mut max_buffered = 0;
    for piece in stream.chunks(1460) {
        framer.push(piece).unwrap();
        max_buffered = max_buffered.max(framer.buffered());
        while let Some(p) = framer.next_packet() {
            out.push(p.unwrap().into_owned());
        }
    }
    assert_eq!(out, packets);
    assert_eq!(framer.buffered(), 0);
    // Never more than a packet and a segment held.
    assert!(max_buffered < 1100 + 1460, "{max_buffered}");
}

// ---------------------------------------------------------------------------------------------
// Encoding into caller buffers
// ---------------------------------------------------------------------------------------------

#[test]
fn encode_into_too_small_slice_is_buffer_too_small() {
    for v in VERSIONS {
        for p in packets(v) {
            let needed = p.encoded_len(v).unwrap();
            for available in 0..needed {
                let mut buf = vec![0u8; available];
                assert_eq!(
                    p.encode(v, &mut buf),
                    Err(Error::BufferTooSmall { needed, available }),
                    "{p:?} into {available} bytes"
                );
            }
            // exactly enough
            let mut buf = vec![0u8; needed];
            assert_eq!(p.encode(v, &mut buf), Ok(needed));
        }
    }
    // A large packet into a slightly small buffer.
    let p = publish_with_payload(QosPid::AtMostOnce, vec![1; 100_000]);
    let needed = p.encoded_len(V4).unwrap();
    let mut buf = vec![0u8; needed - 1];
    assert_eq!(
        p.encode(V4, &mut buf),
        Err(Error::BufferTooSmall {
            needed,
            available: needed - 1
        })
    );
}

#[test]
fn encode_to_vec_appends_and_leaves_the_vec_unchanged_on_error() {
    let mut out = b"prefix".to_vec();
    let p1 = Packet::PingReq;
    assert_eq!(p1.encode_to_vec(V4, &mut out), Ok(2));
    assert_eq!(out, b"prefix\xC0\x00");
    let invalid = [
        // empty SUBSCRIBE
        Packet::Subscribe(Subscribe {
            pid: pid(1),
            properties: Properties::default(),
            filters: vec![],
        }),
        // wildcard in a topic name
        Packet::Publish(Publish {
            dup: false,
            qos_pid: QosPid::AtMostOnce,
            retain: false,
            topic: "a/#".into(),
            properties: Properties::default(),
            payload: vec![1; 1000].into(),
        }),
        // AUTH in 3.1.1
        Packet::Auth(Auth::default()),
    ];
    for p in &invalid {
        let before = out.clone();
        let cap = out.capacity();
        assert!(p.encode_to_vec(V4, &mut out).is_err());
        assert_eq!(out, before, "{p:?}");
        assert_eq!(out.capacity(), cap);
    }
    // And it still appends afterwards.
    assert_eq!(Packet::PingResp.encode_to_vec(V4, &mut out), Ok(2));
    assert_eq!(out, b"prefix\xC0\x00\xD0\x00");
}

/// A CONNECT is encoded in its own protocol version, whatever version is passed.
#[test]
fn connect_encodes_in_its_own_version() {
    for own in VERSIONS {
        let p = Packet::Connect(Box::new(connect(own)));
        let reference = encode(&p, own);
        for passed in VERSIONS {
            assert_eq!(encode(&p, passed), reference);
            assert_eq!(p.encoded_len(passed), Ok(reference.len()));
        }
        // fixed header, protocol name, then the protocol level
        let header = FixedHeader::parse(&reference).unwrap().unwrap();
        let name = own.protocol_name();
        let at = header.header_len + 2 + name.len();
        assert_eq!(&reference[header.header_len + 2..at], name.as_bytes());
        assert_eq!(reference[at], own.level(), "protocol level byte");
    }
}
