// The static server of the benchmark pages, on 127.0.0.1 only. It answers with gzip (level 9,
// as scripts/build.sh reports sizes) when the browser accepts it, so the page's Resource Timing
// `encodedBodySize` is the compressed size a production server would send; no caching headers
// allow reuse between pages (each page also gets a fresh browser context).
import { readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";

import { MIME_TYPES, listenOnLoopback } from "../../scripts/lib/loopback.mjs";


/** `mounts`: URL prefix -> directory, or exact URL path -> file. Returns { url, port, close }. */
export async function startStatic(mounts) {
  const cache = new Map(); // file -> { mtimeMs, raw, gz }
  const load = (file) => {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a file");
    let e = cache.get(file);
    if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
      const raw = readFileSync(file);
      e = { mtimeMs: st.mtimeMs, size: st.size, raw, gz: zlib.gzipSync(raw, { level: 9 }) };
      cache.set(file, e);
    }
    return e;
  };
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file;
    if (Object.prototype.hasOwnProperty.call(mounts, pathname) && !pathname.endsWith("/")) {
      file = mounts[pathname];
    } else {
      const prefix = prefixes.find((p) => p.endsWith("/") && pathname.startsWith(p));
      if (!prefix) {
        res.writeHead(404).end("not found\n");
        return;
      }
      const base = path.resolve(mounts[prefix]);
      file = path.resolve(base, `./${pathname.slice(prefix.length)}`);
      if (!file.startsWith(base + path.sep)) {
        res.writeHead(403).end();
        return;
      }
    }
    let e;
    try {
      e = load(file);
    } catch {
      res.writeHead(404).end("not found\n");
      return;
    }
    const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
    const body = gzip ? e.gz : e.raw;
    res.writeHead(200, {
      "content-type": MIME_TYPES[path.extname(file)] || "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
      // Lets Resource Timing report sizes and timings of every resource to the page.
      "timing-allow-origin": "*",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(body);
  });
  return listenOnLoopback(server);
}
