//! Messages from the server: QoS 0/1/2 delivery into the bounded inbound queue, exactly
//! once for QoS 2 [MQTT-4.3.3-10], inbound topic aliases, our Receive Maximum, and the
//! acknowledgements the backpressure policy holds back until the application takes a message.

use alloc::format;

use crate::codec::{Ack, Packet, Pid, Publish, QoS, QosPid, ReasonCode};

use super::inbound_queue::{DeferredAck, Queued};
use super::options::InboundPolicy;
use super::topic_alias::AliasError;
use super::{Session, State};

/// Where an incoming QoS 2 message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InQos2 {
    /// Queued under backpressure: PUBREC goes out when the application takes it.
    AwaitTake,
    /// PUBREC sent, waiting for PUBREL. The message was delivered: a resend is not.
    AwaitRel,
}

impl Session {
    /// Incoming QoS 1/2 messages received on this connection and not yet acknowledged: what
    /// the server's send quota counts (QoS 1 until PUBACK, QoS 2 until PUBCOMP) [MQTT-4.9.0-2].
    pub(super) fn inflight_in(&self) -> usize {
        self.unacked_in.len()
    }

    /// Whether the QoS 1/2 message `pid` exceeds the Receive Maximum we announced (MQTT 5;
    /// [MQTT-3.3.4-9] binds the server): it gets DISCONNECT 0x93.
    fn over_receive_maximum(&mut self, pid: Pid) -> bool {
        let max = usize::from(self.announced_receive_maximum);
        if !self.opts.protocol.is_v5()
            || self.unacked_in.contains(&pid.get())
            || self.unacked_in.len() < max
        {
            return false;
        }
        let detail = format!("more than {max} unacknowledged QoS 1/2 messages");
        self.violation(ReasonCode::ReceiveMaximumExceeded, detail);
        true
    }

    pub(super) fn on_publish(&mut self, mut publish: Publish<'static>) {
        if let Some(alias) = publish.properties.topic_alias {
            match self.in_aliases.resolve(alias, &publish.topic) {
                Ok(topic) => publish.topic = topic.into(),
                Err(AliasError::OutOfRange) => {
                    return self.violation(
                        ReasonCode::TopicAliasInvalid,
                        format!("topic alias {alias} outside 1..={}", self.in_alias_max()),
                    );
                }
                Err(AliasError::Unknown) => {
                    return self.violation(
                        ReasonCode::ProtocolError,
                        format!("topic alias {alias} used before it was set"),
                    );
                }
            }
        }
        let backpressure = self.inbound.policy() == InboundPolicy::Backpressure;
        match publish.qos_pid {
            QosPid::AtMostOnce => self.deliver(publish, None),
            QosPid::AtLeastOnce(pid) => {
                if backpressure
                    && publish.dup
                    && self.inbound.rearm_puback(pid, self.generation, self.epoch)
                {
                    // A resend of a message still queued: its PUBACK answers both.
                    self.unacked_in.insert(pid.get());
                    return;
                }
                if self.over_receive_maximum(pid) {
                    return;
                }
                if backpressure {
                    self.unacked_in.insert(pid.get());
                    self.deliver(publish, Some(DeferredAck::PubAck(pid)));
                } else {
                    self.send_control(Packet::PubAck(Ack::new(pid)));
                    self.deliver(publish, None);
                }
            }
            QosPid::ExactlyOnce(pid) => {
                if self.over_receive_maximum(pid) {
                    return;
                }
                self.unacked_in.insert(pid.get());
                match self.incoming_qos2.get(&pid.get()) {
                    // Delivered already: acknowledge again, deliver nothing [MQTT-4.3.3-10].
                    Some(InQos2::AwaitRel) => self.send_control(Packet::PubRec(Ack::new(pid))),
                    // Still queued: its PUBREC goes out when the application takes it.
                    Some(InQos2::AwaitTake) => {}
                    None if backpressure => {
                        self.incoming_qos2.insert(pid.get(), InQos2::AwaitTake);
                        self.deliver(publish, Some(DeferredAck::PubRec(pid)));
                    }
                    None => {
                        self.incoming_qos2.insert(pid.get(), InQos2::AwaitRel);
                        self.send_control(Packet::PubRec(Ack::new(pid)));
                        self.deliver(publish, None);
                    }
                }
            }
        }
    }

    fn in_alias_max(&self) -> u16 {
        self.opts.properties.topic_alias_maximum.unwrap_or(0)
    }

    /// Whether dropping `q` loses nothing the application was promised: only QoS 0. A held
    /// QoS 1/2 message may be the only copy left (its session can end before the server
    /// resends it), so backpressure never evicts one.
    fn evictable(q: &Queued) -> bool {
        q.ack.is_none() && q.publish.qos_pid.qos() == QoS::AtMostOnce
    }

    fn deliver(&mut self, publish: Publish<'static>, ack: Option<DeferredAck>) {
        self.stats.messages_received += 1;
        let (epoch, generation) = (self.epoch, self.generation);
        let item = Queued {
            publish,
            ack,
            epoch,
            generation,
        };
        let dropped = self.inbound.push(item, Self::evictable);
        for old in dropped {
            self.stats.inbound_dropped += 1;
            // A dropped message releases the server's window all the same.
            self.release_ack(old.ack, old.epoch, old.generation);
        }
    }

    /// PUBREL: the server releases a QoS 2 message; PUBCOMP ends it [MQTT-4.3.3-11].
    pub(super) fn on_pubrel(&mut self, ack: Ack<'static>) {
        let pid = ack.pid;
        let mut comp = Ack::new(pid);
        if self.incoming_qos2.remove(&pid.get()).is_none() && self.opts.protocol.is_v5() {
            comp.reason_code = ReasonCode::PacketIdentifierNotFound;
        }
        self.unacked_in.remove(&pid.get());
        self.send_control(Packet::PubComp(comp));
    }

    /// Takes the oldest message waiting for the application. Under the backpressure policy
    /// this is when its QoS 1/2 acknowledgement goes out, opening the server's window.
    pub fn take_message(&mut self, now: u64) -> Option<Publish<'static>> {
        self.now = now;
        let Queued {
            publish,
            ack,
            epoch,
            generation,
        } = self.inbound.pop()?;
        self.release_ack(ack, epoch, generation);
        self.pump();
        Some(publish)
    }

    /// Sends the acknowledgement a queued message held back, if it still means something,
    /// and only once CONNACK has accepted the connection [MQTT-3.1.2-30].
    fn release_ack(&mut self, ack: Option<DeferredAck>, epoch: u64, generation: u64) {
        let connected = self.state == State::Connected;
        match ack {
            None => {}
            // A PUBACK belongs to the connection the PUBLISH came on; after a reconnect the
            // server sends the message again if it still wants an answer.
            Some(DeferredAck::PubAck(pid)) if epoch == self.epoch => {
                self.unacked_in.remove(&pid.get());
                if connected {
                    self.send_control(Packet::PubAck(Ack::new(pid)));
                }
            }
            Some(DeferredAck::PubAck(_)) => {}
            // A PUBREC belongs to the session: in a new one the identifier may name another
            // message. The server's resend of the PUBLISH is answered from AwaitRel.
            Some(DeferredAck::PubRec(pid)) if generation == self.generation => {
                if let Some(state) = self.incoming_qos2.get_mut(&pid.get()) {
                    *state = InQos2::AwaitRel;
                    if connected {
                        self.send_control(Packet::PubRec(Ack::new(pid)));
                    }
                }
            }
            Some(DeferredAck::PubRec(_)) => {}
        }
    }
}
