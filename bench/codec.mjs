// The codec alone, in Node: wasmqtt's (the release wasm built with the `codec-api` feature,
// bench/codec-pkg.sh, through its `PacketDecoder` and `encodeConnect`) against mqtt-packet,
// the parser and generator MQTT.js uses, on the same bytes. Both produce JavaScript objects
// (ours: `{ type, packet }` in MQTT.js's shape, payload copied out of wasm memory; mqtt-packet:
// its Packet objects), so the comparison includes what a client pays to hand a packet to JS.
// Then, if a criterion benchmark binary is already built (target/release/deps/codec-*), the
// native figures of the Rust codec from it (nothing is compiled here).
//
//   node bench/codec.mjs [--quick] [--no-criterion]
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import mqttPacket from "mqtt-packet";

import { median, table, fmtRate } from "./lib/stats.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOPIC = "sensors/building-7/floor-3/room-12/temperature";

function publishBytes(size, qos, messageId) {
  return mqttPacket.generate({ cmd: "publish", topic: TOPIC, payload: Buffer.alloc(size, 7), qos, messageId, retain: false, dup: false });
}

/** ops/s of `fn` (which performs `per` operations per call), median of `runs` timed slices. */
function measure(fn, per, { runs, sliceMs }) {
  // Warm-up: let both JITs settle.
  const w0 = performance.now();
  while (performance.now() - w0 < sliceMs) fn();
  const rates = [];
  for (let r = 0; r < runs; r++) {
    let calls = 0;
    const t0 = performance.now();
    let t1;
    do {
      fn();
      calls++;
      t1 = performance.now();
    } while (t1 - t0 < sliceMs);
    rates.push(((calls * per) / (t1 - t0)) * 1000);
  }
  return { perSec: median(rates), runs: rates.map(Math.round) };
}

/** The codec package (bench/codec-pkg.sh), rebuilt when missing or older than pkg-web. */
async function loadWasmqtt() {
  const pkg = path.join(ROOT, "bench", "results", "codec-pkg");
  const mtime = (f) => {
    try {
      return statSync(f).mtimeMs;
    } catch {
      return 0;
    }
  };
  if (mtime(path.join(pkg, "wasmqtt_bg.wasm")) < mtime(path.join(ROOT, "pkg-web", "wasmqtt_bg.wasm"))) {
    execFileSync("bash", [path.join(ROOT, "bench", "codec-pkg.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  }
  const glue = await import(path.join(pkg, "wasmqtt.js"));
  glue.initSync({ module: readFileSync(path.join(pkg, "wasmqtt_bg.wasm")) });
  return glue;
}

function criterionFigures(log) {
  const dir = path.join(ROOT, "target", "release", "deps");
  let bins = [];
  try {
    bins = readdirSync(dir)
      .filter((f) => /^codec-[0-9a-f]+$/.test(f))
      .map((f) => path.join(dir, f))
      .filter((f) => statSync(f).mode & 0o111)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  } catch {
    // no target directory
  }
  if (!bins.length) return { available: false, reason: "no prebuilt criterion binary in target/release/deps (cargo bench --bench codec builds one)" };
  const bin = bins[0];
  const filter = "^(decode|encode)/(publish v3.1.1 qos1/(16B|1KiB|64KiB)|publish 81B qos1|puback)|^framer";
  log?.(`codec: criterion ${path.relative(ROOT, bin)} (built ${statSync(bin).mtime.toISOString()})`);
  let out;
  try {
    out = execFileSync(bin, ["--bench", "--warm-up-time", "1", "--measurement-time", "2", "--noplot", filter], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300000,
      env: { ...process.env, CARGO_TARGET_DIR: path.join(ROOT, "target") },
      cwd: ROOT,
    });
  } catch (e) {
    return { available: false, reason: `criterion binary failed: ${String(e.message).slice(0, 300)}` };
  }
  const rows = [];
  const lines = out.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /time:\s+\[(\S+ \S+) (\S+ \S+) (\S+ \S+)\]/.exec(lines[i]);
    if (!m) continue;
    // The name is on this line before "time:", or alone on the previous one.
    const own = lines[i].split("time:")[0].trim();
    const name = own || lines[i - 1].trim();
    const thrpt = /thrpt:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]/.exec(lines[i + 1] ?? "");
    rows.push({ name, time: m[2], low: m[1], high: m[3], throughput: thrpt ? thrpt[1] : null });
  }
  return { available: true, binary: path.relative(ROOT, bin), builtAt: statSync(bin).mtime.toISOString(), rows };
}

export async function runCodec({ quick = false, log = console.error, criterion = true } = {}) {
  const w = await loadWasmqtt();
  const opts = { runs: quick ? 3 : 7, sliceMs: quick ? 150 : 300 };
  const cases = [];
  const add = (name, ours, theirs, per) => {
    // Same input, same count: both must see every packet (checked once up front).
    const a = ours();
    const b = theirs();
    if (a !== per || b !== per) throw new Error(`codec ${name}: wasmqtt saw ${a}, mqtt-packet ${b}, expected ${per}`);
    const rw = measure(ours, per, opts);
    const rm = measure(theirs, per, opts);
    cases.push({ name, wasmqtt: rw, mqttPacket: rm });
    log?.(`codec: ${name}: wasmqtt ${fmtRate(rw.perSec)}/s, mqtt-packet ${fmtRate(rm.perSec)}/s`);
  };

  const ourDecoder = () => new w.PacketDecoder(4, 256 << 20);
  const theirParser = () => {
    const p = mqttPacket.parser({ protocolVersion: 4 });
    p.count = 0;
    p.on("packet", () => p.count++);
    return p;
  };

  for (const [size, count] of [
    [16, 1000],
    [1024, 1000],
    [65536, 50],
  ]) {
    const one = publishBytes(size, 0);
    const stream = Buffer.concat(Array.from({ length: count }, () => one));
    const u8 = new Uint8Array(stream.buffer, stream.byteOffset, stream.length);
    const dec = ourDecoder();
    const par = theirParser();
    add(
      `decode ${count} PUBLISH QoS 0, ${size} B payload, one buffer`,
      () => dec.push(u8).length,
      () => {
        par.count = 0;
        par.parse(stream);
        return par.count;
      },
      count,
    );
    // One packet per call, as one WebSocket message per packet arrives from mosquitto.
    const one8 = new Uint8Array(one.buffer, one.byteOffset, one.length);
    add(
      `decode PUBLISH QoS 0, ${size} B payload, one packet per call`,
      () => dec.push(one8).length,
      () => {
        par.count = 0;
        par.parse(one);
        return par.count;
      },
      1,
    );
  }
  {
    // The canonical 81-byte QoS 1 PUBLISH (topic hello/world, 64-byte payload), and PUBACK.
    const p81 = mqttPacket.generate({ cmd: "publish", topic: "hello/world", payload: Buffer.alloc(64, 1), qos: 1, messageId: 10 });
    const puback = mqttPacket.generate({ cmd: "puback", messageId: 10 });
    for (const [name, bytes] of [
      [`decode the ${p81.length}-byte QoS 1 PUBLISH`, p81],
      ["decode PUBACK", puback],
    ]) {
      const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
      const dec = ourDecoder();
      const par = theirParser();
      add(
        name,
        () => dec.push(u8).length,
        () => {
          par.count = 0;
          par.parse(bytes);
          return par.count;
        },
        1,
      );
    }
  }
  add(
    "encode CONNECT 3.1.1 (client id, keepalive, clean)",
    () => (w.encodeConnect("wasmqtt-5f2c1a9e", 4, 60).length > 0 ? 1 : 0),
    () => (mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: "wasmqtt-5f2c1a9e" }).length > 0 ? 1 : 0),
    1,
  );
  const res = { node: process.version, runs: opts.runs, sliceMs: opts.sliceMs, cases };
  res.criterion = criterion ? criterionFigures(log) : { available: false, reason: "skipped (--no-criterion)" };
  return res;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const r = await runCodec({ quick: argv.includes("--quick"), criterion: !argv.includes("--no-criterion") });
  console.log(table(["operation", "wasmqtt", "mqtt-packet", "ratio"], r.cases.map((c) => [c.name, fmtRate(c.wasmqtt.perSec), fmtRate(c.mqttPacket.perSec), `${(c.wasmqtt.perSec / c.mqttPacket.perSec).toFixed(2)}x`])));
  if (r.criterion.available) console.log(table(["criterion (native)", "time", "throughput"], r.criterion.rows.map((x) => [x.name, x.time, x.throughput ?? ""])));
  else console.log(`criterion: ${r.criterion.reason}`);
}
