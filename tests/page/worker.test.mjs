// The package in a Web Worker: a module worker imports pkg-web/index.js (which instantiates
// the wasm module itself, with the worker's own WebSocket and timers; the default Worker-based
// timers then run in a nested worker) and runs the same scenario as the page tests.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { PKG_WEB, ROOT, openPage, pageEnv, requireBuilt } from "./helpers.mjs";

const WORKER = `
import * as lib from "/pkg-web/index.js";
import { scenario } from "/scenario.js";
// The broker comes in the worker's own URL: a message posted while this module still awaits
// the wasm module (top-level await) could arrive before any onmessage exists.
const broker = new URL(import.meta.url).searchParams.get("broker");
scenario(lib, { url: broker, tag: "worker" }).then(
  (r) => postMessage({ inWorker: typeof document === "undefined", ...r }),
  (err) => postMessage({ error: String(err && err.stack ? err.stack : err) }),
);
`;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wasmqtt: in a worker</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  const broker = new URLSearchParams(location.search).get("broker");
  const worker = new Worker("/worker.js?broker=" + encodeURIComponent(broker), { type: "module" });
  worker.onmessage = (e) => (window.__result = e.data);
  worker.onerror = (e) => (window.__result = { error: "worker error: " + (e.message || e) });
</script>
</body>
</html>
`;

let env;
before(async () => {
  requireBuilt(PKG_WEB, "bash scripts/build.sh web");
  env = await pageEnv({
    mounts: { "/pkg-web/": PKG_WEB, "/": path.join(ROOT, "tests", "page") },
    pages: { "/index.html": PAGE, "/worker.js": WORKER },
  });
});
after(async () => {
  if (env) await env.dispose();
});

test("in a Web Worker: connect, subscribe, publish, receive", { timeout: 20000 }, async () => {
  const p = await openPage(env.browser, `${env.server.url}/index.html?broker=${encodeURIComponent(env.broker.wsUrl)}`);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 15000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.inWorker, true, "the scenario ran in the worker");
    const failed = result.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed, null, 1)}`);
    assert.ok(result.checks.length >= 15, `only ${result.checks.length} checks ran`);
    assert.deepEqual(p.errors, [], "no page errors or console errors");
  } finally {
    await p.close();
  }
});
