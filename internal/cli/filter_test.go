package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestListFilter(t *testing.T) {
	// tshark -r wikipedia.pcap -Y 'tcp.flags.syn == 1 and tcp.flags.ack == 0' selects 9 22 23 30 37 38 45 50.
	for _, flag := range []string{"-f", "--filter", "-Y"} {
		out, errs, code := run(t, "list", sample, flag, "tcp.flags.syn == 1 and tcp.flags.ack == 0", "--fields", "frame.number", "--format", "csv")
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d, stderr %q", flag, code, errs)
		}
		if got := strings.Join(strings.Fields(out), " "); got != "frame.number 9 22 23 30 37 38 45 50" {
			t.Errorf("%s: %q", flag, got)
		}
	}
	// --limit counts the frames shown, not the frames read.
	out, _, _ := run(t, "list", sample, "-f", "dns", "--fields", "frame.number", "--format", "csv", "--limit", "2")
	if got := strings.Join(strings.Fields(out), " "); got != "frame.number 16 17" {
		t.Errorf("dns --limit 2: %q", got)
	}
}

func TestListBadFilter(t *testing.T) {
	out, errs, code := run(t, "list", sample, "-f", "tcp.prt == 1")
	if code != ExitError || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	want := "wirelens: bad filter: tcp.prt is neither a field nor a protocol name."
	if !strings.HasPrefix(errs, want) || !strings.HasSuffix(errs, "\n    tcp.prt == 1\n    ^~~~~~~\n") {
		t.Errorf("stderr %q", errs)
	}
	if _, errs, code := run(t, "list", sample, "-f", "tcp", "-Y", "udp"); code != ExitError || !strings.Contains(errs, "once") {
		t.Errorf("-f and -Y: exit %d, %q", code, errs)
	}
}

func TestFilterCheck(t *testing.T) {
	out, errs, code := run(t, "filter", "check", "TCP.port==64665 or", "tcp.port==64669")
	if code != ExitError || !strings.Contains(errs, "TCP.port is neither a field nor a protocol name") {
		t.Errorf("upper-case field: exit %d, %q", code, errs)
	}
	out, errs, code = run(t, "filter", "check", "ip.addr == 10.0.0.0/8 && !TCP")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if want := "filter: ip.addr == 10.0.0.0/8 and not tcp\nfields: ip.addr tcp\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}

	out, _, code = run(t, "filter", "check", "--format", "json", "tcp.port in {80, 443}")
	var ok filterCheckResult
	if code != 0 || json.Unmarshal([]byte(out), &ok) != nil || ok.Normalized != "tcp.port in {80, 443}" || len(ok.Fields) != 1 || ok.Error != nil {
		t.Errorf("json ok: exit %d, %s", code, out)
	}

	out, _, code = run(t, "filter", "check", "--format", "json", `tcp.port == "abc"`)
	var bad filterCheckResult
	if code != ExitError || json.Unmarshal([]byte(out), &bad) != nil || bad.Error == nil {
		t.Fatalf("json error: exit %d, %s", code, out)
	}
	if e := bad.Error; e.Kind != "type" || e.Pos != 12 || e.Len != 5 || !strings.HasPrefix(e.Message, "Unsigned integer (2 bytes) cannot be converted") {
		t.Errorf("json error: %+v", e)
	}
}
