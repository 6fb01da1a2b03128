// A WebSocket front end for mosquitto's TCP listener, on 127.0.0.1 (a child of bench/run.mjs,
// stopped by PID). Why: mosquitto 2.0.11's own WebSocket listener (Debian's, built on
// libwebsockets 4.1) hands any packet over about 4 KiB to the socket in pieces, one piece per
// turn of its event loop: 4 KiB messages arrive at about 85/s and 64 KiB ones at about 1/s,
// whatever the client (bench/calibrate.mjs shows it; upstream issues eclipse/mosquitto#2060,
// #2252). Through this relay the same broker can be measured with large payloads.
//
// Like mosquitto's listener, it sends each MQTT packet the broker writes as one WebSocket
// message (the clients' receive work is the same); what the browser sends goes to the broker
// as it is.
import net from "node:net";

import { WebSocketServer } from "ws";

import { nextPacket } from "./page/frames.js";

const BROKER_PORT = Number(process.env.BENCH_TCP_PORT);
const HIGH_WATER = 8 << 20;

const wss = new WebSocketServer({
  host: "127.0.0.1",
  port: 0,
  perMessageDeflate: false,
  maxPayload: 512 << 20,
  handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : false),
});

wss.on("connection", (ws) => {
  const tcp = net.connect(BROKER_PORT, "127.0.0.1");
  tcp.setNoDelay(true);
  const early = [];
  tcp.once("connect", () => {
    for (const d of early) tcp.write(d);
    early.length = 0;
  });
  ws.on("message", (data) => {
    if (tcp.connecting) early.push(data);
    else tcp.write(data);
  });
  let rest = null;
  tcp.on("data", (chunk) => {
    let buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = null;
    let off = 0;
    for (let p; (p = nextPacket(buf, off)); off = p.end) {
      ws.send(buf.subarray(off, p.end), { binary: true });
    }
    if (off < buf.length) rest = Buffer.from(buf.subarray(off));
    // The browser reads slower than the broker writes: stop reading the broker for a while.
    if (ws._socket && ws._socket.writableLength > HIGH_WATER && !tcp.isPaused()) {
      tcp.pause();
      ws._socket.once("drain", () => tcp.resume());
    }
  });
  const close = () => {
    tcp.destroy();
    if (ws.readyState === ws.OPEN) ws.close();
  };
  tcp.on("close", close);
  tcp.on("error", close);
  ws.on("close", () => tcp.destroy());
  ws.on("error", () => tcp.destroy());
});

wss.on("listening", () => process.send?.({ ready: true, port: wss.address().port }));
process.on("disconnect", () => process.exit(0));
