//! The operations in flight, by packet identifier, with the counts the send path asks for on
//! every publish (the Receive Maximum window's use, whether anything waits to be resent, the
//! in-flight figures) kept up to date as flows come and go, instead of a scan of every flow:
//! with a window of thousands, the scans made each publish cost O(in-flight).

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
}
