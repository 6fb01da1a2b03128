//! Enhanced authentication (MQTT 5, section 4.12): the exchange goes through the application.

use std::borrow::Cow;

use crate::peer::*;

const METHOD: &str = "SCRAM-SHA-256";

fn auth_props(method: &str, data: &[u8]) -> Properties<'static> {
    Properties {
        authentication_method: Some(method.to_string().into()),
        authentication_data: Some(Cow::Owned(data.to_vec())),
        ..Properties::default()
    }
}

fn with_method() -> Peer {
    let mut o = options(V5);
    o.properties.authentication_method = Some(METHOD.into());
    o.properties.authentication_data = Some(Cow::Owned(b"client-first".to_vec()));
    Peer::new(o)
}

/// Every AUTH the client wrote carries the CONNECT's Authentication Method.
fn auth_methods(sent: &[Packet<'_>]) -> Vec<Option<String>> {
    sent.iter()
        .filter_map(|p| match p {
            Packet::Auth(a) => Some(
                a.properties
                    .authentication_method
                    .as_deref()
                    .map(String::from),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn server_auth_continue_reaches_the_app_which_answers_with_auth_mqtt_4_12_0_2_mqtt_4_12_0_3() {
    let mut peer = with_method();
    let c = peer.open();
    assert_eq!(c.properties.authentication_method.as_deref(), Some(METHOD));
    peer.server_sends(Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: auth_props(METHOD, b"server-first"),
    }));
    assert_eq!(
        peer.events(),
        [Event::Auth {
            reason_code: ReasonCode::ContinueAuthentication,
            properties: auth_props(METHOD, b"server-first"),
        }]
    );
    assert_eq!(peer.session.state(), State::Connecting);
    peer.session
        .auth(
            peer.now,
            ReasonCode::ContinueAuthentication,
            auth_props(METHOD, b"client-final"),
        )
        .unwrap();
    match peer.client_sent().as_slice() {
        [Packet::Auth(a)] => {
            assert_eq!(a.reason_code, ReasonCode::ContinueAuthentication);
            assert_eq!(a.properties, auth_props(METHOD, b"client-final"));
        }
        other => panic!("{:?}", describe_all(other)),
    }
    peer.server_sends(connack(false, auth_props(METHOD, b"server-final")));
    assert!(peer.session.is_connected());
    assert!(matches!(peer.events().as_slice(), [Event::Connected(c)]
        if c.properties.authentication_data.as_deref() == Some(&b"server-final"[..])));
}

#[test]
fn only_auth_goes_out_before_connack_when_an_authentication_method_is_set_mqtt_3_1_2_30() {
    let mut peer = with_method();
    peer.publish("t", b"q", QoS::AtLeastOnce);
    peer.subscribe(vec![filter("s", QoS::AtMostOnce)]);
    peer.open();
    peer.server_sends(Packet::Auth(Auth {
        reason_code: ReasonCode::ContinueAuthentication,
        properties: auth_props(METHOD, b"challenge"),
    }));
    peer.session
        .auth(
            0,
            ReasonCode::ContinueAuthentication,
            auth_props(METHOD, b"response"),
        )
        .unwrap();
    peer.advance(20_000);
    assert_eq!(peer.sent_names(), ["AUTH"]);
    peer.server_sends(connack(false, auth_props(METHOD, b"ok")));
    assert_eq!(peer.sent_names(), ["PUBLISH(q,1)", "SUBSCRIBE(2)"]);
}

#[test]
fn reauthentication_sends_auth_0x19_and_the_result_reaches_the_app_mqtt_4_12_1_1() {
    let mut peer = with_method();
    peer.connect(auth_props(METHOD, b"ok"));
    peer.events();
    peer.session
        .auth(0, ReasonCode::ReAuthenticate, auth_props(METHOD, b"again"))
        .unwrap();
    match peer.client_sent().as_slice() {
        [Packet::Auth(a)] => {
            assert_eq!(a.reason_code, ReasonCode::ReAuthenticate);
            assert_eq!(a.properties.authentication_method.as_deref(), Some(METHOD));
        }
        other => panic!("{:?}", describe_all(other)),
    }
    peer.server_sends(Packet::Auth(Auth {
        reason_code: ReasonCode::Success,
        properties: auth_props(METHOD, b"done"),
    }));
    assert_eq!(
        peer.events(),
        [Event::Auth {
            reason_code: ReasonCode::Success,
            properties: auth_props(METHOD, b"done"),
        }]
    );
    assert!(peer.session.is_connected());
}

#[test]
fn failed_reauthentication_disconnect_ends_the_connection_mqtt_4_12_1_2() {
    let mut peer = with_method();
    peer.connect(auth_props(METHOD, b"ok"));
    peer.events();
    peer.session
        .auth(0, ReasonCode::ReAuthenticate, auth_props(METHOD, b"again"))
        .unwrap();
    peer.client_sent();
    peer.server_sends(Packet::Disconnect(Disconnect {
        reason_code: ReasonCode::NotAuthorized,
        properties: Properties::default(),
    }));
    assert!(matches!(
        the_disconnect(&peer.events()),
        SessionError::ServerDisconnected {
            reason_code: ReasonCode::NotAuthorized,
            ..
        }
    ));
    assert_eq!(peer.session.state(), State::Disconnected);
}

#[test]
fn auth_is_refused_in_v311_and_when_not_connected() {
    let mut peer = Peer::v3();
    peer.connect(Properties::default());
    assert!(matches!(
        peer.session
            .auth(0, ReasonCode::ReAuthenticate, Properties::default()),
        Err(SessionError::InvalidState(_))
    ));
    let mut peer = with_method();
    assert_eq!(
        peer.session
            .auth(0, ReasonCode::ReAuthenticate, auth_props(METHOD, b"x")),
        Err(SessionError::NotConnected)
    );
    assert!(peer.client_sent().is_empty());
}

#[test]
fn no_auth_is_sent_without_an_authentication_method_in_connect_mqtt_4_12_0_7() {
    let mut peer = Peer::v5();
    peer.connect(Properties::default());
    let _ = peer.session.auth(
        0,
        ReasonCode::ReAuthenticate,
        auth_props("SCRAM-SHA-1", b"x"),
    );
    let sent = peer.client_sent();
    assert!(
        auth_methods(&sent).is_empty(),
        "AUTH sent though CONNECT had no Authentication Method"
    );
}

#[test]
fn auth_carries_the_connect_authentication_method_mqtt_4_12_0_5_mqtt_4_12_1_1() {
    let mut peer = with_method();
    peer.connect(auth_props(METHOD, b"ok"));
    // The application forgets the method, then names another one.
    let _ = peer
        .session
        .auth(0, ReasonCode::ReAuthenticate, Properties::default());
    let _ = peer
        .session
        .auth(0, ReasonCode::ReAuthenticate, auth_props("OTHER", b"x"));
    for m in auth_methods(&peer.client_sent()) {
        assert_eq!(
            m.as_deref(),
            Some(METHOD),
            "AUTH with a method other than the CONNECT's"
        );
    }
}

#[test]
fn client_auth_reason_code_is_continue_or_reauthenticate_mqtt_4_12_0_3() {
    let mut peer = with_method();
    peer.connect(auth_props(METHOD, b"ok"));
    let _ = peer
        .session
        .auth(0, ReasonCode::Success, auth_props(METHOD, b"x"));
    for p in peer.client_sent() {
        if let Packet::Auth(a) = p {
            assert!(
                matches!(
                    a.reason_code,
                    ReasonCode::ContinueAuthentication | ReasonCode::ReAuthenticate
                ),
                "client AUTH with reason code {}",
                a.reason_code
            );
        }
    }
}

#[test]
fn auth_with_a_reason_code_auth_cannot_carry_is_refused_mqtt_3_15_2_1() {
    let mut peer = with_method();
    peer.connect(auth_props(METHOD, b"ok"));
    assert!(matches!(
        peer.session
            .auth(0, ReasonCode::NotAuthorized, auth_props(METHOD, b"x")),
        Err(SessionError::InvalidPacket(_))
    ));
    assert!(peer.client_sent().is_empty());
}

/// Reason String [MQTT-3.15.2-2] and User Properties [MQTT-3.15.2-3]: never over the
/// server's Maximum Packet Size.
#[test]
fn auth_too_large_for_the_server_is_refused_mqtt_3_15_2_2() {
    let mut peer = with_method();
    peer.connect(Properties {
        authentication_method: Some(METHOD.into()),
        maximum_packet_size: Some(64),
        ..Properties::default()
    });
    let r = peer
        .session
        .auth(0, ReasonCode::ReAuthenticate, auth_props(METHOD, &[0; 100]));
    assert!(
        matches!(r, Err(SessionError::PacketTooLarge { .. })),
        "{r:?}"
    );
    assert!(peer.client_sent().is_empty());
}
