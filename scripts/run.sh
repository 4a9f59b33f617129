#!/usr/bin/env bash
# Starts the action server, the Rasa server (REST + Socket.IO) and, where present, the
# widget demo page. Ctrl-C stops every process this script started.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WIDGET_PORT=${WIDGET_PORT:-8000}
# Sites allowed to call the Rasa server from a browser (CORS and Socket.IO origins).
export WEGWIJS_ALLOWED_ORIGINS=${WEGWIJS_ALLOWED_ORIGINS:-"http://localhost:${WIDGET_PORT} http://127.0.0.1:${WIDGET_PORT}"}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
export SQLALCHEMY_SILENCE_UBER_WARNING=1
# Rasa would otherwise send usage and error reports (which can contain messages) to Rasa's servers.
export RASA_TELEMETRY_ENABLED=false
mkdir -p var/logs

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "Stopping Wegwijs..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

endpoints=$(.venv/bin/python scripts/render_endpoints.py)

.venv/bin/rasa run actions --port "$ACTIONS_PORT" >var/logs/actions.log 2>&1 &
pids+=($!)

# shellcheck disable=SC2086
.venv/bin/rasa run --model models/wegwijs.tar.gz --port "$RASA_PORT" \
  --endpoints "$endpoints" --credentials credentials.yml \
  --cors $WEGWIJS_ALLOWED_ORIGINS >var/logs/rasa.log 2>&1 &
pids+=($!)

# --- widget demo page (issue 5) ---
if [ -f widget/serve.py ]; then
  .venv/bin/python widget/serve.py --port "$WIDGET_PORT" --rasa-url "http://localhost:${RASA_PORT}" >var/logs/widget.log 2>&1 &
  pids+=($!)
fi

echo "Starting Wegwijs (logs in var/logs/)..."
for _ in $(seq 1 120); do
  if curl -sf "http://localhost:${RASA_PORT}/status" >/dev/null 2>&1 || curl -sf "http://localhost:${RASA_PORT}/" >/dev/null 2>&1; then
    break
  fi
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "A process stopped during start-up; see var/logs/." >&2; tail -n 20 var/logs/*.log >&2; exit 1; fi
  done
  sleep 1
done

cat <<MSG

Wegwijs is running.
  Chat over REST:   curl -s -XPOST http://localhost:${RASA_PORT}/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{"sender":"demo","message":"Wat is passend onderwijs?"}'
  Chat in terminal: .venv/bin/rasa shell --model models/wegwijs.tar.gz --port 5006 --endpoints var/endpoints.yml   (in another terminal)
MSG
[ -f widget/serve.py ] && echo "  Website widget:   http://localhost:${WIDGET_PORT}/"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}" || true
echo "A process stopped; see var/logs/." >&2
