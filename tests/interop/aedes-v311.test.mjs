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
  },
});
