// Properties of the MQTT.js-shaped JavaScript client (js/client.js) beyond the basic flow:
// listener management, messages waiting for a listener, and end() before the connection is up
// (which must leave no connection behind). Runs in the page; returns { checks }.
export async function clientChecks(lib, { url, deadUrl, tag }) {
  const { connect } = lib;
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail: detail === undefined ? "" : String(detail) });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const unique = `${tag}${Math.random().toString(16).slice(2, 8)}`;
  const record = (c) => {
    const events = [];
    for (const e of ["connect", "close", "end", "error", "offline", "reconnect"]) c.on(e, () => events.push(e));
    return events;
  };

  // ---- listeners -----------------------------------------------------------------------------
  {
    const c = connect(url, { clientId: `l-${unique}`, manualConnect: true });
    const order = [];
    const a = () => order.push("a");
    const b = () => order.push("b");
    c.on("offline", a).prependListener("offline", b).once("offline", a);
    check("listenerCount", c.listenerCount("offline") === 3 && c.listeners("offline").length === 3);
    c.off("offline", a);
    check("off removes one registration", c.listenerCount("offline") === 2);
    check("eventNames", c.eventNames().includes("offline"));
    c.removeAllListeners("offline");
    check("removeAllListeners(event)", c.listenerCount("offline") === 0);
    let threw = null;
    try {
      c.on("connect", "not a function");
    } catch (e) {
      threw = e;
    }
    check("a listener must be a function", threw instanceof TypeError);
    c.end();
  }

  // ---- packetsend / packetreceive: registered with the wasm client while someone listens ---
  {
    const c = connect(url, { clientId: `p-${unique}` });
    const topic = `wasmqtt/page/${unique}/packets`;
    const sent = [];
    const received = [];
    c.on("packetsend", (p) => sent.push(p.cmd)).on("packetreceive", (p) => received.push(p.cmd));
    await new Promise((resolve, reject) => c.once("connect", resolve).once("error", reject));
    await c.subscribeAsync(topic, { qos: 1 });
    await c.publishAsync(topic, "p", { qos: 1 });
    await sleep(200);
    c.removeAllListeners("packetsend");
    await c.publishAsync(topic, "q", { qos: 0 });
    await sleep(200);
    await c.endAsync();
    check("packetsend: each packet written", sent.join() === "connect,subscribe,publish,puback", sent.join());
    const [first, second, ...rest] = received;
    check(
      "packetreceive: each packet read",
      first === "connack" && second === "suback" && rest.sort().join() === "puback,publish,publish",
      received.join(),
    );
  }

  // ---- outgoingEmpty: as MQTT.js, only while end() waits for messages in flight ------------
  {
    const c = connect(url, { clientId: `o-${unique}` });
    const events = [];
    for (const e of ["outgoingEmpty", "close", "end"]) c.on(e, () => events.push(e));
    await new Promise((resolve, reject) => c.once("connect", resolve).once("error", reject));
    await c.publishAsync(`wasmqtt/page/${unique}/o`, "idle", { qos: 1 });
    await sleep(100);
    check("no outgoingEmpty when no end() waits", events.length === 0, events.join());
    const acked = [];
    for (let i = 0; i < 3; i++) c.publish(`wasmqtt/page/${unique}/o`, `m${i}`, { qos: 1 }, (e) => acked.push(e ?? "ok"));
    const endArgs = await new Promise((resolve) => c.end(false, {}, (...args) => resolve(args)));
    check("end's callback gets undefined, as in MQTT.js", endArgs.length === 1 && endArgs[0] === undefined, endArgs.length);
    check("end() waits for the messages in flight", acked.join() === "ok,ok,ok", acked.join());
    check("outgoingEmpty once, before close and end", events.join() === "outgoingEmpty,close,end", events.join());
  }

  // ---- a throwing listener does not stop the others; messages wait for a listener -----------
  {
    const c = connect(url, { clientId: `m-${unique}` });
    const base = `wasmqtt/page/${unique}`;
    await new Promise((resolve, reject) => c.once("connect", resolve).once("error", reject));
    let second = false;
    c.once("connect", () => {
      throw new Error("expected: a listener that throws");
    });
    c.once("connect", () => (second = true));
    await c.subscribeAsync(`${base}/#`, { qos: 1 });
    await c.publishAsync(`${base}/early`, "early", { qos: 1 });
    await sleep(300);
    const got = [];
    const onMessage = (topic, payload) => got.push(payload.toString());
    c.on("message", onMessage);
    await sleep(300);
    check("a message that arrived before any listener is delivered once one is added", got.join() === "early", got.join());
    c.off("message", onMessage);
    await sleep(50);
    await c.publishAsync(`${base}/later`, "later", { qos: 1 });
    await sleep(300);
    check("without a listener, messages wait", got.join() === "early", got.join());
    c.on("message", onMessage);
    await sleep(300);
    check("...and come once a listener is back", got.join() === "early,later", got.join());
    // End and connect again, to run the `connect` listeners.
    await c.endAsync(true);
    c.reconnect();
    await new Promise((resolve) => c.once("connect", resolve));
    await sleep(50);
    check("a throwing listener does not stop the next one", second === true);
    await c.endAsync();
  }

  // ---- end() before the connection is up ------------------------------------------------------
  {
    const sync = connect(url, { clientId: `e1-${unique}` });
    const syncEvents = record(sync);
    let syncCb = 0;
    sync.end(false, {}, () => syncCb++);

    const opening = connect(url, { clientId: `e2-${unique}` });
    const openingEvents = record(opening);
    await Promise.resolve();
    let openingCb = 0;
    opening.end(true, {}, () => openingCb++);

    const dead = connect(deadUrl, { clientId: `e3-${unique}` });
    const deadEvents = record(dead);
    await Promise.resolve();
    let deadCb = 0;
    dead.end(true, {}, () => deadCb++);

    await sleep(1500);
    check(
      "end() at once after connect(): close, end, no connection",
      syncEvents.join() === "close,end" && syncCb === 1 && !sync.connected && sync.disconnected,
      `${syncEvents} cb=${syncCb} connected=${sync.connected}`,
    );
    check(
      "end() while the WebSocket opens: close, end, no connection",
      openingEvents.join() === "close,end" && openingCb === 1 && !opening.connected && opening.disconnected,
      `${openingEvents} cb=${openingCb} connected=${opening.connected}`,
    );
    check(
      "end() while a WebSocket that will fail opens: close, end",
      deadEvents.join() === "close,end" && deadCb === 1 && dead.disconnected,
      `${deadEvents} cb=${deadCb}`,
    );
  }

  // ---- lifetime -----------------------------------------------------------------------------
  if (typeof globalThis.gc === "function") {
    const collected = new Set();
    const registry = new FinalizationRegistry((name) => collected.add(name));
    const got = [];
    const base = `wasmqtt/page/${unique}/gc`;
    // A connected client nobody references keeps working.
    await new Promise((resolve, reject) => {
      const c = connect(url, { clientId: `g1-${unique}` });
      registry.register(c, "connected");
      c.on("message", (topic, payload) => got.push(payload.toString()));
      c.on("error", reject);
      c.subscribe(base, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    });
    // An ended client nobody references can be collected.
    await new Promise((resolve) => {
      const c = connect(url, { clientId: `g2-${unique}` });
      registry.register(c, "ended");
      c.on("message", () => {});
      c.on("connect", () => c.end(() => resolve()));
    });
    for (let i = 0; i < 5 && !collected.has("ended"); i++) {
      await sleep(50);
      globalThis.gc();
    }
    const peer = connect(url, { clientId: `g3-${unique}` });
    await new Promise((resolve) => peer.on("connect", resolve));
    await peer.publishAsync(base, "still here", { qos: 1 });
    await sleep(300);
    await peer.endAsync();
    check("a connected client nobody references is not collected and still receives", !collected.has("connected") && got.join() === "still here", `${[...collected]} ${got}`);
    check("an ended client nobody references is collected", collected.has("ended"), [...collected].join());
  } else {
    check("gc() is exposed (--js-flags=--expose-gc)", false);
  }
  return { checks, ids: [`e1-${unique}`, `e2-${unique}`] };
}
