package engine

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// benchTrace is 82,582 frames of loopback TCP (small segments): the per-packet cost dominates.
const benchTrace = "../testdata/echo-connections.pcap.gz"

// loadFrames reads a trace into memory so that the benchmarks below measure decoding, not I/O.
func loadFrames(b testing.TB, path string) []capture.Frame {
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

// BenchmarkDecode measures decoding alone, per packet (one op = one packet): link, IP and TCP headers
// validated, layers pushed, no field read.
func BenchmarkDecode(b *testing.B) {
	frames := loadFrames(b, benchTrace)
	dec := dissect.NewDecoder()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dec.Decode(&frames[i%len(frames)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/pkt")
}

// BenchmarkTCPAnalysis measures TCPStreams.Observe alone, per packet: stream lookup, relative sequence
// numbers, Wireshark's sequence analysis, the conversation record and the diagnostics. Packets are decoded
// 512 at a time outside the timer; at the end of the trace the analysis starts again from scratch.
func BenchmarkTCPAnalysis(b *testing.B) {
	frames := loadFrames(b, benchTrace)
	const chunk = 512
	pkts := make([]dissect.Packet, chunk)
	var dec *dissect.Decoder
	var tcp *analysis.TCPStreams
	next := 0
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		n := min(chunk, b.N-done)
		for j := 0; j < n; j++ {
			if next == len(frames) || dec == nil {
				next, dec = 0, dissect.NewDecoder() // its first packet (Num 1) restarts the analysis below
			}
			dec.DecodeTo(&frames[next], &pkts[j])
			next++
		}
		b.StartTimer()
		for j := 0; j < n; j++ {
			if pkts[j].Num == 1 {
				b.StopTimer()
				tcp = analysis.NewTCPStreams()
				b.StartTimer()
			}
			tcp.Observe(&pkts[j])
		}
		done += n
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/pkt")
}

// BenchmarkPipeline measures Trace.Next over an uncompressed copy of the trace (one op = one packet):
// reading, decoding in the reading goroutine, batches handed over, analysis. With two cores the reading
// and decoding overlap the analysis.
func BenchmarkPipeline(b *testing.B) {
	frames := loadFrames(b, benchTrace)
	path := filepath.Join(b.TempDir(), "echo.pcap")
	writePcap(b, path, frames)
	b.ReportAllocs()
	b.ResetTimer()
	var t *Trace
	for i := 0; i < b.N; i++ {
		if t == nil {
			var err error
			if t, err = Open(path); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := t.Next(); err != nil {
			t.Close()
			t = nil
			i--
		}
	}
	if t != nil {
		t.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/pkt")
}

// writePcap writes frames (Ethernet, microseconds) as a pcap file.
func writePcap(b testing.TB, path string, frames []capture.Frame) {
	out := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
	le := func(v uint32) { out = append(out, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	for _, f := range frames {
		if f.LinkType != frames[0].LinkType {
			b.Fatal("mixed link types")
		}
		le(uint32(f.TimeNS / 1e9))
		le(uint32(f.TimeNS % 1e9 / 1e3))
		le(uint32(len(f.Data)))
		le(uint32(f.OrigLen))
		out = append(out, f.Data...)
	}
	out[20] = byte(frames[0].LinkType)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRun measures Trace.Run per packet with diagnose's options (HTTP operations, no tshark view),
// read in lanes and, for comparison, through the pipeline (lanes.go), over uncompressed copies of the
// echo trace (500 connections, no HTTP) and of the 4,000 frames of short HTTP connections in
// testdata/bench. One op is the whole trace; ns/pkt is per packet.
func BenchmarkRun(b *testing.B) {
	for _, trace := range []struct{ name, path string }{{"echo", benchTrace}, {"http", "../testdata/bench/small-4000.pcap"}} {
		frames := loadFrames(b, trace.path)
		path := filepath.Join(b.TempDir(), trace.name+".pcap")
		writePcap(b, path, frames)
		for _, lanes := range []bool{true, false} {
			name := trace.name + "/lanes"
			if !lanes {
				name = trace.name + "/pipeline"
			}
			b.Run(name, func(b *testing.B) {
				lanesOff = !lanes
				defer func() { lanesOff = false }()
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					tr, err := OpenWith(path, Options{NoHTTPOperations: true, NoHTTPFields: true, OnHTTP: func(*analysis.HTTPOperation) {}})
					if err != nil {
						b.Fatal(err)
					}
					if err := tr.Run(); err != io.EOF {
						b.Fatal(err)
					}
					if (tr.ln != nil) != lanes {
						b.Fatal("lanes used:", tr.ln != nil)
					}
					tr.Close()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(frames)), "ns/pkt")
			})
		}
	}
}
