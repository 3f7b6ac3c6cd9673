#!/usr/bin/env bash
# bench/instr.sh FILE CMD [ARGS...]
#
# Counts the instructions that each wirelens build named in $BUILDS (default: bench/out/wirelens, built
# from the working tree) executes for one command line on FILE, under valgrind's cachegrind
# (apt-get install -y valgrind). Each build runs with one goroutine at a time (GOMAXPROCS=1: the pipeline,
# not the lanes), without garbage collection (GOGC=off) and without asynchronous preemption, so that two
# runs of one build agree to within about 0.1 %. On a shared VM whose speed drifts by a quarter from one
# minute to the next, that count tells a change of 1 % in the work per packet apart; a timing does not.
# It is not a time: cache misses and the second core are not in it. Use a slice of a large capture
# (valgrind runs some 50 times slower), for example the first 100,000 frames:
#
#   editcap -F pcap -r bench/out/http-small-100M.pcap bench/out/small-100k.pcap 1-100000
#   BUILDS="/tmp/wl-before bench/out/wirelens" bench/instr.sh bench/out/small-100k.pcap diagnose
#
# The FILE goes after CMD's first word, as in `wirelens list FILE -f ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/instr.sh FILE CMD [ARGS...]" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "bench/instr.sh: valgrind missing (apt-get install -y valgrind)" >&2; exit 2; }
file=$1; cmd=$2; shift 2
if [ -z "${BUILDS:-}" ]; then
  mkdir -p bench/out
  go build -o bench/out/wirelens ./cmd/wirelens
  BUILDS=bench/out/wirelens
fi
for b in $BUILDS; do
  n=$(GODEBUG=asyncpreemptoff=1 GOGC=off GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no \
    --cachegrind-out-file=/dev/null "$b" "$cmd" "$file" "$@" 2>&1 > /dev/null | awk '/I *refs:/ {print $NF}')
  echo "$b: $n instructions ($cmd $file $*)"
done
