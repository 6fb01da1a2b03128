// Tables (Markdown) from a results JSON of bench/run.mjs: medians, spreads, run counts and
// ratios, every figure from the runs in that file.
//   node bench/lib/report.mjs bench/results/FILE.json
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { fmtBytes, fmtMs, fmtRate, fmtSize, median, quantile, sorted, summary, table } from "./stats.mjs";

const NAMES = {
  wasmqtt: "wasmqtt",
  mqttjs: "MQTT.js",
  paho: "Paho",
  "raw-k1": "raw K=1",
  "raw-k16": "raw K=16",
  "raw-k256": "raw K=256",
  "ws-echo": "WS echo",
};
const MODES = { loop: "self-loop", recv: "receive-only", send: "send-only" };
const IMPL_ORDER = ["wasmqtt", "mqttjs", "paho", "raw-k1", "raw-k16", "raw-k256", "ws-echo"];

/** "12.3k ±8%": median ± half the spread ((max-min)/median / 2); failed runs counted apart. */
function cell(rows, value = (r) => r.rate, fmt = fmtRate) {
  if (rows.length === 0) return "";
  const ok = rows.filter((r) => r.ok);
  const failed = rows.length - ok.length;
  if (ok.length === 0) return `FAIL (${failed}/${rows.length})`;
  const s = summary(ok.map(value));
  let c = Number.isFinite(s.spread) ? `${fmt(s.median)} ±${Math.round((s.spread * 100) / 2)}%` : fmt(s.median);
  if (failed) c += ` (${failed}/${rows.length} failed)`;
  return c;
}

function med(rows, value = (r) => r.rate) {
  const ok = rows.filter((r) => r.ok);
  return ok.length ? median(ok.map(value)) : NaN;
}

function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "n/a";
  return `${(a / b).toFixed(2)}x`;
}

export function throughputTables(res) {
  const rows = res.throughput;
  if (!rows.length) return "";
  const out = [];
  const impls = IMPL_ORDER.filter((i) => rows.some((r) => r.impl === i));
  const modes = Object.keys(MODES).filter((m) => rows.some((r) => r.mode === m));
  for (const mode of modes) {
    for (const qos of [0, 1, 2]) {
      const sub = rows.filter((r) => r.mode === mode && r.qos === qos);
      if (!sub.length) continue;
      const keys = [...new Set(sub.map((r) => `${r.path}|${r.size}`))]
        .map((k) => k.split("|"))
        .map(([p, z]) => [p, Number(z)])
        .sort((a, b) => a[1] - b[1] || (a[0] === "ws" ? -1 : 1));
      const present = impls.filter((i) => sub.some((r) => r.impl === i));
      const header = ["payload", ...present.map((i) => NAMES[i]), "wasmqtt / MQTT.js", "wasmqtt / Paho", "wasmqtt / best raw"];
      const body = keys.map(([via, size]) => {
        const at = (i) => sub.filter((r) => r.impl === i && r.size === size && r.path === via);
        const w = med(at("wasmqtt"));
        const raws = ["raw-k1", "raw-k16", "raw-k256"].map((i) => med(at(i))).filter(Number.isFinite);
        return [
          `${fmtSize(size)}${via === "relay" ? " (relay)" : ""}`,
          ...present.map((i) => cell(at(i))),
          ratio(w, med(at("mqttjs"))),
          ratio(w, med(at("paho"))),
          raws.length ? ratio(w, Math.max(...raws)) : "n/a",
        ];
      });
      out.push(`#### Throughput, ${MODES[mode]}, QoS ${qos} (messages/s: median ±half the spread over ${res.meta.config.runs} runs)\n\n${table(header, body)}`);
    }
  }
  return out.join("\n\n");
}

/** Main-thread time per 10,000 messages (CDP TaskDuration), at the sizes measured. */
export function mainThreadTable(res) {
  const rows = res.throughput.filter((r) => r.qos === 0 && r.path === "ws" && [256, 1024].includes(r.size));
  if (!rows.length) return "";
  const impls = IMPL_ORDER.filter((i) => rows.some((r) => r.impl === i));
  const keys = [];
  for (const mode of Object.keys(MODES)) for (const size of [256, 1024]) if (rows.some((r) => r.mode === mode && r.size === size)) keys.push([mode, size]);
  const body = keys.map(([mode, size]) => [
    `${MODES[mode]}, ${fmtSize(size)}`,
    ...impls.map((i) => cell(rows.filter((r) => r.impl === i && r.mode === mode && r.size === size), (r) => r.taskMsPer10k, fmtMs)),
  ]);
  return `#### Main-thread time per 10,000 messages, QoS 0 (ms of renderer main-thread tasks, CDP Performance.getMetrics TaskDuration)\n\n${table(["case", ...impls.map((i) => NAMES[i])], body)}`;
}

export function latencyTable(res) {
  const rows = res.latency;
  if (!rows?.length) return "";
  const impls = IMPL_ORDER.filter((i) => rows.some((r) => r.impl === i));
  const keys = [...new Set(rows.map((r) => `${r.qos}|${r.rate}`))].map((k) => k.split("|").map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const body = [];
  for (const [qos, rate] of keys) {
    for (const impl of impls) {
      const sub = rows.filter((r) => r.impl === impl && r.qos === qos && r.rate === rate);
      const ok = sub.filter((r) => r.ok);
      const pooled = sorted(ok.flatMap((r) => r.rtt));
      body.push([
        `QoS ${qos}, ${rate}/s`,
        NAMES[impl],
        cell(sub, (r) => r.p50, fmtMs),
        cell(sub, (r) => r.p95, fmtMs),
        cell(sub, (r) => r.p99, fmtMs),
        pooled.length ? `${fmtMs(quantile(pooled, 0.5))} / ${fmtMs(quantile(pooled, 0.99))} / ${fmtMs(pooled[pooled.length - 1])}` : "",
        cell(sub, (r) => r.achievedRate, (x) => x.toFixed(0)),
        `${ok.length}/${sub.length}`,
      ]);
    }
  }
  return `#### Latency, round trip through a native echo (ms; ${res.meta.config.latency.size} B payloads; each run's percentiles: median ±half the spread; and pooled over all runs)\n\n${table(
    ["offered", "client", "p50", "p95", "p99", "pooled p50 / p99 / max", "achieved msg/s", "runs ok"],
    body,
  )}`;
}

export function floodTable(res) {
  const rows = res.flood;
  if (!rows?.length) return "";
  const impls = IMPL_ORDER.filter((i) => rows.some((r) => r.impl === i));
  const cfg = res.meta.config.flood;
  const at = (r, t) => r.samples.find((x) => x.t >= t) ?? r.samples[r.samples.length - 1];
  const half = cfg.durationMs / 2;
  const body = impls.map((impl) => {
    const sub = rows.filter((r) => r.impl === impl);
    const mem = (f) => cell(sub, f, fmtBytes);
    return [
      NAMES[impl],
      mem((r) => r.samples[0].total),
      mem((r) => at(r, 1000).total),
      mem((r) => at(r, half).total),
      mem((r) => at(r, cfg.durationMs).total),
      mem((r) => Math.max(...r.samples.map((x) => x.total))),
      mem((r) => at(r, cfg.durationMs).wasmBytes),
      cell(sub, (r) => at(r, cfg.durationMs).appQueue + at(r, cfg.durationMs).libQueued, (x) => String(Math.round(x))),
      cell(sub, (r) => r.end.dropped, (x) => String(Math.round(x))),
      `${sub.filter((r) => r.ok).length}/${sub.length}`,
    ];
  });
  return `#### Memory under a flood: ${cfg.rate} msg/s of ${fmtSize(cfg.size)} for ${cfg.durationMs / 1000} s, consumed at ${cfg.consumeRate} msg/s (after a forced GC: JS heap used + ArrayBuffer backing stores, wasm memory included)\n\n${table(
    ["client", "before", "at 1 s", `at ${half / 1000} s`, `at ${cfg.durationMs / 1000} s`, "peak", "of which wasm memory", "messages held", "dropped by the bounded queue", "runs ok"],
    body,
  )}`;
}

export function coldTable(res) {
  const rows = res.cold;
  if (!rows?.length) return "";
  const impls = IMPL_ORDER.filter((i) => rows.some((r) => r.impl === i));
  const body = impls.map((impl) => {
    const sub = rows.filter((r) => r.impl === impl);
    const relay = sub.filter((r) => r.path === "relay");
    const ws = sub.filter((r) => r.path === "ws");
    return [
      NAMES[impl],
      cell(sub, (r) => r.encodedBytes, fmtBytes),
      cell(sub, (r) => r.decodedBytes, fmtBytes),
      cell(sub, (r) => r.loadMs, fmtMs),
      impl === "wasmqtt" ? cell(sub, (r) => r.compileMs, fmtMs) : "-",
      impl === "wasmqtt" ? cell(sub, (r) => r.instantiateMs, fmtMs) : "-",
      cell(relay, (r) => r.connackMs, fmtMs),
      cell(relay, (r) => r.toConnackMs, fmtMs),
      cell(ws, (r) => r.toConnackMs, fmtMs),
    ];
  });
  return `#### Cold start (a fresh browser context each run; ms; gzip -9 from a local server)\n\n${table(
    ["client", "transferred (gzip bodies)", "decoded", "load + init", "wasm compile (streaming)", "wasm instantiate", "connect → CONNACK (relay)", "load start → CONNACK (relay)", "load start → CONNACK (mosquitto listener)"],
    body,
  )}`;
}

export function calibrationTable(res) {
  const c = res.calibration;
  if (!c) return "";
  const pub = table(
    ["publisher → raw TCP subscriber, QoS 0", "payload", "msg/s"],
    c.publisher.map((x) => [x.who, fmtSize(x.size), x.error ? `FAIL ${x.error}` : fmtRate(x.rate)]),
  );
  const lis = table(
    ["payload", "mosquitto's WebSocket listener", "the relay (bench/relay.mjs)"],
    [...new Set(c.listener.map((x) => x.size))].map((size) => {
      const f = (via) => {
        const x = c.listener.find((y) => y.size === size && y.via === via);
        return x ? `${fmtRate(x.rate)} msg/s (${x.got}/${x.n})` : "";
      };
      return [fmtSize(size), f("listener"), f("relay")];
    }),
  );
  return `#### Calibration (Node only, no browser)\n\n${pub}\n\nDelivery to a minimal Node WebSocket subscriber, QoS 0, from the native publisher:\n\n${lis}`;
}

export function codecTable(res) {
  const c = res.codec;
  if (!c) return "";
  const body = c.cases.map((k) => [k.name, fmtRate(k.wasmqtt.perSec), fmtRate(k.mqttPacket.perSec), ratio(k.wasmqtt.perSec, k.mqttPacket.perSec)]);
  let out = `#### Codec in Node ${c.node}: packets per second (median of ${c.runs} slices of ${c.sliceMs} ms)\n\n${table(["operation", "wasmqtt (wasm, via PacketDecoder / encodeConnect)", "mqtt-packet", "wasmqtt / mqtt-packet"], body)}`;
  if (c.criterion?.available) {
    out += `\n\nCriterion, native x86-64 (${c.criterion.binary}, built ${c.criterion.builtAt}; 2 s per benchmark):\n\n${table(
      ["benchmark", "time (median estimate)", "throughput"],
      c.criterion.rows.map((x) => [x.name, x.time, x.throughput ?? ""]),
    )}`;
  } else if (c.criterion) {
    out += `\n\nCriterion: ${c.criterion.reason}`;
  }
  return out;
}

/** Where the main thread went, per client and case (CDP Profiler, 100 µs sampling). */
export function profileTables(res) {
  const rows = res.profile;
  if (!rows?.length) return "";
  const cats = [...new Set(rows.flatMap((r) => r.categories.filter((c) => c.pctOfBusy >= 2).map((c) => c.category)))];
  const body = rows.map((r) => [
    `${NAMES[r.impl]} ${MODES[r.mode]} QoS ${r.qos} ${fmtSize(r.size)}`,
    fmtRate(r.rate),
    fmtMs((r.busyMs * 1000) / r.n),
    r.ws ? `${r.ws.sentPerMsg.toFixed(3)} / ${r.ws.receivedPerMsg.toFixed(3)}` : "",
    ...cats.map((c) => {
      const x = r.categories.find((y) => y.category === c);
      return x ? `${x.pctOfBusy}%` : "";
    }),
  ]);
  const out = [`#### Profiles: share of the main thread's busy time (CDP Profiler, 100 µs sampling; one run each)\n\n${table(["case", "msg/s", "busy µs/msg", "WS messages sent / received per message", ...cats], body)}`];
  for (const r of rows.filter((x) => x.impl === "wasmqtt")) {
    out.push(
      `wasmqtt ${MODES[r.mode]} QoS ${r.qos} ${fmtSize(r.size)}: heaviest functions (self time, % of busy)\n\n${table(
        ["function", "category", "self %", "µs/msg"],
        r.topSelf.slice(0, 15).map((x) => [x.fn.replace(/\|/g, "/").slice(0, 90), x.category, `${x.pctOfBusy}%`, fmtMs((x.ms * 1000) / r.n)]),
      )}`,
    );
  }
  return out.join("\n\n");
}

export function report(res) {
  const m = res.meta;
  const head = [
    `## wasmqtt benchmarks (${m.quick ? "quick" : "full"} run, ${m.startedAt})`,
    "",
    `${m.cpu}, ${m.cores} cores; ${m.chromium}; mosquitto ${m.mosquitto}; Node ${m.node}; MQTT.js ${m.mqttjs}; Paho ${m.paho}; wasmqtt at ${m.gitHead}${m.gitDirty ? " (with uncommitted changes in src/ or js/)" : ""}, ${m.pkgDir}/wasmqtt_bg.wasm ${m.wasmBytes} B built ${m.wasmBuiltAt} (sha256 ${m.wasmSha256}…).`,
    `Load average at start ${m.loadavgStart?.map((x) => x.toFixed(2)).join(" ")}, at end ${m.loadavgEnd?.map((x) => x.toFixed(2)).join(" ")}; ${m.config.runs} runs, each page after a discarded warm-up; took ${m.durationS} s, of which ${m.waitedForQuietS ?? 0} s waiting for other processes to quiet down.`,
    m.noisyGroups?.length ? `**Not quiet** (other processes over 15% of the CPUs when these started): ${m.noisyGroups.join("; ")}.` : "Every group of runs started with the CPUs quiet (other processes under 15%).",
    m.wasmChangedDuringRun ? `**WARNING**: the wasm changed during the run (now ${m.wasmChangedDuringRun}).` : "",
  ];
  const parts = [head.join("\n"), calibrationTable(res), throughputTables(res), mainThreadTable(res), latencyTable(res), floodTable(res), coldTable(res), codecTable(res), profileTables(res)];
  if (res.selftest) {
    parts.push(`Self-test of the checks: ${res.selftest.map((x) => `${x.fault}: ${x.ok ? "run passed" : "run failed"} (${x.asExpected ? "as expected" : "WRONG"})`).join("; ")}.`);
  }
  if (res.failures.length) {
    parts.push(
      `#### Failed runs (${res.failures.length})\n\n${res.failures.map((f) => `- ${f.kind} ${NAMES[f.impl] ?? f.impl} ${f.what}: ${f.error}`).join("\n")}`,
    );
  }
  return parts.filter(Boolean).join("\n\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const res = JSON.parse(readFileSync(process.argv[2], "utf8"));
  if (res.full) {
    // bench/results.json: several runs in one file.
    for (const [k, v] of Object.entries(res)) if (v && v.meta) console.log(`\n<!-- ${k} -->\n${report(v)}`);
  } else console.log(report(res));
}
