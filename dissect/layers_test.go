package dissect

import (
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
)

func TestQinQUDP(t *testing.T) {
	// Ethernet / 802.1ad 100 / 802.1Q 200 / IPv4 10.0.0.1 → 10.0.0.2 / UDP 1234 → 9999, 4 bytes.
	payload := []byte("ping")
	frame := cat(ethHdr(0x88a8), vlanHdr(100, 0x8100), vlanHdr(200, 0x0800),
		ipv4Hdr(17, "10.0.0.1", "10.0.0.2", 8+len(payload), 1, 0, false), udpHdr(1234, 9999, len(payload)), payload)
	p := decodeOne(capture.LinkTypeEthernet, frame)
	checkFields(t, p, map[string]string{
		"vlan.id": "100,200", "vlan.etype": "0x8100,0x0800", "ip.src": "10.0.0.1", "ip.addr": "10.0.0.1,10.0.0.2",
		"ip.ttl": "64", "ip.flags": "0x02", "udp.srcport": "1234", "udp.port": "1234,9999", "udp.length": "12",
		"frame.protocols": "eth:vlan:vlan:ip:udp:data", "eth.src": "66:77:88:99:aa:bb",
	})
	if p.Protocol() != "UDP" {
		t.Errorf("protocol column %q", p.Protocol())
	}
	if got := string(p.AppendSummary(nil)); got != "1234 → 9999 Len=4" {
		t.Errorf("summary %q", got)
	}
	checkTreeAgrees(t, p)
}

func TestIPv4Reassembly(t *testing.T) {
	// A 24-byte UDP datagram (8 header + 16 data) sent as two fragments of 16 and 8 bytes.
	data := []byte("0123456789abcdef")
	dgram := cat(udpHdr(53, 5353, len(data)), data)
	f1 := cat(ethHdr(0x0800), ipv4Hdr(17, "192.168.1.1", "192.168.1.2", 16, 0x4242, 0, true), dgram[:16])
	f2 := cat(ethHdr(0x0800), ipv4Hdr(17, "192.168.1.1", "192.168.1.2", 8, 0x4242, 16, false), dgram[16:])
	d := NewDecoder()
	p := d.Decode(&capture.Frame{Data: f1, OrigLen: len(f1), LinkType: capture.LinkTypeEthernet})
	checkFields(t, p, map[string]string{"udp.srcport": "", "ip.flags.mf": "1", "ip.flags": "0x01", "frame.protocols": "eth:ip:data"})
	if len(p.Values(fieldID("ip.fragment"), nil)) != 1 {
		t.Error("ip.fragment absent on a fragment")
	}
	if !p.Frag.IsFragment || p.Frag.Reassembled {
		t.Errorf("first fragment: %+v", p.Frag)
	}
	if s := string(p.AppendSummary(nil)); !strings.HasPrefix(s, "Fragmented IP protocol (proto=UDP 17, off=0") {
		t.Errorf("summary %q", s)
	}
	p = d.Decode(&capture.Frame{Data: f2, OrigLen: len(f2), LinkType: capture.LinkTypeEthernet})
	checkFields(t, p, map[string]string{"ip.frag_offset": "16", "udp.srcport": "53", "udp.length": "24", "ip.fragment.count": "2", "ip.reassembled.length": "24"})
	if got := string(p.Reassembled()); got != string(dgram) {
		t.Errorf("reassembled %q", got)
	}
	checkTreeAgrees(t, p)
}

func TestTCPOptionsAndSummary(t *testing.T) {
	opts := unhex("020405b4 0402 080a 0000000a 00000000 01 030307")
	tcp := tcpHdr(40000, 80, 1000, 0, TCPSyn, 64240, opts)
	frame := cat(ethHdr(0x0800), ipv4Hdr(6, "10.1.1.1", "10.1.1.2", len(tcp), 7, 0, false), tcp)
	p := decodeOne(capture.LinkTypeEthernet, frame)
	checkFields(t, p, map[string]string{
		"tcp.flags": "0x0002", "tcp.flags.syn": "1", "tcp.flags.ack": "0", "tcp.options.mss_val": "1460",
		"tcp.options.wscale.shift": "7", "tcp.options.wscale.multiplier": "128", "tcp.options.timestamp.tsval": "10",
		"tcp.option_kind": "2,4,8,1,3", "tcp.hdr_len": "40", "tcp.seq": "1000", "tcp.len": "0", "tcp.window_size": "64240",
		"tcp.stream": "",
	})
	want := "40000 → 80 Flags: ......S. Seq=1000 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=10 TSecr=0 WS=128"
	if got := string(p.AppendSummary(nil)); got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
	checkTreeAgrees(t, p)
}

func TestMAFlags(t *testing.T) {
	for _, c := range []struct {
		flags uint16
		want  string
	}{
		{TCPSyn, "......S."}, {TCPSyn | TCPAck, "...A..S."}, {TCPRst | TCPAck, "...A.R.."}, {TCPFin | TCPPsh | TCPAck, "...AP..F"},
		{TCPCwr | TCPEce | TCPUrg, "CEU....."},
	} {
		if got := string(appendMAFlags(nil, c.flags)); got != c.want {
			t.Errorf("flags %#x: %q, want %q", c.flags, got, c.want)
		}
	}
}

func TestTruncatedTCPIsMalformed(t *testing.T) {
	full := tcpHdr(1, 2, 3, 4, TCPAck, 5, nil)
	frame := cat(ethHdr(0x0800), ipv4Hdr(6, "1.1.1.1", "2.2.2.2", 20, 1, 0, false), full[:10])
	p := decodeOne(capture.LinkTypeEthernet, frame)
	if p.Bad.Proto != ProtoTCP {
		t.Fatalf("want a malformed TCP layer, got %+v", p.Bad)
	}
	checkFields(t, p, map[string]string{"tcp.srcport": "1", "tcp.seq": "3", "tcp.ack": "", "_ws.malformed": ""})
	nodes := p.Tree()
	if m := nodes[len(nodes)-2]; !strings.HasPrefix(m.Label, "[Malformed Packet: TCP") {
		t.Errorf("tree item before the diagnostics: %q", m.Label)
	}
	if d := nodes[len(nodes)-1]; d.Label != "Diagnostics" || d.Children[0].Severity != "error" || !strings.HasPrefix(d.Children[0].Value, "Malformed packet: TCP: header cut short") {
		t.Errorf("diagnostics item %+v", d.Children[0])
	}
	checkFields(t, p, map[string]string{"diag.severity": "error", "diag.category": "malformed"})
}

func TestSLL2IPv6HopByHop(t *testing.T) {
	sll2 := unhex("86dd 0000 00000002 0001 04 06 001122334455 0000")
	ip6 := unhex("60000000 0010 00 40 20010db8000000000000000000000001 20010db8000000000000000000000002")
	ip6[6] = 0 // hop-by-hop
	hbh := unhex("11 00 0104 00000000")
	frame := cat(sll2, ip6, hbh, udpHdr(7, 9, 0))
	p := decodeOne(capture.LinkTypeLinuxSLL2, frame)
	checkFields(t, p, map[string]string{
		"sll.etype": "0x86dd", "sll.ifindex": "2", "sll.pkttype": "4", "sll.src.eth": "00:11:22:33:44:55",
		"ipv6.src": "2001:db8::1", "ipv6.nxt": "0", "ipv6.ext.nxt": "17", "udp.dstport": "9", "ipv6.plen": "16",
	})
	checkTreeAgrees(t, p)
}

func TestNullAndRawLinks(t *testing.T) {
	ip := cat(ipv4Hdr(17, "127.0.0.1", "127.0.0.1", 8, 1, 0, false), udpHdr(1, 2, 0))
	p := decodeOne(capture.LinkTypeNull, cat([]byte{2, 0, 0, 0}, ip))
	checkFields(t, p, map[string]string{"null.family": "2", "ip.dst": "127.0.0.1", "udp.srcport": "1"})
	p = decodeOne(capture.LinkTypeLoop, cat([]byte{0, 0, 0, 2}, ip))
	checkFields(t, p, map[string]string{"null.family": "2", "udp.srcport": "1"})
	for _, lt := range []capture.LinkType{capture.LinkTypeRaw, capture.LinkTypeIPv4, 12, 14} {
		p = decodeOne(lt, ip)
		checkFields(t, p, map[string]string{"ip.src": "127.0.0.1", "udp.dstport": "2"})
	}
	p = decodeOne(capture.LinkType(147), ip)
	if p.Protocol() != "UNSUPPORTED" || !strings.Contains(string(p.AppendSummary(nil)), "unsupported link type 147") {
		t.Errorf("unsupported link: %q %q", p.Protocol(), p.AppendSummary(nil))
	}
}

func TestGREERSPANInner(t *testing.T) {
	inner := cat(ethHdr(0x0800), ipv4Hdr(17, "10.9.9.9", "10.8.8.8", 8, 1, 0, false), udpHdr(5, 6, 0))
	gre := unhex("1000 88be 00000001")    // sequence present: ERSPAN type II
	erspan := unhex("1064 0001 00000000") // version 1, VLAN 100, span 1
	frame := cat(ethHdr(0x0800), ipv4Hdr(47, "1.1.1.1", "2.2.2.2", len(gre)+len(erspan)+len(inner), 1, 0, false), gre, erspan, inner)
	p := decodeOne(capture.LinkTypeEthernet, frame)
	checkFields(t, p, map[string]string{"ip.src": "1.1.1.1,10.9.9.9", "gre.proto": "0x88be", "erspan.vlan": "100", "erspan.spanid": "1", "udp.srcport": "5"})
	checkTreeAgrees(t, p)
}
