//! The server's CONNACK properties, honoured: Receive Maximum, Maximum QoS, Retain Available,
//! Maximum Packet Size, Topic Alias Maximum, Server Keep Alive, Assigned Client Identifier,
//! wildcard / subscription identifier / shared subscription availability.

use std::borrow::Cow;

use crate::peer::*;

fn v5_connected(props: Properties<'static>) -> Peer {
    let mut peer = Peer::v5();
    peer.connect(props);
    peer.events();
    peer
}

fn receive_maximum(n: u16) -> Properties<'static> {
    Properties {
        receive_maximum: Some(n),
        ..Properties::default()
    }
}

/// The send quota starts at the server's Receive Maximum [MQTT-4.9.0-1].
#[test]
fn server_receive_maximum_limits_publishes_in_flight_mqtt_3_3_4_7() {
    let mut peer = v5_connected(receive_maximum(2));
    for p in ["1", "2", "3", "4"] {
        peer.publish("t", p.as_bytes(), QoS::AtLeastOnce);
    }
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)", "PUBLISH(2,2)"]);
    let s = peer.session.stats();
    assert_eq!(
        (s.inflight_out, s.outbound_queued, s.send_window),
        (2, 2, 2)
    );
    peer.server_sends(puback(1));
    assert_eq!(peer.sent_names(), ["PUBLISH(3,3)"]);
    peer.server_sends(puback(2));
    assert_eq!(peer.sent_names(), ["PUBLISH(4,4)"]);
    peer.server_sends(puback(3));
    peer.server_sends(puback(4));
    assert_eq!(completed(&peer.events()).len(), 4);
    assert!(peer.session.is_outgoing_empty());
}

#[test]
fn qos2_publish_holds_its_send_quota_until_pubcomp_mqtt_4_9_0_2() {
    let mut peer = v5_connected(receive_maximum(1));
    peer.publish("t", b"A", QoS::ExactlyOnce);
    peer.publish("t", b"B", QoS::AtLeastOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(A,1)"]);
    peer.server_sends(pubrec(1));
    assert_eq!(
        peer.sent_names(),
        ["PUBREL(1)"],
        "PUBREC does not free the quota"
    );
    peer.server_sends(pubcomp(1));
    assert_eq!(peer.sent_names(), ["PUBLISH(B,2)"]);
}

#[test]
fn pubrec_with_error_frees_the_send_quota_mqtt_3_3_4_7() {
    let mut peer = v5_connected(receive_maximum(1));
    peer.publish("t", b"A", QoS::ExactlyOnce);
    peer.publish("t", b"B", QoS::AtLeastOnce);
    peer.client_sent();
    peer.server_sends(Packet::PubRec(ack(1, ReasonCode::QuotaExceeded)));
    assert_eq!(peer.sent_names(), ["PUBLISH(B,2)"]);
}

#[test]
fn max_inflight_option_caps_the_window_under_the_server_receive_maximum() {
    let mut o = options(V5);
    o.max_inflight = 2;
    let mut peer = Peer::new(o);
    peer.connect(receive_maximum(10));
    for p in ["1", "2", "3"] {
        peer.publish("t", p.as_bytes(), QoS::AtLeastOnce);
    }
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)", "PUBLISH(2,2)"]);
    assert_eq!(peer.session.stats().send_window, 2);
}

#[test]
fn acks_and_pings_are_not_delayed_by_a_full_send_quota_mqtt_4_9_0_3() {
    let mut o = options(V5);
    o.keep_alive = 10;
    let mut peer = Peer::new(o);
    peer.connect(receive_maximum(1));
    peer.publish("t", b"A", QoS::AtLeastOnce);
    peer.publish("t", b"B", QoS::AtLeastOnce);
    peer.client_sent();
    peer.server_sends(publish("in", b"x", QoS::AtLeastOnce, 9, false));
    assert_eq!(peer.sent_names(), ["PUBACK(9)"]);
    peer.advance(10_000);
    assert_eq!(peer.sent_names(), ["PINGREQ"]);
}

#[test]
fn subscribe_is_not_delayed_by_a_full_send_quota_mqtt_3_3_4_8() {
    let mut peer = v5_connected(receive_maximum(1));
    peer.publish("t", b"A", QoS::AtLeastOnce);
    peer.publish("t", b"B", QoS::AtLeastOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(A,1)"]);
    peer.subscribe(vec![filter("x", QoS::AtLeastOnce)]);
    let sent = peer.client_sent();
    assert!(
        sent.iter().any(|p| matches!(p, Packet::Subscribe(_))),
        "SUBSCRIBE waits behind a PUBLISH held by the server's Receive Maximum: {:?}",
        describe_all(&sent)
    );
}

#[test]
fn unsubscribe_is_not_delayed_by_a_full_send_quota_mqtt_3_3_4_8() {
    let mut peer = v5_connected(receive_maximum(1));
    peer.publish("t", b"A", QoS::AtLeastOnce);
    peer.publish("t", b"B", QoS::AtLeastOnce);
    peer.client_sent();
    peer.session
        .unsubscribe(peer.now, vec!["x".into()], Properties::default())
        .unwrap();
    let sent = peer.client_sent();
    assert!(
        sent.iter().any(|p| matches!(p, Packet::Unsubscribe(_))),
        "UNSUBSCRIBE waits behind a PUBLISH held by the server's Receive Maximum: {:?}",
        describe_all(&sent)
    );
}

fn maximum_qos(q: QoS) -> Properties<'static> {
    Properties {
        maximum_qos: Some(q),
        ..Properties::default()
    }
}

#[test]
fn maximum_qos_refuses_higher_qos_publishes_mqtt_3_2_2_11() {
    let mut peer = v5_connected(maximum_qos(QoS::AtLeastOnce));
    let r = peer.session.publish(0, msg("t", b"2", QoS::ExactlyOnce));
    assert_eq!(r, Err(SessionError::QoSNotSupported));
    peer.publish("t", b"1", QoS::AtLeastOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)"]);

    let mut peer = v5_connected(maximum_qos(QoS::AtMostOnce));
    let r = peer.session.publish(0, msg("t", b"1", QoS::AtLeastOnce));
    assert_eq!(r, Err(SessionError::QoSNotSupported));
    peer.publish("t", b"0", QoS::AtMostOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(0)"]);
}

#[test]
fn publish_queued_offline_above_maximum_qos_fails_and_is_not_sent_mqtt_3_2_2_11() {
    let mut peer = Peer::v5();
    let a = peer.publish("t", b"A", QoS::ExactlyOnce);
    peer.publish("t", b"B", QoS::AtLeastOnce);
    peer.connect(maximum_qos(QoS::AtLeastOnce));
    assert_eq!(peer.sent_names(), ["PUBLISH(B,1)"]);
    assert_eq!(failed(&peer.events()), [(a, SessionError::QoSNotSupported)]);
}

/// A QoS 2 publish in flight when the session is lost, republished as a new message to a
/// server that now announces Maximum QoS 1.
#[test]
fn republished_message_respects_the_new_maximum_qos_mqtt_3_2_2_11() {
    let mut peer = Peer::new(persistent(V5));
    peer.connect(Properties::default());
    let a = peer.publish("t", b"A", QoS::ExactlyOnce);
    peer.client_sent();
    peer.drop_transport();
    peer.events();
    peer.connect_with(false, maximum_qos(QoS::AtLeastOnce));
    for p in peer.client_sent() {
        if let Packet::Publish(p) = p {
            assert!(
                p.qos_pid.qos() <= QoS::AtLeastOnce,
                "QoS 2 PUBLISH to a server whose Maximum QoS is 1"
            );
        }
    }
    let events = peer.events();
    assert!(
        failed(&events).iter().any(|(t, _)| *t == a),
        "the QoS 2 publish is neither sent nor failed: {events:?}"
    );
}

#[test]
fn retain_unavailable_refuses_retained_publishes_mqtt_3_2_2_14() {
    let mut peer = v5_connected(Properties {
        retain_available: Some(false),
        ..Properties::default()
    });
    let retained = Message {
        retain: true,
        ..msg("t", b"r", QoS::AtLeastOnce)
    };
    assert_eq!(
        peer.session.publish(0, retained.clone()),
        Err(SessionError::RetainNotSupported)
    );
    peer.publish("t", b"n", QoS::AtLeastOnce);
    let sent = peer.client_sent();
    assert_eq!(describe_all(&sent), ["PUBLISH(n,1)"]);

    // Queued offline, then refused once the server says so.
    let mut peer = Peer::v5();
    let t = peer.session.publish(0, retained).unwrap();
    peer.connect(Properties {
        retain_available: Some(false),
        ..Properties::default()
    });
    assert!(peer.client_sent().is_empty());
    assert_eq!(
        failed(&peer.events()),
        [(t, SessionError::RetainNotSupported)]
    );
}

fn max_packet(n: u32) -> Properties<'static> {
    Properties {
        maximum_packet_size: Some(n),
        ..Properties::default()
    }
}

#[test]
fn publish_over_server_maximum_packet_size_fails_before_it_is_sent_mqtt_3_2_2_15() {
    let mut peer = v5_connected(max_packet(64));
    // QoS 0 to "t": 2 bytes of fixed header, 3 of topic, 1 of property length, the payload.
    let r = peer.session.publish(0, msg("t", &[0; 59], QoS::AtMostOnce));
    assert_eq!(r, Err(SessionError::PacketTooLarge { size: 65, max: 64 }));
    // QoS 1 adds a packet id.
    let r = peer
        .session
        .publish(0, msg("t", &[0; 57], QoS::AtLeastOnce));
    assert_eq!(r, Err(SessionError::PacketTooLarge { size: 65, max: 64 }));
    assert!(peer.client_sent().is_empty());
    // Exactly the maximum goes out.
    peer.publish("t", &[0; 58], QoS::AtMostOnce);
    peer.publish("t", &[0; 56], QoS::AtLeastOnce);
    let sent = peer.client_sent();
    assert_eq!(sent.len(), 2);
    for p in &sent {
        assert_eq!(p.encoded_len(V5), Ok(64));
    }
}

#[test]
fn publish_queued_offline_over_server_maximum_packet_size_fails_and_is_not_sent_mqtt_3_2_2_15() {
    let mut peer = Peer::v5();
    let big = peer.publish("t", &[0; 100], QoS::AtLeastOnce);
    let ok = peer.publish("t", b"ok", QoS::AtLeastOnce);
    peer.connect(max_packet(20));
    let sent = peer.client_sent();
    assert_eq!(describe_all(&sent), ["PUBLISH(ok,1)"]);
    let events = peer.events();
    assert!(matches!(
        failed(&events).as_slice(),
        [(t, SessionError::PacketTooLarge { max: 20, .. })] if *t == big
    ));
    peer.server_sends(puback(1));
    assert_eq!(completed(&peer.events()), [(ok, ReasonCode::Success)]);
}

/// The payload and topic fit under the server's maximum, the whole packet does not: the
/// publish fails, and `messages_sent` ("application messages sent") must not count it.
#[test]
fn publish_that_fails_for_size_is_not_counted_as_sent() {
    let mut peer = Peer::v5();
    // Topic 1 byte + payload 15 bytes = 16 <= 20, but the PUBLISH is 23 bytes.
    let t = peer.publish("t", &[0; 15], QoS::AtLeastOnce);
    peer.connect(max_packet(20));
    assert!(peer.client_sent().is_empty());
    assert!(matches!(
        failed(&peer.events()).as_slice(),
        [(tok, SessionError::PacketTooLarge { size: 23, max: 20 })] if *tok == t
    ));
    let s = peer.session.stats();
    assert_eq!(s.inflight_out, 0);
    assert_eq!(
        s.messages_sent, 0,
        "a publish never sent is counted as sent"
    );
}

#[test]
fn subscribe_over_server_maximum_packet_size_is_never_sent_mqtt_3_2_2_15() {
    let mut peer = v5_connected(max_packet(32));
    let long = "x".repeat(100);
    match peer.session.subscribe(
        0,
        vec![filter(&long, QoS::AtMostOnce)],
        Properties::default(),
    ) {
        Err(e) => assert!(matches!(e, SessionError::PacketTooLarge { .. }), "{e:?}"),
        Ok(t) => {
            let events = peer.events();
            assert!(
                events.iter().any(|e| matches!(
                    e,
                    Event::RequestFailed { token, error: SessionError::PacketTooLarge { .. } } if *token == t
                )),
                "{events:?}"
            );
        }
    }
    assert!(peer.client_sent().is_empty());
}

fn aliases(n: u16) -> Properties<'static> {
    Properties {
        topic_alias_maximum: Some(n),
        ..Properties::default()
    }
}

fn auto_alias_peer(server_max: u16) -> Peer {
    let mut o = options(V5);
    o.auto_topic_alias = true;
    let mut peer = Peer::new(o);
    peer.connect(aliases(server_max));
    peer.events();
    peer
}

/// (topic, alias) of each PUBLISH.
fn topics_and_aliases(sent: &[Packet<'_>]) -> Vec<(String, Option<u16>)> {
    sent.iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some((p.topic.to_string(), p.properties.topic_alias)),
            _ => None,
        })
        .collect()
}

#[test]
fn automatic_topic_aliases_assign_reuse_and_replace_the_least_recently_used_mqtt_3_3_2_9() {
    let mut peer = auto_alias_peer(2);
    for topic in ["a", "a", "b", "c", "a", "c"] {
        peer.publish(topic, b"p", QoS::AtMostOnce);
    }
    let sent = peer.client_sent();
    let s = |t: &str, a: u16| (t.to_string(), Some(a));
    assert_eq!(
        topics_and_aliases(&sent),
        [
            s("a", 1),
            s("", 1),
            s("b", 2),
            s("c", 1),
            s("a", 2),
            s("", 1)
        ]
    );
    let resolved: Vec<_> = peer.published_topics.iter().flatten().cloned().collect();
    assert_eq!(resolved, ["a", "a", "b", "c", "a", "c"]);
}

#[test]
fn no_topic_alias_without_a_server_topic_alias_maximum_mqtt_3_2_2_18() {
    let mut peer = auto_alias_peer(0);
    peer.publish("a", b"p", QoS::AtMostOnce);
    peer.publish("a", b"p", QoS::AtMostOnce);
    let sent = peer.client_sent();
    assert_eq!(
        topics_and_aliases(&sent),
        [("a".to_string(), None), ("a".to_string(), None)]
    );
    // Absent altogether.
    let mut o = options(V5);
    o.auto_topic_alias = true;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.publish("a", b"p", QoS::AtMostOnce);
    peer.publish("a", b"p", QoS::AtMostOnce);
    let sent = peer.client_sent();
    assert!(topics_and_aliases(&sent).iter().all(|(_, a)| a.is_none()));
}

#[test]
fn no_automatic_topic_alias_unless_asked() {
    let mut peer = v5_connected(aliases(10));
    peer.publish("a", b"p", QoS::AtMostOnce);
    peer.publish("a", b"p", QoS::AtMostOnce);
    let sent = peer.client_sent();
    assert!(topics_and_aliases(&sent).iter().all(|(_, a)| a.is_none()));
}

#[test]
fn topic_aliases_start_over_on_each_connection_mqtt_3_3_2_7() {
    let mut o = persistent(V5);
    o.auto_topic_alias = true;
    let mut peer = Peer::new(o);
    peer.connect(aliases(2));
    peer.publish("a", b"1", QoS::AtLeastOnce);
    peer.publish("a", b"2", QoS::AtLeastOnce);
    let sent = peer.client_sent();
    assert_eq!(
        topics_and_aliases(&sent),
        [("a".to_string(), Some(1)), (String::new(), Some(1))]
    );
    peer.drop_transport();
    // Resumed: both are resent; the first one carries the topic again.
    peer.connect_with(true, aliases(2));
    let sent = peer.client_sent();
    assert_eq!(
        topics_and_aliases(&sent),
        [("a".to_string(), Some(1)), (String::new(), Some(1))]
    );
    peer.drop_transport();
    // A new connection where the server allows no alias at all.
    peer.connect_with(true, Properties::default());
    let sent = peer.client_sent();
    assert_eq!(
        topics_and_aliases(&sent),
        [("a".to_string(), None), ("a".to_string(), None)]
    );
    assert!(peer
        .published_topics
        .iter()
        .all(|t| t.as_deref() == Some("a")));
}

#[test]
fn explicit_topic_alias_above_the_server_maximum_is_never_sent_mqtt_3_3_2_9_mqtt_3_2_2_17() {
    let mut peer = v5_connected(aliases(2));
    let m = Message {
        properties: Properties {
            topic_alias: Some(5),
            ..Properties::default()
        },
        ..msg("a", b"p", QoS::AtMostOnce)
    };
    let _ = peer.session.publish(0, m);
    for (_, alias) in topics_and_aliases(&peer.client_sent()) {
        assert!(
            !matches!(alias, Some(a) if a > 2),
            "Topic Alias {alias:?} above the server's maximum 2"
        );
    }
}

#[test]
fn explicit_topic_alias_is_never_sent_when_the_server_allows_none_mqtt_3_2_2_18() {
    let mut peer = v5_connected(Properties::default());
    let m = Message {
        properties: Properties {
            topic_alias: Some(1),
            ..Properties::default()
        },
        ..msg("a", b"p", QoS::AtMostOnce)
    };
    let _ = peer.session.publish(0, m);
    for (_, alias) in topics_and_aliases(&peer.client_sent()) {
        assert_eq!(alias, None, "Topic Alias sent to a server that allows none");
    }
}

#[test]
fn topic_alias_0_is_refused_at_the_call_mqtt_3_3_2_8() {
    let mut peer = v5_connected(aliases(2));
    let m = Message {
        properties: Properties {
            topic_alias: Some(0),
            ..Properties::default()
        },
        ..msg("a", b"p", QoS::AtMostOnce)
    };
    assert!(matches!(
        peer.session.publish(0, m),
        Err(SessionError::InvalidPacket(_))
    ));
    assert!(peer.client_sent().is_empty());
}

/// An alias the application sets itself must not leave the automatic aliases pointing at
/// another topic on the server's side.
#[test]
fn explicit_topic_alias_does_not_corrupt_automatic_aliases() {
    let mut peer = auto_alias_peer(2);
    peer.publish("a", b"1", QoS::AtMostOnce);
    let explicit = Message {
        properties: Properties {
            topic_alias: Some(1),
            ..Properties::default()
        },
        ..msg("b", b"2", QoS::AtMostOnce)
    };
    peer.session.publish(0, explicit).unwrap();
    peer.publish("a", b"3", QoS::AtMostOnce);
    peer.client_sent();
    assert_eq!(
        peer.published_topics,
        [Some("a".into()), Some("b".into()), Some("a".into())],
        "the server delivers the third message to the wrong topic"
    );
}

/// A PUBLISH of exactly the server's Maximum Packet Size without an alias: assigning an
/// automatic alias (3 more bytes) must not make it fail.
#[test]
fn automatic_topic_alias_does_not_make_a_fitting_publish_too_large_mqtt_3_2_2_15() {
    let mut o = options(V5);
    o.auto_topic_alias = true;
    let mut peer = Peer::new(o);
    peer.connect(Properties {
        topic_alias_maximum: Some(2),
        maximum_packet_size: Some(64),
        ..Properties::default()
    });
    peer.events();
    let t = peer.publish("t", &[0; 58], QoS::AtMostOnce);
    assert_eq!(peer.client_sent().len(), 1, "the publish was not sent");
    assert_eq!(completed(&peer.events()), [(t, ReasonCode::Success)]);
}

/// After a publish failed to encode, its topic's alias must not be reused: the server never
/// learned it.
#[test]
fn alias_of_a_publish_that_was_never_sent_is_not_reused() {
    let mut o = options(V5);
    o.auto_topic_alias = true;
    let mut peer = Peer::new(o);
    peer.connect(Properties {
        topic_alias_maximum: Some(2),
        maximum_packet_size: Some(64),
        ..Properties::default()
    });
    let _ = peer.session.publish(0, msg("t", &[0; 58], QoS::AtMostOnce));
    peer.publish("t", b"small", QoS::AtMostOnce);
    peer.client_sent();
    assert!(
        peer.published_topics
            .iter()
            .all(|t| t.as_deref() == Some("t")),
        "a PUBLISH uses an alias the server never saw: {:?}",
        peer.published_topics
    );
}

#[test]
fn server_keep_alive_replaces_ours_mqtt_3_1_2_21_mqtt_3_2_2_21() {
    let mut o = options(V5);
    o.keep_alive = 60;
    let mut peer = Peer::new(o);
    let c = peer.connect(Properties {
        server_keep_alive: Some(5),
        ..Properties::default()
    });
    assert_eq!(c.keep_alive, 60);
    assert_eq!(peer.session.keep_alive_ms(), 5_000);
    assert_eq!(peer.session.poll_timeout(), Some(5_000));
    peer.advance_to(4_999);
    assert!(peer.client_sent().is_empty());
    peer.advance_to(5_000);
    assert_eq!(peer.sent_names(), ["PINGREQ"]);

    // Server Keep Alive 0 turns keepalive off.
    let mut peer = Peer::new(options(V5));
    peer.connect(Properties {
        server_keep_alive: Some(0),
        ..Properties::default()
    });
    assert_eq!(peer.session.poll_timeout(), None);
    peer.advance(1_000_000);
    assert!(peer.client_sent().is_empty());
}

#[test]
fn assigned_client_identifier_is_used_on_the_next_connect_mqtt_3_1_3_2() {
    let mut o = persistent(V5);
    o.client_id = String::new();
    let mut peer = Peer::new(o);
    let c = peer.open();
    assert_eq!(c.client_id, "");
    peer.server_sends(connack(
        false,
        Properties {
            assigned_client_identifier: Some("srv-42".into()),
            ..Properties::default()
        },
    ));
    assert_eq!(peer.session.options().client_id, "srv-42");
    peer.drop_transport();
    let c = peer.open();
    assert_eq!(c.client_id, "srv-42");
}

#[test]
fn wildcard_subscriptions_unavailable_refuses_wildcard_filters() {
    let mut peer = v5_connected(Properties {
        wildcard_subscription_available: Some(false),
        ..Properties::default()
    });
    for f in ["a/+", "a/#", "#", "+"] {
        assert_eq!(
            peer.session
                .subscribe(0, vec![filter(f, QoS::AtMostOnce)], Properties::default()),
            Err(SessionError::WildcardSubscriptionsNotSupported),
            "{f}"
        );
    }
    peer.subscribe(vec![filter("a/b", QoS::AtMostOnce)]);
    assert_eq!(peer.sent_names(), ["SUBSCRIBE(1)"]);
}

#[test]
fn subscription_identifiers_unavailable_refuses_subscription_identifiers() {
    let mut peer = v5_connected(Properties {
        subscription_identifier_available: Some(false),
        ..Properties::default()
    });
    let props = Properties {
        subscription_identifiers: vec![7],
        ..Properties::default()
    };
    assert_eq!(
        peer.session
            .subscribe(0, vec![filter("a", QoS::AtMostOnce)], props),
        Err(SessionError::SubscriptionIdentifiersNotSupported)
    );
    peer.subscribe(vec![filter("a", QoS::AtMostOnce)]);
    assert_eq!(peer.sent_names(), ["SUBSCRIBE(1)"]);
}

#[test]
fn shared_subscriptions_unavailable_refuses_shared_filters() {
    let mut peer = v5_connected(Properties {
        shared_subscription_available: Some(false),
        ..Properties::default()
    });
    assert_eq!(
        peer.session.subscribe(
            0,
            vec![filter("$share/g/a", QoS::AtMostOnce)],
            Properties::default()
        ),
        Err(SessionError::SharedSubscriptionsNotSupported)
    );
    peer.subscribe(vec![filter("a", QoS::AtMostOnce)]);
    assert_eq!(peer.sent_names(), ["SUBSCRIBE(1)"]);
}

#[test]
fn subscribe_queued_offline_fails_when_the_server_lacks_the_feature() {
    let mut peer = Peer::v5();
    let t = peer.subscribe(vec![filter("a/#", QoS::AtMostOnce)]);
    let ok = peer.subscribe(vec![filter("a/b", QoS::AtMostOnce)]);
    peer.connect(Properties {
        wildcard_subscription_available: Some(false),
        ..Properties::default()
    });
    assert_eq!(peer.sent_names(), ["SUBSCRIBE(1)"]);
    let events = peer.events();
    assert!(events.contains(&Event::RequestFailed {
        token: t,
        error: SessionError::WildcardSubscriptionsNotSupported
    }));
    peer.server_sends(suback(1, vec![ReasonCode::Success]));
    assert!(peer.events().contains(&Event::Subscribed {
        token: Some(ok),
        pid: pid(1),
        reason_codes: vec![ReasonCode::Success]
    }));
}

#[test]
fn payload_of_any_size_up_to_the_limit_is_sent_unchanged() {
    let mut peer = v5_connected(Properties::default());
    let payload: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    peer.session
        .publish(0, msg("big", &payload, QoS::AtLeastOnce))
        .unwrap();
    match peer.client_sent().as_slice() {
        [Packet::Publish(p)] => assert_eq!(p.payload, Cow::<[u8]>::Owned(payload)),
        other => panic!("{:?}", describe_all(other)),
    }
}
