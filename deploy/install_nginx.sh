#!/usr/bin/env bash
# Install nginx from the Debian packages when it is missing (nginx-light has every module
# the Wegwijs proxy uses: upstream ip_hash, limit_req, limit_conn, WebSocket proxying).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
echo "Installing nginx (apt-get)..."
SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
# The package may start a system-wide nginx on port 80; Wegwijs runs its own instance.
if [ -f /run/nginx.pid ]; then $SUDO kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
