#!/usr/bin/env bash
# The demo (`npm start`): builds the wasm package, bundles www/ with webpack, starts mosquitto
# (MQTT on 127.0.0.1:1883, MQTT over WebSocket on 127.0.0.1:8083) and serves the page on
# http://127.0.0.1:8080. Ctrl-C stops everything it started, by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=lib/broker.sh
source scripts/lib/broker.sh

HOST=127.0.0.1
MQTT_PORT=${MQTT_PORT:-1883}
WS_PORT=${WS_PORT:-8083}
HTTP_PORT=${HTTP_PORT:-8080}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wasmqtt-start.XXXXXX")
SERVER_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo
  if [ -n "$SERVER_PID" ]; then proc_stop "$SERVER_PID" "web server" || rc=1; fi
  if [ -n "${BROKER_PID:-}" ]; then broker_stop "$BROKER_PID" || rc=1; fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash scripts/setup.sh
bash scripts/build.sh
echo "[start] webpack (production) -> www/dist"
node_modules/.bin/webpack --config webpack.config.js --mode production --no-stats

for port in "$MQTT_PORT" "$WS_PORT" "$HTTP_PORT"; do
  if broker_port_open "$port"; then
    echo "[start] port $port on $HOST is already in use: stop what holds it (ss -ltnp | grep :$port)" >&2
    exit 1
  fi
done

broker_start "$TMP" "$MQTT_PORT" "$WS_PORT"
broker_assert_loopback "$BROKER_PID"

node scripts/serve.mjs --host "$HOST" --port "$HTTP_PORT" --root www/dist &
SERVER_PID=$!
for ((i = 0; i < 100; i++)); do
  broker_port_open "$HTTP_PORT" && break
  broker_alive "$SERVER_PID" || { echo "[start] the web server exited" >&2; exit 1; }
  sleep 0.1
done

cat <<EOF

  wasmqtt demo:   http://$HOST:$HTTP_PORT/
  broker:         ws://$HOST:$WS_PORT/mqtt  (MQTT over WebSocket), mqtt://$HOST:$MQTT_PORT
  broker log:     $TMP/mosquitto.log

  Press Ctrl-C to stop.
EOF

# Runs until Ctrl-C (the trap) or until either server dies.
set +e
wait -n "$BROKER_PID" "$SERVER_PID"
rc=$?
set -e
echo "[start] a server exited (status $rc); stopping the rest" >&2
exit 1
