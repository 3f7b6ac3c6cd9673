package cli

import (
	"os"
	"runtime/debug"
)

// SetGCPercent sets the garbage collector's target to percent (see debug.SetGCPercent), unless GOGC
// says otherwise, and makes the heap grow by at least minGCHeadroom between two collections.
//
// Go collects when the heap has grown by percent of what was live at the last collection, but at the
// earliest at 4 MiB×percent/100: 1 MiB at the 25 % of diagnose and conversations. Their live heap (the
// connections in progress and the compact records of those evicted) grows from nothing to some 20 MiB on
// the small-packet benchmark capture, which took 16 collections, 12 of them in the first 0.13 s. The
// headroom is made by a ballast: a pointer-free block of minGCHeadroom×100/percent bytes (16 MiB at 25 %)
// that the heap counts but nobody touches, so that the kernel never gives it pages and the collector never scans it.
// The collector then runs when the heap has grown by minGCHeadroom plus percent of the live heap: 7
// collections instead of 16 on that capture, for a peak resident size 1–2 MB higher (BENCHMARKS.md).
func SetGCPercent(percent int) {
	if os.Getenv("GOGC") != "" || percent <= 0 {
		return
	}
	debug.SetGCPercent(percent)
	if n := minGCHeadroom * 100 / percent; len(gcBallast) < n {
		gcBallast = make([]byte, n)
	}
}

// DefaultGCPercent is the garbage collector's target for every command (cmd/wirelens), unless GOGC says
// otherwise; conversations and diagnose lower it (streamingGC). The commands stream: what they keep alive
// is small (the connections in progress, the report) and most of what they allocate dies at once, so
// collecting at half the live heap rather than at all of it costs little time and keeps the resident size
// close to what is really kept, on a capture of any length (BENCHMARKS.md).
const DefaultGCPercent = 50

// minGCHeadroom is the least the heap grows by between two collections (see SetGCPercent).
const minGCHeadroom = 4 << 20

// gcBallast is the block that makes minGCHeadroom; it is never read or written.
var gcBallast []byte
