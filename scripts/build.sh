#!/usr/bin/env bash
# Release build of the wasm package, shrunk with npm's wasm-opt (binaryen 132).
#   scripts/build.sh          -> pkg/      (--target bundler, for webpack; what the demo uses)
#   scripts/build.sh web      -> pkg-web/  (--target web: index.js instantiates the wasm itself)
# Either directory is the npm package `wasmqtt`: index.js (+ client.js, paho.js, index.d.ts
# from js/) exports connect, connectAsync, MqttClient, Paho and a default `mqtt` namespace.
# Prints raw and gzip -9 sizes of the .wasm and of the JS.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=lib/wasm-opt.sh
source scripts/lib/wasm-opt.sh

target=${1:-bundler}
case "$target" in
  bundler) out=pkg ;;
  web) out=pkg-web ;;
  *) echo "usage: $0 [bundler|web]" >&2; exit 2 ;;
esac

WASM_OPT=node_modules/.bin/wasm-opt
if [ ! -x "$WASM_OPT" ]; then
  echo "[build] $WASM_OPT is missing: running scripts/setup.sh" >&2
  bash scripts/setup.sh
fi

echo "[build] wasm-pack build --release --target $target --out-dir $out"
# --mode no-install: never let wasm-pack fetch wasm-bindgen or binaryen on its own.
wasm-pack build --release --mode no-install --target "$target" --out-dir "$out"

wasm="$out/wasmqtt_bg.wasm"
before=$(stat -c %s "$wasm")
# --strip-producers / --strip-target-features: custom sections no browser reads.
wasm_opt_oz "$wasm" "$wasm.opt" --strip-producers --strip-target-features
mv "$wasm.opt" "$wasm"

# The JavaScript surface of the package (js/): the MQTT.js-shaped client, the Paho facade, an
# entry per target (the web one instantiates the wasm itself) and the TypeScript declarations;
# then package.json names them.
cp js/client.js js/paho.js "$out/"
if [ "$target" = web ]; then
  cp js/index.web.js "$out/index.js"
  cat js/index.d.ts js/web-init.d.ts >"$out/index.d.ts"
else
  cp js/index.bundler.js "$out/index.js"
  cp js/index.d.ts "$out/index.d.ts"
fi
node scripts/lib/package-json.mjs "$out/package.json" "$target"
if [ "$target" = web ]; then
  # Loaded by pages as it is (no bundler to minify it): minified, with source maps.
  js_files=("$out"/*.js)
  while IFS= read -r -d '' f; do js_files+=("$f"); done < <(find "$out/snippets" -name '*.js' -print0 2>/dev/null)
  node scripts/minify.mjs "${js_files[@]}"
fi

size_row() { # FILE...   (gzip of the files concatenated)
  local raw gz
  raw=$(cat "$@" | wc -c)
  gz=$(cat "$@" | gzip -9 -n | wc -c)
  printf '[build] %-34s %9d B raw %9d B gzip -9\n' "$*" "$raw" "$gz"
}
size_as() { # LABEL FILE...   (sum of each file gzipped, as served one by one)
  local label=$1 raw=0 gz=0 f
  shift
  for f in "$@"; do
    raw=$((raw + $(wc -c <"$f")))
    gz=$((gz + $(gzip -9 -n <"$f" | wc -c)))
  done
  printf '[build] %-34s %9d B raw %9d B gzip -9\n' "$label" "$raw" "$gz"
}
echo "[build] sizes ($out, wasm was $before B before wasm-opt):"
size_row "$wasm"
glue=("$out/wasmqtt.js")
[ -f "$out/wasmqtt_bg.js" ] && glue+=("$out/wasmqtt_bg.js")
size_row "${glue[@]}"
size_as "$out/{index,client,paho}.js" "$out/index.js" "$out/client.js" "$out/paho.js"
all_js=("${glue[@]}" "$out/index.js" "$out/client.js" "$out/paho.js")
while IFS= read -r -d '' f; do all_js+=("$f"); done < <(find "$out/snippets" -name '*.js' -print0 2>/dev/null)
size_as "all JS (${#all_js[@]} files, each gzipped)" "${all_js[@]}"
size_as "wasm + all JS (each gzipped)" "$wasm" "${all_js[@]}"
if [ "$target" = bundler ]; then
  node scripts/bundle-size.mjs
fi
