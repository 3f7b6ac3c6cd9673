package dissect

import (
	"encoding/binary"
	"encoding/hex"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// The expected values in this file were taken from TShark 4.0.17 (tshark -T fields -E occurrence=a
// -E aggregator=,) on the same bytes. Field values are compared as Wireshark holds them: a string field
// by its bytes (tshark prints them as they are, apart from escaping \t, \n and \r), a byte-string field
// as bare hex digits ("<MISSING>" when empty), every other field as field.Info.AppendValue prints it.

// dnsTestFrame wraps a payload in Ethernet, IPv4 (10.0.0.1 → 10.0.0.2) and UDP or TCP, as the
// generator of the expected values did.
func dnsTestFrame(transport string, sport, dport uint16, payload []byte) []byte {
	var l4 []byte
	proto := byte(17)
	if transport == "tcp" {
		proto = 6
		l4 = make([]byte, 20)
		binary.BigEndian.PutUint16(l4, sport)
		binary.BigEndian.PutUint16(l4[2:], dport)
		binary.BigEndian.PutUint32(l4[4:], 1)
		binary.BigEndian.PutUint32(l4[8:], 1)
		l4[12] = 0x50
		l4[13] = 0x18 // PSH, ACK
		binary.BigEndian.PutUint16(l4[14:], 65535)
	} else {
		l4 = make([]byte, 8)
		binary.BigEndian.PutUint16(l4, sport)
		binary.BigEndian.PutUint16(l4[2:], dport)
		binary.BigEndian.PutUint16(l4[4:], uint16(8+len(payload)))
	}
	l4 = append(l4, payload...)
	ip := []byte{0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(l4)))
	eth := []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00}
	return append(append(eth, ip...), l4...)
}

func dnsTestDecode(data []byte) *Packet {
	return NewDecoder().Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet})
}

// dnsTestValues formats a field's values in a packet as tshark -T fields does, joined by commas.
func dnsTestValues(p *Packet, in *field.Info) string {
	var parts []string
	for _, v := range p.Values(in.ID, nil) {
		switch in.Type {
		case field.Protocol:
			parts = append(parts, "present")
		case field.Bytes:
			if len(v.B) == 0 {
				parts = append(parts, "<MISSING>")
			} else {
				parts = append(parts, hex.EncodeToString(v.B))
			}
		case field.String:
			parts = append(parts, string(v.B))
		default:
			parts = append(parts, string(in.AppendValue(nil, v)))
		}
	}
	return strings.Join(parts, ",")
}

// dnsFields lists every field the DNS decoder registers.
func dnsFields() []*field.Info {
	out := field.All("dns.")
	for _, n := range []string{"dns", "mdns", "llmnr"} {
		out = append(out, field.Lookup(n))
	}
	return out
}

// dnsTestSummary is the Info column without the framework's malformed note.
func dnsTestSummary(p *Packet) string {
	s := string(p.AppendSummary(nil))
	if i := strings.Index(s, " [Malformed"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "[Packet size limited during capture]")
}

// dnsCheckTree checks that every field item of the details tree holds a value the field's getter also
// returns, so that the tree and the fields cannot drift apart.
func dnsCheckTree(t *testing.T, p *Packet) {
	t.Helper()
	values := map[string]string{} // a field's values, read once
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			if n.Field != "" && strings.HasPrefix(n.Field, "dns.") {
				in := field.Lookup(n.Field)
				if in == nil {
					t.Errorf("tree item %q names the unregistered field %s", n.Label, n.Field)
					continue
				}
				all, ok := values[n.Field]
				if !ok {
					all = "," + string(p.AppendField(nil, in.ID, ',')) + ","
					values[n.Field] = all
				}
				if !strings.Contains(all, ","+n.Value+",") {
					t.Errorf("tree item %s = %q not among the field's values %.200q", n.Field, n.Value, all)
				}
			}
			walk(n.Children)
		}
	}
	walk(p.Tree())
}

type dnsTestCase struct {
	name      string
	transport string // "udp" or "tcp"
	sport     uint16
	dport     uint16
	malformed bool
	msg       string // the UDP or TCP payload, in hex
	info      string
	fields    map[string]string // every DNS field tshark shows; the others must be absent
}

// dnsTestCases: one frame each. The hex dump above each case is of its UDP or TCP payload.
var dnsTestCases = []dnsTestCase{
	{
		// a standard query with recursion desired.
		// 0000  1a 2b 01 00 00 01 00 00 00 00 00 00 03 77 77 77  .+...........www
		// 0010  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00  .example.com....
		// 0020  01                                               .
		name: "query A", transport: "udp", sport: 40000, dport: 53, malformed: false,
		msg:  "1a2b0100000100000000000003777777076578616d706c6503636f6d0000010001",
		info: "Standard query 0x1a2b A www.example.com",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "3",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x1a2b",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "www.example.com",
			"dns.qry.name.len":       "15",
			"dns.qry.type":           "1",
		},
	},
	{
		// the answer names the query by a compression pointer.
		// 0000  1a 2b 81 80 00 01 00 01 00 00 00 00 03 77 77 77  .+...........www
		// 0010  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00  .example.com....
		// 0020  01 c0 0c 00 01 00 01 00 00 0e 10 00 04 5d b8 d8  .............]..
		// 0030  22                                               "
		name: "response A", transport: "udp", sport: 40001, dport: 53, malformed: false,
		msg:  "1a2b8180000100010000000003777777076578616d706c6503636f6d0000010001c00c0001000100000e1000045db8d822",
		info: "Standard query response 0x1a2b A www.example.com A 93.184.216.34",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.a":                   "93.184.216.34",
			"dns.count.add_rr":        "0",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.labels":        "3",
			"dns.count.queries":       "1",
			"dns.flags":               "0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x1a2b",
			"dns.qry.class":           "0x0001",
			"dns.qry.name":            "www.example.com",
			"dns.qry.name.len":        "15",
			"dns.qry.type":            "1",
			"dns.resp.class":          "0x0001",
			"dns.resp.len":            "4",
			"dns.resp.name":           "www.example.com",
			"dns.resp.ttl":            "3600",
			"dns.resp.type":           "1",
		},
	},
	{
		// A, AAAA, CNAME, MX, TXT, PTR, SRV, NS, SPF, HINFO, SOA, OPT (cookie, client subnet, extended error, padding) and an unknown type.
		// 0000  2c 3d 85 80 00 01 00 0a 00 01 00 02 07 65 78 61  ,=...........exa
		// 0010  6d 70 6c 65 03 63 6f 6d 00 00 ff 00 01 c0 0c 00  mple.com........
		// 0020  01 00 01 00 00 0e 4d 00 04 5d b8 d8 22 c0 0c 00  ......M..].."...
		// 0030  1c 00 01 00 01 5f cd 00 10 20 01 0d b8 00 00 00  ....._... ......
		// 0040  00 00 00 00 00 00 00 00 01 03 77 77 77 c0 0c 00  ..........www...
		// 0050  05 00 01 00 00 00 00 00 02 c0 0c c0 0c 00 0f 00  ................
		// 0060  01 00 00 00 01 00 09 00 0a 04 6d 61 69 6c c0 0c  ..........mail..
		// 0070  c0 0c 00 10 00 01 00 00 00 3b 00 18 0b 68 65 6c  .........;...hel
		// 0080  6c 6f 20 77 6f 72 6c 64 0b 76 3d 73 70 66 31 20  lo world.v=spf1
		// 0090  2d 61 6c 6c 02 33 34 03 32 31 36 03 31 38 34 02  -all.34.216.184.
		// 00a0  39 33 07 69 6e 2d 61 64 64 72 04 61 72 70 61 00  93.in-addr.arpa.
		// 00b0  00 0c 00 01 80 00 00 00 00 02 c0 0c 04 5f 73 69  ............._si
		// 00c0  70 04 5f 74 63 70 c0 0c 00 21 00 01 00 00 01 2c  p._tcp...!.....,
		// 00d0  00 0c 00 0a 00 3c 13 c4 03 73 69 70 c0 0c c0 0c  .....<...sip....
		// 00e0  00 02 00 03 00 00 01 2c 00 06 03 6e 73 31 c0 0c  .......,...ns1..
		// 00f0  c0 0c 00 63 12 34 00 00 01 2c 00 04 03 61 62 63  ...c.4...,...abc
		// 0100  c0 0c 00 0d 00 01 00 00 01 2c 00 0a 03 78 38 36  .........,...x86
		// 0110  05 6c 69 6e 75 78 c0 0c 00 06 00 01 00 00 01 2c  .linux.........,
		// 0120  00 3d 03 6e 73 31 07 65 78 61 6d 70 6c 65 03 63  .=.ns1.example.c
		// 0130  6f 6d 00 0a 68 6f 73 74 6d 61 73 74 65 72 07 65  om..hostmaster.e
		// 0140  78 61 6d 70 6c 65 03 63 6f 6d 00 78 a3 f1 75 00  xample.com.x..u.
		// 0150  00 0e 10 00 00 03 84 00 12 75 00 00 00 01 2c 00  .........u....,.
		// 0160  00 29 04 d0 00 00 80 00 00 33 00 0a 00 10 aa bb  .).......3......
		// 0170  cc dd ee ff 00 11 01 02 03 04 05 06 07 08 00 08  ................
		// 0180  00 07 00 01 18 00 c0 00 02 00 0f 00 06 00 0b 6f  ...............o
		// 0190  6f 70 73 00 0c 00 02 00 00 fd e9 00 00 c0 0c fd  ops.............
		// 01a0  e8 00 01 00 00 01 2c 00 03 01 02 03              ......,.....
		name: "response with every common type", transport: "udp", sport: 40002, dport: 53, malformed: false,
		msg:  "2c3d85800001000a00010002076578616d706c6503636f6d0000ff0001c00c0001000100000e4d00045db8d822c00c001c000100015fcd001020010db800000000000000000000000103777777c00c00050001000000000002c00cc00c000f0001000000010009000a046d61696cc00cc00c001000010000003b00180b68656c6c6f20776f726c640b763d73706631202d616c6c023334033231360331383402393307696e2d61646472046172706100000c0001800000000002c00c045f736970045f746370c00c002100010000012c000c000a003c13c403736970c00cc00c000200030000012c0006036e7331c00cc00c006312340000012c000403616263c00c000d00010000012c000a03783836056c696e7578c00c000600010000012c003d036e7331076578616d706c6503636f6d000a686f73746d6173746572076578616d706c6503636f6d0078a3f17500000e1000000384001275000000012c00002904d0000080000033000a0010aabbccddeeff001101020304050607080008000700011800c00002000f0006000b6f6f7073000c00020000fde90000c00cfde800010000012c0003010203",
		info: "Standard query response 0x2c3d ANY example.com A 93.184.216.34 AAAA 2001:db8::1 CNAME example.com MX 10 mail.example.com TXT PTR example.com SRV 10 60 5060 sip.example.com NS ns1.example.com SPF HINFO x86 linux SOA ns1.example.com OPT Unknown (65000)",
		fields: map[string]string{
			"dns":                          "Domain Name System (response)",
			"dns.a":                        "93.184.216.34",
			"dns.aaaa":                     "2001:db8::1",
			"dns.cname":                    "example.com",
			"dns.count.add_rr":             "2",
			"dns.count.answers":            "10",
			"dns.count.auth_rr":            "1",
			"dns.count.labels":             "2",
			"dns.count.queries":            "1",
			"dns.data":                     "010203",
			"dns.flags":                    "0x8580",
			"dns.flags.authenticated":      "0",
			"dns.flags.authoritative":      "1",
			"dns.flags.checkdisable":       "0",
			"dns.flags.opcode":             "0",
			"dns.flags.rcode":              "0",
			"dns.flags.recavail":           "1",
			"dns.flags.recdesired":         "1",
			"dns.flags.response":           "1",
			"dns.flags.truncated":          "0",
			"dns.flags.z":                  "0",
			"dns.hinfo.cpu":                "x86",
			"dns.hinfo.cpu_length":         "3",
			"dns.hinfo.os":                 "linux",
			"dns.hinfo.os_length":          "5",
			"dns.id":                       "0x2c3d",
			"dns.mx.mail_exchange":         "mail.example.com",
			"dns.mx.preference":            "10",
			"dns.ns":                       "ns1.example.com",
			"dns.opt.client.addr4":         "192.0.2.0",
			"dns.opt.client.family":        "1",
			"dns.opt.client.netmask":       "24",
			"dns.opt.client.scope":         "0",
			"dns.opt.code":                 "10,8,15,12,65001",
			"dns.opt.cookie.client":        "aabbccddeeff0011",
			"dns.opt.cookie.server":        "0102030405060708",
			"dns.opt.data":                 "aabbccddeeff00110102030405060708,00011800c00002,000b6f6f7073,0000,<MISSING>",
			"dns.opt.ext_error.extra_text": "oops",
			"dns.opt.ext_error.info_code":  "11",
			"dns.opt.len":                  "16,7,6,2,0",
			"dns.opt.padding":              "0000",
			"dns.ptr.domain_name":          "example.com",
			"dns.qry.class":                "0x0001",
			"dns.qry.name":                 "example.com",
			"dns.qry.name.len":             "11",
			"dns.qry.type":                 "255",
			"dns.resp.class":               "0x0001,0x0001,0x0001,0x0001,0x0001,0x0001,0x0001,0x0003,0x1234,0x0001,0x0001,0x0001",
			"dns.resp.edns0_version":       "0",
			"dns.resp.ext_rcode":           "0x00",
			"dns.resp.len":                 "4,16,2,9,24,2,12,6,4,10,61,51,3",
			"dns.resp.name":                "example.com,example.com,www.example.com,example.com,example.com,34.216.184.93.in-addr.arpa,example.com,example.com,example.com,example.com,<Root>,example.com",
			"dns.resp.ttl":                 "3661,90061,0,1,59,2147483648,300,300,300,300,300,300",
			"dns.resp.type":                "1,28,5,15,16,12,33,2,99,13,6,41,65000",
			"dns.resp.z":                   "0x8000",
			"dns.resp.z.do":                "1",
			"dns.resp.z.reserved":          "0x0000",
			"dns.rr.udp_payload_size":      "1232",
			"dns.soa.expire_limit":         "1209600",
			"dns.soa.minimum_ttl":          "300",
			"dns.soa.mname":                "ns1.example.com",
			"dns.soa.refresh_interval":     "3600",
			"dns.soa.retry_interval":       "900",
			"dns.soa.rname":                "hostmaster.example.com",
			"dns.soa.serial_number":        "2024010101",
			"dns.spf":                      "abc",
			"dns.spf.length":               "3",
			"dns.srv.name":                 "example.com",
			"dns.srv.port":                 "5060",
			"dns.srv.priority":             "10",
			"dns.srv.proto":                "_tcp",
			"dns.srv.service":              "_sip",
			"dns.srv.target":               "sip.example.com",
			"dns.srv.weight":               "60",
			"dns.txt":                      "hello world,v=spf1 -all",
			"dns.txt.length":               "11,11",
		},
	},
	{
		// an NXDOMAIN answer with the SOA in the authority section.
		// 0000  4e 4f 81 83 00 01 00 00 00 01 00 00 02 6e 78 07  NO...........nx.
		// 0010  65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 1c 00 01  example.com.....
		// 0020  c0 0f 00 06 00 01 00 00 01 2c 00 3d 03 6e 73 31  .........,.=.ns1
		// 0030  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 0a 68 6f  .example.com..ho
		// 0040  73 74 6d 61 73 74 65 72 07 65 78 61 6d 70 6c 65  stmaster.example
		// 0050  03 63 6f 6d 00 78 a3 f1 75 00 00 0e 10 00 00 03  .com.x..u.......
		// 0060  84 00 12 75 00 00 00 01 2c                       ...u....,
		name: "no such name", transport: "udp", sport: 40003, dport: 53, malformed: false,
		msg:  "4e4f81830001000000010000026e78076578616d706c6503636f6d00001c0001c00f000600010000012c003d036e7331076578616d706c6503636f6d000a686f73746d6173746572076578616d706c6503636f6d0078a3f17500000e1000000384001275000000012c",
		info: "Standard query response 0x4e4f No such name AAAA nx.example.com SOA ns1.example.com",
		fields: map[string]string{
			"dns":                      "Domain Name System (response)",
			"dns.count.add_rr":         "0",
			"dns.count.answers":        "0",
			"dns.count.auth_rr":        "1",
			"dns.count.labels":         "3",
			"dns.count.queries":        "1",
			"dns.flags":                "0x8183",
			"dns.flags.authenticated":  "0",
			"dns.flags.authoritative":  "0",
			"dns.flags.checkdisable":   "0",
			"dns.flags.opcode":         "0",
			"dns.flags.rcode":          "3",
			"dns.flags.recavail":       "1",
			"dns.flags.recdesired":     "1",
			"dns.flags.response":       "1",
			"dns.flags.truncated":      "0",
			"dns.flags.z":              "0",
			"dns.id":                   "0x4e4f",
			"dns.qry.class":            "0x0001",
			"dns.qry.name":             "nx.example.com",
			"dns.qry.name.len":         "14",
			"dns.qry.type":             "28",
			"dns.resp.class":           "0x0001",
			"dns.resp.len":             "61",
			"dns.resp.name":            "example.com",
			"dns.resp.ttl":             "300",
			"dns.resp.type":            "6",
			"dns.soa.expire_limit":     "1209600",
			"dns.soa.minimum_ttl":      "300",
			"dns.soa.mname":            "ns1.example.com",
			"dns.soa.refresh_interval": "3600",
			"dns.soa.retry_interval":   "900",
			"dns.soa.rname":            "hostmaster.example.com",
			"dns.soa.serial_number":    "2024010101",
		},
	},
	{
		// the query name is a pointer to its own offset.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 c0 0c 00 01  ................
		// 0010  00 01                                            ..
		name: "pointer to itself", transport: "udp", sport: 40004, dport: 53, malformed: false,
		msg:  "0bad01000001000000000000c00c00010001",
		info: "Standard query 0x0bad A <Name contains a pointer that loops>",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "<Name contains a pointer that loops>",
			"dns.qry.name.len":       "36",
			"dns.qry.type":           "1",
		},
	},
	{
		// two pointers that point at each other.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 c0 0e c0 0c  ................
		// 0010  00 01 00 01                                      ....
		name: "pointer cycle", transport: "udp", sport: 40005, dport: 53, malformed: false,
		msg:  "0bad01000001000000000000c00ec00c00010001",
		info: "Standard query 0x0bad Unknown (49164) <Name contains a pointer that loops>",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "<Name contains a pointer that loops>",
			"dns.qry.name.len":       "36",
			"dns.qry.type":           "49164",
		},
	},
	{
		// a label followed by a pointer back to it.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 01 61 c0 0c  .............a..
		// 0010  00 01 00 01                                      ....
		name: "label then pointer loop", transport: "udp", sport: 40006, dport: 53, malformed: false,
		msg:  "0bad010000010000000000000161c00c00010001",
		info: "Standard query 0x0bad A <Name contains a pointer that loops>",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "<Name contains a pointer that loops>",
			"dns.qry.name.len":       "36",
			"dns.qry.type":           "1",
		},
	},
	{
		// Wireshark's self-pointer test takes a pointer to the 4th byte after it for a loop.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 c0 10 00 01  ................
		// 0010  00 01 01 62 00                                   ...b.
		name: "pointer 4 bytes ahead", transport: "udp", sport: 40007, dport: 53, malformed: false,
		msg:  "0bad01000001000000000000c01000010001016200",
		info: "Standard query 0x0bad A <Name contains a pointer that loops>",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "<Name contains a pointer that loops>",
			"dns.qry.name.len":       "36",
			"dns.qry.type":           "1",
		},
	},
	{
		// a pointer beyond the message.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 01 61 c0 ff  .............a..
		// 0010  00 01 00 01                                      ....
		name: "pointer past the end", transport: "udp", sport: 40008, dport: 53, malformed: true,
		msg:  "0bad010000010000000000000161c0ff00010001",
		info: "Standard query 0x0bad",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
		},
	},
	{
		// a label length with the top bits 10.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 01 61 80 00  .............a..
		// 0010  00 01 00 01                                      ....
		name: "reserved label type", transport: "udp", sport: 40009, dport: 53, malformed: true,
		msg:  "0bad010000010000000000000161800000010001",
		info: "Standard query 0x0bad",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
		},
	},
	{
		// label type 01 with an unknown extended type after a label.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 03 77 77 77  .............www
		// 0010  42 03 63 6f 6d 00 00 01 00 01                    B.com.....
		name: "unknown extended label", transport: "udp", sport: 40010, dport: 53, malformed: false,
		msg:  "0bad01000001000000000000037777774203636f6d0000010001",
		info: "Standard query 0x0bad Unknown (867) <Unknown extended label>",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
			"dns.qry.class":          "0x6f6d",
			"dns.qry.name":           "<Unknown extended label>",
			"dns.qry.name.len":       "24",
			"dns.qry.type":           "867",
		},
	},
	{
		// RFC 2673 bitstring label: Wireshark writes it but does not count it in the name length.
		// 0000  0b ad 01 00 00 01 00 00 00 00 00 00 03 77 77 77  .............www
		// 0010  41 10 ab cd 03 63 6f 6d 00 00 01 00 01           A....com.....
		name: "bitstring label", transport: "udp", sport: 40011, dport: 53, malformed: false,
		msg:  "0bad01000001000000000000037777774110abcd03636f6d0000010001",
		info: `Standard query 0x0bad A www\[xa`,
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0bad",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           `www\[xa`,
			"dns.qry.name.len":       "7",
			"dns.qry.type":           "1",
		},
	},
	{
		// NUL, TAB, DEL, a dot, a backslash, a space, invalid UTF-8, valid UTF-8 and a C1 control in labels.
		// 0000  0d d5 01 00 00 01 00 00 00 00 00 00 03 61 00 62  .............a.b
		// 0010  03 61 09 62 03 61 7f 62 03 61 2e 62 03 61 5c 62  .a.b.a.b.a.b.a\b
		// 0020  03 61 20 62 03 61 ff 62 02 c3 a9 02 c2 85 02 e2  .a b.a.b........
		// 0030  8b 00 00 01 00 01                                ......
		name: "odd bytes in labels", transport: "udp", sport: 40012, dport: 53, malformed: false,
		msg:  "0dd501000001000000000000036100620361096203617f6203612e6203615c62036120620361ff6202c3a902c28502e28b0000010001",
		info: "Standard query 0x0dd5 A a\\000b.a\\tb.a\\177b.a.b.a\\b.a b.a�b.é.\\u0085.�",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "11",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0dd5",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "a\\000b.a\\tb.a\\177b.a.b.a\\b.a b.a�b.é.\\u0085.�",
			"dns.qry.name.len":       "36",
			"dns.qry.type":           "1",
		},
	},
	{
		// the root gives <Root>; a one-byte name has length and label count 0.
		// 0000  0e 0e 01 00 00 02 00 00 00 00 00 00 00 00 02 00  ................
		// 0010  01 01 61 00 00 01 00 01                          ..a.....
		name: "root and one-letter names", transport: "udp", sport: 40013, dport: 53, malformed: false,
		msg:  "0e0e01000002000000000000000002000101610000010001",
		info: "Standard query 0x0e0e NS <Root> A a",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "1,0",
			"dns.count.queries":      "2",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0e0e",
			"dns.qry.class":          "0x0001,0x0001",
			"dns.qry.name":           "<Root>,a",
			"dns.qry.name.len":       "6,0",
			"dns.qry.type":           "2,1",
		},
	},
	{
		// a name of 253 characters is shown; one of 254 is <Name too long>.
		// 0000  10 10 01 00 00 02 00 00 00 00 00 00 3f 61 61 61  ............?aaa
		// 0010  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0020  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0030  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0040  61 61 61 61 61 61 61 61 61 61 61 61 3f 61 61 61  aaaaaaaaaaaa?aaa
		// 0050  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0060  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0070  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0080  61 61 61 61 61 61 61 61 61 61 61 61 3f 61 61 61  aaaaaaaaaaaa?aaa
		// 0090  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 00a0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 00b0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 00c0  61 61 61 61 61 61 61 61 61 61 61 61 3d 61 61 61  aaaaaaaaaaaa=aaa
		// 00d0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 00e0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 00f0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0100  61 61 61 61 61 61 61 61 61 61 00 00 01 00 01 3f  aaaaaaaaaa.....?
		// 0110  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0120  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0130  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0140  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 3f  aaaaaaaaaaaaaaa?
		// 0150  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0160  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0170  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0180  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 3f  aaaaaaaaaaaaaaa?
		// 0190  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 01a0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 01b0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 01c0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 3e  aaaaaaaaaaaaaaa>
		// 01d0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 01e0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 01f0  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
		// 0200  61 61 61 61 61 61 61 61 61 61 61 61 61 61 00 00  aaaaaaaaaaaaaa..
		// 0210  01 00 01                                         ...
		name: "253 and 254 characters", transport: "udp", sport: 40014, dport: 53, malformed: false,
		msg:  "1010010000020000000000003f6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161613f6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161613f6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161613d6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616100000100013f6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161613f6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161613f6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161613e61616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161610000010001",
		info: "Standard query 0x1010 A aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa A <Name too long>",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "4,1",
			"dns.count.queries":      "2",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x1010",
			"dns.qry.class":          "0x0001,0x0001",
			"dns.qry.name":           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,<Name too long>",
			"dns.qry.name.len":       "253,15",
			"dns.qry.type":           "1,1",
		},
	},
	{
		// only 10 bytes: the counts that fit are shown.
		// 0000  12 34 01 00 00 01 00 00 00 00                    .4........
		name: "header cut short", transport: "udp", sport: 40015, dport: 53, malformed: true,
		msg:  "12340100000100000000",
		info: "Standard query 0x1234",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x1234",
		},
	},
	{
		// too short for the ID and the flags: no DNS fields at all.
		// 0000  12 34 01                                         .4.
		name: "three bytes", transport: "udp", sport: 40016, dport: 53, malformed: true,
		msg:    "123401",
		info:   "",
		fields: map[string]string{},
	},
	{
		// the name runs past the end of the message.
		// 0000  12 34 01 00 00 01 00 00 00 00 00 00 03 77 77 77  .4...........www
		// 0010  07 65 78 61                                      .exa
		name: "query cut short", transport: "udp", sport: 40017, dport: 53, malformed: true,
		msg:  "1234010000010000000000000377777707657861",
		info: "Standard query 0x1234",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x1234",
		},
	},
	{
		// the name ends but the type and class do not fit.
		// 0000  12 34 01 00 00 01 00 00 00 00 00 00 03 77 77 77  .4...........www
		// 0010  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00        .example.com..
		name: "type cut short", transport: "udp", sport: 40018, dport: 53, malformed: true,
		msg:  "12340100000100000000000003777777076578616d706c6503636f6d0000",
		info: "Standard query 0x1234",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x1234",
		},
	},
	{
		// an A record with only 2 of its 4 bytes: the record header is kept.
		// 0000  12 34 81 80 00 01 00 01 00 00 00 00 01 61 07 65  .4...........a.e
		// 0010  78 61 6d 70 6c 65 00 00 01 00 01 c0 0c 00 01 00  xample..........
		// 0020  01 00 00 00 3c 00 04 0a 00                       ....<....
		name: "record data cut short", transport: "udp", sport: 40019, dport: 53, malformed: true,
		msg:  "1234818000010001000000000161076578616d706c650000010001c00c000100010000003c00040a00",
		info: "Standard query response 0x1234 A a.example A",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.count.add_rr":        "0",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.labels":        "2",
			"dns.count.queries":       "1",
			"dns.flags":               "0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x1234",
			"dns.qry.class":           "0x0001",
			"dns.qry.name":            "a.example",
			"dns.qry.name.len":        "9",
			"dns.qry.type":            "1",
		},
	},
	{
		// the header announces 3 questions and 5 answers but holds one question.
		// 0000  12 34 01 00 00 03 00 05 00 00 00 00 01 61 07 65  .4...........a.e
		// 0010  78 61 6d 70 6c 65 00 00 01 00 01                 xample.....
		name: "counts larger than the message", transport: "udp", sport: 40020, dport: 53, malformed: true,
		msg:  "1234010000030005000000000161076578616d706c650000010001",
		info: "Standard query 0x1234 A a.example",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "5",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "2",
			"dns.count.queries":      "3",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x1234",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "a.example",
			"dns.qry.name.len":       "9",
			"dns.qry.type":           "1",
		},
	},
	{
		// Wireshark reads only the 4 bytes of an A record, so a record length beyond the end is not an error when no record follows.
		// 0000  12 34 81 80 00 01 00 01 00 00 00 00 01 61 07 65  .4...........a.e
		// 0010  78 61 6d 70 6c 65 00 00 01 00 01 c0 0c 00 01 00  xample..........
		// 0020  01 00 00 00 3c 00 40 0a 00 00 01                 ....<.@....
		name: "long record length at the end", transport: "udp", sport: 40021, dport: 53, malformed: true,
		msg:  "1234818000010001000000000161076578616d706c650000010001c00c000100010000003c00400a000001",
		info: "Standard query response 0x1234 A a.example A",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.count.add_rr":        "0",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.labels":        "2",
			"dns.count.queries":       "1",
			"dns.flags":               "0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x1234",
			"dns.qry.class":           "0x0001",
			"dns.qry.name":            "a.example",
			"dns.qry.name.len":        "9",
			"dns.qry.type":            "1",
		},
	},
	{
		// a character-string longer than the record data: Wireshark reads on and fails at the end of the message.
		// 0000  12 34 81 80 00 01 00 01 00 00 00 00 01 61 07 65  .4...........a.e
		// 0010  78 61 6d 70 6c 65 00 00 10 00 01 c0 0c 00 10 00  xample..........
		// 0020  01 00 00 01 2c 00 03 02 61 62 05                 ....,...ab.
		name: "TXT string past its record", transport: "udp", sport: 40022, dport: 53, malformed: false,
		msg:  "1234818000010001000000000161076578616d706c650000100001c00c001000010000012c000302616205",
		info: "Standard query response 0x1234 TXT a.example TXT",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.count.add_rr":        "0",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.labels":        "2",
			"dns.count.queries":       "1",
			"dns.flags":               "0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x1234",
			"dns.qry.class":           "0x0001",
			"dns.qry.name":            "a.example",
			"dns.qry.name.len":        "9",
			"dns.qry.type":            "16",
			"dns.resp.class":          "0x0001",
			"dns.resp.len":            "3",
			"dns.resp.name":           "a.example",
			"dns.resp.ttl":            "300",
			"dns.resp.type":           "16",
			"dns.txt":                 "ab",
			"dns.txt.length":          "2",
		},
	},
	{
		// the option header is shown, its data is not.
		// 0000  12 34 81 80 00 00 00 00 00 00 00 01 00 00 29 04  .4............).
		// 0010  d0 00 00 01 2c 00 0c 00 0a 00 64 aa bb cc dd ee  ....,.....d.....
		// 0020  ff 00 11                                         ...
		name: "EDNS option past the end", transport: "udp", sport: 40023, dport: 53, malformed: true,
		msg:  "12348180000000000000000100002904d00000012c000c000a0064aabbccddeeff0011",
		info: "Standard query response 0x1234 OPT",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.count.add_rr":        "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.queries":       "0",
			"dns.flags":               "0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x1234",
			"dns.opt.code":            "10",
			"dns.opt.len":             "100",
			"dns.resp.edns0_version":  "0",
			"dns.resp.ext_rcode":      "0x00",
			"dns.resp.len":            "12",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.z":              "0x012c",
			"dns.resp.z.do":           "0",
			"dns.resp.z.reserved":     "0x012c",
			"dns.rr.udp_payload_size": "1232",
		},
	},
	{
		// the types of an NSEC bitmap are dns.resp.type items.
		// 0000  47 47 81 80 00 00 00 01 00 00 00 00 01 61 07 65  GG...........a.e
		// 0010  78 61 6d 70 6c 65 00 00 2f 00 01 00 00 01 2c 00  xample../.....,.
		// 0020  14 01 62 07 65 78 61 6d 70 6c 65 00 00 06 62 00  ..b.example...b.
		// 0030  00 00 00 03 01                                   .....
		name: "NSEC type bitmap", transport: "udp", sport: 40024, dport: 53, malformed: true,
		msg:  "4747818000000001000000000161076578616d706c6500002f00010000012c00140162076578616d706c6500000662000000000301",
		info: "Standard query response 0x4747 NSEC b.example",
		fields: map[string]string{
			"dns":                       "Domain Name System (response)",
			"dns.count.add_rr":          "0",
			"dns.count.answers":         "1",
			"dns.count.auth_rr":         "0",
			"dns.count.queries":         "0",
			"dns.flags":                 "0x8180",
			"dns.flags.authenticated":   "0",
			"dns.flags.authoritative":   "0",
			"dns.flags.checkdisable":    "0",
			"dns.flags.opcode":          "0",
			"dns.flags.rcode":           "0",
			"dns.flags.recavail":        "1",
			"dns.flags.recdesired":      "1",
			"dns.flags.response":        "1",
			"dns.flags.truncated":       "0",
			"dns.flags.z":               "0",
			"dns.id":                    "0x4747",
			"dns.nsec.next_domain_name": "b.example",
			"dns.resp.class":            "0x0001",
			"dns.resp.len":              "20",
			"dns.resp.name":             "a.example",
			"dns.resp.ttl":              "300",
			"dns.resp.type":             "47,1,2,6,46,47",
		},
	},
	{
		// opcode 5 names the counts zones, prerequisites and updates.
		// 0000  bb 50 28 00 00 01 00 00 00 01 00 00 07 65 78 61  .P(..........exa
		// 0010  6d 70 6c 65 03 6f 72 67 00 00 06 00 01 04 68 6f  mple.org......ho
		// 0020  73 74 c0 0c 00 01 00 01 00 00 01 2c 00 04 c0 00  st.........,....
		// 0030  02 07                                            ..
		name: "dynamic update", transport: "udp", sport: 40025, dport: 53, malformed: false,
		msg:  "bb5028000001000000010000076578616d706c65036f7267000006000104686f7374c00c000100010000012c0004c0000207",
		info: "Dynamic update 0xbb50 SOA example.org A 192.0.2.7",
		fields: map[string]string{
			"dns":                     "Domain Name System (query)",
			"dns.a":                   "192.0.2.7",
			"dns.count.add_rr":        "0",
			"dns.count.labels":        "2",
			"dns.count.prerequisites": "0",
			"dns.count.updates":       "1",
			"dns.count.zones":         "1",
			"dns.flags":               "0x2800",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "5",
			"dns.flags.recdesired":    "0",
			"dns.flags.response":      "0",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0xbb50",
			"dns.qry.class":           "0x0001",
			"dns.qry.name":            "example.org",
			"dns.qry.name.len":        "11",
			"dns.qry.type":            "6",
			"dns.resp.class":          "0x0001",
			"dns.resp.len":            "4",
			"dns.resp.name":           "host.example.org",
			"dns.resp.ttl":            "300",
			"dns.resp.type":           "1",
		},
	},
	{
		// values without names.
		// 0000  0f 0f c8 0d 00 00 00 00 00 00 00 00              ............
		name: "unknown opcode and rcode", transport: "udp", sport: 40026, dport: 53, malformed: false,
		msg:  "0f0fc80d0000000000000000",
		info: "Unknown operation (9) response 0x0f0f Unknown error (13)",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.count.add_rr":        "0",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.queries":       "0",
			"dns.flags":               "0xc80d",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "9",
			"dns.flags.rcode":         "13",
			"dns.flags.recavail":      "0",
			"dns.flags.recdesired":    "0",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x0f0f",
		},
	},
	{
		// QU and QM questions.
		// 0000  00 00 00 00 00 02 00 00 00 00 00 00 09 5f 73 65  ............._se
		// 0010  72 76 69 63 65 73 07 5f 64 6e 73 2d 73 64 04 5f  rvices._dns-sd._
		// 0020  75 64 70 05 6c 6f 63 61 6c 00 00 0c 80 01 04 68  udp.local......h
		// 0030  6f 73 74 05 6c 6f 63 61 6c 00 00 01 00 01        ost.local.....
		name: "mDNS query", transport: "udp", sport: 40027, dport: 5353, malformed: false,
		msg:  "000000000002000000000000095f7365727669636573075f646e732d7364045f756470056c6f63616c00000c800104686f7374056c6f63616c0000010001",
		info: `Standard query 0x0000 PTR _services._dns-sd._udp.local, "QU" question A host.local, "QM" question`,
		fields: map[string]string{
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "4,2",
			"dns.count.queries":      "2",
			"dns.flags":              "0x0000",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "0",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x0000",
			"dns.qry.class":          "0x0001,0x0001",
			"dns.qry.name":           "_services._dns-sd._udp.local,host.local",
			"dns.qry.name.len":       "28,10",
			"dns.qry.qu":             "1,0",
			"dns.qry.type":           "12,1",
			"mdns":                   "Multicast Domain Name System (query)",
		},
	},
	{
		// cache-flush bit; the OPT payload size is shown in hexadecimal by tshark.
		// 0000  00 00 84 00 00 00 00 02 00 00 00 01 04 68 6f 73  .............hos
		// 0010  74 05 6c 6f 63 61 6c 00 00 01 80 01 00 00 00 78  t.local........x
		// 0020  00 04 0a 00 00 05 c0 0c 00 10 80 01 00 00 01 2c  ...............,
		// 0030  00 0a 09 70 61 74 68 3d 2f c3 a9 ff 00 00 29 05  ...path=/.....).
		// 0040  a0 00 00 00 00 00 00                             .......
		name: "mDNS response", transport: "udp", sport: 40028, dport: 5353, malformed: false,
		msg:  "00008400000000020000000104686f7374056c6f63616c00000180010000007800040a000005c00c001080010000012c000a09706174683d2fc3a9ff00002905a0000000000000",
		info: "Standard query response 0x0000 A, cache flush 10.0.0.5 TXT, cache flush OPT",
		fields: map[string]string{
			"dns.a":                   "10.0.0.5",
			"dns.count.add_rr":        "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.queries":       "0",
			"dns.flags":               "0x8400",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "1",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "0",
			"dns.flags.recdesired":    "0",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x0000",
			"dns.resp.cache_flush":    "1,1,0",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.edns0_version":  "0",
			"dns.resp.ext_rcode":      "0x00",
			"dns.resp.len":            "4,10,0",
			"dns.resp.name":           "host.local,host.local,<Root>",
			"dns.resp.ttl":            "120,300",
			"dns.resp.type":           "1,16,41",
			"dns.resp.z":              "0x0000",
			"dns.resp.z.do":           "0",
			"dns.resp.z.reserved":     "0x0000",
			"dns.rr.udp_payload_size": "0x05a0",
			"dns.txt":                 "path=/é�",
			"dns.txt.length":          "9",
			"mdns":                    "Multicast Domain Name System (response)",
		},
	},
	{
		// conflict and tentative flags.
		// 0000  00 77 00 00 00 01 00 00 00 00 00 00 04 77 70 61  .w...........wpa
		// 0010  64 00 00 01 00 01                                d.....
		name: "LLMNR query", transport: "udp", sport: 40029, dport: 5355, malformed: false,
		msg:  "00770000000100000000000004777061640000010001",
		info: "Standard query 0x0077 A wpad",
		fields: map[string]string{
			"dns.count.add_rr":    "0",
			"dns.count.answers":   "0",
			"dns.count.auth_rr":   "0",
			"dns.count.labels":    "1",
			"dns.count.queries":   "1",
			"dns.flags":           "0x0000",
			"dns.flags.conflict":  "0",
			"dns.flags.opcode":    "0",
			"dns.flags.response":  "0",
			"dns.flags.tentative": "0",
			"dns.flags.truncated": "0",
			"dns.id":              "0x0077",
			"dns.qry.class":       "0x0001",
			"dns.qry.name":        "wpad",
			"dns.qry.name.len":    "4",
			"dns.qry.type":        "1",
			"llmnr":               "Link-local Multicast Name Resolution (query)",
		},
	},
	{
		// conflict and tentative flags with a reply code.
		// 0000  00 77 84 00 00 01 00 01 00 00 00 00 04 77 70 61  .w...........wpa
		// 0010  64 00 00 01 00 01 c0 0c 00 01 00 01 00 00 00 1e  d...............
		// 0020  00 04 0a 00 00 09                                ......
		name: "LLMNR response", transport: "udp", sport: 40030, dport: 5355, malformed: false,
		msg:  "00778400000100010000000004777061640000010001c00c000100010000001e00040a000009",
		info: "Standard query response 0x0077 A wpad A 10.0.0.9",
		fields: map[string]string{
			"dns.a":               "10.0.0.9",
			"dns.count.add_rr":    "0",
			"dns.count.answers":   "1",
			"dns.count.auth_rr":   "0",
			"dns.count.labels":    "1",
			"dns.count.queries":   "1",
			"dns.flags":           "0x8400",
			"dns.flags.conflict":  "1",
			"dns.flags.opcode":    "0",
			"dns.flags.rcode":     "0",
			"dns.flags.response":  "1",
			"dns.flags.tentative": "0",
			"dns.flags.truncated": "0",
			"dns.id":              "0x0077",
			"dns.qry.class":       "0x0001",
			"dns.qry.name":        "wpad",
			"dns.qry.name.len":    "4",
			"dns.qry.type":        "1",
			"dns.resp.class":      "0x0001",
			"dns.resp.len":        "4",
			"dns.resp.name":       "wpad",
			"dns.resp.ttl":        "30",
			"dns.resp.type":       "1",
			"llmnr":               "Link-local Multicast Name Resolution (response)",
		},
	},
	{
		// over TCP the message has a 2-byte length prefix.
		// 0000  00 21 43 19 01 00 00 01 00 00 00 00 00 00 03 77  .!C............w
		// 0010  77 77 07 74 63 70 64 75 6d 70 03 6f 72 67 00 00  ww.tcpdump.org..
		// 0020  01 00 01                                         ...
		name: "TCP query", transport: "tcp", sport: 40031, dport: 53, malformed: false,
		msg:  "0021431901000001000000000000037777770774637064756d70036f72670000010001",
		info: "Standard query 0x4319 A www.tcpdump.org",
		fields: map[string]string{
			"dns":                    "Domain Name System (query)",
			"dns.count.add_rr":       "0",
			"dns.count.answers":      "0",
			"dns.count.auth_rr":      "0",
			"dns.count.labels":       "3",
			"dns.count.queries":      "1",
			"dns.flags":              "0x0100",
			"dns.flags.checkdisable": "0",
			"dns.flags.opcode":       "0",
			"dns.flags.recdesired":   "1",
			"dns.flags.response":     "0",
			"dns.flags.truncated":    "0",
			"dns.flags.z":            "0",
			"dns.id":                 "0x4319",
			"dns.length":             "33",
			"dns.qry.class":          "0x0001",
			"dns.qry.name":           "www.tcpdump.org",
			"dns.qry.name.len":       "15",
			"dns.qry.type":           "1",
		},
	},
	{
		// two whole messages in one segment are two DNS layers.
		// 0000  00 21 43 19 01 00 00 01 00 00 00 00 00 00 03 77  .!C............w
		// 0010  77 77 07 74 63 70 64 75 6d 70 03 6f 72 67 00 00  ww.tcpdump.org..
		// 0020  01 00 01 00 31 43 19 81 80 00 01 00 01 00 00 00  ....1C..........
		// 0030  00 03 77 77 77 07 74 63 70 64 75 6d 70 03 6f 72  ..www.tcpdump.or
		// 0040  67 00 00 01 00 01 c0 0c 00 01 00 01 00 00 00 3c  g..............<
		// 0050  00 04 c0 8b 2e 42                                .....B
		name: "TCP two messages", transport: "tcp", sport: 40032, dport: 53, malformed: false,
		msg:  "0021431901000001000000000000037777770774637064756d70036f726700000100010031431981800001000100000000037777770774637064756d70036f72670000010001c00c000100010000003c0004c08b2e42",
		info: "Standard query response 0x4319 A www.tcpdump.org A 192.139.46.66",
		fields: map[string]string{
			"dns":                     "Domain Name System (query),Domain Name System (response)",
			"dns.a":                   "192.139.46.66",
			"dns.count.add_rr":        "0,0",
			"dns.count.answers":       "0,1",
			"dns.count.auth_rr":       "0,0",
			"dns.count.labels":        "3,3",
			"dns.count.queries":       "1,1",
			"dns.flags":               "0x0100,0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0,0",
			"dns.flags.opcode":        "0,0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1,1",
			"dns.flags.response":      "0,1",
			"dns.flags.truncated":     "0,0",
			"dns.flags.z":             "0,0",
			"dns.id":                  "0x4319,0x4319",
			"dns.length":              "33,49",
			"dns.qry.class":           "0x0001,0x0001",
			"dns.qry.name":            "www.tcpdump.org,www.tcpdump.org",
			"dns.qry.name.len":        "15,15",
			"dns.qry.type":            "1,1",
			"dns.resp.class":          "0x0001",
			"dns.resp.len":            "4",
			"dns.resp.name":           "www.tcpdump.org",
			"dns.resp.ttl":            "60",
			"dns.resp.type":           "1",
		},
	},
	{
		// the part that continues in a later segment is Data.
		// 0000  00 31 43 19 81 80 00 01 00 01 00 00 00 00 03 77  .1C............w
		// 0010  77 77 07 74 63 70 64 75 6d 70 03 6f 72 67 00 00  ww.tcpdump.org..
		// 0020  01 00 01 c0 0c 00 01 00 01 00 00 00 3c 00 04 c0  ............<...
		// 0030  8b 2e 42 00 21 43 19 01 00 00 01 00              ..B.!C......
		name: "TCP message and part of another", transport: "tcp", sport: 40033, dport: 53, malformed: false,
		msg:  "0031431981800001000100000000037777770774637064756d70036f72670000010001c00c000100010000003c0004c08b2e42002143190100000100",
		info: "Standard query response 0x4319 A www.tcpdump.org A 192.139.46.66",
		fields: map[string]string{
			"dns":                     "Domain Name System (response)",
			"dns.a":                   "192.139.46.66",
			"dns.count.add_rr":        "0",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.labels":        "3",
			"dns.count.queries":       "1",
			"dns.flags":               "0x8180",
			"dns.flags.authenticated": "0",
			"dns.flags.authoritative": "0",
			"dns.flags.checkdisable":  "0",
			"dns.flags.opcode":        "0",
			"dns.flags.rcode":         "0",
			"dns.flags.recavail":      "1",
			"dns.flags.recdesired":    "1",
			"dns.flags.response":      "1",
			"dns.flags.truncated":     "0",
			"dns.flags.z":             "0",
			"dns.id":                  "0x4319",
			"dns.length":              "49",
			"dns.qry.class":           "0x0001",
			"dns.qry.name":            "www.tcpdump.org",
			"dns.qry.name.len":        "15",
			"dns.qry.type":            "1",
			"dns.resp.class":          "0x0001",
			"dns.resp.len":            "4",
			"dns.resp.name":           "www.tcpdump.org",
			"dns.resp.ttl":            "60",
			"dns.resp.type":           "1",
		},
	},
	{
		// a segment with only the start of a message is Data, not a malformed DNS.
		// 0000  00 31 43 19 81 80 00 01 00 01 00 00 00 00 03 77  .1C............w
		// 0010  77 77 07 74                                      ww.t
		name: "TCP part of a message", transport: "tcp", sport: 40034, dport: 53, malformed: false,
		msg:    "0031431981800001000100000000037777770774",
		info:   "40034 → 53 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=20 [TCP segment of a reassembled PDU]",
		fields: map[string]string{},
	},
	{
		// not even the length prefix.
		// 0000  00                                               .
		name: "TCP one byte", transport: "tcp", sport: 40035, dport: 53, malformed: false,
		msg:    "00",
		info:   "40035 → 53 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=1 [TCP segment of a reassembled PDU]",
		fields: map[string]string{},
	},
	{
		// a length prefix of 0: a malformed DNS layer.
		// 0000  00 00                                            ..
		name: "TCP empty message", transport: "tcp", sport: 40036, dport: 53, malformed: true,
		msg:    "0000",
		info:   "",
		fields: map[string]string{},
	},
}

// dnsKnownDeviations lists the values wirelens shows differently from tshark, and why.
var dnsKnownDeviations = map[string]map[string]string{
	// Wireshark registers dns.rr.udp_payload_size twice, in hexadecimal for mDNS; wirelens has one
	// field, in decimal.
	"mDNS response": {"dns.rr.udp_payload_size": "1440"},
}

func TestDNSCases(t *testing.T) {
	fields := dnsFields()
	for _, tc := range dnsTestCases {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := hex.DecodeString(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			p := dnsTestDecode(dnsTestFrame(tc.transport, tc.sport, tc.dport, msg))
			for _, in := range fields {
				want := tc.fields[in.Abbrev]
				if v, ok := dnsKnownDeviations[tc.name][in.Abbrev]; ok {
					want = v
				}
				got := dnsTestValues(p, in)
				if in.Type == field.Protocol {
					if (got != "") != (want != "") {
						t.Errorf("%s present = %v, want %v", in.Abbrev, got != "", want != "")
					}
					continue
				}
				if got != want {
					t.Errorf("%s = %q, want %q", in.Abbrev, got, want)
				}
			}
			if got := p.Bad.Proto != ProtoNone; got != tc.malformed {
				t.Errorf("malformed = %v (%q), want %v", got, p.Bad.Reason, tc.malformed)
			}
			if got := dnsTestSummary(p); p.Has(ProtoDNS) && got != tc.info {
				t.Errorf("summary = %q, want %q", got, tc.info)
			}
			dnsCheckTree(t, p)
		})
	}
}

// TestDNSNameText checks the escaping of label bytes against what tshark shows for the name
// "<label>.z".
func TestDNSNameText(t *testing.T) {
	for i, tc := range []struct{ label, want string }{
		{"612e62", "a.b"},
		{"612062", "a b"},
		{"615c62", "a\\b"},
		{"610062", "a\\000b"},
		{"617f62", "a\\177b"},
		{"618062", "a�b"},
		{"61ff62", "a�b"},
		{"61c3a962", "aéb"},
		{"610962", "a\\tb"},
		{"610a62", "a\\nb"},
		{"612c62", "a,b"},
		{"e282ac", "€"},
		{"61e2ac62", "a�b"},
		{"c285", "\\u0085"},
		{"c2a0", " "},
		{"e2808b", "\\u200B"},
		{"cdb8", "\\u0378"},
		{"c080", "\\u0000"},
		{"eda080", "�"},
		{"f888808080", "�"},
		{"fc8480808080", "�"},
		{"f4908080", "�"},
		{"e08080", "\\u0000"},
		{"07", "\\a"},
		{"08", "\\b"},
		{"0b", "\\v"},
		{"0c", "\\f"},
		{"0d", "\\r"},
		{"1b", "\\033"},
		{"7f", "\\177"},
		{"f09f9880", "😀"},
		{"c2", "�"},
		{"e282", "�"},
		{"61c2", "a�"},
		{"efbfbd", "�"},
		{"efbfbe", "\\uFFFE"},
		{"c2ad", "\\u00AD"},
		{"e28087", " "},
		{"ee8080", ""},
		{"20", " "},
		{"5c78", "\\x"},
		{"c3", "�"},
		{"f3a08081", "\\U000E0001"},
		{"f09fbfbf", "\\U0001FFFF"},
		{"f0908080", "𐀀"},
		{"c1bf", "\\u007F"},
		{"e0a080", "ࠀ"},
		{"c0", "�"},
		{"f0", "�"},
		{"80bf", "��"},
		{"ed9fbf", "\\uD7FF"},
		{"f48fbfbf", "\\U0010FFFF"},
		{"fe", "�"},
		{"ff41", "�A"},
		{"22", "\""},
	} {
		label, _ := hex.DecodeString(tc.label)
		msg := []byte{0, byte(i), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, byte(len(label))}
		msg = append(append(msg, label...), 1, 'z', 0, 0, 1, 0, 1)
		p := dnsTestDecode(dnsTestFrame("udp", 30000, 53, msg))
		if got := dnsTestValues(p, field.Lookup("dns.qry.name")); got != tc.want+".z" {
			t.Errorf("label %s: name %q, want %q", tc.label, got, tc.want+".z")
		}
	}
}

func TestDNSTree(t *testing.T) {
	m, _ := hex.DecodeString(dnsTestCaseByName("response with every common type").msg)
	p := dnsTestDecode(dnsTestFrame("udp", 40002, 53, m))
	var lines []string
	var walk func(ns []*Node, ind string)
	walk = func(ns []*Node, ind string) {
		for _, n := range ns {
			lines = append(lines, ind+n.Label)
			walk(n.Children, ind+"  ")
		}
	}
	for _, n := range p.Tree() {
		if n.Field == "dns" {
			walk([]*Node{n}, "")
		}
	}
	got := strings.Join(lines, "\n")
	// Lines of tshark -V for this packet.
	for _, want := range []string{
		"Domain Name System (response)",
		"  Flags: 0x8580 Standard query response, No error",
		"    1... .... .... .... = Response: Message is a response",
		"    .000 0... .... .... = Opcode: Standard query (0)",
		"    .... .1.. .... .... = Authoritative: Server is an authority for domain",
		"    .... .... .... 0000 = Reply code: No error (0)",
		"  Queries",
		"    example.com: type ANY, class IN",
		"      [Name Length: 11]",
		"      Type: * (A request for all records the server/cache has available) (255)",
		"    example.com: type A, class IN, addr 93.184.216.34",
		"      Time to live: 3661 (1 hour, 1 minute, 1 second)",
		"    example.com: type AAAA, class IN, addr 2001:db8::1",
		"    www.example.com: type CNAME, class IN, cname example.com",
		"    example.com: type MX, class IN, preference 10, mx mail.example.com",
		"    34.216.184.93.in-addr.arpa: type PTR, class IN, example.com",
		"      Time to live: 2147483648 (24855 days, 3 hours, 14 minutes, 8 seconds)",
		"        [Expert Info (Warning/Protocol): The uppermost bit of the TTL is set (RFC 2181, section 8)]",
		"    _sip._tcp.example.com: type SRV, class IN, priority 10, weight 60, port 5060, target sip.example.com",
		"      Service: _sip",
		"    example.com: type NS, class CH, ns ns1.example.com",
		"    example.com: type SPF, class Unknown",
		"      Class: Unknown (0x1234)",
		"    example.com: type HINFO, class IN, CPU x86, OS linux",
		"  Authoritative nameservers",
		"    example.com: type SOA, class IN, mname ns1.example.com",
		"      Responsible authority's mailbox: hostmaster.example.com",
		"      Expire limit: 1209600 (14 days)",
		"  Additional records",
		"    <Root>: type OPT",
		"      Z: 0x8000",
		"        1... .... .... .... = DO bit: Accepts DNSSEC security RRs",
		"      Option: COOKIE",
		"        Option Code: COOKIE (10)",
		"        Client Cookie: aabbccddeeff0011",
		"      Option: CSUBNET - Client subnet",
		"        Client Subnet: 192.0.2.0",
		"      Option: Unknown (65001)",
		"        Option Data: <MISSING>",
		"    example.com: type Unknown (65000), class IN",
		"      Type: Unknown (65000)",
		"      [Expert Info (Note/Undecoded): Dissector for DNS Type (65000) code not implemented, Contact Wireshark developers if you want this supported]",
		"      Data: 010203",
	} {
		if !strings.Contains("\n"+got+"\n", "\n"+want+"\n") {
			t.Errorf("tree lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

func dnsTestCaseByName(name string) dnsTestCase {
	for _, tc := range dnsTestCases {
		if tc.name == name {
			return tc
		}
	}
	panic(name)
}

// TestDNSTCPLayers checks the layers of segments holding whole messages, parts of them, or both.
func TestDNSTCPLayers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layers string
	}{
		{"TCP query", "eth ip tcp dns"},
		{"TCP two messages", "eth ip tcp dns dns"},
		{"TCP message and part of another", "eth ip tcp dns data"},
		{"TCP part of a message", "eth ip tcp data"},
		{"TCP one byte", "eth ip tcp data"},
		{"TCP empty message", "eth ip tcp dns"},
	} {
		c := dnsTestCaseByName(tc.name)
		m, _ := hex.DecodeString(c.msg)
		p := dnsTestDecode(dnsTestFrame(c.transport, c.sport, c.dport, m))
		var got []string
		for i := 0; i < p.N; i++ {
			got = append(got, protocols[p.Layers[i].Proto].filter)
		}
		if s := strings.Join(got, " "); s != tc.layers {
			t.Errorf("%s: layers %q, want %q", tc.name, s, tc.layers)
		}
	}
}

type dnsCaptureFrame struct {
	num       int
	malformed bool
	info      string            // "" for a frame without DNS; a long one as its first 200 bytes, "…", its length
	fields    map[string]string // the values of dnsCaptureFields tshark shows ("v×n": n times v)
}

type dnsCaptureCase struct {
	file   string
	frames []dnsCaptureFrame
}

// TestDNSCaptures compares real captures with tshark's view of them.
func TestDNSCaptures(t *testing.T) {
	for _, cc := range dnsCaptureCases {
		t.Run(cc.file, func(t *testing.T) {
			f, err := capture.Open(filepath.Join("testdata", "dns", cc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d := NewDecoder()
			var fr capture.Frame
			for _, want := range cc.frames {
				if err := f.Next(&fr); err != nil {
					t.Fatalf("frame %d: %v", want.num, err)
				}
				p := d.Decode(&fr)
				for _, name := range dnsCaptureFields {
					got := dnsTestValues(p, field.Lookup(name))
					if w := want.fields[name]; got != dnsExpand(w) {
						t.Errorf("frame %d: %s = %q, want %q", want.num, name, dnsAbbrev(got), w)
					}
				}
				if got := p.Bad.Proto != ProtoNone; got != want.malformed {
					t.Errorf("frame %d: malformed = %v (%q), want %v", want.num, got, p.Bad.Reason, want.malformed)
				}
				if want.info != "" {
					got := dnsTestSummary(p)
					if i := strings.LastIndex(want.info, "…"); i >= 0 {
						n, _ := strconv.Atoi(want.info[i+len("…"):])
						if len(got) != n || !strings.HasPrefix(got, want.info[:i]) {
							t.Errorf("frame %d: summary of %d bytes %.200q, want %d bytes %q", want.num, len(got), got, n, want.info[:i])
						}
					} else if got != want.info {
						t.Errorf("frame %d: summary %q, want %q", want.num, got, want.info)
					}
				}
				dnsCheckTree(t, p)
			}
			if err := f.Next(&fr); err != io.EOF {
				t.Errorf("more frames than expected (%v)", err)
			}
		})
	}
}

// dnsExpand undoes the "v×n" shorthand of an expected value.
func dnsExpand(s string) string {
	i := strings.LastIndex(s, "×")
	if i < 0 {
		return s
	}
	n, err := strconv.Atoi(s[i+len("×"):])
	if err != nil {
		return s
	}
	return strings.TrimSuffix(strings.Repeat(s[:i]+",", n), ",")
}

func dnsAbbrev(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// TestDNSAllocs checks that decoding and reading the fields allocates nothing.
func TestDNSAllocs(t *testing.T) {
	m, _ := hex.DecodeString(dnsTestCaseByName("response with every common type").msg)
	data := dnsTestFrame("udp", 40002, 53, m)
	d := NewDecoder()
	fr := &capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet}
	fields := dnsFields()
	vals := make([]field.Value, 0, 64)
	var p *Packet
	if n := testing.AllocsPerRun(100, func() { p = d.Decode(fr) }); n != 0 {
		t.Errorf("Decode: %v allocations", n)
	}
	for _, in := range fields {
		if n := testing.AllocsPerRun(100, func() { vals = p.Values(in.ID, vals[:0]) }); n != 0 {
			t.Errorf("Values(%s): %v allocations", in.Abbrev, n)
		}
	}
}

func BenchmarkDNSQueryName(b *testing.B) {
	m, _ := hex.DecodeString(dnsTestCaseByName("response A").msg)
	data := dnsTestFrame("udp", 40001, 53, m)
	p := dnsTestDecode(data)
	id := field.Lookup("dns.qry.name").ID
	vals := make([]field.Value, 0, 4)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		vals = p.Values(id, vals[:0])
	}
	if len(vals) != 1 || string(vals[0].B) != "www.example.com" {
		b.Fatalf("dns.qry.name = %v", vals)
	}
}

func BenchmarkDNSDecode(b *testing.B) {
	m, _ := hex.DecodeString(dnsTestCaseByName("response with every common type").msg)
	data := dnsTestFrame("udp", 40002, 53, m)
	d := NewDecoder()
	fr := &capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d.Decode(fr)
	}
}

// FuzzDNS decodes the input as the payload of a UDP datagram to port 53 (and, with a length prefix, of
// a TCP segment to port 53 and of an mDNS datagram), reads every DNS field, the summary and the tree,
// and checks that the tree agrees with the fields.
func FuzzDNS(f *testing.F) {
	for _, tc := range dnsTestCases {
		if tc.transport == "udp" {
			m, _ := hex.DecodeString(tc.msg)
			f.Add(m)
		}
	}
	fields := dnsFields()
	f.Fuzz(func(t *testing.T, msg []byte) {
		if len(msg) > 16384 {
			return // larger inputs only make each run slower
		}
		prefixed := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
		prefixed = append(prefixed, msg...)
		for _, fr := range [][]byte{
			dnsTestFrame("udp", 40000, 53, msg),
			dnsTestFrame("tcp", 40000, 53, prefixed),
			dnsTestFrame("tcp", 40000, 53, append(prefixed, prefixed...)),
			dnsTestFrame("udp", 5353, 5353, msg),
		} {
			p := dnsTestDecode(fr)
			for _, in := range fields {
				p.AppendField(nil, in.ID, ',')
			}
			p.AppendSummary(nil)
			dnsCheckTree(t, p)
		}
	})
}

var dnsCaptureFields = []string{"dns.length", "dns.id", "dns.flags", "dns.flags.rcode", "dns.count.queries", "dns.count.answers", "dns.count.auth_rr", "dns.count.add_rr", "dns.count.zones", "dns.count.updates", "dns.qry.name", "dns.qry.name.len", "dns.count.labels", "dns.qry.type", "dns.qry.class", "dns.resp.name", "dns.resp.type", "dns.resp.class", "dns.resp.ttl", "dns.resp.len", "dns.a", "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name", "dns.mx.mail_exchange", "dns.txt", "dns.soa.mname", "dns.soa.rname", "dns.soa.serial_number", "dns.srv.target", "dns.rr.udp_payload_size", "dns.resp.z.do", "dns.opt.code", "dns.opt.len", "dns.opt.data", "dns.rrsig.signers_name", "dns.nsec.next_domain_name"}

var dnsCaptureCases = []dnsCaptureCase{
	{file: "dns_udp.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Standard query 0x5934 A www.tcpdump.org OPT", fields: map[string]string{
			"dns.id":                  "0x5934",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "www.tcpdump.org",
			"dns.qry.name.len":        "15",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "12",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10",
			"dns.opt.len":             "8",
			"dns.opt.data":            "42f5d00996f90b13",
		}},
		{num: 2, malformed: false, info: "Standard query response 0x5934 A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS sns.cooperix.net NS nic.sandelman.ca A 209.87.249.18 AAAA 2607:f0b0:f::babe:f00d A 97.107.133.15 AAAA 2600:3c03::f0…221", fields: map[string]string{
			"dns.id":                  "0x5934",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "2",
			"dns.count.add_rr":        "5",
			"dns.qry.name":            "www.tcpdump.org",
			"dns.qry.name.len":        "15",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "www.tcpdump.org,www.tcpdump.org,tcpdump.org,tcpdump.org,nic.sandelman.ca,nic.sandelman.ca,sns.cooperix.net,sns.cooperix.net,<Root>",
			"dns.resp.type":           "1,1,2,2,1,28,1,28,41",
			"dns.resp.class":          "0x0001×8",
			"dns.resp.ttl":            "60,60,86400,86400,300,300,7200,7200",
			"dns.resp.len":            "4,4,18,18,4,16,4,16,0",
			"dns.a":                   "192.139.46.66,198.199.88.104,209.87.249.18,97.107.133.15",
			"dns.aaaa":                "2607:f0b0:f::babe:f00d,2600:3c03::f03c:91ff:fe96:e8ef",
			"dns.ns":                  "sns.cooperix.net,nic.sandelman.ca",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
	}},
	{file: "dns_tcp.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "", fields: map[string]string{}},
		{num: 2, malformed: false, info: "", fields: map[string]string{}},
		{num: 3, malformed: false, info: "", fields: map[string]string{}},
		{num: 4, malformed: false, info: "Standard query 0x4319 A www.tcpdump.org OPT", fields: map[string]string{
			"dns.length":              "56",
			"dns.id":                  "0x4319",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "www.tcpdump.org",
			"dns.qry.name.len":        "15",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "12",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10",
			"dns.opt.len":             "8",
			"dns.opt.data":            "8f06be7d691442f0",
		}},
		{num: 5, malformed: false, info: "", fields: map[string]string{}},
		{num: 6, malformed: false, info: "Standard query response 0x4319 A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS nic.sandelman.ca NS sns.cooperix.net A 209.87.249.18 AAAA 2607:f0b0:f::babe:f00d A 97.107.133.15 AAAA 2600:3c03::f0…221", fields: map[string]string{
			"dns.length":              "224",
			"dns.id":                  "0x4319",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "2",
			"dns.count.add_rr":        "5",
			"dns.qry.name":            "www.tcpdump.org",
			"dns.qry.name.len":        "15",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "www.tcpdump.org,www.tcpdump.org,tcpdump.org,tcpdump.org,nic.sandelman.ca,nic.sandelman.ca,sns.cooperix.net,sns.cooperix.net,<Root>",
			"dns.resp.type":           "1,1,2,2,1,28,1,28,41",
			"dns.resp.class":          "0x0001×8",
			"dns.resp.ttl":            "60,60,86400,86400,300,300,7200,7200",
			"dns.resp.len":            "4,4,18,18,4,16,4,16,0",
			"dns.a":                   "192.139.46.66,198.199.88.104,209.87.249.18,97.107.133.15",
			"dns.aaaa":                "2607:f0b0:f::babe:f00d,2600:3c03::f03c:91ff:fe96:e8ef",
			"dns.ns":                  "nic.sandelman.ca,sns.cooperix.net",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 7, malformed: false, info: "", fields: map[string]string{}},
		{num: 8, malformed: false, info: "", fields: map[string]string{}},
		{num: 9, malformed: false, info: "", fields: map[string]string{}},
		{num: 10, malformed: false, info: "", fields: map[string]string{}},
		{num: 11, malformed: false, info: "", fields: map[string]string{}},
	}},
	{file: "dns_udp_2.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Standard query 0x5934 A www.tcpdump.org OPT", fields: map[string]string{
			"dns.id":                  "0x5934",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "www.tcpdump.org",
			"dns.qry.name.len":        "15",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "12",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10",
			"dns.opt.len":             "8",
			"dns.opt.data":            "42f5d00996f90b13",
		}},
		{num: 2, malformed: false, info: "Standard query response 0x5934 A www.tcpdump.org A 192.139.46.66", fields: map[string]string{
			"dns.id":            "0x5934",
			"dns.flags":         "0x8500",
			"dns.flags.rcode":   "0",
			"dns.count.queries": "1",
			"dns.count.answers": "2",
			"dns.count.auth_rr": "2",
			"dns.count.add_rr":  "5",
			"dns.qry.name":      "www.tcpdump.org",
			"dns.qry.name.len":  "15",
			"dns.count.labels":  "3",
			"dns.qry.type":      "1",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "www.tcpdump.org",
			"dns.resp.type":     "1",
			"dns.resp.class":    "0x0001",
			"dns.resp.ttl":      "60",
			"dns.resp.len":      "4",
			"dns.a":             "192.139.46.66",
		}},
	}},
	{file: "dns-badlabel.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: true, info: "Unknown operation (15) response 0xc980 Unknown error (15) Unused <Name too long>", fields: map[string]string{
			"dns.id":            "0xc980",
			"dns.flags":         "0xffef",
			"dns.flags.rcode":   "15",
			"dns.count.queries": "64259",
			"dns.count.answers": "507",
			"dns.count.auth_rr": "769",
			"dns.count.add_rr":  "64259",
			"dns.qry.name":      "<Name too long>",
			"dns.qry.name.len":  "15",
			"dns.count.labels":  "1",
			"dns.qry.type":      "0",
			"dns.qry.class":     "0x10fb",
		}},
	}},
	{file: "dns-zlip-1.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "", fields: map[string]string{}},
	}},
	{file: "edns-opts.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Standard query 0x35d8 A example.com", fields: map[string]string{
			"dns.id":            "0x35d8",
			"dns.flags":         "0x0120",
			"dns.count.queries": "1",
			"dns.count.answers": "0",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
			"dns.qry.name":      "example.com",
			"dns.qry.name.len":  "11",
			"dns.count.labels":  "2",
			"dns.qry.type":      "1",
			"dns.qry.class":     "0x0001",
		}},
		{num: 2, malformed: false, info: "Standard query response 0x35d8 A example.com A 93.184.216.34", fields: map[string]string{
			"dns.id":            "0x35d8",
			"dns.flags":         "0x8500",
			"dns.flags.rcode":   "0",
			"dns.count.queries": "1",
			"dns.count.answers": "1",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
			"dns.qry.name":      "example.com",
			"dns.qry.name.len":  "11",
			"dns.count.labels":  "2",
			"dns.qry.type":      "1",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "example.com",
			"dns.resp.type":     "1",
			"dns.resp.class":    "0x0001",
			"dns.resp.ttl":      "86400",
			"dns.resp.len":      "4",
			"dns.a":             "93.184.216.34",
		}},
		{num: 3, malformed: false, info: "Standard query 0xb940 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0xb940",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "0",
			"dns.rr.udp_payload_size": "12345",
			"dns.resp.z.do":           "1",
		}},
		{num: 4, malformed: false, info: "Standard query response 0xb940 A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0xb940",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
		{num: 5, malformed: false, info: "Standard query 0xa30b A example.com OPT", fields: map[string]string{
			"dns.id":                  "0xa30b",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "11",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8",
			"dns.opt.len":             "7",
			"dns.opt.data":            "00011800c00002",
		}},
		{num: 6, malformed: false, info: "Standard query response 0xa30b A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0xa30b",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,11",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8",
			"dns.opt.len":             "7",
			"dns.opt.data":            "00011800c00002",
		}},
		{num: 7, malformed: false, info: "Standard query 0x4691 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x4691",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "12",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8",
			"dns.opt.len":             "8",
			"dns.opt.data":            "00012000c0010203",
		}},
		{num: 8, malformed: false, info: "Standard query response 0x4691 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x4691",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,12",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8",
			"dns.opt.len":             "8",
			"dns.opt.data":            "00012000c0010203",
		}},
		{num: 9, malformed: false, info: "Standard query 0x85bd A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x85bd",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "21",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8",
			"dns.opt.len":             "17",
			"dns.opt.data":            "0002640020010db885a3000000008a2e00",
		}},
		{num: 10, malformed: false, info: "Standard query response 0x85bd A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x85bd",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,21",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8",
			"dns.opt.len":             "17",
			"dns.opt.data":            "0002640020010db885a3000000008a2e00",
		}},
		{num: 11, malformed: false, info: "Standard query 0x7611 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x7611",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "12",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10",
			"dns.opt.len":             "8",
			"dns.opt.data":            "a954d29208767b5c",
		}},
		{num: 12, malformed: false, info: "Standard query response 0x7611 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x7611",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,28",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10",
			"dns.opt.len":             "24",
			"dns.opt.data":            "a954d29208767b5ccf75f75b5db0bf0575c9f2d76c962883",
		}},
		{num: 13, malformed: false, info: "Standard query 0xcdd0 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0xcdd0",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "6",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.opt.code":            "5",
			"dns.opt.len":             "2",
			"dns.opt.data":            "0607",
		}},
		{num: 14, malformed: false, info: "Standard query response 0xcdd0 A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0xcdd0",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
		{num: 15, malformed: false, info: "Standard query 0xe1d0 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0xe1d0",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "15",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.opt.code":            "5,6,7",
			"dns.opt.len":             "1,1,1",
			"dns.opt.data":            "fd,02,01",
		}},
		{num: 16, malformed: false, info: "Standard query response 0xe1d0 A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0xe1d0",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
		{num: 17, malformed: false, info: "Standard query 0x811e A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x811e",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "21",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.opt.code":            "13",
			"dns.opt.len":             "17",
			"dns.opt.data":            "03666f6f076578616d706c6503636f6d00",
		}},
		{num: 18, malformed: false, info: "Standard query response 0x811e A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0x811e",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
		{num: 19, malformed: false, info: "Standard query 0x3811 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x3811",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "6",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "11",
			"dns.opt.len":             "2",
			"dns.opt.data":            "04d2",
		}},
		{num: 20, malformed: false, info: "Standard query response 0x3811 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x3811",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 21, malformed: false, info: "Standard query 0x4272 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x4272",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "6",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.opt.code":            "14",
			"dns.opt.len":             "2",
			"dns.opt.data":            "9c40",
		}},
		{num: 22, malformed: false, info: "Standard query response 0x4272 A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0x4272",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
		{num: 23, malformed: false, info: "Standard query 0x0f36 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x0f36",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "8",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.opt.code":            "14",
			"dns.opt.len":             "4",
			"dns.opt.data":            "7530ea60",
		}},
		{num: 24, malformed: false, info: "Standard query response 0x0f36 A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0x0f36",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
		{num: 25, malformed: false, info: "Standard query 0x211c A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x211c",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "4",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "9",
			"dns.opt.len":             "0",
			"dns.opt.data":            "<MISSING>",
		}},
		{num: 26, malformed: false, info: "Standard query response 0x211c A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x211c",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 27, malformed: false, info: "Standard query 0x0f7e A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x0f7e",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "8",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "9",
			"dns.opt.len":             "4",
			"dns.opt.data":            "00127500",
		}},
		{num: 28, malformed: false, info: "Standard query response 0x0f7e A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x0f7e",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 29, malformed: false, info: "Standard query 0x67d4 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x67d4",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "4",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "3",
			"dns.opt.len":             "0",
			"dns.opt.data":            "<MISSING>",
		}},
		{num: 30, malformed: false, info: "Standard query response 0x67d4 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x67d4",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 31, malformed: false, info: "Standard query 0x088e A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x088e",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "14",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "3",
			"dns.opt.len":             "10",
			"dns.opt.data":            "00112233445566778899",
		}},
		{num: 32, malformed: false, info: "Standard query response 0x088e A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x088e",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 33, malformed: false, info: "Standard query 0x4002 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x4002",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "8",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "77",
			"dns.opt.len":             "4",
			"dns.opt.data":            "deadbeef",
		}},
		{num: 34, malformed: false, info: "Standard query response 0x4002 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x4002",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 35, malformed: false, info: "Standard query 0x18e5 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x18e5",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "10",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "12",
			"dns.opt.len":             "6",
			"dns.opt.data":            "000000000000",
		}},
		{num: 36, malformed: false, info: "Standard query response 0x18e5 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x18e5",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
		}},
		{num: 37, malformed: false, info: "Standard query 0x7253 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x7253",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "40",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "3,12,10",
			"dns.opt.len":             "8,12,8",
			"dns.opt.data":            "0123456789abcdef,000000000000000000000000,aaaaaaaaaaaaaaaa",
		}},
		{num: 38, malformed: false, info: "Standard query response 0x7253 A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0x7253",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,28",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10",
			"dns.opt.len":             "24",
			"dns.opt.data":            "aaaaaaaaaaaaaaaab5a8ca325db0bf132274faa81cef9aa4",
		}},
		{num: 39, malformed: false, info: "Standard query 0xe7be A example.com OPT", fields: map[string]string{
			"dns.id":                  "0xe7be",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "22",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "8,10",
			"dns.opt.len":             "6,8",
			"dns.opt.data":            "00011000c001,aaaaaaaaaaaaaaaa",
		}},
		{num: 40, malformed: false, info: "Standard query response 0xe7be A example.com A 93.184.216.34 OPT", fields: map[string]string{
			"dns.id":                  "0xe7be",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "1",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,<Root>",
			"dns.resp.type":           "1,41",
			"dns.resp.class":          "0x0001",
			"dns.resp.ttl":            "86400",
			"dns.resp.len":            "4,38",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "10,8",
			"dns.opt.len":             "24,6",
			"dns.opt.data":            "aaaaaaaaaaaaaaaa70a50ca25db0bf14d523a3f77957f788,00011000c001",
		}},
		{num: 41, malformed: false, info: "Standard query 0x42e2 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x42e2",
			"dns.flags":               "0x0120",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "32",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.opt.code":            "13,6,12,3",
			"dns.opt.len":             "5,1,4,6",
			"dns.opt.data":            "03636f6d00,03,00000000,aabbccddeeff",
		}},
		{num: 42, malformed: false, info: "Standard query response 0x42e2 A example.com A 93.184.216.34 RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0x42e2",
			"dns.flags":               "0x8500",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "example.com,example.com,<Root>",
			"dns.resp.type":           "1,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "86400,86400",
			"dns.resp.len":            "4,159,0",
			"dns.a":                   "93.184.216.34",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "example.com",
		}},
	}},
	{file: "dns-invalid-names.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: true, info: "Standard query 0x2222", fields: map[string]string{
			"dns.id":            "0x2222",
			"dns.flags":         "0x0100",
			"dns.count.queries": "1",
			"dns.count.answers": "0",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
		}},
		{num: 2, malformed: false, info: "Standard query 0x2223 A <Name contains a pointer that loops>", fields: map[string]string{
			"dns.id":            "0x2223",
			"dns.flags":         "0x0100",
			"dns.count.queries": "1",
			"dns.count.answers": "0",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
			"dns.qry.name":      "<Name contains a pointer that loops>",
			"dns.qry.name.len":  "36",
			"dns.count.labels":  "1",
			"dns.qry.type":      "1",
			"dns.qry.class":     "0x0001",
		}},
		{num: 3, malformed: true, info: "Standard query 0x2224", fields: map[string]string{
			"dns.id":            "0x2224",
			"dns.flags":         "0x0100",
			"dns.count.queries": "1",
			"dns.count.answers": "0",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
		}},
	}},
	{file: "dynamic-update.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Dynamic update 0xbb50 SOA StratoLab.org CNAME AAAA A A 192.168.1.106 TSIG", fields: map[string]string{
			"dns.id":            "0xbb50",
			"dns.flags":         "0x2800",
			"dns.count.add_rr":  "1",
			"dns.count.zones":   "1",
			"dns.count.updates": "3",
			"dns.qry.name":      "StratoLab.org",
			"dns.qry.name.len":  "13",
			"dns.count.labels":  "2",
			"dns.qry.type":      "6",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "NWin2.StratoLab.org,NWin2.StratoLab.org,NWin2.StratoLab.org,NWin2.StratoLab.org,1068-ms-7.328-2f024d4.7a9463b8-b109-11ed-26a3-080027f220e5",
			"dns.resp.type":     "5,28,1,1,250",
			"dns.resp.class":    "0x00fe,0x00ff,0x00ff,0x0001,0x00ff",
			"dns.resp.ttl":      "0,0,0,1200,0",
			"dns.resp.len":      "0,0,0,4,54",
			"dns.a":             "192.168.1.106",
		}},
		{num: 2, malformed: false, info: "Dynamic update response 0xbb50 Refused SOA StratoLab.org CNAME AAAA A A 192.168.1.106 TSIG", fields: map[string]string{
			"dns.id":            "0xbb50",
			"dns.flags":         "0xa805",
			"dns.flags.rcode":   "5",
			"dns.count.add_rr":  "1",
			"dns.count.zones":   "1",
			"dns.count.updates": "3",
			"dns.qry.name":      "StratoLab.org",
			"dns.qry.name.len":  "13",
			"dns.count.labels":  "2",
			"dns.qry.type":      "6",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "NWin2.StratoLab.org,NWin2.StratoLab.org,NWin2.StratoLab.org,NWin2.StratoLab.org,1068-ms-7.328-2f024d4.7a9463b8-b109-11ed-26a3-080027f220e5",
			"dns.resp.type":     "5,28,1,1,250",
			"dns.resp.class":    "0x00fe,0x00ff,0x00ff,0x0001,0x00ff",
			"dns.resp.ttl":      "0,0,0,1200,0",
			"dns.resp.len":      "0,0,0,4,54",
			"dns.a":             "192.168.1.106",
		}},
		{num: 3, malformed: false, info: "Dynamic update 0xef07 SOA StratoLab.org CNAME AAAA A A 192.168.1.105", fields: map[string]string{
			"dns.id":            "0xef07",
			"dns.flags":         "0x2800",
			"dns.count.add_rr":  "0",
			"dns.count.zones":   "1",
			"dns.count.updates": "3",
			"dns.qry.name":      "StratoLab.org",
			"dns.qry.name.len":  "13",
			"dns.count.labels":  "2",
			"dns.qry.type":      "6",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "NWin1.StratoLab.org,NWin1.StratoLab.org,NWin1.StratoLab.org,NWin1.StratoLab.org",
			"dns.resp.type":     "5,28,1,1",
			"dns.resp.class":    "0x00fe,0x00ff,0x00ff,0x0001",
			"dns.resp.ttl":      "0,0,0,1200",
			"dns.resp.len":      "0,0,0,4",
			"dns.a":             "192.168.1.105",
		}},
		{num: 4, malformed: false, info: "Dynamic update response 0xef07 SOA StratoLab.org CNAME AAAA A A 192.168.1.105", fields: map[string]string{
			"dns.id":            "0xef07",
			"dns.flags":         "0xa800",
			"dns.flags.rcode":   "0",
			"dns.count.add_rr":  "0",
			"dns.count.zones":   "1",
			"dns.count.updates": "3",
			"dns.qry.name":      "StratoLab.org",
			"dns.qry.name.len":  "13",
			"dns.count.labels":  "2",
			"dns.qry.type":      "6",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "NWin1.StratoLab.org,NWin1.StratoLab.org,NWin1.StratoLab.org,NWin1.StratoLab.org",
			"dns.resp.type":     "5,28,1,1",
			"dns.resp.class":    "0x00fe,0x00ff,0x00ff,0x0001",
			"dns.resp.ttl":      "0,0,0,1200",
			"dns.resp.len":      "0,0,0,4",
			"dns.a":             "192.168.1.105",
		}},
	}},
	{file: "dns-txt-multiple.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Standard query 0x6daf TXT flkr._domainkey.flickr.com", fields: map[string]string{
			"dns.id":            "0x6daf",
			"dns.flags":         "0x0100",
			"dns.count.queries": "1",
			"dns.count.answers": "0",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
			"dns.qry.name":      "flkr._domainkey.flickr.com",
			"dns.qry.name.len":  "26",
			"dns.count.labels":  "4",
			"dns.qry.type":      "16",
			"dns.qry.class":     "0x0001",
		}},
		{num: 2, malformed: false, info: "Standard query response 0x6daf TXT flkr._domainkey.flickr.com CNAME fa14._domainkey.flickr.com CNAME fa14._domainkey.yahoo.com TXT NS ns5.yahoo.com NS ns4.yahoo.com NS ns3.yahoo.com NS ns2.yahoo.com N…297", fields: map[string]string{
			"dns.id":            "0x6daf",
			"dns.flags":         "0x8500",
			"dns.flags.rcode":   "0",
			"dns.count.queries": "1",
			"dns.count.answers": "3",
			"dns.count.auth_rr": "5",
			"dns.count.add_rr":  "5",
			"dns.qry.name":      "flkr._domainkey.flickr.com",
			"dns.qry.name.len":  "26",
			"dns.count.labels":  "4",
			"dns.qry.type":      "16",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "flkr._domainkey.flickr.com,fa14._domainkey.flickr.com,fa14._domainkey.yahoo.com,_domainkey.yahoo.com,_domainkey.yahoo.com,_domainkey.yahoo.com,_domainkey.yahoo.com,_domainkey.yahoo.com,ns1.yahoo.com,ns2.yahoo.com,ns3.yahoo.com,ns4.yahoo.com,ns5.yahoo.com",
			"dns.resp.type":     "5,5,16,2,2,2,2,2,1,1,1,1,1",
			"dns.resp.class":    "0x0001×13",
			"dns.resp.ttl":      "900,900,7200,172800,172800,172800,172800,172800,1209600,1209600,1209600,1209600,1209600",
			"dns.resp.len":      "7,24,227,6,6,6,6,6,4,4,4,4,4",
			"dns.a":             "68.180.131.16,68.142.255.16,203.84.221.53,98.138.11.157,119.160.247.124",
			"dns.cname":         "fa14._domainkey.flickr.com,fa14._domainkey.yahoo.com",
			"dns.ns":            "ns5.yahoo.com,ns4.yahoo.com,ns3.yahoo.com,ns2.yahoo.com,ns1.yahoo.com",
			"dns.txt":           "k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDPdPfyJM2R2GqMyZM1flTzFeDIU+e7KmiKRw5yz3Xht+cgEIiHmm5lIGBuWCc5rtiy0CcxePpqccPKjn,HSrDI23PU+HOuqJ6ergE1IOsL6LOEgG6YT53vMb8Z6UiBSsYPlrDEC+8CUIkTLMLXJauRK5bNRKV1ATGzGFpf3TjZtWwIDAQAB",
		}},
	}},
	{file: "dns-edns-bad-length.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: true, info: "Standard query response 0x3333 A example.com OPT", fields: map[string]string{
			"dns.id":                  "0x3333",
			"dns.flags":               "0x8180",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "2",
			"dns.qry.name":            "example.com",
			"dns.qry.name.len":        "11",
			"dns.count.labels":        "2",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "1",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "0",
			"dns.opt.code":            "192",
			"dns.opt.len":             "3072",
		}},
	}},
	{file: "max-compression-depth.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Standard query response 0x1234 A a A 127.0.0.1 A 127.0.0.2 A 127.0.0.3 A 127.0.0.4 A 127.0.0.5 A 127.0.0.6 A 127.0.0.7", fields: map[string]string{
			"dns.id":            "0x1234",
			"dns.flags":         "0x8180",
			"dns.flags.rcode":   "0",
			"dns.count.queries": "1",
			"dns.count.answers": "7",
			"dns.count.auth_rr": "0",
			"dns.count.add_rr":  "0",
			"dns.qry.name":      "a",
			"dns.qry.name.len":  "0",
			"dns.count.labels":  "0",
			"dns.qry.type":      "1",
			"dns.qry.class":     "0x0001",
			"dns.resp.name":     "a×7",
			"dns.resp.type":     "1×7",
			"dns.resp.class":    "0x0001×7",
			"dns.resp.ttl":      "300×7",
			"dns.resp.len":      "4×7",
			"dns.a":             "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7",
		}},
	}},
	{file: "nsec.pcap", frames: []dnsCaptureFrame{
		{num: 1, malformed: false, info: "Standard query 0x0082 AAAA dla.library.upenn.edu OPT", fields: map[string]string{
			"dns.id":                  "0x0082",
			"dns.flags":               "0x0010",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "dla.library.upenn.edu",
			"dns.qry.name.len":        "21",
			"dns.count.labels":        "4",
			"dns.qry.type":            "28",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "0",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
		}},
		{num: 2, malformed: false, info: "Standard query response 0x0082 AAAA dla.library.upenn.edu SOA assailants.net.isc.upenn.edu RRSIG NSEC dlxssvr.LIBRARY.upenn.edu RRSIG OPT", fields: map[string]string{
			"dns.id":                    "0x0082",
			"dns.flags":                 "0x8410",
			"dns.flags.rcode":           "0",
			"dns.count.queries":         "1",
			"dns.count.answers":         "0",
			"dns.count.auth_rr":         "4",
			"dns.count.add_rr":          "1",
			"dns.qry.name":              "dla.library.upenn.edu",
			"dns.qry.name.len":          "21",
			"dns.count.labels":          "4",
			"dns.qry.type":              "28",
			"dns.qry.class":             "0x0001",
			"dns.resp.name":             "upenn.edu,upenn.edu,dla.LIBRARY.upenn.edu,dla.LIBRARY.upenn.edu,<Root>",
			"dns.resp.type":             "6,46,47,1,46,47,46,41",
			"dns.resp.class":            "0x0001,0x0001,0x0001,0x0001",
			"dns.resp.ttl":              "3600,3600,3600,3600",
			"dns.resp.len":              "63,157,35,157,0",
			"dns.soa.mname":             "assailants.net.isc.upenn.edu",
			"dns.soa.rname":             "hostmaster.upenn.edu",
			"dns.soa.serial_number":     "1006966894",
			"dns.rr.udp_payload_size":   "4096",
			"dns.resp.z.do":             "1",
			"dns.rrsig.signers_name":    "upenn.edu,upenn.edu",
			"dns.nsec.next_domain_name": "dlxssvr.LIBRARY.upenn.edu",
		}},
		{num: 3, malformed: false, info: "Standard query 0xc777 A www.upenn.edu OPT", fields: map[string]string{
			"dns.id":                  "0xc777",
			"dns.flags":               "0x0010",
			"dns.count.queries":       "1",
			"dns.count.answers":       "0",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "www.upenn.edu",
			"dns.qry.name.len":        "13",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "<Root>",
			"dns.resp.type":           "41",
			"dns.resp.len":            "0",
			"dns.rr.udp_payload_size": "1472",
			"dns.resp.z.do":           "1",
		}},
		{num: 4, malformed: false, info: "Standard query response 0xc777 A www.upenn.edu CNAME www.upenn.edgekey.net RRSIG OPT", fields: map[string]string{
			"dns.id":                  "0xc777",
			"dns.flags":               "0x8410",
			"dns.flags.rcode":         "0",
			"dns.count.queries":       "1",
			"dns.count.answers":       "2",
			"dns.count.auth_rr":       "0",
			"dns.count.add_rr":        "1",
			"dns.qry.name":            "www.upenn.edu",
			"dns.qry.name.len":        "13",
			"dns.count.labels":        "3",
			"dns.qry.type":            "1",
			"dns.qry.class":           "0x0001",
			"dns.resp.name":           "www.upenn.edu,www.upenn.edu,<Root>",
			"dns.resp.type":           "5,46,41",
			"dns.resp.class":          "0x0001,0x0001",
			"dns.resp.ttl":            "300,300",
			"dns.resp.len":            "23,157,0",
			"dns.cname":               "www.upenn.edgekey.net",
			"dns.rr.udp_payload_size": "4096",
			"dns.resp.z.do":           "1",
			"dns.rrsig.signers_name":  "upenn.edu",
		}},
	}},
}
