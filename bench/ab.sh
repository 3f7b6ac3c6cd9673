#!/bin/bash
# bench/ab.sh A B FILE CMD... — time two wirelens builds on the same command, alternately, 7 runs each
# (RUNS=n for more), and print the minimum and median wall and CPU (user+sys) seconds of each. Used to decide whether a
# change is kept: on a shared machine the minimum is the steadier figure.
set -u
if [ $# -lt 4 ]; then
  echo "usage: bench/ab.sh BINARY_A BINARY_B FILE CMD [ARGS...]" >&2
  exit 2
fi
a=$1; b=$2; f=$3; shift 3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
runs=${RUNS:-7}
for ((i = 0; i < runs; i++)); do
  for x in a b; do
    bin=${!x}
    /usr/bin/time -f "$x %e %U %S" "$bin" "$@" "$f" >/dev/null 2>>"$log"
  done
done
for x in a b; do
  l=$(grep "^$x " "$log")
  w=$(echo "$l" | awk '{print $2}' | sort -n)
  c=$(echo "$l" | awk '{print $3+$4}' | sort -n)
  echo "$x (${!x}): wall min $(echo "$w" | head -1) median $(echo "$w" | sed -n "$(( (runs + 1) / 2 ))p"); cpu min $(echo "$c" | head -1) median $(echo "$c" | sed -n "$(( (runs + 1) / 2 ))p")"
done
