package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// etlHead is the start of a Windows ETW trace (nopackets-tx-HTTP_Server.etl):
// a WMI_BUFFER_HEADER and the marker of the first record.
var etlHead = []byte{
	0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x1f, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x28, 0x02, 0x00, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0xc0, 0xe0, 0x01, 0x00, 0x00,
}

func TestNotCapture(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		known string
		msg   string
	}{
		{"empty", nil, "", "not a capture file: the file is empty"},
		{"html", []byte("<!DOCTYPE html>\n<html>"), "",
			`not a capture file: expected a pcap or pcapng header, found 3c 21 44 4f 43 54 59 50 ("<!DOCTYPE html>")`},
		{"short", []byte{0xd4, 0xc3}, "", "not a capture file: expected a pcap or pcapng header, found d4 c3"},
		{"netmon1", []byte("RTSS\x01\x01\x00\x00"), knownNetMon, ""},
		{"gzip-text", gz([]byte("hello, world")), knownGzip,
			`not a capture file: expected a pcap or pcapng header, found a gzip file that does not hold a capture (it decompresses to 68 65 6c 6c 6f 2c 20 77 ("hello, world"))`},
		{"gzip-empty", gz(nil), knownGzip,
			"not a capture file: expected a pcap or pcapng header, found a gzip file that does not hold a capture (it decompresses to nothing)"},
		{"gzip-bad-method", []byte{0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0}, knownGzipBad,
			"not a capture file: expected a pcap or pcapng header, found a damaged gzip file, which cannot be decompressed"},
		{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0}, knownZstd,
			"not a capture file: expected a pcap or pcapng header, found a zstd-compressed file, which this version cannot decompress (only gzip is supported)"},
		{"snoop", []byte("snoop\x00\x00\x00\x00\x00\x00\x02"), knownSnoop, ""},
		{"zeros", make([]byte, 100), "", "not a capture file: expected a pcap or pcapng header, found 00 00 00 00 00 00 00 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.in))
			var nc *NotCaptureError
			if !errors.As(err, &nc) || r != nil {
				t.Fatalf("NewReader = %v, %v; want a NotCaptureError", r, err)
			}
			if nc.Known != tt.known {
				t.Errorf("Known = %q, want %q", nc.Known, tt.known)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("Error()\n got %s\nwant %s", err.Error(), tt.msg)
			}
			if len(nc.Head) > 16 {
				t.Errorf("Head has %d bytes", len(nc.Head))
			}
		})
	}
}

func TestGzip(t *testing.T) {
	pcap := pcapFile(false, magicPcapNS, 2, 0, 1, pcapRec{sec: 1, data: pkt(100, 0)}, pcapRec{sec: 2, data: pkt(200, 0)})
	pcapng := (&ng{}).shb(true).idb(LinkTypeRaw, 0).epb(0, 5, pkt(50, 0), 50).bytes()
	for _, tt := range []struct {
		name string
		file []byte
		fmt  Format
	}{{"pcap", pcap, FormatPcap}, {"pcapng", pcapng, FormatPcapNG}} {
		t.Run(tt.name, func(t *testing.T) {
			_, plain, err := readAll(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			for name, z := range map[string][]byte{
				"one member":  gz(tt.file),
				"two members": append(gz(tt.file[:30]), gz(tt.file[30:])...),
				"trailing":    append(gz(tt.file), "garbage"...),
			} {
				r, frames, err := readAll(t, z)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !r.Compressed() || r.Format() != tt.fmt || !reflect.DeepEqual(frames, plain) {
					t.Errorf("%s: compressed %v format %v frames %v", name, r.Compressed(), r.Format(), frames)
				}
			}
			// A damaged checksum at the end: every frame, then an error.
			z := gz(tt.file)
			z[len(z)-8] ^= 1
			_, frames, err := readAll(t, z)
			if te := asTruncated(err); te == nil || !reflect.DeepEqual(frames, plain) || !strings.Contains(te.Reason, "checksum") {
				t.Errorf("bad checksum: %d frames, error %v", len(frames), err)
			}
		})
	}
}

// smallPcap returns a pcap file and the offsets of its records.
func smallPcap() ([]byte, []int) {
	f := pcapFile(true, magicPcapUS, 2, 0, 1,
		pcapRec{sec: 1, data: pkt(20, 0)}, pcapRec{sec: 2, data: nil}, pcapRec{sec: 3, data: pkt(33, 0)})
	return f, []int{24, 24 + 36, 24 + 36 + 16, len(f)}
}

// smallPcapNG returns a pcapng file, the offsets of its blocks and which of
// them are packets.
func smallPcapNG() ([]byte, []int, []bool) {
	n := &ng{}
	var offs []int
	var isPkt []bool
	add := func(p bool, f func()) {
		offs = append(offs, len(n.buf))
		isPkt = append(isPkt, p)
		f()
	}
	add(false, func() { n.shb(false, opt{optComment, []byte("x")}) })
	add(false, func() { n.idb(LinkTypeEthernet, 0) })
	add(true, func() { n.epb(0, 1, pkt(13, 0), 13, opt{optComment, []byte("hi")}) })
	add(false, func() { n.block(5, make([]byte, 12)) })
	add(true, func() { n.spb(8, pkt(8, 0)) })
	add(false, func() { n.shb(true) })
	add(false, func() { n.idb(LinkTypeRaw, 0) })
	add(true, func() { n.epb(0, 2, pkt(4, 0), 4) })
	add(true, func() { n.pb(0, 3, pkt(1, 0), 1) })
	offs = append(offs, len(n.buf))
	return n.buf, offs, isPkt
}

// checkCut checks what reading file[:cut] gives: the frames that end before
// the cut, then io.EOF at a record boundary or else a TruncatedError at the
// start of the cut record. offs are the record offsets and the file length;
// isPkt says which records are frames; hdr is the length of the file header
// (for pcapng, the first SHB).
func checkCut(t *testing.T, name string, full []frameCopy, offs []int, isPkt []bool, hdr, cut int, frames []frameCopy, err error) {
	t.Helper()
	wantFrames := 0
	cutRec := -1
	for i := 0; i+1 < len(offs); i++ {
		if offs[i+1] <= cut {
			if isPkt == nil || isPkt[i] {
				wantFrames++
			}
		} else if offs[i] < cut {
			cutRec = i
			break
		} else {
			break
		}
	}
	if cut < hdr {
		cutRec, wantFrames = 0, 0
	}
	if !framesEqual(frames, full[:min(wantFrames, len(frames))]) || len(frames) != wantFrames {
		t.Errorf("%s cut %d: %d frames, want %d", name, cut, len(frames), wantFrames)
		return
	}
	if cut < 4 {
		var nc *NotCaptureError
		if !errors.As(err, &nc) {
			t.Errorf("%s cut %d: error %v, want NotCaptureError", name, cut, err)
		}
		return
	}
	if cutRec < 0 {
		if err != nil {
			t.Errorf("%s cut %d: error %v, want none", name, cut, err)
		}
		return
	}
	te := asTruncated(err)
	if te == nil {
		t.Errorf("%s cut %d: error %v, want TruncatedError", name, cut, err)
		return
	}
	if te.Offset != int64(offs[cutRec]) || te.Frame != wantFrames+1 {
		t.Errorf("%s cut %d: %v; want offset %d frame %d", name, cut, te, offs[cutRec], wantFrames+1)
	}
}

func TestTruncatedEverywhere(t *testing.T) {
	pcap, pcapOffs := smallPcap()
	ngFile, ngOffs, ngPkt := smallPcapNG()
	for _, tt := range []struct {
		name  string
		file  []byte
		offs  []int
		isPkt []bool
		hdr   int
	}{
		{"pcap", pcap, append([]int{0}, pcapOffs...), append([]bool{false}, true, true, true), 24},
		{"pcapng", ngFile, ngOffs, ngPkt, ngOffs[1]},
	} {
		_, full, err := readAll(t, tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if len(full) != 4 && len(full) != 3 {
			t.Fatalf("%s: %d frames", tt.name, len(full))
		}
		for cut := 0; cut <= len(tt.file); cut++ {
			_, frames, err := readAll(t, tt.file[:cut])
			checkCut(t, tt.name, full, tt.offs, tt.isPkt, tt.hdr, cut, frames, err)
			// The same through gzip.
			_, frames, err = readAll(t, gz(tt.file[:cut]))
			if cut == 0 {
				continue // an empty gzip stream is NotCapture, checked elsewhere
			}
			checkCut(t, tt.name+" gzip", full, tt.offs, tt.isPkt, tt.hdr, cut, frames, err)
		}
		// A gzip stream cut anywhere: a prefix of the frames, then a
		// TruncatedError.
		z := gz(tt.file)
		for cut := 0; cut < len(z); cut++ {
			_, frames, err := readAll(t, z[:cut])
			if cut < 2 {
				continue // not even gzip
			}
			if asTruncated(err) == nil {
				t.Errorf("%s gzip cut at %d: error %v, want TruncatedError", tt.name, cut, err)
			}
			if !framesEqual(frames, full[:min(len(frames), len(full))]) {
				t.Errorf("%s gzip cut at %d: frames differ", tt.name, cut)
			}
		}
	}
}

// TestChunkedInput reads through readers that return little data at a time,
// and through records bigger than the initial buffer.
func TestChunkedInput(t *testing.T) {
	var recs []pcapRec
	for i := range 60 {
		n := (i * 7919) % 70000
		if i%10 == 0 {
			n = 200000 // bigger than the initial buffer
		}
		recs = append(recs, pcapRec{sec: uint32(i), data: pkt(n, byte(i))})
	}
	pcap := pcapFile(false, magicPcapUS, 2, 0, 1, recs...)
	n := (&ng{}).shb(false).idb(LinkTypeEthernet, 0)
	for _, r := range recs {
		n.epb(0, uint64(r.sec), r.data, uint32(len(r.data)))
	}
	for _, file := range [][]byte{pcap, n.bytes(), gz(pcap)} {
		_, want, err := readAll(t, file)
		if err != nil || len(want) != len(recs) {
			t.Fatalf("%d frames, %v", len(want), err)
		}
		for i, f := range want {
			if !bytes.Equal(f.Data, recs[i].data) {
				t.Fatalf("frame %d differs", i+1)
			}
		}
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"one-byte": iotest.OneByteReader,
			"half":     iotest.HalfReader,
			"data-err": iotest.DataErrReader,
		} {
			in := file
			if name == "one-byte" && len(in) > 1<<20 {
				in = in[:1<<20] // keep the test fast
			}
			r, err := NewReader(wrap(bytes.NewReader(in)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var f Frame
			i := 0
			for ; ; i++ {
				err := r.Next(&f)
				if err != nil {
					if err != io.EOF && asTruncated(err) == nil {
						t.Errorf("%s: %v", name, err)
					}
					break
				}
				if !bytes.Equal(f.Data, want[i].Data) || f.Offset != want[i].Offset {
					t.Fatalf("%s: frame %d differs", name, i+1)
				}
			}
			if name != "one-byte" && i != len(want) {
				t.Errorf("%s: %d frames, want %d", name, i, len(want))
			}
		}
	}
}

// TestMemoryBound checks that a length field alone does not make the reader
// allocate: a D-Bus record may claim 128 MiB, but the buffer only grows with
// the data that is there.
func TestMemoryBound(t *testing.T) {
	file := pcapFile(false, magicPcapUS, 2, 0, uint32(LinkTypeDBus), pcapRec{data: make([]byte, 1000), incl: 128 << 20})
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var f Frame
	if err := r.Next(&f); asTruncated(err) == nil {
		t.Fatalf("error %v, want TruncatedError", err)
	}
	if len(r.buf) > initialBufSize {
		t.Errorf("buffer grew to %d bytes", len(r.buf))
	}
	// The same through a reader that trickles data.
	big := pcapFile(false, magicPcapUS, 2, 0, uint32(LinkTypeDBus), pcapRec{data: make([]byte, 3<<20), incl: 128 << 20})
	r, err = NewReader(iotest.HalfReader(bytes.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Next(&f); asTruncated(err) == nil {
		t.Fatalf("error %v, want TruncatedError", err)
	}
	if len(r.buf) > 8<<20 {
		t.Errorf("buffer grew to %d bytes for 3 MiB of data", len(r.buf))
	}
	// Skipped pcapng blocks are not buffered at all.
	n := (&ng{}).shb(false).block(0x12345, make([]byte, 20<<20)).idb(LinkTypeEthernet, 0).epb(0, 0, pkt(10, 0), 10)
	r, err = NewReader(bytes.NewReader(n.bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Next(&f); err != nil || len(f.Data) != 10 {
		t.Fatalf("Next: %v", err)
	}
	if len(r.buf) > defaultBufSize {
		t.Errorf("buffer grew to %d bytes", len(r.buf))
	}
}

func framesEqual(a, b []frameCopy) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

type failReader struct{ data []byte }

var errDisk = errors.New("disk on fire")

func (f *failReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errDisk
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadErrors(t *testing.T) {
	if _, err := NewReader(stuckReader{}); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("stuck reader: %v", err)
	}
	file := pcapFile(false, magicPcapUS, 2, 0, 1, pcapRec{data: pkt(10, 0)}, pcapRec{data: pkt(10, 0)})
	r, err := NewReader(&failReader{data: file[:50]})
	if err != nil {
		t.Fatal(err)
	}
	var f Frame
	if err := r.Next(&f); err != nil {
		t.Fatal(err)
	}
	if err := r.Next(&f); !errors.Is(err, errDisk) || asTruncated(err) != nil {
		t.Errorf("error %v, want the read error", err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.cap") // the name says nothing
	file, _ := smallPcap()
	if err := os.WriteFile(path, gz(file), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var fr Frame
	n := 0
	for f.Next(&fr) == nil {
		n++
	}
	if n != 3 || !f.Compressed() || f.Format() != FormatPcap {
		t.Errorf("%d frames, compressed %v, format %v", n, f.Compressed(), f.Format())
	}
	if err := f.Close(); err != nil {
		t.Error(err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	os.WriteFile(path, []byte("text"), 0o644)
	if _, err := Open(path); err == nil {
		t.Error("text file opened")
	}
}

func TestStrings(t *testing.T) {
	for _, tt := range []struct {
		s    fmtStringer
		want string
	}{
		{LinkTypeEthernet, "Ethernet"},
		{LinkTypeRaw, "Raw IP"},
		{LinkType(147), "USER0"},
		{LinkType(4000), "LINKTYPE 4000"},
		{FormatPcap, "pcap"},
		{FormatPcapNG, "pcapng"},
	} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.s, got, tt.want)
		}
	}
}

type fmtStringer interface{ String() string }

// TestPipe reads frames from a pipe whose writer stays open: NewReader and
// Next must return as soon as the data they need has arrived (for pcap,
// NewReader looks ahead at two records to tell the format variants apart).
func TestPipe(t *testing.T) {
	pcap := pcapFile(false, magicPcapUS, 2, 0, 1, pcapRec{sec: 1, data: pkt(10, 0)}, pcapRec{sec: 2, data: pkt(10, 0)})
	ngFile := (&ng{}).shb(false).idb(LinkTypeEthernet, 0).epb(0, 1, pkt(10, 0), 10).bytes()
	for _, file := range [][]byte{pcap, ngFile} {
		pr, pw := io.Pipe()
		go pw.Write(file)
		done := make(chan error, 1)
		go func() {
			r, err := NewReader(pr)
			if err == nil {
				var f Frame
				err = r.Next(&f)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Error("reader waits for more data than the first frame needs")
		}
		pw.Close()
	}
}
