//! What happens to the session's state when a connection starts: resumed, it is resent as
//! it stands; not resumed, it is rebuilt and the application is told; ended, it is failed.

use alloc::vec::Vec;

use crate::codec::{Pid, ReasonCode};

use super::error::SessionError;
use super::event::Event;
use super::outbound_queue::Pending;
use super::outgoing::{Awaiting, Flow, FlowKind};
use super::Session;

impl Session {
    /// After CONNACK: every flow goes out again on this connection, in its original order,
    /// with DUP if the server resumed the session [MQTT-4.4.0-1] [MQTT-3.3.1-1].
    pub(super) fn restart_flows(&mut self, resumed: bool) {
        self.flows.mark_all_unsent(|flow| flow.resend_dup = resumed);
    }

    /// The server has no session for us (Session Present 0) [MQTT-3.2.2-5]: QoS 2 publishes
    /// it acknowledged with PUBREC count as delivered; the other in-flight operations will go
    /// out again as new ones; incoming QoS 2 state is forgotten; subscriptions are renewed.
    pub(super) fn start_new_session(&mut self) {
        let delivered: Vec<u16> = self
            .flows
            .iter()
            .filter(|(_, f)| {
                matches!(
                    f.kind,
                    FlowKind::Publish {
                        stage: Awaiting::PubComp,
                        ..
                    }
                )
            })
            .map(|(&pid, _)| pid)
            .collect();
        for pid in &delivered {
            if let Some(Flow {
                kind: FlowKind::Publish { token, .. },
                ..
            }) = self.flows.remove(pid)
            {
                if let Some(p) = Pid::new(*pid) {
                    self.pids.release(p);
                }
                self.events.push_back(Event::PublishComplete {
                    token,
                    pid: Pid::new(*pid),
                    reason_code: ReasonCode::Success,
                });
            }
        }
        // Automatic resubscribes still in flight are replaced by the fresh one below.
        let stale: Vec<u16> = self
            .flows
            .iter()
            .filter(|(_, f)| matches!(f.kind, FlowKind::Subscribe { token: None, .. }))
            .map(|(&pid, _)| pid)
            .collect();
        for pid in stale {
            self.flows.remove(&pid);
            if let Some(p) = Pid::new(pid) {
                self.pids.release(p);
            }
        }
        let republished = self.flows.values().filter(|f| f.is_publish()).count();
        let incoming_forgotten = self.incoming_qos2.len();
        self.incoming_qos2.clear();
        // Deferred PUBRECs of the old session now mean nothing.
        self.generation += 1;
        let resubscribing = if self.opts.resubscribe {
            self.subscriptions.len()
        } else {
            0
        };
        if republished + delivered.len() + incoming_forgotten + resubscribing > 0 {
            self.events.push_back(Event::SessionNotResumed {
                republished,
                assumed_delivered: delivered.len(),
                incoming_forgotten,
                resubscribing,
            });
        }
        if resubscribing > 0 {
            for subscribe in self.resubscribe_packets() {
                // Into the flows directly: a resubscribe precedes whatever the app queued.
                self.resubscribe(subscribe);
            }
        }
    }

    fn resubscribe(&mut self, subscribe: crate::codec::Subscribe<'static>) {
        let Some(pid) = self.pids.allocate() else {
            return;
        };
        let mut subscribe = subscribe;
        subscribe.pid = pid;
        // Sequence 0: before every operation the application queued.
        let flow = Flow {
            seq: 0,
            sent: false,
            resend_dup: false,
            ever_sent: false,
            kind: FlowKind::Subscribe {
                token: None,
                subscribe,
            },
        };
        self.flows.insert(pid.get(), flow);
    }

    /// Fails every queued and in-flight operation and forgets the session's state.
    pub(super) fn abandon_all(&mut self) {
        let queued: Vec<Pending> = self.outbound.drain().collect();
        for item in queued {
            self.fail(item, SessionError::Closed);
        }
        // Drained in packet-id order, failed in submission order.
        let order = self.flows.pids_in_order(false);
        let mut flows: Vec<(u16, Option<Flow>)> =
            self.flows.drain().map(|(pid, f)| (pid, Some(f))).collect();
        for pid in order {
            let flow = flows
                .binary_search_by_key(&pid, |(p, _)| *p)
                .ok()
                .and_then(|i| flows.get_mut(i))
                .and_then(|(_, f)| f.take());
            if let Some(flow) = flow {
                self.fail(flow.into_pending(), SessionError::Closed);
            }
        }
        self.pids.clear();
        self.incoming_qos2.clear();
    }
}
