package filter_test

import (
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/filter"
)

// matchFrames runs a filter over a capture and returns the selected frame numbers as ranges.
func matchFrames(t testing.TB, path string, prog *filter.Program) string {
	t.Helper()
	tr, err := engine.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var nums []int
	for {
		p, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if prog.Match(p) {
			nums = append(nums, p.Num)
		}
	}
	return ranges(nums)
}

func ranges(ns []int) string {
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(ns[i]))
		} else {
			parts = append(parts, strconv.Itoa(ns[i])+"-"+strconv.Itoa(ns[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// TestWikipedia compares the frames selected in testdata/wikipedia.pcap with tshark's.
func TestWikipedia(t *testing.T) {
	for _, tc := range wikipediaWant {
		prog, err := filter.Compile(tc.filter)
		if err != nil {
			t.Errorf("%s: %v", tc.filter, err)
			continue
		}
		if got := matchFrames(t, "../testdata/wikipedia.pcap", prog); got != tc.frames {
			t.Errorf("%s:\n got %s\nwant %s", tc.filter, got, tc.frames)
		}
	}
}

// Byte-literal packets. Each is a complete Ethernet frame; the comment gives what it holds.
var (
	// 00:11:22:33:44:55 → 66:77:88:99:aa:bb, VLAN 100, IPv4 10.1.2.3 → 192.168.1.10 ttl 64 DF,
	// TCP 443 → 51000 SYN+ACK seq 0x01020304 win 65535, MSS 1460.
	pktTCP = "665544332211 bbaa99887766 8100 0064 0800" +
		"4500 002c 1234 4000 4006 0000 0a010203 c0a8010a" +
		"01bb c738 01020304 00000000 6012 ffff 0000 0000 0204 05b4"
	// fe80::1 → ff02::1, UDP 5353 → 5353 with an mDNS query for "Printer.local" (type A).
	pktUDP6 = "3333000000fb 001122334455 86dd" +
		"6000 0000 0027 11ff fe800000000000000000000000000001 ff0200000000000000000000000000fb" +
		"14e9 14e9 0027 0000" +
		"0000 0000 0001 0000 0000 0000 075072696e746572 056c6f63616c 00 0001 0001"
	// ICMP echo request 192.0.2.1 → 198.51.100.7, id 0x4242 seq 7, payload "hello, world".
	pktICMP = "0a0b0c0d0e0f 001b21aabbcc 0800" +
		"4500 0028 0001 0000 8001 0000 c0000201 c6336407" +
		"0800 0000 4242 0007 68656c6c6f2c20776f726c64"
)

func decode(t testing.TB, hexs string) *dissect.Packet {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(hexs, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	fr := &capture.Frame{Data: b, OrigLen: len(b), LinkType: capture.LinkTypeEthernet, TimeNS: 1_300_000_000_500_000_000}
	return dissect.NewDecoder().Decode(fr)
}

func TestBytePackets(t *testing.T) {
	pkts := map[string]*dissect.Packet{"tcp": decode(t, pktTCP), "udp6": decode(t, pktUDP6), "icmp": decode(t, pktICMP)}
	cases := []struct {
		filter string
		want   string // the packets it selects, sorted, comma-separated
	}{
		{"tcp", "tcp"},
		{"TCP", "tcp"},
		{"udp || icmp", "icmp,udp6"},
		{"tcp.port == 443", "tcp"},
		{"tcp.port != 443", ""},
		{"tcp.port != 80", "tcp"},
		{"tcp.port !== 443", "tcp"},
		{"tcp.port === 443", ""},
		{"udp.port === 5353", "udp6"},
		{"tcp.srcport > tcp.dstport", ""},
		{"tcp.srcport < tcp.dstport", "tcp"},
		{"udp.srcport == udp.dstport", "udp6"},
		{"tcp.flags == 0x12", "tcp"},
		{"tcp.flags & 0x02 and tcp.flags & 0x10", "tcp"},
		{"tcp.flags.syn == 1 xor tcp.flags.ack == 1", ""},
		{"tcp.flags.syn == 1 ^^ udp", "tcp,udp6"},
		{"tcp.flags.ack == True && tcp.flags.reset == False", "tcp"},
		{"tcp.options.mss_val == 1460", "tcp"},
		{"tcp.seq_raw == 0x01020304 and tcp.seq_raw == 16909060 and tcp.seq_raw == 0100401404", "tcp"},
		{"vlan.id == 100", "tcp"},
		{"vlan.id in {1..99, 101}", ""},
		{"vlan.id not in {1..99, 101}", "icmp,tcp,udp6"},
		{"ip.addr == 10.0.0.0/8", "tcp"},
		{"ip.src == 10.1.2.0/24 and ip.dst == 192.168.1.10", "tcp"},
		{"ip.dst > 192.168.1.9 and ip.dst < 192.168.1.11", "tcp"},
		{"ip.addr != 10.1.2.3", "icmp"},
		{"ip.src[0] == 0a", "tcp"},
		{"ip.src[1-2] == 01:02", "tcp"},
		{"ip.flags.df == 1 and ip.ttl == 64", "tcp"},
		{"ipv6.src == fe80::1", "udp6"},
		{"ipv6.dst == ff00::/8", "udp6"},
		{"ipv6.addr == ff02::fb/128", "udp6"},
		{"ipv6.src[0:2] == fe:80", "udp6"},
		{"eth.dst == 33:33:00:00:00:fb", "udp6"},
		{"eth.dst == 3333.0000.00fb", "udp6"},
		{"eth.dst == 33-33-00-00-00-fb", "udp6"},
		{"eth.src[0:3] == 00:1b:21", "icmp"},
		{"eth.src[-1] == cc", "icmp"},
		{"eth.src[3:] == aa:bb:cc", "icmp"},
		{"eth.src[0:1,5] == 00:cc", "icmp"},
		{"eth.src contains 21:aa", "icmp"},
		{"eth.addr == bb:aa:99:88:77:66", "tcp"},
		{"mdns", "udp6"},
		{"dns.qry.name == \"Printer.local\"", "udp6"},
		{"dns.qry.name == printer.local", ""},
		{"lower(dns.qry.name) == \"printer.local\"", "udp6"},
		{"upper(dns.qry.name) contains \"PRINTER\"", "udp6"},
		{"dns.qry.name matches \"^printer\\\\.\"", "udp6"},
		{"dns.qry.name matches \"(?-i)^printer\"", ""},
		{"len(dns.qry.name) == 13", "udp6"},
		{"dns.qry.name[0:3] == \"Pri\"", "udp6"},
		{"icmp.type == 8 and icmp.seq == 7", "icmp"},
		{"icmp contains \"hello\"", "icmp"},
		{"frame contains \"world\"", "icmp"},
		{"frame matches \"hello.*world\"", "icmp"},
		{"icmp[0] == 8", "icmp"},
		{"ip[9] == 1", "icmp"},
		{"count(ip.addr) == 2", "icmp,tcp"},
		{"count(vlan) == 0", ""},
		{"frame.len == 62 or frame.len < 60", "icmp,tcp"},
		{"frame.time == \"2011-03-13 07:06:40.5Z\"", "icmp,tcp,udp6"},
		{"frame.time < \"2011-03-13 07:06:40.4Z\"", ""},
		{"frame.time_relative == 0", "icmp,tcp,udp6"},
		{"ip.proto == '\\x01'", "icmp"},
		{"not ip", "udp6"},
		{"!(tcp or udp)", "icmp"},
		{"(tcp or udp) and not ipv6", "tcp"},
		{"", "icmp,tcp,udp6"},
	}
	for _, tc := range cases {
		prog, err := filter.Compile(tc.filter)
		if err != nil {
			t.Errorf("%q: %v", tc.filter, err)
			continue
		}
		var got []string
		for _, name := range []string{"icmp", "tcp", "udp6"} {
			if prog.Match(pkts[name]) {
				got = append(got, name)
			}
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("%q selects [%s], want [%s]", tc.filter, g, tc.want)
		}
	}
}

// TestFieldToFieldBytes checks that a comparison of two string fields does not read bytes the second
// field's extraction has overwritten (both live in the packet's scratch space).
func TestFieldToFieldBytes(t *testing.T) {
	p := decode(t, pktUDP6)
	for filter, want := range map[string]bool{
		"dns.qry.name == dns.qry.name":              true,
		"dns.qry.name != dns.qry.name":              false,
		"lower(dns.qry.name) == dns.qry.name":       false,
		"dns.qry.name in {dns.qry.name}":            true,
		"dns.qry.name contains dns.qry.name":        true,
		"upper(dns.qry.name) > lower(dns.qry.name)": false,
	} {
		prog, err := compile(t, filter)
		if err != nil {
			t.Errorf("%s: %v", filter, err)
			continue
		}
		if got := prog.Match(p); got != want {
			t.Errorf("%s = %v, want %v", filter, got, want)
		}
	}
}

func compile(t testing.TB, s string) (*filter.Program, error) {
	t.Helper()
	return filter.Compile(s)
}
