// MQTT.js's README example, unchanged but for the import and the broker URL (a browser speaks
// ws://, and tests reach only the loopback broker), runs in a page: it subscribes to
// `presence`, publishes "Hello mqtt" once the subscription is acknowledged, logs the message
// as text (`message.toString()`, as MQTT.js's Buffer does) and ends the client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { PKG_WEB, openPage, pageEnv, requireBuilt, sleep } from "./helpers.mjs";

/** The README's example, verbatim from `client.on("connect"` on. */
const README_EXAMPLE = (url) => `
const client = mqtt.connect("${url}");

client.on("connect", () => {
  client.subscribe("presence", (err) => {
    if (!err) {
      client.publish("presence", "Hello mqtt");
    }
  });
});

client.on("message", (topic, message) => {
  // message is Buffer
  console.log(message.toString());
  client.end();
});
`;

const pages = {};
let env;
before(async () => {
  requireBuilt(PKG_WEB, "bash scripts/build.sh web");
  env = await pageEnv({ mounts: { "/pkg-web/": PKG_WEB }, pages });
  // Pages are read per request, so the broker's address can go in now.
  pages["/index.html"] = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>MQTT.js README example</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
import mqtt from "/pkg-web/index.js";
${README_EXAMPLE(env.broker.wsUrl)}
window.__client = client;
</script>
</body>
</html>
`;
});
after(async () => {
  if (env) await env.dispose();
});

test("MQTT.js's README example runs unchanged but for the import", { timeout: 15000 }, async () => {
  const p = await openPage(env.browser, `${env.server.url}/index.html`);
  try {
    await p.page.waitForFunction(() => window.__client && window.__client.disconnected, null, { timeout: 10000 });
    assert.deepEqual(p.logs, ["Hello mqtt"], "the message, logged once as text");
    assert.deepEqual(p.errors, []);
    // end() sent DISCONNECT: the broker saw a clean disconnect, not a dropped connection.
    let log = "";
    for (let i = 0; i < 30 && !/Client \S+ disconnected\./.test(log); i++) {
      await sleep(100);
      log = await env.broker.log();
    }
    // mosquitto logs "disconnected." after a DISCONNECT, "closed its connection." otherwise.
    assert.match(log, /Client mqttjs_\w+ disconnected\./, log);
    assert.doesNotMatch(log, /Client mqttjs_\w+ closed its connection/, log);
  } finally {
    await p.close();
  }
});
