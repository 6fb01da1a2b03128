//! Browser tests (wasm-bindgen-test, headless Chromium) of the codec against a real mosquitto
//! reached through the browser's own WebSocket. `scripts/test.sh` starts the broker on
//! loopback and passes its address at compile time in `WASMQTT_TEST_WS_URL`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Date, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use wasmqtt::codec::{
    Ack, Connect, Framer, Packet, Pid, Properties, ProtocolVersion, Publish, QoS, QosPid,
    ReasonCode, Subscribe, SubscribeFilter, SubscriptionOptions,
};

wasm_bindgen_test_configure!(run_in_browser);

const BROKER: &str = match option_env!("WASMQTT_TEST_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:18083",
};

/// A WebSocket to the broker whose received bytes accumulate in `inbox`.
struct BrokerSocket {
    ws: WebSocket,
    inbox: Rc<RefCell<Vec<u8>>>,
    state: Rc<RefCell<&'static str>>,
    framer: Framer,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl BrokerSocket {
    async fn open(version: ProtocolVersion) -> BrokerSocket {
        let ws = WebSocket::new_with_str(BROKER, "mqtt").expect("WebSocket constructor");
        ws.set_binary_type(BinaryType::Arraybuffer);
        let inbox = Rc::new(RefCell::new(Vec::new()));
        let state = Rc::new(RefCell::new("connecting"));
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                let e: MessageEvent = e.unchecked_into();
                let bytes = Uint8Array::new(&e.data()).to_vec();
                inbox.borrow_mut().extend_from_slice(&bytes);
            })
        };
        let on_state = |name: &'static str| {
            let state = state.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| *state.borrow_mut() = name)
        };
        let (on_open, on_close, on_error) =
            (on_state("open"), on_state("closed"), on_state("error"));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let socket = BrokerSocket {
            ws,
            inbox,
            state,
            framer: Framer::new(version, 1 << 20),
            _handlers: vec![on_message, on_open, on_close, on_error],
        };
        let deadline = Date::now() + 5000.0;
        while *socket.state.borrow() == "connecting" && Date::now() < deadline {
            TimeoutFuture::new(5).await;
        }
        assert_eq!(
            *socket.state.borrow(),
            "open",
            "WebSocket to {BROKER} did not open"
        );
        assert_eq!(
            socket.ws.protocol(),
            "mqtt",
            "broker did not accept subprotocol mqtt"
        );
        socket
    }

    fn send(&self, packet: &Packet<'_>) {
        let mut bytes = Vec::new();
        packet
            .encode_to_vec(self.framer.version(), &mut bytes)
            .expect("encodable packet");
        self.ws.send_with_u8_array(&bytes).expect("send");
    }

    /// The next packet from the broker, through the framer. The deadline only turns a hang
    /// into a failure: mosquitto 2.0's WebSocket listener reads a large frame in 4 KiB steps a
    /// service-loop tick apart (70 kB took 1.85 s here), so it is generous.
    async fn next(&mut self) -> Packet<'static> {
        let deadline = Date::now() + 10_000.0;
        loop {
            let pending = std::mem::take(&mut *self.inbox.borrow_mut());
            self.framer.push(&pending).expect("well-framed stream");
            if let Some(packet) = self.framer.next_packet() {
                return packet.expect("well-formed packet").into_owned();
            }
            assert!(
                Date::now() < deadline,
                "no packet from the broker within 10 s"
            );
            TimeoutFuture::new(5).await;
        }
    }
}

impl Drop for BrokerSocket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onopen(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

fn connect(
    version: ProtocolVersion,
    client_id: &str,
    properties: Properties<'static>,
) -> Connect<'static> {
    Connect {
        protocol: version,
        clean_start: true,
        keep_alive: 30,
        properties,
        client_id: client_id.to_owned().into(),
        will: None,
        username: None,
        password: None,
    }
}

/// A topic no other test run shares.
fn unique_topic(prefix: &str) -> String {
    let salt = (js_sys::Math::random() * 1e9) as u64;
    format!("wasmqtt/test/{prefix}/{}-{salt}", Date::now() as u64)
}

#[wasm_bindgen_test]
async fn v5_connect_gets_connack_with_server_properties() {
    let mut socket = BrokerSocket::open(ProtocolVersion::V5).await;
    let properties = Properties {
        session_expiry_interval: Some(0),
        receive_maximum: Some(32),
        maximum_packet_size: Some(1 << 20),
        topic_alias_maximum: Some(8),
        request_problem_information: Some(true),
        user_properties: vec![("client".into(), "wasmqtt".into())],
        ..Default::default()
    };
    // An empty client id with clean start: the server must assign one [MQTT-3.2.2-16].
    let packet = Packet::Connect(Box::new(connect(ProtocolVersion::V5, "", properties)));
    socket.send(&packet);
    let Packet::ConnAck(connack) = socket.next().await else {
        panic!("expected CONNACK")
    };
    assert_eq!(connack.reason_code, ReasonCode::Success);
    assert!(
        !connack.session_present,
        "clean start gives no session [MQTT-3.2.2-2]"
    );
    let assigned = connack.properties.assigned_client_identifier.as_deref();
    assert!(
        assigned.is_some_and(|id| !id.is_empty()),
        "CONNACK lacks an Assigned Client Identifier: {connack:?}"
    );
    // mosquitto announces its Topic Alias Maximum and Receive Maximum.
    assert!(
        connack.properties.topic_alias_maximum.is_some(),
        "{connack:?}"
    );
    assert!(connack.properties.receive_maximum.is_some(), "{connack:?}");
}

#[wasm_bindgen_test]
async fn v5_connack_refusal_decodes_its_reason_code() {
    let mut socket = BrokerSocket::open(ProtocolVersion::V5).await;
    // An authentication method mosquitto has no plugin for: refused with 0x8C.
    let properties = Properties {
        authentication_method: Some("SCRAM-SHA-512".into()),
        ..Default::default()
    };
    let c = connect(ProtocolVersion::V5, "wasmqtt-refused", properties);
    socket.send(&Packet::Connect(Box::new(c)));
    let Packet::ConnAck(connack) = socket.next().await else {
        panic!("expected CONNACK")
    };
    assert_eq!(connack.reason_code, ReasonCode::BadAuthenticationMethod);
    assert!(!connack.session_present, "[MQTT-3.2.2-6]");
}

async fn qos1_self_loop(version: ProtocolVersion) {
    let mut socket = BrokerSocket::open(version).await;
    let client_id = format!("wasmqtt-loop-{}", version.level());
    let c = connect(version, &client_id, Properties::default());
    socket.send(&Packet::Connect(Box::new(c)));
    let Packet::ConnAck(connack) = socket.next().await else {
        panic!("expected CONNACK")
    };
    assert_eq!(connack.reason_code, ReasonCode::Success);

    let topic = unique_topic("loop");
    let sub_pid = Pid::new(1).unwrap();
    socket.send(&Packet::Subscribe(Subscribe {
        pid: sub_pid,
        properties: Properties::default(),
        filters: vec![SubscribeFilter {
            filter: format!("{topic}/+").into(),
            options: SubscriptionOptions::qos(QoS::AtLeastOnce),
        }],
    }));
    let Packet::SubAck(suback) = socket.next().await else {
        panic!("expected SUBACK")
    };
    assert_eq!(suback.pid, sub_pid);
    assert_eq!(suback.reason_codes, vec![ReasonCode::GrantedQoS1]);

    // 20 kB: a remaining length of three bytes (> 16383), and every byte value in the payload.
    let payload: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    let pub_pid = Pid::new(7).unwrap();
    socket.send(&Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtLeastOnce(pub_pid),
        retain: false,
        topic: format!("{topic}/x").into(),
        properties: Properties::default(),
        payload: payload.clone().into(),
    }));
    let (mut got_puback, mut got_publish) = (false, false);
    while !(got_puback && got_publish) {
        match socket.next().await {
            Packet::PubAck(ack) => {
                assert_eq!(ack.pid, pub_pid);
                got_puback = true;
            }
            Packet::Publish(p) => {
                assert_eq!(p.topic, format!("{topic}/x"));
                assert_eq!(p.qos_pid.qos(), QoS::AtLeastOnce);
                assert!(
                    p.payload == payload.as_slice(),
                    "payload changed in transit"
                );
                let pid = p.qos_pid.pid().expect("QoS 1 has a packet id");
                socket.send(&Packet::PubAck(Ack::new(pid)));
                got_publish = true;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    socket.send(&Packet::Disconnect(Default::default()));
}

#[wasm_bindgen_test]
async fn v311_qos1_publish_comes_back_through_subscription() {
    qos1_self_loop(ProtocolVersion::V3_1_1).await;
}

#[wasm_bindgen_test]
async fn v5_qos1_publish_comes_back_through_subscription() {
    qos1_self_loop(ProtocolVersion::V5).await;
}
