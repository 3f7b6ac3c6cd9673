// Command wlprof runs one wirelens command line under the CPU profiler (or the heap profiler) and writes
// the profile, so that `go tool pprof` can say where the time of, say, `wirelens diagnose FILE` goes:
//
//	go run ./bench/wlprof -cpuprofile bench/out/diagnose.prof diagnose bench/out/http-1G.pcap
//	go tool pprof -top bench/out/diagnose.prof
//
// The command's output goes to /dev/null.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"github.com/wirelens/wirelens/internal/cli"
)

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile to this file")
	mem := flag.String("memprofile", "", "write a heap profile (in use at the end, or at -memprofileat) to this file")
	traceFile := flag.String("trace", "", "write an execution trace (go tool trace: goroutines on each core over time) to this file")
	memAt := flag.Duration("memprofileat", 0, "with -memprofile: write the heap profile this long after the start (the heap in use during the run), not at the end")
	memRate := flag.Int("memprofilerate", 0, "with -memprofile: sample one allocation per this many bytes (0: Go's default, 512 KiB)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wlprof [-cpuprofile F] [-memprofile F [-memprofileat D]] [-trace F] WIRELENS-ARGS...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *memRate > 0 {
		runtime.MemProfileRate = *memRate
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wlprof:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "wlprof:", err)
			os.Exit(2)
		}
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "wlprof:", err)
			os.Exit(2)
		}
	}
	if *mem != "" && *memAt > 0 {
		go func() {
			time.Sleep(*memAt)
			writeHeap(*mem)
		}()
	}
	cli.SetGCPercent(cli.DefaultGCPercent) // as cmd/wirelens
	code := cli.Main(flag.Args(), io.Discard, os.Stderr)
	if *cpu != "" {
		pprof.StopCPUProfile()
	}
	if *traceFile != "" {
		trace.Stop()
	}
	if *mem != "" && *memAt == 0 {
		writeHeap(*mem)
	}
	os.Exit(code)
}

// writeHeap collects the garbage and writes the heap profile to name.
func writeHeap(name string) {
	runtime.GC()
	f, err := os.Create(name)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wlprof:", err)
		os.Exit(2)
	}
}
