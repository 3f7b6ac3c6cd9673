package filter_test

import (
	"io"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/filter"
)

const (
	echoTrace = "../testdata/echo-connections.pcap.gz" // 82,582 frames of loopback TCP
	wikiTrace = "../testdata/wikipedia.pcap"           // 136 frames: HTTP, DNS, ARP, IPv6
)

// readFrames reads up to max frames of a capture into memory.
func readFrames(tb testing.TB, path string, max int) []capture.Frame {
	f, err := capture.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []capture.Frame
	for len(out) < max {
		var fr capture.Frame
		if err := f.Next(&fr); err != nil {
			if err != io.EOF {
				tb.Fatal(err)
			}
			break
		}
		fr.Data = append([]byte(nil), fr.Data...)
		out = append(out, fr)
	}
	return out
}

// decodedPackets decodes up to max frames of a capture, each by its own decoder so that every packet stays
// valid (a decoder reuses its one Packet).
func decodedPackets(tb testing.TB, path string, max int) []*dissect.Packet {
	frames := readFrames(tb, path, max)
	pkts := make([]*dissect.Packet, len(frames))
	for i := range frames {
		pkts[i] = dissect.NewDecoder().Decode(&frames[i])
	}
	return pkts
}

var benchFilters = []string{
	"tcp.port == 80 or tcp.port == 443",
	"tcp",
	"ip.addr == 10.0.0.0/8 && !tcp.analysis.flags",
	"tcp.flags.syn == 1 and tcp.flags.ack == 0",
	"tcp.port in {80, 443, 8000..8080}",
	"ip.src == ip.dst",
	"eth.dst[0:3] == 01:00:5e",
	`dns.qry.name contains "wiki"`,
	`lower(dns.qry.name) contains "wiki"`,
	`dns.qry.name matches "wiki"`,
}

// BenchmarkMatch measures Program.Match alone on decoded packets (one op = one packet). It keeps 512
// packets decoded at once (each with its own decoder), so that the measure is of the filter, not of cache
// misses.
func BenchmarkMatch(b *testing.B) {
	for _, trace := range []struct{ name, path string }{{"echo", echoTrace}, {"wikipedia", wikiTrace}} {
		pkts := decodedPackets(b, trace.path, 512)
		for _, fs := range benchFilters {
			prog, err := filter.Compile(fs)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(trace.name+"/"+fs, func(b *testing.B) {
				b.ReportAllocs()
				n := 0
				for i := 0; i < b.N; i++ {
					if prog.Match(pkts[i%len(pkts)]) {
						n++
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
			})
		}
	}
}

// BenchmarkDecodeMatch measures decoding plus filtering, what "list -f" does per packet.
func BenchmarkDecodeMatch(b *testing.B) {
	frames := readFrames(b, echoTrace, 1<<20)
	prog, err := filter.Compile("tcp.port == 80 or tcp.port == 443")
	if err != nil {
		b.Fatal(err)
	}
	dec := dissect.NewDecoder()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		prog.Match(dec.Decode(&frames[i%len(frames)]))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
}

// TestMatchAllocs keeps the common filters at zero allocations per packet.
func TestMatchAllocs(t *testing.T) {
	pkts := decodedPackets(t, wikiTrace, 200)
	for _, fs := range benchFilters {
		prog, err := filter.Compile(fs)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts { // warm the program's buffers up
			prog.Match(p)
		}
		i := 0
		allocs := testing.AllocsPerRun(500, func() {
			prog.Match(pkts[i%len(pkts)])
			i++
		})
		if allocs != 0 {
			t.Errorf("%s: %.2f allocations per packet", fs, allocs)
		}
	}
}
