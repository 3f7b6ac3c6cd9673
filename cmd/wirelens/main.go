// Command wirelens is a network trace analyzer: it opens pcap and pcapng captures, decodes them with
// Wireshark's field names and explains what happened on the wire. Run "wirelens --help".
package main

import (
	"os"

	"github.com/wirelens/wirelens/internal/cli"
)

func main() {
	cli.SetGCPercent(cli.DefaultGCPercent)
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
