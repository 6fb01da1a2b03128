//! The bounded queue of operations that cannot be sent yet: offline, the inflight window
//! full, or the transport above its write watermark.

use alloc::collections::VecDeque;

use crate::codec::{Publish, Subscribe, Unsubscribe};

use super::event::Token;
use super::options::{OutboundPolicy, QueueLimits};

/// An operation waiting to be sent. Its packet id is a placeholder: the real one is
/// allocated when it is sent (for a publish, when it enters the inflight window).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pending {
    Publish {
        token: Token,
        publish: Publish<'static>,
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

impl Pending {
    pub(crate) fn size(&self) -> usize {
        match self {
            Pending::Publish { publish, .. } => publish.topic.len() + publish.payload.len(),
            Pending::Subscribe { subscribe, .. } => {
                subscribe.filters.iter().map(|f| f.filter.len()).sum()
            }
            Pending::Unsubscribe { unsubscribe, .. } => {
                unsubscribe.filters.iter().map(|f| f.len()).sum()
            }
        }
    }
}

/// The queue refused an operation: policy `Reject` and no room, or the operation alone
/// exceeds the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

/// A bounded FIFO of pending operations.
#[derive(Debug, Clone)]
pub(crate) struct OutboundQueue {
    items: VecDeque<Pending>,
    bytes: usize,
    limits: QueueLimits,
    policy: OutboundPolicy,
}

impl OutboundQueue {
    pub(crate) fn new(limits: QueueLimits, policy: OutboundPolicy) -> Self {
        OutboundQueue {
            items: VecDeque::new(),
            bytes: 0,
            limits,
            policy,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn fits(&self, size: usize) -> bool {
        self.items.len() < self.limits.max_messages && self.bytes + size <= self.limits.max_bytes
    }

    /// Appends `item`; with `DropOldest`, returns what was dropped to make room.
    pub(crate) fn push(&mut self, item: Pending) -> Result<VecDeque<Pending>, Full> {
        let size = item.size();
        let mut dropped = VecDeque::new();
        if size > self.limits.max_bytes || self.limits.max_messages == 0 {
            return Err(Full);
        }
        match self.policy {
            OutboundPolicy::Reject if !self.fits(size) => return Err(Full),
            OutboundPolicy::Reject => {}
            OutboundPolicy::DropOldest => {
                while !self.fits(size) {
                    match self.pop_front() {
                        Some(old) => dropped.push_back(old),
                        None => break,
                    }
                }
            }
        }
        self.bytes += size;
        self.items.push_back(item);
        Ok(dropped)
    }

    pub(crate) fn front(&self) -> Option<&Pending> {
        self.items.front()
    }

    /// Takes the first SUBSCRIBE or UNSUBSCRIBE: only PUBLISH waits for the send quota
    /// [MQTT-3.3.4-8].
    pub(crate) fn take_first_request(&mut self) -> Option<Pending> {
        let i = self
            .items
            .iter()
            .position(|p| !matches!(p, Pending::Publish { .. }))?;
        let item = self.items.remove(i)?;
        self.bytes -= item.size();
        Some(item)
    }

    pub(crate) fn pop_front(&mut self) -> Option<Pending> {
        let item = self.items.pop_front()?;
        self.bytes -= item.size();
        Some(item)
    }

    pub(crate) fn drain(&mut self) -> impl Iterator<Item = Pending> + '_ {
        self.bytes = 0;
        self.items.drain(..)
    }
}
