// (b) No bundler: a plain HTML page whose <script type="module"> imports pkg-web/index.js,
// which instantiates the wasm module itself; the page connects, subscribes, publishes and
// receives through mosquitto (scenario.js).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { PKG_WEB, ROOT, openPage, pageEnv, requireBuilt } from "./helpers.mjs";

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wasmqtt: no bundler</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  import * as lib from "/pkg-web/index.js";
  import { connect, connectAsync, MqttClient, Paho } from "/pkg-web/index.js";
  import { scenario } from "/scenario.js";
  const url = new URLSearchParams(location.search).get("broker");
  window.__named = [connect, connectAsync, MqttClient, Paho].every((x) => x !== undefined);
  scenario(lib, { url, tag: "web" }).then(
    (r) => (window.__result = r),
    (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
  );
</script>
</body>
</html>
`;

let env;
before(async () => {
  requireBuilt(PKG_WEB, "bash scripts/build.sh web");
  env = await pageEnv({
    mounts: { "/pkg-web/": PKG_WEB, "/": path.join(ROOT, "tests", "page") },
    pages: { "/index.html": PAGE },
  });
});
after(async () => {
  if (env) await env.dispose();
});

test("pkg-web from <script type=module>: connect, subscribe, publish, receive", { timeout: 20000 }, async () => {
  const p = await openPage(env.browser, `${env.server.url}/index.html?broker=${encodeURIComponent(env.broker.wsUrl)}`);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 15000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    assert.equal(await p.page.evaluate(() => window.__named), true, "named imports resolve");
    const failed = result.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed, null, 1)}`);
    assert.ok(result.checks.length >= 15, `only ${result.checks.length} checks ran`);
    assert.deepEqual(p.errors, [], "no page errors or console errors");
  } finally {
    await p.close();
  }
});
