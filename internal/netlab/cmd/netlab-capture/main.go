// Command netlab-capture writes the capture of one netlab scenario to a file:
//
//	go run ./internal/netlab/cmd/netlab-capture -scenario lossy -o out.pcap
//	go run ./internal/netlab/cmd/netlab-capture -list
//	go run ./internal/netlab/cmd/netlab-capture -load 200M [-small] [-loss 0.5] -o bench/out/http-200M.pcap
//
// -load captures an HTTP server under load (netlab.Load) until the file reaches the size given
// (suffixes K, M, G: powers of 1024), instead of a scenario.
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
	"strconv"
	"strings"
	"time"

	"github.com/wirelens/wirelens/internal/netlab"
)

func main() {
	name := flag.String("scenario", "", "the scenario to capture (-list shows them)")
	out := flag.String("o", "", "the pcap file to write")
	list := flag.Bool("list", false, "list the scenarios")
	verbose := flag.Bool("v", false, "log what the lab does")
	load := flag.String("load", "", "capture an HTTP server under load until the file reaches this size (e.g. 200M, 1G)")
	small := flag.Bool("small", false, "with -load: tiny responses, mostly short connections (most frames < 100 bytes)")
	loss := flag.Float64("loss", 0.5, "with -load: random loss of data segments on the wire, in %")
	flag.Parse()
	if *load != "" {
		os.Exit(runLoad(*load, *out, *small, *loss, *verbose))
	}
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

// runLoad runs netlab.Load for -load and returns the exit status.
func runLoad(sizeArg, out string, small bool, loss float64, verbose bool) int {
	size, err := parseSize(sizeArg)
	if err != nil || out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: netlab-capture -load SIZE [-small] [-loss PERCENT] -o FILE.pcap")
		return 2
	}
	if ok, reason := netlab.Available(); !ok {
		fmt.Fprintln(os.Stderr, "netlab-capture:", reason)
		return 2
	}
	r := &runner{verbose: verbose}
	var res netlab.LoadResult
	code := r.run(func() {
		res = netlab.Load(r, out, netlab.LoadOptions{
			Size: size, Small: small, LossPercent: loss,
			Progress: func(n int64, d time.Duration) {
				fmt.Fprintf(os.Stderr, "\rnetlab-capture: %6.1f MB in %5.1f s", float64(n)/1e6, d.Seconds())
			},
		})
	})
	fmt.Fprintln(os.Stderr)
	if code == 0 {
		fmt.Fprintf(os.Stderr, "netlab-capture: %s: %d bytes, %d packets (%d dropped by the kernel) in %.1f s; "+
			"%d HTTP responses on %d connections, %d refused and %d unanswered attempts, %d client resets\n",
			out, res.Size, res.Packets, res.Dropped, res.Elapsed.Seconds(), res.Requests, res.Connections,
			res.Refused, res.Unanswered, res.ClientResets)
	}
	return code
}

// parseSize reads 200M, 1G, 512K or a number of bytes (K, M, G: powers of 1024).
func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}
