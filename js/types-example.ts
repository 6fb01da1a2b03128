// Compile-only check of index.d.ts (never run): `npx -y -p typescript@5 tsc -p js/tsconfig.json`.
// Lines marked @ts-expect-error must stay errors: they pin down what the types refuse.
import mqtt, { connect, connectAsync, MqttClient, Paho } from "./index.js";
import type { IClientOptions, IPublishPacket, ISubscriptionGrant, MqttError, Payload, ClientStats } from "./index.js";

const options: IClientOptions = {
  clientId: "typed",
  keepalive: 30,
  protocolVersion: 5,
  properties: { sessionExpiryInterval: 60, userProperties: { app: "demo" } },
  will: { topic: "status", payload: "gone", qos: 1, retain: true },
  inboundQueue: { maxMessages: 1000, maxBytes: 1 << 20, policy: "latest-per-topic" },
  outboundQueue: { maxMessages: 100, policy: "drop-oldest" },
  reconnectPeriod: 1000,
  reconnectMaxPeriod: 30000,
  reconnectMultiplier: 2,
  reconnectJitter: 0.5,
  writeHighWatermark: 1 << 20,
  timerVariant: "worker",
  transformWsUrl: (url) => `${url}?token=x`,
};

const client: MqttClient = connect("ws://127.0.0.1:9001/mqtt", options);
const same: MqttClient = mqtt.connect("ws://127.0.0.1:9001/mqtt");
// A tutorial's MQTT.js options, TLS ones included, with no URL.
const byHost: MqttClient = connect({ host: "broker.example", port: 8884, protocol: "wss", path: "/mqtt", rejectUnauthorized: false });
byHost.end();
const removeHandler: () => void = client.onMessage("sensors/#", (topic, payload, packet) =>
  console.log(topic, payload.toString(), packet.qos),
);
removeHandler();
async function pull(): Promise<void> {
  for await (const m of client.messages("sensors/#")) console.log(m.topic, m.payload.toString(), m.packet.retain);
}
void pull;

client
  .on("connect", (connack) => {
    const present: boolean = connack.sessionPresent;
    void present;
  })
  .on("message", function (topic: string, payload: Payload, packet: IPublishPacket) {
    const text: string = payload.toString();
    const self: MqttClient = this;
    void [text, self, packet.qos, packet.properties?.contentType];
  })
  .on("error", (err: MqttError) => console.log(err.code, err.reasonCode))
  .on("close", () => {})
  .once("end", () => {})
  .on("disconnect", (packet) => console.log(packet.reasonCode))
  .on("auth", (packet) => console.log(packet.properties?.authenticationMethod));

client.publish("t", "text");
client.publish("t", new Uint8Array([1, 2]), { qos: 1, retain: true }, (err, packet) => {
  if (!err) console.log(packet?.reasonCode);
});
client.publish("t", "x", (err) => void err);
client.subscribe("a/#", { qos: 2, nl: true, rap: true, rh: 1 }, (err, granted?: ISubscriptionGrant[]) => void [err, granted]);
client.subscribe(["a", "b"]);
client.subscribe({ a: { qos: 1 }, b: 0 });
client.unsubscribe("a", (err, packet) => void packet?.reasonCodes);
client.end();
client.end(true, { reasonCode: 0 }, () => {});
client.end(() => {});
const stats: ClientStats = client.stats();
const connected: boolean = client.connected;
void [stats.inboundDropped, connected, same, client.options.clientId];

async function promises(): Promise<void> {
  const c = await connectAsync("wss://broker.example/mqtt", { clientId: "station-7", clean: false }, false);
  const granted = await c.subscribeAsync("x", { qos: 1 });
  const ack = await c.publishAsync("x", "y", { qos: 1, properties: { contentType: "text/plain" } });
  const unsuback = await c.unsubscribeAsync("x");
  await c.endAsync(true);
  void [granted[0].qos, ack?.reasonCode, unsuback.reasonCodes];
}
void promises;

// Paho, both namespaces and all constructor forms.
const p1 = new Paho.Client("127.0.0.1", 9001, "/mqtt", "id1");
const p2 = new Paho.MQTT.Client("127.0.0.1", 9001, "id2");
const p3 = new Paho.Client("ws://127.0.0.1:9001/mqtt", "id3");
p1.onMessageArrived = (m: Paho.Message) => console.log(m.destinationName, m.payloadString, m.qos, m.retained, m.duplicate);
p1.onConnectionLost = ({ errorCode, errorMessage }) => console.log(errorCode, errorMessage);
p1.onConnected = (reconnect, uri) => console.log(reconnect, uri);
p1.onMessageDelivered = (m) => console.log(m.topic);
p1.connect({
  timeout: 10,
  userName: "u",
  password: "p",
  keepAliveInterval: 30,
  cleanSession: true,
  useSSL: false,
  reconnect: true,
  mqttVersion: 4,
  invocationContext: { n: 1 },
  onSuccess: ({ invocationContext }) => console.log(invocationContext),
  onFailure: ({ errorCode, errorMessage }) => console.log(errorCode, errorMessage),
  hosts: ["a", "b"],
  ports: [1, 2],
});
p1.subscribe("t", { qos: 1, onSuccess: ({ grantedQos }) => console.log(grantedQos[0]), timeout: 5, onFailure: (e) => console.log(e.errorCode) });
p1.unsubscribe("t", { onSuccess: () => {} });
const msg = new Paho.Message("hello");
msg.destinationName = "t";
msg.qos = 2;
p1.send(msg);
p1.send("t", "payload", 1, false);
p1.publish("t", new Uint8Array([1]));
p1.startTrace();
const trace: string[] | undefined = p1.getTraceLog();
p1.stopTrace();
const isUp: boolean = p2.isConnected();
void [p3.uri, p3.host, p3.port, p3.path, p3.clientId, trace, isUp];
const m2: Paho.MQTT.Message = new Paho.MQTT.Message(new ArrayBuffer(2));
void m2;

// What the types refuse.
// @ts-expect-error: an option MQTT.js does not have (wasmqtt refuses it at run time too)
connect("ws://x/mqtt", { keepAlive: 10 });
// @ts-expect-error: qos is 0, 1 or 2
client.publish("t", "x", { qos: 3 });
// @ts-expect-error: no such event
client.on("packetsend", () => {});
// @ts-expect-error: the message listener's payload is bytes, not a string
client.on("message", (topic: string, payload: number) => void [topic, payload]);
// @ts-expect-error: Paho's mqttVersion is 3 or 4
p1.connect({ mqttVersion: 5 });
// @ts-expect-error: host is read only
p1.host = "other";
// @ts-expect-error: made by connect(), not new
new MqttClient();
