package engine

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// digestFields are the fields compared frame by frame between the pipeline and a plain sequential loop:
// decoded values, the analyzers' verdicts and the diagnostics.
var digestFields = []string{
	"frame.number", "frame.time_relative", "frame.len", "frame.cap_len", "ip.src", "ip.dst", "ip.id", "ipv6.dst",
	"tcp.stream", "tcp.seq", "tcp.ack", "tcp.len", "tcp.analysis.flags", "tcp.analysis.bytes_in_flight",
	"tcp.analysis.acks_frame", "udp.stream", "udp.length", "dns.qry.name", "diag.message", "ip.reassembled.length",
	"http.request.method", "http.response.code", "http.request.uri", "http.content_length", "dns.response_in",
}

// digest is what one frame looks like to a command: its fields, a hash of its bytes and its layers.
func digest(t *testing.T, p *dissect.Packet, ids []field.ID) string {
	h := fnv.New64a()
	h.Write(p.Data)
	h.Write(p.Reassembled())
	b := h.Sum(nil)
	b = append(b, byte(p.N), byte(p.Bad.Proto))
	for _, id := range ids {
		b = p.AppendField(b, id, ',')
		b = append(b, '|')
	}
	return string(b)
}

func fieldIDs(t *testing.T) []field.ID {
	var ids []field.ID
	for _, n := range digestFields {
		if in := field.Lookup(n); in != nil {
			ids = append(ids, in.ID)
		}
	}
	if len(ids) < 10 {
		t.Fatalf("only %d of the digest fields are registered", len(ids))
	}
	return ids
}

// sequential reads a trace without the pipeline, one frame at a time: read, decode, and the trace's own
// analyze step (so that every analyzer the engine runs is compared).
func sequential(t *testing.T, path string, ids []field.ID) (out []string, truncated bool) {
	tr, err := open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var fr capture.Frame
	for {
		if err := tr.file.Next(&fr); err != nil {
			var te *capture.TruncatedError
			if err != io.EOF && !errors.As(err, &te) {
				t.Fatal(err)
			}
			return out, te != nil
		}
		p := tr.dec.Decode(&fr)
		tr.analyzeEarly(p, nil) // no prepared header: the tracker reads it itself
		tr.analyze(p, nil)
		out = append(out, digest(t, p, ids))
	}
}

// TestPipelineMatchesSequential checks that the pipeline hands out exactly the frames, in the same order
// and with the same analysis, as a sequential loop: on a plain pcap, a gzip-compressed one, a file cut in
// the middle of a record, one of large records (batches that reach their limit of read-ahead blocks held,
// bigRecords), and IP fragments (whose reassembled payload each packet must keep). A block of the file
// reused while a batch still held it would change the bytes of frames not yet handed out.
func TestPipelineMatchesSequential(t *testing.T) {
	ids := fieldIDs(t)
	dir := t.TempDir()
	whole, err := os.ReadFile("../testdata/wikipedia.pcap")
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.pcap")
	if err := os.WriteFile(cut, whole[:len(whole)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	files := []string{"../testdata/wikipedia.pcap", benchTrace, cut, bigRecords(t, dir)}
	for _, extra := range []string{"../../shared/captures/zeek/ipv4/fragmented-1.pcap", "../../shared/captures/zeek/ipv4/fragmented-3.pcap"} {
		if _, err := os.Stat(extra); err == nil {
			files = append(files, extra)
		}
	}
	for _, path := range files {
		want, wantCut := sequential(t, path, ids)
		tr, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			p, err := tr.Next()
			if err != nil {
				if err != io.EOF {
					t.Fatalf("%s: %v", path, err)
				}
				break
			}
			got = append(got, digest(t, p, ids))
		}
		if _, err := tr.Next(); err != io.EOF {
			t.Errorf("%s: Next after the end: %v, want io.EOF again", path, err)
		}
		if (tr.Truncated != nil) != wantCut {
			t.Errorf("%s: Truncated = %v, want truncated %v", path, tr.Truncated, wantCut)
		}
		tr.Close()
		if len(got) != len(want) || tr.Frames != len(want) {
			t.Fatalf("%s: %d frames (Frames %d), want %d", path, len(got), tr.Frames, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: frame %d differs:\n got %q\nwant %q", path, i+1, got[i], want[i])
			}
		}
		if len(want) == 0 {
			t.Errorf("%s: no frames", path)
		}
	}
}

// TestPipelineCloseEarly stops reading in the middle of a large trace: Close must stop the pipeline's
// goroutines (reading ahead, decoding, tracking; the test would hang or race otherwise, and counts
// them), and a new trace must start from the first frame.
func TestPipelineCloseEarly(t *testing.T) {
	before := runtime.NumGoroutine()
	defer func() {
		// A goroutine that has signalled it is done may take a moment to exit: wait up to a second.
		n := runtime.NumGoroutine()
		for wait := 0; n > before && wait < 100; wait++ {
			time.Sleep(10 * time.Millisecond)
			n = runtime.NumGoroutine()
		}
		if n > before {
			t.Errorf("%d goroutines after closing the traces, %d before", n, before)
		}
	}()
	for i := 0; i < 3; i++ {
		tr, err := Open(benchTrace)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < 1000*i+1; n++ {
			p, err := tr.Next()
			if err != nil {
				t.Fatal(err)
			}
			if p.Num != n+1 {
				t.Fatalf("frame %d numbered %d", n+1, p.Num)
			}
		}
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKeepCarriesOver fills a batch's arena: a frame that does not fit goes into the next batch, and a
// frame larger than the arena gets an arena of its own.
func TestKeepCarriesOver(t *testing.T) {
	b := &batch{}
	big := make([]byte, batchBytes-10)
	big[0] = 1
	fr := capture.Frame{Data: big}
	if !b.keep(&fr, b.n > 0) || &fr.Data[0] == &big[0] || fr.Data[0] != 1 {
		t.Fatal("first frame not copied into the arena")
	}
	b.n = 1
	fr2 := capture.Frame{Data: make([]byte, 100)}
	if b.keep(&fr2, b.n > 0) {
		t.Fatal("a frame that does not fit was accepted")
	}
	b.n, b.arena = 0, b.arena[:0]
	huge := capture.Frame{Data: make([]byte, 2*batchBytes), Comment: []byte("c")}
	if !b.keep(&huge, b.n > 0) || len(huge.Data) != 2*batchBytes || string(huge.Comment) != "c" {
		t.Fatal("a frame larger than the arena was not kept whole")
	}
}

// bigRecords writes a pcap of some 12 MB of UDP frames of 60 bytes to 200 KB, so that batches span
// several read-ahead blocks.
func bigRecords(t *testing.T, dir string) string {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = binary.LittleEndian.AppendUint32(b, 262144)
	b = binary.LittleEndian.AppendUint32(b, 1)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; len(b) < 12<<20; i++ {
		n := 60 + rng.IntN(1400)
		if i%5 == 0 {
			n = 60 + rng.IntN(200000)
		}
		frame := make([]byte, n)
		copy(frame, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00})
		ip := frame[14:]
		ip[0], ip[9] = 0x45, 17
		binary.BigEndian.PutUint16(ip[2:], uint16(min(n-14, 65535)))
		binary.BigEndian.PutUint16(ip[4:], uint16(i))
		copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
		binary.BigEndian.PutUint16(ip[20:], 5000)
		binary.BigEndian.PutUint16(ip[22:], 6000)
		binary.BigEndian.PutUint16(ip[24:], uint16(min(n-34, 65535)))
		for j := 42; j < n; j++ {
			frame[j] = byte(i * j)
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(i))
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
		b = append(b, frame...)
	}
	path := filepath.Join(dir, "big.pcap")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSpinnerAdapts checks how long the caller spins before it blocks for a batch: a wait that outlasts
// the budget halves it (down to spinMin), one that ends within it doubles it (up to spinMax), and a
// spinner turned off (a budget of 0) does not wait at all.
func TestSpinnerAdapts(t *testing.T) {
	ch := make(chan *batch, 1)
	s := spinner{budget: 4 * spinMin}
	start := time.Now()
	s.wait(ch)
	if d := time.Since(start); d < 4*spinMin {
		t.Errorf("an empty channel: wait returned after %v, before the budget of %v", d, 4*spinMin)
	}
	if s.budget != 2*spinMin {
		t.Errorf("after a wait that outlasted it, budget %v, want %v", s.budget, 2*spinMin)
	}
	s.budget = spinMin
	s.wait(ch)
	if s.budget != spinMin {
		t.Errorf("budget %v fell below spinMin %v", s.budget, spinMin)
	}

	s.budget = 10 * time.Second // the batch comes long before
	go func() {
		time.Sleep(time.Millisecond)
		ch <- new(batch)
	}()
	s.wait(ch)
	if len(ch) != 1 {
		t.Fatal("wait returned before the batch came")
	}
	if s.budget != spinMax {
		t.Errorf("after a wait that ended within it, budget %v, want spinMax %v", s.budget, spinMax)
	}
	// Doubled: the batch may come before the wait starts (no wait) or after the budget (halved) on a busy
	// machine, so a few tries.
	doubled := false
	for range 100 {
		<-ch
		s.budget = spinMax / 4
		go func() {
			for range 10 {
				runtime.Gosched()
			}
			ch <- new(batch)
		}()
		s.wait(ch)
		for len(ch) == 0 {
			runtime.Gosched()
		}
		if s.budget == spinMax/2 {
			doubled = true
			break
		}
	}
	if !doubled {
		t.Errorf("a wait that ended within the budget never doubled it")
	}
	s.budget = spinMax / 4
	s.wait(ch) // a batch is there already: no wait, budget unchanged
	if s.budget != spinMax/4 {
		t.Errorf("no wait, yet budget %v, want %v", s.budget, spinMax/4)
	}
	<-ch
	s.wait(ch) // now empty again
	if s.budget != spinMax/8 {
		t.Errorf("after a wait that outlasted it, budget %v, want %v", s.budget, spinMax/8)
	}

	off := spinner{}
	start = time.Now()
	off.wait(ch)
	if d := time.Since(start); d > spinMin || off.budget != 0 {
		t.Errorf("a spinner turned off waited %v, budget %v", d, off.budget)
	}
}

// TestNoSpinWithReadAhead checks that the caller stops spinning when the file is read ahead in a goroutine
// of its own (a compressed capture): a processor it kept would be one the reader waits for.
func TestNoSpinWithReadAhead(t *testing.T) {
	for _, c := range []struct {
		path string
		spin bool
	}{
		{"../testdata/echo-connections.pcap.gz", false},
		{"../testdata/bench/small-4000.pcap", true},
	} {
		tr, err := Open(c.path)
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := tr.Next(); err != nil {
				break
			}
		}
		if got := tr.pl.ahead.Load(); got == c.spin {
			t.Errorf("%s: pipeline.ahead %v", c.path, got)
		}
		if c.spin != (tr.spin.budget != 0) {
			t.Errorf("%s: the caller's spin budget %v", c.path, tr.spin.budget)
		}
		tr.Close()
	}
}
