#!/usr/bin/env bash
# Idempotent setup: .venv with Python 3.10 and the pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,10) else 1)'; then
  :
else
  PY310=$(scripts/find_python.sh) || exit 1
  echo "Creating $VENV with $PY310"
  rm -rf "$VENV"
  "$PY310" -m venv "$VENV"
fi

start=$(date +%s)
"$VENV/bin/python" -m pip install --quiet --upgrade "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
"$VENV/bin/python" -m pip install --quiet -r requirements.txt -c constraints.txt
"$VENV/bin/python" -m pip check >/dev/null || "$VENV/bin/python" -m pip check || true
touch "$VENV/.installed"
echo "Python packages installed in $(( $(date +%s) - start )) s"
