//! What the application chooses for a session: MQTT.js's connect options, in Rust types,
//! with MQTT.js's defaults, plus the queue bounds and policies that MQTT.js lacks.

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{Properties, ProtocolVersion, Will, MAX_PACKET_SIZE};

use super::backoff::BackoffOptions;

/// What the inbound queue does when a message arrives and it is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboundPolicy {
    /// Drop the oldest queued message.
    #[default]
    DropOldest,
    /// Drop the arriving message.
    DropNewest,
    /// Keep only the newest message of each topic (conflation, for dashboards); when the
    /// queue holds as many topics as it can, drop the oldest.
    LatestPerTopic,
    /// Acknowledge QoS 1 and 2 messages only when the application takes them, so that with
    /// our Receive Maximum the broker stops sending; QoS 0 falls back to drop-oldest.
    ///
    /// The message bound is exact in MQTT 5: the Receive Maximum we announce is the room left
    /// in the queue. MQTT has no byte quota, so QoS 1/2 messages, which this policy never
    /// drops, can hold more bytes than `max_bytes` (at most Receive Maximum messages of at most
    /// our Maximum Packet Size each, which this policy caps at `max_bytes`); QoS 0 messages
    /// are evicted to keep the byte bound. Before MQTT 5 there is no Receive Maximum: the
    /// broker's own in-flight limit (mosquitto: 20) bounds what it sends unacknowledged.
    Backpressure,
}

/// What the outbound queue does when the application publishes and it is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutboundPolicy {
    /// Refuse the new operation with [`super::SessionError::QueueFull`].
    #[default]
    Reject,
    /// Drop the oldest queued operation (it fails with `DroppedByPolicy`) to make room.
    DropOldest,
}

/// Bounds of a queue: by count and by payload bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// The most messages held.
    pub max_messages: usize,
    /// The most payload and topic bytes held.
    pub max_bytes: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        QueueLimits {
            max_messages: 1000,
            max_bytes: 16 << 20,
        }
    }
}

/// Everything a [`super::Session`] is created with.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// MQTT 3.1, 3.1.1 (MQTT.js's default, `protocolVersion: 4`) or 5.0.
    pub protocol: ProtocolVersion,
    /// The client identifier; empty asks the server to assign one (needs clean start).
    pub client_id: String,
    /// Clean Start / Clean Session (MQTT.js `clean`, default true).
    pub clean_start: bool,
    /// Keep Alive in seconds (MQTT.js default 60; 0 turns it off).
    pub keep_alive: u16,
    /// The user name.
    pub username: Option<String>,
    /// The password.
    pub password: Option<Vec<u8>>,
    /// The will message.
    pub will: Option<Will<'static>>,
    /// CONNECT properties (MQTT 5): Session Expiry Interval, Receive Maximum, Maximum Packet
    /// Size, Topic Alias Maximum, Request Response/Problem Information, User Properties,
    /// Authentication Method and Data. Receive Maximum and Maximum Packet Size are also
    /// enforced on what the server sends.
    pub properties: Properties<'static>,
    /// How long to wait for CONNACK (MQTT.js `connectTimeout`, default 30 s).
    pub connect_timeout_ms: u64,
    /// How long to wait for PINGRESP; `None`: one keepalive interval, as MQTT.js.
    pub ping_timeout_ms: Option<u64>,
    /// The inbound delivery queue's bounds.
    pub inbound_limits: QueueLimits,
    /// The inbound queue's policy when full.
    pub inbound_policy: InboundPolicy,
    /// The outbound queue's bounds.
    pub outbound_limits: QueueLimits,
    /// The outbound queue's policy when full.
    pub outbound_policy: OutboundPolicy,
    /// Queue QoS 0 publishes while offline (MQTT.js `queueQoSZero`, default true).
    pub queue_qos0: bool,
    /// Our own cap on outgoing QoS 1/2 publishes in flight, under the server's Receive Maximum.
    pub max_inflight: u16,
    /// Give topics aliases automatically within the server's limit (MQTT.js
    /// `autoAssignTopicAlias`, default false).
    pub auto_topic_alias: bool,
    /// Resubscribe the remembered subscriptions when a reconnect finds no session
    /// (MQTT.js `resubscribe`, default true).
    pub resubscribe: bool,
    /// The reconnect policy.
    pub reconnect: BackoffOptions,
    /// Seed of the jitter draws.
    pub random_seed: u64,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            protocol: ProtocolVersion::V3_1_1,
            client_id: String::new(),
            clean_start: true,
            keep_alive: 60,
            username: None,
            password: None,
            will: None,
            properties: Properties::default(),
            connect_timeout_ms: 30_000,
            ping_timeout_ms: None,
            inbound_limits: QueueLimits::default(),
            inbound_policy: InboundPolicy::default(),
            outbound_limits: QueueLimits::default(),
            outbound_policy: OutboundPolicy::default(),
            queue_qos0: true,
            max_inflight: u16::MAX,
            auto_topic_alias: false,
            resubscribe: true,
            reconnect: BackoffOptions::default(),
            random_seed: 0,
        }
    }
}

impl SessionOptions {
    /// The Receive Maximum we announce (MQTT 5): as configured (65,535 when absent), and with
    /// the backpressure policy no more than the inbound queue holds, so the broker's window
    /// never outgrows the queue.
    pub fn receive_maximum(&self) -> u16 {
        let configured = self.properties.receive_maximum.unwrap_or(u16::MAX).max(1);
        if self.inbound_policy == InboundPolicy::Backpressure {
            let cap = u16::try_from(self.inbound_limits.max_messages).unwrap_or(u16::MAX);
            configured.min(cap.max(1))
        } else {
            configured
        }
    }

    /// Refuses options that can only produce a CONNECT the server must refuse: before MQTT 5
    /// an empty client identifier requires a clean session (3.1.1 [MQTT-3.1.3-7]).
    pub fn validate(&self) -> Result<(), super::SessionError> {
        if !self.protocol.is_v5() && self.client_id.is_empty() && !self.clean_start {
            return Err(super::SessionError::InvalidState(
                "an empty client id needs clean: true before MQTT 5",
            ));
        }
        Ok(())
    }

    /// The largest packet we accept (the Maximum Packet Size we announce in MQTT 5). Under
    /// the backpressure policy no larger than the inbound queue's byte bound, so that one
    /// message always fits in it.
    pub fn maximum_packet_size(&self) -> u32 {
        let configured = self
            .properties
            .maximum_packet_size
            .unwrap_or(MAX_PACKET_SIZE);
        if self.inbound_policy == InboundPolicy::Backpressure {
            let bound = u32::try_from(self.inbound_limits.max_bytes).unwrap_or(u32::MAX);
            configured.min(bound.max(1))
        } else {
            configured
        }
    }
}
