//! A scripted peer: the test plays the server. It wraps a [`Session`], feeds it encoded server
//! packets, decodes every byte the session writes back into packets, collects the events and
//! drives a fake clock. Two checks run on everything the client writes, in every test:
//! - each write decodes as well-formed packets of the session's version;
//! - a PUBLISH using a topic alias resolves, on the server's side of this connection, to a
//!   topic (an alias must be assigned before it is reused, and aliases do not survive the
//!   connection [MQTT-3.3.2-7]); the resolved topics are kept for the tests to compare.
#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::BTreeMap;

pub use wasmqtt::codec::*;
pub use wasmqtt::session::*;

pub const V5: ProtocolVersion = ProtocolVersion::V5;
pub const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

/// A non-zero packet identifier.
pub fn pid(n: u16) -> Pid {
    Pid::new(n).expect("non-zero packet id")
}

/// Options with a client id, a deterministic reconnect policy (no jitter) and MQTT.js's
/// other defaults.
pub fn options(version: ProtocolVersion) -> SessionOptions {
    SessionOptions {
        protocol: version,
        client_id: "client-1".into(),
        reconnect: BackoffOptions {
            jitter: 0.0,
            ..BackoffOptions::default()
        },
        ..SessionOptions::default()
    }
}

/// Options that keep the session across connections (clean start 0 and, in MQTT 5, a
/// session expiry interval).
pub fn persistent(version: ProtocolVersion) -> SessionOptions {
    let mut o = options(version);
    o.clean_start = false;
    if version.is_v5() {
        o.properties.session_expiry_interval = Some(3600);
    }
    o
}

pub fn connack(session_present: bool, properties: Properties<'static>) -> Packet<'static> {
    Packet::ConnAck(ConnAck {
        session_present,
        reason_code: ReasonCode::Success,
        properties,
    })
}

pub fn publish(topic: &str, payload: &[u8], qos: QoS, id: u16, dup: bool) -> Packet<'static> {
    let qos_pid = match qos {
        QoS::AtMostOnce => QosPid::AtMostOnce,
        QoS::AtLeastOnce => QosPid::AtLeastOnce(pid(id)),
        QoS::ExactlyOnce => QosPid::ExactlyOnce(pid(id)),
    };
    Packet::Publish(Publish {
        dup,
        qos_pid,
        retain: false,
        topic: Cow::Owned(topic.to_string()),
        properties: Properties::default(),
        payload: Cow::Owned(payload.to_vec()),
    })
}

pub fn ack(id: u16, reason_code: ReasonCode) -> Ack<'static> {
    Ack {
        pid: pid(id),
        reason_code,
        properties: Properties::default(),
    }
}

pub fn puback(id: u16) -> Packet<'static> {
    Packet::PubAck(Ack::new(pid(id)))
}
pub fn pubrec(id: u16) -> Packet<'static> {
    Packet::PubRec(Ack::new(pid(id)))
}
pub fn pubrel(id: u16) -> Packet<'static> {
    Packet::PubRel(Ack::new(pid(id)))
}
pub fn pubcomp(id: u16) -> Packet<'static> {
    Packet::PubComp(Ack::new(pid(id)))
}
pub fn suback(id: u16, reason_codes: Vec<ReasonCode>) -> Packet<'static> {
    Packet::SubAck(SubAck {
        pid: pid(id),
        properties: Properties::default(),
        reason_codes,
    })
}
pub fn unsuback(id: u16, reason_codes: Vec<ReasonCode>) -> Packet<'static> {
    Packet::UnsubAck(UnsubAck {
        pid: pid(id),
        properties: Properties::default(),
        reason_codes,
    })
}

/// A message of QoS `qos` to `topic`.
pub fn msg(topic: &str, payload: &[u8], qos: QoS) -> Message {
    Message {
        qos,
        ..Message::new(topic, payload.to_vec())
    }
}

/// A filter with default options of QoS `qos`.
pub fn filter(f: &str, qos: QoS) -> SubscribeFilter<'static> {
    SubscribeFilter {
        filter: Cow::Owned(f.to_string()),
        options: SubscriptionOptions::qos(qos),
    }
}

/// The packet id of a packet that has one.
pub fn pid_of(p: &Packet<'_>) -> Option<u16> {
    match p {
        Packet::Publish(p) => p.qos_pid.pid().map(Pid::get),
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
            Some(a.pid.get())
        }
        Packet::Subscribe(s) => Some(s.pid.get()),
        Packet::Unsubscribe(u) => Some(u.pid.get()),
        Packet::SubAck(s) => Some(s.pid.get()),
        Packet::UnsubAck(u) => Some(u.pid.get()),
        _ => None,
    }
}

/// A short name for each packet, to compare sequences: `PUBLISH(1,dup)`, `PUBREL(2)`...
pub fn describe(p: &Packet<'_>) -> String {
    match p {
        Packet::Publish(p) => {
            let mut s = format!("PUBLISH({}", String::from_utf8_lossy(&p.payload));
            if let Some(id) = p.qos_pid.pid() {
                s.push_str(&format!(",{id}"));
            }
            if p.dup {
                s.push_str(",dup");
            }
            s.push(')');
            s
        }
        Packet::PubAck(a) => format!("PUBACK({})", a.pid),
        Packet::PubRec(a) => format!("PUBREC({})", a.pid),
        Packet::PubRel(a) => format!("PUBREL({})", a.pid),
        Packet::PubComp(a) => format!("PUBCOMP({})", a.pid),
        Packet::Subscribe(s) => format!("SUBSCRIBE({})", s.pid),
        Packet::Unsubscribe(u) => format!("UNSUBSCRIBE({})", u.pid),
        other => other.packet_type().name().to_string(),
    }
}

pub fn describe_all(ps: &[Packet<'_>]) -> Vec<String> {
    ps.iter().map(describe).collect()
}

/// The session under test and the server's side of the conversation.
pub struct Peer {
    pub session: Session,
    pub now: u64,
    /// Every packet the client wrote, oldest first, over all connections.
    pub history: Vec<Packet<'static>>,
    /// Each client PUBLISH's topic as the server resolves it (aliases applied), in order;
    /// `None` when the alias was never assigned on this connection.
    pub published_topics: Vec<Option<String>>,
    /// Bytes fed to the session and bytes it wrote, in total.
    pub bytes_fed: u64,
    pub bytes_written: u64,
    /// The server's Maximum Packet Size, checked against every packet the client writes
    /// [MQTT-3.2.2-15].
    pub server_max_packet_size: Option<u32>,
    /// The server's Topic Alias Maximum on this connection.
    pub server_alias_max: u16,
    aliases: BTreeMap<u16, String>,
    events: Vec<Event>,
}

impl Peer {
    pub fn new(opts: SessionOptions) -> Self {
        let mut session = Session::new(opts);
        // Every test also checks the packets the session reports sending (for `packetsend`)
        // against what it wrote: see `client_sent`.
        session.set_trace_sent(true);
        Peer {
            session,
            now: 0,
            history: Vec::new(),
            published_topics: Vec::new(),
            bytes_fed: 0,
            bytes_written: 0,
            server_max_packet_size: None,
            server_alias_max: 0,
            aliases: BTreeMap::new(),
            events: Vec::new(),
        }
    }

    pub fn v5() -> Self {
        Peer::new(options(V5))
    }

    pub fn v3() -> Self {
        Peer::new(options(V4))
    }

    pub fn version(&self) -> ProtocolVersion {
        self.session.protocol()
    }

    // ---- the transport ----

    /// The transport opened: the session writes CONNECT.
    pub fn open(&mut self) -> Connect<'static> {
        self.session.handle_connected(self.now);
        let sent = self.client_sent();
        match sent.as_slice() {
            [Packet::Connect(c)] => (**c).clone(),
            other => panic!("expected CONNECT alone, got {:?}", describe_all(other)),
        }
    }

    /// Opens the transport and accepts the connection with Session Present 0 and these
    /// CONNACK properties. Returns the CONNECT. Events stay queued for the test.
    pub fn connect(&mut self, props: Properties<'static>) -> Connect<'static> {
        self.connect_with(false, props)
    }

    pub fn connect_with(
        &mut self,
        session_present: bool,
        props: Properties<'static>,
    ) -> Connect<'static> {
        let connect = self.open();
        self.server_max_packet_size = props.maximum_packet_size;
        self.server_alias_max = props.topic_alias_maximum.unwrap_or(0);
        self.server_sends(connack(session_present, props));
        assert!(
            self.session.is_connected(),
            "CONNACK did not connect: {:?}",
            self.events
        );
        connect
    }

    /// The transport closed.
    pub fn drop_transport(&mut self) {
        self.session.handle_disconnected(self.now);
    }

    /// The server writes `packet`.
    pub fn server_sends(&mut self, packet: Packet<'_>) {
        let mut buf = Vec::new();
        packet
            .encode_to_vec(self.version(), &mut buf)
            .expect("the test's server packet encodes");
        self.server_sends_bytes(&buf);
    }

    /// The server writes several packets in one transport message.
    pub fn server_sends_all(&mut self, packets: Vec<Packet<'_>>) {
        let mut buf = Vec::new();
        for p in packets {
            p.encode_to_vec(self.version(), &mut buf)
                .expect("the test's server packet encodes");
        }
        self.server_sends_bytes(&buf);
    }

    pub fn server_sends_bytes(&mut self, bytes: &[u8]) {
        self.bytes_fed += bytes.len() as u64;
        self.session.handle_bytes(self.now, bytes);
    }

    /// What the client wrote since the last call, decoded, leaving the session's record of
    /// sent packets for the test to read.
    pub fn client_sent_untraced(&mut self) -> Vec<Packet<'static>> {
        let mut out = Vec::new();
        while let Some(buf) = self.session.poll_transmit() {
            let mut rest = &buf[..];
            while let Ok(Some((packet, len))) = Packet::decode(rest, self.version()) {
                out.push(packet.into_owned());
                rest = &rest[len..];
            }
        }
        out
    }

    /// Everything the client wrote since the last call, decoded.
    pub fn client_sent(&mut self) -> Vec<Packet<'static>> {
        let mut out = Vec::new();
        while let Some(buf) = self.session.poll_transmit() {
            self.bytes_written += buf.len() as u64;
            let traced = self.session.take_sent();
            let first = out.len();
            let mut at = 0;
            while at < buf.len() {
                let (packet, len) = match Packet::decode(&buf[at..], self.version()) {
                    Ok(Some(x)) => x,
                    Ok(None) => panic!("the client wrote a truncated packet: {:?}", &buf[at..]),
                    Err(e) => panic!(
                        "the client wrote a malformed packet ({e}): {:?}",
                        &buf[at..]
                    ),
                };
                if let Some(max) = self.server_max_packet_size {
                    assert!(
                        len <= max as usize,
                        "[MQTT-3.2.2-15] the client wrote a {len}-byte {} over the server's \
                         Maximum Packet Size {max}",
                        packet.packet_type()
                    );
                }
                let packet = packet.into_owned();
                self.observe(&packet);
                out.push(packet);
                at += len;
            }
            assert_eq!(
                describe_all(&traced),
                describe_all(&out[first..]),
                "the packets the session reports sending are not those it wrote"
            );
            assert_eq!(
                traced,
                out[first..],
                "a reported packet differs from the one written"
            );
        }
        self.history.extend(out.iter().cloned());
        out
    }

    /// The server's view of what the client wrote: a CONNECT starts a connection (aliases
    /// forgotten); a PUBLISH's topic is resolved.
    fn observe(&mut self, packet: &Packet<'static>) {
        match packet {
            Packet::Connect(_) => self.aliases.clear(),
            Packet::Publish(p) => {
                let resolved = match p.properties.topic_alias {
                    None => Some(p.topic.to_string()),
                    Some(a) if p.topic.is_empty() => self.aliases.get(&a).cloned(),
                    Some(a) => {
                        self.aliases.insert(a, p.topic.to_string());
                        Some(p.topic.to_string())
                    }
                };
                self.published_topics.push(resolved);
            }
            _ => {}
        }
    }

    /// The client's packets since the last call, as short names.
    pub fn sent_names(&mut self) -> Vec<String> {
        let sent = self.client_sent();
        describe_all(&sent)
    }

    /// Every event since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        while let Some(e) = self.session.poll_event() {
            self.events.push(e);
        }
        std::mem::take(&mut self.events)
    }

    // ---- time ----

    /// Moves the clock to `t`, firing every deadline on the way at its own time, as a driver
    /// with an exact timer does.
    pub fn advance_to(&mut self, t: u64) {
        for _ in 0..1000 {
            match self.session.poll_timeout() {
                Some(d) if d <= t => {
                    self.now = d.max(self.now);
                    self.session.handle_timeout(self.now);
                    // Collect the events now, so that a deadline that produced one does not
                    // look like a deadline that keeps firing.
                    while let Some(e) = self.session.poll_event() {
                        self.events.push(e);
                    }
                    if self.session.poll_timeout() == Some(d) {
                        break;
                    }
                }
                _ => break,
            }
        }
        self.now = self.now.max(t);
    }

    pub fn advance(&mut self, ms: u64) {
        let t = self.now + ms;
        self.advance_to(t);
    }

    // ---- application shortcuts ----

    pub fn publish(&mut self, topic: &str, payload: &[u8], qos: QoS) -> Token {
        self.session
            .publish(self.now, msg(topic, payload, qos))
            .expect("publish accepted")
    }

    pub fn subscribe(&mut self, filters: Vec<SubscribeFilter<'static>>) -> Token {
        self.session
            .subscribe(self.now, filters, Properties::default())
            .expect("subscribe accepted")
    }

    /// Every message the application can take now.
    pub fn take_all(&mut self) -> Vec<Publish<'static>> {
        let mut out = Vec::new();
        while let Some(m) = self.session.take_message(self.now) {
            out.push(m);
        }
        out
    }

    /// The payloads of every message the application can take now, as strings.
    pub fn take_payloads(&mut self) -> Vec<String> {
        self.take_all()
            .iter()
            .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
            .collect()
    }
}

// ---- event helpers ----

pub fn completed(events: &[Event]) -> Vec<(Token, ReasonCode)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PublishComplete {
                token, reason_code, ..
            } => Some((*token, *reason_code)),
            _ => None,
        })
        .collect()
}

pub fn failed(events: &[Event]) -> Vec<(Token, SessionError)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PublishFailed { token, error } => Some((*token, error.clone())),
            _ => None,
        })
        .collect()
}

pub fn disconnected(events: &[Event]) -> Vec<(SessionError, Option<u64>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Disconnected {
                error,
                reconnect_in,
            } => Some((error.clone(), *reconnect_in)),
            _ => None,
        })
        .collect()
}

/// The single `Disconnected` among `events`.
pub fn the_disconnect(events: &[Event]) -> SessionError {
    let d = disconnected(events);
    assert_eq!(d.len(), 1, "expected one Disconnected event in {events:?}");
    d[0].0.clone()
}

/// The reason code of a protocol violation the session reported.
pub fn violation_code(events: &[Event]) -> ReasonCode {
    match the_disconnect(events) {
        SessionError::ProtocolViolation { reason_code, .. } => reason_code,
        other => panic!("expected a protocol violation, got {other:?}"),
    }
}

/// The reason code of the DISCONNECT the client wrote, if it wrote one, and that it is the
/// last packet written.
pub fn disconnect_sent(sent: &[Packet<'_>]) -> Option<ReasonCode> {
    let pos = sent
        .iter()
        .position(|p| matches!(p, Packet::Disconnect(_)))?;
    assert_eq!(
        pos,
        sent.len() - 1,
        "[MQTT-3.14.4-1] packets after DISCONNECT: {:?}",
        describe_all(sent)
    );
    match &sent[pos] {
        Packet::Disconnect(d) => Some(d.reason_code),
        _ => None,
    }
}
