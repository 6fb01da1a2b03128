// (c) The Paho facade. First Paho's own documented example (the jsdoc of Paho.MQTT and its
// Paho 1.1 spelling), unchanged except for where Paho comes from: an `import` instead of a
// <script src> (and, because module scripts are strict, `var` before the two variables the
// example assigns without declaring). It uses location.hostname / location.port, so the static
// server relays /mqtt to the broker. Then the API in detail (paho-checks.js).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import mqtt from "mqtt";

import { PKG_WEB, ROOT, freePort, openPage, pageEnv, requireBuilt, sleep } from "./helpers.mjs";

const EXAMPLE_MQTT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Paho example (Paho.MQTT)</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
import { Paho } from "/pkg-web/index.js";

var client = new Paho.MQTT.Client(location.hostname, Number(location.port), "clientId");
client.onConnectionLost = onConnectionLost;
client.onMessageArrived = onMessageArrived;
client.connect({onSuccess:onConnect});

function onConnect() {
  // Once a connection has been made, make a subscription and send a message.
  console.log("onConnect");
  client.subscribe("/World");
  var message = new Paho.MQTT.Message("Hello");
  message.destinationName = "/World";
  client.send(message);
};
function onConnectionLost(responseObject) {
  if (responseObject.errorCode !== 0)
    console.log("onConnectionLost:"+responseObject.errorMessage);
};
function onMessageArrived(message) {
  console.log("onMessageArrived:"+message.payloadString);
  client.disconnect();
};
</script>
</body>
</html>
`;

const EXAMPLE_11 = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Paho example (Paho 1.1 names)</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
import { Paho } from "/pkg-web/index.js";

// Create a client instance
var client = new Paho.Client(location.hostname, Number(location.port), "clientId");

// set callback handlers
client.onConnectionLost = onConnectionLost;
client.onMessageArrived = onMessageArrived;

// connect the client
client.connect({onSuccess:onConnect});

// called when the client connects
function onConnect() {
  // Once a connection has been made, make a subscription and send a message.
  console.log("onConnect");
  client.subscribe("World");
  var message = new Paho.Message("Hello");
  message.destinationName = "World";
  client.send(message);
}

// called when the client loses its connection
function onConnectionLost(responseObject) {
  if (responseObject.errorCode !== 0) {
    console.log("onConnectionLost:"+responseObject.errorMessage);
  }
}

// called when a message arrives
function onMessageArrived(message) {
  console.log("onMessageArrived:"+message.payloadString);
  client.disconnect();
}
</script>
</body>
</html>
`;

const CHECKS = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Paho facade checks</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
import { Paho } from "/pkg-web/index.js";
import { pahoChecks } from "/paho-checks.js";
const q = new URLSearchParams(location.search);
pahoChecks(Paho, { host: location.hostname, port: Number(location.port), deadPort: Number(q.get("dead")), tag: "c" }).then(
  (r) => (window.__result = r),
  (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
);
</script>
</body>
</html>
`;

const WILL = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Paho will</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
import { Paho } from "/pkg-web/index.js";
var will = new Paho.Message("gone é");
will.destinationName = "paho/will";
will.qos = 1;
var client = new Paho.Client(location.hostname, Number(location.port), "client-will");
client.connect({ willMessage: will, keepAliveInterval: 10, onSuccess: () => (window.__up = true), onFailure: (e) => (window.__up = e) });
</script>
</body>
</html>
`;

let env;
before(async () => {
  requireBuilt(PKG_WEB, "bash scripts/build.sh web");
  env = await pageEnv({
    mounts: { "/pkg-web/": PKG_WEB, "/": path.join(ROOT, "tests", "page") },
    pages: { "/example-mqtt.html": EXAMPLE_MQTT, "/example-11.html": EXAMPLE_11, "/checks.html": CHECKS, "/will.html": WILL },
    // A CONNACK refusal on demand: client ids not starting with "c" are "not authorized".
    extraConf: "clientid_prefixes c",
  });
});
after(async () => {
  if (env) await env.dispose();
});

async function runExample(file) {
  const p = await openPage(env.browser, `${env.server.url}/${file}`);
  try {
    const t0 = Date.now();
    while (!p.logs.some((l) => l.startsWith("onMessageArrived:"))) {
      if (Date.now() - t0 > 8000) break;
      await sleep(20);
    }
    await sleep(200); // anything logged after disconnect() shows up here
    assert.deepEqual(
      p.logs.filter((l) => /^on[A-Z]/.test(l)),
      ["onConnect", "onMessageArrived:Hello"],
      `page logs: ${JSON.stringify(p.logs)}`,
    );
    assert.deepEqual(p.errors, [], "no page errors or console errors");
    const log = await env.broker.log();
    assert.match(log, /New client connected from 127\.0\.0\.1:\d+ as clientId \(p2, c1, k60\)/, "connected as Paho's defaults say: MQTT 3.1.1, clean session, keepalive 60");
    assert.match(log, /Client clientId disconnected\./, "disconnect() sent DISCONNECT");
  } finally {
    await p.close();
  }
}

test("Paho's documented example (Paho.MQTT.Client) runs unchanged but for the import", { timeout: 15000 }, async () => {
  await runExample("example-mqtt.html");
});

test("Paho's example with Paho 1.1 names (Paho.Client, Paho.Message)", { timeout: 15000 }, async () => {
  await runExample("example-11.html");
});

test("Paho facade: constructors, validation, callbacks, errors, reconnect, trace", { timeout: 20000 }, async () => {
  const dead = await freePort(); // nothing listens there
  const p = await openPage(env.browser, `${env.server.url}/checks.html?dead=${dead}`);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 18000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    const failed = result.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed, null, 1)}`);
    assert.ok(result.checks.length >= 60, `only ${result.checks.length} checks ran`);
    // The attempts on the port with nothing listening make Chromium log a console error each.
    const unexpected = p.errors.filter((e) => !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/mqtt' failed/.test(e));
    assert.deepEqual(unexpected, [], "no other page errors or console errors");
  } finally {
    await p.close();
  }
});

test("Paho willMessage: published by the server when the page goes away", { timeout: 15000 }, async () => {
  const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.broker.tcpPort}`, { clientId: "c-peer", reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    const got = new Promise((resolve) => peer.on("message", (topic, payload, packet) => resolve({ topic, text: payload.toString(), qos: packet.qos })));
    await peer.subscribeAsync("paho/will", { qos: 1 });
    const p = await openPage(env.browser, `${env.server.url}/will.html`);
    await p.page.waitForFunction(() => window.__up !== undefined, null, { timeout: 8000 });
    assert.equal(await p.page.evaluate(() => window.__up), true);
    assert.deepEqual(p.errors, []);
    await p.close(); // the WebSocket goes away without DISCONNECT
    const will = await Promise.race([got, sleep(5000).then(() => null)]);
    assert.deepEqual(will, { topic: "paho/will", text: "gone é", qos: 1 });
  } finally {
    await peer.endAsync(true);
  }
});
