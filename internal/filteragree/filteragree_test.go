// Package filteragree measures how far wirelens's display filters agree with tshark's: for every filter
// of testdata/golden/filters/FILTERS and every capture of its CAPTURES list, it compares the frames that
// the compiled filter selects with the frames that tshark -Y selected (goldens made by
// scripts/tshark-filter-goldens.sh).
//
// A filter that names a field wirelens does not register yet (http.*, for instance) is not dropped: it is
// counted and printed as pending, and left out of the ratio until the field comes.
package filteragree

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/filter"
)

const (
	goldenDir = "../../testdata/golden/filters"
	corpusDir = "../../../shared/captures"
	minRatio  = 0.99
)

var (
	onlyFilter  = flag.String("filteragree.filter", "", "only filters whose text contains this")
	onlyCapture = flag.String("filteragree.capture", "", "only captures whose path contains this")
	showMax     = flag.Int("filteragree.max", 20, "how many differing pairs to print per filter")
)

// golden is one filter's expected selection per capture.
type golden struct {
	text    string                 // the filter as a wirelens user types it
	tshark  string                 // the filter tshark ran
	frames  map[string][]frameSpan // capture → selected frames
	status  map[string]string      // capture → tshark's exit status
	prog    *filter.Program
	pending string // why the filter cannot run yet
}

type frameSpan struct{ lo, hi int }

func TestFiltersAgreeWithTshark(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("the shared capture corpus is not at %s: %v", corpusDir, err)
	}
	filters := readLines(t, filepath.Join(goldenDir, "FILTERS"))
	var captures []string
	for _, c := range readLines(t, filepath.Join(goldenDir, "CAPTURES")) {
		if c != "" && !strings.HasPrefix(c, "#") && strings.Contains(c, *onlyCapture) {
			captures = append(captures, c)
		}
	}
	var gs []*golden
	for i, line := range filters {
		text, _, _ := strings.Cut(line, "\t")
		if !strings.Contains(text, *onlyFilter) {
			continue
		}
		g := readGolden(t, filepath.Join(goldenDir, fmt.Sprintf("f%03d.tsv.gz", i+1)), line)
		prog, err := filter.Compile(g.text)
		var fe *filter.Error
		switch {
		case errors.As(err, &fe) && fe.Kind == filter.ErrUnknownField:
			g.pending = fe.Filter[fe.Pos:fe.Pos+fe.Len] + " is not registered yet"
		case err != nil:
			t.Errorf("filter %q, which tshark accepts, does not compile: %v", g.text, err)
			continue
		}
		g.prog = prog
		gs = append(gs, g)
	}
	var active []*golden
	for _, g := range gs {
		if g.pending == "" {
			active = append(active, g)
		}
	}

	type diff struct {
		capture            string
		onlyTshark, onlyWL []int
		nTshark, nWirelens int
	}
	diffs := make([][]diff, len(active))
	same := make([]int, len(active))
	for _, c := range captures {
		got := runCapture(t, filepath.Join(corpusDir, c), active)
		for i, g := range active {
			want := expand(g.frames[c])
			if equalInts(want, got[i]) {
				same[i]++
				continue
			}
			onlyT, onlyW := minus(want, got[i]), minus(got[i], want)
			diffs[i] = append(diffs[i], diff{c, onlyT, onlyW, len(want), len(got[i])})
		}
	}

	pairs, identical := 0, 0
	for i, g := range active {
		n := len(captures)
		pairs += n
		identical += same[i]
		t.Logf("%-4s %3d/%3d captures identical  %s", status(same[i], n), same[i], n, g.text)
		for k, d := range diffs[i] {
			if k == *showMax {
				t.Logf("       … and %d more", len(diffs[i])-k)
				break
			}
			note := ""
			if st := g.status[d.capture]; st != "0" {
				note = " (tshark exit status " + st + ")"
			}
			t.Logf("       %s%s: tshark %d frames, wirelens %d; only tshark: %s; only wirelens: %s",
				d.capture, note, d.nTshark, d.nWirelens, list(d.onlyTshark), list(d.onlyWL))
		}
	}
	npending := 0
	for _, g := range gs {
		if g.pending != "" {
			npending++
			t.Logf("pending: field not yet registered (%s): %s", g.pending, g.text)
		}
	}
	if pairs == 0 {
		t.Fatalf("no (capture, filter) pair to compare")
	}
	ratio := float64(identical) / float64(pairs)
	t.Logf("OVERALL %d/%d (capture, filter) pairs identical: %.3f%% (%d filters over %d captures; %d filters pending, not counted)",
		identical, pairs, 100*ratio, len(active), len(captures), npending)
	if ratio < minRatio {
		t.Errorf("agreement %.3f%% is below %.0f%%", 100*ratio, 100*minRatio)
	}
}

func status(same, n int) string {
	if same == n {
		return "ok"
	}
	return "DIFF"
}

// runCapture reads a capture once and returns, for each filter, the frames it selects.
func runCapture(t *testing.T, path string, gs []*golden) [][]int {
	out := make([][]int, len(gs))
	tr, err := engine.Open(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return out
	}
	defer tr.Close()
	for {
		p, err := tr.Next()
		if err != nil {
			if err != io.EOF {
				t.Logf("%s: read error after %d frames: %v", path, len(out), err)
			}
			return out
		}
		for i, g := range gs {
			if g.prog.Match(p) {
				out[i] = append(out[i], p.Num)
			}
		}
	}
}

func readGolden(t *testing.T, path, line string) *golden {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run scripts/tshark-filter-goldens.sh)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	text, ts, hasTS := strings.Cut(line, "\t")
	if !hasTS {
		ts = text
	}
	g := &golden{text: text, tshark: ts, frames: map[string][]frameSpan{}, status: map[string]string{}}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	first := true
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if first {
			first = false
			if len(cols) != 3 || cols[0] != "#filter" || cols[1] != text || cols[2] != ts {
				t.Fatalf("%s was made for another filter than %q (run scripts/tshark-filter-goldens.sh)", path, line)
			}
			continue
		}
		if len(cols) != 3 {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		g.status[cols[0]] = cols[1]
		g.frames[cols[0]] = parseSpans(t, cols[2])
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g
}

func parseSpans(t *testing.T, s string) []frameSpan {
	var out []frameSpan
	if s == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("bad frame range %q", part)
		}
		out = append(out, frameSpan{a, b})
	}
	return out
}

func expand(spans []frameSpan) []int {
	var out []int
	for _, s := range spans {
		for n := s.lo; n <= s.hi; n++ {
			out = append(out, n)
		}
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// minus returns the members of a not in b (both sorted).
func minus(a, b []int) []int {
	in := make(map[int]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	var out []int
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	sort.Ints(out)
	return out
}

// list prints frame numbers as ranges, at most about twelve of them.
func list(ns []int) string {
	if len(ns) == 0 {
		return "-"
	}
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(ns[i]))
		} else {
			parts = append(parts, strconv.Itoa(ns[i])+"-"+strconv.Itoa(ns[j]))
		}
		i = j + 1
	}
	if len(parts) > 12 {
		return strings.Join(parts[:12], ",") + fmt.Sprintf(",… (%d frames)", len(ns))
	}
	return strings.Join(parts, ",")
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run scripts/tshark-filter-goldens.sh)", err)
	}
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
