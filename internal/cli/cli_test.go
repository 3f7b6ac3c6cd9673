package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = "../../testdata/wikipedia.pcap"

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestListTable(t *testing.T) {
	out, errs, code := run(t, "list", sample, "--limit", "11")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d lines, want header + 11", len(lines))
	}
	for _, w := range []string{"number", "time", "source", "destination", "protocol", "summary"} {
		if !strings.Contains(lines[0], w) {
			t.Errorf("header %q lacks %q", lines[0], w)
		}
	}
	// Frame 10 is the SYN+ACK of stream 1 (checked with tshark).
	want := "208.80.152.118      141.142.220.118     TCP       80 → 48649 Flags: ...A..S. Seq=0 Ack=1 Win=5792 Len=0 MSS=1460 SACK_PERM TSval=131323124 TSecr=1828788 WS=512"
	if !strings.Contains(lines[10], want) {
		t.Errorf("frame 10:\n got %q\nwant …%q", lines[10], want)
	}
}

func TestListFieldsCSVAndJSON(t *testing.T) {
	out, _, code := run(t, "list", sample, "--fields", "frame.number,ip.src,tcp.stream,tcp.seq,tcp.ack,tcp.flags,tcp.window_size", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "frame.number,ip.src,tcp.stream,tcp.seq,tcp.ack,tcp.flags,tcp.window_size" {
		t.Errorf("header %v", recs[0])
	}
	// tshark -T fields for frame 11: 11 141.142.220.118 1 1 1 0x0010 5888
	if got := strings.Join(recs[11], " "); got != "11 141.142.220.118 1 1 1 0x0010 5888" {
		t.Errorf("frame 11: %q", got)
	}
	out, _, code = run(t, "list", sample, "--fields", "frame.number,ip.addr,tcp.port", "--format", "json", "--limit", "6")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rows []map[string][]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if len(rows) != 6 || strings.Join(rows[5]["tcp.port"], ",") != "35634,80" || len(rows[5]["ip.addr"]) != 2 {
		t.Errorf("rows %v", rows)
	}
}

func TestListDefaultJSON(t *testing.T) {
	out, _, code := run(t, "list", sample, "--format", "json", "--time", "delta")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if rows[1]["time"] != "0.000477000" || rows[1]["protocol"] != "DNS" {
		t.Errorf("row 2: %v", rows[1])
	}
}

func TestShow(t *testing.T) {
	out, _, code := run(t, "show", sample, "11", "--hex")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"Transmission Control Protocol, Src Port: 48649, Dst Port: 80, Seq: 1, Ack: 1, Len: 0", "tcp.window_size_scalefactor", "Flags: 0x0010 (ACK)", "0000  00 13 7f be 8c ff"} {
		if !strings.Contains(out, w) {
			t.Errorf("show output lacks %q", w)
		}
	}
	out, _, code = run(t, "show", sample, "9-10", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var frames []struct {
		Frame int `json:"frame"`
		Tree  []struct {
			Field string `json:"field"`
		} `json:"tree"`
	}
	if err := json.Unmarshal([]byte(out), &frames); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if len(frames) != 2 || frames[0].Frame != 9 || frames[0].Tree[3].Field != "tcp" {
		t.Errorf("frames %+v", frames)
	}
	if _, errs, code := run(t, "show", sample, "x"); code != 2 || !strings.Contains(errs, "bad frame selection") {
		t.Errorf("bad selection: exit %d %q", code, errs)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("<!DOCTYPE html><html>"), 0o644)
	_, errs, code := run(t, "list", text)
	if code != 2 || !strings.Contains(errs, "not a capture file") || !strings.Contains(errs, "3c 21 44 4f") || strings.Count(errs, "\n") != 1 {
		t.Errorf("not a capture: exit %d %q", code, errs)
	}
	_, errs, code = run(t, "list", filepath.Join(dir, "missing.pcap"))
	if code != 2 || !strings.Contains(errs, "no such file") {
		t.Errorf("missing: exit %d %q", code, errs)
	}
	_, errs, code = run(t, "list", sample, "--fields", "tcp.prot")
	if code != 2 || !strings.Contains(errs, "tcp.port") {
		t.Errorf("unknown field: exit %d %q", code, errs)
	}
	_, _, code = run(t, "list", sample, "--format", "xml")
	if code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
}

func TestTruncated(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	os.WriteFile(cut, data[:3000], 0o644)
	out, errs, code := run(t, "list", cut, "--format", "csv")
	if code != 0 || !strings.Contains(errs, "warning") || !strings.Contains(errs, "byte 2727") {
		t.Errorf("truncated: exit %d %q", code, errs)
	}
	if n := strings.Count(out, "\n"); n != 14 {
		t.Errorf("%d lines, want header + 13 complete frames", n)
	}
	if _, _, code := run(t, "--strict", "list", cut); code != 1 {
		t.Errorf("--strict: exit %d, want 1", code)
	}
}

func TestFields(t *testing.T) {
	out, _, code := run(t, "fields", "tcp.flags.s", "--format", "csv")
	if code != 0 || !strings.Contains(out, "tcp.flags.syn,bool,Syn") {
		t.Errorf("exit %d %q", code, out)
	}
}
