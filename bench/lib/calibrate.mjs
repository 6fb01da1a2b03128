// Calibration: how fast the pieces around the browser go, so the browser figures can be read.
// 1. The native publisher/subscriber of bench/native.mjs (raw TCP) against MQTT.js in Node as
//    the publisher: which one could be the bottleneck of receive-only runs.
// 2. mosquitto's own WebSocket listener against bench/relay.mjs for growing payloads, with a
//    minimal Node WebSocket subscriber: the listener's limit over ~4 KiB.
import { performance } from "node:perf_hooks";

import mqtt from "mqtt";
import WebSocket from "ws";

import { bodyTemplate } from "../page/payload.js";
import { nextPacket } from "../page/frames.js";

const wall = () => performance.timeOrigin + performance.now();

/** A minimal MQTT 3.1.1 subscriber over a WebSocket (Node `ws`); counts PUBLISH packets. */
async function wsSubscriber(url, topic, n, clientId) {
  const ws = new WebSocket(url, "mqtt", { perMessageDeflate: false });
  let rest = null;
  let got = 0;
  let tLast = 0;
  let onType = null;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  ws.on("message", (d) => {
    let buf = rest ? Buffer.concat([rest, d]) : d;
    rest = null;
    let off = 0;
    for (let p; (p = nextPacket(buf, off)); off = p.end) {
      const type = buf[off] >> 4;
      if (type === 3) {
        got++;
        tLast = wall();
        if (got === n) resolveDone();
      } else onType?.(type);
    }
    if (off < buf.length) rest = Buffer.from(buf.subarray(off));
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const next = (t) => new Promise((r) => (onType = (x) => x === t && r()));
  const id = Buffer.from(clientId);
  let w = next(2);
  ws.send(Buffer.concat([Buffer.from([0x10, 12 + id.length, 0, 4, 77, 81, 84, 84, 4, 2, 0, 0, 0, id.length]), id]));
  await w;
  const t = Buffer.from(topic);
  w = next(9);
  ws.send(Buffer.concat([Buffer.from([0x82, 5 + t.length, 0, 1, 0, t.length]), t, Buffer.from([0])]));
  await w;
  return {
    async wait(ms) {
      await Promise.race([done, new Promise((r) => setTimeout(r, ms))]);
      ws.close();
      return { got, tLast };
    },
  };
}

async function mqttJsPublish(tcpPort, topic, n, size, clientId) {
  const c = mqtt.connect(`mqtt://127.0.0.1:${tcpPort}`, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise((resolve, reject) => {
    c.once("connect", resolve);
    c.once("error", reject);
  });
  const tmpl = Buffer.from(bodyTemplate().subarray(0, size));
  const tStart = wall();
  // In slices, yielding to the event loop as an application loop would.
  for (let i = 0; i < n; ) {
    for (const end = Math.min(n, i + 500); i < end; i++) {
      const p = Buffer.from(tmpl);
      p.writeUInt32BE(i, 0);
      c.publish(topic, p, { qos: 0 });
    }
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => c.end(false, {}, r));
  return { tStart };
}

export async function calibrate({ native, tcpPort, wsPort, relayUrl, quick, log }) {
  const out = { publisher: [], listener: [] };
  const id = (s) => `cal${Date.now().toString(36)}${s}`.slice(0, 23);
  const n = quick ? 20000 : 50000;
  for (const size of [16, 1024]) {
    for (const who of ["native (raw TCP)", "MQTT.js in Node"]) {
      const topic = `cal/${Date.now()}/${size}/${who.length}`;
      const { handle } = await native.call("subStart", { topic, qos: 0, n, size, clientId: id("s") });
      const pub =
        who === "MQTT.js in Node"
          ? await mqttJsPublish(tcpPort, topic, n, size, id("m"))
          : await native.call("publishAll", { topic, qos: 0, n, size, clientId: id("p") });
      const sub = await native.call("subWait", { handle, stallMs: 10000 });
      const rate = sub.error ? NaN : (n / (sub.tLast - pub.tStart)) * 1000;
      out.publisher.push({ who, size, n, rate, error: sub.error });
      log(`calibrate: publisher ${who}, ${size} B: ${Math.round(rate)} msg/s to a raw TCP subscriber${sub.error ? ` (${sub.error})` : ""}`);
    }
  }
  const listenerUrl = `ws://127.0.0.1:${wsPort}/mqtt`;
  const cases = [
    [1024, 2000, 2000],
    [2048, 2000, 2000],
    [4096, 150, 2000],
    [65536, 4, 300],
  ];
  for (const [size, nListener, nRelay] of cases) {
    for (const [via, url, count] of [
      ["listener", listenerUrl, nListener],
      ["relay", relayUrl, nRelay],
    ]) {
      const topic = `cal/${Date.now()}/${via}/${size}`;
      const sub = await wsSubscriber(url, topic, count, id("w"));
      const pub = await native.call("publishAll", { topic, qos: 0, n: count, size, clientId: id("q") });
      const r = await sub.wait(30000);
      const rate = r.got === count ? (count / (r.tLast - pub.tStart)) * 1000 : NaN;
      out.listener.push({ via, size, n: count, got: r.got, rate });
      log(`calibrate: mosquitto ${via}, ${size} B: ${r.got}/${count} in ${((r.tLast - pub.tStart) / 1000).toFixed(2)} s = ${rate.toFixed(1)} msg/s (Node ws subscriber)`);
    }
  }
  return out;
}
