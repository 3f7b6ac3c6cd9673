#!/bin/sh
# Writes tshark's Follow TCP Stream output (ascii and hex) for stream 0 of each capture here; the stream
# test in internal/cli compares "wirelens stream" with it. Run from this directory with tshark 4.0.
set -eu
for f in *.pcap; do
	for fmt in ascii hex; do
		tshark -q -z "follow,tcp,$fmt,0" -r "$f" >"${f%.pcap}.$fmt.txt"
	done
done
