//! The connection's life: CONNECT, CONNACK, the packets that arrive, DISCONNECT both ways,
//! enhanced AUTH, losing the transport and scheduling the reconnect.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};

use crate::codec::{
    Auth, ConnAck, Connect, Disconnect, Packet, Properties, ProtocolVersion, QoS, ReasonCode,
};

use super::error::SessionError;
use super::event::Event;
use super::options::InboundPolicy;
use super::{ServerLimits, Session, State};

impl Session {
    /// The transport is open: sends CONNECT and starts the connect timeout.
    pub fn handle_connected(&mut self, now: u64) {
        self.now = now;
        self.transport_open = true;
        // Ended by the application: the driver closes this transport; nothing is sent on it.
        if self.state != State::Disconnected || self.ended {
            return;
        }
        if let Err(e) = self.opts.validate() {
            // Options that can only produce a refused CONNECT: end here, do not retry.
            self.ended = true;
            self.schedule_reconnect(e);
            return;
        }
        self.epoch += 1;
        self.state = State::Connecting;
        self.reconnect_at = None;
        self.ping_deadline = None;
        self.write_blocked = false;
        self.tx.clear();
        if let Some(sent) = self.sent.as_mut() {
            sent.clear();
        }
        self.server = ServerLimits::default();
        self.framer.reset();
        self.framer.set_version(self.opts.protocol);
        self.connect_deadline = Some(now.saturating_add(self.opts.connect_timeout_ms));
        self.announced_receive_maximum = self.receive_maximum_to_announce();
        let connect = self.connect_packet();
        if let Err(e) = self.send(Packet::Connect(Box::new(connect))) {
            self.close(e, None);
        }
    }

    /// Our Receive Maximum for this connection. Under the backpressure policy it is the room
    /// left in the inbound queue, so that what the server may send fits in it.
    fn receive_maximum_to_announce(&self) -> u16 {
        let configured = self.opts.receive_maximum();
        if self.inbound.policy() != InboundPolicy::Backpressure {
            return configured;
        }
        let room = self
            .opts
            .inbound_limits
            .max_messages
            .saturating_sub(self.inbound.len());
        configured
            .min(u16::try_from(room).unwrap_or(u16::MAX))
            .max(1)
    }

    fn connect_packet(&self) -> Connect<'static> {
        let o = &self.opts;
        let mut properties = o.properties.clone();
        if o.protocol.is_v5() {
            let receive_maximum = self.announced_receive_maximum;
            properties.receive_maximum = (receive_maximum != u16::MAX).then_some(receive_maximum);
            // The configured maximum, capped by the backpressure queue's byte bound.
            let limit = o.maximum_packet_size();
            properties.maximum_packet_size = (limit != crate::codec::MAX_PACKET_SIZE)
                .then_some(limit)
                .or(o.properties.maximum_packet_size);
        }
        Connect {
            protocol: o.protocol,
            clean_start: o.clean_start,
            keep_alive: o.keep_alive,
            properties,
            client_id: Cow::Owned(o.client_id.clone()),
            will: o.will.clone(),
            username: o.username.clone().map(Cow::Owned),
            password: o.password.clone().map(Cow::Owned),
        }
    }

    /// Bytes from the transport, in any split.
    pub fn handle_bytes(&mut self, now: u64, bytes: &[u8]) {
        self.now = now;
        if self.state == State::Disconnected {
            return;
        }
        self.stats.bytes_received += bytes.len() as u64;
        if let Err(e) = self.framer.push(bytes) {
            self.violation_from(e);
            return;
        }
        while self.state != State::Disconnected {
            let packet = match self.framer.next_server_packet() {
                None => break,
                Some(Ok(p)) => p.into_owned(),
                Some(Err(e)) => {
                    self.violation_from(e);
                    break;
                }
            };
            self.on_packet(packet);
        }
        self.pump();
    }

    fn on_packet(&mut self, packet: Packet<'static>) {
        let connecting = self.state == State::Connecting;
        match packet {
            Packet::ConnAck(c) if connecting => self.on_connack(c),
            Packet::Auth(a) if self.opts.protocol.is_v5() => self.on_auth(a),
            Packet::Disconnect(d) if self.opts.protocol.is_v5() => self.on_server_disconnect(d),
            // [MQTT-3.1.2-30] and the reverse: nothing but AUTH before CONNACK.
            other if connecting => self.violation(
                ReasonCode::ProtocolError,
                format!("{} before CONNACK", other.packet_type()),
            ),
            Packet::Publish(p) => self.on_publish(p),
            Packet::PubAck(a) => self.on_puback(a),
            Packet::PubRec(a) => self.on_pubrec(a),
            Packet::PubRel(a) => self.on_pubrel(a),
            Packet::PubComp(a) => self.on_pubcomp(a),
            Packet::SubAck(s) => self.on_suback(s),
            Packet::UnsubAck(u) => self.on_unsuback(u),
            Packet::PingResp => self.ping_deadline = None,
            other => self.violation(
                ReasonCode::ProtocolError,
                format!("a server does not send {}", other.packet_type()),
            ),
        }
    }

    fn on_connack(&mut self, connack: ConnAck<'static>) {
        if connack.reason_code.is_error() {
            let p = connack.properties;
            let error = SessionError::ConnectionRefused {
                reason_code: connack.reason_code,
                reason_string: p.reason_string.map(Cow::into_owned),
                server_reference: p.server_reference.map(Cow::into_owned),
            };
            self.close(error, None);
            return;
        }
        // [MQTT-3.2.2-4]: with Clean Start we hold no session the server could have resumed.
        if connack.session_present && self.opts.clean_start {
            self.violation(
                ReasonCode::ProtocolError,
                "Session Present in answer to Clean Start".to_string(),
            );
            return;
        }
        let p = &connack.properties;
        self.server = ServerLimits {
            receive_maximum: p.receive_maximum.unwrap_or(u16::MAX),
            maximum_qos: p.maximum_qos.unwrap_or(QoS::ExactlyOnce),
            retain_available: p.retain_available.unwrap_or(true),
            maximum_packet_size: p
                .maximum_packet_size
                .unwrap_or(crate::codec::MAX_PACKET_SIZE),
            topic_alias_maximum: p.topic_alias_maximum.unwrap_or(0),
            wildcard_subscription_available: p.wildcard_subscription_available.unwrap_or(true),
            subscription_identifier_available: p.subscription_identifier_available.unwrap_or(true),
            shared_subscription_available: p.shared_subscription_available.unwrap_or(true),
        };
        // [MQTT-3.1.2-21]: the server's keepalive replaces ours.
        let keep_alive = p.server_keep_alive.unwrap_or(self.opts.keep_alive);
        self.keep_alive_ms = u64::from(keep_alive) * 1000;
        if let Some(id) = &p.assigned_client_identifier {
            // Reconnects must present the identifier the session is stored under.
            self.opts.client_id = id.to_string();
        }
        let alias_max = if self.opts.auto_topic_alias {
            self.server.topic_alias_maximum
        } else {
            0
        };
        self.out_aliases.reset(alias_max);
        let our_alias_max = if self.opts.protocol.is_v5() {
            self.opts.properties.topic_alias_maximum.unwrap_or(0)
        } else {
            0
        };
        self.in_aliases.reset(our_alias_max);
        self.state = State::Connected;
        self.connect_deadline = None;
        self.backoff.connected(self.now);
        let resumed = connack.session_present;
        self.events.push_back(Event::Connected(connack));
        if !resumed {
            self.start_new_session();
        }
        self.restart_flows(resumed);
        self.pump();
    }

    fn on_auth(&mut self, auth: Auth<'static>) {
        self.events.push_back(Event::Auth {
            reason_code: auth.reason_code,
            properties: auth.properties,
        });
    }

    fn on_server_disconnect(&mut self, d: Disconnect<'static>) {
        let p = d.properties;
        self.close(
            SessionError::ServerDisconnected {
                reason_code: d.reason_code,
                reason_string: p.reason_string.map(Cow::into_owned),
                server_reference: p.server_reference.map(Cow::into_owned),
            },
            None,
        );
    }

    /// The server broke the protocol: DISCONNECT with `reason_code` (MQTT 5) and close.
    pub(super) fn violation(&mut self, reason_code: ReasonCode, detail: String) {
        self.close(
            SessionError::ProtocolViolation {
                reason_code,
                detail,
            },
            Some(reason_code),
        );
    }

    fn violation_from(&mut self, e: crate::codec::Error) {
        let code = ReasonCode::from_u8(e.reason_code()).unwrap_or(ReasonCode::MalformedPacket);
        self.violation(code, e.to_string());
    }

    /// The transport closed (or failed to open).
    pub fn handle_disconnected(&mut self, now: u64) {
        self.now = now;
        let was_open = core::mem::replace(&mut self.transport_open, false);
        if self.state != State::Disconnected {
            self.close(SessionError::TransportClosed, None);
        } else if !was_open && self.reconnect_at.is_none() && !self.ended {
            // A transport that never opened: a failed attempt; schedule the next. (The close
            // of a connection the session already ended reports nothing more.)
            self.schedule_reconnect(SessionError::TransportClosed);
        }
    }

    /// Ends the connection: sends DISCONNECT first when `reason` is given (MQTT 5), forgets
    /// what lives for one connection, and schedules a reconnect unless the session ended.
    pub(super) fn close(&mut self, error: SessionError, reason: Option<ReasonCode>) {
        if self.state == State::Disconnected {
            return;
        }
        if let Some(reason_code) = reason {
            if self.opts.protocol.is_v5() {
                let packet = Packet::Disconnect(Disconnect {
                    reason_code,
                    properties: Properties::default(),
                });
                // Best effort: the connection ends either way.
                let _ = self.send(packet);
            }
        }
        self.state = State::Disconnected;
        self.ping_deadline = None;
        self.connect_deadline = None;
        self.unacked_in.clear();
        self.framer.reset();
        self.flows.mark_all_unsent(|_| {});
        self.schedule_reconnect(error);
    }

    fn schedule_reconnect(&mut self, error: SessionError) {
        let reconnect_in = if self.ended || !self.backoff.enabled() {
            None
        } else {
            let delay = self.backoff.next_delay(self.now, self.jitter.draw());
            self.reconnect_at = Some(self.now.saturating_add(delay));
            Some(delay)
        };
        self.events.push_back(Event::Disconnected {
            error,
            reconnect_in,
        });
    }

    /// Ends the session on the application's request: DISCONNECT with `reason_code` and
    /// `properties` (MQTT 5; plain DISCONNECT before), no reconnect, and every queued or
    /// in-flight operation fails with [`SessionError::Closed`].
    pub fn disconnect(
        &mut self,
        now: u64,
        reason_code: ReasonCode,
        properties: Properties<'static>,
    ) {
        self.now = now;
        self.ended = true;
        self.reconnect_at = None;
        if self.state != State::Disconnected {
            let packet = Packet::Disconnect(Disconnect {
                reason_code,
                properties,
            });
            if self.send(packet).is_err() {
                // An invalid reason code or property: still say goodbye, plainly.
                let _ = self.send(Packet::Disconnect(Disconnect::default()));
            }
            self.close(SessionError::Closed, None);
        }
        self.abandon_all();
    }

    /// Starts connecting again after [`Session::disconnect`] or a failure, without waiting
    /// for the backoff: emits [`Event::ReconnectDue`] at once.
    pub fn reconnect(&mut self, now: u64) {
        self.now = now;
        self.ended = false;
        if self.state == State::Disconnected {
            self.reconnect_at = None;
            self.events.push_back(Event::ReconnectDue {
                attempt: self.backoff.attempt(),
            });
        }
    }

    /// Sends AUTH (MQTT 5 enhanced authentication): Continue authentication (0x18) to answer
    /// the server's challenge, Re-authenticate (0x19) to start a new exchange once connected.
    pub fn auth(
        &mut self,
        now: u64,
        reason_code: ReasonCode,
        properties: Properties<'static>,
    ) -> Result<(), SessionError> {
        self.now = now;
        if self.opts.protocol != ProtocolVersion::V5 {
            return Err(SessionError::InvalidState("AUTH needs MQTT 5"));
        }
        // [MQTT-4.12.0-7]: no AUTH without an Authentication Method in CONNECT.
        let Some(method) = self.opts.properties.authentication_method.clone() else {
            return Err(SessionError::InvalidState(
                "AUTH needs an Authentication Method in the CONNECT properties",
            ));
        };
        // [MQTT-4.12.0-3]: the client answers with Continue; [MQTT-4.12.1-1]: it starts a
        // re-authentication with Re-authenticate, once connected.
        match (reason_code, self.state) {
            (_, State::Disconnected) => return Err(SessionError::NotConnected),
            (ReasonCode::ReAuthenticate, State::Connecting) => {
                return Err(SessionError::InvalidState(
                    "re-authentication needs a CONNACK first",
                ))
            }
            (ReasonCode::Success, _) => {
                return Err(SessionError::InvalidState(
                    "a client AUTH is Continue authentication (0x18) or Re-authenticate (0x19)",
                ))
            }
            // 0x18, 0x19; any other code fails as an invalid packet [MQTT-3.15.2-1].
            _ => {}
        }
        // [MQTT-4.12.0-5]: the same Authentication Method as CONNECT.
        let mut properties = properties;
        match &properties.authentication_method {
            None => properties.authentication_method = Some(method),
            Some(m) if *m == method => {}
            Some(_) => {
                return Err(SessionError::InvalidState(
                    "AUTH must carry the Authentication Method of CONNECT",
                ))
            }
        }
        self.send(Packet::Auth(Auth {
            reason_code,
            properties,
        }))
    }
}
