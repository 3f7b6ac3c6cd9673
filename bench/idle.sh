#!/usr/bin/env bash
# bench/idle.sh FILE RUNS CMD [ARGS...]
#
# How well one command keeps both cores busy: runs it RUNS times under the execution tracer
# (bench/wlprof -trace, built from the working tree) and prints, for each run, the share of the
# processors that stood idle (bench/tracestat), then the mean. A timing on this shared VM drifts by a
# quarter; the idle share of a run drifts much less, so it tells whether a change to the lanes or the
# pipeline lets the cores wait less. The tracer itself slows the run by some tenth.
#
#   bench/idle.sh bench/out/http-small-100M.pcap 8 diagnose
#
# The FILE goes after CMD's first word, as in `wirelens diagnose FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo "usage: bench/idle.sh FILE RUNS CMD [ARGS...]" >&2; exit 2; }
file=$1; runs=$2; cmd=$3; shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/wlprof" ./bench/wlprof
(cd bench/tracestat && go build -o "$tmp/tracestat" .)
procs=${GOMAXPROCS:-$(nproc)}
for ((i = 1; i <= runs; i++)); do
  "$tmp/wlprof" -trace "$tmp/trace" "$cmd" "$file" "$@"
  "$tmp/tracestat" -procs "$procs" "$tmp/trace" | sed -n 1p
done | tee "$tmp/out"
awk '{for (i = 1; i <= NF; i++) if ($i == "idle") {s += $(i+1); n++}} END {printf "mean idle %.1f %% over %d runs\n", s/n, n}' "$tmp/out"
