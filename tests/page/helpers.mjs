// Shared pieces of the page tests (node --test tests/page/): a mosquitto of their own on
// loopback (scripts/lib/broker.sh, started and stopped by PID), a tiny static server on
// 127.0.0.1 (which also relays WebSocket upgrades on /mqtt to the broker, so pages can use
// `location.host` as Paho's examples do), and headless Chromium through playwright-core.
// Run after `bash scripts/build.sh && bash scripts/build.sh web`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { after, before } from "node:test";

import { chromium } from "playwright-core";

import { CHROMIUM, CHROMIUM_ARGS, MIME_TYPES, listenOnLoopback } from "../../scripts/lib/loopback.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PKG = path.join(ROOT, "pkg");
export const PKG_WEB = path.join(ROOT, "pkg-web");
const BROKER_SH = path.join(ROOT, "scripts", "lib", "broker.sh");
const run = promisify(execFile);

/** Fails with a clear message when the package a test needs was not built. */
export function requireBuilt(dir, command) {
  for (const f of ["index.js", "client.js", "paho.js", "wasmqtt_bg.wasm", "package.json"]) {
    if (!existsSync(path.join(dir, f))) {
      throw new Error(`${path.relative(ROOT, dir)}/${f} is missing: run \`${command}\` first`);
    }
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function bash(script, args, env = {}) {
  return run("bash", ["-c", `source "${BROKER_SH}"\n${script}`, "broker", ...args], {
    env: { ...process.env, ...env },
    timeout: 20000,
  });
}

/**
 * Starts mosquitto (TCP + WebSocket listeners on 127.0.0.1, free ports) with broker.sh's
 * broker_start, checks it listens on loopback only, and returns
 * { pid, wsPort, tcpPort, wsUrl, log(), stop() }.
 */
export async function startBroker({ extraConf = "" } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wasmqtt-page-broker-"));
  const tcpPort = await freePort();
  const wsPort = await freePort();
  let pid;
  try {
    const { stdout } = await bash(
      'broker_start "$1" "$2" "$3" >&2 && broker_assert_loopback "$BROKER_PID" >&2 && echo "PID=$BROKER_PID"',
      [dir, String(tcpPort), String(wsPort)],
      { BROKER_EXTRA_CONF: extraConf },
    );
    pid = Number(/PID=(\d+)/.exec(stdout)?.[1]);
    if (!pid) throw new Error(`broker_start printed no PID: ${stdout}`);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    pid,
    tcpPort,
    wsPort,
    wsUrl: `ws://127.0.0.1:${wsPort}/mqtt`,
    async log() {
      try {
        const { stdout } = await run("cat", [path.join(dir, "mosquitto.log")]);
        return stdout;
      } catch {
        return "";
      }
    },
    async stop() {
      try {
        await bash('broker_stop "$1" >&2', [String(pid)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}


/**
 * A static server on 127.0.0.1: `mounts` maps URL prefixes ("/pkg-web/", "/") to directories;
 * `pages` maps paths to literal HTML/JS. WebSocket upgrades on /mqtt are relayed, byte for
 * byte, to 127.0.0.1:`wsPort` (the broker) when given. Returns { url, close() }.
 */
export async function startServer({ mounts = {}, pages = {}, wsPort } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer(async (req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (Object.prototype.hasOwnProperty.call(pages, pathname)) {
      res.writeHead(200, {
        "content-type": MIME_TYPES[path.extname(pathname)] || MIME_TYPES[".html"],
        "cache-control": "no-store",
      });
      res.end(pages[pathname]);
      return;
    }
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    if (!prefix) {
      res.writeHead(404).end("not found\n");
      return;
    }
    const base = path.resolve(mounts[prefix]);
    const file = path.resolve(base, `./${pathname.slice(prefix.length)}`);
    if (!file.startsWith(base + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
    } catch {
      res.writeHead(404).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": MIME_TYPES[path.extname(file)] || "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  const listening = await listenOnLoopback(server);
  server.on("upgrade", (req, socket, head) => {
    if (!wsPort || !req.url.startsWith("/mqtt")) {
      socket.destroy();
      return;
    }
    // Relay the upgrade request and everything after it to the broker's WebSocket listener.
    const upstream = net.connect(wsPort, "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head && head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    listening.track(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    upstream.on("error", drop);
    socket.on("error", drop);
    socket.on("close", () => upstream.end());
    upstream.on("close", () => socket.end());
  });
  return listening;
}

/** Headless Debian Chromium (never a downloaded one); `extraArgs` e.g. --js-flags=--expose-gc. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 20000 });
}

/**
 * Opens `url` in a fresh context; records console messages and page errors.
 * Returns { page, logs, errors, close() }: `errors` holds page errors and console errors.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const logs = [];
  const errors = [];
  page.on("console", (m) => {
    logs.push(m.text());
    if (m.type() === "error") errors.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e && e.stack ? e.stack : e}`));
  await page.goto(url);
  return {
    page,
    logs,
    errors,
    async close() {
      await context.close().catch(() => {});
    },
  };
}

/**
 * Everything one test file needs: a broker, a server with `mounts`/`pages`, a browser.
 * `dispose()` stops all three (the broker by PID) whatever happened.
 */
export async function pageEnv({ mounts, pages, extraConf, browserArgs } = {}) {
  const made = [];
  const dispose = async () => {
    for (const f of made.reverse()) await f().catch((e) => console.error("cleanup:", e));
  };
  try {
    const broker = await startBroker({ extraConf });
    made.push(() => broker.stop());
    const server = await startServer({ mounts, pages, wsPort: broker.wsPort });
    made.push(() => server.close());
    const browser = await launchBrowser(browserArgs);
    made.push(() => browser.close());
    return { broker, server, browser, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/**
 * For a test file of pages on pkg-web: registers the hooks that make a `pageEnv` with pkg-web
 * at /pkg-web/ (and any other `mounts`) and `pages` before its tests and dispose of it after;
 * returns a getter.
 */
export function pkgWebPageEnv(pages, mounts = {}) {
  let env;
  before(async () => {
    requireBuilt(PKG_WEB, "bash scripts/build.sh web");
    env = await pageEnv({ mounts: { "/pkg-web/": PKG_WEB, ...mounts }, pages });
  });
  after(async () => {
    if (env) await env.dispose();
  });
  return () => env;
}

/**
 * For the oracle tests: opens `/<name>.html` of `env` with the broker, a URL where nothing
 * listens and a fresh tag (and `query`), waits for the page's `window.__result` (the facts its
 * scenario observed) and returns them with the tag replaced by "TAG", so that two runs of one
 * program compare equal.
 */
export async function observeFacts(env, name, query = {}) {
  const tag = `${name}${Math.random().toString(16).slice(2, 8)}`;
  const params = new URLSearchParams({ broker: env.broker.wsUrl, dead: `ws://127.0.0.1:${await freePort()}/mqtt`, tag, ...query });
  const p = await openPage(env.browser, `${env.server.url}/${name}.html?${params}`);
  try {
    await p.page.waitForFunction(() => window.__result !== undefined, null, { timeout: 25000 });
    const result = await p.page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, `${name}: ${result.error}`);
    return JSON.parse(JSON.stringify(result).replaceAll(tag, "TAG"));
  } finally {
    await p.close();
  }
}

/** Asserts that `actual` holds the facts of `expected` (the oracle's), one by one, named. */
export function assertSameFacts(actual, expected, oracle) {
  assert.ok(expected.length >= 20, `the scenario ran: ${expected.length} facts`);
  for (let i = 0; i < expected.length; i++) {
    assert.deepEqual(actual[i], expected[i], `fact #${i} "${expected[i][0]}" differs from ${oracle}'s`);
  }
  assert.equal(actual.length, expected.length);
}
