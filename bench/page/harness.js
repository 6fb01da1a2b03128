// The benchmark page: loads one implementation (?impl=...) and exposes `window.bench`, whose
// workloads the orchestrator (bench/run.mjs) calls over the DevTools protocol. The page times
// itself (performance.now, and the wall clock performance.timeOrigin + now() for intervals
// that end in the Node helper) and checks every message it receives: count, order, payload.
import { MqttJsAdapter, PahoAdapter, RawMqttAdapter, WasmqttAdapter, WsEchoAdapter } from "./adapters.js";
import { bodyOk, makePayload, seqOf } from "./payload.js";

const params = new URLSearchParams(location.search);
const IMPL = params.get("impl");
const PKG = params.get("pkg") || "/pkg-web/";
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}

/** A macrotask boundary that is not clamped like nested setTimeout(0) (4 ms). */
const channel = new MessageChannel();
const channelQueue = [];
channel.port1.onmessage = () => channelQueue.shift()?.();
const yieldTask = () =>
  new Promise((r) => {
    channelQueue.push(r);
    channel.port2.postMessage(0);
  });

// Profiling runs only (?countws=1): count the WebSocket messages the page sends and receives.
const wsCounts = { sent: 0, sentBytes: 0, received: 0 };
if (params.get("countws")) {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    wsCounts.sent++;
    wsCounts.sentBytes += data.byteLength ?? data.length ?? 0;
    return send.call(this, data);
  };
  // Every WebSocket the page opens gets one counting listener (constructed through a subclass).
  const Native = WebSocket;
  const count = () => wsCounts.received++;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", count);
    }
  };
}

let lib = null;
const timings = {};

/**
 * Loads the implementation as production pages do. For wasmqtt the steps are timed apart:
 * the glue module, streaming compile of the .wasm, instantiation, then the package entry
 * (whose own init finds the module ready).
 */
async function load() {
  const t0 = performance.now();
  if (IMPL === "wasmqtt") {
    const glue = await import(`${PKG}wasmqtt.js`);
    const t1 = performance.now();
    const module = await WebAssembly.compileStreaming(fetch(`${PKG}wasmqtt_bg.wasm`));
    const t2 = performance.now();
    glue.initSync({ module });
    const t3 = performance.now();
    lib = await import(`${PKG}index.js`);
    const t4 = performance.now();
    Object.assign(timings, { glueMs: t1 - t0, compileMs: t2 - t1, instantiateMs: t3 - t2, entryMs: t4 - t3 });
  } else if (IMPL === "mqttjs") {
    await loadScript("/lib/mqtt.min.js");
    lib = window.mqtt;
  } else if (IMPL === "paho") {
    await loadScript("/lib/paho-mqtt-min.js");
    lib = window.Paho;
  }
  timings.loadMs = performance.now() - t0;
  timings.loadStart = t0;
}

function adapter(spec) {
  if (IMPL === "wasmqtt") return new WasmqttAdapter(lib);
  if (IMPL === "mqttjs") return new MqttJsAdapter(lib);
  if (IMPL === "paho") return new PahoAdapter(lib);
  const raw = /^raw-k(\d+)$/.exec(IMPL);
  if (raw) return new RawMqttAdapter(Number(raw[1]));
  if (IMPL === "ws-echo") return new WsEchoAdapter(spec.echoUrl);
  throw new Error(`unknown impl ${IMPL}`);
}

/**
 * Receive-side bookkeeping: every message must be the next sequence number, of the right
 * length, with the right bytes. The first violation fails the run.
 */
class Checker {
  constructor(n, size, { allowGaps = false } = {}) {
    this.n = n;
    this.size = size;
    this.allowGaps = allowGaps;
    this.received = 0;
    this.next = 0;
    this.error = null;
    this.tFirst = 0;
    this.tLast = 0;
  }

  check(payload) {
    const seq = seqOf(payload);
    if (this.error) return seq;
    if (payload.length !== this.size) this.error = `message ${this.received}: ${payload.length} bytes, expected ${this.size}`;
    else if (seq !== this.next && !(this.allowGaps && seq > this.next))
      this.error = `order/loss: got sequence ${seq}, expected ${this.next}`;
    else if (!bodyOk(payload, this.size, (seq & 15) === 0)) this.error = `message ${seq}: payload bytes differ`;
    this.next = seq + 1;
    return seq;
  }

  onMessage(payload) {
    const now = wall();
    if (this.received === 0) this.tFirst = now;
    this.tLast = now;
    this.check(payload);
    this.received++;
  }
}

/**
 * Resolves when `done()` is true; fails on `bad()`, when the counters `progress()` returns
 * stop moving for `stallMs`, or after `deadlineMs`.
 */
function watch({ done, bad, progress, stallMs, deadlineMs }) {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = progress();
    let lastChange = start;
    const finish = (r) => {
      clearInterval(iv);
      resolve(r);
    };
    const tick = () => {
      const b = bad();
      if (b) return finish({ ok: false, error: b });
      if (done()) return finish({ ok: true });
      const now = performance.now();
      const p = progress();
      if (p !== last) {
        last = p;
        lastChange = now;
      } else if (now - lastChange > stallMs) {
        return finish({ ok: false, error: `stalled: no progress for ${stallMs} ms (${p})` });
      }
      if (now - start > deadlineMs) return finish({ ok: false, error: `deadline: not done in ${deadlineMs} ms (${p})` });
    };
    const iv = setInterval(tick, 50);
    state.kick = tick;
  });
}

const state = { kick: () => {}, connError: null };

// Self-test of the checks (bench/run.mjs --only selftest): ?fault= makes the 101st message
// the library delivers go missing, change or shrink before the checker sees it.
const FAULT = params.get("fault");
let delivered = 0;
function injectFault(p) {
  if (++delivered !== 101) return p;
  if (FAULT === "drop") return null;
  if (FAULT === "corrupt") {
    const q = p.slice();
    q[q.length - 1] ^= 0xff;
    return q;
  }
  if (FAULT === "truncate") return p.subarray(0, p.length - 1);
  return p;
}

async function connectAdapter(spec, extra) {
  const a = adapter(spec);
  a.onError = (e) => {
    state.connError ??= String(e?.message ?? e);
  };
  await a.connect(spec.url, spec.clientId, extra);
  return a;
}

/**
 * The page's connection for the throughput cases, one per URL, reused from case to case (as
 * an application keeps its client): each case has a topic of its own, and `route` sends the
 * messages to the case running now.
 */
const clients = new Map();
async function sharedClient(spec) {
  if (state.connError) {
    // A connection failed during an earlier case (reported there): start again.
    for (const c of clients.values()) c.a.end().catch(() => {});
    clients.clear();
    state.connError = null;
  }
  const key = IMPL === "ws-echo" ? spec.echoUrl : spec.url;
  let c = clients.get(key);
  if (!c) {
    const a = await connectAdapter(spec);
    c = { a, route: () => {} };
    a.onMessage((t, p) => {
      const q = FAULT ? injectFault(p) : p;
      if (q) c.route(t, q);
    });
    clients.set(key, c);
  }
  return c;
}

/** What a run reports whatever happened; `a` is ended unless it is shared. */
async function finishRun(a, r) {
  const ok = r.ok && !state.connError;
  const error = r.error ?? state.connError ?? null;
  if (a) {
    try {
      await a.end();
    } catch {
      // ending is not measured
    }
  }
  return { ...r, ok, error };
}

window.bench = {
  impl: IMPL,
  timings,
  async init() {
    await load();
    return { impl: IMPL, timings };
  },

  /** Ends the shared connections (at the end of a page). */
  async closeAll() {
    for (const c of clients.values()) await c.a.end().catch(() => {});
    clients.clear();
    return true;
  },

  /** Self-loop: publish to our own subscription, at most `window` messages outstanding. */
  async loop(spec) {
    const { topic, qos, size, n, window: win } = spec;
    const c = await sharedClient(spec);
    const a = c.a;
    await a.subscribe(topic, qos);
    const chk = new Checker(n, size);
    let sent = 0;
    let acked = 0;
    let tAck = 0;
    let ackError = null;
    let scheduled = false;
    const done = qos
      ? (err) => {
          if (err) ackError ??= String(err?.message ?? err);
          acked++;
          tAck = wall();
        }
      : undefined;
    const pump = () => {
      scheduled = false;
      while (sent < n && sent - chk.received < win) {
        a.publish(topic, makePayload(sent, size), qos, done);
        sent++;
      }
    };
    // One refill per delivery batch: a microtask after the library's handlers for this task.
    c.route = (t, p) => {
      chk.onMessage(p);
      if (!scheduled && sent < n) {
        scheduled = true;
        queueMicrotask(pump);
      }
    };
    const t0 = wall();
    pump();
    const r = await watch({
      done: () => chk.received === n && (qos === 0 || acked === n),
      bad: () => chk.error ?? ackError ?? state.connError,
      progress: () => `${chk.received}/${n} received, ${acked} acked`,
      stallMs: spec.stallMs,
      deadlineMs: spec.deadlineMs,
    });
    c.route = () => {};
    // The watchdog looks every 50 ms: the run ends at the last delivery or acknowledgement.
    const t1 = r.ok ? Math.max(chk.tLast, tAck) : wall();
    return finishRun(null, { ...r, n, received: chk.received, acked, ms: t1 - t0 });
  },

  /** Receive-only, part 1: subscribe; the Node helper then publishes. */
  async recvPrepare(spec) {
    const { topic, qos, size, n } = spec;
    const c = await sharedClient(spec);
    await c.a.subscribe(topic, qos);
    const chk = new Checker(n, size);
    c.route = (t, p) => chk.onMessage(p);
    state.recv = { c, chk, spec };
    return true;
  },

  /** Receive-only, part 2: until all n arrived. */
  async recvWait() {
    const { c, chk, spec } = state.recv;
    const r = await watch({
      done: () => chk.received === spec.n,
      bad: () => chk.error ?? state.connError,
      progress: () => `${chk.received}/${spec.n} received`,
      stallMs: spec.stallMs,
      deadlineMs: spec.deadlineMs,
    });
    c.route = () => {};
    state.recv = null;
    return finishRun(null, { ...r, n: spec.n, received: chk.received, tFirst: chk.tFirst, tLast: chk.tLast });
  },

  /**
   * Send-only: a Node subscriber counts. QoS 0 goes out in slices of `slice` messages per task
   * (an application producing a stream); QoS 1/2 keep at most `window` unacknowledged.
   */
  async send(spec) {
    const { topic, qos, size, n, window: win, slice } = spec;
    const { a } = await sharedClient(spec);
    let sent = 0;
    let acked = 0;
    let ackError = null;
    const tStart = wall();
    if (qos === 0) {
      let drains = 0;
      while (sent < n) {
        const end = Math.min(n, sent + slice);
        let refused = false;
        while (sent < end) {
          // wasmqtt's bounded outbound queue may refuse: an application then waits for drain.
          if (a.publish(topic, makePayload(sent, size), 0) === false) {
            refused = true;
            break;
          }
          sent++;
        }
        if (refused) {
          drains++;
          await a.waitDrain();
        } else await yieldTask();
        if (state.connError) break;
      }
      return { ok: !state.connError, error: state.connError, tStart, tPublished: wall(), sent, drains };
    }
    let scheduled = false;
    const pump = () => {
      scheduled = false;
      while (sent < n && sent - acked < win) {
        a.publish(topic, makePayload(sent, size), qos, done);
        sent++;
      }
    };
    const done = (err) => {
      if (err) ackError ??= String(err?.message ?? err);
      acked++;
      if (!scheduled && sent < n) {
        scheduled = true;
        queueMicrotask(pump);
      }
    };
    pump();
    const r = await watch({
      done: () => acked === n,
      bad: () => ackError ?? state.connError,
      progress: () => `${sent} sent, ${acked}/${n} acked`,
      stallMs: spec.stallMs,
      deadlineMs: spec.deadlineMs,
    });
    return { ...r, tStart, tPublished: wall(), sent, acked };
  },

  /**
   * Latency: `rate` messages/s for `durationMs`, each echoed by the Node helper; the round
   * trip of each is measured from just before its publish call to its arrival.
   */
  async latency(spec) {
    const { reqTopic, respTopic, qos, size, rate, durationMs } = spec;
    state.connError = null;
    const a = await connectAdapter(spec);
    await a.subscribe(respTopic, qos);
    const n = Math.round((rate * durationMs) / 1000);
    const sentAt = new Float64Array(n);
    const rtt = new Float64Array(n);
    const chk = new Checker(n, size);
    a.onMessage((t, p) => {
      const now = performance.now();
      const seq = seqOf(p);
      if (seq < n) rtt[seq] = now - sentAt[seq];
      chk.onMessage(p);
    });
    let sent = 0;
    const t0 = performance.now();
    await new Promise((resolve) => {
      // setTimeout is clamped to 4 ms once nested: each tick sends what is due by now.
      const tick = () => {
        const due = Math.min(n, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
        for (; sent < due; sent++) {
          const p = makePayload(sent, size);
          sentAt[sent] = performance.now();
          a.publish(reqTopic, p, qos);
        }
        if (sent < n && !state.connError) setTimeout(tick, Math.max(0, 1000 / rate - 1));
        else resolve();
      };
      tick();
    });
    const sendMs = performance.now() - t0;
    const r = await watch({
      done: () => chk.received === n,
      bad: () => chk.error ?? state.connError,
      progress: () => `${chk.received}/${n} echoed`,
      stallMs: spec.stallMs,
      deadlineMs: spec.deadlineMs,
    });
    return finishRun(a, { ...r, n, received: chk.received, achievedRate: (n / sendMs) * 1000, rtt: Array.from(rtt) });
  },

  /**
   * Flood, part 1: subscribe, and consume at `consumeRate` messages/s in an asynchronous loop,
   * as an application that does work per message does. wasmqtt pulls from its bounded inbound
   * queue (`messages()`, drop-oldest); MQTT.js and Paho have no such queue, so their messages
   * go into an application array, as their users must.
   */
  async floodPrepare(spec) {
    const { topic, size, consumeRate } = spec;
    const extra = IMPL === "wasmqtt" ? { inboundQueue: { maxMessages: spec.queueMessages, policy: "drop-oldest" } } : {};
    state.connError = null;
    const a = await connectAdapter(spec, extra);
    await a.subscribe(topic, 0);
    const chk = new Checker(Infinity, size, { allowGaps: IMPL === "wasmqtt" });
    const st = { a, chk, arrived: 0, consumed: 0, queue: [], stop: false, lastSeq: -1 };
    state.flood = st;
    let next;
    if (IMPL === "wasmqtt") {
      const it = a.messages(topic)[Symbol.asyncIterator]();
      next = async () => (await it.next()).value.payload;
      st.iterator = it;
    } else {
      let wake = null;
      a.onMessage((t, p) => {
        st.arrived++;
        st.queue.push(p);
        if (wake) {
          const w = wake;
          wake = null;
          w();
        }
      });
      next = async () => {
        while (st.queue.length === 0) await new Promise((r) => (wake = r));
        return st.queue.shift();
      };
    }
    const t0 = performance.now();
    (async () => {
      while (!st.stop) {
        const due = ((performance.now() - t0) * consumeRate) / 1000;
        if (st.consumed >= due) {
          await sleep(5);
          continue;
        }
        const p = await next();
        if (st.stop) break;
        st.lastSeq = chk.check(p);
        st.consumed++;
      }
    })();
    return true;
  },

  /** Flood: what the page holds now (the orchestrator adds the JS heap figures). */
  async floodSample() {
    const st = state.flood;
    const s = IMPL === "wasmqtt" ? st.a.stats() : null;
    return {
      consumed: st.consumed,
      appQueue: st.queue.length,
      arrived: s ? s.messagesReceived : st.arrived,
      dropped: s ? s.inboundDropped : 0,
      libQueued: s ? s.inboundQueued : 0,
      wasmBytes: await st.a.wasmMemoryBytes(),
      error: st.chk.error,
    };
  },

  /** Flood, end: every published message must be consumed, queued, or (wasmqtt) counted as dropped. */
  async floodEnd(published) {
    const st = state.flood;
    const sample = await this.floodSample();
    st.stop = true;
    state.flood = null;
    const accounted = sample.consumed + sample.appQueue + sample.libQueued + sample.dropped;
    let error = sample.error ?? state.connError;
    if (!error && sample.arrived !== published) error = `${sample.arrived} of ${published} published messages arrived`;
    if (!error && accounted !== published)
      error = `consumed ${sample.consumed} + queued ${sample.appQueue + sample.libQueued} + dropped ${sample.dropped} != published ${published}`;
    await st.iterator?.return?.();
    return finishRun(st.a, { ok: !error, error, ...sample });
  },

  /** Cold start: the library is loaded by init() (timed); now connect and time CONNACK. */
  async coldConnect(spec) {
    const t0 = performance.now();
    const a = await connectAdapter(spec);
    const t1 = performance.now();
    const names = {
      wasmqtt: [PKG],
      mqttjs: ["/lib/mqtt.min.js"],
      paho: ["/lib/paho-mqtt-min.js"],
    }[IMPL];
    const resources = performance
      .getEntriesByType("resource")
      .filter((e) => names.some((n) => new URL(e.name).pathname.startsWith(n)))
      .map((e) => ({ name: new URL(e.name).pathname, transferSize: e.transferSize, encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize }));
    await a.end();
    return { ok: true, connackMs: t1 - t0, toConnackMs: t1 - timings.loadStart, timings, resources };
  },

  wsCounts() {
    return { ...wsCounts };
  },

  /** Wasm memory of the implementation, if any (for the memory figures). */
  async wasmBytes() {
    if (IMPL !== "wasmqtt") return 0;
    return (await lib.init()).memory.buffer.byteLength;
  },
};

window.benchReady = true;
