//! The server's answers to our publishes: PUBACK, PUBREC (answered with PUBREL) and PUBCOMP.

use crate::codec::{Ack, Packet, Pid, ReasonCode};

use super::error::SessionError;
use super::event::{Event, Token};
use super::outgoing::{Awaiting, Flow, FlowKind};
use super::Session;

impl Session {
    /// Removes and returns the publish flow of `pid` if it is at `stage`.
    fn take_publish(&mut self, pid: Pid, stage: Awaiting) -> Option<Token> {
        let at_stage = matches!(
            self.flows.get(&pid.get()),
            Some(Flow { kind: FlowKind::Publish { stage: s, .. }, .. }) if *s == stage
        );
        if !at_stage {
            return None;
        }
        self.pids.release(pid);
        match self.flows.remove(&pid.get()) {
            Some(Flow {
                kind: FlowKind::Publish { token, .. },
                ..
            }) => Some(token),
            _ => None,
        }
    }

    fn complete_publish(&mut self, token: Token, pid: Pid, reason_code: ReasonCode) {
        let event = if reason_code.is_error() {
            Event::PublishFailed {
                token,
                error: SessionError::Rejected(reason_code),
            }
        } else {
            Event::PublishComplete {
                token,
                pid: Some(pid),
                reason_code,
            }
        };
        self.events.push_back(event);
    }

    /// PUBACK ends a QoS 1 publish. One for an identifier we do not hold is ignored: it can
    /// follow a resend.
    pub(super) fn on_puback(&mut self, ack: Ack<'static>) {
        if let Some(token) = self.take_publish(ack.pid, Awaiting::PubAck) {
            self.complete_publish(token, ack.pid, ack.reason_code);
        }
    }

    /// PUBREC: the server has the QoS 2 message; we answer PUBREL (again, if it repeats).
    /// A failure code ends the publish.
    pub(super) fn on_pubrec(&mut self, ack: Ack<'static>) {
        let pid = ack.pid;
        let stage = match self.flows.kind_mut(&pid.get()) {
            Some(FlowKind::Publish { stage, .. }) => Some(stage),
            _ => None,
        };
        match stage {
            Some(stage) if !ack.reason_code.is_error() && *stage != Awaiting::PubAck => {
                *stage = Awaiting::PubComp;
                self.send_control(Packet::PubRel(Ack::new(pid)));
            }
            Some(_) => {
                if let Some(token) = self.take_publish(pid, Awaiting::PubRec) {
                    self.complete_publish(token, ack.pid, ack.reason_code);
                }
            }
            None => {
                // PUBREC for an identifier we do not hold: answer so the server can finish.
                let mut rel = Ack::new(pid);
                if self.opts.protocol.is_v5() {
                    rel.reason_code = ReasonCode::PacketIdentifierNotFound;
                }
                self.send_control(Packet::PubRel(rel));
            }
        }
    }

    /// PUBCOMP ends a QoS 2 publish.
    pub(super) fn on_pubcomp(&mut self, ack: Ack<'static>) {
        if let Some(token) = self.take_publish(ack.pid, Awaiting::PubComp) {
            self.complete_publish(token, ack.pid, ack.reason_code);
        }
    }
}
