// Page-side helpers for tests/interop: loaded by index.html, driven through page.evaluate.
// Every client made through H.connect records its events with a timestamp, so the Node side
// can wait on them and inspect them. Values crossing to Node are made JSON-safe by ser():
// bytes become { $bytes: base64, $type }, errors { $error: { name, message, code, reasonCode } }.

const clients = new Map();
let nextId = 1;

function b64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function unb64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// JSON-safe copy of what the client hands out.
function ser(v, depth = 0) {
  if (depth > 8) return "[too deep]";
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Uint8Array) {
    return { $bytes: b64(v), $type: v.constructor.name, $text: safeText(v) };
  }
  if (v instanceof Error) {
    return {
      $error: {
        name: v.name,
        message: v.message,
        code: v.code,
        reasonCode: v.reasonCode,
        isError: true,
      },
    };
  }
  if (Array.isArray(v)) return v.map((x) => ser(x, depth + 1));
  const o = {};
  for (const k of Object.keys(v)) o[k] = ser(v[k], depth + 1);
  return o;
}

// payload.toString() as the client defines it (UTF-8), only for small payloads.
function safeText(bytes) {
  if (bytes.length > 256) return undefined;
  try {
    return bytes.toString();
  } catch (e) {
    return `[toString threw ${e}]`;
  }
}

// Payload descriptions from Node: { text } or { b64 }.
function payloadOf(p) {
  if (p == null) return p;
  if (typeof p === "string") return p;
  if (p.text !== undefined) return p.text;
  if (p.b64 !== undefined) {
    const bytes = unb64(p.b64);
    if (!p.pad) return bytes;
    // A view into a larger buffer (byteOffset != 0), to check only the view's bytes go out.
    const full = new Uint8Array(bytes.length + 2 * p.pad).fill(0xee);
    full.set(bytes, p.pad);
    return full.subarray(p.pad, p.pad + bytes.length);
  }
  throw new Error("bad payload description");
}

// Properties from Node: correlationData / authenticationData as { b64 }.
function propsOf(props) {
  if (!props) return props;
  const out = { ...props };
  for (const k of ["correlationData", "authenticationData"]) {
    if (out[k] && out[k].b64 !== undefined) out[k] = unb64(out[k].b64);
  }
  return out;
}

function optsOf(opts) {
  if (!opts) return opts;
  const out = { ...opts };
  if (out.properties) out.properties = propsOf(out.properties);
  if (out.will) {
    out.will = { ...out.will, payload: payloadOf(out.will.payload) };
    if (out.will.properties) out.will.properties = propsOf(out.will.properties);
  }
  return out;
}

const EVENTS = [
  "connect",
  "error",
  "close",
  "offline",
  "reconnect",
  "end",
  "disconnect",
  "outgoingEmpty",
  "drain",
  "auth",
];

const H = {
  async init() {
    if (!window.wasmqtt) {
      // The package entry users import: it initialises the wasm module itself.
      window.wasmqtt = await import("/pkg-web/index.js");
    }
    return Object.keys(window.wasmqtt).sort();
  },

  // connect(url, opts) through the module; returns an id for the other helpers.
  connect(url, opts) {
    const rec = { events: [], messages: [], t0: performance.now() };
    let client = window.wasmqtt.connect(url, optsOf(opts));
    // `client = client.on(...)`: the chained result is used on purpose, so these helpers
    // work whether or not `on` returns the very same object (see api-idioms.test.mjs).
    for (const name of EVENTS) {
      client = client.on(name, (...args) => {
        rec.events.push({ name, t: performance.now() - rec.t0, args: ser(args) });
      });
    }
    client = client.on("message", (topic, payload, packet) => {
      rec.messages.push({
        t: performance.now() - rec.t0,
        topic,
        payload: ser(payload),
        payloadIsUint8Array: payload instanceof Uint8Array,
        payloadLength: payload.length,
        packetPayloadSame: packet.payload === payload,
        packet: ser({ ...packet, payload: undefined }),
      });
    });
    rec.client = client;
    const id = nextId++;
    clients.set(id, rec);
    return id;
  },

  client(id) {
    const rec = clients.get(id);
    if (!rec) throw new Error(`no client ${id}`);
    return rec.client;
  },

  events(id, name) {
    const rec = clients.get(id);
    return name ? rec.events.filter((e) => e.name === name) : rec.events;
  },

  eventNames(id) {
    return clients.get(id).events.map((e) => e.name);
  },

  messages(id) {
    return clients.get(id).messages;
  },

  state(id) {
    const c = H.client(id);
    return {
      connected: c.connected,
      reconnecting: c.reconnecting,
      disconnected: c.disconnected,
      stats: c.stats(),
      clientId: c.options.clientId,
    };
  },

  // Resolves with the events once `count` events named `name` were seen, or rejects after
  // `timeoutMs` with what was seen.
  waitEvents(id, name, count, timeoutMs) {
    const rec = clients.get(id);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const tick = () => {
        const got = rec.events.filter((e) => e.name === name);
        if (got.length >= count) return resolve(got);
        if (performance.now() - t0 > timeoutMs) {
          return reject(
            new Error(
              `timeout after ${timeoutMs} ms waiting for ${count} '${name}' events; seen: ` +
                JSON.stringify(rec.events.map((e) => [e.name, Math.round(e.t)])),
            ),
          );
        }
        setTimeout(tick, 5);
      };
      tick();
    });
  },

  waitMessages(id, count, timeoutMs) {
    const rec = clients.get(id);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const tick = () => {
        if (rec.messages.length >= count) return resolve(rec.messages.length);
        if (performance.now() - t0 > timeoutMs) {
          return reject(
            new Error(
              `timeout after ${timeoutMs} ms: ${rec.messages.length} of ${count} messages; events: ` +
                JSON.stringify(rec.events.map((e) => [e.name, Math.round(e.t)])),
            ),
          );
        }
        setTimeout(tick, 5);
      };
      tick();
    });
  },

  async subscribe(id, topic, opts) {
    const granted = await H.client(id).subscribeAsync(topic, optsOf(opts));
    return ser(granted);
  },

  // Publishes every item { topic, payload: {text}|{b64}, opts } in one go (no await in
  // between); resolves with each publishAsync outcome, in order.
  async publishAll(id, items) {
    const c = H.client(id);
    const promises = items.map((it) =>
      c.publishAsync(it.topic, payloadOf(it.payload), optsOf(it.opts)),
    );
    const settled = await Promise.allSettled(promises);
    return settled.map((s) =>
      s.status === "fulfilled" ? { ok: true, value: ser(s.value) } : { ok: false, error: ser(s.reason) },
    );
  },

  // Publishes with the callback form; the outcomes are recorded in rec.published[i].
  publishCallback(id, items) {
    const rec = clients.get(id);
    rec.published = rec.published || [];
    for (const it of items) {
      const slot = { topic: it.topic, done: false };
      rec.published.push(slot);
      rec.client.publish(it.topic, payloadOf(it.payload), optsOf(it.opts) || {}, (err, packet) => {
        slot.done = true;
        slot.t = performance.now() - rec.t0;
        slot.err = err ? ser(err) : null;
        slot.packet = ser(packet);
      });
    }
    return rec.published.length;
  },

  // Publishes `count` messages "<qos>:<i>" to `topic`, one every `intervalMs`, cycling
  // through `qosCycle`, with the callback form; H.streamStatus(id) reports progress.
  stream(id, { topic, count, intervalMs, qosCycle }) {
    const rec = clients.get(id);
    const st = { sent: 0, done: 0, errors: [], doneAt: [], startedAt: performance.now() };
    rec.stream = st;
    let i = 0;
    const timer = setInterval(() => {
      if (i >= count) {
        clearInterval(timer);
        return;
      }
      const n = i++;
      const qos = qosCycle[n % qosCycle.length];
      try {
        rec.client.publish(topic, `${qos}:${n}`, { qos }, (err) => {
          st.done++;
          if (err) st.errors.push({ n, qos, err: ser(err) });
        });
        st.sent++;
      } catch (e) {
        st.errors.push({ n, qos, threw: ser(e) });
      }
    }, intervalMs);
    return true;
  },

  streamStatus(id) {
    const st = clients.get(id).stream;
    return { sent: st.sent, done: st.done, errors: st.errors };
  },

  published(id) {
    return clients.get(id).published || [];
  },

  async end(id, force, opts) {
    await H.client(id).endAsync(force, opts);
    return H.eventNames(id);
  },
};

window.H = H;
window.__helpersLoaded = true;
