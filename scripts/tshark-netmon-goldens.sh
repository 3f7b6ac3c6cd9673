#!/usr/bin/env bash
# Regenerates the tshark goldens of the NetMon agreement test (internal/agree/netmon_test.go).
#
#   scripts/tshark-netmon-goldens.sh [CAPTURES_DIR] [OUT_DIR]
#
# For every NetMon file (*.cap) under CAPTURES_DIR/windows/netmon (default ../shared/captures) it runs
# tshark -T fields over the field list of scripts/tshark-goldens.sh (testdata/golden/tshark/FIELDS) plus
# frame.time_epoch and frame.cap_len, and writes OUT_DIR/<name>.tsv.gz (default testdata/golden/tshark-netmon),
# with OUT_DIR/INDEX.tsv listing tshark's exit status per file.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/captures}
out=${2:-testdata/golden/tshark-netmon}
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 2; }

mapfile -t FIELDS < testdata/golden/tshark/FIELDS
FIELDS+=(frame.time_epoch frame.cap_len)
mkdir -p "$out"
tshark -v | head -1 > "$out/VERSION"
printf '%s\n' "${FIELDS[@]}" > "$out/FIELDS"
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done

find "$src/windows/netmon" -type f -name '*.cap' | sort | while read -r file; do
  rel=${file#"$src"/}
  dst="$out/$(basename "$file").tsv.gz"
  rc=0
  # TZ=UTC: tshark reads the start time of a NetMon file before 2.3 as local time.
  TZ=UTC timeout 120 tshark -n -r "$file" -T fields -E occurrence=a -E aggregator=, -E separator=/t "${args[@]}" \
    2>/tmp/tshark-netmon.$$.err | gzip -n -9 > "$dst" || rc=$?
  err=$(grep -v '^Running as user' /tmp/tshark-netmon.$$.err | head -1 | tr '\t' ' ' || true)
  printf '%s\t%s\t%s\n' "$rel" "$rc" "$err"
done > "$out/INDEX.tsv"
rm -f /tmp/tshark-netmon.$$.err
echo "wrote $(wc -l < "$out/INDEX.tsv") goldens to $out" >&2
