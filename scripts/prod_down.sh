#!/usr/bin/env bash
# Stop the processes scripts/prod_up.sh started (by their PID files in $WEGWIJS_PROD_DIR).
set -uo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=${WEGWIJS_PROD_DIR:-$PWD/var/prod}
[ -d "$RUN_DIR/pids" ] || { echo "Nothing to stop in $RUN_DIR."; exit 0; }
pids=()
for file in "$RUN_DIR"/pids/*.pid; do
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    # nginx finishes open requests on QUIT; the Python servers stop on TERM.
    if [[ $(basename "$file") == nginx.pid ]]; then kill -QUIT "$pid"; else kill -TERM "$pid"; fi
    pids+=("$pid")
  fi
  rm -f "$file"
done
for _ in $(seq 1 40); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.5
done
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"; done
echo "Wegwijs production stack stopped (${#pids[@]} processes)."
