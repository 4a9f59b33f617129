#!/usr/bin/env bash
# Start the Wegwijs production stack on this machine, in the background:
#   PostgreSQL database (created when missing) + Redis lock store (must be running),
#   N action servers, N Rasa replicas (API only on WEGWIJS_BIND, with a token),
#   nginx in front (only /webhooks/ and /socket.io/ are public).
# Settings: $WEGWIJS_ENV_FILE (default var/prod/production.env, created from
# deploy/production.env.example with fresh secrets when missing). Variables already set
# in the environment win over the file. State, logs and PID files: $WEGWIJS_PROD_DIR
# (default var/prod). Stop with scripts/prod_down.sh (same WEGWIJS_PROD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
RASA=$ROOT/.venv/bin/rasa

export WEGWIJS_PROD_DIR=${WEGWIJS_PROD_DIR:-$ROOT/var/prod}
RUN_DIR=$(realpath -m "$WEGWIJS_PROD_DIR")
ENV_FILE=${WEGWIJS_ENV_FILE:-$RUN_DIR/production.env}
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids"

new_secret() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))'; }

if [ ! -f "$ENV_FILE" ]; then
  umask 077
  sed -e "s|^WEGWIJS_RASA_TOKEN=.*|WEGWIJS_RASA_TOKEN=$(new_secret)|" \
      -e "s|^WEGWIJS_JWT_SECRET=.*|WEGWIJS_JWT_SECRET=$(new_secret)|" \
      deploy/production.env.example >"$ENV_FILE"
  umask 022
  echo "Created $ENV_FILE with new secrets (not in git)."
fi

# Load the env file; variables that are already set keep their value.
while IFS= read -r line || [ -n "$line" ]; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  key=${line%%=*}
  if [ -z "${!key+x}" ]; then eval "export $line"; fi
done <"$ENV_FILE"

: "${WEGWIJS_REPLICA_PORTS:=5401 5402}" "${WEGWIJS_ACTION_PORTS:=5451 5452}" "${WEGWIJS_BIND:=127.0.0.1}"
: "${WEGWIJS_MODEL:=models/wegwijs.tar.gz}" "${WEGWIJS_PUBLIC_LISTEN:=127.0.0.1:8480}"
: "${WEGWIJS_TRACKER_STORE_URL:?set WEGWIJS_TRACKER_STORE_URL (PostgreSQL) in $ENV_FILE}"
: "${WEGWIJS_LOCK_STORE_URL:?set WEGWIJS_LOCK_STORE_URL (Redis) in $ENV_FILE}"
if [ -z "${WEGWIJS_RASA_TOKEN:-}" ]; then echo "WEGWIJS_RASA_TOKEN is empty in $ENV_FILE" >&2; exit 1; fi
export WEGWIJS_PUBLIC_LISTEN WEGWIJS_REPLICA_PORTS WEGWIJS_TRACKER_STORE_URL WEGWIJS_LOCK_STORE_URL
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONPATH=$ROOT
# No telemetry and no error reports to Rasa's Sentry: they could carry parents' messages.
export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}
# A dead replica's conversation lock blocks that conversation until it expires (Rasa: 60 s).
export TICKET_LOCK_LIFETIME=${TICKET_LOCK_LIFETIME:-30}
read -r -a replica_ports <<<"$WEGWIJS_REPLICA_PORTS"
read -r -a action_ports <<<"$WEGWIJS_ACTION_PORTS"
if [ "${#replica_ports[@]}" -ne "${#action_ports[@]}" ]; then
  echo "WEGWIJS_REPLICA_PORTS and WEGWIJS_ACTION_PORTS must have the same number of ports" >&2; exit 1
fi
if [ ! -f "$WEGWIJS_MODEL" ]; then echo "Model $WEGWIJS_MODEL is missing: run make train" >&2; exit 1; fi

deploy/install_nginx.sh

# PostgreSQL: create the tracker database when missing; Redis: must answer.
"$PY" - <<'PYEOF'
import os, sys
from urllib.parse import urlparse
import psycopg2, redis
url = urlparse(os.environ["WEGWIJS_TRACKER_STORE_URL"])
if url.scheme.startswith("postgresql"):
    name = url.path.lstrip("/")
    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username or "postgres",
                            password=url.password, dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
            print(f"Created PostgreSQL database {name}.")
    conn.close()
redis.Redis.from_url(os.environ["WEGWIJS_LOCK_STORE_URL"], socket_timeout=5).ping()
PYEOF

# On any failure, stop what was started so no half stack keeps running.
trap 'echo "Start-up failed; stopping the stack." >&2; WEGWIJS_PROD_DIR=$RUN_DIR scripts/prod_down.sh >&2' ERR

start() {  # start <name> <command...>: background process with log and PID file
  local name=$1; shift
  "$@" >"$RUN_DIR/logs/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/$name.pid"
}

jwt_args=()
if [ -n "${WEGWIJS_JWT_SECRET:-}" ]; then jwt_args=(--jwt-secret "$WEGWIJS_JWT_SECRET" --jwt-method HS256); fi

# Replica i calls action server i.
for i in "${!replica_ports[@]}"; do
  WEGWIJS_ACTIONS_URL="http://127.0.0.1:${action_ports[$i]}/webhook" \
    "$PY" scripts/render_endpoints.py endpoints.yml "$RUN_DIR/endpoints-${replica_ports[$i]}.yml" >/dev/null
  # Rasa's Redis lock store, minus a wait that never ends after a replica died (rasa_ext/lock_store.py).
  "$PY" - "$RUN_DIR/endpoints-${replica_ports[$i]}.yml" <<'PYEOF'
import sys, yaml
path = sys.argv[1]
endpoints = yaml.safe_load(open(path, encoding="utf-8"))
if (endpoints.get("lock_store") or {}).get("type") == "redis":
    endpoints["lock_store"]["type"] = "rasa_ext.lock_store.RecoveringRedisLockStore"
    yaml.safe_dump(endpoints, open(path, "w", encoding="utf-8"), sort_keys=False)
PYEOF
  start "actions-${action_ports[$i]}" "$PY" -m rasa_sdk --actions actions --port "${action_ports[$i]}"
done

# Create the tracker store's tables once, before the replicas start: replicas that start
# together on an empty database would race on CREATE TABLE and one of them would stop.
"$PY" - "$RUN_DIR/endpoints-${replica_ports[0]}.yml" 2>"$RUN_DIR/logs/schema.log" <<'PYEOF'
import sys
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config
store = TrackerStore.create(read_endpoint_config(sys.argv[1], "tracker_store"))
engine = getattr(store, "engine", None)
if engine is not None:
    engine.dispose()
PYEOF

for rport in "${replica_ports[@]}"; do
  # shellcheck disable=SC2086
  start "rasa-$rport" "$RASA" run --model "$WEGWIJS_MODEL" --interface "$WEGWIJS_BIND" --port "$rport" \
    --endpoints "$RUN_DIR/endpoints-$rport.yml" --credentials credentials.yml \
    --enable-api --auth-token "$WEGWIJS_RASA_TOKEN" "${jwt_args[@]}" \
    --cors ${WEGWIJS_ALLOWED_ORIGINS:-}
done

wait_up() {  # wait_up <url> <pid file> <what>
  for _ in $(seq 1 "${WEGWIJS_START_TIMEOUT:-600}"); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$(cat "$2")" 2>/dev/null; then
      echo "$3 stopped during start-up:" >&2; tail -n 30 "$RUN_DIR/logs/$(basename "$2" .pid).log" >&2; return 1
    fi
    sleep 1
  done
  echo "$3 did not start in time" >&2; return 1
}
for i in "${!replica_ports[@]}"; do
  wait_up "http://127.0.0.1:${action_ports[$i]}/health" "$RUN_DIR/pids/actions-${action_ports[$i]}.pid" "action server ${action_ports[$i]}"
  wait_up "http://$WEGWIJS_BIND:${replica_ports[$i]}/status?token=$WEGWIJS_RASA_TOKEN" \
    "$RUN_DIR/pids/rasa-${replica_ports[$i]}.pid" "Rasa replica ${replica_ports[$i]}"
done

"$PY" deploy/render_nginx.py "$RUN_DIR" >/dev/null
nginx -t -q -e "$RUN_DIR/logs/nginx-error.log" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR"
nginx -e "$RUN_DIR/logs/nginx-error.log" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR"
for _ in $(seq 1 20); do [ -s "$RUN_DIR/nginx.pid" ] && break; sleep 0.2; done
cp "$RUN_DIR/nginx.pid" "$RUN_DIR/pids/nginx.pid"
curl -sf -o /dev/null "http://$WEGWIJS_PUBLIC_LISTEN/healthz"
trap - ERR

cat <<MSG
Wegwijs production stack is running (state in $RUN_DIR).
  Public (nginx):  http://$WEGWIJS_PUBLIC_LISTEN/webhooks/rest/webhook and /socket.io/
  Replicas:        ${replica_ports[*]} on $WEGWIJS_BIND (HTTP API with token, not public)
  Action servers:  ${action_ports[*]}
  Stop:            make prod-down
MSG
