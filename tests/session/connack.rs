//! CONNACK: refusals, Session Present, and what the session does with its state.

use crate::peer::*;

/// A CONNACK of 0x80 or above ends the connection [MQTT-4.13.2-1].
#[test]
fn connack_refusal_v5_is_connection_refused_with_reason_string() {
    let mut peer = Peer::v5();
    peer.open();
    peer.server_sends(Packet::ConnAck(ConnAck {
        session_present: false,
        reason_code: ReasonCode::NotAuthorized,
        properties: Properties {
            reason_string: Some("no entry".into()),
            ..Properties::default()
        },
    }));
    let events = peer.events();
    assert!(!events.iter().any(|e| matches!(e, Event::Connected(_))));
    match the_disconnect(&events) {
        SessionError::ConnectionRefused {
            reason_code,
            reason_string,
            ..
        } => {
            assert_eq!(reason_code, ReasonCode::NotAuthorized);
            assert_eq!(reason_string.as_deref(), Some("no entry"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(peer.session.state(), State::Disconnected);
    // The client does not answer a refusal [MQTT-4.13.2-1]: the connection is over.
    assert!(peer.client_sent().is_empty());
}

#[test]
fn connack_refusal_v311_return_codes_map_to_reason_codes() {
    let expected = [
        (1, ReasonCode::UnsupportedProtocolVersion),
        (2, ReasonCode::ClientIdentifierNotValid),
        (3, ReasonCode::ServerUnavailable),
        (4, ReasonCode::BadUserNameOrPassword),
        (5, ReasonCode::NotAuthorized),
    ];
    for (code, rc) in expected {
        let mut peer = Peer::v3();
        peer.open();
        peer.server_sends_bytes(&[0x20, 0x02, 0x00, code]);
        match the_disconnect(&peer.events()) {
            SessionError::ConnectionRefused {
                reason_code,
                reason_string,
                ..
            } => {
                assert_eq!(reason_code, rc, "return code {code}");
                assert_eq!(reason_string, None);
            }
            other => panic!("return code {code}: {other:?}"),
        }
        assert!(peer.client_sent().is_empty());
    }
}

/// CONNACK 0x9C (Use another server) names the server in its Server Reference: the
/// application needs it to go there.
#[test]
fn connack_refusal_keeps_the_server_reference() {
    let mut peer = Peer::v5();
    peer.open();
    peer.server_sends(Packet::ConnAck(ConnAck {
        session_present: false,
        reason_code: ReasonCode::UseAnotherServer,
        properties: Properties {
            server_reference: Some("wss://other.example/mqtt".into()),
            ..Properties::default()
        },
    }));
    let error = the_disconnect(&peer.events());
    assert!(
        matches!(
            error,
            SessionError::ConnectionRefused {
                reason_code: ReasonCode::UseAnotherServer,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        format!("{error:?}").contains("wss://other.example/mqtt"),
        "the Server Reference is lost: {error:?}"
    );
}

#[test]
fn session_present_in_answer_to_clean_start_is_a_protocol_violation_mqtt_3_2_2_4() {
    // MQTT 5: DISCONNECT 0x82 then close.
    let mut peer = Peer::v5();
    peer.open();
    peer.server_sends(connack(true, Properties::default()));
    let events = peer.events();
    assert!(!events.iter().any(|e| matches!(e, Event::Connected(_))));
    assert_eq!(violation_code(&events), ReasonCode::ProtocolError);
    assert_eq!(
        disconnect_sent(&peer.client_sent()),
        Some(ReasonCode::ProtocolError)
    );
    assert_eq!(peer.session.state(), State::Disconnected);

    // 3.1.1: no reason codes; the connection is closed.
    let mut peer = Peer::v3();
    peer.open();
    peer.server_sends(connack(true, Properties::default()));
    assert_eq!(violation_code(&peer.events()), ReasonCode::ProtocolError);
    assert!(peer.client_sent().is_empty());
    assert_eq!(peer.session.state(), State::Disconnected);
}

/// Publishes QoS 1 "A", QoS 2 "B" (PUBREC received: PUBREL outstanding), QoS 2 "C", QoS 1 "D",
/// then loses the transport.
fn four_in_flight(version: ProtocolVersion) -> (Peer, [Token; 4]) {
    let mut peer = Peer::new(persistent(version));
    peer.connect(Properties::default());
    let a = peer.publish("t", b"A", QoS::AtLeastOnce);
    let b = peer.publish("t", b"B", QoS::ExactlyOnce);
    let c = peer.publish("t", b"C", QoS::ExactlyOnce);
    let d = peer.publish("t", b"D", QoS::AtLeastOnce);
    assert_eq!(
        peer.sent_names(),
        [
            "PUBLISH(A,1)",
            "PUBLISH(B,2)",
            "PUBLISH(C,3)",
            "PUBLISH(D,4)"
        ]
    );
    peer.server_sends(pubrec(2));
    assert_eq!(peer.sent_names(), ["PUBREL(2)"]);
    peer.drop_transport();
    peer.events();
    (peer, [a, b, c, d])
}

/// The session state outlives the connection [MQTT-3.1.2-23] and is used when the server
/// resumes it.
#[test]
fn resumed_session_resends_publishes_with_dup_and_pubrels_in_original_order_mqtt_4_4_0_1() {
    for version in [V4, V5] {
        let (mut peer, _) = four_in_flight(version);
        peer.connect_with(true, Properties::default());
        let sent = peer.client_sent();
        assert_eq!(
            describe_all(&sent),
            [
                "PUBLISH(A,1,dup)",
                "PUBREL(2)",
                "PUBLISH(C,3,dup)",
                "PUBLISH(D,4,dup)"
            ],
            "{version}: original packet ids, DUP set, original order"
        );
        let events = peer.events();
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::SessionNotResumed { .. })),
            "{events:?}"
        );
    }
}

#[test]
fn resent_publishes_keep_the_order_they_were_first_sent_in_mqtt_4_6_0_1() {
    // Acknowledging out of order in between does not change the order of what is resent.
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    for p in ["1", "2", "3", "4", "5"] {
        peer.publish("t", p.as_bytes(), QoS::AtLeastOnce);
    }
    peer.client_sent();
    peer.server_sends(puback(3));
    peer.server_sends(puback(1));
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    assert_eq!(
        peer.sent_names(),
        ["PUBLISH(2,2,dup)", "PUBLISH(4,4,dup)", "PUBLISH(5,5,dup)"]
    );
}

/// DUP depends only on whether this PUBLISH is a retransmission [MQTT-3.3.1-3].
#[test]
fn dup_is_set_on_every_redelivered_publish_mqtt_3_3_1_1() {
    let (mut peer, _) = four_in_flight(V5);
    peer.connect_with(true, Properties::default());
    for p in peer.client_sent() {
        if let Packet::Publish(p) = p {
            assert!(p.dup, "a re-delivery without DUP");
        }
    }
    // A second loss: DUP again.
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    let resent: Vec<_> = peer
        .client_sent()
        .into_iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some(p.dup),
            _ => None,
        })
        .collect();
    assert_eq!(resent, [true, true, true]);
}

/// While the connection lasts the session state is kept [MQTT-4.1.0-1]: the flows complete
/// when the server answers, however late.
#[test]
fn nothing_is_resent_while_the_connection_lasts_mqtt_4_4_0_1() {
    let mut o = options(V5);
    o.keep_alive = 10;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.publish("t", b"A", QoS::AtLeastOnce);
    peer.publish("t", b"B", QoS::ExactlyOnce);
    peer.client_sent();
    for _ in 0..30 {
        peer.advance(10_000);
        for p in peer.client_sent() {
            assert!(matches!(p, Packet::PingReq), "resent {}", describe(&p));
            peer.server_sends(Packet::PingResp);
        }
    }
    assert!(peer.session.is_connected());
    peer.server_sends(puback(1));
    peer.server_sends(pubrec(2));
    assert_eq!(peer.sent_names(), ["PUBREL(2)"]);
    peer.server_sends(pubcomp(2));
    assert_eq!(completed(&peer.events()).len(), 2);
}

#[test]
fn session_not_resumed_republishes_as_new_counts_delivered_and_resubscribes_mqtt_3_2_2_5() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    peer.subscribe(vec![
        filter("s/1", QoS::AtLeastOnce),
        filter("s/2", QoS::AtMostOnce),
    ]);
    peer.client_sent();
    peer.server_sends(suback(
        1,
        vec![ReasonCode::GrantedQoS1, ReasonCode::Success],
    ));
    let a = peer.publish("t", b"A", QoS::AtLeastOnce); // pid 2, unacknowledged
    let b = peer.publish("t", b"B", QoS::ExactlyOnce); // pid 3, PUBREC received
    let c = peer.publish("t", b"C", QoS::ExactlyOnce); // pid 4, unacknowledged
    peer.client_sent();
    peer.server_sends(pubrec(3));
    // An incoming QoS 2 message awaiting its PUBREL.
    peer.server_sends(publish("in", b"x", QoS::ExactlyOnce, 7, false));
    assert_eq!(peer.sent_names(), ["PUBREL(3)", "PUBREC(7)"]);
    peer.drop_transport();
    peer.events();

    peer.connect_with(false, Properties::default());
    let events = peer.events();
    assert!(matches!(events[0], Event::Connected(_)), "{events:?}");
    assert!(
        events.contains(&Event::SessionNotResumed {
            republished: 2,
            assumed_delivered: 1,
            incoming_forgotten: 1,
            resubscribing: 2,
        }),
        "{events:?}"
    );
    assert_eq!(completed(&events), [(b, ReasonCode::Success)]);
    assert!(failed(&events).is_empty());

    let sent = peer.client_sent();
    let names = describe_all(&sent);
    // The resubscribe first, then the publishes as new messages (DUP 0), no PUBREL for B.
    assert_eq!(names, ["SUBSCRIBE(5)", "PUBLISH(A,2)", "PUBLISH(C,4)"]);
    match &sent[0] {
        Packet::Subscribe(s) => {
            let filters: Vec<_> = s.filters.iter().map(|f| f.filter.as_ref()).collect();
            assert_eq!(filters, ["s/1", "s/2"]);
        }
        _ => unreachable!(),
    }
    // A and C complete normally in the new session.
    peer.server_sends(puback(2));
    peer.server_sends(pubrec(4));
    assert_eq!(peer.sent_names(), ["PUBREL(4)"]);
    peer.server_sends(pubcomp(4));
    let done: Vec<_> = completed(&peer.events())
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(done, [a, c]);
    // The forgotten incoming QoS 2: its PUBREL is unknown now.
    peer.server_sends(pubrel(7));
    match peer.client_sent().as_slice() {
        [Packet::PubComp(a)] => assert_eq!(a.reason_code, ReasonCode::PacketIdentifierNotFound),
        other => panic!("{:?}", describe_all(other)),
    }
}

#[test]
fn session_not_resumed_with_nothing_stored_emits_no_session_not_resumed() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    let events = peer.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(events[0], Event::Connected(_)));
}

#[test]
fn clean_start_reconnect_starts_a_new_session_mqtt_3_1_2_4() {
    // Clean Start 1 on every connection: the session is new each time. The engine's choice
    // for what it held: publishes not acknowledged go out again as new messages (DUP 0, the
    // application is told), QoS 2 past PUBREC count as delivered.
    for version in [V4, V5] {
        let mut peer = Peer::new(options(version));
        peer.connect(Properties::default());
        peer.publish("t", b"A", QoS::AtLeastOnce);
        peer.publish("t", b"B", QoS::ExactlyOnce);
        peer.client_sent();
        peer.server_sends(pubrec(2));
        peer.client_sent();
        peer.drop_transport();
        let c = peer.connect(Properties::default());
        assert!(c.clean_start);
        assert_eq!(peer.sent_names(), ["PUBLISH(A,1)"], "{version}");
        let events = peer.events();
        assert!(
            events.iter().any(|e| matches!(
                e,
                Event::SessionNotResumed {
                    republished: 1,
                    assumed_delivered: 1,
                    ..
                }
            )),
            "{version}: {events:?}"
        );
    }
}

#[test]
fn resubscribe_groups_filters_per_subscription_identifier() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    let opts = SubscriptionOptions {
        qos: QoS::ExactlyOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    let with_id = |id: u32| Properties {
        subscription_identifiers: vec![id],
        ..Properties::default()
    };
    let s = &mut peer.session;
    s.subscribe(
        0,
        vec![
            filter("a", QoS::AtLeastOnce),
            SubscribeFilter {
                filter: "b".into(),
                options: opts,
            },
        ],
        with_id(1),
    )
    .unwrap();
    s.subscribe(0, vec![filter("c", QoS::AtMostOnce)], with_id(2))
        .unwrap();
    s.subscribe(0, vec![filter("d", QoS::AtMostOnce)], Properties::default())
        .unwrap();
    s.subscribe(0, vec![filter("e", QoS::AtLeastOnce)], with_id(1))
        .unwrap();
    peer.client_sent();
    peer.server_sends(suback(
        1,
        vec![ReasonCode::GrantedQoS1, ReasonCode::GrantedQoS2],
    ));
    peer.server_sends(suback(2, vec![ReasonCode::Success]));
    peer.server_sends(suback(3, vec![ReasonCode::Success]));
    peer.server_sends(suback(4, vec![ReasonCode::GrantedQoS1]));
    peer.drop_transport();
    peer.connect_with(false, Properties::default());
    type Group = (Vec<u32>, Vec<(String, SubscriptionOptions)>);
    let mut groups: Vec<Group> = peer
        .client_sent()
        .into_iter()
        .map(|p| match p {
            Packet::Subscribe(s) => (
                s.properties.subscription_identifiers.clone(),
                s.filters
                    .iter()
                    .map(|f| (f.filter.to_string(), f.options))
                    .collect(),
            ),
            other => panic!("{}", describe(&other)),
        })
        .collect();
    groups.sort_by(|x, y| x.0.cmp(&y.0));
    let q = SubscriptionOptions::qos;
    assert_eq!(
        groups,
        [
            (vec![], vec![("d".to_string(), q(QoS::AtMostOnce))]),
            (
                vec![1],
                vec![
                    ("a".to_string(), q(QoS::AtLeastOnce)),
                    ("b".to_string(), opts),
                    ("e".to_string(), q(QoS::AtLeastOnce)),
                ]
            ),
            (vec![2], vec![("c".to_string(), q(QoS::AtMostOnce))]),
        ]
    );
}

#[test]
fn resubscribe_sends_only_granted_filters_and_reports_with_no_token() {
    let mut peer = Peer::new(persistent(V4));
    peer.connect(Properties::default());
    peer.subscribe(vec![
        filter("ok", QoS::AtLeastOnce),
        filter("no", QoS::AtLeastOnce),
    ]);
    peer.client_sent();
    peer.server_sends(suback(
        1,
        vec![ReasonCode::GrantedQoS1, ReasonCode::UnspecifiedError],
    ));
    peer.drop_transport();
    peer.events();
    peer.connect_with(false, Properties::default());
    let sent = peer.client_sent();
    match sent.as_slice() {
        [Packet::Subscribe(s)] => {
            let filters: Vec<_> = s.filters.iter().map(|f| f.filter.as_ref()).collect();
            assert_eq!(filters, ["ok"]);
            peer.server_sends(suback(s.pid.get(), vec![ReasonCode::GrantedQoS1]));
        }
        other => panic!("{:?}", describe_all(other)),
    }
    let events = peer.events();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Subscribed { token: None, reason_codes, .. } if *reason_codes == [ReasonCode::GrantedQoS1]
    )));
}

#[test]
fn resubscribe_off_leaves_subscriptions_alone() {
    let mut o = persistent(V5);
    o.resubscribe = false;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.subscribe(vec![filter("a", QoS::AtLeastOnce)]);
    peer.client_sent();
    peer.server_sends(suback(1, vec![ReasonCode::GrantedQoS1]));
    peer.drop_transport();
    peer.connect_with(false, Properties::default());
    assert!(peer.client_sent().is_empty());
}

#[test]
fn resumed_session_does_not_resubscribe() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    peer.subscribe(vec![filter("a", QoS::AtLeastOnce)]);
    peer.client_sent();
    peer.server_sends(suback(1, vec![ReasonCode::GrantedQoS1]));
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    assert!(peer.client_sent().is_empty());
}

#[test]
fn subscribe_awaiting_suback_is_sent_again_after_reconnect() {
    for present in [false, true] {
        let mut peer = Peer::new(persistent(V5));
        peer.connect(Properties::default());
        let t = peer.subscribe(vec![filter("a", QoS::AtLeastOnce)]);
        peer.client_sent();
        peer.drop_transport();
        peer.connect_with(present, Properties::default());
        assert_eq!(peer.sent_names(), ["SUBSCRIBE(1)"], "present {present}");
        peer.server_sends(suback(1, vec![ReasonCode::GrantedQoS1]));
        assert!(peer.events().contains(&Event::Subscribed {
            token: Some(t),
            pid: pid(1),
            reason_codes: vec![ReasonCode::GrantedQoS1],
        }));
    }
}
