// Paho as the oracle: paho-oracle-scenario.js, a Paho program, runs in a page with Paho's own
// paho-mqtt.js (node_modules/paho-mqtt) and in a page with wasmqtt's Paho facade, against the
// same mosquitto. What it observes must be the same: callbacks and their arguments, message
// fields, the errors Paho throws and their texts.
import path from "node:path";
import { test } from "node:test";

import { ROOT, assertSameFacts, observeFacts, pkgWebPageEnv } from "./helpers.mjs";

const page = (loadPaho) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Paho oracle</title><link rel="icon" href="data:,"></head>
<body>
${loadPaho === "paho" ? '<script src="/paho/paho-mqtt.js"></script>' : ""}
<script type="module">
  import { pahoOracleScenario } from "/paho-oracle-scenario.js";
  const q = new URLSearchParams(location.search);
  const Paho = ${loadPaho === "paho" ? "window.Paho" : '(await import("/pkg-web/index.js")).Paho'};
  const broker = new URL(q.get("broker"));
  pahoOracleScenario(Paho, { host: broker.hostname, port: Number(broker.port), dead: q.get("dead"), tag: q.get("tag") }).then(
    (r) => (window.__result = r),
    (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
  );
</script>
</body>
</html>
`;

const env = pkgWebPageEnv(
  { "/paho.html": page("paho"), "/wasmqtt.html": page("wasmqtt") },
  { "/paho/": path.join(ROOT, "node_modules/paho-mqtt"), "/": path.join(ROOT, "tests/page") },
);

test("a Paho program observes the same with wasmqtt's facade as with Paho", { timeout: 60000 }, async () => {
  const expected = await observeFacts(env(), "paho");
  assertSameFacts(await observeFacts(env(), "wasmqtt"), expected, "Paho");
});
