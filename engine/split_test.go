package engine

import (
	"fmt"
	"io"
	"testing"

	"github.com/wirelens/wirelens/field"
)

// listResult is what list reads from each frame that split tracking could change: the TCP conversation
// data of every TCP header (stream, relative bases, window scale, the analysis), the HTTP fields that
// pair messages across frames, the summary and the diagnostics; then how the trace ended.
type listResult struct {
	frames []string
	end    string
	// split: the trace was read with split tracking to the end; fellBack: it was read again through one
	// tracker after a frame that could not be split.
	split, fellBack bool
	// The TCP conversations left live at the end, evicted, and brought back (summed over the trackers):
	// split tracking must evict what one tracker does.
	live, evicted, revived int
}

var splitFields = []string{"http.request_in", "http.response_in", "http.time", "http.response.code", "http.request.method", "tcp.stream", "tcp.analysis.flags"}

func runList(t *testing.T, path string, split bool) listResult {
	t.Helper()
	splitOff = !split
	defer func() { splitOff = false }()
	tr, err := OpenWith(path, Options{NoHTTPOperations: true, NoConversations: true})
	if err != nil {
		return listResult{end: err.Error()}
	}
	defer tr.Close()
	var r listResult
	var buf []byte
	for {
		p, err := tr.Next()
		if err != nil {
			r.end = err.Error()
			if err == io.EOF && tr.Truncated != nil {
				r.end += " " + tr.Truncated.Error()
			}
			break
		}
		buf = fmt.Appendf(buf[:0], "%d %v", p.Num, p.TCP[:p.NumTCP()])
		for _, name := range splitFields {
			buf = append(buf, ' ')
			buf = p.AppendField(buf, field.Lookup(name).ID, ',')
		}
		buf = append(buf, ' ')
		buf = p.AppendSummary(buf)
		buf = fmt.Appendf(buf, " %v", p.Diags())
		r.frames = append(r.frames, string(buf))
	}
	r.split, r.fellBack = tr.split != nil, tr.noSplit
	r.live, r.evicted, r.revived = tr.tcp.Live()
	if tr.split != nil {
		l, e, v := tr.split.late.Live()
		r.live, r.evicted, r.revived = r.live+l, r.evicted+e, r.revived+v
	}
	return r
}

// TestSplitMatchesOneTracker reads every capture as list does, with TCP tracking split between the
// pipeline's goroutines and with one tracker: every frame's TCP conversation data (with the trace's
// stream numbers), HTTP pairing, summary and diagnostics are the same. Most captures must be split, or
// the comparison says nothing.
func TestSplitMatchesOneTracker(t *testing.T) {
	split, fellBack, files, evicting := 0, 0, 0, 0
	for _, f := range corpusFiles(t) {
		files++
		want := runList(t, f, false)
		got := runList(t, f, true)
		if want.split {
			t.Fatalf("%s: split with splitOff set", f)
		}
		if got.split {
			split++
			if got.evicted > 0 {
				evicting++
			}
		}
		if got.fellBack {
			fellBack++
		}
		if got.end != want.end {
			t.Errorf("%s: split tracking ends with %q, one tracker with %q", f, got.end, want.end)
		}
		if got.live != want.live || got.evicted != want.evicted || got.revived != want.revived {
			t.Errorf("%s: live/evicted/revived %d/%d/%d, one tracker %d/%d/%d", f, got.live, got.evicted, got.revived, want.live, want.evicted, want.revived)
		}
		firstDiff(t, f+": frame", got.frames, want.frames)
	}
	t.Logf("%d captures, %d split to the end (%d of them evict conversations), %d fell back to one tracker", files, split, evicting, fellBack)
	if split < files/3 {
		t.Errorf("only %d of %d captures were split", split, files)
	}
}

// TestSplitFallBack: a trace whose frame has TCP headers of both trackers (forced here: splitMixedAt) is
// read again through one tracker from that frame on, passing over the frames handed out, with the same
// result.
func TestSplitFallBack(t *testing.T) {
	const f = "../testdata/bench/small-4000.pcap"
	want := runList(t, f, false)
	for _, at := range []int{1, 2, 129, 300, 3999} {
		splitMixedAt = at
		got := runList(t, f, true)
		splitMixedAt = 0
		if !got.fellBack || got.split {
			t.Errorf("mixed frame %d: fell back %v, split %v", at, got.fellBack, got.split)
		}
		if got.end != want.end {
			t.Errorf("mixed frame %d: ends with %q, want %q", at, got.end, want.end)
		}
		firstDiff(t, fmt.Sprintf("mixed frame %d: frame", at), got.frames, want.frames)
	}
	if got := runList(t, f, true); !got.split || got.fellBack {
		t.Errorf("without a mixed frame: split %v, fell back %v", got.split, got.fellBack)
	}
}

// TestSplitOf: both directions of a connection go to one tracker, and a client's connections to one
// server port go to both, about in the share splitShare says.
func TestSplitOf(t *testing.T) {
	seen := [2]int{}
	for a := uint16(1000); a < 1400; a++ {
		k := splitOf(a, 80)
		if splitOf(80, a) != k {
			t.Fatalf("ports %d and 80: tracker %d one way, %d the other", a, k, splitOf(80, a))
		}
		seen[k]++
	}
	// The caller's tracker takes splitShare of 256 port pairs: at least half of that share of them.
	if want := 400 * splitShare / 256 / 2; seen[1] < want || seen[0] < want {
		t.Errorf("400 client ports to port 80 split %v between the trackers, want at least %d in each", seen, want)
	}
}
