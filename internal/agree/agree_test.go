// Package agree measures how far wirelens agrees with tshark: for every capture of the shared corpus that
// has a golden (testdata/golden/tshark, made by scripts/tshark-goldens.sh), it decodes the file and
// compares each cell of tshark's -T fields output with the same field formatted by wirelens.
package agree

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

const (
	goldenDir  = "../../testdata/golden/tshark"
	corpusDir  = "../../../shared/captures"
	minOverall = 0.995
)

var (
	showField = flag.String("agree.show", "", "print disagreeing cells of this field")
	showMax   = flag.Int("agree.max", 30, "how many disagreements to print")
	onlyFile  = flag.String("agree.file", "", "only files whose path contains this")
)

type tally struct{ cells, equal int }

func TestAgreementWithTshark(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("the shared capture corpus is not at %s: %v", corpusDir, err)
	}
	names := readLines(t, filepath.Join(goldenDir, "FIELDS"))
	ids := make([]field.ID, len(names))
	for i, n := range names {
		in := field.Lookup(n)
		if in == nil {
			t.Errorf("golden field %q is not registered", n)
			continue
		}
		ids[i] = in.ID
	}
	index := readLines(t, filepath.Join(goldenDir, "INDEX.tsv"))
	per := make([]tally, len(names))
	files, filesExact := 0, 0
	shown := 0
	type fileScore struct {
		name string
		bad  int
	}
	var worst []fileScore
	for _, row := range index {
		rel := strings.SplitN(row, "\t", 2)[0]
		if *onlyFile != "" && !strings.Contains(rel, *onlyFile) {
			continue
		}
		want := readGolden(t, filepath.Join(goldenDir, rel+".tsv.gz"))
		if len(want) == 0 {
			continue // tshark read no frame
		}
		got := decodeFile(t, filepath.Join(corpusDir, rel), ids)
		files++
		bad := 0
		for r := 0; r < max(len(want), len(got)); r++ {
			var w, g []string
			if r < len(want) {
				w = strings.Split(want[r], "\t")
			}
			if r < len(got) {
				g = strings.Split(got[r], "\t")
			}
			for c := range names {
				wc, gc := cell(w, c), cell(g, c)
				per[c].cells++
				if wc == gc && (r < len(want)) == (r < len(got)) {
					per[c].equal++
					continue
				}
				bad++
				if names[c] == *showField && shown < *showMax {
					shown++
					t.Logf("%s frame %d %s: tshark %q wirelens %q", rel, r+1, names[c], wc, gc)
				}
			}
		}
		if bad == 0 {
			filesExact++
		} else {
			worst = append(worst, fileScore{rel, bad})
		}
	}
	sort.Slice(worst, func(i, j int) bool { return worst[i].bad > worst[j].bad })
	var total tally
	for c, n := range names {
		total.cells += per[c].cells
		total.equal += per[c].equal
		t.Logf("%-22s %8d/%8d cells equal  %7.3f%%", n, per[c].equal, per[c].cells, pct(per[c]))
	}
	t.Logf("files: %d compared, %d identical to tshark in every cell", files, filesExact)
	for i := 0; i < len(worst) && i < 15; i++ {
		t.Logf("  most disagreeing: %-60s %d cells", worst[i].name, worst[i].bad)
	}
	t.Logf("OVERALL %d/%d cells equal: %.3f%%", total.equal, total.cells, pct(total))
	if files == 0 {
		t.Fatal("no golden compared")
	}
	if *onlyFile == "" && float64(total.equal) < minOverall*float64(total.cells) {
		t.Errorf("agreement %.3f%% is below %.1f%%", pct(total), minOverall*100)
	}
}

func pct(t tally) float64 {
	if t.cells == 0 {
		return 100
	}
	return 100 * float64(t.equal) / float64(t.cells)
}

func cell(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}

// decodeFile returns wirelens's rows in tshark's -T fields layout (one pass).
func decodeFile(t *testing.T, path string, ids []field.ID) []string {
	return decodeFileWith(t, path, ids, false)
}

// goldenFields reads the FIELDS file of a golden directory: the field names, and their IDs (every one
// must be registered).
func goldenFields(t *testing.T, dir string) ([]string, []field.ID) {
	t.Helper()
	names := readLines(t, filepath.Join(dir, "FIELDS"))
	ids := make([]field.ID, len(names))
	for i, n := range names {
		in := field.Lookup(n)
		if in == nil {
			t.Fatalf("golden field %q is not registered", n)
		}
		ids[i] = in.ID
	}
	return names, ids
}

func appendRow(dst []byte, p *dissect.Packet, ids []field.ID) []byte {
	for i, id := range ids {
		if i > 0 {
			dst = append(dst, '\t')
		}
		dst = p.AppendField(dst, id, ',')
	}
	return dst
}

func readGolden(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		if err == io.EOF {
			return nil
		}
		t.Fatalf("golden %s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("golden %s: %v", path, err)
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil
	}
	return strings.Split(string(data), "\n")
}

func readLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run scripts/tshark-goldens.sh)", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() != "" {
			out = append(out, sc.Text())
		}
	}
	return out
}
