// One Paho program, run in a page once with Paho's own paho-mqtt.js and once with wasmqtt's
// facade (paho-oracle.test.mjs): it records what the program can observe (callbacks and their
// arguments, message fields, the errors thrown and their texts), and the two records must be
// equal. Left out: the byte listing in the text of Paho's "Malformed UTF data" error, and
// whether a thrown error is an Error object (Paho throws some as strings). onMessageDelivered
// is not set: Paho 1.1 throws from send() for QoS 0 while it is.
export async function pahoOracleScenario(Paho, { host, port, dead, tag }) {
  const trace = [];
  const shape = (x) => {
    if (x === null || x === undefined) return String(x);
    if (x instanceof Uint8Array || x instanceof ArrayBuffer) return `bytes(${x.byteLength})`;
    if (Array.isArray(x)) return x.map(shape);
    if (typeof x === "object") return Object.fromEntries(Object.keys(x).sort().map((k) => [k, shape(x[k])]));
    if (typeof x === "function") return "fn";
    return x;
  };
  const rec = (what, ...args) => trace.push([what, ...args.map(shape)]);
  const thrown = (what, f) => {
    try {
      f();
      rec(what, "no exception");
    } catch (e) {
      rec(what, { error: e instanceof Error ? e.message : String(e) });
    }
  };
  const payloadString = (m) => {
    try {
      return m.payloadString;
    } catch (e) {
      return `throws ${/^AMQJS0009E Malformed UTF data/.test(e.message) ? "AMQJS0009E" : e.message}`;
    }
  };
  const message = (m) => ({
    payloadString: payloadString(m),
    bytes: m.payloadBytes.byteLength,
    bytesType: Object.prototype.toString.call(m.payloadBytes),
    destinationName: m.destinationName,
    topic: m.topic,
    qos: m.qos,
    retained: m.retained,
    duplicate: m.duplicate,
  });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const settled = (call) => new Promise((resolve) => call(resolve));
  const base = `paho-oracle/${tag}`;

  // (Paho.MQTT.Client, the older name, is wasmqtt's addition: paho-mqtt 1.1 has only Paho.Client.)
  rec("namespace", typeof Paho.Client, typeof Paho.Message);
  const c = new Paho.Client(host, port, "/mqtt", `${tag}-p`);
  rec("properties", { host: c.host, port: c.port, path: c.path, clientId: c.clientId, uri: c.uri });
  c.onConnectionLost = (r) => rec("onConnectionLost", r);
  c.onMessageArrived = (m) => rec("onMessageArrived", message(m));
  c.onConnected = (...a) => rec("onConnected", ...a);
  await settled((done) =>
    c.connect({
      timeout: 3,
      keepAliveInterval: 30,
      invocationContext: { a: 1 },
      onSuccess: (x) => done(rec("connect onSuccess", x)),
      onFailure: (x) => done(rec("connect onFailure", x)),
    }),
  );
  rec("isConnected", c.isConnected());
  await settled((done) =>
    c.subscribe(`${base}/#`, {
      qos: 2,
      invocationContext: { s: 1 },
      onSuccess: (x) => done(rec("subscribe onSuccess", { ...x, grantedQos: Array.from(x.grantedQos ?? []) })),
      onFailure: (x) => done(rec("subscribe onFailure", x)),
    }),
  );
  c.send(`${base}/a`, "text a", 0, false);
  c.send(`${base}/b`, "text b", 1, false);
  const m = new Paho.Message("text c");
  m.destinationName = `${base}/c`;
  m.qos = 2;
  c.send(m);
  const bin = new Paho.Message(new Uint8Array([0xff, 0xfe, 0x00]));
  bin.destinationName = `${base}/bin`;
  c.publish(bin);
  for (let t = 0; t < 5000 && trace.filter(([w]) => w === "onMessageArrived").length < 4; t += 20) await sleep(20);
  await sleep(100);
  thrown("Message.qos = 3 throws", () => (new Paho.Message("x").qos = 3));
  thrown("send(topic) alone throws", () => c.send(`${base}/x`));
  thrown("new Message(5) throws", () => new Paho.Message(5));
  thrown("subscribe with qos 3 throws", () => c.subscribe(`${base}/q`, { qos: 3 }));
  thrown("connect while connected throws", () => c.connect({}));
  await settled((done) =>
    c.unsubscribe(`${base}/#`, {
      invocationContext: { u: 1 },
      onSuccess: (x) => done(rec("unsubscribe onSuccess", x)),
      onFailure: (x) => done(rec("unsubscribe onFailure", x)),
    }),
  );
  c.disconnect();
  await sleep(200);
  rec("isConnected after disconnect", c.isConnected());
  thrown("disconnect twice throws", () => c.disconnect());
  thrown("send while disconnected throws", () => c.send(`${base}/a`, "x", 0, false));

  // Nothing listening: onFailure with Paho's socket error.
  const d = new Paho.Client(dead, `${tag}-d`);
  d.onConnectionLost = (r) => rec("dead onConnectionLost", r);
  await settled((done) =>
    d.connect({ timeout: 2, onSuccess: (x) => done(rec("dead onSuccess", x)), onFailure: (x) => done(rec("dead onFailure", x)) }),
  );

  const t = new Paho.Client(host, port, `${tag}-t`);
  rec("Client(host, port, clientId): properties", { host: t.host, port: t.port, path: t.path, uri: t.uri });
  rec("trace functions", typeof t.getTraceLog, typeof t.startTrace, typeof t.stopTrace);
  return trace;
}
