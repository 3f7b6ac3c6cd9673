#!/usr/bin/env bash
# Regenerates the tshark TCP-analysis goldens used by internal/agree (TestTCPAnalysisAgreement).
#
#   scripts/tshark-analysis-goldens.sh [CAPTURES_DIR] [OUT_DIR]
#
# For every capture of the field goldens (testdata/golden/tshark/INDEX.tsv) in which tshark saw TCP or UDP,
# it runs tshark's one-pass TCP analysis and writes OUT_DIR/<relative path>.tsv.gz (default
# testdata/golden/tshark-analysis), two files at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/captures}
out=${2:-testdata/golden/tshark-analysis}
fields_golden=testdata/golden/tshark
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 2; }

# Keep in sync with internal/agree/analysis_test.go.
FIELDS=(frame.number tcp.stream udp.stream tcp.nxtseq
  tcp.analysis.retransmission tcp.analysis.fast_retransmission tcp.analysis.spurious_retransmission
  tcp.analysis.out_of_order tcp.analysis.lost_segment tcp.analysis.ack_lost_segment
  tcp.analysis.duplicate_ack tcp.analysis.duplicate_ack_num tcp.analysis.duplicate_ack_frame
  tcp.analysis.zero_window tcp.analysis.zero_window_probe tcp.analysis.zero_window_probe_ack
  tcp.analysis.window_full tcp.analysis.window_update tcp.analysis.keep_alive tcp.analysis.keep_alive_ack
  tcp.analysis.reused_ports tcp.analysis.acks_frame tcp.analysis.ack_rtt tcp.analysis.initial_rtt
  tcp.analysis.bytes_in_flight tcp.analysis.flags)

mkdir -p "$out"
tshark -v 2>/dev/null | head -1 > "$out/VERSION"
printf '%s\n' "${FIELDS[@]}" > "$out/FIELDS"
args=""
for f in "${FIELDS[@]}"; do args+=" -e $f"; done
export src out args

# Captures whose field golden has a TCP stream (column 14) or a UDP port (column 20).
cut -f1 "$fields_golden/INDEX.tsv" | while read -r rel; do
  if zcat "$fields_golden/$rel.tsv.gz" 2>/dev/null | awk -F'\t' '$14 != "" || $20 != "" {found=1} END {exit !found}'; then
    echo "$rel"
  fi
done > "$out/INDEX.txt"

xargs -P 2 -I{} sh -c 'mkdir -p "$(dirname "$out/{}")"; timeout 300 tshark -n -r "$src/{}" -T fields -E occurrence=a -E aggregator=, $args 2>/dev/null | gzip -n -9 > "$out/{}.tsv.gz"' < "$out/INDEX.txt"
echo "wrote $(wc -l < "$out/INDEX.txt") analysis goldens to $out" >&2
