package analysis

import (
	"bytes"
	"cmp"
	"github.com/wirelens/wirelens/internal/recycle"
	"net/netip"
	"slices"
	"strconv"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/reassembly"
)

// HTTP/1.x over TCP. HTTPStreams follows the payload of every TCP stream that tshark 4.0 would give to
// HTTP, collects the segments a message spans the way Wireshark's TCP desegmentation does (a
// "multi-segment PDU" per direction: the HTTP parser says how many more bytes it needs, or one more
// segment, or everything until the FIN), and attaches each message to the frame that completes it. It
// pairs requests and responses twice:
//
//   - as tshark 4.0 does, for the http.* fields (http.request_in, http.time): every request opens a record
//     that becomes the tail; a response takes the tail unless the tail already has a response, in which
//     case it opens a record with no request (so pipelined requests are paired wrongly, and after a 100
//     Continue the final response is unpaired);
//   - as operations, first in first out (as Zeek does), which is correct for pipelining and 1xx: this is
//     what `wirelens http`, diagnose and the workspace show. Where the two pairings differ the operation
//     says so (HTTPOperation.TsharkRequestIn).
//
// Retransmitted and out-of-order segments are not given to HTTP, as tshark 4.0 does by default
// (tcp.no_subdissector_on_error); a message whose bytes were never all captured is never complete and is
// not shown (a diagnostic says a message was cut short when a stream ends inside one).

// HTTPOperation is one request and its response.
type HTTPOperation struct {
	Stream              int    // tcp.stream
	ReqFrame, RespFrame uint32 // the frames that complete the request and the response (0: absent)
	ReqTime, RespTime   int64  // their times, ns since the Unix epoch
	Client, Server      string // address:port
	Method, Host, URI   string
	Version             string
	Status              int
	Phrase              string
	BodyLen             int64 // bytes of the response body as sent (chunk framing included)
	ServerHeader        string
	Location            string
	ContentType         string
	UserAgent           string
	Auth                string // the authentication scheme the request or the server's challenge uses (NTLM, Negotiate, Basic…)
	Interim             []int  // 1xx status codes received before the final response
	// TsharkRequestIn is the request frame tshark 4.0 pairs with this response (http.request_in); it
	// differs from ReqFrame with pipelining or a 1xx response.
	TsharkRequestIn uint32
	// Recovered is set when tshark does not show the response at all: its bytes were completed only by
	// retransmitted or out-of-order segments, which tshark 4.0 does not give to HTTP.
	Recovered bool
	// Chain numbers the redirect chain this operation belongs to (0: none); set by LinkRedirects.
	Chain int
	// Notes says what is unusual: "no response", "no request", "cut short".
	Notes string

	// reqHead is a copy of the request's head while the request's strings wait to be made (see
	// HTTPStreams.Wants), sent from side reqSide of the stream.
	reqHead []byte
	reqSide int
}

// ResponseTime returns the time from the request to the response, ns (-1 if either is missing).
func (o *HTTPOperation) ResponseTime() int64 {
	if o.ReqFrame == 0 || o.RespFrame == 0 {
		return -1
	}
	return o.RespTime - o.ReqTime
}

// URL returns http://host/uri (or the URI when it is absolute or there is no Host).
func (o *HTTPOperation) URL() string {
	if o.Host == "" || len(o.URI) > 0 && o.URI[0] != '/' {
		return o.URI
	}
	return "http://" + o.Host + o.URI
}

// HeldWithin says whether the bytes the reassembly holds now are at most the given fraction (1/n) of
// what all streams may hold at once: a tracker that sees some of a trace's streams (one lane of n) stays
// within it, or the cap on them all could hit in one tracker of the whole trace where it does not here.
func (h *HTTPStreams) HeldWithin(n int) bool { return h.held <= httpMaxTotal/int64(n) }

// Memory caps of HTTP reassembly.
const (
	httpMaxPDU       = 64 << 20  // bytes one message may collect
	httpMaxTotal     = 256 << 20 // bytes all streams may hold at once
	httpMaxPending   = 100       // requests waiting for a response on one stream (as Zeek)
	httpMaxFirstPart = 1 << 20   // Wireshark starts a multi-segment PDU only within 1 MiB of its start
)

// httpHollowAt is the length past which a PDU whose first line has no end yet keeps only its first
// httpHollowAt bytes, when the line can only be Continuation data (see HTTPStreams.hollow). A variable
// for the tests, which compare with and without.
var httpHollowAt = 64 << 10

// HTTPStreams is the HTTP analyzer. It is fed every packet in capture order after TCPStreams.
type HTTPStreams struct {
	streams     slotTable[*httpStream]  // the streams in progress
	held        int64                   // bytes held in reassembly buffers
	servers     slotTable[uint16]       // server port of streams with a handshake and no state yet
	opBudget    reassembly.Budget       // out-of-order bytes the operations view buffers, over all streams
	opTimes     recycle.Pool[frameTime] // arrays of the operations views' frame times (opStream.times)
	opHeads     recycle.Pool[byte]      // arrays of the operations views' message heads (opDir.head)
	addrMemo    [2]addrMemo             // two addresses formatted (addrString)
	addrHit     int                     // the addrMemo entry found last
	capHit      int                     // set by add when a PDU hits a cap: its size, for the frame's diagnostic (-1: none)
	freeOpers   pool[HTTPOperation]     // operations emitted, for reuse (newOp)
	freeStreams pool[httpStream]        // finished streams, for reuse (newStream)
	// OnOperation, if set, is called with each finished operation (a response arrived, or at Close a
	// request left without one). The operation is valid only during the call (it is reused): copy it
	// to keep it. Without it the operations view still runs, for its diagnostics, but fills in only
	// what they need (frames, times, method, status, notes), not the addresses and header strings.
	OnOperation func(op *HTTPOperation)
	// Wants, if set with OnOperation, says whether OnOperation reads an operation's request strings
	// (Client, Server, Host, URI, Version, UserAgent, Auth). It is asked when the operation is finished,
	// with those left empty; the request's head is kept until then and the strings are made only for
	// the operations it wants (diagnose's report reads them for errors, redirects and the slowest).
	Wants func(op *HTTPOperation) bool
	// Defer, if set with OnOperation (in place of Wants), is given the request head of each operation
	// whose request strings wait to be made (valid only during the call), with the request's two ends,
	// just before OnOperation gets the operation: its reader makes them later, if it wants them, with
	// HTTPOperation.SetRequestStrings. For a reader on another goroutine, whose Wants cannot be asked.
	Defer func(op *HTTPOperation, head []byte, client, server netip.AddrPort)
	// Slow is the response time above which a response gets a "slow" diagnostic (default 1 s).
	Slow int64
	// NoFields skips tshark's view: no HTTP layers on the frames (no http.* fields), only the
	// operations and their diagnostics (for diagnose, which shows no fields). The operations then cannot
	// say where tshark pairs differently.
	NoFields bool
	late     map[uint32][]dissect.Diag
	// respIn maps a request frame to the frame of the response tshark pairs with it (http.response_in):
	// filled in a first pass (RecordResponses), read in the second (UseResponses).
	respIn    map[uint32]uint32
	useRespIn bool
	// strs holds the strings of operations seen before (methods, versions, hosts, servers …), so that
	// the thousands of operations that repeat them share one copy.
	strs map[string]string
	// strLast holds the string str gave last for each of a few hashes of a value's length and end bytes:
	// the same few values (a method, "OK", "HTTP/1.1", a content type) come in nearly every message, and
	// comparing the bytes with the one held is cheaper than hashing them for strs.
	strLast [64]string
	// last is the stream of the previous segment (segments of one stream often come in runs), or nil.
	last *httpStream
	// freeOps holds the operations views of finished streams, for reuse.
	freeOps pool[opStream]
	// shared holds the heads tshark's view read whole from the segment being analysed (nShared of
	// them), for the operations view, which reads the same bytes next (see sharedHead).
	shared     [4]sharedHead
	nShared    int
	sharedUsed int // heads the operations view took from tshark's view (for tests)
	// Counters for the trace's story.
	Requests, Responses, CutShort, CapHits int
}

// NewHTTPStreams returns an HTTP analyzer.
func NewHTTPStreams() *HTTPStreams {
	return &HTTPStreams{Slow: 1e9, late: map[uint32][]dissect.Diag{}, strs: map[string]string{},
		freeOps: pool[opStream]{max: maxFreeOps}, freeStreams: pool[httpStream]{max: maxFreeStreams}, freeOpers: pool[HTTPOperation]{max: maxFreeOpers}}
}

// maxStrs bounds HTTPStreams.strs; past it, strings are copied as they come.
const maxStrs = 4096

// str returns b as a string, shared with an earlier operation's when they are equal (short strings only).
func (h *HTTPStreams) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 128 {
		return string(b)
	}
	last := &h.strLast[(uint(len(b))*31+uint(b[0])*7+uint(b[len(b)-1]))%uint(len(h.strLast))]
	if *last == string(b) {
		return *last
	}
	s, ok := h.strs[string(b)]
	if !ok {
		s = string(b)
		if len(h.strs) < maxStrs {
			h.strs[s] = s
		}
	}
	*last = s
	return s
}

type httpStream struct {
	id       uint32
	srcAddr  netip.Addr // side 0 is the first packet's source
	srcPort  uint16
	dstAddr  netip.Addr
	dstPort  uint16
	addrs    [2]string // address:port of each side, formatted when an operation first needs them
	server   uint16
	hasSrv   bool
	heurFrom uint32 // the HTTP heuristic made HTTP the conversation's dissector from this frame on
	state    dissect.HTTPConvState
	dirs     [2]httpDir
	// tshark's pairing records: only the tail and the one before it are ever read.
	recs        uint32
	tail        httpRec
	prev        httpRec
	hasTail     bool
	pending     []*HTTPOperation // FIFO of requests waiting for a response
	interim     []int            // 1xx codes that came before their request was complete (100 Continue)
	isHTTP      bool             // tshark's view found HTTP on the stream: the operations view reads it too
	ops         *opStream        // the operations view's reassembly and parsers
	opsSwitched bool             // a 101 or a CONNECT made the stream carry another protocol
	lastFrame   uint32           // the stream's last frame and its time
	lastTime    int64
	tsharkResp  [8]tsharkResp
	tsharkN     int
	fin         [2]bool // a FIN was seen in each direction
}

type httpRec struct {
	number   uint32
	reqFrame uint32
	resFrame uint32
	reqTime  int64
	hasReq   bool
}

// httpDir is one direction's multi-segment PDU (Wireshark's tcp_multisegment_pdu), at most one at a time.
type httpDir struct {
	active     bool
	seq        uint32 // sequence number of the PDU's first byte
	nxtpdu     uint32 // sequence number after the PDU, as far as known
	entire     bool   // the next segment is taken whole (the PDU's length is not known yet)
	firstFrame uint32
	lastFrame  uint32
	buf        []byte // the PDU's bytes from seq (holes are zero until filled)
	cov        []span // byte ranges of buf received
	total      int    // the PDU's length once its last segment has been added; -1 before
	untilFIN   bool   // the flow is being reassembled until its FIN
	fin        uint32 // the frame of the flow's FIN
	overflow   bool   // the PDU outgrew httpMaxPDU: it will never be complete
	// sparse PDUs keep only their first keep bytes (a message's head): the rest of a body whose length
	// the head gives is counted in cov but not copied.
	sparse bool
	keep   int
	// headOpen is set when the last dissection found the message's head without an end of line up to
	// scanned: until new bytes bring one, dissecting again would give the same answer.
	headOpen bool
	scanned  int
	// hollow PDUs are sparse PDUs whose first line outgrew httpHollowAt with no end of line, no colon
	// and no start of a message in it (HTTPStreams.hollow): only the line's end is looked for in the
	// bytes not kept (scanHollow).
	hollow  bool
	lineEnd bool // hollow: the first line has ended (a LF, or a CR and any byte after it)
	crLast  bool // hollow: the last byte counted is a CR, that a LF may follow
}

// clear ends the PDU in progress.
func (d *httpDir) clear() {
	d.buf, d.cov, d.active, d.entire, d.total, d.overflow, d.sparse, d.headOpen = nil, nil, false, false, -1, false, false, false
	d.hollow, d.lineEnd, d.crLast = false, false, false
}

type span struct{ a, b int }

func seqLT(a, b uint32) bool { return int32(a-b) < 0 }

// Observe follows the TCP payload of the packet. Call it after TCPStreams.Observe.
func (h *HTTPStreams) Observe(p *dissect.Packet) {
	if !p.MayHave(dissect.ProtoTCP) {
		return
	}
	h.capHit = -1
	n := p.N
	for i := 0; i < n; i++ {
		l := &p.Layers[i]
		if !tracked(l) || !p.TCP[l.Aux].Valid {
			continue
		}
		h.segment(p, i, l)
	}
	if h.capHit >= 0 {
		p.AddDiag(dissect.Diag{Code: dissect.DiagHTTPReassemblyCap, N: uint32(h.capHit)})
	}
}

func (h *HTTPStreams) stream(s *httpStream, id uint32, src, dst []byte, sp, dp uint16) (*httpStream, int) {
	if s != nil && s.srcPort != s.dstPort {
		// The ports of a stream's two ends differ: the sender's port says which end it is.
		if sp == s.srcPort {
			return s, 0
		}
		return s, 1
	}
	a, _ := netip.AddrFromSlice(src)
	if s == nil {
		b, _ := netip.AddrFromSlice(dst)
		s = h.newStream()
		pending := s.pending[:0] // a reused stream's (finish emptied it)
		if cap(pending) > 8 {
			pending = nil
		}
		*s = httpStream{id: id, srcAddr: a, srcPort: sp, dstAddr: b, dstPort: dp, pending: pending}
		for d := range s.dirs {
			s.dirs[d].total = -1
		}
		h.streams.set(id, s)
	}
	if a == s.srcAddr && sp == s.srcPort {
		return s, 0
	}
	return s, 1
}

// chooseHTTP says whether tshark would hand this payload to HTTP, as decode_tcp_ports picks a
// dissector: the conversation's dissector (set by the HTTP heuristic), then the server port seen in the
// handshake, the lower port, the higher port, and last the heuristics. A port that tshark's tcp.port
// table gives to another dissector keeps HTTP away.
func (s *httpStream) chooseHTTP(frame uint32, sp, dp uint16, payload []byte) bool {
	if s.heurFrom != 0 && frame >= s.heurFrom {
		return true
	}
	try := func(port uint16) (bool, bool) {
		switch tcpPortClaims[port] {
		case portHTTP:
			return true, true
		case portOther:
			return false, true
		}
		return false, false
	}
	if s.hasSrv {
		if yes, decided := try(s.server); decided {
			return yes
		}
	}
	lo, hi := sp, dp
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo != 0 {
		if yes, decided := try(lo); decided {
			return yes
		}
	}
	if hi != 0 {
		if yes, decided := try(hi); decided {
			return yes
		}
	}
	if httpHeuristic(payload) {
		s.heurFrom = frame
		return true
	}
	return false
}

// What tshark's tcp.port table does with a port (tcpPortClaims).
const (
	portFree  uint8 = iota // no dissector, or one that lets HTTP through (tcpRejects): the heuristics decide
	portHTTP               // HTTP's port
	portOther              // another dissector claims the connection
)

// tcpPortClaims is tcpPortHTTP, tcpPortOther and tcpRejects read once into a table by port: a lookup per
// segment tshark would give to HTTP, rather than two map lookups and the hash of a dissector's name.
var tcpPortClaims = func() *[1 << 16]uint8 {
	var t [1 << 16]uint8
	for port, name := range tcpPortOther {
		if !tcpRejects[name] {
			t[port] = portOther
		}
	}
	for port, http := range tcpPortHTTP {
		if http {
			t[port] = portHTTP
		}
	}
	return &t
}()

// tcpRejects lists the port-registered dissectors that check their data and decline what is not theirs,
// so that tshark goes on to the heuristics (found on the corpus: Modbus/TCP on 502, GSM over IP on 5000 and S101 on 9000
// let HTTP through). Every other port-registered dissector is taken to claim the connection.
var tcpRejects = map[string]bool{"mbtcp": true, "s101": true, "gsm_ipa": true}

// httpHeuristic is Wireshark's dissect_http_heur_tcp: the first line (ended by CR or LF) starts or ends
// with "HTTP/1." (any case) and is not 8 characters long.
func httpHeuristic(b []byte) bool {
	n := -1
	for i, c := range b {
		if c == '\r' || c == '\n' {
			if c == '\r' && i+1 >= len(b) {
				return false
			}
			n = i
			break
		}
	}
	if n < 0 || n == 8 {
		return false
	}
	fold := func(x []byte) bool {
		const t = "http/1."
		if len(x) < len(t) {
			return false
		}
		for k := 0; k < len(t); k++ {
			c := x[k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != t[k] {
				return false
			}
		}
		return true
	}
	return fold(b[:n]) || (n >= 8 && fold(b[n-8:n]))
}

func (h *HTTPStreams) segment(p *dissect.Packet, i int, l *dissect.Layer) {
	// The header's fields as the tracker copied them: the frame's bytes are read only for a payload.
	c := &p.TCP[l.Aux]
	sp, dp, seq, flags, reported := c.SrcPort, c.DstPort, c.RawSeq, c.Flags, int(c.PayloadLen)
	h.nShared = 0 // heads read from an earlier segment: its bytes may be gone
	s := h.last
	if s == nil || s.id != c.Stream {
		s, _ = h.streams.get(c.Stream)
	}
	if s == nil {
		// A stream has no state until it carries data: only the server port its handshake names is
		// kept (tshark tries that port first), so connections that never carry data cost nothing.
		if flags&dissect.TCPSyn != 0 {
			port := dp
			if flags&dissect.TCPAck != 0 {
				port = sp
			}
			h.servers.set(c.Stream, port)
		}
		if reported == 0 {
			if flags&(dissect.TCPRst|dissect.TCPFin) != 0 {
				h.servers.del(c.Stream)
			}
			return
		}
	}
	src, dst := p.NetAddrs(i)
	if src == nil {
		return
	}
	created := s == nil
	s, side := h.stream(s, c.Stream, src, dst, sp, dp)
	if created {
		if port, ok := h.servers.get(c.Stream); ok {
			s.hasSrv, s.server = true, port
			h.servers.del(c.Stream)
		}
	}
	if flags&dissect.TCPSyn != 0 {
		s.hasSrv = true
		if flags&dissect.TCPAck != 0 {
			s.server = sp
		} else {
			s.server = dp
		}
	}
	var payload []byte
	if reported > 0 {
		all := p.Bytes(l)
		payload = all[min(int(l.Off+l.Hdr), len(all)):min(int(l.End), len(all))]
		if len(payload) > reported {
			payload = payload[:reported]
		}
	}
	switch {
	case h.NoFields:
		// Only the operations: the stream is HTTP when tshark would give it to HTTP.
		if !s.isHTTP && reported > 0 && c.A.Flags&(httpRetrans|dissect.TCPAOutOfOrder) == 0 && s.chooseHTTP(uint32(p.Num), sp, dp, payload) {
			s.isHTTP = true
		}
	case !s.state.Switched:
		h.segmentTshark(p, i, s, side, c, sp, dp, seq, flags, payload, reported)
	}
	s.lastFrame, s.lastTime = uint32(p.Num), p.TimeNS
	// The operations view: every segment of a stream known to carry HTTP, retransmissions included.
	if s.isHTTP && !s.opsSwitched && (reported > 0 || flags&(dissect.TCPFin|dissect.TCPSyn|dissect.TCPRst) != 0) {
		h.opFeed(p, s, side, seq, c.RawAck, flags, payload, reported)
	}
	// A stream closed both ways (or reset) is finished and forgotten: memory stays flat however many
	// connections the trace holds.
	if flags&dissect.TCPFin != 0 {
		s.fin[side] = true
	}
	h.last = s
	if flags&dissect.TCPRst != 0 || s.fin[0] && s.fin[1] {
		h.finish(s)
		h.streams.del(s.id)
		h.last = nil
		h.freeStreams.put(s) // finish left nothing that refers to it
	}
}

// segmentTshark follows tshark's desegmentation for one segment and attaches the messages it completes
// to the packet (the http.* fields).
func (h *HTTPStreams) segmentTshark(p *dissect.Packet, i int, s *httpStream, side int, c *dissect.TCPConv, sp, dp uint16, seq uint32, flags uint16, payload []byte, reported int) {
	canDeseg := len(payload) == reported
	fin := flags&dissect.TCPFin != 0
	frame := uint32(p.Num)
	d := &s.dirs[side]
	a := c.A.Flags

	// The end of a flow reassembled until its FIN: the FIN completes the PDU, dissected at the end of
	// the stream.
	if fin && canDeseg && d.untilFIN && (d.fin == 0 || d.fin == frame) {
		d.fin = frame
		if d.active && seqLT(d.seq, seq) {
			h.add(d, int(seq-d.seq), payload, true)
			if d.complete() {
				buf, have := h.take(d)
				h.dissect(p, i, s, side, buf, have, have, true, false, true)
				return
			}
		}
	}
	// The payload of a RST is its "reset cause", never given to a dissector; a keep-alive's byte is garbage.
	if reported == 0 || a&dissect.TCPAKeepAlive != 0 || flags&dissect.TCPRst != 0 {
		return
	}
	nxtseq := seq + uint32(reported)
	off := 0
	for off < len(payload) {
		segSeq := seq + uint32(off)
		rest := payload[off:]
		if off == 0 {
			if d.active && d.seq == segSeq && !seqLT(d.nxtpdu, nxtseq) && frame != d.firstFrame && frame != d.lastFrame {
				return // a retransmission of the PDU's first segment
			}
			if a&httpRetrans != 0 {
				return
			}
		}
		if d.active && seqLT(d.seq, segSeq) && seqLT(segSeq, d.nxtpdu) {
			d.lastFrame = frame
			n := len(rest)
			if !d.entire {
				n = int(min(nxtseq-segSeq, d.nxtpdu-segSeq))
			}
			n = min(n, len(rest))
			last := !seqLT(nxtseq, d.nxtpdu)
			h.add(d, int(segSeq-d.seq), rest[:n], last)
			complete := d.complete()
			if complete && d.entire {
				d.entire = false
				if seqLT(d.nxtpdu, nxtseq) {
					d.nxtpdu = nxtseq
				}
			}
			another := 0
			if seqLT(d.nxtpdu, nxtseq) && !seqLT(d.nxtpdu, segSeq) && n > 0 {
				another = int(d.nxtpdu - segSeq)
			}
			if !complete {
				if another > 0 {
					off += another
					continue
				}
				return
			}
			if a&(httpRetrans|dissect.TCPAOutOfOrder) != 0 || !s.chooseHTTP(frame, sp, dp, d.buf) {
				h.drop(d)
				if another > 0 {
					off += another
					continue
				}
				return
			}
			have := d.total
			buf := d.buf[:min(have, len(d.buf))]
			var nd dissect.HTTPNeed
			switch {
			case d.hollow && !d.lineEnd, d.headOpen && !d.sparse && !hasLineEnd(buf[max(d.scanned-1, 0):]):
				// The head still has no end of line: the answer is the same as last time.
				nd = dissect.HTTPNeed{Off: 0, Need: dissect.HTTPNeedOneMoreSegment}
			case d.hollow:
				// The first line has ended: the whole PDU is Continuation data (see hollow). The bytes
				// kept, dissected as they are (without asking for more), give that answer.
				nd = h.dissect(p, i, s, side, buf, have, have, fin, false, true)
			default:
				nd = h.dissect(p, i, s, side, buf, have, have, fin, true, true)
			}
			switch {
			case nd.Need != 0 && nd.Off == 0:
				// Nothing was shown: the same PDU goes on, in place.
				d.total = -1
				d.headOpen, d.scanned = nd.BodyStart == 0 && nd.Need == dissect.HTTPNeedOneMoreSegment, len(buf)
				h.extend(d, segSeq, n, len(rest), nd.Need)
				if bodyLenKnownOrToFIN(nd.Need) && nd.BodyStart > 0 {
					h.makeSparse(d, nd.BodyStart)
				}
				if d.headOpen && d.entire && !d.sparse && len(buf) > httpHollowAt && len(buf)-n <= httpHollowAt {
					// Once, as the PDU grows past httpHollowAt: a line that cannot be hollowed then
					// never can (it starts a message, or holds a colon), and looking again at every
					// segment would read the whole line each time.
					h.hollow(d, buf)
				}
				off += n
				continue
			case nd.Need != 0:
				// The PDU's last message needs more: keep what follows its start as a new PDU.
				h.take(d)
				h.restart(d, segSeq, buf, nd.Off, frame)
				h.extend(d, segSeq, n, len(rest), nd.Need)
				if bodyLenKnownOrToFIN(nd.Need) && nd.BodyStart > nd.Off {
					h.makeSparse(d, nd.BodyStart-nd.Off)
				}
				off += n
				continue
			}
			h.take(d)
			if another > 0 {
				off += another
				continue
			}
			return
		}
		// Not part of a PDU: the segment is dissected on its own.
		if a&(httpRetrans|dissect.TCPAOutOfOrder) != 0 || !s.chooseHTTP(frame, sp, dp, rest) {
			return
		}
		nd := h.dissect(p, i, s, side, rest, len(rest), reported-off, fin, canDeseg, false)
		needOff, need, bodyStart := nd.Off, nd.Need, nd.BodyStart
		if need != 0 && canDeseg {
			desegSeq := segSeq + uint32(needOff)
			if need == dissect.HTTPNeedUntilFIN {
				d.untilFIN = true
			}
			if nxtseq-desegSeq <= httpMaxFirstPart {
				h.drop(d)
				d.active = true
				d.seq = desegSeq
				d.firstFrame, d.lastFrame = frame, frame
				d.total = -1
				switch need {
				case dissect.HTTPNeedOneMoreSegment:
					d.nxtpdu = nxtseq + 1
					d.entire = true
				case dissect.HTTPNeedUntilFIN:
					d.nxtpdu = nxtseq + 0x40000000
				default:
					d.nxtpdu = nxtseq + uint32(need)
				}
				if bodyLenKnownOrToFIN(need) && bodyStart > needOff {
					h.makeSparse(d, bodyStart-needOff)
				}
				h.add(d, 0, rest[needOff:], !seqLT(nxtseq, d.nxtpdu))
				d.headOpen, d.scanned = bodyStart == 0 && need == dissect.HTTPNeedOneMoreSegment, len(rest)-needOff
			}
		}
		return
	}
}

// bodyLenKnownOrToFIN says whether a message whose head is complete may keep only its head (makeSparse):
// its body's length is known (need > 0), or it runs until the FIN. No http.* field reads a body, so the
// body is only counted, never kept (a download reset or cut short would otherwise be held whole).
func bodyLenKnownOrToFIN(need int) bool { return need > 0 || need == dissect.HTTPNeedUntilFIN }

// add stores a fragment of the PDU at offset at; last marks the fragment that ends it.
func (h *HTTPStreams) add(d *httpDir, at int, b []byte, last bool) {
	if at < 0 || d.overflow {
		return
	}
	end := at + len(b)
	if last {
		d.total = end
	}
	full := span{at, end}
	if d.hollow {
		h.scanHollow(d, at, b)
		if d.overflow {
			return
		}
	}
	if d.sparse {
		// Only the head is kept; the body is counted.
		if at >= d.keep {
			d.cov = addSpan(d.cov, full)
			return
		}
		b = b[:min(len(b), d.keep-at)]
		end = at + len(b)
	}
	if end > httpMaxPDU || h.held+int64(end-len(d.buf)) > httpMaxTotal {
		d.overflow = true
		h.CapHits++
		h.capHit = len(d.buf)
		return
	}
	if end > len(d.buf) {
		h.held += int64(end - len(d.buf))
		if end > cap(d.buf) {
			// Grow by appending: only the new tail is cleared.
			d.buf = append(d.buf[:cap(d.buf)], make([]byte, end-cap(d.buf))...)[:end]
		} else {
			d.buf = d.buf[:end]
		}
	}
	// The first copy of a byte wins, as in Wireshark's reassembly.
	pos := at
	for _, r := range d.cov {
		if pos >= end {
			break
		}
		if r.b <= pos {
			continue
		}
		if r.a > pos {
			copy(d.buf[pos:min(r.a, end)], b[pos-at:])
		}
		pos = max(pos, r.b)
	}
	if pos < end {
		copy(d.buf[pos:end], b[pos-at:])
	}
	d.cov = addSpan(d.cov, full)
}

func addSpan(cov []span, s span) []span {
	if s.a >= s.b {
		return cov
	}
	// The usual case, data in order: the span extends the last one, in place.
	if n := len(cov); n > 0 && cov[n-1].a <= s.a && s.a <= cov[n-1].b {
		cov[n-1].b = max(cov[n-1].b, s.b)
		return cov
	}
	out := cov[:0:0]
	placed := false
	for _, r := range cov {
		switch {
		case r.b < s.a:
			out = append(out, r)
		case s.b < r.a:
			if !placed {
				out = append(out, s)
				placed = true
			}
			out = append(out, r)
		default:
			s = span{min(s.a, r.a), max(s.b, r.b)}
		}
	}
	if !placed {
		out = append(out, s)
	}
	// Keep the list sorted.
	for i := len(out) - 1; i > 0 && out[i].a < out[i-1].a; i-- {
		out[i], out[i-1] = out[i-1], out[i]
	}
	return out
}

func (d *httpDir) complete() bool {
	return d.active && !d.overflow && d.total >= 0 && len(d.cov) > 0 && d.cov[0].a == 0 && d.cov[0].b >= d.total
}

// take hands the completed PDU's bytes over (the packet keeps them) and ends the PDU. It returns the
// bytes kept and the PDU's length (larger for a sparse PDU).
func (h *HTTPStreams) take(d *httpDir) ([]byte, int) {
	total := d.total
	b := d.buf[:min(total, len(d.buf))]
	h.held -= int64(len(d.buf))
	d.clear()
	return b, total
}

func (h *HTTPStreams) drop(d *httpDir) {
	h.held -= int64(len(d.buf))
	d.clear()
}

// makeSparse lets a PDU keep only its first keep bytes: the head of a message whose body length is known.
func (h *HTTPStreams) makeSparse(d *httpDir, keep int) {
	if keep <= 0 || d.entire {
		return
	}
	d.sparse, d.keep = true, keep
	if len(d.buf) > keep {
		h.held -= int64(len(d.buf) - keep)
		d.buf = d.buf[:keep:keep]
	}
}

// hollow makes a PDU whose first line has grown past httpHollowAt without an end keep only its first
// httpHollowAt bytes, when the line can only be Continuation data: its first bytes start no message
// (dissect.HTTPStartsNoMessage) and it holds no colon. Once such a line ends, tshark's view shows the
// whole PDU as Continuation data, whatever the bytes in between: its header loop stops at the first
// line, which is neither a start line nor a header line. So only the end of the line is looked for in
// the bytes that follow (scanHollow). A colon before the end would make the line a header line, whose
// bytes the view shows: the PDU is then given up as over a cap (a diagnostic says so). This is for
// long runs of bytes with no line end and no colon: a body whose head was lost (its segment was
// retransmitted, so not given to HTTP), which would otherwise be kept until its end.
func (h *HTTPStreams) hollow(d *httpDir, buf []byte) {
	off := 0
	if len(buf) > 3 && buf[0] == '\r' && buf[1] == '\n' {
		off = 2 // a leading CRLF, which the parser skips
	}
	line := buf[off:]
	if !dissect.HTTPStartsNoMessage(line) || bytes.IndexByte(line, ':') >= 0 {
		return
	}
	crLast := false
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		if i != len(line)-1 || line[i] != '\r' {
			return // the line has ended after all
		}
		crLast = true
	}
	d.sparse, d.keep, d.hollow, d.lineEnd, d.crLast = true, httpHollowAt, true, false, crLast
	if len(d.buf) > d.keep {
		h.held -= int64(len(d.buf) - d.keep)
		d.buf = append([]byte(nil), d.buf[:d.keep]...)
	}
}

// scanHollow looks for the end of a hollow PDU's first line in the bytes of fragment b (at offset at)
// that no earlier fragment brought. A colon before it gives the PDU up (see hollow).
func (h *HTTPStreams) scanHollow(d *httpDir, at int, b []byte) {
	if d.lineEnd {
		return
	}
	if n := len(d.cov); n > 0 && d.cov[n-1].b > at {
		b = b[min(d.cov[n-1].b-at, len(b)):]
	}
	if len(b) == 0 {
		return
	}
	if d.crLast {
		d.lineEnd = true // the CR ended the line, with a LF after it or not
		return
	}
	switch i := bytes.IndexAny(b, "\r\n:"); {
	case i < 0:
	case b[i] == ':':
		d.overflow = true
		h.CapHits++
		h.capHit = d.keep
	case b[i] == '\n' || i+1 < len(b):
		d.lineEnd = true
	default:
		d.crLast = true
	}
}

// restart makes the bytes of buf from off a new PDU (the rest of a reassembled PDU whose last message
// needs more data).
func (h *HTTPStreams) restart(d *httpDir, segSeq uint32, buf []byte, off int, frame uint32) {
	start := d.seq
	h.drop(d)
	d.active = true
	d.seq = start + uint32(off)
	d.firstFrame, d.lastFrame = frame, frame
	d.total = -1
	h.add(d, 0, buf[off:], false)
}

// extend moves the PDU's end after a desegmentation request, as Wireshark updates msp->nxtpdu.
func (h *HTTPStreams) extend(d *httpDir, segSeq uint32, used, segLen, need int) {
	switch need {
	case dissect.HTTPNeedOneMoreSegment:
		end := segSeq + uint32(segLen)
		if seqLT(end, d.nxtpdu) {
			end = d.nxtpdu
		}
		d.nxtpdu = end + 1
		d.entire = true
	case dissect.HTTPNeedUntilFIN:
		d.untilFIN = true
		d.nxtpdu = d.seq + 0x40000000
	default:
		if !seqLT(segSeq+uint32(used), d.nxtpdu) {
			d.nxtpdu = segSeq + uint32(used) + uint32(need)
		} else {
			d.nxtpdu += uint32(need)
		}
	}
}

// dissect runs the HTTP parser over buf (have bytes long, of which the body of a sparse PDU is not
// kept) and attaches the messages it finds to the packet.
func (h *HTTPStreams) dissect(p *dissect.Packet, i int, s *httpStream, side int, buf []byte, have, reported int, eos, canDeseg, reassembled bool) dissect.HTTPNeed {
	s.isHTTP = true
	if headsInPlace && !reassembled && !s.opsSwitched && h.nShared < len(h.shared) {
		// The operations view reads the segment's bytes next: the heads read here are kept for it.
		s.state.Head = &h.shared[h.nShared].hd
	}
	nd := dissect.DissectHTTPPDUs(&s.state, buf, have, reported, eos, canDeseg, func(start int, st dissect.HTTPStep) {
		end := have
		if st.Len >= 0 {
			end = start + st.Len
		}
		msg := buf[start:min(end, len(buf)):min(end, len(buf))]
		h.message(p, s, side, msg, st, reassembled, end-start)
		if st.HeadRead && s.state.Head != nil {
			e := &h.shared[h.nShared]
			e.at, e.hdr = buf[start:], st.Hdr
			h.nShared++
			s.state.Head = nil
			if h.nShared < len(h.shared) {
				s.state.Head = &h.shared[h.nShared].hd
			}
		}
	})
	s.state.Head = nil
	return nd
}

// message records one message of tshark's view on the packet: its layer and tshark's pairing.
func (h *HTTPStreams) message(p *dissect.Packet, s *httpStream, side int, msg []byte, st dissect.HTTPStep, reassembled bool, length int) {
	info := p.AddHTTP(msg, st.Hdr)
	if info == nil {
		info = &dissect.HTTPInfo{}
	}
	info.Type = st.Type
	info.KeepCodes(&st, len(msg))
	info.Reassembled = reassembled
	info.BodyLen = length - min(st.Hdr, length)
	if st.Aborted {
		return
	}
	frame := uint32(p.Num)
	switch st.Type {
	case dissect.HTTPRequest:
		// tshark: every request opens a record, the new tail.
		if s.hasTail {
			s.prev = s.tail
		}
		s.recs++
		s.tail = httpRec{number: s.recs, reqFrame: frame, reqTime: p.TimeNS, hasReq: true}
		s.hasTail = true
		info.Number = s.recs
		if h.useRespIn {
			info.ResponseIn = h.respIn[frame]
		}
		if s.prev.reqFrame != 0 && s.prev.number != 0 {
			info.PrevRequestIn = s.prev.reqFrame
		}
	case dissect.HTTPResponse:
		// tshark: a response takes the tail unless it already has a response.
		if !s.hasTail || s.tail.resFrame != 0 {
			if s.hasTail {
				s.prev = s.tail
			}
			s.recs++
			s.tail = httpRec{number: s.recs}
			s.hasTail = true
		}
		s.tail.resFrame = frame
		if h.respIn != nil && !h.useRespIn && s.tail.hasReq {
			h.respIn[s.tail.reqFrame] = frame
		}
		info.Number = s.tail.number
		if s.tail.hasReq {
			info.RequestIn = s.tail.reqFrame
			info.TimeNS = p.TimeNS - s.tail.reqTime
			info.HasTime = true
		}
		if s.prev.number != 0 && s.prev.number != s.tail.number {
			info.PrevRequestIn = s.prev.reqFrame
			info.PrevRespIn = s.prev.resFrame
		}
		// Remember it for the operation the same frame completes (TsharkRequestIn).
		s.tsharkResp[s.tsharkN%len(s.tsharkResp)] = tsharkResp{frame: frame, requestIn: info.RequestIn}
		s.tsharkN++
	}
}

// tsharkResp is a response tshark's view shows, and the request it pairs it with.
type tsharkResp struct{ frame, requestIn uint32 }

// tsharkPairing returns the request tshark pairs with a response it shows in this frame.
func (s *httpStream) tsharkPairing(frame uint32) (uint32, bool) {
	for _, r := range s.tsharkResp {
		if r.frame == frame && frame != 0 {
			return r.requestIn, true
		}
	}
	return 0, false
}

// operation records one message of the operations view (FIFO pairing) and its diagnostics, on the
// frame that completed it (p is nil at the end of the trace). body is the body length counted; gapped
// says bytes of it were not captured.
func (h *HTTPStreams) operation(p *dissect.Packet, s *httpStream, side int, hd *dissect.HTTPHead, body int64, gapped bool, dataFrame uint32, dataTime int64) {
	frame, now := s.lastFrame, s.lastTime
	if p != nil {
		frame, now = uint32(p.Num), p.TimeNS
	}
	if dataFrame != 0 {
		// The frame whose bytes completed the message (earlier than the current one when they waited
		// behind a gap).
		frame, now = dataFrame, dataTime
	}
	diag := func(d dissect.Diag) {
		if p != nil && uint32(p.Num) == frame {
			p.AddDiag(d)
		} else if frame != 0 && len(h.late[frame]) < 4 {
			h.late[frame] = append(h.late[frame], d)
		}
	}
	if hd.Ambiguous {
		diag(dissect.Diag{Code: dissect.DiagHTTPConflictingLength})
	}
	switch hd.Type {
	case dissect.HTTPRequest:
		h.Requests++
		op := h.newOp()
		*op = HTTPOperation{Stream: int(s.id), ReqFrame: frame, ReqTime: now, Method: h.str(hd.Method)}
		head := s.ops.dirs[side].head // the head hd was parsed from (the parser's, reused for the next message)
		switch {
		case h.OnOperation == nil:
			// Without a reader (list) the operations view still gives its diagnostics, which need
			// none of the strings.
		case (h.Wants != nil || h.Defer != nil) && len(head) > 0:
			op.reqHead, op.reqSide = append(h.opHeads.Grow(nil, len(head)), head...), side
		default:
			h.requestStrings(op, s, side, hd)
		}
		if gapped {
			op.Notes = "request body partly not captured"
		}
		if len(s.interim) > 0 {
			op.Interim, s.interim = s.interim, nil
		}
		if len(s.pending) == httpMaxPending {
			old := s.popPending()
			old.Notes = joinNotes(old.Notes, "no response")
			h.emit(s, old)
		}
		s.pending = append(s.pending, op)
	case dissect.HTTPResponse:
		h.Responses++
		if hd.Code/100 == 1 && hd.Code != 101 {
			// An interim response belongs to the oldest waiting request, or to the request still being
			// sent (a 100 Continue comes before the body that completes the request).
			if len(s.pending) > 0 {
				if len(s.pending[0].Interim) < 8 {
					s.pending[0].Interim = append(s.pending[0].Interim, hd.Code)
				}
			} else if len(s.interim) < 8 {
				s.interim = append(s.interim, hd.Code)
			}
			return
		}
		var op *HTTPOperation
		if len(s.pending) > 0 {
			op = s.popPending()
		} else {
			op = h.newOp()
			*op = HTTPOperation{Stream: int(s.id), Notes: "no request"}
			if h.OnOperation != nil {
				op.Client, op.Server = s.addr(h, 1-side), s.addr(h, side)
			}
			diag(dissect.Diag{Code: dissect.DiagHTTPNoRequest})
		}
		op.RespFrame, op.RespTime = frame, now
		op.Status, op.BodyLen = hd.Code, body
		if h.OnOperation != nil {
			op.Phrase = h.str(hd.Phrase)
			if op.Version == "" {
				op.Version = h.str(hd.Version)
			}
			op.ServerHeader, op.Location, op.ContentType = h.str(hd.Server), string(hd.Location), h.str(hd.ContentType)
			if op.Auth == "" {
				op.Auth = h.str(authScheme(hd.Authenticate))
			}
		}
		if gapped {
			op.Notes = joinNotes(op.Notes, "response body partly not captured")
		}
		if r, ok := s.tsharkPairing(frame); ok || h.NoFields {
			op.TsharkRequestIn = r
		} else {
			op.Recovered = true
			op.Notes = joinNotes(op.Notes, recoveredNote)
		}
		switch {
		case hd.Code >= 500:
			diag(dissect.Diag{Code: dissect.DiagHTTPServerError, N: uint32(hd.Code), Frame: op.ReqFrame})
		case hd.Code >= 400:
			diag(dissect.Diag{Code: dissect.DiagHTTPClientError, N: uint32(hd.Code), Frame: op.ReqFrame})
		case hd.Code >= 300 && hd.Code < 400 && len(hd.Location) > 0:
			diag(dissect.Diag{Code: dissect.DiagHTTPRedirect, N: uint32(hd.Code), Frame: op.ReqFrame})
		}
		if rt := op.ResponseTime(); rt > h.Slow && h.Slow > 0 {
			diag(dissect.Diag{Code: dissect.DiagHTTPSlow, N: uint32(rt / 1e6), Frame: op.ReqFrame})
		}
		if hd.Code == 101 || hd.Code/100 == 2 && op.Method == "CONNECT" {
			// The connection now carries another protocol: the parsers stop.
			s.opsSwitched = true
		}
		h.emit(s, op)
	}
}

// requestStrings fills in the strings of op that its request gives (sent from side of stream s).
func (h *HTTPStreams) requestStrings(op *HTTPOperation, s *httpStream, side int, hd *dissect.HTTPHead) {
	op.Client, op.Server = s.addr(h, side), s.addr(h, 1-side)
	op.setRequestHead(hd, h.str)
}

// SetRequestStrings makes the request strings of an operation whose strings were deferred
// (HTTPStreams.Defer) from its request head and the request's two ends: the same strings the analysis
// makes (Client, Server, Host, URI, Version, UserAgent, Auth).
func (o *HTTPOperation) SetRequestStrings(head []byte, client, server netip.AddrPort) {
	hd := dissect.ParseHTTPHead(head, len(head))
	o.Client, o.Server = client.String(), server.String()
	o.setRequestHead(&hd, func(b []byte) string { return string(b) })
}

// setRequestHead fills in the strings of o that its request's head gives (Host, URI, UserAgent, Version,
// Auth), made by str (the analysis shares repeated ones). A request without a version or an
// Authorization header keeps the response's (filled in when the response came first: the strings were
// made when the operation was finished, see Wants and Defer).
func (o *HTTPOperation) setRequestHead(hd *dissect.HTTPHead, str func([]byte) string) {
	o.Host, o.URI, o.UserAgent = str(hd.Host), string(hd.URI), str(hd.UserAgent)
	if len(hd.Version) > 0 {
		o.Version = str(hd.Version)
	}
	if a := authScheme(hd.Authorization); len(a) > 0 {
		o.Auth = str(a)
	}
}

// httpRetrans are the verdicts tshark counts as a retransmission (TCP_A_RETRANSMISSION, which it also sets
// with a fast or spurious retransmission): such a segment is never given to HTTP.
const httpRetrans = dissect.TCPARetransmission | dissect.TCPAFastRetransmission | dissect.TCPASpuriousRetransmission

// recoveredNote marks an operation whose response tshark does not show in that frame: its bytes were
// completed by retransmitted or out-of-order segments, which tshark 4.0 does not give to HTTP.
const recoveredNote = "tshark does not show this response (it was completed by retransmitted or out-of-order segments)"

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func (h *HTTPStreams) emit(s *httpStream, op *HTTPOperation) {
	if op.Notes == "no response" && op.ReqFrame != 0 && len(h.late[op.ReqFrame]) == 0 {
		// One diagnostic per frame, however many requests it holds.
		h.late[op.ReqFrame] = append(h.late[op.ReqFrame], dissect.Diag{Code: dissect.DiagHTTPNoResponse})
	}
	if op.reqHead != nil {
		switch {
		case h.Defer != nil:
			h.Defer(op, op.reqHead, s.end(op.reqSide), s.end(1-op.reqSide))
		case h.Wants(op):
			hd := dissect.ParseHTTPHead(op.reqHead, len(op.reqHead))
			h.requestStrings(op, s, op.reqSide, &hd)
		}
		h.opHeads.Put(op.reqHead)
		op.reqHead, op.reqSide = nil, 0
	}
	if h.OnOperation != nil {
		h.OnOperation(op)
	}
	// The operation is reused (OnOperation copies what it keeps): one allocation less per request.
	*op = HTTPOperation{}
	h.freeOpers.put(op)
}

// maxFreeStreams bounds the finished streams kept for reuse.
const maxFreeStreams = 256

// newStream returns a stream to be set: a finished one (a trace of many short connections would
// otherwise allocate a stream of a few hundred bytes for each), or a new one.
func (h *HTTPStreams) newStream() *httpStream {
	if s := h.freeStreams.get(); s != nil {
		return s
	}
	return new(httpStream)
}

// maxFreeOpers bounds the operations kept for reuse.
const maxFreeOpers = 64

// newOp returns a zero operation, reused when one is free.
func (h *HTTPStreams) newOp() *HTTPOperation {
	if op := h.freeOpers.get(); op != nil {
		return op
	}
	return new(HTTPOperation)
}

// authScheme returns the scheme word of an Authorization or WWW-Authenticate value ("NTLM").
func authScheme(v []byte) []byte {
	for i, c := range v {
		if c == ' ' {
			return v[:i]
		}
	}
	return v
}

// RecordResponses makes the analyzer remember, for a second pass, which response tshark pairs with each
// request.
func (h *HTTPStreams) RecordResponses() { h.respIn = map[uint32]uint32{} }

// ResponseFrames returns what RecordResponses gathered.
func (h *HTTPStreams) ResponseFrames() map[uint32]uint32 { return h.respIn }

// UseResponses gives a second pass the first pass's responses, so that requests show http.response_in.
func (h *HTTPStreams) UseResponses(m map[uint32]uint32) { h.respIn, h.useRespIn = m, m != nil }

// Close ends the trace: requests still waiting become operations with no response, and a stream that
// ends inside a message says so.
func (h *HTTPStreams) Close() {
	h.nShared = 0
	// In stream order, so that the operations left open come out the same way every time.
	ids := h.streams.ids(make([]uint32, 0, h.streams.len()))
	slices.Sort(ids)
	for _, id := range ids {
		s, _ := h.streams.get(id)
		h.finish(s)
	}
	h.streams.clear()
	h.last = nil
}

// finish ends a stream: its parsers see the end of the stream, requests still waiting become
// operations with no response, a message the stream ends inside of is reported cut short, and the
// stream's state is freed.
func (h *HTTPStreams) finish(s *httpStream) {
	h.opClose(s)
	if o := s.ops; o != nil && !s.opsSwitched {
		for side := range o.dirs {
			d := &o.dirs[side]
			if !d.started && d.state == opHead {
				continue
			}
			// The stream ends inside a message: say how much of it is missing, when that is known.
			h.CutShort++
			missing := 0
			if d.state == opBody || d.state == opChunkData {
				missing = int(min(d.remain, 1<<31))
			}
			if d.firstFrame != 0 && len(h.late[d.firstFrame]) < 4 {
				h.late[d.firstFrame] = append(h.late[d.firstFrame], dissect.Diag{Code: dissect.DiagHTTPCutShort, N: uint32(missing)})
			}
		}
	}
	for _, op := range s.pending {
		op.Notes = joinNotes(op.Notes, "no response")
		h.emit(s, op)
	}
	clear(s.pending)
	s.pending = s.pending[:0] // its array serves the stream's next use (stream)
	for d := range s.dirs {
		h.drop(&s.dirs[d])
	}
	if s.ops != nil {
		h.recycleOps(s.ops)
		s.ops = nil
	}
}

// Late returns the diagnostics that only the end of the trace gives (requests never answered, messages
// cut short), by frame. Call it after Close.
func (h *HTTPStreams) Late() map[uint32][]dissect.Diag { return h.late }

// LinkRedirects numbers redirect chains in a list of operations in capture order: a 3xx response whose
// Location is requested next (on the same or another connection, by the same client address) links the
// two operations; each chain of two or more operations gets a number from 1 in Chain.
func LinkRedirects(ops []HTTPOperation) int {
	type key struct{ client, url string }
	waiting := map[key]int{} // a redirect's target → the operation that redirected
	chains := 0
	for i := range ops {
		o := &ops[i]
		host := clientHost(o.Client)
		if o.ReqFrame != 0 {
			k := key{host, o.URL()}
			if j, ok := waiting[k]; ok {
				delete(waiting, k)
				if ops[j].Chain == 0 {
					chains++
					ops[j].Chain = chains
				}
				o.Chain = ops[j].Chain
			}
		}
		if o.Status >= 300 && o.Status < 400 && o.Location != "" {
			waiting[key{host, absoluteURL(o, o.Location)}] = i
		}
	}
	// Number the chains in the order of their first request.
	first := make([]uint32, chains+1)
	for i := range ops {
		if c := ops[i].Chain; c > 0 {
			f := ops[i].ReqFrame
			if f == 0 {
				f = ops[i].RespFrame
			}
			if first[c] == 0 || f < first[c] {
				first[c] = f
			}
		}
	}
	order := make([]int, chains)
	for i := range order {
		order[i] = i + 1
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(first[a], first[b]) })
	renum := make([]int, chains+1)
	for n, c := range order {
		renum[c] = n + 1
	}
	for i := range ops {
		ops[i].Chain = renum[ops[i].Chain]
	}
	return chains
}

func clientHost(addrPort string) string {
	if ap, err := netip.ParseAddrPort(addrPort); err == nil {
		return ap.Addr().String()
	}
	return addrPort
}

// absoluteURL resolves a Location against the request it answers.
func absoluteURL(o *HTTPOperation, loc string) string {
	switch {
	case len(loc) >= 7 && (loc[:7] == "http://" || len(loc) >= 8 && loc[:8] == "https://"):
		return loc
	case len(loc) > 0 && loc[0] == '/':
		return "http://" + o.Host + loc
	}
	// A relative reference: resolve against the request's directory.
	dir := o.URI
	for i := len(dir) - 1; i >= 0; i-- {
		if dir[i] == '/' {
			dir = dir[:i+1]
			break
		}
	}
	return "http://" + o.Host + dir + loc
}

// FormatMS formats a duration in ns as milliseconds with three decimals.
func FormatMS(ns int64) string {
	return strconv.FormatFloat(float64(ns)/1e6, 'f', 3, 64)
}

// hasLineEnd reports whether b holds a CR or a LF.
func hasLineEnd(b []byte) bool { return bytes.IndexByte(b, '\n') >= 0 || bytes.IndexByte(b, '\r') >= 0 }

// addr returns the address:port of one side of the stream (0: the first packet's source).
// end returns the address and port of the stream's side (0: the first packet's source).
func (s *httpStream) end(side int) netip.AddrPort {
	if side == 0 {
		return netip.AddrPortFrom(s.srcAddr, s.srcPort)
	}
	return netip.AddrPortFrom(s.dstAddr, s.dstPort)
}

func (s *httpStream) addr(h *HTTPStreams, side int) string {
	if s.addrs[side] == "" {
		s.addrs[side] = h.addrString(s.end(side))
	}
	return s.addrs[side]
}

// addrString formats an address and port as netip does, with two kept: a trace's HTTP operations mostly
// go to one server, whose address was formatted anew for every connection. A new one replaces the one
// not found last, so that the server's stays while each connection's client comes and goes.
func (h *HTTPStreams) addrString(ap netip.AddrPort) string {
	for i := range h.addrMemo {
		if m := &h.addrMemo[i]; m.s != "" && m.ap == ap {
			h.addrHit = i
			return m.s
		}
	}
	str := ap.String()
	h.addrMemo[1-h.addrHit] = addrMemo{ap, str}
	return str
}

// addrMemo is an address and port formatted.
type addrMemo struct {
	ap netip.AddrPort
	s  string
}

// popPending removes and returns the oldest request waiting for a response, keeping the list's array
// (moving the rest down: the list is short) rather than reslicing past it, which made every few
// requests of a keep-alive stream allocate a new one.
func (s *httpStream) popPending() *HTTPOperation {
	op := s.pending[0]
	n := copy(s.pending, s.pending[1:])
	s.pending[n] = nil
	s.pending = s.pending[:n]
	return op
}
