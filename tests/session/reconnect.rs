//! The reconnect policy: exponential backoff with jitter, as data, and how the session uses it.

use crate::peer::*;

fn policy(initial_ms: u64, max_ms: u64, multiplier: f64, jitter: f64) -> BackoffOptions {
    BackoffOptions {
        initial_ms,
        max_ms,
        multiplier,
        jitter,
        stable_after_ms: 10_000,
    }
}

#[test]
fn backoff_delays_grow_by_the_multiplier_up_to_the_maximum() {
    let mut b = Backoff::new(policy(1_000, 10_000, 2.0, 0.0));
    let delays: Vec<u64> = (0..7).map(|_| b.next_delay(0, 0.5)).collect();
    assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    assert_eq!(b.attempt(), 7);

    let mut b = Backoff::new(policy(500, 60_000, 3.0, 0.0));
    let delays: Vec<u64> = (0..5).map(|_| b.next_delay(0, 0.0)).collect();
    assert_eq!(delays, [500, 1_500, 4_500, 13_500, 40_500]);

    // Multiplier 1: constant, as MQTT.js's reconnectPeriod.
    let mut b = Backoff::new(policy(1_000, 30_000, 1.0, 0.0));
    let delays: Vec<u64> = (0..4).map(|_| b.next_delay(0, 0.0)).collect();
    assert_eq!(delays, [1_000; 4]);
}

#[test]
fn backoff_jitter_stays_within_its_bounds_for_draws_0_and_almost_1() {
    for jitter in [0.0, 0.25, 0.5, 1.0] {
        let mut low = Backoff::new(policy(1_000, 8_000, 2.0, jitter));
        let mut high = Backoff::new(policy(1_000, 8_000, 2.0, jitter));
        for capped in [1_000.0, 2_000.0, 4_000.0, 8_000.0, 8_000.0] {
            let d0 = low.next_delay(0, 0.0);
            let d1 = high.next_delay(0, 0.999_999_9);
            assert_eq!(
                d0 as f64, capped,
                "draw 0 takes nothing off (jitter {jitter})"
            );
            let floor = capped * (1.0 - jitter);
            assert!(
                (d1 as f64) >= floor - 1.0 && (d1 as f64) <= floor + 1.0,
                "draw ~1 takes the whole jitter off: {d1} vs {floor} (jitter {jitter})"
            );
            assert!(d1 <= d0);
        }
    }
    // Draws outside [0, 1) are clamped.
    let mut b = Backoff::new(policy(1_000, 8_000, 2.0, 0.5));
    assert_eq!(b.next_delay(0, -3.0), 1_000);
    assert_eq!(b.next_delay(0, 7.0), 1_000);
}

#[test]
fn backoff_resets_after_a_stable_connection() {
    let mut b = Backoff::new(policy(1_000, 30_000, 2.0, 0.0));
    assert_eq!(b.next_delay(0, 0.0), 1_000);
    assert_eq!(b.next_delay(0, 0.0), 2_000);
    b.connected(5_000);
    assert_eq!(b.next_delay(14_999, 0.0), 4_000, "9,999 ms is not stable");
    b.connected(20_000);
    assert_eq!(b.next_delay(30_000, 0.0), 1_000, "10,000 ms is");
    assert_eq!(b.attempt(), 1);
}

#[test]
fn jitter_generator_is_deterministic_and_in_range() {
    let mut a = Jitter::new(42);
    let mut b = Jitter::new(42);
    let mut c = Jitter::new(43);
    let xs: Vec<f64> = (0..1000).map(|_| a.draw()).collect();
    let ys: Vec<f64> = (0..1000).map(|_| b.draw()).collect();
    let zs: Vec<f64> = (0..1000).map(|_| c.draw()).collect();
    assert_eq!(xs, ys);
    assert_ne!(xs, zs);
    assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
    let mean = xs.iter().sum::<f64>() / 1000.0;
    assert!((0.4..0.6).contains(&mean), "{mean}");
    // Seed 0 is usable.
    let mut z = Jitter::new(0);
    assert!((0..10).map(|_| z.draw()).any(|x| x > 0.0));
}

/// A transport that opens and closes before CONNACK; returns the reconnect delay announced.
fn fail_once(peer: &mut Peer) -> Option<u64> {
    peer.open();
    peer.drop_transport();
    let events = peer.events();
    let d = disconnected(&events);
    assert_eq!(d.len(), 1, "{events:?}");
    assert_eq!(d[0].0, SessionError::TransportClosed);
    d[0].1
}

#[test]
fn session_reconnect_delays_follow_the_backoff_and_reconnect_due_comes_at_the_deadline() {
    let mut o = options(V5);
    o.reconnect = policy(1_000, 5_000, 2.0, 0.0);
    let mut peer = Peer::new(o);
    for (n, delay) in [1_000, 2_000, 4_000, 5_000, 5_000].into_iter().enumerate() {
        assert_eq!(fail_once(&mut peer), Some(delay));
        let expected_attempt = n as u32 + 1;
        let due = peer.now + delay;
        assert_eq!(peer.session.poll_timeout(), Some(due));
        peer.advance_to(due - 1);
        assert!(peer.events().is_empty());
        peer.advance_to(due);
        assert_eq!(
            peer.events(),
            [Event::ReconnectDue {
                attempt: expected_attempt
            }]
        );
        assert_eq!(peer.session.poll_timeout(), None);
    }
}

#[test]
fn a_transport_that_never_opens_schedules_the_next_attempt() {
    let mut o = options(V5);
    o.reconnect = policy(1_000, 5_000, 2.0, 0.0);
    let mut peer = Peer::new(o);
    assert_eq!(fail_once(&mut peer), Some(1_000));
    peer.advance(1_000);
    peer.events();
    // The WebSocket fails before opening: only its close is reported.
    peer.drop_transport();
    assert_eq!(
        disconnected(&peer.events()),
        [(SessionError::TransportClosed, Some(2_000))]
    );
}

#[test]
fn session_jitter_keeps_each_delay_within_its_bounds() {
    for seed in [0, 1, 7, 12345, u64::MAX] {
        let mut o = options(V5);
        o.reconnect = policy(1_000, 8_000, 2.0, 0.5);
        o.random_seed = seed;
        let mut peer = Peer::new(o);
        let mut seen = Vec::new();
        for capped in [1_000, 2_000, 4_000, 8_000, 8_000, 8_000] {
            let d = fail_once(&mut peer).unwrap();
            assert!(
                (capped / 2..=capped).contains(&d),
                "seed {seed}: {d} outside [{}, {capped}]",
                capped / 2
            );
            seen.push(d);
            peer.advance(d);
            peer.events();
        }
        // The same seed gives the same delays.
        let mut o = options(V5);
        o.reconnect = policy(1_000, 8_000, 2.0, 0.5);
        o.random_seed = seed;
        let mut again = Peer::new(o);
        let replay: Vec<u64> = seen
            .iter()
            .map(|d| {
                let x = fail_once(&mut again).unwrap();
                again.advance(*d);
                again.events();
                x
            })
            .collect();
        assert_eq!(seen, replay);
    }
}

#[test]
fn reconnect_is_off_when_the_initial_delay_is_0() {
    let mut o = options(V5);
    o.reconnect.initial_ms = 0;
    let mut peer = Peer::new(o);
    peer.connect(Properties::default());
    peer.events();
    peer.now = 100;
    peer.session.handle_disconnected(peer.now);
    assert_eq!(
        disconnected(&peer.events()),
        [(SessionError::TransportClosed, None)]
    );
    assert_eq!(peer.session.poll_timeout(), None);
    peer.advance(1_000_000);
    assert!(peer.events().is_empty());
}

#[test]
fn a_stable_connection_resets_the_delay() {
    let mut o = options(V5);
    o.reconnect = policy(1_000, 30_000, 2.0, 0.0);
    let mut peer = Peer::new(o);
    assert_eq!(fail_once(&mut peer), Some(1_000));
    peer.advance(1_000);
    assert_eq!(fail_once(&mut peer), Some(2_000));
    peer.advance(2_000);
    peer.events();
    // Connected for 10 s: stable.
    peer.connect(Properties::default());
    peer.events();
    peer.server_sends(Packet::PingResp);
    peer.now += 10_000;
    peer.drop_transport();
    assert_eq!(
        disconnected(&peer.events()),
        [(SessionError::TransportClosed, Some(1_000))]
    );
    peer.advance(1_000);
    peer.events();
    // Connected for 5 s only: the delay keeps growing.
    peer.connect(Properties::default());
    peer.events();
    peer.now += 5_000;
    peer.drop_transport();
    assert_eq!(
        disconnected(&peer.events()),
        [(SessionError::TransportClosed, Some(2_000))]
    );
}

#[test]
fn reconnect_skips_the_remaining_delay() {
    let mut o = options(V5);
    o.reconnect = policy(5_000, 30_000, 2.0, 0.0);
    let mut peer = Peer::new(o);
    assert_eq!(fail_once(&mut peer), Some(5_000));
    peer.now += 10;
    peer.session.reconnect(peer.now);
    assert_eq!(peer.events(), [Event::ReconnectDue { attempt: 1 }]);
    assert_eq!(peer.session.poll_timeout(), None);
    peer.connect(Properties::default());
    assert!(peer.session.is_connected());
}

#[test]
fn reconnect_while_connected_does_nothing() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.events();
    peer.session.reconnect(0);
    assert!(peer.events().is_empty());
    assert!(peer.session.is_connected());
}

#[test]
fn a_refused_connection_is_retried_after_the_delay() {
    let mut peer = Peer::v5();
    peer.open();
    peer.server_sends(Packet::ConnAck(ConnAck {
        session_present: false,
        reason_code: ReasonCode::ServerBusy,
        properties: Properties::default(),
    }));
    let events = peer.events();
    assert!(matches!(
        disconnected(&events).as_slice(),
        [(
            SessionError::ConnectionRefused {
                reason_code: ReasonCode::ServerBusy,
                ..
            },
            Some(1_000)
        )]
    ));
}

#[test]
fn packets_lost_with_the_transport_are_not_reported_as_sent() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    peer.client_sent();
    // Written into the transmit buffer, then the transport drops before the bytes are taken.
    peer.session
        .publish(0, msg("t", b"never written", QoS::AtMostOnce))
        .expect("publish");
    assert!(peer.session.has_transmit());
    peer.drop_transport();
    // The next connection writes CONNECT alone, and reports CONNECT alone as sent
    // (`client_sent` compares the two).
    peer.session.handle_connected(0);
    assert_eq!(
        describe_all(&peer.session.take_sent()),
        describe_all(&peer.client_sent_untraced())
    );
}
