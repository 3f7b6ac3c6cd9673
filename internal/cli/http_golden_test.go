package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// httpCaptures are the shared captures with real 302 and 304 traffic (PcapPlusPlus test files, see
// testdata/README.md), copied into testdata/http.
var httpCaptures = []string{"650HttpResponses", "example2"}

// TestHTTPGolden runs "wirelens http" (table and JSON) and "wirelens http --chains" on the HTTP test
// captures and compares the output with testdata/golden/http (refresh with go test ./internal/cli
// -run HTTPGolden -update, then read the diff and check it against tshark: TestHTTPAgainstTshark).
func TestHTTPGolden(t *testing.T) {
	for _, name := range httpCaptures {
		f := filepath.Join("..", "..", "testdata", "http", name+".pcap")
		for _, cmd := range [][]string{
			{"http", f},
			{"http", f, "--format", "json"},
			{"http", f, "--chains"},
		} {
			suffix := "http"
			switch {
			case slices.Contains(cmd, "json"):
				suffix += "-json"
			case slices.Contains(cmd, "--chains"):
				suffix += "-chains"
			}
			checkGolden(t, filepath.Join("testdata", "golden", "http", name+"."+suffix), cmd, unansweredInFrameOrder(httpOps(t, f)))
		}
	}
}

// unansweredInFrameOrder returns a mask for the output of "wirelens http" (table or JSON) that sorts the
// rows at its end of the requests left without a response, by request frame. Those rows are written when
// the trace ends, in an order that changes from run to run (TestHTTPOperationsDeterministic shows it);
// everything else is compared as it is.
func unansweredInFrameOrder(ops []httpOp) func(string) string {
	unanswered := map[string]bool{}
	for _, op := range ops {
		if op.Response == "" && op.Request != "" {
			unanswered[op.Request] = true
		}
	}
	reqJSON := regexp.MustCompile(`^\{"request":"(\d*)"`)
	request := func(line string) string {
		if m := reqJSON.FindStringSubmatch(line); m != nil {
			return m[1]
		}
		if f := strings.Fields(line); len(f) > 0 {
			return f[0]
		}
		return ""
	}
	return func(out string) string {
		lines := strings.SplitAfter(out, "\n")
		end := len(lines)
		for end > 0 && (lines[end-1] == "" || lines[end-1] == "]\n") {
			end--
		}
		start := end
		for start > 1 && unanswered[request(lines[start-1])] {
			start--
		}
		tail := lines[start:end]
		// In JSON every row but the last ends in a comma.
		comma := len(tail) > 0 && strings.HasPrefix(tail[0], "{")
		for i := range tail {
			if comma {
				tail[i] = strings.TrimSuffix(strings.TrimSuffix(tail[i], "\n"), ",")
			}
		}
		slices.SortStableFunc(tail, func(a, b string) int {
			return atoi(request(a)) - atoi(request(b))
		})
		for i := range tail {
			if comma {
				if i < len(tail)-1 {
					tail[i] += ","
				}
				tail[i] += "\n"
			}
		}
		return strings.Join(lines, "")
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestHTTPOperationsDeterministic runs "wirelens http" on a capture with requests never answered several
// times: the output must not change from run to run.
func TestHTTPOperationsDeterministic(t *testing.T) {
	f := filepath.Join("..", "..", "testdata", "http", "example2.pcap")
	first, _, _ := run(t, "http", f)
	for range 20 {
		if out, _, _ := run(t, "http", f); out != first {
			t.Fatalf("the output of wirelens http changes between runs:\n%s", firstDiff(out, first))
		}
	}
}

// checkGolden runs cmd, applies mask to its output (if not nil) and compares the result with the golden
// file, or rewrites the file under -update.
func checkGolden(t *testing.T, golden string, cmd []string, mask func(string) string) {
	t.Helper()
	out, errs, code := run(t, cmd...)
	if code != 0 {
		t.Errorf("%v: exit %d: %s", cmd, code, errs)
		return
	}
	if mask != nil {
		out = mask(out)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update)", err)
	}
	if out != string(want) {
		t.Errorf("%v differs from %s:\n%s", cmd, golden, firstDiff(out, string(want)))
	}
}

// httpOp is one row of "wirelens http --format json".
type httpOp struct {
	Request      string `json:"request"`
	Response     string `json:"response"`
	Time         string `json:"time"`
	Stream       string `json:"stream"`
	Client       string `json:"client"`
	Server       string `json:"server"`
	Method       string `json:"method"`
	Host         string `json:"host"`
	URI          string `json:"uri"`
	Status       string `json:"status"`
	Phrase       string `json:"phrase"`
	ResponseTime string `json:"response_time"`
	Body         string `json:"body"`
	ServerHeader string `json:"server_header"`
	Location     string `json:"location"`
	ContentType  string `json:"content_type"`
	Chain        string `json:"chain"`
	Notes        string `json:"notes"`
}

// httpOps runs "wirelens http --format json" on pcap.
func httpOps(t *testing.T, pcap string) []httpOp {
	t.Helper()
	out, errs, code := run(t, "http", pcap, "--format", "json")
	if code != 0 {
		t.Fatalf("http %s: exit %d: %s", pcap, code, errs)
	}
	var ops []httpOp
	if err := json.Unmarshal([]byte(out), &ops); err != nil {
		t.Fatalf("http %s --format json: %v", pcap, err)
	}
	return ops
}

// tsharkHTTP is what tshark says of one frame's HTTP messages; a frame may complete several (pipelined
// requests, several responses in one segment), so each field holds every value in order.
type tsharkHTTP struct {
	Method, URI, Code, RequestIn, Location, Server, ContentType, Time, ContentLength []string
}

// tsharkAggregator separates the values of one field in tshark's output: URIs hold commas.
const tsharkAggregator = "\x1f"

// readTsharkHTTP runs tshark -Y http on pcap and returns its HTTP fields by frame number; it skips the
// test when tshark is not installed.
func readTsharkHTTP(t *testing.T, pcap string) map[string]tsharkHTTP {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed")
	}
	cmd := exec.Command(tshark, "-n", "-r", pcap, "-Y", "http", "-T", "fields", "-E", "separator=/t",
		"-E", "aggregator="+tsharkAggregator, "-e", "frame.number", "-e", "http.request.method",
		"-e", "http.request.uri", "-e", "http.response.code", "-e", "http.request_in", "-e", "http.location",
		"-e", "http.server", "-e", "http.content_type", "-e", "http.time", "-e", "http.content_length")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark: %v: %s", err, stderr.Bytes())
	}
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, tsharkAggregator)
	}
	rows := map[string]tsharkHTTP{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 10 {
			t.Fatalf("tshark line %q: %d fields, want 10", sc.Text(), len(f))
		}
		rows[f[0]] = tsharkHTTP{split(f[1]), split(f[2]), split(f[3]), split(f[4]), split(f[5]), split(f[6]),
			split(f[7]), split(f[8]), split(f[9])}
	}
	if len(rows) == 0 {
		t.Fatalf("tshark found no HTTP in %s", pcap)
	}
	return rows
}

var reTsharkPairs = regexp.MustCompile(`tshark pairs the response with (no request|frame (\d+))`)

// compareWithTshark checks the operations of "wirelens http" against tshark 4.0's HTTP fields: every
// request tshark sees is the request of one operation with the same method and URI, every response the
// response of one operation with the same status and Location, and tshark's http.request_in of the
// response is the operation's request frame, or the frame the operation's note names where wirelens
// says tshark pairs differently (and where they agree, the response time is tshark's http.time); the
// Server and Content-Type headers and, where the frame holds one response with a Content-Length, the body
// size agree too. A response the operations recovered from retransmitted or out-of-order segments (its
// note says tshark does not show it) must be absent from tshark's frame. It returns the number of
// operations checked.
func compareWithTshark(t *testing.T, pcap string, ops []httpOp) int {
	t.Helper()
	ts := readTsharkHTTP(t, pcap)
	reqs, resps := map[string]int{}, map[string]int{}
	recovered := 0
	for _, op := range ops {
		if op.Request != "" {
			reqs[op.Request]++
			r := ts[op.Request]
			if !slices.Contains(r.Method, op.Method) || !slices.Contains(r.URI, op.URI) {
				t.Errorf("%s: request frame %s: wirelens %s %s, tshark %v %v", pcap, op.Request, op.Method, op.URI, r.Method, r.URI)
			}
		}
		if op.Response == "" {
			continue
		}
		r := ts[op.Response]
		if strings.Contains(op.Notes, "tshark does not show this response") {
			// Recovered from retransmitted or out-of-order segments: tshark must indeed show no
			// response in that frame.
			if len(r.Code) != 0 {
				t.Errorf("%s: response frame %s: wirelens says tshark shows no response there, tshark shows %v", pcap, op.Response, r.Code)
			}
			recovered++
			continue
		}
		resps[op.Response]++
		if !slices.Contains(r.Code, op.Status) {
			t.Errorf("%s: response frame %s: wirelens status %s, tshark %v", pcap, op.Response, op.Status, r.Code)
		}
		if op.Location != "" && !slices.Contains(r.Location, op.Location) {
			t.Errorf("%s: response frame %s: wirelens Location %q, tshark %q", pcap, op.Response, op.Location, r.Location)
		}
		if op.ServerHeader != "" && !slices.Contains(r.Server, op.ServerHeader) || op.ServerHeader == "" && len(r.Server) == len(r.Code) {
			t.Errorf("%s: response frame %s: wirelens Server %q, tshark %q", pcap, op.Response, op.ServerHeader, r.Server)
		}
		if op.ContentType != "" && !slices.Contains(r.ContentType, op.ContentType) || op.ContentType == "" && len(r.ContentType) == len(r.Code) {
			t.Errorf("%s: response frame %s: wirelens Content-Type %q, tshark %q", pcap, op.Response, op.ContentType, r.ContentType)
		}
		// One response in the frame with a Content-Length and a body: its size is the body's.
		if len(r.Code) == 1 && len(r.ContentLength) == 1 && op.Method != "HEAD" && op.Status != "304" && op.Status != "204" &&
			op.Body != r.ContentLength[0] {
			t.Errorf("%s: response frame %s: wirelens body %s bytes, tshark Content-Length %s", pcap, op.Response, op.Body, r.ContentLength[0])
		}
		want := op.Request
		if m := reTsharkPairs.FindStringSubmatch(op.Notes); m != nil {
			want = m[2]
		}
		if want == "" && len(r.RequestIn) != 0 || want != "" && !slices.Contains(r.RequestIn, want) {
			t.Errorf("%s: response frame %s: wirelens says tshark's http.request_in is %q, tshark says %v (notes %q)",
				pcap, op.Response, want, r.RequestIn, op.Notes)
		}
		// Where both pair the response with the same request, the response time is tshark's http.time.
		if want == op.Request && op.Request != "" && !slices.Contains(r.Time, op.ResponseTime) {
			t.Errorf("%s: response frame %s: wirelens response time %s, tshark http.time %v", pcap, op.Response, op.ResponseTime, r.Time)
		}
	}
	for frame, r := range ts {
		if len(r.Method) != reqs[frame] {
			t.Errorf("%s: frame %s: tshark sees %d requests %v, wirelens %d operations with it as request", pcap, frame, len(r.Method), r.URI, reqs[frame])
		}
		if len(r.Code) != resps[frame] {
			t.Errorf("%s: frame %s: tshark sees %d responses %v, wirelens %d operations with it as response", pcap, frame, len(r.Code), r.Code, resps[frame])
		}
	}
	for frame, n := range reqs {
		if _, ok := ts[frame]; !ok {
			t.Errorf("%s: frame %s: wirelens has %d requests there, tshark no HTTP", pcap, frame, n)
		}
	}
	for frame, n := range resps {
		if _, ok := ts[frame]; !ok {
			t.Errorf("%s: frame %s: wirelens has %d responses there, tshark no HTTP", pcap, frame, n)
		}
	}
	if recovered > 0 {
		t.Logf("%s: %d responses recovered that tshark does not show", pcap, recovered)
	}
	return len(ops)
}

// TestHTTPAgainstTshark cross-checks the operations of the golden captures with tshark (skipped when
// tshark is not installed).
func TestHTTPAgainstTshark(t *testing.T) {
	for _, name := range httpCaptures {
		f := filepath.Join("..", "..", "testdata", "http", name+".pcap")
		ops := httpOps(t, f)
		n := compareWithTshark(t, f, ops)
		t.Logf("%s: %d operations agree with tshark", name, n)
	}
}

// TestHTTPDiagnosticText checks the words of the HTTP diagnostics of frames: the status code is in them.
func TestHTTPDiagnosticText(t *testing.T) {
	for _, c := range []struct{ file, frame, want string }{
		{"650HttpResponses", "13", "\"Previous segment not captured,HTTP response with no request,HTTP client error 404\"\n"},
		{"example2", "232", "HTTP redirect 301 (request in frame 229)\n"},
	} {
		f := filepath.Join("..", "..", "testdata", "http", c.file+".pcap")
		out, errs, code := run(t, "list", f, "-f", "frame.number == "+c.frame, "--fields", "diag.message", "--format", "csv")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if want := "diag.message\n" + c.want; out != want {
			t.Errorf("%s frame %s: %q, want %q", c.file, c.frame, out, want)
		}
	}
}
