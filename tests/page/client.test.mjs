// The MQTT.js-shaped JavaScript client over the wasm one (js/client.js), in a page importing
// pkg-web/index.js: listener management, messages waiting for a listener, and end() before
// the connection is up, which must leave no connection at the broker, and the client's
// lifetime: kept while connected, collectable once ended (client-checks.js).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { PKG_WEB, ROOT, freePort, openPage, pageEnv, requireBuilt } from "./helpers.mjs";

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wasmqtt client checks</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  import * as lib from "/pkg-web/index.js";
  import { clientChecks } from "/client-checks.js";
  const q = new URLSearchParams(location.search);
  clientChecks(lib, { url: q.get("broker"), deadUrl: q.get("dead"), tag: "cl" }).then(
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
    browserArgs: ["--js-flags=--expose-gc"],
  });
});
after(async () => {
  if (env) await env.dispose();
});

test("client: listeners, messages waiting for a listener, end() before CONNACK", { timeout: 20000 }, async () => {
  const dead = `ws://127.0.0.1:${await freePort()}/mqtt`;
  const url = `${env.server.url}/index.html?broker=${encodeURIComponent(env.broker.wsUrl)}&dead=${encodeURIComponent(dead)}`;
  const p = await openPage(env.browser, url);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 15000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    const failed = result.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed, null, 1)}`);
    const expected = [/expected: a listener that throws/, /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/mqtt' failed/];
    const unexpected = p.errors.filter((e) => !expected.some((re) => re.test(e)));
    assert.deepEqual(unexpected, [], "no other page errors or console errors");
    // Whatever connected for the clients ended early was closed again.
    const log = await env.broker.log();
    for (const id of result.ids) {
      const connected = log.split(`as ${id} `).length - 1;
      const closed = log.split(`Client ${id} disconnected.`).length - 1;
      assert.equal(connected, closed, `${id}: ${connected} connections, ${closed} closed\n${log}`);
    }
  } finally {
    await p.close();
  }
});
