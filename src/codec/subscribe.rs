//! SUBSCRIBE and SUBACK (sections 3.8 and 3.9).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::ack_list;
use super::error::Error;
use super::packet::{body_to_vec, total_len};
use super::primitives::{check_str_out, prefixed_len, Reader, Writer};
use super::properties::{Properties, PropertyContext};
use super::reason_code::ReasonCode;
use super::topic::{check_topic_filter_in, is_shared_subscription};
use super::types::{PacketType, Pid, ProtocolVersion, QoS};

const CTX: PropertyContext = PropertyContext::Packet(PacketType::Subscribe);

/// Whether the server sends retained messages when a subscription is made (MQTT 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// 0: send retained messages at the time of the subscribe.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription does not exist yet.
    SendIfNewSubscription = 1,
    /// 2: do not send them.
    DoNotSend = 2,
}

/// The options byte of each topic filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    /// Maximum QoS the server may deliver with.
    pub qos: QoS,
    /// No Local (MQTT 5): don't receive our own publications [MQTT-3.8.3-3].
    pub no_local: bool,
    /// Retain As Published (MQTT 5).
    pub retain_as_published: bool,
    /// Retain Handling (MQTT 5).
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    /// Options of QoS `qos` and MQTT 5 defaults otherwise.
    pub fn qos(qos: QoS) -> Self {
        SubscriptionOptions {
            qos,
            ..Default::default()
        }
    }

    fn decode(b: u8, v: ProtocolVersion) -> Result<Self, Error> {
        // 3.1.1 reserves the six upper bits; MQTT 5 the two upper ones [MQTT-3.8.3-5].
        let reserved = if v.is_v5() { 0xC0 } else { 0xFC };
        if b & reserved != 0 {
            return Err(Error::InvalidSubscriptionOptions(b));
        }
        let retain_handling = match (b >> 4) & 0x03 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNewSubscription,
            2 => RetainHandling::DoNotSend,
            _ => return Err(Error::InvalidSubscriptionOptions(b)),
        };
        Ok(SubscriptionOptions {
            qos: QoS::from_u8(b & 0x03).map_err(|_| Error::InvalidSubscriptionOptions(b))?,
            no_local: b & 0x04 != 0,
            retain_as_published: b & 0x08 != 0,
            retain_handling,
        })
    }

    fn encode(self, v: ProtocolVersion) -> Result<u8, Error> {
        let v5_bits = (u8::from(self.no_local) << 2)
            | (u8::from(self.retain_as_published) << 3)
            | ((self.retain_handling as u8) << 4);
        if v5_bits != 0 && !v.is_v5() {
            return Err(Error::NotInVersion {
                what: "subscription options",
                version: v,
            });
        }
        Ok(self.qos as u8 | v5_bits)
    }
}

/// One topic filter of a SUBSCRIBE and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeFilter<'a> {
    /// The topic filter.
    pub filter: Cow<'a, str>,
    /// Its options.
    pub options: SubscriptionOptions,
}

/// A request for subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe<'a> {
    /// Its packet identifier.
    pub pid: Pid,
    /// Properties (MQTT 5): a Subscription Identifier, User Properties.
    pub properties: Properties<'a>,
    /// At least one topic filter [MQTT-3.8.3-2].
    pub filters: Vec<SubscribeFilter<'a>>,
}

fn check_filter(
    filter: &str,
    options: SubscriptionOptions,
    v: ProtocolVersion,
) -> Result<(), Error> {
    check_topic_filter_in(filter, v)?;
    if options.no_local && is_shared_subscription(filter) {
        return Err(Error::NoLocalOnSharedSubscription);
    }
    Ok(())
}

impl<'a> Subscribe<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        let pid = r.pid()?;
        let properties = Properties::decode_in(r, CTX, v)?;
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter = r.string("topic filter")?;
            let options = SubscriptionOptions::decode(r.u8("subscription options")?, v)?;
            check_filter(filter, options, v)?;
            filters.push(SubscribeFilter {
                filter: Cow::Borrowed(filter),
                options,
            });
        }
        if filters.is_empty() {
            return Err(Error::EmptySubscribe);
        }
        Ok(Subscribe {
            pid,
            properties,
            filters,
        })
    }

    /// The encoded size in `version`, after checking every rule.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, Error> {
        total_len(self.body_len(version)?).map(|(total, _)| total)
    }

    /// Appends the encoded packet to `out`, as `Packet::encode_to_vec` does.
    pub fn encode_to_vec(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<usize, Error> {
        let body = self.body_len(version)?;
        let t = PacketType::Subscribe;
        body_to_vec(out, t, t.required_flags(), body, |w| {
            self.write_body(version, w)
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        if self.filters.is_empty() {
            return Err(Error::EmptySubscribe);
        }
        let mut len = 2 + self.properties.wire_len_in(CTX, v)?;
        for f in &self.filters {
            check_str_out(&f.filter, "topic filter")?;
            check_filter(&f.filter, f.options, v)?;
            f.options.encode(v)?;
            len += prefixed_len(f.filter.len()) + 1;
        }
        Ok(len)
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        w.pid(self.pid)?;
        self.properties.write_in(CTX, v, w)?;
        for f in &self.filters {
            w.string(&f.filter)?;
            w.u8(f.options.encode(v)?)?;
        }
        Ok(())
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> Subscribe<'static> {
        Subscribe {
            pid: self.pid,
            properties: self.properties.into_owned(),
            filters: self
                .filters
                .into_iter()
                .map(|f| SubscribeFilter {
                    filter: Cow::Owned(f.filter.into_owned()),
                    options: f.options,
                })
                .collect(),
        }
    }
}

/// The server's answer to SUBSCRIBE: one reason code per topic filter, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck<'a> {
    /// The SUBSCRIBE's packet identifier [MQTT-2.2.1-6].
    pub pid: Pid,
    /// Properties (MQTT 5).
    pub properties: Properties<'a>,
    /// Granted QoS or failure, per filter. 3.1.1 has 0x00, 0x01, 0x02 and 0x80 only.
    pub reason_codes: Vec<ReasonCode>,
}

impl<'a> SubAck<'a> {
    pub(crate) fn decode(r: &mut Reader<'a>, v: ProtocolVersion) -> Result<Self, Error> {
        let pid = r.pid()?;
        let (properties, reason_codes) =
            ack_list::decode(r, PacketType::SubAck, v, ReasonCode::is_v3_suback)?;
        if reason_codes.is_empty() {
            return Err(Error::EmptyAckList);
        }
        Ok(SubAck {
            pid,
            properties,
            reason_codes,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, Error> {
        if self.reason_codes.is_empty() {
            return Err(Error::EmptyAckList);
        }
        ack_list::body_len(
            &self.properties,
            &self.reason_codes,
            PacketType::SubAck,
            v,
            ReasonCode::is_v3_suback,
        )
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, w: &mut Writer<'_>) -> Result<(), Error> {
        ack_list::write_body(
            self.pid,
            &self.properties,
            &self.reason_codes,
            PacketType::SubAck,
            v,
            w,
        )
    }

    /// Copies every borrowed field, to keep the packet.
    pub fn into_owned(self) -> SubAck<'static> {
        SubAck {
            pid: self.pid,
            properties: self.properties.into_owned(),
            reason_codes: self.reason_codes,
        }
    }
}
