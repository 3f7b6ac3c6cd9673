package analysis

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// DNSPairing pairs DNS queries with their responses in capture order, with the rules of tshark 4.0's DNS
// dissector, and writes the result of every DNS message into Packet.DNS (the dns.response_to, dns.time,
// dns.retransmit_* and dns.unsolicited fields; dns.response_in after a first pass, see UseLate). It also
// adds the DNS diagnostics (retransmissions, NXDOMAIN, SERVFAIL, REFUSED, queries never answered) and
// keeps what the diagnosis reports (Report).
//
// The rules (packet-dns.c, dissect_dns_common):
//
//   - transactionKey: a transaction is keyed by the transport conversation (tcp.stream or udp.stream) and
//     the DNS ID. The query name and type are not compared. Only the latest transaction of a key can be
//     matched. Messages quoted inside ICMP errors are not tracked (a response there is "unsolicited").
//   - pairQuery: a query starts a new transaction unless the key's latest transaction is unanswered and
//     began less than 5 s before (Wireshark's retransmission_timer); then it is a retransmission of that
//     transaction's first query.
//   - pairResponse: a response answers the key's latest transaction if it has no response yet; if it has
//     one, the response is a retransmission of it, unless the transaction is a zone transfer (a question of
//     type AXFR or IXFR: many responses), which pairs every response with the query. With no transaction
//     the response is unsolicited. dns.time is the response time minus the time of the transaction's
//     first query.
//   - zoneTransferMark: the "many responses" mark is set from the questions of every message matched to
//     the transaction (query, retransmission or response), after that message is paired, and only when
//     all its questions could be read.
//   - shown: Wireshark adds the pairing items after the message's records; a message it cannot dissect to
//     the end (malformed, or cut by the snapshot length) is paired but shows no item.
//
// Memory is bounded: at most maxDNSTrans transactions are kept (the oldest is evicted, and counted, when a
// new one needs room), and at most maxDNSOutcomes query outcomes are kept for the second pass.
type DNSPairing struct {
	index map[dnsKey]int32 // key → its latest transaction in ring
	ring  []dnsTrans       // transactions, reused oldest first once full
	head  int              // the oldest slot once the ring is full
	limit int

	record   bool         // keep the outcomes (a first pass, see RecordLate)
	outcomes []dnsOutcome // how every finished transaction ended (first pass)
	dropped  int          // outcomes not kept (limit reached)
	late     *DNSLate     // the first pass's outcomes (second pass)
	cursor   int
	finished bool

	// Evicted counts transactions evicted, unanswered, to make room.
	Evicted int
	rep     dnsReportState
}

// Bounds of the pairing state.
const (
	maxDNSTrans    = 1 << 18 // transactions kept (about 170 bytes each)
	maxDNSOutcomes = 1 << 22 // query outcomes kept for the second pass (12 bytes each)
	dnsRetransNS   = 5e9     // Wireshark's dns.retransmission_timer: 5 s
)

type dnsKey struct {
	stream uint32
	tcp    bool
	id     uint16
}

type dnsTrans struct {
	key      dnsKey
	live     bool // the latest transaction of its key, not finished
	multi    bool // zone transfer: many responses
	unicast  bool // DNS proper (not mDNS or LLMNR): an unanswered query is reported
	layer    uint8
	qtype    uint16
	retrans  uint16
	reqFrame uint32
	repFrame uint32
	reqTime  int64
	server   addrBytes
	port     uint16
	name     [64]byte
	nameLen  uint8
	nameFull int
}

// addrBytes is an IPv4 or IPv6 address kept without allocation.
type addrBytes struct {
	b [16]byte
	n uint8
}

func newAddr(b []byte) addrBytes {
	var a addrBytes
	a.n = uint8(copy(a.b[:], b))
	return a
}

func (a addrBytes) String() string {
	switch a.n {
	case 4:
		return string(field.AppendIPv4(nil, uint32(a.b[0])<<24|uint32(a.b[1])<<16|uint32(a.b[2])<<8|uint32(a.b[3])))
	case 16:
		return string(field.AppendIPv6(nil, a.b[:]))
	}
	return "?"
}

// dnsOutcome is how a transaction's first query ended: its response frame, or 0.
type dnsOutcome struct {
	frame uint32
	resp  uint32
	layer uint8
}

// DNSLate holds what only the end of a first pass tells about DNS queries (their response frame, or that
// none came), in frame order, for a second pass (UseLate).
type DNSLate struct {
	out     []dnsOutcome
	Dropped int // outcomes not kept (the bound was reached): those queries get no dns.response_in
}

// NewDNSPairing returns an empty DNS pairing analyzer.
func NewDNSPairing() *DNSPairing {
	return &DNSPairing{index: make(map[dnsKey]int32), limit: maxDNSTrans}
}

// RecordLate makes the analyzer keep how every query ended, for Late: call it before a first pass.
func (d *DNSPairing) RecordLate() { d.record = true }

// UseLate gives the analyzer the outcomes of a first pass over the same trace, so that queries get
// dns.response_in and unanswered queries their diagnostic (tshark -2).
func (d *DNSPairing) UseLate(l *DNSLate) { d.late, d.cursor = l, 0 }

// Late finishes the pass (call it after the last frame) and returns the outcomes of every query (none
// unless RecordLate was called before the pass).
func (d *DNSPairing) Late() *DNSLate {
	d.finish()
	out := slices.Clone(d.outcomes)
	sort.Slice(out, func(i, j int) bool {
		if out[i].frame != out[j].frame {
			return out[i].frame < out[j].frame
		}
		return out[i].layer < out[j].layer
	})
	return &DNSLate{out: out, Dropped: d.dropped}
}

// find returns the outcome of the query at (frame, layer); calls must come in frame order.
func (d *DNSPairing) find(frame uint32, layer uint8) (uint32, bool) {
	out := d.late.out
	for d.cursor < len(out) && (out[d.cursor].frame < frame || out[d.cursor].frame == frame && out[d.cursor].layer < layer) {
		d.cursor++
	}
	if d.cursor < len(out) && out[d.cursor].frame == frame && out[d.cursor].layer == layer {
		return out[d.cursor].resp, true
	}
	return 0, false
}

// Observe pairs every DNS message of the packet (after the TCP and UDP analyzers have run) and records
// the results in p.DNS and p's diagnostics.
func (d *DNSPairing) Observe(p *dissect.Packet) {
	if !p.MayHave(dissect.ProtoDNS) {
		return
	}
	for i := 0; i < p.N; i++ {
		if p.Layers[i].Proto != dissect.ProtoDNS {
			continue
		}
		if m, ok := p.DNSMessage(i); ok {
			d.message(p, i, &m)
		}
	}
}

// transactionKey returns the key of a message, or false when it is not tracked.
func transactionKey(p *dissect.Packet, m *dissect.DNSMessage) (dnsKey, bool) {
	if m.InError || m.Transport < 0 {
		return dnsKey{}, false
	}
	l := &p.Layers[m.Transport]
	if l.Proto == dissect.ProtoTCP {
		c := &p.TCP[l.Aux]
		return dnsKey{stream: c.Stream, tcp: true, id: m.ID}, c.Valid
	}
	c := &p.UDP[l.Aux]
	return dnsKey{stream: c.Stream, id: m.ID}, c.Valid
}

func (d *DNSPairing) message(p *dissect.Packet, i int, m *dissect.DNSMessage) {
	frame := uint32(p.Num)
	x := dissect.DNSPair{Layer: uint8(i), Shown: m.Complete}
	var t *dnsTrans
	retrans := false
	k, tracked := transactionKey(p, m)
	resp := m.Response()
	if tracked {
		if resp {
			t, retrans = d.pairResponse(k, frame)
		} else {
			t, retrans = d.pairQuery(p, i, m, k)
		}
	}
	if !resp {
		switch {
		case retrans:
			x.Kind, x.Frame = dissect.DNSPairRetransQuery, t.reqFrame
			t.retrans++
		case t != nil && d.late != nil:
			if r, ok := d.find(frame, uint8(i)); ok {
				if r != 0 {
					x.Kind, x.Frame = dissect.DNSPairResponseIn, r
				} else if t.unicast {
					p.AddDiag(dissect.Diag{Code: dissect.DiagDNSUnanswered})
				}
			}
		}
	} else {
		switch {
		case t != nil && retrans:
			x.Kind, x.Frame = dissect.DNSPairRetransResponse, t.repFrame
		case t != nil:
			x.Kind, x.Frame, x.TimeNS = dissect.DNSPairResponseTo, t.reqFrame, p.TimeNS-t.reqTime
		default:
			x.Kind = dissect.DNSPairUnsolicited
		}
	}
	if t != nil && m.Questions {
		t.multi = m.ZoneTransfer // zoneTransferMark
	}
	p.AddDNSPair(x)
	if x.Shown && (x.Kind == dissect.DNSPairRetransQuery || x.Kind == dissect.DNSPairRetransResponse) {
		code := dissect.DiagDNSRetransQuery
		if resp {
			code = dissect.DiagDNSRetransResponse
		}
		p.AddDiag(dissect.Diag{Code: code, Frame: x.Frame})
	}
	if resp && !m.InError {
		d.responseFacts(p, m, t, &x, k)
	}
}

// pairQuery applies pairQuery: it returns the query's transaction and whether the query repeats it.
func (d *DNSPairing) pairQuery(p *dissect.Packet, i int, m *dissect.DNSMessage, k dnsKey) (*dnsTrans, bool) {
	if s, ok := d.index[k]; ok {
		t := &d.ring[s]
		if t.repFrame == 0 && p.TimeNS-t.reqTime < dnsRetransNS {
			return t, true
		}
		d.end(t)
	}
	si := d.slot()
	t := &d.ring[si]
	*t = dnsTrans{key: k, live: true, unicast: m.Variant == dissect.DNSUnicast, layer: uint8(i), qtype: m.QType,
		reqFrame: uint32(p.Num), reqTime: p.TimeNS, nameLen: m.NameLen, nameFull: m.NameFull, name: m.Name}
	if _, dst := p.NetAddrs(m.Transport); dst != nil {
		t.server = newAddr(dst)
	}
	if h := p.Header(&p.Layers[m.Transport]); len(h) >= 4 {
		t.port = binary.BigEndian.Uint16(h[2:])
	}
	d.index[k] = int32(si)
	if t.unicast {
		d.rep.queries++
	}
	return t, false
}

// pairResponse applies pairResponse: it returns the transaction the response belongs to (nil: unsolicited)
// and whether it repeats the transaction's first response.
func (d *DNSPairing) pairResponse(k dnsKey, frame uint32) (*dnsTrans, bool) {
	s, ok := d.index[k]
	if !ok {
		return nil, false
	}
	t := &d.ring[s]
	switch {
	case t.repFrame == 0:
		t.repFrame = frame
		if t.unicast {
			d.rep.answered++
		}
		return t, false
	case !t.multi:
		return t, true
	}
	return t, false
}

// slot returns the index of a free transaction slot, evicting the oldest transaction when the ring is full.
func (d *DNSPairing) slot() int {
	if len(d.ring) < d.limit {
		d.ring = append(d.ring, dnsTrans{})
		return len(d.ring) - 1
	}
	s := d.head
	t := &d.ring[s]
	d.head = (d.head + 1) % len(d.ring)
	if t.live {
		if t.repFrame == 0 {
			d.Evicted++
		}
		d.end(t)
		delete(d.index, t.key)
	}
	return s
}

// end finishes a transaction: its outcome is kept for a second pass and an unanswered query is reported.
func (d *DNSPairing) end(t *dnsTrans) {
	if !t.live {
		return
	}
	t.live = false
	switch {
	case !d.record:
	case len(d.outcomes) < maxDNSOutcomes:
		d.outcomes = append(d.outcomes, dnsOutcome{frame: t.reqFrame, resp: t.repFrame, layer: t.layer})
	default:
		d.dropped++
	}
	if t.repFrame == 0 && t.unicast {
		d.rep.unanswered(t)
	}
}

// finish ends every transaction still open at the end of the trace.
func (d *DNSPairing) finish() {
	if d.finished {
		return
	}
	d.finished = true
	for i := range d.ring {
		d.end(&d.ring[i])
	}
}

// Bounds of what the diagnosis keeps.
const (
	maxDNSEvents = 4096 // failed responses and unanswered queries listed
	maxDNSNames  = 4096 // distinct names kept as strings
	dnsSlowKept  = 32   // slowest lookups kept
)

// dnsEvent is a failed response or an unanswered query, kept for the diagnosis.
type dnsEvent struct {
	rcode   uint8
	tcp     bool
	retrans uint16
	qtype   uint16
	port    uint16
	stream  uint32
	frame   uint32 // the response (failure) or the query (unanswered)
	query   uint32 // the query a failed response answers (0: unknown)
	server  addrBytes
	name    string
}

// dnsSlow is one of the slowest lookups (kept without allocation).
type dnsSlow struct {
	time     int64
	query    uint32
	resp     uint32
	stream   uint32
	tcp      bool
	retrans  uint16
	qtype    uint16
	server   addrBytes
	name     [64]byte
	nameLen  uint8
	nameFull int
}

type dnsReportState struct {
	queries, answered int
	failures          []dnsEvent
	lost              []dnsEvent
	notKept           int
	slow              [dnsSlowKept]dnsSlow
	nslow             int
	names             map[string]string
}

// intern returns b as a string, sharing the strings of names already seen.
func (r *dnsReportState) intern(b []byte) string {
	if s, ok := r.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if r.names == nil {
		r.names = make(map[string]string)
	}
	if len(r.names) < maxDNSNames {
		r.names[s] = s
	}
	return s
}

func dnsDisplayName(b []byte, full int) []byte {
	if len(b) == 0 {
		return []byte("<Root>")
	}
	out := make([]byte, 0, len(b)+4)
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			out = append(out, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			continue
		}
		out = append(out, c)
	}
	if full > len(b) {
		out = append(out, "…"...)
	}
	return out
}

func (r *dnsReportState) unanswered(t *dnsTrans) {
	if len(r.lost) >= maxDNSEvents {
		r.notKept++
		return
	}
	r.lost = append(r.lost, dnsEvent{tcp: t.key.tcp, stream: t.key.stream, frame: t.reqFrame, retrans: t.retrans,
		qtype: t.qtype, server: t.server, port: t.port, name: r.intern(dnsDisplayName(t.name[:t.nameLen], t.nameFull))})
}

// responseFacts adds the diagnostic of a failed response and keeps what the diagnosis needs of it.
func (d *DNSPairing) responseFacts(p *dissect.Packet, m *dissect.DNSMessage, t *dnsTrans, x *dissect.DNSPair, k dnsKey) {
	var query uint32
	if t != nil {
		query = t.reqFrame
	}
	var code dissect.DiagCode
	switch m.Rcode() {
	case dissect.DNSRcodeNXDomain:
		code = dissect.DiagDNSNXDomain
	case dissect.DNSRcodeServFail:
		code = dissect.DiagDNSServFail
	case dissect.DNSRcodeRefused:
		code = dissect.DiagDNSRefused
	}
	r := &d.rep
	if code != dissect.DiagNone {
		p.AddDiag(dissect.Diag{Code: code, Frame: query})
		if len(r.failures) >= maxDNSEvents {
			r.notKept++
		} else {
			e := dnsEvent{rcode: m.Rcode(), tcp: k.tcp, stream: k.stream, frame: uint32(p.Num), query: query, qtype: m.QType}
			name, full := m.QName(), m.NameFull
			if m.QType == 0 && t != nil {
				name, full, e.qtype = t.name[:t.nameLen], t.nameFull, t.qtype
			}
			e.name = r.intern(dnsDisplayName(name, full))
			if src, _ := p.NetAddrs(m.Transport); src != nil {
				e.server = newAddr(src)
			}
			if h := p.Header(&p.Layers[m.Transport]); len(h) >= 2 {
				e.port = binary.BigEndian.Uint16(h)
			}
			r.failures = append(r.failures, e)
		}
	}
	if x.Kind == dissect.DNSPairResponseTo && t.unicast {
		r.slowest(t, x.TimeNS, uint32(p.Num))
	}
}

// slowest keeps the lookup if it is among the dnsSlowKept slowest so far.
func (r *dnsReportState) slowest(t *dnsTrans, ns int64, resp uint32) {
	i := r.nslow
	if i == dnsSlowKept {
		i = 0
		for j := 1; j < dnsSlowKept; j++ {
			if r.slow[j].time < r.slow[i].time {
				i = j
			}
		}
		if ns <= r.slow[i].time {
			return
		}
	} else {
		r.nslow++
	}
	r.slow[i] = dnsSlow{time: ns, query: t.reqFrame, resp: resp, stream: t.key.stream, tcp: t.key.tcp, retrans: t.retrans,
		qtype: t.qtype, server: t.server, name: t.name, nameLen: t.nameLen, nameFull: t.nameFull}
}

// DNSReport is what a trace's DNS traffic tells the diagnosis.
type DNSReport struct {
	Queries    int          // queries (transactions) of DNS proper, not counting retransmissions
	Answered   int          // of those, answered
	Failures   []DNSFailure // NXDOMAIN, SERVFAIL and REFUSED responses by code and name, most frequent first
	Unanswered []DNSLookup  // queries no response answered by the end of the trace
	Slowest    []DNSLookup  // the slowest answered lookups, slowest first
	NotListed  int          // failures and unanswered queries beyond the bound, counted but not listed
	Evicted    int          // transactions evicted unanswered from the bounded pairing table
}

// DNSFailure groups the failed responses of one response code for one name.
type DNSFailure struct {
	Rcode     uint8    `json:"rcode"`
	Name      string   `json:"name"`
	Servers   []string `json:"servers"`
	Responses []uint32 `json:"responses"` // frames
}

// DNSLookup is one query: what it asked, of whom, and when it was answered.
type DNSLookup struct {
	Name            string `json:"name"`
	Type            string `json:"type"`
	Server          string `json:"server"`
	Query           uint32 `json:"query"`
	Response        uint32 `json:"response,omitempty"`
	TimeNS          int64  `json:"time_ns,omitempty"`
	Retransmissions int    `json:"retransmissions"`
}

func dnsTypeName(t uint16) string {
	if s := field.Lookup("dns.qry.type"); s != nil && s.Names != nil {
		if n := s.Names(uint64(t)); n != "" {
			if i := strings.Index(n, " ("); i > 0 {
				n = n[:i] // "A (Host Address)" → "A"
			}
			return n
		}
	}
	return strconv.Itoa(int(t))
}

func dnsServer(a addrBytes, port uint16) string {
	if a.n == 16 {
		return "[" + a.String() + "]:" + strconv.Itoa(int(port))
	}
	return a.String() + ":" + strconv.Itoa(int(port))
}

// Report finishes the pass (call it after the last frame) and returns what the diagnosis reports about
// the DNS messages of the conversations keep selects (nil: all).
func (d *DNSPairing) Report(keep func(tcp bool, stream uint32) bool) *DNSReport {
	d.finish()
	r := &d.rep
	ok := func(tcp bool, s uint32) bool { return keep == nil || keep(tcp, s) }
	out := &DNSReport{Queries: r.queries, Answered: r.answered, NotListed: r.notKept, Evicted: d.Evicted}
	type gk struct {
		rcode uint8
		name  string
	}
	index := map[gk]int{}
	for _, e := range r.failures {
		if !ok(e.tcp, e.stream) {
			continue
		}
		k := gk{e.rcode, e.name}
		i, seen := index[k]
		if !seen {
			i = len(out.Failures)
			index[k] = i
			out.Failures = append(out.Failures, DNSFailure{Rcode: e.rcode, Name: e.name})
		}
		f := &out.Failures[i]
		f.Responses = append(f.Responses, e.frame)
		if s := dnsServer(e.server, e.port); !slices.Contains(f.Servers, s) {
			f.Servers = append(f.Servers, s)
		}
	}
	sort.SliceStable(out.Failures, func(i, j int) bool {
		a, b := &out.Failures[i], &out.Failures[j]
		if dnsRcodeRank(a.Rcode) != dnsRcodeRank(b.Rcode) {
			return dnsRcodeRank(a.Rcode) < dnsRcodeRank(b.Rcode)
		}
		return len(a.Responses) > len(b.Responses)
	})
	for _, e := range r.lost {
		if ok(e.tcp, e.stream) {
			out.Unanswered = append(out.Unanswered, DNSLookup{Name: e.name, Type: dnsTypeName(e.qtype), Server: dnsServer(e.server, e.port),
				Query: e.frame, Retransmissions: int(e.retrans)})
		}
	}
	sort.Slice(out.Unanswered, func(i, j int) bool { return out.Unanswered[i].Query < out.Unanswered[j].Query })
	for _, s := range r.slow[:r.nslow] {
		if ok(s.tcp, s.stream) {
			out.Slowest = append(out.Slowest, DNSLookup{Name: string(dnsDisplayName(s.name[:s.nameLen], s.nameFull)), Type: dnsTypeName(s.qtype),
				Server: s.server.String(), Query: s.query, Response: s.resp, TimeNS: s.time, Retransmissions: int(s.retrans)})
		}
	}
	sort.Slice(out.Slowest, func(i, j int) bool {
		if out.Slowest[i].TimeNS != out.Slowest[j].TimeNS {
			return out.Slowest[i].TimeNS > out.Slowest[j].TimeNS
		}
		return out.Slowest[i].Query < out.Slowest[j].Query
	})
	return out
}

// dnsRcodeRank orders failures: the server's own failures first.
func dnsRcodeRank(rc uint8) int {
	switch rc {
	case dissect.DNSRcodeServFail:
		return 0
	case dissect.DNSRcodeRefused:
		return 1
	}
	return 2
}

// Limits of the DNS section of the diagnosis.
const (
	dnsFailureFindings = 10                // failure findings listed per response code
	dnsSlowNote        = 100 * 1000 * 1000 // a lookup this slow (100 ms) is worth a note
	dnsSlowWarning     = 1000 * 1000 * 1000
	dnsSlowListed      = 5
)

var dnsRcodeText = map[uint8][2]string{
	dissect.DNSRcodeServFail: {"SERVFAIL (server failure)", "the server could not resolve the name: its upstream servers failed or timed out, or DNSSEC validation failed"},
	dissect.DNSRcodeRefused:  {"REFUSED", "the server will not answer this client: recursion is not offered to it, or an access list rejects it"},
	dissect.DNSRcodeNXDomain: {"NXDOMAIN (no such name)", "the name does not exist: a typo, a search-domain suffix tried first, or a record that was removed"},
}

// dnsFindings is the DNS section of the diagnosis: failed lookups by response code and name, queries never
// answered (by server) and the slowest lookups.
func dnsFindings(r *DNSReport) []Finding {
	var out []Finding
	perCode := map[uint8]int{}
	skipped := map[uint8][]uint32{}
	for _, f := range r.Failures {
		txt := dnsRcodeText[f.Rcode]
		if perCode[f.Rcode] == dnsFailureFindings {
			skipped[f.Rcode] = append(skipped[f.Rcode], f.Responses...)
			continue
		}
		perCode[f.Rcode]++
		sev, rank := "error", 1
		if f.Rcode == dissect.DNSRcodeNXDomain {
			sev, rank = "warning", 3
		}
		n := len(f.Responses)
		out = append(out, Finding{
			Severity: sev, Category: "dns", rank: rank,
			Title: fmt.Sprintf("DNS lookup of %s failed: %s", f.Name, txt[0]),
			Detail: fmt.Sprintf("%d response%s from %s (frames %s): %s", n, plural(n), strings.Join(f.Servers, ", "),
				frameList(f.Responses), txt[1]),
			Frames: first(f.Responses),
			Filter: fmt.Sprintf("dns.flags.rcode == %d && dns.qry.name == %s", f.Rcode, strconv.Quote(f.Name)),
		})
	}
	for _, rc := range []uint8{dissect.DNSRcodeServFail, dissect.DNSRcodeRefused, dissect.DNSRcodeNXDomain} {
		if fs := skipped[rc]; len(fs) > 0 {
			sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
			out = append(out, Finding{
				Severity: "note", Category: "dns", rank: 3,
				Title:  fmt.Sprintf("%d more %s response%s for other names", len(fs), dnsRcodeText[rc][0], plural(len(fs))),
				Detail: "frames " + frameList(fs),
				Frames: first(fs), Filter: fmt.Sprintf("dns.flags.rcode == %d", rc),
			})
		}
	}
	out = append(out, unansweredFindings(r.Unanswered)...)
	if f, ok := slowFinding(r.Slowest); ok {
		out = append(out, f)
	}
	if r.Evicted > 0 || r.NotListed > 0 {
		out = append(out, Finding{
			Severity: "note", Category: "dns", rank: 4,
			Title: "DNS bookkeeping bounds reached",
			Detail: fmt.Sprintf("%d pending quer%s evicted from the pairing table (their late responses show as unsolicited), %d failure%s or unanswered quer%s counted but not listed",
				r.Evicted, yPlural(r.Evicted), r.NotListed, plural(r.NotListed), yPlural(r.NotListed)),
		})
	}
	return out
}

func yPlural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// unansweredFindings groups the queries never answered by server.
func unansweredFindings(ls []DNSLookup) []Finding {
	var order []string
	by := map[string][]DNSLookup{}
	for _, l := range ls {
		if _, ok := by[l.Server]; !ok {
			order = append(order, l.Server)
		}
		by[l.Server] = append(by[l.Server], l)
	}
	var out []Finding
	for _, srv := range order {
		g := by[srv]
		var frames []uint32
		var names []string
		retr := 0
		for _, l := range g {
			frames = append(frames, l.Query)
			retr += l.Retransmissions
			if len(names) < 5 && !slices.Contains(names, l.Name+" ("+l.Type+")") {
				names = append(names, l.Name+" ("+l.Type+")")
			}
		}
		more := ""
		if len(g) > len(names) {
			more = ", …"
		}
		parts := make([]string, len(frames))
		for i, f := range first(frames) {
			parts[i] = strconv.FormatUint(uint64(f), 10)
		}
		out = append(out, Finding{
			Severity: "warning", Category: "dns", rank: 1,
			Title: fmt.Sprintf("%d DNS quer%s to %s never answered", len(g), yPlural(len(g)), srv),
			Detail: fmt.Sprintf("%s: no response by the end of the trace (queries in frames %s, %d retransmission%s): the server is down or unreachable, a firewall drops DNS, or the capture ended first",
				strings.Join(names, ", ")+more, frameList(frames), retr, plural(retr)),
			Frames: first(frames),
			Filter: "frame.number in {" + strings.Join(parts[:len(first(frames))], ", ") + "}",
		})
	}
	return out
}

// slowFinding lists the slowest lookups when the slowest took 100 ms or more.
func slowFinding(ls []DNSLookup) (Finding, bool) {
	if len(ls) == 0 || ls[0].TimeNS < dnsSlowNote {
		return Finding{}, false
	}
	sev := "note"
	if ls[0].TimeNS >= dnsSlowWarning {
		sev = "warning"
	}
	var parts []string
	var frames []uint32
	for _, l := range ls {
		if len(parts) == dnsSlowListed || l.TimeNS < dnsSlowNote {
			break
		}
		s := fmt.Sprintf("%s (%s) %s from %s, frames %d → %d", l.Name, l.Type, seconds(l.TimeNS), l.Server, l.Query, l.Response)
		if l.Retransmissions > 0 {
			s += fmt.Sprintf(" after %d retransmission%s", l.Retransmissions, plural(l.Retransmissions))
		}
		parts = append(parts, s)
		frames = append(frames, l.Query, l.Response)
	}
	return Finding{
		Severity: sev, Category: "dns", rank: 4,
		Title:  fmt.Sprintf("Slowest DNS lookup: %s took %s", ls[0].Name, seconds(ls[0].TimeNS)),
		Detail: "slowest lookups: " + strings.Join(parts, "; "),
		Frames: frames, Filter: "dns.time >= 0.1",
	}, true
}
