//! SUBSCRIBE and UNSUBSCRIBE, their acknowledgements, and the subscriptions remembered to
//! renew them when a reconnect finds no session.

use super::sorted_map::SortedMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::codec::{
    Pid, Properties, ReasonCode, SubAck, Subscribe, SubscribeFilter, SubscriptionOptions, UnsubAck,
    Unsubscribe,
};

use super::error::SessionError;
use super::event::{Event, Token};
use super::outbound_queue::Pending;
use super::outgoing::{Flow, FlowKind};
use super::Session;

/// A subscription the server granted, as it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remembered {
    pub(crate) options: SubscriptionOptions,
    pub(crate) subscription_identifier: Option<u32>,
}

impl Session {
    /// Subscribes to `filters` (each checked [MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.8.2-1]).
    /// Sent at once when connected, otherwise queued. The result comes as
    /// [`Event::Subscribed`] (a reason code per filter) or [`Event::RequestFailed`].
    pub fn subscribe(
        &mut self,
        now: u64,
        filters: Vec<SubscribeFilter<'static>>,
        properties: Properties<'static>,
    ) -> Result<Token, SessionError> {
        self.now = now;
        if self.ended {
            return Err(SessionError::Closed);
        }
        // The packet id is a placeholder until it is sent.
        let subscribe = Subscribe {
            pid: Pid::MIN,
            properties,
            filters,
        };
        subscribe.encoded_len(self.opts.protocol)?;
        self.check_subscribe_allowed(&subscribe)?;
        let token = self.next_token();
        self.submit(Pending::Subscribe {
            token: Some(token),
            subscribe,
        })?;
        Ok(token)
    }

    /// Unsubscribes from `filters`. The result comes as [`Event::Unsubscribed`] or
    /// [`Event::RequestFailed`].
    pub fn unsubscribe(
        &mut self,
        now: u64,
        filters: Vec<String>,
        properties: Properties<'static>,
    ) -> Result<Token, SessionError> {
        self.now = now;
        if self.ended {
            return Err(SessionError::Closed);
        }
        let unsubscribe = Unsubscribe {
            pid: Pid::MIN,
            properties,
            filters: filters.into_iter().map(Into::into).collect(),
        };
        unsubscribe.encoded_len(self.opts.protocol)?;
        let token = self.next_token();
        self.submit(Pending::Unsubscribe { token, unsubscribe })?;
        Ok(token)
    }

    /// The subscriptions the server granted and that were not removed since, by filter.
    pub fn subscriptions(&self) -> impl Iterator<Item = (&str, SubscriptionOptions)> {
        self.subscriptions
            .iter()
            .map(|(f, r)| (f.as_str(), r.options))
    }

    pub(super) fn on_suback(&mut self, ack: SubAck<'static>) {
        let Some(Flow {
            kind: FlowKind::Subscribe { token, subscribe },
            ..
        }) = self.take_request(ack.pid, |k| matches!(k, FlowKind::Subscribe { .. }))
        else {
            return;
        };
        if ack.reason_codes.len() != subscribe.filters.len() {
            // [MQTT-3.9.3-2]: one reason code per filter.
            let detail = alloc::format!(
                "SUBACK has {} reason codes for {} filters",
                ack.reason_codes.len(),
                subscribe.filters.len()
            );
            self.violation(ReasonCode::ProtocolError, detail);
            return;
        }
        let subscription_identifier = subscribe
            .properties
            .subscription_identifiers
            .first()
            .copied();
        for (f, code) in subscribe.filters.iter().zip(&ack.reason_codes) {
            if !code.is_error() {
                let remembered = Remembered {
                    options: f.options,
                    subscription_identifier,
                };
                self.subscriptions.insert(f.filter.to_string(), remembered);
            }
        }
        self.events.push_back(Event::Subscribed {
            token,
            pid: ack.pid,
            reason_codes: ack.reason_codes,
        });
    }

    pub(super) fn on_unsuback(&mut self, ack: UnsubAck<'static>) {
        let Some(Flow {
            kind: FlowKind::Unsubscribe { token, unsubscribe },
            ..
        }) = self.take_request(ack.pid, |k| matches!(k, FlowKind::Unsubscribe { .. }))
        else {
            return;
        };
        // 3.1.1's UNSUBACK has no reason codes: every filter succeeded.
        let reason_codes = if self.opts.protocol.is_v5() {
            ack.reason_codes
        } else {
            alloc::vec![ReasonCode::Success; unsubscribe.filters.len()]
        };
        for f in &unsubscribe.filters {
            self.subscriptions.remove(f.as_ref());
        }
        self.events.push_back(Event::Unsubscribed {
            token,
            pid: ack.pid,
            reason_codes,
        });
    }

    fn take_request(&mut self, pid: Pid, accept: impl Fn(&FlowKind) -> bool) -> Option<Flow> {
        if !self.flows.get(&pid.get()).is_some_and(|f| accept(&f.kind)) {
            return None;
        }
        self.pids.release(pid);
        self.flows.remove(&pid.get())
    }

    /// The SUBSCRIBE packets that renew every remembered subscription: one per subscription
    /// identifier, since a SUBSCRIBE carries at most one.
    pub(super) fn resubscribe_packets(&self) -> Vec<Subscribe<'static>> {
        let mut groups: SortedMap<Option<u32>, Vec<SubscribeFilter<'static>>> = SortedMap::new();
        for (filter, r) in self.subscriptions.iter() {
            groups
                .get_or_insert_with(r.subscription_identifier, Vec::new)
                .push(SubscribeFilter {
                    filter: filter.clone().into(),
                    options: r.options,
                });
        }
        groups
            .drain()
            .map(|(id, filters)| Subscribe {
                pid: Pid::MIN,
                properties: Properties {
                    subscription_identifiers: id.into_iter().collect(),
                    ..Default::default()
                },
                filters,
            })
            .collect()
    }
}
