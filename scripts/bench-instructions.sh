#!/usr/bin/env bash
# Counts the instructions one 30-operation exchange costs the county server, under valgrind.
#
#   scripts/bench-instructions.sh [--exchanges N] [--agents M] [--no-build] [--top K] [--record FILE]
#
#   scripts/bench-instructions.sh                 # 200 exchanges; two to three minutes
#   scripts/bench-instructions.sh --top 25        # and the 25 functions that cost an exchange most
#   scripts/bench-instructions.sh --record docs/benchmarks.md
#
# Times on this shared two-core machine drift by tens of percent from run to run, and the virtual
# machine exposes no hardware counters (`perf stat -e instructions` says "not supported"), so a
# change's cost is compared in instructions counted by callgrind, which agree between runs within
# half a percent (threads still wake in a different order from run to run). The script builds the release benchmarks when needed, runs
# `gridsync-bench exchange-cost` (the server and its HTTP client in one process, exchanges one at a
# time) with N exchanges and with none, both after the same preparation of M agents, and prints
# (total − baseline) ÷ N. The count includes the client's side of each exchange (AsyncHTTPClient,
# inflating and decoding the answer); the requests are encoded and compressed beforehand, in both runs.
#
# What it takes to run a Swift server under Debian 12's valgrind 3.19:
# - a copy of the binary without its debug information (`objcopy --strip-debug`): valgrind gives up
#   reading Swift's DWARF ("unhandled dwarf2 abbrev form code 0x25 … Possibly corrupted debuginfo
#   file"), even with --read-var-info=no --read-inline-info=no. The symbols stay, so
#   callgrind_annotate still names functions.
# - sigsuspend(2) given a writable mask (a small LD_PRELOAD library built here): an async `main`
#   parks the main thread in libdispatch's sigsuspend on a `static const` mask, and valgrind 3.19
#   writes into the mask it is given, so every tool, even --tool=none, dies of SIGSEGV
#   ("VALGRIND INTERNAL ERROR") before the program starts. Later valgrind releases copy the mask.
# SWIFT_DETERMINISTIC_HASHING=1 fixes the order of Swift's dictionaries and sets, which
# otherwise moves the count by a few hundredths of a percent. The callgrind profiles are kept in
# .build-instructions/ (callgrind.N.out): `callgrind_annotate .build-instructions/callgrind.200.out`.
set -euo pipefail
cd "$(dirname "$0")/.."

exchanges=200
agents=200
build=yes
top=0
record=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --exchanges) exchanges=$2; shift 2 ;;
    --agents) agents=$2; shift 2 ;;
    --no-build) build=no; shift ;;
    --top) top=$2; shift 2 ;;
    --record) record=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown argument: $1 (see --help)." >&2; exit 2 ;;
  esac
done
if ! [[ $exchanges =~ ^[1-9][0-9]*$ && $agents =~ ^[1-9][0-9]*$ ]] || ((exchanges > agents)); then
  echo "--exchanges must be at least 1 and at most --agents ($agents)." >&2
  exit 2
fi
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }

scratch=.build-release
binary=$scratch/release/gridsync-bench
out=.build-instructions
if [[ $build == yes ]]; then
  echo "Building the release benchmarks (incremental; the first build takes 10–15 minutes)…" >&2
  GRIDSYNC_BENCHMARKS=1 swift build -c release --product gridsync-bench --scratch-path "$scratch" >&2
fi
[[ -x $binary ]] || { echo "No $binary: run without --no-build." >&2; exit 1; }
mkdir -p "$out"
objcopy --strip-debug "$binary" "$out/gridsync-bench"
cat >"$out/sigsuspend.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

/* sigsuspend on a copy of the mask: valgrind 3.19 writes into the mask it is passed. */
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}
C
cc -O2 -shared -fPIC "$out/sigsuspend.c" -o "$out/sigsuspend.so"

# Runs the workload with $1 exchanges under callgrind and prints the instructions it counted.
count() {
  local n=$1
  local profile=$out/callgrind.$n.out
  if ! SWIFT_DETERMINISTIC_HASHING=1 LD_PRELOAD="$PWD/$out/sigsuspend.so" valgrind --tool=callgrind --callgrind-out-file="$profile" \
    "$out/gridsync-bench" exchange-cost --exchanges "$n" --agents "$agents" \
    >"$out/run.$n.log" 2>"$out/valgrind.$n.log"; then
    echo "The run with $n exchanges failed; the end of $out/valgrind.$n.log:" >&2
    tail -20 "$out/valgrind.$n.log" >&2
    exit 1
  fi
  awk '/^summary:/ { print $2; found = 1; exit } END { if (!found) exit 1 }' "$profile"
}

echo "Counting $exchanges exchanges and then none under callgrind, $agents agents prepared in each…" >&2
total=$(count "$exchanges")
baseline=$(count 0)
per_exchange=$(((total - baseline) / exchanges))
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- Sources Benchmarks Package.swift || commit="$commit with uncommitted changes"

echo "instructions, $exchanges exchanges: $total"
echo "instructions, no exchange (the preparation alone): $baseline"
echo "instructions per 30-operation exchange: $per_exchange ($((per_exchange / 30)) per operation) at $commit"

if ((top > 0)); then
  # Each function's own instructions in the run with exchanges less those in the run without,
  # per exchange: where an exchange's instructions go.
  echo
  echo "The $top functions that cost an exchange most (their own instructions, per exchange):"
  for n in "$exchanges" 0; do
    callgrind_annotate --threshold=100 "$out/callgrind.$n.out" >"$out/annotate.$n.txt"
  done
  awk -v runs="$exchanges" '
    # Lines look like "1,234,567 (12.34%)  file:function [object]".
    match($0, /^ *[0-9,]+ \([ 0-9.]+%\) +/) {
      cost = substr($0, 1, RLENGTH); sub(/\(.*/, "", cost); gsub(/[ ,]/, "", cost)
      name = substr($0, RLENGTH + 1); sub(/ \[[^]]*\]$/, "", name)
      own[name] += (FILENAME ~ /annotate\.0\.txt$/ ? -cost : cost)
    }
    END {
      for (name in own) if (own[name] > 0 && name != "PROGRAM TOTALS") printf "%d\t%s\n", own[name] / runs, name
    }' "$out/annotate.$exchanges.txt" "$out/annotate.0.txt" |
    sort -rn |
    awk -F'\t' -v per="$per_exchange" -v top="$top" 'NR <= top { printf "%12d %5.1f%%  %s\n", $1, 100 * $1 / per, $2 }'
fi

if [[ -n $record ]]; then
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  memory=$(awk '/^MemTotal/ { printf "%d", $2 / 1048576 }' /proc/meminfo)
  {
    echo
    echo "### exchange cost (instructions under callgrind), $(date -u +%F)"
    echo
    echo "Machine: $cpu, $(nproc) cores, $memory GiB, Swift release build"
    echo
    echo "| figure | value |"
    echo "|---|---|"
    echo "| command | \`scripts/bench-instructions.sh --exchanges $exchanges --agents $agents\` |"
    echo "| commit | $commit |"
    echo "| instructions, $exchanges exchanges / none | $total / $baseline |"
    echo "| instructions per 30-operation exchange | $per_exchange |"
  } >>"$record"
fi
