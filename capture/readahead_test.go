package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// How readFrames reads.
const (
	direct = iota // without ReadAhead
	ahead         // ReadAhead: in a goroutine of its own
	inline        // ReadAhead, then ReadInline: in the caller's goroutine
)

// readFrames returns every frame of a file (data and time) and the error that ended them.
func readFrames(t *testing.T, path string, mode int) ([]string, error) {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if mode != direct {
		stop := f.ReadAhead()
		defer stop()
		if mode == inline {
			f.ReadInline()
		}
	}
	var out []string
	var fr Frame
	for {
		if err := f.Next(&fr); err != nil {
			if err == io.EOF {
				err = nil
			}
			return out, err
		}
		out = append(out, string(fr.Data)+"|"+time.Unix(0, fr.TimeNS).String())
	}
}

// TestReadAheadSameFrames checks that reading ahead changes nothing: a pcap, a gzip-compressed pcap, a
// pcap cut inside a record and a gzip stream cut in the middle give the same frames and the same end
// (the same truncation report), with and without it, in a goroutine of its own or inline (and an ETL
// file, which it leaves alone).
func TestReadAheadSameFrames(t *testing.T) {
	whole, err := os.ReadFile("../testdata/wikipedia.pcap")
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, whole[:len(whole)*2/3+5], 0o644); err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile("../testdata/echo-connections.pcap.gz")
	if err != nil {
		t.Fatal(err)
	}
	cutGz := filepath.Join(t.TempDir(), "cut.pcap.gz")
	if err := os.WriteFile(cutGz, gz[:len(gz)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"../testdata/wikipedia.pcap", "../testdata/echo-connections.pcap.gz", cut, cutGz, "../testdata/windows/pktmon-demikernel.etl"} {
		want, wantErr := readFrames(t, path, direct)
		for _, mode := range []int{ahead, inline} {
			got, gotErr := readFrames(t, path, mode)
			if len(want) == 0 || len(got) != len(want) {
				t.Fatalf("%s, mode %d: %d frames read ahead, %d without", path, mode, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s, mode %d: frame %d differs", path, mode, i+1)
				}
			}
			var te1, te2 *TruncatedError
			if errors.As(wantErr, &te1) != errors.As(gotErr, &te2) || (te1 != nil && te1.Error() != te2.Error()) {
				t.Fatalf("%s, mode %d: end %v read ahead, %v without", path, mode, gotErr, wantErr)
			}
			if (path == cut || path == cutGz) && te1 == nil {
				t.Fatalf("%s: the cut was not reported", path)
			}
		}
	}
}

// TestReadAheadStops checks that stopping before the end returns and leaves no goroutine behind.
func TestReadAheadStops(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		f, err := Open("../testdata/wikipedia.pcap")
		if err != nil {
			t.Fatal(err)
		}
		stop := f.ReadAhead()
		var fr Frame
		if err := f.Next(&fr); err != nil {
			t.Fatal(err)
		}
		stop()
		stop() // twice is harmless
		f.Close()
	}
	time.Sleep(10 * time.Millisecond)
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after stopping, %d before", n, before)
	}
}

// TestReadAheadBlockEdges reads a pcap of several megabytes whose records (1 byte to 256 KiB) keep
// straddling the 256 KiB blocks read ahead (the largest span three blocks: the room in front of a block
// holds the cut start of one, and a longer one is read through the copying path), and checks every
// frame against reading without it.
func TestReadAheadBlockEdges(t *testing.T) {
	var b bytes.Buffer
	writePcapHeader(&b)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; b.Len() < 6<<20; i++ {
		n := 1 + rng.IntN(1500)
		if i%7 == 0 {
			n = 1 + rng.IntN(262144)
		}
		rec := make([]byte, 16+n)
		binary.LittleEndian.PutUint32(rec, uint32(i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(n))
		binary.LittleEndian.PutUint32(rec[12:], uint32(n))
		for j := 16; j < len(rec); j++ {
			rec[j] = byte(i + j)
		}
		b.Write(rec)
	}
	path := filepath.Join(t.TempDir(), "edges.pcap")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want, wantErr := readFrames(t, path, direct)
	for _, mode := range []int{ahead, inline} {
		got, gotErr := readFrames(t, path, mode)
		if wantErr != nil || gotErr != nil {
			t.Fatalf("mode %d: errors: %v read ahead, %v without", mode, gotErr, wantErr)
		}
		if len(got) != len(want) || len(want) < 100 {
			t.Fatalf("mode %d: %d frames read ahead, %d without", mode, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("mode %d: frame %d differs", mode, i+1)
			}
		}
	}
}

// writePcapHeader writes the file header of a little-endian pcap of Ethernet frames (snap length
// 256 KiB).
func writePcapHeader(b *bytes.Buffer) {
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
}

// bigPcap writes a pcap of n frames of size bytes each and returns its path.
func bigPcap(t *testing.T, n, size int) string {
	t.Helper()
	var b bytes.Buffer
	writePcapHeader(&b)
	rec := make([]byte, 16+size)
	for i := range n {
		binary.LittleEndian.PutUint32(rec, uint32(i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(size))
		binary.LittleEndian.PutUint32(rec[12:], uint32(size))
		b.Write(rec)
	}
	path := filepath.Join(t.TempDir(), "big.pcap")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadInline checks when ReadInline takes effect: on a pcap that ReadAhead set up and nothing was
// read from yet, and not once a block was read ahead, nor on a gzip-compressed file (which keeps its
// goroutine for the decompression), nor without ReadAhead. Read inline, frames come in blocks and no
// goroutine is started.
func TestReadInline(t *testing.T) {
	open := func(path string, setUp bool) *File {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if setUp {
			t.Cleanup(f.ReadAhead())
		}
		return f
	}
	var fr Frame
	if f := open("../testdata/wikipedia.pcap", false); f.ReadInline() {
		t.Error("ReadInline took effect without ReadAhead")
	}
	if f := open("../testdata/echo-connections.pcap.gz", true); f.ReadInline() {
		t.Error("ReadInline took effect on a compressed file")
	}
	big := bigPcap(t, 2000, 1000)
	f := open(big, true)
	for fr.Block == nil {
		if err := f.Next(&fr); err != nil {
			t.Fatal(err)
		}
	}
	if f.ReadInline() {
		t.Error("ReadInline took effect after a block was read ahead")
	}
	f = open(big, true)
	if !f.ReadInline() {
		t.Fatal("ReadInline did not take effect")
	}
	before := runtime.NumGoroutine()
	n, inBlocks := 0, 0
	for f.Next(&fr) == nil {
		n++
		if fr.Block != nil {
			inBlocks++
		}
	}
	if after := runtime.NumGoroutine(); after > before || f.ahead.started || n != 2000 || inBlocks < 1000 {
		t.Fatalf("%d frames, %d in blocks; %d goroutines after reading inline, %d before", n, inBlocks, after, before)
	}
}

// TestReadInlineOff reads half a capture inline and the rest ahead in the goroutine that ReadInlineOff
// starts: the frames are those read without reading ahead.
func TestReadInlineOff(t *testing.T) {
	big := bigPcap(t, 4000, 1000)
	want, err := readFrames(t, big, direct)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(big)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer f.ReadAhead()()
	if !f.ReadInline() {
		t.Fatal("ReadInline did not take effect")
	}
	var got []string
	var fr Frame
	for f.Next(&fr) == nil {
		got = append(got, string(fr.Data)+"|"+time.Unix(0, fr.TimeNS).String())
		if len(got) == len(want)/2 {
			if f.ahead.started {
				t.Fatal("the goroutine started while reading inline")
			}
			f.ReadInlineOff()
		}
	}
	if !f.ahead.started {
		t.Error("no goroutine read the second half")
	}
	if len(got) != len(want) {
		t.Fatalf("%d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("frame %d differs", i+1)
		}
	}
}

// TestReadInlineAllHeld holds every block a reader reading inline makes: reading must then fail with
// errAllHeld, where it would otherwise wait for a release that only its own caller could make.
func TestReadInlineAllHeld(t *testing.T) {
	path := bigPcap(t, (aheadMax+2)*aheadBlock/1000, 1000-16)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer f.ReadAhead()()
	f.ReadInline()
	held := map[*Block]bool{}
	done := make(chan error, 1)
	go func() {
		var fr Frame
		for {
			if err := f.Next(&fr); err != nil {
				done <- err
				return
			}
			if b := fr.Block; b != nil && !held[b] {
				b.Hold()
				held[b] = true
			}
		}
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errAllHeld) {
			t.Fatalf("reading ended with %v, want errAllHeld", err)
		}
		if len(held) > aheadMax {
			t.Fatalf("%d blocks held, at most %d made", len(held), aheadMax)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading waits for a block that nobody releases")
	}
}
