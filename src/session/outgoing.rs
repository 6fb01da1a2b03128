//! Outgoing operations: publishes QoS 0/1/2 and their acknowledgements, the inflight window
//! (the server's Receive Maximum), resending after a reconnect [MQTT-4.4.0-1], and the
//! outbound queue for what cannot be sent yet.

use crate::codec::{
    is_shared_subscription, Ack, Packet, Pid, Publish, QoS, QosPid, ReasonCode, Subscribe,
    Unsubscribe,
};

use super::error::SessionError;
use super::event::{Event, Token};
use super::message::Message;
use super::outbound_queue::{Full, Pending};
use super::topic_alias::AliasUse;
use super::{Session, State};

/// What an outgoing QoS 1/2 publish waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // the names of the packets awaited
pub(crate) enum Awaiting {
    /// QoS 1: PUBACK.
    PubAck,
    /// QoS 2: PUBREC.
    PubRec,
    /// QoS 2, PUBREL sent: PUBCOMP.
    PubComp,
}

/// An operation holding a packet identifier until the server answers it.
#[derive(Debug, Clone)]
pub(crate) enum FlowKind {
    Publish {
        token: Token,
        publish: Publish<'static>,
        stage: Awaiting,
    },
    Subscribe {
        token: Option<Token>,
        subscribe: Subscribe<'static>,
    },
    Unsubscribe {
        token: Token,
        unsubscribe: Unsubscribe<'static>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    /// Order of first sending: resends keep it [MQTT-4.4.0-1].
    pub(crate) seq: u64,
    /// Whether it went out on the current connection.
    pub(crate) sent: bool,
    /// Whether sending it again carries DUP (a resumed session) [MQTT-3.3.1-1], or makes a
    /// new message (a new session).
    pub(crate) resend_dup: bool,
    /// Whether it went out on any connection (for the sent-messages count).
    pub(crate) ever_sent: bool,
    pub(crate) kind: FlowKind,
}

impl Flow {
    /// For a publish, its topic and payload bytes.
    pub(crate) fn publish_bytes(&self) -> Option<usize> {
        match &self.kind {
            FlowKind::Publish { publish, .. } => Some(publish.topic.len() + publish.payload.len()),
            _ => None,
        }
    }

    pub(crate) fn is_publish(&self) -> bool {
        matches!(self.kind, FlowKind::Publish { .. })
    }

    pub(crate) fn into_pending(self) -> Pending {
        match self.kind {
            FlowKind::Publish { token, publish, .. } => Pending::Publish { token, publish },
            FlowKind::Subscribe { token, subscribe } => Pending::Subscribe { token, subscribe },
            FlowKind::Unsubscribe { token, unsubscribe } => {
                Pending::Unsubscribe { token, unsubscribe }
            }
        }
    }
}

impl Session {
    /// Publishes `message`. QoS 0 goes out at once when connected (or is queued while offline
    /// if `queue_qos0`); QoS 1/2 enter the inflight window when it has room, otherwise the
    /// outbound queue. Completion is reported by [`Event::PublishComplete`] or
    /// [`Event::PublishFailed`] with the returned token.
    pub fn publish(&mut self, now: u64, message: Message) -> Result<Token, SessionError> {
        self.now = now;
        if self.ended {
            return Err(SessionError::Closed);
        }
        // [MQTT-3.3.4-6]: subscription identifiers are the server's to send.
        if !message.properties.subscription_identifiers.is_empty() {
            return Err(SessionError::InvalidState(
                "a client PUBLISH carries no Subscription Identifier",
            ));
        }
        let (qos, retain) = (message.qos, message.retain);
        // The packet id is a placeholder until the publish is sent.
        let publish = message.into_publish(Pid::MIN);
        // Every rule of the codec, checked now rather than when the message leaves the queue.
        let size = publish.encoded_len(self.opts.protocol)?;
        if self.state == State::Connected {
            self.check_publish_allowed(qos, retain, size)?;
            self.check_explicit_alias(&publish)?;
        } else if qos == QoS::AtMostOnce && !self.opts.queue_qos0 {
            return Err(SessionError::NotConnected);
        }
        let token = self.next_token();
        self.submit(Pending::Publish { token, publish })?;
        Ok(token)
    }

    /// The server's limits for a publish [MQTT-3.2.2-11] [MQTT-3.2.2-14] [MQTT-3.2.2-15].
    fn check_publish_allowed(
        &self,
        qos: QoS,
        retain: bool,
        size: usize,
    ) -> Result<(), SessionError> {
        if qos > self.server.maximum_qos {
            return Err(SessionError::QoSNotSupported);
        }
        if retain && !self.server.retain_available {
            return Err(SessionError::RetainNotSupported);
        }
        let max = self.server.maximum_packet_size;
        if size > max as usize {
            return Err(SessionError::PacketTooLarge { size, max });
        }
        Ok(())
    }

    /// A Topic Alias the application chose must be within the server's Topic Alias Maximum
    /// [MQTT-3.3.2-9]; none is allowed when the server gave none [MQTT-3.2.2-18].
    fn check_explicit_alias(&self, publish: &Publish<'_>) -> Result<(), SessionError> {
        let max = self.server.topic_alias_maximum;
        match publish.properties.topic_alias {
            Some(alias) if alias > max => Err(SessionError::TopicAliasNotAllowed { alias, max }),
            _ => Ok(()),
        }
    }

    /// What the server said it lacks: wildcards, subscription identifiers, shared
    /// subscriptions (its CONNACK properties).
    pub(super) fn check_subscribe_allowed(
        &self,
        subscribe: &Subscribe<'_>,
    ) -> Result<(), SessionError> {
        if self.state != State::Connected {
            return Ok(());
        }
        if !self.server.subscription_identifier_available
            && !subscribe.properties.subscription_identifiers.is_empty()
        {
            return Err(SessionError::SubscriptionIdentifiersNotSupported);
        }
        for f in &subscribe.filters {
            if !self.server.wildcard_subscription_available && f.filter.contains(['+', '#']) {
                return Err(SessionError::WildcardSubscriptionsNotSupported);
            }
            if !self.server.shared_subscription_available && is_shared_subscription(&f.filter) {
                return Err(SessionError::SharedSubscriptionsNotSupported);
            }
        }
        Ok(())
    }

    /// Whether `item` can go out now: connected, nothing queued before it, and for a publish
    /// the transport writable and (QoS 1/2) the send quota open.
    fn can_start_now(&self, item: &Pending) -> bool {
        if self.state != State::Connected || !self.outbound.is_empty() || self.has_unsent_flows() {
            return false;
        }
        match item {
            Pending::Publish { publish, .. } => {
                !self.write_blocked && (publish.qos_pid == QosPid::AtMostOnce || self.window_open())
            }
            _ => true,
        }
    }

    fn has_unsent_flows(&self) -> bool {
        self.flows.unsent() > 0
    }

    /// Sends an operation, or queues it when it cannot go out yet. The queue's bounds apply
    /// only to what waits.
    pub(super) fn submit(&mut self, item: Pending) -> Result<(), SessionError> {
        if self.can_start_now(&item) {
            self.start(item);
            return Ok(());
        }
        match self.outbound.push(item) {
            Ok(dropped) => {
                for old in dropped {
                    self.stats.outbound_dropped += 1;
                    self.fail(old, SessionError::DroppedByPolicy);
                }
            }
            Err(Full) => {
                self.stats.outbound_dropped += 1;
                return Err(SessionError::QueueFull);
            }
        }
        self.pump();
        Ok(())
    }

    /// Reports an operation that will not complete.
    pub(super) fn fail(&mut self, item: Pending, error: SessionError) {
        let event = match item {
            Pending::Publish { token, .. } => Event::PublishFailed { token, error },
            Pending::Subscribe {
                token: Some(token), ..
            }
            | Pending::Unsubscribe { token, .. } => Event::RequestFailed { token, error },
            // An automatic resubscribe has no one waiting for it.
            Pending::Subscribe { token: None, .. } => return,
        };
        self.events.push_back(event);
    }

    /// The outgoing window: the server's Receive Maximum under our own cap.
    pub(super) fn send_window(&self) -> usize {
        usize::from(
            self.server
                .receive_maximum
                .min(self.opts.max_inflight)
                .max(1),
        )
    }

    /// Outgoing QoS 1/2 publishes in flight, and their bytes.
    pub(super) fn inflight_publishes(&self) -> (usize, usize) {
        self.flows.publishes()
    }

    /// Whether the server's Receive Maximum allows one more publish on this connection
    /// [MQTT-3.3.4-7] [MQTT-4.9.0-2].
    fn window_open(&self) -> bool {
        self.flows.sent_publishes() < self.send_window()
    }

    /// Sends what the window and the transport allow: first the session's flows not yet
    /// sent on this connection, in their original order, then the outbound queue.
    pub(super) fn pump(&mut self) {
        if self.state != State::Connected || !self.resend_flows() {
            return;
        }
        while self.state == State::Connected && !self.write_blocked {
            let ready = match self.outbound.front() {
                None => break,
                Some(Pending::Publish { publish, .. }) => {
                    publish.qos_pid == QosPid::AtMostOnce || self.window_open()
                }
                Some(_) => true,
            };
            // A publish that finds the window full stays first in line: order is kept. Only
            // PUBLISH waits for the quota; requests behind it go now [MQTT-3.3.4-8].
            if !ready {
                while let Some(request) = self.outbound.take_first_request() {
                    self.start(request);
                }
                break;
            }
            let Some(item) = self.outbound.pop_front() else {
                break;
            };
            self.start(item);
        }
    }

    /// The limits of the server of this connection, checked when a publish is sent (they
    /// may have changed since it was accepted, e.g. a new CONNACK on a reconnect).
    /// Encoding refuses an oversize packet anyway (`after_encode`); `measure` checks the size
    /// first, so that a publish that cannot fit fails before it takes a packet identifier.
    fn check_server_limits(
        &self,
        publish: &Publish<'_>,
        measure: bool,
    ) -> Result<(), SessionError> {
        let size = if measure {
            publish.encoded_len(self.opts.protocol)?
        } else {
            0
        };
        self.check_publish_allowed(publish.qos_pid.qos(), publish.retain, size)?;
        self.check_explicit_alias(publish)
    }

    /// Sends every flow not yet sent on this connection, in order, while the window and the
    /// transport allow; returns whether all went out.
    fn resend_flows(&mut self) -> bool {
        if self.flows.unsent() == 0 {
            return true;
        }
        for pid in self.flows.pids_in_order(true) {
            let is_publish = self
                .flows
                .get(&pid)
                .is_some_and(|f| f.publish_bytes().is_some());
            if is_publish && (self.write_blocked || !self.window_open()) {
                return false;
            }
            self.transmit_flow(pid);
            if self.state != State::Connected {
                return false;
            }
        }
        true
    }

    /// Starts an operation taken from the outbound queue.
    fn start(&mut self, item: Pending) {
        let kind = match item {
            Pending::Publish { token, mut publish } => {
                let qos = publish.qos_pid.qos();
                if let Err(error) = self.check_server_limits(&publish, true) {
                    self.events.push_back(Event::PublishFailed { token, error });
                    return;
                }
                if qos == QoS::AtMostOnce {
                    let event = match self.transmit_publish(&mut publish, false) {
                        Ok(()) => {
                            self.stats.messages_sent += 1;
                            Event::PublishComplete {
                                token,
                                pid: None,
                                reason_code: ReasonCode::Success,
                            }
                        }
                        Err(error) => Event::PublishFailed { token, error },
                    };
                    self.events.push_back(event);
                    return;
                }
                let stage = if qos == QoS::AtLeastOnce {
                    Awaiting::PubAck
                } else {
                    Awaiting::PubRec
                };
                FlowKind::Publish {
                    token,
                    publish,
                    stage,
                }
            }
            Pending::Subscribe { token, subscribe } => {
                if let Err(e) = self.check_subscribe_allowed(&subscribe) {
                    self.fail(Pending::Subscribe { token, subscribe }, e);
                    return;
                }
                FlowKind::Subscribe { token, subscribe }
            }
            Pending::Unsubscribe { token, unsubscribe } => {
                FlowKind::Unsubscribe { token, unsubscribe }
            }
        };
        self.start_flow(kind);
    }

    /// Gives an operation its packet identifier, records its flow and sends it.
    fn start_flow(&mut self, mut kind: FlowKind) {
        let Some(pid) = self.pids.allocate() else {
            // Unreachable under any Receive Maximum; reported rather than panicked on.
            let error = SessionError::InvalidState("no free packet identifier");
            self.fail(
                Flow {
                    seq: 0,
                    sent: false,
                    resend_dup: false,
                    ever_sent: false,
                    kind,
                }
                .into_pending(),
                error,
            );
            return;
        };
        match &mut kind {
            FlowKind::Publish { publish, .. } => {
                publish.qos_pid = match publish.qos_pid {
                    QosPid::AtLeastOnce(_) => QosPid::AtLeastOnce(pid),
                    QosPid::ExactlyOnce(_) => QosPid::ExactlyOnce(pid),
                    QosPid::AtMostOnce => QosPid::AtMostOnce,
                }
            }
            FlowKind::Subscribe { subscribe, .. } => subscribe.pid = pid,
            FlowKind::Unsubscribe { unsubscribe, .. } => unsubscribe.pid = pid,
        }
        self.next_seq += 1;
        let flow = Flow {
            seq: self.next_seq,
            sent: false,
            resend_dup: false,
            ever_sent: false,
            kind,
        };
        self.flows.insert(pid.get(), flow);
        self.transmit_flow(pid.get());
    }

    /// Writes the packet a flow waits on: the PUBLISH (DUP when resent in a resumed
    /// session), the PUBREL, the SUBSCRIBE or the UNSUBSCRIBE.
    fn transmit_flow(&mut self, pid: u16) {
        let Some(mut flow) = self.flows.remove(&pid) else {
            return;
        };
        // A PUBLISH sent again meets this connection's limits [MQTT-3.2.2-11]; a PUBREL
        // carries nothing to check.
        if let FlowKind::Publish { publish, stage, .. } = &flow.kind {
            if *stage != Awaiting::PubComp {
                if let Err(e) = self.check_server_limits(publish, false) {
                    self.drop_flow(pid, flow, e);
                    return;
                }
            }
        }
        match self.encode_flow(pid, &mut flow) {
            Ok(()) => {
                if !flow.ever_sent {
                    flow.ever_sent = true;
                    self.stats.messages_sent += u64::from(flow.is_publish());
                }
                flow.sent = true;
                self.flows.insert(pid, flow);
            }
            Err(e) => self.drop_flow(pid, flow, e),
        }
    }

    fn encode_flow(&mut self, pid: u16, flow: &mut Flow) -> Result<(), SessionError> {
        let version = self.opts.protocol;
        let dup = flow.resend_dup;
        let start = self.tx.len();
        match &mut flow.kind {
            FlowKind::Publish {
                stage: Awaiting::PubComp,
                ..
            } => {
                let Some(p) = Pid::new(pid) else {
                    return Ok(());
                };
                let pubrel = Packet::PubRel(Ack::new(p));
                let len = pubrel.encode_client_to_vec(version, &mut self.tx)?;
                self.after_encode(start, len)?;
                self.trace(|| pubrel);
            }
            FlowKind::Publish { publish, .. } => return self.transmit_publish(publish, dup),
            FlowKind::Subscribe { subscribe, .. } => {
                let len = subscribe.encode_to_vec(version, &mut self.tx)?;
                self.after_encode(start, len)?;
                self.trace(|| Packet::Subscribe(subscribe.clone()));
            }
            FlowKind::Unsubscribe { unsubscribe, .. } => {
                let len = unsubscribe.encode_to_vec(version, &mut self.tx)?;
                self.after_encode(start, len)?;
                self.trace(|| Packet::Unsubscribe(unsubscribe.clone()));
            }
        }
        Ok(())
    }

    fn drop_flow(&mut self, pid: u16, flow: Flow, error: SessionError) {
        if let Some(p) = Pid::new(pid) {
            self.pids.release(p);
        }
        self.fail(flow.into_pending(), error);
    }
}

impl Session {
    /// Encodes a PUBLISH, with a topic alias when `auto_topic_alias` gives one. The stored
    /// message keeps its topic and no alias: aliases live for one connection [MQTT-3.3.2-7].
    /// An automatic alias is dropped if it would make the packet too large [MQTT-3.2.2-15],
    /// and recorded only once the packet is encoded.
    pub(super) fn transmit_publish(
        &mut self,
        publish: &mut Publish<'static>,
        dup: bool,
    ) -> Result<(), SessionError> {
        publish.dup = dup && publish.qos_pid != QosPid::AtMostOnce;
        if let Some(alias) = publish.properties.topic_alias {
            // The application chose the alias: the server learns (or uses) its mapping.
            self.encode_publish(publish)?;
            self.out_aliases.commit(&publish.topic, alias);
            return Ok(());
        }
        let Some(plan) = self.out_aliases.plan(&publish.topic) else {
            return self.encode_publish(publish);
        };
        let (alias, saved_topic) = match plan {
            AliasUse::Reuse(a) => (a, Some(core::mem::take(&mut publish.topic))),
            AliasUse::Assign(a) => (a, None),
        };
        publish.properties.topic_alias = Some(alias);
        let result = self.encode_publish(publish);
        publish.properties.topic_alias = None;
        if let Some(topic) = saved_topic {
            publish.topic = topic;
        }
        match result {
            Ok(()) => {
                let sent_topic = if matches!(plan, AliasUse::Reuse(_)) {
                    ""
                } else {
                    &publish.topic
                };
                let sent_topic = alloc::string::String::from(sent_topic);
                self.out_aliases.commit(&sent_topic, alias);
                Ok(())
            }
            // The alias's three bytes were too many: send it plain.
            Err(SessionError::PacketTooLarge { .. }) => self.encode_publish(publish),
            Err(e) => Err(e),
        }
    }

    /// Encodes once; `after_encode` refuses (and takes back) a packet over the server's
    /// Maximum Packet Size.
    fn encode_publish(&mut self, publish: &Publish<'_>) -> Result<(), SessionError> {
        let start = self.tx.len();
        let written = publish.encode_to_vec(self.opts.protocol, &mut self.tx)?;
        self.after_encode(start, written)?;
        self.trace(|| Packet::Publish(publish.clone().into_owned()));
        Ok(())
    }

    /// Holds or releases publishes while the transport is above its write watermark.
    /// Acknowledgements and pings still go out.
    pub fn set_write_blocked(&mut self, now: u64, blocked: bool) {
        self.now = now;
        self.write_blocked = blocked;
        if !blocked {
            self.pump();
        }
    }
}
