// Screenshots a page once a condition holds, driving Debian's Chromium over the DevTools
// protocol on a pipe (no port, no dependency). `chromium --screenshot` cannot do this: it shoots
// at the load event, before WebSocket traffic has had a chance to happen.
//   node scripts/screenshot.mjs URL OUT.png [--wait-for JS_EXPRESSION] [--timeout MS] [--size WxH]
// Exits 1 (after still writing OUT.png) when the condition did not hold within the timeout.
import { spawn } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "wait-for": { type: "string", default: "true" },
    timeout: { type: "string", default: "10000" },
    size: { type: "string", default: "1000x800" },
    chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
  },
});
if (positionals.length !== 2) {
  console.error("usage: node scripts/screenshot.mjs URL OUT.png [--wait-for EXPR] [--timeout MS] [--size WxH]");
  process.exit(2);
}
const [url, out] = positionals;
const [width, height] = values.size.split("x").map(Number);
const profile = mkdtempSync(path.join(tmpdir(), "wasmqtt-chromium-"));

const chrome = spawn(
  values.chromium,
  [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--remote-debugging-pipe",
    `--user-data-dir=${profile}`, `--window-size=${width},${height}`, "about:blank",
  ],
  { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
);
const [toChrome, fromChrome] = [chrome.stdio[3], chrome.stdio[4]];

let nextId = 1;
const pending = new Map();
let buffered = "";
fromChrome.on("data", (chunk) => {
  buffered += chunk.toString("utf8");
  let end;
  while ((end = buffered.indexOf("\0")) >= 0) {
    const message = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    const waiter = message.id && pending.get(message.id);
    if (!waiter) continue;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
    else waiter.resolve(message.result);
  }
});
function send(method, params = {}, sessionId = undefined) {
  const id = nextId++;
  toChrome.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let status = 1;
try {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send("Page.navigate", { url }, sessionId);
  const deadline = Date.now() + Number(values.timeout);
  let held = false;
  while (Date.now() < deadline) {
    const { result } = await send(
      "Runtime.evaluate",
      { expression: `Boolean(${values["wait-for"]})`, returnByValue: true },
      sessionId,
    ).catch(() => ({ result: { value: false } }));
    if (result?.value === true) {
      held = true;
      break;
    }
    await sleep(100);
  }
  await sleep(200); // let the last paint land
  const { data } = await send("Page.captureScreenshot", { format: "png" }, sessionId);
  writeFileSync(out, Buffer.from(data, "base64"));
  console.log(`[screenshot] ${out} written; condition ${held ? "held" : "did NOT hold"}: ${values["wait-for"]}`);
  status = held ? 0 : 1;
  await Promise.race([send("Browser.close"), sleep(2000)]);
} catch (err) {
  console.error(`[screenshot] ${err.message}`);
} finally {
  if (chrome.exitCode === null) {
    const exited = new Promise((r) => chrome.once("exit", r));
    chrome.kill("SIGTERM");
    await Promise.race([exited, sleep(3000)]);
    if (chrome.exitCode === null && chrome.signalCode === null) chrome.kill("SIGKILL");
  }
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
