// A Rust panic inside the wasm module (forced with the module's `__panicForTest` export; the
// library has no known panic) must become an `error` event with code ERR_PANIC and a `close`,
// the socket must be closed at once, later calls must answer with that error, and the page
// must stay alive: nothing uncaught, even when the broker keeps sending to the dead client.
// Also checks `onMessage` and `messages()` through the public MQTT.js-shaped wrapper.
import assert from "node:assert/strict";
import { test } from "node:test";

import mqtt from "mqtt";

import { openPage, pkgWebPageEnv, sleep } from "./helpers.mjs";

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wasmqtt panic</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  import { connect } from "/pkg-web/index.js";
  import { __panicForTest } from "/pkg-web/wasmqtt.js";
  const q = new URLSearchParams(location.search);
  const topic = q.get("topic");
  const events = (window.__events = []);
  const wait = (what, ms = 5000) =>
    new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = () => {
        const e = events.find((e) => e.startsWith(what));
        if (e) resolve(e);
        else if (Date.now() - t0 > ms) reject(new Error("no " + what + " in " + JSON.stringify(events)));
        else setTimeout(poll, 10);
      };
      poll();
    });
  async function run() {
    const c = connect(q.get("broker"), { clientId: q.get("id"), reconnectPeriod: 0, protocolVersion: 5 });
    c.on("connect", () => events.push("connect"));
    c.on("error", (e) => events.push("error " + e.code + " " + e.message));
    c.on("close", () => events.push("close"));
    await wait("connect");
    const removeHandler = c.onMessage(topic + "/#", (t, payload) => events.push("handler " + t + " " + payload));
    const iterator = c.messages(topic + "/#");
    await c.subscribeAsync(topic + "/#", { qos: 1 });
    await c.publishAsync(topic + "/a", "before", { qos: 1 });
    const pulled = await iterator.next();
    events.push("pulled " + pulled.value.topic + " " + pulled.value.payload);
    await wait("handler");
    removeHandler();

    let thrown = "nothing";
    try {
      __panicForTest();
    } catch (e) {
      thrown = e.constructor.name;
    }
    await wait("error");
    await wait("close");
    const after = {};
    after.thrown = thrown;
    after.connected = c.connected;
    after.callback = await new Promise((r) => c.publish(topic + "/b", "after", { qos: 1 }, (e) => r(e && e.code)));
    after.rejected = await c.subscribeAsync(topic + "/c").then(() => "resolved", (e) => e.code);
    after.next = await iterator.next().then(() => "resolved", (e) => e.code);
    try {
      connect(q.get("broker"));
      after.newClient = "created";
    } catch (e) {
      after.newClient = e.code;
    }
    after.timersStillRun = await new Promise((r) => setTimeout(() => r(true), 10));
    return { events, after };
  }
  run().then((r) => (window.__result = r), (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }));
</script>
</body>
</html>
`;

const pageEnvOf = pkgWebPageEnv({ "/index.html": PAGE });

test("a Rust panic becomes error ERR_PANIC + close, later calls fail with it, the page lives on", { timeout: 20000 }, async () => {
  const env = pageEnvOf();
  const topic = `wasmqtt/test/panic/${Date.now()}`;
  const id = `wasmqtt-panic-${process.pid}`;
  const url = `${env.server.url}/index.html?broker=${encodeURIComponent(env.broker.wsUrl)}&topic=${topic}&id=${id}`;
  const p = await openPage(env.browser, url);
  // A native MQTT.js client keeps publishing to the dead client's subscription.
  const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.broker.tcpPort}`, { reconnectPeriod: 0 });
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 15000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    const { events, after: a } = result;
    assert.ok(events.includes(`pulled ${topic}/a before`), JSON.stringify(events));
    assert.ok(events.includes(`handler ${topic}/a before`), JSON.stringify(events));
    const error = events.find((e) => e.startsWith("error"));
    assert.match(error, /^error ERR_PANIC wasmqtt stopped after an internal error \(a Rust panic\): .*requested by a test/s);
    assert.equal(events.filter((e) => e.startsWith("error")).length, 1, JSON.stringify(events));
    assert.equal(a.thrown, "RuntimeError", "the trapped call itself throws WebAssembly's RuntimeError");
    assert.deepEqual(
      { connected: a.connected, callback: a.callback, rejected: a.rejected, next: a.next, newClient: a.newClient },
      { connected: false, callback: "ERR_PANIC", rejected: "ERR_PANIC", next: "ERR_PANIC", newClient: "ERR_PANIC" },
    );
    assert.equal(a.timersStillRun, true);

    // The hook closed the socket: the broker saw the client go without waiting for keepalive.
    let log = "";
    for (let i = 0; i < 50 && !log.includes(`Client ${id} closed its connection`) && !log.includes(`Client ${id} disconnected`); i++) {
      await sleep(100);
      log = await env.broker.log();
    }
    assert.match(log, new RegExp(`Client ${id} (closed its connection|disconnected)`), log);

    for (let i = 0; i < 20; i++) await peer.publishAsync(`${topic}/x`, `late ${i}`, { qos: 1 });
    await sleep(300);
    assert.equal(await p.page.evaluate(() => 1 + 1), 2, "the page still runs scripts");
    assert.deepEqual(p.errors, [], "no uncaught errors or console errors");
  } finally {
    await peer.endAsync();
    await p.close();
  }
});
