package engine

import (
	"reflect"
	"runtime"
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
