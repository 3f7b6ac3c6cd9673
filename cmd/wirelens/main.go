// Command wirelens is a network trace analyzer: it opens pcap and pcapng captures, decodes them with
// Wireshark's field names and explains what happened on the wire. Run "wirelens --help".
package main

import (
	"os"
	"runtime/debug"

	"github.com/wirelens/wirelens/internal/cli"
)

// gcPercent is the garbage collector's target unless GOGC says otherwise. The commands stream: what they
// keep alive is small (the connections in progress, the report) and most of what they allocate dies at
// once, so collecting at half the live heap rather than at all of it costs little time and keeps the
// resident size close to what is really kept, on a capture of any length (BENCHMARKS.md).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
