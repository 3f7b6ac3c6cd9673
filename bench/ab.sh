#!/bin/bash
# bench/ab.sh A B FILE CMD... — time two wirelens builds on the same command in RUNS pairs of runs
# (default 7), A first in one pair and B first in the next, and print the minimum and median wall and
# CPU (user+sys) seconds of each, then the median of the pairs' ratios B/A and in how many pairs B was
# faster. On a shared machine whose speed drifts by a quarter from one minute to the next, the two runs of
# a pair see about the same machine: the paired ratio tells a change of 2–3 % apart (two builds of the
# same code: 1.000, B faster in 4 of 15 pairs), where the medians of each alone move by 10 %.
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
  order="a b"
  if ((i % 2 == 1)); then order="b a"; fi
  for x in $order; do
    bin=${!x}
    /usr/bin/time -f "$i $x %e %U %S" "$bin" "$@" "$f" >/dev/null 2>>"$log"
  done
done
for x in a b; do
  l=$(grep " $x " "$log")
  w=$(echo "$l" | awk '{print $3}' | sort -n)
  c=$(echo "$l" | awk '{print $4+$5}' | sort -n)
  echo "$x (${!x}): wall min $(echo "$w" | head -1) median $(echo "$w" | sed -n "$(((runs + 1) / 2))p"); cpu min $(echo "$c" | head -1) median $(echo "$c" | sed -n "$(((runs + 1) / 2))p")"
done
ratios=$(awk '{w[$1 " " $2] = $3; c[$1 " " $2] = $4 + $5; if ($1 + 1 > n) n = $1 + 1}
END { for (i = 0; i < n; i++) print w[i " b"] / w[i " a"], c[i " b"] / c[i " a"] }' "$log")
m=$(((runs + 1) / 2))
echo "paired ratio b/a: wall median $(echo "$ratios" | awk '{print $1}' | sort -g | sed -n "${m}p" | xargs printf %.3f)" \
  "(b faster in $(echo "$ratios" | awk '$1 < 1' | wc -l) of $runs pairs)," \
  "cpu median $(echo "$ratios" | awk '{print $2}' | sort -g | sed -n "${m}p" | xargs printf %.3f)"
