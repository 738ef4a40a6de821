#!/usr/bin/env bash
# Checks the module boundaries DESIGN.md draws, by grep, so a change that crosses one fails the
# test command instead of waiting for a review:
#   - only the SQLite engines (the server's Sources/GridSyncServer/SQLiteStore, the agent's
#     Sources/GridSyncAgent/Replica) import GRDB or hold SQL;
#   - the server tests reach the store only through SyncStore and StoreInspection, so they run
#     against any engine: only the SQLite engine's own tests (Tests/SyncServerTests/SQLiteStore)
#     import GRDB or hold SQL;
#   - Shared imports nothing but Foundation and zlib (no servers, terminals or databases).
set -euo pipefail
cd "$(dirname "$0")/.."

engines='^(Sources/(GridSyncServer/SQLiteStore|GridSyncAgent/Replica)|Tests/SyncServerTests/SQLiteStore)/'
grdb='^(@[A-Za-z]+ )*((package|public|internal) )?import GRDB\b'
sql='\b(SELECT [^"]* FROM|INSERT (OR [A-Z]+ )?INTO|UPDATE [A-Za-z_]+ SET|DELETE FROM|CREATE (UNIQUE )?(TABLE|INDEX)|PRAGMA [a-z_]+)\b'
checked=(Sources Tests/SyncServerTests)
failed=0

while IFS= read -r file; do
    echo "boundaries: $file imports GRDB outside the SQLite engines and their tests" >&2
    failed=1
done < <(grep -rlE "$grdb" "${checked[@]}" | grep -vE "$engines" || true)

while IFS= read -r file; do
    echo "boundaries: $file holds SQL outside the SQLite engines and their tests" >&2
    failed=1
done < <(grep -rlE "$sql" "${checked[@]}" --include='*.swift' | grep -vE "$engines" || true)

while IFS= read -r line; do
    echo "boundaries: Shared imports more than Foundation and zlib: $line" >&2
    failed=1
done < <(grep -rnE '^(@[A-Za-z]+ )*((package|public|internal) )?import ' Sources/Shared \
    | grep -vE 'import (Foundation|CZlib)$' || true)

if [[ $failed -ne 0 ]]; then exit 1; fi
echo "boundaries: GRDB and SQL only in the SQLite engines and the server's SQLite tests; Shared imports only Foundation and zlib"
