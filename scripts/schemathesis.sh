#!/usr/bin/env bash
# Runs Schemathesis with every check against a real sync-server and protocol/openapi.yaml.
#
#   scripts/schemathesis.sh [--seed N] [--max-time SECONDS] [--max-examples N] [--workers N]
#
# Installs Schemathesis into .build-schemathesis/venv when it is missing (from PyPI), builds
# .build/debug/sync-server when it is missing, imports a small county into a temporary data
# directory, enrolls one agent, starts `sync-server serve` on a free loopback port, takes the
# agent's first snapshot (so /v1/sync does not answer 409), runs Schemathesis with the agent's
# token, prints one summary line and exits non-zero on any failure: a 5xx, a dropped connection,
# an undocumented status, a response that does not match its schema, a valid request refused or
# an invalid one accepted. The server is stopped and the data directory removed however it ends
# (SCHEMATHESIS_KEEP=1 keeps the directory, with the server's log and Schemathesis's events).
# Runs offline but for PyPI, as root or as a normal user. Takes about a minute and a half, plus
# the first install of Schemathesis (a minute) and of sync-server when it is not built yet.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

schemathesis_version="4.32.5"   # supports Python 3.9 to 3.13; pinned so that a seed repeats a run
seed="${SCHEMATHESIS_SEED:-20251129}"
max_examples=600                # cases per operation in fuzzing (coverage runs whole: ~1,300 for POST /v1/sync)
max_time=300                    # seconds; a run still going then (a hang) is stopped and fails
workers=1                       # one worker: the same seed sends the same requests in the same order
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --max-time) max_time="$2"; shift 2 ;;
    --max-examples) max_examples="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    *) echo "usage: scripts/schemathesis.sh [--seed N] [--max-time SECONDS] [--max-examples N] [--workers N]" >&2; exit 2 ;;
  esac
done

# Schemathesis in its own virtual environment, so neither the system's Python nor pyenv's changes.
venv="$root/.build-schemathesis/venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $schemathesis_version"; then
  echo "Installing Schemathesis $schemathesis_version into .build-schemathesis/venv…"
  rm -rf "$venv"
  python3 -m venv "$venv" || {
    echo "python3 -m venv failed; on Debian install python3-venv (apt-get install python3-venv)." >&2
    exit 1
  }
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

server="$root/.build/debug/sync-server"
if [ ! -x "$server" ]; then
  echo "Building sync-server…"
  scripts/install-deps.sh
  swift build --product sync-server
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/gridsync-schemathesis.XXXXXX")"
data="$work/data"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  if [ -n "${SCHEMATHESIS_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A small county with the grid codes the spec's examples use: the county, a department, two
# townships, and a village with two level-4 groups under one committee member's area.
cat >"$work/county.csv" <<'CSV'
id,parent_id,level,name,kind
fm,,0,富蒙县,rural
fm-dept-land,fm,1,县自然资源局,department
fm-01,fm,1,新华镇,rural
fm-01-01,fm-01,2,新华村,rural
fm-01-01-01,fm-01-01,3,新华村一片,rural
fm-01-01-01-01,fm-01-01-01,4,新华村3组,rural
fm-01-01-01-02,fm-01-01-01,4,新华村4组,rural
fm-02,fm,1,团结镇,rural
fm-02-01,fm-02,2,团结村,rural
fm-02-01-01,fm-02-01,3,团结村一片,rural
fm-02-01-01-01,fm-02-01-01,4,团结村1组,rural
CSV
export LC_ALL=C LANG=C
"$server" grids import "$work/county.csv" --data-dir "$data" >"$work/import.log"
# The first agent enrolled is replica 1, the replica of the dots in the spec's example.
token="$("$server" agents enroll --grid fm-01-01-01-01 --name schemathesis --data-dir "$data" | tail -n 1)"

# Port 0: the server binds a free port and says which one.
SYNC_SERVER_LOG_LEVEL=notice "$server" serve --data-dir "$data" --host 127.0.0.1 --port 0 >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/server.log" | head -n 1 | sed 's/.*://')" || true
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "sync-server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
base="http://127.0.0.1:$port"

# The agent's first snapshot, every page, so its initial resync is taken.
"$venv/bin/python" - "$base" "$token" <<'PY'
import json, sys, urllib.parse, urllib.request
base, token = sys.argv[1], sys.argv[2]
after, pages = None, 0
while True:
    url = base + "/v1/snapshot" + ("" if after is None else "?after=" + urllib.parse.quote(after, safe=""))
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as response:
        page = json.load(response)
    pages += 1
    after = page.get("nextAfter")
    if after is None:
        break
print(f"Snapshot taken: {pages} page(s), cursor {page['cursor']}.")
PY

# POST /v1/sync refuses some schema-valid requests for what only the server's state decides:
# counters must continue the agent's own without a gap and be causally ready (400
# missing_dependency), the dot's replica must be the agent's and grids must exist (422
# invalid_value, or clock_drift), records must lie in its scope (403), and it may need a
# snapshot first (409), or the server be busy (429, 503). JSON Schema cannot say those, so for
# that operation only the positive-acceptance check takes 400, 422 and 503 besides its defaults
# (2xx, 403, 409, 429; not 401, 404 or 5xx, which a valid request never earns there), and the
# hook check `sync_refusals_are_state_refusals` (scripts/schemathesis_hooks.py) fails any such
# refusal whose code is not one of those reasons, and any refusal of the spec's example.
cat >"$work/schemathesis.toml" <<TOML
# 413 is how the server refuses a body, or a batch, over its limits: a rejection like any 4xx.
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]

[[operations]]
include-name = "POST /v1/sync"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "403", "409", "422", "429", "503"]
TOML

export SCHEMATHESIS_HOOKS=schemathesis_hooks
export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1   # no scripts/__pycache__ in the work tree
# No --max-time for Schemathesis itself: with one it shares the time out among the phases and
# cuts the coverage phase short, then repeats fuzzing until the time is spent. The counts bound
# the run instead (about two minutes here), and `timeout` stops one that hangs.
started=$SECONDS
set +e
(cd "$work" && timeout --signal=INT --kill-after=20 "$max_time" \
  "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$root/protocol/openapi.yaml" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$seed" \
  --max-examples "$max_examples" \
  --workers "$workers" \
  --request-timeout 30 \
  --generation-database none \
  --report ndjson --report-ndjson-path "$work/events.ndjson" \
  --no-color) >"$work/schemathesis.log" 2>&1
status=$?
set -e
elapsed=$((SECONDS - started))
cat "$work/schemathesis.log"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "Schemathesis did not finish within ${max_time}s." >&2
  status=1
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "sync-server died during the run:" >&2
  tail -n 50 "$work/server.log" >&2
  status=1
fi
if grep -qE 'request failed|internal_error' "$work/server.log"; then
  echo "sync-server logged an internal error:" >&2
  grep -E 'request failed|internal_error' "$work/server.log" | head -n 20 >&2
  status=1
fi

# One line: what ran and what it found, read from Schemathesis's event log.
"$venv/bin/python" - "$work/events.ndjson" "$seed" "$elapsed" "$schemathesis_version" "$status" <<'PY' || status=1
import json, sys
path, seed, elapsed, version, status = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
cases = results = failures = server_errors = dropped = 0
checks = set()
try:
    with open(path, encoding="utf-8") as events:
        for line in events:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if finished is None:
                continue
            recorder = finished["recorder"]
            for interaction in recorder.get("interactions", {}).values():
                cases += 1
                response = interaction.get("response")
                if response is None:
                    dropped += 1
                elif response["status_code"] >= 500:
                    server_errors += 1
            for outcomes in recorder.get("checks", {}).values():
                for outcome in outcomes:
                    checks.add(outcome["name"])
                    results += 1
                    failures += outcome["status"] != "success"
except FileNotFoundError:
    pass
bad = status != 0 or failures or server_errors or dropped
print(
    f"schemathesis {version}: {'FAILED' if bad else 'passed'}: {cases} cases, {len(checks)} checks "
    f"({results} results), {failures} failures, {server_errors} 5xx, {dropped} dropped, seed {seed}, {elapsed}s"
)
sys.exit(1 if bad else 0)
PY
exit "$status"
