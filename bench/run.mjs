// The benchmark orchestrator (run by scripts/bench.sh, which owns the broker):
//   node bench/run.mjs [--quick] [--runs N] [--only throughput,latency,flood,cold,codec]
//                      [--impls wasmqtt,mqttjs,paho] [--out FILE] [--no-codec]
// Each measured run loads one implementation in a fresh page (a fresh browser context) of one
// headless Chromium driven over the DevTools pipe, against one mosquitto on loopback; the
// implementations go in a new random order every round; round 0 is a warm-up and discarded.
// Every run checks count, order and payload of what it received; a wasmqtt run that fails
// makes the whole command fail (other implementations' failures are reported as findings).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { execFileSync, fork } from "node:child_process";

import { Browser } from "./lib/cdp.mjs";
import { startNative } from "./lib/native-client.mjs";
import { startStatic } from "./lib/server.mjs";
import { median, quantile, shuffle } from "./lib/stats.mjs";
import { calibrate } from "./lib/calibrate.mjs";
import { runCodec } from "./codec.mjs";
import { report } from "./lib/report.mjs";
import { summarize } from "./lib/profile.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : dflt;
};

const QUICK = flag("quick");
const KiB = 1024;
const MiB = 1024 * 1024;

// What a run measures. Full: every size and QoS; quick: a couple of minutes for development.
// Payload sizes go through one of two WebSocket front ends of the same mosquitto:
//   "ws": mosquitto's own WebSocket listener, for payloads up to 1 KiB;
//   "relay": mosquitto's TCP listener behind bench/relay.mjs, for 4 KiB and up, because the
//   listener delivers packets over about 4 KiB at ~85/s (64 KiB at ~1/s) whatever the client.
// `brokerLimit` measures that limit itself (few messages, listener path) so it stays visible.
const CFG = QUICK
  ? {
      runs: 2,
      sizes: { ws: [16, 1 * KiB], relay: [64 * KiB] },
      baselineSizes: { ws: [16, 1 * KiB], relay: [64 * KiB] },
      baselines: "k16", // raw K=16 only (and the echo), to stay within a few minutes
      qos: [0, 1],
      modes: ["loop", "recv", "send"],
      latency: { rates: [100, 1000], durationMs: { 100: 2000, 1000: 1500 }, qos: [0, 1], size: 256 },
      flood: { durationMs: 6000, rate: 2000, consumeRate: 500, size: 1 * KiB, queueMessages: 1000 },
      coldRuns: 3,
      scale: 0.5,
    }
  : {
      runs: 5,
      sizes: { ws: [16, 256, 1 * KiB], relay: [4 * KiB, 64 * KiB, 1 * MiB] },
      baselineSizes: { ws: [16, 256, 1 * KiB], relay: [4 * KiB, 64 * KiB] },
      qos: [0, 1, 2],
      modes: ["loop", "recv", "send"],
      latency: { rates: [100, 1000], durationMs: { 100: 3000, 1000: 2000 }, qos: [0, 1], size: 256 },
      flood: { durationMs: 30000, rate: 2000, consumeRate: 500, size: 1 * KiB, queueMessages: 1000 },
      coldRuns: 6,
      scale: 1,
    };
CFG.runs = Number(opt("runs", CFG.runs));
const IMPLS = opt("impls", "wasmqtt,mqttjs,paho").split(",");
const ONLY = opt("only", "selftest,calibrate,throughput,latency,flood,cold,codec").split(",");
if (flag("no-codec")) ONLY.splice(ONLY.indexOf("codec") >>> 0, 1);
const PKG_DIR = path.resolve(ROOT, opt("pkg", "pkg-web"));

/** Messages per throughput run: under a second of traffic for the faster clients here. */
function messagesFor(size, qos) {
  const base = { 16: 8000, 256: 8000, 1024: 6000, 4096: 3000, 65536: 300, 1048576: 12 }[size];
  const perQos = [1, 0.5, 0.35][qos];
  return Math.max(size >= MiB ? 6 : 100, Math.round(base * perQos * CFG.scale));
}

/**
 * Messages outstanding in a self-loop or a QoS 1/2 send: 256 KiB' worth, 2 to 1000 messages.
 * (MQTT.js pauses its writes for browserBufferTimeout = 1 s whenever the socket holds over
 * browserBufferSize = 512 KiB: a window that keeps below that measures its steady state.)
 */
function windowFor(size) {
  return Math.max(2, Math.min(1000, Math.floor((256 * KiB) / size)));
}

const wsPort = Number(process.env.BENCH_WS_PORT);
const tcpPort = Number(process.env.BENCH_TCP_PORT);
if (!wsPort || !tcpPort) {
  console.error("BENCH_WS_PORT / BENCH_TCP_PORT are not set: run `npm run bench` (scripts/bench.sh)");
  process.exit(2);
}
const LISTENER_URL = `ws://127.0.0.1:${wsPort}/mqtt`;
let RELAY_URL = null;
const urlFor = (path) => (path === "relay" ? RELAY_URL : LISTENER_URL);
const runId = Date.now().toString(36);
let caseNo = 0;
const T0 = performance.now();
const log = (...a) => console.error(`[bench ${((performance.now() - T0) / 1000).toFixed(0).padStart(4)}s]`, ...a);

const results = {
  meta: {},
  calibration: null,
  throughput: [],
  latency: [],
  flood: [],
  cold: [],
  codec: null,
  quiet: [],
  failures: [],
};

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (e) {
    return String(e.stdout || e.stderr || e.message).trim();
  }
}

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  const pkg = (name) => JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  return {
    cpu,
    cores: os.cpus().length,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(),
    node: process.version,
    mosquitto: /mosquitto version (\S+)/.exec(sh("mosquitto", ["-h"]))?.[1] ?? "unknown",
    mqttjs: pkg("mqtt"),
    paho: pkg("paho-mqtt"),
    mqttPacket: pkg("mqtt-packet"),
    ws: pkg("ws"),
    loadavgStart: os.loadavg(),
    wasmBytes: readFileSync(path.join(PKG_DIR, "wasmqtt_bg.wasm")).length,
    // pkg-web may be built from uncommitted sources: its hash and time say which build ran.
    wasmSha256: createHash("sha256").update(readFileSync(path.join(PKG_DIR, "wasmqtt_bg.wasm"))).digest("hex").slice(0, 16),
    wasmBuiltAt: statSync(path.join(PKG_DIR, "wasmqtt_bg.wasm")).mtime.toISOString(),
    gitDirty: sh("git", ["-C", ROOT, "status", "--porcelain", "--", "src", "js", "Cargo.toml"]).length > 0,
    pkgDir: path.relative(ROOT, PKG_DIR),
    gitHead: sh("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]),
  };
}

// Other engineers build on this machine: before each group of runs, wait until the CPUs are
// quiet (our own processes are idle then), so a compile next door does not land in a figure.
// Each wait is logged and recorded; after MAX_WAIT_S in all, runs go on and are flagged noisy.
const QUIET_BUSY = 0.15; // share of all CPUs busy while the harness idles
const MAX_WAIT_S = Number(opt("max-wait", QUICK ? 0 : 1200));
let waitedS = 0;

function cpuTimes() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}

async function busyShare(ms) {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

async function waitQuiet(label) {
  const t0 = performance.now();
  let busy = await busyShare(1000);
  if (busy >= QUIET_BUSY && waitedS < MAX_WAIT_S) {
    log(`waiting: other processes keep ${(busy * 100).toFixed(0)}% of the CPUs busy (before ${label})`);
    while (busy >= QUIET_BUSY && waitedS + (performance.now() - t0) / 1000 < MAX_WAIT_S) {
      await sleep(4000);
      busy = await busyShare(1000);
    }
  }
  const w = (performance.now() - t0) / 1000;
  waitedS += Math.max(0, w - 1);
  const noisy = busy >= QUIET_BUSY;
  if (w > 2 || noisy) log(`${noisy ? "NOT quiet" : "quiet"} after ${w.toFixed(0)} s (${(busy * 100).toFixed(0)}% busy) before ${label}`);
  results.quiet.push({ label, busy: Math.round(busy * 1000) / 1000, waitedS: Math.round(w), noisy, loadavg: os.loadavg()[0] });
  return busy;
}

let browser;
let server;
let native;
let relay;

/** One fresh page (fresh browser context) with `impl` loaded; `fn(page)` runs the cases. */
async function withPage(impl, fn) {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/bench/harness.html?impl=${impl}&pkg=/pkg/`);
    // Thread time, so main-thread figures do not count time the renderer was descheduled.
    await page.send("Performance.enable", { timeDomain: "threadTicks" });
    await page.eval("bench.init()", 30000);
    return await fn(page);
  } catch (e) {
    // What failed is reported; the benchmark goes on with the next page.
    fail("page", impl, "page", e?.stack ?? String(e));
    return null;
  } finally {
    if (page.errors.length) log(`${impl} page errors:`, page.errors.slice(0, 5).join(" | "));
    await page.close();
  }
}

function fail(kind, impl, what, error) {
  log(`FAIL ${kind} ${impl} ${what}: ${error}`);
  results.failures.push({ kind, impl, what, error });
}

const clientId = (impl, suffix = "") => `b${runId}${caseNo}${impl.replace(/\W/g, "")}${suffix}`.slice(0, 23);

// ---------------------------------------------------------------------------------------------
// Throughput: self-loop, receive-only (a native publisher), send-only (a native subscriber).
// ---------------------------------------------------------------------------------------------

async function throughputCase(page, impl, { mode, qos, size, path: via, warmup = false }, round) {
  const n = warmup ? Math.round(messagesFor(size, qos) / 4) : messagesFor(size, qos);
  const topic = `bench/${runId}/${++caseNo}`;
  const spec = {
    url: urlFor(via),
    echoUrl: `ws://127.0.0.1:${native.wsEchoPort}/`,
    clientId: clientId(impl),
    topic,
    qos,
    size,
    n,
    window: windowFor(size),
    slice: Math.max(1, Math.min(256, Math.floor((64 * KiB) / size))),
    stallMs: 10000,
    deadlineMs: QUICK ? 30000 : 60000,
  };
  await page.send("HeapProfiler.collectGarbage").catch(() => {});
  const m0 = await page.metrics();
  // An exception in the page (a library throwing) fails the run, not the whole benchmark.
  const failed = (e) => ({ ok: false, error: String(e?.message ?? e) });
  let r;
  if (mode === "loop") {
    r = await page.eval(`bench.loop(${JSON.stringify(spec)})`).catch(failed);
  } else if (mode === "recv") {
    r = await page.eval(`bench.recvPrepare(${JSON.stringify(spec)})`).catch(failed);
    if (r === true) {
      const waiting = page.eval("bench.recvWait()").catch(failed);
      const pub = await native.call("publishAll", { topic, qos, n, size, clientId: clientId(impl, "p") });
      r = await waiting;
      // From the publisher's first byte to the page's last delivery (both wall clocks).
      r.ms = r.tLast - pub.tStart;
    }
  } else {
    const { handle } = await native.call("subStart", { topic, qos, n, size, clientId: clientId(impl, "s") });
    const sending = page.eval(`bench.send(${JSON.stringify(spec)})`).catch(failed);
    const sub = await native.call("subWait", { handle, stallMs: spec.stallMs });
    r = await sending;
    if (r.ok && sub.error) r = { ...r, ok: false, error: `native subscriber: ${sub.error} (${sub.received}/${n})` };
    r.received = sub.received;
    // From the page's first publish call to the subscriber's last delivery.
    r.ms = sub.tLast - r.tStart;
  }
  const m1 = await page.metrics();
  const row = {
    mode,
    qos,
    size,
    path: via,
    impl,
    round,
    n,
    ok: r.ok,
    error: r.error ?? null,
    ms: r.ms,
    rate: r.ok ? (n / r.ms) * 1000 : NaN,
    received: r.received,
    drains: r.drains,
    // Main-thread time of the page (CDP Performance metrics, thread time), per 10,000 messages.
    taskMsPer10k: ((m1.TaskDuration - m0.TaskDuration) * 1000 * 10000) / n,
    scriptMsPer10k: ((m1.ScriptDuration - m0.ScriptDuration) * 1000 * 10000) / n,
  };
  if (!r.ok) fail("throughput", impl, `${mode} qos${qos} ${size} B via ${via} ${warmup ? "warm-up" : `round ${round}`}`, r.error);
  return row;
}

const isBaseline = (impl) => impl.startsWith("raw") || impl === "ws-echo";

/**
 * Baselines per group: K (MQTT packets per WebSocket message) matters for what the page sends,
 * so all three K where the page publishes at QoS 0 or self-loops; receive-only and QoS 1/2
 * sends take K = 16 (K then only batches acknowledgements or is bounded by the window). The raw
 * WebSocket echo (no MQTT, no broker) goes with the QoS 0 self-loop.
 */
function baselinesFor(mode, qos) {
  if (CFG.baselines === "k16") return ["raw-k16", ...(mode === "loop" && qos === 0 ? ["ws-echo"] : [])];
  if (mode === "loop") return ["raw-k1", "raw-k16", "raw-k256", ...(qos === 0 ? ["ws-echo"] : [])];
  if (mode === "send" && qos === 0) return ["raw-k1", "raw-k16", "raw-k256"];
  return ["raw-k16"];
}

function throughputCases(impl, mode, qos) {
  const cases = [];
  const sizes = isBaseline(impl) ? CFG.baselineSizes : CFG.sizes;
  for (const via of ["ws", "relay"]) for (const size of sizes[via]) cases.push({ mode, qos, size, path: via });
  return impl === "ws-echo" ? cases.filter((c) => c.path === "ws") : cases;
}

async function throughput() {
  const groups = [];
  for (const mode of CFG.modes) for (const qos of CFG.qos) groups.push({ mode, qos });
  for (let round = 1; round <= CFG.runs; round++) {
    for (const { mode, qos } of groups) {
      await waitQuiet(`throughput round ${round} ${mode} qos${qos}`);
      const impls = shuffle([...IMPLS, ...baselinesFor(mode, qos)]);
      const line = [];
      for (const impl of impls) {
        await withPage(impl, async (page) => {
          // The discarded warm-up: every page is a fresh renderer, so its JIT starts cold.
          const warm = await throughputCase(page, impl, { mode, qos, size: 256, path: "ws", warmup: true }, 0);
          const rates = [`(warm-up ${warm.ok ? Math.round(warm.rate) : "FAIL"})`];
          for (const c of throughputCases(impl, mode, qos)) {
            const row = await throughputCase(page, impl, c, round);
            rates.push(`${c.size}${c.path === "relay" ? "r" : ""}:${row.ok ? Math.round(row.rate) : "FAIL"}`);
            results.throughput.push(row);
          }
          line.push(`${impl} ${rates.join(" ")}`);
          await page.eval("bench.closeAll()").catch(() => {});
        });
      }
      log(`throughput round ${round}/${CFG.runs} ${mode} qos${qos}: ${line.join(" | ")}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Latency at fixed offered rates, echoed by the native helper.
// ---------------------------------------------------------------------------------------------

async function latencyCase(page, impl, qos, rate, durationMs) {
  caseNo++;
  const L = CFG.latency;
  const reqTopic = `bench/${runId}/${caseNo}/req`;
  const respTopic = `bench/${runId}/${caseNo}/resp`;
  const echo = await native.call("echoStart", { reqTopic, respTopic, qos, clientId: clientId(impl, "e") });
  const spec = { url: LISTENER_URL, clientId: clientId(impl), reqTopic, respTopic, qos, size: L.size, rate, durationMs, stallMs: 5000, deadlineMs: 20000 };
  let r;
  try {
    r = await page.eval(`bench.latency(${JSON.stringify(spec)})`).catch((e) => ({ ok: false, error: String(e?.message ?? e), rtt: [] }));
  } finally {
    await native.call("echoStop", { handle: echo.handle });
  }
  const s = r.rtt.filter((x) => x > 0).sort((x, y) => x - y);
  return {
    impl,
    qos,
    rate,
    ok: r.ok,
    error: r.error ?? null,
    n: r.n,
    achievedRate: r.achievedRate,
    p50: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    p99: quantile(s, 0.99),
    max: s[s.length - 1],
    rtt: r.ok ? Array.from(s, (x) => Math.round(x * 100) / 100) : [],
  };
}

async function latency() {
  const L = CFG.latency;
  for (let round = 1; round <= CFG.runs; round++) {
    const line = [];
    await waitQuiet(`latency round ${round}`);
    for (const impl of shuffle(IMPLS)) {
      await withPage(impl, async (page) => {
        // Discarded warm-up: half a second at 1,000/s.
        await latencyCase(page, impl, 0, 1000, 500);
        const parts = [];
        for (const qos of L.qos) {
          for (const rate of L.rates) {
            const row = { ...(await latencyCase(page, impl, qos, rate, L.durationMs[rate])), round };
            if (!row.ok) fail("latency", impl, `qos${qos} ${rate}/s round ${round}`, row.error);
            parts.push(`q${qos}@${rate}:${row.ok ? row.p99.toFixed(1) : "FAIL"}`);
            results.latency.push(row);
          }
        }
        line.push(`${impl} p99 ${parts.join(" ")}`);
      });
    }
    log(`latency round ${round}/${CFG.runs}: ${line.join(" | ")}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Memory while a fast publisher floods a slow consumer.
// ---------------------------------------------------------------------------------------------

/**
 * Memory is sampled every second after a forced garbage collection (CDP), so the figure is
 * what the page holds, not garbage not yet collected: JS heap used, ArrayBuffer backing stores
 * (received payloads) and the wasm memory. No warm-up round: speed is not measured here.
 */
async function flood() {
  const F = CFG.flood;
  for (let round = 1; round <= CFG.runs; round++) {
    const line = [];
    for (const impl of shuffle(IMPLS)) {
      await waitQuiet(`flood round ${round} ${impl}`);
      await withPage(impl, async (page) => {
        caseNo++;
        const topic = `bench/${runId}/${caseNo}/flood`;
        const spec = { url: LISTENER_URL, clientId: clientId(impl), topic, size: F.size, consumeRate: F.consumeRate, queueMessages: F.queueMessages };
        await page.eval(`bench.floodPrepare(${JSON.stringify(spec)})`);
        const samples = [];
        const sample = async (t) => {
          await page.send("HeapProfiler.collectGarbage");
          const h = await page.send("Runtime.getHeapUsage");
          const p = await page.eval("bench.floodSample()");
          // V8's backingStorageSize leaves out the wasm memory: it is added from the page.
          samples.push({ t, heapUsed: h.usedSize, backing: h.backingStorageSize ?? 0, total: h.usedSize + (h.backingStorageSize ?? 0) + p.wasmBytes, ...p });
        };
        await sample(0);
        const t0 = performance.now();
        const pub = native.call("flood", { topic, size: F.size, rate: F.rate, durationMs: F.durationMs, clientId: clientId(impl, "f") });
        let done = false;
        pub.finally(() => (done = true));
        let next = 1000;
        while (!done) {
          await sleep(Math.max(0, next - (performance.now() - t0)));
          if (done) break;
          await sample(next);
          next += 1000;
        }
        const { published } = await pub;
        // Let the last messages reach the page, then account for every one of them.
        await sleep(1000);
        await sample(Math.round(performance.now() - t0));
        const end = await page.eval(`bench.floodEnd(${published})`);
        const row = { impl, round, ok: end.ok, error: end.error ?? null, published, durationMs: F.durationMs, samples, end };
        if (!end.ok) fail("flood", impl, `round ${round}`, end.error);
        const peak = Math.max(...samples.map((x) => x.total));
        line.push(`${impl} ${(samples[1]?.total / MiB).toFixed(1)} -> peak ${(peak / MiB).toFixed(1)} MiB, held ${end.appQueue + end.libQueued}, dropped ${end.dropped}`);
        results.flood.push(row);
      });
    }
    log(`flood round ${round}/${CFG.runs}: ${line.join(" | ")}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cold start: bytes, compile/instantiate, time to CONNACK, each in a fresh browser context.
// Through the listener mosquitto itself takes 130-200 ms to answer the WebSocket handshake
// (libwebsockets' service loop), so CONNACK is also timed through the relay.
// ---------------------------------------------------------------------------------------------

async function cold() {
  for (let round = 0; round <= CFG.coldRuns; round++) {
    await waitQuiet(`cold round ${round}`);
    for (const impl of shuffle(IMPLS)) {
      for (const via of ["relay", "ws"]) {
        const page = await browser.newPage();
        try {
          await page.goto(`${server.url}/bench/harness.html?impl=${impl}&pkg=/pkg/`);
          await page.eval("bench.init()", 30000);
          caseNo++;
          const r = await page.eval(`bench.coldConnect(${JSON.stringify({ url: urlFor(via), clientId: clientId(impl) })})`);
          const sum = (k) => r.resources.reduce((x, e) => x + e[k], 0);
          const row = {
            impl,
            path: via,
            round,
            ok: r.ok && r.resources.length > 0,
            error: r.resources.length ? null : "no resource timing entries",
            resources: r.resources,
            encodedBytes: sum("encodedBodySize"),
            transferBytes: sum("transferSize"),
            decodedBytes: sum("decodedBodySize"),
            loadMs: r.timings.loadMs,
            compileMs: r.timings.compileMs,
            instantiateMs: r.timings.instantiateMs,
            connackMs: r.connackMs,
            toConnackMs: r.toConnackMs,
          };
          if (!row.ok) fail("cold", impl, `round ${round}`, row.error);
          // Round 0 warms the OS and the static server's gzip cache: discarded.
          if (round > 0) results.cold.push(row);
        } finally {
          await page.close();
        }
      }
    }
  }
  const w = results.cold.filter((r) => r.impl === "wasmqtt" && r.path === "relay");
  log(`cold start done (${results.cold.length} runs; wasmqtt load start to CONNACK via relay, median ${median(w.map((r) => r.toConnackMs)).toFixed(1)} ms)`);
}

// ---------------------------------------------------------------------------------------------
// Self-test: the checks catch a lost, corrupted or truncated message (injected in the page
// between the library and the checker); an undisturbed run passes.
// ---------------------------------------------------------------------------------------------

async function selftest() {
  const outcomes = [];
  for (const fault of ["", "drop", "corrupt", "truncate"]) {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/bench/harness.html?impl=wasmqtt&pkg=/pkg/${fault ? `&fault=${fault}` : ""}`);
      await page.eval("bench.init()", 30000);
      caseNo++;
      const spec = { url: LISTENER_URL, clientId: clientId("selftest"), topic: `bench/${runId}/${caseNo}`, qos: 0, size: 256, n: 1000, window: 100, stallMs: 5000, deadlineMs: 20000 };
      const r = await page.eval(`bench.loop(${JSON.stringify(spec)})`);
      const good = fault ? !r.ok : r.ok;
      outcomes.push({ fault: fault || "none", ok: r.ok, error: r.error, asExpected: good });
      log(`self-test ${fault || "no fault"}: run ${r.ok ? "passed" : `failed (${r.error})`} -> ${good ? "as expected" : "WRONG"}`);
      if (!good) results.failures.push({ kind: "selftest", impl: "harness", what: fault || "no fault", error: r.error ?? "a faulty run passed" });
    } finally {
      await page.close();
    }
  }
  results.selftest = outcomes;
}

// ---------------------------------------------------------------------------------------------
// Profiles (not figures): where each client spends the page's main thread in throughput runs.
// wasmqtt runs from bench/results/prof-pkg (bench/profile-pkg.sh: the same build with names).
// ---------------------------------------------------------------------------------------------

async function profile() {
  const cases = [
    { mode: "loop", qos: 0, size: 256, path: "ws" },
    { mode: "recv", qos: 0, size: 1024, path: "ws" },
    { mode: "send", qos: 0, size: 256, path: "ws" },
    { mode: "loop", qos: 1, size: 256, path: "ws" },
    { mode: "recv", qos: 0, size: 65536, path: "relay" },
  ];
  const dir = path.join(ROOT, "bench", "results", `profile-${runId}`);
  mkdirSync(dir, { recursive: true });
  results.profile = [];
  // Without bench/results/prof-pkg (bash bench/profile-pkg.sh) wasm frames have no names.
  const named = existsSync(path.join(ROOT, "bench", "results", "prof-pkg", "wasmqtt_bg.wasm"));
  if (!named) log("profile: bench/results/prof-pkg is missing (bash bench/profile-pkg.sh): profiling pkg-web, wasm functions unnamed");
  for (const impl of IMPLS) {
    const pkg = impl === "wasmqtt" && named ? "/prof-pkg/" : "/pkg/";
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/bench/harness.html?impl=${impl}&pkg=${pkg}&countws=1`);
      await page.send("Performance.enable", { timeDomain: "threadTicks" });
      await page.eval("bench.init()", 30000);
      await page.send("Profiler.enable");
      await page.send("Profiler.setSamplingInterval", { interval: 100 });
      for (const c of cases) {
        // Once unprofiled (warm-up), once profiled.
        await throughputCase(page, impl, c, 0);
        const w0 = await page.eval("bench.wsCounts()");
        await page.send("Profiler.start");
        const row = await throughputCase(page, impl, c, 0);
        const { profile: prof } = await page.send("Profiler.stop");
        const w1 = await page.eval("bench.wsCounts()");
        const ws = { sentPerMsg: (w1.sent - w0.sent) / row.n, receivedPerMsg: (w1.received - w0.received) / row.n };
        const file = path.join(dir, `${impl}-${c.mode}-qos${c.qos}-${c.size}.cpuprofile`);
        writeFileSync(file, JSON.stringify(prof));
        const sum = summarize(prof);
        results.profile.push({ impl, ...c, rate: row.rate, n: row.n, ok: row.ok, file: path.relative(ROOT, file), ws, ...sum });
        log(`profile ${impl} ${c.mode} qos${c.qos} ${c.size} B: ${Math.round(row.rate)} msg/s; WebSocket messages per MQTT message: ${ws.sentPerMsg.toFixed(3)} sent, ${ws.receivedPerMsg.toFixed(3)} received; busy ${sum.busyMs.toFixed(0)} ms: ${sum.categories.slice(0, 5).map((x) => `${x.category} ${x.pctOfBusy}%`).join(", ")}`);
      }
    } finally {
      await page.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startRelay() {
  const child = fork(path.join(ROOT, "bench", "relay.mjs"), [], {
    env: { ...process.env, BENCH_TCP_PORT: String(tcpPort) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise((resolve, reject) => {
    child.once("exit", (c) => reject(new Error(`bench/relay.mjs exited (${c})`)));
    child.on("message", (m) => m.ready && resolve(m.port));
  });
  return {
    pid: child.pid,
    url: `ws://127.0.0.1:${port}/mqtt`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await gone;
    },
  };
}

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await browser?.close().catch((e) => log("closing chromium:", e.message));
  await native?.stop().catch(() => {});
  await relay?.stop().catch(() => {});
  await server?.close().catch(() => {});
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    log(`${sig}: stopping what this run started`);
    shutdown().finally(() => process.exit(130));
  });
}

async function main() {
  results.meta = { ...machine(), quick: QUICK, config: CFG, impls: IMPLS, startedAt: new Date().toISOString() };
  server = await startStatic({
    "/bench/": path.join(ROOT, "bench", "page"),
    "/pkg/": PKG_DIR,
    "/prof-pkg/": path.join(ROOT, "bench", "results", "prof-pkg"),
    "/lib/mqtt.min.js": path.join(ROOT, "node_modules/mqtt/dist/mqtt.min.js"),
    "/lib/paho-mqtt-min.js": path.join(ROOT, "node_modules/paho-mqtt/paho-mqtt-min.js"),
  });
  native = await startNative(tcpPort);
  relay = await startRelay();
  RELAY_URL = relay.url;
  browser = await Browser.launch();
  results.meta.chromium = browser.version;
  log(
    `chromium ${browser.version} pid ${browser.proc.pid}; native helper pid ${native.pid}; relay pid ${relay.pid} ${relay.url}; ` +
      `static ${server.url}; mosquitto ${LISTENER_URL} (pid ${process.env.BENCH_BROKER_PID ?? "?"})`,
  );
  try {
    if (ONLY.includes("selftest")) await selftest();
    if (ONLY.includes("calibrate")) results.calibration = await calibrate({ native, tcpPort, wsPort, relayUrl: RELAY_URL, quick: QUICK, log });
    if (ONLY.includes("throughput")) await throughput();
    if (ONLY.includes("latency")) await latency();
    if (ONLY.includes("flood")) await flood();
    if (ONLY.includes("cold")) await cold();
    if (ONLY.includes("profile")) await profile();
  } finally {
    await shutdown();
  }
  // The codec last, with the browser gone: Node alone on the machine.
  if (ONLY.includes("codec")) await waitQuiet("codec");
  // (Criterion takes about a minute: full runs only, unless --criterion.)
  if (ONLY.includes("codec")) results.codec = await runCodec({ quick: QUICK, log, criterion: flag("criterion") || (!QUICK && !flag("no-criterion")) });
  results.meta.loadavgEnd = os.loadavg();
  results.meta.waitedForQuietS = Math.round(waitedS);
  results.meta.noisyGroups = results.quiet.filter((q) => q.noisy).map((q) => q.label);
  // pkg-web must not have changed under the run (another engineer may rebuild it).
  const endHash = createHash("sha256").update(readFileSync(path.join(PKG_DIR, "wasmqtt_bg.wasm"))).digest("hex").slice(0, 16);
  if (endHash !== results.meta.wasmSha256) {
    results.meta.wasmChangedDuringRun = endHash;
    log(`WARNING: ${path.relative(ROOT, PKG_DIR)}/wasmqtt_bg.wasm changed during the run (now sha256 ${endHash}…): pages loaded different builds`);
  }
  results.meta.durationS = Math.round((performance.now() - T0) / 1000);
  const out = opt("out", path.join(ROOT, "bench", "results", `bench-${QUICK ? "quick" : "full"}-${runId}.json`));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results));
  console.log(report(results));
  log(`results: ${path.relative(ROOT, out)} (${results.meta.durationS} s)`);
  const ours = results.failures.filter((f) => f.impl === "wasmqtt" || f.impl === "harness" || isBaseline(f.impl));
  if (ours.length) {
    log(`${ours.length} wasmqtt/baseline run(s) failed their checks: see the FAIL lines`);
    process.exitCode = 1;
  }
}

main().catch(async (e) => {
  console.error(e);
  await shutdown();
  process.exit(1);
});
