//! Property tests of the MQTT codec: strategies that build arbitrary *valid* packets of every
//! type for MQTT 3.1, 3.1.1 and 5.0, and the laws the codec must keep on them and on
//! arbitrary or mutated bytes:
//!
//! - encode then decode is the identity, and `encoded_len` is the number of bytes written;
//! - no input makes `Packet::decode` or the `Framer` panic;
//! - the `Framer` yields the same packets and errors however a stream is cut into pushes;
//! - a mutated encoding, when it decodes, re-encodes to bytes that decode to the same packet.
//!
//! Each block runs 256 cases by default; set `PROPTEST_CASES` for a longer run, e.g.
//! `PROPTEST_CASES=20000 cargo test --release --test codec_properties`.
#![cfg(not(target_arch = "wasm32"))]

use std::borrow::Cow;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::FileFailurePersistence;
use wasmqtt::codec::{
    Ack, Auth, ConnAck, Connect, Disconnect, Error, FixedHeader, Framer, Packet, PacketType,
    PayloadFormat, Pid, Properties, PropertyContext, PropertyId, ProtocolVersion, Publish, QoS,
    QosPid, ReasonCode, RetainHandling, SubAck, Subscribe, SubscribeFilter, SubscriptionOptions,
    UnsubAck, Unsubscribe, Will, MAX_PACKET_SIZE, MAX_VAR_INT,
};

type Owned = Packet<'static>;

const ALL_VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V3_1,
    ProtocolVersion::V3_1_1,
    ProtocolVersion::V5,
];

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        max_shrink_iters: 4096,
        // tests/codec_properties.proptest-regressions: commit it if a failure is recorded.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// ------------------------------------------------------------------------------------------
// The property table of MQTT 5.0 (table 2-4 of section 2.2.2.2), written out independently
// of the codec: the strategies use it, and one test checks `PropertyId::allowed_in` against it.
// ------------------------------------------------------------------------------------------

use PacketType as T;

/// Every place a property list appears.
const CONTEXTS: [PropertyContext; 14] = [
    PropertyContext::Will,
    PropertyContext::Packet(T::Connect),
    PropertyContext::Packet(T::ConnAck),
    PropertyContext::Packet(T::Publish),
    PropertyContext::Packet(T::PubAck),
    PropertyContext::Packet(T::PubRec),
    PropertyContext::Packet(T::PubRel),
    PropertyContext::Packet(T::PubComp),
    PropertyContext::Packet(T::Subscribe),
    PropertyContext::Packet(T::SubAck),
    PropertyContext::Packet(T::Unsubscribe),
    PropertyContext::Packet(T::UnsubAck),
    PropertyContext::Packet(T::Disconnect),
    PropertyContext::Packet(T::Auth),
];

/// (identifier, packets, will) for the 27 properties, as the specification lists them.
const SPEC_TABLE: [(u8, &[PacketType], bool); 27] = [
    (0x01, &[T::Publish], true),
    (0x02, &[T::Publish], true),
    (0x03, &[T::Publish], true),
    (0x08, &[T::Publish], true),
    (0x09, &[T::Publish], true),
    (0x0B, &[T::Publish, T::Subscribe], false),
    (0x11, &[T::Connect, T::ConnAck, T::Disconnect], false),
    (0x12, &[T::ConnAck], false),
    (0x13, &[T::ConnAck], false),
    (0x15, &[T::Connect, T::ConnAck, T::Auth], false),
    (0x16, &[T::Connect, T::ConnAck, T::Auth], false),
    (0x17, &[T::Connect], false),
    (0x18, &[], true),
    (0x19, &[T::Connect], false),
    (0x1A, &[T::ConnAck], false),
    (0x1C, &[T::ConnAck, T::Disconnect], false),
    (
        0x1F,
        &[
            T::ConnAck,
            T::PubAck,
            T::PubRec,
            T::PubRel,
            T::PubComp,
            T::SubAck,
            T::UnsubAck,
            T::Disconnect,
            T::Auth,
        ],
        false,
    ),
    (0x21, &[T::Connect, T::ConnAck], false),
    (0x22, &[T::Connect, T::ConnAck], false),
    (0x23, &[T::Publish], false),
    (0x24, &[T::ConnAck], false),
    (0x25, &[T::ConnAck], false),
    (
        0x26,
        &[
            T::Connect,
            T::ConnAck,
            T::Publish,
            T::PubAck,
            T::PubRec,
            T::PubRel,
            T::PubComp,
            T::Subscribe,
            T::SubAck,
            T::Unsubscribe,
            T::UnsubAck,
            T::Disconnect,
            T::Auth,
        ],
        true,
    ),
    (0x27, &[T::Connect, T::ConnAck], false),
    (0x28, &[T::ConnAck], false),
    (0x29, &[T::ConnAck], false),
    (0x2A, &[T::ConnAck], false),
];

fn spec_allows(id: u8, ctx: PropertyContext) -> bool {
    let (_, packets, will) = SPEC_TABLE
        .iter()
        .find(|(i, _, _)| *i == id)
        .expect("a property of the table");
    match ctx {
        PropertyContext::Will => *will,
        PropertyContext::Packet(t) => packets.contains(&t),
    }
}

#[test]
fn allowed_in_matches_the_specification_table() {
    let mut known = 0;
    for raw in 0..=u8::MAX {
        let Some(id) = PropertyId::from_u8(raw) else {
            assert!(
                SPEC_TABLE.iter().all(|(i, _, _)| *i != raw),
                "{raw:#04x} missing"
            );
            continue;
        };
        known += 1;
        assert_eq!(id as u8, raw);
        for ctx in CONTEXTS {
            assert_eq!(
                id.allowed_in(ctx),
                spec_allows(raw, ctx),
                "{} in {}",
                id.name(),
                ctx.name()
            );
        }
    }
    assert_eq!(known, 27);
}

// ------------------------------------------------------------------------------------------
// Strategies
// ------------------------------------------------------------------------------------------

fn any_version() -> impl Strategy<Value = ProtocolVersion> {
    select(ALL_VERSIONS.to_vec())
}

/// A character of a UTF-8 string field: mostly ASCII letters, sometimes any scalar value
/// but U+0000 (multi-byte sequences, controls, noncharacters).
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('0', '9'),
        2 => any::<char>().prop_filter("no U+0000", |c| *c != '\0'),
    ]
}

fn text_of(len: std::ops::Range<usize>) -> impl Strategy<Value = Cow<'static, str>> {
    vec(text_char(), len).prop_map(|cs| Cow::Owned(cs.into_iter().collect()))
}

fn text() -> impl Strategy<Value = Cow<'static, str>> {
    text_of(0..10)
}

fn bytes_of(len: std::ops::Range<usize>) -> impl Strategy<Value = Cow<'static, [u8]>> {
    vec(any::<u8>(), len).prop_map(Cow::Owned)
}

/// A topic level of a name: no `/`, `+`, `#` or U+0000; may be empty.
fn name_level() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(text_char().prop_filter("no separator or wildcard", |c| !"/+#".contains(*c)), 0..6)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
        1 => Just("$SYS".to_owned()),
    ]
}

/// A valid topic name: at least one character, no wildcard.
fn topic_name() -> impl Strategy<Value = Cow<'static, str>> {
    vec(name_level(), 1..5)
        .prop_map(|levels| levels.join("/"))
        .prop_filter("a topic name is not empty", |t| !t.is_empty())
        .prop_map(Cow::Owned)
}

/// A valid topic filter: `+` alone in its levels, `#` alone in the last, sometimes shared.
fn topic_filter() -> impl Strategy<Value = Cow<'static, str>> {
    let level = prop_oneof![6 => name_level(), 2 => Just("+".to_owned())];
    let plain = (vec(level, 1..5), any::<bool>())
        .prop_map(|(mut levels, multi)| {
            if multi {
                levels.push("#".to_owned());
            }
            levels.join("/")
        })
        .prop_filter("not empty, not an accidental $share/", |f| {
            !f.is_empty() && !f.starts_with("$share/")
        });
    let share_name = vec(
        text_char().prop_filter("ShareName chars", |c| !"/+#".contains(*c)),
        1..6,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>());
    prop_oneof![
        5 => plain.clone().prop_map(Cow::Owned),
        1 => (share_name, plain).prop_map(|(s, f)| Cow::Owned(format!("$share/{s}/{f}"))),
    ]
}

fn pid() -> impl Strategy<Value = Pid> {
    prop_oneof![
        Just(Pid::MIN),
        Just(Pid::new(u16::MAX).unwrap()),
        (1..=u16::MAX).prop_map(|v| Pid::new(v).unwrap()),
    ]
}

fn qos() -> impl Strategy<Value = QoS> {
    select(vec![QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce])
}

/// A Subscription Identifier, 1 to 268,435,455, often at a variable-byte-integer boundary.
fn subscription_id() -> impl Strategy<Value = u32> {
    prop_oneof![
        select(vec![
            1,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            MAX_VAR_INT
        ]),
        1..=MAX_VAR_INT,
    ]
}

fn user_properties() -> impl Strategy<Value = Vec<(Cow<'static, str>, Cow<'static, str>)>> {
    prop_oneof![
        2 => Just(Vec::new()),
        1 => vec((text(), text()), 1..4),
    ]
}

/// Any values, in range, for all 27 properties; [`restrict`] keeps those a context allows.
fn any_properties() -> impl Strategy<Value = Properties<'static>> {
    const W: f64 = 0.3;
    let a = (
        option::weighted(
            W,
            select(vec![PayloadFormat::Unspecified, PayloadFormat::Utf8]),
        ),
        option::weighted(W, any::<u32>()),
        option::weighted(W, text()),
        option::weighted(W, topic_name()),
        option::weighted(W, bytes_of(0..12)),
        prop_oneof![3 => Just(Vec::new()), 1 => vec(subscription_id(), 1..4)],
        option::weighted(W, any::<u32>()),
        option::weighted(W, text()),
        option::weighted(W, any::<u16>()),
        option::weighted(W, text()),
        option::weighted(W, bytes_of(0..12)),
        option::weighted(W, any::<bool>()),
    );
    let b = (
        option::weighted(W, any::<u32>()),
        option::weighted(W, any::<bool>()),
        option::weighted(W, text()),
        option::weighted(W, text()),
        option::weighted(W, text()),
        option::weighted(W, 1..=u16::MAX),
        option::weighted(W, any::<u16>()),
        option::weighted(W, 1..=u16::MAX),
        option::weighted(W, select(vec![QoS::AtMostOnce, QoS::AtLeastOnce])),
        option::weighted(W, any::<bool>()),
        user_properties(),
        option::weighted(W, 1..=u32::MAX),
    );
    let c = (
        option::weighted(W, any::<bool>()),
        option::weighted(W, any::<bool>()),
        option::weighted(W, any::<bool>()),
    );
    (a, b, c).prop_map(|(a, b, c)| Properties {
        payload_format_indicator: a.0,
        message_expiry_interval: a.1,
        content_type: a.2,
        response_topic: a.3,
        correlation_data: a.4,
        subscription_identifiers: a.5,
        session_expiry_interval: a.6,
        assigned_client_identifier: a.7,
        server_keep_alive: a.8,
        authentication_method: a.9,
        authentication_data: a.10,
        request_problem_information: a.11,
        will_delay_interval: b.0,
        request_response_information: b.1,
        response_information: b.2,
        server_reference: b.3,
        reason_string: b.4,
        receive_maximum: b.5,
        topic_alias_maximum: b.6,
        topic_alias: b.7,
        maximum_qos: b.8,
        retain_available: b.9,
        user_properties: b.10,
        maximum_packet_size: b.11,
        wildcard_subscription_available: c.0,
        subscription_identifier_available: c.1,
        shared_subscription_available: c.2,
    })
}

/// Drops every property the specification does not allow in `ctx`, and all but one
/// Subscription Identifier in SUBSCRIBE.
fn restrict(mut p: Properties<'static>, ctx: PropertyContext) -> Properties<'static> {
    fn keep<V>(field: &mut Option<V>, id: u8, ctx: PropertyContext) {
        if !spec_allows(id, ctx) {
            *field = None;
        }
    }
    keep(&mut p.payload_format_indicator, 0x01, ctx);
    keep(&mut p.message_expiry_interval, 0x02, ctx);
    keep(&mut p.content_type, 0x03, ctx);
    keep(&mut p.response_topic, 0x08, ctx);
    keep(&mut p.correlation_data, 0x09, ctx);
    if !spec_allows(0x0B, ctx) {
        p.subscription_identifiers.clear();
    }
    if ctx == PropertyContext::Packet(T::Subscribe) {
        p.subscription_identifiers.truncate(1);
    }
    keep(&mut p.session_expiry_interval, 0x11, ctx);
    keep(&mut p.assigned_client_identifier, 0x12, ctx);
    keep(&mut p.server_keep_alive, 0x13, ctx);
    keep(&mut p.authentication_method, 0x15, ctx);
    keep(&mut p.authentication_data, 0x16, ctx);
    keep(&mut p.request_problem_information, 0x17, ctx);
    keep(&mut p.will_delay_interval, 0x18, ctx);
    keep(&mut p.request_response_information, 0x19, ctx);
    keep(&mut p.response_information, 0x1A, ctx);
    keep(&mut p.server_reference, 0x1C, ctx);
    keep(&mut p.reason_string, 0x1F, ctx);
    keep(&mut p.receive_maximum, 0x21, ctx);
    keep(&mut p.topic_alias_maximum, 0x22, ctx);
    keep(&mut p.topic_alias, 0x23, ctx);
    keep(&mut p.maximum_qos, 0x24, ctx);
    keep(&mut p.retain_available, 0x25, ctx);
    if !spec_allows(0x26, ctx) {
        p.user_properties.clear();
    }
    keep(&mut p.maximum_packet_size, 0x27, ctx);
    keep(&mut p.wildcard_subscription_available, 0x28, ctx);
    keep(&mut p.subscription_identifier_available, 0x29, ctx);
    keep(&mut p.shared_subscription_available, 0x2A, ctx);
    p
}

/// Properties valid in `ctx` for `v`: none before MQTT 5.
fn properties(ctx: PropertyContext, v: ProtocolVersion) -> BoxedStrategy<Properties<'static>> {
    if v.is_v5() {
        any_properties().prop_map(move |p| restrict(p, ctx)).boxed()
    } else {
        Just(Properties::default()).boxed()
    }
}

/// Every reason code MQTT 5 allows in `packet`.
fn reason_codes_for(packet: PacketType) -> Vec<ReasonCode> {
    (0..=u8::MAX)
        .filter_map(ReasonCode::from_u8)
        .filter(|rc| rc.allowed_in(packet))
        .collect()
}

/// A reason code valid in `packet` under `v` (before MQTT 5 only Success, except CONNACK).
fn reason_code(packet: PacketType, v: ProtocolVersion) -> BoxedStrategy<ReasonCode> {
    if v.is_v5() {
        select(reason_codes_for(packet)).boxed()
    } else if packet == T::ConnAck {
        // The six return codes of 3.1 / 3.1.1, as the codec maps them.
        select(vec![
            ReasonCode::Success,
            ReasonCode::UnsupportedProtocolVersion,
            ReasonCode::ClientIdentifierNotValid,
            ReasonCode::ServerUnavailable,
            ReasonCode::BadUserNameOrPassword,
            ReasonCode::NotAuthorized,
        ])
        .boxed()
    } else {
        Just(ReasonCode::Success).boxed()
    }
}

/// A PUBLISH payload: mostly small, sometimes long enough for 2- and 3-byte remaining lengths.
fn payload() -> impl Strategy<Value = Cow<'static, [u8]>> {
    prop_oneof![
        8 => bytes_of(0..48),
        2 => bytes_of(100..300),
        1 => (16_370usize..16_400, any::<u8>()).prop_map(|(n, seed)| {
            Cow::Owned((0..n).map(|i| seed.wrapping_add(i as u8)).collect())
        }),
    ]
}

fn connect(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    let will = option::of((
        properties(PropertyContext::Will, v),
        topic_name(),
        bytes_of(0..24),
        qos(),
        any::<bool>(),
    ));
    (
        any::<bool>(),
        any::<u16>(),
        properties(PropertyContext::Packet(T::Connect), v),
        text_of(0..24),
        will,
        option::of(text()),
        option::of(bytes_of(0..16)),
    )
        .prop_map(
            move |(clean_start, keep_alive, properties, client_id, will, username, password)| {
                // Before MQTT 5 a password needs a user name (3.1.1 section 3.1.2.9).
                let password = if v.is_v5() || username.is_some() {
                    password
                } else {
                    None
                };
                Packet::Connect(Box::new(Connect {
                    protocol: v,
                    clean_start,
                    keep_alive,
                    properties,
                    client_id,
                    will: will.map(|(properties, topic, payload, qos, retain)| Will {
                        properties,
                        topic,
                        payload,
                        qos,
                        retain,
                    }),
                    username,
                    password,
                }))
            },
        )
}

fn connack(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    (
        any::<bool>(),
        reason_code(T::ConnAck, v),
        properties(PropertyContext::Packet(T::ConnAck), v),
    )
        .prop_map(|(sp, reason_code, properties)| {
            Packet::ConnAck(ConnAck {
                // Session Present only with Success [MQTT-3.2.2-6].
                session_present: sp && reason_code == ReasonCode::Success,
                reason_code,
                properties,
            })
        })
}

fn publish(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    let qos_pid = prop_oneof![
        Just(QosPid::AtMostOnce),
        pid().prop_map(QosPid::AtLeastOnce),
        pid().prop_map(QosPid::ExactlyOnce),
    ];
    (
        any::<bool>(),
        qos_pid,
        any::<bool>(),
        topic_name(),
        any::<bool>(),
        properties(PropertyContext::Packet(T::Publish), v),
        payload(),
    )
        .prop_map(
            |(dup, qos_pid, retain, topic, empty_topic, properties, payload)| {
                // An empty topic name only stands with a topic alias (MQTT 5).
                let topic = if empty_topic && properties.topic_alias.is_some() {
                    Cow::Borrowed("")
                } else {
                    topic
                };
                Packet::Publish(Publish {
                    // No DUP on QoS 0 [MQTT-3.3.1-2].
                    dup: dup && qos_pid != QosPid::AtMostOnce,
                    qos_pid,
                    retain,
                    topic,
                    properties,
                    payload,
                })
            },
        )
}

fn ack(t: PacketType, v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    (
        pid(),
        reason_code(t, v),
        properties(PropertyContext::Packet(t), v),
    )
        .prop_map(move |(pid, reason_code, properties)| {
            let ack = Ack {
                pid,
                reason_code,
                properties,
            };
            match t {
                T::PubAck => Packet::PubAck(ack),
                T::PubRec => Packet::PubRec(ack),
                T::PubRel => Packet::PubRel(ack),
                _ => Packet::PubComp(ack),
            }
        })
}

fn subscription_options(v: ProtocolVersion) -> BoxedStrategy<SubscriptionOptions> {
    if v.is_v5() {
        (
            qos(),
            any::<bool>(),
            any::<bool>(),
            select(vec![
                RetainHandling::SendAtSubscribe,
                RetainHandling::SendIfNewSubscription,
                RetainHandling::DoNotSend,
            ]),
        )
            .prop_map(
                |(qos, no_local, retain_as_published, retain_handling)| SubscriptionOptions {
                    qos,
                    no_local,
                    retain_as_published,
                    retain_handling,
                },
            )
            .boxed()
    } else {
        qos().prop_map(SubscriptionOptions::qos).boxed()
    }
}

fn subscribe(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    let filter = (topic_filter(), subscription_options(v)).prop_map(|(filter, mut options)| {
        // No Local is not allowed on a shared subscription [MQTT-3.8.3-4].
        if filter.starts_with("$share/") {
            options.no_local = false;
        }
        SubscribeFilter { filter, options }
    });
    (
        pid(),
        properties(PropertyContext::Packet(T::Subscribe), v),
        vec(filter, 1..5),
    )
        .prop_map(|(pid, properties, filters)| {
            Packet::Subscribe(Subscribe {
                pid,
                properties,
                filters,
            })
        })
}

fn suback(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    let code = if v.is_v5() {
        select(reason_codes_for(T::SubAck)).boxed()
    } else {
        select(vec![
            ReasonCode::Success,
            ReasonCode::GrantedQoS1,
            ReasonCode::GrantedQoS2,
            ReasonCode::UnspecifiedError,
        ])
        .boxed()
    };
    (
        pid(),
        properties(PropertyContext::Packet(T::SubAck), v),
        vec(code, 1..6),
    )
        .prop_map(|(pid, properties, reason_codes)| {
            Packet::SubAck(SubAck {
                pid,
                properties,
                reason_codes,
            })
        })
}

fn unsubscribe(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    (
        pid(),
        properties(PropertyContext::Packet(T::Unsubscribe), v),
        vec(topic_filter(), 1..5),
    )
        .prop_map(|(pid, properties, filters)| {
            Packet::Unsubscribe(Unsubscribe {
                pid,
                properties,
                filters,
            })
        })
}

fn unsuback(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    // MQTT 5: one reason code per filter; 3.1.1: none at all.
    let codes = if v.is_v5() {
        vec(select(reason_codes_for(T::UnsubAck)), 1..6).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (
        pid(),
        properties(PropertyContext::Packet(T::UnsubAck), v),
        codes,
    )
        .prop_map(|(pid, properties, reason_codes)| {
            Packet::UnsubAck(UnsubAck {
                pid,
                properties,
                reason_codes,
            })
        })
}

fn disconnect(v: ProtocolVersion) -> impl Strategy<Value = Owned> {
    (
        reason_code(T::Disconnect, v),
        properties(PropertyContext::Packet(T::Disconnect), v),
    )
        .prop_map(|(reason_code, properties)| {
            Packet::Disconnect(Disconnect {
                reason_code,
                properties,
            })
        })
}

fn auth() -> impl Strategy<Value = Owned> {
    (
        reason_code(T::Auth, ProtocolVersion::V5),
        properties(PropertyContext::Packet(T::Auth), ProtocolVersion::V5),
    )
        .prop_map(|(reason_code, properties)| {
            Packet::Auth(Auth {
                reason_code,
                properties,
            })
        })
}

/// Any valid packet of `v` (AUTH only in MQTT 5).
fn packet(v: ProtocolVersion) -> BoxedStrategy<Owned> {
    let common = prop_oneof![
        1 => connect(v),
        1 => connack(v),
        3 => publish(v),
        1 => ack(T::PubAck, v),
        1 => ack(T::PubRec, v),
        1 => ack(T::PubRel, v),
        1 => ack(T::PubComp, v),
        1 => subscribe(v),
        1 => suback(v),
        1 => unsubscribe(v),
        1 => unsuback(v),
        1 => Just(Packet::PingReq),
        1 => Just(Packet::PingResp),
        1 => disconnect(v),
    ];
    if v.is_v5() {
        prop_oneof![14 => common, 1 => auth()].boxed()
    } else {
        common.boxed()
    }
}

fn versioned_packet() -> impl Strategy<Value = (ProtocolVersion, Owned)> {
    any_version().prop_flat_map(|v| (Just(v), packet(v)))
}

fn encode(p: &Packet<'_>, v: ProtocolVersion) -> Vec<u8> {
    let mut out = Vec::new();
    p.encode_to_vec(v, &mut out)
        .unwrap_or_else(|e| panic!("{p:?} does not encode in {v}: {e}"));
    out
}

// ------------------------------------------------------------------------------------------
// Framer driver
// ------------------------------------------------------------------------------------------

/// What a framer makes of a stream pushed in `chunks`: every packet or body error in order,
/// the framing error if one stopped it, and the bytes it still holds at the end.
#[derive(Debug, PartialEq)]
struct Framed {
    packets: Vec<Result<Owned, Error>>,
    error: Option<Error>,
    buffered: usize,
}

fn frame<'c>(
    version: ProtocolVersion,
    max: u32,
    chunks: impl IntoIterator<Item = &'c [u8]>,
) -> Framed {
    let mut framer = Framer::new(version, max);
    let mut packets = Vec::new();
    let mut error: Option<Error> = None;
    for chunk in chunks {
        match &error {
            // Once failed, every push is refused with the same error.
            Some(e) => assert_eq!(framer.push(chunk).as_ref(), Err(e)),
            None => {
                if let Err(e) = framer.push(chunk) {
                    assert_eq!(framer.error(), Some(&e));
                    error = Some(e);
                }
            }
        }
        while let Some(r) = framer.next_packet() {
            packets.push(r.map(Packet::into_owned));
        }
    }
    assert!(framer.next_packet().is_none());
    Framed {
        packets,
        error,
        buffered: framer.buffered(),
    }
}

/// Cuts `stream` at the given points (any order, duplicates allowed).
fn split<'s>(stream: &'s [u8], cuts: &[Index]) -> Vec<&'s [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
    at.push(0);
    at.push(stream.len());
    at.sort_unstable();
    at.windows(2).map(|w| &stream[w[0]..w[1]]).collect()
}

/// `body` under a fixed header of first byte `first` and the right remaining length.
fn with_header(first: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![first];
    let mut n = body.len();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            bytes.push(b);
            break;
        }
        bytes.push(b | 0x80);
    }
    bytes.extend_from_slice(body);
    bytes
}

// ------------------------------------------------------------------------------------------
// Mutations
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Set(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Truncate(Index),
}

/// A byte to write: any, or often one the codec treats specially (wildcards, separator,
/// U+0000, UTF-8 lead and continuation bytes, variable-byte-integer edges, reason codes).
fn mutant_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        2 => any::<u8>(),
        1 => select(vec![
            0x00, 0x01, 0x02, 0x03, b'+', b'#', b'/', b'$', 0x7F, 0x80, 0x81, 0xBF, 0xC0, 0xC3,
            0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFF, 0x0B, 0x23, 0x26, 0x29,
        ]),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        3 => (any::<Index>(), mutant_byte()).prop_map(|(i, b)| Mutation::Set(i, b)),
        2 => (any::<Index>(), mutant_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => any::<Index>().prop_map(Mutation::Delete),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    match *m {
        Mutation::Insert(ref i, b) => bytes.insert(i.index(len + 1), b),
        _ if len == 0 => {}
        Mutation::Flip(ref i, bit) => bytes[i.index(len)] ^= 1 << bit,
        Mutation::Set(ref i, b) => bytes[i.index(len)] = b,
        Mutation::Delete(ref i) => {
            bytes.remove(i.index(len));
        }
        Mutation::Truncate(ref i) => bytes.truncate(i.index(len)),
    }
}

/// Decodes `bytes` in `v`; when a packet comes out, it must re-encode to `len` bytes that
/// decode to the same packet. Returns whether a packet came out.
fn check_decode_reencode(bytes: &[u8], v: ProtocolVersion) -> Result<bool, TestCaseError> {
    let Ok(Some((p, n))) = Packet::decode(bytes, v) else {
        return Ok(false);
    };
    prop_assert!(n <= bytes.len());
    let again = match p.encoded_len(v) {
        Ok(len) => {
            let mut buf = vec![0u8; len];
            let written = p.encode(v, &mut buf);
            prop_assert_eq!(written, Ok(len), "encode of {:?}", p);
            buf
        }
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "decoded {p:?} from {:02x?} in {v} but it does not re-encode: {e}",
                &bytes[..n]
            )))
        }
    };
    let decoded = Packet::decode(&again, v);
    prop_assert_eq!(
        decoded,
        Ok(Some((p.clone(), again.len()))),
        "re-encoded {:02x?}",
        again
    );
    Ok(true)
}

// ------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// encode → decode is the identity, `encoded_len` is what `encode` writes, every strict
    /// prefix asks for more bytes, bytes after the packet are left alone, and a buffer one
    /// byte short is refused.
    #[test]
    fn encode_decode_roundtrip((v, p) in versioned_packet()) {
        let len = p.encoded_len(v).map_err(|e| TestCaseError::fail(format!("{p:?}: {e}")))?;
        let mut buf = vec![0u8; len];
        prop_assert_eq!(p.encode(v, &mut buf), Ok(len));

        let mut appended = vec![0xEE];
        prop_assert_eq!(p.encode_to_vec(v, &mut appended), Ok(len));
        prop_assert_eq!(&appended[1..], &buf[..]);

        let decoded = Packet::decode(&buf, v);
        prop_assert_eq!(&decoded, &Ok(Some((p.clone(), len))));
        let (decoded, _) = decoded.unwrap().unwrap();
        prop_assert_eq!(decoded.into_owned(), p.clone());

        // The fixed header announces exactly the rest.
        let header = FixedHeader::parse(&buf).unwrap().unwrap();
        prop_assert_eq!(header.packet_len(), len);
        prop_assert_eq!(header.packet_type, p.packet_type());

        let mut longer = buf.clone();
        longer.extend_from_slice(&[0x30, 0x00, 0xFF]);
        prop_assert_eq!(Packet::decode(&longer, v), Ok(Some((p.clone(), len))));

        // Every strict prefix (the first 64 and the last 8 for long packets) is incomplete.
        for cut in (0..len.min(64)).chain(len.saturating_sub(8)..len) {
            prop_assert_eq!(Packet::decode(&buf[..cut], v), Ok(None), "prefix of {}", cut);
        }

        let mut short = vec![0u8; len - 1];
        let too_small = p.encode(v, &mut short);
        prop_assert!(
            matches!(too_small, Err(Error::BufferTooSmall { .. })),
            "encode into {} bytes: {:?}", len - 1, too_small
        );
    }

    /// Arbitrary bytes never panic the decoder, in any version; a packet that comes out
    /// re-encodes to bytes that decode to it again.
    #[test]
    fn decode_arbitrary_bytes(bytes in vec(any::<u8>(), 0..64)) {
        for v in ALL_VERSIONS {
            check_decode_reencode(&bytes, v)?;
        }
    }

    /// Arbitrary bodies under a well-formed fixed header of any type and flags reach the body
    /// decoders far more often than random bytes do.
    #[test]
    fn decode_arbitrary_bodies(
        first in any::<u8>(),
        body in vec(any::<u8>(), 0..200),
    ) {
        let bytes = with_header(first, &body);
        for v in ALL_VERSIONS {
            check_decode_reencode(&bytes, v)?;
        }
    }

    /// Arbitrary bytes in arbitrary pushes never panic the framer.
    #[test]
    fn framer_arbitrary_bytes(
        v in any_version(),
        max in prop_oneof![Just(MAX_PACKET_SIZE), 0u32..300],
        chunks in vec(vec(any::<u8>(), 0..40), 0..6),
    ) {
        frame(v, max, chunks.iter().map(Vec::as_slice));
    }

    /// However a stream of valid packets (and maybe garbage after it) is cut into pushes,
    /// the framer yields the same packets and errors as when it is pushed whole.
    #[test]
    fn framer_is_split_invariant(
        (v, packets) in any_version().prop_flat_map(|v| (Just(v), vec(packet(v), 1..6))),
        tail in prop_oneof![3 => Just(Vec::new()), 1 => vec(any::<u8>(), 1..24)],
        max in prop_oneof![4 => Just(MAX_PACKET_SIZE), 1 => 2u32..200],
        cuts in vec(any::<Index>(), 0..10),
    ) {
        let mut stream = Vec::new();
        for p in &packets {
            stream.extend_from_slice(&encode(p, v));
        }
        stream.extend_from_slice(&tail);

        let whole = frame(v, max, [stream.as_slice()]);
        if tail.is_empty() && max == MAX_PACKET_SIZE {
            let expected: Vec<Result<Owned, Error>> = packets.iter().cloned().map(Ok).collect();
            prop_assert_eq!(&whole.packets, &expected);
            prop_assert_eq!(&whole.error, &None);
            prop_assert_eq!(whole.buffered, 0);
        }
        prop_assert_eq!(&frame(v, max, split(&stream, &cuts)), &whole, "random cuts");
        prop_assert_eq!(&frame(v, max, stream.chunks(1)), &whole, "one byte at a time");
        // Empty pushes change nothing.
        let with_empty = [&[][..], stream.as_slice(), &[][..]];
        prop_assert_eq!(&frame(v, max, with_empty), &whole, "empty pushes");
    }

    /// Mutated encodings of valid packets never panic the decoder or the framer, and what
    /// decodes re-encodes to bytes that decode to the same packet.
    #[test]
    fn mutated_encodings(
        (v, p) in versioned_packet(),
        mutations in vec(mutation(), 1..5),
    ) {
        let mut bytes = encode(&p, v);
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        for v in ALL_VERSIONS {
            check_decode_reencode(&bytes, v)?;
        }
        let whole = frame(v, MAX_PACKET_SIZE, [bytes.as_slice()]);
        prop_assert_eq!(&frame(v, MAX_PACKET_SIZE, bytes.chunks(3)), &whole);
    }

    /// The same with the mutations applied to the body alone, under a fixed header rebuilt
    /// to fit it: most mutants are then whole packets and reach the body decoders.
    #[test]
    fn mutated_bodies(
        (v, p) in versioned_packet(),
        mutations in vec(mutation(), 1..5),
        flags in prop_oneof![4 => Just(0u8), 1 => 0u8..16],
    ) {
        let encoded = encode(&p, v);
        let header = FixedHeader::parse(&encoded).unwrap().unwrap();
        let mut body = encoded[header.header_len..].to_vec();
        for m in &mutations {
            mutate(&mut body, m);
        }
        let bytes = with_header(encoded[0] ^ flags, &body);
        for v in ALL_VERSIONS {
            check_decode_reencode(&bytes, v)?;
        }
    }
}
