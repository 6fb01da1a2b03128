// The interop tests, written once and run per broker / protocol version by
// mosquitto-v311.test.mjs, mosquitto-v5.test.mjs and aedes-v311.test.mjs:
// the browser (wasmqtt in Chromium) on one side of the broker, MQTT.js (Node) on the other.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  b64,
  browserEnv,
  bytesOf,
  describeBytes,
  endMqttjs,
  mqttjs,
  pseudoRandomBytes,
  sleep,
  uniqueTopic,
  waitFor,
} from "./harness.mjs";

const T = { timeout: 15000 };
const HOOK = { timeout: 30000 };

const TEXT = "héllo wörld ✓ 🚀 — MQTT";
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const EMPTY = Buffer.alloc(0);
const BIG = pseudoRandomBytes(100 * 1024);

/** The payload sequence sent at each QoS: [label, Buffer]. */
function payloadSequence(q) {
  const seq = [
    ["text", Buffer.from(TEXT, "utf8")],
    ["binary", BINARY],
    ["empty", EMPTY],
    ["100KB", BIG],
  ];
  for (let i = 0; i < 10; i++) seq.push([`seq${i}`, Buffer.from(`q${q}-n${i}`)]);
  return seq;
}

/**
 * Defines the suite.
 *   name:            label in test names, e.g. "mosquitto 5.0"
 *   protocolVersion: 4 or 5 (the browser's and MQTT.js's)
 *   startBroker():   resolves { wsUrl, mqttUrl, dispose() }
 *   extraTests({ getBroker, getEnv, browserClient, protocolVersion }): defines more tests
 *                    in the same suite (e.g. aedes's WebSocket framing)
 */
export function interopSuite({ name, protocolVersion, startBroker, extraTests }) {
  const v5 = protocolVersion === 5;
  describe(`interop: wasmqtt (Chromium) <-> ${name} <-> MQTT.js`, () => {
    let broker;
    let env;

    before(async () => {
      broker = await startBroker();
      env = await browserEnv();
    }, HOOK);

    after(async () => {
      if (env) await env.dispose();
      if (broker) await broker.dispose();
    }, HOOK);

    /** A page with a connected browser client; returns { p, id }. */
    async function browserClient(opts = {}) {
      const p = await env.open();
      const id = await p.page.evaluate(
        ([url, opts]) => window.H.connect(url, opts),
        [broker.wsUrl, { protocolVersion, reconnectPeriod: 0, connectTimeout: 5000, ...opts }],
      );
      const [ev] = await p.page.evaluate((id) => window.H.waitEvents(id, "connect", 1, 5000), id);
      const connack = ev.args[0];
      assert.equal(connack.cmd, "connack");
      if (v5) assert.equal(connack.reasonCode, 0, "v5 CONNACK packet carries reasonCode 0");
      else assert.equal(connack.returnCode, 0, "3.1.1 CONNACK packet carries returnCode 0");
      return { p, id };
    }

    const mqttjsOpts = { protocolVersion };

    test(`${name}: MQTT.js QoS 0/1/2 publishes reach the browser in order with exact bytes (text, binary, empty, 100 KB)`, T, async () => {
      const base = uniqueTopic();
      const { p, id } = await browserClient();
      const peer = await mqttjs(broker.mqttUrl, mqttjsOpts);
      try {
        const granted = await p.page.evaluate(([id, f]) => window.H.subscribe(id, f, { qos: 2 }), [id, `${base}/#`]);
        assert.deepEqual(granted, [{ topic: `${base}/#`, qos: 2 }]);

        const expected = [];
        const sends = [];
        for (const q of [0, 1, 2]) {
          for (const [label, payload] of payloadSequence(q)) {
            expected.push({ topic: `${base}/q${q}`, q, label, payload });
            sends.push(peer.publishAsync(`${base}/q${q}`, payload, { qos: q }));
          }
        }
        await Promise.all(sends);
        await p.page.evaluate(([id, n]) => window.H.waitMessages(id, n, 10000), [id, expected.length]);
        await sleep(200); // anything extra (duplicates) would show now
        const got = await p.page.evaluate((id) => window.H.messages(id), id);
        assert.equal(got.length, expected.length, "no message lost or duplicated");

        for (const q of [0, 1, 2]) {
          const want = expected.filter((e) => e.q === q);
          const have = got.filter((m) => m.topic === `${base}/q${q}`);
          assert.equal(have.length, want.length, `QoS ${q}: count`);
          want.forEach((w, i) => {
            const m = have[i];
            const bytes = bytesOf(m.payload);
            assert.ok(
              bytes.equals(w.payload),
              `QoS ${q} #${i} (${w.label}): expected ${describeBytes(w.payload)}, got ${describeBytes(bytes)}`,
            );
            assert.equal(m.payloadIsUint8Array, true, "payload is a Uint8Array");
            assert.equal(m.packetPayloadSame, true, "packet.payload is the payload argument");
            assert.equal(m.packet.cmd, "publish");
            assert.equal(m.packet.topic, w.topic);
            assert.equal(m.packet.qos, q, `QoS ${q} #${i}: packet.qos`);
            assert.equal(m.packet.retain, false);
            assert.equal(m.packet.dup, false);
            if (q > 0) assert.equal(typeof m.packet.messageId, "number");
            if (w.label === "text") assert.equal(m.payload.$text, TEXT, "payload.toString() decodes UTF-8");
          });
        }
        p.assertClean();
      } finally {
        await endMqttjs(peer);
        await p.close();
      }
    });

    test(`${name}: browser QoS 0/1/2 publishes reach MQTT.js in order with exact bytes`, T, async () => {
      const base = uniqueTopic();
      const { p, id } = await browserClient();
      const peer = await mqttjs(broker.mqttUrl, mqttjsOpts);
      try {
        await peer.subscribeAsync(`${base}/#`, { qos: 2 });
        const expected = [];
        const items = [];
        for (const q of [0, 1, 2]) {
          for (const [label, payload] of payloadSequence(q)) {
            expected.push({ topic: `${base}/q${q}`, q, label, payload });
            // Text goes as a string, the rest as bytes; "binary" as a view with a byteOffset.
            const desc =
              label === "text"
                ? { text: TEXT }
                : label === "binary"
                  ? { ...b64(payload), pad: 7 }
                  : b64(payload);
            items.push({ topic: `${base}/q${q}`, payload: desc, opts: { qos: q } });
          }
        }
        const results = await p.page.evaluate(([id, items]) => window.H.publishAll(id, items), [id, items]);
        results.forEach((r, i) => assert.ok(r.ok, `publishAsync #${i} failed: ${JSON.stringify(r.error)}`));
        // Completed QoS 1/2 publishes resolve with MQTT.js-like packets; in v5 with a reasonCode.
        for (const [i, r] of results.entries()) {
          if (expected[i].q > 0 && v5) assert.equal(r.value.reasonCode, 0, `publish #${i} reasonCode`);
        }
        await waitFor(() => peer.received.length >= expected.length, 10000, () => `${expected.length} messages at MQTT.js, have ${peer.received.length}`);
        await sleep(200);
        assert.equal(peer.received.length, expected.length, "no message lost or duplicated");
        for (const q of [0, 1, 2]) {
          const want = expected.filter((e) => e.q === q);
          const have = peer.received.filter((m) => m.topic === `${base}/q${q}`);
          assert.equal(have.length, want.length, `QoS ${q}: count`);
          want.forEach((w, i) => {
            assert.ok(
              have[i].payload.equals(w.payload),
              `QoS ${q} #${i} (${w.label}): expected ${describeBytes(w.payload)}, got ${describeBytes(have[i].payload)}`,
            );
            assert.equal(have[i].packet.qos, q, `QoS ${q} #${i}: qos at MQTT.js`);
            assert.equal(have[i].packet.retain, false);
          });
        }
        p.assertClean();
      } finally {
        await endMqttjs(peer);
        await p.close();
      }
    });

    test(`${name}: retained messages reach later subscribers both ways, with retain=true`, T, async () => {
      const base = uniqueTopic();
      const fromPeer = pseudoRandomBytes(300, 7);
      const fromBrowser = Buffer.from([0, 0xff, 0x10, 0x80, 0x7f]);
      const publisher = await mqttjs(broker.mqttUrl, mqttjsOpts);
      let late;
      const { p, id } = await browserClient();
      try {
        // MQTT.js retains, then the browser subscribes.
        await publisher.publishAsync(`${base}/from-mqttjs`, fromPeer, { qos: 1, retain: true });
        await p.page.evaluate(([id, f]) => window.H.subscribe(id, f, { qos: 1 }), [id, `${base}/from-mqttjs`]);
        await p.page.evaluate((id) => window.H.waitMessages(id, 1, 5000), id);
        const [m] = await p.page.evaluate((id) => window.H.messages(id), id);
        assert.ok(bytesOf(m.payload).equals(fromPeer), "retained payload bytes");
        assert.equal(m.packet.retain, true, "packet.retain for a retained message at subscribe time");
        assert.equal(m.topic, `${base}/from-mqttjs`);

        // The browser retains, then a new MQTT.js client subscribes.
        const [r] = await p.page.evaluate(
          ([id, items]) => window.H.publishAll(id, items),
          [id, [{ topic: `${base}/from-browser`, payload: b64(fromBrowser), opts: { qos: 1, retain: true } }]],
        );
        assert.ok(r.ok, JSON.stringify(r.error));
        late = await mqttjs(broker.mqttUrl, mqttjsOpts);
        await late.subscribeAsync(`${base}/from-browser`, { qos: 1 });
        await waitFor(() => late.received.length >= 1, 5000, "the retained message at MQTT.js");
        assert.ok(late.received[0].payload.equals(fromBrowser), "retained payload bytes at MQTT.js");
        assert.equal(late.received[0].packet.retain, true, "retain flag at MQTT.js");

        // Clear both retained messages (empty retained payload).
        await publisher.publishAsync(`${base}/from-mqttjs`, "", { qos: 1, retain: true });
        await publisher.publishAsync(`${base}/from-browser`, "", { qos: 1, retain: true });
        p.assertClean();
      } finally {
        await endMqttjs(publisher, late);
        await p.close();
      }
    });

    test(`${name}: will is published to MQTT.js when the browser's page closes without DISCONNECT`, T, async (t) => {
      const topic = `${uniqueTopic()}/will`;
      // Bytes, with a NUL, that are valid UTF-8 (the non-UTF-8 case has its own test below).
      const willPayload = Buffer.from("\u0000wïll ✓\u0001", "utf8");
      const watcher = await mqttjs(broker.mqttUrl, mqttjsOpts);
      try {
        await watcher.subscribeAsync(topic, { qos: 1 });
        const { p } = await browserClient({ will: { topic, payload: b64(willPayload), qos: 1, retain: false }, keepalive: 30 });
        await sleep(200);
        assert.equal(watcher.received.length, 0, "no will while the browser is connected");
        p.assertClean();
        const t0 = Date.now();
        await p.page.close(); // the socket dies; the client sends no DISCONNECT
        await waitFor(() => watcher.received.length >= 1, 8000, "the will at MQTT.js after the page closed");
        const ms = Date.now() - t0;
        t.diagnostic(`will at MQTT.js ${ms} ms after page.close()`);
        const w = watcher.received[0];
        assert.equal(w.topic, topic);
        assert.ok(w.payload.equals(willPayload), `will payload: got ${describeBytes(w.payload)}`);
        assert.equal(w.packet.qos, 1);
        assert.ok(ms < 8000, `will arrived ${ms} ms after the page closed`);
        await sleep(200);
        assert.equal(watcher.received.length, 1, "the will arrives once");
        await p.close();
      } finally {
        await endMqttjs(watcher);
      }
    });

    test(`${name}: non-UTF-8 bytes (0x00-0xff) as will payload reach MQTT.js exactly`, T, async () => {
      const topic = `${uniqueTopic()}/will`;
      const watcher = await mqttjs(broker.mqttUrl, mqttjsOpts);
      try {
        await watcher.subscribeAsync(topic, { qos: 1 });
        // MQTT.js takes a Buffer will payload; any bytes must do, not only valid UTF-8.
        const { p } = await browserClient({ will: { topic, payload: b64(BINARY), qos: 1 }, keepalive: 30 });
        await p.page.close();
        await waitFor(() => watcher.received.length >= 1, 8000, "the will at MQTT.js after the page closed");
        assert.ok(watcher.received[0].payload.equals(BINARY), `will payload: got ${describeBytes(watcher.received[0].payload)}`);
        await p.close();
      } finally {
        await endMqttjs(watcher);
      }
    });

    test(`${name}: will is NOT published after a clean end()`, T, async () => {
      const topic = `${uniqueTopic()}/will`;
      const watcher = await mqttjs(broker.mqttUrl, mqttjsOpts);
      const sentinel = await mqttjs(broker.mqttUrl, mqttjsOpts);
      try {
        await watcher.subscribeAsync(topic, { qos: 1 });
        const { p, id } = await browserClient({ will: { topic, payload: { text: "gone" }, qos: 1 }, keepalive: 30 });
        const names = await p.page.evaluate((id) => window.H.end(id), id);
        assert.deepEqual(names.slice(-2), ["close", "end"], `events after end(): ${names}`);
        const state = await p.page.evaluate((id) => window.H.state(id), id);
        assert.equal(state.connected, false);
        assert.equal(state.disconnected, true);
        p.assertClean();
        await p.close(); // and the page goes away too: still no will
        await sleep(500);
        // A sentinel published after the client ended: once it is in, a will would be too.
        await sentinel.publishAsync(topic, "sentinel", { qos: 1 });
        await waitFor(() => watcher.received.length >= 1, 5000, "the sentinel");
        await sleep(200);
        assert.deepEqual(
          watcher.received.map((m) => m.payload.toString()),
          ["sentinel"],
          "only the sentinel: no will after DISCONNECT",
        );
      } finally {
        await endMqttjs(watcher, sentinel);
      }
    });

    if (v5) {
      // Valid UTF-8 here; arbitrary bytes have their own test below.
      const PROPS_CORRELATION = Buffer.from([0x00, 0x01, 0x02, 0x7f, 0x41]);
      const BINARY_CORRELATION = Buffer.from([0x9f, 0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x01]);
      const USER = { k1: "v1", dup: ["a", "b"], "ключ": "значение" };

      test(`${name}: v5 properties from MQTT.js reach the browser in MQTT.js's shape`, T, async () => {
        const base = uniqueTopic();
        const { p, id } = await browserClient();
        const peer = await mqttjs(broker.mqttUrl, mqttjsOpts);
        try {
          await p.page.evaluate(
            ([id, f]) => window.H.subscribe(id, f, { qos: 1, properties: { subscriptionIdentifier: 7 } }),
            [id, `${base}/props`],
          );
          await peer.publishAsync(`${base}/props`, JSON.stringify({ a: 1 }), {
            qos: 1,
            properties: {
              payloadFormatIndicator: true,
              messageExpiryInterval: 60,
              contentType: "application/json; charset=utf-8",
              responseTopic: `${base}/reply`,
              correlationData: PROPS_CORRELATION,
              userProperties: USER,
            },
          });
          await p.page.evaluate((id) => window.H.waitMessages(id, 1, 5000), id);
          const [m] = await p.page.evaluate((id) => window.H.messages(id), id);
          const props = m.packet.properties;
          assert.ok(props, "packet.properties present");
          assert.equal(props.payloadFormatIndicator, true);
          assert.ok(
            props.messageExpiryInterval >= 58 && props.messageExpiryInterval <= 60,
            `messageExpiryInterval ${props.messageExpiryInterval}`,
          );
          assert.equal(props.contentType, "application/json; charset=utf-8");
          assert.equal(props.responseTopic, `${base}/reply`);
          assert.ok(bytesOf(props.correlationData).equals(PROPS_CORRELATION), "correlationData bytes");
          assert.equal(props.correlationData.$type !== undefined, true, "correlationData is a Uint8Array");
          assert.deepEqual(props.userProperties, USER, "userProperties (repeated names as arrays)");
          assert.equal(props.subscriptionIdentifier, 7, "subscriptionIdentifier of the matching subscription");
          assert.equal(m.payload.$text, '{"a":1}');
          p.assertClean();
        } finally {
          await endMqttjs(peer);
          await p.close();
        }
      });

      test(`${name}: v5 properties from the browser reach MQTT.js`, T, async () => {
        const base = uniqueTopic();
        const { p, id } = await browserClient();
        const peer = await mqttjs(broker.mqttUrl, mqttjsOpts);
        try {
          await peer.subscribeAsync(`${base}/props`, { qos: 1 });
          const [r] = await p.page.evaluate(
            ([id, items]) => window.H.publishAll(id, items),
            [
              id,
              [
                {
                  topic: `${base}/props`,
                  payload: { text: "request" },
                  opts: {
                    qos: 1,
                    properties: {
                      payloadFormatIndicator: true,
                      messageExpiryInterval: 60,
                      contentType: "text/plain",
                      responseTopic: `${base}/reply`,
                      correlationData: b64(PROPS_CORRELATION),
                      userProperties: USER,
                    },
                  },
                },
              ],
            ],
          );
          assert.ok(r.ok, JSON.stringify(r.error));
          await waitFor(() => peer.received.length >= 1, 5000, "the message at MQTT.js");
          const props = peer.received[0].packet.properties;
          assert.ok(props, "properties at MQTT.js");
          assert.equal(props.payloadFormatIndicator, true);
          assert.ok(props.messageExpiryInterval >= 58 && props.messageExpiryInterval <= 60, `messageExpiryInterval ${props.messageExpiryInterval}`);
          assert.equal(props.contentType, "text/plain");
          assert.equal(props.responseTopic, `${base}/reply`);
          assert.ok(Buffer.from(props.correlationData).equals(PROPS_CORRELATION), "correlationData bytes");
          // MQTT.js hands out a null-prototype object; key order is not compared.
          assert.deepEqual({ ...props.userProperties }, USER, "userProperties at MQTT.js");
          assert.equal(peer.received[0].payload.toString(), "request");
          p.assertClean();
        } finally {
          await endMqttjs(peer);
          await p.close();
        }
      });

      test(`${name}: non-UTF-8 correlationData goes both ways between the browser and MQTT.js`, T, async () => {
        const base = uniqueTopic();
        const { p, id } = await browserClient();
        const peer = await mqttjs(broker.mqttUrl, mqttjsOpts);
        try {
          await peer.subscribeAsync(`${base}/to-mqttjs`, { qos: 1 });
          await p.page.evaluate(([id, f]) => window.H.subscribe(id, f, { qos: 1 }), [id, `${base}/to-browser`]);
          // MQTT.js -> browser.
          await peer.publishAsync(`${base}/to-browser`, "x", { qos: 1, properties: { correlationData: BINARY_CORRELATION } });
          await p.page.evaluate((id) => window.H.waitMessages(id, 1, 5000), id);
          const [m] = await p.page.evaluate((id) => window.H.messages(id), id);
          assert.ok(bytesOf(m.packet.properties.correlationData).equals(BINARY_CORRELATION), "correlationData in the browser");
          // Browser -> MQTT.js.
          const [r] = await p.page.evaluate(
            ([id, items]) => window.H.publishAll(id, items),
            [id, [{ topic: `${base}/to-mqttjs`, payload: { text: "y" }, opts: { qos: 1, properties: { correlationData: b64(BINARY_CORRELATION) } } }]],
          );
          assert.ok(r.ok, `publishAsync with binary correlationData: ${JSON.stringify(r.error)}`);
          await waitFor(() => peer.received.length >= 1, 5000, "the message at MQTT.js");
          assert.ok(Buffer.from(peer.received[0].packet.properties.correlationData).equals(BINARY_CORRELATION), "correlationData at MQTT.js");
          p.assertClean();
        } finally {
          await endMqttjs(peer);
          await p.close();
        }
      });
    }

    if (extraTests) extraTests({ getBroker: () => broker, getEnv: () => env, browserClient, protocolVersion });
  });
}
