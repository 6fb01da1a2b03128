// The MQTT.js-shaped client users import: a thin JavaScript shell over the wasm `MqttClient`.
//
// What the shell adds to the wasm class:
// - Listeners live in JavaScript, with Node EventEmitter's surface (`addListener`,
//   `prependListener`, `prependOnceListener`, `listeners`, `eventNames`, a TypeError for a
//   listener that is not a function) and MQTT.js's conventions: listeners are called with
//   `this` set to the client, and the methods chain (`return this`). The wasm client gets one
//   dispatcher per event; those of `message`, `packetsend` and `packetreceive` only while a
//   listener exists: the wasm client holds received messages in its bounded queue until
//   someone listens, and describes packets only for a listener.
// - Lifetime: the dispatchers the wasm client holds keep this object reachable (wasm-bindgen
//   holds the JavaScript values Rust keeps as GC roots), so a client lives on while it may
//   still do something, as an MQTT.js client does through its socket. Once `end` is emitted,
//   the dispatchers are removed, so an ended client nobody references can be collected (and the
//   wasm side freed); `reconnect()` puts them back.
// - A Rust panic (a bug; none is known) traps the wasm module and leaves the client state
//   unusable. The module tells this shell (`setPanicHandler`), which emits `error` (code
//   `ERR_PANIC`) and `close` on every live client, and from then on answers calls with that
//   error without entering the wasm module, so the page lives on.
// - `connectAsync`, and the module shape `import mqtt from "wasmqtt"; mqtt.connect(...)`.
import * as wasm from "./wasmqtt.js";

/** Events emitted by the wasm client whose dispatchers are always registered. */
const EAGER_EVENTS = [
  "connect",
  "error",
  "close",
  "offline",
  "reconnect",
  "end",
  "disconnect",
  "outgoingEmpty",
  "drain",
  "auth",
];

/** Events whose dispatchers are registered only while someone listens (see above). */
const LAZY_EVENTS = ["message", "packetsend", "packetreceive"];

const TOKEN = Symbol("wasmqtt.MqttClient");

/** Clients holding dispatchers in the wasm module: those to tell of a panic. */
const live = new Set();
let panicHandlerSet = false;
/** The error of a panic of the wasm module, once it happened: no new client may use it. */
let panicError = null;

/** Called (in a microtask) if the wasm module panics. */
function onPanic(message) {
  panicError = new Error(`wasmqtt stopped after an internal error (a Rust panic): ${message}`);
  panicError.code = "ERR_PANIC";
  const clients = [...live];
  live.clear();
  for (const client of clients) client._panicked(panicError);
}

function report(error) {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else console.error(error);
}

function checkListener(listener) {
  if (typeof listener !== "function") {
    throw new TypeError(`The "listener" argument must be of type function. Received ${typeof listener}`);
  }
}

/**
 * An MQTT client with MQTT.js's methods, events and options. Create one with `connect()` or
 * `connectAsync()`.
 */
export class MqttClient {
  /** The wasm client. */
  #h;
  /** event name -> [{ fn, once }] */
  #listeners = new Map();
  /** event name -> the function registered for it on the wasm client */
  #dispatchers = new Map();
  /** Whether the wasm client holds our dispatchers (see "Lifetime" above). */
  #attached = false;
  /** The LAZY_EVENTS whose dispatchers the wasm client has. */
  #lazyRegistered = new Set();
  /** After a panic of the wasm module: the error every call answers with. */
  #dead = null;

  constructor(token, handle) {
    if (token !== TOKEN) {
      throw new TypeError("MqttClient cannot be constructed directly: use connect(url, options)");
    }
    this.#h = handle;
    this.#attach();
  }

  /** Registers the dispatchers, unless the wasm client has them already. */
  #attach() {
    if (this.#attached) return;
    for (const event of EAGER_EVENTS) this.#h.on(event, this.#dispatcher(event));
    this.#attached = true;
    live.add(this);
    this.#syncLazy();
  }

  /**
   * After `end`: drops the dispatchers once the current turn's events are delivered (an
   * `outgoingEmpty` may follow `end`), unless the client was started again meanwhile.
   */
  #detachLater() {
    queueMicrotask(() => {
      if (!this.#attached || !this.#h.disconnected) return;
      this.#h.removeAllListeners();
      this.#attached = false;
      live.delete(this);
      this.#lazyRegistered.clear();
    });
  }

  /**
   * Registers the dispatcher of each of LAZY_EVENTS while it has a listener, and removes it
   * when none is left: meanwhile messages wait in the wasm client's queue, and no packet is
   * described.
   */
  #syncLazy() {
    if (this.#dead) return;
    for (const event of LAZY_EVENTS) {
      const want = this.#attached && this.listenerCount(event) > 0;
      if (want === this.#lazyRegistered.has(event)) continue;
      const d = this.#dispatcher(event);
      if (want) {
        this.#lazyRegistered.add(event);
        this.#h.on(event, d);
      } else {
        this.#lazyRegistered.delete(event);
        this.#h.off(event, d);
      }
    }
  }

  #dispatcher(event) {
    let d = this.#dispatchers.get(event);
    if (!d) {
      d = (...args) => this.#dispatch(event, args);
      this.#dispatchers.set(event, d);
    }
    return d;
  }

  #dispatch(event, args) {
    if (event === "end") this.#detachLater();
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) {
      if (event === "error") {
        console.error("wasmqtt: unhandled 'error' event:", args[0]);
      }
      return;
    }
    // The common case, one listener that is not `once`, allocates nothing per message.
    if (list.length === 1 && !list[0].once) {
      try {
        list[0].fn.apply(this, args);
      } catch (e) {
        report(e);
      }
      return;
    }
    // Those called are the ones registered now, whatever the listeners add or remove.
    const current = list.slice();
    if (current.some((l) => l.once)) {
      this.#listeners.set(
        event,
        list.filter((l) => !l.once),
      );
      if (LAZY_EVENTS.includes(event)) this.#syncLazy();
    }
    for (const { fn } of current) {
      try {
        fn.apply(this, args);
      } catch (e) {
        report(e);
      }
    }
  }

  #add(event, listener, once, prepend) {
    checkListener(listener);
    const name = String(event);
    let list = this.#listeners.get(name);
    if (!list) {
      list = [];
      this.#listeners.set(name, list);
    }
    if (prepend) list.unshift({ fn: listener, once });
    else list.push({ fn: listener, once });
    if (LAZY_EVENTS.includes(name)) this.#syncLazy();
    return this;
  }

  /** Adds a listener. */
  on(event, listener) {
    return this.#add(event, listener, false, false);
  }

  /** Adds a listener (alias of `on`). */
  addListener(event, listener) {
    return this.#add(event, listener, false, false);
  }

  /** Adds a listener called at most once. */
  once(event, listener) {
    return this.#add(event, listener, true, false);
  }

  /** Adds a listener before the others. */
  prependListener(event, listener) {
    return this.#add(event, listener, false, true);
  }

  /** Adds a listener called at most once, before the others. */
  prependOnceListener(event, listener) {
    return this.#add(event, listener, true, true);
  }

  /** Removes the most recently added registration of `listener` for `event`. */
  off(event, listener) {
    const name = String(event);
    const list = this.#listeners.get(name);
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].fn === listener) {
          list.splice(i, 1);
          break;
        }
      }
      if (LAZY_EVENTS.includes(name)) this.#syncLazy();
    }
    return this;
  }

  /** Removes a listener (alias of `off`). */
  removeListener(event, listener) {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event) {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(String(event));
    this.#syncLazy();
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event) {
    return (this.#listeners.get(String(event)) ?? []).length;
  }

  /** A copy of the listeners of `event`. */
  listeners(event) {
    return (this.#listeners.get(String(event)) ?? []).map((l) => l.fn);
  }

  /** Events with at least one listener. */
  eventNames() {
    return [...this.#listeners].filter(([, l]) => l.length > 0).map(([name]) => name);
  }

  /** The module panicked (see the header): `error` and `close`, then every call fails. */
  _panicked(error) {
    this.#dead = error;
    this.#attached = false;
    this.#dispatch("error", [error]);
    this.#dispatch("close", []);
  }

  /** After a panic: the callback (the last function argument) gets the error; true if dead. */
  #refuse(args) {
    if (!this.#dead) return false;
    const callback = [...args].reverse().find((a) => typeof a === "function");
    if (callback) queueMicrotask(() => callback.call(this, this.#dead));
    return true;
  }

  /** After a panic: the rejected Promise of an `...Async` call, or null while alive. */
  #rejected() {
    return this.#dead ? Promise.reject(this.#dead) : null;
  }

  /**
   * An `...Async` form: the callback form's `(error, result)` as a Promise (as MQTT.js builds
   * its own), so the wasm module exports only the callback forms.
   */
  #promised(call) {
    return this.#rejected() ?? new Promise((resolve, reject) => call((err, result) => (err ? reject(err) : resolve(result))));
  }

  /**
   * `publish(topic, message, [options], [callback])`; options `qos`, `retain`, `dup`,
   * `properties`; `callback(error, packet)` once QoS 0 is written, QoS 1 acknowledged, QoS 2
   * completed.
   */
  publish(topic, message, opts, callback) {
    if (typeof opts === "function") [opts, callback] = [undefined, opts];
    if (typeof callback === "function") callback = publishCallback(topic, message, opts, callback);
    if (!this.#refuse([opts, callback])) this.#h.publish(topic, message, opts, callback);
    return this;
  }

  /** `publishAsync(topic, message, [options])`: a Promise of what `publish`'s callback gets. */
  publishAsync(topic, message, opts) {
    return this.#promised((cb) => this.#h.publish(topic, message, opts, publishCallback(topic, message, opts, cb)));
  }

  /**
   * `onMessage(filter, handler)` (wasmqtt): calls `handler(topic, payload, packet)` for each
   * message whose topic matches `filter`; returns a function that removes the handler.
   */
  onMessage(filter, handler) {
    if (this.#dead) throw this.#dead;
    return this.#h.onMessage(filter, handler);
  }

  /**
   * `messages([filter])` (wasmqtt): an async iterator of `{ topic, payload, packet }` pulled
   * from the bounded inbound queue: `for await (const m of client.messages("sensors/#"))`.
   */
  messages(filter) {
    if (this.#dead) throw this.#dead;
    return this.#h.messages(filter);
  }

  /**
   * `subscribe(topic | topics | {topic: options}, [options], [callback])`;
   * `callback(error, granted)` with `{topic, qos}` per filter (`qos` 128 or above: refused).
   */
  subscribe(topic, opts, callback) {
    if (!this.#refuse([opts, callback])) this.#h.subscribe(topic, opts, callback);
    return this;
  }

  /** `subscribeAsync(topic, [options])`: a Promise of the granted list. */
  subscribeAsync(topic, opts) {
    return this.#promised((cb) => this.#h.subscribe(topic, opts, cb));
  }

  /** `unsubscribe(topic | topics, [options], [callback])`. */
  unsubscribe(topic, opts, callback) {
    if (!this.#refuse([opts, callback])) this.#h.unsubscribe(topic, opts, callback);
    return this;
  }

  /** `unsubscribeAsync(topic, [options])`. */
  unsubscribeAsync(topic, opts) {
    return this.#promised((cb) => this.#h.unsubscribe(topic, opts, cb));
  }

  /**
   * `end([force], [options], [callback])`: DISCONNECT (after in-flight messages complete unless
   * `force`), and no reconnect.
   */
  end(force, opts, callback) {
    // As MQTT.js, the callback gets one argument: the error, undefined after a clean end.
    const args = [force, opts, callback].map((a) => (typeof a === "function" ? (err) => a(err ?? undefined) : a));
    if (!this.#refuse(args)) this.#h.end(...args);
    return this;
  }

  /** `endAsync([force], [options])`. */
  endAsync(force, opts) {
    return this.#promised((cb) => this.#h.end(force, opts, cb));
  }

  /** Connects again now: after `end()`, after a failure, or to skip the backoff wait. */
  reconnect() {
    if (this.#dead) throw this.#dead;
    this.#attach();
    this.#h.reconnect();
    return this;
  }

  /**
   * Starts the first connection of a client made with `manualConnect: true`. (An ended client
   * starts again with `reconnect()`; on one, this does nothing.)
   */
  connect() {
    if (this.#dead) throw this.#dead;
    this.#h.connect();
    return this;
  }

  /** Whether CONNACK accepted the current connection. */
  get connected() {
    return !this.#dead && this.#h.connected;
  }

  /** Whether the client is between a lost connection and the next CONNACK. */
  get reconnecting() {
    return !this.#dead && this.#h.reconnecting;
  }

  /** Whether `end()` completed (or the module panicked). */
  get disconnected() {
    return !!this.#dead || this.#h.disconnected;
  }

  /** Whether `end()` waits for in-flight messages. */
  get disconnecting() {
    return !this.#dead && this.#h.disconnecting;
  }

  /**
   * The options given to `connect`, with the client id in force and, as in MQTT.js, the
   * defaults of the options left out.
   */
  get options() {
    const o = this.#h.options;
    const defaults = {
      keepalive: 60,
      reschedulePings: true,
      protocolVersion: 4,
      protocolId: o.protocolVersion === 3 ? "MQIsdp" : "MQTT",
      reconnectPeriod: 1000,
      connectTimeout: 30000,
      clean: true,
      resubscribe: true,
      queueQoSZero: true,
      timerVariant: "auto",
    };
    for (const key in defaults) if (o[key] === undefined) o[key] = defaults[key];
    return o;
  }

  /** Flow-control figures: queue depths and drops, inflight each way, bytes. */
  stats() {
    if (this.#dead) throw this.#dead;
    return this.#h.stats();
  }
}

/**
 * `callback` called as MQTT.js calls a publish callback: with nothing once a QoS 0 message is
 * written, with the PUBLISH packet once QoS 1 is acknowledged, and with the PUBREL once QoS 2
 * is complete (both with the acknowledgement's `reasonCode` in MQTT 5); an error alone.
 */
function publishCallback(topic, message, opts, callback) {
  return (err, ack) => {
    if (err) return callback(err);
    if (ack?.messageId === undefined) return callback();
    const packet =
      opts?.qos === 2
        ? { cmd: "pubrel", qos: 2, messageId: ack.messageId }
        : { cmd: "publish", topic, payload: message, qos: 1, retain: Boolean(opts?.retain), dup: false, messageId: ack.messageId };
    if (opts?.properties !== undefined && packet.cmd === "publish") packet.properties = opts.properties;
    if (ack.reasonCode !== undefined) packet.reasonCode = ack.reasonCode;
    return callback(null, packet);
  };
}

/** A broker URL's parts: scheme, `user:password`, host, port, and the path with its query. */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^#]*)/;

const given = (o, key) => o[key] !== undefined && o[key] !== null;

/**
 * MQTT.js's broker options, merged as its `connect` merges them: `protocol`, `host` or
 * `hostname`, `port` and `path` given as options take the place of those parts of the URL (or
 * make the URL when there is none, e.g. `connect({ host, port, protocol: "wss" })`); the
 * credentials of `auth` or of the URL's `user:password@` become `username` and `password`;
 * `query.clientId` or the URL's `?clientId=` becomes `clientId`. Returns the `[url, options]`
 * the wasm client reads: the very arguments when there is nothing to merge.
 */
function resolveBroker(url, options) {
  if (url !== null && typeof url === "object" && options === undefined) [url, options] = [undefined, url];
  const o = options ?? {};
  if (typeof o !== "object" || Array.isArray(o)) return [url, options];
  const m = typeof url === "string" ? URL_PARTS.exec(url) : null;
  const parsed = m
    ? { protocol: m[1], auth: m[2] && decodeURIComponent(m[2]), host: m[3], port: m[4], path: m[5] }
    : { path: typeof url === "string" && url.startsWith("/") ? url : undefined };
  const partGiven = ["protocol", "host", "hostname", "port", "path"].some((k) => given(o, k));
  const auth = given(o, "auth") ? String(o.auth) : parsed.auth;
  const query = given(o, "query") ? o.query : new URLSearchParams((parsed.path ?? "").split("?")[1] ?? "");
  const queryId = query instanceof URLSearchParams ? query.get("clientId") : query.clientId;
  // With `servers` (and no URL), each attempt goes to the next server: nothing to make here.
  const makeUrl = (partGiven && !(url === undefined && given(o, "servers"))) || parsed.auth !== undefined;
  if (!m && !makeUrl && auth === undefined && typeof queryId !== "string") return [url, options];
  const merged = { ...o };
  // As MQTT.js, `options` shows the broker's parts (those the options did not give).
  if (m) {
    const parts = { protocol: parsed.protocol, host: parsed.host, hostname: parsed.host, path: parsed.path || "/" };
    if (parsed.port) parts.port = Number(parsed.port);
    for (const key in parts) if (!given(o, key)) merged[key] = parts[key];
  }
  if (auth !== undefined) {
    const colon = auth.indexOf(":");
    merged.username = colon < 0 ? auth : auth.slice(0, colon);
    if (colon >= 0) merged.password = auth.slice(colon + 1);
  }
  if (typeof queryId === "string") merged.clientId = queryId;
  if (makeUrl) {
    const protocol = String(o.protocol ?? parsed.protocol ?? "ws").replace(/:$/, "");
    let host = o.hostname ?? o.host ?? (parsed.host || globalThis.location?.hostname);
    if (host) {
      host = String(host);
      if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
      const port = given(o, "port") ? o.port : parsed.port;
      let path = String(o.path ?? parsed.path ?? "/");
      if (!path.startsWith("/")) path = `/${path}`;
      url = `${protocol}://${host}${port ? `:${port}` : ""}${path}`;
    }
  }
  return [url, merged];
}

/**
 * `connect(url, [options])` or `connect(options)` (with `host`/`port`/`protocol`/`path`, or
 * `servers`): a client that connects at once (unless `manualConnect`) and reconnects after
 * `reconnectPeriod` ms (0: never).
 */
export function connect(url, options) {
  [url, options] = resolveBroker(url, options);
  if (!panicHandlerSet) {
    // Here rather than at load: without a bundler the module is instantiated after this file
    // is evaluated.
    wasm.setPanicHandler(onPanic);
    panicHandlerSet = true;
  }
  if (panicError) throw panicError;
  // MQTT.js calls transformWsUrl(url, options, client): the wasm client passes the first two.
  let client;
  const transform = options?.transformWsUrl;
  if (typeof transform === "function") {
    options = { ...options, transformWsUrl: (u, o) => transform(u, o, client) };
  }
  client = new MqttClient(TOKEN, wasm.connect(url ?? "", options));
  if (typeof transform === "function") options.transformWsUrl = transform;
  return client;
}

/**
 * `connectAsync(url, [options], [allowRetries = true])`: a Promise of a client whose first
 * connection succeeded (or which was ended meanwhile); rejected with the first `error` (the
 * client is then ended). With `allowRetries` false, the first `close` rejects too.
 */
export function connectAsync(url, options, allowRetries = true) {
  return new Promise((resolve, reject) => {
    let client;
    try {
      client = connect(url, options);
    } catch (e) {
      reject(e);
      return;
    }
    const settle = () => {
      client.off("connect", onConnect).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onConnect = () => {
      settle();
      resolve(client);
    };
    const onEnd = () => {
      settle();
      resolve(client);
    };
    const onError = (err) => {
      settle();
      client.end();
      reject(err);
    };
    const onClose = () => onError(new Error("Couldn't connect to server"));
    client.on("connect", onConnect).on("end", onEnd).on("error", onError);
    if (allowRetries === false) client.on("close", onClose);
  });
}

/** MQTT.js's other name for the client class. */
export const Client = MqttClient;

/** MQTT.js's module shape: `import mqtt from "wasmqtt"; mqtt.connect(url, options)`. */
export const mqtt = Object.freeze({ connect, connectAsync, MqttClient, Client });
