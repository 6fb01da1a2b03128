//! SUBSCRIBE and UNSUBSCRIBE: per-filter results, options on the wire, filter validation.

use crate::peer::*;

fn connected(version: ProtocolVersion) -> Peer {
    let mut peer = Peer::new(options(version));
    peer.connect(Properties::default());
    peer.events();
    peer
}

fn remembered(peer: &Peer) -> Vec<String> {
    peer.session
        .subscriptions()
        .map(|(f, _)| f.to_string())
        .collect()
}

#[test]
fn subscribe_reports_one_result_per_filter_v5_mqtt_3_9_3_1() {
    let mut peer = connected(V5);
    let t = peer.subscribe(vec![
        filter("a", QoS::AtLeastOnce),
        filter("b", QoS::ExactlyOnce),
        filter("c", QoS::ExactlyOnce),
    ]);
    let sent = peer.client_sent();
    match sent.as_slice() {
        [Packet::Subscribe(s)] => {
            assert_eq!(s.pid, pid(1));
            let fs: Vec<_> = s.filters.iter().map(|f| f.filter.as_ref()).collect();
            assert_eq!(fs, ["a", "b", "c"]);
        }
        other => panic!("{:?}", describe_all(other)),
    }
    let codes = vec![
        ReasonCode::GrantedQoS1,
        ReasonCode::NotAuthorized,
        ReasonCode::GrantedQoS1, // granted lower than asked
    ];
    peer.server_sends(suback(1, codes.clone()));
    assert_eq!(
        peer.events(),
        [Event::Subscribed {
            token: Some(t),
            pid: pid(1),
            reason_codes: codes
        }]
    );
    assert_eq!(
        remembered(&peer),
        ["a", "c"],
        "refused filters are not remembered"
    );
}

#[test]
fn subscribe_reports_one_result_per_filter_v311() {
    let mut peer = connected(V4);
    let t = peer.subscribe(vec![
        filter("a", QoS::ExactlyOnce),
        filter("b", QoS::AtMostOnce),
    ]);
    peer.client_sent();
    peer.server_sends_bytes(&[0x90, 0x04, 0x00, 0x01, 0x02, 0x80]);
    assert_eq!(
        peer.events(),
        [Event::Subscribed {
            token: Some(t),
            pid: pid(1),
            reason_codes: vec![ReasonCode::GrantedQoS2, ReasonCode::UnspecifiedError]
        }]
    );
    assert_eq!(remembered(&peer), ["a"]);
}

#[test]
fn subscribe_v5_options_and_properties_reach_the_wire() {
    let mut peer = connected(V5);
    let opts = SubscriptionOptions {
        qos: QoS::AtLeastOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    let props = Properties {
        subscription_identifiers: vec![77],
        user_properties: vec![("k".into(), "v".into())],
        ..Properties::default()
    };
    peer.session
        .subscribe(
            0,
            vec![
                SubscribeFilter {
                    filter: "a/+".into(),
                    options: opts,
                },
                SubscribeFilter {
                    filter: "b/#".into(),
                    options: SubscriptionOptions {
                        retain_handling: RetainHandling::SendIfNewSubscription,
                        ..SubscriptionOptions::qos(QoS::ExactlyOnce)
                    },
                },
            ],
            props.clone(),
        )
        .unwrap();
    // Check the options byte itself, not only its decoding.
    let mut raw = Vec::new();
    let bytes = peer.session.poll_transmit().unwrap();
    raw.extend_from_slice(&bytes);
    match Packet::decode(&raw, V5).unwrap().unwrap().0 {
        Packet::Subscribe(s) => {
            assert_eq!(s.filters[0].options, opts);
            assert_eq!(s.properties, props);
        }
        other => panic!("{}", describe(&other)),
    }
    // ... "a/+" then its options byte: QoS 1 | No Local | RAP | Retain Handling 2.
    let pos = raw.windows(3).position(|w| w == b"a/+").unwrap();
    assert_eq!(raw[pos + 3], 0b0010_1101);
    let pos = raw.windows(3).position(|w| w == b"b/#").unwrap();
    assert_eq!(raw[pos + 3], 0b0001_0010);
}

#[test]
fn subscribe_v5_options_are_refused_in_v311() {
    let mut peer = connected(V4);
    let r = peer.session.subscribe(
        0,
        vec![SubscribeFilter {
            filter: "a".into(),
            options: SubscriptionOptions {
                no_local: true,
                ..SubscriptionOptions::qos(QoS::AtMostOnce)
            },
        }],
        Properties::default(),
    );
    assert!(matches!(r, Err(SessionError::InvalidPacket(_))), "{r:?}");
    assert!(peer.client_sent().is_empty());
}

/// Filters are UTF-8 Encoded Strings [MQTT-3.8.3-1] [MQTT-3.10.3-1] of at least one
/// character [MQTT-4.7.3-1] without U+0000 [MQTT-4.7.3-2].
#[test]
fn invalid_topic_filters_are_refused_at_the_call_mqtt_4_7_1_1_mqtt_4_7_1_2_mqtt_4_8_2_1_mqtt_4_8_2_2(
) {
    let mut peer = connected(V5);
    let bad = [
        "a/#/b",
        "a/b#",
        "#/",
        "a+/b",
        "a/+b",
        "",
        "$share/",
        "$share//a",
        "$share/g",
        "$share/g/",
        "$share/g+/a",
        "$share/g#/a",
        "a\0b",
    ];
    for f in bad {
        let r = peer
            .session
            .subscribe(0, vec![filter(f, QoS::AtMostOnce)], Properties::default());
        assert!(
            matches!(r, Err(SessionError::InvalidPacket(_))),
            "{f:?}: {r:?}"
        );
        let r = peer
            .session
            .unsubscribe(0, vec![f.to_string()], Properties::default());
        assert!(
            matches!(r, Err(SessionError::InvalidPacket(_))),
            "unsubscribe {f:?}: {r:?}"
        );
    }
    let good = [
        "#",
        "+",
        "a/+/b",
        "a/#",
        "+/+",
        "/",
        "$share/g/a/#",
        "$SYS/#",
    ];
    for f in good {
        peer.session
            .subscribe(0, vec![filter(f, QoS::AtMostOnce)], Properties::default())
            .unwrap_or_else(|e| panic!("{f:?}: {e:?}"));
    }
    assert_eq!(peer.client_sent().len(), good.len());
}

#[test]
fn subscribe_without_filters_is_refused_mqtt_3_8_3_2() {
    let mut peer = connected(V5);
    let r = peer.session.subscribe(0, vec![], Properties::default());
    assert!(matches!(r, Err(SessionError::InvalidPacket(_))), "{r:?}");
    let r = peer.session.unsubscribe(0, vec![], Properties::default());
    assert!(
        matches!(r, Err(SessionError::InvalidPacket(_))),
        "[MQTT-3.10.3-2] {r:?}"
    );
    assert!(peer.client_sent().is_empty());
}

#[test]
fn no_local_on_a_shared_subscription_is_refused_mqtt_3_8_3_4() {
    let mut peer = connected(V5);
    let r = peer.session.subscribe(
        0,
        vec![SubscribeFilter {
            filter: "$share/g/a".into(),
            options: SubscriptionOptions {
                no_local: true,
                ..SubscriptionOptions::qos(QoS::AtMostOnce)
            },
        }],
        Properties::default(),
    );
    assert!(matches!(r, Err(SessionError::InvalidPacket(_))), "{r:?}");
    assert!(peer.client_sent().is_empty());
}

#[test]
fn suback_with_a_reason_code_count_mismatch_is_a_protocol_violation_mqtt_3_9_3_2() {
    for (n, codes) in [
        (2, vec![ReasonCode::Success]),
        (1, vec![ReasonCode::Success, ReasonCode::Success]),
    ] {
        let mut peer = connected(V5);
        let filters: Vec<_> = (0..n)
            .map(|i| filter(&format!("f{i}"), QoS::AtMostOnce))
            .collect();
        let t = peer.subscribe(filters);
        peer.client_sent();
        peer.server_sends(suback(1, codes));
        let events = peer.events();
        assert_eq!(violation_code(&events), ReasonCode::ProtocolError);
        assert!(!events
            .iter()
            .any(|e| matches!(e, Event::Subscribed { token: Some(x), .. } if *x == t)));
        assert_eq!(
            disconnect_sent(&peer.client_sent()),
            Some(ReasonCode::ProtocolError)
        );
        assert!(remembered(&peer).is_empty());
    }
}

#[test]
fn suback_for_an_unknown_packet_id_is_ignored() {
    let mut peer = connected(V5);
    peer.server_sends(suback(5, vec![ReasonCode::Success]));
    peer.server_sends(unsuback(6, vec![ReasonCode::Success]));
    assert!(peer.events().is_empty());
    assert!(peer.session.is_connected());
}

#[test]
fn unsubscribe_reports_one_result_per_filter_v5_mqtt_3_11_3_1() {
    let mut peer = connected(V5);
    peer.subscribe(vec![
        filter("a", QoS::AtMostOnce),
        filter("b", QoS::AtMostOnce),
    ]);
    peer.client_sent();
    peer.server_sends(suback(1, vec![ReasonCode::Success, ReasonCode::Success]));
    peer.events();
    let t = peer
        .session
        .unsubscribe(0, vec!["a".into(), "z".into()], Properties::default())
        .unwrap();
    match peer.client_sent().as_slice() {
        [Packet::Unsubscribe(u)] => {
            assert_eq!(u.pid, pid(2));
            assert_eq!(u.filters, ["a", "z"]);
        }
        other => panic!("{:?}", describe_all(other)),
    }
    let codes = vec![ReasonCode::Success, ReasonCode::NoSubscriptionExisted];
    peer.server_sends(unsuback(2, codes.clone()));
    assert_eq!(
        peer.events(),
        [Event::Unsubscribed {
            token: t,
            pid: pid(2),
            reason_codes: codes
        }]
    );
    assert_eq!(remembered(&peer), ["b"]);
}

#[test]
fn unsubscribe_v311_reports_success_per_filter() {
    let mut peer = connected(V4);
    let t = peer
        .session
        .unsubscribe(0, vec!["a".into(), "b".into()], Properties::default())
        .unwrap();
    peer.client_sent();
    peer.server_sends_bytes(&[0xB0, 0x02, 0x00, 0x01]);
    assert_eq!(
        peer.events(),
        [Event::Unsubscribed {
            token: t,
            pid: pid(1),
            reason_codes: vec![ReasonCode::Success, ReasonCode::Success]
        }]
    );
}

#[test]
fn subscribe_and_unsubscribe_while_offline_go_out_after_connack_in_order() {
    let mut peer = Peer::v5();
    let s = peer.subscribe(vec![filter("a", QoS::AtLeastOnce)]);
    let u = peer
        .session
        .unsubscribe(0, vec!["b".into()], Properties::default())
        .unwrap();
    peer.connect(Properties::default());
    peer.events();
    assert_eq!(peer.sent_names(), ["SUBSCRIBE(1)", "UNSUBSCRIBE(2)"]);
    peer.server_sends(suback(1, vec![ReasonCode::GrantedQoS1]));
    peer.server_sends(unsuback(2, vec![ReasonCode::Success]));
    let events = peer.events();
    assert!(matches!(&events[0], Event::Subscribed { token: Some(x), .. } if *x == s));
    assert!(matches!(&events[1], Event::Unsubscribed { token, .. } if *token == u));
}
