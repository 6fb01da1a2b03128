//! The operations in flight, by packet identifier, with the counts the send path asks for on
//! every publish (the Receive Maximum window's use, whether anything waits to be resent, the
//! in-flight figures) kept up to date as flows come and go, instead of a scan of every flow:
//! with a window of thousands, the scans made each publish cost O(in-flight).

use alloc::vec::Vec;

use super::outgoing::{Flow, FlowKind};
use super::sorted_map::SortedMap;

#[derive(Debug, Default)]
pub(crate) struct Flows {
    map: SortedMap<u16, Flow>,
    /// Flows not yet sent on this connection.
    unsent: usize,
    /// Publishes sent on this connection and not complete: the window's use [MQTT-4.9.0-2].
    sent_publishes: usize,
    /// Publishes in flight, sent or not, and their topic and payload bytes.
    publishes: usize,
    publish_bytes: usize,
}

impl Flows {
    fn count(&mut self, flow: &Flow, add: bool) {
        let step = |n: &mut usize, by: usize| {
            *n = if add {
                n.saturating_add(by)
            } else {
                n.saturating_sub(by)
            }
        };
        if !flow.sent {
            step(&mut self.unsent, 1);
        }
        if let Some(bytes) = flow.publish_bytes() {
            step(&mut self.publishes, 1);
            step(&mut self.publish_bytes, bytes);
            if flow.sent {
                step(&mut self.sent_publishes, 1);
            }
        }
    }

    /// The counts match a scan of every flow (checked after each change in debug builds,
    /// so the session and model tests check them all the time).
    fn consistent(&self) -> bool {
        let mut scan = Flows::default();
        for flow in self.map.values() {
            scan.count(flow, true);
        }
        (
            scan.unsent,
            scan.sent_publishes,
            scan.publishes,
            scan.publish_bytes,
        ) == (
            self.unsent,
            self.sent_publishes,
            self.publishes,
            self.publish_bytes,
        )
    }

    pub(crate) fn insert(&mut self, pid: u16, flow: Flow) {
        self.count(&flow, true);
        if let Some(old) = self.map.insert(pid, flow) {
            self.count(&old, false);
        }
        debug_assert!(self.consistent());
    }

    pub(crate) fn remove(&mut self, pid: &u16) -> Option<Flow> {
        let flow = self.map.remove(pid)?;
        self.count(&flow, false);
        debug_assert!(self.consistent());
        Some(flow)
    }

    pub(crate) fn get(&self, pid: &u16) -> Option<&Flow> {
        self.map.get(pid)
    }

    /// The flow's stage, to advance it (what the counts depend on does not change).
    pub(crate) fn kind_mut(&mut self, pid: &u16) -> Option<&mut FlowKind> {
        self.map.get_mut(pid).map(|f| &mut f.kind)
    }

    /// A new connection: nothing is sent on it yet. `each` may adjust every flow (DUP).
    pub(crate) fn mark_all_unsent(&mut self, mut each: impl FnMut(&mut Flow)) {
        for flow in self.map.values_mut() {
            each(flow);
            flow.sent = false;
        }
        self.unsent = self.map.len();
        self.sent_publishes = 0;
        debug_assert!(self.consistent());
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&u16, &Flow)> {
        self.map.iter()
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &Flow> {
        self.map.values()
    }

    /// Every flow, emptying the map.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = (u16, Flow)> + '_ {
        self.unsent = 0;
        self.sent_publishes = 0;
        self.publishes = 0;
        self.publish_bytes = 0;
        self.map.drain()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn unsent(&self) -> usize {
        self.unsent
    }

    pub(crate) fn sent_publishes(&self) -> usize {
        self.sent_publishes
    }

    /// Publishes in flight and their bytes.
    pub(crate) fn publishes(&self) -> (usize, usize) {
        (self.publishes, self.publish_bytes)
    }

    /// The packet identifiers of the flows (only those not yet sent on this connection, or
    /// all), in the order their operations were submitted: resends keep the original order
    /// [MQTT-4.6.0-1], and abandoned operations fail in it.
    pub(crate) fn pids_in_order(&self, only_unsent: bool) -> Vec<u16> {
        let mut keyed: Vec<(u64, u16)> = self
            .map
            .iter()
            .filter(|(_, f)| !(only_unsent && f.sent))
            .map(|(&pid, f)| (f.seq, pid))
            .collect();
        sort_by_seq(&mut keyed);
        keyed.into_iter().map(|(_, pid)| pid).collect()
    }
}

/// Sorts `(seq, pid)` pairs by `seq`. A heap sort: a few hundred bytes of wasm, where each use
/// of the standard library's sort brings several kilobytes. Sequence numbers are unique, so
/// stability does not matter; O(n log n) keeps a window of 65,535 flows fast.
fn sort_by_seq(v: &mut [(u64, u16)]) {
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Moves `v[root]` down the max-heap `v[..end]` to where it belongs.
fn sift_down(v: &mut [(u64, u16)], mut root: usize, end: usize) {
    // Every index read is below `end <= v.len()`; `get` keeps the code free of panics.
    let seq = |v: &[(u64, u16)], i: usize| v.get(i).map_or(0, |p| p.0);
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && seq(v, child) < seq(v, child + 1) {
            child += 1;
        }
        if seq(v, root) >= seq(v, child) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::sort_by_seq;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_sort(seqs in proptest::collection::btree_set(any::<u64>(), 0..300)) {
            // Unique sequence numbers, in an order unrelated to them.
            let mut v: Vec<(u64, u16)> = seqs.iter().rev().enumerate()
                .map(|(i, &s)| (s.rotate_left(i as u32), i as u16)).collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            sort_by_seq(&mut v);
            prop_assert_eq!(v, expected);
        }
    }
}
