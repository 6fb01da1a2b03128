// Interop through aedes (npm, MQTT 3.1.1 only) over ws: see interop-suite.mjs. aedes writes
// each MQTT packet in several pieces, each its own WebSocket message, so every test here
// also exercises the client's reassembly of packets split across messages.
import assert from "node:assert/strict";
import { test } from "node:test";

import { bytesOf, endMqttjs, mqttjs, startAedes, uniqueTopic } from "./harness.mjs";
import { interopSuite } from "./interop-suite.mjs";

interopSuite({
  name: "aedes 3.1.1",
  protocolVersion: 4,
  startBroker: () => startAedes(),
  extraTests({ getBroker, browserClient }) {
    test("aedes 3.1.1: packets split over several WebSocket messages are reassembled intact", { timeout: 15000 }, async () => {
      const broker = getBroker();
      const base = uniqueTopic();
      const { p, id } = await browserClient();
      const peer = await mqttjs(broker.mqttUrl, { protocolVersion: 4 });
      try {
        await p.page.evaluate(([id, f]) => window.H.subscribe(id, f, { qos: 1 }), [id, `${base}/#`]);
        const framesBefore = broker.wsFrames.count;
        const payloads = Array.from({ length: 20 }, (_, i) => Buffer.alloc(i * 37 + 1, i));
        for (const [i, pl] of payloads.entries()) await peer.publishAsync(`${base}/${i}`, pl, { qos: 1 });
        await p.page.evaluate((id) => window.H.waitMessages(id, 20, 5000), id);
        const frames = broker.wsFrames.count - framesBefore;
        assert.ok(frames >= 2 * payloads.length, `aedes sent ${frames} WebSocket messages for ${payloads.length} PUBLISHes: the split this test relies on did not happen`);
        const got = await p.page.evaluate((id) => window.H.messages(id), id);
        got.forEach((m, i) => {
          assert.equal(m.topic, `${base}/${i}`);
          assert.ok(bytesOf(m.payload).equals(payloads[i]), `payload #${i}`);
        });
        p.assertClean();
      } finally {
        await endMqttjs(peer);
        await p.close();
      }
    });

    test("aedes 3.1.1: a subscription the broker refuses (SUBACK 0x80) fails the call as in MQTT.js, grants still given; the others work", { timeout: 15000 }, async (t) => {
      const broker = getBroker();
      const base = uniqueTopic();
      // aedes refuses a subscription its authorizeSubscribe hook answers with null.
      const denied = (topic) => topic.startsWith(`${base}/forbidden`);
      const authorizeSubscribe = broker.aedes.authorizeSubscribe;
      broker.aedes.authorizeSubscribe = (client, sub, done) => done(null, denied(sub.topic) ? null : sub);
      // The oracle: MQTT.js's callback gets an error for the same refusal.
      const oracle = await mqttjs(broker.mqttUrl, { protocolVersion: 4 });
      const { p, id } = await browserClient();
      try {
        const oracleErr = await new Promise((resolve) => oracle.subscribe(`${base}/forbidden/x`, { qos: 1 }, (err) => resolve(err)));
        t.diagnostic(`MQTT.js: ${oracleErr && oracleErr.message}`);
        assert.ok(oracleErr instanceof Error, "MQTT.js reports the refusal as an error");
        const out = await p.page.evaluate(
          async ([id, base]) => {
            const c = window.H.client(id);
            const cb = await new Promise((resolve) =>
              c.subscribe([`${base}/forbidden/x`, `${base}/allowed/x`], { qos: 1 }, (err, granted) =>
                resolve({ isError: err instanceof Error, code: err && err.code, reasonCode: err && err.reasonCode, message: err && err.message, granted }),
              ),
            );
            const promised = await c.subscribeAsync(`${base}/forbidden/y`).then(() => "resolved", (e) => e.code);
            const allowed = await c.subscribeAsync(`${base}/allowed/y`, { qos: 1 });
            return { cb, promised, allowed };
          },
          [id, base],
        );
        t.diagnostic(`wasmqtt: ${out.cb.code} 0x${(out.cb.reasonCode ?? 0).toString(16)} ${out.cb.message}`);
        assert.equal(out.cb.isError, true);
        assert.equal(out.cb.code, "ERR_REJECTED");
        assert.equal(out.cb.reasonCode, 0x80);
        assert.deepEqual(out.cb.granted, [
          { topic: `${base}/forbidden/x`, qos: 0x80 },
          { topic: `${base}/allowed/x`, qos: 1 },
        ]);
        assert.equal(out.promised, "ERR_REJECTED");
        assert.deepEqual(out.allowed, [{ topic: `${base}/allowed/y`, qos: 1 }]);
        // The Paho facade reports the same refusal as Paho does: onFailure, grantedQos [0x80].
        const paho = await p.page.evaluate(
          ([wsUrl, base]) =>
            new Promise((resolve) => {
              const u = new URL(wsUrl);
              const c = new window.wasmqtt.Paho.Client(u.hostname, Number(u.port), u.pathname, `paho-${Math.random().toString(16).slice(2, 8)}`);
              const done = (what) => (c.disconnect(), resolve(what));
              c.connect({
                onSuccess: () =>
                  c.subscribe(`${base}/forbidden/p`, {
                    qos: 1,
                    onSuccess: () => done("onSuccess"),
                    onFailure: (f) => done(`onFailure ${f.errorCode} [${Array.from(f.grantedQos ?? [])}]`),
                  }),
                onFailure: (f) => resolve(`connect failed: ${f.errorMessage}`),
              });
            }),
          [broker.wsUrl, base],
        );
        assert.equal(paho, "onFailure 128 [128]");
        p.assertClean();
      } finally {
        broker.aedes.authorizeSubscribe = authorizeSubscribe;
        await endMqttjs(oracle);
        await p.close();
      }
    });
  },
});
