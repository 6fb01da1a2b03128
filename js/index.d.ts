// TypeScript declarations of the `wasmqtt` package: the MQTT.js-compatible client (`connect`,
// `connectAsync`, `MqttClient`), the Paho facade (`Paho`), and the codec helpers.

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

export type QoS = 0 | 1 | 2;

/** A received payload: the bytes, whose `toString()` decodes them as UTF-8. */
export interface Payload extends Uint8Array {
  /** UTF-8 text by default; `"hex"`, `"base64"`, `"latin1"`/`"binary"` and `"ascii"` as Buffer's, over `[start, end)`. */
  toString(encoding?: "utf8" | "utf-8" | "hex" | "base64" | "latin1" | "binary" | "ascii", start?: number, end?: number): string;
}

/** What a payload may be given as. */
export type PayloadInput = string | ArrayBuffer | ArrayBufferView;

/** An `Error` raised by wasmqtt, with a stable `code` (and the MQTT 5 reason code if any). */
export interface MqttError extends Error {
  code:
    | "ERR_INVALID_OPTION"
    | "ERR_NON_BINARY_FRAME"
    | "ERR_WEBSOCKET"
    | "ERR_INVALID_PACKET"
    | "ERR_CONNECTION_REFUSED"
    | "ERR_SERVER_DISCONNECTED"
    | "ERR_PROTOCOL_VIOLATION"
    | "ERR_CONNECT_TIMEOUT"
    | "ERR_KEEPALIVE_TIMEOUT"
    | "ERR_TRANSPORT_CLOSED"
    | "ERR_CLIENT_CLOSED"
    | "ERR_NOT_CONNECTED"
    | "ERR_QUEUE_FULL"
    | "ERR_DROPPED"
    | "ERR_PACKET_TOO_LARGE"
    | "ERR_QOS_NOT_SUPPORTED"
    | "ERR_RETAIN_NOT_SUPPORTED"
    | "ERR_WILDCARD_NOT_SUPPORTED"
    | "ERR_SUBSCRIPTION_ID_NOT_SUPPORTED"
    | "ERR_SHARED_NOT_SUPPORTED"
    | "ERR_TOPIC_ALIAS_NOT_ALLOWED"
    | "ERR_REJECTED"
    | "ERR_INVALID_STATE"
    | "ERR_PANIC"
    | (string & {});
  /** The reason code the server gave (CONNACK refusals, DISCONNECT, rejected operations). */
  reasonCode?: number;
}

/** MQTT 5 user properties: a name maps to one value, or to several when repeated. */
export type UserProperties = Record<string, string | string[]>;

/** MQTT 5 properties, as MQTT.js names them. */
export interface Properties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: PayloadInput;
  subscriptionIdentifier?: number | number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: PayloadInput;
  requestProblemInformation?: boolean;
  willDelayInterval?: number;
  requestResponseInformation?: boolean;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: boolean;
  userProperties?: UserProperties;
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
}

/** Properties the client may send in CONNECT. */
export type ConnectProperties = Pick<
  Properties,
  | "sessionExpiryInterval"
  | "receiveMaximum"
  | "maximumPacketSize"
  | "topicAliasMaximum"
  | "requestResponseInformation"
  | "requestProblemInformation"
  | "userProperties"
  | "authenticationMethod"
  | "authenticationData"
>;

/** Properties the client may send in PUBLISH. */
export type PublishProperties = Pick<
  Properties,
  | "payloadFormatIndicator"
  | "messageExpiryInterval"
  | "contentType"
  | "responseTopic"
  | "correlationData"
  | "topicAlias"
  | "userProperties"
  | "subscriptionIdentifier"
>;

/** Properties of the will message. */
export type WillProperties = Pick<
  Properties,
  | "willDelayInterval"
  | "payloadFormatIndicator"
  | "messageExpiryInterval"
  | "contentType"
  | "responseTopic"
  | "correlationData"
  | "userProperties"
>;

export type SubscribeProperties = Pick<Properties, "subscriptionIdentifier" | "userProperties">;
export type UnsubscribeProperties = Pick<Properties, "userProperties">;
export type DisconnectProperties = Pick<
  Properties,
  "sessionExpiryInterval" | "reasonString" | "userProperties" | "serverReference"
>;

// ---------------------------------------------------------------------------------------------
// Packets handed to events and callbacks
// ---------------------------------------------------------------------------------------------

export interface IConnackPacket {
  cmd: "connack";
  sessionPresent: boolean;
  /** MQTT 3.1 / 3.1.1 (always 0: a refusal is an `error` event). */
  returnCode?: number;
  /** MQTT 5. */
  reasonCode?: number;
  properties?: Properties;
}

export interface IPublishPacket {
  cmd: "publish";
  topic: string;
  payload: Payload;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  messageId?: number;
  properties?: Properties;
}

export interface IDisconnectPacket {
  cmd: "disconnect";
  reasonCode?: number;
  properties?: Properties;
}

export interface IAuthPacket {
  cmd: "auth";
  reasonCode?: number;
  properties?: Properties;
}

/** The acknowledgement of a publication (`reasonCode` in MQTT 5). */
export interface IPublishAckPacket {
  cmd: "publish";
  messageId?: number;
  reasonCode?: number;
}

export interface IUnsubackPacket {
  cmd: "unsuback";
  messageId: number;
  reasonCodes: number[];
}

/** The SUBACK handed to a subscribe callback (third argument): `granted` is its reason codes. */
export interface ISubackPacket {
  cmd: "suback";
  messageId: number;
  granted: number[];
}

export type Packet = IConnackPacket | IPublishPacket | IDisconnectPacket | IAuthPacket | IPublishAckPacket | IUnsubackPacket | ISubackPacket;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** A bounded queue (inbound deliveries waiting for the application, or outbound messages). */
export interface QueueOptions {
  /** At most this many messages. */
  maxMessages?: number;
  /** At most this many payload bytes. */
  maxBytes?: number;
}

export interface InboundQueueOptions extends QueueOptions {
  /** What to do when the inbound queue is full (default "drop-oldest"). */
  policy?: "drop-oldest" | "drop-newest" | "latest-per-topic" | "backpressure";
}

export interface OutboundQueueOptions extends QueueOptions {
  /** What to do when the outbound queue is full (default "reject": the call fails with ERR_QUEUE_FULL). */
  policy?: "reject" | "drop-oldest";
}

export interface IClientWillOptions {
  topic: string;
  payload?: string | Uint8Array | number[];
  qos?: QoS;
  retain?: boolean;
  properties?: WillProperties;
}

/**
 * `connect` options: MQTT.js's names and defaults, plus wasmqtt's own. Names MQTT.js does not
 * have are refused, and so are MQTT.js's `incomingStore`, `outgoingStore`, `messageIdProvider`,
 * `customHandleAcks`, `createWebsocket` and `authPacket`, which wasmqtt does not support.
 */
export interface IClientOptions {
  /** Default: a random `mqttjs_xxxxxxxx`, as MQTT.js. Required with `clean: false`. */
  clientId?: string;
  username?: string;
  password?: string | Uint8Array | number[];
  /** Seconds; default 60; 0 disables keepalive. */
  keepalive?: number;
  /** Clean session / clean start; default true. */
  clean?: boolean;
  /** Milliseconds between reconnect attempts; default 1000; 0: never reconnect. */
  reconnectPeriod?: number;
  /** Milliseconds to wait for CONNACK; default 30000. */
  connectTimeout?: number;
  /** 3 (MQTT 3.1), 4 (3.1.1, default) or 5. */
  protocolVersion?: 3 | 4 | 5;
  /** Must match protocolVersion ("MQIsdp" for 3, "MQTT" otherwise) if given. */
  protocolId?: "MQTT" | "MQIsdp";
  will?: IClientWillOptions;
  /** CONNECT properties (MQTT 5). */
  properties?: ConnectProperties;
  /** Subscribe again after a reconnect that did not resume the session; default true. */
  resubscribe?: boolean;
  /** Queue QoS 0 publications while offline; default true. */
  queueQoSZero?: boolean;
  /** Brokers to rotate through (`protocol://host:port/mqtt`). */
  servers?: Array<{ host: string; port?: number; protocol?: "ws" | "wss" }>;
  /** Use topic aliases for repeated topics (MQTT 5). */
  autoUseTopicAlias?: boolean;
  autoAssignTopicAlias?: boolean;
  /** Do not connect until `client.connect()`. */
  manualConnect?: boolean;
  /** Timers for keepalive and reconnect: "worker" / "auto" (default: not throttled in hidden tabs) or "native". */
  timerVariant?: "auto" | "worker" | "native";
  /** Rewrites the URL before each connection (e.g. to sign it); may return a Promise. */
  transformWsUrl?: (url: string, options: IClientOptions, client: MqttClient) => string | Promise<string>;
  /** Bounded queue of received messages waiting for a `message` listener (wasmqtt). */
  inboundQueue?: InboundQueueOptions;
  /** Bounded queue of messages waiting to be sent (wasmqtt). */
  outboundQueue?: OutboundQueueOptions;
  /** Largest reconnect delay in ms (wasmqtt); default max(reconnectPeriod, 30000). */
  reconnectMaxPeriod?: number;
  /** Growth of the reconnect delay per failed attempt (wasmqtt); default 1 (constant, as MQTT.js). */
  reconnectMultiplier?: number;
  /** Fraction 0..1 of each reconnect delay randomised away (wasmqtt); default 0. */
  reconnectJitter?: number;
  /** WebSocket bufferedAmount (bytes) above which writing pauses until `drain` (wasmqtt); default 1 MiB. */
  writeHighWatermark?: number;
  /**
   * The broker, as MQTT.js takes it: these replace the parts of the URL given to connect(), or
   * make the URL when there is none (`connect({ host, port, protocol: "wss", path: "/mqtt" })`).
   * `hostname` wins over `host`; the protocol defaults to "ws", the path to "/".
   */
  host?: string;
  port?: number;
  hostname?: string;
  path?: string;
  protocol?: "ws" | "wss" | "mqtt" | "mqtts" | "tcp" | "ssl" | "tls" | "http" | "https";
  /** `query.clientId` (or `?clientId=` in the URL) sets the client id, as in MQTT.js. */
  query?: Record<string, string>;
  /** `"user:password"` (or `user:password@` in the URL): sets username and password. */
  auth?: string;
  log?: (...args: unknown[]) => void;
  /**
   * MQTT.js options without effect in a browser (MQTT.js ignores them there too): TLS is the
   * browser's, a browser WebSocket takes no options, and any packet sent already postpones
   * the next ping. Accepted so that code written for MQTT.js runs unchanged.
   */
  rejectUnauthorized?: boolean;
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  keyPath?: string;
  certPath?: string;
  caPaths?: unknown;
  ALPNProtocols?: unknown;
  servername?: string;
  socksProxy?: string;
  socksTimeout?: number;
  unixSocket?: boolean;
  wsOptions?: Record<string, unknown>;
  forceNativeWebSocket?: boolean;
  browserBufferSize?: number;
  browserBufferTimeout?: number;
  objectMode?: boolean;
  binary?: boolean;
  encoding?: string;
  my?: unknown;
  writeCache?: boolean;
  defaultProtocol?: string;
  reschedulePings?: boolean;
  reconnectOnConnackError?: boolean;
  subscribeBatchSize?: number;
}

export interface IClientPublishOptions {
  qos?: QoS;
  retain?: boolean;
  dup?: boolean;
  properties?: PublishProperties;
}

export interface IClientSubscribeOptions {
  qos?: QoS;
  /** No Local (MQTT 5). */
  nl?: boolean;
  /** Retain As Published (MQTT 5). */
  rap?: boolean;
  /** Retain Handling 0, 1 or 2 (MQTT 5). */
  rh?: 0 | 1 | 2;
  properties?: SubscribeProperties;
}

export interface ISubscriptionMap {
  [topic: string]: IClientSubscribeOptions | QoS;
}

export interface ISubscriptionGrant {
  topic: string;
  /** The granted QoS, or a failure code (128 or above). */
  qos: number;
}

export interface IClientUnsubscribeOptions {
  properties?: UnsubscribeProperties;
}

export interface IClientEndOptions {
  /** DISCONNECT reason code (MQTT 5). */
  reasonCode?: number;
  properties?: DisconnectProperties;
}

/** Flow-control figures of `client.stats()`. */
export interface ClientStats {
  inboundQueued: number;
  inboundQueuedBytes: number;
  inboundDropped: number;
  outboundQueued: number;
  outboundQueuedBytes: number;
  outboundDropped: number;
  inflightOut: number;
  inflightOutBytes: number;
  inflightIn: number;
  sendWindow: number;
  messagesReceived: number;
  messagesSent: number;
  bytesReceived: number;
  bytesSent: number;
  /** Bytes the WebSocket holds that the network has not taken yet (its `bufferedAmount`). */
  bufferedAmount: number;
  /** Milliseconds until the next connection attempt, or null when none is scheduled. */
  reconnectIn: number | null;
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

export type OnConnectCallback = (this: MqttClient, packet: IConnackPacket) => void;
export type OnMessageCallback = (this: MqttClient, topic: string, payload: Payload, packet: IPublishPacket) => void;
export type OnErrorCallback = (this: MqttClient, error: MqttError) => void;
export type OnDisconnectCallback = (this: MqttClient, packet: IDisconnectPacket) => void;
export type OnAuthCallback = (this: MqttClient, packet: IAuthPacket) => void;
export type VoidCallback = (this: MqttClient) => void;

export type PacketCallback = (error: MqttError | null | undefined, packet?: IPublishAckPacket) => void;
export type ClientSubscribeCallback = (error: MqttError | null | undefined, granted?: ISubscriptionGrant[], packet?: ISubackPacket) => void;
export type ClientUnsubscribeCallback = (error: MqttError | null | undefined, packet?: IUnsubackPacket) => void;
export type CloseCallback = (error?: MqttError) => void;

export interface MqttClientEventCallbacks {
  connect: OnConnectCallback;
  message: OnMessageCallback;
  error: OnErrorCallback;
  close: VoidCallback;
  offline: VoidCallback;
  reconnect: VoidCallback;
  end: VoidCallback;
  disconnect: OnDisconnectCallback;
  /** As in MQTT.js: end() no longer waits for messages in flight (it disconnects next). */
  outgoingEmpty: VoidCallback;
  drain: VoidCallback;
  auth: OnAuthCallback;
}

export type MqttClientEvent = keyof MqttClientEventCallbacks;

/** An MQTT client with MQTT.js's methods, events and options; made by `connect()`. */
export class MqttClient {
  private constructor();

  on<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  addListener<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  once<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  prependListener<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  prependOnceListener<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  off<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  removeListener<E extends MqttClientEvent>(event: E, listener: MqttClientEventCallbacks[E]): this;
  removeAllListeners(event?: MqttClientEvent): this;
  listenerCount(event: MqttClientEvent): number;
  listeners<E extends MqttClientEvent>(event: E): Array<MqttClientEventCallbacks[E]>;
  eventNames(): MqttClientEvent[];

  /** The callback runs once QoS 0 is written, QoS 1 acknowledged, QoS 2 completed. */
  publish(topic: string, message: PayloadInput): this;
  publish(topic: string, message: PayloadInput, callback?: PacketCallback): this;
  publish(topic: string, message: PayloadInput, opts?: IClientPublishOptions, callback?: PacketCallback): this;
  publishAsync(topic: string, message: PayloadInput, opts?: IClientPublishOptions): Promise<IPublishAckPacket | undefined>;

  subscribe(topic: string | string[] | ISubscriptionMap, callback?: ClientSubscribeCallback): this;
  subscribe(
    topic: string | string[] | ISubscriptionMap,
    opts?: IClientSubscribeOptions,
    callback?: ClientSubscribeCallback,
  ): this;
  subscribeAsync(topic: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions): Promise<ISubscriptionGrant[]>;

  unsubscribe(topic: string | string[], callback?: ClientUnsubscribeCallback): this;
  unsubscribe(topic: string | string[], opts?: IClientUnsubscribeOptions, callback?: ClientUnsubscribeCallback): this;
  unsubscribeAsync(topic: string | string[], opts?: IClientUnsubscribeOptions): Promise<IUnsubackPacket>;

  /** DISCONNECT once in-flight messages complete (at once with `force`); no reconnect after. */
  end(callback?: CloseCallback): this;
  end(force?: boolean, callback?: CloseCallback): this;
  end(force?: boolean, opts?: IClientEndOptions, callback?: CloseCallback): this;
  endAsync(force?: boolean, opts?: IClientEndOptions): Promise<void>;

  /** Connects again now (after `end()`, a failure, or during the backoff wait). */
  reconnect(): this;
  /** Starts the first connection of a client made with `manualConnect: true`. */
  connect(): this;

  /** Whether CONNACK accepted the current connection. */
  readonly connected: boolean;
  /** Whether the client is between a lost connection and the next CONNACK. */
  readonly reconnecting: boolean;
  /** Whether `end()` completed. */
  readonly disconnected: boolean;
  /** Whether `end()` waits for in-flight messages. */
  readonly disconnecting: boolean;
  /** The options given to `connect`, with the client id in force. */
  readonly options: IClientOptions & { clientId: string };
  /** Queue depths and drops, in-flight counts, bytes. */
  stats(): ClientStats;
  /**
   * Calls `handler(topic, payload, packet)` for each message whose topic matches `filter`
   * (wasmqtt); returns a function that removes the handler.
   */
  onMessage(filter: string, handler: (topic: string, payload: Payload, packet: IPublishPacket) => void): () => void;
  /**
   * An async iterator of the messages matching `filter` (all when omitted), pulled from the
   * bounded inbound queue (wasmqtt): `for await (const m of client.messages("sensors/#"))`.
   */
  messages(filter?: string): AsyncIterableIterator<{ topic: string; payload: Payload; packet: IPublishPacket }>;
}

/** A client that connects to `url` (`ws://` or `wss://`) at once, unless `manualConnect`. */
export function connect(url: string, options?: IClientOptions): MqttClient;
/** A client for the broker of `options.host`/`hostname`, `port`, `protocol`, `path`, or `options.servers`. */
export function connect(options: IClientOptions): MqttClient;

/**
 * A Promise of a client whose first connection succeeded; rejected with the first `error`
 * (and the client ended). With `allowRetries` false, a `close` before CONNACK rejects too.
 */
export function connectAsync(url: string, options?: IClientOptions, allowRetries?: boolean): Promise<MqttClient>;
export function connectAsync(options: IClientOptions): Promise<MqttClient>;

/** MQTT.js's module shape: `import mqtt from "wasmqtt"; mqtt.connect(url, options)`. */
export declare const mqtt: {
  readonly connect: typeof connect;
  readonly connectAsync: typeof connectAsync;
  readonly MqttClient: typeof MqttClient;
  readonly Client: typeof MqttClient;
};
/** MQTT.js's other name for the client class. */
export declare const Client: typeof MqttClient;
export default mqtt;

// ---------------------------------------------------------------------------------------------
// Paho facade (Eclipse Paho JavaScript 1.1)
// ---------------------------------------------------------------------------------------------

export namespace Paho {
  /** Paho's error numbers (`errorCode` of the callbacks). */
  type ErrorCode = number;

  interface ErrorWithInvocationContext {
    invocationContext?: any;
    errorCode: ErrorCode;
    errorMessage: string;
  }

  interface WithInvocationContext {
    invocationContext?: any;
  }

  interface MQTTError {
    errorCode: ErrorCode;
    errorMessage: string;
    /** Whether an automatic reconnect follows. */
    reconnect?: boolean;
    /** The URI of the lost connection. */
    uri?: string;
  }

  interface SubscribeSuccess extends WithInvocationContext {
    /** The granted QoS of each filter, as Paho reports it (a byte array). */
    grantedQos: Uint8Array;
  }

  interface SubscribeFailure extends ErrorWithInvocationContext {
    grantedQos?: Uint8Array;
  }

  type OnSuccessCallback = (o: WithInvocationContext) => void;
  type OnFailureCallback = (e: ErrorWithInvocationContext) => void;
  type OnConnectionLostHandler = (error: MQTTError) => void;
  type OnMessageHandler = (message: Message) => void;
  type OnConnectedHandler = (reconnect: boolean, uri: string) => void;
  type TraceFunction = (element: { severity: "Debug"; message: string }) => void;

  interface ConnectionOptions {
    /** Seconds to wait for the connection (default 30). */
    timeout?: number;
    userName?: string;
    password?: string;
    willMessage?: Message;
    /** Seconds (default 60). */
    keepAliveInterval?: number;
    /** Default true. */
    cleanSession?: boolean;
    /** Use wss:// instead of ws://. */
    useSSL?: boolean;
    invocationContext?: any;
    onSuccess?: OnSuccessCallback;
    onFailure?: OnFailureCallback;
    /** Host names (with `ports`) or ws:// URIs, tried in order. */
    hosts?: string[];
    ports?: number[];
    /** Reconnect automatically after a lost connection (1 s, doubling up to 128 s). */
    reconnect?: boolean;
    /** 3 (MQTT 3.1) or 4 (3.1.1); default 4, falling back to 3 when the connection fails. */
    mqttVersion?: 3 | 4;
    mqttVersionExplicit?: boolean;
    /** ws:// URIs tried in order. */
    uris?: string[];
  }

  interface SubscribeOptions {
    qos?: QoS;
    invocationContext?: any;
    onSuccess?: (o: SubscribeSuccess) => void;
    onFailure?: (e: SubscribeFailure) => void;
    /** Seconds after which onFailure runs (needs onFailure). */
    timeout?: number;
  }

  interface UnsubscribeOptions {
    invocationContext?: any;
    onSuccess?: OnSuccessCallback;
    onFailure?: OnFailureCallback;
    timeout?: number;
  }

  class Client {
    constructor(host: string, port: number, path: string, clientId: string);
    constructor(host: string, port: number, clientId: string);
    constructor(uri: string, clientId: string);

    readonly host: string;
    readonly port: number;
    readonly path: string;
    readonly uri: string;
    readonly clientId: string;

    onConnected: OnConnectedHandler;
    onConnectionLost: OnConnectionLostHandler;
    onMessageArrived: OnMessageHandler;
    onMessageDelivered: OnMessageHandler;
    trace: TraceFunction;
    /** Accept send() while an automatic reconnect is in progress. */
    disconnectedPublishing: boolean;
    /** How many undelivered messages send() accepts while disconnected (default 5000). */
    disconnectedBufferSize: number;

    connect(connectionOptions?: ConnectionOptions): void;
    disconnect(): void;
    isConnected(): boolean;
    subscribe(filter: string | string[], subcribeOptions?: SubscribeOptions): void;
    unsubscribe(filter: string | string[], unsubcribeOptions?: UnsubscribeOptions): void;
    send(message: Message): void;
    send(topic: string, payload: string | ArrayBuffer | ArrayBufferView, qos?: QoS, retained?: boolean): void;
    publish(message: Message): void;
    publish(topic: string, payload: string | ArrayBuffer | ArrayBufferView, qos?: QoS, retained?: boolean): void;
    startTrace(): void;
    stopTrace(): void;
    getTraceLog(): string[] | undefined;
  }

  class Message {
    constructor(payload: string | ArrayBuffer | ArrayBufferView);
    /** The payload as text; throws (AMQJS0009E) when it is not UTF-8. */
    readonly payloadString: string;
    readonly payloadBytes: ArrayBuffer | ArrayBufferView;
    destinationName: string;
    /** Alias of destinationName. */
    topic: string;
    qos: QoS;
    retained: boolean;
    duplicate: boolean;
  }

  /** Paho 1.0's names. */
  namespace MQTT {
    const Client: typeof Paho.Client;
    type Client = Paho.Client;
    const Message: typeof Paho.Message;
    type Message = Paho.Message;
  }
}
