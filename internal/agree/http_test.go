package agree

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

const (
	httpGoldenDir = "../../testdata/golden/tshark-http"
	minHTTP       = 0.99
)

// TestHTTPAgreement compares wirelens's HTTP with tshark's over the corpus (goldens made by
// scripts/tshark-http-goldens.sh, one pass, frames matching the filter "http"): which frames hold HTTP,
// requests and responses (the filters http, http.request, http.response), and each field on the union of
// the frames either tool shows as HTTP. It prints the table and fails below 99 % overall.
// -agree.show=frames lists the frames only one tool shows as HTTP.
func TestHTTPAgreement(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("the shared capture corpus is not at %s: %v", corpusDir, err)
	}
	names, ids := goldenFields(t, httpGoldenDir)
	type set struct{ tp, fp, fn int }
	var sets [3]set // http, http.request, http.response
	per := make([]tally, len(names))
	files, exact := 0, 0
	shown := 0
	for _, row := range readLines(t, filepath.Join(httpGoldenDir, "INDEX.tsv")) {
		cols := strings.Split(row, "\t")
		if len(cols) < 3 || cols[1] != "0" {
			continue
		}
		if *onlyFile != "" && !strings.Contains(cols[0], *onlyFile) {
			continue
		}
		want := map[int][]string{}
		if n, _ := strconv.Atoi(cols[2]); n > 0 {
			for _, line := range readGolden(t, filepath.Join(httpGoldenDir, cols[0]+".tsv.gz")) {
				c := strings.Split(line, "\t")
				num, _ := strconv.Atoi(c[0])
				want[num] = c
			}
		}
		got := httpRows(t, filepath.Join(corpusDir, cols[0]), ids)
		files++
		frames := map[int]bool{}
		for k := range want {
			frames[k] = true
		}
		for k := range got {
			frames[k] = true
		}
		keys := make([]int, 0, len(frames))
		for k := range frames {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		bad := 0
		for _, k := range keys {
			w, g := want[k], got[k]
			if *showField == "frames" && (w == nil) != (g == nil) && shown < *showMax {
				shown++
				t.Logf("%s frame %d: HTTP in tshark %v, in wirelens %v", cols[0], k, w != nil, g != nil)
			}
			for s := 0; s < 3; s++ {
				inW, inG := w != nil, g != nil
				if s > 0 {
					inW, inG = cell(w, s) != "", cell(g, s) != ""
				}
				switch {
				case inW && inG:
					sets[s].tp++
				case inG:
					sets[s].fp++
				case inW:
					sets[s].fn++
				}
			}
			for c := 1; c < len(names); c++ {
				per[c].cells++
				if cell(w, c) == cell(g, c) {
					per[c].equal++
				} else {
					bad++
					if *showField == names[c] && shown < *showMax {
						shown++
						t.Logf("%s frame %d %s: tshark %q wirelens %q", cols[0], k, names[c], cell(w, c), cell(g, c))
					}
				}
			}
		}
		if bad == 0 {
			exact++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP agreement with tshark over %d captures (%d identical):\n", files, exact)
	fmt.Fprintf(&b, "%-26s %10s %10s %8s %8s\n", "filter", "both", "only-ws", "only-wl", "F1 %")
	for s, name := range []string{"http", "http.request", "http.response"} {
		x := sets[s]
		f1 := 100.0
		if x.tp+x.fp+x.fn > 0 {
			f1 = 200 * float64(x.tp) / float64(2*x.tp+x.fp+x.fn)
		}
		fmt.Fprintf(&b, "%-26s %10d %10d %8d %8.3f\n", name, x.tp, x.fn, x.fp, f1)
	}
	fmt.Fprintf(&b, "%-26s %10s %10s\n", "field", "cells", "equal %")
	var all tally
	for c := 1; c < len(names); c++ {
		fmt.Fprintf(&b, "%-26s %10d %10.3f\n", names[c], per[c].cells, pct(per[c]))
		all.cells += per[c].cells
		all.equal += per[c].equal
	}
	fmt.Fprintf(&b, "%-26s %10d %10.3f\n", "OVERALL", all.cells, pct(all))
	t.Log("\n" + b.String())
	if pct(all) < 100*minHTTP {
		t.Errorf("HTTP agreement %.3f %% is below %.1f %%", pct(all), 100*minHTTP)
	}
	for s, name := range []string{"http", "http.request", "http.response"} {
		x := sets[s]
		if x.tp+x.fp+x.fn > 0 && float64(x.tp) < minHTTP*float64(x.tp+x.fp+x.fn) {
			t.Errorf("filter %s: %d frames agree, %d only in tshark, %d only in wirelens", name, x.tp, x.fn, x.fp)
		}
	}
}

// httpRows returns, by frame number, the rows of the frames wirelens shows as HTTP.
func httpRows(t *testing.T, path string, ids []field.ID) map[int][]string {
	rows := map[int][]string{}
	tr, err := engine.OpenWith(path, engine.Options{NoHTTPOperations: true})
	if err != nil {
		return rows
	}
	defer tr.Close()
	var line []byte
	for {
		p, err := tr.Next()
		if err != nil {
			if err != io.EOF {
				t.Logf("%s: %v", path, err)
			}
			break
		}
		if !p.Has(dissect.ProtoHTTP) {
			continue
		}
		line = appendRow(line[:0], p, ids)
		rows[p.Num] = strings.Split(string(line), "\t")
	}
	return rows
}
