package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the reader: it must not panic or hang,
// must return frames whose slices stay within bounds, and must end with
// io.EOF, a *TruncatedError or (from NewReader) a *NotCaptureError.
func FuzzReader(f *testing.F) {
	pcap, _ := smallPcap()
	ngFile, _, _ := smallPcapNG()
	f.Add(pcap)
	f.Add(ngFile)
	f.Add(gz(pcap))
	f.Add(gz(ngFile))
	f.Add(pcapFile(false, magicPcapModified, 2, 0, 1, pcapRec{data: pkt(10, 0), extra: make([]byte, 8)}))
	f.Add(pcapFile(true, magicPcapNS, 2, 0, 101, pcapRec{data: pkt(10, 0)}))
	f.Add((&ng{}).shb(true).idb(LinkTypeRaw, 0, opt{optIfTsResol, []byte{0x8a}}, opt{optIfTsOffset, make([]byte, 8)}).
		spb(10, pkt(10, 0)).pb(0, 1, pkt(3, 0), 3, opt{optEPBFlags, []byte{0, 0, 0, 1}}).bytes())
	f.Add(etlHead)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			var nc *NotCaptureError
			var te *TruncatedError
			if !errors.As(err, &nc) && !errors.As(err, &te) {
				t.Fatalf("NewReader: unexpected error type %T: %v", err, err)
			}
			_ = err.Error()
			return
		}
		var fr Frame
		last := int64(-1)
		for i := 0; ; i++ {
			err := r.Next(&fr)
			if err == io.EOF {
				break
			}
			if err != nil {
				var te *TruncatedError
				if !errors.As(err, &te) {
					t.Fatalf("Next: unexpected error type %T: %v", err, err)
				}
				if te.Frame != i+1 || te.Offset < 0 {
					t.Fatalf("Next: %+v after %d frames", te, i)
				}
				_ = err.Error()
				break
			}
			if fr.Offset <= last || len(fr.Data) != cap(fr.Data) || fr.Interface < 0 || fr.Interface >= len(r.Interfaces()) {
				t.Fatalf("frame %d: offset %d (last %d), len %d cap %d, interface %d of %d",
					i+1, fr.Offset, last, len(fr.Data), cap(fr.Data), fr.Interface, len(r.Interfaces()))
			}
			last = fr.Offset
			if i > 1<<20 {
				t.Fatal("too many frames")
			}
		}
	})
}

// FuzzReadAhead checks that reading ahead changes nothing on arbitrary input: the same frames (bytes,
// times, offsets) and the same end as reading without it.
func FuzzReadAhead(f *testing.F) {
	pcap, _ := smallPcap()
	ngFile, _, _ := smallPcapNG()
	f.Add(pcap)
	f.Add(ngFile)
	f.Add(gz(pcap))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(ahead bool) (out []string, end string) {
			r, err := NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, err.Error()
			}
			if ahead {
				stop := r.ReadAhead()
				defer stop()
			}
			var fr Frame
			for i := 0; i < 1<<16; i++ {
				if err := r.Next(&fr); err != nil {
					return out, err.Error()
				}
				out = append(out, fmt.Sprint(fr.Offset, fr.TimeNS, fr.OrigLen, string(fr.Data), string(fr.Comment)))
			}
			return out, "many"
		}
		want, wantEnd := read(false)
		got, gotEnd := read(true)
		if gotEnd != wantEnd || len(got) != len(want) {
			t.Fatalf("read ahead: %d frames, end %q; without: %d frames, end %q", len(got), gotEnd, len(want), wantEnd)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("frame %d differs", i+1)
			}
		}
	})
}
