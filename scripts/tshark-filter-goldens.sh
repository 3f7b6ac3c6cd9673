#!/usr/bin/env bash
# Regenerates the display-filter goldens used by the filter agreement test (internal/filteragree).
#
#   scripts/tshark-filter-goldens.sh [-x] [-j JOBS] [-o DIR]
#
# testdata/golden/filters (OUT) holds two hand-written lists:
#   FILTERS   one filter a line, as a wirelens user types it; where that is an extension tshark 4.0
#             rejects (xor, upper-case protocol names), a tab and the equivalent tshark filter follow.
#   CAPTURES  the captures of ../shared/captures (SRC) the filters run over, one relative path a line
#             ('#' lines are comments).
# For the N-th filter (1-based) it writes OUT/fNNN.tsv.gz: a first line "#filter<TAB>filter<TAB>tshark
# filter", then one line per capture: "path<TAB>tshark exit status<TAB>frame numbers selected", the
# numbers written as ranges ("1-3,7,9-12"); and OUT/VERSION (tshark -v).
#
# The frames are those that
#   tshark -n -r CAPTURE -Y FILTER -T fields -e frame.number
# prints. With -x the script runs exactly that, once per (filter, capture): about 0.3 s of CPU each, hours
# for the whole set. By default it gets the same answer from one tshark run per capture: a generated Lua
# script registers one tap listener per filter (Listener.new(nil, FILTER)); tshark compiles each filter with
# the same display-filter engine, primes its fields and applies it to the same single-pass dissection of
# every frame that -Y would, and the listener records the frames it matches. One exception: a frame whose
# dissection throws an exception up to the frame level reaches no listener; the script detects captures
# where the listeners saw fewer frames than tshark reads and redoes those with exact -Y runs. -o DIR writes
# the goldens to DIR instead of OUT (to compare the two modes: diff the decompressed files; with tshark
# 4.0.17, -x over 12 of the captures and all 73 filters gave the same 876 lines as the Lua mode).
#
# Captures run in parallel (-j, default 2). Run it in the background:
#   nohup scripts/tshark-filter-goldens.sh > /tmp/fg.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
src=${SRC:-../shared/captures}
out=${OUT:-testdata/golden/filters}
dst=$out
jobs=2
exact=0
while getopts "xj:o:" opt; do
  case $opt in
  x) exact=1 ;;
  j) jobs=$OPTARG ;;
  o) dst=$OPTARG ;;
  *) echo "usage: $0 [-x] [-j JOBS] [-o DIR]" >&2; exit 2 ;;
  esac
done
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 2; }
[ -d "$src" ] || { echo "no capture corpus at $src" >&2; exit 2; }
mkdir -p "$dst"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The tshark form of every filter, one a line.
nf=0
while IFS= read -r line || [ -n "$line" ]; do
  nf=$((nf + 1))
  if [[ $line == *$'\t'* ]]; then printf '%s\n' "${line#*$'\t'}"; else printf '%s\n' "$line"; fi
done < "$out/FILTERS" > "$work/tshark-filters"
grep -v '^#' "$out/CAPTURES" | grep . > "$work/captures"
echo "$nf filters over $(wc -l < "$work/captures") captures ($([ $exact = 1 ] && echo exact -Y runs || echo one Lua run per capture)), $jobs at a time" >&2

# ranges turns frame numbers, one a line, into "1-3,7".
ranges() {
  awk 'NF { if (s == "") { s = e = $1 } else if ($1 == e + 1) { e = $1 } else { out = out sep (s == e ? s : s "-" e); sep = ","; s = e = $1 } }
       END { if (s != "") out = out sep (s == e ? s : s "-" e); print out }' "$@"
}

# The Lua tap script: one listener per filter; at the end, one line per filter: "N<TAB>ranges".
{
  echo 'local hits = {}'
  n=0
  while IFS= read -r f; do
    n=$((n + 1))
    printf 'do local l = Listener.new(nil, [==[%s]==]); local t = {}; hits[%d] = t; function l.packet(pinfo) t[#t + 1] = pinfo.number end end\n' "$f" "$n"
  done < "$work/tshark-filters"
  cat <<'LUA'
local function ranges(t)
  local out, i = {}, 1
  while i <= #t do
    local j = i
    while j < #t and t[j + 1] == t[j] + 1 do j = j + 1 end
    out[#out + 1] = (i == j) and tostring(t[i]) or (t[i] .. "-" .. t[j])
    i = j + 1
  end
  return table.concat(out, ",")
end
local seen = {}
local done = false
local l = Listener.new()
function l.packet(pinfo) seen[#seen + 1] = pinfo.number end
function l.draw()
  if done then return end
  done = true
  local f = assert(io.open(os.getenv("FG_OUT"), "w"))
  f:write(0, "\t", ranges(seen), "\n")
  for n = 1, #hits do f:write(n, "\t", ranges(hits[n]), "\n") end
  f:close()
end
LUA
} > "$work/filters.lua"

# exact I REL: runs every filter over one capture with tshark -Y; writes work/I.out and work/I.rc.
exact_capture() {
  local i=$1 rel=$2 rc=0 n=0 f
  : > "$work/$i.out"
  while IFS= read -r f; do
    n=$((n + 1))
    rc=0
    timeout 600 tshark -n -r "$src/$rel" -Y "$f" -T fields -e frame.number > "$work/$i.raw" 2>/dev/null || rc=$?
    printf '%d\t%s\n' "$n" "$(ranges "$work/$i.raw")" >> "$work/$i.out"
  done < "$work/tshark-filters"
  rm -f "$work/$i.raw"
  echo "$rc" > "$work/$i.rc"
}

# capture I REL: writes work/I.rc and work/I.out ("N<TAB>ranges" for every filter). In the Lua mode a
# frame whose dissection ends in an exception that escapes to the frame level reaches no tap listener, so
# a capture where the listeners saw fewer frames than tshark prints is done again with exact -Y runs.
capture() {
  local i=$1 rel=$2 rc=0 all seen
  if [ "$exact" = 1 ]; then
    exact_capture "$i" "$rel"
    echo "$rel: status $(cat "$work/$i.rc") (exact)" >&2
    return
  fi
  FG_OUT="$work/$i.out" timeout 1800 tshark -n -q -r "$src/$rel" -X lua_script:"$work/filters.lua" > /dev/null 2>&1 || rc=$?
  echo "$rc" > "$work/$i.rc"
  all=$(timeout 600 tshark -n -r "$src/$rel" -T fields -e frame.number 2>/dev/null | ranges)
  seen=$(awk -F'\t' '$1 == 0 { print $2 }' "$work/$i.out" 2>/dev/null)
  if [ "$all" != "$seen" ]; then
    echo "$rel: tap listeners saw frames [$seen] of [$all]: exact -Y runs" >&2
    exact_capture "$i" "$rel"
  fi
  echo "$rel: status $(cat "$work/$i.rc")" >&2
}
export -f capture exact_capture ranges
export src work exact

awk '{ print NR "\t" $0 }' "$work/captures" | xargs -P "$jobs" -d '\n' -I{} bash -c 'IFS=$'"'\t'"' read -r i rel <<< "$1"; capture "$i" "$rel"' _ {}

# Assemble one golden per filter.
i=0
while IFS= read -r rel; do
  i=$((i + 1))
  awk -F'\t' -v rel="$rel" -v rc="$(cat "$work/$i.rc" 2>/dev/null || echo 255)" -v dir="$work" -v nf="$nf" '
    $1 > 0 { got[$1] = $2 }
    END { for (n = 1; n <= nf; n++) print rel "\t" rc "\t" got[n] >> (dir "/g." n) }' "$work/$i.out" 2>/dev/null < /dev/null ||
    awk -v rel="$rel" -v dir="$work" -v nf="$nf" 'BEGIN { for (n = 1; n <= nf; n++) print rel "\t255\t" >> (dir "/g." n) }'
done < "$work/captures"
n=0
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1))
  wl=${line%%$'\t'*}
  ts=$(sed -n "${n}p" "$work/tshark-filters")
  { printf '#filter\t%s\t%s\n' "$wl" "$ts"; cat "$work/g.$n"; } | gzip -n -9 > "$dst/$(printf 'f%03d.tsv.gz' "$n")"
done < "$out/FILTERS"
# Drop goldens of filters no longer listed.
for f in "$dst"/f[0-9][0-9][0-9].tsv.gz; do
  [ -e "$f" ] || continue
  k=$((10#$(basename "$f" .tsv.gz | tr -d f)))
  [ "$k" -le "$n" ] || rm -f "$f"
done
tshark -v 2>/dev/null | head -1 > "$dst/VERSION"
echo "wrote $n goldens to $dst" >&2
