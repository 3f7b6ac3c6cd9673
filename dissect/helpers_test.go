package dissect

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// Builders of test frames. Each returns the header bytes of one layer; checksums are left zero (wirelens
// does not verify them).

func unhex(s string) []byte {
	s = strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func ethHdr(etype uint16) []byte {
	b := unhex("001122334455 66778899aabb 0000")
	binary.BigEndian.PutUint16(b[12:], etype)
	return b
}

func vlanHdr(id uint16, etype uint16) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint16(b, id)
	binary.BigEndian.PutUint16(b[2:], etype)
	return b
}

// ipv4Hdr builds a 20-byte header; payloadLen is added to the total length.
func ipv4Hdr(proto byte, src, dst string, payloadLen int, id uint16, fragOff int, more bool) []byte {
	b := unhex("4500 0000 0000 0000 4000 0000 00000000 00000000")
	binary.BigEndian.PutUint16(b[2:], uint16(20+payloadLen))
	binary.BigEndian.PutUint16(b[4:], id)
	fo := uint16(fragOff / 8)
	if more {
		fo |= 0x2000
	}
	if fragOff == 0 && !more {
		fo |= 0x4000 // don't fragment
	}
	binary.BigEndian.PutUint16(b[6:], fo)
	b[9] = proto
	copy(b[12:], ip4(src))
	copy(b[16:], ip4(dst))
	return b
}

func ip4(s string) []byte {
	var out []byte
	for _, p := range strings.Split(s, ".") {
		n := 0
		for _, c := range p {
			n = n*10 + int(c-'0')
		}
		out = append(out, byte(n))
	}
	return out
}

func udpHdr(sp, dp uint16, payloadLen int) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint16(b, sp)
	binary.BigEndian.PutUint16(b[2:], dp)
	binary.BigEndian.PutUint16(b[4:], uint16(8+payloadLen))
	return b
}

// tcpHdr builds a TCP header with the given flags and options (padded to 4 bytes with NOPs... EOL).
func tcpHdr(sp, dp uint16, seq, ack uint32, flags uint16, win uint16, opts []byte) []byte {
	for len(opts)%4 != 0 {
		opts = append(opts, 0)
	}
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b, sp)
	binary.BigEndian.PutUint16(b[2:], dp)
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], ack)
	binary.BigEndian.PutUint16(b[12:], uint16((20+len(opts))/4)<<12|flags)
	binary.BigEndian.PutUint16(b[14:], win)
	return append(b, opts...)
}

// decodeOne decodes one frame with a fresh decoder.
func decodeOne(lt capture.LinkType, data []byte) *Packet {
	d := NewDecoder()
	return d.Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: lt})
}

// fieldStr returns a field formatted as tshark -T fields prints it.
func fieldStr(t *testing.T, p *Packet, name string) string {
	t.Helper()
	in := field.Lookup(name)
	if in == nil {
		t.Fatalf("field %s is not registered", name)
	}
	return string(p.AppendField(nil, in.ID, ','))
}

// checkFields compares fields of a packet with expected tshark-style strings.
func checkFields(t *testing.T, p *Packet, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if got := fieldStr(t, p, name); got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
}

// checkTreeAgrees checks that every field item of the details tree holds a value the field's getter
// also returns: the tree and the filter fields cannot drift apart.
func checkTreeAgrees(t *testing.T, p *Packet) {
	t.Helper()
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			if n.Field != "" && n.Value != "" {
				if in := field.Lookup(n.Field); in != nil && in.Type != field.Protocol && in.Abbrev != "tcp.options" && in.Abbrev != "data.data" {
					all := "," + fieldStr(t, p, n.Field) + ","
					if !strings.Contains(all, ","+n.Value+",") {
						t.Errorf("tree item %s = %q not among the field's values %q", n.Field, n.Value, all)
					}
				}
			}
			walk(n.Children)
		}
	}
	walk(p.Tree())
}

func fieldID(name string) field.ID { return field.Lookup(name).ID }
