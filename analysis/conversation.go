package analysis

import (
	"iter"
	"net/netip"

	"github.com/wirelens/wirelens/dissect"
)

// Conversation records: who talked to whom, how the TCP connection went (in Zeek's conn_state and history
// vocabulary) and the diagnostics that belong to the connection rather than to one segment — a refused
// connection, a reset, a SYN nobody answered.

// Endpoint is an address and a port.
type Endpoint struct {
	Addr netip.Addr
	Port uint16
}

func (e Endpoint) String() string { return netip.AddrPortFrom(e.Addr, e.Port).String() }

// AppendTo appends the endpoint as String writes it.
func (e Endpoint) AppendTo(b []byte) []byte { return netip.AddrPortFrom(e.Addr, e.Port).AppendTo(b) }

// Conversation is the summary of one TCP or UDP conversation. Side 0 is the client: the side that sent
// the first SYN (without ACK), else the receiver of the first SYN+ACK, else the first sender.
type Conversation struct {
	Proto       string // "tcp" or "udp"
	Stream      uint32
	Client      Endpoint
	Server      Endpoint
	FirstFrame  uint32
	LastFrame   uint32
	FirstTime   int64 // ns since the Unix epoch
	LastTime    int64
	Packets     [2]uint64 // client→server, server→client
	Bytes       [2]uint64 // frame bytes on the wire, each way
	Payload     [2]uint64 // TCP/UDP payload bytes, each way
	DataPkts    [2]uint64 // segments carrying payload, each way
	Retrans     [2]uint32 // retransmissions (any kind), each way
	LostSegs    [2]uint32 // "previous segment not captured", each way
	DupAcks     [2]uint32
	ZeroWindows [2]uint32
	IRTT        int64 // initial round-trip time, ns (0: unknown)
	State       string
	History     string
	SYNFrame    uint32   // the client's first SYN, 0 if none
	SYNs        uint32   // SYNs the client sent (first and retransmitted)
	SYNFrames   []uint32 // their frames (at most 16)
	SYNAckFrame uint32   // the server's first SYN+ACK
	RSTFrame    uint32   // the first RST
	RSTSide     int      // 0 client, 1 server
	Refused     bool     // the server answered the SYN with a RST
}

// convFacts are the facts of a Conversation that are gathered frame by frame; the rest of it is derived
// when the conversation is reported. Sides are key sides.
type convFacts struct {
	FirstFrame  uint32
	LastFrame   uint32
	FirstTime   int64
	LastTime    int64
	SYNFrame    uint32
	SYNs        uint32
	SYNAckFrame uint32
	RSTFrame    uint32
	SYNFrames   []uint32
	RSTSide     int8
	Refused     bool
}

// convRecord accumulates a Conversation while the trace is read, compactly: it is kept for every
// conversation until the end of the trace. Sides are indexed as in the key (0: key.a, 1: key.b) until the
// client is known.
type convRecord struct {
	c          convFacts
	key        convKey // the endpoints
	client     int8    // key side of the client, -1 unknown
	firstSide  int8
	synSide    int8
	synSeen    [2]bool
	synAckSeen [2]bool
	finSeen    [2]bool
	rstSeen    [2]bool
	dataSeen   [2]bool
	ackSeen    [2]bool
	nhist      uint8
	hist       [2 * len(histLetters)]byte // each letter at most once per side
	histSeen   [2]uint16                  // letters already recorded per side (bit per letter)
	pkts       [2]uint64
	bytes      [2]uint64
	payload    [2]uint64
	dataPkts   [2]uint64
	retrans    [2]uint32
	lost       [2]uint32
	dups       [2]uint32
	zw         [2]uint32
}

func endpointOf(a [16]byte, port uint16) Endpoint {
	if a[15] == 4 && a[4] == 0 && a[5] == 0 && a[6] == 0 && a[7] == 0 && a[8] == 0 && a[9] == 0 && a[10] == 0 && a[11] == 0 && a[12] == 0 && a[13] == 0 && a[14] == 0 {
		return Endpoint{netip.AddrFrom4([4]byte(a[:4])), port}
	}
	return Endpoint{netip.AddrFrom16(a), port}
}

func (r *convRecord) init(k convKey) {
	r.key = k
	r.client = -1
	r.firstSide = -1
	r.synSide = -1
}

// history letters, Zeek's: upper case for the client.
const histLetters = "shadfrtwg"

func (r *convRecord) letter(side int, l byte) {
	for i := 0; i < len(histLetters); i++ {
		if histLetters[i] == l {
			if r.histSeen[side]&(1<<i) != 0 {
				return
			}
			r.histSeen[side] |= 1 << i
			break
		}
	}
	r.hist[r.nhist] = l | byte(side)<<7 // the side is resolved to case once the client is known
	r.nhist++
}

// observe records one segment sent by key side `side` and adds the connection diagnostics to p.
func (r *convRecord) observe(p *dissect.Packet, fwd *seqState, side int, s *segment, a *dissect.TCPAnalysis) {
	if r.c.FirstFrame == 0 {
		r.c.FirstFrame, r.c.FirstTime = s.frame, s.time
		r.firstSide = int8(side)
	}
	r.c.LastFrame, r.c.LastTime = s.frame, s.time
	r.pkts[side]++
	r.bytes[side] += uint64(p.Len)
	r.payload[side] += uint64(s.len)
	syn, ack, fin, rst := s.has(dissect.TCPSyn), s.has(dissect.TCPAck), s.has(dissect.TCPFin), s.has(dissect.TCPRst)
	switch {
	case syn && !ack:
		r.synSeen[side] = true
		if r.client < 0 {
			r.client = int8(side)
		}
		if r.synSide < 0 {
			r.synSide = int8(side)
			r.c.SYNFrame = s.frame
		}
		if side == int(r.synSide) {
			r.c.SYNs++
			if len(r.c.SYNFrames) < 16 {
				r.c.SYNFrames = append(r.c.SYNFrames, s.frame)
			}
		}
		r.letter(side, 's')
	case syn && ack:
		r.synAckSeen[side] = true
		if r.client < 0 {
			r.client = int8(1 - side)
		}
		if r.c.SYNAckFrame == 0 {
			r.c.SYNAckFrame = s.frame
		}
		r.letter(side, 'h')
	}
	if s.len > 0 {
		r.dataPkts[side]++
		r.dataSeen[side] = true
		r.letter(side, 'd')
	} else if ack && !syn && !fin && !rst {
		r.ackSeen[side] = true
		r.letter(side, 'a')
	}
	if fin {
		r.finSeen[side] = true
		r.letter(side, 'f')
	}
	if a.Flags&(dissect.TCPARetransmission|dissect.TCPAFastRetransmission|dissect.TCPASpuriousRetransmission) != 0 {
		r.retrans[side]++
		if s.len > 0 {
			r.letter(side, 't')
		}
	}
	if a.Flags&dissect.TCPALostPacket != 0 {
		r.lost[side]++
		r.letter(side, 'g')
	}
	if a.Flags&dissect.TCPADuplicateAck != 0 {
		r.dups[side]++
	}
	if a.Flags&dissect.TCPAZeroWindow != 0 {
		r.zw[side]++
		r.letter(side, 'w')
	}
	segmentDiags(p, fwd, side, s, a)
	if rst {
		if !r.rstSeen[0] && !r.rstSeen[1] {
			r.c.RSTFrame = s.frame
			r.c.RSTSide = int8(side)
		}
		r.rstSeen[side] = true
		r.letter(side, 'r')
		r.resetDiag(p, side)
	}
}

// segmentDiags turns the TCP analysis verdicts of a segment into diagnostics. A retransmission names the
// frame that first sent its first byte (the oldest unacknowledged segment covering it), else tshark's RTO
// reference frame.
func segmentDiags(p *dissect.Packet, fwd *seqState, side int, s *segment, a *dissect.TCPAnalysis) {
	f := a.Flags
	if f == 0 {
		return // most segments: nothing to say
	}
	var orig uint32
	if f&(dissect.TCPARetransmission|dissect.TCPAFastRetransmission) != 0 {
		orig = a.RTOFrame
		for _, u := range fwd.segs {
			if u.frame != s.frame && !ltSeq(s.seq, u.seq) && (ltSeq(s.seq, u.nextseq) || u.seq == s.seq) {
				orig = u.frame
				break
			}
		}
	}
	switch {
	case f&dissect.TCPARetransmission != 0 && s.has(dissect.TCPSyn):
		p.AddDiag(dissect.Diag{Code: dissect.DiagSYNRetransmission, Frame: orig})
	case f&dissect.TCPARetransmission != 0:
		p.AddDiag(dissect.Diag{Code: dissect.DiagRetransmission, Frame: orig})
	case f&dissect.TCPAFastRetransmission != 0:
		p.AddDiag(dissect.Diag{Code: dissect.DiagFastRetransmission, Frame: orig})
	case f&dissect.TCPASpuriousRetransmission != 0:
		p.AddDiag(dissect.Diag{Code: dissect.DiagSpuriousRetransmission})
	case f&dissect.TCPAOutOfOrder != 0:
		p.AddDiag(dissect.Diag{Code: dissect.DiagOutOfOrder})
	}
	for _, m := range flagDiags {
		if f&m.flag != 0 {
			p.AddDiag(dissect.Diag{Code: m.code})
		}
	}
	if f&dissect.TCPADuplicateAck != 0 {
		p.AddDiag(dissect.Diag{Code: dissect.DiagDuplicateAck, Frame: a.DupAckFrame, N: a.DupAckNum})
	}
}

// flagDiags are the verdicts that become a diagnostic of their own, in the order they are added.
var flagDiags = [...]struct {
	flag dissect.TCPAFlag
	code dissect.DiagCode
}{
	{dissect.TCPALostPacket, dissect.DiagLostSegment},
	{dissect.TCPAAckLostPacket, dissect.DiagAckedUnseen},
	{dissect.TCPAZeroWindow, dissect.DiagZeroWindow},
	{dissect.TCPAZeroWindowProbe, dissect.DiagZeroWindowProbe},
	{dissect.TCPAZeroWindowProbeAck, dissect.DiagZeroWindowProbeAck},
	{dissect.TCPAWindowFull, dissect.DiagWindowFull},
	{dissect.TCPAWindowUpdate, dissect.DiagWindowUpdate},
	{dissect.TCPAKeepAlive, dissect.DiagKeepAlive},
	{dissect.TCPAKeepAliveAck, dissect.DiagKeepAliveAck},
	{dissect.TCPAReusedPorts, dissect.DiagReusedPorts},
}

// resetDiag: a RST from the side that received a SYN, before any SYN+ACK, refuses the connection;
// any other RST resets it, and the diagnostic says by whom.
func (r *convRecord) resetDiag(p *dissect.Packet, side int) {
	if r.synSide >= 0 && side != int(r.synSide) && !r.synAckSeen[side] && !r.dataSeen[side] {
		r.c.Refused = true
		p.AddDiag(dissect.Diag{Code: dissect.DiagRefused, Frame: r.c.SYNFrame})
		return
	}
	if r.clientSide() == side {
		p.AddDiag(dissect.Diag{Code: dissect.DiagResetByClient})
	} else {
		p.AddDiag(dissect.Diag{Code: dissect.DiagResetByServer})
	}
}

func (r *convRecord) clientSide() int {
	if r.client >= 0 {
		return int(r.client)
	}
	return int(max(r.firstSide, 0))
}

// unanswered reports whether the client's SYN never got a SYN+ACK or a RST.
func (r *convRecord) unanswered() bool {
	cs := r.clientSide()
	return r.synSide >= 0 && !r.synAckSeen[1-cs] && !r.rstSeen[1-cs] && !r.dataSeen[1-cs] && !r.ackSeen[1-cs]
}

// connState gives Zeek's conn_state for the conversation.
func (r *convRecord) connState() string {
	o := r.clientSide()
	s := 1 - o
	origSYN, respSYNACK := r.synSeen[o], r.synAckSeen[s]
	switch {
	case origSYN && !respSYNACK:
		switch {
		case r.rstSeen[s]:
			return "REJ"
		case r.rstSeen[o]:
			return "RSTOS0"
		case r.finSeen[o]:
			return "SH"
		case r.pkts[s] == 0:
			return "S0"
		}
		return "OTH"
	case !origSYN && respSYNACK:
		switch {
		case r.rstSeen[s]:
			return "RSTRH"
		case r.finSeen[s]:
			return "SHR"
		}
		return "OTH"
	case !origSYN && !respSYNACK:
		return "OTH"
	}
	switch {
	case r.rstSeen[o]:
		return "RSTO"
	case r.rstSeen[s]:
		return "RSTR"
	case r.finSeen[o] && r.finSeen[s]:
		return "SF"
	case r.finSeen[o]:
		return "S2"
	case r.finSeen[s]:
		return "S3"
	}
	return "S1"
}

// conversation returns the finished record with sides in client/server order.
func (r *convRecord) conversation(proto string, stream uint32, irtt int64, hc *histCache) Conversation {
	f := &r.c
	c := Conversation{
		FirstFrame: f.FirstFrame, LastFrame: f.LastFrame, FirstTime: f.FirstTime, LastTime: f.LastTime,
		SYNFrame: f.SYNFrame, SYNs: f.SYNs, SYNFrames: f.SYNFrames, SYNAckFrame: f.SYNAckFrame,
		RSTFrame: f.RSTFrame, RSTSide: int(f.RSTSide), Refused: f.Refused,
	}
	o := r.clientSide()
	s := 1 - o
	c.Proto, c.Stream, c.IRTT = proto, stream, irtt
	ep := [2]Endpoint{endpointOf(r.key.a, r.key.pa), endpointOf(r.key.b, r.key.pb)}
	c.Client, c.Server = ep[o], ep[s]
	c.Packets = [2]uint64{r.pkts[o], r.pkts[s]}
	c.Bytes = [2]uint64{r.bytes[o], r.bytes[s]}
	c.Payload = [2]uint64{r.payload[o], r.payload[s]}
	c.DataPkts = [2]uint64{r.dataPkts[o], r.dataPkts[s]}
	c.Retrans = [2]uint32{r.retrans[o], r.retrans[s]}
	c.LostSegs = [2]uint32{r.lost[o], r.lost[s]}
	c.DupAcks = [2]uint32{r.dups[o], r.dups[s]}
	c.ZeroWindows = [2]uint32{r.zw[o], r.zw[s]}
	if c.RSTFrame != 0 {
		if int(r.c.RSTSide) == o {
			c.RSTSide = 0
		} else {
			c.RSTSide = 1
		}
	}
	if proto == "tcp" {
		c.State = r.connState()
		var hb [len(r.hist)]byte // on the stack: the string is the one allocation, if any (hc)
		h := hb[:r.nhist]
		for i, l := range r.hist[:r.nhist] {
			side := int(l >> 7)
			l &= 0x7f
			if side == o {
				l -= 'a' - 'A'
			}
			h[i] = l
		}
		c.History = hc.str(h)
	} else {
		c.State = "S0"
		if r.pkts[s] > 0 {
			c.State = "SF"
		}
	}
	return c
}

// quietView is the part of the record's Conversation that Conversation.Quiet reads (sums over the two
// sides, the state, the SYNs and the first RST), made without the endpoints and the history string.
func (r *convRecord) quietView() Conversation {
	return Conversation{
		Proto: "tcp", State: r.connState(), SYNs: r.c.SYNs, RSTFrame: r.c.RSTFrame, Refused: r.c.Refused,
		Payload: r.payload, DataPkts: r.dataPkts, Retrans: r.retrans, LostSegs: r.lost, DupAcks: r.dups, ZeroWindows: r.zw,
	}
}

// SkipQuiet makes the tracker mark each conversation it evicts that Conversation.Quiet finds quiet, so
// that a ConvReader with SkipQuiet set passes over it without reading its record back (diagnose, which
// reports nothing about such a conversation but counts it). Call it before the first frame.
func (t *TCPStreams) SkipQuiet() { t.skipQuiet = true }

// Conversations returns the TCP conversations seen so far, by stream number.
func (t *TCPStreams) Conversations() []Conversation {
	out := make([]Conversation, 0, t.all.len())
	for c := range t.Each() {
		out = append(out, c)
	}
	return out
}

// Each yields the TCP conversations seen so far, by stream number, one at a time: a report that writes
// them as it goes holds one, not all of them.
func (t *TCPStreams) Each() iter.Seq[Conversation] {
	r := &ConvReader{t: t, cc: &t.done.cache}
	return r.Each(0, t.all.len())
}

// ConvReader reads the TCP conversations of ranges of streams. Once the trace has been read to the end,
// several goroutines may each read different ranges at once with a ConvReader of their own
// (NewConvReader), which reads evicted records back through its own cache (half the size of the trace's,
// so that two at once take the same memory).
type ConvReader struct {
	t    *TCPStreams
	cc   *chunkCache
	tmp  tcpConv
	hist histCache
	// SkipQuiet passes over the evicted conversations the tracker marked quiet (TCPStreams.SkipQuiet),
	// counting them in Quiet instead of yielding them. Conversations still held whole are yielded.
	SkipQuiet bool
	Quiet     int
}

// histCache hands out one string per connection history: a trace's connections share few histories (79
// among the 170,621 connections of the 16 GB benchmark capture, 14 among the 85,528 of the small-packet
// one), and a string made for each was garbage (1.38 MB of what conversations allocated on the
// 16 GB benchmark capture), resident until a collection came. A nil cache makes a string each time.
type histCache struct{ m map[string]string }

// maxHistories bounds the histories a histCache keeps.
const maxHistories = 1024

// str returns b as a string, the one kept for it if there is one.
func (hc *histCache) str(b []byte) string {
	if hc == nil {
		return string(b)
	}
	if s, ok := hc.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(hc.m) < maxHistories {
		if hc.m == nil {
			hc.m = make(map[string]string)
		}
		hc.m[s] = s
	}
	return s
}

// NewConvReader returns a reader of the conversations with a cache of its own (see ConvReader).
func (t *TCPStreams) NewConvReader() *ConvReader {
	return &ConvReader{t: t, cc: &chunkCache{size: doneCache / 2}}
}

// Each yields the conversations of streams [lo, hi) in order.
func (r *ConvReader) Each(lo, hi int) iter.Seq[Conversation] {
	return func(yield func(Conversation) bool) {
		t := r.t
		for s := lo; s < min(hi, t.all.len()); s++ {
			if r.SkipQuiet && t.all.conv(uint32(s)) == nil && t.all.quiet(uint32(s), &r.cc.page) {
				r.Quiet++
				continue
			}
			c := t.recordWith(uint32(s), &r.tmp, r.cc)
			irtt := int64(0)
			if c.irttSet {
				irtt = c.irtt
			}
			if !yield(c.rec.conversation("tcp", c.stream, irtt, &r.hist)) {
				return
			}
		}
	}
}

// Late returns the diagnostics that only the end of the trace can give, by frame: "No acknowledgement
// received for this SYN" on the first SYN of a connection nobody answered.
func (t *TCPStreams) Late() map[uint32][]dissect.Diag {
	late := map[uint32][]dissect.Diag{}
	var tmp tcpConv
	for s := range t.all.len() {
		c := t.record(uint32(s), &tmp)
		if c.rec.unanswered() && c.rec.c.SYNFrame != 0 {
			late[c.rec.c.SYNFrame] = append(late[c.rec.c.SYNFrame], dissect.Diag{Code: dissect.DiagSYNUnanswered})
		}
	}
	return late
}
