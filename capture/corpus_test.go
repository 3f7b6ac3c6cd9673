package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The shared corpus of real captures sits beside the module root; the tests
// that use it skip when it is absent. A few of its files are copied into
// ../testdata/capture so that the detailed checks always run.
const (
	corpusDir  = "../../shared/captures"
	copiedDir  = "../testdata/capture"
	countsFile = "testdata/tshark-counts.tsv"
)

// conformanceCounts are the packets tshark 4.0 reads from each
// pcapng-conformance file (the same in output_le and output_be), leaving out
// the Custom Blocks that it also shows as frames.
var conformanceCounts = map[string]int{
	"advanced/test100": 5, "advanced/test101": 4, "advanced/test102": 5,
	"basic/test001": 4, "basic/test002": 0, "basic/test003": 0, "basic/test004": 4,
	"basic/test005": 4, "basic/test006": 5, "basic/test007": 1, "basic/test008": 4,
	"basic/test009": 2, "basic/test010": 4, "basic/test011": 4, "basic/test012": 4,
	"basic/test013": 0, "basic/test014": 0, "basic/test015": 0, "basic/test016": 4,
	"basic/test017": 0, "basic/test018": 4,
	"difficult/test200": 0, "difficult/test201": 4, "difficult/test202": 8,
}

func TestConformanceCounts(t *testing.T) {
	dir := filepath.Join(corpusDir, "pcapng-conformance")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus not found (%v)", err)
	}
	for name, want := range conformanceCounts {
		for _, order := range []string{"output_le", "output_be"} {
			path := filepath.Join(dir, order, name+".pcapng")
			n, err := countFile(path)
			if err != nil || n != want {
				t.Errorf("%s/%s: %d frames, %v; want %d", order, name, n, err, want)
			}
		}
	}
}

// conformanceFrame is what tshark 4.0 prints for a frame of a conformance
// file (frame.len, frame.cap_len, frame.time_epoch, frame.encap_type), except
// the interface: tshark 4.0 numbers interfaces within each section, this
// package over the whole file, so iface is the global index.
type conformanceFrame struct {
	orig, caplen int
	time         string
	iface        int
	lt           LinkType
	comment      string
	flags        uint32
}

var conformanceDetails = map[string]struct {
	frames   []conformanceFrame
	ifaces   []LinkType
	comments []string
}{
	// Sections of different byte orders; SPBs (no time stamp); custom
	// blocks, which tshark shows as frames 1, 7 and 10, skipped.
	"difficult/test202": {
		frames: []conformanceFrame{
			{314, 96, "1340954905.298858000", 0, LinkTypeEthernet, "", 0},
			{342, 96, "1340954905.298858000", 0, LinkTypeEthernet, "", 0},
			{168, 168, "1340954905.301858000", 1, LinkTypeNull, "", 0},
			{314, 128, "0.000000000", 2, LinkTypeEthernet, "", 0},          // tshark: interface 0
			{342, 128, "1340954905.298858000", 2, LinkTypeEthernet, "", 0}, // tshark: interface 0
			{314, 128, "0.000000000", 2, LinkTypeEthernet, "", 0},          // tshark: interface 0
			{342, 128, "1340954905.298858000", 2, LinkTypeEthernet, "", 0}, // tshark: interface 0
			{168, 168, "1340954905.301858000", 4, LinkTypeNull, "", 0},     // tshark: interface 1
		},
		ifaces:   []LinkType{LinkTypeEthernet, LinkTypeNull, LinkTypeEthernet, LinkTypeEthernet, LinkTypeNull},
		comments: []string{"test202 SHB-0", "test202 SHB-1", "test202 SHB-2"},
	},
	"difficult/test201": {
		frames: []conformanceFrame{
			{314, 96, "1340954905.298858000", 0, LinkTypeEthernet, "", 0},
			{342, 128, "1340954905.298858000", 2, LinkTypeEthernet, "", 0}, // tshark: interface 0
			{314, 128, "0.000000000", 2, LinkTypeEthernet, "", 0},          // tshark: interface 0
			{168, 168, "1340954905.301858000", 4, LinkTypeNull, "", 0},     // tshark: interface 1
		},
		ifaces:   []LinkType{LinkTypeEthernet, LinkTypeNull, LinkTypeEthernet, LinkTypeEthernet, LinkTypeNull},
		comments: []string{"test201 SHB-0", "test201 SHB-1", "test201 SHB-2"},
	},
	"basic/test009": {
		frames: []conformanceFrame{
			{314, 314, "1340954905.298858000", 0, LinkTypeEthernet, "test009-1", 0},
			{342, 342, "1340954905.299858000", 0, LinkTypeEthernet, "test009-2", 0x48000000},
		},
		ifaces:   []LinkType{LinkTypeEthernet},
		comments: []string{"test009"},
	},
}

func TestConformanceDetails(t *testing.T) {
	for name, want := range conformanceDetails {
		for _, order := range []string{"output_le", "output_be"} {
			path := filepath.Join(copiedDir, "pcapng-conformance", order, name+".pcapng")
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var fr Frame
			var got []conformanceFrame
			for {
				err := f.Next(&fr)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				got = append(got, conformanceFrame{fr.OrigLen, len(fr.Data),
					fmt.Sprintf("%d.%09d", fr.TimeNS/1e9, fr.TimeNS%1e9), fr.Interface, fr.LinkType, string(fr.Comment), fr.Flags})
			}
			if fmt.Sprint(got) != fmt.Sprint(want.frames) {
				t.Errorf("%s:\n got %v\nwant %v", path, got, want.frames)
			}
			var lts []LinkType
			for _, ifc := range f.Interfaces() {
				lts = append(lts, ifc.LinkType)
			}
			if fmt.Sprint(lts) != fmt.Sprint(want.ifaces) || fmt.Sprint(f.Comments()) != fmt.Sprint(want.comments) {
				t.Errorf("%s: interfaces %v comments %q; want %v %q", path, lts, f.Comments(), want.ifaces, want.comments)
			}
			f.Close()
		}
	}
}

// countFile returns the number of frames in the file, and the error that
// ended the reading (nil at a clean end).
func countFile(path string) (int, error) {
	f, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var fr Frame
	n := 0
	for {
		err := f.Next(&fr)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// tsharkCount is a line of tshark-counts.tsv.
type tsharkCount struct {
	packets, status int
}

func loadCounts(t *testing.T) map[string]tsharkCount {
	f, err := os.Open(countsFile)
	if err != nil {
		t.Fatalf("%v (run testdata/gen-counts.sh)", err)
	}
	defer f.Close()
	m := map[string]tsharkCount{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("bad line in %s: %q", countsFile, sc.Text())
		}
		n, err1 := strconv.Atoi(fields[1])
		st, err2 := strconv.Atoi(fields[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("bad line in %s: %q", countsFile, sc.Text())
		}
		m[fields[0]] = tsharkCount{n, st}
	}
	return m
}

// knownDisagreements are corpus files that tshark reads in full but where
// this package reads a different number of frames, with the reason.
var knownDisagreements = map[string]string{}

// TestSweep reads every capture of the shared corpus, each within a time
// bound, and compares the frame counts with tshark's.
func TestSweep(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found (%v)", err)
	}
	counts := loadCounts(t)
	var paths []string
	filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			switch filepath.Ext(path) {
			case ".pcap", ".pcapng", ".gz", ".cap", ".etl":
				paths = append(paths, path)
			}
		}
		return nil
	})
	sort.Strings(paths)
	type result struct {
		n     int
		err   error
		panic string
	}
	var (
		agreeFull, agreePartial, total             int
		fullFiles, partialFiles, notRead, errLines []string
		disagree                                   []string
	)
	for _, path := range paths {
		rel, _ := filepath.Rel(corpusDir, path)
		rel = filepath.ToSlash(rel)
		done := make(chan result, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					done <- result{panic: fmt.Sprintf("%v\n%s", p, debug.Stack())}
				}
			}()
			n, err := countFile(path)
			done <- result{n: n, err: err}
		}()
		var res result
		select {
		case res = <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: reading takes more than 30s", rel)
		}
		if res.panic != "" {
			t.Errorf("%s: panic: %s", rel, res.panic)
			continue
		}
		total++
		var nc *NotCaptureError
		isNC := errors.As(res.err, &nc)
		switch filepath.Ext(path) {
		case ".cap":
			if res.err != nil || res.n == 0 {
				t.Errorf("%s: %d frames, then %v; want a NetMon file read to its end (see netmon_test.go)", rel, res.n, res.err)
			}
			continue
		case ".etl":
			if res.err != nil {
				t.Errorf("%s: %d frames, then %v; want an ETL trace read to its end (see netmon_etl_test.go)", rel, res.n, res.err)
			}
			continue
		}
		if res.err != nil {
			errLines = append(errLines, fmt.Sprintf("%s: %d frames, then %v", rel, res.n, res.err))
			if !isNC && asTruncated(res.err) == nil {
				t.Errorf("%s: error %v is neither NotCaptureError nor TruncatedError", rel, res.err)
			}
		}
		tc, ok := counts[rel]
		if !ok {
			t.Errorf("%s: not in %s (run testdata/gen-counts.sh)", rel, countsFile)
			continue
		}
		agree := tc.packets == res.n
		if tc.status == 0 {
			fullFiles = append(fullFiles, rel)
			if agree {
				agreeFull++
			} else {
				msg := fmt.Sprintf("%s: tshark reads %d packets, this package %d (%v)", rel, tc.packets, res.n, res.err)
				disagree = append(disagree, msg)
				if why, ok := knownDisagreements[rel]; ok {
					t.Logf("known: %s: %s", msg, why)
				} else {
					t.Errorf("%s", msg)
				}
			}
		} else {
			partialFiles = append(partialFiles, rel)
			if agree {
				agreePartial++
			} else {
				// In this corpus: link types tshark 4.0 does not know,
				// so it reads nothing; this package reads any.
				t.Logf("tshark fails (status %d) after %d packets; this package reads %d (error %v): %s",
					tc.status, tc.packets, res.n, res.err, rel)
			}
		}
	}
	for _, e := range errLines {
		t.Logf("error: %s", e)
	}
	t.Logf("%d files: tshark reads %d fully and this package agrees on the frame count of %d (%d disagree); "+
		"tshark fails on %d, and this package agrees on the count of frames before the failure for %d; "+
		"%d are NetMon or ETL files, rejected by design with a NotCaptureError",
		total, len(fullFiles), agreeFull, len(disagree), len(partialFiles), agreePartial, len(notRead))
}
