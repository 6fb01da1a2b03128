//! Hand-annotated byte vectors for every control packet of MQTT 3.1, 3.1.1 and 5.0.
//!
//! Where the specifications give an example (the variable byte integer table of 1.5.5, the
//! UTF-8 string "A𪛔" of 1.5.4, the CONNECT variable headers of 3.1.2.10 (3.1.1) and
//! 3.1.2.11 (5.0), the PUBLISH variable header of 3.3.2.3, the SUBSCRIBE, SUBACK and
//! UNSUBSCRIBE payloads of 3.8.3, 3.9.3 and 3.10.3 (3.1.1)) the vector uses it; the others are
//! built by hand from the field layouts. Each vector is decoded and compared with the struct,
//! and the struct is encoded and compared with the bytes.

mod common;

use std::borrow::Cow;

use common::*;
use wasmqtt::codec::*;

// ---------------------------------------------------------------------------------------------
// Data representations (section 1.5)
// ---------------------------------------------------------------------------------------------

/// MQTT 5.0 section 1.5.5, Table 1-1 "Size of Variable Byte Integer".
#[test]
fn variable_byte_integer_table_1_5_5() {
    let table: &[(u32, &[u8])] = &[
        (0, &[0x00]),                             // 1 byte, from 0
        (127, &[0x7F]),                           //   to 127
        (128, &[0x80, 0x01]),                     // 2 bytes, from 128
        (16_383, &[0xFF, 0x7F]),                  //   to 16 383
        (16_384, &[0x80, 0x80, 0x01]),            // 3 bytes, from 16 384
        (2_097_151, &[0xFF, 0xFF, 0x7F]),         //   to 2 097 151
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),   // 4 bytes, from 2 097 152
        (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]), //   to 268 435 455
    ];
    for &(value, bytes) in table {
        assert_eq!(
            decode_var_int(bytes),
            Ok(Some((value, bytes.len()))),
            "{value}"
        );
        assert_eq!(var_int_len(value), bytes.len(), "{value}");
        assert_eq!(varint(value), bytes, "the test's own encoder, {value}");
        // Bytes after the integer are not part of it.
        let mut longer = bytes.to_vec();
        longer.extend_from_slice(&[0x12, 0x34]);
        assert_eq!(decode_var_int(&longer), Ok(Some((value, bytes.len()))));
        // A cut integer asks for more.
        assert_eq!(decode_var_int(&bytes[..bytes.len() - 1]), Ok(None));
    }
    assert_eq!(MAX_VAR_INT, 268_435_455);
    assert_eq!(decode_var_int(&[]), Ok(None));
}

/// The encoder's variable byte integers, seen in a Subscription Identifier (section 1.5.5
/// table values), in a PUBLISH's properties.
#[test]
fn variable_byte_integer_table_1_5_5_encoded_as_subscription_identifiers() {
    let ids = [
        1u32,
        127,
        128,
        16_383,
        16_384,
        2_097_151,
        2_097_152,
        268_435_455,
    ];
    let bytes = [
        0x30, 32, // PUBLISH QoS 0, remaining length 32
        0x00, 0x01, b't', // topic name "t"
        28,   // property length 28
        0x0B, 0x01, // Subscription Identifier 1
        0x0B, 0x7F, // Subscription Identifier 127
        0x0B, 0x80, 0x01, // Subscription Identifier 128
        0x0B, 0xFF, 0x7F, // Subscription Identifier 16 383
        0x0B, 0x80, 0x80, 0x01, // Subscription Identifier 16 384
        0x0B, 0xFF, 0xFF, 0x7F, // Subscription Identifier 2 097 151
        0x0B, 0x80, 0x80, 0x80, 0x01, // Subscription Identifier 2 097 152
        0x0B, 0xFF, 0xFF, 0xFF,
        0x7F, // Subscription Identifier 268 435 455
              // no payload
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: false,
        topic: cs("t"),
        properties: Properties {
            subscription_identifiers: ids.to_vec(),
            ..Default::default()
        },
        payload: cb(b""),
    });
    assert_vector(&bytes, V5, &packet);
}

/// Remaining lengths of 1 to 4 bytes in the fixed header (section 2.1.4 and 1.5.5).
#[test]
fn remaining_length_encodings_in_fixed_header() {
    for (rl, header) in [
        (0u32, vec![0x30, 0x00]),
        (127, vec![0x30, 0x7F]),
        (128, vec![0x30, 0x80, 0x01]),
        (16_383, vec![0x30, 0xFF, 0x7F]),
        (16_384, vec![0x30, 0x80, 0x80, 0x01]),
    ] {
        if rl < 3 {
            // Too short for a PUBLISH: check the header alone.
            let h = FixedHeader::parse(&header).unwrap().unwrap();
            assert_eq!(h.remaining_length, rl);
            continue;
        }
        // topic "t" (3 bytes) and a payload making up the rest.
        let payload = vec![0x5A; rl as usize - 3];
        let packet = Packet::Publish(Publish {
            dup: false,
            qos_pid: QosPid::AtMostOnce,
            retain: false,
            topic: cs("t"),
            properties: Properties::default(),
            payload: cb(&payload),
        });
        let bytes = cat(&[&header, &lp("t"), &payload]);
        assert_vector(&bytes, V4, &packet);
        let h = FixedHeader::parse(&bytes).unwrap().unwrap();
        assert_eq!(
            h,
            FixedHeader {
                packet_type: PacketType::Publish,
                flags: 0,
                remaining_length: rl,
                header_len: header.len(),
            }
        );
        assert_eq!(h.packet_len(), bytes.len());
    }
}

/// MQTT 5.0 section 1.5.4, the UTF-8 Encoded String non-normative example: the
/// string "A𪛔" (U+0041, U+2A6D4) as a PUBLISH topic name.
#[test]
fn utf8_string_example_1_5_4_as_topic_name() {
    let bytes = [
        0x30, 0x07, // PUBLISH QoS 0, remaining length 7
        0x00, 0x05, // string length 5
        0x41, // 'A'
        0xF0, 0xAA, 0x9B, 0x94, // U+2A6D4
              // empty payload
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: false,
        topic: cs("A\u{2A6D4}"),
        properties: Properties::default(),
        payload: cb(b""),
    });
    assert_vector(&bytes, V4, &packet);
    // The same string in MQTT 5, with an empty property list.
    let bytes5 = [
        0x30, 0x08, // PUBLISH QoS 0, remaining length 8
        0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94, // "A𪛔"
        0x00, // property length 0
    ];
    assert_vector(&bytes5, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// CONNECT
// ---------------------------------------------------------------------------------------------

/// MQTT 3.1.1 section 3.1.2.10, the "Variable header non normative example" (protocol
/// name "MQTT", level 4, flags 0xCE, keep alive 10), with a payload by hand.
#[test]
fn connect_v311_spec_variable_header_example() {
    let bytes = [
        0x10, 39, // CONNECT, remaining length 39
        // variable header (the spec's example)
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x04, // protocol level 4
        0xCE, // user name 1, password 1, will retain 0, will QoS 01, will 1, clean session 1
        0x00, 0x0A, // keep alive 10 s
        // payload
        0x00, 0x07, b'w', b'a', b's', b'm', b'q', b't', b't', // client id "wasmqtt"
        0x00, 0x03, b'a', b'/', b'b', // will topic "a/b"
        0x00, 0x03, b'b', b'y', b'e', // will message "bye"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, b'p', b'w', // password "pw"
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V4,
        clean_start: true,
        keep_alive: 10,
        properties: Properties::default(),
        client_id: cs("wasmqtt"),
        will: Some(Will {
            properties: Properties::default(),
            topic: cs("a/b"),
            payload: cb(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: false,
        }),
        username: Some(cs("user")),
        password: Some(cb(b"pw")),
    }));
    assert_vector(&bytes, V4, &packet);
    // CONNECT carries its own version: the version given to decode does not matter.
    assert_vector(&bytes, V5, &packet);
}

/// The smallest CONNECT: clean session, empty client identifier, nothing else.
#[test]
fn connect_v311_minimal() {
    let bytes = [
        0x10, 0x0C, // CONNECT, remaining length 12
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name
        0x04, // level 4
        0x02, // clean session
        0x00, 0x3C, // keep alive 60
        0x00, 0x00, // client id ""
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V4,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::default(),
        client_id: cs(""),
        will: None,
        username: None,
        password: None,
    }));
    assert_vector(&bytes, V4, &packet);
}

/// A will with QoS 2 and retain, no clean session (3.1.1).
#[test]
fn connect_v311_will_qos2_retained() {
    let bytes = [
        0x10, 0x12, // CONNECT, remaining length 18
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name
        0x04, // level 4
        0x34, // will retain (0x20), will QoS 2 (0x10), will flag (0x04), clean session 0
        0xFF, 0xFF, // keep alive 65535
        0x00, 0x01, b'c', // client id "c"
        0x00, 0x01, b'w', // will topic "w"
        0x00, 0x00, // empty will message
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V4,
        clean_start: false,
        keep_alive: 65535,
        properties: Properties::default(),
        client_id: cs("c"),
        will: Some(Will {
            properties: Properties::default(),
            topic: cs("w"),
            payload: cb(b""),
            qos: QoS::ExactlyOnce,
            retain: true,
        }),
        username: None,
        password: None,
    }));
    assert_vector(&bytes, V4, &packet);
}

/// MQTT 3.1: protocol name "MQIsdp", protocol level 3.
#[test]
fn connect_v31_mqisdp() {
    let bytes = [
        0x10, 0x19, // CONNECT, remaining length 25
        0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', // protocol name "MQIsdp"
        0x03, // protocol level 3
        0xC2, // user name, password, clean session
        0x00, 0x3C, // keep alive 60
        0x00, 0x05, b'm', b'q', b't', b't', b'1', // client id "mqtt1"
        0x00, 0x01, b'u', // user name "u"
        0x00, 0x01, b'p', // password "p"
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V3_1,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::default(),
        client_id: cs("mqtt1"),
        will: None,
        username: Some(cs("u")),
        password: Some(cb(b"p")),
    }));
    for v in VERSIONS {
        assert_vector(&bytes, v, &packet);
    }
}

/// MQTT 5.0 section 3.1.2.11, the CONNECT variable header example (level 5,
/// flags 0xCE, keep alive 10, properties: Session Expiry Interval 10), payload by hand.
#[test]
fn connect_v5_spec_variable_header_example() {
    let bytes = [
        0x10, 46, // CONNECT, remaining length 46
        // variable header (the spec's example)
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x05, // protocol version 5
        0xCE, // user name 1, password 1, will retain 0, will QoS 01, will 1, clean start 1
        0x00, 0x0A, // keep alive 10
        0x05, // property length 5
        0x11, 0x00, 0x00, 0x00, 0x0A, // Session Expiry Interval (17) = 10
        // payload
        0x00, 0x07, b'w', b'a', b's', b'm', b'q', b't', b't', // client id "wasmqtt"
        0x00, // will property length 0
        0x00, 0x03, b'a', b'/', b'b', // will topic "a/b"
        0x00, 0x03, b'b', b'y', b'e', // will payload "bye"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, b'p', b'w', // password "pw"
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V5,
        clean_start: true,
        keep_alive: 10,
        properties: Properties {
            session_expiry_interval: Some(10),
            ..Default::default()
        },
        client_id: cs("wasmqtt"),
        will: Some(Will {
            properties: Properties::default(),
            topic: cs("a/b"),
            payload: cb(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: false,
        }),
        username: Some(cs("user")),
        password: Some(cb(b"pw")),
    }));
    assert_vector(&bytes, V5, &packet);
    assert_vector(&bytes, V4, &packet);
}

/// A v5 CONNECT with every CONNECT property, and a will with every will property.
#[test]
fn connect_v5_every_property_and_will_properties() {
    let bytes = [
        0x10, 0x7A, // CONNECT, remaining length 122
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name
        0x05, // version 5
        0xF6, // user name, password, will retain, will QoS 2, will flag, clean start
        0x00, 0x1E, // keep alive 30
        0x31, // property length 49
        0x11, 0x00, 0x00, 0x0E, 0x10, // Session Expiry Interval 3600
        0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M', // Authentication Method "SCRAM"
        0x16, 0x00, 0x03, 0x01, 0x02, 0x03, // Authentication Data 01 02 03
        0x17, 0x00, // Request Problem Information 0
        0x19, 0x01, // Request Response Information 1
        0x21, 0x00, 0x14, // Receive Maximum 20
        0x22, 0x00, 0x0A, // Topic Alias Maximum 10
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property ("k", "v")
        0x26, 0x00, 0x01, b'k', 0x00, 0x02, b'v', b'2', // User Property ("k", "v2")
        0x27, 0x00, 0x00, 0x04, 0x00, // Maximum Packet Size 1024
        // payload
        0x00, 0x02, b'c', b'1', // client id "c1"
        0x25, // will property length 37
        0x01, 0x01, // Payload Format Indicator 1 (UTF-8)
        0x02, 0x00, 0x00, 0x00, 0x3C, // Message Expiry Interval 60
        0x03, 0x00, 0x04, b't', b'e', b'x', b't', // Content Type "text"
        0x08, 0x00, 0x03, b'r', b'/', b'1', // Response Topic "r/1"
        0x09, 0x00, 0x02, 0xCA, 0xFE, // Correlation Data CA FE
        0x18, 0x00, 0x00, 0x00, 0x05, // Will Delay Interval 5
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'b', // User Property ("a", "b")
        0x00, 0x03, b'w', b'/', b't', // will topic "w/t"
        0x00, 0x03, b'b', b'y', b'e', // will payload "bye"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, b'p', b'w', // password "pw"
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V5,
        clean_start: true,
        keep_alive: 30,
        properties: Properties {
            session_expiry_interval: Some(3600),
            authentication_method: Some(cs("SCRAM")),
            authentication_data: Some(cb(&[1, 2, 3])),
            request_problem_information: Some(false),
            request_response_information: Some(true),
            receive_maximum: Some(20),
            topic_alias_maximum: Some(10),
            user_properties: vec![(cs("k"), cs("v")), (cs("k"), cs("v2"))],
            maximum_packet_size: Some(1024),
            ..Default::default()
        },
        client_id: cs("c1"),
        will: Some(Will {
            properties: Properties {
                payload_format_indicator: Some(PayloadFormat::Utf8),
                message_expiry_interval: Some(60),
                content_type: Some(cs("text")),
                response_topic: Some(cs("r/1")),
                correlation_data: Some(cb(&[0xCA, 0xFE])),
                will_delay_interval: Some(5),
                user_properties: vec![(cs("a"), cs("b"))],
                ..Default::default()
            },
            topic: cs("w/t"),
            payload: cb(b"bye"),
            qos: QoS::ExactlyOnce,
            retain: true,
        }),
        username: Some(cs("user")),
        password: Some(cb(b"pw")),
    }));
    assert_vector(&bytes, V5, &packet);
}

/// MQTT 5 allows a password without a user name (3.1.2.9 of 5.0).
#[test]
fn connect_v5_password_without_user_name() {
    let bytes = [
        0x10, 0x12, // CONNECT, remaining length 18
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name
        0x05, // version 5
        0x40, // password flag only
        0x00, 0x00, // keep alive 0
        0x00, // property length 0
        0x00, 0x01, b'c', // client id "c"
        0x00, 0x02, 0x00, 0xFF, // password: binary 00 FF
    ];
    let packet = Packet::Connect(Box::new(Connect {
        protocol: V5,
        clean_start: false,
        keep_alive: 0,
        properties: Properties::default(),
        client_id: cs("c"),
        will: None,
        username: None,
        password: Some(cb(&[0x00, 0xFF])),
    }));
    assert_vector(&bytes, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// CONNACK
// ---------------------------------------------------------------------------------------------

fn connack<'a>(session_present: bool, reason_code: ReasonCode) -> Packet<'a> {
    Packet::ConnAck(ConnAck {
        session_present,
        reason_code,
        properties: Properties::default(),
    })
}

#[test]
fn connack_v311_accepted() {
    // CONNACK, remaining length 2, acknowledge flags 0, return code 0 (accepted)
    assert_vector(
        &[0x20, 0x02, 0x00, 0x00],
        V4,
        &connack(false, ReasonCode::Success),
    );
    // session present 1
    assert_vector(
        &[0x20, 0x02, 0x01, 0x00],
        V4,
        &connack(true, ReasonCode::Success),
    );
    // MQTT 3.1 is the same
    assert_vector(
        &[0x20, 0x02, 0x00, 0x00],
        V3_1,
        &connack(false, ReasonCode::Success),
    );
}

/// MQTT 3.1.1 section 3.2.2.3, Table 3.1: return codes 1 to 5, mapped to the MQTT 5 reason
/// codes of the same meaning.
#[test]
fn connack_v311_return_codes_1_to_5_map_to_v5_reason_codes() {
    let table = [
        // (3.1.1 return code, MQTT 5 reason code)
        (0x01, ReasonCode::UnsupportedProtocolVersion), // unacceptable protocol version
        (0x02, ReasonCode::ClientIdentifierNotValid),   // identifier rejected
        (0x03, ReasonCode::ServerUnavailable),          // server unavailable
        (0x04, ReasonCode::BadUserNameOrPassword),      // bad user name or password
        (0x05, ReasonCode::NotAuthorized),              // not authorized
    ];
    let v5_values = [0x84, 0x85, 0x88, 0x86, 0x87];
    for ((code, rc), v5) in table.into_iter().zip(v5_values) {
        assert_eq!(rc.value(), v5);
        assert_vector(&[0x20, 0x02, 0x00, code], V4, &connack(false, rc));
        // And the same meaning in MQTT 5 is written as the 5.0 code.
        assert_vector(&[0x20, 0x03, 0x00, v5, 0x00], V5, &connack(false, rc));
    }
}

#[test]
fn connack_v5_minimal() {
    let bytes = [
        0x20, 0x03, // CONNACK, remaining length 3
        0x00, // acknowledge flags
        0x00, // reason code Success
        0x00, // property length 0
    ];
    assert_vector(&bytes, V5, &connack(false, ReasonCode::Success));
    // A refusal: 0x9C Use another server.
    assert_vector(
        &[0x20, 0x03, 0x00, 0x9C, 0x00],
        V5,
        &connack(false, ReasonCode::UseAnotherServer),
    );
}

/// A v5 CONNACK with every CONNACK property.
#[test]
fn connack_v5_every_property() {
    let bytes = [
        0x20, 0x4C, // CONNACK, remaining length 76
        0x01, // session present
        0x00, // Success
        0x49, // property length 73
        0x11, 0x00, 0x00, 0x00, 0x78, // Session Expiry Interval 120
        0x12, 0x00, 0x03, b'i', b'd', b'1', // Assigned Client Identifier "id1"
        0x13, 0x00, 0x3C, // Server Keep Alive 60
        0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M', // Authentication Method "SCRAM"
        0x16, 0x00, 0x02, 0xAB, 0xCD, // Authentication Data AB CD
        0x1A, 0x00, 0x04, b'r', b'e', b's', b'p', // Response Information "resp"
        0x1C, 0x00, 0x03, b's', b'r', b'v', // Server Reference "srv"
        0x1F, 0x00, 0x02, b'o', b'k', // Reason String "ok"
        0x21, 0x00, 0x64, // Receive Maximum 100
        0x22, 0x00, 0x05, // Topic Alias Maximum 5
        0x24, 0x01, // Maximum QoS 1
        0x25, 0x00, // Retain Available 0
        0x26, 0x00, 0x01, b'x', 0x00, 0x01, b'y', // User Property ("x", "y")
        0x27, 0x00, 0x01, 0x00, 0x00, // Maximum Packet Size 65536
        0x28, 0x01, // Wildcard Subscription Available 1
        0x29, 0x00, // Subscription Identifier Available 0
        0x2A, 0x01, // Shared Subscription Available 1
    ];
    let packet = Packet::ConnAck(ConnAck {
        session_present: true,
        reason_code: ReasonCode::Success,
        properties: Properties {
            session_expiry_interval: Some(120),
            assigned_client_identifier: Some(cs("id1")),
            server_keep_alive: Some(60),
            authentication_method: Some(cs("SCRAM")),
            authentication_data: Some(cb(&[0xAB, 0xCD])),
            response_information: Some(cs("resp")),
            server_reference: Some(cs("srv")),
            reason_string: Some(cs("ok")),
            receive_maximum: Some(100),
            topic_alias_maximum: Some(5),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            user_properties: vec![(cs("x"), cs("y"))],
            maximum_packet_size: Some(65536),
            wildcard_subscription_available: Some(true),
            subscription_identifier_available: Some(false),
            shared_subscription_available: Some(true),
            ..Default::default()
        },
    });
    assert_vector(&bytes, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// PUBLISH
// ---------------------------------------------------------------------------------------------

/// MQTT 3.1.1 section 3.3.2.3, the PUBLISH variable header example: topic "a/b", packet id 10.
#[test]
fn publish_v311_spec_variable_header_example() {
    let bytes = [
        0x32, 0x0C, // PUBLISH, QoS 1, remaining length 12
        0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
        0x00, 0x0A, // packet identifier 10
        b'h', b'e', b'l', b'l', b'o', // payload
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtLeastOnce(pid(10)),
        retain: false,
        topic: cs("a/b"),
        properties: Properties::default(),
        payload: cb(b"hello"),
    });
    assert_vector(&bytes, V4, &packet);
    assert_vector(&bytes, V3_1, &packet);
}

/// MQTT 5.0 section 3.3.2.3, the PUBLISH Variable Header non-normative example: topic "a/b",
/// packet id 10, property length 0.
#[test]
fn publish_v5_spec_variable_header_example() {
    let bytes = [
        0x32, 0x08, // PUBLISH, QoS 1, remaining length 8
        0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
        0x00, 0x0A, // packet identifier 10
        0x00, // property length 0
              // no payload
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtLeastOnce(pid(10)),
        retain: false,
        topic: cs("a/b"),
        properties: Properties::default(),
        payload: cb(b""),
    });
    assert_vector(&bytes, V5, &packet);
}

/// The fixed header flags of PUBLISH (section 3.3.1): DUP, QoS, RETAIN.
#[test]
fn publish_fixed_header_flags() {
    let cases: [(u8, bool, Option<u16>, u8, bool); 6] = [
        // (first byte, dup, packet id, QoS, retain)
        (0x30, false, None, 0, false),    // QoS 0
        (0x31, false, None, 0, true),     // QoS 0, retain
        (0x32, false, Some(7), 1, false), // QoS 1
        (0x34, false, Some(7), 2, false), // QoS 2
        (0x3A, true, Some(7), 1, false),  // DUP, QoS 1
        (0x3D, true, Some(7), 2, true),   // DUP, QoS 2, retain
    ];
    for (first, dup, id, qos, retain) in cases {
        let qos_pid = match qos {
            0 => QosPid::AtMostOnce,
            1 => QosPid::AtLeastOnce(pid(id.unwrap())),
            _ => QosPid::ExactlyOnce(pid(id.unwrap())),
        };
        let packet = Packet::Publish(Publish {
            dup,
            qos_pid,
            retain,
            topic: cs("t"),
            properties: Properties::default(),
            payload: cb(b"!"),
        });
        let pid_bytes: &[u8] = if id.is_some() { &[0x00, 0x07] } else { &[] };
        // topic "t", packet id if any, payload "!"
        let body = cat(&[&lp("t"), pid_bytes, b"!"]);
        assert_vector(&frame(first, &body), V4, &packet);
        // v5: the same with property length 0 after the packet id
        let body5 = cat(&[&lp("t"), pid_bytes, &[0x00], b"!"]);
        assert_vector(&frame(first, &body5), V5, &packet);
    }
}

/// A v5 PUBLISH with every PUBLISH property, two Subscription Identifiers and two User
/// Properties with the same name (order kept).
#[test]
fn publish_v5_every_property() {
    let bytes = [
        0x34, 0x43, // PUBLISH, QoS 2, remaining length 67
        0x00, 0x01, b't', // topic name "t"
        0x00, 0x2A, // packet identifier 42
        0x3A, // property length 58
        0x01, 0x00, // Payload Format Indicator 0 (unspecified bytes)
        0x02, 0x00, 0x00, 0x0E, 0x10, // Message Expiry Interval 3600
        0x03, 0x00, 0x0A, b't', b'e', b'x', b't', b'/', b'p', b'l', b'a', b'i',
        b'n', // "text/plain"
        0x08, 0x00, 0x05, b'r', b'e', b'p', b'l', b'y', // Response Topic "reply"
        0x09, 0x00, 0x03, 0x01, 0x02, 0x03, // Correlation Data 01 02 03
        0x0B, 0x01, // Subscription Identifier 1
        0x0B, 0xFF, 0xFF, 0xFF, 0x7F, // Subscription Identifier 268 435 455
        0x23, 0x00, 0x07, // Topic Alias 7
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'1', // User Property ("a", "1")
        0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'2', // User Property ("a", "2")
        b'x', b'y', b'z', // payload
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::ExactlyOnce(pid(42)),
        retain: false,
        topic: cs("t"),
        properties: Properties {
            payload_format_indicator: Some(PayloadFormat::Unspecified),
            message_expiry_interval: Some(3600),
            content_type: Some(cs("text/plain")),
            response_topic: Some(cs("reply")),
            correlation_data: Some(cb(&[1, 2, 3])),
            subscription_identifiers: vec![1, 268_435_455],
            topic_alias: Some(7),
            user_properties: vec![(cs("a"), cs("1")), (cs("a"), cs("2"))],
            ..Default::default()
        },
        payload: cb(b"xyz"),
    });
    assert_vector(&bytes, V5, &packet);
}

/// MQTT 5: an empty topic name stands for the one mapped to the Topic Alias (3.3.2.3.4).
#[test]
fn publish_v5_empty_topic_with_topic_alias() {
    let bytes = [
        0x30, 0x07, // PUBLISH QoS 0, remaining length 7
        0x00, 0x00, // topic name "" (length 0)
        0x03, // property length 3
        0x23, 0x00, 0x01, // Topic Alias 1
        b'p', // payload
    ];
    let packet = Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtMostOnce,
        retain: false,
        topic: cs(""),
        properties: Properties {
            topic_alias: Some(1),
            ..Default::default()
        },
        payload: cb(b"p"),
    });
    assert_vector(&bytes, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// PUBACK, PUBREC, PUBREL, PUBCOMP
// ---------------------------------------------------------------------------------------------

fn ack<'a>(id: u16, reason_code: ReasonCode, properties: Properties<'a>) -> Ack<'a> {
    Ack {
        pid: pid(id),
        reason_code,
        properties,
    }
}

/// One of the four acknowledgement variants of [`Packet`].
type MakeAck = fn(Ack<'static>) -> Packet<'static>;

#[test]
fn pub_acks_v311() {
    // first byte, then remaining length 2 and packet identifier 10
    let cases: [(u8, MakeAck); 4] = [
        (0x40, Packet::PubAck),  // PUBACK
        (0x50, Packet::PubRec),  // PUBREC
        (0x62, Packet::PubRel),  // PUBREL: flags 0010 (3.6.1)
        (0x70, Packet::PubComp), // PUBCOMP
    ];
    for (first, make) in cases {
        let packet = make(Ack::new(pid(10)));
        assert_vector(&[first, 0x02, 0x00, 0x0A], V4, &packet);
        assert_vector(&[first, 0x02, 0x00, 0x0A], V3_1, &packet);
        // MQTT 5's short form (remaining length 2) is the same bytes.
        assert_vector(&[first, 0x02, 0x00, 0x0A], V5, &packet);
    }
}

/// MQTT 5 section 3.4.2.1: "The Reason Code and Property Length can be omitted if the
/// Reason Code is 0x00 (Success) and there are no Properties. In this case the PUBACK has a
/// Remaining Length of 2." and "If the Remaining Length is less than 4 there is no Property
/// Length and the value of 0 is used."
#[test]
fn puback_v5_short_forms() {
    // remaining length 2: packet identifier only
    assert_vector(
        &[0x40, 0x02, 0x00, 0x0A],
        V5,
        &Packet::PubAck(ack(10, ReasonCode::Success, Properties::default())),
    );
    // remaining length 3: packet identifier and reason code, no property length
    let bytes = [
        0x40, 0x03, // PUBACK, remaining length 3
        0x00, 0x0A, // packet identifier 10
        0x10, // reason code 0x10 No matching subscribers
    ];
    assert_vector(
        &bytes,
        V5,
        &Packet::PubAck(ack(
            10,
            ReasonCode::NoMatchingSubscribers,
            Properties::default(),
        )),
    );
    // remaining length 4: property length 0 written out; the encoder writes the shorter form.
    assert_decodes(
        &[0x40, 0x04, 0x00, 0x0A, 0x10, 0x00],
        V5,
        &Packet::PubAck(ack(
            10,
            ReasonCode::NoMatchingSubscribers,
            Properties::default(),
        )),
    );
    // Success written out in full is Success.
    assert_decodes(
        &[0x40, 0x03, 0x00, 0x0A, 0x00],
        V5,
        &Packet::PubAck(ack(10, ReasonCode::Success, Properties::default())),
    );
    assert_decodes(
        &[0x40, 0x04, 0x00, 0x0A, 0x00, 0x00],
        V5,
        &Packet::PubAck(ack(10, ReasonCode::Success, Properties::default())),
    );
}

#[test]
fn puback_v5_with_properties() {
    let bytes = [
        0x40, 0x11, // PUBACK, remaining length 17
        0x00, 0x0A, // packet identifier 10
        0x87, // reason code Not authorized
        0x0D, // property length 13
        0x1F, 0x00, 0x03, b'b', b'a', b'd', // Reason String "bad"
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property ("k", "v")
    ];
    let packet = Packet::PubAck(ack(
        10,
        ReasonCode::NotAuthorized,
        Properties {
            reason_string: Some(cs("bad")),
            user_properties: vec![(cs("k"), cs("v"))],
            ..Default::default()
        },
    ));
    assert_vector(&bytes, V5, &packet);
    // Success with properties keeps its reason code byte.
    let bytes = [
        0x40, 0x08, // PUBACK, remaining length 8
        0x00, 0x0A, // packet identifier 10
        0x00, // Success
        0x04, // property length 4
        0x1F, 0x00, 0x01, b'!', // Reason String "!"
    ];
    let packet = Packet::PubAck(ack(
        10,
        ReasonCode::Success,
        Properties {
            reason_string: Some(cs("!")),
            ..Default::default()
        },
    ));
    assert_vector(&bytes, V5, &packet);
}

#[test]
fn pubrec_pubrel_pubcomp_v5() {
    // PUBREC 0x91 Packet Identifier in use
    assert_vector(
        &[0x50, 0x03, 0x00, 0x0B, 0x91],
        V5,
        &Packet::PubRec(ack(
            11,
            ReasonCode::PacketIdentifierInUse,
            Properties::default(),
        )),
    );
    // PUBREL (flags 0010) 0x92 Packet Identifier not found
    assert_vector(
        &[0x62, 0x03, 0x00, 0x0C, 0x92],
        V5,
        &Packet::PubRel(ack(
            12,
            ReasonCode::PacketIdentifierNotFound,
            Properties::default(),
        )),
    );
    // PUBCOMP 0x92 with a Reason String
    let bytes = [
        0x70, 0x08, // PUBCOMP, remaining length 8
        0x00, 0x0D, // packet identifier 13
        0x92, // Packet Identifier not found
        0x04, // property length 4
        0x1F, 0x00, 0x01, b'?', // Reason String "?"
    ];
    assert_vector(
        &bytes,
        V5,
        &Packet::PubComp(ack(
            13,
            ReasonCode::PacketIdentifierNotFound,
            Properties {
                reason_string: Some(cs("?")),
                ..Default::default()
            },
        )),
    );
}

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE, SUBACK
// ---------------------------------------------------------------------------------------------

/// MQTT 3.1.1 sections 3.8.2 / 3.8.3, the variable header and payload examples:
/// packet identifier 10, "a/b" QoS 1, "c/d" QoS 2.
#[test]
fn subscribe_v311_spec_example() {
    let bytes = [
        0x82, 0x0E, // SUBSCRIBE (flags 0010), remaining length 14
        0x00, 0x0A, // packet identifier 10
        0x00, 0x03, b'a', b'/', b'b', // topic filter "a/b"
        0x01, // requested QoS 1
        0x00, 0x03, b'c', b'/', b'd', // topic filter "c/d"
        0x02, // requested QoS 2
    ];
    let packet = Packet::Subscribe(Subscribe {
        pid: pid(10),
        properties: Properties::default(),
        filters: vec![
            SubscribeFilter {
                filter: cs("a/b"),
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            },
            SubscribeFilter {
                filter: cs("c/d"),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            },
        ],
    });
    assert_vector(&bytes, V4, &packet);
    assert_vector(&bytes, V3_1, &packet);
}

/// The SUBSCRIBE examples of sections 3.8.2 / 3.8.3 (packet identifier 10; "a/b" with
/// options 0x01, "c/d" with options 0x02) in MQTT 5: an empty property list after the packet
/// identifier.
#[test]
fn subscribe_v5_spec_example() {
    let bytes = [
        0x82, 0x0F, // SUBSCRIBE (flags 0010), remaining length 15
        0x00, 0x0A, // packet identifier 10
        0x00, // property length 0
        0x00, 0x03, b'a', b'/', b'b', // topic filter "a/b"
        0x01, // subscription options: maximum QoS 1
        0x00, 0x03, b'c', b'/', b'd', // topic filter "c/d"
        0x02, // subscription options: maximum QoS 2
    ];
    let packet = Packet::Subscribe(Subscribe {
        pid: pid(10),
        properties: Properties::default(),
        filters: vec![
            SubscribeFilter {
                filter: cs("a/b"),
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            },
            SubscribeFilter {
                filter: cs("c/d"),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            },
        ],
    });
    assert_vector(&bytes, V5, &packet);
}

/// A v5 SUBSCRIBE with properties and every subscription option.
#[test]
fn subscribe_v5_properties_and_options() {
    let bytes = [
        0x82, 0x23, // SUBSCRIBE, remaining length 35
        0x00, 0x0A, // packet identifier 10
        0x09, // property length 9
        0x0B, 0x05, // Subscription Identifier 5
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property ("k", "v")
        0x00, 0x03, b'a', b'/', b'b', // topic filter "a/b"
        0x2D, // retain handling 2, retain as published, no local, QoS 1
        0x00, 0x0E, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'r', b'p', b'/', b'x', b'/',
        b'#', // topic filter "$share/grp/x/#"
        0x12, // retain handling 1, QoS 2
    ];
    let packet = Packet::Subscribe(Subscribe {
        pid: pid(10),
        properties: Properties {
            subscription_identifiers: vec![5],
            user_properties: vec![(cs("k"), cs("v"))],
            ..Default::default()
        },
        filters: vec![
            SubscribeFilter {
                filter: cs("a/b"),
                options: SubscriptionOptions {
                    qos: QoS::AtLeastOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            },
            SubscribeFilter {
                filter: cs("$share/grp/x/#"),
                options: SubscriptionOptions {
                    qos: QoS::ExactlyOnce,
                    no_local: false,
                    retain_as_published: false,
                    retain_handling: RetainHandling::SendIfNewSubscription,
                },
            },
        ],
    });
    assert_vector(&bytes, V5, &packet);
}

/// MQTT 3.1.1 section 3.9.3, the payload byte format example:
/// "Success - Maximum QoS 0", "Success - Maximum QoS 2", "Failure".
#[test]
fn suback_v311_spec_example() {
    let bytes = [
        0x90, 0x05, // SUBACK, remaining length 5
        0x00, 0x0A, // packet identifier 10
        0x00, // success, maximum QoS 0
        0x02, // success, maximum QoS 2
        0x80, // failure
    ];
    let packet = Packet::SubAck(SubAck {
        pid: pid(10),
        properties: Properties::default(),
        reason_codes: vec![
            ReasonCode::Success,
            ReasonCode::GrantedQoS2,
            ReasonCode::UnspecifiedError,
        ],
    });
    assert_vector(&bytes, V4, &packet);
    assert_vector(&[0x90, 0x03, 0x00, 0x01, 0x01], V4, &{
        Packet::SubAck(SubAck {
            pid: pid(1),
            properties: Properties::default(),
            reason_codes: vec![ReasonCode::GrantedQoS1],
        })
    });
}

#[test]
fn suback_v5() {
    let bytes = [
        0x90, 0x0C, // SUBACK, remaining length 12
        0x00, 0x0A, // packet identifier 10
        0x03, // property length 3
        0x1F, 0x00, 0x00, // Reason String "" (empty)
        0x01, // Granted QoS 1
        0x02, // Granted QoS 2
        0x8F, // Topic Filter invalid
        0x9E, // Shared Subscriptions not supported
        0xA1, // Subscription Identifiers not supported
        0xA2, // Wildcard Subscriptions not supported
    ];
    let packet = Packet::SubAck(SubAck {
        pid: pid(10),
        properties: Properties {
            reason_string: Some(cs("")),
            ..Default::default()
        },
        reason_codes: vec![
            ReasonCode::GrantedQoS1,
            ReasonCode::GrantedQoS2,
            ReasonCode::TopicFilterInvalid,
            ReasonCode::SharedSubscriptionsNotSupported,
            ReasonCode::SubscriptionIdentifiersNotSupported,
            ReasonCode::WildcardSubscriptionsNotSupported,
        ],
    });
    assert_vector(&bytes, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// UNSUBSCRIBE, UNSUBACK
// ---------------------------------------------------------------------------------------------

/// MQTT 3.1.1 section 3.10.3, the payload byte format example:
/// "a/b", "c/d".
#[test]
fn unsubscribe_v311_spec_example() {
    let bytes = [
        0xA2, 0x0C, // UNSUBSCRIBE (flags 0010), remaining length 12
        0x00, 0x0A, // packet identifier 10
        0x00, 0x03, b'a', b'/', b'b', // topic filter "a/b"
        0x00, 0x03, b'c', b'/', b'd', // topic filter "c/d"
    ];
    let packet = Packet::Unsubscribe(Unsubscribe {
        pid: pid(10),
        properties: Properties::default(),
        filters: vec![cs("a/b"), cs("c/d")],
    });
    assert_vector(&bytes, V4, &packet);
}

/// The UNSUBSCRIBE payload example ("a/b", "c/d", section 3.10.3) with packet identifier 10,
/// in MQTT 5: an empty property list after the packet identifier.
#[test]
fn unsubscribe_v5_spec_example() {
    let bytes = [
        0xA2, 0x0D, // UNSUBSCRIBE (flags 0010), remaining length 13
        0x00, 0x0A, // packet identifier 10
        0x00, // property length 0
        0x00, 0x03, b'a', b'/', b'b', // topic filter "a/b"
        0x00, 0x03, b'c', b'/', b'd', // topic filter "c/d"
    ];
    let packet = Packet::Unsubscribe(Unsubscribe {
        pid: pid(10),
        properties: Properties::default(),
        filters: vec![cs("a/b"), cs("c/d")],
    });
    assert_vector(&bytes, V5, &packet);
}

#[test]
fn unsubscribe_v5() {
    let bytes = [
        0xA2, 0x14, // UNSUBSCRIBE, remaining length 20
        0x00, 0x0B, // packet identifier 11
        0x07, // property length 7
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property ("k", "v")
        0x00, 0x03, b'a', b'/', b'b', // topic filter "a/b"
        0x00, 0x03, b'a', b'/', b'#', // topic filter "a/#"
    ];
    let packet = Packet::Unsubscribe(Unsubscribe {
        pid: pid(11),
        properties: Properties {
            user_properties: vec![(cs("k"), cs("v"))],
            ..Default::default()
        },
        filters: vec![cs("a/b"), cs("a/#")],
    });
    assert_vector(&bytes, V5, &packet);
}

#[test]
fn unsuback_v311() {
    let bytes = [
        0xB0, 0x02, // UNSUBACK, remaining length 2
        0x00, 0x0A, // packet identifier 10
    ];
    let packet = Packet::UnsubAck(UnsubAck {
        pid: pid(10),
        properties: Properties::default(),
        reason_codes: vec![],
    });
    assert_vector(&bytes, V4, &packet);
}

#[test]
fn unsuback_v5() {
    let bytes = [
        0xB0, 0x07, // UNSUBACK, remaining length 7
        0x00, 0x0B, // packet identifier 11
        0x00, // property length 0
        0x00, // Success
        0x11, // No subscription existed
        0x87, // Not authorized
        0x8F, // Topic Filter invalid
    ];
    let packet = Packet::UnsubAck(UnsubAck {
        pid: pid(11),
        properties: Properties::default(),
        reason_codes: vec![
            ReasonCode::Success,
            ReasonCode::NoSubscriptionExisted,
            ReasonCode::NotAuthorized,
            ReasonCode::TopicFilterInvalid,
        ],
    });
    assert_vector(&bytes, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// PINGREQ, PINGRESP, DISCONNECT, AUTH
// ---------------------------------------------------------------------------------------------

#[test]
fn pingreq_pingresp_all_versions() {
    for v in VERSIONS {
        assert_vector(&[0xC0, 0x00], v, &Packet::PingReq); // PINGREQ, remaining length 0
        assert_vector(&[0xD0, 0x00], v, &Packet::PingResp); // PINGRESP, remaining length 0
    }
}

#[test]
fn disconnect_v311() {
    // DISCONNECT, remaining length 0
    assert_vector(
        &[0xE0, 0x00],
        V4,
        &Packet::Disconnect(Disconnect::default()),
    );
    assert_vector(
        &[0xE0, 0x00],
        V3_1,
        &Packet::Disconnect(Disconnect::default()),
    );
}

/// MQTT 5 section 3.14.2.1: "If the Remaining Length is less than 1 the value of 0x00 (Normal
/// disconnection) is used", and 3.14.2.2.1: "If the Remaining Length is less than 2, a value
/// of 0 is used" for the property length.
#[test]
fn disconnect_v5_short_forms() {
    let normal = Packet::Disconnect(Disconnect::default());
    // remaining length 0: Normal disconnection
    assert_vector(&[0xE0, 0x00], V5, &normal);
    // remaining length 1: reason code only (0x04 Disconnect with Will Message)
    assert_vector(
        &[0xE0, 0x01, 0x04],
        V5,
        &Packet::Disconnect(Disconnect {
            reason_code: ReasonCode::DisconnectWithWillMessage,
            properties: Properties::default(),
        }),
    );
    // longer forms of Normal disconnection decode to the same packet
    assert_decodes(&[0xE0, 0x01, 0x00], V5, &normal);
    assert_decodes(&[0xE0, 0x02, 0x00, 0x00], V5, &normal);
}

#[test]
fn disconnect_v5_with_properties() {
    let bytes = [
        0xE0, 0x1A, // DISCONNECT, remaining length 26
        0x8B, // Server shutting down
        0x18, // property length 24
        0x11, 0x00, 0x00, 0x00, 0x00, // Session Expiry Interval 0
        0x1C, 0x00, 0x03, b's', b'r', b'v', // Server Reference "srv"
        0x1F, 0x00, 0x03, b'b', b'y', b'e', // Reason String "bye"
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property ("k", "v")
    ];
    let packet = Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::ServerShuttingDown,
        properties: Properties {
            session_expiry_interval: Some(0),
            server_reference: Some(cs("srv")),
            reason_string: Some(cs("bye")),
            user_properties: vec![(cs("k"), cs("v"))],
            ..Default::default()
        },
    });
    assert_vector(&bytes, V5, &packet);
}

/// MQTT 5 section 3.15.2.1: "The Reason Code and Property Length can be omitted if the Reason
/// Code is 0x00 (Success) and there are no Properties. In this case the AUTH has a Remaining
/// Length of 0."
#[test]
fn auth_v5_short_form() {
    assert_vector(&[0xF0, 0x00], V5, &Packet::Auth(Auth::default()));
    assert_decodes(
        &[0xF0, 0x02, 0x00, 0x00],
        V5,
        &Packet::Auth(Auth::default()),
    );
}

#[test]
fn auth_v5_with_properties() {
    let bytes = [
        0xF0, 0x1A, // AUTH, remaining length 26
        0x18, // Continue authentication
        0x18, // property length 24
        0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M', // Authentication Method "SCRAM"
        0x16, 0x00, 0x02, 0x01, 0x02, // Authentication Data 01 02
        0x1F, 0x00, 0x01, b'c', // Reason String "c"
        0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property ("k", "v")
    ];
    let packet = Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: Properties {
            authentication_method: Some(cs("SCRAM")),
            authentication_data: Some(cb(&[1, 2])),
            reason_string: Some(cs("c")),
            user_properties: vec![(cs("k"), cs("v"))],
            ..Default::default()
        },
    });
    assert_vector(&bytes, V5, &packet);
    // 0x19 Re-authenticate, with the method only
    let bytes = [
        0xF0, 0x0A, // AUTH, remaining length 10
        0x19, // Re-authenticate
        0x08, // property length 8
        0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M', // Authentication Method "SCRAM"
    ];
    let packet = Packet::Auth(Auth {
        reason_code: ReasonCode::ReAuthenticate,
        properties: Properties {
            authentication_method: Some(cs("SCRAM")),
            ..Default::default()
        },
    });
    assert_vector(&bytes, V5, &packet);
}

// ---------------------------------------------------------------------------------------------
// Tables of the specification
// ---------------------------------------------------------------------------------------------

/// MQTT 5.0 section 2.2.2.2, Table 2-4 "Properties": identifier, name and where each is
/// allowed, written out from the specification.
#[test]
fn property_table_2_4() {
    use PacketType as T;
    // W = will properties
    let table: [(u8, &str, &[&str]); 27] = [
        (0x01, "Payload Format Indicator", &["PUBLISH", "W"]),
        (0x02, "Message Expiry Interval", &["PUBLISH", "W"]),
        (0x03, "Content Type", &["PUBLISH", "W"]),
        (0x08, "Response Topic", &["PUBLISH", "W"]),
        (0x09, "Correlation Data", &["PUBLISH", "W"]),
        (0x0B, "Subscription Identifier", &["PUBLISH", "SUBSCRIBE"]),
        (
            0x11,
            "Session Expiry Interval",
            &["CONNECT", "CONNACK", "DISCONNECT"],
        ),
        (0x12, "Assigned Client Identifier", &["CONNACK"]),
        (0x13, "Server Keep Alive", &["CONNACK"]),
        (
            0x15,
            "Authentication Method",
            &["CONNECT", "CONNACK", "AUTH"],
        ),
        (0x16, "Authentication Data", &["CONNECT", "CONNACK", "AUTH"]),
        (0x17, "Request Problem Information", &["CONNECT"]),
        (0x18, "Will Delay Interval", &["W"]),
        (0x19, "Request Response Information", &["CONNECT"]),
        (0x1A, "Response Information", &["CONNACK"]),
        (0x1C, "Server Reference", &["CONNACK", "DISCONNECT"]),
        (
            0x1F,
            "Reason String",
            &[
                "CONNACK",
                "PUBACK",
                "PUBREC",
                "PUBREL",
                "PUBCOMP",
                "SUBACK",
                "UNSUBACK",
                "DISCONNECT",
                "AUTH",
            ],
        ),
        (0x21, "Receive Maximum", &["CONNECT", "CONNACK"]),
        (0x22, "Topic Alias Maximum", &["CONNECT", "CONNACK"]),
        (0x23, "Topic Alias", &["PUBLISH"]),
        (0x24, "Maximum QoS", &["CONNACK"]),
        (0x25, "Retain Available", &["CONNACK"]),
        (
            0x26,
            "User Property",
            &[
                "CONNECT",
                "CONNACK",
                "PUBLISH",
                "W",
                "PUBACK",
                "PUBREC",
                "PUBREL",
                "PUBCOMP",
                "SUBSCRIBE",
                "SUBACK",
                "UNSUBSCRIBE",
                "UNSUBACK",
                "DISCONNECT",
                "AUTH",
            ],
        ),
        (0x27, "Maximum Packet Size", &["CONNECT", "CONNACK"]),
        (0x28, "Wildcard Subscription Available", &["CONNACK"]),
        (0x29, "Subscription Identifier Available", &["CONNACK"]),
        (0x2A, "Shared Subscription Available", &["CONNACK"]),
    ];
    let all_packets = [
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
        T::PingReq,
        T::PingResp,
        T::Disconnect,
        T::Auth,
    ];
    for (value, name, allowed) in table {
        let id = PropertyId::from_u8(value).unwrap_or_else(|| panic!("{value:#04x} unknown"));
        assert_eq!(id as u8, value);
        assert_eq!(id.name(), name);
        assert_eq!(
            id.allowed_in(PropertyContext::Will),
            allowed.contains(&"W"),
            "{name} in will properties"
        );
        for t in all_packets {
            assert_eq!(
                id.allowed_in(PropertyContext::Packet(t)),
                allowed.contains(&t.name()),
                "{name} in {t}"
            );
        }
    }
    // Every other identifier is unknown.
    let known: Vec<u8> = table.iter().map(|r| r.0).collect();
    for v in 0..=u8::MAX {
        assert_eq!(
            PropertyId::from_u8(v).is_some(),
            known.contains(&v),
            "{v:#04x}"
        );
    }
}

/// MQTT 5.0 section 2.4, Table 2-6 "Reason Codes": which packets carry each code.
#[test]
fn reason_code_table_2_6() {
    use PacketType as T;
    let table: [(u8, &[T]); 43] = [
        (
            0x00,
            &[
                T::ConnAck,
                T::PubAck,
                T::PubRec,
                T::PubRel,
                T::PubComp,
                T::UnsubAck,
                T::Auth,
                T::Disconnect, // Normal disconnection
                T::SubAck,     // Granted QoS 0
            ],
        ),
        (0x01, &[T::SubAck]),
        (0x02, &[T::SubAck]),
        (0x04, &[T::Disconnect]),
        (0x10, &[T::PubAck, T::PubRec]),
        (0x11, &[T::UnsubAck]),
        (0x18, &[T::Auth]),
        (0x19, &[T::Auth]),
        (
            0x80,
            &[
                T::ConnAck,
                T::PubAck,
                T::PubRec,
                T::SubAck,
                T::UnsubAck,
                T::Disconnect,
            ],
        ),
        (0x81, &[T::ConnAck, T::Disconnect]),
        (0x82, &[T::ConnAck, T::Disconnect]),
        (
            0x83,
            &[
                T::ConnAck,
                T::PubAck,
                T::PubRec,
                T::SubAck,
                T::UnsubAck,
                T::Disconnect,
            ],
        ),
        (0x84, &[T::ConnAck]),
        (0x85, &[T::ConnAck]),
        (0x86, &[T::ConnAck]),
        (
            0x87,
            &[
                T::ConnAck,
                T::PubAck,
                T::PubRec,
                T::SubAck,
                T::UnsubAck,
                T::Disconnect,
            ],
        ),
        (0x88, &[T::ConnAck]),
        (0x89, &[T::ConnAck, T::Disconnect]),
        (0x8A, &[T::ConnAck]),
        (0x8B, &[T::Disconnect]),
        (0x8C, &[T::ConnAck, T::Disconnect]),
        (0x8D, &[T::Disconnect]),
        (0x8E, &[T::Disconnect]),
        (0x8F, &[T::SubAck, T::UnsubAck, T::Disconnect]),
        (0x90, &[T::ConnAck, T::PubAck, T::PubRec, T::Disconnect]),
        (0x91, &[T::PubAck, T::PubRec, T::SubAck, T::UnsubAck]),
        (0x92, &[T::PubRel, T::PubComp]),
        (0x93, &[T::Disconnect]),
        (0x94, &[T::Disconnect]),
        (0x95, &[T::ConnAck, T::Disconnect]),
        (0x96, &[T::Disconnect]),
        (
            0x97,
            &[T::ConnAck, T::PubAck, T::PubRec, T::SubAck, T::Disconnect],
        ),
        (0x98, &[T::Disconnect]),
        (0x99, &[T::ConnAck, T::PubAck, T::PubRec, T::Disconnect]),
        (0x9A, &[T::ConnAck, T::Disconnect]),
        (0x9B, &[T::ConnAck, T::Disconnect]),
        (0x9C, &[T::ConnAck, T::Disconnect]),
        (0x9D, &[T::ConnAck, T::Disconnect]),
        (0x9E, &[T::SubAck, T::Disconnect]),
        (0x9F, &[T::ConnAck, T::Disconnect]),
        (0xA0, &[T::Disconnect]),
        (0xA1, &[T::SubAck, T::Disconnect]),
        (0xA2, &[T::SubAck, T::Disconnect]),
    ];
    let packets = [
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
        T::PingReq,
        T::PingResp,
        T::Disconnect,
        T::Auth,
    ];
    for (value, allowed) in table {
        let rc = ReasonCode::from_u8(value).unwrap_or_else(|| panic!("{value:#04x} unknown"));
        assert_eq!(rc.value(), value);
        assert_eq!(rc.is_error(), value >= 0x80);
        for t in packets {
            assert_eq!(
                rc.allowed_in(t),
                allowed.contains(&t),
                "{value:#04x} in {t}"
            );
        }
    }
    let known: Vec<u8> = table.iter().map(|r| r.0).collect();
    for v in 0..=u8::MAX {
        assert_eq!(
            ReasonCode::from_u8(v).is_some(),
            known.contains(&v),
            "{v:#04x}"
        );
    }
}

/// The fixed header of each packet type (section 2.1.2, Table 2-1, and 2.1.3, Table 2-2).
#[test]
fn fixed_header_types_and_flags_table_2_1_2_2() {
    let table = [
        (1u8, PacketType::Connect, 0u8),
        (2, PacketType::ConnAck, 0),
        (3, PacketType::Publish, 0),
        (4, PacketType::PubAck, 0),
        (5, PacketType::PubRec, 0),
        (6, PacketType::PubRel, 0b0010),
        (7, PacketType::PubComp, 0),
        (8, PacketType::Subscribe, 0b0010),
        (9, PacketType::SubAck, 0),
        (10, PacketType::Unsubscribe, 0b0010),
        (11, PacketType::UnsubAck, 0),
        (12, PacketType::PingReq, 0),
        (13, PacketType::PingResp, 0),
        (14, PacketType::Disconnect, 0),
        (15, PacketType::Auth, 0),
    ];
    for (nibble, t, flags) in table {
        assert_eq!(PacketType::from_nibble(nibble), Ok(t));
        assert_eq!(t as u8, nibble);
        assert_eq!(t.required_flags(), flags, "{t}");
        let h = FixedHeader::parse(&[(nibble << 4) | flags, 0x00])
            .unwrap()
            .unwrap();
        assert_eq!(h.packet_type, t);
        assert_eq!(h.flags, flags);
        assert_eq!(h.remaining_length, 0);
        assert_eq!(h.header_len, 2);
    }
    // A fixed header cut short asks for more.
    assert_eq!(FixedHeader::parse(&[]), Ok(None));
    assert_eq!(FixedHeader::parse(&[0x30]), Ok(None));
    assert_eq!(FixedHeader::parse(&[0x30, 0x80]), Ok(None));
}

/// Protocol levels and names of section 3.1.2.1 / 3.1.2.2.
#[test]
fn protocol_versions() {
    assert_eq!(ProtocolVersion::from_level(3), Ok(V3_1));
    assert_eq!(ProtocolVersion::from_level(4), Ok(V4));
    assert_eq!(ProtocolVersion::from_level(5), Ok(V5));
    assert_eq!(V3_1.protocol_name(), "MQIsdp");
    assert_eq!(V4.protocol_name(), "MQTT");
    assert_eq!(V5.protocol_name(), "MQTT");
    assert_eq!(
        ProtocolVersion::from_level(6),
        Err(Error::UnsupportedProtocolVersion(6))
    );
}

/// Several packets back to back decode one at a time.
#[test]
fn packets_back_to_back() {
    let stream = [
        0x20, 0x02, 0x00, 0x00, // CONNACK accepted
        0x32, 0x08, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, b'!', // PUBLISH QoS 1
        0xD0, 0x00, // PINGRESP
    ];
    let (p1, n1) = Packet::decode(&stream, V4).unwrap().unwrap();
    assert_eq!(n1, 4);
    assert_eq!(p1, connack(false, ReasonCode::Success));
    let (p2, n2) = Packet::decode(&stream[n1..], V4).unwrap().unwrap();
    assert_eq!(n2, 10);
    assert!(
        matches!(p2, Packet::Publish(ref p) if p.topic == "a/b" && p.payload == Cow::Borrowed(b"!".as_slice()))
    );
    let (p3, n3) = Packet::decode(&stream[n1 + n2..], V4).unwrap().unwrap();
    assert_eq!((p3, n3), (Packet::PingResp, 2));
}
