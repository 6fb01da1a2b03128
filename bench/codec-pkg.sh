#!/usr/bin/env bash
# Makes bench/results/codec-pkg/: the web package built with the `codec-api` feature, whose
# `encodeConnect` and `PacketDecoder` the codec benchmark (bench/codec.mjs) drives. The npm
# package leaves them out (they would only grow its download). Same release profile and
# wasm-opt -Oz as scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=bench/results/codec-pkg
wasm-pack build --release --mode no-install --target web --out-dir "$out" -- --features codec-api
node_modules/.bin/wasm-opt -Oz --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --enable-bulk-memory-opt --enable-call-indirect-overlong \
  "$out/wasmqtt_bg.wasm" -o "$out/wasmqtt_bg.wasm"
rm -f "$out/.gitignore" "$out/package.json" "$out/README.md"
echo "[codec-pkg] $out: $(stat -c %s "$out/wasmqtt_bg.wasm") B wasm"
