#!/usr/bin/env bash
# The main job: the county daemon on its embedded SQLite store, with the demo county.
# The first run loads the demo county (about 150,000 synthetic households; a minute or two);
# later runs reuse the data directory. Stop the server with Ctrl-C.
#
#   scripts/serve-demo.sh [--port 8080] [--data-dir ./sync-data]
set -euo pipefail
cd "$(dirname "$0")/.."

port=8080
data="${SYNC_SERVER_DATA:-./sync-data}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "usage: scripts/serve-demo.sh [--port P] [--data-dir D]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh
swift build --product sync-server
swift build --product field-agent   # for trying an agent against the demo county
server=.build/debug/sync-server

if ! "$server" grids list --json --data-dir "$data" | grep -q '"id"'; then
  "$server" grids demo --data-dir "$data"
  "$server" calendar import config/calendar-2026.txt --data-dir "$data"
fi
exec "$server" serve --data-dir "$data" --port "$port"
