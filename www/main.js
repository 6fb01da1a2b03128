// The live dashboard: wasmqtt as an application uses it. One client; received messages wait in
// its bounded inbound queue (policy "latest-per-topic": one message per topic at most) and the
// page takes them once per animation frame, so however fast data comes it redraws at most
// once a frame and its memory stays bounded. The flow panel shows the client's own figures
// (client.stats()).
//
// URL parameters: ?broker=ws://host:port/path (default ws://<this host>:8083/mqtt, EMQX's port
// and path), v=4|5, clientId=, connect=0 (do not connect on load).
import { connect } from "wasmqtt";

import { Series, flowChart, sparkline, track } from "./charts.js";

const ROOT = "wasmqtt/demo";
const CONTROL = `${ROOT}/control`;
// Bounded queues: the dashboard needs the latest value of each topic, never a backlog.
const INBOUND = { maxMessages: 200, maxBytes: 256 * 1024, policy: "latest-per-topic" };
const OUTBOUND = { maxMessages: 100, maxBytes: 256 * 1024, policy: "reject" };
// The countdown shown comes from the client (stats().reconnectIn), so any backoff shows true.
const RECONNECT_MS = 2000;
const LOG_ROWS = 200;
const CHART_MS = 120_000;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// ---- connection ---------------------------------------------------------------------------

const form = {
  url: $("url"),
  clientId: $("client-id"),
  username: $("username"),
  password: $("password"),
  version: $("version"),
  keepalive: $("keepalive"),
  clean: $("clean"),
};
const defaultUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.hostname || "127.0.0.1"}:8083/mqtt`;
form.url.value = params.get("broker") || defaultUrl;
form.clientId.value = params.get("clientId") || `wasmqtt-dash-${Math.random().toString(36).slice(2, 8)}`;
form.version.value = params.get("v") === "4" ? "4" : "5";

/** The current client, its messages() iterator and what the connection panel shows. */
let client = null;
let iterator = null;
const conn = { state: "idle", label: "not connected", detail: "", nextAttemptAt: 0, attempt: 0, error: "" };

function setState(state, label, detail = conn.detail) {
  Object.assign(conn, { state, label, detail });
  $("state").dataset.state = state;
  renderState(performance.now());
}

function renderState(now) {
  let label = conn.label;
  if (conn.state === "reconnecting") {
    const due = client?.stats().reconnectIn;
    const left = (typeof due === "number" ? due : Math.max(0, conn.nextAttemptAt - now)) / 1000;
    label = `reconnecting in ${left.toFixed(1)} s`;
  }
  if ($("state-label").textContent !== label) $("state-label").textContent = label;
  const detail = [conn.detail, conn.error && `last error: ${conn.error}`].filter(Boolean).join(" · ");
  if ($("state-detail").textContent !== detail) $("state-detail").textContent = detail;
}

function clientOptions() {
  const o = {
    protocolVersion: Number(form.version.value),
    keepalive: Math.max(0, Math.min(65535, Number(form.keepalive.value) || 0)),
    clean: form.clean.checked,
    reconnectPeriod: RECONNECT_MS,
    connectTimeout: 5000,
    inboundQueue: INBOUND,
    outboundQueue: OUTBOUND,
  };
  // Empty fields are left out: the client then picks an id, and sends no credentials.
  if (form.clientId.value.trim()) o.clientId = form.clientId.value.trim();
  if (form.username.value) o.username = form.username.value;
  if (form.password.value) o.password = form.password.value;
  return o;
}

function stop() {
  if (!client) return;
  const old = client;
  client = null;
  iterator?.return?.();
  iterator = null;
  old.removeAllListeners();
  old.on("error", () => {}); // late errors of a client we dropped are of no interest
  old.end(true);
}

function start() {
  stop();
  const url = form.url.value.trim();
  if (!/^wss?:\/\/[^/]/i.test(url)) {
    // Browsers resolve anything else against the page (a bare "host" becomes ws://page/host).
    conn.error = "the broker URL must start with ws:// or wss://";
    setState("offline", "offline", url);
    return;
  }
  const options = clientOptions();
  let c;
  try {
    c = connect(url, options);
  } catch (e) {
    conn.error = `${e.code ?? e.name}: ${e.message}`;
    setState("offline", "offline", "could not start the client");
    return;
  }
  client = c;
  peaks.inbound = peaks.outbound = 0;
  rates.reset();
  // A new connection: every filter is to be sent again.
  for (const [filter, sub] of subs) {
    Object.assign(sub, { status: "pending", note: undefined });
    renderSub(filter);
  }
  const version = options.protocolVersion === 5 ? "5.0" : "3.1.1";
  conn.error = "";
  conn.attempt = 1;
  setState("connecting", "connecting", `${url} · MQTT ${version}`);
  const mine = (fn) => (...args) => c === client && fn(...args);
  // Whether the current attempt got a CONNACK or an error event: a WebSocket that fails to open
  // gives neither (browsers tell the page nothing of why), only `close`.
  let heard = false;
  c.on("connect", mine((connack) => {
    heard = true;
    conn.attempt = 0;
    conn.error = "";
    setState("connected", "connected", `${url} · MQTT ${version} · ${connack.sessionPresent ? "session resumed" : "new session"}`);
    // The client re-subscribes what it had after a reconnect (resubscribe); the page only
    // sends what is not yet granted (the first time, or filters added while offline).
    for (const [filter, sub] of subs) if (sub.status !== "granted") subscribe(filter, sub.qos);
  }));
  c.on("reconnect", mine(() => {
    heard = false;
    conn.attempt++;
    setState("connecting", `connecting (attempt ${conn.attempt})`);
  }));
  c.on("close", mine(() => {
    if (!heard) conn.error = "the WebSocket did not open or closed before CONNACK (the browser console says why)";
    heard = false;
    if (c.reconnecting) {
      conn.nextAttemptAt = performance.now() + RECONNECT_MS;
      setState("reconnecting", "reconnecting");
    }
  }));
  c.on("error", mine((e) => {
    heard = true;
    conn.error = `${e.code ?? e.name}${e.reasonCode !== undefined ? ` (reason 0x${e.reasonCode.toString(16)})` : ""}: ${e.message}`;
    renderState(performance.now());
  }));
  c.on("end", mine(() => setState("offline", "offline", "disconnected")));
  $("f-in-cap").textContent = INBOUND.maxMessages;
  $("f-in-policy").textContent = INBOUND.policy;
  $("f-out-cap").textContent = OUTBOUND.maxMessages;
  $("f-out-policy").textContent = OUTBOUND.policy;
  syncV5();
}

$("connect-form").addEventListener("submit", (e) => {
  e.preventDefault();
  start();
});
$("disconnect").addEventListener("click", () => {
  if (!client) return;
  const c = client;
  c.end(false, () => {
    if (c === client) setState("offline", "offline", "disconnected by you");
  });
});

// ---- taking messages once per frame --------------------------------------------------------

/**
 * Takes the messages waiting in the client's bounded queue (`waiting` of them, as stats() said
 * at the start of the frame) and hands each to `handle`. Between frames nobody pulls, so
 * messages wait in the queue, where the latest-per-topic policy replaces an older message of
 * the same topic. Never more next() calls than messages waiting: a pending next() would take
 * the next message the moment it arrives, between frames.
 */
async function drain(c, waiting, handle) {
  if (waiting === 0) return;
  iterator ??= c.messages();
  for (let i = 0; i < waiting; i++) {
    const r = await iterator.next();
    if (r.done) break;
    handle(r.value.topic, r.value.payload, r.value.packet);
  }
}

const peaks = { inbound: 0, outbound: 0 };
let frames = 0;
let lastFrame = 0;
const frameGaps = []; // [time, gap] of the last second

async function frame(now) {
  try {
    frames++;
    if (lastFrame) frameGaps.push([now, now - lastFrame]);
    lastFrame = now;
    while (frameGaps.length && frameGaps[0][0] < now - 1000) frameGaps.shift();
    const c = client;
    if (c) {
      const s = c.stats();
      peaks.inbound = Math.max(peaks.inbound, s.inboundQueued);
      peaks.outbound = Math.max(peaks.outbound, s.outboundQueued);
      rates.sample(now, s);
      await drain(c, s.inboundQueued, onMessage);
    }
    render(now);
  } finally {
    requestAnimationFrame(frame);
  }
}

// ---- what arrives ---------------------------------------------------------------------------

const utf8 = new TextDecoder("utf-8", { fatal: true });
function text(payload) {
  try {
    return utf8.decode(payload);
  } catch {
    return null;
  }
}

function onMessage(topic, payload, packet) {
  const body = text(payload);
  logAdd(topic, body, payload, packet);
  const parts = topic.split("/");
  if (topic.startsWith(`${ROOT}/`) && parts.length === 4 && parts[2] !== "flood") {
    deviceMessage(parts[2], parts[3], body);
  } else if (topic === `${ROOT}/sim` && body) {
    simEvent(body);
  }
}

// ---- devices and tiles ------------------------------------------------------------------------

const METRICS = {
  temperature: { label: "Temperature", unit: "°C", color: "#d9534f", span: 1, digits: 1 },
  humidity: { label: "Humidity", unit: "%", color: "#2f6fdf", span: 4, digits: 0 },
  power: { label: "Power", unit: "W", color: "#2ba150", span: 50, digits: 0 },
};
const devices = new Map();
const dirtyTiles = new Set();

function el(tag, cls, textContent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (textContent !== undefined) e.textContent = textContent;
  return e;
}

function device(id) {
  let d = devices.get(id);
  if (d) return d;
  const card = el("article", "card device");
  card.dataset.device = id;
  const head = el("header");
  const name = id.replace(/[-_]/g, " ");
  head.append(el("h3", "", name.charAt(0).toUpperCase() + name.slice(1)));
  const status = el("span", "pill", "—");
  head.append(status);
  const alarm = el("div", "alarm");
  alarm.hidden = true;
  const tiles = el("div", "tiles");
  card.append(head, alarm, tiles);
  $("devices-empty").hidden = true;
  // Rooms in a stable, readable order whatever arrives first.
  const after = [...devices.values()].filter((o) => o.id > id).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
  $("devices").insertBefore(card, after ? after.card : null);
  d = { id, card, status, alarm, tiles, metrics: new Map() };
  devices.set(id, d);
  return d;
}

function deviceMessage(id, leaf, body) {
  if (leaf === "status" || leaf === "alarm") {
    // A status or an alarm before any reading still shows the device.
    deviceState(device(id), leaf, body);
    return;
  }
  let value;
  let unit;
  let ts = Date.now();
  try {
    const v = JSON.parse(body);
    if (typeof v === "number") value = v;
    else if (v && typeof v.value === "number") ({ value, unit, ts = ts } = v);
  } catch {
    return;
  }
  // Only numbers make tiles; anything else under the root is for the log alone.
  if (!Number.isFinite(value)) return;
  deviceReading(device(id), id, leaf, value, unit, ts);
}

function deviceState(d, leaf, body) {
  if (leaf === "status") {
    const online = body === "online";
    d.status.textContent = body || "—";
    d.status.dataset.state = online ? "online" : body === "offline" ? "offline" : "";
    d.card.classList.toggle("is-offline", body === "offline");
    return;
  }
  if (leaf === "alarm") {
    // An empty (retained) payload clears the alarm.
    let alarm = null;
    try {
      alarm = body ? JSON.parse(body) : null;
    } catch {
      alarm = { level: "warning", text: body };
    }
    d.alarm.hidden = !alarm;
    if (alarm) {
      d.alarm.dataset.level = alarm.level || "warning";
      d.alarm.textContent = `${alarm.level === "critical" ? "⚠ " : ""}${alarm.text ?? body}` +
        (alarm.ts ? ` · since ${new Date(alarm.ts).toLocaleTimeString()}` : "");
    }
  }
}

function deviceReading(d, id, leaf, value, unit, ts) {
  let m = d.metrics.get(leaf);
  if (!m) {
    const spec = METRICS[leaf] ?? { label: leaf, unit: "", color: "#6b7280", span: 1, digits: 2 };
    const tile = el("div", "tile");
    tile.dataset.topic = `${ROOT}/${id}/${leaf}`;
    tile.dataset.updates = "0";
    const label = el("span", "label", spec.label);
    const val = el("span", "reading");
    const canvas = el("canvas", "spark");
    tile.append(label, val, canvas);
    // Metrics in a fixed order (temperature, humidity, power, then others by name).
    const order = (k) => { const i = Object.keys(METRICS).indexOf(k); return i < 0 ? 99 : i; };
    const next = [...d.metrics.entries()].filter(([k]) => order(k) > order(leaf) || (order(k) === order(leaf) && k > leaf))
      .sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : 1))[0];
    d.tiles.insertBefore(tile, next ? next[1].tile : null);
    m = { spec, tile, val, canvas, series: new Series(600), updates: 0 };
    d.metrics.set(leaf, m);
    track(canvas, () => dirtyTiles.add(m));
  }
  m.unit = unit ?? m.spec.unit;
  m.value = value;
  m.updates++;
  m.series.push(ts, value);
  dirtyTiles.add(m);
}

function formatReading(m) {
  if (m.unit === "W" && Math.abs(m.value) >= 1000) return [(m.value / 1000).toFixed(2), "kW"];
  return [m.value.toFixed(m.spec.digits), m.unit];
}

function renderTiles() {
  const now = Date.now();
  for (const m of dirtyTiles) {
    const [v, unit] = formatReading(m);
    m.val.replaceChildren(el("b", "", v), el("small", "", ` ${unit}`));
    m.tile.dataset.value = String(m.value);
    m.tile.dataset.updates = String(m.updates);
    sparkline(m.canvas, m.series, { windowMs: CHART_MS, now, color: m.spec.color, minSpan: m.spec.span });
  }
  dirtyTiles.clear();
}

// Charts scroll with time even when a device is quiet (offline): redraw all every few seconds.
setInterval(() => {
  for (const d of devices.values()) for (const m of d.metrics.values()) dirtyTiles.add(m);
}, 5000);

// ---- message log ----------------------------------------------------------------------------

const logPending = [];
let logTotal = 0;
let lastLogRender = 0;
// At most this many new rows per render, and 10 renders a second: the log is for reading, and
// building thousands of rows a second under a flood would take the frame budget.
const LOG_BATCH = 50;

function hex(bytes, max) {
  return Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function logAdd(topic, body, payload, packet) {
  logTotal++;
  logPending.push({ t: new Date(), topic, body, payload, qos: packet?.qos ?? 0, retain: !!packet?.retain, props: packet?.properties?.userProperties });
  // Only the newest can ever be shown.
  if (logPending.length > LOG_BATCH) logPending.splice(0, logPending.length - LOG_BATCH);
}

function renderLog(now) {
  if (logPending.length === 0 || $("log-pause").checked || now - lastLogRender < 100) return;
  lastLogRender = now;
  const tbody = $("log");
  const rows = document.createDocumentFragment();
  for (let i = logPending.length - 1; i >= 0; i--) {
    const m = logPending[i];
    const tr = el("tr");
    tr.dataset.topic = m.topic;
    const time = m.t.toLocaleTimeString([], { hour12: false }) + `.${String(m.t.getMilliseconds()).padStart(3, "0")}`;
    let preview = m.body === null ? `0x ${hex(m.payload, 24)}${m.payload.length > 24 ? " …" : ""}` : m.body || "(empty)";
    if (preview.length > 120) preview = `${preview.slice(0, 120)}…`;
    const payloadCell = el("td", "payload", preview);
    if (m.props) {
      const props = Object.entries(m.props).map(([k, v]) => `${k}=${[].concat(v).join(",")}`).join(" ");
      payloadCell.append(el("span", "props", props));
    }
    tr.append(el("td", "time", time), el("td", "topic", m.topic), payloadCell, el("td", "qos", String(m.qos)), el("td", "retain", m.retain ? "R" : ""));
    rows.append(tr);
  }
  logPending.length = 0;
  tbody.prepend(rows);
  while (tbody.childElementCount > LOG_ROWS) tbody.lastElementChild.remove();
  $("log-count").textContent = `· ${logTotal.toLocaleString()} taken, newest ${tbody.childElementCount} shown`;
}

// ---- flow control ---------------------------------------------------------------------------

/** Messages per second from the client's counters, and the series the flow chart draws. */
const rates = {
  rate: new Series(600),
  queue: new Series(600),
  history: [],
  queueMax: 0,
  lastPush: 0,
  current: { in: 0, out: 0, bytesIn: 0 },
  /** [time, inbound, outbound] queue depths each frame found, last second. */
  depths: [],
  reset() {
    this.history = [];
    this.depths = [];
  },
  /** The deepest each queue was, as frames found them, over the last second. */
  recentDepth() {
    let inbound = 0;
    let outbound = 0;
    for (const [, i, o] of this.depths) {
      inbound = Math.max(inbound, i);
      outbound = Math.max(outbound, o);
    }
    return { inbound, outbound };
  },
  sample(now, s) {
    this.queueMax = Math.max(this.queueMax, s.inboundQueued);
    this.depths.push([now, s.inboundQueued, s.outboundQueued]);
    while (this.depths.length && this.depths[0][0] < now - 1000) this.depths.shift();
    this.history.push([now, s.messagesReceived, s.messagesSent, s.bytesReceived]);
    while (this.history.length > 2 && this.history[0][0] < now - 1000) this.history.shift();
    const [t0, r0, s0, b0] = this.history[0];
    const dt = (now - t0) / 1000;
    if (dt > 0.2) {
      this.current = { in: (s.messagesReceived - r0) / dt, out: (s.messagesSent - s0) / dt, bytesIn: (s.bytesReceived - b0) / dt };
    }
    if (now - this.lastPush >= 250) {
      this.rate.push(now, this.current.in);
      this.queue.push(now, this.queueMax);
      this.queueMax = 0;
      this.lastPush = now;
    }
  },
};

function bytes(n) {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function setFigure(id, value, shown = value.toLocaleString()) {
  const e = $(id);
  e.dataset.value = String(value);
  if (e.textContent !== shown) e.textContent = shown;
}

let lastFlowRender = 0;
function renderFlow(now) {
  if (!client || now - lastFlowRender < 200) return;
  lastFlowRender = now;
  const s = client.stats();
  // Each frame empties the inbound queue: the depth shown is what frames found waiting (the
  // deepest in the last second), not the near-zero left after taking.
  const depth = rates.recentDepth();
  setFigure("f-in-queued", depth.inbound);
  setFigure("f-in-peak", peaks.inbound);
  setFigure("f-in-dropped", s.inboundDropped);
  $("f-in-bytes").textContent = `${bytes(s.inboundQueuedBytes)} now of ${bytes(INBOUND.maxBytes)}`;
  $("f-in-bar").style.width = `${(100 * depth.inbound) / INBOUND.maxMessages}%`;
  setFigure("f-out-queued", Math.max(depth.outbound, s.outboundQueued));
  setFigure("f-out-peak", peaks.outbound);
  setFigure("f-out-dropped", s.outboundDropped);
  $("f-out-bar").style.width = `${(100 * Math.max(depth.outbound, s.outboundQueued)) / OUTBOUND.maxMessages}%`;
  setFigure("f-inflight-in", s.inflightIn);
  setFigure("f-inflight-out", s.inflightOut);
  $("f-window").textContent = s.sendWindow >= 65535 ? "65535" : String(s.sendWindow);
  setFigure("f-buffered", s.bufferedAmount, bytes(s.bufferedAmount));
  setFigure("f-rate-in", Math.round(rates.current.in));
  setFigure("f-rate-out", Math.round(rates.current.out));
  $("f-bytes-in").textContent = `${bytes(rates.current.bytesIn)}/s`;
  setFigure("f-received", s.messagesReceived);
  $("f-received-bytes").textContent = bytes(s.bytesReceived);
  const gap = frameGaps.reduce((m, [, g]) => Math.max(m, g), 0);
  setFigure("f-frame", Math.round(gap));
  flowChart($("flow-chart"), rates.rate, rates.queue, { windowMs: 60_000, now, capacity: INBOUND.maxMessages });
}

track($("flow-chart"), () => (lastFlowRender = 0));

$("flood-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const count = Number($("flood-count").value);
  if (!client) return;
  $("flood-note").textContent = `asked the simulator for ${count.toLocaleString()} messages…`;
  client.publish(CONTROL, JSON.stringify({ cmd: "flood", count }), { qos: 1 }, (err) => {
    if (err) $("flood-note").textContent = `flood request failed: ${err.code ?? ""} ${err.message}`;
  });
});

function simEvent(body) {
  let ev;
  try {
    ev = JSON.parse(body);
  } catch {
    return;
  }
  if (ev.event === "flood-done") {
    $("flood-note").textContent = `simulator sent ${ev.sent.toLocaleString()} messages in ${ev.ms} ms`;
    $("flood-note").dataset.sent = String(ev.sent);
  }
}

// ---- publish ----------------------------------------------------------------------------------

function userProperties(textValue) {
  const props = {};
  for (const line of textValue.split("\n")) {
    const i = line.indexOf("=");
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    if (!k) continue;
    props[k] = k in props ? [].concat(props[k], v) : v;
  }
  return Object.keys(props).length ? props : null;
}

function syncV5() {
  const v5 = (client ? client.options.protocolVersion : Number(form.version.value)) === 5;
  for (const e of document.querySelectorAll(".v5-only")) e.hidden = !v5;
}
form.version.addEventListener("change", syncV5);

$("publish-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const result = $("pub-result");
  if (!client) {
    result.textContent = "not connected";
    return;
  }
  const topic = $("pub-topic").value.trim();
  const qos = Number($("pub-qos").value);
  const opts = { qos, retain: $("pub-retain").checked };
  const props = client.options.protocolVersion === 5 ? userProperties($("pub-props").value) : null;
  if (props) opts.properties = { userProperties: props };
  const started = performance.now();
  result.textContent = "publishing…";
  try {
    client.publish(topic, $("pub-payload").value, opts, (err) => {
      const ms = Math.round(performance.now() - started);
      result.textContent = err
        ? `failed: ${err.code ?? err.name}: ${err.message}`
        : `${["sent", "acknowledged (PUBACK)", "completed (PUBCOMP)"][qos]} in ${ms} ms`;
      result.dataset.ok = String(!err);
    });
  } catch (err) {
    result.textContent = `refused: ${err.code ?? err.name}: ${err.message}`;
    result.dataset.ok = "false";
  }
});

// ---- subscriptions ----------------------------------------------------------------------------

/** filter -> { qos, status: "pending" | "granted" | "refused" | "error", li } */
const subs = new Map();

function renderSub(filter) {
  const sub = subs.get(filter);
  if (!sub.li) {
    sub.li = el("li");
    sub.li.dataset.filter = filter;
    const remove = el("button", "link", "remove");
    remove.type = "button";
    remove.addEventListener("click", () => unsubscribe(filter));
    sub.li.append(el("code", "", filter), el("span", "muted"), remove);
    $("sub-list").append(sub.li);
  }
  sub.li.dataset.status = sub.status;
  sub.li.children[1].textContent = `QoS ${sub.qos} · ${sub.note ?? sub.status}`;
}

function subscribe(filter, qos) {
  const sub = subs.get(filter) ?? { qos, status: "pending" };
  Object.assign(sub, { qos, status: "pending", note: undefined });
  subs.set(filter, sub);
  renderSub(filter);
  if (!client?.connected) {
    sub.note = "waits for the connection";
    renderSub(filter);
    return;
  }
  try {
    client.subscribe(filter, { qos }, (err, granted) => {
      if (!subs.has(filter)) return;
      const code = granted?.[0]?.qos;
      if (err) Object.assign(sub, { status: "error", note: `${err.code ?? err.name}: ${err.message}` });
      else if (code >= 128) Object.assign(sub, { status: "refused", note: `refused (0x${code.toString(16)})` });
      else Object.assign(sub, { status: "granted", note: `granted QoS ${code}` });
      renderSub(filter);
    });
  } catch (err) {
    Object.assign(sub, { status: "error", note: `${err.code ?? err.name}: ${err.message}` });
    renderSub(filter);
  }
}

function unsubscribe(filter) {
  const sub = subs.get(filter);
  if (!sub) return;
  subs.delete(filter);
  sub.li.remove();
  if (client?.connected && sub.status === "granted") {
    client.unsubscribe(filter, (err) => {
      if (err) $("pub-result").textContent = `unsubscribe ${filter}: ${err.code ?? ""} ${err.message}`;
    });
  }
}

$("sub-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const filter = $("sub-filter").value.trim();
  if (!filter) return;
  subscribe(filter, Number($("sub-qos").value));
  $("sub-filter").value = "";
});

// ---- the frame ----------------------------------------------------------------------------------

function render(now) {
  renderState(now);
  renderTiles();
  renderLog(now);
  renderFlow(now);
}

// For the browser console (and the demo's test): the client and the page's own figures.
window.demo = {
  get client() {
    return client;
  },
  peaks,
  get frames() {
    return frames;
  },
  /** Messages the page has taken from the client. */
  get taken() {
    return logTotal;
  },
  inbound: INBOUND,
  outbound: OUTBOUND,
};

subs.set(`${ROOT}/#`, { qos: 1, status: "pending" });
renderSub(`${ROOT}/#`);
syncV5();
if (params.get("connect") !== "0") start();
requestAnimationFrame(frame);
