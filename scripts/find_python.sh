#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, the only version Rasa 3.6 supports.
# Order: $PYTHON, python3.10 on PATH, a pyenv-installed 3.10, common system locations.
set -u

is_py310() {
  [ -n "$1" ] && [ -x "$(command -v "$1" 2>/dev/null)" ] &&
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null
}

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=("python3.10")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.10.*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  candidates+=("$p")
done

if [ -n "${PYTHON:-}" ] && ! is_py310 "$PYTHON"; then
  echo "PYTHON=$PYTHON is not a Python 3.10 interpreter." >&2
  exit 1
fi
for c in "${candidates[@]}"; do
  if is_py310 "$c"; then
    command -v "$c"
    exit 0
  fi
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa Open Source 3.6 runs on Python 3.10 only.
Install one of these, then run the command again:
  - Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv   (or the deadsnakes PPA on Ubuntu)
  - pyenv:          pyenv install 3.10
  - macOS:          brew install python@3.10
Or point to an existing interpreter:  make install PYTHON=/path/to/python3.10
MSG
exit 1
