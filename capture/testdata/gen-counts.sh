#!/bin/sh
# gen-counts.sh regenerates tshark-counts.tsv: the number of packets that
# Wireshark's tshark reads from every capture in the shared corpus, and its exit
# status. TestSweep compares the capture package's frame counts with these.
#
# Usage: sh capture/testdata/gen-counts.sh [corpus-dir]
# The corpus defaults to ../shared/captures beside the module root. It takes a
# while (tshark starts once per file); JOBS sets how many run at once.
#
# Output columns: relpath <TAB> packets tshark printed <TAB> tshark's exit status.
# The count leaves out records that are not packets (tshark 4.0 shows each
# pcapng Custom Block as a frame, with no encapsulation type); the capture
# package skips those blocks.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-$here/../../../shared/captures}
corpus=$(cd "$corpus" && pwd)
out=$here/tshark-counts.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$corpus"
find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' -o -name '*.cap' \) |
	sed 's|^\./||' | LC_ALL=C sort >"$tmp/list"
# One line per file: relpath, packets (lines with an encapsulation type), status.
tr '\n' '\0' <"$tmp/list" | xargs -0 -n 1 -P "${JOBS:-$(nproc)}" sh -c '
	rc=0
	frames=$(tshark -n -r "$1" -T fields -e frame.number -e frame.encap_type 2>/dev/null </dev/null) || rc=$?
	packets=$(printf "%s\n" "$frames" | awk "NF >= 2 { n++ } END { print n + 0 }")
	printf "%s\t%s\t%s\n" "$1" "$packets" "$rc"
' sh >"$tmp/counts"
LC_ALL=C sort "$tmp/counts" >"$out"
echo "wrote $out ($(wc -l <"$out") files)"
