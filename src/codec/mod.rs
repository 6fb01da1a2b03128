//! The MQTT 3.1, 3.1.1 and 5.0 wire format: every control packet, encode into a caller's
//! buffer, decode borrowing from the input, and an incremental [`Framer`].
//!
//! `no_std` + `alloc`, no I/O, no clock. Every malformed input is a typed [`Error`]; nothing
//! here panics on any input.
//!
//! ```
//! use wasmqtt::codec::{Packet, Publish, ProtocolVersion, QosPid, Pid};
//! let publish = Packet::Publish(Publish {
//!     dup: false,
//!     qos_pid: QosPid::AtLeastOnce(Pid::new(10).unwrap()),
//!     retain: false,
//!     topic: "a/b".into(),
//!     properties: Default::default(),
//!     payload: b"hi".as_slice().into(),
//! });
//! let mut buf = Vec::new();
//! publish.encode_to_vec(ProtocolVersion::V5, &mut buf).unwrap();
//! assert_eq!(buf, [0x32, 10, 0, 3, b'a', b'/', b'b', 0, 10, 0, b'h', b'i']);
//! let (decoded, len) = Packet::decode(&buf, ProtocolVersion::V5).unwrap().unwrap();
//! assert_eq!((decoded, len), (publish, buf.len()));
//! ```

mod ack;
mod ack_list;
mod auth;
mod connack;
mod connect;
mod disconnect;
mod error;
mod framer;
mod packet;
mod primitives;
mod properties;
mod publish;
mod reason_code;
mod reason_tail;
mod subscribe;
mod topic;
mod types;
mod unsubscribe;

pub use ack::Ack;
pub use auth::Auth;
pub use connack::ConnAck;
pub use connect::{Connect, Will};
pub use disconnect::Disconnect;
pub use error::Error;
pub use framer::{Framer, MAX_PACKET_SIZE};
pub use packet::{FixedHeader, Packet};
pub use primitives::{decode_var_int, var_int_len, MAX_VAR_INT};
pub use properties::{PayloadFormat, Properties, PropertyContext, PropertyId};
pub use publish::Publish;
pub use reason_code::ReasonCode;
pub use subscribe::{RetainHandling, SubAck, Subscribe, SubscribeFilter, SubscriptionOptions};
pub use topic::{check_topic_filter, check_topic_name, is_shared_subscription, topic_matches};
pub use types::{PacketType, Pid, ProtocolVersion, QoS, QosPid};
pub use unsubscribe::{UnsubAck, Unsubscribe};
