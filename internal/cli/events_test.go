package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const amsiETL = "../../../shared/captures/windows/etl/nopackets-etlparser-AMSITrace.etl"

// TestListAllEvents: an ETL trace without packets lists nothing by default and says how to see its
// events; with --all-events its 21 events are messages (provider, id, time, summary) that -f selects by
// their etw.* fields, with the process column in every format.
func TestListAllEvents(t *testing.T) {
	if _, err := os.Stat(amsiETL); err != nil {
		t.Skip(err)
	}
	out, errs, code := run(t, "list", amsiETL)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(errs, "holds no packet events") || !strings.Contains(errs, "--all-events") {
		t.Fatalf("without --all-events: exit %d, %q, %q", code, out, errs)
	}
	out, errs, code = run(t, "list", amsiETL, "--all-events")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != 22 {
		t.Fatalf("exit %d, %d lines: %s %s", code, len(lines), out, errs)
	}
	if h := strings.Fields(lines[0]); strings.Join(h, " ") != "number time source destination protocol process summary" {
		t.Errorf("header %q", lines[0])
	}
	if !strings.Contains(lines[1], "ETW system records (logfile header, rundown) hook 0x0000 (logfile header)") ||
		!strings.Contains(lines[3], "{8e805eb3-6a8f-4a1e-90fa-a831d94e54a1} event 0, opcode 0, PID 29868") || !strings.Contains(lines[3], " 29868 ") {
		t.Errorf("rows:\n%s", out)
	}
	out, _, code = run(t, "list", amsiETL, "--all-events", "-f", `etw.provider == "8e805eb3-6a8f-4a1e-90fa-a831d94e54a1" && etw.user_data_len > 0`,
		"--fields", "frame.number,etw.id,frame.process_id", "--format", "csv")
	if rows := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(rows) != 20 || rows[0] != "frame.number,etw.id,frame.process_id" || rows[1] != "3,0,29868" {
		t.Errorf("filtered: exit %d\n%s", code, out)
	}
	out, _, _ = run(t, "list", amsiETL, "--all-events", "--format", "json", "--limit", "3")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 3 || rows[2]["process"] != "29868" || rows[2]["protocol"] != "ETW" {
		t.Errorf("json %v: %s", err, out)
	}
	out, _, code = run(t, "show", amsiETL, "3", "--all-events")
	if code != 0 || !strings.Contains(out, "Event Tracing for Windows: {8e805eb3-6a8f-4a1e-90fa-a831d94e54a1} event 0") ||
		!strings.Contains(out, "User data length: 1568") || !strings.Contains(out, "Process ID: 29868 [as the trace records it: a hint") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
}

// TestListPcapHasNoProcessColumn: the process column belongs to the Windows formats only.
func TestListPcapHasNoProcessColumn(t *testing.T) {
	out, _, code := run(t, "list", pktmonETL, "--format", "csv", "--limit", "1")
	if code != 0 || !strings.HasPrefix(out, "number,time,source,destination,protocol,process,summary,severity,diagnostic\n") {
		t.Errorf("ETL csv header: %q", out)
	}
	conv := t.TempDir() + "/p.pcapng"
	if _, errs, code := run(t, "convert", pktmonETL, conv); code != 0 {
		t.Fatal(errs)
	}
	out, _, _ = run(t, "list", conv, "--format", "csv", "--limit", "1")
	if !strings.HasPrefix(out, "number,time,source,destination,protocol,summary,severity,diagnostic\n") {
		t.Errorf("pcapng csv header: %q", out)
	}
}
