package analysis

import (
	"io"
	"reflect"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/internal/corpus"
)

const echoTrace = "../testdata/echo-connections.pcap.gz"

// runTrace runs TCPStreams with the given eviction delay (0: never) over a trace and returns it with the
// per-frame conversation data of every TCP header.
func runTrace(t testing.TB, path string, idle int64) (*TCPStreams, []dissect.TCPConv) {
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, ts := dissect.NewDecoder(), NewTCPStreams()
	ts.idle, ts.idleSettled = idle, min(idle, closedIdleSettled)
	var per []dissect.TCPConv
	var fr capture.Frame
	for {
		if err := f.Next(&fr); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			return ts, per
		}
		p := dec.Decode(&fr)
		ts.Observe(p)
		for i := 0; i < p.N; i++ {
			if l := &p.Layers[i]; l.Proto == dissect.ProtoTCP && p.TCP[l.Aux].Valid {
				per = append(per, p.TCP[l.Aux])
			}
		}
	}
}

// liveConvs returns the live conversations of a trace read without eviction: all of them, by stream.
func liveConvs(t testing.TB, ts *TCPStreams) []*tcpConv {
	t.Helper()
	var out []*tcpConv
	for s := range ts.all.len() {
		c := ts.all.conv(uint32(s))
		if c == nil {
			t.Fatalf("stream %d was evicted", s)
		}
		out = append(out, c)
	}
	return out
}

// TestStoreRoundTrip encodes every conversation of a trace into the store and decodes it again: the
// record, the sequence bases, the window scales and the initial RTT come back unchanged.
func TestStoreRoundTrip(t *testing.T) {
	ts, _ := runTrace(t, echoTrace, 0)
	all := liveConvs(t, ts)
	if len(all) < 100 {
		t.Fatalf("only %d conversations", len(all))
	}
	var d doneStore
	for i, c := range append(append(all[:len(all):len(all)], all...), all...) { // three times: several chunks
		if i >= len(all) {
			c.rec.c.SYNFrames = nil
		}
		// an IPv6 key and the optional fields, on some of them
		if c.stream%7 == 3 {
			c.rec.key.a[15], c.rec.key.a[3] = 1, 0xfe
			c.rec.c.Refused = !c.rec.c.Refused
			c.rec.c.SYNFrames = append(c.rec.c.SYNFrames, 1<<31, 7)
			c.irttSet, c.irtt = true, -12345
		}
		off, ok := d.add(c)
		if !ok {
			t.Fatal("store full")
		}
		var back tcpConv
		d.get(off, &back)
		if !reflect.DeepEqual(back.rec, c.rec) {
			t.Fatalf("stream %d: record\n got %+v\nwant %+v", c.stream, back.rec, c.rec)
		}
		for side := range c.dirs {
			g, w := back.dirs[side], c.dirs[side]
			if g.base != w.base || g.baseSet != w.baseSet || g.winScale != w.winScale {
				t.Fatalf("stream %d side %d: base/scale %v %v %v, want %v %v %v", c.stream, side, g.base, g.baseSet, g.winScale, w.base, w.baseSet, w.winScale)
			}
		}
		if back.irttSet != c.irttSet || back.irtt != c.irtt {
			t.Fatalf("stream %d: irtt %v %v, want %v %v", c.stream, back.irttSet, back.irtt, c.irttSet, c.irtt)
		}
	}
	if len(d.chunks) < 2 {
		t.Errorf("%d conversations fit in %d chunk: the chunk boundary is not exercised", len(all), len(d.chunks))
	}
}

// TestStoreSpills keeps one chunk of records in memory and writes the others to the file: every record
// reads back as it was stored, from memory and from the file, and the file goes at close.
func TestStoreSpills(t *testing.T) {
	ts, _ := runTrace(t, echoTrace, 0)
	mem := doneStore{memChunks: 1}
	var all doneStore
	var offs []uint32
	for range 4 { // enough records for several chunks
		for _, c := range liveConvs(t, ts) {
			off, ok := mem.add(c)
			if _, ok2 := all.add(c); !ok || !ok2 {
				t.Fatal("store full")
			}
			offs = append(offs, off)
		}
	}
	if mem.spilled < 2 || mem.file.f == nil {
		t.Fatalf("%d chunks written out of %d", mem.spilled, len(mem.chunks))
	}
	held := 0
	for _, ch := range mem.chunks {
		if ch != nil {
			held++
		}
	}
	if held > 1 {
		t.Errorf("%d chunks held in memory, want 1", held)
	}
	for _, off := range offs {
		var got, want tcpConv
		mem.get(off, &got)
		all.get(off, &want)
		if !reflect.DeepEqual(got.rec, want.rec) || got.dirs[0].base != want.dirs[0].base || got.irtt != want.irtt {
			t.Fatalf("record at %#x (chunk %d, spilled %d): got %+v, want %+v", off, off>>16, mem.spilled, got.rec, want.rec)
		}
	}
	f := mem.file.f
	mem.close()
	if _, err := f.Stat(); err == nil {
		t.Error("the file is still open after close")
	}
}

// TestEvictionKeepsResults reads a trace of many short connections keeping everything, then evicting
// closed conversations as soon as possible (1 ms after their last segment): the streams, relative
// sequence numbers, TCP analysis, conversation table and late diagnostics are the same, and the
// conversations held whole at the end are few.
func TestEvictionKeepsResults(t *testing.T) {
	keep, perKeep := runTrace(t, echoTrace, 0)
	ev, perEv := runTrace(t, echoTrace, 1e6)
	live, evicted, revived := ev.Live()
	t.Logf("%d conversations: %d held whole at the end, %d evicted, %d brought back", keep.all.len(), live, evicted, revived)
	if evicted < keep.all.len()/2 || live > keep.all.len()/4 {
		t.Errorf("eviction did not happen: %d live, %d evicted of %d", live, evicted, keep.all.len())
	}
	if len(perKeep) != len(perEv) {
		t.Fatalf("%d TCP headers, want %d", len(perEv), len(perKeep))
	}
	for i := range perKeep {
		if perKeep[i] != perEv[i] {
			t.Fatalf("TCP header %d: %+v, want %+v", i, perEv[i], perKeep[i])
		}
	}
	if g, w := ev.Conversations(), keep.Conversations(); !reflect.DeepEqual(g, w) {
		t.Errorf("conversations differ")
		for i := range w {
			if i < len(g) && !reflect.DeepEqual(g[i], w[i]) {
				t.Fatalf("first difference, stream %d:\n got %+v\nwant %+v", i, g[i], w[i])
			}
		}
	}
	if g, w := ev.Late(), keep.Late(); !reflect.DeepEqual(g, w) {
		t.Errorf("late diagnostics: %v, want %v", g, w)
	}
}

// TestStoreCacheKeepsRecentChunks reads records back from more spilled chunks than the cache holds, in a
// scattered order: each reads back as stored, and a chunk used between reads of other chunks stays in
// the cache (the least recently used one is replaced), so that records read back roughly in the order
// they were written cost one read of each chunk.
func TestStoreCacheKeepsRecentChunks(t *testing.T) {
	ts, _ := runTrace(t, echoTrace, 0)
	mem := doneStore{memChunks: 1}
	var all doneStore
	firsts := map[uint32]uint32{} // chunk -> first record's offset
	for len(mem.chunks) < doneCache+4 {
		for _, c := range liveConvs(t, ts) {
			off, ok := mem.add(c)
			if _, ok2 := all.add(c); !ok || !ok2 {
				t.Fatal("store full")
			}
			if _, seen := firsts[off>>16]; !seen {
				firsts[off>>16] = off
			}
		}
	}
	defer mem.close()
	check := func(off uint32) {
		t.Helper()
		var got, want tcpConv
		mem.get(off, &got)
		all.get(off, &want)
		if !reflect.DeepEqual(got.rec, want.rec) {
			t.Fatalf("record at %#x: got %+v, want %+v", off, got.rec, want.rec)
		}
	}
	// Chunk 0, then each other spilled chunk with chunk 0 between: chunk 0 is read once.
	spilled := uint32(mem.spilled)
	for ch := uint32(1); ch < spilled; ch++ {
		check(firsts[0])
		check(firsts[ch])
	}
	if want := int(spilled); mem.cache.reads != want {
		t.Errorf("%d chunks read back for %d spilled ones read in turn with the first: want %d", mem.cache.reads, spilled, want)
	}
	// Every record, from the last chunk to the first: all read back as stored.
	for ch := int(spilled) - 1; ch >= 0; ch-- {
		check(firsts[uint32(ch)])
	}
}

// BenchmarkStoreRecord encodes a conversation's record into the store and decodes it back, as a trace of
// short connections does for each connection (retire, then the conversation table or diagnose at the end).
func BenchmarkStoreRecord(b *testing.B) {
	ts, _ := runTrace(b, echoTrace, 0)
	all := liveConvs(b, ts)
	var back tcpConv
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var d doneStore
		for _, c := range all {
			off, ok := d.add(c)
			if !ok {
				b.Fatal("store full")
			}
			d.get(off, &back)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(all)), "ns/record")
}

// TestSettledEvictionIsExact reads every capture of testdata and the shared corpus twice: with a tracker
// that evicts nothing, and with one that evicts the conversation of each frame right after it whenever it
// is settled (tcpConv.settled: nothing left unacknowledged), closed or not, so that nearly every segment
// brings its conversation back from the record. The per-frame conversation data of every TCP header
// (stream, bases, window scale, the sequence analysis's flags and figures), the conversations and the late
// diagnostics must be those of the tracker that evicts nothing.
func TestSettledEvictionIsExact(t *testing.T) {
	files := corpus.Files(t, "../testdata", "../../shared/captures")
	evicted, revived, opened := 0, 0, 0
	for _, f := range files {
		keep, perKeep, err := runEvicting(f, false)
		if err != nil {
			continue // not a capture
		}
		opened++
		ev, perEv, _ := runEvicting(f, true)
		if len(perKeep) != len(perEv) {
			t.Fatalf("%s: %d TCP headers, want %d", f, len(perEv), len(perKeep))
		}
		for i := range perKeep {
			if perKeep[i] != perEv[i] {
				t.Fatalf("%s: TCP header %d: %+v\nwant %+v", f, i, perEv[i], perKeep[i])
			}
		}
		if g, w := ev.Conversations(), keep.Conversations(); !reflect.DeepEqual(g, w) {
			for i := range w {
				if i >= len(g) || !reflect.DeepEqual(g[i], w[i]) {
					t.Fatalf("%s: conversations differ first at %d", f, i)
				}
			}
			t.Fatalf("%s: %d conversations, want %d", f, len(g), len(w))
		}
		if g, w := ev.Late(), keep.Late(); !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: late diagnostics %v, want %v", f, g, w)
		}
		_, e, r := ev.Live()
		evicted += e
		revived += r
	}
	t.Logf("%d captures: %d conversations evicted, %d brought back", opened, evicted, revived)
	if evicted < 1000 || revived < 100 {
		t.Errorf("%d evicted, %d brought back: too few for the comparison to say anything", evicted, revived)
	}
}

// runEvicting reads a capture through a tracker that evicts nothing or, with evict, one that evicts the
// conversation of each frame right after it when it is settled. It returns the tracker and the per-frame
// conversation data of every TCP header.
func runEvicting(path string, evict bool) (*TCPStreams, []dissect.TCPConv, error) {
	f, err := capture.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	dec, ts := dissect.NewDecoder(), NewTCPStreams()
	ts.idle, ts.idleSettled = 0, 0
	if evict {
		ts.idle, ts.idleSettled = 1<<62, 1<<62 // revive and retire work; sweeps evict nothing
	}
	var per []dissect.TCPConv
	var fr capture.Frame
	for {
		if err := f.Next(&fr); err != nil {
			return ts, per, nil // the end, or a cut: both trackers stop at the same frame
		}
		p := dec.Decode(&fr)
		ts.Observe(p)
		if c := ts.lastConv; evict && c != nil && c.settled() && ts.all.conv(c.stream) == c {
			ts.evict(c)
		}
		for i := 0; i < p.N; i++ {
			if l := &p.Layers[i]; l.Proto == dissect.ProtoTCP && p.TCP[l.Aux].Valid {
				per = append(per, p.TCP[l.Aux])
			}
		}
	}
}

// TestEvictionsComeAFewAtATime checks that the sweeps spread the evictions over the trace (sweepEvery):
// on the echo capture (500 connections in 6.5 s) no frame evicts more than a tenth of the conversations
// evicted. Swept once a second, one frame evicted 309 of 417; at 1/32 s, 23 of 423 at most.
func TestEvictionsComeAFewAtATime(t *testing.T) {
	f, err := capture.Open(echoTrace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, ts := dissect.NewDecoder(), NewTCPStreams()
	var fr capture.Frame
	most := 0
	for {
		if err := f.Next(&fr); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		before := ts.evicted
		ts.Observe(dec.Decode(&fr))
		most = max(most, ts.evicted-before)
	}
	if ts.evicted < ts.Count()/2 {
		t.Fatalf("only %d of %d conversations evicted: the capture no longer tests the sweeps", ts.evicted, ts.Count())
	}
	if most > ts.evicted/10 {
		t.Errorf("one frame evicted %d of the %d conversations evicted: the evictions come in bursts", most, ts.evicted)
	}
}
