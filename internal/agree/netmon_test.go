package agree

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// netmonGoldenDir holds tshark's output for the NetMon files of the corpus (scripts/tshark-netmon-goldens.sh).
const netmonGoldenDir = "../../testdata/golden/tshark-netmon"

// TestNetMonAgreement compares wirelens with tshark on every NetMon .cap file of the corpus: the frame
// count, the time stamps (frame.time_epoch) and the fields of the main agreement test, cell by cell.
func TestNetMonAgreement(t *testing.T) {
	if _, err := os.Stat(filepath.Join(corpusDir, "windows/netmon")); err != nil {
		t.Skipf("the shared capture corpus is not at %s: %v", corpusDir, err)
	}
	names, ids := goldenFields(t, netmonGoldenDir)
	per := make([]tally, len(names))
	files := 0
	for _, row := range readLines(t, filepath.Join(netmonGoldenDir, "INDEX.tsv")) {
		rel := strings.SplitN(row, "\t", 2)[0]
		want := readGolden(t, filepath.Join(netmonGoldenDir, path.Base(rel)+".tsv.gz"))
		if len(want) == 0 {
			continue
		}
		got := decodeFile(t, filepath.Join(corpusDir, rel), ids)
		files++
		if len(got) != len(want) {
			t.Errorf("%s: wirelens reads %d frames, tshark %d", rel, len(got), len(want))
		}
		shown := 0
		for r := 0; r < max(len(want), len(got)); r++ {
			var w, g []string
			if r < len(want) {
				w = strings.Split(want[r], "\t")
			}
			if r < len(got) {
				g = strings.Split(got[r], "\t")
			}
			for c := range names {
				per[c].cells++
				if cell(w, c) == cell(g, c) && (r < len(want)) == (r < len(got)) {
					per[c].equal++
				} else if (*showField == names[c] || *showField == "all") && shown < *showMax {
					shown++
					t.Logf("%s frame %d %s: tshark %q wirelens %q", rel, r+1, names[c], cell(w, c), cell(g, c))
				}
			}
		}
	}
	var total tally
	for c, n := range names {
		total.cells += per[c].cells
		total.equal += per[c].equal
		t.Logf("%-22s %6d/%6d cells equal  %7.3f%%", n, per[c].equal, per[c].cells, pct(per[c]))
		if n == "frame.time_epoch" && per[c].equal != per[c].cells {
			t.Errorf("time stamps: %d of %d differ from tshark's", per[c].cells-per[c].equal, per[c].cells)
		}
	}
	t.Logf("NetMon: %d files, OVERALL %d/%d cells equal: %.3f%%", files, total.equal, total.cells, pct(total))
	if files == 0 {
		t.Fatal("no NetMon golden compared")
	}
	if float64(total.equal) < minOverall*float64(total.cells) {
		t.Errorf("agreement %.3f%% is below %.1f%%", pct(total), minOverall*100)
	}
}
