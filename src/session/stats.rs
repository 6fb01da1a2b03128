//! Flow-control counters the application can read.

/// A snapshot of the session's queues and windows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Messages waiting for the application.
    pub inbound_queued: usize,
    /// Their payload and topic bytes.
    pub inbound_queued_bytes: usize,
    /// Messages the inbound policy dropped, in total.
    pub inbound_dropped: u64,
    /// Operations waiting to be sent.
    pub outbound_queued: usize,
    /// Their payload and topic bytes.
    pub outbound_queued_bytes: usize,
    /// Operations the outbound policy dropped or refused, in total.
    pub outbound_dropped: u64,
    /// Outgoing QoS 1/2 publishes sent and not yet acknowledged.
    pub inflight_out: usize,
    /// Their payload and topic bytes.
    pub inflight_out_bytes: usize,
    /// Incoming QoS 1/2 publishes not yet acknowledged to the server.
    pub inflight_in: usize,
    /// The current outgoing window: the server's Receive Maximum under our own cap.
    pub send_window: usize,
    /// Application messages received, in total.
    pub messages_received: u64,
    /// Application messages sent, in total (resends excluded).
    pub messages_sent: u64,
    /// Bytes received, in total.
    pub bytes_received: u64,
    /// Bytes sent, in total.
    pub bytes_sent: u64,
}
