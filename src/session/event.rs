//! What the session tells the application and its driver, drained with `poll_event`.

use alloc::vec::Vec;

use crate::codec::{ConnAck, Pid, Properties, ReasonCode};

use super::error::SessionError;

/// Identifies an application command (publish, subscribe, unsubscribe) in later events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(pub u64);

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// CONNACK with success: the connection is up.
    Connected(ConnAck<'static>),
    /// The server had no session (Session Present 0) while we held session state: what we
    /// did with it. In-flight publishes not yet acknowledged are sent again as new messages,
    /// QoS 2 publishes the server had acknowledged with PUBREC count as delivered, incoming
    /// QoS 2 state is forgotten, and subscriptions are renewed if `resubscribe` is on.
    SessionNotResumed {
        /// Publishes queued to be sent again.
        republished: usize,
        /// QoS 2 publishes taken as delivered (PUBREC received, PUBCOMP never came).
        assumed_delivered: usize,
        /// Incoming QoS 2 messages whose PUBREL will never come.
        incoming_forgotten: usize,
        /// Subscriptions being renewed.
        resubscribing: usize,
    },
    /// A publish is complete: QoS 0 written, QoS 1 PUBACK, QoS 2 PUBCOMP.
    PublishComplete {
        /// The publish.
        token: Token,
        /// Its packet identifier (QoS 1 and 2), as MQTT.js's callback packet shows it.
        pid: Option<Pid>,
        /// The acknowledgement's reason code (below 0x80).
        reason_code: ReasonCode,
    },
    /// A publish failed and will not be retried.
    PublishFailed {
        /// The publish.
        token: Token,
        /// Why.
        error: SessionError,
    },
    /// SUBACK: one result per filter, in order: the granted QoS or the refusal.
    Subscribed {
        /// The subscribe command, or `None` for an automatic resubscribe.
        token: Option<Token>,
        /// The SUBSCRIBE's packet identifier (MQTT.js shows it in the callback's packet).
        pid: Pid,
        /// Reason code per filter.
        reason_codes: Vec<ReasonCode>,
    },
    /// UNSUBACK: one result per filter (MQTT 5; all Success in 3.1.1).
    Unsubscribed {
        /// The unsubscribe command.
        token: Token,
        /// The UNSUBSCRIBE's packet identifier.
        pid: Pid,
        /// Reason code per filter.
        reason_codes: Vec<ReasonCode>,
    },
    /// A subscribe or unsubscribe failed before the server answered.
    RequestFailed {
        /// The command.
        token: Token,
        /// Why.
        error: SessionError,
    },
    /// The server sent AUTH (MQTT 5 enhanced authentication): answer with `Session::auth`.
    Auth {
        /// Continue authentication (0x18), or Success (0x00) after a re-authentication.
        reason_code: ReasonCode,
        /// Authentication Method and Data, Reason String, User Properties.
        properties: Properties<'static>,
    },
    /// The connection ended. The driver closes its transport (after writing what
    /// `poll_transmit` still returns).
    Disconnected {
        /// Why.
        error: SessionError,
        /// When a reconnect is scheduled, in how many milliseconds.
        reconnect_in: Option<u64>,
    },
    /// The reconnect delay has passed: the driver opens a new transport now and calls
    /// `handle_connected`.
    ReconnectDue {
        /// Consecutive attempts so far.
        attempt: u32,
    },
}
