package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/internal/netlab"
)

// TestDiagnoseRealTraffic captures real connections between two network namespaces (package netlab) and
// checks what "wirelens diagnose" says about them. It needs root and iproute2, iptables, nftables, ethtool
// and tcpdump (installed by .ci/run); elsewhere it skips, unless NETLAB_REQUIRE=1 makes that a failure.
func TestDiagnoseRealTraffic(t *testing.T) {
	netlab.SkipUnavailable(t)
	diagnose := func(t *testing.T, pcap string) analysis.Diagnosis {
		out, errs, code := run(t, "diagnose", pcap, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var d analysis.Diagnosis
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	t.Run("unanswered", func(t *testing.T) {
		t.Parallel()
		pcap := netlab.Unanswered(t)
		d := diagnose(t, pcap)
		if len(d.Findings) != 1 || d.Findings[0].Category != "failed-connection" || !strings.HasSuffix(d.Findings[0].Title, "never answered") ||
			!strings.Contains(d.Findings[0].Detail, "3 SYNs (2 retransmissions)") || len(d.Findings[0].Frames) != 3 {
			t.Fatalf("diagnosis %+v", d)
		}
		// The list names the retransmissions and, read twice, the first SYN's fate.
		out, _, _ := run(t, "list", "-2", pcap, "--format", "csv")
		f := d.Findings[0].Frames
		for _, want := range []string{
			",warning,No acknowledgement received for this SYN",
			",warning,Retransmission of frame " + itoa(f[0]),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("list -2 lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		d := diagnose(t, netlab.Refused(t))
		if len(d.Findings) != 1 || !strings.HasSuffix(d.Findings[0].Title, "refused") || !strings.Contains(d.Findings[0].Detail, "nothing listens on port") {
			t.Fatalf("diagnosis %+v", d)
		}
	})
	t.Run("normal", func(t *testing.T) {
		t.Parallel()
		d := diagnose(t, netlab.Normal(t))
		if len(d.Findings) != 0 || !strings.HasPrefix(d.Summary, "No problems found") {
			t.Fatalf("diagnosis %+v", d)
		}
	})
	t.Run("lossy", func(t *testing.T) {
		t.Parallel()
		d := diagnose(t, netlab.Lossy(t))
		var loss *analysis.Finding
		for i := range d.Findings {
			if d.Findings[i].Category == "loss" {
				loss = &d.Findings[i]
			}
		}
		if loss == nil || !strings.Contains(loss.Detail, "retransmission") || !strings.Contains(loss.Detail, "%") {
			t.Fatalf("diagnosis %+v", d)
		}
	})
	t.Run("client reset", func(t *testing.T) {
		t.Parallel()
		d := diagnose(t, netlab.ClientReset(t))
		if len(d.Findings) == 0 || d.Findings[0].Category != "reset" || !strings.Contains(d.Findings[0].Title, "reset by the client") {
			t.Fatalf("diagnosis %+v", d)
		}
	})
	t.Run("server reset", func(t *testing.T) {
		t.Parallel()
		d := diagnose(t, netlab.ServerReset(t))
		if len(d.Findings) == 0 || d.Findings[0].Category != "reset" || !strings.Contains(d.Findings[0].Title, "reset by the server") {
			t.Fatalf("diagnosis %+v", d)
		}
	})
}

func itoa(n uint32) string { return string(appendInt(nil, int(n))) }
