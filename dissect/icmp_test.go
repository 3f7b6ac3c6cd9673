package dissect

import (
	"encoding/hex"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// Tests of ICMP, ICMPv6 and ARP (icmp.go, icmpv6.go, arp.go). Expected values are tshark 4.0's -T fields
// output for the same bytes (occurrences joined by ','), checked with tshark when the tests were written.

// withMatching turns on the cross-frame echo/ARP matching for the duration of a test, with the state
// kept in maps keyed by decoder and packet until Decoder and Packet carry it themselves.
func withMatching(t *testing.T) {
	t.Helper()
	states := map[*Decoder]*matchState{}
	results := map[*Packet]*matchResult{}
	oldS, oldR := decoderMatchState, packetMatchResult
	decoderMatchState = func(d *Decoder) *matchState {
		if states[d] == nil {
			states[d] = &matchState{}
		}
		return states[d]
	}
	packetMatchResult = func(p *Packet) *matchResult {
		if results[p] == nil {
			results[p] = &matchResult{}
		}
		return results[p]
	}
	t.Cleanup(func() { decoderMatchState, packetMatchResult = oldS, oldR })
}

// tsharkStr formats every occurrence of a field as tshark 4.0 prints it. It differs from
// Packet.AppendField in one point, until package field does the same: tshark prints FT_BYTES fields as
// plain hex, without the colons field.Bytes puts between bytes.
func tsharkStr(p *Packet, name string) string {
	in := field.Lookup(name)
	if in == nil {
		return "<unregistered " + name + ">"
	}
	var out []byte
	for i, v := range p.Values(in.ID, nil) {
		if i > 0 {
			out = append(out, ',')
		}
		if in.Type == field.Bytes {
			out = field.AppendHexBytes(out, v.B, 0)
		} else {
			out = in.AppendValue(out, v)
		}
	}
	return string(out)
}

// expect compares fields (and "info" for the summary column, "proto" for the protocol column,
// "malformed" for "1" when the packet is malformed) with tshark's values.
func expect(t *testing.T, p *Packet, want map[string]string) {
	t.Helper()
	for name, w := range want {
		var got string
		switch name {
		case "info":
			got = strings.TrimSuffix(string(p.AppendSummary(nil)), " [Malformed "+p.Bad.Proto.String()+": "+p.Bad.Reason+"]")
		case "proto":
			got = p.Protocol()
		case "malformed":
			if p.Bad.Proto != ProtoNone {
				got = "1"
			}
		default:
			got = tsharkStr(p, name)
		}
		if got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
}

// frameHex decodes a hex dump (spaces and line breaks ignored).
func frameHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// caseTimeNS is the capture time of the single-frame cases, and of the first frame of a sequence (the
// others follow 1 µs apart), as in the pcaps the expected values were taken from.
const caseTimeNS = 1600000000*1e9 + 1000

// frameCase is one Ethernet frame and the fields tshark shows for it (an empty value: the field is
// absent). "info" is the Info column (without tshark's "[Malformed Packet]" suffix), "malformed" is "1"
// when tshark reports the frame malformed.
type frameCase struct {
	name  string
	frame string
	want  map[string]string
}

func runFrameCases(t *testing.T, cases []frameCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := frameHex(c.frame)
			p := NewDecoder().Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet, TimeNS: caseTimeNS})
			want := c.want
			if _, ok := want["malformed"]; !ok {
				want = maps.Clone(want)
				want["malformed"] = ""
			}
			expect(t, p, want)
			checkTreeAgrees(t, p)
		})
	}
}

func TestICMPFrames(t *testing.T) { runFrameCases(t, icmpCases) }

// seqCase is a sequence of frames decoded by one decoder, with the cross-frame matching on.
type seqCase struct {
	name     string
	frames   []string
	origLens []int // length on the wire of each frame, when the capture cut it (0: as captured)
	want     []map[string]string
}

func TestICMPSequences(t *testing.T) {
	withMatching(t)
	for _, c := range seqCases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDecoder()
			for i, f := range c.frames {
				data := frameHex(f)
				orig := len(data)
				if i < len(c.origLens) && c.origLens[i] > 0 {
					orig = c.origLens[i]
				}
				p := d.Decode(&capture.Frame{Data: data, OrigLen: orig, LinkType: capture.LinkTypeEthernet, TimeNS: caseTimeNS + int64(i)*1000})
				expect(t, p, c.want[i])
				checkTreeAgrees(t, p)
			}
		})
	}
}

// fileCase holds tshark's output for a capture of testdata/icmp: per frame the Info column, "1" if
// malformed, then the fields, tab-separated.
type fileCase struct {
	file   string
	fields string
	rows   string
}

// TestICMPFiles compares real captures with tshark's fields. The Info column is compared for the
// frames whose summary is ICMP's, ICMPv6's or ARP's.
func TestICMPFiles(t *testing.T) {
	withMatching(t)
	for _, c := range fileCases {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "icmp", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := capture.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			fields := strings.Fields(c.fields)
			d := NewDecoder()
			var fr capture.Frame
			for n, row := range strings.Split(c.rows, "\n") {
				if err := r.Next(&fr); err != nil {
					t.Fatalf("frame %d: %v", n+1, err)
				}
				p := d.Decode(&fr)
				cells := strings.Split(row, "\t")
				want := map[string]string{"malformed": cells[1]}
				if i := p.summaryLayer(); i >= 0 {
					switch p.Layers[i].Proto {
					case ProtoICMP, ProtoICMPv6, ProtoARP:
						want["info"] = cells[0]
					}
				}
				for k, name := range fields {
					want[name] = cells[k+2]
				}
				t.Run(strconv.Itoa(n+1), func(t *testing.T) { expect(t, p, want) })
			}
			if err := r.Next(&fr); err != io.EOF {
				t.Errorf("more frames than expected (%v)", err)
			}
		})
	}
}

// FuzzICMP decodes ICMP messages inside an Ethernet/IPv4 frame (twice, so that echo matching carries
// over) and reads every ICMP field, the columns and the tree.
func FuzzICMP(f *testing.F) {
	for _, c := range icmpCases {
		data := frameHex(c.frame)
		if len(data) > 34 && data[12] == 0x08 && data[13] == 0x00 {
			f.Add(data[34:])
		}
	}
	f.Add(frameHex("0b000000 00000000 45000028 00010000 01060000 0a000001 0a000002 9c40 0050 000003e8"))
	ids := fieldIDs("icmp", "ip.", "udp.", "tcp.")
	f.Fuzz(func(t *testing.T, msg []byte) {
		withMatching(t)
		frame := cat(ethHdr(0x0800), ipv4Hdr(1, "10.0.0.1", "10.0.0.2", len(msg), 1, 0, false), msg)
		fuzzProtocols(frame, ids)
	})
}

// fieldIDs returns the IDs of the fields whose names start with one of prefixes.
func fieldIDs(prefixes ...string) []field.ID {
	var ids []field.ID
	for _, pre := range prefixes {
		for _, in := range field.All(pre) {
			ids = append(ids, in.ID)
		}
	}
	return ids
}

// fuzzProtocols decodes frame twice with one decoder (and once more as cut by the snapshot length),
// reading the fields ids, the columns and the tree.
func fuzzProtocols(frame []byte, ids []field.ID) {
	d := NewDecoder()
	var buf []byte
	for i := 0; i < 3; i++ {
		orig := len(frame)
		if i == 2 {
			orig += 100
		}
		p := d.Decode(&capture.Frame{Data: frame, OrigLen: orig, LinkType: capture.LinkTypeEthernet, TimeNS: caseTimeNS})
		for _, id := range ids {
			buf = p.AppendField(buf[:0], id, ',')
		}
		buf = p.AppendSummary(buf[:0])
		buf = p.AppendSource(buf[:0])
		_ = p.Protocol()
		_ = p.Tree()
	}
}

var icmpCases = []frameCase{
	{
		name: "echo request",
		// IPv4 10.0.0.1 → 10.0.0.2, echo request id 0x0001 seq 1, 20 bytes of data
		frame: `
			00112233 44556677 8899aabb 08004500
			00300001 00004001 66ca0a00 00010a00
			00020800 953a0001 00016865 6c6c6f20
			776f726c 64203132 33343536 3738`,
		want: map[string]string{
			"info":                 "Echo (ping) request  id=0x0001, seq=1/256, ttl=64",
			"data.len":             "20",
			"icmp.checksum":        "0x953a",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.ident":           "1",
			"icmp.ident_le":        "256",
			"icmp.seq":             "1",
			"icmp.seq_le":          "256",
			"icmp.type":            "8",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "echo reply with BE timestamp",
		// echo reply whose data starts with a big-endian timeval near the frame time
		frame: `
			00112233 44556677 8899aabb 08004500
			00340001 00003901 6dc60a00 00010a00
			00020000 c1261234 abcd5f5e 10000001
			e2403031 32333435 36373839 61626364
			6566`,
		want: map[string]string{
			"info":                    "Echo (ping) reply    id=0x1234, seq=43981/52651, ttl=57",
			"data.len":                "16",
			"icmp.checksum":           "0xc126",
			"icmp.checksum.status":    "1",
			"icmp.code":               "0",
			"icmp.data_time_relative": "-0.123455000",
			"icmp.ident":              "4660",
			"icmp.ident_le":           "13330",
			"icmp.seq":                "43981",
			"icmp.seq_le":             "52651",
			"icmp.type":               "0",
			"ip.dst":                  "10.0.0.2",
			"ip.src":                  "10.0.0.1",
		},
	},
	{
		name: "echo request with LE timestamp",
		// echo request whose data starts with a little-endian timeval
		frame: `
			00112233 44556677 8899aabb 08004500
			00270001 00004001 66d30a00 00010a00
			00020800 b2dc1234 0002fb0f 5e5fe703
			00007879 7a`,
		want: map[string]string{
			"info":                    "Echo (ping) request  id=0x1234, seq=2/512, ttl=64",
			"data.len":                "3",
			"icmp.checksum":           "0xb2dc",
			"icmp.checksum.status":    "1",
			"icmp.code":               "0",
			"icmp.data_time_relative": "4.999002000",
			"icmp.ident":              "4660",
			"icmp.ident_le":           "13330",
			"icmp.seq":                "2",
			"icmp.seq_le":             "512",
			"icmp.type":               "8",
			"ip.dst":                  "10.0.0.2",
			"ip.src":                  "10.0.0.1",
		},
	},
	{
		name: "echo cut to 7 bytes",
		// an echo request of 7 bytes: the sequence number is missing
		frame: `
			00112233 44556677 8899aabb 08004500
			001b0001 00004001 66df0a00 00010a00
			00020800 f7fd0001 00`,
		want: map[string]string{
			"info":                 "Echo (ping) request ",
			"malformed":            "1",
			"icmp.checksum":        "0xf7fd",
			"icmp.checksum.status": "0",
			"icmp.code":            "0",
			"icmp.ident":           "1",
			"icmp.ident_le":        "256",
			"icmp.seq":             "",
			"icmp.seq_le":          "",
			"icmp.type":            "8",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "icmp of 5 bytes",
		// an ICMP message shorter than 6 bytes: Wireshark shows no ICMP field
		frame: `
			00112233 44556677 8899aabb 08004500
			00190001 00004001 66e10a00 00010a00
			00020800 f7fd00`,
		want: map[string]string{
			"info":          "",
			"malformed":     "1",
			"icmp.checksum": "",
			"icmp.code":     "",
			"icmp.type":     "",
			"ip.dst":        "10.0.0.2",
			"ip.src":        "10.0.0.1",
		},
	},
	{
		name: "bad checksum",
		// echo request with a wrong checksum
		frame: `
			00112233 44556677 8899aabb 08004500
			00200001 00004001 66da0a00 00010a00
			00020800 12340001 00016162 6364`,
		want: map[string]string{
			"info":                 "Echo (ping) request  id=0x0001, seq=1/256, ttl=64",
			"data.len":             "4",
			"icmp.checksum":        "0x1234",
			"icmp.checksum.status": "0",
			"icmp.code":            "0",
			"icmp.ident":           "1",
			"icmp.ident_le":        "256",
			"icmp.seq":             "1",
			"icmp.seq_le":          "256",
			"icmp.type":            "8",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "port unreachable quoting UDP",
		// destination unreachable (port) quoting a whole UDP datagram
		frame: `
			00112233 44556677 8899aabb 08004500
			00400001 00004001 65bd0a00 00fe0a00
			00020303 66500000 00004500 00240001
			00004011 60b70a00 00020808 080804d2
			00350010 00006162 63646566 6768`,
		want: map[string]string{
			"info":                 "Destination unreachable (Port unreachable)",
			"icmp.checksum":        "0x6650",
			"icmp.checksum.status": "1",
			"icmp.code":            "3",
			"icmp.type":            "3",
			"icmp.unused":          "00000000",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.254,10.0.0.2",
			"udp.dstport":          "53",
			"udp.srcport":          "1234",
		},
	},
	{
		name: "frag needed with MTU",
		// destination unreachable, fragmentation needed, MTU 1400, quoting IP + 8 bytes of TCP
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 65c50a00 00fe0a00
			00020304 570b0000 05784500 00280001
			00004006 60be0a00 00020808 08089c40
			00500000 03e8`,
		want: map[string]string{
			"info":                 "Destination unreachable (Fragmentation needed)",
			"icmp.checksum":        "0x570b",
			"icmp.checksum.status": "1",
			"icmp.code":            "4",
			"icmp.mtu":             "1400",
			"icmp.type":            "3",
			"icmp.unused":          "0000",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.254,10.0.0.2",
			"tcp.seq":              "1000",
			"tcp.srcport":          "40000",
		},
	},
	{
		name: "frag needed RFC 4884 length",
		// fragmentation needed with an RFC 4884 length of 7 words
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 65c50a00 00fe0a00
			00020304 56a00007 05dc4500 00280001
			00004006 60be0a00 00020808 08089c40
			00500000 03e8`,
		want: map[string]string{
			"info":                          "Destination unreachable (Fragmentation needed)",
			"icmp.checksum":                 "0x56a0",
			"icmp.checksum.status":          "1",
			"icmp.code":                     "4",
			"icmp.length":                   "7",
			"icmp.length.original_datagram": "28",
			"icmp.mtu":                      "1500",
			"icmp.type":                     "3",
			"icmp.unused":                   "00",
			"ip.dst":                        "10.0.0.2,8.8.8.8",
			"ip.src":                        "10.0.0.254,10.0.0.2",
			"tcp.seq":                       "1000",
			"tcp.srcport":                   "40000",
		},
	},
	{
		name: "unreachable without quote",
		// network unreachable with no quoted datagram: not malformed
		frame: `
			00112233 44556677 8899aabb 08004500
			001c0001 00004001 66de0a00 00010a00
			00020300 fcff0000 0000`,
		want: map[string]string{
			"info":                 "Destination unreachable (Network unreachable)",
			"icmp.checksum":        "0xfcff",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.type":            "3",
			"icmp.unused":          "00000000",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "unreachable with 10 quoted bytes",
		// host unreachable quoting only 10 bytes of the IP header
		frame: `
			00112233 44556677 8899aabb 08004500
			00260001 00004001 66d40a00 00010a00
			00020301 77c80000 00004500 00240001
			00004011`,
		want: map[string]string{
			"info":                 "Destination unreachable (Host unreachable)",
			"icmp.checksum":        "0x77c8",
			"icmp.checksum.status": "1",
			"icmp.code":            "1",
			"icmp.type":            "3",
			"icmp.unused":          "00000000",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "time exceeded quoting echo",
		// time exceeded quoting an echo request with its data
		frame: `
			00112233 44556677 8899aabb 08004500
			004b0001 00004001 65b20a00 00fe0a00
			00020b00 f4ff0000 00004500 002f0001
			00004001 60bc0a00 00020808 08080800
			48d90005 00067061 796c6f61 642d6461
			74612d68 65726521 21`,
		want: map[string]string{
			"info":                 "Time-to-live exceeded (Time to live exceeded in transit)",
			"data.len":             "19",
			"icmp.checksum":        "0xf4ff,0x48d9",
			"icmp.checksum.status": "1,2",
			"icmp.code":            "0,0",
			"icmp.ident":           "5",
			"icmp.ident_le":        "1280",
			"icmp.seq":             "6",
			"icmp.seq_le":          "1536",
			"icmp.type":            "11,8",
			"icmp.unused":          "00000000",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.254,10.0.0.2",
		},
	},
	{
		name: "time exceeded quoting TCP",
		// time exceeded quoting 8 bytes of a TCP SYN
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 65c50a00 00fe0a00
			00020b00 54870000 00004500 00280001
			00004006 60be0a00 00020808 08089c40
			00500000 03e8`,
		want: map[string]string{
			"info":                 "Time-to-live exceeded (Time to live exceeded in transit)",
			"icmp.checksum":        "0x5487",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.type":            "11",
			"icmp.unused":          "00000000",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.254,10.0.0.2",
			"tcp.seq":              "1000",
			"tcp.srcport":          "40000",
		},
	},
	{
		name: "parameter problem",
		// parameter problem, pointer 20
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 66c20a00 00010a00
			00020c00 dae81400 00004500 00240001
			00004011 60b70a00 00020808 080804d2
			00350010 0000`,
		want: map[string]string{
			"info":                 "Parameter problem    (Pointer indicates the error)",
			"icmp.checksum":        "0xdae8",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.pointer":         "20",
			"icmp.type":            "12",
			"icmp.unused":          "000000",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.1,10.0.0.2",
			"udp.dstport":          "53",
			"udp.srcport":          "1234",
		},
	},
	{
		name: "parameter problem RFC 4884",
		// parameter problem with a length byte
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 66c20a00 00010a00
			00020c01 e6e00807 00004500 00240001
			00004011 60b70a00 00020808 080804d2
			00350010 0000`,
		want: map[string]string{
			"info":                          "Parameter problem    (Required option missing)",
			"icmp.checksum":                 "0xe6e0",
			"icmp.checksum.status":          "1",
			"icmp.code":                     "1",
			"icmp.length":                   "7",
			"icmp.length.original_datagram": "28",
			"icmp.pointer":                  "8",
			"icmp.type":                     "12",
			"icmp.unused":                   "0000",
			"ip.dst":                        "10.0.0.2,8.8.8.8",
			"ip.src":                        "10.0.0.1,10.0.0.2",
			"udp.dstport":                   "53",
			"udp.srcport":                   "1234",
		},
	},
	{
		name: "source quench",
		// source quench quoting a UDP header
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 66c20a00 00010a00
			00020400 f6e80000 00004500 00240001
			00004011 60b70a00 00020808 080804d2
			00350010 0000`,
		want: map[string]string{
			"info":                 "Source quench (flow control)",
			"icmp.checksum":        "0xf6e8",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.type":            "4",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.1,10.0.0.2",
			"udp.dstport":          "53",
			"udp.srcport":          "1234",
		},
	},
	{
		name: "redirect",
		// redirect for host, gateway 10.0.0.254
		frame: `
			00112233 44556677 8899aabb 08004500
			00380001 00004001 66c20a00 00010a00
			00020501 eae90a00 00fe4500 00240001
			00004011 60b70a00 00020808 080804d2
			00350010 0000`,
		want: map[string]string{
			"info":                 "Redirect             (Redirect for host)",
			"icmp.checksum":        "0xeae9",
			"icmp.checksum.status": "1",
			"icmp.code":            "1",
			"icmp.redir_gw":        "10.0.0.254",
			"icmp.type":            "5",
			"ip.dst":               "10.0.0.2,8.8.8.8",
			"ip.src":               "10.0.0.1,10.0.0.2",
			"udp.dstport":          "53",
			"udp.srcport":          "1234",
		},
	},
	{
		name: "redirect of 8 bytes",
		// redirect with no quoted datagram: malformed (Wireshark reads its header length)
		frame: `
			00112233 44556677 8899aabb 08004500
			001c0001 00004001 66de0a00 00010a00
			00020501 f0000a00 00fe`,
		want: map[string]string{
			"info":                 "Redirect             (Redirect for host)",
			"malformed":            "1",
			"icmp.checksum":        "0xf000",
			"icmp.checksum.status": "1",
			"icmp.code":            "1",
			"icmp.redir_gw":        "10.0.0.254",
			"icmp.type":            "5",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "router advertisement",
		// router advertisement code 0 (shown as Mobile IP), one address
		frame: `
			00112233 44556677 8899aabb 08004500
			00240001 00004001 66d60a00 00010a00
			00020900 eae00102 001e0a00 00fe0000
			0001`,
		want: map[string]string{
			"info":                 "Mobile IP Advertisement (Normal router advertisement)",
			"icmp.addr_entry_size": "2",
			"icmp.checksum":        "0xeae0",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.lifetime":        "30",
			"icmp.num_addrs":       "1",
			"icmp.pref_level":      "1",
			"icmp.router_address":  "10.0.0.254",
			"icmp.type":            "9",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "router advertisement short",
		// router advertisement announcing 2 addresses but carrying 1
		frame: `
			00112233 44556677 8899aabb 08004500
			00240001 00004001 66d60a00 00010a00
			00020901 e9df0202 001e0a00 00fe0000
			0001`,
		want: map[string]string{
			"info":                 "Router advertisement (Unknown code: 1)",
			"malformed":            "1",
			"icmp.addr_entry_size": "2",
			"icmp.checksum":        "0xe9df",
			"icmp.checksum.status": "1",
			"icmp.code":            "1",
			"icmp.lifetime":        "30",
			"icmp.num_addrs":       "2",
			"icmp.pref_level":      "1",
			"icmp.router_address":  "10.0.0.254",
			"icmp.type":            "9",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "router solicitation",
		// router solicitation (Info keeps the padding to 20 characters)
		frame: `
			00112233 44556677 8899aabb 08004500
			001c0001 00004001 66de0a00 00010a00
			00020a00 f5ff0000 0000`,
		want: map[string]string{
			"info":                 "Router solicitation ",
			"icmp.checksum":        "0xf5ff",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.type":            "10",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "timestamp request",
		// timestamp request
		frame: `
			00112233 44556677 8899aabb 08004500
			00280001 00004001 66d20a00 00010a00
			00020d00 f2f60001 00020000 00010000
			00020000 0003`,
		want: map[string]string{
			"info":                     "Timestamp request    id=0x0001, seq=2/512, ttl=64",
			"icmp.checksum":            "0xf2f6",
			"icmp.checksum.status":     "1",
			"icmp.code":                "0",
			"icmp.ident":               "1",
			"icmp.ident_le":            "256",
			"icmp.originate_timestamp": "1",
			"icmp.receive_timestamp":   "2",
			"icmp.seq":                 "2",
			"icmp.seq_le":              "512",
			"icmp.transmit_timestamp":  "3",
			"icmp.type":                "13",
			"ip.dst":                   "10.0.0.2",
			"ip.src":                   "10.0.0.1",
		},
	},
	{
		name: "timestamp cut short",
		// timestamp request missing its transmit timestamp
		frame: `
			00112233 44556677 8899aabb 08004500
			00240001 00004001 66d60a00 00010a00
			00020d00 f2f90001 00020000 00010000
			0002`,
		want: map[string]string{
			"info":                     "Timestamp request    id=0x0001, seq=2/512, ttl=64",
			"malformed":                "1",
			"icmp.checksum":            "0xf2f9",
			"icmp.checksum.status":     "1",
			"icmp.code":                "0",
			"icmp.ident":               "1",
			"icmp.ident_le":            "256",
			"icmp.originate_timestamp": "1",
			"icmp.receive_timestamp":   "2",
			"icmp.seq":                 "2",
			"icmp.seq_le":              "512",
			"icmp.type":                "13",
			"ip.dst":                   "10.0.0.2",
			"ip.src":                   "10.0.0.1",
		},
	},
	{
		name: "address mask reply",
		// address mask reply
		frame: `
			00112233 44556677 8899aabb 08004500
			00200001 00004001 66da0a00 00010a00
			00021200 eefb0001 0002ffff ff00`,
		want: map[string]string{
			"info":                 "Address mask reply   id=0x0001, seq=2/512, ttl=64",
			"icmp.address_mask":    "255.255.255.0",
			"icmp.checksum":        "0xeefb",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.ident":           "1",
			"icmp.ident_le":        "256",
			"icmp.seq":             "2",
			"icmp.seq_le":          "512",
			"icmp.type":            "18",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "unknown type",
		// an unassigned type
		frame: `
			00112233 44556677 8899aabb 08004500
			001c0001 00004001 66de0a00 00010a00
			00024d03 b2fc0000 0000`,
		want: map[string]string{
			"info":                 "Unknown ICMP (obsolete or malformed?)",
			"icmp.checksum":        "0xb2fc",
			"icmp.checksum.status": "1",
			"icmp.code":            "3",
			"icmp.type":            "77",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
		},
	},
	{
		name: "extended echo request",
		// RFC 8335 extended echo request with an interface identification object
		frame: `
			00112233 44556677 8899aabb 08004500
			00280001 00004001 66d20a00 00010a00
			00022a00 beca1234 05012000 dceb0008
			03020000 000a`,
		want: map[string]string{
			"info":                     "Extended Echo request (No error)",
			"icmp.checksum":            "0xbeca",
			"icmp.checksum.status":     "1",
			"icmp.code":                "0",
			"icmp.ext.checksum":        "0xdceb",
			"icmp.ext.checksum.status": "1",
			"icmp.ext.class":           "3",
			"icmp.ext.ctype":           "2",
			"icmp.ext.echo.req.local":  "1",
			"icmp.ext.echo.seq":        "5",
			"icmp.ext.length":          "8",
			"icmp.ext.res":             "0x0000",
			"icmp.ext.version":         "2",
			"icmp.ident":               "4660",
			"icmp.ident_le":            "13330",
			"icmp.type":                "42",
			"ip.dst":                   "10.0.0.2",
			"ip.src":                   "10.0.0.1",
		},
	},
	{
		name: "extended echo reply",
		// RFC 8335 extended echo reply, state reachable, active, IPv4
		frame: `
			00112233 44556677 8899aabb 08004500
			001c0001 00004001 66de0a00 00010a00
			00022b02 bd831234 0546`,
		want: map[string]string{
			"info":                     "Extended Echo reply  (No Such Interface)",
			"icmp.checksum":            "0xbd83",
			"icmp.checksum.status":     "1",
			"icmp.code":                "2",
			"icmp.ext.echo.rsp.active": "1",
			"icmp.ext.echo.rsp.ipv4":   "1",
			"icmp.ext.echo.rsp.ipv6":   "0",
			"icmp.ext.echo.rsp.state":  "2",
			"icmp.ext.echo.seq":        "5",
			"icmp.ident":               "4660",
			"icmp.ident_le":            "13330",
			"icmp.type":                "43",
			"ip.dst":                   "10.0.0.2",
			"ip.src":                   "10.0.0.1",
		},
	},
	{
		name: "time exceeded with MPLS extension",
		// traceroute reply: 128 bytes of quote, then an RFC 4950 MPLS label stack
		frame: `
			00112233 44556677 8899aabb 08004500
			00a80001 00004001 65550a00 00fe0a00
			00020b00 6d270000 00004500 00800001
			00000111 9f5b0a00 00020808 080804d2
			829a006c 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00002000 7add0008
			01010018 6401`,
		want: map[string]string{
			"info":                     "Time-to-live exceeded (Time to live exceeded in transit)",
			"icmp.checksum":            "0x6d27",
			"icmp.checksum.status":     "1",
			"icmp.code":                "0",
			"icmp.ext.checksum":        "0x7add",
			"icmp.ext.checksum.status": "1",
			"icmp.ext.class":           "1",
			"icmp.ext.ctype":           "1",
			"icmp.ext.length":          "8",
			"icmp.ext.res":             "0x0000",
			"icmp.ext.version":         "2",
			"icmp.mpls.exp":            "2",
			"icmp.mpls.label":          "390",
			"icmp.mpls.s":              "0",
			"icmp.mpls.ttl":            "1",
			"icmp.type":                "11",
			"icmp.unused":              "00000000",
			"ip.dst":                   "10.0.0.2,8.8.8.8",
			"ip.src":                   "10.0.0.254,10.0.0.2",
			"udp.dstport":              "33434",
			"udp.srcport":              "1234",
		},
	},
	{
		name: "time exceeded with unknown extension object",
		// an extension object of an unknown class carries raw data
		frame: `
			00112233 44556677 8899aabb 08004500
			00ac0001 00004001 65510a00 00fe0a00
			00020b00 6d070020 00004500 00800001
			00000111 9f5b0a00 00020808 080804d2
			829a006c 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00002000 92e20008
			09090102 03040005 4001`,
		want: map[string]string{
			"info":                          "Time-to-live exceeded (Time to live exceeded in transit)",
			"icmp.checksum":                 "0x6d07",
			"icmp.checksum.status":          "1",
			"icmp.code":                     "0",
			"icmp.ext.checksum":             "0x92e2",
			"icmp.ext.checksum.status":      "1",
			"icmp.ext.class":                "9,64",
			"icmp.ext.ctype":                "9,1",
			"icmp.ext.data":                 "01020304",
			"icmp.ext.length":               "8,5",
			"icmp.ext.res":                  "0x0000",
			"icmp.ext.version":              "2",
			"icmp.length":                   "32",
			"icmp.length.original_datagram": "128",
			"icmp.type":                     "11",
			"icmp.unused":                   "00,0000",
			"ip.dst":                        "10.0.0.2,8.8.8.8",
			"ip.src":                        "10.0.0.254,10.0.0.2",
			"udp.dstport":                   "33434",
			"udp.srcport":                   "1234",
		},
	},
	{
		name: "ICMP over IPv6",
		// an ICMP (not ICMPv6) echo carried by IPv6: no ttl in the Info column
		frame: `
			00112233 44556677 8899aabb 86dd6000
			00000010 01402001 00000000 00000000
			00000000 00012001 00000000 00000000
			00000000 00020800 66670001 00026162
			63646566 6768`,
		want: map[string]string{
			"info":                 "Echo (ping) request  id=0x0001, seq=2/512",
			"data.len":             "8",
			"icmp.checksum":        "0x6667",
			"icmp.checksum.status": "1",
			"icmp.code":            "0",
			"icmp.ident":           "1",
			"icmp.ident_le":        "256",
			"icmp.seq":             "2",
			"icmp.seq_le":          "512",
			"icmp.type":            "8",
			"ipv6.dst":             "2001::2",
			"ipv6.src":             "2001::1",
		},
	},
	{
		name: "quoted IPv6 in ICMP",
		// destination unreachable quoting an IPv6 packet
		frame: `
			00112233 44556677 8899aabb 08004500
			004c0001 00004001 66ae0a00 00010a00
			00020303 4b9c0000 00006000 00000008
			11402001 00000000 00000000 00000000
			00012001 00000000 00000000 00000000
			00020005 00060008 0000`,
		want: map[string]string{
			"info":                 "Destination unreachable (Port unreachable)",
			"icmp.checksum":        "0x4b9c",
			"icmp.checksum.status": "1",
			"icmp.code":            "3",
			"icmp.type":            "3",
			"icmp.unused":          "00000000",
			"ip.dst":               "10.0.0.2",
			"ip.src":               "10.0.0.1",
			"ipv6.dst":             "2001::2",
			"ipv6.src":             "2001::1",
			"udp.dstport":          "6",
			"udp.srcport":          "5",
		},
	},
	{
		name: "time exceeded RFC 4884 with extension",
		// length byte 7: Wireshark 4.0 looks for the extension right after the 28 quoted bytes
		frame: `
			00112233 44556677 8899aabb 08004500
			00bc0001 00004001 65410a00 00fe0a00
			00020b00 6d700007 00004500 00300001
			00000111 9fab0a00 00020808 080804d2
			829a001c 00002000 7add0008 01010018
			64010000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 0000`,
		want: map[string]string{
			"info":                          "Time-to-live exceeded (Time to live exceeded in transit)",
			"icmp.checksum":                 "0x6d70",
			"icmp.checksum.status":          "1",
			"icmp.code":                     "0",
			"icmp.ext.checksum":             "0x7add",
			"icmp.ext.checksum.status":      "1",
			"icmp.ext.class":                "1,0",
			"icmp.ext.ctype":                "1",
			"icmp.ext.length":               "8,0",
			"icmp.ext.res":                  "0x0000",
			"icmp.ext.version":              "2",
			"icmp.length":                   "7",
			"icmp.length.original_datagram": "28",
			"icmp.mpls.exp":                 "2",
			"icmp.mpls.label":               "390",
			"icmp.mpls.s":                   "0",
			"icmp.mpls.ttl":                 "1",
			"icmp.type":                     "11",
			"icmp.unused":                   "00,0000",
			"ip.dst":                        "10.0.0.2,8.8.8.8",
			"ip.src":                        "10.0.0.254,10.0.0.2",
			"udp.dstport":                   "33434",
			"udp.srcport":                   "1234",
		},
	},
}

var seqCases = []seqCase{
	{
		name: "echo matching",
		// a request and its reply, a duplicate reply, a reply from another host, a repeated request
		// whose reply matches the later one
		frames: []string{
			`
				00112233 44556677 8899aabb 08004500
				00240001 00004001 66d60a00 00010a00
				00020800 03e31234 00077878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00003201 74d60a00 00020a00
				00010000 0be31234 00077878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00003201 74d60a00 00020a00
				00010000 0be31234 00077878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00004001 66d60a00 00010a00
				00020800 03e21234 00087878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00003201 74d50a00 00030a00
				00010000 0be21234 00087878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00004001 66d60a00 00010a00
				00020800 03e11234 00097878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00004001 66d60a00 00010a00
				00020800 03e11234 00097878 78787878
				7878`,
			`
				00112233 44556677 8899aabb 08004500
				00240001 00003201 74d60a00 00020a00
				00010000 0be11234 00097878 78787878
				7878`,
		},
		want: []map[string]string{
			{"info": "Echo (ping) request  id=0x1234, seq=7/1792, ttl=64", "icmp.resp_to": ""},
			{"info": "Echo (ping) reply    id=0x1234, seq=7/1792, ttl=50 (request in 1)", "icmp.resp_to": "1"},
			{"info": "Echo (ping) reply    id=0x1234, seq=7/1792, ttl=50", "icmp.resp_to": ""},
			{"info": "Echo (ping) request  id=0x1234, seq=8/2048, ttl=64", "icmp.resp_to": ""},
			{"info": "Echo (ping) reply    id=0x1234, seq=8/2048, ttl=50", "icmp.resp_to": ""},
			{"info": "Echo (ping) request  id=0x1234, seq=9/2304, ttl=64", "icmp.resp_to": ""},
			{"info": "Echo (ping) request  id=0x1234, seq=9/2304, ttl=64", "icmp.resp_to": ""},
			{"info": "Echo (ping) reply    id=0x1234, seq=9/2304, ttl=50 (request in 7)", "icmp.resp_to": "7"},
		},
	},
	{
		name: "echo matching ICMPv6",
		// ICMPv6 request and reply, then a reply without request
		frames: []string{
			`
				33330000 00010011 22334455 86dd6000
				0000000c 3a402001 0db80000 00000000
				00000000 00012001 0db80000 00000000
				00000000 00028000 45710001 00017069
				6e67`,
			`
				33330000 00010011 22334455 86dd6000
				0000000c 3a3c2001 0db80000 00000000
				00000000 00022001 0db80000 00000000
				00000000 00018100 44710001 00017069
				6e67`,
			`
				33330000 00010011 22334455 86dd6000
				0000000c 3a3c2001 0db80000 00000000
				00000000 00022001 0db80000 00000000
				00000000 00018100 44700001 00027069
				6e67`,
		},
		want: []map[string]string{
			{"info": "Echo (ping) request id=0x0001, seq=1, hop limit=64", "icmpv6.resp_to": ""},
			{"info": "Echo (ping) reply id=0x0001, seq=1, hop limit=60 (request in 1)", "icmpv6.resp_to": "1"},
			{"info": "Echo (ping) reply id=0x0001, seq=2, hop limit=60", "icmpv6.resp_to": ""},
		},
	},
	{
		name: "arp duplicates",
		// 192.168.0.30 used by a second MAC address; the first keeps using it
		frames: []string{
			`
				ffffffff ffff0008 02aaaaaa 08060001
				08000604 00010008 02aaaaaa c0a8001e
				00000000 0000c0a8 0001`,
			`
				ffffffff ffff0021 0001ffff 08060001
				08000604 00020021 0001ffff c0a80001
				000802aa aaaac0a8 001e`,
			`
				ffffffff ffff0008 02bbbbbb 08060001
				08000604 00010008 02bbbbbb c0a8001e
				00000000 0000c0a8 0001`,
			`
				ffffffff ffff0008 02aaaaaa 08060001
				08000604 00010008 02aaaaaa c0a8001e
				00000000 0000c0a8 0001`,
			`
				ffffffff ffff0021 0001ffff 08060001
				08000604 00020021 0001ffff c0a80001
				000802bb bbbbc0a8 001e`,
		},
		want: []map[string]string{
			{"info": "Who has 192.168.0.1? Tell 192.168.0.30", "arp.duplicate-address-frame": "", "arp.seconds-since-duplicate-address-frame": ""},
			{"info": "192.168.0.1 is at 00:21:00:01:ff:ff", "arp.duplicate-address-frame": "", "arp.seconds-since-duplicate-address-frame": ""},
			{"info": "Who has 192.168.0.1? Tell 192.168.0.30 (duplicate use of 192.168.0.30 detected!)", "arp.duplicate-address-frame": "2", "arp.seconds-since-duplicate-address-frame": "0"},
			{"info": "Who has 192.168.0.1? Tell 192.168.0.30", "arp.duplicate-address-frame": "", "arp.seconds-since-duplicate-address-frame": ""},
			{"info": "192.168.0.1 is at 00:21:00:01:ff:ff (duplicate use of 192.168.0.30 detected!)", "arp.duplicate-address-frame": "4", "arp.seconds-since-duplicate-address-frame": "0"},
		},
	},
	{
		name: "cut by the snapshot length",
		// frames whose capture stops short of their length on the wire: not malformed,
		// checksums unverified, extension fields stop after the reserved bits
		frames: []string{
			`
				00112233 44556677 8899aabb 08004500
				00440001 00004001 66b60a00 00010a00
				00020800 7a800001`,
			`
				00112233 44556677 8899aabb 08004500
				00440001 00004001 66b60a00 00010a00
				00020800 7a800001 00017979 79797979
				79797979 7979`,
			`
				00112233 44556677 8899aabb 08004500
				00a80001 00004001 65550a00 00fe0a00
				00020b00 6d270000 00004500 00800001
				00000111 9f5b0a00 00020808 080804d2
				829a006c 00000000 00000000 00000000
				00000000 00000000 00000000 00000000
				00000000 00000000 00000000 00000000
				00000000 00000000 00000000 00000000
				00000000 00000000 00000000 00000000
				00000000 00000000 00000000 00000000
				00000000 00000000 00002000 7a`,
		},
		origLens: []int{82, 82, 182},
		want: []map[string]string{
			{"info": "Echo (ping) request ", "icmp.type": "8", "icmp.seq": "", "icmp.checksum.status": "2", "icmp.ext.version": "", "icmp.ext.res": "", "icmp.ext.checksum": "", "icmp.ext.class": ""},
			{"info": "Echo (ping) request  id=0x0001, seq=1/256, ttl=64", "icmp.type": "8", "icmp.seq": "1", "icmp.checksum.status": "2", "icmp.ext.version": "", "icmp.ext.res": "", "icmp.ext.checksum": "", "icmp.ext.class": ""},
			{"info": "Time-to-live exceeded (Time to live exceeded in transit)", "icmp.type": "11", "icmp.seq": "", "icmp.checksum.status": "2", "icmp.ext.version": "2", "icmp.ext.res": "0x0000", "icmp.ext.checksum": "", "icmp.ext.class": ""},
		},
	},
}

var fileCases = []fileCase{
	{
		file:   "5-pings.pcap",
		fields: "ip.src ip.ttl udp.srcport udp.length icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.unused icmp.resp_to icmp.data_time_relative icmp.ext.version icmp.ext.checksum.status icmp.ext.class icmp.ext.ctype icmp.mpls.label icmp.mpls.ttl",
		rows: `Echo (ping) request  id=0x04ca, seq=1/256, ttl=64		172.16.133.2	64			8	0	0xef24	1	1226	1	256			0.986596000						
Echo (ping) reply    id=0x04ca, seq=1/256, ttl=113 (request in 1)		172.217.11.78	113			0	0	0xf724	1	1226	1	256		1	1.012895000						
Echo (ping) request  id=0x04ca, seq=2/512, ttl=64		172.16.133.2	64			8	0	0x7720	1	1226	2	512			0.987495000						
Echo (ping) reply    id=0x04ca, seq=2/512, ttl=113 (request in 3)		172.217.11.78	113			0	0	0x7f20	1	1226	2	512		3	1.010746000						
Echo (ping) request  id=0x04ca, seq=3/768, ttl=64		172.16.133.2	64			8	0	0xb21c	1	1226	3	768			0.988206000						
Echo (ping) reply    id=0x04ca, seq=3/768, ttl=113 (request in 5)		172.217.11.78	113			0	0	0xba1c	1	1226	3	768		5	1.020548000						
Echo (ping) request  id=0x04ca, seq=4/1024, ttl=64		172.16.133.2	64			8	0	0x3419	1	1226	4	1024			0.988838000						
Echo (ping) reply    id=0x04ca, seq=4/1024, ttl=113 (request in 7)		172.217.11.78	113			0	0	0x3c19	1	1226	4	1024		7	1.019390000						
Echo (ping) request  id=0x04ca, seq=5/1280, ttl=64		172.16.133.2	64			8	0	0x7c14	1	1226	5	1280			0.989795000						
Echo (ping) reply    id=0x04ca, seq=5/1280, ttl=113 (request in 9)		172.217.11.78	113			0	0	0x8414	1	1226	5	1280		9	1.018993000						`,
	},
	{
		file:   "icmp-destunreach-udp.pcap",
		fields: "ip.src ip.ttl udp.srcport udp.length icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.unused icmp.resp_to icmp.data_time_relative icmp.ext.version icmp.ext.checksum.status icmp.ext.class icmp.ext.ctype icmp.mpls.label icmp.mpls.ttl",
		rows:   `Destination unreachable (Port unreachable)		192.168.1.102,192.168.1.1	128,64	53	143	3	3	0x03bb	1				00000000								`,
	},
	{
		file:   "mpls-traceroute.pcap",
		fields: "ip.src ip.ttl udp.srcport udp.length icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.unused icmp.resp_to icmp.data_time_relative icmp.ext.version icmp.ext.checksum.status icmp.ext.class icmp.ext.ctype icmp.mpls.label icmp.mpls.ttl",
		rows: `42315 → 33435 Len=12		12.4.4.4	1	42315	20																
Time-to-live exceeded (Time to live exceeded in transit)		10.5.0.1,12.4.4.4	255,1	42315	20	11	0	0xcd04	1				00000000			2	1	1	1	100704	1
42315 → 33436 Len=12		12.4.4.4	1	42315	20																
Time-to-live exceeded (Time to live exceeded in transit)		10.5.0.1,12.4.4.4	255,1	42315	20	11	0	0xcd03	1				00000000			2	1	1	1	100704	1
42315 → 33437 Len=12		12.4.4.4	1	42315	20																
Time-to-live exceeded (Time to live exceeded in transit)		10.5.0.1,12.4.4.4	255,1	42315	20	11	0	0xcd02	1				00000000			2	1	1	1	100704	1
42315 → 33438 Len=12		12.4.4.4	2	42315	20																
Time-to-live exceeded (Time to live exceeded in transit)		10.4.0.2,12.4.4.4	254,1	42315	20	11	0	0xcd01	1				00000000			2	1	1	1	102672	1
42315 → 33439 Len=12		12.4.4.4	2	42315	20																
Time-to-live exceeded (Time to live exceeded in transit)		10.4.0.2,12.4.4.4	254,1	42315	20	11	0	0xcd00	1				00000000			2	1	1	1	102672	1
42315 → 33440 Len=12		12.4.4.4	2	42315	20																
Time-to-live exceeded (Time to live exceeded in transit)		10.4.0.2,12.4.4.4	254,1	42315	20	11	0	0xccff	1				00000000			2	1	1	1	102672	1
42315 → 33441 Len=12		12.4.4.4	3	42315	20																
Destination unreachable (Port unreachable)		12.1.1.1,12.4.4.4	253,1	42315	20	3	3	0xd4fb	1				00000000								
42315 → 33442 Len=12		12.4.4.4	3	42315	20																
Destination unreachable (Port unreachable)		12.1.1.1,12.4.4.4	253,1	42315	20	3	3	0xd4fa	1				00000000								
42315 → 33443 Len=12		12.4.4.4	3	42315	20																
Destination unreachable (Port unreachable)		12.1.1.1,12.4.4.4	253,1	42315	20	3	3	0xd4f9	1				00000000								`,
	},
	{
		file:   "icmp-rfc5837.pcap",
		fields: "ip.src ip.ttl udp.srcport udp.length icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.unused icmp.resp_to icmp.data_time_relative icmp.ext.version icmp.ext.checksum.status icmp.ext.class icmp.ext.ctype icmp.mpls.label icmp.mpls.ttl",
		rows:   `Time-to-live exceeded (Time to live exceeded in transit)		10.4.0.2,12.4.4.4	254,1	42315	20	11	0	0xccff	1				00000000			2	1	2	14		`,
	},
	{
		file:   "icmp6-nd-short-options.pcap",
		fields: "ipv6.src icmpv6.type icmpv6.code icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number icmpv6.resp_to icmpv6.mtu icmpv6.nd.ns.target_address icmpv6.nd.na.target_address icmpv6.nd.na.flag icmpv6.nd.ra.flag icmpv6.opt.type icmpv6.opt.length icmpv6.opt.linkaddr icmpv6.opt.prefix icmpv6.opt.mtu icmpv6.opt.rdnss icmpv6.opt.dnssl icmpv6.mld.multicast_address icmpv6.reserved",
		rows: `Router Advertisement	1	fe80::1	134	0	1								0x08									
Router Advertisement from 00:11:22:33:44:55		fe80::1	134	0	1								0x08	1	1	00:11:22:33:44:55						
Neighbor Advertisement	1	fe80::1	136	0	1							0xa0000000										
Neighbor Advertisement fe80::3 (rtr, ovr) from 00:11:22:33:44:55		fe80::1	136	0	1						fe80::3	0xa0000000		1	1	00:11:22:33:44:55						
Neighbor Solicitation	1	fe80::1	135	0	1																	00000000
Neighbor Solicitation for fe80::3 from 00:11:22:33:44:55		fe80::1	135	0	1					fe80::3				1	1	00:11:22:33:44:55						00000000
Redirect	1	fe80::1	137	0	1																	00000000
Redirect from 00:11:22:33:44:55		fe80::1	137	0	1									1	1	00:11:22:33:44:55						00000000
Router Advertisement		fe80::1	134	0	1								0x08									
Neighbor Advertisement fe80::3 (rtr, ovr)		fe80::1	136	0	1						fe80::3	0xa0000000										
Neighbor Solicitation for fe80::3		fe80::1	135	0	1					fe80::3												00000000
Redirect		fe80::1	137	0	1																	00000000
Router Advertisement	1	fe80::10	134	0	1								0x08									
Neighbor Advertisement	1	fe80::10	136	0	1							0xa0000000										
Neighbor Solicitation	1	fe80::10	135	0	1																	00000000
Redirect	1	fe80::10	137	0	1																	00000000`,
	},
	{
		file:   "communityid-icmp6.pcap",
		fields: "ipv6.src icmpv6.type icmpv6.code icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number icmpv6.resp_to icmpv6.mtu icmpv6.nd.ns.target_address icmpv6.nd.na.target_address icmpv6.nd.na.flag icmpv6.nd.ra.flag icmpv6.opt.type icmpv6.opt.length icmpv6.opt.linkaddr icmpv6.opt.prefix icmpv6.opt.mtu icmpv6.opt.rdnss icmpv6.opt.dnssl icmpv6.mld.multicast_address icmpv6.reserved",
		rows: `Neighbor Solicitation for fe80::260:97ff:fe07:69ea from 00:00:86:05:80:da		fe80::200:86ff:fe05:80da	135	0	1					fe80::260:97ff:fe07:69ea				1	1	00:00:86:05:80:da						00000000
Neighbor Advertisement fe80::260:97ff:fe07:69ea (rtr, sol)		fe80::260:97ff:fe07:69ea	136	0	1						fe80::260:97ff:fe07:69ea	0xc0000000										
Neighbor Solicitation for 3ffe:507:0:1:200:86ff:fe05:80da from 00:60:97:07:69:ea		3ffe:507:0:1:260:97ff:fe07:69ea	135	0	1					3ffe:507:0:1:200:86ff:fe05:80da				1	1	00:60:97:07:69:ea						00000000
Neighbor Advertisement 3ffe:507:0:1:200:86ff:fe05:80da (sol)		3ffe:507:0:1:200:86ff:fe05:80da	136	0	1						3ffe:507:0:1:200:86ff:fe05:80da	0x40000000										
Neighbor Solicitation for 3ffe:507:0:1:260:97ff:fe07:69ea from 00:00:86:05:80:da		3ffe:507:0:1:200:86ff:fe05:80da	135	0	1					3ffe:507:0:1:260:97ff:fe07:69ea				1	1	00:00:86:05:80:da						00000000
Neighbor Advertisement 3ffe:507:0:1:260:97ff:fe07:69ea (rtr, sol)		3ffe:507:0:1:260:97ff:fe07:69ea	136	0	1						3ffe:507:0:1:260:97ff:fe07:69ea	0xc0000000										
Neighbor Solicitation for fe80::200:86ff:fe05:80da from 00:60:97:07:69:ea		fe80::260:97ff:fe07:69ea	135	0	1					fe80::200:86ff:fe05:80da				1	1	00:60:97:07:69:ea						00000000
Neighbor Advertisement fe80::200:86ff:fe05:80da (sol)		fe80::200:86ff:fe05:80da	136	0	1						fe80::200:86ff:fe05:80da	0x40000000										
Neighbor Solicitation for fe80::260:97ff:fe07:69ea from 00:00:86:05:80:da		fe80::200:86ff:fe05:80da	135	0	1					fe80::260:97ff:fe07:69ea				1	1	00:00:86:05:80:da						00000000
Neighbor Advertisement fe80::260:97ff:fe07:69ea (rtr, sol)		fe80::260:97ff:fe07:69ea	136	0	1						fe80::260:97ff:fe07:69ea	0xc0000000										
Time Exceeded (hop limit exceeded in transit)		3ffe:507:0:1:260:97ff:fe07:69ea,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:507:0:1:260:97ff:fe07:69ea,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:507:0:1:260:97ff:fe07:69ea,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:501:0:1802:260:97ff:feb6:7ff0,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:501:0:1802:260:97ff:feb6:7ff0,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:501:0:1802:260:97ff:feb6:7ff0,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:501:1800:2345::2,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:501:1800:2345::2,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Time Exceeded (hop limit exceeded in transit)		3ffe:501:1800:2345::2,3ffe:507:0:1:200:86ff:fe05:80da	3	0	1																	00000000
Destination Unreachable (Port unreachable)		3ffe:501:410:0:2c0:dfff:fe47:33e,3ffe:507:0:1:200:86ff:fe05:80da	1	4	1																	00000000
Destination Unreachable (Port unreachable)		3ffe:501:410:0:2c0:dfff:fe47:33e,3ffe:507:0:1:200:86ff:fe05:80da	1	4	1																	00000000
Destination Unreachable (Port unreachable)		3ffe:501:410:0:2c0:dfff:fe47:33e,3ffe:507:0:1:200:86ff:fe05:80da	1	4	1																	00000000
Echo (ping) request id=0x7620, seq=0, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7620	0															
Echo (ping) reply id=0x7620, seq=0, hop limit=59 (request in 23)		3ffe:501:0:1001::2	129	0	1	0x7620	0	23														
Echo (ping) request id=0x7620, seq=256, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7620	256															
Echo (ping) reply id=0x7620, seq=256, hop limit=59 (request in 25)		3ffe:501:0:1001::2	129	0	1	0x7620	256	25														
Echo (ping) request id=0x7620, seq=512, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7620	512															
Echo (ping) reply id=0x7620, seq=512, hop limit=59 (request in 27)		3ffe:501:0:1001::2	129	0	1	0x7620	512	27														
Neighbor Solicitation for 3ffe:507:0:1:200:86ff:fe05:80da from 00:60:97:07:69:ea		3ffe:507:0:1:260:97ff:fe07:69ea	135	0	1					3ffe:507:0:1:200:86ff:fe05:80da				1	1	00:60:97:07:69:ea						00000000
Neighbor Advertisement 3ffe:507:0:1:200:86ff:fe05:80da (sol)		3ffe:507:0:1:200:86ff:fe05:80da	136	0	1						3ffe:507:0:1:200:86ff:fe05:80da	0x40000000										
Router Solicitation		fe80::200:86ff:fe05:80da	133	0	1																	00000000
Router Advertisement from 00:60:97:07:69:ea		fe80::260:97ff:fe07:69ea	134	0	1								0x00	1,5,3	1,1,4	00:60:97:07:69:ea	3ffe:507:0:1::	1500				
Neighbor Solicitation for fe80::260:97ff:fe07:69ea from 00:00:86:05:80:da		fe80::200:86ff:fe05:80da	135	0	1					fe80::260:97ff:fe07:69ea				1	1	00:00:86:05:80:da						00000000
Neighbor Advertisement fe80::260:97ff:fe07:69ea (rtr, sol)		fe80::260:97ff:fe07:69ea	136	0	1						fe80::260:97ff:fe07:69ea	0xc0000000										
Destination Unreachable (Port unreachable)		3ffe:507:0:1:200:86ff:fe05:80da,3ffe:501:4819::42	1	4	1																	00000000
Neighbor Solicitation for 3ffe:507:0:1:260:97ff:fe07:69ea from 00:00:86:05:80:da		3ffe:507:0:1:200:86ff:fe05:80da	135	0	1					3ffe:507:0:1:260:97ff:fe07:69ea				1	1	00:00:86:05:80:da						00000000
Neighbor Advertisement 3ffe:507:0:1:260:97ff:fe07:69ea (rtr, sol, ovr) is at 00:60:97:07:69:ea		3ffe:507:0:1:260:97ff:fe07:69ea	136	0	1						3ffe:507:0:1:260:97ff:fe07:69ea	0xe0000000		2	1	00:60:97:07:69:ea						
Echo (ping) request id=0x7b20, seq=0, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7b20	0															
Echo (ping) reply id=0x7b20, seq=0, hop limit=64 (request in 38)		3ffe:507:0:1:260:97ff:fe07:69ea	129	0	1	0x7b20	0	38														
Echo (ping) request id=0x7b20, seq=256, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7b20	256															
Echo (ping) reply id=0x7b20, seq=256, hop limit=64 (request in 40)		3ffe:507:0:1:260:97ff:fe07:69ea	129	0	1	0x7b20	256	40														
Echo (ping) request id=0x7b20, seq=512, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7b20	512															
Echo (ping) reply id=0x7b20, seq=512, hop limit=64 (request in 42)		3ffe:507:0:1:260:97ff:fe07:69ea	129	0	1	0x7b20	512	42														
Echo (ping) request id=0x7b20, seq=768, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7b20	768															
Echo (ping) reply id=0x7b20, seq=768, hop limit=64 (request in 44)		3ffe:507:0:1:260:97ff:fe07:69ea	129	0	1	0x7b20	768	44														
Echo (ping) request id=0x7b20, seq=1024, hop limit=64		3ffe:507:0:1:200:86ff:fe05:80da	128	0	1	0x7b20	1024															
Echo (ping) reply id=0x7b20, seq=1024, hop limit=64 (request in 46)		3ffe:507:0:1:260:97ff:fe07:69ea	129	0	1	0x7b20	1024	46														
Neighbor Solicitation for fe80::200:86ff:fe05:80da from 00:60:97:07:69:ea		fe80::260:97ff:fe07:69ea	135	0	1					fe80::200:86ff:fe05:80da				1	1	00:60:97:07:69:ea						00000000
Neighbor Advertisement fe80::200:86ff:fe05:80da (sol)		fe80::200:86ff:fe05:80da	136	0	1						fe80::200:86ff:fe05:80da	0x40000000										`,
	},
	{
		file:   "icmpv6_opt24.pcap",
		fields: "ipv6.src icmpv6.type icmpv6.code icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number icmpv6.resp_to icmpv6.mtu icmpv6.nd.ns.target_address icmpv6.nd.na.target_address icmpv6.nd.na.flag icmpv6.nd.ra.flag icmpv6.opt.type icmpv6.opt.length icmpv6.opt.linkaddr icmpv6.opt.prefix icmpv6.opt.mtu icmpv6.opt.rdnss icmpv6.opt.dnssl icmpv6.mld.multicast_address icmpv6.reserved",
		rows: `Router Advertisement from 14:cf:92:87:23:d6		fe80::16cf:92ff:fe87:23d6	134	0	1								0xc0	1,5,3,24,25,31	1,1,4,2,3,2	14:cf:92:87:23:d6	fd8d:4fb3:5b2e::,fd8d:4fb3:5b2e::	1500	fd8d:4fb3:5b2e::1	lan		
Router Advertisement from 14:cf:92:87:23:d6		fe80::16cf:92ff:fe87:23d6	134	0	1								0xc0	1,5,3,24,25,31	1,1,4,2,3,2	14:cf:92:87:23:d6	fd8d:4fb3:5b2e::,fd8d:4fb3:5b2e::	1500	fd8d:4fb3:5b2e::1	lan		`,
	},
	{
		file:   "ip6-route0-icmp6-good-chksum.pcap",
		fields: "ipv6.src icmpv6.type icmpv6.code icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number icmpv6.resp_to icmpv6.mtu icmpv6.nd.ns.target_address icmpv6.nd.na.target_address icmpv6.nd.na.flag icmpv6.nd.ra.flag icmpv6.opt.type icmpv6.opt.length icmpv6.opt.linkaddr icmpv6.opt.prefix icmpv6.opt.mtu icmpv6.opt.rdnss icmpv6.opt.dnssl icmpv6.mld.multicast_address icmpv6.reserved",
		rows:   `Echo (ping) request id=0x0000, seq=0, hop limit=64		2001:4f8:4:7:2e0:81ff:fe52:ffff	128	0	1	0x0000	0															`,
	},
	{
		file:   "linuxsll-arp.pcap",
		fields: "arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4 arp.isgratuitous arp.isannouncement arp.isprobe",
		rows: `Who has 192.168.22.160? Tell 192.168.22.1		1	cc:2d:e0:26:19:99	192.168.22.1	00:00:00:00:00:00	192.168.22.160			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
ARP Announcement for 192.168.22.81		1	00:50:56:8b:3f:0d	192.168.22.81	00:00:00:00:00:00	192.168.22.81	1	1	
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
ARP Announcement for 192.168.22.81		1	00:50:56:8b:3f:0d	192.168.22.81	00:00:00:00:00:00	192.168.22.81	1	1	
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			
Who has 10.1.10.1? Tell 10.1.10.100		1	00:50:56:8b:cf:fa	10.1.10.100	00:00:00:00:00:00	10.1.10.1			`,
	},
}

// TestICMPAgainstTsharkDev compares this package with tshark over capture files, field by field. It is a
// development aid, run when WIRELENS_TSHARK_FILES names pcaps (space-separated) and tshark is installed.
func TestICMPAgainstTsharkDev(t *testing.T) {
	files := strings.Fields(os.Getenv("WIRELENS_TSHARK_FILES"))
	if len(files) == 0 {
		t.Skip("set WIRELENS_TSHARK_FILES to compare with tshark")
	}
	fields := strings.Fields(os.Getenv("WIRELENS_TSHARK_FIELDS"))
	if len(fields) == 0 {
		fields = strings.Fields(`icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.seq_le icmp.mtu
			icmp.unused icmp.length icmp.redir_gw icmp.pointer icmp.resp_to icmp.ext.class icmp.ext.ctype icmp.mpls.label
			icmpv6.type icmpv6.code icmpv6.checksum icmpv6.checksum.status icmpv6.echo.identifier icmpv6.echo.sequence_number
			icmpv6.reserved icmpv6.mtu icmpv6.pointer icmpv6.nd.ns.target_address icmpv6.nd.na.target_address icmpv6.nd.na.flag
			icmpv6.opt.type icmpv6.opt.length icmpv6.opt.linkaddr icmpv6.opt.prefix icmpv6.mld.multicast_address icmpv6.resp_to
			arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4 arp.src.hw arp.isgratuitous
			ip.src ip.ttl ipv6.src udp.srcport udp.length tcp.srcport tcp.seq_raw data.len`)
	}
	withMatching(t)
	for _, file := range files {
		args := []string{"-n", "-r", file, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=\t", "-e", "_ws.col.Info"}
		for _, f := range fields {
			args = append(args, "-e", f)
		}
		out, err := exec.Command("tshark", args...).Output()
		if err != nil && len(out) == 0 {
			t.Logf("%s: tshark: %v", file, err)
			continue
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		r, err := capture.NewReader(f)
		if err != nil {
			f.Close()
			t.Logf("%s: %v", file, err)
			continue
		}
		d := NewDecoder()
		var fr capture.Frame
		bad := 0
		for n := 0; ; n++ {
			if err := r.Next(&fr); err != nil {
				break
			}
			p := d.Decode(&fr)
			if n >= len(want) {
				break
			}
			w := strings.Split(want[n], "\t")
			if !p.Has(ProtoICMP) && !p.Has(ProtoICMPv6) && !p.Has(ProtoARP) {
				continue // a link or tunnel layer this package does not decode (yet)
			}
			info := strings.TrimSuffix(string(p.AppendSummary(nil)), " [Malformed "+p.Bad.Proto.String()+": "+p.Bad.Reason+"]")
			if len(w) > 0 && strings.TrimSuffix(w[0], "[Malformed Packet]") != info && os.Getenv("WIRELENS_TSHARK_INFO") != "" {
				t.Logf("%s #%d info: tshark %q wirelens %q", filepath.Base(file), n+1, w[0], info)
			}
			for c, name := range fields {
				wc := ""
				if c+1 < len(w) {
					wc = w[c+1]
				}
				if got := tsharkStr(p, name); got != wc {
					bad++
					if bad < 40 {
						t.Logf("%s #%d %s: tshark %q wirelens %q", filepath.Base(file), n+1, name, wc, got)
					}
				}
			}
		}
		f.Close()
		if bad > 0 {
			t.Errorf("%s: %d cells differ", file, bad)
		}
	}
}

// TestICMPDecodeDoesNotAllocate checks that decoding ICMP, ICMPv6 and ARP frames allocates nothing
// once the decoder's state has been set up (with the cross-frame matching on).
func TestICMPDecodeDoesNotAllocate(t *testing.T) {
	withMatching(t)
	var frames [][]byte
	for _, cs := range [][]frameCase{icmpCases, icmpv6Cases, arpCases} {
		for _, c := range cs {
			frames = append(frames, frameHex(c.frame))
		}
	}
	d := NewDecoder()
	decodeAll := func() {
		for i, f := range frames {
			d.Decode(&capture.Frame{Data: f, OrigLen: len(f), LinkType: capture.LinkTypeEthernet, TimeNS: caseTimeNS + int64(i)})
		}
	}
	decodeAll()
	if n := testing.AllocsPerRun(20, decodeAll); n != 0 {
		t.Errorf("decoding %d frames allocates %.1f times", len(frames), n)
	}
	var ids []field.ID
	for _, pre := range []string{"icmp", "arp"} {
		for _, in := range field.All(pre) {
			ids = append(ids, in.ID)
		}
	}
	vals := make([]field.Value, 0, 64)
	readAll := func() {
		for i, f := range frames {
			p := d.Decode(&capture.Frame{Data: f, OrigLen: len(f), LinkType: capture.LinkTypeEthernet, TimeNS: caseTimeNS + int64(i)})
			for _, id := range ids {
				vals = p.Values(id, vals[:0])
			}
		}
	}
	if n := testing.AllocsPerRun(10, readAll); n != 0 {
		t.Errorf("reading %d fields of %d frames allocates %.1f times", len(ids), len(frames), n)
	}
}
