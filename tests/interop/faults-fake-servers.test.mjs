// Faults a real broker will not produce on demand, played by fake WebSocket servers on
// loopback (harness.mjs): a server that never answers, one that sends malformed packets after
// CONNACK, one that stops answering PINGREQ; and a port with nothing listening.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  PACKET,
  WS_FAILURE_CONSOLE,
  browserEnv,
  fakeMalformedAfterConnack,
  fakePingServer,
  fakeSlowUpgradeServer,
  fakeSilentServer,
  freePort,
  sleep,
  startHangingTcpServer,
  waitFor,
} from "./harness.mjs";

const T = { timeout: 15000 };
const HOOK = { timeout: 30000 };

let env;
before(async () => {
  env = await browserEnv();
}, HOOK);
after(async () => {
  if (env) await env.dispose();
}, HOOK);

/** Opens a page and connects a client to `url`; returns { p, id, ev(name), names() }. */
async function pageClient(url, opts) {
  const p = await env.open();
  const id = await p.page.evaluate(([url, opts]) => window.H.connect(url, opts), [url, opts]);
  return {
    p,
    id,
    ev: (name) => p.page.evaluate(([id, name]) => window.H.events(id, name), [id, name]),
    names: () => p.page.evaluate((id) => window.H.eventNames(id), id),
    wait: (name, n, ms) => p.page.evaluate(([id, name, n, ms]) => window.H.waitEvents(id, name, n, ms), [id, name, n, ms]),
    state: () => p.page.evaluate((id) => window.H.state(id), id),
  };
}

/** The page still runs script and the module still answers after a fault. */
async function assertPageAlive(c) {
  assert.equal(await c.p.page.evaluate(() => 6 * 7), 42, "the page still evaluates script");
  const state = await c.state();
  assert.equal(typeof state.stats.bytesReceived, "number", "the client still answers stats()");
  const ok = await c.p.page.evaluate(() => {
    // The module still makes clients after the fault.
    const other = window.wasmqtt.connect("ws://127.0.0.1:9/mqtt", { manualConnect: true });
    return typeof other.stats().bytesSent === "number";
  });
  assert.equal(ok, true, "the module still makes clients");
}

describe("faults: fake servers", () => {
  test("connect timeout: fakeSilentServer (accepts the upgrade, never answers) -> error ERR_CONNECT_TIMEOUT after connectTimeout, then close", T, async (t) => {
    const srv = await fakeSilentServer();
    let c;
    try {
      c = await pageClient(srv.url, { connectTimeout: 1000, reconnectPeriod: 0, keepalive: 30 });
      const [err] = await c.wait("error", 1, 6000);
      const e = err.args[0].$error;
      assert.ok(e && e.isError, `error is an Error: ${JSON.stringify(err.args[0])}`);
      t.diagnostic(`ERR_CONNECT_TIMEOUT ${Math.round(err.t)} ms after connect() (connectTimeout 1000): ${e.message}`);
      assert.equal(e.code, "ERR_CONNECT_TIMEOUT");
      assert.ok(err.t >= 950, `error after ${Math.round(err.t)} ms, before connectTimeout (1000 ms)`);
      assert.ok(err.t <= 2500, `error after ${Math.round(err.t)} ms, long after connectTimeout (1000 ms)`);
      const [close] = await c.wait("close", 1, 2000);
      assert.ok(close.t >= err.t, "close follows the error");
      // The client did open the socket and send CONNECT, with subprotocol mqtt.
      assert.equal(srv.connections.length, 1, "one WebSocket connection");
      const conn = srv.connections[0];
      assert.equal(conn.protocol, "mqtt");
      assert.equal(conn.packets[0]?.type, PACKET.CONNECT, "the first packet is CONNECT");
      // And it closed the socket.
      await waitFor(() => conn.closed, 3000, "the client to close the WebSocket");
      await sleep(300);
      const names = await c.names();
      assert.ok(!names.includes("connect"), `no connect event: ${names}`);
      assert.ok(!names.includes("reconnect"), `no reconnect with reconnectPeriod 0: ${names}`);
      assert.equal(srv.connections.length, 1, "no second attempt with reconnectPeriod 0");
      await assertPageAlive(c);
      c.p.assertClean();
    } finally {
      if (c) await c.p.close();
      await srv.dispose();
    }
  });

  const MALFORMED = [
    // [label, protocolVersion, bytes]
    ["packet type 0", 4, [0x00, 0x00]],
    ["PUBLISH with QoS 3", 4, [0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]],
    ["remaining length over 4 bytes", 4, [0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]],
    ["PUBLISH with QoS 3 (MQTT 5)", 5, [0x36, 0x06, 0x00, 0x01, 0x61, 0x00, 0x01, 0x00]],
  ];
  for (const [label, version, bytes] of MALFORMED) {
    test(`malformed after CONNACK (${label}) -> error ERR_PROTOCOL_VIOLATION, close, page alive`, T, async (t) => {
      const srv = await fakeMalformedAfterConnack(Buffer.from(bytes));
      let c;
      try {
        c = await pageClient(srv.url, { protocolVersion: version, reconnectPeriod: 0, keepalive: 30 });
        await c.wait("connect", 1, 5000);
        const [err] = await c.wait("error", 1, 5000);
        const e = err.args[0].$error;
        assert.ok(e && e.isError, `error is an Error: ${JSON.stringify(err.args[0])}`);
        t.diagnostic(`error ${e.code} reasonCode 0x${(e.reasonCode ?? 0).toString(16)}: ${e.message}`);
        assert.equal(e.code, "ERR_PROTOCOL_VIOLATION", `code (message: ${e.message})`);
        assert.ok([0x81, 0x82].includes(e.reasonCode), `reasonCode ${e.reasonCode} is Malformed Packet (0x81) or Protocol Error (0x82)`);
        await c.wait("close", 1, 2000);
        const conn = srv.connections[0];
        await waitFor(() => conn.closed, 3000, "the client to close the WebSocket");
        if (version === 5) {
          // MQTT 5: DISCONNECT with the reason code before closing [MQTT-4.13.1-1].
          const disc = conn.packets.find((p) => p.type === PACKET.DISCONNECT);
          assert.ok(disc, `a DISCONNECT before the close; packets: ${conn.packets.map((p) => p.type)}`);
          assert.equal(disc.body[0], e.reasonCode, "DISCONNECT carries the reason code the error reports");
        }
        const state = await c.state();
        assert.equal(state.connected, false);
        await assertPageAlive(c);
        c.p.assertClean();
      } finally {
        if (c) await c.p.close();
        await srv.dispose();
      }
    });
  }

  test("keepalive 1 s against a server that ignores PINGREQ -> close and offline within about keepalive x 2", T, async (t) => {
    const srv = await fakePingServer({ answerPings: false });
    let c;
    try {
      c = await pageClient(srv.url, { keepalive: 1, reconnectPeriod: 5000 });
      const [connect] = await c.wait("connect", 1, 5000);
      const [close] = await c.wait("close", 1, 5000);
      const lostAfter = close.t - connect.t;
      t.diagnostic(`connection declared lost ${Math.round(lostAfter)} ms after CONNACK`);
      assert.ok(lostAfter >= 1500, `connection declared lost ${Math.round(lostAfter)} ms after CONNACK: too early for keepalive 1 s`);
      assert.ok(lostAfter <= 3000, `connection declared lost ${Math.round(lostAfter)} ms after CONNACK: keepalive x 2 is 2000 ms`);
      const [offline] = await c.wait("offline", 1, 1000);
      // In MQTT.js's order: offline, then close, in the same turn.
      const names = await c.names();
      assert.ok(names.indexOf("offline") < names.indexOf("close"), `offline before close: ${names}`);
      assert.ok(close.t - offline.t < 50);
      const errors = await c.ev("error");
      for (const e of errors) assert.equal(e.args[0].$error?.code, "ERR_KEEPALIVE_TIMEOUT", JSON.stringify(e.args[0]));
      const conn = srv.connections[0];
      const pings = conn.packets.filter((p) => p.type === PACKET.PINGREQ);
      assert.ok(pings.length >= 1, "the client sent PINGREQ");
      const firstPing = pings[0].t - conn.packets[0].t;
      assert.ok(firstPing >= 800 && firstPing <= 1800, `first PINGREQ ${firstPing} ms after CONNECT (keepalive 1 s)`);
      await waitFor(() => conn.closed, 3000, "the client to close the WebSocket");
      const state = await c.state();
      assert.equal(state.connected, false);
      assert.equal(state.reconnecting, true, "reconnecting while the next attempt waits");
      await c.p.page.evaluate((id) => window.H.end(id, true), c.id);
      c.p.assertClean();
    } finally {
      if (c) await c.p.close();
      await srv.dispose();
    }
  });

  test("keepalive 1 s against a server that answers PINGREQ -> stays connected (control)", T, async () => {
    const srv = await fakePingServer({ answerPings: true });
    let c;
    try {
      c = await pageClient(srv.url, { keepalive: 1, reconnectPeriod: 5000 });
      await c.wait("connect", 1, 5000);
      await sleep(3500);
      const names = await c.names();
      assert.deepEqual(names, ["connect"], `only connect in 3.5 s: ${names}`);
      const pings = srv.connections[0].packets.filter((p) => p.type === PACKET.PINGREQ);
      assert.ok(pings.length >= 2 && pings.length <= 5, `${pings.length} PINGREQs in 3.5 s with keepalive 1 s`);
      assert.equal((await c.state()).connected, true);
      await c.p.page.evaluate((id) => window.H.end(id), c.id);
      c.p.assertClean();
    } finally {
      if (c) await c.p.close();
      await srv.dispose();
    }
  });

  test("end() while the WebSocket handshake is still pending resolves, emits end and closes the socket", T, async (t) => {
    const srv = await startHangingTcpServer();
    let c;
    try {
      c = await pageClient(srv.url, { reconnectPeriod: 200, connectTimeout: 10000 });
      await waitFor(() => srv.connections.length === 1, 3000, "the browser's TCP connection");
      await sleep(200);
      const outcome = await c.p.page.evaluate(async (id) => {
        const client = window.H.client(id);
        const ended = client.endAsync().then(() => "resolved", (e) => `rejected: ${e && e.code}`);
        const timeout = new Promise((r) => setTimeout(() => r("still pending after 3 s"), 3000));
        return Promise.race([ended, timeout]);
      }, c.id);
      const names = await c.names();
      t.diagnostic(`endAsync: ${outcome}; events: ${names}`);
      assert.equal(outcome, "resolved", `endAsync() during the handshake; events: ${names}`);
      assert.ok(names.includes("end"), `end event: ${names}`);
      await waitFor(() => srv.connections[0].closed, 3000, "the client to drop the pending connection");
      await sleep(500);
      assert.equal(srv.connections.length, 1, "no new attempt after end()");
      assert.equal((await c.ev("reconnect")).length, 0);
      c.p.assertClean([WS_FAILURE_CONSOLE]);
    } finally {
      if (c) await c.p.close();
      await srv.dispose();
    }
  });

  test("end() during a slow WebSocket handshake: no CONNECT goes out when the handshake completes later", T, async (t) => {
    const srv = await fakeSlowUpgradeServer(1500);
    let c;
    try {
      c = await pageClient(srv.url, { reconnectPeriod: 200, connectTimeout: 10000 });
      await waitFor(() => srv.upgradeRequests.length === 1, 3000, "the upgrade request");
      const outcome = await c.p.page.evaluate(async (id) => {
        const client = window.H.client(id);
        const ended = client.endAsync().then(() => "resolved", (e) => `rejected: ${e && e.code}`);
        const timeout = new Promise((r) => setTimeout(() => r("still pending after 3 s"), 3000));
        return Promise.race([ended, timeout]);
      }, c.id);
      await sleep(500);
      const names = await c.names();
      const packets = srv.connections.flatMap((x) => x.packets.map((p) => p.type));
      t.diagnostic(`endAsync: ${outcome}; events: ${names}; packets at the server: ${packets}`);
      assert.ok(!packets.includes(PACKET.CONNECT), `no CONNECT after end(); server got packet types ${packets}; events ${names}`);
      assert.ok(!names.includes("connect"), `no connect event after end(): ${names}`);
      assert.equal(outcome, "resolved", `endAsync() during the handshake; events: ${names}`);
      assert.equal((await c.state()).connected, false);
      c.p.assertClean([WS_FAILURE_CONSOLE]);
    } finally {
      if (c) await c.p.close();
      await srv.dispose();
    }
  });

  test("end() called synchronously right after connect() sticks: no connection follows", T, async (t) => {
    const srv = await fakePingServer({ answerPings: true }); // would accept the connection
    let p;
    try {
      p = await env.open();
      const id = await p.page.evaluate((url) => {
        const id = window.H.connect(url, { reconnectPeriod: 200 });
        window.H.client(id).end();
        return id;
      }, srv.url);
      await sleep(1500);
      const names = await p.page.evaluate((id) => window.H.eventNames(id), id);
      const packets = srv.connections.flatMap((x) => x.packets.map((q) => q.type));
      t.diagnostic(`events: ${names}; WebSocket connections at the server: ${srv.connections.length}; packets: ${packets}`);
      assert.ok(names.includes("end"), `end event: ${names}`);
      assert.ok(!names.includes("connect"), `no connect event after end(): ${names}`);
      assert.ok(!packets.includes(PACKET.CONNECT), `no CONNECT at the server after end(): ${packets}`);
      const state = await p.page.evaluate((id) => window.H.state(id), id);
      assert.equal(state.connected, false, "not connected after end()");
      p.assertClean();
    } finally {
      if (p) await p.close();
      await srv.dispose();
    }
  });

  test("connection refused (nothing listening) -> close, one offline, reconnect events at reconnectPeriod, none after end()", T, async (t) => {
    const port = await freePort(); // free: nothing listens there
    let c;
    try {
      const period = 300;
      c = await pageClient(`ws://127.0.0.1:${port}/mqtt`, { reconnectPeriod: period, connectTimeout: 2000 });
      await c.wait("reconnect", 5, 5000);
      const state = await c.state();
      assert.equal(state.connected, false);
      assert.equal(state.reconnecting, true);
      await c.p.page.evaluate((id) => window.H.end(id, true), c.id);
      const names = await c.names();
      assert.ok(names.includes("end"), `end event after end(): ${names}`);
      const afterEnd = (await c.ev("reconnect")).length;
      await sleep(period * 3);
      const reconnects = await c.ev("reconnect");
      assert.equal(reconnects.length, afterEnd, "no reconnect attempt after end()");

      const closes = await c.ev("close");
      assert.ok(closes.length >= reconnects.length, `a close per failed attempt: ${names}`);
      assert.equal((await c.ev("offline")).length, 1, `offline once: ${names}`);
      assert.equal((await c.ev("connect")).length, 0);
      // MQTT.js's browser client reports failed WebSocket connections as close (not error);
      // if this client emits error, it must be a coded Error.
      for (const e of await c.ev("error")) assert.ok(e.args[0].$error?.code, JSON.stringify(e.args[0]));
      // reconnect events follow each close by about reconnectPeriod.
      const gaps = [];
      for (const r of reconnects) {
        const prevClose = closes.filter((x) => x.t <= r.t).pop();
        gaps.push(Math.round(r.t - prevClose.t));
      }
      t.diagnostic(`reconnect after close: ${gaps} ms; between reconnects: ${reconnects.slice(1).map((r, i) => Math.round(r.t - reconnects[i].t))} ms; errors: ${(await c.ev("error")).length}`);
      for (const g of gaps) assert.ok(g >= period - 20 && g <= period + 400, `reconnect ${g} ms after close (period ${period}): ${gaps}`);
      const intervals = reconnects.slice(1).map((r, i) => Math.round(r.t - reconnects[i].t));
      for (const iv of intervals) assert.ok(iv >= period - 20 && iv <= period + 600, `reconnect every ${iv} ms (period ${period}): ${intervals}`);
      await assertPageAlive(c);
      c.p.assertClean([WS_FAILURE_CONSOLE]);
    } finally {
      if (c) await c.p.close();
    }
  });
});
