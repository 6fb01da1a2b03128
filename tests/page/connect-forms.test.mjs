// MQTT.js's ways of naming the broker and its option names, in a page importing pkg-web against
// mosquitto: `connect({ host, port, protocol, path })` with no URL, options that replace parts of
// the URL, credentials in the URL, `?clientId=` in the URL, the MQTT.js options a browser
// ignores (tutorials carry `rejectUnauthorized: false`), the ones wasmqtt refuses by name,
// MQTT.js's default client id and its rule for `clean: false`, and the defaults `options`
// shows. The broker's log shows what went on the wire (client id and user name of CONNECT).
import assert from "node:assert/strict";
import { test } from "node:test";

import { openPage, pkgWebPageEnv } from "./helpers.mjs";

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wasmqtt connect forms</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  import { connect } from "/pkg-web/index.js";
  const q = new URLSearchParams(location.search);
  const broker = new URL(q.get("broker"));
  const tag = q.get("tag");
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail: String(detail ?? "") });
  const connected = (c) =>
    new Promise((resolve) => {
      const t = setTimeout(() => resolve("no connect in 5 s"), 5000);
      c.once("connect", () => (clearTimeout(t), resolve("connect")));
      c.once("error", (e) => (clearTimeout(t), resolve("error " + e.code + " " + e.message)));
    }).finally(() => c.end(true));
  const throws = (f) => {
    try {
      f().end(true);
      return "no exception";
    } catch (e) {
      return e.code + " " + e.message;
    }
  };
  const port = Number(broker.port);
  const host = broker.hostname;
  async function run() {
    let r = await connected(connect({ host, port, protocol: "ws", path: "/mqtt", clientId: tag + "-host" }));
    check("connect({ host, port, protocol, path }) with no URL", r === "connect", r);
    r = await connected(connect({ hostname: host, port, clientId: tag + "-hostname" }));
    check("connect({ hostname, port }): protocol ws, path /", r === "connect", r);
    r = await connected(connect("ws://" + host + ":1/mqtt", { port, clientId: tag + "-port" }));
    check("option port replaces the URL's port", r === "connect", r);
    const withAuth = connect("ws://alice:s%40cret@" + host + ":" + port + "/mqtt", { clientId: tag + "-auth" });
    check(
      "the URL's user:password become username and password",
      withAuth.options.username === "alice" && withAuth.options.password === "s@cret",
      JSON.stringify(withAuth.options),
    );
    r = await connected(withAuth);
    check("...and the connection opens (credentials left out of the WebSocket URL)", r === "connect", r);
    const plain = connect(q.get("broker"), { manualConnect: true });
    const po = plain.options;
    check(
      "options show the URL's parts, as MQTT.js's do",
      po.protocol === "ws" && po.hostname === host && po.host === host && po.port === port && po.path === broker.pathname,
      JSON.stringify(po),
    );
    plain.end(true);
    let transformArgs = null;
    const transformed = connect("ws://" + host + ":1/mqtt", {
      clientId: tag + "-transform",
      transformWsUrl(url, options, client) {
        transformArgs = { url, clientId: options.clientId, isClient: client === transformed };
        // As with MQTT.js, credentials renewed here go into this attempt's CONNECT.
        client.options.username = "renewed";
        return q.get("broker");
      },
    });
    r = await connected(transformed);
    check(
      "transformWsUrl(url, options, client), as MQTT.js calls it",
      r === "connect" && transformArgs?.url === "ws://" + host + ":1/mqtt" && transformArgs.clientId === tag + "-transform" && transformArgs.isClient,
      r + " " + JSON.stringify(transformArgs),
    );
    check("options keep the app's transformWsUrl", typeof transformed.options.transformWsUrl === "function" && transformed.options.transformWsUrl.name === "transformWsUrl");
    const fromQuery = connect(q.get("broker") + "?clientId=" + tag + "-query");
    check("?clientId= in the URL becomes the client id", fromQuery.options.clientId === tag + "-query", fromQuery.options.clientId);
    r = await connected(fromQuery);
    check("...and the connection opens", r === "connect", r);
    r = await connected(
      connect(q.get("broker"), {
        clientId: tag + "-ignored",
        rejectUnauthorized: false,
        reschedulePings: true,
        wsOptions: {},
        browserBufferSize: 512 * 1024,
        reconnectOnConnackError: false,
      }),
    );
    check("MQTT.js options without effect in a browser are accepted", r === "connect", r);
    r = throws(() => connect(q.get("broker"), { incomingStore: {} }));
    check("an MQTT.js option wasmqtt lacks is refused by name", /^ERR_INVALID_OPTION .*incomingStore.*not supported/.test(r), r);
    r = throws(() => connect(q.get("broker"), { clean: false }));
    check("clean: false without a clientId is refused, as in MQTT.js", /^ERR_INVALID_OPTION .*clientId/.test(r), r);
    r = throws(() => connect(q.get("broker"), { keepAlive: 10 }));
    check("a name MQTT.js does not have is still refused", /^ERR_INVALID_OPTION .*keepAlive/.test(r), r);
    const anonymous = connect(q.get("broker"), { manualConnect: true });
    check("default client id: mqttjs_ and 8 hex digits", /^mqttjs_[0-9a-f]{8}$/.test(anonymous.options.clientId), anonymous.options.clientId);
    const o = anonymous.options;
    check(
      "options show MQTT.js's defaults",
      o.keepalive === 60 && o.protocolVersion === 4 && o.protocolId === "MQTT" && o.clean === true && o.reconnectPeriod === 1000 && o.connectTimeout === 30000 && o.resubscribe === true,
      JSON.stringify(o),
    );
    anonymous.end(true);
    return { checks };
  }
  run().then(
    (r) => (window.__result = r),
    (e) => (window.__result = { error: String(e && e.stack ? e.stack : e) }),
  );
</script>
</body>
</html>
`;

const env = pkgWebPageEnv({ "/index.html": PAGE });

test("connect: MQTT.js's broker options, URL credentials and option names", { timeout: 30000 }, async () => {
  const tag = `cf${Math.random().toString(16).slice(2, 8)}`;
  const url = `${env().server.url}/index.html?broker=${encodeURIComponent(env().broker.wsUrl)}&tag=${tag}`;
  const p = await openPage(env().browser, url);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 25000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    const failed = result.checks.filter((c) => !c.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed, null, 1)}`);
    assert.equal(result.checks.length, 16);
    // What the broker saw: each client id once, and alice's user name in her CONNECT.
    const log = await env().broker.log();
    for (const id of ["host", "hostname", "port", "auth", "query", "ignored", "transform"]) {
      assert.match(log, new RegExp(`as ${tag}-${id} `), `${id} never connected:\n${log}`);
    }
    assert.match(log, new RegExp(`as ${tag}-auth \\(.*u'alice'\\)`), log);
    assert.match(log, new RegExp(`as ${tag}-transform \\(.*u'renewed'\\)`), log);
    // Nothing went to port 1, the URL's port that option port replaced.
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
