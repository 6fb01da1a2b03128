// The MQTT.js-shaped client users import: a thin JavaScript shell over the wasm `MqttClient`.
//
// Why a shell and not the wasm class itself:
// - The wasm `on/once/off/removeListener/removeAllListeners` take the client *by value*
//   (`self` in Rust): wasm-bindgen empties the JavaScript object they are called on and returns
//   a new one, so `client.on("connect", f); client.subscribe(...)` would fail with "null
//   pointer passed to rust". Calling one of them while another method of the same object is
//   running (a listener of the `close` event emitted synchronously inside `end()`) would trap.
//   Here the listeners live in JavaScript: one dispatcher per event is registered on the wasm
//   client, so user code never calls the consuming methods.
// - Listeners are called with `this` set to the client, and the methods chain (`return this`),
//   as in MQTT.js.
// - Lifetime: the dispatchers the wasm client holds keep this object reachable (wasm-bindgen
//   holds JavaScript values it keeps as GC roots), so a client lives on while it may still do
//   something, as an MQTT.js client does through its socket. Once `end` is emitted, the
//   dispatchers are removed, so an ended client nobody references can be collected (and the
//   wasm side freed); `reconnect()` puts them back.
// - `end()` before the connection is up is made to stick. The wasm client (this version) still
//   opens the socket when end() comes before its first microtask ran (it reports `close` and
//   `end`, then connects anyway), and ignores end() while its WebSocket is opening (no `close`,
//   no `end`, then it connects). Either way the connection that follows is closed here as soon
//   as it is up, without the application seeing it.
import * as wasm from "./wasmqtt.js";

/** Events emitted by the wasm client; `message` is registered only while someone listens. */
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

const TOKEN = Symbol("wasmqtt.MqttClient");

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
  /** Whether the wasm client has our `message` dispatcher. */
  #messageRegistered = false;
  #messageSyncQueued = false;
  #dispatchers = new Map();
  /** The wasm client's first microtask (which opens the socket) has not run yet. */
  #startPending = false;
  /**
   * After an end() the wasm client did not apply (see above): null, or
   * "silent"  the application already saw `close` and `end`: everything that follows is hidden;
   * "pending" the application waits for `close` and `end`: only those are shown.
   * Meanwhile end() is repeated until the wasm client reports it ended.
   */
  #zombie = null;
  #zombieTimer = null;
  /** Whether the wasm client holds our dispatchers (see "Lifetime" above). */
  #attached = false;
  /** How many calls into the wasm client are on the stack (consuming calls must wait). */
  #depth = 0;

  constructor(token, handle, manualConnect) {
    if (token !== TOKEN) {
      throw new TypeError("MqttClient cannot be constructed directly: use connect(url, options)");
    }
    this.#h = handle;
    this.#attach();
    if (!manualConnect) this.#markStartPending();
  }

  /** Registers the dispatchers (consuming calls: only with no wasm call on the stack). */
  #attach() {
    let h = this.#h;
    for (const event of EAGER_EVENTS) {
      h = h.on(event, this.#dispatcher(event));
    }
    this.#h = h;
    this.#attached = true;
    this.#queueMessageSync();
  }

  /** After `end`: drops the dispatchers, unless the client was started again meanwhile. */
  #detachLater() {
    queueMicrotask(() => {
      if (!this.#attached || this.#zombie !== null || !this.#h.disconnected) return;
      this.#h = this.#h.removeAllListeners();
      this.#attached = false;
      this.#messageRegistered = false;
    });
  }

  /** Runs `f(handle)`, counting it as a wasm call on the stack. */
  #call(f) {
    this.#depth++;
    try {
      return f(this.#h);
    } finally {
      this.#depth--;
    }
  }

  #markStartPending() {
    this.#startPending = true;
    // Queued after the wasm client's own microtask: the socket is opening when this runs.
    queueMicrotask(() => {
      this.#startPending = false;
      if (this.#zombie === "silent") {
        // end() came first and the wasm client counts itself ended, so a second end() would
        // be ignored: undo that (no event), then end again until it sticks.
        this.#h.reconnect().free();
        this.#repeatEnd();
      }
    });
  }

  /** Called after end(): notes whether the wasm client really ended (see #zombie). */
  #afterEnd() {
    if (this.#startPending) {
      this.#zombie = "silent";
    } else if (!this.#h.disconnected && !this.#h.connected) {
      this.#zombie = "pending";
      this.#repeatEnd();
    }
  }

  /**
   * While the WebSocket opens, end() has no effect; once it opened (or failed), it does. No
   * event says when: try again every 50 ms until the client reports it ended.
   */
  #repeatEnd() {
    clearInterval(this.#zombieTimer);
    this.#zombieTimer = setInterval(() => {
      if (this.#zombie === null || this.#h.disconnected) {
        clearInterval(this.#zombieTimer);
        this.#zombieTimer = null;
        return;
      }
      this.#h.end(true);
    }, 50);
  }

  #stopZombie() {
    this.#zombie = null;
    clearInterval(this.#zombieTimer);
    this.#zombieTimer = null;
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
    if (this.#zombie !== null) {
      const hidden = this.#zombie === "silent" || !(event === "close" || event === "end");
      if (event === "end") {
        this.#stopZombie();
        this.#detachLater();
      }
      if (hidden) return;
    } else if (event === "end") {
      this.#detachLater();
    }
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) {
      if (event === "error") {
        console.error("wasmqtt: unhandled 'error' event:", args[0]);
      }
      return;
    }
    const current = list.slice();
    this.#listeners.set(
      event,
      list.filter((l) => !l.once),
    );
    if (event === "message" && this.#listeners.get(event).length === 0) this.#queueMessageSync();
    for (const { fn } of current) {
      try {
        fn.apply(this, args);
      } catch (e) {
        report(e);
      }
    }
  }

  /**
   * The wasm client delivers messages only while a `message` listener is registered (until
   * then they wait in the bounded inbound queue). Registering or removing our dispatcher calls
   * a consuming wasm method, which must not run while another method of the client is on the
   * stack: it is done in a microtask, when the stack is empty.
   */
  #queueMessageSync() {
    if (this.#messageSyncQueued) return;
    this.#messageSyncQueued = true;
    queueMicrotask(() => {
      this.#messageSyncQueued = false;
      const want = this.#attached && (this.#listeners.get("message") ?? []).length > 0;
      if (want === this.#messageRegistered) return;
      const d = this.#dispatcher("message");
      this.#h = want ? this.#h.on("message", d) : this.#h.off("message", d);
      this.#messageRegistered = want;
    });
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
    if (name === "message") this.#queueMessageSync();
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
      if (name === "message") this.#queueMessageSync();
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
    this.#queueMessageSync();
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

  /**
   * `publish(topic, message, [options], [callback])`; options `qos`, `retain`, `dup`,
   * `properties`; `callback(error, packet)` once QoS 0 is written, QoS 1 acknowledged, QoS 2
   * completed.
   */
  publish(topic, message, opts, callback) {
    this.#call((h) => h.publish(topic, message, opts, callback));
    return this;
  }

  /** `publishAsync(topic, message, [options])`: a Promise of the acknowledgement. */
  publishAsync(topic, message, opts) {
    return this.#h.publishAsync(topic, message, opts);
  }

  /**
   * `subscribe(topic | topics | {topic: options}, [options], [callback])`;
   * `callback(error, granted)` with `{topic, qos}` per filter (`qos` 128 or above: refused).
   */
  subscribe(topic, opts, callback) {
    this.#call((h) => h.subscribe(topic, opts, callback));
    return this;
  }

  /** `subscribeAsync(topic, [options])`: a Promise of the granted list. */
  subscribeAsync(topic, opts) {
    return this.#h.subscribeAsync(topic, opts);
  }

  /** `unsubscribe(topic | topics, [options], [callback])`. */
  unsubscribe(topic, opts, callback) {
    this.#call((h) => h.unsubscribe(topic, opts, callback));
    return this;
  }

  /** `unsubscribeAsync(topic, [options])`. */
  unsubscribeAsync(topic, opts) {
    return this.#h.unsubscribeAsync(topic, opts);
  }

  /**
   * `end([force], [options], [callback])`: DISCONNECT (after in-flight messages complete unless
   * `force`), and no reconnect.
   */
  end(force, opts, callback) {
    this.#call((h) => h.end(force, opts, callback));
    this.#afterEnd();
    return this;
  }

  /** `endAsync([force], [options])`. */
  endAsync(force, opts) {
    const promise = this.#call((h) => h.endAsync(force, opts));
    this.#afterEnd();
    return promise;
  }

  /**
   * Puts the dispatchers back before the client starts again; `false` when that has to wait
   * for the stack to empty (called from a callback run inside another call of this client).
   */
  #reattach(retry) {
    this.#stopZombie();
    if (this.#attached) return true;
    if (this.#depth > 0) {
      queueMicrotask(retry);
      return false;
    }
    this.#attach();
    return true;
  }

  /** Connects again now: after `end()`, after a failure, or to skip the backoff wait. */
  reconnect() {
    if (this.#reattach(() => this.reconnect())) this.#call((h) => h.reconnect().free());
    return this;
  }

  /** Starts the first connection of a client made with `manualConnect: true`. */
  connect() {
    if (this.#reattach(() => this.connect())) {
      this.#call((h) => h.connect().free());
      this.#markStartPending();
    }
    return this;
  }

  /** Whether CONNACK accepted the current connection. */
  get connected() {
    return this.#h.connected;
  }

  /** Whether the client is between a lost connection and the next CONNACK. */
  get reconnecting() {
    return this.#h.reconnecting;
  }

  /** Whether `end()` completed. */
  get disconnected() {
    return this.#h.disconnected;
  }

  /** Whether `end()` waits for in-flight messages. */
  get disconnecting() {
    return this.#h.disconnecting;
  }

  /** The options given to `connect`, with the client id in force. */
  get options() {
    return this.#h.options;
  }

  /** Flow-control figures: queue depths and drops, inflight each way, bytes. */
  stats() {
    return this.#h.stats();
  }
}

/**
 * `connect(url, [options])` or `connect(options)` (with `servers`): a client that connects at
 * once (unless `manualConnect`) and reconnects after `reconnectPeriod` ms (0: never).
 */
export function connect(url, options) {
  const opts = typeof url === "string" ? options : url;
  const manual = Boolean(opts && typeof opts === "object" && opts.manualConnect);
  return new MqttClient(TOKEN, wasm.connect(url, options), manual);
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

/** MQTT.js's module shape: `import mqtt from "wasmqtt"; mqtt.connect(url, options)`. */
export const mqtt = Object.freeze({ connect, connectAsync, MqttClient });
