package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of the diagnose, conversations and HTTP tests")

// TestDiagnoseAndConversationsGolden runs diagnose and conversations on the TCP test captures and compares
// the output with testdata/golden (refresh with go test ./internal/cli -update, then read the diff).
func TestDiagnoseAndConversationsGolden(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/tcp/*.pcap")
	if len(files) < 10 {
		t.Fatalf("expected the TCP test captures, found %d", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".pcap")
		for _, cmd := range [][]string{
			{"diagnose", f},
			{"diagnose", f, "--format", "json"},
			{"conversations", f},
		} {
			out, errs, code := run(t, cmd...)
			if code != 0 {
				t.Errorf("%v: exit %d: %s", cmd, code, errs)
				continue
			}
			out = strings.ReplaceAll(out, f, "FILE")
			suffix := cmd[0]
			if len(cmd) > 2 {
				suffix += "-json"
			}
			golden := filepath.Join("testdata", "golden", name+"."+suffix)
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				os.WriteFile(golden, []byte(out), 0o644)
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cli -update)", err)
			}
			if out != string(want) {
				t.Errorf("%s differs from the golden:\n--- got\n%s\n--- want\n%s", golden, out, want)
			}
		}
	}
}
