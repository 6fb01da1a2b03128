//! CONNECT as the options describe it.

use std::borrow::Cow;

use crate::peer::*;

#[test]
fn first_packet_is_connect_even_with_operations_queued_offline_mqtt_3_1_0_1() {
    for version in [V4, V5] {
        let mut peer = Peer::new(options(version));
        peer.publish("a", b"q0", QoS::AtMostOnce);
        peer.publish("a", b"q1", QoS::AtLeastOnce);
        peer.subscribe(vec![filter("a", QoS::AtLeastOnce)]);
        peer.session.handle_connected(0);
        let sent = peer.sent_names();
        assert_eq!(sent, ["CONNECT"], "{version}: nothing before CONNACK");
        peer.server_sends(connack(false, Properties::default()));
        assert_eq!(
            peer.sent_names(),
            ["PUBLISH(q0)", "PUBLISH(q1,1)", "SUBSCRIBE(2)"],
            "{version}: queued operations follow CONNACK in order"
        );
    }
}

#[test]
fn connect_v311_carries_client_id_clean_session_and_keepalive() {
    let mut o = options(V4);
    o.client_id = "abc".into();
    o.keep_alive = 30;
    let mut peer = Peer::new(o);
    let c = peer.open();
    assert_eq!(c.protocol, V4);
    assert_eq!(c.client_id, "abc");
    assert!(c.clean_start);
    assert_eq!(c.keep_alive, 30);
    assert!(c.will.is_none() && c.username.is_none() && c.password.is_none());
    assert_eq!(c.properties, Properties::default());
}

#[test]
fn connect_v5_carries_client_id_clean_start_and_keepalive() {
    let mut o = options(V5);
    o.client_id = "abc".into();
    o.keep_alive = 0;
    let mut peer = Peer::new(o);
    let c = peer.open();
    assert_eq!(c.protocol, V5);
    assert_eq!(c.client_id, "abc");
    assert!(c.clean_start);
    assert_eq!(c.keep_alive, 0);
    // Nothing configured: no properties at all (Receive Maximum 65,535 is the default).
    assert_eq!(c.properties, Properties::default());
}

#[test]
fn empty_client_id_with_clean_start_is_sent_empty() {
    for version in [V4, V5] {
        let mut o = options(version);
        o.client_id = String::new();
        let c = Peer::new(o).open();
        assert_eq!(c.client_id, "", "{version}");
        assert!(c.clean_start, "{version}");
    }
}

/// MQTT 3.1.1 [MQTT-3.1.3-7]: "If the Client supplies a zero-byte ClientId, the Client MUST
/// also set CleanSession to 1". (MQTT 5.0 lets the server assign an identifier instead.)
#[test]
fn v311_empty_client_id_is_never_sent_with_clean_session_0() {
    let mut o = options(V4);
    o.client_id = String::new();
    o.clean_start = false;
    let mut peer = Peer::new(o);
    peer.session.handle_connected(0);
    let sent = peer.client_sent();
    for p in &sent {
        if let Packet::Connect(c) = p {
            assert!(
                !c.client_id.is_empty() || c.clean_start,
                "3.1.1 CONNECT with an empty client id and CleanSession 0"
            );
        }
    }
}

#[test]
fn clean_start_0_and_session_expiry_interval_are_sent() {
    let c = Peer::new(persistent(V5)).open();
    assert!(!c.clean_start);
    assert_eq!(c.properties.session_expiry_interval, Some(3600));
    let c = Peer::new(persistent(V4)).open();
    assert!(!c.clean_start);
}

#[test]
fn username_and_password_are_sent_mqtt_3_1_2_17_mqtt_3_1_2_19() {
    for version in [V4, V5] {
        let mut o = options(version);
        o.username = Some("user".into());
        o.password = Some(vec![0, 1, 0xFF]);
        let c = Peer::new(o).open();
        assert_eq!(c.username.as_deref(), Some("user"), "{version}");
        assert_eq!(
            c.password.as_deref(),
            Some(&[0u8, 1, 0xFF][..]),
            "{version}"
        );
    }
    // MQTT 5 allows a password without a user name.
    let mut o = options(V5);
    o.password = Some(b"token".to_vec());
    let c = Peer::new(o).open();
    assert_eq!(c.username, None);
    assert_eq!(c.password.as_deref(), Some(&b"token"[..]));
}

#[test]
fn new_credentials_go_into_the_next_connect_not_the_current_one() {
    for version in [V4, V5] {
        let mut o = options(version);
        o.username = Some("old".into());
        let mut peer = Peer::new(o);
        let first = peer.open();
        // Renewed while the first CONNECT waits for its CONNACK: that one is already sent.
        peer.session
            .set_credentials(Some("new".into()), Some(b"token".to_vec()));
        peer.server_sends(connack(false, Properties::default()));
        assert_eq!(first.username.as_deref(), Some("old"), "{version}");
        peer.drop_transport();
        let second = peer.open();
        assert_eq!(second.username.as_deref(), Some("new"), "{version}");
        assert_eq!(second.password.as_deref(), Some(&b"token"[..]), "{version}");
        assert_eq!(peer.session.options().username.as_deref(), Some("new"));
    }
}

#[test]
fn will_with_v5_properties_is_sent_mqtt_3_1_2_9() {
    let will = Will {
        properties: Properties {
            will_delay_interval: Some(30),
            message_expiry_interval: Some(600),
            payload_format_indicator: Some(PayloadFormat::Utf8),
            content_type: Some("text/plain".into()),
            response_topic: Some("replies/1".into()),
            correlation_data: Some(Cow::Owned(vec![1, 2, 3])),
            user_properties: vec![("k".into(), "v".into()), ("k".into(), "w".into())],
            ..Properties::default()
        },
        topic: "clients/1/status".into(),
        payload: Cow::Owned(b"offline".to_vec()),
        qos: QoS::AtLeastOnce,
        retain: true,
    };
    let mut o = options(V5);
    o.will = Some(will.clone());
    let c = Peer::new(o).open();
    assert_eq!(c.will, Some(will));

    // 3.1.1: the will without properties.
    let mut o = options(V4);
    let will = Will {
        properties: Properties::default(),
        topic: "clients/1/status".into(),
        payload: Cow::Owned(b"offline".to_vec()),
        qos: QoS::ExactlyOnce,
        retain: false,
    };
    o.will = Some(will.clone());
    let c = Peer::new(o).open();
    assert_eq!(c.will, Some(will));
}

#[test]
fn v5_connect_properties_are_sent() {
    let props = Properties {
        session_expiry_interval: Some(120),
        receive_maximum: Some(10),
        maximum_packet_size: Some(4096),
        topic_alias_maximum: Some(5),
        request_response_information: Some(true),
        request_problem_information: Some(false),
        user_properties: vec![("app".into(), "test".into())],
        authentication_method: Some("SCRAM-SHA-256".into()),
        authentication_data: Some(Cow::Owned(b"client-first".to_vec())),
        ..Properties::default()
    };
    let mut o = options(V5);
    o.properties = props.clone();
    let c = Peer::new(o).open();
    assert_eq!(c.properties, props);
}

#[test]
fn receive_maximum_announced_is_min_of_configured_and_inbound_capacity_under_backpressure() {
    let announced = |policy: InboundPolicy, configured: Option<u16>, capacity: usize| {
        let mut o = options(V5);
        o.inbound_policy = policy;
        o.inbound_limits.max_messages = capacity;
        o.properties.receive_maximum = configured;
        Peer::new(o).open().properties.receive_maximum
    };
    assert_eq!(announced(InboundPolicy::Backpressure, Some(10), 5), Some(5));
    assert_eq!(announced(InboundPolicy::Backpressure, Some(3), 5), Some(3));
    assert_eq!(announced(InboundPolicy::Backpressure, None, 5), Some(5));
    assert_eq!(announced(InboundPolicy::Backpressure, None, 100_000), None);
    assert_eq!(announced(InboundPolicy::DropOldest, Some(10), 5), Some(10));
    assert_eq!(announced(InboundPolicy::DropOldest, None, 5), None);
    assert_eq!(announced(InboundPolicy::LatestPerTopic, None, 5), None);
}

#[test]
fn v311_connect_announces_no_receive_maximum_under_backpressure() {
    let mut o = options(V4);
    o.inbound_policy = InboundPolicy::Backpressure;
    o.inbound_limits.max_messages = 5;
    let c = Peer::new(o).open();
    assert_eq!(c.properties, Properties::default());
}

/// The bytes of a CONNECT: protocol name "MQTT" and level [MQTT-3.1.2-1]; no will, so Will
/// QoS and Will Retain 0 [MQTT-3.1.2-11] [MQTT-3.1.2-13]; no user name or password, so their
/// flags 0 and the fields absent [MQTT-3.1.2-16] [MQTT-3.1.2-18]; the client id first in the
/// payload [MQTT-3.1.3-3].
#[test]
fn connect_bytes_minimal_mqtt_3_1_2_1_mqtt_3_1_3_3() {
    for (version, level, props) in [(V4, 4u8, &[][..]), (V5, 5, &[0u8][..])] {
        let mut o = options(version);
        o.client_id = "c".into();
        let mut s = Session::new(o);
        s.handle_connected(0);
        let raw = s.poll_transmit().unwrap();
        let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', level, 0x02, 0, 60];
        body.extend_from_slice(props);
        body.extend_from_slice(&[0, 1, b'c']);
        let mut expected = vec![0x10, body.len() as u8];
        expected.extend(body);
        assert_eq!(raw, expected, "{version}");
    }
}

/// With every field: the flags announce them [MQTT-3.1.2-9] [MQTT-3.1.2-17] [MQTT-3.1.2-19]
/// (Will QoS 1 [MQTT-3.1.2-12]) and the payload holds them in the order Client Identifier,
/// Will Properties, Will Topic, Will Message, User Name, Password [MQTT-3.1.3-1].
#[test]
fn connect_bytes_with_will_and_credentials_mqtt_3_1_3_1() {
    let mut o = options(V5);
    o.client_id = "c".into();
    o.username = Some("u".into());
    o.password = Some(b"p".to_vec());
    o.will = Some(Will {
        properties: Properties::default(),
        topic: "w".into(),
        payload: Cow::Owned(b"x".to_vec()),
        qos: QoS::AtLeastOnce,
        retain: true,
    });
    let mut s = Session::new(o);
    s.handle_connected(0);
    let raw = s.poll_transmit().unwrap();
    let body = [
        0, 4, b'M', b'Q', b'T', b'T', 5, 0xEE, 0, 60, 0, // header, no properties
        0, 1, b'c', // client id
        0,    // will properties
        0, 1, b'w', // will topic
        0, 1, b'x', // will payload
        0, 1, b'u', // user name
        0, 1, b'p', // password
    ];
    let mut expected = vec![0x10, body.len() as u8];
    expected.extend(body);
    assert_eq!(raw, expected);
}

/// Strings the CONNECT carries must be UTF-8 Encoded Strings (no U+0000): one that is not is
/// never written; the connection attempt fails with the codec's error.
#[test]
fn connect_strings_that_are_not_utf8_encoded_strings_are_never_sent_mqtt_3_1_3_4_mqtt_3_1_3_11_mqtt_3_1_3_12(
) {
    let bad_id = SessionOptions {
        client_id: "a\0b".into(),
        ..options(V5)
    };
    let bad_user = SessionOptions {
        username: Some("u\0".into()),
        ..options(V5)
    };
    let bad_will = SessionOptions {
        will: Some(Will {
            properties: Properties::default(),
            topic: "w\0".into(),
            payload: Cow::Owned(Vec::new()),
            qos: QoS::AtMostOnce,
            retain: false,
        }),
        ..options(V4)
    };
    for o in [bad_id, bad_user, bad_will] {
        let mut peer = Peer::new(o);
        peer.session.handle_connected(0);
        assert!(peer.client_sent().is_empty());
        assert!(matches!(
            the_disconnect(&peer.events()),
            SessionError::InvalidPacket(_)
        ));
        assert_eq!(peer.session.state(), State::Disconnected);
    }
}
