//! The bounded queues and their policies, backpressure, the write watermark, and the
//! counters.

use crate::peer::*;

fn inbound(version: ProtocolVersion, policy: InboundPolicy, max_messages: usize) -> SessionOptions {
    let mut o = options(version);
    o.inbound_policy = policy;
    o.inbound_limits.max_messages = max_messages;
    o
}

fn connected_with(o: SessionOptions) -> Peer {
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.events();
    peer
}

fn q0(topic: &str, payload: &str) -> Packet<'static> {
    publish(topic, payload.as_bytes(), QoS::AtMostOnce, 0, false)
}

/// "topic:payload" of every message the application can take.
fn take_tagged(peer: &mut Peer) -> Vec<String> {
    peer.take_all()
        .iter()
        .map(|m| format!("{}:{}", m.topic, String::from_utf8_lossy(&m.payload)))
        .collect()
}

#[test]
fn inbound_drop_oldest_keeps_the_newest_messages() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::DropOldest, 2));
    peer.server_sends_all(vec![q0("t", "1"), q0("t", "2"), q0("t", "3")]);
    let s = peer.session.stats();
    assert_eq!((s.inbound_queued, s.inbound_dropped), (2, 1));
    assert_eq!(peer.take_payloads(), ["2", "3"]);
}

#[test]
fn inbound_drop_newest_keeps_the_oldest_messages() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::DropNewest, 2));
    peer.server_sends_all(vec![q0("t", "1"), q0("t", "2"), q0("t", "3")]);
    assert_eq!(peer.session.stats().inbound_dropped, 1);
    assert_eq!(peer.take_payloads(), ["1", "2"]);
}

#[test]
fn inbound_latest_per_topic_keeps_the_newest_of_each_topic_in_order_of_first_arrival() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::LatestPerTopic, 3));
    peer.server_sends_all(vec![
        q0("a", "1"),
        q0("b", "1"),
        q0("a", "2"),
        q0("c", "1"),
        q0("a", "3"),
    ]);
    assert_eq!(peer.session.stats().inbound_queued, 3);
    assert_eq!(peer.session.stats().inbound_dropped, 2);
    assert_eq!(take_tagged(&mut peer), ["a:3", "b:1", "c:1"]);
    // After a take, the topic starts again at the back.
    peer.server_sends_all(vec![q0("b", "2"), q0("a", "4"), q0("b", "3")]);
    assert_eq!(take_tagged(&mut peer), ["b:3", "a:4"]);
}

#[test]
fn inbound_latest_per_topic_drops_the_oldest_when_topics_exceed_the_bound() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::LatestPerTopic, 2));
    peer.server_sends_all(vec![q0("a", "1"), q0("b", "1"), q0("c", "1"), q0("b", "2")]);
    assert_eq!(take_tagged(&mut peer), ["b:2", "c:1"]);
    assert_eq!(peer.session.stats().inbound_dropped, 2);
}

#[test]
fn inbound_queue_is_bounded_by_bytes() {
    // "t" + 4 bytes = 5 bytes a message.
    let mut o = inbound(V5, InboundPolicy::DropOldest, 100);
    o.inbound_limits.max_bytes = 10;
    let mut peer = connected_with(o);
    peer.server_sends_all(vec![q0("t", "1111"), q0("t", "2222"), q0("t", "3333")]);
    let s = peer.session.stats();
    assert_eq!(
        (s.inbound_queued, s.inbound_queued_bytes, s.inbound_dropped),
        (2, 10, 1)
    );
    // A message larger than the whole bound is dropped, the queue kept.
    peer.server_sends(q0("t", "0123456789"));
    assert_eq!(peer.session.stats().inbound_dropped, 2);
    assert_eq!(peer.take_payloads(), ["2222", "3333"]);

    let mut o = inbound(V5, InboundPolicy::DropNewest, 100);
    o.inbound_limits.max_bytes = 10;
    let mut peer = connected_with(o);
    peer.server_sends_all(vec![q0("t", "1111"), q0("t", "2222"), q0("t", "3333")]);
    assert_eq!(peer.take_payloads(), ["1111", "2222"]);

    let mut o = inbound(V5, InboundPolicy::LatestPerTopic, 100);
    o.inbound_limits.max_bytes = 10;
    let mut peer = connected_with(o);
    peer.server_sends_all(vec![q0("a", "1111"), q0("b", "2222"), q0("c", "3333")]);
    assert_eq!(take_tagged(&mut peer), ["b:2222", "c:3333"]);
}

#[test]
fn backpressure_acknowledges_qos1_and_qos2_only_when_the_app_takes_them() {
    for version in [V4, V5] {
        let mut peer = connected_with(inbound(version, InboundPolicy::Backpressure, 10));
        peer.server_sends_all(vec![
            publish("t", b"1", QoS::AtLeastOnce, 1, false),
            publish("t", b"2", QoS::ExactlyOnce, 2, false),
            q0("t", "3"),
        ]);
        assert!(
            peer.client_sent().is_empty(),
            "{version}: acknowledged early"
        );
        assert_eq!(peer.session.stats().inflight_in, 2);
        assert!(peer.session.take_message(0).is_some());
        assert_eq!(peer.sent_names(), ["PUBACK(1)"]);
        assert!(peer.session.take_message(0).is_some());
        assert_eq!(peer.sent_names(), ["PUBREC(2)"]);
        assert!(peer.session.take_message(0).is_some());
        assert!(peer.client_sent().is_empty());
        peer.server_sends(pubrel(2));
        assert_eq!(peer.sent_names(), ["PUBCOMP(2)"]);
        assert_eq!(peer.session.stats().inflight_in, 0);
    }
}

#[test]
fn backpressure_receive_maximum_closes_the_server_window() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::Backpressure, 2));
    match &peer.history[0] {
        Packet::Connect(c) => assert_eq!(c.properties.receive_maximum, Some(2)),
        other => panic!("{}", describe(other)),
    }
    peer.server_sends_all(vec![
        publish("t", b"1", QoS::AtLeastOnce, 1, false),
        publish("t", b"2", QoS::ExactlyOnce, 2, false),
    ]);
    // The application takes both: PUBACK for the QoS 1 one, PUBREC for the QoS 2 one, which
    // stays in flight until PUBREL.
    assert_eq!(peer.take_all().len(), 2);
    let sent = peer.sent_names();
    assert_eq!(sent, ["PUBACK(1)", "PUBREC(2)"]);
    peer.server_sends_all(vec![
        publish("t", b"3", QoS::AtLeastOnce, 3, false),
        publish("t", b"4", QoS::AtLeastOnce, 4, false),
    ]);
    // PUBREL not yet received: 2 is still in flight, so 3 and 4 make 3 > 2.
    assert_eq!(
        violation_code(&peer.events()),
        ReasonCode::ReceiveMaximumExceeded
    );
}

#[test]
fn backpressure_window_reopens_as_the_app_takes() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::Backpressure, 2));
    peer.server_sends_all(vec![
        publish("t", b"1", QoS::AtLeastOnce, 1, false),
        publish("t", b"2", QoS::AtLeastOnce, 2, false),
    ]);
    assert_eq!(peer.session.stats().inflight_in, 2);
    assert!(peer.session.take_message(0).is_some());
    assert_eq!(peer.sent_names(), ["PUBACK(1)"]);
    peer.server_sends(publish("t", b"3", QoS::AtLeastOnce, 1, false));
    assert!(peer.session.is_connected());
    assert_eq!(peer.take_payloads(), ["2", "3"]);
    assert_eq!(peer.sent_names(), ["PUBACK(2)", "PUBACK(1)"]);
}

#[test]
fn backpressure_qos0_falls_back_to_drop_oldest() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::Backpressure, 2));
    peer.server_sends_all(vec![q0("t", "a"), q0("t", "b"), q0("t", "c")]);
    assert_eq!(peer.session.stats().inbound_dropped, 1);
    assert_eq!(peer.take_payloads(), ["b", "c"]);

    // A QoS 1 message makes room by evicting the oldest QoS 0 one.
    peer.server_sends_all(vec![
        q0("t", "a"),
        publish("t", b"m", QoS::AtLeastOnce, 1, false),
        q0("t", "b"),
    ]);
    assert_eq!(peer.take_payloads(), ["m", "b"]);
    peer.client_sent();

    // With only QoS 1/2 queued, a QoS 0 message finds no room: it is the one dropped.
    peer.server_sends_all(vec![
        publish("t", b"m1", QoS::AtLeastOnce, 2, false),
        publish("t", b"m2", QoS::ExactlyOnce, 3, false),
        q0("t", "z"),
    ]);
    assert_eq!(peer.take_payloads(), ["m1", "m2"]);
    assert_eq!(peer.session.stats().inbound_dropped, 3);
}

#[test]
fn backpressure_never_drops_qos1_or_qos2() {
    let mut peer = connected_with(inbound(V5, InboundPolicy::Backpressure, 3));
    for round in 0..5u16 {
        peer.server_sends_all(vec![
            publish("t", b"1", QoS::AtLeastOnce, round * 3 + 1, false),
            publish("t", b"2", QoS::ExactlyOnce, round * 3 + 2, false),
            publish("t", b"3", QoS::AtLeastOnce, round * 3 + 3, false),
        ]);
        assert_eq!(peer.take_payloads(), ["1", "2", "3"]);
        for p in peer.client_sent() {
            if let Packet::PubRec(a) = p {
                peer.server_sends(pubrel(a.pid.get()));
            }
        }
    }
    assert_eq!(peer.session.stats().inbound_dropped, 0);
    assert!(peer.session.is_connected());
}

/// MQTT 5 + Backpressure: the queue stays within its bound when QoS 1 messages it holds are
/// resent by the server after a resumed reconnect (they were never acknowledged).
#[test]
fn backpressure_queue_stays_within_its_bound_across_a_resumed_reconnect() {
    let mut o = persistent(V5);
    o.inbound_policy = InboundPolicy::Backpressure;
    o.inbound_limits.max_messages = 2;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.server_sends_all(vec![
        publish("t", b"1", QoS::AtLeastOnce, 1, false),
        publish("t", b"2", QoS::AtLeastOnce, 2, false),
    ]);
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    // The server resends what it has no PUBACK for: 2 messages, within our Receive Maximum.
    peer.server_sends_all(vec![
        publish("t", b"1", QoS::AtLeastOnce, 1, true),
        publish("t", b"2", QoS::AtLeastOnce, 2, true),
    ]);
    let s = peer.session.stats();
    assert!(
        s.inbound_queued <= 2,
        "inbound queue holds {} messages, bound 2",
        s.inbound_queued
    );
}

/// MQTT 5 + Backpressure: after a reconnect where the server has no session, the messages
/// still queued no longer count in the server's window, which opens for Receive Maximum new
/// ones.
#[test]
fn backpressure_queue_stays_within_its_bound_across_a_new_session() {
    let mut o = persistent(V5);
    o.inbound_policy = InboundPolicy::Backpressure;
    o.inbound_limits.max_messages = 2;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.server_sends_all(vec![
        publish("t", b"1", QoS::AtLeastOnce, 1, false),
        publish("t", b"2", QoS::ExactlyOnce, 2, false),
    ]);
    peer.drop_transport();
    let c = peer.connect_with(false, Properties::default());
    let window = c.properties.receive_maximum.unwrap_or(u16::MAX);
    // The server uses the window the new CONNECT announced.
    for i in 0..window.min(10) {
        peer.server_sends(publish("t", b"n", QoS::AtLeastOnce, 10 + i, false));
    }
    let s = peer.session.stats();
    // Two messages of the ended session are held (they are the only copies left), so the
    // new CONNECT announced the minimum Receive Maximum, 1: one more message may arrive.
    assert_eq!(window, 1);
    assert!(
        s.inbound_queued <= 3,
        "inbound queue holds {} messages, bound 2 + the one Receive Maximum 1 allows",
        s.inbound_queued
    );
}

/// MQTT 5 + Backpressure and the byte bound: MQTT has no byte quota, so QoS 1/2 messages
/// are never dropped for it (that would lose them); one message never exceeds it, since the
/// Maximum Packet Size announced is capped at the bound; QoS 0 messages are evicted to keep it.
#[test]
fn backpressure_keeps_qos1_whole_and_evicts_qos0_for_the_byte_bound() {
    let mut o = inbound(V5, InboundPolicy::Backpressure, 5);
    o.inbound_limits.max_bytes = 10;
    let mut peer = Peer::new(o);
    let connect = peer.connect(Properties::default());
    assert_eq!(connect.properties.maximum_packet_size, Some(10));
    // Each PUBLISH fits the announced 10 bytes; the messages (topic + payload) are 3 bytes.
    peer.server_sends_all(vec![
        publish("t", b"0", QoS::AtMostOnce, 0, false),
        publish("t", b"11", QoS::AtLeastOnce, 1, false),
        publish("t", b"22", QoS::AtLeastOnce, 2, false),
        publish("t", b"33", QoS::AtLeastOnce, 3, false),
        publish("t", b"44", QoS::AtLeastOnce, 4, false),
    ]);
    let s = peer.session.stats();
    assert_eq!(s.inbound_queued, 4, "every QoS 1 message kept");
    assert_eq!(s.inbound_dropped, 1, "the QoS 0 message evicted for room");
    // 12 bytes: over the byte bound by what MQTT cannot refuse without losing a message.
    assert_eq!(s.inbound_queued_bytes, 12);
    let taken: Vec<_> = std::iter::from_fn(|| peer.session.take_message(0))
        .map(|p| p.payload.into_owned())
        .collect();
    assert_eq!(
        taken,
        vec![
            b"11".to_vec(),
            b"22".to_vec(),
            b"33".to_vec(),
            b"44".to_vec()
        ]
    );
}

/// A QoS 2 message queued in an old session, then a new session where the server reuses its
/// packet id: taking the old message must not acknowledge the new one, which the application
/// has not taken.
#[test]
fn backpressure_pubrec_goes_out_only_for_the_message_taken() {
    let mut o = persistent(V5);
    o.inbound_policy = InboundPolicy::Backpressure;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.server_sends(publish("t", b"old", QoS::ExactlyOnce, 5, false));
    peer.drop_transport();
    peer.connect_with(false, Properties::default());
    peer.client_sent();
    peer.server_sends(publish("t", b"new", QoS::ExactlyOnce, 5, false));
    let old = peer.session.take_message(peer.now).unwrap();
    assert_eq!(&*old.payload, b"old");
    let sent = peer.client_sent();
    assert!(
        sent.is_empty(),
        "taking the old message acknowledged the new one, still queued: {:?}",
        describe_all(&sent)
    );
    let new = peer.session.take_message(peer.now).unwrap();
    assert_eq!(&*new.payload, b"new");
    assert_eq!(peer.sent_names(), ["PUBREC(5)"]);
}

/// With an Authentication Method, nothing but AUTH (or DISCONNECT) before CONNACK, even an
/// acknowledgement the application releases while the new connection is being set up.
#[test]
fn backpressure_sends_no_acknowledgement_before_connack_mqtt_3_1_2_30() {
    let mut o = persistent(V5);
    o.inbound_policy = InboundPolicy::Backpressure;
    o.properties.authentication_method = Some("M".into());
    let mut peer = Peer::new(o);
    peer.connect(Properties {
        authentication_method: Some("M".into()),
        ..Properties::default()
    });
    peer.server_sends(publish("t", b"x", QoS::ExactlyOnce, 1, false));
    peer.drop_transport();
    peer.open();
    assert!(peer.session.take_message(peer.now).is_some());
    let sent = peer.client_sent();
    assert!(
        sent.iter()
            .all(|p| matches!(p, Packet::Auth(_) | Packet::Disconnect(_))),
        "before CONNACK: {:?}",
        describe_all(&sent)
    );
}

#[test]
fn backpressure_puback_belongs_to_the_connection_the_publish_came_on() {
    let mut o = persistent(V5);
    o.inbound_policy = InboundPolicy::Backpressure;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.server_sends(publish("t", b"x", QoS::AtLeastOnce, 1, false));
    peer.drop_transport();
    peer.connect_with(true, Properties::default());
    peer.client_sent();
    assert_eq!(peer.take_payloads(), ["x"]);
    assert!(
        peer.client_sent().is_empty(),
        "a PUBACK on a connection the PUBLISH did not come on"
    );
}

#[test]
fn outbound_reject_policy_refuses_with_queue_full() {
    let mut o = options(V5);
    o.outbound_limits.max_messages = 2;
    let mut peer = Peer::new(o);
    peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.publish("t", b"2", QoS::AtMostOnce);
    assert_eq!(
        peer.session.publish(0, msg("t", b"3", QoS::AtLeastOnce)),
        Err(SessionError::QueueFull)
    );
    assert_eq!(
        peer.session
            .subscribe(0, vec![filter("s", QoS::AtMostOnce)], Properties::default()),
        Err(SessionError::QueueFull)
    );
    let s = peer.session.stats();
    assert_eq!((s.outbound_queued, s.outbound_queued_bytes), (2, 4));
    assert_eq!(s.outbound_dropped, 2);
    peer.connect(Properties::default());
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)", "PUBLISH(2)"]);
    assert_eq!(peer.session.stats().outbound_queued, 0);
}

#[test]
fn outbound_drop_oldest_policy_fails_the_oldest_with_dropped_by_policy() {
    let mut o = options(V5);
    o.outbound_limits.max_messages = 2;
    o.outbound_policy = OutboundPolicy::DropOldest;
    let mut peer = Peer::new(o);
    let a = peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.publish("t", b"2", QoS::AtLeastOnce);
    peer.publish("t", b"3", QoS::AtLeastOnce);
    assert_eq!(failed(&peer.events()), [(a, SessionError::DroppedByPolicy)]);
    assert_eq!(peer.session.stats().outbound_dropped, 1);
    assert_eq!(peer.session.stats().outbound_queued, 2);
    peer.connect(Properties::default());
    assert_eq!(peer.sent_names(), ["PUBLISH(2,1)", "PUBLISH(3,2)"]);
}

#[test]
fn outbound_queue_is_bounded_by_bytes() {
    let mut o = options(V5);
    o.outbound_limits.max_bytes = 10;
    let mut peer = Peer::new(o);
    peer.publish("t", b"1111", QoS::AtLeastOnce);
    peer.publish("t", b"2222", QoS::AtLeastOnce);
    assert_eq!(
        peer.session.publish(0, msg("t", b"3", QoS::AtLeastOnce)),
        Err(SessionError::QueueFull)
    );
    assert_eq!(peer.session.stats().outbound_queued_bytes, 10);

    let mut o = options(V5);
    o.outbound_limits.max_bytes = 10;
    o.outbound_policy = OutboundPolicy::DropOldest;
    let mut peer = Peer::new(o);
    let a = peer.publish("t", b"1111", QoS::AtLeastOnce);
    let b = peer.publish("t", b"2222", QoS::AtLeastOnce);
    peer.publish("t", b"3333333", QoS::AtLeastOnce);
    let mut dropped: Vec<Token> = failed(&peer.events()).into_iter().map(|(t, _)| t).collect();
    dropped.sort();
    assert_eq!(dropped, [a, b]);
    assert_eq!(peer.session.stats().outbound_queued_bytes, 8);
}

#[test]
fn outbound_queue_holds_publishes_beyond_the_window_in_order() {
    let mut o = options(V5);
    o.outbound_limits.max_messages = 1;
    let mut peer = Peer::new(o);
    peer.connect(Properties {
        receive_maximum: Some(1),
        ..Properties::default()
    });
    peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.publish("t", b"2", QoS::AtLeastOnce);
    assert_eq!(
        peer.session.publish(0, msg("t", b"3", QoS::AtLeastOnce)),
        Err(SessionError::QueueFull),
        "the window is full and the queue holds 1"
    );
    peer.server_sends(puback(1));
    peer.publish("t", b"3", QoS::AtLeastOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)", "PUBLISH(2,2)"]);
}

/// The outbound bounds are for operations that wait. A publish that can go out at once
/// (connected, window open, transport writable) does not wait.
#[test]
fn outbound_bounds_do_not_refuse_a_publish_that_goes_out_at_once() {
    let mut o = options(V5);
    o.outbound_limits.max_bytes = 16;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    let r = peer
        .session
        .publish(0, msg("t", &[7; 100], QoS::AtLeastOnce));
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(peer.client_sent().len(), 1);

    let mut o = options(V5);
    o.outbound_limits.max_messages = 0;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    let r = peer.session.publish(0, msg("t", b"x", QoS::AtMostOnce));
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(peer.client_sent().len(), 1);
}

#[test]
fn qos0_is_queued_offline_only_when_asked() {
    let mut o = options(V5);
    o.queue_qos0 = false;
    let mut peer = Peer::new(o);
    assert_eq!(
        peer.session.publish(0, msg("t", b"0", QoS::AtMostOnce)),
        Err(SessionError::NotConnected)
    );
    peer.publish("t", b"1", QoS::AtLeastOnce);
    peer.connect(Properties::default());
    assert_eq!(peer.sent_names(), ["PUBLISH(1,1)"]);
    peer.publish("t", b"0", QoS::AtMostOnce);
    assert_eq!(peer.sent_names(), ["PUBLISH(0)"]);

    let mut peer = Peer::v5(); // queue_qos0 defaults to true
    let t = peer.publish("t", b"0", QoS::AtMostOnce);
    assert!(peer.events().is_empty(), "complete only once written");
    peer.connect(Properties::default());
    assert_eq!(peer.sent_names(), ["PUBLISH(0)"]);
    assert_eq!(completed(&peer.events()), [(t, ReasonCode::Success)]);
}

#[test]
fn write_blocked_holds_publishes_but_not_acknowledgements_or_pings() {
    let mut o = options(V5);
    o.keep_alive = 10;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.publish("t", b"x", QoS::ExactlyOnce);
    peer.client_sent();
    peer.now = 1_000;
    peer.session.set_write_blocked(peer.now, true);
    peer.publish("t", b"a", QoS::AtMostOnce);
    peer.publish("t", b"b", QoS::AtLeastOnce);
    peer.subscribe(vec![filter("s", QoS::AtMostOnce)]);
    assert!(peer.client_sent().is_empty());
    assert_eq!(peer.session.stats().outbound_queued, 3);
    peer.now = 2_000;
    peer.server_sends(pubrec(1));
    assert_eq!(peer.sent_names(), ["PUBREL(1)"]);
    peer.now = 3_000;
    peer.server_sends(publish("in", b"y", QoS::AtLeastOnce, 9, false));
    peer.server_sends(publish("in", b"z", QoS::ExactlyOnce, 10, false));
    peer.server_sends(pubrel(10));
    assert_eq!(
        peer.sent_names(),
        ["PUBACK(9)", "PUBREC(10)", "PUBCOMP(10)"]
    );
    peer.advance_to(13_000);
    assert_eq!(peer.sent_names(), ["PINGREQ"]);
    peer.session.set_write_blocked(peer.now, false);
    assert_eq!(
        peer.sent_names(),
        ["PUBLISH(a)", "PUBLISH(b,2)", "SUBSCRIBE(3)"]
    );
}

#[test]
fn stats_count_what_happened() {
    let mut o = options(V5);
    o.inbound_policy = InboundPolicy::DropOldest;
    o.inbound_limits.max_messages = 2;
    let mut peer = Peer::new(o);
    peer.connect(Properties {
        receive_maximum: Some(1),
        ..Properties::default()
    });
    peer.publish("t", b"aaa", QoS::AtLeastOnce);
    peer.publish("t", b"bb", QoS::AtLeastOnce);
    let s = peer.session.stats();
    assert_eq!((s.inflight_out, s.inflight_out_bytes), (1, 4));
    assert_eq!((s.outbound_queued, s.outbound_queued_bytes), (1, 3));
    assert_eq!((s.messages_sent, s.send_window), (1, 1));

    peer.server_sends_all(vec![q0("t", "x"), q0("t", "y"), q0("t", "z")]);
    peer.server_sends(publish("t", b"q2", QoS::ExactlyOnce, 5, false));
    let s = peer.session.stats();
    assert_eq!(s.messages_received, 4);
    assert_eq!((s.inbound_queued, s.inbound_queued_bytes), (2, 5));
    assert_eq!(s.inbound_dropped, 2);
    assert_eq!(s.inflight_in, 1);

    peer.server_sends(puback(1));
    let s = peer.session.stats();
    assert_eq!((s.inflight_out, s.inflight_out_bytes), (1, 3));
    assert_eq!((s.outbound_queued, s.outbound_queued_bytes), (0, 0));
    assert_eq!(s.messages_sent, 2);
    peer.server_sends(pubrel(5));
    peer.take_all();
    peer.client_sent();
    let s = peer.session.stats();
    assert_eq!(
        (s.inbound_queued, s.inbound_queued_bytes, s.inflight_in),
        (0, 0, 0)
    );
    assert_eq!(s.bytes_sent, peer.bytes_written);
    assert_eq!(s.bytes_received, peer.bytes_fed);
    assert_eq!(s.outbound_dropped, 0);
}
