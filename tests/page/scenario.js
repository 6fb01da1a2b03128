// What a page does with the package, whichever way it was loaded (webpack bundle of "wasmqtt",
// or pkg-web/index.js from a plain <script type="module">): the MQTT.js callback style, the
// Promise style with MQTT 5, and a few properties of the JavaScript surface. Returns
// { checks: [{ name, ok, detail }] } for the Node side to assert on.
export async function scenario(lib, { url, tag }) {
  const { connect, connectAsync, MqttClient, Paho } = lib;
  const mqtt = lib.default;
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail: detail === undefined ? "" : String(detail) });
  const unique = `${tag}-${Math.random().toString(16).slice(2, 10)}`;
  const base = `wasmqtt/page/${unique}`;
  const withTimeout = (p, ms, what) =>
    Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);

  check("exports", typeof connect === "function" && typeof connectAsync === "function" && typeof MqttClient === "function");
  check(
    "default export is MQTT.js's module shape",
    mqtt && mqtt.connect === connect && mqtt.connectAsync === connectAsync && mqtt.MqttClient === MqttClient && mqtt.Client === MqttClient && lib.Client === MqttClient,
  );
  check("Paho is exported", Paho && typeof Paho.Client === "function" && Paho.MQTT.Client === Paho.Client);

  // Invalid options throw at once, naming the option.
  try {
    connect(url, { keepAlive: 10 });
    check("unknown option throws", false, "no exception");
  } catch (e) {
    check("unknown option throws", e.code === "ERR_INVALID_OPTION" && /keepAlive/.test(e.message), `${e.code} ${e.message}`);
  }

  // 1. MQTT.js's callback style: listeners first, then methods on the same object.
  const callbackRun = new Promise((resolve, reject) => {
    const client = connect(url, { clientId: `cb-${unique}`, keepalive: 30 });
    const got = [];
    const acks = [];
    let thisOk = false;
    check("connect() returns an MqttClient", client instanceof MqttClient);
    client.on("error", reject);
    client.on("connect", function onConnect(connack) {
      thisOk = this === client;
      check("connack packet", connack && connack.cmd === "connack", JSON.stringify(connack));
      const chained = client.subscribe(`${base}/cb/#`, { qos: 2 }, (err, granted) => {
        if (err) return reject(err);
        check("subscribe grants qos 2", granted.length === 1 && granted[0].qos === 2 && granted[0].topic === `${base}/cb/#`, JSON.stringify(granted));
        client.publish(`${base}/cb/0`, "hello 0", { qos: 0 }, (...args) => acks.push(["0", ...args]));
        client.publish(`${base}/cb/1`, new TextEncoder().encode("héllo 1"), { qos: 1 }, (e, packet) => acks.push(["1", e, packet]));
        client.publish(`${base}/cb/2`, "hello 2", { qos: 2 }, (e, packet) => acks.push(["2", e, packet]));
      });
      check("methods chain", chained === client);
    });
    client.on("message", (topic, payload, packet) => {
      got.push({
        topic,
        text: payload.toString(),
        hex: payload.toString("hex"),
        base64: payload.toString("base64"),
        head: payload.toString("utf8", 0, 5),
        qos: packet.qos,
        u8: payload instanceof Uint8Array,
        len: payload.length,
      });
      if (got.length === 3) {
        client.end(false, {}, () => {
          got.sort((a, b) => a.topic.localeCompare(b.topic));
          resolve({ got, acks, thisOk, client });
        });
      }
    });
  });
  const cb = await withTimeout(callbackRun, 8000, "callback-style connect/subscribe/publish/receive");
  check("listeners run with this = client", cb.thisOk);
  const first = cb.got.find((m) => m.topic === `${base}/cb/0`) ?? {};
  check(
    "payload.toString takes Buffer's encodings (hex, base64, a range)",
    first.hex === "68656c6c6f2030" && first.base64 === "aGVsbG8gMA==" && first.head === "hello",
    JSON.stringify(first),
  );
  check(
    "three messages, each QoS, payload text",
    cb.got.length === 3 &&
      cb.got.every((m, i) => m.topic === `${base}/cb/${i}` && m.qos === i && m.u8) &&
      cb.got[0].text === "hello 0" &&
      cb.got[1].text === "héllo 1" &&
      cb.got[2].text === "hello 2",
    JSON.stringify(cb.got),
  );
  check("QoS 0, 1 and 2 complete without error", cb.acks.length === 3 && cb.acks.every(([, e]) => !e), JSON.stringify(cb.acks));
  // The callback's arguments are MQTT.js's: none for QoS 0, the PUBLISH for QoS 1, the PUBREL for QoS 2.
  const ackOf = (q) => cb.acks.find(([k]) => k === q) ?? [];
  check("QoS 0 callback gets no arguments", ackOf("0").length === 1, JSON.stringify(ackOf("0")));
  const [, , pub1] = ackOf("1");
  check(
    "QoS 1 callback gets the PUBLISH",
    pub1 && pub1.cmd === "publish" && pub1.topic === `${base}/cb/1` && pub1.qos === 1 && pub1.retain === false && Number.isInteger(pub1.messageId),
    JSON.stringify(pub1),
  );
  const [, , rel2] = ackOf("2");
  check("QoS 2 callback gets the PUBREL", rel2 && rel2.cmd === "pubrel" && rel2.qos === 2 && Number.isInteger(rel2.messageId), JSON.stringify(rel2));
  check("ended client reports disconnected", cb.client.disconnected === true && cb.client.connected === false);

  // 2. Promises, MQTT 5, properties.
  const c = await withTimeout(connectAsync(url, { protocolVersion: 5, clientId: `v5-${unique}` }), 8000, "connectAsync");
  check("connectAsync resolves a connected client", c instanceof MqttClient && c.connected === true);
  const granted = await withTimeout(c.subscribeAsync(`${base}/v5`, { qos: 1 }), 5000, "subscribeAsync");
  check("subscribeAsync grants qos 1", granted[0] && granted[0].qos === 1, JSON.stringify(granted));
  const received = new Promise((resolve) => c.once("message", (topic, payload, packet) => resolve({ topic, payload, packet })));
  const ack = await withTimeout(
    c.publishAsync(`${base}/v5`, "v5 payload", {
      qos: 1,
      properties: { userProperties: { who: "page" }, contentType: "text/plain" },
    }),
    5000,
    "publishAsync",
  );
  check(
    "publishAsync resolves the PUBLISH, with the PUBACK's reason code",
    ack && ack.cmd === "publish" && ack.topic === `${base}/v5` && ack.reasonCode === 0 && ack.properties.contentType === "text/plain",
    JSON.stringify(ack),
  );
  check("publishAsync of QoS 0 resolves undefined", (await c.publishAsync(`${base}/v5-qos0`, "x")) === undefined);
  const m = await withTimeout(received, 5000, "MQTT 5 message");
  check(
    "MQTT 5 message with its properties",
    m.topic === `${base}/v5` &&
      m.payload.toString() === "v5 payload" &&
      m.packet.properties &&
      m.packet.properties.contentType === "text/plain" &&
      m.packet.properties.userProperties.who === "page",
    JSON.stringify(m.packet.properties),
  );
  check("once listener is gone", c.listenerCount("message") === 0);
  const stats = c.stats();
  check("stats() counts the traffic", stats.messagesReceived >= 1 && stats.messagesSent >= 1 && stats.bytesSent > 0, JSON.stringify(stats));
  const unsuback = await withTimeout(c.unsubscribeAsync(`${base}/v5`), 5000, "unsubscribeAsync");
  check("unsubscribeAsync resolves", unsuback && unsuback.cmd === "unsuback", JSON.stringify(unsuback));
  await withTimeout(c.endAsync(), 5000, "endAsync");
  check("endAsync ends", c.disconnected === true && c.connected === false);

  // 3. The default export, as MQTT.js code uses it.
  const viaDefault = mqtt.connect(url, { clientId: `def-${unique}`, reconnectPeriod: 0 });
  await withTimeout(new Promise((resolve, reject) => viaDefault.on("connect", resolve).on("error", reject)), 5000, "mqtt.connect");
  await withTimeout(viaDefault.endAsync(), 5000, "endAsync (default export client)");
  check("mqtt.connect (default export) connects", viaDefault.disconnected === true);

  return { checks };
}
