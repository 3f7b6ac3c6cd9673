#!/usr/bin/env bash
# Regenerates the tshark field goldens used by the agreement test (internal/agree).
#
#   scripts/tshark-goldens.sh [CAPTURES_DIR] [OUT_DIR]
#
# For every pcap/pcapng file (also .gz) under CAPTURES_DIR (default ../shared/captures) it runs
# tshark -T fields over the field list below and writes OUT_DIR/<relative path>.tsv.gz
# (default testdata/golden/tshark). Files tshark cannot read are listed in OUT_DIR/INDEX.tsv
# with tshark's exit status, so the test knows which files have a golden.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/captures}
out=${2:-testdata/golden/tshark}
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 2; }

# The fields compared with wirelens; keep in sync with internal/agree/agree_test.go.
FIELDS=(frame.number frame.len frame.time_relative eth.src eth.dst vlan.id ip.src ip.dst ipv6.src ipv6.dst ip.ttl
  tcp.srcport tcp.dstport tcp.stream tcp.seq tcp.ack tcp.len tcp.flags tcp.window_size
  udp.srcport udp.dstport icmp.type icmpv6.type arp.opcode dns.qry.name dns.flags.response)

mkdir -p "$out"
tshark -v | head -1 > "$out/VERSION"
printf '%s\n' "${FIELDS[@]}" > "$out/FIELDS"
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done

one() {
  local file=$1 rel=${1#"$src"/}
  local dst="$out/$rel.tsv.gz"
  mkdir -p "$(dirname "$dst")"
  local rc=0
  timeout 120 tshark -n -r "$file" -T fields -E occurrence=a -E aggregator=, -E separator=/t "${args[@]}" \
    2>/tmp/tshark-golden.$$.err | gzip -n -9 > "$dst" || rc=$?
  local err
  err=$(grep -v '^Running as user' /tmp/tshark-golden.$$.err | head -1 | tr '\t' ' ' || true)
  printf '%s\t%s\t%s\n' "$rel" "$rc" "$err"
}

find "$src" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) | sort |
while read -r f; do one "$f"; done > "$out/INDEX.tsv"
echo "wrote $(wc -l < "$out/INDEX.tsv") goldens to $out" >&2
