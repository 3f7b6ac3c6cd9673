package engine

import (
	"encoding/binary"
	"iter"
	"math"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
)

// Lanes: a trace read to the end by a command that reports only then (Trace.Run: diagnose,
// conversations) is split by connection between two goroutines, the lanes. Each lane decodes and analyses
// every frame of its own connections, from the first to the last, with a decoder and analyzers of its own
// (TCP, UDP, HTTP operations; lane 0 also pairs DNS); a third goroutine, the dealer, reads the frames and
// deals them out in chunks. A frame's bytes and its decoded packet stay on one core, and each core keeps
// the state of half the connections. The caller takes the chunks back in capture order and hands on what
// the lanes found.
//
// Which lane a frame goes to is read from its bytes before it is decoded (frameLane): a TCP or UDP
// segment goes by its two ports, so that both directions of a connection meet in one lane; DNS, and
// everything else (ARP, ICMP, IP fragments, what the quick look does not know), goes to lane 0. Once a
// frame is decoded its lane checks that every TCP and UDP header the analyzers take hashes to it, and that
// lane 0 took the frames whose analysis depends on other connections' frames (inLane). Where that fails (a
// tunnel, a fragmented segment) the trace is read again through the pipeline, which passes over the
// frames whose results were handed on (fallBack): a chunk's are handed on only once both lanes have
// analysed all of it correctly, and until then the lanes' results are those of one analyzer of the whole
// trace.
//
// What ties connections together is made the same as in one analyzer:
//   - each lane numbers its own streams; the caller numbers them again in the order of their first
//     frames, which is the order tcp.stream and udp.stream count in: the TCP ones as the chunks are
//     handed on (streamOrder), for the HTTP operations and the conversations, the UDP ones when the
//     conversations are listed;
//   - the TCP trackers evict closed conversations at the frames one tracker of the whole trace would
//     (analysis.SweepClock), so that a late segment finds what it would;
//   - HTTP operations are handed on (Options.OnHTTP) in the order of the frames that finished them, and
//     those left open at the end in stream order, as HTTPStreams.Close does;
//   - HTTP reassembly caps the bytes all streams hold: a lane that holds more than half of it sends the
//     trace through the pipeline.
//
// Next does not read in lanes: a command that looks at every packet would have each one handed from a
// lane's core to its own, and on the small-packet benchmark capture list -f took as much CPU and wall
// time that way as through the pipeline, also with the filter run in the lanes so that only the packets
// it selects are handed over (BENCHMARKS.md).

const (
	laneCount   = 2
	chunkFrames = 256 // frames dealt out at a time
	// maxChunks bounds the chunks of a trace (being read, in the lanes, being handed out). More would let
	// the lanes wait less for the caller and the dealer, which mostly run when a lane waits (bench/idle.sh:
	// the two cores stood idle for 5.6 % of diagnose's run on the small-packet benchmark capture
	// with 64, against 10.4 % with 8), but the frames in flight would no longer stay in the cores' caches:
	// with 64, diagnose took 10 % more wall time and 14 % more CPU (21 alternating pairs; BENCHMARKS.md).
	maxChunks = 8
	// cacheLine separates what one lane writes from what the other reads or writes, so that the two
	// cores do not pass a cache line to and fro (false sharing).
	cacheLine = 64
)

// chunk is a run of consecutive frames, read by the dealer and handed to every lane; each lane decodes
// those of its own connections.
type chunk struct {
	frames [chunkFrames]capture.Frame
	lane   [chunkFrames]uint8 // which lane takes the frame (frameLane)
	sweep  [chunkFrames]bool  // a tracker of the whole trace would sweep after the frame
	res    [laneCount]paddedResult
	bad    [laneCount]bool // lane k found a frame out of place in the chunk, or did not analyse it
	n      int
	num    int   // the number of the chunk's first frame
	first  int64 // the capture time of the trace's first frame
	prev   int64 // the capture time of the frame before the chunk's first (first, for frame 1)
	frameStore
	err error // the reader's error after the n frames (io.EOF at the end), or nil
}

// laneResult is what a lane found in a chunk (or at the end) that the caller hands on in capture order.
type laneResult struct {
	newTCP    []uint32 // the first frame of each TCP stream the lane numbered, in its numbering order
	ops       []laneOp // HTTP operations finished, in order
	heads     []byte   // the request heads of ops whose strings wait to be made, one after another
	malformed []uint32 // malformed frames (Run with Options.OnMalformed)
}

// paddedResult is a lane's result in a chunk, apart from the other lane's: each lane appends to its own
// while the other appends to its.
type paddedResult struct {
	laneResult
	_ [cacheLine]byte
}

func (r *laneResult) reset() {
	r.newTCP, r.ops, r.heads, r.malformed = r.newTCP[:0], r.ops[:0], r.heads[:0], r.malformed[:0]
}

// laneOp is an HTTP operation a lane finished, and the frame that finished it (math.MaxUint32: at the end).
// When its request strings wait to be made (d.set: analysis.HTTPStreams.Defer), the caller makes them if
// Options.WantHTTP wants them (or it is nil), from d's head (in the result's heads) and the request's ends.
type laneOp struct {
	frame uint32
	op    analysis.HTTPOperation
	d     deferred
}

// deferred is what a lane's HTTPStreams.Defer gave for an operation (set: it did).
type deferred struct {
	set            bool
	head, headLen  int
	client, server netip.AddrPort
}

// lane is one lane's goroutine state.
type lane struct {
	in   chan *chunk // chunks to analyse, in order; closed at the end
	done chan *chunk // the chunks analysed, in order; closed after the last
	dec  *dissect.Decoder
	tcp  *analysis.TCPStreams
	udp  *analysis.UDPStreams
	http *analysis.HTTPStreams // nil without HTTP analysis
	dns  *analysis.DNSPairing  // lane 0's (it takes every DNS message); nil in the others
	p    dissect.Packet        // the packet each frame is decoded into
	// malformed: results list the malformed frames.
	malformed bool
	cur       *laneResult     // the result being filled
	frame     uint32          // the frame being analysed, for the operations it finishes
	final     laneResult      // the operations left open at the end
	pending   deferred        // what Defer gave for the operation OnOperation gets next
	_         [cacheLine]byte // the next lane's fields, read for every frame, on other cache lines
}

// laneSet is a trace's lanes and the caller's side of them.
type laneSet struct {
	lanes [laneCount]lane
	free  chan *chunk // chunks handed out and done with
	stop  chan struct{}
	mixed atomic.Bool // a lane found a frame out of place: it and the dealer stop
	wg    sync.WaitGroup
	// tcpOrder maps each lane's TCP stream numbers to the trace's (the order of their first frames).
	tcpOrder streamOrder
	started  bool // a chunk was handed on (Trace.Start is set)
}

// lanesOff turns lanes off (tests compare them with the pipeline).
var lanesOff = false

// canRunLanes says whether the trace can be read in lanes: nothing read yet, a capture file (so that it
// can be read again, see fallBack), no list of HTTP operations kept, no second pass, and two cores.
func (t *Trace) canRunLanes() bool {
	if lanesOff || t.pl != nil || t.Frames != 0 || t.err != nil || !t.noHTTP && !t.opts.NoHTTPOperations || t.late != nil || t.opts.AllEvents || runtime.GOMAXPROCS(0) < laneCount {
		return false
	}
	return t.canReadAgain()
}

// canReadAgain says whether fallBack can open the trace again and read it from the start: a regular
// pcap or pcapng file, not standard input.
func (t *Trace) canReadAgain() bool {
	if t.path == "-" {
		return false
	}
	if f := t.file.Reader.Format(); f != capture.FormatPcap && f != capture.FormatPcapNG {
		return false
	}
	st, err := os.Stat(t.path)
	return err == nil && st.Mode().IsRegular()
}

// Run reads the trace to the end without handing out its packets, for a command that reports only at the
// end (Conversations, EachConversation, Options.OnHTTP, Options.OnMalformed). It returns what Next returns
// at the end: io.EOF, or a read error. It reads the trace in lanes where it can.
func (t *Trace) Run() error {
	if !t.triedLanes {
		t.triedLanes = true
		if t.canRunLanes() {
			t.startLanes()
		}
	}
	for t.ln != nil {
		c, ok := t.laneChunk()
		if !ok {
			break // read again through the pipeline (fallBack)
		}
		t.Frames += c.n
		err := c.err
		t.ln.recycle(c)
		if err != nil {
			t.endLanes(err)
			return t.err
		}
	}
	for {
		p, err := t.Next()
		if err != nil {
			return err
		}
		if t.opts.OnMalformed != nil && p.IsMalformed() {
			t.opts.OnMalformed(uint32(p.Num))
		}
	}
}

// startLanes starts the dealer and the lanes.
func (t *Trace) startLanes() {
	ls := &laneSet{free: make(chan *chunk, maxChunks), stop: make(chan struct{})}
	for k := range ls.lanes {
		l := &ls.lanes[k]
		*l = lane{in: make(chan *chunk, maxChunks), done: make(chan *chunk, maxChunks), dec: dissect.NewDecoder(),
			tcp: analysis.NewTCPStreams(), udp: analysis.NewUDPStreams(), malformed: t.opts.OnMalformed != nil}
		l.tcp.SweepsOutside()
		if t.opts.SkipQuietTCP {
			l.tcp.SkipQuiet()
		}
		l.tcp.ShareMemory(laneCount)
		if !t.noHTTP {
			l.http = analysis.NewHTTPStreams()
			l.http.NoFields, l.http.Slow = t.http.NoFields, t.http.Slow
			if t.opts.OnHTTP != nil {
				// The request strings are made by the caller, who asks Options.WantHTTP in capture order.
				l.http.Defer = func(_ *analysis.HTTPOperation, head []byte, client, server netip.AddrPort) {
					r := l.cur
					l.pending = deferred{true, len(r.heads), len(head), client, server}
					r.heads = append(r.heads, head...)
				}
				l.http.OnOperation = func(op *analysis.HTTPOperation) {
					l.cur.ops = append(l.cur.ops, laneOp{l.frame, *op, l.pending})
					l.pending = deferred{}
				}
			}
			if k == 0 {
				l.dns = analysis.NewDNSPairing()
			}
		}
		ls.wg.Add(1)
		go ls.run(k)
	}
	// The dealer reads the file itself: with a goroutine reading ahead as well, the dealer, the caller and
	// it waited for a core more often (see the pipeline's comment): diagnose took 0.92–0.96 of the wall
	// time without it on the small-packet benchmark capture, conversations 0.93 (BENCHMARKS.md).
	t.file.Reader.ReadInline()
	ls.wg.Add(1)
	go ls.deal(t.file)
	t.ln = ls
}

// deal is the dealer's goroutine: it reads the frames into chunks and hands each chunk to every lane, until
// the end of the file, a lane finds a frame out of place, or the lanes are stopped.
func (ls *laneSet) deal(f *capture.File) {
	defer ls.wg.Done()
	defer func() {
		for k := range ls.lanes {
			close(ls.lanes[k].in)
		}
	}()
	var (
		fr      capture.Frame
		pending bool // fr holds a frame that did not fit in the last chunk
		clock   analysis.SweepClock
		num     int
		first   int64
		prev    int64
		made    int
	)
	for !ls.mixed.Load() {
		var c *chunk
		select {
		case c = <-ls.free:
		default:
			if made < maxChunks {
				made++
				c = new(chunk)
				break
			}
			select {
			case c = <-ls.free:
			case <-ls.stop:
				return
			}
		}
		c.n, c.err, c.arena, c.num, c.prev, c.bad = 0, nil, c.arena[:0], num+1, prev, [laneCount]bool{}
		for c.n < chunkFrames {
			if ok, err := c.next(f, &fr, &pending, c.n > 0); !ok {
				c.err = err
				break
			}
			if num == 0 {
				first, c.prev = fr.TimeNS, fr.TimeNS
			}
			num++
			prev = fr.TimeNS
			c.frames[c.n] = fr
			c.lane[c.n] = frameLane(&fr)
			c.sweep[c.n] = clock.Due(fr.TimeNS)
			c.n++
		}
		c.first = first
		for k := range ls.lanes {
			select {
			case ls.lanes[k].in <- c: // never blocks: the channel holds every chunk there is
			case <-ls.stop:
				if k == 0 {
					c.release() // no lane has it
				}
				return
			}
		}
		if c.err != nil {
			return
		}
	}
}

// run is lane k's goroutine: it analyses the frames of its connections, chunk by chunk, then closes its
// HTTP analysis.
func (ls *laneSet) run(k int) {
	defer ls.wg.Done()
	l := &ls.lanes[k]
	for c := range l.in {
		r := &c.res[k].laneResult
		r.reset()
		l.cur = r
		if ls.mixed.Load() || !l.chunk(c, uint8(k)) {
			c.bad[k] = true
			ls.mixed.Store(true)
		}
		l.done <- c // never blocks: the channel holds every chunk there is
	}
	l.final.reset()
	l.cur, l.frame = &l.final, math.MaxUint32
	if l.http != nil && !ls.mixed.Load() {
		l.http.Close()
	}
	close(l.done)
}

// chunk analyses the frames of c that lane k takes, and sweeps the closing conversations where a tracker of
// the whole trace would. It returns false at a frame out of place (inLane), or one that makes the HTTP
// reassembly hold more than the lane's share.
func (l *lane) chunk(c *chunk, k uint8) bool {
	prev := c.prev
	r := l.cur
	p := &l.p
	for i := 0; i < c.n; i++ {
		fr := &c.frames[i]
		if c.lane[i] == k {
			nt := l.tcp.Count()
			l.dec.DecodeAt(fr, p, c.num+i, c.first, prev)
			l.tcp.Observe(p)
			l.udp.Observe(p)
			if !inLane(p, k) {
				return false
			}
			for range l.tcp.Count() - nt {
				r.newTCP = append(r.newTCP, uint32(p.Num))
			}
			if l.http != nil {
				l.frame = uint32(p.Num)
				l.http.Observe(p)
				if !l.http.HeldWithin(laneCount) {
					return false
				}
			}
			if l.dns != nil {
				l.dns.Observe(p)
			}
			if l.malformed && p.IsMalformed() {
				r.malformed = append(r.malformed, uint32(p.Num))
			}
			p.ReleaseMessages()
		}
		if c.sweep[i] {
			l.tcp.SweepAt(fr.TimeNS)
		}
		prev = fr.TimeNS
	}
	return true
}

// laneChunk takes the next chunk back from the lanes and hands on what they found in it (handOn). It
// returns false when a lane found a frame out of place: the trace has then been opened again (fallBack).
func (t *Trace) laneChunk() (*chunk, bool) {
	ls := t.ln
	var c *chunk
	for k := range ls.lanes {
		var ok bool
		if c, ok = <-ls.lanes[k].done; !ok {
			c = nil
		}
	}
	if c == nil || c.bad != [laneCount]bool{} {
		if c != nil {
			c.release()
		}
		t.fallBack()
		return nil, false
	}
	if !ls.started {
		ls.started = true
		t.Start = c.first
	}
	ls.handOn(t, c)
	return c, true
}

// handOn hands on what the lanes found in chunk c, in capture order: the streams they numbered get the
// trace's numbers; the HTTP operations, with those numbers, go to Options.OnHTTP, the malformed frames to
// Options.OnMalformed.
func (ls *laneSet) handOn(t *Trace, c *chunk) {
	var tcp, bad [laneCount][]uint32
	var ops [laneCount][]laneOp
	for k := range c.res {
		tcp[k], ops[k], bad[k] = c.res[k].newTCP, c.res[k].ops, c.res[k].malformed
	}
	renumber(&ls.tcpOrder, tcp)
	merge(ops, func(_ int, o *laneOp) uint32 { return o.frame }, func(k int, o *laneOp) {
		o.op.Stream = int(ls.tcpOrder.global(k, uint32(o.op.Stream)))
		t.handOnOp(o, c.res[k].heads)
	})
	if t.opts.OnMalformed != nil {
		merge(bad, func(_ int, f *uint32) uint32 { return *f }, func(_ int, f *uint32) { t.opts.OnMalformed(*f) })
	}
}

// merge calls each with the elements of the lanes' lists, each list in its order, in the order of their
// keys: a list's elements come in the order of their keys, and two lanes' keys are never equal (a frame is
// in one lane, and so is a stream).
func merge[T any](lists [laneCount][]T, key func(k int, v *T) uint32, each func(k int, v *T)) {
	var i [laneCount]int
	for {
		k := -1
		for j := range lists {
			if i[j] < len(lists[j]) && (k < 0 || key(j, &lists[j][i[j]]) < key(k, &lists[k][i[k]])) {
				k = j
			}
		}
		if k < 0 {
			return
		}
		each(k, &lists[k][i[k]])
		i[k]++
	}
}

// renumber gives the streams the lanes numbered in a chunk (lists: the first frame of each, per lane, in
// the lane's order) the trace's numbers, in the order of their first frames: a lane numbers its streams
// in frame order.
func renumber(order *streamOrder, lists [laneCount][]uint32) {
	merge(lists, func(_ int, f *uint32) uint32 { return *f }, func(k int, _ *uint32) { order.add(k) })
}

// handOnOp hands an operation a lane finished on to Options.OnHTTP, its request strings made first if
// they wait to be made and Options.WantHTTP wants them (all of them without WantHTTP), as
// analysis.HTTPStreams.emit makes them in one analyzer.
func (t *Trace) handOnOp(o *laneOp, heads []byte) {
	if t.opts.OnHTTP == nil {
		return
	}
	if d := &o.d; d.set && (t.opts.WantHTTP == nil || t.opts.WantHTTP(&o.op)) {
		o.op.SetRequestStrings(heads[d.head:d.head+d.headLen], d.client, d.server)
	}
	t.opts.OnHTTP(&o.op)
}

// recycle hands a chunk back to the dealer once it is done with.
func (ls *laneSet) recycle(c *chunk) {
	c.release()
	ls.free <- c // never blocks: the channel holds every chunk there is
}

// endLanes ends a trace read in lanes after its last chunk: the operations left open in the lanes are
// handed on, in stream order (HTTPStreams.Close's), the lanes' counters and lane 0's DNS pairing become the
// trace's, and the trace ends with err.
func (t *Trace) endLanes(err error) {
	ls := t.ln
	for k := range ls.lanes {
		for range ls.lanes[k].done { // closed once the lane has closed its HTTP analysis
		}
	}
	var ops [laneCount][]laneOp
	for k := range ls.lanes {
		ops[k] = ls.lanes[k].final.ops
	}
	merge(ops, func(k int, o *laneOp) uint32 { return ls.tcpOrder.global(k, uint32(o.op.Stream)) }, func(k int, o *laneOp) {
		o.op.Stream = int(ls.tcpOrder.global(k, uint32(o.op.Stream)))
		t.handOnOp(o, ls.lanes[k].final.heads)
	})
	if !t.noHTTP {
		h := t.http
		h.CutShort, h.Requests, h.Responses, h.CapHits = 0, 0, 0, 0
		for k := range ls.lanes {
			l := ls.lanes[k].http
			h.CutShort += l.CutShort
			h.Requests += l.Requests
			h.Responses += l.Responses
			h.CapHits += l.CapHits
		}
		t.dns = ls.lanes[0].dns
	}
	ls.wg.Wait()
	t.setErr(err)
}

// fallBack opens the trace again, to be read through the pipeline from the start, with one TCP tracker
// (after lanes, or split tracking, split.go, that met a frame it could not split): the frames handed out
// so far are passed over (Trace.skip), and the HTTP operations they finished are not handed on again.
func (t *Trace) fallBack() {
	skip, slow := t.Frames, t.http.Slow
	nt, err := open(t.path, t.opts)
	t.Close()
	if err != nil {
		t.err = err
		return
	}
	*t = *nt
	t.http.Slow = slow
	t.triedLanes = true
	t.noSplit = true
	t.skip = skip
}

// stopLanes stops the dealer and the lanes and lets go of the chunks.
func (t *Trace) stopLanes() {
	ls := t.ln
	t.ln = nil
	ls.mixed.Store(true) // the lanes stop analysing
	close(ls.stop)
	for k := range ls.lanes {
		for c := range ls.lanes[k].done {
			if k == 0 {
				c.release()
			}
		}
	}
	ls.wg.Wait()
	for k := range ls.lanes {
		ls.lanes[k].tcp.Close()
	}
}

// laneOf is the lane of a TCP or UDP segment between ports a and b (either way round). DNS goes to lane
// 0, which pairs every query with its response (analysis.DNSPairing keeps one table for the trace).
func laneOf(a, b uint16) uint8 {
	if dnsPort(a) || dnsPort(b) {
		return 0
	}
	return uint8(portPairHash(a, b) >> 31)
}

// portPairHash mixes the ports of a TCP or UDP segment, the same either way round, for the choice of a lane
// (laneOf) or of a tracker (splitOf): take its top bits.
func portPairHash(a, b uint16) uint32 { return uint32(a^b) * 0x9e3779b1 }

// dnsPort says whether the decoder takes a UDP or TCP port for DNS (dissect/dns.go).
func dnsPort(p uint16) bool { return p == 53 || p == 5353 || p == 5355 }

// frameLane is the lane a frame goes to, read from its first bytes: the lane of its TCP or UDP ports
// (Ethernet with VLAN tags, raw IP, Linux cooked and BSD loopback captures; IPv4 or IPv6 without extension
// headers), else lane 0.
func frameLane(fr *capture.Frame) uint8 {
	b := fr.Data
	switch fr.LinkType {
	case capture.LinkTypeEthernet:
		if len(b) < 14 {
			return 0
		}
		et := binary.BigEndian.Uint16(b[12:])
		b = b[14:]
		for et == 0x8100 || et == 0x88a8 || et == 0x9100 {
			if len(b) < 4 {
				return 0
			}
			et = binary.BigEndian.Uint16(b[2:])
			b = b[4:]
		}
		if et != 0x0800 && et != 0x86dd {
			return 0
		}
	case capture.LinkTypeRaw, capture.LinkTypeIPv4, capture.LinkTypeIPv6:
	case capture.LinkTypeLinuxSLL:
		if len(b) < 16 {
			return 0
		}
		b = b[16:]
	case capture.LinkTypeNull, capture.LinkTypeLoop:
		if len(b) < 4 {
			return 0
		}
		b = b[4:]
	default:
		return 0
	}
	var proto byte
	switch {
	case len(b) >= 20 && b[0]>>4 == 4:
		ihl := int(b[0]&15) * 4
		if ihl < 20 || len(b) < ihl || binary.BigEndian.Uint16(b[6:])&0x3fff != 0 {
			return 0 // a fragment (lane 0 reassembles them all), or not IPv4 after all
		}
		proto, b = b[9], b[ihl:]
	case len(b) >= 40 && b[0]>>4 == 6:
		proto, b = b[6], b[40:]
	default:
		return 0
	}
	if proto != 6 && proto != 17 || len(b) < 4 {
		return 0
	}
	return laneOf(binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:]))
}

// inLane says whether decoded packet p, which frameLane dealt to lane k, belongs there: every TCP and
// UDP header the trackers take (not those quoted in ICMP errors) hashes to k, and a frame whose decoding
// depends on other frames (an IP fragment, ICMP or ARP, which the decoder matches across frames; DNS,
// paired across frames by lane 0) is in lane 0.
func inLane(p *dissect.Packet, k uint8) bool {
	if (p.N == 3 || p.N == 4 && p.Layers[3].Proto == dissect.ProtoData) && p.Layers[0].Proto == dissect.ProtoEth &&
		p.Layers[1].Proto == dissect.ProtoIPv4 && (p.Layers[2].Proto == dissect.ProtoTCP || p.Layers[2].Proto == dissect.ProtoUDP) &&
		!p.IsFragment() {
		// Most frames: Ethernet, IPv4 and a TCP or UDP header, then at most a payload that no decoder
		// claims. frameLane read that header's ports from the same bytes, and chose k by them.
		return true
	}
	return inLaneWalk(p, k)
}

// inLaneWalk is inLane for any frame: it looks at each of its layers.
func inLaneWalk(p *dissect.Packet, k uint8) bool {
	if k != 0 && p.IsFragment() {
		return false
	}
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		switch l.Proto {
		case dissect.ProtoTCP, dissect.ProtoUDP:
			if l.InError() || l.Hdr < 4 {
				continue
			}
			if src, _ := p.NetAddrs(i); src == nil {
				continue
			}
			h := p.Header(l)
			if laneOf(binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])) != k {
				return false
			}
		case dissect.ProtoICMP, dissect.ProtoICMPv6, dissect.ProtoARP, dissect.ProtoDNS:
			if k != 0 {
				return false
			}
		}
	}
	return true
}

// eachConversation yields the lanes' TCP conversations, then their UDP ones, in the order of their first
// frames: the TCP ones with the trace's stream numbers (tcpOrder, given in that order when the chunks were
// handed on), the UDP ones numbered here. Each lane's are read back in a goroutine of its own, a few
// batches ahead. With quiet set, the quiet TCP conversations the lanes evicted are passed over
// (Options.SkipQuietTCP) and counted in *quiet once the iteration has ended.
func (ls *laneSet) eachConversation(quiet *int, yield func(analysis.Conversation) bool) {
	var feeds [laneCount]convFeed
	stop := make(chan struct{})
	for k := range feeds {
		f := &feeds[k]
		*f = convFeed{full: make(chan []analysis.Conversation, convBatches), free: make(chan []analysis.Conversation, convBatches), done: make(chan struct{})}
		for range convBatches {
			f.free <- make([]analysis.Conversation, 0, convBatch)
		}
		go f.run(&ls.lanes[k], quiet != nil, stop)
	}
	defer func() {
		close(stop)
		n := 0
		for k := range feeds {
			<-feeds[k].done
			n += feeds[k].quiet
		}
		if quiet != nil {
			*quiet = n
		}
	}()
	for part := range 2 { // TCP, then UDP
		var stream uint32
		for k := range feeds {
			feeds[k].ended = false
		}
		for {
			// The TCP conversations have the trace's numbers (tcpOrder; a feed may pass over quiet
			// ones), the UDP ones are numbered here; both in the order of their first frames.
			next, key := -1, uint32(0)
			for k := range feeds {
				c := feeds[k].peek()
				if c == nil {
					continue
				}
				ck := c.FirstFrame
				if part == 0 {
					ck = ls.tcpOrder.global(k, c.Stream)
				}
				if next < 0 || ck < key {
					next, key = k, ck
				}
			}
			if next < 0 {
				break
			}
			f := &feeds[next]
			c := f.cur[f.i]
			f.i++
			if part == 0 {
				c.Stream = key
			} else {
				c.Stream = stream
				stream++
			}
			if !yield(c) {
				return
			}
		}
	}
}

// convFeed reads one lane's conversations back: its TCP ones in stream order, an empty batch, then its
// UDP ones.
type convFeed struct {
	full, free chan []analysis.Conversation
	done       chan struct{}
	cur        []analysis.Conversation
	i          int
	ended      bool // the current part (TCP or UDP) is done with
	quiet      int  // the quiet TCP conversations passed over (Options.SkipQuietTCP), once done is closed
}

// peek returns the feed's next conversation of the current part, or nil at its end.
func (f *convFeed) peek() *analysis.Conversation {
	if f.i < len(f.cur) {
		return &f.cur[f.i]
	}
	if f.ended {
		return nil
	}
	if f.cur != nil {
		f.free <- f.cur[:0] // never blocks: there are convBatches batches
		f.cur = nil
	}
	b, ok := <-f.full
	if !ok || len(b) == 0 {
		if ok {
			f.free <- b
		}
		f.ended = true
		return nil
	}
	f.cur, f.i = b, 0
	return &f.cur[0]
}

func (f *convFeed) run(l *lane, skipQuiet bool, stop chan struct{}) {
	defer close(f.done)
	defer close(f.full)
	var b []analysis.Conversation
	get := func() bool {
		select {
		case b = <-f.free:
			return true
		case <-stop:
			return false
		}
	}
	send := func() bool {
		select {
		case f.full <- b:
			return true
		case <-stop:
			return false
		}
	}
	if !get() {
		return
	}
	r := l.tcp.NewConvReader()
	r.SkipQuiet = skipQuiet
	defer func() { f.quiet = r.Quiet }()
	for c := range r.Each(0, l.tcp.Count()) {
		if b = append(b, c); len(b) == convBatch && (!send() || !get()) {
			return
		}
	}
	if len(b) > 0 && (!send() || !get()) {
		return
	}
	if !send() || !get() { // the empty batch: the end of the TCP conversations
		return
	}
	for c := range l.udp.Each() {
		if b = append(b, c); len(b) == convBatch && (!send() || !get()) {
			return
		}
	}
	if len(b) > 0 {
		send()
	}
}

// conversations is eachConversation as an iterator: EachConversation (and Conversations) for a trace run in
// lanes.
func (ls *laneSet) conversations(quiet *int) iter.Seq[analysis.Conversation] {
	return func(yield func(analysis.Conversation) bool) { ls.eachConversation(quiet, yield) }
}
