//! Packet identifier allocation: unique among those in flight [MQTT-2.2.1-3].

use super::sorted_map::SortedSet;

use crate::codec::Pid;

/// Hands out identifiers in increasing order (wrapping), skipping those in use.
#[derive(Debug, Clone, Default)]
pub struct PacketIds {
    in_use: SortedSet<u16>,
    last: u16,
}

impl PacketIds {
    /// The next free identifier, or `None` when all 65,535 are in flight.
    pub fn allocate(&mut self) -> Option<Pid> {
        if self.in_use.len() >= usize::from(u16::MAX) {
            return None;
        }
        let mut candidate = Pid::new(self.last).map_or(Pid::MIN, Pid::next);
        while self.in_use.contains(&candidate.get()) {
            candidate = candidate.next();
        }
        self.in_use.insert(candidate.get());
        self.last = candidate.get();
        Some(candidate)
    }

    /// Marks `pid` as in use (a flow restored from elsewhere).
    pub fn reserve(&mut self, pid: Pid) {
        self.in_use.insert(pid.get());
    }

    /// Frees `pid` once its flow is complete.
    pub fn release(&mut self, pid: Pid) {
        self.in_use.remove(&pid.get());
    }

    /// Whether `pid` is in flight.
    pub fn is_in_use(&self, pid: Pid) -> bool {
        self.in_use.contains(&pid.get())
    }

    /// How many identifiers are in flight.
    pub fn len(&self) -> usize {
        self.in_use.len()
    }

    /// Whether none is in flight.
    pub fn is_empty(&self) -> bool {
        self.in_use.is_empty()
    }

    /// Frees every identifier.
    pub fn clear(&mut self) {
        self.in_use.clear();
    }
}
