//! The sans-IO MQTT client: everything MQTT says a client must do and remember, as a pure
//! state machine that owns no socket and reads no clock (`no_std` + `alloc`).
//!
//! A [`Session`]'s methods fall into four groups, as in quinn-proto's `Connection`:
//! - getters: [`Session::state`], [`Session::stats`], [`Session::options`]...
//! - inputs, each with `now` in milliseconds: [`Session::handle_connected`] (the transport
//!   opened), [`Session::handle_bytes`], [`Session::handle_disconnected`] (the transport
//!   closed), [`Session::handle_timeout`];
//! - application commands: [`Session::publish`], [`Session::subscribe`],
//!   [`Session::unsubscribe`], [`Session::disconnect`], [`Session::auth`],
//!   [`Session::reconnect`], [`Session::set_write_blocked`], and [`Session::take_message`],
//!   which takes a message from the bounded inbound queue;
//! - outputs: [`Session::poll_transmit`] (bytes to write, every packet produced since the
//!   last call in one buffer), [`Session::poll_event`], [`Session::poll_timeout`].
//!
//! After any input or command, drain `poll_transmit` and write it, drain `poll_event`, take
//! messages, then arm a timer for `poll_timeout` and call `handle_timeout` when it fires.

mod acks;
mod backoff;
mod connection;
mod error;
mod event;
mod flows;
mod inbound_queue;
mod incoming;
mod keepalive;
mod lifecycle;
mod message;
mod options;
mod outbound_queue;
mod outgoing;
mod packet_ids;
pub(crate) mod sorted_map;
mod stats;
mod subscriptions;
mod topic_alias;

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use sorted_map::{SortedMap, SortedSet};

use crate::codec::{Framer, Packet, ProtocolVersion, QoS, MAX_PACKET_SIZE};

pub use backoff::{Backoff, BackoffOptions, Jitter};
pub use error::SessionError;
pub use event::{Event, Token};
pub use message::Message;
pub use options::{InboundPolicy, OutboundPolicy, QueueLimits, SessionOptions};
pub use packet_ids::PacketIds;
pub use stats::Stats;
pub use topic_alias::{AliasError, AliasUse, IncomingAliases, OutgoingAliases};

use inbound_queue::InboundQueue;
use incoming::InQos2;
use outbound_queue::OutboundQueue;
use subscriptions::Remembered;

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No transport, or the session ended it.
    Disconnected,
    /// The transport is open and CONNECT sent; waiting for CONNACK.
    Connecting,
    /// CONNACK accepted the connection.
    Connected,
}

/// What the server announced in its CONNACK (defaults for what it left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Receive Maximum: how many QoS 1/2 publishes may await acknowledgement.
    pub receive_maximum: u16,
    /// Maximum QoS.
    pub maximum_qos: QoS,
    /// Retain Available.
    pub retain_available: bool,
    /// Maximum Packet Size.
    pub maximum_packet_size: u32,
    /// Topic Alias Maximum.
    pub topic_alias_maximum: u16,
    /// Wildcard Subscription Available.
    pub wildcard_subscription_available: bool,
    /// Subscription Identifier Available.
    pub subscription_identifier_available: bool,
    /// Shared Subscription Available.
    pub shared_subscription_available: bool,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: MAX_PACKET_SIZE,
            topic_alias_maximum: 0,
            wildcard_subscription_available: true,
            subscription_identifier_available: true,
            shared_subscription_available: true,
        }
    }
}

/// An MQTT client session: see the module documentation for how to drive it.
#[derive(Debug)]
pub struct Session {
    opts: SessionOptions,
    state: State,
    /// Counts transport connections; a deferred acknowledgement belongs to one.
    epoch: u64,
    /// The `now` of the latest input.
    now: u64,
    framer: Framer,
    tx: Vec<u8>,
    /// While tracing: a copy of each packet in `tx`, in order (see [`Session::set_trace_sent`]).
    sent: Option<Vec<Packet<'static>>>,
    events: VecDeque<Event>,

    // Per connection.
    server: ServerLimits,
    keep_alive_ms: u64,
    last_sent: u64,
    ping_deadline: Option<u64>,
    connect_deadline: Option<u64>,
    out_aliases: OutgoingAliases,
    in_aliases: IncomingAliases,
    write_blocked: bool,

    // Session state, kept across connections.
    pids: PacketIds,
    flows: flows::Flows,
    next_seq: u64,
    incoming_qos2: SortedMap<u16, InQos2>,
    /// QoS 1/2 messages received on this connection and not yet acknowledged.
    unacked_in: SortedSet<u16>,
    /// The Receive Maximum we announced on this connection.
    announced_receive_maximum: u16,
    /// Counts sessions: a new one starts when the server has none for us.
    generation: u64,
    /// Whether a transport is open (between `handle_connected` and `handle_disconnected`).
    transport_open: bool,
    outbound: OutboundQueue,
    inbound: InboundQueue,
    subscriptions: SortedMap<alloc::string::String, Remembered>,

    // Reconnecting.
    backoff: Backoff,
    jitter: Jitter,
    reconnect_at: Option<u64>,
    ended: bool,

    next_token: u64,
    stats: Stats,
}

impl Session {
    /// A disconnected session. Call [`Session::handle_connected`] once a transport is open.
    pub fn new(opts: SessionOptions) -> Self {
        let framer = Framer::new(opts.protocol, opts.maximum_packet_size());
        Session {
            framer,
            state: State::Disconnected,
            epoch: 0,
            now: 0,
            tx: Vec::new(),
            sent: None,
            events: VecDeque::new(),
            server: ServerLimits::default(),
            keep_alive_ms: 0,
            last_sent: 0,
            ping_deadline: None,
            connect_deadline: None,
            out_aliases: OutgoingAliases::default(),
            in_aliases: IncomingAliases::default(),
            write_blocked: false,
            pids: PacketIds::default(),
            flows: flows::Flows::default(),
            next_seq: 0,
            incoming_qos2: SortedMap::new(),
            unacked_in: SortedSet::new(),
            announced_receive_maximum: u16::MAX,
            generation: 0,
            transport_open: false,
            outbound: OutboundQueue::new(opts.outbound_limits, opts.outbound_policy),
            inbound: InboundQueue::new(opts.inbound_limits, opts.inbound_policy),
            subscriptions: SortedMap::new(),
            backoff: Backoff::new(opts.reconnect.clone()),
            jitter: Jitter::new(opts.random_seed),
            reconnect_at: None,
            ended: false,
            next_token: 0,
            stats: Stats::default(),
            opts,
        }
    }

    // ---- getters ----

    /// Where the connection stands.
    pub fn state(&self) -> State {
        self.state
    }

    /// Whether CONNACK accepted the current connection.
    pub fn is_connected(&self) -> bool {
        self.state == State::Connected
    }

    /// Whether the application ended the session (no reconnect until [`Session::reconnect`]).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// The options, with the client id the server assigned, if it did.
    pub fn options(&self) -> &SessionOptions {
        &self.opts
    }

    /// Replaces the user name and password of the CONNECTs to come (not of one already
    /// sent): apps renew credentials between connections, e.g. a token that expires.
    pub fn set_credentials(
        &mut self,
        username: Option<alloc::string::String>,
        password: Option<Vec<u8>>,
    ) {
        self.opts.username = username;
        self.opts.password = password;
    }

    /// The protocol version.
    pub fn protocol(&self) -> ProtocolVersion {
        self.opts.protocol
    }

    /// What the server announced in its latest CONNACK.
    pub fn server_limits(&self) -> &ServerLimits {
        &self.server
    }

    /// The keepalive interval in force, in milliseconds (the server's if it set one).
    pub fn keep_alive_ms(&self) -> u64 {
        self.keep_alive_ms
    }

    /// Whether nothing waits: no queued operation and nothing in flight (MQTT.js's
    /// `outgoingEmpty`).
    pub fn is_outgoing_empty(&self) -> bool {
        self.outbound.is_empty() && self.flows.is_empty()
    }

    /// The flow-control counters.
    pub fn stats(&self) -> Stats {
        let mut s = self.stats;
        s.inbound_queued = self.inbound.len();
        s.inbound_queued_bytes = self.inbound.bytes();
        s.outbound_queued = self.outbound.len();
        s.outbound_queued_bytes = self.outbound.bytes();
        let (count, bytes) = self.inflight_publishes();
        s.inflight_out = count;
        s.inflight_out_bytes = bytes;
        s.inflight_in = self.inflight_in();
        s.send_window = self.send_window();
        s
    }

    // ---- outputs ----

    /// Whether [`poll_transmit`](Session::poll_transmit) has bytes.
    pub fn has_transmit(&self) -> bool {
        !self.tx.is_empty()
    }

    /// Bytes to write to the transport: every packet produced since the last call, as one
    /// buffer (one WebSocket message).
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.tx.is_empty() {
            None
        } else {
            Some(core::mem::take(&mut self.tx))
        }
    }

    /// Keeps (or stops keeping) a copy of each packet written to the transmit buffer, for
    /// [`Session::take_sent`]: what an application that traces packets (MQTT.js's
    /// `packetsend`) is shown, without decoding the bytes again.
    pub fn set_trace_sent(&mut self, on: bool) {
        if on != self.sent.is_some() {
            self.sent = on.then(Vec::new);
        }
    }

    /// The packets written since the last call, in order, while tracing (empty otherwise).
    /// Call it with each [`Session::poll_transmit`]: the two describe the same bytes.
    pub fn take_sent(&mut self) -> Vec<Packet<'static>> {
        self.sent.as_mut().map(core::mem::take).unwrap_or_default()
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    // ---- internals shared by the other files ----

    fn next_token(&mut self) -> event::Token {
        self.next_token += 1;
        Token(self.next_token)
    }

    /// Encodes `packet` into the transmit buffer, refusing one over the server's Maximum
    /// Packet Size [MQTT-3.2.2-15].
    fn send(&mut self, packet: Packet<'static>) -> Result<(), SessionError> {
        let start = self.tx.len();
        let len = packet.encode_client_to_vec(self.opts.protocol, &mut self.tx)?;
        self.after_encode(start, len)?;
        self.trace(|| packet);
        Ok(())
    }

    /// Records a copy of a packet just written, while tracing.
    fn trace(&mut self, packet: impl FnOnce() -> Packet<'static>) {
        if let Some(sent) = self.sent.as_mut() {
            sent.push(packet());
        }
    }

    fn after_encode(&mut self, start: usize, len: usize) -> Result<(), SessionError> {
        let max = self.server.maximum_packet_size;
        if len > max as usize {
            self.tx.truncate(start);
            return Err(SessionError::PacketTooLarge { size: len, max });
        }
        self.stats.bytes_sent += len as u64;
        self.last_sent = self.now;
        Ok(())
    }

    /// Sends a packet whose failure can only be a bug of ours (an acknowledgement, PINGREQ):
    /// a failure ends the connection rather than leaving the server waiting.
    fn send_control(&mut self, packet: Packet<'static>) {
        if let Err(e) = self.send(packet) {
            self.close(e, None);
        }
    }
}
