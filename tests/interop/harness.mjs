// Shared harness for the interop and fault tests (node --test tests/interop/):
//   - mosquitto on loopback (temp config, free ports, TCP + WebSocket listeners, MQTT 5
//     capable), started and stopped by PID; restartable on the same ports;
//   - aedes (3.1.1) in this process, TCP + WebSocket (ws) on loopback;
//   - fake WebSocket "brokers" that script the server's side byte by byte;
//   - a static server for pkg-web/ and the test page (tests/interop/page/);
//   - headless Chromium through playwright-core, with console / page error collection;
//   - MQTT.js (npm mqtt v5) as the peer on the other side of the broker.
// Every server binds 127.0.0.1 only and is checked (ss -ltnp) or bound explicitly.

import { spawn, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Aedes } from "aedes";
import mqtt from "mqtt";
import { WebSocketServer, createWebSocketStream } from "ws";

import { freePort, launchBrowser } from "../page/helpers.mjs";
import { MIME_TYPES, listenOnLoopback } from "../../scripts/lib/loopback.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PAGE_DIR = path.join(ROOT, "tests/interop/page");
const PKG_DIR = path.join(ROOT, "pkg-web");

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function uniqueTopic(prefix = "wasmqtt-test") {
  return `${prefix}/${randomUUID().slice(0, 8)}`;
}

/** Resolves `promise`, or rejects after `ms` naming `what`. */
export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `predicate` every 10 ms until it returns a truthy value or `ms` pass. */
export async function waitFor(predicate, ms, what) {
  const t0 = Date.now();
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() - t0 > ms) {
      const detail = typeof what === "function" ? what() : what;
      throw new Error(`timeout after ${ms} ms waiting for ${detail}`);
    }
    await sleep(10);
  }
}

export { freePort, launchBrowser };

function portOpen(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/** Listening TCP addresses (`ADDR:PORT`) of process `pid`, from `ss -ltnpH`. */
export function listeningAddresses(pid) {
  const out = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => l.trim().split(/\s+/)[3]);
}

const LOOPBACK_ADDR = /^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):\d+$/;

/** Throws unless every listening socket of `pid` is on loopback (and there is one). */
export function assertLoopbackOnly(pid) {
  const addrs = listeningAddresses(pid);
  if (addrs.length === 0) throw new Error(`pid ${pid} has no listening sockets`);
  const bad = addrs.filter((a) => !LOOPBACK_ADDR.test(a));
  if (bad.length) throw new Error(`pid ${pid} listens beyond loopback: ${bad.join(" ")}`);
  return addrs;
}

/** Asserts a Node server listens on loopback. */
function assertServerLoopback(server) {
  const a = server.address();
  if (!a || a.address !== "127.0.0.1") throw new Error(`server bound to ${JSON.stringify(a)}`);
}

// ---------------------------------------------------------------------------------------
// mosquitto

// mosquitto processes alive right now: killed by PID if this process exits without stopping
// them (a failed hook, a killed test run), so none outlives its test file.
const liveBrokers = new Set();
let exitHooks = false;
function installExitHooks() {
  if (exitHooks) return;
  exitHooks = true;
  process.on("exit", () => {
    for (const proc of liveBrokers) {
      try {
        proc.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, () => process.exit(sig === "SIGINT" ? 130 : 143));
  }
}

const MOSQUITTO = process.env.MOSQUITTO || (existsSync("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto");

/** Makes a mosquitto password file with one user (mosquitto_passwd -b). */
export function makePasswordFile(dir, username, password) {
  const file = path.join(dir, "passwd");
  writeFileSync(file, "");
  execFileSync("mosquitto_passwd", ["-b", file, username, password], { stdio: "ignore" });
  return file;
}

/**
 * Starts mosquitto on 127.0.0.1 with a TCP and a WebSocket listener.
 *   opts.passwordFile: with allow_anonymous false
 *   opts.persistence:  persistence true in the temp dir, autosave every second
 *   opts.extraConf:    more mosquitto.conf lines
 * Returns { pid, tcpPort, wsPort, wsUrl, mqttUrl, dir, start(), stop(), restart(), log() }.
 */
export async function startMosquitto(opts = {}) {
  const dir = opts.dir || mkdtempSync(path.join(os.tmpdir(), "wasmqtt-interop-mosq-"));
  const tcpPort = opts.tcpPort || (await freePort());
  const wsPort = opts.wsPort || (await freePort());
  const logFile = path.join(dir, "mosquitto.log");
  const conf = path.join(dir, "mosquitto.conf");
  const lines = [
    "# Generated by tests/interop/harness.mjs; loopback only.",
    `user ${os.userInfo().username}`,
    "per_listener_settings false",
    opts.passwordFile ? "allow_anonymous false" : "allow_anonymous true",
    opts.passwordFile ? `password_file ${opts.passwordFile}` : "",
    opts.persistence
      ? `persistence true\npersistence_location ${dir}/\npersistence_file mosquitto.db\nautosave_interval 1`
      : "persistence false",
    `log_dest file ${logFile}`,
    "log_type error",
    "log_type warning",
    "log_type notice",
    "log_type information",
    "connection_messages true",
    "log_timestamp_format %Y-%m-%dT%H:%M:%S",
    "max_queued_messages 10000",
    "",
    `listener ${tcpPort} 127.0.0.1`,
    "socket_domain ipv4",
    "protocol mqtt",
    "",
    `listener ${wsPort} 127.0.0.1`,
    "socket_domain ipv4",
    "protocol websockets",
    opts.extraConf || "",
    "",
  ];
  writeFileSync(conf, lines.join("\n"));

  const broker = {
    dir,
    tcpPort,
    wsPort,
    wsUrl: `ws://127.0.0.1:${wsPort}/mqtt`,
    mqttUrl: `mqtt://127.0.0.1:${tcpPort}`,
    proc: null,
    pid: null,
    exited: null,
    log() {
      try {
        return readFileSync(logFile, "utf8");
      } catch {
        return "";
      }
    },
    async start() {
      const proc = spawn(MOSQUITTO, ["-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      proc.stdout.on("data", (d) => (output += d));
      proc.stderr.on("data", (d) => (output += d));
      broker.proc = proc;
      broker.pid = proc.pid;
      installExitHooks();
      liveBrokers.add(proc);
      broker.exited = new Promise((resolve) =>
        proc.once("exit", (code, signal) => {
          liveBrokers.delete(proc);
          resolve({ code, signal });
        }),
      );
      let gone = false;
      broker.exited.then(() => (gone = true));
      const t0 = Date.now();
      for (;;) {
        if (gone) throw new Error(`mosquitto exited during start-up:\n${output}\n${broker.log()}`);
        if ((await portOpen(tcpPort)) && (await portOpen(wsPort))) break;
        if (Date.now() - t0 > 10000) {
          await broker.stop();
          throw new Error(`mosquitto did not open its ports within 10 s:\n${output}\n${broker.log()}`);
        }
        await sleep(50);
      }
      try {
        assertLoopbackOnly(proc.pid);
      } catch (e) {
        await broker.stop();
        throw e;
      }
      return broker;
    },
    /** SIGTERM by PID, SIGKILL after 5 s; resolves { graceful, ms }. */
    async stop() {
      const proc = broker.proc;
      if (!proc) return { graceful: true, ms: 0 };
      broker.proc = null;
      const t0 = Date.now();
      if (proc.exitCode !== null || proc.signalCode !== null) return { graceful: true, ms: 0 };
      proc.kill("SIGTERM");
      const result = await Promise.race([broker.exited.then(() => "exited"), sleep(5000).then(() => "late")]);
      if (result === "late") {
        proc.kill("SIGKILL");
        await withTimeout(broker.exited, 5000, `mosquitto pid ${proc.pid} to die after SIGKILL`);
        return { graceful: false, ms: Date.now() - t0 };
      }
      return { graceful: true, ms: Date.now() - t0 };
    },
    async restart(downMs = 0) {
      const stopped = await broker.stop();
      if (downMs) await sleep(downMs);
      await broker.start();
      return stopped;
    },
    async dispose() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

// ---------------------------------------------------------------------------------------
// aedes (MQTT 3.1.1) in this process

/** Starts aedes with a TCP listener and a WebSocket listener (ws) on 127.0.0.1. */
export async function startAedes() {
  const aedes = await Aedes.createBroker();
  const sockets = new Set();
  const tcp = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    aedes.handle(s);
  });
  const httpServer = http.createServer();
  const wss = new WebSocketServer({
    server: httpServer,
    handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : false),
  });
  const wsFrames = { count: 0 };
  wss.on("connection", (ws, req) => {
    const origSend = ws.send.bind(ws);
    ws.send = (data, ...rest) => {
      wsFrames.count++;
      return origSend(data, ...rest);
    };
    const stream = createWebSocketStream(ws);
    stream.on("error", () => {});
    aedes.handle(stream, req);
  });
  httpServer.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((r) => tcp.listen(0, "127.0.0.1", r));
  await new Promise((r) => httpServer.listen(0, "127.0.0.1", r));
  assertServerLoopback(tcp);
  assertServerLoopback(httpServer);
  return {
    aedes,
    wsFrames,
    wsUrl: `ws://127.0.0.1:${httpServer.address().port}/mqtt`,
    mqttUrl: `mqtt://127.0.0.1:${tcp.address().port}`,
    async dispose() {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => httpServer.close(r));
      await new Promise((r) => tcp.close(r));
      await new Promise((r) => aedes.close(r));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Fake WebSocket servers that play the broker's part from a script

/** Splits a byte stream into MQTT packets: [{ type, flags, body }], and the rest. */
export function splitPackets(buf) {
  const packets = [];
  let i = 0;
  for (;;) {
    if (buf.length - i < 2) break;
    let len = 0;
    let mult = 1;
    let j = i + 1;
    let complete = false;
    for (let k = 0; k < 4 && j < buf.length; k++, j++) {
      len += (buf[j] & 0x7f) * mult;
      mult *= 128;
      if ((buf[j] & 0x80) === 0) {
        complete = true;
        j++;
        break;
      }
    }
    if (!complete || buf.length - j < len) break;
    packets.push({ type: buf[i] >> 4, flags: buf[i] & 0x0f, body: buf.subarray(j, j + len) });
    i = j + len;
  }
  return { packets, rest: buf.subarray(i) };
}

export const PACKET = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  SUBSCRIBE: 8,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
};

/** The protocol level byte of a CONNECT body (4 = 3.1.1, 5 = 5.0). */
export function connectLevel(body) {
  const nameLen = (body[0] << 8) | body[1];
  return body[2 + nameLen];
}

/** CONNACK accepting the connection for protocol level `level`. */
export function connack(level, returnCode = 0) {
  return level === 5 ? Buffer.from([0x20, 0x03, 0x00, returnCode, 0x00]) : Buffer.from([0x20, 0x02, 0x00, returnCode]);
}

/**
 * A WebSocket server on 127.0.0.1 that accepts subprotocol "mqtt" and hands each connection
 * to `onPacket(conn, packet)` (packets reassembled from the client's frames). Every
 * connection is recorded: { t0, packets: [{ t, type, flags, body }], frames, closed, closeCode,
 * send(bytes), close(), terminate() }.
 */
export async function startFakeServer(name, onPacket = () => {}, { upgradeDelayMs = 0 } = {}) {
  const httpServer = http.createServer();
  const upgradeRequests = [];
  const wss = new WebSocketServer({
    server: httpServer,
    handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : false),
    // Optionally hold the upgrade response back, to leave the browser's socket CONNECTING.
    verifyClient: (info, cb) => {
      upgradeRequests.push(Date.now());
      if (upgradeDelayMs) setTimeout(() => cb(true), upgradeDelayMs);
      else cb(true);
    },
  });
  const sockets = new Set();
  httpServer.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const connections = [];
  wss.on("connection", (ws) => {
    const conn = {
      t0: Date.now(),
      protocol: ws.protocol,
      packets: [],
      frames: 0,
      buffer: Buffer.alloc(0),
      closed: false,
      closedAt: null,
      closeCode: null,
      level: null,
      send: (bytes) => ws.send(Buffer.from(bytes)),
      close: () => ws.close(),
      terminate: () => ws.terminate(),
      ws,
    };
    connections.push(conn);
    ws.on("message", (data, isBinary) => {
      conn.frames++;
      if (!isBinary) conn.textFrames = (conn.textFrames || 0) + 1;
      conn.buffer = Buffer.concat([conn.buffer, Buffer.from(data)]);
      const { packets, rest } = splitPackets(conn.buffer);
      conn.buffer = Buffer.from(rest);
      for (const p of packets) {
        const rec = { t: Date.now(), ...p, body: Buffer.from(p.body) };
        conn.packets.push(rec);
        if (p.type === PACKET.CONNECT) conn.level = connectLevel(rec.body);
        try {
          onPacket(conn, rec);
        } catch (e) {
          conn.handlerError = e;
        }
      }
    });
    ws.on("close", (code) => {
      conn.closed = true;
      conn.closedAt = Date.now();
      conn.closeCode = code;
    });
    ws.on("error", () => {});
  });
  await new Promise((r) => httpServer.listen(0, "127.0.0.1", r));
  assertServerLoopback(httpServer);
  const port = httpServer.address().port;
  return {
    name,
    port,
    url: `ws://127.0.0.1:${port}/mqtt`,
    connections,
    upgradeRequests,
    async dispose() {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => httpServer.close(r));
    },
  };
}

/** Accepts the WebSocket upgrade (subprotocol mqtt) and never answers anything. */
export function fakeSilentServer() {
  return startFakeServer("fakeSilentServer", () => {});
}

/** Answers CONNECT with CONNACK, then sends `bytes` (a malformed packet). */
export function fakeMalformedAfterConnack(bytes) {
  return startFakeServer("fakeMalformedAfterConnack", (conn, p) => {
    if (p.type === PACKET.CONNECT) {
      conn.send(connack(conn.level));
      setTimeout(() => conn.send(bytes), 50);
    }
  });
}

/** Answers CONNECT with CONNACK, but completes the WebSocket upgrade only after `ms`. */
export function fakeSlowUpgradeServer(ms) {
  return startFakeServer(
    "fakeSlowUpgradeServer",
    (conn, p) => {
      if (p.type === PACKET.CONNECT) conn.send(connack(conn.level));
    },
    { upgradeDelayMs: ms },
  );
}

/** Answers CONNECT with CONNACK; answers PINGREQ only if `answerPings`. */
export function fakePingServer({ answerPings }) {
  return startFakeServer(answerPings ? "fakePingAnsweringServer" : "fakePingIgnoringServer", (conn, p) => {
    if (p.type === PACKET.CONNECT) conn.send(connack(conn.level));
    if (p.type === PACKET.PINGREQ && answerPings) conn.send([0xd0, 0x00]);
  });
}

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers the HTTP upgrade:
 * the browser's WebSocket stays CONNECTING. Records { t0, closed, closedAt } per connection.
 */
export async function startHangingTcpServer() {
  const connections = [];
  const sockets = new Set();
  const server = net.createServer((s) => {
    const conn = { t0: Date.now(), closed: false, closedAt: null };
    connections.push(conn);
    sockets.add(s);
    s.on("data", () => {});
    s.on("error", () => {});
    s.on("close", () => {
      conn.closed = true;
      conn.closedAt = Date.now();
      sockets.delete(s);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  assertServerLoopback(server);
  return {
    name: "hangingTcpServer",
    url: `ws://127.0.0.1:${server.address().port}/mqtt`,
    connections,
    async dispose() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Static server for the page and pkg-web/


export async function startStaticServer() {
  if (!existsSync(path.join(PKG_DIR, "wasmqtt.js"))) {
    throw new Error(`${PKG_DIR}/wasmqtt.js is missing: run bash scripts/build.sh web first`);
  }
  const server = http.createServer(async (req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (pathname === "/") pathname = "/index.html";
    let base = PAGE_DIR;
    let rel = pathname;
    if (pathname.startsWith("/pkg-web/")) {
      base = PKG_DIR;
      rel = pathname.slice("/pkg-web".length);
    }
    const file = path.resolve(base, `.${rel}`);
    if (!file.startsWith(base + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error("not a file");
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": MIME_TYPES[path.extname(file)] || "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, dispose: close };
}

// ---------------------------------------------------------------------------------------
// Chromium through playwright-core

/**
 * A fresh page (own context) with the module loaded (`window.wasmqtt`, `window.H`).
 * `problems` collects console errors and page errors; `assertClean(allowed)` throws on any
 * not matched by one of the `allowed` regular expressions.
 */
export async function openPage(browser, site) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = { console: [], pageErrors: [] };
  page.on("console", (m) => {
    if (m.type() === "error") problems.console.push(m.text());
  });
  page.on("pageerror", (e) => problems.pageErrors.push(String(e && e.stack ? e.stack : e)));
  page.setDefaultTimeout(15000);
  await page.goto(`${site.url}/index.html`);
  await page.waitForFunction(() => window.__helpersLoaded === true, null, { timeout: 10000 });
  const exports = await page.evaluate(() => window.H.init());
  return {
    page,
    context,
    problems,
    exports,
    assertClean(allowed = []) {
      const unexpected = problems.console.filter((t) => !allowed.some((re) => re.test(t)));
      if (problems.pageErrors.length || unexpected.length) {
        throw new Error(
          `page problems: pageErrors=${JSON.stringify(problems.pageErrors)} consoleErrors=${JSON.stringify(unexpected)}`,
        );
      }
    },
    async close() {
      await context.close().catch(() => {});
    },
  };
}

/** Console text Chromium logs when a WebSocket cannot connect or fails. */
export const WS_FAILURE_CONSOLE = /WebSocket connection to .* failed/;

// ---------------------------------------------------------------------------------------
// MQTT.js peer

/**
 * An MQTT.js client (Node) connected to `url`; `received` records every message as
 * { topic, payload: Buffer, packet, t }.
 */
export async function mqttjs(url, opts = {}) {
  const client = await withTimeout(
    mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts }),
    8000,
    `MQTT.js to connect to ${url}`,
  );
  client.received = [];
  client.on("message", (topic, payload, packet) => {
    client.received.push({ topic, payload: Buffer.from(payload), packet, t: Date.now() });
  });
  client.on("error", (e) => {
    client.lastError = e;
  });
  return client;
}

export async function endMqttjs(...clients) {
  for (const c of clients) {
    if (c) await withTimeout(c.endAsync(true), 3000, "MQTT.js end").catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// Values

/** Bytes from a page-side serialized value ({ $bytes }). */
export function bytesOf(v) {
  if (!v || v.$bytes === undefined) throw new Error(`not serialized bytes: ${JSON.stringify(v)}`);
  return Buffer.from(v.$bytes, "base64");
}

/** A payload description for the page: { b64 }. */
export function b64(buf) {
  return { b64: Buffer.from(buf).toString("base64") };
}

/** Short description of a Buffer for assertion messages. */
export function describeBytes(buf) {
  const hex = buf.subarray(0, 12).toString("hex");
  return `${buf.length} B ${hex}${buf.length > 12 ? "…" : ""}`;
}

/** Deterministic pseudo-random bytes (xorshift), for large payloads. */
export function pseudoRandomBytes(n, seed = 0x9e3779b9) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Page + module, shared per test file: `const env = await browserEnv()`. */
export async function browserEnv() {
  const site = await startStaticServer();
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await site.dispose();
    throw e;
  }
  return {
    site,
    browser,
    open: () => openPage(browser, site),
    async dispose() {
      await browser.close().catch(() => {});
      await site.dispose();
    },
  };
}
