// One interface over every implementation measured, so the workloads in harness.js are the
// same code for all of them:
//   await a.connect(url, clientId, extra)   resolves on CONNACK
//   await a.subscribe(topic, qos)           resolves on SUBACK (rejects on a refusal)
//   a.onMessage((topic, payload) => ...)    payload: a Uint8Array (or subclass)
//   a.publish(topic, payload, qos, done?)   done(err) once QoS 0 written / 1 acked / 2 completed;
//                                           false if the library refuses it for now (wasmqtt's
//                                           bounded outbound queue): then await a.waitDrain()
//   await a.end()
//   a.onError = (e) => ...                  connection lost or an error event
// Every adapter calls its library the way that library's documentation shows, with its
// defaults (MQTT 3.1.1, clean session, no reconnect), and no tuning the others don't get.
import { nextPacket, remainingLength } from "./frames.js";

const OPTS = [{ qos: 0 }, { qos: 1 }, { qos: 2 }];

function once(emitter, ok, bad) {
  return new Promise((resolve, reject) => {
    emitter.once(ok, resolve);
    emitter.once(bad, reject);
  });
}

function timeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** wasmqtt through its MQTT.js-shaped API (pkg-web, release build after wasm-opt). */
export class WasmqttAdapter {
  constructor(lib) {
    this.lib = lib;
    this.onError = () => {};
  }

  async connect(url, clientId, extra = {}) {
    this.c = this.lib.connect(url, { clientId, protocolVersion: 4, reconnectPeriod: 0, keepalive: 60, ...extra });
    await timeout(once(this.c, "connect", "error"), 10000, "CONNACK");
    this.c.on("error", (e) => this.onError(e));
    this.c.on("close", () => this.closed || this.onError(new Error("connection closed")));
  }

  subscribe(topic, qos) {
    return timeout(this.c.subscribeAsync(topic, { qos }), 10000, "SUBACK").then((g) => {
      if (g[0].qos >= 128) throw new Error(`subscription refused: ${g[0].qos}`);
    });
  }

  onMessage(h) {
    this.c.on("message", h);
  }

  /**
   * Returns false when the bounded outbound queue refuses the message (ERR_QUEUE_FULL: the
   * socket is above writeHighWatermark and the queue is full); the caller waits for `drain`.
   */
  publish(topic, payload, qos, done) {
    try {
      if (done) this.c.publish(topic, payload, OPTS[qos], done);
      else this.c.publish(topic, payload, OPTS[qos]);
    } catch (e) {
      if (e?.code === "ERR_QUEUE_FULL") return false;
      throw e;
    }
    return true;
  }

  /** Resolves at the next `drain` (the socket fell below half its watermark). */
  waitDrain() {
    return new Promise((r) => this.c.once("drain", r));
  }

  /** The bounded inbound queue as an async iterator (wasmqtt only; the flood uses it). */
  messages(filter) {
    return this.c.messages(filter);
  }

  stats() {
    return this.c.stats();
  }

  async wasmMemoryBytes() {
    const w = await this.lib.init();
    return w.memory.buffer.byteLength;
  }

  end() {
    this.closed = true;
    return timeout(new Promise((r) => this.c.end(false, () => r())), 5000, "end").catch(() => this.c.end(true));
  }
}

/** MQTT.js 5 (mqtt.min.js, its browser bundle). */
export class MqttJsAdapter {
  constructor(lib) {
    this.lib = lib;
    this.onError = () => {};
  }

  async connect(url, clientId) {
    this.c = this.lib.connect(url, { clientId, protocolVersion: 4, reconnectPeriod: 0, keepalive: 60, clean: true });
    await timeout(once(this.c, "connect", "error"), 10000, "CONNACK");
    this.c.on("error", (e) => this.onError(e));
    this.c.on("close", () => this.closed || this.onError(new Error("connection closed")));
  }

  subscribe(topic, qos) {
    return timeout(
      new Promise((resolve, reject) =>
        this.c.subscribe(topic, { qos }, (err, granted) => {
          if (err) reject(err);
          else if (granted[0].qos >= 128) reject(new Error(`subscription refused: ${granted[0].qos}`));
          else resolve();
        }),
      ),
      10000,
      "SUBACK",
    );
  }

  onMessage(h) {
    this.c.on("message", h);
  }

  publish(topic, payload, qos, done) {
    // MQTT.js takes a Buffer or a string; its bundle's Buffer wraps the bytes without a copy.
    const buf = this.lib.Buffer ? this.lib.Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) : payload;
    if (done) this.c.publish(topic, buf, OPTS[qos], done);
    else this.c.publish(topic, buf, OPTS[qos]);
  }

  async wasmMemoryBytes() {
    return 0;
  }

  end() {
    this.closed = true;
    return timeout(new Promise((r) => this.c.end(false, {}, () => r())), 5000, "end").catch(() => this.c.end(true));
  }
}

/** Eclipse Paho JavaScript 1.1 (paho-mqtt-min.js). */
export class PahoAdapter {
  constructor(lib) {
    this.lib = lib;
    this.onError = () => {};
  }

  async connect(url, clientId) {
    const u = new URL(url);
    this.c = new this.lib.Client(u.hostname, Number(u.port), u.pathname, clientId);
    this.c.onConnectionLost = (e) => this.closed || this.onError(new Error(`connection lost: ${e.errorMessage}`));
    this.c.onMessageDelivered = (m) => {
      const done = m._benchDone;
      if (done) {
        m._benchDone = undefined;
        done(null);
      }
    };
    await new Promise((resolve, reject) =>
      this.c.connect({
        onSuccess: resolve,
        onFailure: (e) => reject(new Error(`connect failed: ${e.errorMessage}`)),
        cleanSession: true,
        keepAliveInterval: 60,
        mqttVersion: 4,
        timeout: 10,
      }),
    );
  }

  subscribe(topic, qos) {
    return new Promise((resolve, reject) =>
      this.c.subscribe(topic, {
        qos,
        onSuccess: (r) => (r.grantedQos[0] >= 128 ? reject(new Error(`refused ${r.grantedQos[0]}`)) : resolve()),
        onFailure: (e) => reject(new Error(`subscribe failed: ${e.errorMessage}`)),
        timeout: 10,
      }),
    );
  }

  onMessage(h) {
    this.c.onMessageArrived = (m) => h(m.destinationName, m.payloadBytes);
  }

  publish(topic, payload, qos, done) {
    const m = new this.lib.Message(payload);
    m.destinationName = topic;
    m.qos = qos;
    if (done) m._benchDone = done;
    this.c.send(m);
  }

  async wasmMemoryBytes() {
    return 0;
  }

  end() {
    this.closed = true;
    try {
      this.c.disconnect();
    } catch {
      // already disconnected
    }
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------------
// Baselines: no MQTT library at all.
// ---------------------------------------------------------------------------------------------

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * The least an MQTT client can do over the browser's WebSocket: PUBLISH and the acks encoded
 * by hand, K packets concatenated per WebSocket message (and what one turn of the event loop
 * produced, if fewer), a minimal framer on receipt. The ceiling for any library on this broker.
 */
export class RawMqttAdapter {
  constructor(k) {
    this.k = k;
    this.onError = () => {};
    this.out = [];
    this.outBytes = 0;
    this.flushQueued = false;
    this.rest = null;
    this.handler = () => {};
    this.nextPid = 0;
    this.pending = new Map(); // pid -> done
    this.waiters = new Map(); // packet type -> resolve
  }

  #queue(bytes) {
    this.out.push(bytes);
    this.outBytes += bytes.length;
    if (this.out.length >= this.k) this.#flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.#flush();
      });
    }
  }

  #flush() {
    if (this.out.length === 0) return;
    let msg;
    if (this.out.length === 1) msg = this.out[0];
    else {
      msg = new Uint8Array(this.outBytes);
      let off = 0;
      for (const b of this.out) {
        msg.set(b, off);
        off += b.length;
      }
    }
    this.out = [];
    this.outBytes = 0;
    this.ws.send(msg);
  }

  #wait(type) {
    return new Promise((r) => this.waiters.set(type, r));
  }

  async connect(url, clientId) {
    this.ws = new WebSocket(url, "mqtt");
    this.ws.binaryType = "arraybuffer";
    this.ws.onmessage = (e) => this.#data(new Uint8Array(e.data));
    this.ws.onclose = () => this.closed || this.onError(new Error("connection closed"));
    await new Promise((resolve, reject) => {
      this.ws.onopen = resolve;
      this.ws.onerror = () => reject(new Error("websocket error"));
    });
    const id = enc.encode(clientId);
    const vh = [0, 4, 77, 81, 84, 84, 4, 2, 0, 60, id.length >> 8, id.length & 0xff];
    const rl = vh.length + id.length;
    const p = new Uint8Array([0x10, ...remainingLength(rl), ...vh, ...id]);
    const connack = this.#wait(2);
    this.ws.send(p);
    const body = await timeout(connack, 10000, "CONNACK");
    if (body[1] !== 0) throw new Error(`CONNACK ${body[1]}`);
  }

  async subscribe(topic, qos) {
    const t = enc.encode(topic);
    const rl = 2 + 2 + t.length + 1;
    const p = new Uint8Array([0x82, ...remainingLength(rl), 0, 1, t.length >> 8, t.length & 0xff, ...t, qos]);
    const suback = this.#wait(9);
    this.ws.send(p);
    const body = await timeout(suback, 10000, "SUBACK");
    if (body[2] >= 128) throw new Error(`subscription refused: ${body[2]}`);
  }

  onMessage(h) {
    this.handler = h;
  }

  publish(topic, payload, qos, done) {
    const t = this.topicCache?.topic === topic ? this.topicCache.bytes : enc.encode(topic);
    this.topicCache = { topic, bytes: t };
    const rl = 2 + t.length + (qos ? 2 : 0) + payload.length;
    const rlb = remainingLength(rl);
    const p = new Uint8Array(1 + rlb.length + rl);
    let o = 0;
    p[o++] = 0x30 | (qos << 1);
    for (const b of rlb) p[o++] = b;
    p[o++] = t.length >> 8;
    p[o++] = t.length & 0xff;
    p.set(t, o);
    o += t.length;
    if (qos) {
      this.nextPid = (this.nextPid % 65535) + 1;
      p[o++] = this.nextPid >> 8;
      p[o++] = this.nextPid & 0xff;
      this.pending.set(this.nextPid, done ?? (() => {}));
    }
    p.set(payload, o);
    this.#queue(p);
    if (!qos && done) done(null);
  }

  #data(chunk) {
    let buf = chunk;
    if (this.rest) {
      buf = new Uint8Array(this.rest.length + chunk.length);
      buf.set(this.rest);
      buf.set(chunk, this.rest.length);
      this.rest = null;
    }
    let off = 0;
    for (let p; (p = nextPacket(buf, off)); off = p.end) {
      const type = buf[off] >> 4;
      const body = buf.subarray(p.start, p.end);
      if (type === 3) {
        const qos = (buf[off] >> 1) & 3;
        const tl = (body[0] << 8) | body[1];
        const topic = dec.decode(body.subarray(2, 2 + tl));
        let p = 2 + tl;
        if (qos) {
          this.#queue(new Uint8Array([qos === 1 ? 0x40 : 0x50, 2, body[p], body[p + 1]]));
          p += 2;
        }
        this.handler(topic, body.subarray(p));
      } else if (type === 4 || type === 7) {
        const pid = (body[0] << 8) | body[1];
        const done = this.pending.get(pid);
        this.pending.delete(pid);
        done?.(null);
      } else if (type === 5) {
        this.#queue(new Uint8Array([0x62, 2, body[0], body[1]]));
      } else if (type === 6) {
        this.#queue(new Uint8Array([0x70, 2, body[0], body[1]]));
      } else {
        const w = this.waiters.get(type);
        if (w) {
          this.waiters.delete(type);
          w(body);
        }
      }
    }
    if (off < buf.length) this.rest = buf.slice(off);
  }

  async wasmMemoryBytes() {
    return 0;
  }

  end() {
    this.closed = true;
    this.#flush();
    this.ws.send(new Uint8Array([0xe0, 0]));
    this.ws.close();
    return Promise.resolve();
  }
}

/**
 * The browser's WebSocket alone: each "publish" is one binary message to a Node `ws` echo
 * server on 127.0.0.1, each echo a "message". No MQTT, no broker (self-loop only).
 */
export class WsEchoAdapter {
  constructor(echoUrl) {
    this.echoUrl = echoUrl;
    this.onError = () => {};
  }

  async connect() {
    this.ws = new WebSocket(this.echoUrl);
    this.ws.binaryType = "arraybuffer";
    this.ws.onclose = () => this.closed || this.onError(new Error("connection closed"));
    await new Promise((resolve, reject) => {
      this.ws.onopen = resolve;
      this.ws.onerror = () => reject(new Error("websocket error"));
    });
  }

  async subscribe() {}

  onMessage(h) {
    this.ws.onmessage = (e) => h("echo", new Uint8Array(e.data));
  }

  publish(topic, payload, qos, done) {
    this.ws.send(payload);
    if (done) done(null);
  }

  async wasmMemoryBytes() {
    return 0;
  }

  end() {
    this.closed = true;
    this.ws.close();
    return Promise.resolve();
  }
}
