#!/usr/bin/env bash
# bench/gen.sh SIZE [--small] [--loss PERCENT]
#
# Captures real traffic (internal/netlab: network namespaces, a real Go HTTP server under load from
# keep-alive and short-connection clients, refused and unanswered connection attempts, client and
# server resets, a lossy wire) with tcpdump until the file reaches SIZE (K, M, G: powers of 1024).
#   bench/gen.sh 200M            -> bench/out/http-200M.pcap
#   bench/gen.sh 100M --small    -> bench/out/http-small-100M.pcap  (tiny responses, most frames < 100 bytes)
# Needs Linux, root, ip, tc, iptables, nft, ethtool, tcpdump (Debian:
# apt-get install -y iproute2 iptables nftables ethtool tcpdump).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/gen.sh SIZE [--small] [--loss PERCENT]" >&2; exit 2; }
size=$1; shift
small=""; loss=0.5
while [ $# -gt 0 ]; do
  case $1 in
    --small) small=-small ;;
    --loss) loss=$2; shift ;;
    *) echo "bench/gen.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p bench/out
go build -o bench/out/netlab-capture ./internal/netlab/cmd/netlab-capture
out=bench/out/http${small:+-small}-$size.pcap
start=$(date +%s.%N)
bench/out/netlab-capture -load "$size" $small -loss "$loss" -o "$out"
end=$(date +%s.%N)
printf 'bench/gen.sh: %s written in %.1f s (wall, including lab set-up)\n' "$out" "$(echo "$end - $start" | bc)" >&2
