// The Paho facade against Paho's documented API: constructor forms, properties, argument
// checks and their AMQJS texts, Message, connect/subscribe/send/unsubscribe/disconnect with
// their callbacks, host lists, CONNACK refusal, connection loss and automatic reconnect with
// disconnected publishing, tracing. Runs in the page; returns { checks } for Node to assert.
export async function pahoChecks(Paho, { host, port, deadPort, tag }) {
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail: detail === undefined ? "" : String(detail) });
  const throws = (name, f, re) => {
    try {
      f();
      check(name, false, "did not throw");
    } catch (e) {
      check(name, e instanceof Error && re.test(e.message), e && e.message);
    }
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (what, f, ms = 5000) => {
    const t0 = Date.now();
    while (!f()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  };
  const unique = `${tag}${Math.random().toString(16).slice(2, 8)}`;
  const uri = `ws://${host}:${port}/mqtt`;

  // ---- constructors and properties ------------------------------------------------------
  {
    const a = new Paho.Client(host, port, "/mqtt", "four");
    check("(host, port, path, clientId)", a.host === host && a.port === port && a.path === "/mqtt" && a.clientId === "four" && a.uri === uri, a.uri);
    const b = new Paho.MQTT.Client(host, port, "three");
    check("(host, port, clientId): path /mqtt", b.path === "/mqtt" && b.uri === uri && b.clientId === "three", b.uri);
    const c = new Paho.Client(`ws://${host}:${port}/some/path`, "two");
    check("(uri, clientId) parses the URI", c.host === host && c.port === port && c.path === "/some/path" && c.clientId === "two", `${c.host} ${c.port} ${c.path}`);
    const d = new Paho.Client("::1", 8080, "v6");
    check("IPv6 host is bracketed", d.uri === "ws://[::1]:8080/mqtt", d.uri);
    throws("host is read only", () => (a.host = "x"), /^AMQJS0014E Unsupported operation\.$/);
    throws("clientId is read only", () => (a.clientId = "x"), /^AMQJS0014E Unsupported operation\.$/);
    throws("host must be a string", () => new Paho.Client(5, 80, "id"), /^AMQJS0012E Invalid type number for host\.$/);
    throws("port must be a number", () => new Paho.Client("h", "80", "id"), /^AMQJS0012E Invalid type string for port\.$/);
    throws("a bad URI", () => new Paho.Client("http://h/mqtt", "id"), /^AMQJS0013E Invalid argument http:\/\/h\/mqtt for host\.$/);
    throws("clientId must be a string", () => new Paho.Client("h", 80, "/p", 7), /^AMQJS0013E Invalid argument 7 for clientId\.$/);
    throws("onMessageArrived must be a function", () => (a.onMessageArrived = 5), /^AMQJS0012E Invalid type number for onMessageArrived\.$/);
    throws("trace must be a function", () => (a.trace = "x"), /^AMQJS0012E Invalid type string for onTrace\.$/);
    check("isConnected() before connect", a.isConnected() === false);
    throws("subscribe before connect", () => a.subscribe("t"), /^AMQJS0011E Invalid state not connected\.$/);
    throws("send before connect", () => a.send("t", "x"), /^AMQJS0011E Invalid state not connected\.$/);
    throws("disconnect before connect", () => a.disconnect(), /^AMQJS0011E Invalid state not connecting or connected\.$/);
    throws("connect: unknown option", () => a.connect({ onsuccess() {} }), /^Unknown property, onsuccess\. Valid properties are: timeout userName password/);
    throws("connect: ill-typed option", () => a.connect({ timeout: "3" }), /^AMQJS0012E Invalid type string for timeout\.$/);
    throws("connect: password without userName", () => a.connect({ password: "p" }), /^AMQJS0013E Invalid argument p for connectOptions\.password\.$/);
    throws("connect: mqttVersion 5", () => a.connect({ mqttVersion: 5 }), /^AMQJS0013E Invalid argument 5 for connectOptions\.mqttVersion\.$/);
    throws("connect: willMessage must be a Message", () => a.connect({ willMessage: { destinationName: "x" } }), /^AMQJS0012E Invalid type \[object Object\] for connectOptions\.willMessage\.$/);
    throws("connect: hosts without ports", () => a.connect({ hosts: ["h"] }), /^AMQJS0013E Invalid argument undefined for connectOptions\.ports\.$/);
    throws("subscribe: qos 3", () => a.subscribe("t", { qos: 3 }), /^AMQJS0013E Invalid argument 3 for subscribeOptions\.qos\.$/);
    throws("subscribe: timeout without onFailure", () => a.subscribe("t", { timeout: 1 }), /^subscribeOptions\.timeout specified with no onFailure callback\.$/);
    throws("send: message without destination", () => a.send(new Paho.Message("x")), /^AMQJS0013E Invalid argument undefined for Message\.destinationName\.$/);
  }

  // ---- Message ----------------------------------------------------------------------------
  {
    const m = new Paho.Message("héllo");
    check("payloadString of text", m.payloadString === "héllo");
    check("payloadBytes of text is UTF-8", m.payloadBytes instanceof Uint8Array && m.payloadBytes.length === 6);
    check("Message defaults", m.qos === 0 && m.retained === false && m.duplicate === false && m.destinationName === undefined);
    m.destinationName = "a/b";
    check("topic is destinationName", m.topic === "a/b");
    throws("qos must be 0, 1 or 2", () => (m.qos = 3), /^Invalid argument:3$/);
    throws("retained must be boolean", () => (m.retained = 1), /^AMQJS0013E Invalid argument 1 for newRetained\.$/);
    throws("destinationName must be a string", () => (m.destinationName = 5), /^AMQJS0013E Invalid argument 5 for newDestinationName\.$/);
    throws("payload must be text or bytes", () => new Paho.Message(5), /^AMQJS0013E Invalid argument 5 for newPayload\.$/);
    const bin = new Paho.Message(new Uint8Array([0x61, 0xff, 0x62]));
    throws("payloadString of non-UTF-8 throws", () => bin.payloadString, /^AMQJS0009E Malformed UTF data:ff/);
    const ab = new Paho.Message(new TextEncoder().encode("buf").buffer);
    check("ArrayBuffer payload decodes", ab.payloadString === "buf");
  }

  // ---- a connected client -----------------------------------------------------------------
  const client = new Paho.Client(host, port, `c-paho-${unique}`);
  const arrived = [];
  const delivered = [];
  const lost = [];
  const connected = [];
  client.onMessageArrived = (m) => arrived.push(m);
  client.onMessageDelivered = (m) => delivered.push(m);
  client.onConnectionLost = (r) => lost.push(r);
  client.onConnected = (reconnect, u) => connected.push([reconnect, u]);
  client.startTrace();
  let success = null;
  client.connect({ onSuccess: (r) => (success = r), invocationContext: { n: 1 }, timeout: 5, keepAliveInterval: 20, userName: "u", password: "secret" });
  throws("connect while connecting", () => client.connect({}), /^AMQJS0011E Invalid state already connected\.$/);
  await waitFor("onSuccess", () => success);
  check("onSuccess gets the invocationContext", success.invocationContext && success.invocationContext.n === 1, JSON.stringify(success));
  check("onConnected(false, uri)", connected.length === 1 && connected[0][0] === false && connected[0][1] === uri, JSON.stringify(connected));
  check("isConnected()", client.isConnected() === true);
  throws("connect while connected", () => client.connect({}), /^AMQJS0011E Invalid state already connected\.$/);

  const base = `paho/${unique}`;
  let sub = null;
  client.subscribe(`${base}/#`, { qos: 2, invocationContext: { s: 1 }, onSuccess: (r) => (sub = r) });
  await waitFor("subscribe onSuccess", () => sub);
  check("subscribe onSuccess: invocationContext, grantedQos", sub.invocationContext.s === 1 && sub.grantedQos[0] === 2, JSON.stringify({ ctx: sub.invocationContext, g: Array.from(sub.grantedQos) }));

  const m1 = new Paho.Message("one");
  m1.destinationName = `${base}/1`;
  m1.qos = 1;
  client.send(m1);
  client.send(`${base}/2`, "two", 2, false);
  client.publish(`${base}/0`, new Uint8Array([0x00, 0xfe]), 0, false);
  await waitFor("3 messages", () => arrived.length >= 3 && delivered.length >= 3);
  arrived.sort((x, y) => x.destinationName.localeCompare(y.destinationName));
  check(
    "onMessageArrived: topics, qos, payloads",
    arrived.map((m) => `${m.destinationName}|${m.qos}|${m.retained}`).join(",") === `${base}/0|0|false,${base}/1|1|false,${base}/2|2|false` &&
      arrived[1].payloadString === "one" &&
      arrived[2].payloadString === "two" &&
      Array.from(arrived[0].payloadBytes).join() === "0,254",
    arrived.map((m) => `${m.destinationName}|${m.qos}`).join(","),
  );
  check("onMessageDelivered gets the sent Message", delivered.includes(m1) && delivered.length === 3, delivered.length);

  // Retained: published before a subscription, delivered with retained = true.
  client.send(`${base}-r/k`, "kept", 1, true);
  await waitFor("retained delivered", () => delivered.length >= 4);
  const before = arrived.length;
  client.subscribe(`${base}-r/#`, { qos: 1 });
  await waitFor("retained message", () => arrived.length > before);
  const r = arrived[arrived.length - 1];
  check("retained message arrives with retained = true", r.retained === true && r.payloadString === "kept" && r.destinationName === `${base}-r/k`);
  client.send(`${base}-r/k`, "", 1, true); // clear it

  let unsub = null;
  client.unsubscribe(`${base}/#`, { invocationContext: { u: 1 }, onSuccess: (x) => (unsub = x) });
  await waitFor("unsubscribe onSuccess", () => unsub);
  check("unsubscribe onSuccess", unsub.invocationContext.u === 1);

  // Trace: records what happened, bounded.
  const log = client.getTraceLog();
  check("trace log records the calls", Array.isArray(log) && log.some((l) => /Client\.connect/.test(l)) && log.some((l) => /Client\.subscribe/.test(l)), log && log.length);
  check("trace log masks the password", !(log || []).some((l) => /secret/.test(l)));
  for (let i = 0; i < 150; i++) client.send(`${base}/x`, "x");
  check("trace log is bounded", client.getTraceLog().length <= 100, client.getTraceLog().length);
  client.stopTrace();
  check("stopTrace discards the log", client.getTraceLog() === undefined);

  client.disconnect();
  check("disconnect: onConnectionLost({errorCode: 0}) at once", lost.length === 1 && lost[0].errorCode === 0 && lost[0].errorMessage === "AMQJSC0000I OK.", JSON.stringify(lost));
  check("isConnected() after disconnect", client.isConnected() === false);
  throws("disconnect twice", () => client.disconnect(), /^AMQJS0011E Invalid state not connecting or connected\.$/);

  {
    // connect() again from onConnectionLost, a common pattern.
    const again = new Paho.Client(host, port, `c-again-${unique}`);
    let ups = 0;
    again.onConnectionLost = () => again.connect({ onSuccess: () => ups++ });
    again.connect({ onSuccess: () => ups++ });
    await waitFor("first connect", () => ups === 1);
    again.disconnect();
    await waitFor("connect from onConnectionLost", () => ups === 2);
    await sleep(100);
    check("connect() inside onConnectionLost connects", again.isConnected() === true);
    again.onConnectionLost = () => {};
    again.disconnect();
  }

  // ---- failures -----------------------------------------------------------------------------
  {
    const dead = new Paho.Client(host, deadPort, `c-dead-${unique}`);
    let failure = null;
    dead.connect({ invocationContext: { d: 1 }, timeout: 5, onFailure: (f) => (failure = f), onSuccess: () => (failure = "success?") });
    await waitFor("onFailure (nothing listening)", () => failure, 8000);
    check(
      "nothing listening: onFailure with Paho's socket error",
      failure.errorCode === 7 && failure.errorMessage === "AMQJS0007E Socket error:undefined." && failure.invocationContext.d === 1,
      JSON.stringify(failure),
    );
    check("nothing listening: not connected", dead.isConnected() === false);
  }
  {
    // The broker admits only client ids starting with "c" (clientid_prefixes): it refuses
    // this one with return code 5.
    const refused = new Paho.Client(host, port, `x-${unique}`);
    let failure = null;
    refused.connect({ timeout: 5, invocationContext: { r: 1 }, onFailure: (f) => (failure = f), onSuccess: () => (failure = { errorCode: "connected" }) });
    await waitFor("onFailure (refused)", () => failure, 8000);
    check(
      "CONNACK refusal: AMQJS0006E with the return code",
      failure.errorCode === 6 && failure.errorMessage === "AMQJS0006E Bad Connack return code:5 Connection Refused: not authorized." && failure.invocationContext.r === 1,
      JSON.stringify(failure),
    );
    // An empty client id with cleanSession false is refused the same way (here before sending).
    const noId = new Paho.Client(host, port, "");
    let noIdFailure = null;
    noId.connect({ cleanSession: false, mqttVersion: 4, onFailure: (f) => (noIdFailure = f), onSuccess: () => (noIdFailure = { errorCode: "connected" }) });
    await waitFor("onFailure (empty id)", () => noIdFailure, 8000);
    check("empty client id, cleanSession false: return code 2", noIdFailure.errorCode === 6 && / code:2 /.test(noIdFailure.errorMessage), JSON.stringify(noIdFailure));
    check("the refused client is not stuck", noId.isConnected() === false && (() => { try { noId.disconnect(); return false; } catch (e) { return /not connecting or connected/.test(e.message); } })());
  }
  {
    // hosts/ports: the first has nothing listening, the second works.
    const multi = new Paho.Client(host, port, `c-multi-${unique}`);
    let ok = null;
    let via = null;
    multi.onConnected = (re, u) => (via = u);
    multi.connect({ hosts: [host, host], ports: [deadPort, port], mqttVersion: 4, onSuccess: () => (ok = true), onFailure: (f) => (ok = f) });
    await waitFor("hosts list", () => ok, 8000);
    check("hosts/ports: the next host is tried", ok === true && via === uri, `${JSON.stringify(ok)} ${via}`);
    multi.disconnect();
  }

  // ---- losing the connection, automatic reconnect, disconnected publishing -------------------
  {
    const id = `c-re-${unique}`;
    const a = new Paho.Client(host, port, id);
    const aLost = [];
    const aConnected = [];
    const aArrived = [];
    a.onConnectionLost = (x) => aLost.push(x);
    a.onConnected = (re, u) => aConnected.push(re);
    a.onMessageArrived = (m) => aArrived.push(m.payloadString);
    a.disconnectedPublishing = true;
    let ready = false;
    a.connect({ reconnect: true, cleanSession: false, onSuccess: () => (ready = true) });
    await waitFor("a connected", () => ready);
    let subscribed = false;
    a.subscribe(`${base}/re`, { qos: 1, onSuccess: () => (subscribed = true) });
    await waitFor("a subscribed", () => subscribed);
    // Another client with the same id takes the session over: the server drops `a`.
    const b = new Paho.Client(host, port, id);
    let bReady = false;
    b.connect({ cleanSession: false, onSuccess: () => (bReady = true) });
    await waitFor("takeover", () => bReady && aLost.length === 1);
    check(
      "connection lost: onConnectionLost with reconnect and uri",
      aLost[0].errorCode === 8 && aLost[0].errorMessage === "AMQJS0008I Socket closed." && aLost[0].reconnect === true && aLost[0].uri === uri,
      JSON.stringify(aLost),
    );
    b.disconnect();
    // While `a` waits to reconnect, send() is accepted (disconnectedPublishing).
    a.send(`${base}/re`, "sent while offline", 1, false);
    check("disconnected publishing accepted while reconnecting", a.isConnected() === false);
    await waitFor("automatic reconnect", () => aConnected.length === 2, 6000);
    check("onConnected(true) after the reconnect", aConnected[1] === true, JSON.stringify(aConnected));
    await waitFor("offline publication delivered", () => aArrived.includes("sent while offline"), 5000);
    check("the offline publication went out after the reconnect", true);
    a.disconnect();
  }
  return { checks };
}
