//! Why a session operation failed or a connection ended, as typed values.

use alloc::string::String;
use core::fmt;

use crate::codec::{self, ReasonCode};

/// A failure the application sees: a refused command, a failed operation, or the reason a
/// connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionError {
    /// The packet the application asked for breaks a rule of the protocol.
    InvalidPacket(codec::Error),
    /// The server refused the connection (CONNACK reason code 0x80 or above).
    ConnectionRefused {
        /// The CONNACK reason code (3.1.1 return codes mapped to their MQTT 5 equivalents).
        reason_code: ReasonCode,
        /// The server's Reason String, if it sent one.
        reason_string: Option<String>,
        /// The server's Server Reference (another server to use, with 0x9C/0x9D), if any.
        server_reference: Option<String>,
    },
    /// The server ended the connection with a DISCONNECT (MQTT 5).
    ServerDisconnected {
        /// Its reason code.
        reason_code: ReasonCode,
        /// Its Reason String, if any.
        reason_string: Option<String>,
        /// Its Server Reference (another server to use), if any.
        server_reference: Option<String>,
    },
    /// The server broke the protocol; the connection was closed (with DISCONNECT in MQTT 5).
    ProtocolViolation {
        /// The reason code sent (0x81, 0x82, 0x93, 0x94, 0x95...).
        reason_code: ReasonCode,
        /// What the server did.
        detail: String,
    },
    /// No CONNACK arrived within the connect timeout.
    ConnectTimeout,
    /// No PINGRESP arrived within the ping timeout.
    KeepAliveTimeout,
    /// The transport closed.
    TransportClosed,
    /// The application closed the session; pending operations are abandoned.
    Closed,
    /// The command needs a connection and the options say not to queue it
    /// (QoS 0 with `queue_qos0` off).
    NotConnected,
    /// The outbound queue is full and its policy is `Reject`.
    QueueFull,
    /// The outbound queue's `DropOldest` policy dropped this operation for a newer one.
    DroppedByPolicy,
    /// The packet exceeds the server's Maximum Packet Size [MQTT-3.2.2-15].
    PacketTooLarge {
        /// Its size.
        size: usize,
        /// The server's maximum.
        max: u32,
    },
    /// The QoS exceeds the server's Maximum QoS [MQTT-3.2.2-11].
    QoSNotSupported,
    /// RETAIN while the server says Retain Available 0 [MQTT-3.2.2-14].
    RetainNotSupported,
    /// A wildcard filter while the server says Wildcard Subscription Available 0.
    WildcardSubscriptionsNotSupported,
    /// A Subscription Identifier while the server says Subscription Identifier Available 0.
    SubscriptionIdentifiersNotSupported,
    /// A shared subscription while the server says Shared Subscription Available 0.
    SharedSubscriptionsNotSupported,
    /// A Topic Alias above the server's Topic Alias Maximum [MQTT-3.3.2-9] (0 when the
    /// server allows none [MQTT-3.2.2-18]).
    TopicAliasNotAllowed {
        /// The alias.
        alias: u16,
        /// The server's maximum.
        max: u16,
    },
    /// The server answered the operation with an error reason code (MQTT 5).
    Rejected(ReasonCode),
    /// The session is not in a state where this command makes sense.
    InvalidState(&'static str),
}

impl SessionError {
    /// A stable identifier, for error codes at the JavaScript boundary.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::InvalidPacket(_) => "ERR_INVALID_PACKET",
            SessionError::ConnectionRefused { .. } => "ERR_CONNECTION_REFUSED",
            SessionError::ServerDisconnected { .. } => "ERR_SERVER_DISCONNECTED",
            SessionError::ProtocolViolation { .. } => "ERR_PROTOCOL_VIOLATION",
            SessionError::ConnectTimeout => "ERR_CONNECT_TIMEOUT",
            SessionError::KeepAliveTimeout => "ERR_KEEPALIVE_TIMEOUT",
            SessionError::TransportClosed => "ERR_TRANSPORT_CLOSED",
            SessionError::Closed => "ERR_CLIENT_CLOSED",
            SessionError::NotConnected => "ERR_NOT_CONNECTED",
            SessionError::QueueFull => "ERR_QUEUE_FULL",
            SessionError::DroppedByPolicy => "ERR_DROPPED",
            SessionError::PacketTooLarge { .. } => "ERR_PACKET_TOO_LARGE",
            SessionError::QoSNotSupported => "ERR_QOS_NOT_SUPPORTED",
            SessionError::RetainNotSupported => "ERR_RETAIN_NOT_SUPPORTED",
            SessionError::WildcardSubscriptionsNotSupported => "ERR_WILDCARD_NOT_SUPPORTED",
            SessionError::SubscriptionIdentifiersNotSupported => {
                "ERR_SUBSCRIPTION_ID_NOT_SUPPORTED"
            }
            SessionError::SharedSubscriptionsNotSupported => "ERR_SHARED_NOT_SUPPORTED",
            SessionError::TopicAliasNotAllowed { .. } => "ERR_TOPIC_ALIAS_NOT_ALLOWED",
            SessionError::Rejected(_) => "ERR_REJECTED",
            SessionError::InvalidState(_) => "ERR_INVALID_STATE",
        }
    }
}

impl From<codec::Error> for SessionError {
    fn from(e: codec::Error) -> Self {
        SessionError::InvalidPacket(e)
    }
}

fn with_reason(f: &mut fmt::Formatter<'_>, reason: &Option<String>) -> fmt::Result {
    match reason {
        Some(r) => write!(f, ": {r}"),
        None => Ok(()),
    }
}

fn with_reference(f: &mut fmt::Formatter<'_>, reference: &Option<String>) -> fmt::Result {
    match reference {
        Some(s) => write!(f, " (use server {s})"),
        None => Ok(()),
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::InvalidPacket(e) => write!(f, "invalid packet: {e}"),
            SessionError::ConnectionRefused {
                reason_code,
                reason_string,
                server_reference,
            } => {
                write!(f, "connection refused: {reason_code}")?;
                with_reason(f, reason_string)?;
                with_reference(f, server_reference)
            }
            SessionError::ServerDisconnected {
                reason_code,
                reason_string,
                server_reference,
            } => {
                write!(f, "server disconnected: {reason_code}")?;
                with_reason(f, reason_string)?;
                with_reference(f, server_reference)
            }
            SessionError::ProtocolViolation {
                reason_code,
                detail,
            } => {
                write!(f, "server broke the protocol ({reason_code}): {detail}")
            }
            SessionError::ConnectTimeout => f.write_str("no CONNACK within the connect timeout"),
            SessionError::KeepAliveTimeout => f.write_str("no PINGRESP within the ping timeout"),
            SessionError::TransportClosed => f.write_str("connection closed"),
            SessionError::Closed => f.write_str("client closed"),
            SessionError::NotConnected => f.write_str("not connected"),
            SessionError::QueueFull => f.write_str("outbound queue full"),
            SessionError::DroppedByPolicy => {
                f.write_str("dropped from the full outbound queue (policy drop-oldest)")
            }
            SessionError::PacketTooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the server's maximum of {max}"
                )
            }
            SessionError::QoSNotSupported => f.write_str("QoS above the server's Maximum QoS"),
            SessionError::RetainNotSupported => f.write_str("the server does not support retain"),
            SessionError::WildcardSubscriptionsNotSupported => {
                f.write_str("the server does not support wildcard subscriptions")
            }
            SessionError::SubscriptionIdentifiersNotSupported => {
                f.write_str("the server does not support subscription identifiers")
            }
            SessionError::SharedSubscriptionsNotSupported => {
                f.write_str("the server does not support shared subscriptions")
            }
            SessionError::TopicAliasNotAllowed { alias, max } => {
                write!(
                    f,
                    "topic alias {alias} above the server's Topic Alias Maximum {max}"
                )
            }
            SessionError::Rejected(rc) => write!(f, "rejected by the server: {rc}"),
            SessionError::InvalidState(why) => write!(f, "invalid state: {why}"),
        }
    }
}

impl core::error::Error for SessionError {}
