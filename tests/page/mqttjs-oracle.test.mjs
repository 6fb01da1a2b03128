// MQTT.js as the oracle: oracle-scenario.js, an MQTT.js program, runs in a page with MQTT.js's
// browser bundle (node_modules/mqtt/dist/mqtt.esm.js) and in a page with wasmqtt (pkg-web),
// against the same mosquitto, for MQTT 3.1.1 and 5.0. What the program observes must be the
// same: callback and event arguments, event order, options and their defaults.
import path from "node:path";
import { test } from "node:test";

import { ROOT, assertSameFacts, observeFacts, pkgWebPageEnv } from "./helpers.mjs";

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

for (const v of [4, 5]) {
  test(`MQTT ${v === 5 ? "5.0" : "3.1.1"}: an MQTT.js program observes the same with wasmqtt as with MQTT.js`, { timeout: 60000 }, async () => {
    const expected = await observeFacts(env(), "mqttjs", { v });
    assertSameFacts(await observeFacts(env(), "wasmqtt", { v }), expected, "MQTT.js");
  });
}
