//! DISCONNECT both ways.

use crate::peer::*;

#[test]
fn server_disconnect_reports_reason_code_reason_string_and_server_reference() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.events();
    peer.server_sends(Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::UseAnotherServer,
        properties: Properties {
            reason_string: Some("maintenance".into()),
            server_reference: Some("other.example".into()),
            ..Properties::default()
        },
    }));
    let events = peer.events();
    let (error, reconnect_in) = disconnected(&events).remove(0);
    assert_eq!(
        error,
        SessionError::ServerDisconnected {
            reason_code: ReasonCode::UseAnotherServer,
            reason_string: Some("maintenance".into()),
            server_reference: Some("other.example".into()),
        }
    );
    assert_eq!(reconnect_in, Some(1_000), "a reconnect is scheduled");
    assert_eq!(peer.session.state(), State::Disconnected);
    assert!(peer.client_sent().is_empty(), "no answer to DISCONNECT");
    let text = error.to_string();
    assert!(
        text.contains("maintenance") && text.contains("other.example"),
        "{text}"
    );
}

#[test]
fn server_disconnect_ends_processing_of_the_rest_of_the_input() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.server_sends_all(vec![
        Packet::Disconnect(Disconnect::default()),
        publish("t", b"late", QoS::AtLeastOnce, 1, false),
    ]);
    assert!(peer.client_sent().is_empty());
    assert!(peer.take_all().is_empty());
}

fn busy_peer() -> (Peer, Token, Token, Token) {
    let mut peer = Peer::v5();
    peer.connect(Properties {
        receive_maximum: Some(1),
        ..Properties::default()
    });
    peer.events();
    let inflight = peer.publish("t", b"1", QoS::AtLeastOnce);
    let queued = peer.publish("t", b"2", QoS::AtLeastOnce);
    let sub = peer.subscribe(vec![filter("s", QoS::AtMostOnce)]);
    peer.client_sent();
    (peer, inflight, queued, sub)
}

/// After its DISCONNECT the session is closed: it tells the driver to close the transport
/// [MQTT-3.14.4-2].
#[test]
fn app_disconnect_sends_reason_code_and_properties_and_fails_pending_operations_with_closed() {
    let (mut peer, inflight, queued, sub) = busy_peer();
    assert_eq!(peer.session.state(), State::Connected);
    let props = Properties {
        session_expiry_interval: Some(0),
        reason_string: Some("bye".into()),
        user_properties: vec![("k".into(), "v".into())],
        ..Properties::default()
    };
    peer.session.disconnect(
        peer.now,
        ReasonCode::DisconnectWithWillMessage,
        props.clone(),
    );
    match peer.client_sent().as_slice() {
        [Packet::Disconnect(d)] => {
            assert_eq!(d.reason_code, ReasonCode::DisconnectWithWillMessage);
            assert_eq!(d.properties, props);
        }
        other => panic!("{:?}", describe_all(other)),
    }
    let events = peer.events();
    assert_eq!(
        disconnected(&events),
        [(SessionError::Closed, None)],
        "no reconnect after the application's disconnect"
    );
    let mut fails = failed(&events);
    fails.sort_by_key(|(t, _)| *t);
    assert_eq!(
        fails,
        [
            (inflight, SessionError::Closed),
            (queued, SessionError::Closed)
        ]
    );
    assert!(events.contains(&Event::RequestFailed {
        token: sub,
        error: SessionError::Closed
    }));
    assert!(peer.session.is_ended());
    assert_eq!(peer.session.state(), State::Disconnected);
    assert!(peer.session.is_outgoing_empty());
    assert_eq!(peer.session.poll_timeout(), None);
}

#[test]
fn app_disconnect_v311_is_a_plain_disconnect() {
    let mut peer = Peer::v3();
    peer.connect(Properties::default());
    peer.session
        .disconnect(0, ReasonCode::Success, Properties::default());
    let sent = peer.client_sent();
    assert_eq!(describe_all(&sent), ["DISCONNECT"]);
    let mut raw = Vec::new();
    sent[0].encode_to_vec(V4, &mut raw).unwrap();
    assert_eq!(raw, [0xE0, 0x00]);
}

#[test]
fn app_disconnect_with_a_reason_code_disconnect_cannot_carry_sends_normal_disconnection_mqtt_3_14_2_1(
) {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.session
        .disconnect(0, ReasonCode::GrantedQoS1, Properties::default());
    match peer.client_sent().as_slice() {
        [Packet::Disconnect(d)] => assert_eq!(d.reason_code, ReasonCode::Success),
        other => panic!("{:?}", describe_all(other)),
    }
}

/// Neither the Reason String [MQTT-3.14.2-3] nor User Properties [MQTT-3.14.2-4] may push a
/// DISCONNECT over the server's Maximum Packet Size.
#[test]
fn app_disconnect_too_large_for_the_server_drops_the_properties_mqtt_3_14_2_3() {
    let mut peer = Peer::v5();
    peer.connect(Properties {
        maximum_packet_size: Some(32),
        ..Properties::default()
    });
    peer.session.disconnect(
        0,
        ReasonCode::Success,
        Properties {
            reason_string: Some("x".repeat(100).into()),
            user_properties: vec![("k".into(), "v".repeat(100).into())],
            ..Properties::default()
        },
    );
    match peer.client_sent().as_slice() {
        [Packet::Disconnect(d)] => assert_eq!(d.properties, Properties::default()),
        other => panic!("{:?}", describe_all(other)),
    }
}

#[test]
fn nothing_is_sent_after_disconnect_mqtt_3_14_4_1() {
    let mut o = options(V5);
    o.inbound_policy = InboundPolicy::Backpressure;
    o.keep_alive = 5;
    o.properties.authentication_method = Some("M".into());
    let mut peer = Peer::new(o);
    peer.connect(Properties {
        authentication_method: Some("M".into()),
        ..Properties::default()
    });
    // A message whose PUBACK waits for the application.
    peer.server_sends(publish("t", b"x", QoS::AtLeastOnce, 1, false));
    peer.server_sends(publish("t", b"y", QoS::ExactlyOnce, 2, false));
    peer.session
        .disconnect(peer.now, ReasonCode::Success, Properties::default());
    assert_eq!(peer.sent_names(), ["DISCONNECT"]);

    assert_eq!(
        peer.session.publish(0, msg("t", b"z", QoS::AtLeastOnce)),
        Err(SessionError::Closed)
    );
    assert_eq!(
        peer.session
            .subscribe(0, vec![filter("a", QoS::AtMostOnce)], Properties::default()),
        Err(SessionError::Closed)
    );
    assert!(peer
        .session
        .auth(0, ReasonCode::ReAuthenticate, Properties::default())
        .is_err());
    assert_eq!(peer.take_payloads(), ["x", "y"]);
    peer.server_sends(publish("t", b"w", QoS::AtLeastOnce, 3, false));
    peer.server_sends(pubrel(2));
    peer.session.set_write_blocked(0, false);
    peer.advance(3_600_000);
    assert!(peer.client_sent().is_empty());
    assert!(peer.take_all().is_empty());
    assert!(!peer
        .events()
        .iter()
        .any(|e| matches!(e, Event::ReconnectDue { .. })));
}

#[test]
fn violation_disconnect_is_the_last_packet_mqtt_3_14_4_1() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.client_sent();
    // A malformed packet, then an acknowledgement and a message in the same read.
    let mut input = vec![0x38, 0x04, 0, 1, b't', 0];
    puback(1).encode_to_vec(V5, &mut input).unwrap();
    publish("t", b"x", QoS::AtLeastOnce, 5, false)
        .encode_to_vec(V5, &mut input)
        .unwrap();
    peer.server_sends_bytes(&input);
    peer.publish("t", b"2", QoS::AtLeastOnce);
    peer.advance(120_000);
    let sent = peer.client_sent();
    assert_eq!(disconnect_sent(&sent), Some(ReasonCode::MalformedPacket));
    assert_eq!(sent.len(), 1, "{:?}", describe_all(&sent));
}

#[test]
fn reconnect_after_app_disconnect_starts_again() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.session
        .disconnect(0, ReasonCode::Success, Properties::default());
    peer.client_sent();
    peer.events();
    peer.advance(1_000_000);
    assert!(peer.events().is_empty(), "no reconnect of its own");
    peer.session.reconnect(peer.now);
    assert!(!peer.session.is_ended());
    assert_eq!(
        peer.events(),
        [Event::ReconnectDue { attempt: 0 }],
        "reconnect() asks for a transport at once"
    );
    peer.connect(Properties::default());
    peer.publish("t", b"again", QoS::AtLeastOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(again,1)"]);
}

/// With reconnecting turned off, the driver still reports the transport's close after the
/// session ended the connection: the application must hear about the end once.
#[test]
fn one_disconnected_event_per_connection_when_reconnect_is_disabled() {
    let mut o = options(V5);
    o.reconnect.initial_ms = 0;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.events();
    peer.server_sends(Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::ServerShuttingDown,
        properties: Properties::default(),
    }));
    // The driver closes its WebSocket, which reports the close.
    peer.drop_transport();
    let events = peer.events();
    assert_eq!(
        disconnected(&events).len(),
        1,
        "two Disconnected events for one connection: {events:?}"
    );
}

#[test]
fn in_flight_operations_fail_in_the_order_they_were_submitted() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    let tokens: Vec<Token> = ["a", "b", "c"]
        .iter()
        .map(|t| peer.publish(t, b"x", QoS::AtLeastOnce))
        .collect();
    peer.client_sent();
    peer.session
        .disconnect(peer.now, ReasonCode::Success, Properties::default());
    let failed: Vec<Token> = failed(&peer.events()).into_iter().map(|(t, _)| t).collect();
    assert_eq!(failed, tokens);
}
