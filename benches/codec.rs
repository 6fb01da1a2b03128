//! Codec benchmarks: decode and encode of PUBLISH (16 B, 1 KiB, 64 KiB payloads; 3.1.1 QoS 0
//! and QoS 1, 5.0 with properties), CONNECT (5.0 with will and properties, 3.1.1), PUBACK,
//! the canonical 81-byte QoS 1 PUBLISH, and the `Framer` fed 1 KiB publishes in 1460-byte
//! chunks (one TCP segment's payload).
//!
//! `cargo bench --bench codec` (add `-- <filter>` to run some). Measurement is kept short
//! (1 s warm-up, 3 s measurement); pass `--measurement-time N` for steadier figures.

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wasmqtt::codec::{
    Ack, Connect, Framer, Packet, PayloadFormat, Pid, Properties, ProtocolVersion, Publish, QoS,
    QosPid, Will, MAX_PACKET_SIZE,
};

const V311: ProtocolVersion = ProtocolVersion::V3_1_1;
const V5: ProtocolVersion = ProtocolVersion::V5;

const SIZES: [(usize, &str); 3] = [(16, "16B"), (1024, "1KiB"), (65_536, "64KiB")];

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn publish(qos_pid: QosPid, properties: Properties<'static>, payload: Vec<u8>) -> Packet<'static> {
    Packet::Publish(Publish {
        dup: false,
        qos_pid,
        retain: false,
        topic: Cow::Borrowed("sensors/building-7/floor-3/room-12/temperature"),
        properties,
        payload: Cow::Owned(payload),
    })
}

/// A topic alias, a content type, a message expiry and two user properties.
fn publish_properties() -> Properties<'static> {
    Properties {
        payload_format_indicator: Some(PayloadFormat::Unspecified),
        message_expiry_interval: Some(3600),
        content_type: Some(Cow::Borrowed("application/octet-stream")),
        topic_alias: Some(12),
        user_properties: vec![
            (Cow::Borrowed("trace-id"), Cow::Borrowed("4bf92f3577b34da6")),
            (Cow::Borrowed("source"), Cow::Borrowed("gateway-12")),
        ],
        ..Properties::default()
    }
}

fn pid() -> Pid {
    Pid::new(4242).unwrap()
}

/// The PUBLISH variants benchmarked at every payload size.
fn publish_variants(len: usize) -> Vec<(&'static str, ProtocolVersion, Packet<'static>)> {
    vec![
        (
            "publish v3.1.1 qos0",
            V311,
            publish(QosPid::AtMostOnce, Properties::default(), payload(len)),
        ),
        (
            "publish v3.1.1 qos1",
            V311,
            publish(
                QosPid::AtLeastOnce(pid()),
                Properties::default(),
                payload(len),
            ),
        ),
        (
            "publish v5 qos1 props",
            V5,
            publish(
                QosPid::AtLeastOnce(pid()),
                publish_properties(),
                payload(len),
            ),
        ),
    ]
}

/// An 81-byte QoS 1 PUBLISH (3.1.1): topic "hello/world", 64-byte payload.
fn publish_81() -> Packet<'static> {
    Packet::Publish(Publish {
        dup: false,
        qos_pid: QosPid::AtLeastOnce(Pid::new(10).unwrap()),
        retain: false,
        topic: Cow::Borrowed("hello/world"),
        properties: Properties::default(),
        payload: Cow::Owned(payload(64)),
    })
}

fn connect_v5() -> Packet<'static> {
    Packet::Connect(Box::new(Connect {
        protocol: V5,
        clean_start: true,
        keep_alive: 60,
        properties: Properties {
            session_expiry_interval: Some(3600),
            receive_maximum: Some(100),
            maximum_packet_size: Some(1 << 20),
            topic_alias_maximum: Some(16),
            request_problem_information: Some(true),
            user_properties: vec![(Cow::Borrowed("app"), Cow::Borrowed("dashboard"))],
            ..Properties::default()
        },
        client_id: Cow::Borrowed("wasmqtt-5f2c1a9e"),
        will: Some(Will {
            properties: Properties {
                will_delay_interval: Some(10),
                payload_format_indicator: Some(PayloadFormat::Utf8),
                message_expiry_interval: Some(600),
                content_type: Some(Cow::Borrowed("text/plain")),
                ..Properties::default()
            },
            topic: Cow::Borrowed("clients/wasmqtt-5f2c1a9e/status"),
            payload: Cow::Borrowed(b"offline"),
            qos: QoS::AtLeastOnce,
            retain: true,
        }),
        username: Some(Cow::Borrowed("alice")),
        password: Some(Cow::Borrowed(b"correct horse battery staple")),
    }))
}

fn connect_v311() -> Packet<'static> {
    Packet::Connect(Box::new(Connect {
        protocol: V311,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::default(),
        client_id: Cow::Borrowed("wasmqtt-5f2c1a9e"),
        will: None,
        username: Some(Cow::Borrowed("alice")),
        password: Some(Cow::Borrowed(b"correct horse battery staple")),
    }))
}

fn encoded(p: &Packet<'_>, v: ProtocolVersion) -> Vec<u8> {
    let mut buf = Vec::new();
    p.encode_to_vec(v, &mut buf)
        .expect("benchmark packets are valid");
    buf
}

/// Decode and encode of one packet, under `group/name/param`.
fn decode_encode(c: &mut Criterion, name: &str, param: &str, v: ProtocolVersion, p: &Packet<'_>) {
    let bytes = encoded(p, v);
    let len = bytes.len();
    assert_eq!(Packet::decode(&bytes, v).unwrap().unwrap().0, *p);

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(len as u64));
    group.bench_with_input(BenchmarkId::new(name, param), &bytes, |b, bytes| {
        b.iter(|| Packet::decode(black_box(bytes), v))
    });
    group.finish();

    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Bytes(len as u64));
    let mut out = vec![0u8; len];
    group.bench_with_input(BenchmarkId::new(name, param), p, |b, p| {
        b.iter(|| black_box(p).encode(v, black_box(&mut out)))
    });
    group.finish();
}

fn bench_publish(c: &mut Criterion) {
    for (len, param) in SIZES {
        for (name, v, p) in publish_variants(len) {
            decode_encode(c, name, param, v, &p);
        }
    }

    // What keeping a message costs: decode, then copy it out of the read buffer.
    let p = publish(
        QosPid::AtLeastOnce(pid()),
        Properties::default(),
        payload(1024),
    );
    let bytes = encoded(&p, V311);
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("publish v3.1.1 qos1 + into_owned/1KiB", |b| {
        b.iter(|| {
            Packet::decode(black_box(&bytes), V311).map(|o| o.map(|(p, n)| (p.into_owned(), n)))
        })
    });
    group.finish();

    // Appending to a reused Vec, as a client writing into its send buffer does.
    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    let mut out = Vec::with_capacity(bytes.len());
    group.bench_function("publish v3.1.1 qos1 encode_to_vec/1KiB", |b| {
        b.iter(|| {
            out.clear();
            black_box(&p).encode_to_vec(V311, &mut out)
        })
    });
    group.finish();
}

fn bench_small(c: &mut Criterion) {
    let p = publish_81();
    assert_eq!(encoded(&p, V311).len(), 81);
    decode_encode(c, "publish 81B qos1", "v3.1.1", V311, &p);
    decode_encode(c, "connect", "v5 will+props", V5, &connect_v5());
    decode_encode(c, "connect", "v3.1.1", V311, &connect_v311());
    decode_encode(
        c,
        "puback",
        "v3.1.1",
        V311,
        &Packet::PubAck(Ack::new(pid())),
    );
    decode_encode(c, "puback", "v5", V5, &Packet::PubAck(Ack::new(pid())));
}

fn bench_framer(c: &mut Criterion) {
    const PACKETS: usize = 64;
    const SEGMENT: usize = 1460;
    let mut stream = Vec::new();
    for i in 0..PACKETS {
        let p = publish(
            QosPid::AtLeastOnce(Pid::new(i as u16 + 1).unwrap()),
            Properties::default(),
            payload(1024),
        );
        p.encode_to_vec(V311, &mut stream).unwrap();
    }
    let mut group = c.benchmark_group("framer");
    group.throughput(Throughput::Bytes(stream.len() as u64));
    let mut framer = Framer::new(V311, MAX_PACKET_SIZE);
    group.bench_function("64 x 1KiB publish v3.1.1 in 1460B chunks", |b| {
        b.iter(|| {
            framer.reset();
            let mut n = 0;
            for chunk in black_box(&stream).chunks(SEGMENT) {
                framer.push(chunk).unwrap();
                while let Some(p) = framer.next_packet() {
                    black_box(p.unwrap());
                    n += 1;
                }
            }
            assert_eq!(n, PACKETS);
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_publish, bench_small, bench_framer
}
criterion_main!(benches);
