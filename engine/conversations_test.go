package engine

import (
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/wirelens/wirelens/analysis"
)

// readAll reads a trace to its end through the pipeline (not in lanes: the tests below look at its
// trackers).
func readAll(t *testing.T, path string) *Trace {
	t.Helper()
	lanesOff = true
	defer func() { lanesOff = false }()
	tr, err := OpenWith(path, Options{NoHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := tr.Next(); err != nil {
			break
		}
	}
	return tr
}

// TestEachConversationOrder: EachConversation, whose two goroutines take every other batch of streams,
// yields the same conversations in the same order as the trackers' own iterators (TCP by stream, then
// UDP), on a trace of 500 TCP connections (two batches, one per goroutine) and one with UDP too.
func TestEachConversationOrder(t *testing.T) {
	for _, path := range []string{benchTrace, "../testdata/wikipedia.pcap"} {
		tr := readAll(t, path)
		var want, got []analysis.Conversation
		for c := range tr.tcp.Each() {
			want = append(want, c)
		}
		for c := range tr.udp.Each() {
			want = append(want, c)
		}
		for c := range tr.EachConversation() {
			got = append(got, c)
		}
		tr.Close()
		if len(want) == 0 {
			t.Fatalf("%s: no conversations", path)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d conversations from EachConversation, %d from the trackers, or in another order", path, len(got), len(want))
		}
	}
}

// TestEachConversationStopEarly: a caller that stops after a few conversations leaves no goroutine behind.
func TestEachConversationStopEarly(t *testing.T) {
	tr := readAll(t, benchTrace)
	defer tr.Close()
	before := runtime.NumGoroutine()
	for _, stopAt := range []int{1, 300, 10000} {
		n := 0
		for range tr.EachConversation() {
			if n++; n == stopAt {
				break
			}
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after stopping early, %d before", n, before)
	}
}

// runQuiet runs a trace with Options.SkipQuietTCP, in lanes or through the pipeline, and returns the
// conversations EachConversation yields and the number it passed over as quiet.
func runQuiet(t *testing.T, path string, lanes bool) (convs []analysis.Conversation, quiet int, ran bool) {
	t.Helper()
	lanesOff = !lanes
	defer func() { lanesOff = false }()
	tr, err := OpenWith(path, Options{NoHTTP: true, NoHTTPOperations: true, SkipQuietTCP: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	tr.Run()
	ran = tr.ln != nil
	for c := range tr.EachConversation() {
		convs = append(convs, c)
	}
	return convs, tr.QuietTCP(), ran
}

// TestSkipQuietTCP: with Options.SkipQuietTCP, EachConversation passes over only quiet TCP conversations
// (analysis.Conversation.Quiet) and counts them; every other one comes as it would without the option,
// with its stream number, in the same order; and diagnose's report is the same either way. In lanes and
// through the pipeline, on every capture whose tracker evicts conversations (the only ones it can pass
// over).
func TestSkipQuietTCP(t *testing.T) {
	files, skipped, inLanes := 0, 0, 0
	for _, f := range corpusFiles(t) {
		full := runTrace(t, f, Options{NoHTTP: true, NoHTTPOperations: true}, false)
		if full.evicted == 0 || full.err != "" && full.frames == 0 {
			continue
		}
		files++
		wantReport := diagnoseQuiet(full.convs, 0)
		for _, lanes := range []bool{false, true} {
			got, quiet, ran := runQuiet(t, f, lanes)
			if ran {
				inLanes++
			}
			i, missing := 0, 0
			for _, c := range full.convs {
				if i < len(got) && reflect.DeepEqual(got[i], c) {
					i++
					continue
				}
				if c.Proto != "tcp" || !c.Quiet() {
					t.Fatalf("%s (lanes %v): %s stream %d is missing and not quiet", f, lanes, c.Proto, c.Stream)
				}
				missing++
			}
			if i != len(got) {
				t.Fatalf("%s (lanes %v): conversation %d (stream %d) is not one of the trace's, or out of order", f, lanes, i, got[i].Stream)
			}
			if missing != quiet {
				t.Errorf("%s (lanes %v): %d quiet conversations passed over, QuietTCP says %d", f, lanes, missing, quiet)
			}
			skipped += quiet
			if r := diagnoseQuiet(got, quiet); !reflect.DeepEqual(r, wantReport) {
				t.Errorf("%s (lanes %v): diagnose's report differs:\n%+v\nwant\n%+v", f, lanes, r, wantReport)
			}
		}
	}
	t.Logf("%d captures evict conversations, %d of them ran in lanes; %d quiet ones passed over", files, inLanes, skipped)
	if skipped == 0 || inLanes == 0 {
		t.Error("no quiet conversation was passed over, or none in lanes: the test says nothing")
	}
}

// diagnoseQuiet is analysis.DiagnoseEach over convs, quiet of the trace's TCP conversations having been passed
// over.
func diagnoseQuiet(convs []analysis.Conversation, quiet int) analysis.Diagnosis {
	return analysis.DiagnoseEach(slices.Values(convs), analysis.TraceFacts{QuietTCP: func() int { return quiet }})
}
