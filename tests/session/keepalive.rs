//! Keepalive, the ping timeout, the connect timeout, and `poll_timeout` as the next deadline.

use crate::peer::*;

fn keepalive(secs: u16) -> SessionOptions {
    let mut o = options(V5);
    o.keep_alive = secs;
    o
}

#[test]
fn pingreq_exactly_when_nothing_was_sent_for_the_keepalive_interval_mqtt_3_1_2_20() {
    for version in [V4, V5] {
        let mut o = keepalive(10);
        o.protocol = version;
        let mut peer = Peer::new(o);
        peer.connect(Properties::default()); // CONNECT written at 0
        assert_eq!(peer.session.poll_timeout(), Some(10_000));
        peer.advance_to(9_999);
        assert!(peer.client_sent().is_empty());
        // Sending something postpones the ping.
        peer.now = 5_000;
        peer.publish("t", b"x", QoS::AtMostOnce);
        peer.client_sent();
        assert_eq!(peer.session.poll_timeout(), Some(15_000));
        peer.advance_to(14_999);
        assert!(peer.client_sent().is_empty());
        peer.advance_to(15_000);
        assert_eq!(peer.sent_names(), ["PINGREQ"], "{version}");
        // Now the deadline is the PINGRESP's.
        assert_eq!(peer.session.poll_timeout(), Some(25_000));
        peer.now = 15_100;
        peer.server_sends(Packet::PingResp);
        assert_eq!(peer.session.poll_timeout(), Some(25_000));
        peer.advance_to(25_000);
        assert_eq!(peer.sent_names(), ["PINGREQ"]);
        assert!(peer.session.is_connected());
    }
}

#[test]
fn receiving_does_not_postpone_the_pingreq() {
    let mut peer = Peer::new(keepalive(10));
    peer.connect(Properties::default());
    for t in [2_000, 4_000, 6_000, 8_000] {
        peer.now = t;
        peer.server_sends(publish("t", b"x", QoS::AtMostOnce, 0, false));
    }
    assert_eq!(peer.session.poll_timeout(), Some(10_000));
    peer.advance_to(10_000);
    assert_eq!(peer.sent_names(), ["PINGREQ"]);
}

#[test]
fn acknowledgements_count_as_sending() {
    let mut peer = Peer::new(keepalive(10));
    peer.connect(Properties::default());
    peer.now = 6_000;
    peer.server_sends(publish("t", b"x", QoS::AtLeastOnce, 1, false));
    assert_eq!(peer.sent_names(), ["PUBACK(1)"]);
    assert_eq!(peer.session.poll_timeout(), Some(16_000));
}

#[test]
fn no_pingresp_within_the_ping_timeout_ends_the_connection() {
    let mut o = keepalive(10);
    o.ping_timeout_ms = Some(3_000);
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.events();
    peer.advance_to(10_000);
    assert_eq!(peer.sent_names(), ["PINGREQ"]);
    assert_eq!(peer.session.poll_timeout(), Some(13_000));
    peer.advance_to(12_999);
    assert!(peer.session.is_connected());
    peer.advance_to(13_000);
    let events = peer.events();
    assert_eq!(the_disconnect(&events), SessionError::KeepAliveTimeout);
    assert_eq!(peer.session.state(), State::Disconnected);
    // Nothing more is written on that connection.
    assert!(peer.client_sent().is_empty());
}

#[test]
fn ping_timeout_defaults_to_one_keepalive_interval() {
    let mut peer = Peer::new(keepalive(10));
    peer.connect(Properties::default());
    peer.events();
    peer.advance_to(10_000);
    peer.client_sent();
    peer.advance_to(19_999);
    assert!(peer.session.is_connected());
    peer.advance_to(20_000);
    assert_eq!(
        the_disconnect(&peer.events()),
        SessionError::KeepAliveTimeout
    );
}

#[test]
fn keepalive_0_sends_no_pingreq() {
    let mut peer = Peer::new(keepalive(0));
    peer.connect(Properties::default());
    assert_eq!(peer.session.poll_timeout(), None);
    peer.advance(10_000_000);
    assert!(peer.client_sent().is_empty());
    assert!(peer.session.is_connected());
}

#[test]
fn connect_timeout_without_connack() {
    let mut o = keepalive(10);
    o.connect_timeout_ms = 5_000;
    let mut peer = Peer::new(o);
    peer.open();
    assert_eq!(peer.session.poll_timeout(), Some(5_000));
    peer.advance_to(4_999);
    assert_eq!(peer.session.state(), State::Connecting);
    assert!(peer.client_sent().is_empty(), "no PINGREQ before CONNACK");
    peer.advance_to(5_000);
    assert_eq!(the_disconnect(&peer.events()), SessionError::ConnectTimeout);
    assert_eq!(peer.session.state(), State::Disconnected);
}

#[test]
fn poll_timeout_is_always_the_next_deadline() {
    let mut o = keepalive(10);
    o.connect_timeout_ms = 4_000;
    o.reconnect.initial_ms = 1_500;
    let mut peer = Peer::new(o);
    // Nothing to wait for before the first connection.
    assert_eq!(peer.session.poll_timeout(), None);
    peer.now = 100;
    peer.open();
    assert_eq!(peer.session.poll_timeout(), Some(4_100), "connect timeout");
    peer.now = 600;
    peer.server_sends(connack(false, Properties::default()));
    assert_eq!(
        peer.session.poll_timeout(),
        Some(10_100),
        "keepalive from CONNECT"
    );
    peer.advance_to(10_100);
    peer.client_sent();
    assert_eq!(peer.session.poll_timeout(), Some(20_100), "ping timeout");
    peer.now = 11_000;
    peer.server_sends(Packet::PingResp);
    assert_eq!(peer.session.poll_timeout(), Some(20_100), "next keepalive");
    peer.now = 12_000;
    peer.drop_transport();
    assert_eq!(peer.session.poll_timeout(), Some(13_500), "reconnect delay");
    peer.advance_to(13_500);
    assert!(peer
        .events()
        .iter()
        .any(|e| matches!(e, Event::ReconnectDue { .. })));
    assert_eq!(
        peer.session.poll_timeout(),
        None,
        "the driver reconnects now"
    );
}

#[test]
fn handle_timeout_early_does_nothing() {
    let mut peer = Peer::new(keepalive(10));
    peer.connect(Properties::default());
    for t in [0, 1, 5_000, 9_999] {
        peer.session.handle_timeout(t);
    }
    assert!(peer.client_sent().is_empty());
    assert_eq!(peer.session.poll_timeout(), Some(10_000));
}
