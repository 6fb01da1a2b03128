//! An application message the client publishes.

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{Pid, Properties, Publish, QoS, QosPid};

/// What the application hands to `Session::publish`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// The topic name.
    pub topic: String,
    /// The payload.
    pub payload: Vec<u8>,
    /// The QoS.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// PUBLISH properties (MQTT 5). A Topic Alias set here is sent as given; otherwise
    /// `auto_topic_alias` may pick one.
    pub properties: Properties<'static>,
}

impl Message {
    /// A message with default QoS 0, no retain, no properties.
    pub fn new(topic: impl Into<String>, payload: impl Into<Vec<u8>>) -> Self {
        Message {
            topic: topic.into(),
            payload: payload.into(),
            ..Default::default()
        }
    }

    /// This message as a PUBLISH with packet id `pid` (ignored for QoS 0): the topic and
    /// payload move, nothing is copied.
    pub(crate) fn into_publish(self, pid: Pid) -> Publish<'static> {
        let qos_pid = match self.qos {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            QoS::AtLeastOnce => QosPid::AtLeastOnce(pid),
            QoS::ExactlyOnce => QosPid::ExactlyOnce(pid),
        };
        Publish {
            dup: false,
            qos_pid,
            retain: self.retain,
            topic: self.topic.into(),
            properties: self.properties,
            payload: self.payload.into(),
        }
    }
}
