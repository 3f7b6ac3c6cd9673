package analysis

import (
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wirelens/wirelens/field"
)

// Finding is one item of a trace's diagnosis: what went wrong, where, and what it most likely means.
type Finding struct {
	Severity string   `json:"severity"` // error, warning, note
	Category string   `json:"category"` // failed-connection, reset, loss, malformed
	Title    string   `json:"title"`
	Detail   string   `json:"detail"`
	Streams  []uint32 `json:"streams,omitempty"`
	Frames   []uint32 `json:"frames,omitempty"`
	Filter   string   `json:"filter,omitempty"` // a display filter that selects the frames concerned
	rank     int
}

// Diagnosis is the whole trace's story, worst first.
type Diagnosis struct {
	Summary  string    `json:"summary"`
	Findings []Finding `json:"findings"`
}

// TraceFacts are the per-frame facts the diagnosis needs beyond the conversations.
type TraceFacts struct {
	Frames    int
	Malformed []uint32    // frames with a malformed layer
	DNS       *DNSReport  // the DNS section (dns.go); nil: none
	HTTP      *HTTPReport // the HTTP section (http_report.go); nil: none
	// QuietTCP, if set, returns, once the conversations have been read, how many quiet TCP conversations
	// (Conversation.Quiet) they left out: these count among the connections without problems.
	QuietTCP func() int
}

const maxFramesListed = 12

func frameList(fs []uint32) string {
	var b strings.Builder
	for i, f := range fs {
		if i == maxFramesListed {
			fmt.Fprintf(&b, " … (%d in all)", len(fs))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatUint(uint64(f), 10))
	}
	return b.String()
}

func seconds(ns int64) string {
	return string(field.AppendSeconds(nil, ns)[:len(field.AppendSeconds(nil, ns))-6]) + " s"
}

func streamFilter(proto string, ss []uint32) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = strconv.FormatUint(uint64(s), 10)
	}
	if len(ss) == 1 {
		return proto + ".stream == " + parts[0]
	}
	return proto + ".stream in {" + strings.Join(parts, ", ") + "}"
}

// Diagnose tells the story of a trace from its conversations and frame facts.
func Diagnose(convs []Conversation, facts TraceFacts) Diagnosis {
	return DiagnoseEach(slices.Values(convs), facts)
}

// DiagnoseEach is Diagnose over conversations that come one at a time: it keeps the findings and, for
// failed connection attempts, a compact group per server (streams, frames, counts), never the
// conversations themselves, so its memory follows what the report says, not the number of connections.
func DiagnoseEach(convs iter.Seq[Conversation], facts TraceFacts) Diagnosis {
	var out []Finding
	summary := DiagnoseStream(convs, facts, func(f Finding) { out = append(out, f) })
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	return Diagnosis{Summary: summary, Findings: out}
}

// DiagnoseStream is DiagnoseEach without the findings kept: it hands each to emit as it is made, and
// returns the summary. The findings in the order emit got them, sorted stably by Rank, are DiagnoseEach's.
// What it keeps is the groups of failed connection attempts: diagnose writes each finding out at once
// (worst first: a spool per rank), so that its memory does not grow with the resets and losses of a
// long trace, some 400 bytes each.
func DiagnoseStream(convs iter.Seq[Conversation], facts TraceFacts, emit func(Finding)) string {
	n := 0
	add := func(f Finding) {
		n++
		emit(f)
	}
	type key struct {
		server string
		kind   string
	}
	groups := map[key]*failedGroup{}
	var order []key
	tcpCount, udpCount, okCount := 0, 0, 0
	for c := range convs {
		if c.Proto == "udp" {
			udpCount++
			continue
		}
		tcpCount++
		if kind := failedKind(&c); kind != "" {
			k := key{c.Server.String(), kind}
			g := groups[k]
			if g == nil {
				g = &failedGroup{client: c.Client.Addr, server: c.Server, from: c.FirstTime, to: c.LastTime}
				groups[k] = g
				order = append(order, k)
			}
			g.add(&c)
			continue
		}
		clean := true
		if resetMidway(&c) {
			add(resetFinding(c))
			clean = false
		}
		if f, ok := lossFinding(c); ok {
			add(f)
			clean = false
		}
		if clean {
			okCount++
		}
	}
	if facts.QuietTCP != nil {
		q := facts.QuietTCP()
		tcpCount += q
		okCount += q
	}
	for _, k := range order {
		add(failedFinding(k.kind, groups[k]))
	}
	if m := len(facts.Malformed); m > 0 {
		add(Finding{
			Severity: "error", Category: "malformed", rank: 2,
			Title:  fmt.Sprintf("%d malformed frame%s", m, plural(m)),
			Detail: "decoding stopped inside these frames: a header was cut short or inconsistent (frames " + frameList(facts.Malformed) + ")",
			Frames: first(facts.Malformed), Filter: "_ws.malformed",
		})
	}
	if facts.DNS != nil {
		for _, f := range dnsFindings(facts.DNS) {
			add(f)
		}
	}
	if facts.HTTP != nil {
		for _, f := range httpFindings(facts.HTTP) {
			add(f)
		}
	}
	if n == 0 {
		return fmt.Sprintf("No problems found: %d frame%s, %d TCP connection%s, %d UDP conversation%s.", facts.Frames, plural(facts.Frames), tcpCount, plural(tcpCount), udpCount, plural(udpCount))
	}
	return fmt.Sprintf("%d finding%s in %d frame%s: %d TCP connection%s (%d without problems), %d UDP conversation%s.",
		n, plural(n), facts.Frames, plural(facts.Frames), tcpCount, plural(tcpCount), okCount, udpCount, plural(udpCount))
}

// Rank is where a finding goes in a diagnosis: lower first (failed connection attempts 0, then resets
// and the worst HTTP and DNS errors, malformed frames, losses and warnings, notes).
func (f *Finding) Rank() int { return f.rank }

// failedKind says whether TCP conversation c was a failed connection attempt: "refused" (the server
// answered the SYN with a RST), "unanswered" (SYNs and no reply at all), or "" (neither).
func failedKind(c *Conversation) string {
	switch {
	case c.Refused:
		return "refused"
	case c.State == "S0" && c.SYNs > 0:
		return "unanswered"
	}
	return ""
}

// resetMidway says whether TCP conversation c was reset after it carried data, or reset in an
// established state (RSTO, RSTR): a reset worth a finding.
func resetMidway(c *Conversation) bool {
	return c.RSTFrame != 0 && (c.Payload[0]+c.Payload[1] > 0 || c.State == "RSTO" || c.State == "RSTR")
}

// lossy says whether TCP conversation c had a retransmission, a segment not captured, a duplicate ACK
// or a zero window: a loss worth a finding (lossFinding).
func lossy(c *Conversation) bool {
	return c.Retrans[0]+c.Retrans[1] != 0 || c.LostSegs[0]+c.LostSegs[1] != 0 ||
		c.DupAcks[0]+c.DupAcks[1] != 0 || c.ZeroWindows[0]+c.ZeroWindows[1] != 0
}

// Quiet says whether DiagnoseEach reports nothing about TCP conversation c and counts it among the
// connections without problems: no failed attempt, no reset worth a finding, no loss (lossy).
// diagnose marks such conversations as they are evicted (analysis.TCPStreams.SkipQuiet) and passes over
// them at the end without reading their records back.
func (c *Conversation) Quiet() bool {
	return failedKind(c) == "" && !resetMidway(c) && !lossy(c)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func first(fs []uint32) []uint32 {
	if len(fs) > 100 {
		return fs[:100]
	}
	return fs
}

// failedGroup gathers the failed connection attempts of one client to one server: what failedFinding
// reports of them.
type failedGroup struct {
	client   netip.Addr
	server   Endpoint
	n        int
	streams  []uint32
	frames   []uint32 // their SYNs and RSTs
	syns     uint32
	from, to int64
}

func (g *failedGroup) add(c *Conversation) {
	g.n++
	g.streams = append(g.streams, c.Stream)
	g.syns += c.SYNs
	g.frames = append(g.frames, c.SYNFrames...)
	if c.RSTFrame != 0 {
		g.frames = append(g.frames, c.RSTFrame)
	}
	g.from, g.to = min(g.from, c.FirstTime), max(g.to, c.LastTime)
}

// failedFinding describes connection attempts to one server that were refused or never answered.
func failedFinding(kind string, g *failedGroup) Finding {
	streams, frames, syns, from, to := g.streams, g.frames, g.syns, g.from, g.to
	sort.Slice(frames, func(i, j int) bool { return frames[i] < frames[j] })
	server := g.server
	attempts := fmt.Sprintf("%d connection attempt%s from %s to %s", g.n, plural(g.n), g.client, server)
	if kind == "refused" {
		return Finding{
			Severity: "error", Category: "failed-connection", rank: 0,
			Title: attempts + " refused",
			Detail: fmt.Sprintf("the server answered the SYN with a RST (frames %s): the host is up but nothing listens on port %d, or a firewall rejects the connection",
				frameList(frames), server.Port),
			Streams: streams, Frames: first(frames), Filter: streamFilter("tcp", streams),
		}
	}
	retr := syns - uint32(g.n)
	return Finding{
		Severity: "error", Category: "failed-connection", rank: 0,
		Title: attempts + " never answered",
		Detail: fmt.Sprintf("%d SYN%s (%d retransmission%s) over %s got no reply (frames %s): no reply at all: the server is down, unreachable, or a firewall drops the SYNs",
			syns, plural(int(syns)), retr, plural(int(retr)), seconds(to-from), frameList(frames)),
		Streams: streams, Frames: first(frames), Filter: streamFilter("tcp", streams),
	}
}

// resetFinding describes a connection reset after it was established or carried data.
func resetFinding(c Conversation) Finding {
	who := "client"
	if c.RSTSide == 1 {
		who = "server"
	}
	return Finding{
		Severity: "warning", Category: "reset", rank: 1,
		Title: fmt.Sprintf("tcp.stream %d (%s → %s) reset by the %s", c.Stream, c.Client, c.Server, who),
		Detail: fmt.Sprintf("RST in frame %d after %d bytes from the client and %d from the server, %s into the connection (state %s, history %s)",
			c.RSTFrame, c.Payload[0], c.Payload[1], seconds(c.LastTime-c.FirstTime), c.State, c.History),
		Streams: []uint32{c.Stream}, Frames: []uint32{c.RSTFrame}, Filter: streamFilter("tcp", []uint32{c.Stream}),
	}
}

// lossFinding describes retransmissions, lost segments, duplicate ACKs and zero windows of a connection.
func lossFinding(c Conversation) (Finding, bool) {
	if !lossy(&c) {
		return Finding{}, false
	}
	retr := c.Retrans[0] + c.Retrans[1]
	lost := c.LostSegs[0] + c.LostSegs[1]
	dups := c.DupAcks[0] + c.DupAcks[1]
	zw := c.ZeroWindows[0] + c.ZeroWindows[1]
	var parts []string
	data := c.DataPkts[0] + c.DataPkts[1]
	if retr > 0 {
		rate := 0.0
		if data > 0 {
			rate = 100 * float64(retr) / float64(data)
		}
		parts = append(parts, fmt.Sprintf("%d retransmission%s of %d data segments (%.1f%%; client %d, server %d)", retr, plural(int(retr)), data, rate, c.Retrans[0], c.Retrans[1]))
	}
	if lost > 0 {
		parts = append(parts, fmt.Sprintf("%d segment%s not captured", lost, plural(int(lost))))
	}
	if dups > 0 {
		parts = append(parts, fmt.Sprintf("%d duplicate ACK%s", dups, plural(int(dups))))
	}
	if zw > 0 {
		parts = append(parts, fmt.Sprintf("%d zero-window advertisement%s (a receiver could not keep up)", zw, plural(int(zw))))
	}
	sev := "note"
	if retr > 0 && (data == 0 || float64(retr)/float64(data) >= 0.01) || zw > 0 {
		sev = "warning"
	}
	return Finding{
		Severity: sev, Category: "loss", rank: 3,
		Title:   fmt.Sprintf("tcp.stream %d (%s → %s) lost or repeated data", c.Stream, c.Client, c.Server),
		Detail:  strings.Join(parts, ", "),
		Streams: []uint32{c.Stream},
		Filter:  streamFilter("tcp", []uint32{c.Stream}) + " && tcp.analysis.flags && !tcp.analysis.window_update",
	}, true
}
