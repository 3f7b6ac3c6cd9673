// Command netlab-capture writes the capture of one netlab scenario to a file:
//
//	go run ./internal/netlab/cmd/netlab-capture -scenario lossy -o out.pcap
//	go run ./internal/netlab/cmd/netlab-capture -list
//
// It needs what package netlab needs (Linux, root, ip, tc, iptables, nft, ethtool, tcpdump). Exit
// status: 0 written, 1 the scenario failed, 2 bad usage or the lab cannot run here.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/wirelens/wirelens/internal/netlab"
)

func main() {
	name := flag.String("scenario", "", "the scenario to capture (-list shows them)")
	out := flag.String("o", "", "the pcap file to write")
	list := flag.Bool("list", false, "list the scenarios")
	verbose := flag.Bool("v", false, "log what the lab does")
	flag.Parse()
	if *list {
		for _, s := range netlab.Scenarios {
			fmt.Printf("%-14s %s\n", s.Name, s.Doc)
		}
		return
	}
	var sc *netlab.Scenario
	var names []string
	for i := range netlab.Scenarios {
		names = append(names, netlab.Scenarios[i].Name)
		if netlab.Scenarios[i].Name == *name {
			sc = &netlab.Scenarios[i]
		}
	}
	sort.Strings(names)
	if sc == nil || *out == "" || flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "usage: netlab-capture -scenario NAME -o FILE.pcap   (NAME: %s)\n", strings.Join(names, ", "))
		os.Exit(2)
	}
	if ok, reason := netlab.Available(); !ok {
		fmt.Fprintln(os.Stderr, "netlab-capture:", reason)
		os.Exit(2)
	}
	r := &runner{verbose: *verbose}
	code := r.run(func() {
		path := sc.Run(r)
		if err := copyFile(*out, path); err != nil {
			r.Fatalf("%v", err)
		}
	})
	if code == 0 {
		fmt.Fprintf(os.Stderr, "netlab-capture: %s written to %s\n", sc.Name, *out)
	}
	os.Exit(code)
}

// runner is a netlab.T for a command: Fatalf and Skipf end the scenario's goroutine as testing's do,
// and the cleanups run afterwards, in reverse order.
type runner struct {
	verbose  bool
	cleanups []func()
	dirs     []string
	failed   bool
	skipped  bool
}

// run runs f on a goroutine of its own (so Fatalf can end it with runtime.Goexit), then the
// cleanups; it returns the exit status.
func (r *runner) run(f func()) int {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	for _, d := range r.dirs {
		os.RemoveAll(d)
	}
	switch {
	case r.failed:
		return 1
	case r.skipped:
		return 2
	}
	return 0
}

func (r *runner) Helper() {}

func (r *runner) Logf(format string, args ...any) {
	if r.verbose {
		fmt.Fprintf(os.Stderr, "netlab-capture: "+format+"\n", args...)
	}
}

func (r *runner) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "netlab-capture: "+format+"\n", args...)
	r.failed = true
	runtime.Goexit()
}

func (r *runner) Skipf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "netlab-capture: cannot run here: "+format+"\n", args...)
	r.skipped = true
	runtime.Goexit()
}

func (r *runner) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *runner) TempDir() string {
	d, err := os.MkdirTemp("", "netlab-capture-")
	if err != nil {
		r.Fatalf("%v", err)
	}
	r.dirs = append(r.dirs, d)
	return d
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
