package analysis

import (
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unsafe"

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

func seconds(ns int64) string { return string(appendSeconds(nil, ns)) }

func streamFilter(proto string, ss []uint32) string {
	return string(appendStreamFilter(nil, proto, ss))
}

// appendStreamFilter appends the filter that selects streams ss of proto: "tcp.stream == 7", or
// "tcp.stream in {7, 9}".
func appendStreamFilter(b []byte, proto string, ss []uint32) []byte {
	b = append(append(b, proto...), ".stream "...)
	if len(ss) == 1 {
		return strconv.AppendUint(append(b, "== "...), uint64(ss[0]), 10)
	}
	b = append(b, "in {"...)
	for i, s := range ss {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendUint(b, uint64(s), 10)
	}
	return append(b, '}')
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
	summary := DiagnoseStream(convs, facts, func(f *Finding) { out = append(out, f.clone()) })
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	return Diagnosis{Summary: summary, Findings: out}
}

// DiagnoseStream is DiagnoseEach without the findings kept: it hands each to emit as it is made, and
// returns the summary. The findings in the order emit got them, sorted stably by Rank, are DiagnoseEach's.
// What it keeps is the groups of failed connection attempts: diagnose writes each finding out at once
// (worst first: a spool per rank), so that its memory does not grow with the resets and losses of a
// long trace. The finding handed to emit, its strings and its slices are valid only during the call:
// those made one per conversation are written in a buffer reused from one to the next (findingText).
func DiagnoseStream(convs iter.Seq[Conversation], facts TraceFacts, emit func(*Finding)) string {
	n := 0
	add := func(f *Finding) {
		n++
		emit(f)
	}
	var text findingText
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
			text.f = resetFinding(&c, &text)
			add(&text.f)
			clean = false
		}
		if lossy(&c) {
			text.f = lossFinding(&c, &text)
			add(&text.f)
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
		f := failedFinding(k.kind, groups[k])
		add(&f)
	}
	if m := len(facts.Malformed); m > 0 {
		add(&Finding{
			Severity: "error", Category: "malformed", rank: 2,
			Title:  fmt.Sprintf("%d malformed frame%s", m, plural(m)),
			Detail: "decoding stopped inside these frames: a header was cut short or inconsistent (frames " + frameList(facts.Malformed) + ")",
			Frames: first(facts.Malformed), Filter: "_ws.malformed",
		})
	}
	if facts.DNS != nil {
		for _, f := range dnsFindings(facts.DNS) {
			add(&f)
		}
	}
	if facts.HTTP != nil {
		for _, f := range httpFindings(facts.HTTP) {
			add(&f)
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

// findingText holds the words of the findings DiagnoseStream makes one per conversation (resets,
// losses): one buffer, written again for each, so that a trace with tens of thousands of them makes no
// garbage of them. Made with fmt, they made some 1 KB of garbage each: 22 MB for the 21,342 findings of
// the 16 GB benchmark capture, and diagnose's peak there was 48.8–49.7 MB with them, 40.4–40.9 MB with
// no findings made at all.
type findingText struct {
	f      Finding // the finding handed on (a variable of the loop would be allocated for each)
	b      []byte
	stream [1]uint32
	frame  [1]uint32
}

// str returns t.b[i:j] as a string that shares its bytes: valid until t.b is written again.
func (t *findingText) str(i, j int) string {
	if i == j {
		return ""
	}
	return unsafe.String(&t.b[i], j-i)
}

// appendEndpoint appends e as Endpoint.String writes it.
func appendEndpoint(b []byte, e Endpoint) []byte {
	if !e.Addr.IsValid() {
		return append(b, "invalid AddrPort"...)
	}
	return netip.AddrPortFrom(e.Addr, e.Port).AppendTo(b)
}

// appendSeconds appends ns as seconds with three decimals and " s" (seconds).
func appendSeconds(b []byte, ns int64) []byte {
	b = field.AppendSeconds(b, ns)
	return append(b[:len(b)-6], " s"...)
}

// appendConnTitle appends "tcp.stream N (client → server) " and what.
func appendConnTitle(b []byte, c *Conversation, what string) []byte {
	b = append(b, "tcp.stream "...)
	b = strconv.AppendUint(b, uint64(c.Stream), 10)
	b = append(b, " ("...)
	b = appendEndpoint(b, c.Client)
	b = append(b, " → "...)
	b = appendEndpoint(b, c.Server)
	b = append(b, ") "...)
	return append(b, what...)
}

// resetFinding describes a connection reset after it was established or carried data, in t.
func resetFinding(c *Conversation, t *findingText) Finding {
	who := "reset by the client"
	if c.RSTSide == 1 {
		who = "reset by the server"
	}
	b := appendConnTitle(t.b[:0], c, who)
	title := len(b)
	b = append(b, "RST in frame "...)
	b = strconv.AppendUint(b, uint64(c.RSTFrame), 10)
	b = append(b, " after "...)
	b = strconv.AppendUint(b, c.Payload[0], 10)
	b = append(b, " bytes from the client and "...)
	b = strconv.AppendUint(b, c.Payload[1], 10)
	b = append(b, " from the server, "...)
	b = appendSeconds(b, c.LastTime-c.FirstTime)
	b = append(b, " into the connection (state "...)
	b = append(b, c.State...)
	b = append(b, ", history "...)
	b = append(b, c.History...)
	b = append(b, ')')
	detail := len(b)
	t.stream[0], t.frame[0] = c.Stream, c.RSTFrame
	b = appendStreamFilter(b, "tcp", t.stream[:])
	t.b = b
	return Finding{
		Severity: "warning", Category: "reset", rank: 1,
		Title: t.str(0, title), Detail: t.str(title, detail),
		Streams: t.stream[:], Frames: t.frame[:], Filter: t.str(detail, len(b)),
	}
}

// lossFinding describes the retransmissions, lost segments, duplicate ACKs and zero windows of a lossy
// connection, in t.
func lossFinding(c *Conversation, t *findingText) Finding {
	retr := c.Retrans[0] + c.Retrans[1]
	lost := c.LostSegs[0] + c.LostSegs[1]
	dups := c.DupAcks[0] + c.DupAcks[1]
	zw := c.ZeroWindows[0] + c.ZeroWindows[1]
	data := c.DataPkts[0] + c.DataPkts[1]
	b := appendConnTitle(t.b[:0], c, "lost or repeated data")
	title := len(b)
	sep := func(b []byte) []byte { // the parts are joined by commas
		if len(b) > title {
			return append(b, ", "...)
		}
		return b
	}
	if retr > 0 {
		rate := 0.0
		if data > 0 {
			rate = 100 * float64(retr) / float64(data)
		}
		b = strconv.AppendUint(b, uint64(retr), 10)
		b = append(append(b, " retransmission"...), plural(int(retr))...)
		b = strconv.AppendUint(append(b, " of "...), data, 10)
		b = strconv.AppendFloat(append(b, " data segments ("...), rate, 'f', 1, 64)
		b = strconv.AppendUint(append(b, "%; client "...), uint64(c.Retrans[0]), 10)
		b = strconv.AppendUint(append(b, ", server "...), uint64(c.Retrans[1]), 10)
		b = append(b, ')')
	}
	if lost > 0 {
		b = strconv.AppendUint(sep(b), uint64(lost), 10)
		b = append(append(append(b, " segment"...), plural(int(lost))...), " not captured"...)
	}
	if dups > 0 {
		b = strconv.AppendUint(sep(b), uint64(dups), 10)
		b = append(append(b, " duplicate ACK"...), plural(int(dups))...)
	}
	if zw > 0 {
		b = strconv.AppendUint(sep(b), uint64(zw), 10)
		b = append(append(append(b, " zero-window advertisement"...), plural(int(zw))...), " (a receiver could not keep up)"...)
	}
	detail := len(b)
	t.stream[0] = c.Stream
	b = appendStreamFilter(b, "tcp", t.stream[:])
	b = append(b, " && tcp.analysis.flags && !tcp.analysis.window_update"...)
	t.b = b
	sev := "note"
	if retr > 0 && (data == 0 || float64(retr)/float64(data) >= 0.01) || zw > 0 {
		sev = "warning"
	}
	return Finding{
		Severity: sev, Category: "loss", rank: 3,
		Title: t.str(0, title), Detail: t.str(title, detail),
		Streams: t.stream[:], Filter: t.str(detail, len(b)),
	}
}

// clone returns f with its own strings and slices (those of DiagnoseStream's findings are reused).
func (f Finding) clone() Finding {
	f.Title, f.Detail, f.Filter = strings.Clone(f.Title), strings.Clone(f.Detail), strings.Clone(f.Filter)
	f.Streams, f.Frames = slices.Clone(f.Streams), slices.Clone(f.Frames)
	return f
}
