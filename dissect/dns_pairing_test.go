package dissect

import (
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
)

// dnsUDPFrame builds Ethernet/IPv4/UDP to port 53 around a DNS message.
func dnsUDPFrame(msg []byte) []byte {
	return cat(ethHdr(0x0800), ipv4Hdr(17, "10.0.0.1", "10.0.0.53", 8+len(msg), 1, 0, false), udpHdr(40000, 53, len(msg)), msg)
}

const dnsQuestion = "076578616d706c6503636f6d00" // example.com

func TestDNSMessage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		msg      string
		ok       bool
		complete bool
		quest    bool
		axfr     bool
		qname    string
	}{
		{"query", "1234 0100 0001 0000 0000 0000" + dnsQuestion + "0001 0001", true, true, true, false, "example.com"},
		{"zone transfer", "1234 0000 0001 0000 0000 0000" + dnsQuestion + "00fc 0001", true, true, true, true, "example.com"},
		{"answer missing: questions read, not complete", "1234 8180 0001 0001 0000 0000" + dnsQuestion + "0001 0001", true, false, true, false, "example.com"},
		{"question cut", "1234 8180 0001 0000 0000 0000" + dnsQuestion + "00", true, false, false, false, ""},
		{"header only, no question", "1234 8180 0000 0000 0000 0000", true, true, false, false, ""},
		{"ID and flags only", "1234 8180", true, false, false, false, ""},
		{"too short for the flags", "1234 81", false, false, false, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeOne(capture.LinkTypeEthernet, dnsUDPFrame(unhex(tc.msg)))
			i := -1
			for j := 0; j < p.N; j++ {
				if p.Layers[j].Proto == ProtoDNS {
					i = j
				}
			}
			m, ok := p.DNSMessage(i)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if m.ID != 0x1234 || m.Complete != tc.complete || m.Questions != tc.quest || m.ZoneTransfer != tc.axfr || string(m.QName()) != tc.qname {
				t.Errorf("got id %#x complete %v questions %v axfr %v name %q", m.ID, m.Complete, m.Questions, m.ZoneTransfer, m.QName())
			}
			if m.Transport < 0 || p.Layers[m.Transport].Proto != ProtoUDP || m.TCP || m.InError || m.Variant != DNSUnicast {
				t.Errorf("transport %d tcp %v in error %v variant %d", m.Transport, m.TCP, m.InError, m.Variant)
			}
		})
	}
	if _, ok := decodeOne(capture.LinkTypeEthernet, dnsUDPFrame(unhex("1234 0100 0001 0000 0000 0000"+dnsQuestion+"0001 0001"))).DNSMessage(0); ok {
		t.Error("a layer that is not DNS was read as DNS")
	}
}

func TestDNSPairFields(t *testing.T) {
	msg := unhex("1234 8180 0001 0000 0000 0000" + dnsQuestion + "0001 0001")
	for _, tc := range []struct {
		name   string
		pair   DNSPair
		fields map[string]string
		tree   []string
	}{
		{"response to", DNSPair{Kind: DNSPairResponseTo, Shown: true, Frame: 7, TimeNS: 1477000},
			map[string]string{"dns.response_to": "7", "dns.time": "0.001477000", "dns.response_in": "", "dns.retransmission": "", "dns.unsolicited": ""},
			[]string{"[Request In: 7]", "[Time: 0.001477000 seconds]"}},
		{"response in", DNSPair{Kind: DNSPairResponseIn, Shown: true, Frame: 9},
			map[string]string{"dns.response_in": "9", "dns.response_to": "", "dns.time": ""},
			[]string{"[Response In: 9]"}},
		{"retransmitted query", DNSPair{Kind: DNSPairRetransQuery, Shown: true, Frame: 3},
			map[string]string{"dns.retransmit_request_in": "3", "dns.retransmission": "1", "dns.retransmit_response_in": ""},
			[]string{"[Retransmitted request. Original request in: 3]", "[Retransmission: True]"}},
		{"retransmitted response", DNSPair{Kind: DNSPairRetransResponse, Shown: true, Frame: 4},
			map[string]string{"dns.retransmit_response_in": "4", "dns.retransmission": "1", "dns.retransmit_request_in": ""},
			[]string{"[Retransmitted response. Original response in: 4]", "[Retransmission: True]"}},
		{"unsolicited", DNSPair{Kind: DNSPairUnsolicited, Shown: true},
			map[string]string{"dns.unsolicited": "1", "dns.response_to": ""},
			[]string{"[Unsolicited: True]"}},
		{"not shown", DNSPair{Kind: DNSPairResponseTo, Frame: 7, TimeNS: 5},
			map[string]string{"dns.response_to": "", "dns.time": ""}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeOne(capture.LinkTypeEthernet, dnsUDPFrame(msg))
			x := tc.pair
			x.Layer = uint8(p.N - 1)
			p.AddDNSPair(x)
			checkFields(t, p, tc.fields)
			var got []string
			for _, n := range p.Tree() {
				if strings.HasPrefix(n.Label, "Domain Name System") {
					for _, c := range n.Children {
						if strings.HasPrefix(c.Label, "[") {
							got = append(got, c.Label)
						}
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.tree, "|") {
				t.Errorf("tree items %q, want %q", got, tc.tree)
			}
		})
	}
}
