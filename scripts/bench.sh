#!/usr/bin/env bash
# npm run bench [-- --quick] [-- other bench/run.mjs options]
# Benchmarks wasmqtt against MQTT.js and Paho in headless Chromium, and its codec against
# mqtt-packet in Node (bench/run.mjs runs it all), with a mosquitto of its own on loopback
# (scripts/lib/broker.sh; started and stopped by PID). Results: bench/results/*.json, and
# Markdown tables on stdout. Not part of `npm test`. Needs pkg-web/ (scripts/build.sh web).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/broker.sh
source scripts/lib/broker.sh

for f in pkg-web/index.js pkg-web/wasmqtt_bg.wasm node_modules/mqtt/dist/mqtt.min.js node_modules/paho-mqtt/paho-mqtt-min.js; do
  if [ ! -f "$f" ]; then
    echo "[bench] $f is missing (build with: bash scripts/build.sh web; npm ci)" >&2
    exit 1
  fi
done

mkdir -p bench/results
dir=$(mktemp -d "${TMPDIR:-/tmp}/wasmqtt-bench-broker.XXXXXX")
tcp_port=$(broker_free_port)
ws_port=$(broker_free_port)
cleanup() {
  broker_stop "${BROKER_PID:-}" || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mosquitto 2.0.11 defaults that would measure the broker, not the clients:
# - max_inflight_messages 20 stalls a QoS 2 self-loop after 20 deliveries; 0 = no limit;
# - max_queued_messages 1000 drops QoS 0 to an online client whose backlog exceeds it (the
#   flood and fast publishers make such backlogs); 0 = no limit, bytes likewise;
# - Nagle's algorithm on its TCP sockets holds the native echo's replies for the peer's
#   delayed ACK (~40 ms at QoS 1); set_tcp_nodelay turns it off, as a latency-minded
#   deployment would.
BROKER_EXTRA_CONF="set_tcp_nodelay true
max_inflight_messages 0
max_queued_messages 0
max_queued_bytes 0
message_size_limit 0" broker_start "$dir" "$tcp_port" "$ws_port"
broker_assert_loopback "$BROKER_PID"

# The orchestrator runs in the background so that an interrupt stops it (by PID) before the
# broker goes.
BENCH_TCP_PORT=$tcp_port BENCH_WS_PORT=$ws_port BENCH_BROKER_PID=$BROKER_PID \
  node bench/run.mjs "$@" &
bench_pid=$!
trap 'proc_stop "$bench_pid" bench/run.mjs; exit 130' INT TERM
status=0
wait "$bench_pid" || status=$?
exit "$status"
