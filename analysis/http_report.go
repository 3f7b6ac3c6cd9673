package analysis

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// HTTPReport gathers what diagnose says about HTTP while the trace is read, in bounded memory: the
// operations are seen one at a time (Add) and only counts, a few examples and the operations that take
// part in redirects are kept.
type HTTPReport struct {
	Operations int
	byStatus   map[int]*httpStatusGroup
	noResp     []uint32
	noRespN    int
	noReq      []uint32
	noReqN     int
	slowest    []HTTPOperation // the slowest operations, slowest first
	redirect   []HTTPOperation // operations that redirect, or follow a redirect (capped)
	targets    map[string]bool // client + URL of redirect targets not yet requested
	CutShort   int             // messages the trace ended inside of
	Slow       int64           // response time above which an operation counts as slow (ns)
	slowN      int
}

type httpStatusGroup struct {
	status  int
	phrase  string
	n       int
	frames  []uint32
	urls    map[string]int
	servers map[string]bool
}

const (
	httpReportFrames   = 64
	httpReportSlowest  = 5
	httpReportRedirect = 4096
	httpReportURLs     = 3
)

// NewHTTPReport returns an empty report; slow is the "slow response" threshold in ns.
func NewHTTPReport(slow int64) *HTTPReport {
	return &HTTPReport{byStatus: map[int]*httpStatusGroup{}, targets: map[string]bool{}, Slow: slow}
}

// Wants reports whether Add reads the request strings of op (its client and server, host, URI …), given
// everything else about it (HTTPStreams.Wants): for an error, a response among the slowest so far, and
// while redirects are followed. The strings of the many other operations are never made.
func (r *HTTPReport) Wants(op *HTTPOperation) bool {
	if op.RespFrame != 0 && op.Status >= 400 {
		return true
	}
	if rt := op.ResponseTime(); rt >= 0 && (len(r.slowest) < httpReportSlowest || rt > r.slowest[len(r.slowest)-1].ResponseTime()) {
		return true
	}
	return len(r.redirect) < httpReportRedirect && (op.ReqFrame != 0 && len(r.targets) > 0 ||
		op.Status >= 300 && op.Status < 400 && op.Location != "")
}

// Add counts one finished operation.
func (r *HTTPReport) Add(op *HTTPOperation) {
	r.Operations++
	switch {
	case op.RespFrame == 0:
		r.noRespN++
		if len(r.noResp) < httpReportFrames {
			r.noResp = append(r.noResp, op.ReqFrame)
		}
	case op.ReqFrame == 0:
		r.noReqN++
		if len(r.noReq) < httpReportFrames {
			r.noReq = append(r.noReq, op.RespFrame)
		}
	}
	if op.RespFrame != 0 && op.Status >= 400 {
		g := r.byStatus[op.Status]
		if g == nil {
			g = &httpStatusGroup{status: op.Status, phrase: op.Phrase, urls: map[string]int{}, servers: map[string]bool{}}
			r.byStatus[op.Status] = g
		}
		g.n++
		if len(g.frames) < httpReportFrames {
			g.frames = append(g.frames, op.RespFrame)
		}
		if u := op.URL(); u != "" && (len(g.urls) < httpReportURLs || g.urls[u] > 0) {
			g.urls[u]++
		}
		if len(g.servers) < 8 {
			g.servers[serverAddr(op.Server)] = true
		}
	}
	if rt := op.ResponseTime(); rt >= 0 {
		if rt > r.Slow {
			r.slowN++
		}
		if len(r.slowest) < httpReportSlowest || rt > r.slowest[len(r.slowest)-1].ResponseTime() {
			r.slowest = append(r.slowest, *op)
			sort.SliceStable(r.slowest, func(i, j int) bool { return r.slowest[i].ResponseTime() > r.slowest[j].ResponseTime() })
			if len(r.slowest) > httpReportSlowest {
				r.slowest = r.slowest[:httpReportSlowest]
			}
		}
	}
	// Redirects: keep the operations that redirect and those that request a pending target.
	if len(r.redirect) < httpReportRedirect {
		isTarget := false
		if op.ReqFrame != 0 && len(r.targets) > 0 {
			// Only while a redirect's target is awaited is the request's key made (two strings).
			k := clientHost(op.Client) + " " + op.URL()
			if isTarget = r.targets[k]; isTarget {
				delete(r.targets, k)
			}
		}
		redirects := op.Status >= 300 && op.Status < 400 && op.Location != ""
		if redirects {
			r.targets[clientHost(op.Client)+" "+absoluteURL(op, op.Location)] = true
		}
		if isTarget || redirects {
			r.redirect = append(r.redirect, *op)
		}
	}
}

func serverAddr(s string) string {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.String()
	}
	return s
}

// httpFindings turns the report into diagnose findings: errors by status (5xx errors, 4xx warnings),
// requests without a response, responses without a request, slow responses, messages cut short, and
// redirect chains that end in an error, without an answer or in a loop.
func httpFindings(r *HTTPReport) []Finding {
	var out []Finding
	codes := make([]int, 0, len(r.byStatus))
	for c := range r.byStatus {
		codes = append(codes, c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(codes)))
	for _, c := range codes {
		g := r.byStatus[c]
		sev, rank := "warning", 3
		if c >= 500 {
			sev, rank = "error", 1
		}
		urls := make([]string, 0, len(g.urls))
		for u := range g.urls {
			urls = append(urls, u)
		}
		sort.Strings(urls)
		servers := make([]string, 0, len(g.servers))
		for s := range g.servers {
			servers = append(servers, s)
		}
		sort.Strings(servers)
		out = append(out, Finding{
			Severity: sev, Category: "http", rank: rank,
			Title:  fmt.Sprintf("HTTP %d %s: %d response%s", c, g.phrase, g.n, plural(g.n)),
			Detail: httpGroupDetail(servers, urls, g),
			Frames: first(g.frames), Filter: "http.response.code == " + strconv.Itoa(c),
		})
	}
	if r.noRespN > 0 {
		out = append(out, Finding{
			Severity: "warning", Category: "http", rank: 3,
			Title:  fmt.Sprintf("%d HTTP request%s without a response", r.noRespN, plural(r.noRespN)),
			Detail: "the trace holds no complete response to these requests (" + framesWord(r.noRespN) + " " + frameListTotal(r.noResp, r.noRespN) + ")",
			Frames: first(r.noResp), Filter: framesFilter(r.noResp),
		})
	}
	if r.noReqN > 0 {
		out = append(out, Finding{
			Severity: "note", Category: "http", rank: 4,
			Title:  fmt.Sprintf("%d HTTP response%s without a request", r.noReqN, plural(r.noReqN)),
			Detail: "no request was seen before them on their connections: the capture started after it, or the server answered without one (" + framesWord(r.noReqN) + " " + frameListTotal(r.noReq, r.noReqN) + ")",
			Frames: first(r.noReq), Filter: framesFilter(r.noReq),
		})
	}
	if r.slowN > 0 && len(r.slowest) > 0 {
		var parts []string
		var frames []uint32
		for _, op := range r.slowest {
			if op.ResponseTime() <= r.Slow {
				break
			}
			parts = append(parts, fmt.Sprintf("%s %s → %d in %s (frames %d → %d)", op.Method, op.URL(), op.Status,
				seconds(op.ResponseTime()), op.ReqFrame, op.RespFrame))
			frames = append(frames, op.RespFrame)
		}
		out = append(out, Finding{
			Severity: "warning", Category: "http", rank: 3,
			Title:  fmt.Sprintf("%d slow HTTP response%s (over %s)", r.slowN, plural(r.slowN), seconds(r.Slow)),
			Detail: "slowest: " + strings.Join(parts, "; "),
			Frames: frames, Filter: fmt.Sprintf("http.time > %s", strconv.FormatFloat(float64(r.Slow)/1e9, 'f', -1, 64)),
		})
	}
	if r.CutShort > 0 {
		out = append(out, Finding{
			Severity: "warning", Category: "http", rank: 3,
			Title:  fmt.Sprintf("%d HTTP message%s cut short", r.CutShort, plural(r.CutShort)),
			Detail: "the trace ends (or the connection closes) before the whole message was captured",
		})
	}
	// Redirect chains.
	ops := append([]HTTPOperation(nil), r.redirect...)
	n := LinkRedirects(ops)
	chains := make([][]*HTTPOperation, n+1)
	for i := range ops {
		if c := ops[i].Chain; c > 0 {
			chains[c] = append(chains[c], &ops[i])
		}
	}
	for _, ch := range chains[1:] {
		if len(ch) == 0 {
			continue
		}
		last := ch[len(ch)-1]
		seen := map[string]bool{}
		loop := false
		for _, op := range ch {
			loop = loop || seen[op.URL()]
			seen[op.URL()] = true
		}
		var what string
		switch {
		case loop:
			what = "loops"
		case last.Status >= 400:
			what = fmt.Sprintf("ends in %d %s", last.Status, last.Phrase)
		case last.RespFrame == 0:
			what = "ends without a response"
		default:
			continue
		}
		var path []string
		var frames []uint32
		for _, op := range ch {
			path = append(path, fmt.Sprintf("%s %s → %d", op.Method, op.URL(), op.Status))
			frames = append(frames, op.ReqFrame)
		}
		out = append(out, Finding{
			Severity: "warning", Category: "http", rank: 3,
			Title:  fmt.Sprintf("HTTP redirect chain %s", what),
			Detail: strings.Join(path, " → "),
			Frames: frames,
		})
	}
	return out
}

// framesFilter selects the first frames of a list: frame.number in {a, b, …}.
func framesFilter(fs []uint32) string {
	fs = append([]uint32(nil), fs...)
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	fs = first(fs)
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = strconv.FormatUint(uint64(f), 10)
	}
	return "frame.number in {" + strings.Join(parts, ", ") + "}"
}

func httpGroupDetail(servers, urls []string, g *httpStatusGroup) string {
	d := "from " + strings.Join(servers, ", ")
	if len(urls) > 0 {
		d += " for " + strings.Join(urls, ", ")
		if len(g.urls) < g.n {
			d += " …"
		}
	}
	return d + " (" + framesWord(g.n) + " " + frameListTotal(g.frames, g.n) + ")"
}

// frameListTotal lists frames (sorted) of which there are total in all.
func frameListTotal(fs []uint32, total int) string {
	fs = append([]uint32(nil), fs...)
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	if len(fs) > maxFramesListed {
		fs = fs[:maxFramesListed]
	}
	s := frameList(fs)
	if total > len(fs) {
		s += fmt.Sprintf(" … (%d in all)", total)
	}
	return s
}

func framesWord(n int) string {
	if n == 1 {
		return "frame"
	}
	return "frames"
}
