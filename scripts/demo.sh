#!/usr/bin/env bash
# The main job, for now: shows two offline edits of one household merging, conflicting and being
# resolved. The county daemon on the demo county replaces it when `sync-server serve` lands.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --product sync-server
.build/debug/sync-server merge-demo
