#!/usr/bin/env bash
# The demo (`npm start`): builds the wasm package, bundles www/ with webpack, starts mosquitto
# (MQTT on 127.0.0.1:1883, MQTT over WebSocket on 127.0.0.1:8083/mqtt), the sensor simulator
# (scripts/simulator.mjs) and serves the page on http://127.0.0.1:8080. Ctrl-C stops
# everything it started, by PID.
#
# Environment:
#   MQTT_PORT, WS_PORT, HTTP_PORT   other ports (the printed URL then names the broker)
#   WASMQTT_SKIP_BUILD=1            skip setup.sh and build.sh (pkg/ already built); still bundles www/
#   WASMQTT_STATE_FILE=PATH         write the PIDs and ports started there, once all is up
#   SIM_*                           simulator timing (see scripts/simulator.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=lib/broker.sh
source scripts/lib/broker.sh

HOST=127.0.0.1
MQTT_PORT=${MQTT_PORT:-1883}
WS_PORT=${WS_PORT:-8083}
HTTP_PORT=${HTTP_PORT:-8080}
STATE_FILE=${WASMQTT_STATE_FILE:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wasmqtt-start.XXXXXX")
SERVER_PID=""
SIM_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo
  if [ -n "$SIM_PID" ]; then proc_stop "$SIM_PID" "simulator" || rc=1; fi
  if [ -n "$SERVER_PID" ]; then proc_stop "$SERVER_PID" "web server" || rc=1; fi
  if [ -n "${BROKER_PID:-}" ]; then broker_stop "$BROKER_PID" || rc=1; fi
  if [ -n "$STATE_FILE" ]; then rm -f "$STATE_FILE"; fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${WASMQTT_SKIP_BUILD:-}" = 1 ]; then
  [ -f pkg/index.js ] && [ -f pkg/wasmqtt_bg.wasm ] || {
    echo "[start] WASMQTT_SKIP_BUILD=1 but pkg/ is not built: run bash scripts/build.sh" >&2
    exit 1
  }
  echo "[start] WASMQTT_SKIP_BUILD=1: using the pkg/ already built"
else
  bash scripts/setup.sh
  bash scripts/build.sh
fi
echo "[start] webpack (production, not minified) -> www/dist"
# No terser: the page is served from loopback, and minifying takes 5-15 s on a 2-core machine.
node_modules/.bin/webpack --config webpack.config.js --mode production --no-optimization-minimize --no-stats

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

node scripts/simulator.mjs --url "mqtt://$HOST:$MQTT_PORT" &
SIM_PID=$!

# The page's default broker is ws://<page host>:8083/mqtt; other ports go in the URL.
URL="http://$HOST:$HTTP_PORT/"
if [ "$WS_PORT" != 8083 ]; then URL="${URL}?broker=ws://$HOST:$WS_PORT/mqtt"; fi

if [ -n "$STATE_FILE" ]; then
  cat >"$STATE_FILE.tmp" <<EOF2
START_PID=$$
BROKER_PID=$BROKER_PID
SERVER_PID=$SERVER_PID
SIM_PID=$SIM_PID
MQTT_PORT=$MQTT_PORT
WS_PORT=$WS_PORT
HTTP_PORT=$HTTP_PORT
BROKER_DIR=$TMP
URL=$URL
EOF2
  mv "$STATE_FILE.tmp" "$STATE_FILE"
fi

cat <<EOF2

  wasmqtt demo:   $URL
  broker:         ws://$HOST:$WS_PORT/mqtt  (MQTT over WebSocket), mqtt://$HOST:$MQTT_PORT
  broker log:     $TMP/mosquitto.log

  Press Ctrl-C to stop.
EOF2

# Runs until Ctrl-C (the trap) or until the web server or the simulator dies. The broker may
# go away (stopped to watch the page reconnect): that is reported, not fatal.
set +e
watched=("$BROKER_PID" "$SERVER_PID" "$SIM_PID")
while :; do
  wait -n -p gone "${watched[@]}"
  rc=$?
  if [ "${gone:-}" = "$BROKER_PID" ]; then
    echo "[start] mosquitto (pid $BROKER_PID) exited with status $rc: clients are reconnecting" >&2
    BROKER_PID=""
    watched=("$SERVER_PID" "$SIM_PID")
    continue
  fi
  break
done
set -e
case "${gone:-}" in
  "$SERVER_PID") what="web server" ;;
  "$SIM_PID") what="simulator" ;;
  *) what="process ${gone:-?}" ;;
esac
echo "[start] the $what exited (status $rc); stopping the rest" >&2
exit 1
