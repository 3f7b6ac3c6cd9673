package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/internal/netlab"
)

// TestHTTPRealTraffic captures netlab's HTTP scenario (a real Go server answering 200, 304 to
// If-Modified-Since, 302 to a new connection, 404 and 503, over IPv4 and then IPv6) and checks what
// "wirelens http", "http --chains" and "diagnose" say about it: each operation's method, URI, status and
// frames, the redirect chain across two connections, 404 as a warning and 503 as an error; against
// goldens with times, client ports and frame numbers masked (they change from run to run), and against
// tshark where it is installed. It needs what package netlab needs and skips without it (NETLAB_REQUIRE=1
// makes that a failure).
func TestHTTPRealTraffic(t *testing.T) {
	netlab.SkipUnavailable(t)
	pcap := netlab.HTTPStatuses(t)
	ops := httpOps(t, pcap)

	type want struct {
		uri, status, location string
		chain                 bool
	}
	// What netlab.HTTPSteps gives on the wire, in order, for each family.
	steps := []want{
		{"/", "200", "", false},
		{"/", "304", "", false},
		{"/old", "302", "/new/", true},
		{"/new/", "200", "", true},
		{"/missing", "404", "", false},
		{"/busy", "503", "", false},
	}
	families := []struct{ name, client, server string }{
		{"IPv4", netlab.ClientIP, netlab.ServerIP},
		{"IPv6", "[" + netlab.ClientIP6 + "]", "[" + netlab.ServerIP6 + "]"},
	}
	if len(ops) != len(steps)*len(families) {
		t.Fatalf("%d operations, want %d:\n%+v", len(ops), len(steps)*len(families), ops)
	}
	// respFrames[family][status] is the response frame of that status.
	respFrames := make([]map[string][]string, len(families))
	for fi, fam := range families {
		respFrames[fi] = map[string][]string{}
		server := fam.server + ":" + strconv.Itoa(netlab.HTTPPort)
		for si, s := range steps {
			op := ops[fi*len(steps)+si]
			where := fam.name + " " + s.uri + " " + s.status
			if !strings.HasPrefix(op.Client, fam.client+":") || op.Server != server || op.Host != server {
				t.Errorf("%s: client %s, server %s, host %s; want %s:port, %s", where, op.Client, op.Server, op.Host, fam.client, server)
			}
			if op.Method != "GET" || op.URI != s.uri || op.Status != s.status || op.Location != s.location || op.Notes != "" {
				t.Errorf("%s: got %+v", where, op)
			}
			if op.Request == "" || op.Response == "" || atoi(op.Request) >= atoi(op.Response) {
				t.Errorf("%s: request frame %q, response frame %q", where, op.Request, op.Response)
			}
			if (op.Chain != "") != s.chain {
				t.Errorf("%s: chain %q", where, op.Chain)
			}
			respFrames[fi][s.status] = append(respFrames[fi][s.status], op.Response)
		}
		// 200 and 304 share the first connection with the 302, /new/ is on a new one with 404 and 503.
		o := ops[fi*len(steps) : (fi+1)*len(steps)]
		if o[0].Stream != o[1].Stream || o[1].Stream != o[2].Stream || o[2].Stream == o[3].Stream ||
			o[3].Stream != o[4].Stream || o[4].Stream != o[5].Stream || o[0].Client != o[2].Client || o[2].Client == o[3].Client {
			t.Errorf("%s: connections: streams %s %s %s %s %s %s, clients %s %s", fam.name, o[0].Stream, o[1].Stream,
				o[2].Stream, o[3].Stream, o[4].Stream, o[5].Stream, o[2].Client, o[3].Client)
		}
		if o[2].Chain == "" || o[2].Chain != o[3].Chain {
			t.Errorf("%s: the 302 is in chain %q, GET /new/ in chain %q", fam.name, o[2].Chain, o[3].Chain)
		}
		if o[1].Body != "0" {
			t.Errorf("%s: the 304 has a body of %s bytes", fam.name, o[1].Body)
		}
	}
	if ops[2].Chain == ops[len(steps)+2].Chain {
		t.Errorf("the IPv4 and the IPv6 redirect are both chain %s", ops[2].Chain)
	}

	t.Run("chains", func(t *testing.T) {
		out, errs, code := run(t, "http", pcap, "--chains", "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var chains []map[string]string
		if err := json.Unmarshal([]byte(out), &chains); err != nil {
			t.Fatal(err)
		}
		if len(chains) != 2 {
			t.Fatalf("%d chains, want 2:\n%s", len(chains), out)
		}
		for i, c := range chains {
			op := ops[i*len(steps)+2]
			if c["chain"] != op.Chain || c["first_frame"] != op.Request || c["client"] != op.Client || c["steps"] != "2" ||
				c["final_status"] != "200" || c["outcome"] != "ok" || c["path"] != "GET /old → 302 → GET /new/ → 200" {
				t.Errorf("%s chain: %v", families[i].name, c)
			}
		}
	})

	t.Run("diagnose", func(t *testing.T) {
		out, errs, code := run(t, "diagnose", pcap, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var d analysis.Diagnosis
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		frames := func(status string) string {
			return respFrames[0][status][0] + "," + respFrames[1][status][0]
		}
		join := func(fs []uint32) string {
			var s []string
			for _, f := range fs {
				s = append(s, strconv.FormatUint(uint64(f), 10))
			}
			return strings.Join(s, ",")
		}
		if len(d.Findings) != 2 {
			t.Fatalf("%d findings, want the 503 and the 404:\n%s", len(d.Findings), out)
		}
		for i, w := range []struct{ severity, status, title string }{
			{"error", "503", "HTTP 503 Service Unavailable"},
			{"warning", "404", "HTTP 404 Not Found"},
		} {
			f := d.Findings[i]
			if f.Severity != w.severity || f.Category != "http" || !strings.HasPrefix(f.Title, w.title) ||
				join(f.Frames) != frames(w.status) || f.Filter != "http.response.code == "+w.status {
				t.Errorf("finding %d: %+v; want %s %s in frames %s", i, f, w.severity, w.title, frames(w.status))
			}
		}
		// The frames carry the diagnostics too.
		out, _, _ = run(t, "list", pcap, "-f", "http.response.code >= 400", "--fields", "frame.number,diag.severity", "--format", "csv")
		wantList := "frame.number,diag.severity\n" + respFrames[0]["404"][0] + ",warning\n" + respFrames[0]["503"][0] + ",error\n" +
			respFrames[1]["404"][0] + ",warning\n" + respFrames[1]["503"][0] + ",error\n"
		if out != wantList {
			t.Errorf("list of the 4xx and 5xx responses:\n%s\nwant\n%s", out, wantList)
		}
	})

	t.Run("golden", func(t *testing.T) {
		mask := realTrafficMask(t, pcap)
		dir := filepath.Join("testdata", "golden", "http")
		checkGolden(t, filepath.Join(dir, "realtraffic.http"), []string{"http", pcap}, mask)
		checkGolden(t, filepath.Join(dir, "realtraffic.http-chains"), []string{"http", pcap, "--chains"}, mask)
		checkGolden(t, filepath.Join(dir, "realtraffic.diagnose"), []string{"diagnose", pcap}, mask)
	})

	t.Run("tshark", func(t *testing.T) {
		n := compareWithTshark(t, pcap, ops)
		t.Logf("%d operations agree with tshark", n)
	})
}

// realTrafficMask returns the mask of the real-traffic goldens: the capture's path becomes FILE, times
// T, the client's ports PORT, and the frame numbers of the HTTP messages (in the columns and lists that
// hold frames) hN, the Nth HTTP message of the capture, so that an extra ACK or a FIN sent in another
// order does not change the golden while a wrong pairing does.
func realTrafficMask(t *testing.T, pcap string) func(string) string {
	t.Helper()
	out, errs, code := run(t, "list", pcap, "-f", "http", "--fields", "frame.number", "--format", "csv")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errs)
	}
	label := map[string]string{}
	for i, f := range strings.Fields(out)[1:] {
		label[f] = "h" + strconv.Itoa(i+1)
	}
	frame := func(s string) string {
		if l, ok := label[s]; ok {
			return l
		}
		return "frame?" + s // not an HTTP message: the golden shows it
	}
	var (
		reTime   = regexp.MustCompile(`\b\d+\.\d{9}\b`)
		rePort   = regexp.MustCompile(`(` + regexp.QuoteMeta(netlab.ClientIP) + `|\[` + regexp.QuoteMeta(netlab.ClientIP6) + `\]):(\d+)`)
		reFrames = regexp.MustCompile(`\b\d+ frames\b`)                               // diagnose's summary
		reOp     = regexp.MustCompile(`(?m)^ *(\d+) +(\d+) `)                         // http: request and response frames
		reChain  = regexp.MustCompile(`(?m)^ *(\d+) +(\d+) `)                         // http --chains: chain, first_frame
		reList   = regexp.MustCompile(`\(frames? (\d+(?:, \d+)*)\)|in frame (\d+)\b`) // diagnose
	)
	return func(s string) string {
		s = strings.ReplaceAll(s, pcap, "FILE")
		// Same widths, so that the table's columns stay aligned.
		s = reTime.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat(" ", len(m)-1) + "T" })
		s = rePort.ReplaceAllStringFunc(s, func(m string) string {
			g := rePort.FindStringSubmatch(m)
			return g[1] + ":PORT" + strings.Repeat(" ", max(0, len(g[2])-4))
		})
		s = reFrames.ReplaceAllString(s, "N frames")
		switch {
		case strings.HasPrefix(s, "request "):
			return reOp.ReplaceAllStringFunc(s, func(m string) string {
				g := reOp.FindStringSubmatch(m)
				return fmt.Sprintf("%7s  %8s ", frame(g[1]), frame(g[2]))
			})
		case strings.HasPrefix(s, "chain "):
			return reChain.ReplaceAllStringFunc(s, func(m string) string {
				g := reChain.FindStringSubmatch(m)
				return fmt.Sprintf("%5s  %11s ", g[1], frame(g[2]))
			})
		}
		return reList.ReplaceAllStringFunc(s, func(m string) string {
			var parts []string
			for _, f := range regexp.MustCompile(`\d+`).FindAllString(m, -1) {
				parts = append(parts, frame(f))
			}
			if strings.HasPrefix(m, "in frame") {
				return "in frame " + parts[0]
			}
			if len(parts) == 1 {
				return "(frame " + parts[0] + ")"
			}
			return "(frames " + strings.Join(parts, ", ") + ")"
		})
	}
}
