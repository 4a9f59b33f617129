#!/usr/bin/env bash
# Runs `rasa test core` on tests/stories with a real action server; fails on any prediction error.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
.venv/bin/rasa run actions --port "$port" >"$tmp/actions.log" 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
WEGWIJS_ACTIONS_URL="http://127.0.0.1:$port/webhook" WEGWIJS_TRACKER_STORE_URL="sqlite:///$tmp/tracker.db" \
  .venv/bin/python scripts/render_endpoints.py endpoints.yml "$tmp/endpoints.yml" >/dev/null
.venv/bin/rasa test core --model models/wegwijs.tar.gz --stories tests/stories \
  --endpoints "$tmp/endpoints.yml" --out results/stories --fail-on-prediction-errors --quiet
