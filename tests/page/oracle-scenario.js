// One MQTT.js program, run in a page once with MQTT.js's own browser bundle and once with
// wasmqtt (mqttjs-oracle.test.mjs): it records what the program can observe of the library
// (arguments of callbacks and events, the order of events, options), reduced to the facts the
// MQTT.js API defines. The two records must be equal. Left out, as they differ by design or by
// accident of mqtt-packet: the generic packet fields MQTT.js's decoder adds (`length`, and
// `dup`/`qos`/`retain`/`topic`/`payload` on packets that have none), packet identifiers'
// values, error texts, and how many SUBSCRIBEs renew MQTT 5 subscriptions after reconnect().
export async function oracleScenario(lib, { url, dead, tag, v }) {
  const mqtt = lib.default?.connect ? lib.default : lib;
  const facts = [];
  const note = (what, value) => facts.push([what, value]);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const within = (p, ms, what) => Promise.race([p, sleep(ms).then(() => `timeout: ${what}`)]);
  // Waits (at most 5 s) until `done()`, then a little more, for anything that should not come.
  const until = async (done) => {
    for (let t = 0; t < 5000 && !done(); t += 20) await sleep(20);
    await sleep(100);
  };
  const base = `oracle/${tag}`;
  const packetFacts = (p) =>
    p && {
      cmd: p.cmd,
      topic: p.topic,
      qos: p.qos,
      retain: p.retain,
      dup: p.dup,
      hasMessageId: typeof p.messageId === "number",
      payload: p.payload === undefined ? undefined : String(p.payload),
    };

  // Options: MQTT.js's defaults and the URL's parts.
  const idle = mqtt.connect(url, { manualConnect: true });
  const o = idle.options;
  note("defaults", {
    keepalive: o.keepalive,
    protocolVersion: o.protocolVersion,
    protocolId: o.protocolId,
    clean: o.clean,
    reconnectPeriod: o.reconnectPeriod,
    connectTimeout: o.connectTimeout,
    resubscribe: o.resubscribe,
    reschedulePings: o.reschedulePings,
    clientId: /^mqttjs_[0-9a-f]{8}$/.test(o.clientId),
    protocol: o.protocol,
    host: o.host,
    port: o.port,
    path: o.path,
  });
  // (not ended: MQTT.js 5.16 throws in end() on a client that never connected)

  // A session: connect, subscribe (three forms), publish at each QoS, receive, unsubscribe, end.
  const events = [];
  // manualConnect, so that the listeners see the CONNECT too (MQTT.js writes it at once).
  const c = mqtt.connect(url, { clientId: `${tag}-c`, protocolVersion: v, manualConnect: true });
  for (const e of ["connect", "close", "end", "offline", "reconnect", "error", "disconnect"]) c.on(e, () => events.push(e));
  const sent = [];
  c.on("packetsend", (packet) => sent.push(packet.cmd));
  c.connect();
  const connack = await within(new Promise((r) => c.once("connect", (...a) => r(a))), 5000, "connect");
  note("connect", { args: connack.length, cmd: connack[0].cmd, sessionPresent: connack[0].sessionPresent, returnCode: connack[0].returnCode, reasonCode: connack[0].reasonCode });
  note("state", { connected: c.connected, reconnecting: c.reconnecting });
  const received = [];
  c.on("message", (topic, payload, packet) => received.push({ topic, text: payload.toString(), u8: payload instanceof Uint8Array, packet: packetFacts(packet) }));
  const subscribed = (topic, opts) =>
    within(
      new Promise((r) =>
        c.subscribe(topic, opts, (err, granted, packet) =>
          r({
            err: err ?? null,
            granted: granted?.map((g) => ({ topic: g.topic, qos: g.qos })),
            suback: { cmd: packet?.cmd, hasMessageId: typeof packet?.messageId === "number", granted: packet?.granted },
          }),
        ),
      ),
      5000,
      "subscribe",
    );
  note("subscribe string", await subscribed(`${base}/q/#`, { qos: 2 }));
  note("subscribe array", await subscribed([`${base}/a`, `${base}/b`], { qos: 1 }));
  note("subscribe object", await subscribed({ [`${base}/c`]: { qos: 0 } }));
  for (const qos of [0, 1, 2]) {
    const args = await within(new Promise((r) => c.publish(`${base}/q/${qos}`, `m${qos}`, { qos }, (...a) => r(a))), 5000, "publish");
    note(`publish callback, QoS ${qos}`, { count: args.length, err: args[0] ?? null, packet: packetFacts(args[1]) });
  }
  note("publish returns the client", c.publish(`${base}/q/x`, "x") === c);
  note("publishAsync QoS 1", packetFacts(await c.publishAsync(`${base}/q/async`, "async", { qos: 1 })));
  note("publishAsync QoS 0", await c.publishAsync(`${base}/q/async0`, "async0"));
  await until(() => received.length >= 6);
  received.sort((a, b) => a.topic.localeCompare(b.topic));
  note("messages", [...received]);
  const unsub = await within(
    new Promise((r) => c.unsubscribe(`${base}/a`, (err, packet) => r({ err: err ?? null, cmd: packet?.cmd, hasMessageId: typeof packet?.messageId === "number" }))),
    5000,
    "unsubscribe",
  );
  note("unsubscribe", unsub);
  note("unsubscribeAsync", (await c.unsubscribeAsync([`${base}/b`, `${base}/c`]))?.cmd);
  note("subscribeAsync", (await c.subscribeAsync(`${base}/d`, { qos: 1 })).map((g) => ({ topic: g.topic, qos: g.qos })));
  const endArgs = await within(new Promise((r) => c.end(false, {}, (...a) => r(a))), 5000, "end");
  note("end callback", endArgs.length);
  await sleep(100);
  note("events", [...events]);
  note("packets sent", [...sent]);
  const sentBefore = sent.length;
  note("state after end", { connected: c.connected, reconnecting: c.reconnecting });
  // reconnect() after end() connects again with the same options.
  c.reconnect();
  note("reconnect() after end()", await within(new Promise((res) => c.once("connect", () => res("connect"))), 5000, "reconnect"));
  await until(() => sent.slice(sentBefore).includes("subscribe"));
  await within(new Promise((res) => c.end(res)), 5000, "second end");
  note("events after reconnect()", events.slice(-4));
  // (MQTT.js renews MQTT 5 subscriptions one SUBSCRIBE each, wasmqtt in one: kinds only.)
  note("packets sent after reconnect()", [...new Set(sent.slice(sentBefore))]);

  // Retained messages, MQTT 5 properties, no-local, and connect({ host, port, protocol }).
  const b = new URL(url);
  // MQTT 5's properties and subscription options are given in 3.1.1 too: left out there.
  const r = mqtt.connect({
    host: b.hostname,
    port: Number(b.port),
    protocol: "ws",
    path: b.pathname,
    clientId: `${tag}-r`,
    protocolVersion: v,
    properties: { sessionExpiryInterval: 0, userProperties: { app: "oracle" } },
    will: { topic: `${base}/will`, payload: "gone", properties: { contentType: "text/plain" } },
  });
  await within(new Promise((res) => r.once("connect", res)), 5000, "connect({ host })");
  const props = { userProperties: { a: "1", b: ["2", "3"] }, correlationData: new TextEncoder().encode("corr"), responseTopic: `${base}/resp`, contentType: "text/plain", messageExpiryInterval: 60 };
  await r.publishAsync(`${base}/kept`, "kept", { qos: 1, retain: true, properties: props });
  const got = [];
  r.on("message", (topic, payload, packet) => {
    const p = { ...packet.properties };
    if (p.correlationData) p.correlationData = String(p.correlationData);
    got.push({ topic, text: payload.toString(), packet: packetFacts(packet), properties: p });
  });
  note("retained subscribe", (await r.subscribeAsync(`${base}/kept`, { qos: 1, nl: true, properties: { subscriptionIdentifier: 7 } })).map((g) => ({ topic: g.topic, qos: g.qos })));
  await r.publishAsync(`${base}/kept`, "", { qos: 1, retain: true, properties: { contentType: "none" } });
  // The retained message; in 3.1.1 also our own clear-out, as no-local is 5.0's.
  await until(() => got.length >= (v === 5 ? 1 : 2));
  note("unsubscribeAsync with properties", (await r.unsubscribeAsync(`${base}/other`, { properties: { userProperties: { u: "1" } } }))?.cmd);
  note("retained message, properties; no-local keeps our own clear-out away in 5.0", [...got]);
  await r.endAsync(false, { properties: { reasonString: "bye" } });

  // A broker that is not there: offline, close, then a reconnect per period.
  const lost = [];
  const d = mqtt.connect(dead, { clientId: `${tag}-d`, reconnectPeriod: 300 });
  for (const e of ["connect", "close", "end", "offline", "reconnect"]) d.on(e, () => lost.push(e));
  await until(() => lost.length >= 3);
  note("dead broker", { first: lost.slice(0, 3), state: { connected: d.connected, reconnecting: d.reconnecting } });
  d.end(true);
  await sleep(100);
  return facts;
}
