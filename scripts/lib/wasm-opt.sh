# shellcheck shell=bash
# The wasm-opt pass every release module gets: scripts/build.sh (the packages),
# bench/codec-pkg.sh and bench/profile-pkg.sh. Source it from the repository root.
#   wasm_opt_oz IN OUT [EXTRA wasm-opt FLAGS...]
# The --enable flags are exactly the features rustc 1.95 enables by default for
# wasm32-unknown-unknown (the module's target_features section lists these; `wasm-opt
# --print-features` shows them): wasm-opt must accept all of them or it rejects the module.
# All are in every current browser.
wasm_opt_oz() {
  local in=$1 out=$2
  shift 2
  node_modules/.bin/wasm-opt -Oz "$@" \
    --enable-bulk-memory \
    --enable-nontrapping-float-to-int \
    --enable-sign-ext \
    --enable-mutable-globals \
    --enable-reference-types \
    --enable-multivalue \
    --enable-bulk-memory-opt \
    --enable-call-indirect-overlong \
    "$in" -o "$out"
}
