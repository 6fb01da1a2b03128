// The live dashboard as a visitor meets it: `npm start` (with WASMQTT_SKIP_BUILD=1: `npm test`
// has just built pkg/) on free ports, the page in headless Chromium, then: live values change;
// a message published from the form comes back in the log; a subscription added and removed
// from the list takes effect; the simulator's flood is held by the bounded inbound queue while
// the page keeps drawing frames; the broker stopped shows "reconnecting" with a countdown, and
// restarted, data resumes; a device's will and a retained alarm arrive; phone width fits.
// Ctrl-C (SIGINT to the process group, as a terminal sends it) stops everything it started.
// Any console error or page error fails the test, except Chromium's own line for a WebSocket
// that could not connect, and only while the broker is down.
// Screenshots go to test-results/dashboard/ (git-ignored).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { PKG, ROOT, freePort, launchBrowser, requireBuilt, sleep } from "../page/helpers.mjs";

const run = promisify(execFile);
const BROKER_SH = path.join(ROOT, "scripts", "lib", "broker.sh");
const SHOTS = path.join(ROOT, "test-results", "dashboard");
const INBOUND_CAP = 200; // www/main.js INBOUND.maxMessages
const INBOUND_BYTES = 256 * 1024;
const FLOOD = 10000;

/** Polls `fn` until it returns a truthy value; fails with `what` (and the last value) after `ms`. */
async function until(what, fn, ms = 10000, every = 100) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(every);
  }
}

/** Resolves to `value` after `ms`, without keeping the process alive (for Promise.race). */
const later = (ms, value) => new Promise((r) => setTimeout(r, ms, value).unref());

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function brokerSh(script, args) {
  return run("bash", ["-c", `source "${BROKER_SH}"\n${script}`, "broker", ...args], { timeout: 20000 });
}

/** The TCP ports listening on this machine, as "address:port" strings. */
async function listening() {
  const { stdout } = await run("ss", ["-ltnH"]);
  return stdout.split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/)[3]);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

let ports;
let tmp;
let start; // the `npm start` child
let out = ""; // its stdout + stderr
let state; // what start.sh wrote to WASMQTT_STATE_FILE
let ownBroker; // { pid, dir } of the broker this test restarts
let browser;
let startExited;
let startupMs;

before(async () => {
  requireBuilt(PKG, "bash scripts/build.sh");
  const t0 = Date.now();
  tmp = mkdtempSync(path.join(os.tmpdir(), "wasmqtt-demo-test-"));
  ports = { mqtt: await freePort(), ws: await freePort(), http: await freePort() };
  const stateFile = path.join(tmp, "state");
  start = spawn("npm", ["start"], {
    cwd: ROOT,
    // Its own process group, so the test can send it Ctrl-C as a terminal would.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      MQTT_PORT: String(ports.mqtt),
      WS_PORT: String(ports.ws),
      HTTP_PORT: String(ports.http),
      WASMQTT_SKIP_BUILD: "1",
      WASMQTT_STATE_FILE: stateFile,
      // A livelier simulator than the default, so the test sees wills and alarms in seconds.
      SIM_INTERVAL_MS: "500",
      SIM_OUTAGE_EVERY_MS: "9000",
      SIM_OUTAGE_MS: "3000",
      SIM_ALARM_EVERY_MS: "5000",
    },
  });
  startExited = new Promise((resolve) => start.once("exit", (code, signal) => resolve({ code, signal })));
  start.stdout.on("data", (d) => (out += d));
  start.stderr.on("data", (d) => (out += d));
  try {
    await until("npm start to come up (state file)", () => existsSync(stateFile) || start.exitCode !== null, 90000, 200);
    if (start.exitCode !== null) throw new Error(`npm start exited with ${start.exitCode}`);
    state = Object.fromEntries(
      readFileSync(stateFile, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    browser = await launchBrowser();
    startupMs = Date.now() - t0;
  } catch (e) {
    console.error(out);
    throw e;
  }
});

after(async () => {
  // Whatever happened: Ctrl-C to npm start's group if still running, our broker by PID.
  if (start && start.exitCode === null && start.signalCode === null) {
    try {
      process.kill(-start.pid, "SIGINT");
    } catch {}
    await Promise.race([startExited, later(15000)]);
  }
  if (ownBroker) await brokerSh('broker_stop "$1" >&2', [String(ownBroker.pid)]).catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A page of the dashboard in its own context, with console/page errors recorded and timed. */
async function openDashboard(viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push({ t: Date.now(), text: `console.error: ${m.text()}` });
  });
  page.on("pageerror", (e) => problems.push({ t: Date.now(), text: `pageerror: ${e && e.stack ? e.stack : e}` }));
  await page.goto(state.URL);
  return { page, context, problems };
}

const stateOf = (page) =>
  page.evaluate(() => ({ state: document.getElementById("state").dataset.state, label: document.getElementById("state-label").textContent }));

const tiles = (page) =>
  page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll(".tile")].map((t) => [t.dataset.topic, { value: Number(t.dataset.value), updates: Number(t.dataset.updates) }])),
  );

const logRows = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("#log tr")].map((tr) => ({
      topic: tr.dataset.topic,
      payload: tr.querySelector(".payload").textContent,
      qos: tr.querySelector(".qos").textContent,
      retain: tr.querySelector(".retain").textContent,
    })),
  );

test("npm start: the live dashboard end to end", { timeout: 150000 }, async (t) => {
  const began = Date.now();
  const step = (name) => t.diagnostic(`${((Date.now() - began) / 1000).toFixed(1)} s: ${name}`);
  t.diagnostic(`npm start (webpack, broker, simulator, server) and Chromium up in ${startupMs} ms`);

  // ---- npm start came up as documented, on loopback only --------------------------------------
  const wsUrl = `ws://127.0.0.1:${ports.ws}/mqtt`;
  assert.equal(state.URL, `http://127.0.0.1:${ports.http}/?broker=${wsUrl}`, "the page URL names the broker (not on 8083)");
  assert.match(out, new RegExp(`wasmqtt demo: +${state.URL.replace(/[?.]/g, "\\$&")}`), "npm start prints the URL");
  const socks = await listening();
  for (const port of Object.values(ports)) {
    const mine = socks.filter((a) => a.endsWith(`:${port}`));
    assert.deepEqual(mine, [`127.0.0.1:${port}`], `port ${port} is bound on 127.0.0.1 only`);
  }

  const desk = await openDashboard({ width: 1280, height: 900 });
  const { page } = desk;
  let brokerDown = null; // [from, to] while Chromium may log failed WebSocket connections
  // Device status and alarm changes, recorded in the page as they happen (they are transient).
  await page.evaluate(() => {
    window.__seen = [];
    new MutationObserver(() => {
      for (const card of document.querySelectorAll(".device")) {
        const status = card.querySelector(".pill").dataset.state || "";
        const alarm = card.querySelector(".alarm");
        const key = `${card.dataset.device}:${status}:${alarm.hidden ? "" : alarm.textContent}`;
        if (card.__last !== key) {
          card.__last = key;
          window.__seen.push({ device: card.dataset.device, status, alarm: alarm.hidden ? null : alarm.textContent, level: alarm.dataset.level });
        }
      }
    }).observe(document.getElementById("devices"), { subtree: true, childList: true, attributes: true, characterData: true });
    window.__labels = [];
    const label = document.getElementById("state-label");
    new MutationObserver(() => {
      if (window.__labels.at(-1) !== label.textContent) window.__labels.push(label.textContent);
    }).observe(label, { subtree: true, childList: true, characterData: true });
  });

  // ---- connected; live values change and are realistic ------------------------------------------
  await until("connected", async () => (await stateOf(page)).state === "connected");
  step("connected");
  assert.equal(await page.inputValue("#url"), wsUrl, "the broker URL comes from ?broker=");
  const first = await until("14 tiles (5 rooms)", async () => {
    const t = await tiles(page);
    return Object.keys(t).length >= 14 && Object.values(t).every((x) => x.updates > 0) && t;
  });
  const changed = await until("at least 10 tiles to show a new value", async () => {
    const now = await tiles(page);
    const moved = Object.keys(first).filter((k) => now[k].updates > first[k].updates && now[k].value !== first[k].value);
    return moved.length >= 10 && now;
  }, 15000);
  for (const [topic, { value }] of Object.entries(changed)) {
    const metric = topic.split("/").pop();
    const [lo, hi] = { temperature: [-5, 40], humidity: [5, 100], power: [0, 12000] }[metric];
    assert.ok(value >= lo && value <= hi, `${topic} = ${value} is a plausible ${metric}`);
  }
  const rooms = await page.$$eval(".device", (cards) => cards.map((c) => c.dataset.device));
  assert.deepEqual(rooms, ["bedroom", "garage", "kitchen", "living-room", "office"]);
  step("live values change");

  // ---- publish from the form; the message comes back through the subscription -----------------
  const tag = Math.random().toString(36).slice(2, 10);
  await page.fill("#pub-topic", `wasmqtt/demo/chat/${tag}`);
  await page.fill("#pub-payload", `hello from the test ${tag}`);
  await page.selectOption("#pub-qos", "1");
  await page.fill("#pub-props", `source=dashboard-test\nrun=${tag}`);
  await page.click("#publish");
  const row = await until("the published message in the log", async () =>
    (await logRows(page)).find((r) => r.topic === `wasmqtt/demo/chat/${tag}`),
  );
  assert.match(row.payload, new RegExp(`^hello from the test ${tag}`));
  assert.match(row.payload, new RegExp(`source=dashboard-test run=${tag}$`), "v5 user properties shown");
  assert.equal(row.qos, "1");
  assert.equal(row.retain, "");
  await until("PUBACK reported", async () => /acknowledged \(PUBACK\)/.test(await page.textContent("#pub-result")));
  step("published from the form, seen in the log");

  // ---- subscriptions: add a filter, receive through it, remove it, receive no more -------------
  await page.fill("#sub-filter", `wasmqtt/extra/${tag}/#`);
  await page.selectOption("#sub-qos", "2");
  await page.click("#sub-form button[type=submit]");
  const li = `#sub-list li[data-filter="wasmqtt/extra/${tag}/#"]`;
  await until("the new filter granted", async () => (await page.getAttribute(li, "data-status")) === "granted");
  assert.match(await page.textContent(li), /granted QoS 2/);
  await page.fill("#pub-topic", `wasmqtt/extra/${tag}/a`);
  await page.selectOption("#pub-qos", "2");
  await page.click("#publish");
  const viaExtra = await until("a message through the added filter", async () =>
    (await logRows(page)).find((r) => r.topic === `wasmqtt/extra/${tag}/a`),
  );
  assert.equal(viaExtra.qos, "2");
  await page.click(`${li} button`);
  assert.equal(await page.$(li), null, "the filter left the list");
  await sleep(300); // UNSUBACK
  await page.fill("#pub-topic", `wasmqtt/extra/${tag}/b`);
  await page.click("#publish");
  await until("PUBCOMP of the last publish", async () => /completed \(PUBCOMP\)/.test(await page.textContent("#pub-result")));
  await sleep(800);
  assert.equal((await logRows(page)).filter((r) => r.topic === `wasmqtt/extra/${tag}/b`).length, 0, "nothing after unsubscribe");
  step("subscription added and removed");

  // ---- flood: the bounded queue holds, the page keeps drawing -----------------------------------
  const before0 = await page.evaluate(() => ({ ...demo.client.stats(), frames: demo.frames }));
  await page.selectOption("#flood-count", String(FLOOD));
  await page.click("#flood");
  const samples = [];
  const frameWaits = [];
  let done = false;
  const floodStart = Date.now();
  while (!done) {
    // How long the page takes to draw its next frame: the visitor's view of responsiveness.
    const a = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    frameWaits.push(Date.now() - a);
    const s = await page.evaluate(() => ({
      ...demo.client.stats(),
      peak: demo.peaks.inbound,
      shownPeak: Number(document.getElementById("f-in-peak").dataset.value),
      shown: Number(document.getElementById("f-in-queued").dataset.value),
      note: document.getElementById("flood-note").dataset.sent,
      frames: demo.frames,
    }));
    samples.push(s);
    done = s.note === String(FLOOD) && s.messagesReceived - before0.messagesReceived >= FLOOD * 0.5 && s.inboundQueued < 20;
    assert.ok(Date.now() - floodStart < 30000, `flood did not settle in 30 s: ${JSON.stringify(s)}`);
    await sleep(50);
  }
  await sleep(500); // the figures are redrawn a few times a second
  const settled = await page.evaluate(() => ({
    stats: demo.client.stats(),
    taken: demo.taken,
    peak: demo.peaks.inbound,
    shownDropped: Number(document.getElementById("f-in-dropped").dataset.value),
    shownPeak: Number(document.getElementById("f-in-peak").dataset.value),
    rate: Number(document.getElementById("f-rate-in").dataset.value),
  }));
  const received = settled.stats.messagesReceived - before0.messagesReceived;
  const dropped = settled.stats.inboundDropped - before0.inboundDropped;
  const maxQueued = Math.max(...samples.map((s) => s.inboundQueued));
  const maxBytes = Math.max(...samples.map((s) => s.inboundQueuedBytes));
  const maxShown = Math.max(...samples.map((s) => s.shown));
  const floodMs = Date.now() - floodStart;
  const fps = ((samples.at(-1).frames - before0.frames) * 1000) / floodMs;
  t.diagnostic(
    `flood of ${FLOOD}: received ${received} in ${floodMs} ms, dropped ${dropped} ` +
      `(latest-per-topic), deepest inbound queue seen ${maxQueued} msgs / ${maxBytes} B (page peak ${settled.peak}, ` +
      `cap ${INBOUND_CAP}), page drew ${fps.toFixed(1)} frames/s, next-frame wait max ${Math.max(...frameWaits)} ms, median ${median(frameWaits)} ms`,
  );
  assert.ok(received >= FLOOD * 0.5, `the burst reached the page (${received} of ${FLOOD})`);
  assert.ok(maxQueued <= INBOUND_CAP && settled.peak <= INBOUND_CAP && maxShown <= INBOUND_CAP, `inbound queue within ${INBOUND_CAP}`);
  assert.ok(maxBytes <= INBOUND_BYTES, `inbound bytes within ${INBOUND_BYTES}`);
  assert.ok(samples.every((s) => s.outboundQueued <= 100), "outbound queue within 100");
  assert.ok(dropped > 0, "the policy dropped (replaced) messages: the queue was bounded, not the broker slowed");
  // Every message the client received was either taken by the page, dropped by the policy or
  // is still waiting: nothing lost in between, nothing counted twice.
  assert.equal(
    settled.taken + settled.stats.inboundDropped + settled.stats.inboundQueued,
    settled.stats.messagesReceived,
    `taken ${settled.taken} + dropped ${settled.stats.inboundDropped} + queued ${settled.stats.inboundQueued} = received`,
  );
  assert.equal(settled.shownDropped, settled.stats.inboundDropped, "the panel shows the client's drop count");
  assert.equal(settled.shownPeak, settled.peak, "the panel shows the peak");
  // Frames kept coming during the flood: no freeze for its length. (Generous bounds: these
  // machines are shared and noisy, and Playwright's Network domain reports every WebSocket
  // frame to the driver; seen: 9-11 frames/s at a load average of 8 on 2 cores.)
  assert.ok(fps >= 1 && Math.max(...frameWaits) < 5000, `the page kept drawing frames (${fps.toFixed(1)}/s; waits ${frameWaits.join(" ")} ms)`);
  // Still interactive: a click right after the flood is handled at once.
  await page.check("#log-pause");
  assert.equal(await page.isChecked("#log-pause"), true);
  await page.uncheck("#log-pause");
  step("flood held");

  // ---- broker down: reconnecting with a countdown; back up: data resumes -----------------------
  brokerDown = [Date.now(), Infinity];
  await brokerSh('broker_stop "$1" >&2', [state.BROKER_PID]);
  const down = await until("reconnecting with a countdown", async () => {
    const s = await stateOf(page);
    return s.state === "reconnecting" && /^reconnecting in \d+\.\d s$/.test(s.label) && s;
  });
  const secs = Number(/in (\S+) s/.exec(down.label)[1]);
  assert.ok(secs > 0 && secs <= 2, `countdown within the reconnect period: ${down.label}`);
  await until("the countdown to run down", async () => {
    const s = await stateOf(page);
    return s.state !== "reconnecting" || Number(/in (\S+) s/.exec(s.label)[1]) < secs - 0.3;
  });
  // Attempts against a closed port fail at once: the page's label history shows them.
  await until("a further attempt", async () => (await page.evaluate(() => window.__labels)).some((l) => /^connecting \(attempt [2-9]\d*\)$/.test(l)), 8000);
  const tilesDown = await tiles(page);
  step("broker stopped: reconnecting");
  // The same ports again, with broker.sh (loopback, by PID).
  const dir = mkdtempSync(path.join(tmp, "broker-"));
  const { stdout } = await brokerSh(
    'broker_start "$1" "$2" "$3" >&2 && broker_assert_loopback "$BROKER_PID" >&2 && echo "PID=$BROKER_PID"',
    [dir, state.MQTT_PORT, state.WS_PORT],
  );
  ownBroker = { pid: Number(/PID=(\d+)/.exec(stdout)[1]), dir };
  await until("connected again", async () => (await stateOf(page)).state === "connected", 10000);
  brokerDown[1] = Date.now() + 1000;
  step("broker restarted: connected");
  await until("data to resume on most tiles", async () => {
    const now = await tiles(page);
    return Object.keys(tilesDown).filter((k) => now[k].updates > tilesDown[k].updates).length >= 10;
  }, 15000);
  step("data resumed");

  // ---- a will (garage offline, then back) and an alarm were shown ------------------------------
  const seen = await until("garage offline (its will) and back online, and an alarm", async () => {
    const s = await page.evaluate(() => window.__seen);
    const g = s.filter((x) => x.device === "garage").map((x) => x.status);
    const off = g.indexOf("offline");
    return off >= 0 && g.indexOf("online", off) > off && s.some((x) => x.alarm) && s;
  }, 30000, 200);
  assert.ok(seen.some((x) => x.alarm && /^(⚠ )?[A-Z].+ · since /.test(x.alarm)), "an alarm banner with its text and time");
  step("will and alarm seen");

  mkdirSync(SHOTS, { recursive: true });
  // The sticky header at the top of the shot, no focus ring left by the clicks.
  await page.evaluate(() => (document.activeElement?.blur(), window.scrollTo(0, 0)));
  await page.screenshot({ path: path.join(SHOTS, "desktop.png"), fullPage: true });

  // ---- the same page against the broker in MQTT 3.1.1, chosen in the form ---------------------
  const before311 = await tiles(page);
  await page.selectOption("#version", "4");
  await page.fill("#client-id", `dash-test-311-${tag}`);
  await page.click("#connect");
  await until("connected in 3.1.1", async () => (await stateOf(page)).state === "connected" && /MQTT 3\.1\.1/.test(await page.textContent("#state-detail")));
  assert.equal(await page.evaluate(() => [demo.client.options.protocolVersion, demo.client.options.clientId].join()), `4,dash-test-311-${tag}`);
  assert.equal(await page.isVisible("#pub-props"), false, "user properties are MQTT 5 only");
  await until("data over the 3.1.1 connection", async () => {
    const now = await tiles(page);
    return Object.keys(before311).filter((k) => now[k].updates > before311[k].updates).length >= 10;
  });
  step("switched to MQTT 3.1.1");

  // ---- phone width: a fresh page gets retained state and fits the screen -----------------------
  const phone = await openDashboard({ width: 390, height: 844 });
  await until("phone page connected with tiles", async () =>
    (await stateOf(phone.page)).state === "connected" && (await phone.page.$$(".tile")).length >= 14,
  );
  // Retained on the broker: every device's status (sent on connect) reaches a new subscriber.
  const retained = await until("retained device statuses in the phone's log", async () => {
    const r = (await logRows(phone.page)).filter((x) => x.retain === "R" && /\/status$/.test(x.topic));
    return r.length >= 4 && r;
  });
  assert.ok(retained.every((r) => r.payload === "online" || r.payload === "offline"));
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow} px)`);
  await phone.page.evaluate(() => window.scrollTo(0, 0));
  await phone.page.screenshot({ path: path.join(SHOTS, "phone.png"), fullPage: true });
  step("phone width");

  // ---- no console errors beyond the expected failed WebSocket attempts while the broker was down
  for (const p of [...desk.problems, ...phone.problems]) {
    const expected =
      p.text.startsWith(`console.error: WebSocket connection to '${wsUrl}' failed`) && brokerDown && p.t >= brokerDown[0] && p.t <= brokerDown[1];
    assert.ok(expected, `unexpected page problem: ${p.text}`);
  }
  await desk.context.close();
  await phone.context.close();

  // ---- Ctrl-C stops everything npm start started ------------------------------------------------
  process.kill(-start.pid, "SIGINT");
  const exit = await Promise.race([startExited, later(20000, null)]);
  assert.ok(exit, `npm start exited on Ctrl-C\n${out.slice(-2000)}`);
  for (const name of ["START_PID", "SERVER_PID", "SIM_PID"]) assert.ok(!alive(Number(state[name])), `${name} ${state[name]} gone`);
  await brokerSh('broker_stop "$1" >&2', [String(ownBroker.pid)]);
  ownBroker = null;
  const left = (await listening()).filter((a) => Object.values(ports).some((p) => a.endsWith(`:${p}`)));
  assert.deepEqual(left, [], "nothing left listening on the demo's ports");
  step(`stopped (exit ${JSON.stringify(exit)})`);
});
