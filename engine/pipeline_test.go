package engine

import (
	"errors"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"testing"

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
		tr.analyzeEarly(p)
		tr.analyze(p)
		out = append(out, digest(t, p, ids))
	}
}

// TestPipelineMatchesSequential checks that the two-goroutine pipeline hands out exactly the frames, in
// the same order and with the same analysis, as a sequential loop: on a plain pcap, a gzip-compressed
// one (whose bytes the batches must copy), a file cut in the middle of a record, and IP fragments (whose
// reassembled payload each packet must keep).
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
	files := []string{"../testdata/wikipedia.pcap", benchTrace, cut}
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

// TestPipelineCloseEarly stops reading in the middle of a large trace: Close must stop the reading
// goroutine (the test would hang or race otherwise), and a new trace must start from the first frame.
func TestPipelineCloseEarly(t *testing.T) {
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
	if !b.keep(&fr) || &fr.Data[0] == &big[0] || fr.Data[0] != 1 {
		t.Fatal("first frame not copied into the arena")
	}
	b.n = 1
	fr2 := capture.Frame{Data: make([]byte, 100)}
	if b.keep(&fr2) {
		t.Fatal("a frame that does not fit was accepted")
	}
	b.n, b.arena = 0, b.arena[:0]
	huge := capture.Frame{Data: make([]byte, 2*batchBytes), Comment: []byte("c")}
	if !b.keep(&huge) || len(huge.Data) != 2*batchBytes || string(huge.Comment) != "c" {
		t.Fatal("a frame larger than the arena was not kept whole")
	}
}
