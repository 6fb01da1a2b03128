// MQTT.js as the oracle: oracle-scenario.js, an MQTT.js program, runs in a page with MQTT.js's
// browser bundle (node_modules/mqtt/dist/mqtt.esm.js) and in a page with wasmqtt (pkg-web),
// against the same mosquitto, for MQTT 3.1.1 and 5.0. What the program observes must be the
// same: callback and event arguments, event order, options and their defaults.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";

import { ROOT, freePort, openPage, pkgWebPageEnv } from "./helpers.mjs";

const page = (importLib) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>MQTT.js oracle</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  import { oracleScenario } from "/oracle-scenario.js";
  const q = new URLSearchParams(location.search);
  const lib = await import("${importLib}");
  oracleScenario(lib, { url: q.get("broker"), dead: q.get("dead"), tag: q.get("tag"), v: Number(q.get("v")) }).then(
    (r) => (window.__result = r),
    (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
  );
</script>
</body>
</html>
`;

const env = pkgWebPageEnv(
  { "/wasmqtt.html": page("/pkg-web/index.js"), "/mqttjs.html": page("/mqttjs/mqtt.esm.js") },
  { "/mqttjs/": path.join(ROOT, "node_modules/mqtt/dist"), "/": path.join(ROOT, "tests/page") },
);

async function observe(which, v) {
  const dead = `ws://127.0.0.1:${await freePort()}/mqtt`;
  const tag = `${which}${v}${Math.random().toString(16).slice(2, 8)}`;
  const url = `${env().server.url}/${which}.html?broker=${encodeURIComponent(env().broker.wsUrl)}&dead=${encodeURIComponent(dead)}&tag=${tag}&v=${v}`;
  const p = await openPage(env().browser, url);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 25000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, `${which}: ${result.error}`);
    // Topics and client ids carry the tag; the same program gives the same facts without it.
    return JSON.parse(JSON.stringify(result).replaceAll(tag, "TAG"));
  } finally {
    await p.close();
  }
}

for (const v of [4, 5]) {
  test(`MQTT ${v === 5 ? "5.0" : "3.1.1"}: an MQTT.js program observes the same with wasmqtt as with MQTT.js`, { timeout: 60000 }, async () => {
    const expected = await observe("mqttjs", v);
    const actual = await observe("wasmqtt", v);
    assert.ok(expected.length >= 20, `the scenario ran: ${expected.length} facts`);
    for (let i = 0; i < expected.length; i++) {
      assert.deepEqual(actual[i], expected[i], `fact #${i} "${expected[i][0]}" differs from MQTT.js's`);
    }
    assert.equal(actual.length, expected.length);
  });
}
