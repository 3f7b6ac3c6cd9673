#!/usr/bin/env bash
# bench/pgo.sh [FILE...] — refresh cmd/wirelens/default.pgo, the CPU profile that `go build` uses for
# profile-guided optimisation of the wirelens command (Go's -pgo=auto: a default.pgo in the main package's
# directory). The profile merges CPU profiles (bench/wlprof) of the commands bench/compare.sh times —
# diagnose, list -f on a TCP analysis field and on an HTTP field, conversations, list — on each FILE
# (default: the benchmark's small-packet and 200 MB captures, made by bench/gen.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(bench/out/http-small-100M.pcap bench/out/http-200M.pcap)
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "bench/pgo.sh: $f missing (bench/gen.sh makes it)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -pgo=off -o "$tmp/wlprof" ./bench/wlprof
i=0
for f in "${files[@]}"; do
  for cmd in "diagnose" "list -f tcp.analysis.retransmission" "list -f http.response.code>=400" "conversations" "list"; do
    i=$((i+1))
    "$tmp/wlprof" -cpuprofile "$tmp/$i.prof" $cmd "$f" > /dev/null
  done
done
go tool pprof -proto "$tmp"/*.prof > cmd/wirelens/default.pgo
echo "bench/pgo.sh: cmd/wirelens/default.pgo from $i profiles ($(stat -c %s cmd/wirelens/default.pgo) bytes)" >&2
