#!/usr/bin/env bash
# Regenerates the tshark DNS-pairing goldens used by internal/agree (TestDNSPairingAgreement).
#
#   scripts/tshark-dns-goldens.sh [CAPTURES_DIR] [OUT_DIR]
#
# For every capture of the field goldens (testdata/golden/tshark/INDEX.tsv) in which tshark saw DNS (a
# dns.flags.response value, column 26), it writes two files under OUT_DIR (default
# testdata/golden/tshark-dns): <relative path>.2.tsv.gz from tshark -2 (two passes: dns.response_in is
# known) and <relative path>.1.tsv.gz from tshark's single pass. Two files at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/captures}
out=${2:-testdata/golden/tshark-dns}
fields_golden=testdata/golden/tshark
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 2; }

# Keep in sync with internal/agree/dns_test.go.
FIELDS=(frame.number dns.id dns.flags.response dns.response_in dns.response_to dns.time
  dns.retransmission dns.retransmit_request_in dns.retransmit_response_in dns.unsolicited)

mkdir -p "$out"
tshark -v 2>/dev/null | head -1 > "$out/VERSION"
printf '%s\n' "${FIELDS[@]}" > "$out/FIELDS"
args=""
for f in "${FIELDS[@]}"; do args+=" -e $f"; done
export src out args

cut -f1 "$fields_golden/INDEX.tsv" | while read -r rel; do
  if zcat "$fields_golden/$rel.tsv.gz" 2>/dev/null | awk -F'\t' '$26 != "" {found=1} END {exit !found}'; then
    echo "$rel"
  fi
done > "$out/INDEX.txt"

xargs -P 2 -I{} sh -c 'mkdir -p "$(dirname "$out/{}")"
  timeout 300 tshark -n -2 -r "$src/{}" -T fields -E occurrence=a -E aggregator=, $args 2>/dev/null | gzip -n -9 > "$out/{}.2.tsv.gz"
  timeout 300 tshark -n -r "$src/{}" -T fields -E occurrence=a -E aggregator=, $args 2>/dev/null | gzip -n -9 > "$out/{}.1.tsv.gz"' < "$out/INDEX.txt"
echo "wrote $(wc -l < "$out/INDEX.txt") DNS goldens to $out" >&2
