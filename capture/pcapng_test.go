package capture

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

const sec2012 = 1340954905

func TestPcapNGBasic(t *testing.T) {
	for _, be := range []bool{false, true} {
		d1, d2 := pkt(60, 1), pkt(61, 2)
		n := &ng{}
		n.shb(be, opt{optComment, []byte("section one")}).
			idb(LinkTypeEthernet, 96, opt{optIfName, []byte("eth0")}, opt{optIfDescr, []byte("first\x00")}).
			epb(0, sec2012*1e6+298858, d1, 314).
			epb(0, sec2012*1e6+298859, d2, 61, opt{optComment, []byte("c1")}, opt{optComment, []byte("c2")}, opt{optEPBFlags, n.u32s(0x48000001)})
		file := n.bytes()
		r, frames, err := readAll(t, file)
		if err != nil {
			t.Fatal(err)
		}
		if r.Format() != FormatPcapNG || r.Compressed() {
			t.Errorf("Format %v Compressed %v", r.Format(), r.Compressed())
		}
		wantIf := []Interface{{LinkType: LinkTypeEthernet, SnapLen: 96, Name: "eth0", Description: "first", tsUnits: 1e6}}
		if !reflect.DeepEqual(r.Interfaces(), wantIf) {
			t.Errorf("Interfaces = %+v, want %+v", r.Interfaces(), wantIf)
		}
		if !reflect.DeepEqual(r.Comments(), []string{"section one"}) {
			t.Errorf("Comments = %q", r.Comments())
		}
		shbLen := 28 + 4 + 12 + 4 // options: comment (11 bytes, padded) and end
		idbLen := 20 + 8 + 12 + 4
		want := []frameCopy{
			{Data: d1, OrigLen: 314, TimeNS: sec2012*1e9 + 298858000, LinkType: LinkTypeEthernet, Offset: int64(shbLen + idbLen)},
			{Data: d2, OrigLen: 61, TimeNS: sec2012*1e9 + 298859000, LinkType: LinkTypeEthernet, Offset: int64(shbLen + idbLen + 32 + 60),
				Flags: 0x48000001, Comment: "c1"},
		}
		if !reflect.DeepEqual(frames, want) {
			t.Errorf("big-endian %v:\n got %+v\nwant %+v", be, frames, want)
		}
	}
}

// TestPcapNGInterfacesBeforeNext checks that NewReader reads the interface
// descriptions that precede the first packet.
func TestPcapNGInterfacesBeforeNext(t *testing.T) {
	n := (&ng{}).shb(false).idb(LinkTypeRaw, 0).block(4, []byte{0, 0, 0, 0}).idb(LinkTypeLinuxSLL, 0).epb(1, 0, pkt(4, 0), 4)
	r, err := NewReader(bytes.NewReader(n.bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if ifs := r.Interfaces(); len(ifs) != 2 || ifs[0].LinkType != LinkTypeRaw || ifs[1].LinkType != LinkTypeLinuxSLL {
		t.Errorf("Interfaces = %+v", ifs)
	}
}

func TestPcapNGSections(t *testing.T) {
	// Three sections of alternating byte order; interfaces are numbered
	// over the whole file.
	n := &ng{}
	n.shb(false, opt{optComment, []byte("s0")}).
		idb(LinkTypeEthernet, 0).idb(LinkTypeNull, 0).
		epb(1, 10, pkt(8, 0), 8).
		epb(0, 20, pkt(9, 0), 9)
	n.shb(true, opt{optComment, []byte("s1")}, opt{optComment, []byte("s1b")}).
		idb(LinkTypeRaw, 0).
		spb(12, pkt(12, 0)).
		epb(0, 30, pkt(10, 0), 10)
	n.shb(false).
		idb(LinkTypeLinuxSLL2, 0).idb(LinkTypeIEEE80211, 0).
		pb(1, 40, pkt(11, 0), 11)
	r, frames, err := readAll(t, n.bytes())
	if err != nil {
		t.Fatal(err)
	}
	type fr struct {
		iface int
		lt    LinkType
		t     int64
		n     int
	}
	var got []fr
	for _, f := range frames {
		got = append(got, fr{f.Interface, f.LinkType, f.TimeNS, len(f.Data)})
	}
	want := []fr{
		{1, LinkTypeNull, 10000, 8},
		{0, LinkTypeEthernet, 20000, 9},
		{2, LinkTypeRaw, 0, 12},
		{2, LinkTypeRaw, 30000, 10},
		{4, LinkTypeIEEE80211, 40000, 11},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if len(r.Interfaces()) != 5 {
		t.Errorf("%d interfaces, want 5", len(r.Interfaces()))
	}
	if c := r.Comments(); !reflect.DeepEqual(c, []string{"s0", "s1", "s1b"}) {
		t.Errorf("Comments = %q", c)
	}
}

func TestPcapNGTimestamps(t *testing.T) {
	tsoff := binary.LittleEndian.AppendUint64(nil, 100)
	tests := []struct {
		name   string
		opts   []opt
		ts     uint64
		wantNS int64
	}{
		// The expected values are what tshark 4.0 prints for the same
		// blocks, except for 10^-12, where tshark overflows.
		{"default-usec", nil, sec2012*1e6 + 298858, sec2012*1e9 + 298858000},
		{"milli", []opt{{optIfTsResol, []byte{3}}}, sec2012*1e3 + 123, sec2012*1e9 + 123000000},
		{"nano", []opt{{optIfTsResol, []byte{9}}}, sec2012*1e9 + 123456789, sec2012*1e9 + 123456789},
		{"nano+offset", []opt{{optIfTsResol, []byte{9}}, {optIfTsOffset, tsoff}}, sec2012*1e9 + 123456789, (sec2012+100)*1e9 + 123456789},
		{"usec+offset", []opt{{optIfTsOffset, tsoff}}, 5, 100*1e9 + 5000},
		{"seconds", []opt{{optIfTsResol, []byte{0}}}, sec2012, sec2012 * 1e9},
		{"2^-10", []opt{{optIfTsResol, []byte{0x8a}}}, sec2012<<10 + 1023, sec2012*1e9 + 999023437},
		{"2^-32", []opt{{optIfTsResol, []byte{0xa0}}}, sec2012<<32 + 0x80000001, sec2012*1e9 + 500000000},
		{"2^-30", []opt{{optIfTsResol, []byte{0x9e}}}, sec2012<<30 + 123456789, sec2012*1e9 + 114978094},
		{"pico", []opt{{optIfTsResol, []byte{12}}}, 13409549051234567891, 13409549*1e9 + 51234567},
		{"2^0", []opt{{optIfTsResol, []byte{0x80}}}, 7, 7e9},
		{"10^-19", []opt{{optIfTsResol, []byte{19}}}, 1e19 - 1, 999999999},
		{"10^-20", []opt{{optIfTsResol, []byte{20}}}, 1<<63 + 5, 500000000}, // counted as 2^64-1 units
		{"2^-63", []opt{{optIfTsResol, []byte{0x80 | 63}}}, 1<<62 + 1<<61, 750000000},
		{"2^-127", []opt{{optIfTsResol, []byte{0xff}}}, 1<<63 + 1<<62, 750000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := (&ng{}).shb(false).idb(LinkTypeEthernet, 0, tt.opts...).epb(0, tt.ts, pkt(4, 0), 4)
			_, frames, err := readAll(t, n.bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 1 || frames[0].TimeNS != tt.wantNS {
				t.Errorf("got %+v, want time %d", frames, tt.wantNS)
			}
		})
	}
}

func TestPcapNGSimplePacketBlock(t *testing.T) {
	d := pkt(60, 0)
	// snap length 20: captured length is min(original, snap length,
	// block data)
	n := (&ng{}).shb(false).idb(LinkTypeEthernet, 20).spb(60, d[:20]).spb(10, d[:12]).spb(100, d[:20])
	n.shb(true).idb(LinkTypeRaw, 0).spb(60, d).spb(10, d[:12]).spb(100, d)
	_, frames, err := readAll(t, n.bytes())
	if err != nil {
		t.Fatal(err)
	}
	var lens, origs, ifaces []int
	for _, f := range frames {
		lens = append(lens, len(f.Data))
		origs = append(origs, f.OrigLen)
		ifaces = append(ifaces, f.Interface)
		if f.TimeNS != 0 {
			t.Errorf("SPB time %d, want 0", f.TimeNS)
		}
	}
	if want := []int{20, 10, 20, 60, 10, 60}; !reflect.DeepEqual(lens, want) {
		t.Errorf("captured lengths %v, want %v", lens, want)
	}
	if want := []int{60, 10, 100, 60, 10, 100}; !reflect.DeepEqual(origs, want) {
		t.Errorf("original lengths %v, want %v", origs, want)
	}
	if want := []int{0, 0, 0, 1, 1, 1}; !reflect.DeepEqual(ifaces, want) {
		t.Errorf("interfaces %v, want %v", ifaces, want)
	}
}

func TestPcapNGSkippedBlocks(t *testing.T) {
	n := (&ng{}).shb(false).idb(LinkTypeEthernet, 0)
	n.block(4, []byte{1, 0, 4, 0, 10, 0, 0, 1, 'h', 0, 0, 0, 0, 0, 0, 0}) // NRB
	n.epb(0, 1, pkt(5, 0), 5)
	n.block(5, make([]byte, 12))                             // ISB
	n.block(0x0a, append(n.u32s(0x544c534b, 4), 1, 2, 3, 4)) // DSB
	n.custom(0x00000bad, 32473, []byte("custom data"))
	n.custom(0x40000bad, 32473, []byte("do not copy"))
	n.block(0x12345, make([]byte, 100))
	n.block(0x80000001, nil)                       // local use
	n.block(9, []byte("__REALTIME_TIMESTAMP=1\n")) // systemd journal export
	n.epb(0, 2, pkt(6, 0), 6, opt{0x7fff, []byte("unknown option")}, opt{optComment, []byte("after")})
	_, frames, err := readAll(t, n.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 || frames[1].TimeNS != 2000 || frames[1].Comment != "after" {
		t.Errorf("frames %+v", frames)
	}
}

func TestPcapNGLenientOptions(t *testing.T) {
	n := (&ng{}).shb(false).idb(LinkTypeEthernet, 0)
	// An option that runs past the end of the block: the options are
	// ignored, the packet is kept (Wireshark rejects the file).
	bad := binary.LittleEndian.AppendUint16(nil, optComment)
	bad = binary.LittleEndian.AppendUint16(bad, 200)
	bad = append(bad, "abcd"...)
	body := n.u32s(0, 0, 7, 4, 4)
	body = append(body, 1, 2, 3, 4)
	body = append(body, bad...)
	n.block(blockEPB, body)
	// Options without opt_endofopt.
	body = n.u32s(0, 0, 8, 4, 4)
	body = append(body, 1, 2, 3, 4, 1, 0, 2, 0, 'h', 'i', 0, 0)
	n.block(blockEPB, body)
	_, frames, err := readAll(t, n.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 || frames[0].Comment != "" || frames[1].Comment != "hi" || !bytes.Equal(frames[1].Data, []byte{1, 2, 3, 4}) {
		t.Errorf("frames %+v", frames)
	}
}

func TestPcapNGCorrupt(t *testing.T) {
	start := func() *ng { return (&ng{}).shb(false).idb(LinkTypeEthernet, 0).epb(0, 0, pkt(8, 0), 8) }
	good := len(start().bytes())
	raw := func(n *ng, typ, blen uint32, body []byte) *ng {
		n.buf = binary.LittleEndian.AppendUint32(n.buf, typ)
		n.buf = binary.LittleEndian.AppendUint32(n.buf, blen)
		n.buf = append(n.buf, body...)
		return n
	}
	tests := []struct {
		name   string
		file   []byte
		reason string
		skip   int // bytes between the good frame and the bad block
	}{
		{"length-not-multiple-of-4", raw(start(), 0x12345, 30, make([]byte, 40)).bytes(),
			"corrupt block: length 30 is not a multiple of 4", 0},
		{"length-under-12", raw(start(), 0x12345, 8, make([]byte, 40)).bytes(),
			"corrupt block: length 8 is less than 12", 0},
		{"length-huge", raw(start(), 0x12345, 0x7ffffff0, make([]byte, 40)).bytes(),
			"corrupt block: length 2147483632 exceeds 134348832", 0},
		{"trailer-mismatch", raw(start(), 0x12345, 16, []byte{0, 0, 0, 0, 8, 0, 0, 0}).bytes(),
			"corrupt block: trailing length 8 does not match leading length 16", 0},
		{"epb-trailer-mismatch", raw(start(), blockEPB, 32, append(make([]byte, 20), 8, 0, 0, 0)).bytes(),
			"corrupt block: trailing length 8 does not match leading length 32", 0},
		{"epb-bad-interface", start().epb(1, 0, pkt(8, 0), 8).bytes(),
			"corrupt enhanced packet block: interface 1 is not defined (the section has 1)", 0},
		{"epb-caplen-over-block", raw(start(), blockEPB, 36, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 100, 0, 0, 0, 1, 2, 3, 4, 36, 0, 0, 0}).bytes(),
			"corrupt enhanced packet block: captured length 100 exceeds the block's 4 data bytes", 0},
		{"epb-caplen-over-max", start().epb(0, 0, make([]byte, 262145), 262145).bytes(),
			"corrupt enhanced packet block: captured length 262145 exceeds 262144", 0},
		{"epb-short", start().block(blockEPB, make([]byte, 12)).bytes(),
			"corrupt enhanced packet block: length 24 is less than 32", 0},
		{"pb-bad-interface", start().pb(3, 0, pkt(8, 0), 8).bytes(),
			"corrupt packet block: interface 3 is not defined (the section has 1)", 0},
		{"idb-short", start().block(blockIDB, []byte{1, 0, 0, 0}).bytes(),
			"corrupt interface description block: length 16 is less than 20", 0},
		{"spb-without-idb", start().shb(false).spb(8, pkt(8, 0)).bytes(),
			"corrupt simple packet block: the section has no interface", 28},
		{"epb-interface-of-previous-section", start().shb(true).epb(0, 0, pkt(8, 0), 8).bytes(),
			"corrupt enhanced packet block: interface 0 is not defined (the section has 0)", 28},
		{"shb-bad-byte-order", raw(start(), blockSHB, 28, []byte{1, 2, 3, 4, 1, 0, 0, 0}).bytes(),
			"corrupt section header block: byte-order magic 01 02 03 04", 0},
		{"shb-short", start().block(blockSHB, append(n16(byteOrderMagic), 1, 0, 0, 0)).bytes(),
			"corrupt section header block: length 20 is less than 28", 0},
		{"shb-version-2", func() []byte {
			b := start().shb(false).bytes()
			b[good+12] = 2
			return b
		}(), "corrupt section header block: unsupported version 2.0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, err := readAll(t, tt.file)
			te := asTruncated(err)
			if te == nil {
				t.Fatalf("error %v, want a TruncatedError", err)
			}
			want := TruncatedError{Offset: int64(good + tt.skip), Frame: 2, Reason: tt.reason}
			if len(frames) != 1 || !reflect.DeepEqual(*te, want) {
				t.Errorf("%d frames, %#v; want 1, %#v", len(frames), *te, want)
			}
		})
	}
}

func n16(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func TestPcapNGBadFirstSection(t *testing.T) {
	good := (&ng{}).shb(false).idb(LinkTypeEthernet, 0).bytes()
	badBOM := bytes.Clone(good)
	badBOM[8] = 0x4e
	v2 := bytes.Clone(good)
	v2[12] = 2
	for _, tt := range []struct {
		name string
		file []byte
		want string
	}{
		{"byte-order", badBOM, `not a capture file: expected a pcap or pcapng header, found 0a 0d 0d 0a 1c 00 00 00`},
		{"version", v2, `not a capture file: expected a pcap or pcapng header, found a pcapng file of version 2.0, which this version cannot read yet`},
	} {
		_, err := NewReader(bytes.NewReader(tt.file))
		if _, ok := err.(*NotCaptureError); !ok || err.Error() != tt.want {
			t.Errorf("%s: error %v, want NotCaptureError %q", tt.name, err, tt.want)
		}
	}
}
