#!/usr/bin/env bash
# Makes bench/results/prof-pkg/: the web package with function names kept, for profiling
# (`npm run bench -- --only profile`). The release package's wasm-opt -Oz drops the name
# section, so a CPU profile shows wasm functions as numbers; this runs the same steps as
# scripts/build.sh web (wasm-bindgen --target web, wasm-opt -Oz) on the release wasm cargo last
# built, with `-g` so names survive, and compiles nothing (no cargo). If the glue it produces
# differs from pkg-web's, the two were built from different sources: it says so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=../scripts/lib/wasm-opt.sh
source scripts/lib/wasm-opt.sh
src=target/wasm32-unknown-unknown/release/wasmqtt.wasm
out=bench/results/prof-pkg
if [ ! -f "$src" ]; then
  echo "[profile-pkg] $src is missing (a release wasm build makes it)" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src" "$tmp/wasmqtt.wasm" # a copy: another build may rewrite target/ meanwhile
wasm-bindgen --target web --out-dir "$out" --out-name wasmqtt "$tmp/wasmqtt.wasm"
wasm_opt_oz "$out/wasmqtt_bg.wasm" "$out/wasmqtt_bg.wasm" -g
cp pkg-web/index.js pkg-web/client.js pkg-web/paho.js pkg-web/package.json "$out/"
# pkg-web's JavaScript is minified (scripts/build.sh); this glue stays readable for the
# profiles, so a minified copy of it is what is compared.
cp "$out/wasmqtt.js" "$tmp/wasmqtt.js"
node scripts/minify.mjs "$tmp/wasmqtt.js"
if cmp -s "$tmp/wasmqtt.js" pkg-web/wasmqtt.js; then
  echo "[profile-pkg] $out: same glue as pkg-web (same sources), names kept"
else
  echo "[profile-pkg] WARNING: $out/wasmqtt.js differs from pkg-web/wasmqtt.js: $src was built from other sources than pkg-web" >&2
fi
ls -l "$out/wasmqtt_bg.wasm" pkg-web/wasmqtt_bg.wasm
