#!/usr/bin/env bash
# bench/rss.sh FILE... 
#
# Peak resident memory of each streaming wirelens command on each FILE (median of $RUNS runs, default 3),
# to check that it stays flat as captures grow: run it on a capture and on one twice as large. Also prints
# the median wall and CPU time and the file's packets and TCP connections. Uses bench/out/wirelens (built
# here) or $WIRELENS.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/rss.sh FILE..." >&2; exit 2; }
runs=${RUNS:-3}
mkdir -p bench/out
if [ -n "${WIRELENS:-}" ]; then
  wl=$WIRELENS
else
  go build -o bench/out/wirelens ./cmd/wirelens
  wl=bench/out/wirelens
fi
cmds=("diagnose" "conversations" "list -f tcp.analysis.retransmission" "list -f http.response.code>=400" "list")
[ -z "${SKIP:-}" ] || { kept=(); for c in "${cmds[@]}"; do [[ $c =~ $SKIP ]] || kept+=("$c"); done; cmds=("${kept[@]}"); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "wirelens: $wl; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| file | packets | TCP conns | command | peak RSS MB (median) | RSS runs MB | wall s | CPU s |"
echo "|---|---|---|---|---|---|---|---|"
for f in "$@"; do
  cat "$f" > /dev/null
  packets=$(capinfos -c -M "$f" 2>/dev/null | awk -F': *' '/Number of packets/{print $2}')
  conns=$("$wl" conversations "$f" --proto tcp --format csv | tail -n +2 | wc -l)
  for c in "${cmds[@]}"; do
    : > "$tmp/m"
    for ((r = 0; r < runs; r++)); do
      /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" $wl $c "$f" > /dev/null
      awk '{printf "%s %.2f %s\n", $1, $2+$3, $4}' "$tmp/t" >> "$tmp/m"
    done
    med() { sort -g -k"$1","$1" "$tmp/m" | awk -v c="$1" '{v[NR]=$c} END{print v[int((NR+1)/2)]}'; }
    all=$(awk '{printf "%s%.1f", (NR>1?" ":""), $3/1024}' "$tmp/m")
    printf '| %s | %s | %s | %s | %.1f | %s | %s | %s |\n' "$(basename "$f")" "$packets" "$conns" "$c" "$(echo "$(med 3) / 1024" | bc -l)" "$all" "$(med 1)" "$(med 2)"
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
