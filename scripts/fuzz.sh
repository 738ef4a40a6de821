#!/usr/bin/env bash
# Fuzzes the request decoder and the merge of one decoded batch with libFuzzer (Tests/Fuzz/).
#
#   scripts/fuzz.sh [SECONDS] [EXTRA libFuzzer flags…]
#
#   scripts/fuzz.sh                 # 60 seconds
#   scripts/fuzz.sh 600 -fork=2 -ignore_crashes=1   # ten minutes, going on past findings
#   scripts/fuzz.sh 60 -seed=12345  # a run to repeat: the same seed and corpus give the same inputs
#   scripts/fuzz.sh 0 -runs=1 Tests/Fuzz/findings/some-file   # replay one input (SECONDS 0: no time limit)
#
# Builds .build-fuzz/gridsync-fuzz when it is missing or older than Sources/Shared or Tests/Fuzz:
# every file of Sources/Shared, the Swift files of Tests/Fuzz and SharedTests' JSON trees compiled as ONE module with
# -sanitize=fuzzer,address (SwiftPM never builds Tests/Fuzz: no target in Package.swift names it).
# Seeds .build-fuzz/corpus from protocol/vectors (messages, the merge cases as sync requests, and
# gzip copies), fuzzes, and writes what it finds to .build-fuzz/findings/. The last line counts
# executions and findings; the exit status is non-zero when this run found anything.
#
# Environment: SWIFTC (default: swiftc on PATH, else /opt/swift/usr/bin/swiftc), FUZZ_SEED (the
# libFuzzer seed; default: drawn now and printed), FUZZ_OPT (default -O; -Onone for clearer traces).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ $# -gt 0 ]] && shift
extra=("$@")

out=.build-fuzz
binary=$out/gridsync-fuzz
corpus=$out/corpus
findings=$out/findings
mkdir -p "$out" "$corpus" "$findings"

swiftc=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
toolchain_bin=$(dirname "$(readlink -f "$swiftc")")
opt=${FUZZ_OPT:--O}

# --- Build, when missing or stale -------------------------------------------------------------
mapfile -t sources < <(find Sources/Shared -name '*.swift' | LC_ALL=C sort)
mapfile -t harness < <(find Tests/Fuzz -maxdepth 1 -name '*.swift' | LC_ALL=C sort)
# The JSON trees the writer is compared with, shared with SharedTests (built with GRIDSYNC_FUZZ,
# which leaves out its import of Shared: here it is part of Shared).
harness+=(Tests/SharedTests/Support/JSONTree.swift)
stale=no
if [[ ! -x $binary ]]; then
    stale=yes
elif [[ -n $(find Sources/Shared Sources/CZlib "${harness[@]}" Tests/Fuzz/FuzzerHooks.h scripts/fuzz.sh -newer "$binary" -print -quit) ]]; then
    stale=yes
elif [[ $(cat "$binary.opt" 2>/dev/null) != "$opt" ]]; then
    stale=yes
fi
if [[ $stale == yes ]]; then
    echo "fuzz: building $binary ($opt, ${#sources[@]} files of Sources/Shared + ${harness[*]})…"
    linker=()
    [[ -x $toolchain_bin/ld.lld ]] && linker=(-use-ld=lld)
    "$swiftc" \
        -module-name Shared -package-name GridSync -parse-as-library -swift-version 6 \
        -enable-upcoming-feature ExistentialAny \
        -enable-upcoming-feature MemberImportVisibility \
        -enable-upcoming-feature InternalImportsByDefault \
        -D GRIDSYNC_FUZZ \
        -sanitize=fuzzer,address "$opt" -g \
        -I Sources/CZlib -lz "${linker[@]}" \
        -import-objc-header Tests/Fuzz/FuzzerHooks.h \
        "${sources[@]}" "${harness[@]}" \
        -o "$binary.tmp"
    mv "$binary.tmp" "$binary"
    echo "$opt" >"$binary.opt"
fi

# --- Seed the corpus --------------------------------------------------------------------------
# File names are the vectors' own, so seeding again overwrites instead of piling up.
for file in protocol/vectors/messages/*.json; do
    name=$(basename "$file" .json)
    cp "$file" "$corpus/seed-$name.json"
done
if command -v jq >/dev/null; then
    # Each merge case's operations as one sync request: a batch that really merges.
    for file in protocol/vectors/merges/*.json; do
        name=$(basename "$file" .json)
        jq -c '{batchId: "0193a5c2-7b1e-7c3d-9f2e-00000000f022", cursor: 0, operations: .operations, protocolVersion: 1}' \
            "$file" >"$corpus/seed-merge-$name.json"
    done
fi
for name in sync-request snapshot-page operation-event; do
    gzip -9 -n -c "protocol/vectors/messages/$name.json" >"$corpus/seed-$name.json.gz"
done
# Tests/Fuzz/findings/ is not seeded: its inputs crash, and a crashing seed stops a plain run.

# --- Fuzz -------------------------------------------------------------------------------------
seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
flags=(
    -seed="$seed"
    -max_len=65536
    -timeout=10
    -rss_limit_mb=2048
    -dict=Tests/Fuzz/wire.dict
    -artifact_prefix="$findings/"
    -print_final_stats=1
)
[[ $seconds -gt 0 ]] && flags+=(-max_total_time="$seconds")
# Inputs named on the command line are replayed, not fuzzed: no corpus then.
positional=no
for arg in "${extra[@]}"; do [[ $arg != -* ]] && positional=yes; done
[[ $positional == no ]] && extra+=("$corpus")

# libFuzzer handles traps and sanitizer reports itself; the Swift backtracer would only slow
# each crash down. Leaks are not findings here (Foundation keeps caches for the process's life).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:symbolize=1:external_symbolizer_path=$toolchain_bin/llvm-symbolizer}

stamp=$out/.run-started
touch "$stamp"
log=$out/last-run.log
echo "fuzz: seed $seed, ${seconds}s; repeat with: FUZZ_SEED=$seed scripts/fuzz.sh $seconds $*"
echo "fuzz: log $log; findings go to $findings/"
set +e
"$binary" "${flags[@]}" "${extra[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# --- Report -----------------------------------------------------------------------------------
# Executions: the final stats of a plain run, or the last status line of a fork run.
executions=$(grep -o '^stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
if [[ -z $executions ]]; then
    executions=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
fi
persec=$(grep -o '^stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
if [[ -z $persec ]]; then
    # A fork run's status lines give the rate of the moment; the average is executions over time.
    elapsed=$(grep -oE '^#[0-9]+:.* time: [0-9]+s' "$log" | tail -1 | grep -oE '[0-9]+s$' | tr -d s || true)
    [[ -n $executions && -n $elapsed && $elapsed -gt 0 ]] && persec=$((executions / elapsed))
fi
mapfile -t new < <(find "$findings" -type f -newer "$stamp" | LC_ALL=C sort)
for file in "${new[@]}"; do echo "fuzz: finding $file ($(wc -c <"$file") bytes)"; done
echo "fuzz: seed $seed, ${executions:-0} executions (${persec:-?} exec/s), ${#new[@]} findings, libFuzzer exit $status"
if [[ ${#new[@]} -gt 0 || $status -ne 0 ]]; then exit 1; fi
