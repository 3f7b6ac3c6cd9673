// Command tracestat says how busy a run kept the processors, from a Go execution trace (bench/wlprof
// -trace): the wall time, the goroutines' running time, the share of the processors that stood idle
// (and how much of that idle time a goroutine was runnable, waiting for a processor that stood idle: the
// runtime takes a goroutine from a busy processor's next slot only after a pause), how many were busy in
// each twentieth of the run, and the goroutines that ran longest, with the time each spent runnable and
// waiting. bench/idle.sh runs it on several traces of one command.
//
//	go run . -procs 2 TRACE
//
// It is a module of its own so that the project does not depend on golang.org/x/exp for a bench tool.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"golang.org/x/exp/trace"
)

func main() {
	procs := flag.Int("procs", 2, "processors the run had (GOMAXPROCS)")
	parts := flag.Int("parts", 20, "parts of the run to show the busy processors of")
	flag.BoolVar(&showSpells, "spells", false, "also show, for the goroutines that ran longest, how their waiting and runnable time splits by the length of each spell")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tracestat [-procs N] [-parts N] TRACE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *procs, *parts); err != nil {
		fmt.Fprintln(os.Stderr, "tracestat:", err)
		os.Exit(1)
	}
}

// showSpells: -spells.
var showSpells bool

// spellBounds are the upper bounds of the spell lengths -spells counts (the last: longer).
var spellBounds = [...]int64{50e3, 200e3, 1e6, 5e6}

// spells counts a goroutine's spells in one state by length: how many, and their time, per bound.
type spells struct {
	n  [len(spellBounds) + 1]int
	ns [len(spellBounds) + 1]int64
}

func (s *spells) add(d int64) {
	k := 0
	for k < len(spellBounds) && d >= spellBounds[k] {
		k++
	}
	s.n[k]++
	s.ns[k] += d
}

func (s *spells) String() string {
	out := ""
	for k := range s.n {
		lim := "longer"
		if k < len(spellBounds) {
			lim = fmt.Sprintf("<%dµs", spellBounds[k]/1e3)
		}
		out += fmt.Sprintf(" %s %d (%.3f s)", lim, s.n[k], float64(s.ns[k])/1e9)
	}
	return out
}

// span is a time a goroutine ran, in nanoseconds from the trace's first event.
type span struct{ from, to int64 }

func run(path string, procs, parts int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		return err
	}
	started := map[trace.GoID]trace.Time{}
	ran := map[trace.GoID]int64{}
	// state is each goroutine's state since the time since; runnable and waiting add up the time each
	// spent in those states (ran, from started, counts only runs whose start the trace shows).
	state := map[trace.GoID]trace.GoState{}
	since := map[trace.GoID]trace.Time{}
	runnable, waiting := map[trace.GoID]int64{}, map[trace.GoID]int64{}
	runnableSpells, waitingSpells := map[trace.GoID]*spells{}, map[trace.GoID]*spells{}
	spell := func(m map[trace.GoID]*spells, id trace.GoID, d int64) {
		if m[id] == nil {
			m[id] = new(spells)
		}
		m[id].add(d)
	}
	nRunning, nRunnable := 0, 0
	var idleRunnable int64 // processor time idle while a goroutine was runnable
	var lastT trace.Time
	var spans []span
	var first, last trace.Time
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if first == 0 {
			first = ev.Time()
		}
		last = ev.Time()
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id := st.Resource.Goroutine()
		from, to := st.Goroutine()
		if lastT != 0 && nRunnable > 0 && nRunning < procs {
			idleRunnable += int64(ev.Time()-lastT) * int64(min(procs-nRunning, nRunnable))
		}
		lastT = ev.Time()
		if t0, ok := since[id]; ok {
			switch state[id] {
			case trace.GoRunnable:
				runnable[id] += int64(ev.Time() - t0)
				spell(runnableSpells, id, int64(ev.Time()-t0))
			case trace.GoWaiting:
				waiting[id] += int64(ev.Time() - t0)
				spell(waitingSpells, id, int64(ev.Time()-t0))
			}
		}
		for _, x := range [2]struct {
			s trace.GoState
			d int
		}{{from, -1}, {to, +1}} {
			switch x.s {
			case trace.GoRunning:
				nRunning += x.d
			case trace.GoRunnable:
				nRunnable += x.d
			}
		}
		state[id], since[id] = to, ev.Time()
		if to == trace.GoRunning {
			started[id] = ev.Time()
		}
		if from == trace.GoRunning {
			if s, ok := started[id]; ok {
				ran[id] += int64(ev.Time() - s)
				spans = append(spans, span{int64(s - first), int64(ev.Time() - first)})
				delete(started, id)
			}
		}
	}
	wall := int64(last - first)
	if wall <= 0 {
		return fmt.Errorf("%s: no events", path)
	}
	var total int64
	for _, ns := range ran {
		total += ns
	}
	fmt.Printf("wall %.3f s, running %.3f s, idle %.1f %% of %d processors (%.1f %% with a goroutine runnable)\n",
		float64(wall)/1e9, float64(total)/1e9, 100*(1-float64(total)/float64(int64(procs)*wall)), procs,
		100*float64(idleRunnable)/float64(int64(procs)*wall))

	busy := make([]int64, parts)
	width := wall/int64(parts) + 1
	for _, s := range spans {
		for k := s.from / width; k <= s.to/width && k < int64(parts); k++ {
			if lo, hi := max(s.from, k*width), min(s.to, (k+1)*width); hi > lo {
				busy[k] += hi - lo
			}
		}
	}
	fmt.Print("busy processors, by part of the run:")
	for _, b := range busy {
		fmt.Printf(" %.2f", float64(b)/float64(width))
	}
	fmt.Println()

	ids := make([]trace.GoID, 0, len(ran))
	for id := range ran {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ran[ids[i]] > ran[ids[j]] })
	for _, id := range ids[:min(6, len(ids))] {
		fmt.Printf("  goroutine %d ran %.3f s, runnable %.3f s, waiting %.3f s\n", id, float64(ran[id])/1e9,
			float64(runnable[id])/1e9, float64(waiting[id])/1e9)
		if showSpells && ran[id] > wall/10 {
			if s := waitingSpells[id]; s != nil {
				fmt.Printf("    waiting spells:%s\n", s)
			}
			if s := runnableSpells[id]; s != nil {
				fmt.Printf("    runnable spells:%s\n", s)
			}
		}
	}
	return nil
}
