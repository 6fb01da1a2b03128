// Summaries of a V8 CPU profile (CDP Profiler.stop): self time per function and per part of
// the stack (wasm code, wasm-bindgen glue, the package's JS, the library, the harness, the
// browser's own work, GC, idle), and inclusive time of the functions that matter.

/** Which part of the page a call frame belongs to. */
export function category(cf) {
  const url = cf.url || "";
  const fn = cf.functionName || "";
  if (fn === "(idle)") return "idle";
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(program)") return "browser (program: native work outside JS)";
  if (fn === "(root)") return "root";
  if (url.startsWith("wasm://") || url.endsWith(".wasm") || /^wasm-function/.test(fn)) return "wasm code";
  if (/^(js-to-wasm|wasm-to-js)/.test(fn)) return "wasm <-> JS trampolines";
  if (/\/wasmqtt\.js$/.test(url)) return "wasm-bindgen glue (wasmqtt.js)";
  if (/\/snippets\//.test(url)) return "wasm-bindgen glue (snippets: Payload)";
  if (/\/client\.js$/.test(url)) return "package JS (client.js)";
  if (/\/paho\.js$/.test(url)) return "package JS (paho.js)";
  if (/mqtt\.min\.js$/.test(url)) return "MQTT.js";
  if (/paho-mqtt-min\.js$/.test(url)) return "Paho";
  if (/\/bench\//.test(url)) return "harness (bench/page)";
  if (url === "") return "native functions (no URL: builtins, DOM, WebSocket)";
  return `other: ${url}`;
}

export function summarize(profile, { top = 30 } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Self time per node from the samples and their time deltas (µs).
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const key = (cf) => `${cf.functionName || "(anonymous)"} ${cf.url ? cf.url.replace(/^.*\//, "") : ""}:${cf.lineNumber}`;
  const byFn = new Map();
  const byCat = new Map();
  const inclusive = new Map();
  for (const [id, us] of self) {
    const n = nodes.get(id);
    const k = key(n.callFrame);
    const e = byFn.get(k) ?? { fn: k, category: category(n.callFrame), selfUs: 0 };
    e.selfUs += us;
    byFn.set(k, e);
    const c = category(n.callFrame);
    byCat.set(c, (byCat.get(c) ?? 0) + us);
    // Inclusive: every distinct function on the stack of this sample gets its time once.
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const pk = key(nodes.get(p).callFrame);
      if (seen.has(pk)) continue;
      seen.add(pk);
      inclusive.set(pk, (inclusive.get(pk) ?? 0) + us);
    }
  }
  const busy = total - (byCat.get("idle") ?? 0);
  const pct = (us) => Math.round((us / busy) * 1000) / 10;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    categories: [...byCat]
      .filter(([c]) => c !== "idle" && c !== "root")
      .map(([c, us]) => ({ category: c, ms: us / 1000, pctOfBusy: pct(us) }))
      .sort((a, b) => b.ms - a.ms),
    topSelf: [...byFn.values()]
      .filter((e) => e.category !== "idle")
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, category: e.category, ms: e.selfUs / 1000, pctOfBusy: pct(e.selfUs) })),
    topInclusive: [...inclusive]
      .filter(([k]) => !/^\((root|program|idle|garbage collector)\)/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, pctOfBusy: pct(us) })),
  };
}
