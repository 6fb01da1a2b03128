#!/usr/bin/env bash
# Every test of the project, in order, stopping at the first failure (`npm test`, CI).
# Ends with one plain line `N passed, M failed`: the sum of every cargo / wasm test run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
# shellcheck source=lib/broker.sh
source scripts/lib/broker.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wasmqtt-test.XXXXXX")
STEP="start"
RUN=0

section() {
  STEP=$*
  printf '\n==== %s ====\n' "$*"
}

# run LABEL CMD...: runs CMD, shows its output and keeps a copy for the final count.
run() {
  local label=$1
  shift
  RUN=$((RUN + 1))
  echo "+ $*"
  "$@" 2>&1 | tee "$TMP/$(printf '%02d' "$RUN")-$label.log"
}

summary() {
  local passed=0 failed=0 p f
  # cargo and wasm-bindgen-test: "test result: ok. N passed; M failed"; node --test: "# pass N"
  # and "# fail M" on lines of their own.
  while read -r p f; do
    passed=$((passed + p))
    failed=$((failed + f))
  done < <(cat "$TMP"/*.log 2>/dev/null |
    sed -nE -e 's/.*test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' \
      -e 's/^# pass ([0-9]+)$/\1 0/p' -e 's/^# fail ([0-9]+)$/0 \1/p')
  printf '%s passed, %s failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${BROKER_PID:-}" ]; then
    broker_stop "$BROKER_PID" || rc=1
    BROKER_PID=""
  fi
  printf '\n==== summary ====\n'
  if [ "$rc" -ne 0 ]; then
    echo "FAILED during: $STEP (exit $rc)"
  fi
  summary || rc=1
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section "setup (installs what is missing)"
bash scripts/setup.sh

section "cargo fmt --check"
cargo fmt --all -- --check --color never

section "native tests: unit, integration, benches in test mode"
run unit cargo test --workspace --all-targets

section "doc tests"
run doc cargo test --workspace --doc

section "no_std build (thumbv7em-none-eabihf, no default features)"
cargo build --lib --no-default-features --target thumbv7em-none-eabihf

section "clippy (native, all targets)"
cargo clippy --workspace --all-targets -- -D warnings
section "clippy (no_std core: --no-default-features)"
cargo clippy --lib --no-default-features -- -D warnings
section "clippy (wasm32-unknown-unknown)"
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

section "browser tests (headless Chromium against mosquitto on loopback)"
tcp_port=$(broker_free_port)
ws_port=$(broker_free_port)
while [ "$ws_port" = "$tcp_port" ]; do ws_port=$(broker_free_port); done
mkdir -p "$TMP/broker"
broker_start "$TMP/broker" "$tcp_port" "$ws_port"
broker_assert_loopback "$BROKER_PID"
# Read at compile time by the browser tests (option_env!).
export WASMQTT_TEST_WS_URL="ws://127.0.0.1:$ws_port"
export CHROMEDRIVER=/usr/bin/chromedriver
# The browser tests only (tests/browser_*.rs): the native suites use proptest, which has no
# wasm32 build. The runner is wasm-bindgen-test-runner (.cargo/config.toml); Chromium's flags
# come from webdriver.json.
browser_tests=()
for f in tests/browser_*.rs; do browser_tests+=(--test "$(basename "$f" .rs)"); done
run wasm cargo test --target wasm32-unknown-unknown --no-fail-fast "${browser_tests[@]}"
broker_stop "$BROKER_PID"
BROKER_PID=""

section "npm packages (release wasm + wasm-opt): pkg/ for bundlers, pkg-web/ without one"
bash scripts/build.sh
bash scripts/build.sh web

section "TypeScript declarations"
node_modules/.bin/tsc -p js/tsconfig.json

section "page and interop tests (headless Chromium, mosquitto and aedes on loopback, MQTT.js peer)"
run node node --test --test-concurrency=1 tests/page/ tests/interop/ tests/demo/
