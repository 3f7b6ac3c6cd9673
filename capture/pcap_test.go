package capture

import (
	"bytes"
	"reflect"
	"testing"
)

func TestPcapVariants(t *testing.T) {
	d1, d2 := pkt(60, 1), pkt(7, 100)
	ffs := bytes.Repeat([]byte{0xff}, 60)
	const sec = 1340954905
	type want struct {
		lt     LinkType
		times  []int64
		lens   []int // captured lengths
		orig   []int
		hdrLen int // record header length, for offsets
	}
	tests := []struct {
		name string
		file []byte
		want want
	}{
		{"le-usec", pcapFile(false, magicPcapUS, 2, 65535, 1,
			pcapRec{sec: sec, frac: 298858, data: d1}, pcapRec{sec: sec + 1, frac: 999999, data: d2, orig: 1500}),
			want{LinkTypeEthernet, []int64{sec*1e9 + 298858000, (sec+1)*1e9 + 999999000}, []int{60, 7}, []int{60, 1500}, 16}},
		{"be-usec", pcapFile(true, magicPcapUS, 2, 65535, 1,
			pcapRec{sec: sec, frac: 298858, data: d1}, pcapRec{sec: sec + 1, frac: 999999, data: d2, orig: 1500}),
			want{LinkTypeEthernet, []int64{sec*1e9 + 298858000, (sec+1)*1e9 + 999999000}, []int{60, 7}, []int{60, 1500}, 16}},
		{"le-nsec", pcapFile(false, magicPcapNS, 2, 65535, 101,
			pcapRec{sec: sec, frac: 123456789, data: d1}, pcapRec{sec: sec, frac: 999999999, data: d2}),
			want{LinkTypeRaw, []int64{sec*1e9 + 123456789, sec*1e9 + 999999999}, []int{60, 7}, []int{60, 7}, 16}},
		{"be-nsec", pcapFile(true, magicPcapNS, 2, 65535, 101,
			pcapRec{sec: sec, frac: 123456789, data: d1}, pcapRec{sec: sec, frac: 999999999, data: d2}),
			want{LinkTypeRaw, []int64{sec*1e9 + 123456789, sec*1e9 + 999999999}, []int{60, 7}, []int{60, 7}, 16}},
		{"modified-24-le", pcapFile(false, magicPcapModified, 2, 65535, 1,
			pcapRec{sec: sec, frac: 5, data: d1, extra: make([]byte, 8)}, pcapRec{sec: sec, frac: 6, data: d2, extra: make([]byte, 8)}),
			want{LinkTypeEthernet, []int64{sec*1e9 + 5000, sec*1e9 + 6000}, []int{60, 7}, []int{60, 7}, 24}},
		{"modified-24-be", pcapFile(true, magicPcapModified, 2, 65535, 1,
			pcapRec{sec: sec, frac: 5, data: d1, extra: make([]byte, 8)}, pcapRec{sec: sec, frac: 6, data: d2, extra: make([]byte, 8)}),
			want{LinkTypeEthernet, []int64{sec*1e9 + 5000, sec*1e9 + 6000}, []int{60, 7}, []int{60, 7}, 24}},
		// 28-byte records (with CPU numbers): read as 24-byte ones, the
		// second header would claim a captured length of 999999.
		{"modified-28", pcapFile(false, magicPcapModified, 2, 65535, 1,
			pcapRec{sec: sec, frac: 5, data: ffs, extra: make([]byte, 12)}, pcapRec{sec: sec, frac: 999999, data: d2, extra: make([]byte, 12)}),
			want{LinkTypeEthernet, []int64{sec*1e9 + 5000, sec*1e9 + 999999000}, []int{60, 7}, []int{60, 7}, 28}},
		// The standard magic number with 24-byte records (an early
		// modified format): the standard reading of the first header
		// claims a captured length of 999999.
		{"ss990417", pcapFile(false, magicPcapUS, 2, 65535, 1,
			pcapRec{sec: sec, frac: 999999, data: d1, extra: make([]byte, 8)}, pcapRec{sec: sec, frac: 6, data: d2, extra: make([]byte, 8)}),
			want{LinkTypeEthernet, []int64{sec*1e9 + 999999000, sec*1e9 + 6000}, []int{60, 7}, []int{60, 7}, 24}},
		{"fcs-bits-masked", pcapFile(false, magicPcapUS, 2, 65535, 0x30000001, pcapRec{data: d1}),
			want{LinkTypeEthernet, []int64{0}, []int{60}, []int{60}, 16}},
		{"fcs-present-raw", pcapFile(false, magicPcapUS, 2, 65535, 0x04000065, pcapRec{data: d1}),
			want{LinkTypeRaw, []int64{0}, []int{60}, []int{60}, 16}},
		{"dlt-12", pcapFile(false, magicPcapUS, 2, 65535, 12, pcapRec{data: d1}),
			want{LinkTypeRaw, []int64{0}, []int{60}, []int{60}, 16}},
		{"dlt-14", pcapFile(true, magicPcapUS, 2, 65535, 14, pcapRec{data: d1}),
			want{LinkTypeRaw, []int64{0}, []int{60}, []int{60}, 16}},
		{"snaplen-0", pcapFile(false, magicPcapUS, 2, 0, 113, pcapRec{data: d1}),
			want{LinkTypeLinuxSLL, []int64{0}, []int{60}, []int{60}, 16}},
		{"caplen-over-origlen", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{data: d1, orig: 10}),
			want{LinkTypeEthernet, []int64{0}, []int{60}, []int{10}, 16}},
		{"caplen-over-snaplen", pcapFile(false, magicPcapUS, 2, 20, 1, pcapRec{data: d1}),
			want{LinkTypeEthernet, []int64{0}, []int{60}, []int{60}, 16}},
		{"empty-records", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{sec: 1}, pcapRec{sec: 2}),
			want{LinkTypeEthernet, []int64{1e9, 2e9}, []int{0, 0}, []int{0, 0}, 16}},
		{"unsigned-seconds", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{sec: 0xffffffff, frac: 999999, data: d2}),
			want{LinkTypeEthernet, []int64{0xffffffff*1e9 + 999999000}, []int{7}, []int{7}, 16}},
		{"header-only", pcapFile(false, magicPcapUS, 2, 65535, 1),
			want{LinkTypeEthernet, nil, nil, nil, 16}},
		{"version-3", pcapFile(false, magicPcapUS, 3, 65535, 1, pcapRec{data: d1}),
			want{LinkTypeEthernet, []int64{0}, []int{60}, []int{60}, 16}},
		{"dbus-large", pcapFile(false, magicPcapUS, 2, 0, 231, pcapRec{data: make([]byte, 300000)}),
			want{LinkTypeDBus, []int64{0}, []int{300000}, []int{300000}, 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, frames, err := readAll(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != FormatPcap || r.Compressed() {
				t.Errorf("Format %v Compressed %v", r.Format(), r.Compressed())
			}
			if ifs := r.Interfaces(); len(ifs) != 1 || ifs[0].LinkType != tt.want.lt {
				t.Errorf("Interfaces = %+v, want one with link type %v", ifs, tt.want.lt)
			}
			if len(frames) != len(tt.want.times) {
				t.Fatalf("%d frames, want %d", len(frames), len(tt.want.times))
			}
			off := int64(24)
			for i, f := range frames {
				if f.TimeNS != tt.want.times[i] || len(f.Data) != tt.want.lens[i] || f.OrigLen != tt.want.orig[i] ||
					f.LinkType != tt.want.lt || f.Offset != off || f.Interface != 0 {
					t.Errorf("frame %d = time %d caplen %d orig %d lt %v off %d iface %d; want %d %d %d %v %d 0",
						i+1, f.TimeNS, len(f.Data), f.OrigLen, f.LinkType, f.Offset, f.Interface,
						tt.want.times[i], tt.want.lens[i], tt.want.orig[i], tt.want.lt, off)
				}
				off += int64(tt.want.hdrLen + len(f.Data))
			}
			if len(frames) > 0 && len(frames[0].Data) == 60 && !bytes.Equal(frames[0].Data, d1) && !bytes.Equal(frames[0].Data, ffs) {
				t.Errorf("frame 1 data = % x", frames[0].Data)
			}
		})
	}
}

func TestPcapCorrupt(t *testing.T) {
	d := pkt(60, 0)
	tests := []struct {
		name   string
		file   []byte
		frames int
		off    int64
		reason string
	}{
		{"caplen-too-big", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{data: d}, pcapRec{data: d}, pcapRec{data: d}, pcapRec{data: d, incl: 300000}, pcapRec{data: d}),
			3, 24 + 3*76, "corrupt record: captured length 300000 exceeds 262144"},
		{"caplen-absurd", pcapFile(true, magicPcapUS, 2, 65535, 1, pcapRec{data: d, incl: 0xffffffff}),
			0, 24, "corrupt record: captured length 4294967295 exceeds 262144"},
		{"dbus-caplen-too-big", pcapFile(false, magicPcapUS, 2, 65535, 231, pcapRec{data: d}, pcapRec{data: d}, pcapRec{data: d}, pcapRec{data: d, incl: 200 << 20}),
			3, 24 + 3*76, "corrupt record: captured length 209715200 exceeds 134217728"},
		// Like Wireshark, take the standard magic number with a bad second
		// record for the 24-byte record variant when that makes the
		// second record look less bad.
		{"variant-guess", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{data: d}, pcapRec{data: d, incl: 300000}, pcapRec{data: d}),
			1, 24 + 84, "corrupt record: captured length 50462976 exceeds 262144"},
		{"cut-record", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{data: d}, pcapRec{data: d[:10], incl: 1514}),
			1, 24 + 76, "record needs 1530 bytes, 26 present"},
		{"cut-header", pcapFile(false, magicPcapUS, 2, 65535, 1, pcapRec{data: d})[:24+76+5],
			1, 24 + 76, "record header needs 16 bytes, 5 present"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, err := readAll(t, tt.file)
			te := asTruncated(err)
			if te == nil {
				t.Fatalf("error %v, want a TruncatedError", err)
			}
			want := TruncatedError{Offset: tt.off, Frame: tt.frames + 1, Reason: tt.reason}
			if len(frames) != tt.frames || !reflect.DeepEqual(*te, want) {
				t.Errorf("%d frames, %#v; want %d, %#v", len(frames), *te, tt.frames, want)
			}
		})
	}
}

func TestPcapOldVersion(t *testing.T) {
	_, _, err := readAll(t, pcapFile(false, magicPcapUS, 1, 65535, 1, pcapRec{data: pkt(10, 0)}))
	nc, ok := err.(*NotCaptureError)
	if !ok {
		t.Fatalf("error %v, want NotCaptureError", err)
	}
	const want = "not a capture file: expected a pcap or pcapng header, found a pcap file of version 1.4, which this version cannot read yet"
	if nc.Error() != want {
		t.Errorf("error %q\nwant  %q", nc.Error(), want)
	}
}

func TestTruncatedErrorMessage(t *testing.T) {
	e := &TruncatedError{Offset: 123456, Frame: 1234, Reason: "record needs 1514 bytes, 600 present"}
	const want = "file truncated at byte 123456 (frame 1234): record needs 1514 bytes, 600 present"
	if e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
}
