#!/usr/bin/env bash
# Stops the cluster scripts/start-pg.sh started in STATE_DIR (pg_ctl, else its PID) and deletes it.
set -euo pipefail
STATE=${1:?usage: stop-pg.sh STATE_DIR}
DATA=$STATE/data
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
PID=$(cat "$STATE/postgres.pid" 2>/dev/null || true)
if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
  if ! (cd "$STATE" && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop) >/dev/null 2>&1; then
    # Only this cluster's postmaster, by its PID.
    if tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -q -- "$DATA"; then kill -KILL "$PID" 2>/dev/null || true; fi
  fi
  for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
fi
[[ -f "$STATE/initdb.log" ]] && rm -rf "$STATE"
exit 0
