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

// readFrames returns every frame of a file (data and time) and the error that ended them.
func readFrames(t *testing.T, path string, ahead bool) ([]string, error) {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ahead {
		stop := f.ReadAhead()
		defer stop()
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
// (the same truncation report), with and without it (and an ETL file, which it leaves alone).
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
		want, wantErr := readFrames(t, path, false)
		got, gotErr := readFrames(t, path, true)
		if len(want) == 0 || len(got) != len(want) {
			t.Fatalf("%s: %d frames read ahead, %d without", path, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: frame %d differs", path, i+1)
			}
		}
		var te1, te2 *TruncatedError
		if errors.As(wantErr, &te1) != errors.As(gotErr, &te2) || (te1 != nil && te1.Error() != te2.Error()) {
			t.Fatalf("%s: end %v read ahead, %v without", path, gotErr, wantErr)
		}
		if (path == cut || path == cutGz) && te1 == nil {
			t.Fatalf("%s: the cut was not reported", path)
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
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr, 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
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
	want, wantErr := readFrames(t, path, false)
	got, gotErr := readFrames(t, path, true)
	if wantErr != nil || gotErr != nil {
		t.Fatalf("errors: %v read ahead, %v without", gotErr, wantErr)
	}
	if len(got) != len(want) || len(want) < 100 {
		t.Fatalf("%d frames read ahead, %d without", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("frame %d differs", i+1)
		}
	}
}
