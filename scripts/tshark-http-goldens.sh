#!/usr/bin/env bash
# Regenerates the tshark HTTP goldens used by the HTTP agreement test (internal/agree, TestHTTPAgreement).
#
#   scripts/tshark-http-goldens.sh [CAPTURES_DIR] [OUT_DIR]
#
# For every pcap/pcapng file (also .gz) under CAPTURES_DIR (default ../shared/captures) it runs
# tshark -Y http -T fields (one pass, as wirelens's default) over the field list below. Files with at
# least one HTTP frame get OUT_DIR/<relative path>.tsv.gz (default testdata/golden/tshark-http);
# OUT_DIR/INDEX.tsv lists every file with tshark's exit status and its number of HTTP frames, so the test
# also checks that wirelens finds no HTTP where tshark finds none.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/captures}
out=${2:-testdata/golden/tshark-http}
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 2; }

# Keep in sync with internal/agree/http_test.go.
FIELDS=(frame.number http.request http.response http.request.method http.request.uri http.request.version
  http.response.code http.response.phrase http.host http.server http.location http.content_length
  http.request_in http.time http.user_agent http.content_type http.request.full_uri)

mkdir -p "$out"
tshark -v | head -1 > "$out/VERSION"
printf '%s\n' "${FIELDS[@]}" > "$out/FIELDS"
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done

one() {
  local file=$1 rel=${1#"$src"/}
  local dst="$out/$rel.tsv.gz" tmp=/tmp/tshark-http.$$.tsv
  local rc=0
  timeout 300 tshark -n -r "$file" -Y http -T fields -E occurrence=a -E aggregator=, -E separator=/t "${args[@]}" \
    >"$tmp" 2>/tmp/tshark-http.$$.err || rc=$?
  local n
  n=$(wc -l < "$tmp")
  if [ "$n" -gt 0 ]; then
    mkdir -p "$(dirname "$dst")"
    gzip -n -9 < "$tmp" > "$dst"
  fi
  rm -f "$tmp"
  printf '%s\t%s\t%s\n' "$rel" "$rc" "$n"
}

find "$src" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) | sort |
while read -r f; do one "$f"; done > "$out/INDEX.tsv"
echo "wrote $(awk -F'\t' '$3>0' "$out/INDEX.tsv" | wc -l) HTTP goldens ($(wc -l < "$out/INDEX.tsv") files) to $out" >&2
