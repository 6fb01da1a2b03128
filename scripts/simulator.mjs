// The demo's sensor simulator (`npm start` runs it): five rooms of a house, each a device with
// its own MQTT connection (MQTT.js over plain TCP), publishing temperature, humidity and power
// that drift smoothly, follow a compressed day and carry sensor noise. Now and then a room
// raises an alarm (a retained message, cleared later by an empty retained payload). The
// garage device loses power every so often: its socket is dropped without DISCONNECT, so the
// broker publishes its will ("offline", retained), and it comes back later. Publishing
// {"cmd":"flood","count":N} to wasmqtt/demo/control makes it send N messages as fast as it can,
// to show the page's bounded queues holding.
//
//   node scripts/simulator.mjs [--url mqtt://127.0.0.1:1883]
//
// Timing can be tuned by environment (the demo test shortens the outage cycle):
//   SIM_INTERVAL_MS (1000) between readings of one metric; SIM_DAY_S (600) length of a "day";
//   SIM_OUTAGE_EVERY_MS (75000) and SIM_OUTAGE_MS (12000) for the garage's outages;
//   SIM_ALARM_EVERY_MS (45000) mean time between alarms.
import { parseArgs } from "node:util";

import mqtt from "mqtt";

const { values } = parseArgs({
  options: { url: { type: "string", default: "mqtt://127.0.0.1:1883" } },
});
const BROKER = values.url;
const host = new URL(BROKER).hostname;
if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
  // The demo only ever talks to its own broker on loopback.
  console.error(`[sim] refusing ${BROKER}: loopback brokers only`);
  process.exit(2);
}

const env = (name, dflt) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const INTERVAL_MS = env("SIM_INTERVAL_MS", 1000);
const DAY_S = env("SIM_DAY_S", 600);
const OUTAGE_EVERY_MS = env("SIM_OUTAGE_EVERY_MS", 75000);
const OUTAGE_MS = env("SIM_OUTAGE_MS", 12000);
const ALARM_EVERY_MS = env("SIM_ALARM_EVERY_MS", 45000);

const ROOT = "wasmqtt/demo";
const CONTROL = `${ROOT}/control`;
const log = (...a) => console.log("[sim]", ...a);

// ---- values -------------------------------------------------------------------------------

/** Standard normal draw (Box-Muller). */
function gauss() {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/** 0 at "midnight", 1 at "noon" of the compressed day. */
function daylight(t = Date.now()) {
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * ((t / 1000) % DAY_S)) / DAY_S);
}

/**
 * A reading that wanders: an Ornstein-Uhlenbeck drift around a target that follows the day,
 * plus measurement noise, rounded to the sensor's resolution.
 */
class Drift {
  constructor({ base, day = 0, drift, pull = 0.05, noise, min = -Infinity, max = Infinity, step = 0.1 }) {
    Object.assign(this, { base, day, drift, pull, noise, min, max, step });
    this.offset = gauss() * drift;
  }
  next(extra = 0) {
    this.offset += -this.pull * this.offset + this.drift * 0.3 * gauss();
    const target = this.base + this.day * (daylight() - 0.5) + extra;
    const v = Math.min(this.max, Math.max(this.min, target + this.offset + this.noise * gauss()));
    return Math.round(v / this.step) * this.step;
  }
}

/** An appliance load switching on and off (a fridge compressor, a kettle, a car charger). */
class Load {
  constructor({ watts, onMs, offMs, jitter = 0.1 }) {
    Object.assign(this, { watts, onMs, offMs, jitter });
    this.on = false;
    this.until = Date.now() + Math.random() * offMs;
  }
  next() {
    const now = Date.now();
    if (now >= this.until) {
      this.on = !this.on;
      this.until = now + (this.on ? this.onMs : this.offMs) * (0.5 + Math.random());
    }
    return this.on ? this.watts * (1 + this.jitter * gauss()) : 0;
  }
}

const ROOMS = [
  {
    id: "living-room",
    temperature: new Drift({ base: 21.2, day: 1.6, drift: 0.4, noise: 0.05 }),
    humidity: new Drift({ base: 46, day: -4, drift: 2, noise: 0.3, min: 20, max: 95, step: 0.5 }),
    loads: [new Load({ watts: 35, onMs: 1e9, offMs: 0 }), new Load({ watts: 140, onMs: 40000, offMs: 30000 })],
  },
  {
    id: "kitchen",
    temperature: new Drift({ base: 22.0, day: 1.2, drift: 0.5, noise: 0.06 }),
    humidity: new Drift({ base: 52, day: -3, drift: 3, noise: 0.4, min: 20, max: 95, step: 0.5 }),
    // The fridge cycles; the kettle and the oven now and then (and warm the room up).
    loads: [
      new Load({ watts: 120, onMs: 15000, offMs: 25000 }),
      new Load({ watts: 2000, onMs: 6000, offMs: 50000 }),
      new Load({ watts: 1800, onMs: 25000, offMs: 90000 }),
    ],
  },
  {
    id: "bedroom",
    temperature: new Drift({ base: 19.0, day: 1.0, drift: 0.3, noise: 0.04 }),
    humidity: new Drift({ base: 50, day: -2, drift: 2, noise: 0.3, min: 20, max: 95, step: 0.5 }),
    loads: null,
  },
  {
    id: "office",
    temperature: new Drift({ base: 21.8, day: 2.0, drift: 0.4, noise: 0.05 }),
    humidity: new Drift({ base: 42, day: -3, drift: 2, noise: 0.3, min: 20, max: 95, step: 0.5 }),
    loads: [new Load({ watts: 90, onMs: 1e9, offMs: 0, jitter: 0.25 }), new Load({ watts: 60, onMs: 20000, offMs: 20000 })],
  },
  {
    id: "garage",
    temperature: new Drift({ base: 11.5, day: 5.0, drift: 0.8, noise: 0.08 }),
    humidity: new Drift({ base: 68, day: -8, drift: 4, noise: 0.5, min: 20, max: 99, step: 0.5 }),
    // An electric car charger: long sessions at 7.4 kW.
    loads: [new Load({ watts: 7400, onMs: 60000, offMs: 40000, jitter: 0.01 })],
    outages: true,
  },
];

const UNITS = { temperature: "°C", humidity: "%", power: "W" };

function reading(room, metric) {
  let value;
  if (metric === "power") {
    value = Math.round(room.loads.reduce((w, l) => w + l.next(), 0) + 3 + 2 * Math.random());
  } else if (metric === "temperature") {
    // Cooking warms the kitchen.
    const heat = room.id === "kitchen" && room.loads[2].on ? 1.5 : 0;
    value = Number(room.temperature.next(heat).toFixed(2));
  } else {
    value = Number(room.humidity.next().toFixed(1));
  }
  return JSON.stringify({ value, unit: UNITS[metric], ts: Date.now() });
}

// ---- devices ------------------------------------------------------------------------------

const devices = new Map();
let stopping = false;

/** One device: its own connection, a will, retained "online" on connect, readings on timers. */
function startDevice(room) {
  const status = `${ROOT}/${room.id}/status`;
  const client = mqtt.connect(BROKER, {
    clientId: `wasmqtt-sim-${room.id}-${process.pid}`,
    protocolVersion: 5,
    keepalive: 10,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    will: { topic: status, payload: "offline", qos: 1, retain: true },
  });
  const device = { room, client, timers: [] };
  devices.set(room.id, device);
  client.on("connect", () => {
    client.publish(status, "online", { qos: 1, retain: true });
  });
  client.on("error", (e) => log(`${room.id}: ${e.message}`));
  const metrics = room.loads ? ["temperature", "humidity", "power"] : ["temperature", "humidity"];
  metrics.forEach((metric, i) => {
    // Each metric on its own slightly irregular clock, as real sensors report.
    const tick = () => {
      if (client.connected) client.publish(`${ROOT}/${room.id}/${metric}`, reading(room, metric), { qos: 0 });
      device.timers[i] = setTimeout(tick, INTERVAL_MS * (0.8 + 0.4 * Math.random()));
    };
    device.timers[i] = setTimeout(tick, (INTERVAL_MS * i) / metrics.length);
  });
  return device;
}

function stopDevice(device, { abrupt }) {
  for (const t of device.timers) clearTimeout(t);
  devices.delete(device.room.id);
  // end(true) destroys the socket without sending DISCONNECT: to the broker the device just
  // vanished, so it publishes the will. end(false) is a clean goodbye (no will).
  return new Promise((resolve) => device.client.end(abrupt, resolve));
}

/** The garage's power cuts: offline (will) for OUTAGE_MS, every OUTAGE_EVERY_MS or so. */
function scheduleOutage(room) {
  setTimeout(async () => {
    const device = devices.get(room.id);
    if (stopping || !device) return;
    if (!device.client.connected) {
      scheduleOutage(room); // the broker is away: try again later
      return;
    }
    log(`${room.id}: power cut (socket dropped without DISCONNECT: the broker sends its will)`);
    await stopDevice(device, { abrupt: true });
    setTimeout(() => {
      if (stopping) return;
      log(`${room.id}: power back`);
      startDevice(room);
      scheduleOutage(room);
    }, OUTAGE_MS);
  }, OUTAGE_EVERY_MS * (0.7 + 0.6 * Math.random()));
}

// ---- alarms and the control channel: the "hub" connection --------------------------------

const hub = mqtt.connect(BROKER, {
  clientId: `wasmqtt-sim-hub-${process.pid}`,
  protocolVersion: 5,
  keepalive: 10,
  reconnectPeriod: 1000,
  connectTimeout: 5000,
});
hub.on("error", (e) => log(`hub: ${e.message}`));
hub.on("connect", () => {
  hub.subscribe(CONTROL, { qos: 1 });
  hub.publish(`${ROOT}/sim`, JSON.stringify({ event: "started", rooms: ROOMS.map((r) => r.id), ts: Date.now() }), { qos: 1, retain: true });
});

const ALARMS = [
  { level: "warning", text: "Window open for 10 minutes" },
  { level: "warning", text: "Humidity above 70 %" },
  { level: "critical", text: "Water leak detected under the sink" },
  { level: "critical", text: "Smoke detector triggered" },
  { level: "warning", text: "Door left unlocked" },
  { level: "warning", text: "Temperature changing fast" },
];

const activeAlarms = new Set();
function scheduleAlarm() {
  setTimeout(() => {
    if (stopping) return;
    const room = ROOMS[Math.floor(Math.random() * ROOMS.length)];
    const alarm = ALARMS[Math.floor(Math.random() * ALARMS.length)];
    const topic = `${ROOT}/${room.id}/alarm`;
    if (hub.connected && !activeAlarms.has(room.id)) {
      log(`${room.id}: alarm "${alarm.text}"`);
      activeAlarms.add(room.id);
      // Retained: a page that connects later still sees the alarm until it is cleared.
      hub.publish(topic, JSON.stringify({ ...alarm, ts: Date.now() }), { qos: 1, retain: true });
      setTimeout(() => {
        activeAlarms.delete(room.id);
        // An empty retained payload deletes the retained alarm (and tells subscribers).
        if (hub.connected) {
          log(`${room.id}: alarm cleared`);
          hub.publish(topic, "", { qos: 1, retain: true });
        }
      }, 8000 + Math.random() * 12000);
    }
    scheduleAlarm();
  }, ALARM_EVERY_MS * (0.5 + Math.random()));
}

let flooding = false;
/** Sends `count` QoS 0 messages as fast as the socket takes them, over 500 topics. */
async function flood(count) {
  if (flooding) return;
  flooding = true;
  const started = Date.now();
  const topics = 500;
  let sent = 0;
  log(`flood: ${count} messages over ${topics} topics`);
  try {
    while (sent < count && hub.connected) {
      // Batches, then let the socket drain: a tight loop of 100k writes would only buffer
      // them all in this process before the first byte left.
      for (let i = 0; i < 500 && sent < count; i++, sent++) {
        const k = sent % topics;
        hub.publish(`${ROOT}/flood/${String(k).padStart(3, "0")}`, `{"seq":${sent},"value":${(Math.sin(sent / 50) * 50 + 50).toFixed(2)}}`, { qos: 0 });
      }
      if (hub.stream.writableNeedDrain) await new Promise((r) => hub.stream.once("drain", r));
      else await new Promise((r) => setImmediate(r));
    }
  } finally {
    flooding = false;
  }
  const ms = Date.now() - started;
  log(`flood: ${sent} sent in ${ms} ms`);
  hub.publish(`${ROOT}/sim`, JSON.stringify({ event: "flood-done", sent, ms, ts: Date.now() }), { qos: 1 });
}

hub.on("message", (topic, payload) => {
  if (topic !== CONTROL) return;
  let cmd;
  try {
    cmd = JSON.parse(payload.toString());
  } catch {
    return log(`control: not JSON: ${payload.toString().slice(0, 80)}`);
  }
  if (cmd && cmd.cmd === "flood") {
    const count = Math.max(1, Math.min(200000, Math.floor(Number(cmd.count) || 10000)));
    flood(count).catch((e) => log(`flood: ${e.message}`));
  } else {
    log(`control: unknown command ${JSON.stringify(cmd).slice(0, 80)}`);
  }
});

for (const room of ROOMS) {
  startDevice(room);
  if (room.outages) scheduleOutage(room);
}
scheduleAlarm();
log(`publishing ${ROOMS.length} rooms to ${BROKER} under ${ROOT}/ (control: ${CONTROL})`);

async function shutdown() {
  if (stopping) return;
  stopping = true;
  // Clean DISCONNECTs: no wills on the way out. Bounded, in case the broker is gone.
  const ends = [...devices.values()].map((d) => stopDevice(d, { abrupt: false }));
  ends.push(new Promise((r) => hub.end(false, r)));
  await Promise.race([Promise.all(ends), new Promise((r) => setTimeout(r, 1500))]);
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
