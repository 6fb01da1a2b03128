#!/usr/bin/env bash
# Makes bench/results/codec-pkg/: the web package built with the `codec-api` feature, whose
# `encodeConnect` and `PacketDecoder` the codec benchmark (bench/codec.mjs) drives. The npm
# package leaves them out (they would only grow its download). Same release profile and
# wasm-opt -Oz as scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=../scripts/lib/wasm-opt.sh
source scripts/lib/wasm-opt.sh
out=bench/results/codec-pkg
wasm-pack build --release --mode no-install --target web --out-dir "$out" -- --features codec-api
wasm_opt_oz "$out/wasmqtt_bg.wasm" "$out/wasmqtt_bg.wasm" --strip-producers --strip-target-features
rm -f "$out/.gitignore" "$out/package.json" "$out/README.md"
echo "[codec-pkg] $out: $(stat -c %s "$out/wasmqtt_bg.wasm") B wasm"
