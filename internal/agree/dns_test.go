package agree

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

const dnsDir = "../../testdata/golden/tshark-dns"

// minDNSPairing is the agreement required of each pairing field with tshark (issue 5).
const minDNSPairing = 0.99

// dnsDecoded lists the golden columns that belong to the DNS decoder rather than to pairing: they are
// printed for context (a frame whose DNS wirelens does not decode, on a link type it does not know, cannot
// be paired) but measured by TestAgreementWithTshark.
var dnsDecoded = map[string]bool{"frame.number": true, "dns.id": true, "dns.flags.response": true}

// TestDNSPairingAgreement compares wirelens's DNS query/response pairing with tshark 4.0's over every
// capture of the corpus in which tshark saw DNS (goldens by scripts/tshark-dns-goldens.sh): two passes
// against tshark -2 (dns.response_in is known there) and one pass against tshark's single pass. Only the
// frames where either side has a DNS message are counted, so that empty cells of other frames do not
// inflate the score.
func TestDNSPairingAgreement(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("the shared capture corpus is not at %s: %v", corpusDir, err)
	}
	if _, err := os.Stat(filepath.Join(dnsDir, "FIELDS")); err != nil {
		t.Skipf("no DNS goldens (run scripts/tshark-dns-goldens.sh): %v", err)
	}
	names, ids := goldenFields(t, dnsDir)
	const respCol = 2 // dns.flags.response: the frame has a DNS message
	for _, pass := range []struct {
		name    string
		suffix  string
		twoPass bool
	}{{"two passes (tshark -2)", ".2.tsv.gz", true}, {"one pass", ".1.tsv.gz", false}} {
		sc := make([]tally, len(names))
		both := make([]tally, len(names)) // frames where both sides decoded the same DNS messages
		files, rows, shown := 0, 0, 0
		for _, rel := range readLines(t, filepath.Join(dnsDir, "INDEX.txt")) {
			if *onlyFile != "" && !strings.Contains(rel, *onlyFile) {
				continue
			}
			want := readGolden(t, filepath.Join(dnsDir, rel+pass.suffix))
			if len(want) == 0 {
				continue
			}
			files++
			got := decodeFileWith(t, filepath.Join(corpusDir, rel), ids, pass.twoPass)
			for r := 0; r < max(len(want), len(got)); r++ {
				var w, g []string
				if r < len(want) {
					w = strings.Split(want[r], "\t")
				}
				if r < len(got) {
					g = strings.Split(got[r], "\t")
				}
				if cell(w, respCol) == "" && cell(g, respCol) == "" {
					continue
				}
				rows++
				decoded := cell(w, 1) == cell(g, 1) && cell(w, respCol) == cell(g, respCol)
				for c, n := range names {
					wc, gc := cell(w, c), cell(g, c)
					sc[c].cells++
					if decoded {
						both[c].cells++
					}
					if wc == gc {
						sc[c].equal++
						if decoded {
							both[c].equal++
						}
						continue
					}
					if n == *showField && shown < *showMax {
						shown++
						t.Logf("%s (%s) frame %d %s: tshark %q wirelens %q", rel, pass.name, r+1, n, wc, gc)
					}
				}
			}
		}
		if files == 0 {
			t.Skip("no DNS golden (run scripts/tshark-dns-goldens.sh)")
		}
		t.Logf("%s: %d captures, %d frames with DNS", pass.name, files, rows)
		t.Logf("  %-28s %7s %7s %9s   %s", "field", "equal", "cells", "agree", "where both decode the DNS messages")
		for c, n := range names {
			t.Logf("  %-28s %7d %7d %8.3f%%   %7d/%7d %8.3f%%", n, sc[c].equal, sc[c].cells, pct(sc[c]), both[c].equal, both[c].cells, pct(both[c]))
			if dnsDecoded[n] {
				continue
			}
			if *onlyFile == "" && pct(sc[c]) < 100*minDNSPairing {
				t.Errorf("%s (%s) below %.0f%%", n, pass.name, 100*minDNSPairing)
			}
		}
	}
}

// decodeFileWith returns wirelens's rows in tshark's -T fields layout, in one or two passes.
func decodeFileWith(t *testing.T, path string, ids []field.ID, twoPass bool) []string {
	tr, err := engine.OpenWith(path, engine.Options{TwoPass: twoPass})
	if err != nil {
		t.Logf("%s: %v", path, err)
		return nil
	}
	defer tr.Close()
	var rows []string
	var line []byte
	for {
		p, err := tr.Next()
		if err != nil {
			if err != io.EOF {
				t.Logf("%s: %v", path, err)
			}
			break
		}
		line = appendRow(line[:0], p, ids)
		rows = append(rows, string(line))
	}
	return rows
}
