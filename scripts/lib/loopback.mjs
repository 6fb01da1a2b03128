// What the project's own local servers and browsers share (page tests, interop harness,
// benchmarks, demo): servers listen on 127.0.0.1 only and close with their connections; pages
// are served with these content types; Chromium is Debian's, headless, with these flags.
import process from "node:process";

/** Content types of what the local servers serve. */
export const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".map": "application/json",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * Starts `server` (an http.Server) on a free port of 127.0.0.1, checks it bound nothing else,
 * and keeps its connections so that `close()` can end them: `{ url, port, close, track }`
 * (`track(socket)`: one more socket for `close()` to end, e.g. a relay's upstream).
 */
export async function listenOnLoopback(server) {
  const sockets = new Set();
  const track = (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  server.on("connection", track);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { address, port } = server.address();
  if (address !== "127.0.0.1") throw new Error(`server bound ${address}`);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    track,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Debian's Chromium (never a downloaded one), or $CHROMIUM. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Headless, and none of the background traffic this machine's closed network refuses. */
export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
