//! Helpers shared by the codec test suites: building frames by hand, and checking a packet
//! against its bytes in both directions.
#![allow(dead_code)]

use std::borrow::Cow;

use wasmqtt::codec::*;

pub const V3_1: ProtocolVersion = ProtocolVersion::V3_1;
pub const V4: ProtocolVersion = ProtocolVersion::V3_1_1;
pub const V5: ProtocolVersion = ProtocolVersion::V5;

/// Every version, oldest first.
pub const VERSIONS: [ProtocolVersion; 3] = [V3_1, V4, V5];

/// A non-zero packet identifier.
pub fn pid(n: u16) -> Pid {
    Pid::new(n).expect("test packet identifiers are non-zero")
}

/// A variable byte integer, written independently of the codec (section 1.5.5).
pub fn varint(mut n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            return out;
        }
    }
}

/// A whole packet: the first byte, the remaining length, then `body`.
pub fn frame(first_byte: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first_byte];
    out.extend(varint(u32::try_from(body.len()).unwrap()));
    out.extend_from_slice(body);
    out
}

/// A UTF-8 string or binary field: two-byte big-endian length, then the bytes.
pub fn lp(bytes: impl AsRef<[u8]>) -> Vec<u8> {
    let bytes = bytes.as_ref();
    let mut out = u16::try_from(bytes.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

/// A property list: its variable byte integer length, then the raw properties.
pub fn props(raw: &[u8]) -> Vec<u8> {
    let mut out = varint(u32::try_from(raw.len()).unwrap());
    out.extend_from_slice(raw);
    out
}

/// Concatenates byte groups.
pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A borrowed Cow string.
pub fn cs(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

/// A borrowed Cow byte slice.
pub fn cb(b: &[u8]) -> Cow<'_, [u8]> {
    Cow::Borrowed(b)
}

/// Decodes `bytes`, which must hold exactly one whole packet.
pub fn decode_whole(bytes: &[u8], version: ProtocolVersion) -> Result<Packet<'_>, Error> {
    match Packet::decode(bytes, version)? {
        Some((packet, len)) => {
            assert_eq!(
                len,
                bytes.len(),
                "decode consumed {len} of {} bytes",
                bytes.len()
            );
            Ok(packet)
        }
        None => panic!("decode asked for more bytes on a whole packet: {bytes:02x?}"),
    }
}

/// The error decoding `bytes` (a whole packet) must give.
pub fn decode_err(bytes: &[u8], version: ProtocolVersion) -> Error {
    match Packet::decode(bytes, version) {
        Err(e) => e,
        Ok(Some((p, _))) => panic!("decoded {p:?} from malformed {bytes:02x?}"),
        Ok(None) => panic!("decode asked for more bytes on {bytes:02x?}"),
    }
}

/// Encodes `packet` with every entry point and checks they agree; returns the bytes.
pub fn encode(packet: &Packet<'_>, version: ProtocolVersion) -> Vec<u8> {
    let len = packet
        .encoded_len(version)
        .unwrap_or_else(|e| panic!("encoded_len of {packet:?}: {e}"));
    let mut buf = vec![0xEE; len + 7];
    let written = packet
        .encode(version, &mut buf)
        .unwrap_or_else(|e| panic!("encode of {packet:?}: {e}"));
    assert_eq!(
        written, len,
        "encode wrote a different size than encoded_len"
    );
    assert!(
        buf[len..].iter().all(|&b| b == 0xEE),
        "encode wrote past its length"
    );
    buf.truncate(len);
    let mut v = vec![0xAB, 0xCD];
    let appended = packet.encode_to_vec(version, &mut v).unwrap();
    assert_eq!(appended, len);
    assert_eq!(
        &v[..2],
        &[0xAB, 0xCD],
        "encode_to_vec changed what was before"
    );
    assert_eq!(&v[2..], &buf[..], "encode_to_vec and encode differ");
    buf
}

/// The error every encode entry point must give for `packet`, checking that they agree and
/// that `encode_to_vec` leaves its vector as it was.
pub fn encode_err(packet: &Packet<'_>, version: ProtocolVersion) -> Error {
    let e1 = packet
        .encoded_len(version)
        .expect_err("encoded_len accepted an invalid packet");
    let mut buf = vec![0u8; 4096];
    let e2 = packet
        .encode(version, &mut buf)
        .expect_err("encode accepted an invalid packet");
    let mut v = vec![1, 2, 3];
    let e3 = packet
        .encode_to_vec(version, &mut v)
        .expect_err("encode_to_vec accepted an invalid packet");
    assert_eq!(v, [1, 2, 3], "encode_to_vec changed its vector on error");
    assert_eq!(e1, e2, "encoded_len and encode disagree");
    assert_eq!(e1, e3, "encoded_len and encode_to_vec disagree");
    e1
}

/// `bytes` decodes to `expected` and `expected` encodes to `bytes`.
pub fn assert_vector(bytes: &[u8], version: ProtocolVersion, expected: &Packet<'_>) {
    let decoded = decode_whole(bytes, version)
        .unwrap_or_else(|e| panic!("decoding {bytes:02x?} failed: {e:?}"));
    assert_eq!(&decoded, expected, "decoded packet differs");
    let encoded = encode(expected, version);
    assert_eq!(encoded, bytes, "encoded bytes differ");
}

/// `bytes` decodes to `expected` (a form the encoder does not produce, e.g. a longer one).
pub fn assert_decodes(bytes: &[u8], version: ProtocolVersion, expected: &Packet<'_>) {
    let decoded = decode_whole(bytes, version)
        .unwrap_or_else(|e| panic!("decoding {bytes:02x?} failed: {e:?}"));
    assert_eq!(&decoded, expected, "decoded packet differs");
}

/// Encode then decode gives the same packet; returns the bytes.
pub fn roundtrip(packet: &Packet<'_>, version: ProtocolVersion) -> Vec<u8> {
    let bytes = encode(packet, version);
    let decoded = decode_whole(&bytes, version)
        .unwrap_or_else(|e| panic!("decoding the encoding of {packet:?} failed: {e:?}"));
    assert_eq!(&decoded, packet, "roundtrip changed the packet");
    bytes
}

/// The 27 property identifiers, in identifier order.
pub const ALL_PROPERTY_IDS: [PropertyId; 27] = [
    PropertyId::PayloadFormatIndicator,
    PropertyId::MessageExpiryInterval,
    PropertyId::ContentType,
    PropertyId::ResponseTopic,
    PropertyId::CorrelationData,
    PropertyId::SubscriptionIdentifier,
    PropertyId::SessionExpiryInterval,
    PropertyId::AssignedClientIdentifier,
    PropertyId::ServerKeepAlive,
    PropertyId::AuthenticationMethod,
    PropertyId::AuthenticationData,
    PropertyId::RequestProblemInformation,
    PropertyId::WillDelayInterval,
    PropertyId::RequestResponseInformation,
    PropertyId::ResponseInformation,
    PropertyId::ServerReference,
    PropertyId::ReasonString,
    PropertyId::ReceiveMaximum,
    PropertyId::TopicAliasMaximum,
    PropertyId::TopicAlias,
    PropertyId::MaximumQoS,
    PropertyId::RetainAvailable,
    PropertyId::UserProperty,
    PropertyId::MaximumPacketSize,
    PropertyId::WildcardSubscriptionAvailable,
    PropertyId::SubscriptionIdentifierAvailable,
    PropertyId::SharedSubscriptionAvailable,
];

/// The 14 packet types that carry properties in MQTT 5, and the will properties.
pub const PROPERTY_CONTEXTS: [PropertyContext; 14] = [
    PropertyContext::Will,
    PropertyContext::Packet(PacketType::Connect),
    PropertyContext::Packet(PacketType::ConnAck),
    PropertyContext::Packet(PacketType::Publish),
    PropertyContext::Packet(PacketType::PubAck),
    PropertyContext::Packet(PacketType::PubRec),
    PropertyContext::Packet(PacketType::PubRel),
    PropertyContext::Packet(PacketType::PubComp),
    PropertyContext::Packet(PacketType::Subscribe),
    PropertyContext::Packet(PacketType::SubAck),
    PropertyContext::Packet(PacketType::Unsubscribe),
    PropertyContext::Packet(PacketType::UnsubAck),
    PropertyContext::Packet(PacketType::Disconnect),
    PropertyContext::Packet(PacketType::Auth),
];

/// One valid encoding of property `id` (identifier byte and value), by hand.
pub fn raw_property(id: PropertyId) -> Vec<u8> {
    use PropertyId as P;
    let value: Vec<u8> = match id {
        P::PayloadFormatIndicator
        | P::RequestProblemInformation
        | P::RequestResponseInformation
        | P::MaximumQoS
        | P::RetainAvailable
        | P::WildcardSubscriptionAvailable
        | P::SubscriptionIdentifierAvailable
        | P::SharedSubscriptionAvailable => vec![0x01],
        P::ServerKeepAlive | P::ReceiveMaximum | P::TopicAliasMaximum | P::TopicAlias => {
            vec![0x00, 0x05]
        }
        P::MessageExpiryInterval
        | P::SessionExpiryInterval
        | P::WillDelayInterval
        | P::MaximumPacketSize => vec![0x00, 0x00, 0x01, 0x00],
        P::SubscriptionIdentifier => vec![0x07],
        P::ContentType
        | P::ResponseTopic
        | P::AssignedClientIdentifier
        | P::AuthenticationMethod
        | P::ResponseInformation
        | P::ServerReference
        | P::ReasonString => lp("x/y"),
        P::CorrelationData | P::AuthenticationData => lp([0xDE, 0xAD]),
        P::UserProperty => cat(&[&lp("k"), &lp("v")]),
    };
    cat(&[&[id as u8], &value])
}

/// A minimal MQTT 5 packet of context `ctx` whose (only) property list holds `raw` (the
/// property list of a CONNECT's will, for [`PropertyContext::Will`]).
pub fn v5_packet_with_raw_props(ctx: PropertyContext, raw: &[u8]) -> Vec<u8> {
    let p = props(raw);
    let connect_head = |flags: u8| {
        cat(&[
            &lp("MQTT"),   // protocol name
            &[0x05],       // protocol level 5
            &[flags],      // connect flags
            &[0x00, 0x00], // keep alive 0
        ])
    };
    match ctx {
        PropertyContext::Will => frame(
            0x10,
            &cat(&[
                &connect_head(0x06), // clean start, will flag
                &[0x00],             // CONNECT property length 0
                &lp("c"),            // client identifier
                &p,                  // will properties
                &lp("w"),            // will topic
                &lp(b"x"),           // will payload
            ]),
        ),
        PropertyContext::Packet(t) => match t {
            PacketType::Connect => frame(0x10, &cat(&[&connect_head(0x02), &p, &lp("c")])),
            PacketType::ConnAck => frame(0x20, &cat(&[&[0x00, 0x00], &p])),
            // QoS 0 PUBLISH, topic "t", no payload
            PacketType::Publish => frame(0x30, &cat(&[&lp("t"), &p])),
            PacketType::PubAck => frame(0x40, &cat(&[&[0x00, 0x01, 0x00], &p])),
            PacketType::PubRec => frame(0x50, &cat(&[&[0x00, 0x01, 0x00], &p])),
            PacketType::PubRel => frame(0x62, &cat(&[&[0x00, 0x01, 0x00], &p])),
            PacketType::PubComp => frame(0x70, &cat(&[&[0x00, 0x01, 0x00], &p])),
            PacketType::Subscribe => frame(0x82, &cat(&[&[0x00, 0x01], &p, &lp("t"), &[0x00]])),
            PacketType::SubAck => frame(0x90, &cat(&[&[0x00, 0x01], &p, &[0x00]])),
            PacketType::Unsubscribe => frame(0xA2, &cat(&[&[0x00, 0x01], &p, &lp("t")])),
            PacketType::UnsubAck => frame(0xB0, &cat(&[&[0x00, 0x01], &p, &[0x00]])),
            PacketType::Disconnect => frame(0xE0, &cat(&[&[0x00], &p])),
            PacketType::Auth => frame(0xF0, &cat(&[&[0x00], &p])),
            PacketType::PingReq | PacketType::PingResp => {
                panic!("{t} has no properties")
            }
        },
    }
}

/// The properties of the packet `v5_packet_with_raw_props(ctx, ..)` decoded to.
pub fn properties_of<'a>(packet: &'a Packet<'a>, ctx: PropertyContext) -> &'a Properties<'a> {
    match (packet, ctx) {
        (Packet::Connect(c), PropertyContext::Will) => &c.will.as_ref().unwrap().properties,
        (Packet::Connect(c), _) => &c.properties,
        (Packet::ConnAck(p), _) => &p.properties,
        (Packet::Publish(p), _) => &p.properties,
        (Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p), _) => {
            &p.properties
        }
        (Packet::Subscribe(p), _) => &p.properties,
        (Packet::SubAck(p), _) => &p.properties,
        (Packet::Unsubscribe(p), _) => &p.properties,
        (Packet::UnsubAck(p), _) => &p.properties,
        (Packet::Disconnect(p), _) => &p.properties,
        (Packet::Auth(p), _) => &p.properties,
        (Packet::PingReq | Packet::PingResp, _) => panic!("no properties"),
    }
}

/// A context in which `id` is allowed (the first in [`PROPERTY_CONTEXTS`] order).
pub fn a_context_allowing(id: PropertyId) -> PropertyContext {
    PROPERTY_CONTEXTS
        .into_iter()
        .find(|&c| id.allowed_in(c))
        .expect("every property is allowed somewhere")
}

/// A context in which `id` is not allowed.
pub fn a_context_refusing(id: PropertyId) -> PropertyContext {
    PROPERTY_CONTEXTS
        .into_iter()
        .find(|&c| !id.allowed_in(c))
        .expect("User Property is the only one allowed everywhere")
}

/// Sets property `id` in `p` to a value far from the default (user properties and
/// subscription identifiers are appended).
pub fn set_property(p: &mut Properties<'static>, id: PropertyId) {
    use PropertyId as P;
    match id {
        P::PayloadFormatIndicator => p.payload_format_indicator = Some(PayloadFormat::Utf8),
        P::MessageExpiryInterval => p.message_expiry_interval = Some(u32::MAX),
        P::ContentType => p.content_type = Some("application/json; charset=utf-8".into()),
        P::ResponseTopic => p.response_topic = Some("reply/to/me".into()),
        P::CorrelationData => p.correlation_data = Some(vec![0x00, 0x01, 0xFF, 0x00].into()),
        P::SubscriptionIdentifier => p.subscription_identifiers.push(MAX_VAR_INT),
        P::SessionExpiryInterval => p.session_expiry_interval = Some(u32::MAX),
        P::AssignedClientIdentifier => p.assigned_client_identifier = Some("auto-7f3a9c".into()),
        P::ServerKeepAlive => p.server_keep_alive = Some(u16::MAX),
        P::AuthenticationMethod => p.authentication_method = Some("SCRAM-SHA-256".into()),
        P::AuthenticationData => p.authentication_data = Some(vec![0u8; 300].into()),
        P::RequestProblemInformation => p.request_problem_information = Some(false),
        P::WillDelayInterval => p.will_delay_interval = Some(86_400),
        P::RequestResponseInformation => p.request_response_information = Some(true),
        P::ResponseInformation => p.response_information = Some("responses/".into()),
        P::ServerReference => p.server_reference = Some("other.example:8883".into()),
        P::ReasonString => p.reason_string = Some("pourquoi pas ? \u{1F600}".into()),
        P::ReceiveMaximum => p.receive_maximum = Some(u16::MAX),
        // 0 is allowed here: it means "no topic alias".
        P::TopicAliasMaximum => p.topic_alias_maximum = Some(0),
        P::TopicAlias => p.topic_alias = Some(u16::MAX),
        P::MaximumQoS => p.maximum_qos = Some(QoS::AtMostOnce),
        P::RetainAvailable => p.retain_available = Some(false),
        P::UserProperty => {
            p.user_properties.push(("key".into(), "value 1".into()));
            p.user_properties.push(("".into(), "".into()));
        }
        P::MaximumPacketSize => p.maximum_packet_size = Some(MAX_PACKET_SIZE),
        P::WildcardSubscriptionAvailable => p.wildcard_subscription_available = Some(true),
        P::SubscriptionIdentifierAvailable => p.subscription_identifier_available = Some(false),
        P::SharedSubscriptionAvailable => p.shared_subscription_available = Some(true),
    }
}

/// Every property `ctx` allows, user properties and (in PUBLISH) subscription identifiers
/// several times.
pub fn full_properties(ctx: PropertyContext) -> Properties<'static> {
    let mut p = Properties::default();
    for id in ALL_PROPERTY_IDS {
        if id.allowed_in(ctx) {
            set_property(&mut p, id);
        }
    }
    if ctx == PropertyContext::Packet(PacketType::Publish) {
        p.subscription_identifiers.insert(0, 1);
        p.subscription_identifiers.insert(1, 128);
    }
    p.user_properties.push(("key".into(), "value 2".into()));
    p
}

/// A v5 packet of context `ctx` carrying `props` in its property list (in the will's for
/// [`PropertyContext::Will`]).
pub fn v5_packet_with(ctx: PropertyContext, props: Properties<'static>) -> Packet<'static> {
    use PacketType as T;
    let t = match ctx {
        PropertyContext::Will => {
            return Packet::Connect(Box::new(Connect {
                protocol: V5,
                clean_start: true,
                keep_alive: 60,
                properties: Properties::default(),
                client_id: "c".into(),
                will: Some(Will {
                    properties: props,
                    topic: "will/topic".into(),
                    payload: b"gone".as_slice().into(),
                    qos: QoS::AtLeastOnce,
                    retain: true,
                }),
                username: None,
                password: None,
            }))
        }
        PropertyContext::Packet(t) => t,
    };
    let ack = |props| Ack {
        pid: pid(77),
        reason_code: ReasonCode::Success,
        properties: props,
    };
    match t {
        T::Connect => Packet::Connect(Box::new(Connect {
            protocol: V5,
            clean_start: false,
            keep_alive: 0,
            properties: props,
            client_id: "client".into(),
            will: None,
            username: Some("u".into()),
            password: Some(b"p".as_slice().into()),
        })),
        T::ConnAck => Packet::ConnAck(ConnAck {
            session_present: true,
            reason_code: ReasonCode::Success,
            properties: props,
        }),
        T::Publish => Packet::Publish(Publish {
            dup: true,
            qos_pid: QosPid::AtLeastOnce(pid(9)),
            retain: true,
            topic: "a/b".into(),
            properties: props,
            payload: b"payload".as_slice().into(),
        }),
        T::PubAck => Packet::PubAck(ack(props)),
        T::PubRec => Packet::PubRec(ack(props)),
        T::PubRel => Packet::PubRel(ack(props)),
        T::PubComp => Packet::PubComp(ack(props)),
        T::Subscribe => Packet::Subscribe(Subscribe {
            pid: pid(1),
            properties: props,
            filters: vec![SubscribeFilter {
                filter: "a/+/#".into(),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            }],
        }),
        T::SubAck => Packet::SubAck(SubAck {
            pid: pid(1),
            properties: props,
            reason_codes: vec![ReasonCode::GrantedQoS2],
        }),
        T::Unsubscribe => Packet::Unsubscribe(Unsubscribe {
            pid: pid(2),
            properties: props,
            filters: vec!["a/+/#".into()],
        }),
        T::UnsubAck => Packet::UnsubAck(UnsubAck {
            pid: pid(2),
            properties: props,
            reason_codes: vec![ReasonCode::NoSubscriptionExisted],
        }),
        T::Disconnect => Packet::Disconnect(Disconnect {
            reason_code: ReasonCode::Success,
            properties: props,
        }),
        T::Auth => Packet::Auth(Auth {
            reason_code: ReasonCode::ContinueAuthentication,
            properties: props,
        }),
        T::PingReq | T::PingResp => panic!("{t} has no properties"),
    }
}
