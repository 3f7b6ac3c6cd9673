#!/usr/bin/env bash
# bench/compare.sh FILE [RUNS]
#
# Runs each wirelens command and its tshark counterpart on FILE, alternately, RUNS times (default 3,
# or $RUNS), and prints the median wall time, CPU time (user+sys) and peak RSS of each, and the ratios
# tshark/wirelens (higher is better for wirelens). Measured with /usr/bin/time -f '%e %U %S %M'
# (Debian: apt-get install -y time). The file is read once before, so every run reads it from the
# page cache. wirelens is built once into bench/out/wirelens, unless $WIRELENS names a binary to time
# instead (an older build, to compare). $SKIP, an extended regular expression, leaves out the pairs whose
# name it matches (SKIP='http' for a build without http.* fields).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/compare.sh FILE [RUNS]" >&2; exit 2; }
file=$1
runs=${2:-${RUNS:-3}}
[ -x /usr/bin/time ] || { echo "bench/compare.sh: /usr/bin/time missing (apt-get install -y time)" >&2; exit 2; }
mkdir -p bench/out
if [ -n "${WIRELENS:-}" ]; then
  wl=$WIRELENS
else
  go build -o bench/out/wirelens ./cmd/wirelens
  wl=bench/out/wirelens
fi
cat "$file" > /dev/null

# Pairs: name | wirelens command | tshark command. Output goes to /dev/null. tshark gets -n (no name
# resolution; otherwise it may wait on DNS), which can only make it faster.
pairs=(
  "diagnose|$wl diagnose $file|tshark -n -q -z expert -z conv,tcp -z http,tree -r $file"
  "list -f retrans|$wl list $file -f tcp.analysis.retransmission|tshark -n -r $file -Y tcp.analysis.retransmission"
  "list -f http>=400|$wl list $file -f http.response.code>=400|tshark -n -r $file -Y http.response.code>=400"
  "conversations|$wl conversations $file|tshark -n -q -z conv,tcp -r $file"
  "list|$wl list $file|tshark -n -r $file"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure OUTFILE CMD...: appends "wall cpu rss_kb" to OUTFILE; fails if CMD fails.
measure() {
  local out=$1; shift
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" > /dev/null 2> "$tmp/err"; then
    echo "bench/compare.sh: failed: $*" >&2; cat "$tmp/err" >&2; exit 1
  fi
  awk '{printf "%s %.2f %s\n", $1, $2+$3, $4}' "$tmp/t" >> "$out"
}
median() { # median of column $2 of file $1
  sort -g -k"$2","$2" "$1" | awk -v c="$2" '{v[NR]=$c} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

packets=$(capinfos -c -M "$file" 2>/dev/null | awk -F': *' '/Number of packets/{print $2}')
size=$(stat -L -c %s "$file")
echo "file: $file  ($size bytes, $packets packets), $runs alternating runs each, medians"
echo "wirelens: $wl ($("$wl" --version 2>/dev/null || true)); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | wirelens wall s | tshark wall s | wall ratio | wirelens CPU s | tshark CPU s | CPU ratio | wirelens RSS MB | tshark RSS MB | RSS ratio | wirelens pkt/s | tshark pkt/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
if [ -n "${SKIP:-}" ]; then
  kept=()
  for p in "${pairs[@]}"; do
    [[ ${p%%|*} =~ $SKIP ]] || kept+=("$p")
  done
  pairs=("${kept[@]}")
fi
i=0
for p in "${pairs[@]}"; do
  IFS='|' read -r name wcmd tcmd <<< "$p"
  i=$((i+1))
  : > "$tmp/w$i"; : > "$tmp/s$i"
  for ((r = 0; r < runs; r++)); do
    measure "$tmp/w$i" $wcmd
    measure "$tmp/s$i" $tcmd
  done
  ww=$(median "$tmp/w$i" 1); wc=$(median "$tmp/w$i" 2); wr=$(median "$tmp/w$i" 3)
  tw=$(median "$tmp/s$i" 1); tc=$(median "$tmp/s$i" 2); tr=$(median "$tmp/s$i" 3)
  awk -v n="$name" -v ww="$ww" -v wc="$wc" -v wr="$wr" -v tw="$tw" -v tc="$tc" -v tr="$tr" -v p="$packets" '
    function ratio(a, b) { return b > 0 ? sprintf("%.1f×", a / b) : "∞ (wirelens < 0.01 s)" }
    function pps(t) { return t > 0 ? sprintf("%.2f M", p / t / 1e6) : "-" }
    BEGIN { printf "| %s | %.2f | %.2f | %s | %.2f | %.2f | %s | %.0f | %.0f | %s | %s | %s |\n",
      n, ww, tw, ratio(tw, ww), wc, tc, ratio(tc, wc), wr/1024, tr/1024, ratio(tr, wr), pps(ww), pps(tw) }'
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ratios are tshark / wirelens; raw runs (wall cpu rss_kb) in order:"
i=0
for p in "${pairs[@]}"; do
  i=$((i+1)); IFS='|' read -r name _ <<< "$p"
  echo "  $name: wirelens $(paste -sd';' "$tmp/w$i")  tshark $(paste -sd';' "$tmp/s$i")"
done
