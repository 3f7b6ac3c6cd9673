package capture

import (
	"errors"
	"io"
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

// TestReadAheadSameFrames checks that reading ahead changes nothing: a pcap, a gzip-compressed pcap and
// a pcap cut inside a record give the same frames and the same end, with and without it (and an ETL
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
	for _, path := range []string{"../testdata/wikipedia.pcap", "../testdata/echo-connections.pcap.gz", cut, "../testdata/windows/pktmon-demikernel.etl"} {
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
		if path == cut && te1 == nil {
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
