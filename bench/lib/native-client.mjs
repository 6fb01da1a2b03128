// The orchestrator's handle on bench/native.mjs: forks it (its PID is recorded and it is
// stopped by PID), and turns IPC messages into awaited calls.
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function startNative(tcpPort) {
  const child = fork(path.join(HERE, "..", "native.mjs"), [], {
    env: { ...process.env, BENCH_TCP_PORT: String(tcpPort) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  const ready = new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench/native.mjs exited (${code}) before it was ready`)));
    child.on("message", (m) => {
      if (m.ready) return resolve(m);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`native ${p.cmd}: ${m.error}`));
      else p.resolve(m.result);
    });
  });
  child.on("exit", (code, signal) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`bench/native.mjs exited (${code ?? signal}) during ${p.cmd}`));
    pending.clear();
  });
  const { wsEchoPort } = await ready;
  const call = (cmd, args) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error("bench/native.mjs is gone"));
      const id = nextId++;
      pending.set(id, { resolve, reject, cmd });
      child.send({ id, cmd, args });
    });
  return {
    pid: child.pid,
    wsEchoPort,
    call,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(t);
    },
  };
}
