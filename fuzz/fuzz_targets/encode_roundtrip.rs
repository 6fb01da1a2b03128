//! Structured packets (from `arbitrary`) → `encode`. Any field values at all are tried: the
//! encoder must refuse what is invalid with an error, never panic, and whatever it accepts
//! must decode to the very packet encoded, with `encoded_len` equal to the bytes written.
#![no_main]

use std::borrow::Cow;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wasmqtt::codec::{
    Ack, Auth, ConnAck, Connect, Disconnect, Error, Packet, PayloadFormat, Pid, Properties,
    ProtocolVersion, Publish, QoS, QosPid, ReasonCode, RetainHandling, SubAck, Subscribe,
    SubscribeFilter, SubscriptionOptions, UnsubAck, Unsubscribe, Will,
};

#[derive(Arbitrary, Debug)]
struct Props {
    payload_format_utf8: Option<bool>,
    message_expiry_interval: Option<u32>,
    content_type: Option<String>,
    response_topic: Option<String>,
    correlation_data: Option<Vec<u8>>,
    subscription_identifiers: Vec<u32>,
    session_expiry_interval: Option<u32>,
    assigned_client_identifier: Option<String>,
    server_keep_alive: Option<u16>,
    authentication_method: Option<String>,
    authentication_data: Option<Vec<u8>>,
    request_problem_information: Option<bool>,
    will_delay_interval: Option<u32>,
    request_response_information: Option<bool>,
    response_information: Option<String>,
    server_reference: Option<String>,
    reason_string: Option<String>,
    receive_maximum: Option<u16>,
    topic_alias_maximum: Option<u16>,
    topic_alias: Option<u16>,
    maximum_qos: Option<u8>,
    retain_available: Option<bool>,
    user_properties: Vec<(String, String)>,
    maximum_packet_size: Option<u32>,
    wildcard_subscription_available: Option<bool>,
    subscription_identifier_available: Option<bool>,
    shared_subscription_available: Option<bool>,
}

#[derive(Arbitrary, Debug)]
struct WillIn {
    props: Props,
    topic: String,
    payload: Vec<u8>,
    qos: u8,
    retain: bool,
}

// Built once per input: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Arbitrary, Debug)]
enum PacketIn {
    Connect {
        level: u8,
        clean_start: bool,
        keep_alive: u16,
        props: Props,
        client_id: String,
        will: Option<WillIn>,
        username: Option<String>,
        password: Option<Vec<u8>>,
    },
    ConnAck {
        session_present: bool,
        code: u8,
        props: Props,
    },
    Publish {
        dup: bool,
        qos: u8,
        pid: u16,
        retain: bool,
        topic: String,
        props: Props,
        payload: Vec<u8>,
    },
    Ack {
        kind: u8,
        pid: u16,
        code: u8,
        props: Props,
    },
    Subscribe {
        pid: u16,
        props: Props,
        filters: Vec<(String, u8)>,
    },
    SubAck {
        pid: u16,
        props: Props,
        codes: Vec<u8>,
    },
    Unsubscribe {
        pid: u16,
        props: Props,
        filters: Vec<String>,
    },
    UnsubAck {
        pid: u16,
        props: Props,
        codes: Vec<u8>,
    },
    PingReq,
    PingResp,
    Disconnect {
        code: u8,
        props: Props,
    },
    Auth {
        code: u8,
        props: Props,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    version: u8,
    packet: PacketIn,
}

fn version(level: u8) -> ProtocolVersion {
    match level % 3 {
        0 => ProtocolVersion::V3_1,
        1 => ProtocolVersion::V3_1_1,
        _ => ProtocolVersion::V5,
    }
}

fn qos(q: u8) -> QoS {
    match q % 3 {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

/// Any reason code, defined or not in the packet at hand (undefined bytes become Success).
fn code(c: u8) -> ReasonCode {
    ReasonCode::from_u8(c).unwrap_or_default()
}

/// Packet id 0 cannot be built; it becomes 1.
fn pid(p: u16) -> Pid {
    Pid::new(p).unwrap_or(Pid::MIN)
}

fn props(p: Props) -> Properties<'static> {
    Properties {
        payload_format_indicator: p.payload_format_utf8.map(|u| {
            if u {
                PayloadFormat::Utf8
            } else {
                PayloadFormat::Unspecified
            }
        }),
        message_expiry_interval: p.message_expiry_interval,
        content_type: p.content_type.map(Cow::Owned),
        response_topic: p.response_topic.map(Cow::Owned),
        correlation_data: p.correlation_data.map(Cow::Owned),
        subscription_identifiers: p.subscription_identifiers,
        session_expiry_interval: p.session_expiry_interval,
        assigned_client_identifier: p.assigned_client_identifier.map(Cow::Owned),
        server_keep_alive: p.server_keep_alive,
        authentication_method: p.authentication_method.map(Cow::Owned),
        authentication_data: p.authentication_data.map(Cow::Owned),
        request_problem_information: p.request_problem_information,
        will_delay_interval: p.will_delay_interval,
        request_response_information: p.request_response_information,
        response_information: p.response_information.map(Cow::Owned),
        server_reference: p.server_reference.map(Cow::Owned),
        reason_string: p.reason_string.map(Cow::Owned),
        receive_maximum: p.receive_maximum,
        topic_alias_maximum: p.topic_alias_maximum,
        topic_alias: p.topic_alias,
        // 3 is not a QoS; 2 is one, but not a valid Maximum QoS: the encoder must refuse it.
        maximum_qos: p.maximum_qos.map(qos),
        retain_available: p.retain_available,
        user_properties: p
            .user_properties
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
            .collect(),
        maximum_packet_size: p.maximum_packet_size,
        wildcard_subscription_available: p.wildcard_subscription_available,
        subscription_identifier_available: p.subscription_identifier_available,
        shared_subscription_available: p.shared_subscription_available,
    }
}

fn options(b: u8) -> SubscriptionOptions {
    SubscriptionOptions {
        qos: qos(b),
        no_local: b & 0x04 != 0,
        retain_as_published: b & 0x08 != 0,
        retain_handling: match (b >> 4) % 3 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNewSubscription,
            _ => RetainHandling::DoNotSend,
        },
    }
}

fn build(p: PacketIn) -> Packet<'static> {
    match p {
        PacketIn::Connect {
            level,
            clean_start,
            keep_alive,
            props: pr,
            client_id,
            will,
            username,
            password,
        } => Packet::Connect(Box::new(Connect {
            protocol: version(level),
            clean_start,
            keep_alive,
            properties: props(pr),
            client_id: Cow::Owned(client_id),
            will: will.map(|w| Will {
                properties: props(w.props),
                topic: Cow::Owned(w.topic),
                payload: Cow::Owned(w.payload),
                qos: qos(w.qos),
                retain: w.retain,
            }),
            username: username.map(Cow::Owned),
            password: password.map(Cow::Owned),
        })),
        PacketIn::ConnAck {
            session_present,
            code: c,
            props: pr,
        } => Packet::ConnAck(ConnAck {
            session_present,
            reason_code: code(c),
            properties: props(pr),
        }),
        PacketIn::Publish {
            dup,
            qos: q,
            pid: p,
            retain,
            topic,
            props: pr,
            payload,
        } => Packet::Publish(Publish {
            dup,
            qos_pid: match qos(q) {
                QoS::AtMostOnce => QosPid::AtMostOnce,
                QoS::AtLeastOnce => QosPid::AtLeastOnce(pid(p)),
                QoS::ExactlyOnce => QosPid::ExactlyOnce(pid(p)),
            },
            retain,
            topic: Cow::Owned(topic),
            properties: props(pr),
            payload: Cow::Owned(payload),
        }),
        PacketIn::Ack {
            kind,
            pid: p,
            code: c,
            props: pr,
        } => {
            let ack = Ack {
                pid: pid(p),
                reason_code: code(c),
                properties: props(pr),
            };
            match kind % 4 {
                0 => Packet::PubAck(ack),
                1 => Packet::PubRec(ack),
                2 => Packet::PubRel(ack),
                _ => Packet::PubComp(ack),
            }
        }
        PacketIn::Subscribe {
            pid: p,
            props: pr,
            filters,
        } => Packet::Subscribe(Subscribe {
            pid: pid(p),
            properties: props(pr),
            filters: filters
                .into_iter()
                .map(|(f, o)| SubscribeFilter {
                    filter: Cow::Owned(f),
                    options: options(o),
                })
                .collect(),
        }),
        PacketIn::SubAck {
            pid: p,
            props: pr,
            codes,
        } => Packet::SubAck(SubAck {
            pid: pid(p),
            properties: props(pr),
            reason_codes: codes.into_iter().map(code).collect(),
        }),
        PacketIn::Unsubscribe {
            pid: p,
            props: pr,
            filters,
        } => Packet::Unsubscribe(Unsubscribe {
            pid: pid(p),
            properties: props(pr),
            filters: filters.into_iter().map(Cow::Owned).collect(),
        }),
        PacketIn::UnsubAck {
            pid: p,
            props: pr,
            codes,
        } => Packet::UnsubAck(UnsubAck {
            pid: pid(p),
            properties: props(pr),
            reason_codes: codes.into_iter().map(code).collect(),
        }),
        PacketIn::PingReq => Packet::PingReq,
        PacketIn::PingResp => Packet::PingResp,
        PacketIn::Disconnect { code: c, props: pr } => Packet::Disconnect(Disconnect {
            reason_code: code(c),
            properties: props(pr),
        }),
        PacketIn::Auth { code: c, props: pr } => Packet::Auth(Auth {
            reason_code: code(c),
            properties: props(pr),
        }),
    }
}

fuzz_target!(|input: Input| {
    let v = version(input.version);
    let packet = build(input.packet);
    let measured = packet.encoded_len(v);
    let mut buf = Vec::new();
    let written = packet.encode_to_vec(v, &mut buf);
    match (measured, written) {
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "encoded_len and encode disagree on {packet:?}");
            assert!(buf.is_empty(), "encode_to_vec left bytes after an error");
        }
        (Ok(len), Ok(n)) => {
            assert_eq!(len, n);
            assert_eq!(buf.len(), n);
            let decoded = Packet::decode(&buf, v);
            assert_eq!(decoded, Ok(Some((packet.clone(), n))), "encoded {buf:02x?}");
            // One byte short must be refused, without panicking.
            let mut short = vec![0u8; n - 1];
            assert!(matches!(
                packet.encode(v, &mut short),
                Err(Error::BufferTooSmall { .. })
            ));
        }
        (a, b) => panic!("encoded_len {a:?} but encode_to_vec {b:?} for {packet:?}"),
    }
});
