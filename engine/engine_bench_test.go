package engine

import (
	"io"
	"testing"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// benchTrace is 82,582 frames of loopback TCP (small segments): the per-packet cost dominates.
const benchTrace = "../testdata/echo-connections.pcap.gz"

// loadFrames reads a trace into memory so that the benchmarks below measure decoding, not I/O.
func loadFrames(b *testing.B, path string) []capture.Frame {
	f, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out []capture.Frame
	for {
		var fr capture.Frame
		if err := f.Next(&fr); err != nil {
			if err != io.EOF {
				b.Fatal(err)
			}
			return out
		}
		fr.Data = append([]byte(nil), fr.Data...)
		out = append(out, fr)
	}
}

// BenchmarkDecodeAnalyze measures decoding plus TCP stream tracking per packet (one op = one packet).
func BenchmarkDecodeAnalyze(b *testing.B) {
	frames := loadFrames(b, benchTrace)
	t := &Trace{dec: dissect.NewDecoder()}
	t.tcp = analysis.NewTCPStreams()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := t.dec.Decode(&frames[i%len(frames)])
		t.tcp.Observe(p)
	}
}

// BenchmarkDecodeFields adds what "list --fields" and a filter do: extracting fields from the packet.
func BenchmarkDecodeFields(b *testing.B) {
	frames := loadFrames(b, benchTrace)
	t := &Trace{dec: dissect.NewDecoder()}
	t.tcp = analysis.NewTCPStreams()
	names := []string{"ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.seq", "tcp.ack", "tcp.len", "tcp.flags", "tcp.window_size"}
	var ids []field.ID
	for _, n := range names {
		ids = append(ids, field.Lookup(n).ID)
	}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := t.dec.Decode(&frames[i%len(frames)])
		t.tcp.Observe(p)
		buf = buf[:0]
		for _, id := range ids {
			buf = p.AppendField(buf, id, ',')
		}
	}
}

// BenchmarkReadDecode measures the whole hot path from the file: gunzip, read, decode and analyze.
// One op is the whole file; allocs/pkt shows that nothing is allocated per packet (the few allocations
// per op are opening the file and the reader's buffers).
func BenchmarkReadDecode(b *testing.B) {
	b.ReportAllocs()
	packets := 0
	for i := 0; i < b.N; i++ {
		t, err := Open(benchTrace)
		if err != nil {
			b.Fatal(err)
		}
		packets = 0
		for {
			_, err := t.Next()
			if err != nil {
				break
			}
			packets++
		}
		t.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*packets), "ns/pkt")
}
