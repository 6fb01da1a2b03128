//! Incoming PUBLISH: acknowledgements, exactly-once delivery, inbound topic aliases, our own
//! limits, and what a malformed or unexpected packet does.

use crate::peer::*;

fn connected_with(o: SessionOptions) -> Peer {
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.events();
    peer
}

fn connected(version: ProtocolVersion) -> Peer {
    connected_with(options(version))
}

#[test]
fn incoming_qos0_is_delivered_without_acknowledgement() {
    for version in [V4, V5] {
        let mut peer = connected(version);
        peer.server_sends(publish("a/b", b"x", QoS::AtMostOnce, 0, false));
        assert!(peer.client_sent().is_empty());
        let m = peer.take_all();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].topic, "a/b");
        assert_eq!(&*m[0].payload, b"x");
    }
}

/// The PUBACK carries the PUBLISH's packet id [MQTT-2.2.1-5] and a PUBACK reason code
/// [MQTT-3.4.2-1].
#[test]
fn incoming_qos1_is_acknowledged_with_its_packet_id_mqtt_4_3_2_4_mqtt_3_3_4_1() {
    for version in [V4, V5] {
        let mut peer = connected(version);
        peer.server_sends(publish("t", b"x", QoS::AtLeastOnce, 12, false));
        match peer.client_sent().as_slice() {
            [Packet::PubAck(a)] => {
                assert_eq!(a.pid, pid(12));
                assert_eq!(a.reason_code, ReasonCode::Success);
            }
            other => panic!("{:?}", describe_all(other)),
        }
        assert_eq!(peer.take_payloads(), ["x"]);
    }
}

#[test]
fn incoming_qos1_with_a_used_packet_id_after_puback_is_a_new_message_mqtt_4_3_2_5() {
    let mut peer = connected(V5);
    peer.server_sends(publish("t", b"1", QoS::AtLeastOnce, 3, false));
    peer.server_sends(publish("t", b"2", QoS::AtLeastOnce, 3, true));
    assert_eq!(peer.sent_names(), ["PUBACK(3)", "PUBACK(3)"]);
    assert_eq!(peer.take_payloads(), ["1", "2"]);
}

/// PUBREC and PUBCOMP carry the PUBLISH's packet id [MQTT-2.2.1-5] and their own reason codes
/// [MQTT-3.5.2-1] [MQTT-3.7.2-1].
#[test]
fn incoming_qos2_is_delivered_once_through_pubrec_pubrel_pubcomp_mqtt_4_3_3_8_mqtt_4_3_3_10_mqtt_4_3_3_11(
) {
    for version in [V4, V5] {
        let mut peer = connected(version);
        peer.server_sends(publish("t", b"x", QoS::ExactlyOnce, 7, false));
        match peer.client_sent().as_slice() {
            [Packet::PubRec(a)] => {
                assert_eq!(a.pid, pid(7));
                assert_eq!(a.reason_code, ReasonCode::Success);
            }
            other => panic!("{:?}", describe_all(other)),
        }
        assert_eq!(peer.take_payloads(), ["x"], "{version}");
        assert_eq!(peer.session.stats().inflight_in, 1);
        // The server sends it again before PUBREL: PUBREC again, no second delivery.
        peer.server_sends(publish("t", b"x", QoS::ExactlyOnce, 7, true));
        assert_eq!(peer.sent_names(), ["PUBREC(7)"]);
        assert!(peer.take_all().is_empty(), "{version}: delivered twice");
        peer.server_sends(pubrel(7));
        match peer.client_sent().as_slice() {
            [Packet::PubComp(a)] => {
                assert_eq!(a.pid, pid(7));
                assert_eq!(a.reason_code, ReasonCode::Success);
            }
            other => panic!("{:?}", describe_all(other)),
        }
        assert_eq!(peer.session.stats().inflight_in, 0);
    }
}

#[test]
fn incoming_qos2_packet_id_after_pubcomp_is_a_new_message_mqtt_4_3_3_12() {
    let mut peer = connected(V5);
    peer.server_sends(publish("t", b"1", QoS::ExactlyOnce, 7, false));
    peer.server_sends(pubrel(7));
    peer.server_sends(publish("t", b"2", QoS::ExactlyOnce, 7, false));
    assert_eq!(peer.sent_names(), ["PUBREC(7)", "PUBCOMP(7)", "PUBREC(7)"]);
    assert_eq!(peer.take_payloads(), ["1", "2"]);
}

#[test]
fn incoming_qos2_resent_after_a_resumed_reconnect_is_delivered_once_mqtt_4_3_3_10() {
    for version in [V4, V5] {
        let mut peer = connected_with(persistent(version));
        peer.server_sends(publish("t", b"x", QoS::ExactlyOnce, 5, false));
        assert_eq!(peer.sent_names(), ["PUBREC(5)"]);
        assert_eq!(peer.take_payloads(), ["x"]);
        peer.drop_transport();
        peer.connect_with(true, Properties::default());
        peer.client_sent();
        // The PUBREC was lost with the connection: the server resends with DUP.
        peer.server_sends(publish("t", b"x", QoS::ExactlyOnce, 5, true));
        assert_eq!(peer.sent_names(), ["PUBREC(5)"]);
        assert!(peer.take_all().is_empty(), "{version}: delivered twice");
        peer.server_sends(pubrel(5));
        assert_eq!(peer.sent_names(), ["PUBCOMP(5)"]);
        // The PUBCOMP was lost too: PUBREL again is answered, still no delivery.
        peer.drop_transport();
        peer.connect_with(true, Properties::default());
        peer.server_sends(pubrel(5));
        let sent = peer.client_sent();
        assert!(matches!(sent.as_slice(), [Packet::PubComp(a)] if a.pid == pid(5)));
        assert!(peer.take_all().is_empty());
    }
}

/// PUBCOMP 0x92 Packet Identifier not found is a PUBCOMP reason code [MQTT-3.7.2-1].
#[test]
fn pubrel_for_an_unknown_packet_id_gets_pubcomp() {
    let mut peer = connected(V5);
    peer.server_sends(pubrel(9));
    match peer.client_sent().as_slice() {
        [Packet::PubComp(a)] => {
            assert_eq!(a.pid, pid(9));
            assert_eq!(a.reason_code, ReasonCode::PacketIdentifierNotFound);
        }
        other => panic!("{:?}", describe_all(other)),
    }
    let mut peer = connected(V4);
    peer.server_sends(pubrel(9));
    assert_eq!(peer.sent_names(), ["PUBCOMP(9)"]);
}

#[test]
fn acknowledgements_go_out_in_the_order_the_publishes_arrived_mqtt_4_6_0_2_mqtt_4_6_0_3() {
    for policy in [InboundPolicy::DropOldest, InboundPolicy::Backpressure] {
        let mut o = options(V5);
        o.inbound_policy = policy;
        let mut peer = connected_with(o);
        peer.server_sends_all(vec![
            publish("t", b"1", QoS::AtLeastOnce, 5, false),
            publish("t", b"2", QoS::ExactlyOnce, 3, false),
            publish("t", b"3", QoS::AtLeastOnce, 9, false),
            publish("t", b"4", QoS::ExactlyOnce, 1, false),
        ]);
        peer.take_all();
        assert_eq!(
            peer.sent_names(),
            ["PUBACK(5)", "PUBREC(3)", "PUBACK(9)", "PUBREC(1)"],
            "{policy:?}"
        );
    }
}

#[test]
fn every_publish_is_acknowledged_even_when_the_inbound_queue_drops_it_mqtt_4_5_0_2() {
    let mut o = options(V5);
    o.inbound_policy = InboundPolicy::DropNewest;
    o.inbound_limits.max_messages = 1;
    let mut peer = connected_with(o);
    peer.server_sends_all(vec![
        publish("t", b"kept", QoS::AtLeastOnce, 1, false),
        publish("t", b"dropped", QoS::AtLeastOnce, 2, false),
        publish("t", b"dropped", QoS::ExactlyOnce, 3, false),
    ]);
    assert_eq!(peer.sent_names(), ["PUBACK(1)", "PUBACK(2)", "PUBREC(3)"]);
    assert_eq!(peer.take_payloads(), ["kept"]);
    assert_eq!(peer.session.stats().inbound_dropped, 2);
}

#[test]
fn delivered_message_keeps_retain_and_properties() {
    let mut peer = connected(V5);
    let props = Properties {
        subscription_identifiers: vec![4, 9],
        user_properties: vec![("z".into(), "1".into()), ("a".into(), "2".into())],
        content_type: Some("text/plain".into()),
        ..Properties::default()
    };
    peer.server_sends(Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: true,
        topic: "t".into(),
        properties: props.clone(),
        payload: b"x".as_slice().into(),
    }));
    let m = peer.take_all();
    assert!(m[0].retain);
    assert_eq!(m[0].properties, props);
}

fn with_alias_max(n: u16) -> Peer {
    let mut o = options(V5);
    o.properties.topic_alias_maximum = Some(n);
    connected_with(o)
}

fn aliased(topic: &str, alias: u16, payload: &[u8]) -> Packet<'static> {
    let mut p = publish(topic, payload, QoS::AtMostOnce, 0, false);
    if let Packet::Publish(p) = &mut p {
        p.properties.topic_alias = Some(alias);
    }
    p
}

#[test]
fn inbound_topic_aliases_are_defined_then_used_mqtt_3_3_2_10() {
    let mut peer = with_alias_max(3);
    peer.server_sends(aliased("a/b", 1, b"1"));
    peer.server_sends(aliased("", 1, b"2"));
    peer.server_sends(aliased("c", 3, b"3"));
    peer.server_sends(aliased("", 3, b"4"));
    peer.server_sends(aliased("d", 1, b"5")); // redefined
    peer.server_sends(aliased("", 1, b"6"));
    let topics: Vec<String> = peer
        .take_all()
        .iter()
        .map(|m| m.topic.to_string())
        .collect();
    assert_eq!(topics, ["a/b", "a/b", "c", "c", "d", "d"]);
    assert!(peer.session.is_connected());
    assert!(peer.client_sent().is_empty());
}

#[test]
fn inbound_topic_alias_out_of_range_disconnects_with_0x94() {
    let mut peer = with_alias_max(3);
    peer.server_sends(aliased("a", 4, b"x"));
    assert_eq!(
        violation_code(&peer.events()),
        ReasonCode::TopicAliasInvalid
    );
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::TopicAliasInvalid)
    );
    // We announced no Topic Alias Maximum: any alias is out of range.
    let mut peer = connected(V5);
    peer.server_sends(aliased("a", 1, b"x"));
    assert_eq!(
        violation_code(&peer.events()),
        ReasonCode::TopicAliasInvalid
    );
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::TopicAliasInvalid)
    );
}

#[test]
fn inbound_topic_alias_never_defined_disconnects_with_0x82() {
    let mut peer = with_alias_max(3);
    peer.server_sends(aliased("", 2, b"x"));
    assert_eq!(violation_code(&peer.events()), ReasonCode::ProtocolError);
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::ProtocolError)
    );
    assert!(peer.take_all().is_empty());
}

#[test]
fn inbound_topic_aliases_are_not_carried_to_the_next_connection_mqtt_3_3_2_7() {
    let mut o = persistent(V5);
    o.properties.topic_alias_maximum = Some(3);
    let mut peer = connected_with(o);
    peer.server_sends(aliased("a", 1, b"1"));
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    peer.events();
    peer.server_sends(aliased("", 1, b"2"));
    assert_eq!(violation_code(&peer.events()), ReasonCode::ProtocolError);
    assert_eq!(peer.take_payloads(), ["1"]);
}

#[test]
fn our_receive_maximum_exceeded_disconnects_with_0x93() {
    let mut o = options(V5);
    o.properties.receive_maximum = Some(2);
    let mut peer = connected_with(o);
    peer.server_sends(publish("t", b"1", QoS::ExactlyOnce, 1, false));
    peer.server_sends(publish("t", b"2", QoS::ExactlyOnce, 2, false));
    assert_eq!(peer.sent_names(), ["PUBREC(1)", "PUBREC(2)"]);
    // A resend of one of them is not a new one.
    peer.server_sends(publish("t", b"1", QoS::ExactlyOnce, 1, true));
    assert_eq!(peer.sent_names(), ["PUBREC(1)"]);
    assert!(peer.session.is_connected());
    // QoS 0 does not count.
    peer.server_sends(publish("t", b"0", QoS::AtMostOnce, 0, false));
    assert!(peer.session.is_connected());
    peer.server_sends(publish("t", b"3", QoS::ExactlyOnce, 3, false));
    assert_eq!(
        violation_code(&peer.events()),
        ReasonCode::ReceiveMaximumExceeded
    );
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::ReceiveMaximumExceeded)
    );
    assert_eq!(peer.take_payloads(), ["1", "2", "0"]);
}

#[test]
fn receive_maximum_counts_qos2_until_pubrel() {
    let mut o = options(V5);
    o.properties.receive_maximum = Some(1);
    let mut peer = connected_with(o);
    for i in 1..=5u16 {
        peer.server_sends(publish("t", b"x", QoS::ExactlyOnce, i, false));
        peer.server_sends(pubrel(i));
        peer.server_sends(publish("t", b"y", QoS::AtLeastOnce, i, false));
    }
    assert!(peer.session.is_connected());
    assert_eq!(peer.take_all().len(), 10);
}

#[test]
fn packet_over_our_maximum_packet_size_disconnects_with_0x95() {
    let mut o = options(V5);
    o.properties.maximum_packet_size = Some(64);
    let mut peer = connected_with(o);
    peer.server_sends(publish("t", &[0; 58], QoS::AtMostOnce, 0, false)); // 64 bytes
    assert!(peer.session.is_connected());
    peer.server_sends(publish("t", &[0; 59], QoS::AtMostOnce, 0, false)); // 65 bytes
    assert_eq!(violation_code(&peer.events()), ReasonCode::PacketTooLarge);
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::PacketTooLarge)
    );
    assert_eq!(peer.take_all().len(), 1);
}

#[test]
fn malformed_packet_disconnects_with_0x81_and_stops_reading() {
    // Malformed server packets, each with the statement it breaks.
    const MALFORMED: &[(&str, &[u8])] = &[
        ("QoS 3 [MQTT-3.3.1-4]", &[0x36, 0x06, 0, 1, b't', 0, 1, 0]),
        ("DUP on QoS 0 [MQTT-3.3.1-2]", &[0x38, 0x04, 0, 1, b't', 0]),
        (
            "wildcard in topic name [MQTT-3.3.2-2]",
            &[0x30, 0x05, 0, 2, b'a', b'#', 0],
        ),
        (
            "ill-formed UTF-8 [MQTT-1.5.4-1]",
            &[0x30, 0x05, 0, 2, 0xC3, 0x28, 0],
        ),
        (
            "UTF-16 surrogate encoded in UTF-8 [MQTT-1.5.4-1]",
            &[0x30, 0x06, 0, 3, 0xED, 0xA0, 0x80, 0],
        ),
        ("null character [MQTT-1.5.4-2]", &[0x30, 0x04, 0, 1, 0, 0]),
        ("reserved PUBACK flags [MQTT-2.1.3-1]", &[0x41, 0x02, 0, 1]),
        ("reserved PUBREL flags [MQTT-3.6.1-1]", &[0x60, 0x02, 0, 1]),
        ("reserved DISCONNECT flags [MQTT-3.14.1-1]", &[0xE1, 0x00]),
        ("reserved AUTH flags [MQTT-3.15.1-1]", &[0xF1, 0x00]),
        (
            "non-minimal remaining length [MQTT-1.5.5-1]",
            &[0xD0, 0x80, 0x00],
        ),
        ("truncated PUBACK body", &[0x40, 0x01, 0]),
        ("trailing bytes after PINGRESP", &[0xD0, 0x01, 0]),
        (
            "user property with ill-formed UTF-8 [MQTT-1.5.7-1]",
            &[0x30, 0x0B, 0, 1, b't', 7, 0x26, 0, 1, 0xFF, 0, 1, b'v'],
        ),
    ];
    for (what, bytes) in MALFORMED {
        let mut peer = connected(V5);
        let mut input = bytes.to_vec();
        // A valid QoS 1 PUBLISH after it must not be processed.
        publish("t", b"late", QoS::AtLeastOnce, 1, false)
            .encode_to_vec(V5, &mut input)
            .unwrap();
        peer.server_sends_bytes(&input);
        let events = peer.events();
        assert_eq!(
            violation_code(&events),
            ReasonCode::MalformedPacket,
            "{what}"
        );
        let sent = peer.client_sent();
        assert_eq!(
            disconnect_sent(&sent),
            Some(ReasonCode::MalformedPacket),
            "{what}"
        );
        assert_eq!(sent.len(), 1, "{what}: {:?}", describe_all(&sent));
        assert_eq!(peer.session.state(), State::Disconnected, "{what}");
        assert!(peer.take_all().is_empty(), "{what}");
    }
}

#[test]
fn malformed_packet_v311_closes_without_disconnect() {
    let mut peer = connected(V4);
    peer.server_sends_bytes(&[0x36, 0x05, 0, 1, b't', 0, 1]);
    let events = peer.events();
    assert!(matches!(
        the_disconnect(&events),
        SessionError::ProtocolViolation { .. }
    ));
    assert!(peer.client_sent().is_empty());
    assert_eq!(peer.session.state(), State::Disconnected);
}

#[test]
fn byte_order_mark_in_a_topic_is_kept_mqtt_1_5_4_3() {
    let mut peer = connected(V5);
    peer.server_sends(publish("\u{FEFF}a", b"x", QoS::AtMostOnce, 0, false));
    let m = peer.take_all();
    assert_eq!(m[0].topic, "\u{FEFF}a");
}

/// The session reads an ordered byte stream in any split [MQTT-4.2.0-1].
#[test]
fn packets_split_anywhere_are_reassembled_mqtt_6_0_0_2() {
    let mut peer = Peer::v5();
    peer.open();
    let mut bytes = Vec::new();
    connack(false, Properties::default())
        .encode_to_vec(V5, &mut bytes)
        .unwrap();
    publish("t", b"x", QoS::AtLeastOnce, 4, false)
        .encode_to_vec(V5, &mut bytes)
        .unwrap();
    Packet::PingResp.encode_to_vec(V5, &mut bytes).unwrap();
    for b in &bytes {
        peer.server_sends_bytes(std::slice::from_ref(b));
    }
    assert!(peer.session.is_connected());
    assert_eq!(peer.sent_names(), ["PUBACK(4)"]);
    assert_eq!(peer.take_payloads(), ["x"]);
}

#[test]
fn publish_before_connack_is_a_protocol_error() {
    let mut peer = Peer::v5();
    peer.open();
    peer.server_sends(publish("t", b"x", QoS::AtMostOnce, 0, false));
    assert_eq!(violation_code(&peer.events()), ReasonCode::ProtocolError);
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::ProtocolError)
    );
}

#[test]
fn packets_a_server_never_sends_are_protocol_errors() {
    let bad: Vec<Packet<'static>> = vec![
        Packet::PingReq,
        Packet::Subscribe(Subscribe {
            pid: pid(1),
            properties: Properties::default(),
            filters: vec![filter("a", QoS::AtMostOnce)],
        }),
        Packet::Unsubscribe(Unsubscribe {
            pid: pid(1),
            properties: Properties::default(),
            filters: vec!["a".into()],
        }),
        connack(false, Properties::default()), // a second CONNACK
    ];
    for p in bad {
        let name = p.packet_type().name();
        let mut peer = connected(V5);
        peer.server_sends(p);
        assert_eq!(
            violation_code(&peer.events()),
            ReasonCode::ProtocolError,
            "{name}"
        );
        assert_eq!(
            disconnect_sent(&peer.client_sent()),
            Some(ReasonCode::ProtocolError),
            "{name}"
        );
    }
}

#[test]
fn stats_count_incoming_messages_and_bytes() {
    let mut peer = connected(V5);
    let before = peer.session.stats();
    peer.server_sends(publish("t", b"1234", QoS::AtLeastOnce, 1, false));
    peer.server_sends(publish("t", b"1234", QoS::ExactlyOnce, 2, false));
    let s = peer.session.stats();
    assert_eq!(s.messages_received, 2);
    assert_eq!(s.inbound_queued, 2);
    assert_eq!(s.inbound_queued_bytes, 10);
    assert_eq!(s.inflight_in, 1, "the QoS 2 message awaits PUBREL");
    assert_eq!(s.bytes_received, peer.bytes_fed);
    assert!(s.bytes_received > before.bytes_received);
    peer.client_sent();
    assert_eq!(peer.session.stats().bytes_sent, peer.bytes_written);
}

#[test]
fn connack_with_reserved_flags_set_is_malformed_mqtt_3_2_2_1() {
    let mut peer = Peer::v5();
    peer.open();
    peer.server_sends_bytes(&[0x20, 0x03, 0x02, 0x00, 0x00]);
    assert_eq!(violation_code(&peer.events()), ReasonCode::MalformedPacket);
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::MalformedPacket)
    );
}

#[test]
fn a_packet_only_clients_send_is_a_protocol_error_from_the_server() {
    let subscribe = Packet::Subscribe(Subscribe {
        pid: pid(1),
        properties: Properties::default(),
        filters: vec![filter("t", QoS::AtMostOnce)],
    });
    let unsubscribe = Packet::Unsubscribe(Unsubscribe {
        pid: pid(2),
        properties: Properties::default(),
        filters: vec!["t".into()],
    });
    for (what, packet) in [
        ("SUBSCRIBE", subscribe),
        ("UNSUBSCRIBE", unsubscribe),
        ("PINGREQ", Packet::PingReq),
    ] {
        let mut peer = connected(V5);
        peer.server_sends(packet);
        let events = peer.events();
        assert_eq!(violation_code(&events), ReasonCode::ProtocolError, "{what}");
        let message = the_disconnect(&events).to_string();
        assert!(
            message.contains(&format!("a server does not send {what}")),
            "{message}"
        );
        assert_eq!(
            disconnect_sent(&peer.client_sent()),
            Some(ReasonCode::ProtocolError),
            "{what}"
        );
    }
}
