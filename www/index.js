// The demo page: CONNECT bytes from the wasm module out over a WebSocket, every byte that
// comes back through the wasm PacketDecoder, each decoded packet shown.
// URL parameters: ?autoconnect connects on load; ?url=, ?version=4|5, ?clientId=, ?keepAlive=
// prefill the form.
import { encodeConnect, PacketDecoder } from "wasmqtt";

const MAX_PACKET_SIZE = 1024 * 1024;
const $ = (id) => document.getElementById(id);
const form = $("connect-form");
const button = $("connect");
const fields = { url: $("url"), clientId: $("client-id"), version: $("version"), keepAlive: $("keep-alive") };
const list = $("packets");

let socket = null;
let decoder = null;

function setState(state, label, detail = "") {
  $("status").dataset.state = state;
  $("state").textContent = label;
  $("detail").textContent = detail;
  const busy = state === "connecting" || state === "open" || state === "connected";
  button.textContent = busy ? "Disconnect" : "Connect";
  button.classList.toggle("secondary", busy);
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

// A decoded packet as readable text: bytes as hex, everything else as JSON.
function describe(packet) {
  return JSON.stringify(
    packet,
    (key, value) => (value instanceof Uint8Array ? hex(value) : value),
    2,
  );
}

function show(direction, title, meta, text) {
  const item = document.createElement("li");
  item.className = direction;
  const header = document.createElement("header");
  const name = document.createElement("b");
  name.textContent = title;
  const info = document.createElement("span");
  info.textContent = `${meta} \u00b7 ${new Date().toLocaleTimeString()}`;
  header.append(name, info);
  item.append(header);
  if (text) {
    const body = document.createElement("pre");
    body.textContent = text;
    item.append(body);
  }
  list.append(item);
}

function releaseDecoder() {
  if (decoder) {
    decoder.free();
    decoder = null;
  }
}

function connect() {
  const url = fields.url.value.trim();
  const version = Number(fields.version.value);
  const keepAlive = Math.max(0, Math.min(65535, Number(fields.keepAlive.value) || 0));
  const clientId = fields.clientId.value.trim();

  let bytes;
  try {
    bytes = encodeConnect(clientId, version, keepAlive);
    decoder = new PacketDecoder(version, MAX_PACKET_SIZE);
  } catch (err) {
    releaseDecoder();
    setState("error", "error", String(err));
    show("error", "encode error", "wasm", String(err));
    return;
  }

  let ws;
  try {
    ws = new WebSocket(url, "mqtt");
  } catch (err) {
    releaseDecoder();
    setState("error", "error", String(err));
    show("error", "WebSocket error", url, String(err));
    return;
  }
  socket = ws;
  ws.binaryType = "arraybuffer";
  setState("connecting", "connecting", url);

  ws.onopen = () => {
    if (socket !== ws) return;
    setState("open", "WebSocket open", `subprotocol "${ws.protocol}" \u00b7 waiting for CONNACK`);
    ws.send(bytes);
    const v = version === 5 ? "5.0" : "3.1.1";
    show("out", "CONNECT", `${bytes.length} bytes \u00b7 MQTT ${v}`, hex(bytes));
  };

  ws.onmessage = (event) => {
    if (socket !== ws || !decoder) return;
    if (!(event.data instanceof ArrayBuffer)) {
      show("error", "unexpected text frame", "ignored", String(event.data));
      return;
    }
    const chunk = new Uint8Array(event.data);
    let packets;
    try {
      packets = decoder.push(chunk);
    } catch (err) {
      show("error", "decode error", `${chunk.length} bytes`, `${err}\n\n${hex(chunk)}`);
      setState("error", "protocol error", String(err));
      ws.close(1002, "protocol error");
      return;
    }
    for (const packet of packets) {
      show("in", packet.type, "decoded by wasm", describe(packet.packet));
      if (packet.type === "CONNACK") {
        setState("connected", "CONNACK received", "see the decoded packet below");
      }
    }
  };

  ws.onerror = () => {
    if (socket !== ws) return;
    show("error", "WebSocket error", url, "");
  };

  ws.onclose = (event) => {
    if (socket !== ws) return;
    socket = null;
    releaseDecoder();
    const reason = event.reason ? `, ${event.reason}` : "";
    const clean = event.code === 1000 || event.code === 1005;
    setState(clean ? "idle" : "error", "disconnected", `WebSocket closed (code ${event.code}${reason})`);
  };
}

function disconnect() {
  const ws = socket;
  socket = null;
  releaseDecoder();
  if (ws) ws.close(1000, "closed by user");
  setState("idle", "disconnected", "closed by you");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (socket) disconnect();
  else connect();
});

const params = new URLSearchParams(location.search);
fields.url.value = params.get("url") ?? fields.url.value;
fields.version.value = params.get("version") === "4" ? "4" : params.get("version") === "5" ? "5" : fields.version.value;
fields.clientId.value = params.get("clientId") ?? `wasmqtt-demo-${Math.random().toString(36).slice(2, 8)}`;
fields.keepAlive.value = params.get("keepAlive") ?? fields.keepAlive.value;
setState("idle", "disconnected");
if (params.has("autoconnect")) connect();
