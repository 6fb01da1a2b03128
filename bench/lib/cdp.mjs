// A minimal Chrome DevTools Protocol driver over --remote-debugging-pipe. Playwright enables
// the Network domain on every page it attaches to, which reports each WebSocket frame to the
// driver and halves measured throughput (see /work/shared/TOOLCHAIN.md); here only the domains
// a measurement asks for are enabled, and no port is opened at all (the pipe is fds 3 and 4).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { CHROMIUM, CHROMIUM_ARGS as PAGE_TEST_ARGS } from "../../scripts/lib/loopback.mjs";

// The flags of the page tests, plus: background throttling off (a page that is not focused
// must not have its timers or its renderer deprioritised).
export const CHROMIUM_ARGS = [
  ...PAGE_TEST_ARGS,
  "--no-default-browser-check",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
  "--disable-ipc-flooding-protection",
  "--disable-extensions",
  "--disable-sync",
  "--mute-audio",
];

export class Browser {
  /** Starts Chromium; `extraArgs` e.g. ["--js-flags=--expose-gc"]. */
  static async launch(extraArgs = []) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "wasmqtt-bench-chromium-"));
    const proc = spawn(
      CHROMIUM,
      [...CHROMIUM_ARGS, ...extraArgs, "--remote-debugging-pipe", `--user-data-dir=${dir}`, "about:blank"],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    const b = new Browser(proc, dir);
    await b.send("Target.setDiscoverTargets", { discover: false });
    const { product } = await b.send("Browser.getVersion");
    b.version = product;
    return b;
  }

  constructor(proc, dir) {
    this.proc = proc;
    this.dir = dir;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map(); // sessionId -> Set(fn(method, params))
    this.stderr = "";
    this.closed = false;
    proc.stderr.on("data", (d) => {
      this.stderr = (this.stderr + d).slice(-20000);
    });
    let buf = "";
    proc.stdio[4].on("data", (chunk) => {
      buf += chunk.toString("utf8");
      let i;
      while ((i = buf.indexOf("\0")) >= 0) {
        const msg = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        this.#onMessage(msg);
      }
    });
    proc.on("exit", (code, signal) => {
      this.closed = true;
      for (const { reject, method } of this.pending.values()) {
        reject(new Error(`chromium exited (${code ?? signal}) during ${method}; stderr: ${this.stderr.slice(-2000)}`));
      }
      this.pending.clear();
    });
  }

  #onMessage(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message} ${msg.error.data ?? ""}`));
      else p.resolve(msg.result);
      return;
    }
    const set = this.listeners.get(msg.sessionId ?? "");
    if (set) for (const fn of set) fn(msg.method, msg.params);
  }

  send(method, params = {}, sessionId) {
    if (this.closed) return Promise.reject(new Error(`chromium is gone (${method})`));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.proc.stdio[3].write(JSON.stringify(msg) + "\0");
    });
  }

  /** A fresh browser context (no cache, no storage shared with earlier pages) with one page. */
  async newPage() {
    const { browserContextId } = await this.send("Target.createBrowserContext", { disposeOnDetach: true });
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank", browserContextId });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    return new Page(this, browserContextId, targetId, sessionId);
  }

  async close() {
    if (this.closed) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.send("Browser.close").catch(() => {});
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Page {
  constructor(browser, contextId, targetId, sessionId) {
    this.browser = browser;
    this.contextId = contextId;
    this.targetId = targetId;
    this.sessionId = sessionId;
    this.logs = [];
    this.errors = [];
    this.events = new Set();
    this.handler = (method, params) => {
      if (method === "Runtime.consoleAPICalled") {
        const text = params.args.map((a) => a.value ?? a.description ?? a.type).join(" ");
        this.logs.push(`${params.type}: ${text}`);
        if (params.type === "error") this.errors.push(text);
      } else if (method === "Runtime.exceptionThrown") {
        const d = params.exceptionDetails;
        this.errors.push(`${d.text} ${d.exception?.description ?? ""}`);
      }
      for (const fn of this.events) fn(method, params);
    };
    let set = browser.listeners.get(sessionId);
    if (!set) browser.listeners.set(sessionId, (set = new Set()));
    set.add(this.handler);
  }

  send(method, params) {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Waits for one event `method` (optionally matching `pred`), at most `ms`. */
  waitEvent(method, ms = 20000, pred = () => true) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.events.delete(fn);
        reject(new Error(`no ${method} within ${ms} ms`));
      }, ms);
      const fn = (m, p) => {
        if (m === method && pred(p)) {
          clearTimeout(t);
          this.events.delete(fn);
          resolve(p);
        }
      };
      this.events.add(fn);
    });
  }

  /** Navigates and waits for the load event. Runtime is enabled first (console, exceptions). */
  async goto(url, ms = 20000) {
    await this.send("Runtime.enable");
    await this.send("Page.enable");
    const loaded = this.waitEvent("Page.loadEventFired", ms);
    const r = await this.send("Page.navigate", { url });
    if (r.errorText) throw new Error(`navigate ${url}: ${r.errorText}`);
    await loaded;
  }

  /** Evaluates `expr` in the page, awaiting a Promise; returns the value (JSON). */
  async eval(expr, ms = 120000) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`page evaluation timed out after ${ms} ms: ${expr.slice(0, 80)}`)), ms);
    });
    try {
      const r = await Promise.race([
        this.send("Runtime.evaluate", { expression: expr, awaitPromise: true, returnByValue: true }),
        timeout,
      ]);
      if (r.exceptionDetails) {
        const d = r.exceptionDetails;
        throw new Error(`page: ${d.exception?.description ?? d.text}`);
      }
      return r.result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Performance domain metrics as { name: value } (TaskDuration, ScriptDuration, ... in s). */
  async metrics() {
    const { metrics } = await this.send("Performance.getMetrics");
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  }

  async close() {
    this.browser.listeners.delete(this.sessionId);
    await this.browser.send("Target.disposeBrowserContext", { browserContextId: this.contextId }).catch(() => {});
  }
}
