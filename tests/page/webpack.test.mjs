// (a) With a bundler: webpack 5 bundles a page that imports from "wasmqtt" (the built pkg/,
// installed in a scratch node_modules like `npm install ./pkg` would), with only
// `experiments.asyncWebAssembly` in its config; the page connects, subscribes, publishes and
// receives through mosquitto (scenario.js).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import webpack from "webpack";

import { PKG, openPage, pageEnv, requireBuilt } from "./helpers.mjs";

const SCENARIO = path.join(path.dirname(new URL(import.meta.url).pathname), "scenario.js");

const ENTRY = `
import mqtt, { connect, connectAsync, MqttClient, Paho } from "wasmqtt";
import * as lib from "wasmqtt";
import { scenario } from ${JSON.stringify(SCENARIO)};

const url = new URLSearchParams(location.search).get("broker");
window.__named = [mqtt, connect, connectAsync, MqttClient, Paho].every((x) => x !== undefined);
scenario(lib, { url, tag: "webpack" }).then(
  (r) => (window.__result = r),
  (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
);
`;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wasmqtt: webpack</title><link rel="icon" href="data:,"></head>
<body><script src="main.js"></script></body>
</html>
`;

function bundle(dir) {
  const config = {
    mode: "production",
    context: dir,
    entry: "./entry.js",
    output: { path: path.join(dir, "dist"), filename: "main.js", clean: true },
    experiments: { asyncWebAssembly: true },
    // Production mode (tree shaking, sideEffects, concatenation) without terser, which alone
    // takes 5-15 s on these shared 2-core machines.
    optimization: { minimize: false },
    performance: { hints: false },
    infrastructureLogging: { level: "error" },
  };
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve(stats.toJson({ all: false, assets: true, warnings: true }));
    });
  });
}

let env;
let dir;
let stats;
before(async () => {
  requireBuilt(PKG, "bash scripts/build.sh");
  dir = mkdtempSync(path.join(os.tmpdir(), "wasmqtt-webpack-"));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(PKG, path.join(dir, "node_modules", "wasmqtt"), "dir");
  writeFileSync(path.join(dir, "entry.js"), ENTRY);
  stats = await bundle(dir);
  writeFileSync(path.join(dir, "dist", "index.html"), PAGE);
  env = await pageEnv({ mounts: { "/": path.join(dir, "dist") } });
});
after(async () => {
  if (env) await env.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("webpack 5 bundle importing from \"wasmqtt\": connect, subscribe, publish, receive", { timeout: 20000 }, async () => {
  const assets = stats.assets.map((a) => a.name);
  assert.ok(assets.includes("main.js") && assets.some((a) => a.endsWith(".wasm")), `assets: ${assets}`);
  assert.deepEqual(stats.warnings, [], "webpack warnings");
  const p = await openPage(env.browser, `${env.server.url}/index.html?broker=${encodeURIComponent(env.broker.wsUrl)}`);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 15000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    assert.equal(await p.page.evaluate(() => window.__named), true, "default and named imports resolve");
    const failed = result.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed, null, 1)}`);
    assert.ok(result.checks.length >= 15, `only ${result.checks.length} checks ran`);
    assert.deepEqual(p.errors, [], "no page errors or console errors");
  } finally {
    await p.close();
  }
});
