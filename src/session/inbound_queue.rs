//! The bounded queue between decoded messages and the application, with the policy the
//! application chose for when it is full.

use alloc::collections::VecDeque;

use super::sorted_map::SortedMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{Pid, Publish};

use super::options::{InboundPolicy, QueueLimits};

/// An acknowledgement held back until the application takes the message (backpressure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeferredAck {
    /// QoS 1: PUBACK on take.
    PubAck(Pid),
    /// QoS 2: PUBREC on take.
    PubRec(Pid),
}

/// A message waiting for the application.
#[derive(Debug, Clone)]
pub(crate) struct Queued {
    pub(crate) publish: Publish<'static>,
    pub(crate) ack: Option<DeferredAck>,
    /// The connection it arrived on: a deferred PUBACK is only valid on that connection.
    pub(crate) epoch: u64,
    /// The session it arrived in: a deferred PUBREC is only valid in that session.
    pub(crate) generation: u64,
}

impl Queued {
    fn size(&self) -> usize {
        self.publish.topic.len() + self.publish.payload.len()
    }
}

/// A bounded FIFO. Slots of messages removed from the middle (conflated or evicted) are
/// left empty and skipped, so every message keeps a stable sequence number.
#[derive(Debug, Clone)]
pub(crate) struct InboundQueue {
    slots: VecDeque<Option<Queued>>,
    /// The sequence number of `slots[0]`.
    base: u64,
    len: usize,
    bytes: usize,
    limits: QueueLimits,
    policy: InboundPolicy,
    /// For `LatestPerTopic`: where each topic's message is.
    by_topic: SortedMap<String, u64>,
}

impl InboundQueue {
    pub(crate) fn new(limits: QueueLimits, policy: InboundPolicy) -> Self {
        InboundQueue {
            slots: VecDeque::new(),
            base: 0,
            len: 0,
            bytes: 0,
            limits,
            policy,
            by_topic: SortedMap::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn policy(&self) -> InboundPolicy {
        self.policy
    }

    fn fits(&self, extra: usize) -> bool {
        self.len < self.limits.max_messages && self.bytes + extra <= self.limits.max_bytes
    }

    /// Adds a message; returns the messages the policy dropped to make room (possibly the
    /// new one itself). Under `Backpressure`, only messages `evictable` says may go are
    /// dropped for room (QoS 0, and those whose acknowledgement no longer means anything).
    pub(crate) fn push(
        &mut self,
        item: Queued,
        evictable: impl Fn(&Queued) -> bool,
    ) -> Vec<Queued> {
        let mut dropped = Vec::new();
        let size = item.size();
        if self.policy == InboundPolicy::LatestPerTopic {
            if let Some(&seq) = self.by_topic.get(item.publish.topic.as_ref()) {
                if self.bytes - self.slot_size(seq) + size <= self.limits.max_bytes {
                    if let Some(old) = self.replace(seq, item) {
                        dropped.push(old);
                    }
                    return dropped;
                }
                // The new message does not fit even in place of the old one: drop the old.
                if let Some(old) = self.remove(seq) {
                    dropped.push(old);
                }
            }
        }
        let too_big = size > self.limits.max_bytes;
        match self.policy {
            InboundPolicy::DropNewest => {
                if too_big || !self.fits(size) {
                    dropped.push(item);
                    return dropped;
                }
            }
            InboundPolicy::DropOldest | InboundPolicy::LatestPerTopic => {
                if too_big {
                    dropped.push(item);
                    return dropped;
                }
                while !self.fits(size) {
                    match self.pop() {
                        Some(old) => dropped.push(old),
                        None => break,
                    }
                }
            }
            InboundPolicy::Backpressure => {
                // QoS 1/2 are not dropped: our Receive Maximum bounds them. Room is made by
                // evicting the oldest evictable messages; a QoS 0 message that finds none is
                // itself dropped.
                while !self.fits(size) {
                    match self.remove_oldest(&evictable) {
                        Some(old) => dropped.push(old),
                        None => break,
                    }
                }
                if evictable(&item) && (too_big || !self.fits(size)) {
                    dropped.push(item);
                    return dropped;
                }
            }
        }
        self.append(item);
        dropped
    }

    fn append(&mut self, item: Queued) {
        let seq = self.base + self.slots.len() as u64;
        if self.policy == InboundPolicy::LatestPerTopic {
            self.by_topic
                .insert(String::from(item.publish.topic.as_ref()), seq);
        }
        self.len += 1;
        self.bytes += item.size();
        self.slots.push_back(Some(item));
    }

    fn index(&self, seq: u64) -> Option<usize> {
        usize::try_from(seq.checked_sub(self.base)?).ok()
    }

    fn slot_size(&self, seq: u64) -> usize {
        self.index(seq)
            .and_then(|i| self.slots.get(i))
            .and_then(Option::as_ref)
            .map_or(0, Queued::size)
    }

    fn replace(&mut self, seq: u64, item: Queued) -> Option<Queued> {
        let i = self.index(seq)?;
        let slot = self.slots.get_mut(i)?;
        let new_size = item.size();
        let old = slot.replace(item)?;
        self.bytes = self.bytes - old.size() + new_size;
        Some(old)
    }

    fn remove(&mut self, seq: u64) -> Option<Queued> {
        let i = self.index(seq)?;
        let old = self.slots.get_mut(i)?.take()?;
        self.forget(&old);
        Some(old)
    }

    fn forget(&mut self, old: &Queued) {
        self.len -= 1;
        self.bytes -= old.size();
        if self.policy == InboundPolicy::LatestPerTopic {
            self.by_topic.remove(old.publish.topic.as_ref());
        }
    }

    fn remove_oldest(&mut self, evictable: impl Fn(&Queued) -> bool) -> Option<Queued> {
        let i = self
            .slots
            .iter()
            .position(|s| s.as_ref().is_some_and(&evictable))?;
        let old = self.slots.get_mut(i)?.take()?;
        self.forget(&old);
        Some(old)
    }

    /// A resumed session's server resends a QoS 1 message we still hold: its deferred PUBACK
    /// now belongs to connection `epoch`. Returns whether such a message was held.
    pub(crate) fn rearm_puback(&mut self, pid: Pid, generation: u64, epoch: u64) -> bool {
        let held = self.slots.iter_mut().flatten().find(|q| {
            q.ack == Some(DeferredAck::PubAck(pid))
                && q.generation == generation
                && q.epoch != epoch
        });
        match held {
            Some(q) => {
                q.epoch = epoch;
                true
            }
            None => false,
        }
    }

    /// Takes the oldest message.
    pub(crate) fn pop(&mut self) -> Option<Queued> {
        while let Some(slot) = self.slots.pop_front() {
            self.base += 1;
            if let Some(item) = slot {
                self.forget(&item);
                return Some(item);
            }
        }
        None
    }
}
