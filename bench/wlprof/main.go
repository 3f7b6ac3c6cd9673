// Command wlprof runs one wirelens command line under the CPU profiler (or the heap profiler) and writes
// the profile, so that `go tool pprof` can say where the time of, say, `wirelens diagnose FILE` goes:
//
//	go run ./bench/wlprof -cpuprofile bench/out/diagnose.prof diagnose bench/out/http-1G.pcap
//	go tool pprof -top bench/out/diagnose.prof
//
// The command's output goes to /dev/null.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"

	"github.com/wirelens/wirelens/internal/cli"
)

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile to this file")
	mem := flag.String("memprofile", "", "write a heap profile (in use at the end, or at -memprofileat) to this file")
	traceFile := flag.String("trace", "", "write an execution trace (go tool trace: goroutines on each core over time) to this file")
	memAt := flag.Duration("memprofileat", 0, "with -memprofile: write the heap profile this long after the start (the heap in use during the run), not at the end")
	memPeak := flag.Bool("memprofilepeak", false, "with -memprofile: write the heap profile of the collection that found the most live bytes (what the peak resident size is made of), not the one at the end")
	memRate := flag.Int("memprofilerate", 0, "with -memprofile: sample one allocation per this many bytes (0: Go's default, 512 KiB)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wlprof [-cpuprofile F] [-memprofile F [-memprofileat D | -memprofilepeak]] [-trace F] WIRELENS-ARGS...")
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
	var peak *peakHeap
	if *mem != "" && *memPeak {
		peak = watchPeak()
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
	switch {
	case peak != nil:
		peak.write(*mem)
	case *mem != "" && *memAt == 0:
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

// peakHeap keeps the heap profile of the collection that found the most live bytes so far.
type peakHeap struct {
	mu   sync.Mutex
	prof bytes.Buffer
	live uint64
	done chan struct{}
}

// watchPeak polls the live heap (as of the last collection) every millisecond, and takes a profile
// after the collection that follows one that found more live bytes than any before: a heap profile
// shows the state of the collection before the last.
func watchPeak() *peakHeap {
	p := &peakHeap{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var pending uint64 // the cycle that found a new peak, whose profile is still to be taken
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			live, cycle := sample[0].Value.Uint64(), sample[1].Value.Uint64()
			if pending != 0 && cycle > pending {
				p.mu.Lock()
				p.prof.Reset()
				pprof.Lookup("heap").WriteTo(&p.prof, 0)
				p.mu.Unlock()
				pending = 0
			}
			if live > p.live {
				p.live, pending = live, cycle
			}
		}
	}()
	return p
}

// write stops the watching and writes the profile kept to name.
func (p *peakHeap) write(name string) {
	close(p.done)
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(os.Stderr, "wlprof: peak live heap %.1f MiB\n", float64(p.live)/(1<<20))
	if err := os.WriteFile(name, p.prof.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "wlprof:", err)
		os.Exit(2)
	}
}
