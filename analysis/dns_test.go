package analysis

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/filter"
)

// dmsg describes one DNS message over UDP between a client 10.0.0.1:port and a server 10.0.0.53:53.
type dmsg struct {
	ms    int64 // time in milliseconds
	resp  bool
	id    uint16
	rcode uint8
	qtype uint16 // 0: A
	port  uint16 // client port; 0: 40000
	cut   bool   // announce an answer that is not there: the message is malformed
}

func dnsFrame(m dmsg) []byte {
	name := []byte("\x07example\x03com\x00")
	dns := make([]byte, 12, 12+len(name)+4)
	binary.BigEndian.PutUint16(dns, m.id)
	fl := uint16(0x0100)
	if m.resp {
		fl |= 0x8080 | uint16(m.rcode)
	}
	binary.BigEndian.PutUint16(dns[2:], fl)
	binary.BigEndian.PutUint16(dns[4:], 1)
	if m.cut {
		binary.BigEndian.PutUint16(dns[6:], 1)
	}
	qt := m.qtype
	if qt == 0 {
		qt = 1
	}
	dns = append(dns, name...)
	dns = binary.BigEndian.AppendUint16(dns, qt)
	dns = binary.BigEndian.AppendUint16(dns, 1)

	port := m.port
	if port == 0 {
		port = 40000
	}
	src, dst, sp, dp := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 53}, port, uint16(53)
	if m.resp {
		src, dst, sp, dp = dst, src, dp, sp
	}
	b := make([]byte, 14+20+8+len(dns))
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(28+len(dns)))
	ip[8], ip[9] = 64, 17
	copy(ip[12:], src)
	copy(ip[16:], dst)
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp, sp)
	binary.BigEndian.PutUint16(udp[2:], dp)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(dns)))
	copy(udp[8:], dns)
	return b
}

// dnsPass runs the messages through the decoder and the UDP and DNS analyzers; with late, as a second pass.
func dnsPass(ms []dmsg, late *DNSLate, each func(p *dissect.Packet)) *DNSPairing {
	d := dissect.NewDecoder()
	u := NewUDPStreams()
	a := NewDNSPairing()
	if late != nil {
		a.UseLate(late)
	} else {
		a.RecordLate()
	}
	for i, m := range ms {
		data := dnsFrame(m)
		p := d.Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet, TimeNS: 1e12 + m.ms*1e6})
		p.Num = i + 1
		u.Observe(p)
		a.Observe(p)
		each(p)
	}
	return a
}

// pairOf formats a frame's pairing as "kind frame [time]" ("" when nothing is shown), then its diagnostics.
func pairOf(p *dissect.Packet) string {
	var s []string
	for i := 0; i < p.DNS.N; i++ {
		x := p.DNS.P[i]
		if !x.Shown {
			s = append(s, "hidden")
			continue
		}
		switch x.Kind {
		case dissect.DNSPairResponseIn:
			s = append(s, fmt.Sprintf("in %d", x.Frame))
		case dissect.DNSPairResponseTo:
			s = append(s, fmt.Sprintf("to %d %dms", x.Frame, x.TimeNS/1e6))
		case dissect.DNSPairRetransQuery:
			s = append(s, fmt.Sprintf("retrans-query %d", x.Frame))
		case dissect.DNSPairRetransResponse:
			s = append(s, fmt.Sprintf("retrans-response %d", x.Frame))
		case dissect.DNSPairUnsolicited:
			s = append(s, "unsolicited")
		}
	}
	for _, d := range p.Diags() {
		if d.Category() == "dns" {
			s = append(s, "["+string(p.AppendMessage(nil, d))+"]")
		}
	}
	return strings.Join(s, " ")
}

func TestDNSPairing(t *testing.T) {
	for _, tc := range []struct {
		name string
		msgs []dmsg
		want []string // per frame, second pass
		one  []string // per frame, first pass, where it differs from want (nil: as want minus response_in)
	}{
		{"query and response",
			[]dmsg{{ms: 0, id: 1}, {ms: 12, id: 1, resp: true}},
			[]string{"in 2", "to 1 12ms"}, nil},
		{"retransmitted query within 5 s: time from the first query",
			[]dmsg{{ms: 0, id: 7}, {ms: 1000, id: 7}, {ms: 2000, id: 7}, {ms: 2100, id: 7, resp: true}},
			[]string{"in 4", "retrans-query 1 [DNS query retransmission of frame 1]", "retrans-query 1 [DNS query retransmission of frame 1]", "to 1 2100ms"}, nil},
		{"same ID 5 s later: a new transaction, the first never answered",
			[]dmsg{{ms: 0, id: 7}, {ms: 5000, id: 7}, {ms: 5010, id: 7, resp: true}},
			[]string{"[No response to this DNS query in the trace]", "in 3", "to 2 10ms"}, nil},
		{"second response: a retransmission of the first",
			[]dmsg{{ms: 0, id: 9}, {ms: 5, id: 9, resp: true}, {ms: 6, id: 9, resp: true}},
			[]string{"in 2", "to 1 5ms", "retrans-response 2 [DNS response retransmission of frame 2]"}, nil},
		{"zone transfer: every response pairs with the query",
			[]dmsg{{ms: 0, id: 3, qtype: 252}, {ms: 5, id: 3, resp: true, qtype: 252}, {ms: 6, id: 3, resp: true, qtype: 252}},
			[]string{"in 2", "to 1 5ms", "to 1 6ms"}, nil},
		{"a response without its query",
			[]dmsg{{ms: 0, id: 4, resp: true}},
			[]string{"unsolicited"}, nil},
		{"another client port is another conversation",
			[]dmsg{{ms: 0, id: 4}, {ms: 1, id: 4, resp: true, port: 40001}},
			[]string{"[No response to this DNS query in the trace]", "unsolicited"}, nil},
		{"the name is not compared: the ID and the conversation pair",
			[]dmsg{{ms: 0, id: 5, qtype: 28}, {ms: 1, id: 5, resp: true, qtype: 1}},
			[]string{"in 2", "to 1 1ms"}, nil},
		{"an answered ID used again: a new transaction at once",
			[]dmsg{{ms: 0, id: 6}, {ms: 1, id: 6, resp: true}, {ms: 2, id: 6}, {ms: 4, id: 6, resp: true}},
			[]string{"in 2", "to 1 1ms", "in 4", "to 3 2ms"}, nil},
		{"failures: NXDOMAIN, SERVFAIL, REFUSED",
			[]dmsg{{ms: 0, id: 1}, {ms: 1, id: 1, resp: true, rcode: 3}, {ms: 2, id: 2}, {ms: 3, id: 2, resp: true, rcode: 2}, {ms: 4, id: 3}, {ms: 5, id: 3, resp: true, rcode: 5}},
			[]string{"in 2", "to 1 1ms [No such name (NXDOMAIN) in reply to the query in frame 1]",
				"in 4", "to 3 1ms [Server failure (SERVFAIL) in reply to the query in frame 3]",
				"in 6", "to 5 1ms [Query refused (REFUSED) in reply to the query in frame 5]"}, nil},
		{"a malformed response pairs but shows nothing",
			[]dmsg{{ms: 0, id: 8}, {ms: 3, id: 8, resp: true, cut: true}, {ms: 4, id: 8, resp: true}},
			[]string{"in 2", "hidden", "retrans-response 2 [DNS response retransmission of frame 2]"}, nil},
		{"a malformed failed response without its query",
			[]dmsg{{ms: 0, id: 8, resp: true, rcode: 2, cut: true}},
			[]string{"hidden [Server failure (SERVFAIL) in reply to the query]"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var one, two []string
			first := dnsPass(tc.msgs, nil, func(p *dissect.Packet) { one = append(one, pairOf(p)) })
			dnsPass(tc.msgs, first.Late(), func(p *dissect.Packet) { two = append(two, pairOf(p)) })
			if strings.Join(two, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("second pass:\n got %q\nwant %q", two, tc.want)
			}
			wantOne := tc.one
			if wantOne == nil {
				for _, w := range tc.want {
					// A single pass knows neither dns.response_in nor which queries stay unanswered.
					w = strings.TrimSpace(strings.NewReplacer("[No response to this DNS query in the trace]", "").Replace(w))
					if strings.HasPrefix(w, "in ") {
						w = ""
					}
					wantOne = append(wantOne, w)
				}
			}
			if strings.Join(one, " | ") != strings.Join(wantOne, " | ") {
				t.Errorf("first pass:\n got %q\nwant %q", one, wantOne)
			}
		})
	}
}

// TestDNSPairingBounded: hostile IDs (a new one in every query, never answered) cannot grow the
// pairing table beyond its bound; the evicted queries are counted.
func TestDNSPairingBounded(t *testing.T) {
	d := dissect.NewDecoder()
	u := NewUDPStreams()
	a := NewDNSPairing()
	a.limit = 64
	const n = 5000
	for i := 0; i < n; i++ {
		data := dnsFrame(dmsg{ms: int64(i), id: uint16(i * 7919), port: uint16(1024 + i%3)})
		p := d.Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet, TimeNS: 1e12 + int64(i)*1e6})
		p.Num = i + 1
		u.Observe(p)
		a.Observe(p)
		if len(a.ring) > a.limit || len(a.index) > a.limit {
			t.Fatalf("frame %d: %d transactions, %d keys, bound %d", i+1, len(a.ring), len(a.index), a.limit)
		}
	}
	if a.Evicted != n-a.limit {
		t.Errorf("evicted %d, want %d", a.Evicted, n-a.limit)
	}
	r := a.Report(nil)
	if r.Queries != n || len(r.Unanswered) != maxDNSEvents || r.NotListed != n-maxDNSEvents {
		t.Errorf("report: %d queries, %d unanswered listed, %d not listed", r.Queries, len(r.Unanswered), r.NotListed)
	}
}

func TestDNSReport(t *testing.T) {
	msgs := []dmsg{
		{ms: 0, id: 1}, {ms: 300, id: 1, resp: true, rcode: 3}, // NXDOMAIN after 300 ms
		{ms: 400, id: 2}, {ms: 450, id: 2, resp: true, rcode: 3},
		{ms: 500, id: 3}, {ms: 1500, id: 3}, {ms: 2700, id: 3, resp: true}, // 2.7 s after a retransmission
		{ms: 3000, id: 4, port: 40001}, // never answered
		{ms: 3100, id: 5, port: 40002}, {ms: 3200, id: 5, port: 40002, resp: true, rcode: 2},
		{ms: 3300, id: 9, port: 40001}, // never answered either
	}
	a := dnsPass(msgs, nil, func(*dissect.Packet) {})
	r := a.Report(nil)
	if r.Queries != 6 || r.Answered != 4 {
		t.Errorf("queries %d answered %d", r.Queries, r.Answered)
	}
	if len(r.Failures) != 2 || r.Failures[0].Rcode != 2 || r.Failures[1].Rcode != 3 || len(r.Failures[1].Responses) != 2 || r.Failures[1].Name != "example.com" {
		t.Errorf("failures %+v", r.Failures)
	}
	if len(r.Unanswered) != 2 || r.Unanswered[0].Query != 8 || r.Unanswered[1].Query != 11 || r.Unanswered[0].Server != "10.0.0.53:53" || r.Unanswered[0].Type != "A" {
		t.Errorf("unanswered %+v", r.Unanswered)
	}
	if len(r.Slowest) == 0 || r.Slowest[0].Query != 5 || r.Slowest[0].Response != 7 || r.Slowest[0].TimeNS != 2200e6 || r.Slowest[0].Retransmissions != 1 {
		t.Errorf("slowest %+v", r.Slowest)
	}
	var titles []string
	for _, f := range Diagnose(nil, TraceFacts{Frames: len(msgs), DNS: r}).Findings {
		titles = append(titles, "["+f.Severity+"] "+f.Title)
		if _, err := filter.Compile(f.Filter); err != nil {
			t.Errorf("%s: filter %q: %v", f.Title, f.Filter, err)
		}
	}
	want := []string{
		"[error] DNS lookup of example.com failed: SERVFAIL (server failure)",
		"[warning] 2 DNS queries to 10.0.0.53:53 never answered",
		"[warning] DNS lookup of example.com failed: NXDOMAIN (no such name)",
		"[warning] Slowest DNS lookup: example.com took 2.200 s",
	}
	if strings.Join(titles, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(titles, "\n"), strings.Join(want, "\n"))
	}
	// Only the conversations kept count: the unanswered query is on udp.stream 1.
	r = a.Report(func(tcp bool, s uint32) bool { return !tcp && s == 0 })
	if len(r.Unanswered) != 0 || len(r.Failures) != 1 {
		t.Errorf("filtered report: %d unanswered, %d failures", len(r.Unanswered), len(r.Failures))
	}
}

// BenchmarkDNSPairing measures the pairing of one message (a query or its response) in steady state,
// the pairing table full and wrapping: it must not allocate.
func BenchmarkDNSPairing(b *testing.B) {
	const ids = 4096
	frames := make([][]byte, 2*ids)
	for i := 0; i < ids; i++ {
		frames[2*i] = dnsFrame(dmsg{id: uint16(i)})
		frames[2*i+1] = dnsFrame(dmsg{id: uint16(i), resp: true})
	}
	d := dissect.NewDecoder()
	u := NewUDPStreams()
	a := NewDNSPairing()
	a.limit = 1024
	f := capture.Frame{LinkType: capture.LinkTypeEthernet}
	step := func(i int) {
		f.Data = frames[i%len(frames)]
		f.OrigLen = len(f.Data)
		f.TimeNS = 1e12 + int64(i)*1e5
		p := d.Decode(&f)
		u.Observe(p)
		a.Observe(p)
	}
	for i := 0; i < 4*len(frames); i++ {
		step(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step(i)
	}
}

// FuzzDNSPairing: any message, as a query and then as a response with the same bytes otherwise, pairs
// without a panic in both passes, and a frame never records more pairs than it has DNS layers.
func FuzzDNSPairing(f *testing.F) {
	f.Add([]byte("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01"))
	f.Add([]byte("\x12\x34\x81\x83\x00\x01\x00\x01\x00\x00\x00\x00\xc0\x0c"))
	f.Add([]byte("\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		if len(msg) > 1400 {
			return
		}
		frames := [][]byte{udpDNS(msg, false), udpDNS(msg, true), udpDNS(msg, true)}
		run := func(a *DNSPairing) {
			d := dissect.NewDecoder()
			u := NewUDPStreams()
			for i, data := range frames {
				p := d.Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet, TimeNS: int64(i) * 1e6})
				p.Num = i + 1
				u.Observe(p)
				a.Observe(p)
				n := 0
				for j := 0; j < p.N; j++ {
					if p.Layers[j].Proto == dissect.ProtoDNS {
						n++
					}
				}
				if p.DNS.N > n {
					t.Fatalf("frame %d: %d pairs for %d DNS layers", i+1, p.DNS.N, n)
				}
				p.Tree()
			}
		}
		first := NewDNSPairing()
		first.RecordLate()
		run(first)
		second := NewDNSPairing()
		second.UseLate(first.Late())
		run(second)
		second.Report(nil)
	})
}

// udpDNS wraps msg in Ethernet/IPv4/UDP between 10.0.0.1:40000 and 10.0.0.53:53; as a response, with the
// QR bit set and the direction reversed.
func udpDNS(msg []byte, resp bool) []byte {
	m := append([]byte(nil), msg...)
	if resp && len(m) > 2 {
		m[2] |= 0x80
	}
	src, dst, sp, dp := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 53}, uint16(40000), uint16(53)
	if resp {
		src, dst, sp, dp = dst, src, dp, sp
	}
	b := make([]byte, 14+20+8+len(m))
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(28+len(m)))
	ip[8], ip[9] = 64, 17
	copy(ip[12:], src)
	copy(ip[16:], dst)
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp, sp)
	binary.BigEndian.PutUint16(udp[2:], dp)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(m)))
	copy(udp[8:], m)
	return b
}
