#!/usr/bin/env bash
# Stops the server that start-s3.sh started, by the PID it recorded (never by name).
#   scripts/stop-s3.sh STATE_DIR
set -euo pipefail
STATE=${1:?usage: stop-s3.sh STATE_DIR}
[[ -f "$STATE/moto.pid" ]] || exit 0
PID=$(cat "$STATE/moto.pid")
if kill -0 "$PID" 2>/dev/null && grep -q moto "/proc/$PID/cmdline" 2>/dev/null; then
  kill "$PID"
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$PID" 2>/dev/null && kill -9 "$PID"
fi
rm -f "$STATE/moto.pid" "$STATE/env.sh"
