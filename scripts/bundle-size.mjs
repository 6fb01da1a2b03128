// What a page downloads for `import { connect } from "wasmqtt"`: a webpack 5 production build
// (minified, tree-shaken) of that one import, from pkg/. Prints each emitted file and the
// total, raw and gzip -9, as scripts/build.sh's other size lines.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import webpack from "webpack";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "wasmqtt-size-"));
try {
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(path.join(ROOT, "pkg"), path.join(dir, "node_modules", "wasmqtt"));
  writeFileSync(path.join(dir, "entry.js"), 'import { connect } from "wasmqtt";\nwindow.client = connect(location.hash.slice(1));\n');
  await new Promise((resolve, reject) =>
    webpack(
      {
        mode: "production",
        context: dir,
        entry: "./entry.js",
        output: { path: path.join(dir, "dist") },
        experiments: { asyncWebAssembly: true },
        performance: { hints: false },
        infrastructureLogging: { level: "error" },
      },
      (err, s) => (err ? reject(err) : s.hasErrors() ? reject(new Error(s.toString("errors-only"))) : resolve(s)),
    ),
  );
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(path.join(dir, "dist")).sort()) {
    const bytes = readFileSync(path.join(dir, "dist", f));
    // gzip -9 itself, as build.sh's other figures (node's zlib at level 9 comes out ~1% larger).
    const g = execFileSync("gzip", ["-9", "-n", "-c", path.join(dir, "dist", f)], { maxBuffer: 1 << 26 }).length;
    raw += bytes.length;
    gz += g;
    const label = f.endsWith(".wasm") ? "  bundle: the .wasm" : `  bundle: ${f}`;
    console.log(`[build] ${label.padEnd(34)} ${String(bytes.length).padStart(9)} B raw ${String(g).padStart(9)} B gzip -9`);
  }
  console.log(`[build] ${"import { connect }, webpack prod".padEnd(34)} ${String(raw).padStart(9)} B raw ${String(gz).padStart(9)} B gzip -9`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
