#!/usr/bin/env bash
# Trains models/wegwijs.tar.gz only when the training inputs changed since the last model.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=models/wegwijs.tar.gz
STAMP=models/.fingerprint
current=$(.venv/bin/python scripts/training_fingerprint.py)
if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$current" ]; then
  echo "Model is up to date ($MODEL)."
  exit 0
fi
echo "Training data changed: training a new model..."
start=$(date +%s)
.venv/bin/rasa train --fixed-model-name wegwijs --out models --quiet
echo "$current" > "$STAMP"
echo "$(( $(date +%s) - start ))" > models/.train_seconds  # read by bench/run_bench.py
echo "Model trained in $(( $(date +%s) - start )) s: $MODEL"
