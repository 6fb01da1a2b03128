// Rewrites the package.json wasm-pack generated so that the package's entry is index.js (the
// JavaScript surface from js/) rather than the raw wasm-bindgen glue.
//   node scripts/lib/package-json.mjs OUT/package.json bundler|web
import { readFileSync, writeFileSync } from "node:fs";

const [file, target] = process.argv.slice(2);
if (!file || !["bundler", "web"].includes(target)) {
  console.error("usage: node scripts/lib/package-json.mjs OUT/package.json bundler|web");
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(file, "utf8"));
const files = new Set(pkg.files ?? []);
for (const f of ["index.js", "index.d.ts", "client.js", "paho.js", "wasmqtt.js", "wasmqtt.d.ts", "wasmqtt_bg.wasm", "wasmqtt_bg.wasm.d.ts"]) {
  files.add(f);
}
if (target === "bundler") files.add("wasmqtt_bg.js");
// The web target's JavaScript is minified (scripts/minify.mjs); its source maps hold the source.
if (target === "web") files.add("*.js.map");

const out = {
  name: "wasmqtt",
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  repository: pkg.repository,
  keywords: pkg.keywords,
  type: "module",
  main: "index.js",
  module: "index.js",
  types: "index.d.ts",
  exports: {
    ".": { types: "./index.d.ts", default: "./index.js" },
    "./package.json": "./package.json",
    "./*": "./*",
  },
  files: [...files].sort(),
  // wasmqtt.js instantiates the module (bundler target); index.js does it for the web target;
  // the snippets are wasm-bindgen's inline JS.
  sideEffects: ["./index.js", "./wasmqtt.js", "./snippets/*"],
};
for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
