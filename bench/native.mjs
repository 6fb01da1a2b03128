// The native side of the benchmarks, a child process of bench/run.mjs (forked, stopped by PID):
// MQTT clients over TCP to mosquitto on 127.0.0.1 that publish, count and echo, and a raw
// WebSocket echo server on 127.0.0.1 for the browser's baseline.
//
// Why raw `net` with hand-rolled PUBLISH framing rather than MQTT.js in Node: MQTT.js in Node
// tops out below what the browser clients reach in some cases (bench/calibrate.mjs measures
// both), so as a publisher it would be the bottleneck being measured. CONNECT and SUBSCRIBE
// are encoded by mqtt-packet (MQTT.js's own encoder).
//
// Commands arrive over the IPC channel as { id, cmd, args } and are answered { id, result }
// or { id, error }.
import net from "node:net";
import { performance } from "node:perf_hooks";

import mqttPacket from "mqtt-packet";
import { WebSocketServer } from "ws";

import { bodyTemplate, seqOf } from "./page/payload.js";
import { nextPacket, remainingLength } from "./page/frames.js";

const wallNow = () => performance.timeOrigin + performance.now();
const BROKER_PORT = Number(process.env.BENCH_TCP_PORT);
const template = Buffer.from(bodyTemplate());

/** Writes a PUBLISH's fixed header, topic and packet id into `buf` at `off`, for a payload of
 * `size` bytes; returns where the payload goes. */
function writePublishHead(buf, off, topicBuf, qos, pid, size) {
  const rl = 2 + topicBuf.length + (qos ? 2 : 0) + size;
  buf[off++] = 0x30 | (qos << 1);
  for (const b of remainingLength(rl)) buf[off++] = b;
  buf.writeUInt16BE(topicBuf.length, off);
  off += 2;
  topicBuf.copy(buf, off);
  off += topicBuf.length;
  if (qos) {
    buf.writeUInt16BE(pid, off);
    off += 2;
  }
  return off;
}

/** Writes a PUBLISH of `seq`/`size` into `buf` at `off`; returns the new offset. */
function writePublish(buf, off, topicBuf, qos, pid, seq, size) {
  off = writePublishHead(buf, off, topicBuf, qos, pid, size);
  buf.writeUInt32BE(seq >>> 0, off);
  template.copy(buf, off + 4, 4, size);
  return off + size;
}

function publishLength(topicBuf, qos, size) {
  const rl = 2 + topicBuf.length + (qos ? 2 : 0) + size;
  return 1 + remainingLength(rl).length + rl;
}

/** A small MQTT 3.1.1 client over TCP: enough to publish, subscribe, ack and count. */
class Mini {
  constructor(clientId) {
    this.clientId = clientId;
    this.buf = Buffer.alloc(0);
    this.onPublish = null; // (topic, payload, qos, pid)
    this.waiters = []; // { type, pid?, resolve }
    this.acks = { puback: 0, pubcomp: 0 };
    this.onAck = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      this.sock = net.connect(BROKER_PORT, "127.0.0.1");
      this.sock.setNoDelay(true);
      this.sock.once("error", reject);
      this.sock.on("data", (d) => this.#data(d));
      this.sock.once("connect", () => {
        this.sock.write(
          mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 0, clientId: this.clientId }),
        );
        this.#wait(2).then((p) => (p.rc === 0 ? resolve() : reject(new Error(`CONNACK ${p.rc}`))));
      });
    });
  }

  subscribe(topic, qos) {
    this.sock.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos }] }));
    return this.#wait(9);
  }

  #wait(type) {
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  write(b) {
    return this.sock.write(b);
  }

  drained() {
    return new Promise((r) => this.sock.once("drain", r));
  }

  #data(d) {
    let buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let off = 0;
    const acks = [];
    for (let p; (p = nextPacket(buf, off)); off = p.end) {
      const { start: i, end } = p;
      const type = buf[off] >> 4;
      const body = buf.subarray(i, end);
      if (type === 3) {
        const qos = (buf[off] >> 1) & 3;
        const tl = body.readUInt16BE(0);
        const topic = body.toString("utf8", 2, 2 + tl);
        let p = 2 + tl;
        let pid = 0;
        if (qos) {
          pid = body.readUInt16BE(p);
          p += 2;
          acks.push(Buffer.from([qos === 1 ? 0x40 : 0x50, 2, pid >> 8, pid & 0xff]));
        }
        this.onPublish?.(topic, body.subarray(p), qos, pid);
      } else if (type === 4) {
        this.acks.puback++;
        this.onAck?.();
      } else if (type === 5) {
        // PUBREC -> PUBREL
        acks.push(Buffer.from([0x62, 2, body[0], body[1]]));
      } else if (type === 6) {
        // PUBREL -> PUBCOMP
        acks.push(Buffer.from([0x70, 2, body[0], body[1]]));
      } else if (type === 7) {
        this.acks.pubcomp++;
        this.onAck?.();
      } else {
        const w = this.waiters.findIndex((x) => x.type === type);
        if (w >= 0) {
          const [{ resolve }] = this.waiters.splice(w, 1);
          resolve({ type, rc: type === 2 ? body[1] : 0, body });
        }
      }
    }
    this.buf = off < buf.length ? Buffer.from(buf.subarray(off)) : Buffer.alloc(0);
    if (acks.length) this.sock.write(acks.length === 1 ? acks[0] : Buffer.concat(acks));
  }

  close() {
    // DISCONNECT, then the socket.
    return new Promise((resolve) => {
      if (!this.sock || this.sock.destroyed) return resolve();
      this.sock.end(Buffer.from([0xe0, 0]), () => resolve());
      setTimeout(() => {
        this.sock.destroy();
        resolve();
      }, 1000);
    });
  }
}

let nextHandle = 1;
const handles = new Map();

/** Publishes seq 0..n-1 as fast as the socket takes them; resolves once all are acknowledged. */
async function publishAll({ topic, qos, n, size, clientId }) {
  const c = new Mini(clientId);
  await c.connect();
  const topicBuf = Buffer.from(topic);
  const one = publishLength(topicBuf, qos, size);
  const per = Math.max(1, Math.floor((256 * 1024) / one));
  let acked = 0;
  let resolveAcked;
  const allAcked = new Promise((r) => (resolveAcked = r));
  c.onAck = () => {
    if (++acked === n) resolveAcked();
  };
  if (qos === 0) resolveAcked();
  const tStart = wallNow();
  for (let i = 0; i < n; ) {
    const k = Math.min(per, n - i);
    const chunk = Buffer.allocUnsafe(one * k);
    let off = 0;
    for (let j = 0; j < k; j++, i++) off = writePublish(chunk, off, topicBuf, qos, (i % 65535) + 1, i, size);
    if (!c.write(chunk)) await c.drained();
  }
  const tWritten = wallNow();
  await allAcked;
  const tAcked = wallNow();
  await c.close();
  return { tStart, tWritten, tAcked, acked };
}

/** Publishes at `rate` messages/s for `durationMs` (a flood), in 10 ms steps. */
async function flood({ topic, size, rate, durationMs, clientId }) {
  const c = new Mini(clientId);
  await c.connect();
  const topicBuf = Buffer.from(topic);
  const one = publishLength(topicBuf, 0, size);
  const tStart = wallNow();
  let sent = 0;
  await new Promise((resolve) => {
    const step = () => {
      const t = wallNow() - tStart;
      const due = Math.min(Math.floor((t * rate) / 1000), Math.floor((durationMs * rate) / 1000));
      if (due > sent) {
        const chunk = Buffer.allocUnsafe(one * (due - sent));
        let off = 0;
        for (; sent < due; sent++) off = writePublish(chunk, off, topicBuf, 0, 0, sent, size);
        c.write(chunk);
      }
      if (t >= durationMs) resolve();
      else setTimeout(step, 10);
    };
    step();
  });
  const tEnd = wallNow();
  await c.close();
  return { published: sent, tStart, tEnd };
}

/** Subscribes and counts: checks order, length and body of each message. */
async function subStart({ topic, qos, n, size, clientId }) {
  const c = new Mini(clientId);
  await c.connect();
  const st = { received: 0, tFirst: 0, tLast: 0, error: null, done: null };
  let resolveDone;
  st.done = new Promise((r) => (resolveDone = r));
  c.onPublish = (t, p) => {
    const now = wallNow();
    if (st.received === 0) st.tFirst = now;
    st.tLast = now;
    if (!st.error) {
      const seq = seqOf(p);
      if (p.length !== size) st.error = `message ${st.received}: length ${p.length}, expected ${size}`;
      else if (seq !== st.received) st.error = `order/loss: got seq ${seq}, expected ${st.received}`;
      else if (template.compare(p, 4, size, 4, size) !== 0) st.error = `message ${seq}: payload differs`;
    }
    st.received++;
    if (st.received === n || st.error) resolveDone();
  };
  await c.subscribe(topic, qos);
  const h = nextHandle++;
  handles.set(h, { c, st });
  return { handle: h };
}

/** Waits until the subscriber has n messages, an error, or no progress for stallMs. */
async function subWait({ handle, stallMs }) {
  const { c, st } = handles.get(handle);
  let last = -1;
  let lastChange = Date.now();
  let stalled = false;
  await Promise.race([
    st.done,
    new Promise((resolve) => {
      const iv = setInterval(() => {
        if (st.received !== last) {
          last = st.received;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > stallMs) {
          stalled = true;
          clearInterval(iv);
          resolve();
        }
      }, 200);
      st.done.then(() => clearInterval(iv));
    }),
  ]);
  handles.delete(handle);
  await c.close();
  return { received: st.received, tFirst: st.tFirst, tLast: st.tLast, error: st.error ?? (stalled ? "stalled" : null) };
}

/** Echoes every message on `reqTopic` to `respTopic` at the same QoS (latency runs). */
async function echoStart({ reqTopic, respTopic, qos, clientId }) {
  const c = new Mini(clientId);
  await c.connect();
  const respBuf = Buffer.from(respTopic);
  let pid = 0;
  let echoed = 0;
  c.onPublish = (t, p) => {
    pid = (pid % 65535) + 1;
    const b = Buffer.allocUnsafe(publishLength(respBuf, qos, p.length));
    // The request's payload as it is (writePublish writes seq + template; here the payload
    // carries the page's own bytes).
    p.copy(b, writePublishHead(b, 0, respBuf, qos, pid, p.length));
    c.write(b);
    echoed++;
  };
  await c.subscribe(reqTopic, qos);
  const h = nextHandle++;
  handles.set(h, { c, st: { get echoed() { return echoed; } } });
  return { handle: h };
}

async function echoStop({ handle }) {
  const { c, st } = handles.get(handle);
  handles.delete(handle);
  const echoed = st.echoed;
  await c.close();
  return { echoed };
}

// The raw WebSocket echo server (the browser's baseline without MQTT and without a broker).
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});
const wsEchoPort = await new Promise((r) => wss.on("listening", () => r(wss.address().port)));

const commands = {
  ping: async () => ({ wsEchoPort, pid: process.pid }),
  publishAll,
  flood,
  subStart,
  subWait,
  echoStart,
  echoStop,
};

process.on("message", async ({ id, cmd, args }) => {
  try {
    const result = await commands[cmd](args ?? {});
    process.send({ id, result });
  } catch (e) {
    process.send({ id, error: String(e?.stack ?? e) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true, wsEchoPort });
