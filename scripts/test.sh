#!/usr/bin/env bash
# Every check, in order of cost. Called by `make test` after install and training; .ci/run calls `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p results
t0=$(date +%s)
step() { echo; echo "=== $1 ($(( $(date +%s) - t0 )) s)"; }

step "rasa data validate --fail-on-warnings"
.venv/bin/rasa data validate --fail-on-warnings --quiet

step "pytest: unit, integration (real model + action server), browser"
.venv/bin/pytest ${PYTEST_ARGS:-}

step "rasa test: test stories against the trained model"
scripts/test_stories.sh

step "NLU quality gate: macro-F1 >= 0.90 on the fixed held-out dev questions (bench/dev)"
.venv/bin/python scripts/nlu_quality_gate.py

step "NLU report: macro-F1 on held-out training examples (a model trained on the other 80%)"
# For trainers (worst classes, confusions): these held-out examples are the trainers' hardest
# variants, so the figure is lower than on parent questions (README, "NLU"). It blocks the build
# only when it cannot run, or with WEGWIJS_STRICT_TRAIN_SPLIT=1.
set +e
.venv/bin/python scripts/nlu_quality_gate.py --split train
split=$?
set -e
if [ "$split" -eq 2 ] || { [ "$split" -ne 0 ] && [ "${WEGWIJS_STRICT_TRAIN_SPLIT:-0}" = 1 ]; }; then exit "$split"; fi
if [ "$split" -ne 0 ]; then
  echo "NOTE: held-out training examples under 0.90 macro-F1: see results/nlu_quality_train_split.md" >&2
fi

echo; echo "All checks passed in $(( $(date +%s) - t0 )) s."
