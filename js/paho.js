// A facade with the API of the Eclipse Paho JavaScript client 1.1 (npm `paho-mqtt`):
// `Paho.Client` / `Paho.MQTT.Client` and `Paho.Message`, with Paho's constructor forms,
// callbacks, connect options and defaults, argument checks (an `Error` whose message is Paho's
// AMQJS text) and error codes, over wasmqtt's client. Written from Paho's documented API.
//
// Differences from Paho, on purpose:
// - In-flight messages are not persisted to localStorage.
// - `onMessageDelivered` for QoS 0 is called once the message is written, not inside send().
// - `disconnect()` while a connection attempt is in progress abandons the attempt.
// - MQTT 3.1 and 3.1.1 only (`mqttVersion` 3 or 4), like Paho; use `connect()` for MQTT 5.
import { connect as mqttConnect } from "./client.js";

/** Paho's error codes and texts. */
export const ERROR = Object.freeze({
  OK: { code: 0, text: "AMQJSC0000I OK." },
  CONNECT_TIMEOUT: { code: 1, text: "AMQJSC0001E Connect timed out." },
  SUBSCRIBE_TIMEOUT: { code: 2, text: "AMQJS0002E Subscribe timed out." },
  UNSUBSCRIBE_TIMEOUT: { code: 3, text: "AMQJS0003E Unsubscribe timed out." },
  PING_TIMEOUT: { code: 4, text: "AMQJS0004E Ping timed out." },
  INTERNAL_ERROR: { code: 5, text: "AMQJS0005E Internal error. Error Message: {0}, Stack trace: {1}" },
  CONNACK_RETURNCODE: { code: 6, text: "AMQJS0006E Bad Connack return code:{0} {1}." },
  SOCKET_ERROR: { code: 7, text: "AMQJS0007E Socket error:{0}." },
  SOCKET_CLOSE: { code: 8, text: "AMQJS0008I Socket closed." },
  MALFORMED_UTF: { code: 9, text: "AMQJS0009E Malformed UTF data:{0} {1} {2}." },
  UNSUPPORTED: { code: 10, text: "AMQJS0010E {0} is not supported by this browser." },
  INVALID_STATE: { code: 11, text: "AMQJS0011E Invalid state {0}." },
  INVALID_TYPE: { code: 12, text: "AMQJS0012E Invalid type {0} for {1}." },
  INVALID_ARGUMENT: { code: 13, text: "AMQJS0013E Invalid argument {0} for {1}." },
  UNSUPPORTED_OPERATION: { code: 14, text: "AMQJS0014E Unsupported operation." },
  INVALID_STORED_DATA: { code: 15, text: "AMQJS0015E Invalid data in local storage key={0} value={1}." },
  INVALID_MQTT_MESSAGE_TYPE: { code: 16, text: "AMQJS0016E Invalid MQTT message type {0}." },
  MALFORMED_UNICODE: { code: 17, text: "AMQJS0017E Malformed Unicode string:{0} {1}." },
  BUFFER_FULL: { code: 18, text: "AMQJS0018E Message buffer is full, maximum buffer size: {0}." },
});

/** MQTT 3.1.1 CONNACK return codes. */
const CONNACK_RC = {
  0: "Connection Accepted",
  1: "Connection Refused: unacceptable protocol version",
  2: "Connection Refused: identifier rejected",
  3: "Connection Refused: server unavailable",
  4: "Connection Refused: bad user name or password",
  5: "Connection Refused: not authorized",
};

/** wasmqtt reports CONNACK codes as MQTT 5 reason codes: back to 3.1.1's return codes. */
const V5_TO_V3_CONNACK = { 0x84: 1, 0x85: 2, 0x88: 3, 0x86: 4, 0x87: 5 };

/** Paho's URI form: ws[s]://host[:port]/path. */
const URI_RE = /^(wss?):\/\/((\[(.+)\])|([^/]+?))(:(\d+))?(\/.*)$/;

const TRACE_MAX = 100;
const RECONNECT_MAX_S = 128;
const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_BUFFER_SIZE = 5000;

/** An error text with `{0}`, `{1}`... replaced, as Paho formats them. */
export function format(error, substitutions) {
  let text = error.text;
  if (substitutions) {
    for (let i = 0; i < substitutions.length; i++) {
      const field = `{${i}}`;
      const at = text.indexOf(field);
      if (at > 0) text = text.slice(0, at) + substitutions[i] + text.slice(at + field.length);
    }
  }
  return text;
}

function fail(error, substitutions) {
  const e = new Error(format(error, substitutions));
  e.errorCode = error.code;
  return e;
}

/** Paho's option check: known keys only, each of its `typeof`. */
function validate(obj, keys) {
  for (const key of Object.keys(obj)) {
    if (Object.prototype.hasOwnProperty.call(keys, key)) {
      if (typeof obj[key] !== keys[key]) throw fail(ERROR.INVALID_TYPE, [typeof obj[key], key]);
    } else {
      throw new Error(`Unknown property, ${key}. Valid properties are: ${Object.keys(keys).join(" ")}`);
    }
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function bytesOf(payload) {
  if (typeof payload === "string") return utf8Encoder.encode(payload);
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
}

/** The first bytes of the first malformed UTF-8 sequence, in hex, for MALFORMED_UTF. */
function badUtf8(bytes) {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    const seq = Array.from(bytes.subarray(i, i + Math.max(len, 1)), (x) => x.toString(16));
    if (len === 0) return seq;
    try {
      utf8Decoder.decode(bytes.subarray(i, i + len));
    } catch {
      return Array.from(bytes.subarray(i, i + len), (x) => x.toString(16));
    }
    i += len - 1;
  }
  return ["", "", ""];
}

/**
 * An application message, sent or received.
 * `new Paho.Message(payload)` with a string, an ArrayBuffer or a typed array.
 */
export class Message {
  #payload;
  #destinationName = undefined;
  #qos = 0;
  #retained = false;
  #duplicate = false;

  constructor(newPayload) {
    if (
      typeof newPayload === "string" ||
      newPayload instanceof ArrayBuffer ||
      (ArrayBuffer.isView(newPayload) && !(newPayload instanceof DataView))
    ) {
      this.#payload = newPayload;
    } else {
      throw fail(ERROR.INVALID_ARGUMENT, [newPayload, "newPayload"]);
    }
  }

  /** The payload as a string; throws when it is not valid UTF-8. */
  get payloadString() {
    if (typeof this.#payload === "string") return this.#payload;
    const bytes = bytesOf(this.#payload);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      const [a = "", b = "", c = ""] = badUtf8(bytes);
      throw fail(ERROR.MALFORMED_UTF, [a, b, c]);
    }
  }

  /** The payload as bytes (a Uint8Array for text and received payloads). */
  get payloadBytes() {
    if (typeof this.#payload === "string") return utf8Encoder.encode(this.#payload);
    return this.#payload;
  }

  /** The topic: where to send, or where it was published. */
  get destinationName() {
    return this.#destinationName;
  }

  set destinationName(name) {
    if (typeof name !== "string") throw fail(ERROR.INVALID_ARGUMENT, [name, "newDestinationName"]);
    this.#destinationName = name;
  }

  /** Alias of `destinationName`. */
  get topic() {
    return this.#destinationName;
  }

  set topic(name) {
    this.destinationName = name;
  }

  /** 0, 1 or 2. */
  get qos() {
    return this.#qos;
  }

  set qos(qos) {
    if (qos !== 0 && qos !== 1 && qos !== 2) throw new Error(`Invalid argument:${qos}`);
    this.#qos = qos;
  }

  /** Whether the server retains it (sent), or delivered a retained message (received). */
  get retained() {
    return this.#retained;
  }

  set retained(retained) {
    if (typeof retained !== "boolean") throw fail(ERROR.INVALID_ARGUMENT, [retained, "newRetained"]);
    this.#retained = retained;
  }

  /** Whether this may be a redelivery (received messages only). */
  get duplicate() {
    return this.#duplicate;
  }

  set duplicate(duplicate) {
    this.#duplicate = duplicate;
  }

  toJSON() {
    let payloadString;
    try {
      payloadString = this.payloadString;
    } catch {
      payloadString = undefined;
    }
    return {
      destinationName: this.#destinationName,
      qos: this.#qos,
      retained: this.#retained,
      duplicate: this.#duplicate,
      payloadString,
      payloadLength: bytesOf(this.#payload).length,
    };
  }
}

/** The Paho error of a wasmqtt `error` event. */
function pahoError(err) {
  const code = err && err.code;
  const message = (err && err.message) || String(err);
  switch (code) {
    case "ERR_CONNECTION_REFUSED": {
      const rc = V5_TO_V3_CONNACK[err.reasonCode] ?? err.reasonCode;
      return [ERROR.CONNACK_RETURNCODE.code, format(ERROR.CONNACK_RETURNCODE, [rc, CONNACK_RC[rc] ?? message])];
    }
    case "ERR_CONNECT_TIMEOUT":
      return [ERROR.CONNECT_TIMEOUT.code, format(ERROR.CONNECT_TIMEOUT)];
    case "ERR_KEEPALIVE_TIMEOUT":
      return [ERROR.PING_TIMEOUT.code, format(ERROR.PING_TIMEOUT)];
    case "ERR_WEBSOCKET":
      return [ERROR.SOCKET_ERROR.code, format(ERROR.SOCKET_ERROR, [message])];
    case "ERR_TRANSPORT_CLOSED":
    case "ERR_CLIENT_CLOSED":
      return [ERROR.SOCKET_CLOSE.code, format(ERROR.SOCKET_CLOSE)];
    default:
      return [
        ERROR.INTERNAL_ERROR.code,
        format(ERROR.INTERNAL_ERROR, [message, (err && err.stack) || "No Error Stack Available"]),
      ];
  }
}

function safeJson(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The state behind one `Paho.Client`. */
class ClientImpl {
  constructor(uri, host, port, path, clientId) {
    this.uri = uri;
    this.host = host;
    this.port = port;
    this.path = path;
    this.clientId = clientId;
    this.connected = false;
    this.connectOptions = null;
    this.hostIndex = 0;
    this.onConnected = null;
    this.onConnectionLost = null;
    this.onMessageDelivered = null;
    this.onMessageArrived = null;
    this.traceFunction = null;
    this.disconnectedPublishing = false;
    this.disconnectedBufferSize = DEFAULT_BUFFER_SIZE;
    /** The wasmqtt client of the current attempt or connection, and the URI it uses. */
    this._mc = null;
    this._mcKey = null;
    /** An attempt is in progress or a connection is up (Paho's "socket"). */
    this._active = false;
    this._wsuri = null;
    this._reconnecting = false;
    this._reconnectInterval = 1;
    this._reconnectTimer = null;
    this._connectTimer = null;
    this._lastError = null;
    /** bytesSent of the client when the attempt started: unchanged at close = never opened. */
    this._sentBefore = 0;
    /** Publications not yet delivered (for disconnectedBufferSize). */
    this._pending = 0;
    this._traceBuffer = null;
    this._trace("Paho.Client", uri, host, port, path, clientId);
  }

  // ---- tracing ---------------------------------------------------------------------------

  _trace(...args) {
    if (this.traceFunction === null && this._traceBuffer === null) return;
    const record = args.map((a, i) => (i === 0 || typeof a === "string" ? String(a) : safeJson(a))).join(" ");
    if (this.traceFunction) {
      try {
        this.traceFunction({ severity: "Debug", message: record });
      } catch (e) {
        console.error(e);
      }
    }
    if (this._traceBuffer !== null) {
      if (this._traceBuffer.length >= TRACE_MAX) this._traceBuffer.shift();
      this._traceBuffer.push(`${new Date().toISOString()} ${record}`);
    }
  }

  startTrace() {
    if (this._traceBuffer === null) this._traceBuffer = [];
    this._trace("Client.startTrace", new Date().toISOString(), "wasmqtt");
  }

  stopTrace() {
    this._traceBuffer = null;
  }

  getTraceLog() {
    if (this._traceBuffer === null) return undefined;
    this._trace("Client.getTraceLog", new Date().toISOString());
    this._trace("Client.getTraceLog state", {
      connected: this.connected,
      active: this._active,
      reconnecting: this._reconnecting,
      uri: this._wsuri,
      pendingPublications: this._pending,
    });
    if (this._mc) this._trace("Client.getTraceLog stats", this._mc.stats());
    return this._traceBuffer.slice();
  }

  // ---- connecting ------------------------------------------------------------------------

  connect(connectOptions) {
    const masked = { ...connectOptions };
    if (masked.password !== undefined) masked.password = "******";
    if (masked.willMessage) masked.willMessage = masked.willMessage.toJSON();
    this._trace("Client.connect", masked, this._active, this.connected);
    if (this.connected) throw fail(ERROR.INVALID_STATE, ["already connected"]);
    if (this._active) throw fail(ERROR.INVALID_STATE, ["already connected"]);
    if (this._reconnecting) {
      // New options replace an automatic reconnect in progress.
      this._cancelReconnect();
    }
    this.connectOptions = connectOptions;
    this._reconnectInterval = 1;
    this._reconnecting = false;
    this.hostIndex = 0;
    this._doConnect(connectOptions.uris ? connectOptions.uris[0] : this.uri, false);
  }

  _cancelReconnect() {
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    this._reconnecting = false;
  }

  /** Starts one connection attempt to `wsurl`; `reuse` keeps the session of the last client. */
  _doConnect(wsurl, reuse) {
    const o = this.connectOptions;
    if (o.useSSL) {
      const parts = wsurl.split(":");
      parts[0] = "wss";
      wsurl = parts.join(":");
    }
    this._wsuri = wsurl;
    this.connected = false;
    this._active = true;
    this._lastError = null;
    const key = `${o.mqttVersion} ${wsurl}`;
    const timeoutS = o.timeout || DEFAULT_TIMEOUT_S;
    this._trace("Client._doConnect", wsurl, { mqttVersion: o.mqttVersion, reuse: reuse && this._mcKey === key });

    if (reuse && this._mc && this._mcKey === key) {
      this._sentBefore = this._mc.stats().bytesSent;
      this._mc.reconnect();
    } else {
      this._dropClient();
      const options = {
        clientId: this.clientId,
        keepalive: o.keepAliveInterval,
        clean: o.cleanSession,
        protocolVersion: o.mqttVersion,
        // Paho's reconnect policy (onConnectionLost first, doubling delays, host list) is
        // driven from here; the client itself does not reconnect.
        reconnectPeriod: 0,
        connectTimeout: timeoutS * 1000,
        resubscribe: false,
        timerVariant: "auto",
      };
      if (o.userName !== undefined) options.username = o.userName;
      if (o.password !== undefined) options.password = o.password;
      if (o.willMessage) {
        const w = o.willMessage;
        const p = w.payloadBytes;
        options.will = {
          topic: w.destinationName,
          payload: Array.from(bytesOf(p)),
          qos: w.qos,
          retain: w.retained,
        };
      }
      let mc;
      try {
        mc = mqttConnect(wsurl, options);
      } catch (err) {
        // Refused before anything was sent (e.g. an empty client id with cleanSession
        // false, which MQTT 3.1.1 servers refuse with return code 2): a failed attempt, as
        // Paho reports it, but without a round trip.
        this._trace("Client._doConnect refused", err && err.code, err && err.message);
        const error =
          this.clientId === "" && !o.cleanSession
            ? [ERROR.CONNACK_RETURNCODE.code, format(ERROR.CONNACK_RETURNCODE, [2, CONNACK_RC[2]])]
            : pahoError(err);
        setTimeout(() => {
          if (this._mc === null && this._active && this._wsuri === wsurl) this._disconnected(...error);
        }, 0);
        return;
      }
      this._sentBefore = 0;
      this._mc = mc;
      this._mcKey = key;
      this._attach(mc);
    }
    clearTimeout(this._connectTimer);
    const mc = this._mc;
    this._connectTimer = setTimeout(() => {
      if (this._mc !== mc || this.connected) return;
      this._trace("Client._connectTimeout", wsurl);
      this._dropClient();
      this._disconnected(ERROR.CONNECT_TIMEOUT.code, format(ERROR.CONNECT_TIMEOUT));
    }, timeoutS * 1000);
  }

  _attach(mc) {
    mc.on("connect", (connack) => {
      if (this._mc !== mc) return;
      this._onConnack(connack);
    });
    mc.on("message", (topic, payload, packet) => {
      if (this._mc !== mc) return;
      const message = new Message(payload);
      message.destinationName = topic;
      message.qos = packet.qos;
      message.retained = packet.retain;
      message.duplicate = packet.dup;
      this._trace("Client._receiveMessage", message);
      if (this.onMessageArrived) this.onMessageArrived(message);
    });
    mc.on("error", (err) => {
      if (this._mc !== mc) return;
      this._trace("Client._onError", err && err.code, err && err.message);
      this._lastError = pahoError(err);
    });
    mc.on("close", () => {
      if (this._mc !== mc) return;
      this._trace("Client._onClose", this._wsuri);
      if (this._lastError) {
        this._disconnected(...this._lastError);
      } else if (!this.connected && mc.stats().bytesSent === this._sentBefore) {
        // Not even CONNECT went out: the WebSocket failed to open, which Paho reports from
        // the socket's error event (whose `data` is undefined in browsers).
        this._disconnected(ERROR.SOCKET_ERROR.code, format(ERROR.SOCKET_ERROR, [undefined]));
      } else {
        this._disconnected(ERROR.SOCKET_CLOSE.code, format(ERROR.SOCKET_CLOSE));
      }
    });
  }

  /** Ends the current wasmqtt client and forgets it (its events are ignored from now on). */
  _dropClient() {
    const mc = this._mc;
    this._mc = null;
    this._mcKey = null;
    if (mc) {
      try {
        mc.end(true);
      } catch (e) {
        this._trace("Client._dropClient", String(e));
      }
    }
  }

  _onConnack(connack) {
    clearTimeout(this._connectTimer);
    this._connectTimer = null;
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    this._trace("Client._onConnack", connack);
    this.connected = true;
    const o = this.connectOptions;
    if (o.uris) this.hostIndex = o.uris.length;
    if (o.onSuccess) o.onSuccess({ invocationContext: o.invocationContext });
    let reconnected = false;
    if (this._reconnecting) {
      reconnected = true;
      this._reconnectInterval = 1;
      this._reconnecting = false;
    }
    if (this.onConnected) this.onConnected(reconnected, this._wsuri);
  }

  /** The connection ended or an attempt failed; Paho's `_disconnected`. */
  _disconnected(errorCode, errorText) {
    this._trace("Client._disconnected", errorCode, errorText);
    clearTimeout(this._connectTimer);
    this._connectTimer = null;
    this._active = false;
    const o = this.connectOptions;

    if (o.uris && this.hostIndex < o.uris.length - 1) {
      // Try the next host (during an automatic reconnect too).
      this.hostIndex++;
      this._doConnect(o.uris[this.hostIndex], this._reconnecting);
      return;
    }
    if (errorCode !== undefined && this._reconnecting) {
      // A reconnect attempt failed: try again later.
      this._scheduleReconnect();
      return;
    }
    if (errorCode === undefined) {
      errorCode = ERROR.OK.code;
      errorText = format(ERROR.OK);
    }
    if (this.connected) {
      this.connected = false;
      const willReconnect = errorCode !== ERROR.OK.code && o.reconnect === true;
      // The client is kept for an automatic reconnect (its session state: in-flight and
      // queued messages); otherwise ended before the callback, which may call connect().
      if (!willReconnect) this._dropClient();
      if (this.onConnectionLost) {
        this.onConnectionLost({ errorCode, errorMessage: errorText, reconnect: o.reconnect, uri: this._wsuri });
      }
      if (willReconnect && !this._active && !this.connected && !this._reconnecting) {
        this._reconnectInterval = 1;
        this._reconnecting = true;
        this._scheduleReconnect();
      }
    } else if (o.mqttVersion === 4 && o.mqttVersionExplicit === false) {
      this._trace("Failed to connect V4, dropping back to V3");
      o.mqttVersion = 3;
      this.hostIndex = 0;
      this._doConnect(o.uris ? o.uris[0] : this.uri, false);
    } else {
      if (!this._reconnecting) this._dropClient();
      if (o.onFailure) {
        o.onFailure({ invocationContext: o.invocationContext, errorCode, errorMessage: errorText });
      }
    }
  }

  _scheduleReconnect() {
    const delay = this._reconnectInterval;
    this._trace("Client._scheduleReconnect", `${delay} s`);
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = setTimeout(() => this._reconnect(), delay * 1000);
    if (this._reconnectInterval < RECONNECT_MAX_S) {
      this._reconnectInterval = Math.min(this._reconnectInterval * 2, RECONNECT_MAX_S);
    }
  }

  _reconnect() {
    this._trace("Client._reconnect");
    this._reconnectTimer = null;
    if (this.connected || !this._reconnecting) return;
    const o = this.connectOptions;
    this.hostIndex = 0;
    this._doConnect(o.uris ? o.uris[0] : this.uri, true);
  }

  disconnect() {
    this._trace("Client.disconnect");
    if (this._reconnecting) {
      // Stops an automatic reconnect.
      this._cancelReconnect();
      if (!this._active) this._dropClient();
    }
    if (!this._active) throw fail(ERROR.INVALID_STATE, ["not connecting or connected"]);
    if (!this.connected) {
      // An attempt in progress: abandon it.
      this._active = false;
      clearTimeout(this._connectTimer);
      this._connectTimer = null;
      this._dropClient();
      return;
    }
    // DISCONNECT goes out after what was already sent; Paho reports the loss at once.
    const mc = this._mc;
    this._mc = null;
    this._mcKey = null;
    mc.end(true);
    this._disconnected();
  }

  // ---- operations ------------------------------------------------------------------------

  subscribe(filter, subscribeOptions) {
    this._trace("Client.subscribe", filter, subscribeOptions);
    if (!this.connected) throw fail(ERROR.INVALID_STATE, ["not connected"]);
    if (subscribeOptions.qos === undefined) subscribeOptions.qos = 0;
    const o = subscribeOptions;
    let timer = null;
    if (o.timeout) {
      timer = setTimeout(() => {
        this._trace("Client.subscribe timeout", filter);
        o.onFailure({
          invocationContext: o.invocationContext,
          errorCode: ERROR.SUBSCRIBE_TIMEOUT.code,
          errorMessage: format(ERROR.SUBSCRIBE_TIMEOUT),
        });
      }, o.timeout * 1000);
    }
    this._mc.subscribe(filter, { qos: o.qos }, (err, granted) => {
      clearTimeout(timer);
      // A refusal in SUBACK (ERR_REJECTED, with the grants) is Paho's 0x80 case below.
      if (err && !(err.code === "ERR_REJECTED" && granted)) {
        this._trace("Client.subscribe failed", filter, err.message);
        if (o.onFailure) {
          const [errorCode, errorMessage] = pahoError(err);
          o.onFailure({ invocationContext: o.invocationContext, errorCode, errorMessage });
        }
        return;
      }
      const grantedQos = Uint8Array.from(granted ?? [], (g) => g.qos);
      this._trace("Client.subscribe granted", filter, Array.from(grantedQos));
      if (grantedQos[0] === 0x80) {
        if (o.onFailure) {
          o.onFailure({
            invocationContext: o.invocationContext,
            errorCode: 0x80,
            errorMessage: `AMQJS0002E Subscribe refused by the server: ${filter}`,
            grantedQos,
          });
        }
      } else if (o.onSuccess) {
        o.onSuccess({ invocationContext: o.invocationContext, grantedQos });
      }
    });
  }

  unsubscribe(filter, unsubscribeOptions) {
    this._trace("Client.unsubscribe", filter, unsubscribeOptions);
    if (!this.connected) throw fail(ERROR.INVALID_STATE, ["not connected"]);
    const o = unsubscribeOptions;
    let timer = null;
    if (o.timeout) {
      timer = setTimeout(() => {
        this._trace("Client.unsubscribe timeout", filter);
        o.onFailure({
          invocationContext: o.invocationContext,
          errorCode: ERROR.UNSUBSCRIBE_TIMEOUT.code,
          errorMessage: format(ERROR.UNSUBSCRIBE_TIMEOUT),
        });
      }, o.timeout * 1000);
    }
    this._mc.unsubscribe(filter, (err) => {
      clearTimeout(timer);
      if (err) {
        this._trace("Client.unsubscribe failed", filter, err.message);
        if (o.onFailure) {
          const [errorCode, errorMessage] = pahoError(err);
          o.onFailure({ invocationContext: o.invocationContext, errorCode, errorMessage });
        }
        return;
      }
      this._trace("Client.unsubscribe done", filter);
      if (o.onSuccess) o.onSuccess({ invocationContext: o.invocationContext });
    });
  }

  send(message) {
    this._trace("Client.send", message);
    if (!this.connected) {
      if (!(this._reconnecting && this.disconnectedPublishing && this._mc)) {
        throw fail(ERROR.INVALID_STATE, ["not connected"]);
      }
      if (this._pending >= this.disconnectedBufferSize) {
        throw fail(ERROR.BUFFER_FULL, [this.disconnectedBufferSize]);
      }
    }
    const mc = this._mc;
    this._pending++;
    try {
      mc.publish(message.destinationName, message.payloadBytes, { qos: message.qos, retain: message.retained }, (err) => {
        this._pending--;
        if (err) {
          this._trace("Client.send failed", message.destinationName, err.message);
          return;
        }
        this._trace("Client.delivered", message.destinationName, message.qos);
        if (this.onMessageDelivered) this.onMessageDelivered(message);
      });
    } catch (err) {
      this._pending--;
      if (err && (err.code === "ERR_INVALID_PACKET" || err.code === "ERR_INVALID_OPTION")) {
        const e = fail(ERROR.INVALID_ARGUMENT, [message.destinationName, "Message.destinationName"]);
        e.cause = err;
        throw e;
      }
      if (err && err.code === "ERR_QUEUE_FULL") throw fail(ERROR.BUFFER_FULL, [this.disconnectedBufferSize]);
      throw err;
    }
  }
}

function callbackProperty(impl, name, traceName = name) {
  return {
    enumerable: true,
    get: () => impl[name],
    set: (f) => {
      if (typeof f !== "function") throw fail(ERROR.INVALID_TYPE, [typeof f, traceName]);
      impl[name] = f;
    },
  };
}

function readOnly(get) {
  return {
    enumerable: true,
    get,
    set: () => {
      throw fail(ERROR.UNSUPPORTED_OPERATION);
    },
  };
}

/**
 * `new Paho.Client(host, port, path, clientId)`, `(host, port, clientId)` (path "/mqtt") or
 * `(uri, clientId)` with uri `ws[s]://host[:port]/path`.
 */
export class Client {
  #impl;

  constructor(host, port, path, clientId) {
    let uri;
    if (typeof host !== "string") throw fail(ERROR.INVALID_TYPE, [typeof host, "host"]);
    if (arguments.length === 2) {
      clientId = port;
      uri = host;
      const match = uri.match(URI_RE);
      if (!match) throw fail(ERROR.INVALID_ARGUMENT, [host, "host"]);
      host = match[4] || match[2];
      port = parseInt(match[7], 10);
      path = match[8];
    } else {
      if (arguments.length === 3) {
        clientId = path;
        path = "/mqtt";
      }
      if (typeof port !== "number" || port < 0) throw fail(ERROR.INVALID_TYPE, [typeof port, "port"]);
      if (typeof path !== "string") throw fail(ERROR.INVALID_TYPE, [typeof path, "path"]);
      const ipv6 = host.indexOf(":") !== -1 && host.slice(0, 1) !== "[" && host.slice(-1) !== "]";
      uri = `ws://${ipv6 ? `[${host}]` : host}:${port}${path}`;
    }
    if (typeof clientId !== "string" || [...clientId].length > 65535) {
      throw fail(ERROR.INVALID_ARGUMENT, [clientId, "clientId"]);
    }
    if (typeof globalThis.WebSocket !== "function") throw fail(ERROR.UNSUPPORTED, ["WebSocket"]);

    const impl = new ClientImpl(uri, host, port, path, clientId);
    this.#impl = impl;
    Object.defineProperties(this, {
      host: readOnly(() => impl.host),
      port: readOnly(() => impl.port),
      path: readOnly(() => impl.path),
      uri: readOnly(() => impl.uri),
      clientId: readOnly(() => impl.clientId),
      onConnected: callbackProperty(impl, "onConnected"),
      onConnectionLost: callbackProperty(impl, "onConnectionLost"),
      onMessageDelivered: callbackProperty(impl, "onMessageDelivered"),
      onMessageArrived: callbackProperty(impl, "onMessageArrived"),
      trace: callbackProperty(impl, "traceFunction", "onTrace"),
      disconnectedPublishing: {
        enumerable: true,
        get: () => impl.disconnectedPublishing,
        set: (v) => {
          impl.disconnectedPublishing = v;
        },
      },
      disconnectedBufferSize: {
        enumerable: true,
        get: () => impl.disconnectedBufferSize,
        set: (v) => {
          impl.disconnectedBufferSize = v;
        },
      },
    });
  }

  /**
   * Connects. Options: timeout (s, 30), userName, password, willMessage, keepAliveInterval
   * (s, 60), cleanSession (true), useSSL, invocationContext, onSuccess, onFailure, hosts,
   * ports, uris, reconnect, mqttVersion (3 or 4; 4 falls back to 3 unless explicit).
   */
  connect(connectOptions) {
    const o = { ...(connectOptions || {}) };
    validate(o, {
      timeout: "number",
      userName: "string",
      password: "string",
      willMessage: "object",
      keepAliveInterval: "number",
      cleanSession: "boolean",
      useSSL: "boolean",
      invocationContext: "object",
      onSuccess: "function",
      onFailure: "function",
      hosts: "object",
      ports: "object",
      reconnect: "boolean",
      mqttVersion: "number",
      mqttVersionExplicit: "boolean",
      uris: "object",
    });
    if (o.keepAliveInterval === undefined) o.keepAliveInterval = 60;
    if (!Number.isInteger(o.keepAliveInterval) || o.keepAliveInterval < 0 || o.keepAliveInterval > 65535) {
      throw fail(ERROR.INVALID_ARGUMENT, [o.keepAliveInterval, "connectOptions.keepAliveInterval"]);
    }
    if (o.timeout !== undefined && !(o.timeout >= 0 && o.timeout <= 2147483)) {
      throw fail(ERROR.INVALID_ARGUMENT, [o.timeout, "connectOptions.timeout"]);
    }
    if (o.mqttVersion > 4 || o.mqttVersion < 3) {
      throw fail(ERROR.INVALID_ARGUMENT, [o.mqttVersion, "connectOptions.mqttVersion"]);
    }
    if (o.mqttVersion === undefined) {
      o.mqttVersionExplicit = false;
      o.mqttVersion = 4;
    } else {
      o.mqttVersionExplicit = true;
    }
    if (o.password !== undefined && o.userName === undefined) {
      throw fail(ERROR.INVALID_ARGUMENT, [o.password, "connectOptions.password"]);
    }
    if (o.willMessage) {
      if (!(o.willMessage instanceof Message)) {
        throw fail(ERROR.INVALID_TYPE, [o.willMessage, "connectOptions.willMessage"]);
      }
      // The will's payload must be text, as in Paho (this throws when it is not UTF-8).
      void o.willMessage.payloadString;
      if (typeof o.willMessage.destinationName === "undefined") {
        throw fail(ERROR.INVALID_TYPE, [typeof o.willMessage.destinationName, "connectOptions.willMessage.destinationName"]);
      }
    }
    if (typeof o.cleanSession === "undefined") o.cleanSession = true;
    if (o.hosts) {
      if (!Array.isArray(o.hosts) || o.hosts.length < 1) {
        throw fail(ERROR.INVALID_ARGUMENT, [o.hosts, "connectOptions.hosts"]);
      }
      let usingURIs = false;
      for (let i = 0; i < o.hosts.length; i++) {
        if (typeof o.hosts[i] !== "string") {
          throw fail(ERROR.INVALID_TYPE, [typeof o.hosts[i], `connectOptions.hosts[${i}]`]);
        }
        if (URI_RE.test(o.hosts[i])) {
          if (i === 0) usingURIs = true;
          else if (!usingURIs) throw fail(ERROR.INVALID_ARGUMENT, [o.hosts[i], `connectOptions.hosts[${i}]`]);
        } else if (usingURIs) {
          throw fail(ERROR.INVALID_ARGUMENT, [o.hosts[i], `connectOptions.hosts[${i}]`]);
        }
      }
      if (!usingURIs) {
        if (!o.ports || !Array.isArray(o.ports) || o.hosts.length !== o.ports.length) {
          throw fail(ERROR.INVALID_ARGUMENT, [o.ports, "connectOptions.ports"]);
        }
        o.uris = o.hosts.map((h, i) => {
          const p = o.ports[i];
          if (typeof p !== "number" || p < 0) {
            throw fail(ERROR.INVALID_TYPE, [typeof p, `connectOptions.ports[${i}]`]);
          }
          const ipv6 = h.indexOf(":") !== -1;
          return `ws://${ipv6 ? `[${h}]` : h}:${p}${this.#impl.path}`;
        });
      } else {
        o.uris = o.hosts.slice();
      }
    } else if (o.uris !== undefined) {
      if (!Array.isArray(o.uris) || o.uris.length < 1 || o.uris.some((u) => typeof u !== "string")) {
        throw fail(ERROR.INVALID_ARGUMENT, [o.uris, "connectOptions.uris"]);
      }
    }
    this.#impl.connect(o);
  }

  /** Subscribes to `filter` (a string or an array). Options: qos, invocationContext, onSuccess, onFailure, timeout (s). */
  subscribe(filter, subscribeOptions) {
    if (typeof filter !== "string" && !Array.isArray(filter)) throw new Error(`Invalid argument:${filter}`);
    const o = { ...(subscribeOptions || {}) };
    validate(o, {
      qos: "number",
      invocationContext: "object",
      onSuccess: "function",
      onFailure: "function",
      timeout: "number",
    });
    if (o.timeout && !o.onFailure) throw new Error("subscribeOptions.timeout specified with no onFailure callback.");
    if (typeof o.qos !== "undefined" && !(o.qos === 0 || o.qos === 1 || o.qos === 2)) {
      throw fail(ERROR.INVALID_ARGUMENT, [o.qos, "subscribeOptions.qos"]);
    }
    this.#impl.subscribe(filter, o);
  }

  /** Unsubscribes from `filter`. Options: invocationContext, onSuccess, onFailure, timeout (s). */
  unsubscribe(filter, unsubscribeOptions) {
    if (typeof filter !== "string" && !Array.isArray(filter)) throw new Error(`Invalid argument:${filter}`);
    const o = { ...(unsubscribeOptions || {}) };
    validate(o, { invocationContext: "object", onSuccess: "function", onFailure: "function", timeout: "number" });
    if (o.timeout && !o.onFailure) throw new Error("unsubscribeOptions.timeout specified with no onFailure callback.");
    this.#impl.unsubscribe(filter, o);
  }

  /** `send(message)` or `send(topic, payload, [qos], [retained])`. */
  send(topic, payload, qos, retained) {
    this.#impl.send(messageOf(arguments.length, topic, payload, qos, retained));
  }

  /** Same as `send`. */
  publish(topic, payload, qos, retained) {
    this.#impl.send(messageOf(arguments.length, topic, payload, qos, retained));
  }

  /** Disconnects (also stops an automatic reconnect). */
  disconnect() {
    this.#impl.disconnect();
  }

  /** Whether the client is connected. */
  isConnected() {
    return this.#impl.connected;
  }

  /** The trace records (at most 100, oldest first) since startTrace(), or undefined. */
  getTraceLog() {
    return this.#impl.getTraceLog();
  }

  /** Starts recording what the client does. */
  startTrace() {
    this.#impl.startTrace();
  }

  /** Stops recording and discards the records. */
  stopTrace() {
    this.#impl.stopTrace();
  }
}

function messageOf(argc, topic, payload, qos, retained) {
  if (argc === 0) throw new Error("Invalid argument.length");
  if (argc === 1) {
    if (!(topic instanceof Message) && typeof topic !== "string") throw new Error(`Invalid argument:${typeof topic}`);
    if (!(topic instanceof Message) || typeof topic.destinationName === "undefined") {
      throw fail(ERROR.INVALID_ARGUMENT, [topic.destinationName, "Message.destinationName"]);
    }
    return topic;
  }
  const message = new Message(payload);
  message.destinationName = topic;
  if (argc >= 3) message.qos = qos;
  if (argc >= 4) message.retained = retained;
  return message;
}

/** Paho's namespace: `Paho.Client` and `Paho.Message`, also as `Paho.MQTT.*` (Paho 1.0 names). */
export const Paho = Object.freeze({
  Client,
  Message,
  MQTT: Object.freeze({ Client, Message }),
});

export default Paho;
