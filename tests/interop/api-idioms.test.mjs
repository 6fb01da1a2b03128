// MQTT.js code ported to the browser client as is: the idioms every MQTT.js example uses,
// checked in Chromium on the no-bundler module (no broker needed: manualConnect).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { WS_FAILURE_CONSOLE, browserEnv, fakePingServer, freePort } from "./harness.mjs";

const T = { timeout: 15000 };
const HOOK = { timeout: 30000 };

let env;
let p;
before(async () => {
  env = await browserEnv();
  p = await env.open();
}, HOOK);
after(async () => {
  if (p) await p.close();
  if (env) await env.dispose();
}, HOOK);

describe("API idioms from MQTT.js", () => {
  test("client.on() called repeatedly on the same variable leaves the client usable (client.on(a); client.on(b); client.publish())", T, async () => {
    const steps = await p.page.evaluate(() => {
      const out = [];
      const step = (label, f) => {
        try {
          f();
          out.push([label, "ok"]);
        } catch (e) {
          out.push([label, `threw: ${e && e.message}`]);
        }
      };
      const client = window.wasmqtt.connect("ws://127.0.0.1:9/mqtt", { manualConnect: true });
      const f = () => {};
      step("client.on('connect', f)", () => client.on("connect", f));
      step("client.on('message', f)", () => client.on("message", f));
      step("client.once('close', f)", () => client.once("close", f));
      step("client.off('message', f)", () => client.off("message", f));
      step("client.removeListener('connect', f)", () => client.removeListener("connect", f));
      step("client.listenerCount('close')", () => client.listenerCount("close"));
      step("client.subscribe('t')", () => client.subscribe("t"));
      step("client.publish('t', 'x')", () => client.publish("t", "x"));
      step("client.stats()", () => client.stats());
      step("client.connected", () => client.connected);
      step("client.end(true)", () => client.end(true));
      return out;
    });
    const failed = steps.filter(([, r]) => r !== "ok");
    assert.deepEqual(failed, [], `steps that failed:\n${failed.map((s) => s.join(": ")).join("\n")}`);
    p.assertClean();
  });

  test("on/once/off/removeListener/removeAllListeners/connect/reconnect return the client itself (chaining as in MQTT.js)", T, async () => {
    const closedPort = await freePort(); // nothing listens: connect()/reconnect() fail fast
    const same = await p.page.evaluate((closedPort) => {
      const out = {};
      const f = () => {};
      // A fresh client per call, so a method that consumes its receiver cannot spoil the next.
      const fresh = () =>
        window.wasmqtt.connect(`ws://127.0.0.1:${closedPort}/mqtt`, { manualConnect: true, reconnectPeriod: 0 });
      const check = (label, call) => {
        const c = fresh();
        try {
          out[label] = call(c) === c;
        } catch (e) {
          out[label] = `threw: ${e && e.message}`;
        }
        try {
          c.end(true);
        } catch {
          /* a consumed handle */
        }
      };
      check("on", (c) => c.on("connect", f));
      check("once", (c) => c.once("connect", f));
      check("off", (c) => c.off("connect", f));
      check("removeListener", (c) => c.removeListener("connect", f));
      check("removeAllListeners", (c) => c.removeAllListeners("connect"));
      check("connect", (c) => c.connect());
      check("reconnect", (c) => c.reconnect());
      return out;
    }, closedPort);
    const wrong = Object.entries(same).filter(([, v]) => v !== true);
    assert.deepEqual(wrong, [], `methods not returning the same client: ${JSON.stringify(Object.fromEntries(wrong))}`);
    p.assertClean([WS_FAILURE_CONSOLE]);
  });

  test("listeners may call client methods (on, off, publish, stats) while end() emits close and end", T, async (t) => {
    const srv = await fakePingServer({ answerPings: true });
    const q = await env.open();
    try {
      const result = await q.page.evaluate(async (url) => {
        const calls = [];
        let client = window.wasmqtt.connect(url, { reconnectPeriod: 0 });
        const f = () => {};
        const tryCall = (label, fn) => {
          try {
            fn();
            calls.push(`${label}: ok`);
          } catch (e) {
            calls.push(`${label}: threw ${e && e.message}`);
          }
        };
        const inListener = (event) => () => {
          tryCall(`${event}: stats()`, () => client.stats());
          tryCall(`${event}: publish()`, () => client.publish("t", "x", () => {}));
          tryCall(`${event}: off()`, () => (client = client.off("connect", f)));
          tryCall(`${event}: on()`, () => (client = client.on("connect", f)));
        };
        client = client.on("connect", f);
        client = client.on("close", inListener("close"));
        client = client.on("end", inListener("end"));
        await new Promise((resolve) => {
          client = client.once("connect", resolve);
        });
        await new Promise((resolve) => client.end(false, {}, resolve));
        return calls;
      }, srv.url);
      const failed = result.filter((c) => !c.endsWith(": ok"));
      t.diagnostic(result.join("; "));
      assert.ok(result.length >= 8, `the listeners ran: ${result}`);
      assert.deepEqual(failed, [], `calls that failed inside listeners:\n${failed.join("\n")}`);
      q.assertClean();
    } finally {
      await q.close();
      await srv.dispose();
    }
  });

  test("non-UTF-8 bytes (0x80-0xff) accepted wherever MQTT.js takes a Buffer: will.payload, password, correlationData, authenticationData", T, async () => {
    const results = await p.page.evaluate(() => {
      const out = {};
      const bin = new Uint8Array([0x00, 0x80, 0xff, 0xfe, 0xc3]);
      const url = "ws://127.0.0.1:9/mqtt";
      const tryIt = (label, f) => {
        try {
          f();
          out[label] = "ok";
        } catch (e) {
          out[label] = `${e && e.code}: ${e && e.message}`;
        }
      };
      tryIt("connect will.payload", () => window.wasmqtt.connect(url, { manualConnect: true, will: { topic: "w", payload: bin } }));
      tryIt("connect password", () => window.wasmqtt.connect(url, { manualConnect: true, username: "u", password: bin }));
      tryIt("connect properties.authenticationData", () =>
        window.wasmqtt.connect(url, {
          manualConnect: true,
          protocolVersion: 5,
          properties: { authenticationMethod: "m", authenticationData: bin },
        }),
      );
      tryIt("connect will.properties.correlationData", () =>
        window.wasmqtt.connect(url, {
          manualConnect: true,
          protocolVersion: 5,
          will: { topic: "w", payload: "x", properties: { correlationData: bin } },
        }),
      );
      const c = window.wasmqtt.connect(url, { manualConnect: true, protocolVersion: 5 });
      tryIt("publish properties.correlationData", () => c.publish("t", "x", { qos: 1, properties: { correlationData: bin } }));
      // The same with ASCII-only bytes works: the failure is about the byte values.
      tryIt("control: publish properties.correlationData (ASCII bytes)", () =>
        c.publish("t", "x", { qos: 1, properties: { correlationData: new Uint8Array([0x41, 0x42]) } }),
      );
      return out;
    });
    const failed = Object.entries(results).filter(([, v]) => v !== "ok");
    assert.deepEqual(failed, [], `refused:\n${failed.map((s) => s.join(" -> ")).join("\n")}`);
    p.assertClean();
  });
});
