//! Outgoing PUBLISH at QoS 0, 1 and 2: the packets, the events, the packet identifiers.

use std::collections::BTreeSet;

use crate::peer::*;

fn connected(version: ProtocolVersion) -> Peer {
    let mut peer = Peer::new(options(version));
    peer.connect(Properties::default());
    peer.events();
    peer
}

/// A QoS 0 PUBLISH has no packet identifier [MQTT-2.2.1-2] and DUP 0 [MQTT-3.3.1-2].
#[test]
fn qos0_publish_is_written_without_dup_or_packet_id_and_completes_mqtt_4_3_1_1() {
    for version in [V4, V5] {
        let mut peer = connected(version);
        let t = peer.publish("t", b"x", QoS::AtMostOnce);
        match peer.client_sent().as_slice() {
            [Packet::Publish(p)] => {
                assert_eq!(p.qos_pid, QosPid::AtMostOnce);
                assert!(!p.dup);
                assert_eq!(p.topic, "t");
                assert_eq!(&*p.payload, b"x");
            }
            other => panic!("{:?}", describe_all(other)),
        }
        assert_eq!(completed(&peer.events()), [(t, ReasonCode::Success)]);
        assert_eq!(peer.session.stats().inflight_out, 0);
    }
}

#[test]
fn qos1_publish_is_unacknowledged_until_puback_mqtt_4_3_2_1_mqtt_4_3_2_2_mqtt_4_3_2_3() {
    for version in [V4, V5] {
        let mut peer = connected(version);
        let t = peer.publish("t", b"x", QoS::AtLeastOnce);
        match peer.client_sent().as_slice() {
            [Packet::Publish(p)] => {
                assert_eq!(p.qos_pid, QosPid::AtLeastOnce(pid(1)));
                assert!(!p.dup);
            }
            other => panic!("{:?}", describe_all(other)),
        }
        assert!(peer.events().is_empty());
        let s = peer.session.stats();
        assert_eq!((s.inflight_out, s.inflight_out_bytes), (1, 2));
        assert!(!peer.session.is_outgoing_empty());
        peer.server_sends(puback(1));
        assert_eq!(completed(&peer.events()), [(t, ReasonCode::Success)]);
        assert!(peer.session.is_outgoing_empty());
        assert!(peer.client_sent().is_empty());
    }
}

/// The completion names the packet identifier the publish went out with (MQTT.js's callback
/// packet carries it as `messageId`); a QoS 0 publish has none.
#[test]
fn publish_completion_carries_the_packet_identifier() {
    let completions = |events: Vec<Event>| -> Vec<Option<u16>> {
        events
            .into_iter()
            .filter_map(|e| match e {
                Event::PublishComplete { pid, .. } => Some(pid.map(|p| p.get())),
                _ => None,
            })
            .collect()
    };
    let mut peer = connected(V5);
    peer.publish("t", b"0", QoS::AtMostOnce);
    peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.publish("t", b"2", QoS::ExactlyOnce);
    assert_eq!(completions(peer.events()), [None]);
    peer.server_sends(puback(1));
    peer.server_sends(Packet::PubRec(Ack::new(pid(2))));
    peer.server_sends(Packet::PubComp(Ack::new(pid(2))));
    assert_eq!(completions(peer.events()), [Some(1), Some(2)]);
}

#[test]
fn puback_success_reason_codes_complete_the_publish_v5() {
    let mut peer = connected(V5);
    let t = peer.publish("t", b"x", QoS::AtLeastOnce);
    peer.client_sent();
    peer.server_sends(Packet::PubAck(ack(1, ReasonCode::NoMatchingSubscribers)));
    assert_eq!(
        completed(&peer.events()),
        [(t, ReasonCode::NoMatchingSubscribers)]
    );
}

#[test]
fn puback_with_error_fails_the_publish_and_it_is_not_retransmitted_mqtt_4_4_0_2() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    let t = peer.publish("t", b"x", QoS::AtLeastOnce);
    peer.client_sent();
    peer.server_sends(Packet::PubAck(ack(1, ReasonCode::NotAuthorized)));
    assert_eq!(
        failed(&peer.events()),
        [(t, SessionError::Rejected(ReasonCode::NotAuthorized))]
    );
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    assert!(peer.client_sent().is_empty());
    assert!(peer.session.is_outgoing_empty());
}

#[test]
fn qos2_publish_pubrec_pubrel_pubcomp_mqtt_4_3_3_1_to_mqtt_4_3_3_5() {
    for version in [V4, V5] {
        let mut peer = connected(version);
        let t = peer.publish("t", b"x", QoS::ExactlyOnce);
        match peer.client_sent().as_slice() {
            [Packet::Publish(p)] => {
                assert_eq!(p.qos_pid, QosPid::ExactlyOnce(pid(1)));
                assert!(!p.dup);
            }
            other => panic!("{:?}", describe_all(other)),
        }
        peer.server_sends(pubrec(1));
        match peer.client_sent().as_slice() {
            [Packet::PubRel(a)] => {
                assert_eq!(
                    a.pid,
                    pid(1),
                    "PUBREL carries the PUBLISH's id [MQTT-2.2.1-5]"
                );
                assert_eq!(a.reason_code, ReasonCode::Success);
            }
            other => panic!("{:?}", describe_all(other)),
        }
        assert!(peer.events().is_empty(), "not complete before PUBCOMP");
        assert_eq!(peer.session.stats().inflight_out, 1);
        // A repeated PUBREC is answered again.
        peer.server_sends(pubrec(1));
        assert_eq!(peer.sent_names(), ["PUBREL(1)"]);
        peer.server_sends(pubcomp(1));
        assert_eq!(completed(&peer.events()), [(t, ReasonCode::Success)]);
        assert!(peer.session.is_outgoing_empty());
    }
}

#[test]
fn publish_is_not_resent_once_pubrel_was_sent_mqtt_4_3_3_6() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    peer.publish("t", b"x", QoS::ExactlyOnce);
    peer.client_sent();
    peer.server_sends(pubrec(1));
    peer.client_sent();
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    assert_eq!(peer.sent_names(), ["PUBREL(1)"]);
}

#[test]
fn pubrec_with_error_ends_the_publish_without_pubrel_or_retransmission_mqtt_4_4_0_2() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    let t = peer.publish("t", b"x", QoS::ExactlyOnce);
    peer.client_sent();
    peer.server_sends(Packet::PubRec(ack(1, ReasonCode::QuotaExceeded)));
    assert!(
        peer.client_sent().is_empty(),
        "no PUBREL after a failed PUBREC"
    );
    assert_eq!(
        failed(&peer.events()),
        [(t, SessionError::Rejected(ReasonCode::QuotaExceeded))]
    );
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    assert!(
        peer.client_sent().is_empty(),
        "retransmitted after PUBREC 0x97"
    );
}

#[test]
fn pubrels_follow_the_order_of_the_pubrecs_mqtt_4_6_0_4() {
    let mut peer = connected(V5);
    for p in ["1", "2", "3"] {
        peer.publish("t", p.as_bytes(), QoS::ExactlyOnce);
    }
    peer.client_sent();
    peer.server_sends_all(vec![pubrec(2), pubrec(3), pubrec(1)]);
    assert_eq!(peer.sent_names(), ["PUBREL(2)", "PUBREL(3)", "PUBREL(1)"]);
}

/// PUBREL carries a PUBREL reason code: 0x92 Packet Identifier not found [MQTT-3.6.2-1].
#[test]
fn pubrec_for_an_unknown_packet_id_is_answered_with_pubrel() {
    let mut peer = connected(V5);
    peer.server_sends(pubrec(44));
    match peer.client_sent().as_slice() {
        [Packet::PubRel(a)] => {
            assert_eq!(a.pid, pid(44));
            assert_eq!(a.reason_code, ReasonCode::PacketIdentifierNotFound);
        }
        other => panic!("{:?}", describe_all(other)),
    }
    let mut peer = connected(V4);
    peer.server_sends(pubrec(44));
    assert_eq!(peer.sent_names(), ["PUBREL(44)"]);
}

#[test]
fn acks_for_unknown_or_wrong_stage_packet_ids_are_ignored() {
    let mut peer = connected(V5);
    let q1 = peer.publish("t", b"1", QoS::AtLeastOnce);
    let q2 = peer.publish("t", b"2", QoS::ExactlyOnce);
    peer.client_sent();
    peer.server_sends(puback(9)); // unknown
    peer.server_sends(pubcomp(2)); // before PUBREC
    peer.server_sends(puback(2)); // a QoS 2 publish
    peer.server_sends(pubcomp(1)); // a QoS 1 publish
    assert!(peer.events().is_empty());
    assert!(peer.session.is_connected());
    peer.server_sends(puback(1));
    peer.server_sends(pubrec(2));
    peer.server_sends(pubcomp(2));
    let done: Vec<_> = completed(&peer.events())
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(done, [q1, q2]);
}

#[test]
fn packet_ids_are_unique_among_operations_in_flight_mqtt_2_2_1_3() {
    let mut peer = connected(V5);
    peer.publish("t", b"a", QoS::AtLeastOnce);
    peer.publish("t", b"b", QoS::ExactlyOnce);
    peer.subscribe(vec![filter("s", QoS::AtLeastOnce)]);
    peer.session
        .unsubscribe(0, vec!["u".into()], Properties::default())
        .unwrap();
    peer.publish("t", b"c", QoS::AtLeastOnce);
    let mut in_flight = BTreeSet::new();
    for p in peer.client_sent() {
        let id = pid_of(&p).unwrap();
        assert!(in_flight.insert(id), "packet id {id} used twice");
    }
    assert_eq!(in_flight.len(), 5);
    // Some complete; the new ones never take an id still in flight.
    peer.server_sends(puback(1));
    peer.server_sends(suback(3, vec![ReasonCode::GrantedQoS1]));
    in_flight.remove(&1);
    in_flight.remove(&3);
    for i in 0..20u8 {
        peer.publish("t", &[i], QoS::AtLeastOnce);
        for p in peer.client_sent() {
            let id = pid_of(&p).unwrap();
            assert!(
                in_flight.insert(id),
                "packet id {id} reused while in flight"
            );
        }
    }
}

#[test]
fn packet_id_allocation_wraps_and_skips_ids_in_flight_mqtt_2_2_1_3() {
    let mut ids = PacketIds::default();
    let first = ids.allocate().unwrap();
    assert_eq!(first.get(), 1);
    // Allocate and release every other id up to the wrap.
    for expected in 2..=u16::MAX {
        let p = ids.allocate().unwrap();
        assert_eq!(p.get(), expected);
        ids.release(p);
    }
    // 1 is still in flight: the wrap skips it.
    assert_eq!(ids.allocate().unwrap().get(), 2);
    ids.release(first);
    let mut all = PacketIds::default();
    for _ in 0..u16::MAX {
        all.allocate().unwrap();
    }
    assert_eq!(all.allocate(), None, "no id when all 65,535 are in flight");
}

#[test]
fn publish_with_a_subscription_identifier_is_refused_mqtt_3_3_4_6() {
    let mut peer = connected(V5);
    let m = Message {
        properties: Properties {
            subscription_identifiers: vec![3],
            ..Properties::default()
        },
        ..msg("t", b"x", QoS::AtLeastOnce)
    };
    assert!(peer.session.publish(0, m).is_err());
    assert!(peer.client_sent().is_empty());
}

/// The topic must be a UTF-8 Encoded String [MQTT-3.3.2-1] without wildcards.
#[test]
fn publish_to_an_invalid_topic_is_refused_at_the_call_mqtt_3_3_2_2_mqtt_4_7_0_1_mqtt_4_7_3_1() {
    let mut peer = connected(V5);
    for topic in ["a/+", "a/#", "+", ""] {
        let r = peer.session.publish(0, msg(topic, b"x", QoS::AtLeastOnce));
        assert!(
            matches!(r, Err(SessionError::InvalidPacket(_))),
            "{topic:?}: {r:?}"
        );
    }
    let r = peer.session.publish(0, msg("a\0b", b"x", QoS::AtMostOnce));
    assert!(
        matches!(r, Err(SessionError::InvalidPacket(_))),
        "[MQTT-4.7.3-2] null character: {r:?}"
    );
    let long = "x".repeat(65_536);
    let r = peer.session.publish(0, msg(&long, b"x", QoS::AtMostOnce));
    assert!(
        matches!(r, Err(SessionError::InvalidPacket(_))),
        "[MQTT-4.7.3-3] 65,536-byte topic: {r:?}"
    );
    assert!(peer.client_sent().is_empty());
}

#[test]
fn publish_properties_reach_the_wire() {
    let mut peer = connected(V5);
    let props = Properties {
        payload_format_indicator: Some(PayloadFormat::Utf8),
        message_expiry_interval: Some(60),
        content_type: Some("application/json".into()),
        response_topic: Some("replies/1".into()),
        correlation_data: Some(std::borrow::Cow::Owned(vec![9, 9])),
        user_properties: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
        ..Properties::default()
    };
    let m = Message {
        retain: true,
        properties: props.clone(),
        ..msg("t", b"{}", QoS::AtLeastOnce)
    };
    peer.session.publish(0, m).unwrap();
    match peer.client_sent().as_slice() {
        [Packet::Publish(p)] => {
            assert!(p.retain);
            assert_eq!(p.properties, props);
        }
        other => panic!("{:?}", describe_all(other)),
    }
}

/// The Response Topic and Content Type are UTF-8 Encoded Strings [MQTT-3.3.2-13]
/// [MQTT-3.3.2-19]; the Response Topic has no wildcard.
#[test]
fn response_topic_with_wildcards_is_refused_mqtt_3_3_2_14() {
    let mut peer = connected(V5);
    for props in [
        Properties {
            response_topic: Some("a\0".into()),
            ..Properties::default()
        },
        Properties {
            content_type: Some("a\0".into()),
            ..Properties::default()
        },
    ] {
        let m = Message {
            properties: props,
            ..msg("t", b"x", QoS::AtMostOnce)
        };
        assert!(matches!(
            peer.session.publish(0, m),
            Err(SessionError::InvalidPacket(_))
        ));
    }
    let m = Message {
        properties: Properties {
            response_topic: Some("replies/#".into()),
            ..Properties::default()
        },
        ..msg("t", b"x", QoS::AtMostOnce)
    };
    assert!(matches!(
        peer.session.publish(0, m),
        Err(SessionError::InvalidPacket(_))
    ));
    assert!(peer.client_sent().is_empty());
}

#[test]
fn publishes_go_out_in_the_order_they_were_made() {
    let mut peer = Peer::v5();
    peer.connect(Properties {
        receive_maximum: Some(1),
        ..Properties::default()
    });
    peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.publish("t", b"2", QoS::AtMostOnce);
    peer.publish("t", b"3", QoS::ExactlyOnce);
    peer.publish("t", b"4", QoS::AtMostOnce);
    // "2" (QoS 0) needs no quota and goes out at once; "4" waits behind "3": order is kept.
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)", "PUBLISH(2)"]);
    peer.server_sends(puback(1));
    assert_eq!(peer.sent_names(), ["PUBLISH(3,2)", "PUBLISH(4)"]);
}

/// Every packet the client writes has the fixed-header flags the specification lists
/// [MQTT-2.1.3-1]: 0010 for PUBREL [MQTT-3.6.1-1], SUBSCRIBE [MQTT-3.8.1-1] and UNSUBSCRIBE
/// [MQTT-3.10.1-1], 0000 for the others; PUBLISH's match its DUP, QoS and RETAIN.
#[test]
fn client_packets_carry_the_reserved_flags_listed_mqtt_2_1_3_1_mqtt_3_6_1_1_mqtt_3_8_1_1_mqtt_3_10_1_1(
) {
    let mut o = persistent(V5);
    o.keep_alive = 5;
    let mut s = Session::new(o);
    let mut raw = Vec::new();
    s.handle_connected(0);
    let mut ack = Vec::new();
    connack(false, Properties::default())
        .encode_to_vec(V5, &mut ack)
        .unwrap();
    s.handle_bytes(0, &ack);
    s.publish(0, msg("t", b"2", QoS::ExactlyOnce)).unwrap();
    s.publish(0, msg("t", b"1", QoS::AtLeastOnce)).unwrap();
    s.subscribe(
        0,
        vec![filter("a", QoS::AtLeastOnce)],
        Properties::default(),
    )
    .unwrap();
    s.unsubscribe(0, vec!["a".into()], Properties::default())
        .unwrap();
    let mut input = Vec::new();
    pubrec(1).encode_to_vec(V5, &mut input).unwrap();
    publish("in", b"x", QoS::AtLeastOnce, 7, false)
        .encode_to_vec(V5, &mut input)
        .unwrap();
    publish("in", b"y", QoS::ExactlyOnce, 8, false)
        .encode_to_vec(V5, &mut input)
        .unwrap();
    pubrel(8).encode_to_vec(V5, &mut input).unwrap();
    s.handle_bytes(0, &input);
    s.handle_timeout(5_000);
    while let Some(b) = s.poll_transmit() {
        raw.extend(b);
    }
    // A resend after a resumed reconnect: DUP.
    s.handle_disconnected(5_000);
    s.handle_connected(5_000);
    let mut ack = Vec::new();
    connack(true, Properties::default())
        .encode_to_vec(V5, &mut ack)
        .unwrap();
    s.handle_bytes(5_000, &ack);
    s.disconnect(5_000, ReasonCode::Success, Properties::default());
    while let Some(b) = s.poll_transmit() {
        raw.extend(b);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut at = 0;
    while at < raw.len() {
        let h = FixedHeader::parse(&raw[at..]).unwrap().unwrap();
        let (p, len) = Packet::decode(&raw[at..], V5).unwrap().unwrap();
        let expected = match &p {
            Packet::Publish(pb) => {
                (u8::from(pb.dup) << 3) | ((pb.qos_pid.qos() as u8) << 1) | u8::from(pb.retain)
            }
            Packet::PubRel(_) | Packet::Subscribe(_) | Packet::Unsubscribe(_) => 0b0010,
            _ => 0,
        };
        assert_eq!(h.flags, expected, "{}", describe(&p));
        seen.insert(h.packet_type.name());
        at += len;
    }
    let seen: Vec<_> = seen.into_iter().collect();
    assert_eq!(
        seen,
        [
            "CONNECT",
            "DISCONNECT",
            "PINGREQ",
            "PUBACK",
            "PUBCOMP",
            "PUBLISH",
            "PUBREC",
            "PUBREL",
            "SUBSCRIBE",
            "UNSUBSCRIBE"
        ]
    );
}

/// An MQTT 5 PUBLISH without properties carries a Property Length of 0 [MQTT-2.2.2-1].
#[test]
fn v5_publish_without_properties_carries_property_length_0_mqtt_2_2_2_1() {
    let mut peer = connected(V5);
    peer.session.poll_transmit();
    peer.publish("t", b"x", QoS::AtMostOnce);
    assert_eq!(
        peer.session.poll_transmit().unwrap(),
        [0x30, 0x05, 0, 1, b't', 0, b'x']
    );
}
