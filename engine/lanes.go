package engine

import (
	"encoding/binary"
	"iter"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
)

// Lanes: a trace read to the end by a command that reports only then (Trace.Run) is split by
// conversation between two goroutines, the lanes. Each lane decodes and tracks every frame of its own
// conversations, from the first to the last, with a decoder and trackers of its own; the caller's
// goroutine reads the frames and deals them out. A frame's bytes and its decoded packet stay on one core,
// and each core keeps the state of half the connections: on a trace of short connections two lanes
// analyse it some 1.5 to 2 times as fast as one goroutine does, where the pipeline's stages (decoding,
// tracking) on two cores do not even reach 1.2 times (BENCHMARKS.md).
//
// Which lane a frame goes to is read from its bytes before it is decoded (frameLane): a TCP or UDP
// segment goes by its two ports, so that both directions of a connection meet in one lane; everything
// else (ARP, ICMP, IP fragments, what the quick look does not know) goes to lane 0. Once a frame is
// decoded its lane checks that every TCP and UDP header the trackers take hashes to it, and that lane 0
// took the frames whose decoding depends on earlier frames (IP fragments, ICMP and ARP matching). A trace
// where that fails (a tunnel, a fragmented segment) is read again the usual way: the lanes' results are
// those of one tracker over the whole trace, or they are not used.
//
// Each lane numbers its own streams; the conversations are merged by their first frame, which is the
// order tcp.stream and udp.stream number them in. The trackers evict closed conversations at the frames
// one tracker of the whole trace would (analysis.SweepClock), so that a late segment finds what it would.

const (
	laneCount   = 2
	chunkFrames = 256 // frames dealt out at a time
	maxChunks   = 8   // chunks per trace at most (being read, in the lanes)
)

// chunk is a run of consecutive frames, read by the caller and handed to every lane; each lane decodes
// those of its own conversations.
type chunk struct {
	frames [chunkFrames]capture.Frame
	lane   [chunkFrames]uint8 // which lane takes the frame (frameLane)
	sweep  [chunkFrames]bool  // a tracker of the whole trace would sweep after the frame
	n      int
	num    int   // the number of the chunk's first frame
	first  int64 // the capture time of the trace's first frame
	prev   int64 // the capture time of the frame before the chunk's first (first, for frame 1)
	frameStore
	err  error        // the reader's error after the n frames (io.EOF at the end), or nil
	refs atomic.Int32 // lanes not done with the chunk
}

// lane is one lane's goroutine state.
type lane struct {
	in   chan *chunk
	dec  *dissect.Decoder
	tcp  *analysis.TCPStreams
	udp  *analysis.UDPStreams
	http *analysis.HTTPStreams // nil without HTTP analysis
	dns  *analysis.DNSPairing  // lane 0's (it takes every DNS message); nil in the others
	p    dissect.Packet
	// With results, the lane sends what the caller hands on in capture order, chunk by chunk, on res
	// (and at the end the operations left open), taking the results to fill from free.
	results   bool
	malformed bool // results list the malformed frames
	res, free chan *laneResult
	cur       *laneResult
	frame     uint32 // the frame being analysed (0 at the end), for the operations it finishes
}

// laneResult is what a lane found in one chunk that the caller hands on in capture order.
type laneResult struct {
	newTCP    []uint32 // the first frame of each TCP stream the lane numbered, in its numbering order
	ops       []laneOp // HTTP operations finished, in order
	malformed []uint32 // malformed frames
}

// laneOp is an HTTP operation a lane finished, and the frame that finished it (0: at the end).
type laneOp struct {
	frame uint32
	op    analysis.HTTPOperation
}

// laneSet is a trace's lanes.
type laneSet struct {
	lanes [laneCount]lane
	free  chan *chunk
	made  int
	mixed atomic.Bool // a frame was found in the wrong lane: the lanes' results are not used
	wg    sync.WaitGroup
	// global maps each lane's TCP stream numbers to the trace's (the order of their first frames).
	global [laneCount][]uint32
	nTCP   uint32
}

// lanesOff turns lanes off (tests compare them with the pipeline).
var lanesOff = false

// canRunLanes says whether the trace can be run in lanes: nothing read yet, a capture file (read again if
// the lanes fail), of HTTP only the operations (no tshark view, no list of them kept), no second pass, and
// two cores.
func (t *Trace) canRunLanes() bool {
	if lanesOff || t.pl != nil || t.Frames != 0 || t.err != nil || !t.noHTTP && !(t.http.NoFields && t.opts.NoHTTPOperations) || t.late != nil || t.opts.AllEvents || t.path == "-" || runtime.GOMAXPROCS(0) < laneCount {
		return false
	}
	if f := t.file.Reader.Format(); f != capture.FormatPcap && f != capture.FormatPcapNG {
		return false
	}
	st, err := os.Stat(t.path)
	return err == nil && st.Mode().IsRegular()
}

// Run reads the trace to the end without handing out its packets, for a command that reports only at the
// end (Conversations, EachConversation). It returns what Next returns at the end: io.EOF, or a read
// error. Where it can (canRunLanes) it runs the trace in lanes; otherwise, or when the lanes find a frame
// they cannot split, it calls Next to the end.
func (t *Trace) Run() error {
	if t.canRunLanes() {
		if ok, err := t.runLanes(); ok {
			return err
		}
		// Read again from the start, the usual way.
		slow := t.http.Slow
		nt, err := open(t.path, t.opts)
		t.Close()
		if err != nil {
			t.err = err
			return err
		}
		*t = *nt
		t.http.Slow = slow
		if t.opts.OnRestart != nil {
			t.opts.OnRestart()
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

// runLanes runs the trace in lanes. It returns false when a frame could not be split by conversation
// (the trace must be read again), else true and the error Next would give at the end.
func (t *Trace) runLanes() (bool, error) {
	ls := &laneSet{free: make(chan *chunk, maxChunks)}
	results := !t.noHTTP || t.opts.OnMalformed != nil
	for k := range ls.lanes {
		l := &ls.lanes[k]
		*l = lane{in: make(chan *chunk, maxChunks), dec: dissect.NewDecoder(), tcp: analysis.NewTCPStreams(), udp: analysis.NewUDPStreams()}
		l.tcp.SweepsOutside()
		if results {
			l.results, l.malformed = true, t.opts.OnMalformed != nil
			l.res, l.free = make(chan *laneResult, 2*maxChunks+2), make(chan *laneResult, 2*maxChunks+2)
			for range 2*maxChunks + 2 {
				l.free <- new(laneResult)
			}
		}
		if !t.noHTTP {
			l.http = analysis.NewHTTPStreams()
			l.http.NoFields, l.http.Slow = true, t.http.Slow
			// Every operation gets its strings (Wants would ask the caller's report, on another goroutine).
			l.http.OnOperation = func(op *analysis.HTTPOperation) { l.cur.ops = append(l.cur.ops, laneOp{l.frame, *op}) }
			if k == 0 {
				l.dns = analysis.NewDNSPairing()
			}
		}
		ls.wg.Add(1)
		go ls.run(k)
	}
	t.lanes = ls
	waiting := 0 // chunks handed out whose results are not handed on yet
	var (
		fr      capture.Frame
		pending bool // fr holds a frame that did not fit in the last chunk
		clock   analysis.SweepClock
		num     int
		first   int64
		prev    int64
		err     error
	)
	for err == nil && !ls.mixed.Load() {
		c := ls.chunk()
		c.n, c.err, c.arena, c.num, c.prev = 0, nil, c.arena[:0], num+1, prev
		for c.n < chunkFrames {
			if !pending {
				if e := t.file.Next(&fr); e != nil {
					c.err = e
					break
				}
			}
			pending = false
			if held, full := c.hold(&fr); full {
				pending = true
				break
			} else if !held && !c.keep(&fr, c.n > 0) {
				pending = true
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
		err = c.err
		c.refs.Store(laneCount)
		for k := range ls.lanes {
			ls.lanes[k].in <- c
		}
		if results {
			// The lanes send a result per chunk: at most maxChunks wait, so that they never block.
			for waiting++; waiting > maxChunks; waiting-- {
				ls.handOn(t, false)
			}
		}
	}
	for k := range ls.lanes {
		close(ls.lanes[k].in)
	}
	if results {
		for ; waiting > 0; waiting-- {
			ls.handOn(t, false)
		}
		ls.handOn(t, true) // the operations left open at the end
	}
	ls.wg.Wait()
	if ls.mixed.Load() {
		return false, nil
	}
	t.Frames = num
	t.Start = first
	if !t.noHTTP {
		t.http.CutShort, t.http.Requests, t.http.Responses, t.http.CapHits = 0, 0, 0, 0
		for k := range ls.lanes {
			h := ls.lanes[k].http
			t.http.CutShort += h.CutShort
			t.http.Requests += h.Requests
			t.http.Responses += h.Responses
			t.http.CapHits += h.CapHits
		}
		t.dns = ls.lanes[0].dns
		t.done = true // the lanes' HTTP analysis is closed
	}
	t.setErr(err)
	return true, t.err
}

// handOn takes the lanes' results of the oldest chunk not handed on yet (or, at the end, the operations
// left open) and hands them on in capture order: TCP streams numbered as one tracker would, HTTP
// operations (Options.OnHTTP) with those numbers, malformed frames (Options.OnMalformed). Once a lane has
// found a frame out of place nothing is handed on (the trace is read again).
func (ls *laneSet) handOn(t *Trace, end bool) {
	var r [laneCount]*laneResult
	for k := range ls.lanes {
		r[k] = <-ls.lanes[k].res
	}
	defer func() {
		for k := range ls.lanes {
			l := &ls.lanes[k]
			r[k].newTCP, r[k].ops, r[k].malformed = r[k].newTCP[:0], r[k].ops[:0], r[k].malformed[:0]
			l.free <- r[k]
		}
	}()
	if ls.mixed.Load() {
		return
	}
	// Streams by first frame (a frame is in one lane; a lane numbers its streams in frame order).
	var i [laneCount]int
	for {
		k := -1
		for j := range r {
			if i[j] < len(r[j].newTCP) && (k < 0 || r[j].newTCP[i[j]] < r[k].newTCP[i[k]]) {
				k = j
			}
		}
		if k < 0 {
			break
		}
		ls.global[k] = append(ls.global[k], ls.nTCP)
		ls.nTCP++
		i[k]++
	}
	// Operations by the frame that finished them; at the end, by stream (HTTPStreams.Close's order).
	i = [laneCount]int{}
	for {
		k := -1
		for j := range r {
			if i[j] >= len(r[j].ops) {
				continue
			}
			if k < 0 {
				k = j
				continue
			}
			a, b := &r[j].ops[i[j]], &r[k].ops[i[k]]
			if !end && a.frame < b.frame || end && ls.global[j][a.op.Stream] < ls.global[k][b.op.Stream] {
				k = j
			}
		}
		if k < 0 {
			break
		}
		op := &r[k].ops[i[k]].op
		op.Stream = int(ls.global[k][op.Stream])
		if t.opts.OnHTTP != nil {
			t.opts.OnHTTP(op)
		}
		i[k]++
	}
	if t.opts.OnMalformed == nil {
		return
	}
	i = [laneCount]int{}
	for {
		k := -1
		for j := range r {
			if i[j] < len(r[j].malformed) && (k < 0 || r[j].malformed[i[j]] < r[k].malformed[i[k]]) {
				k = j
			}
		}
		if k < 0 {
			break
		}
		t.opts.OnMalformed(r[k].malformed[i[k]])
		i[k]++
	}
}

// chunk returns a free chunk, waiting for one when maxChunks are in use.
func (ls *laneSet) chunk() *chunk {
	select {
	case c := <-ls.free:
		return c
	default:
	}
	if ls.made < maxChunks {
		ls.made++
		return new(chunk)
	}
	return <-ls.free
}

// run is lane k's goroutine: it decodes and tracks the frames of its conversations, chunk by chunk.
func (ls *laneSet) run(k int) {
	defer ls.wg.Done()
	l := &ls.lanes[k]
	for c := range l.in {
		if l.results {
			l.cur = <-l.free
		}
		if !ls.mixed.Load() {
			l.chunk(c, uint8(k), &ls.mixed)
		}
		if c.refs.Add(-1) == 0 {
			c.release()
			ls.free <- c // never blocks: the channel holds every chunk there is
		}
		if l.results {
			l.res <- l.cur
		}
	}
	if l.results {
		l.cur, l.frame = <-l.free, 0
		if l.http != nil && !ls.mixed.Load() {
			l.http.Close()
		}
		l.res <- l.cur
	}
}

// chunk decodes and tracks the frames of c that lane k takes, and sweeps the closing conversations where a
// tracker of the whole trace would.
func (l *lane) chunk(c *chunk, k uint8, mixed *atomic.Bool) {
	prev := c.prev
	p := &l.p
	for i := 0; i < c.n; i++ {
		fr := &c.frames[i]
		if c.lane[i] == k {
			n := l.tcp.Count()
			l.dec.DecodeAt(fr, p, c.num+i, c.first, prev)
			l.tcp.Observe(p)
			l.udp.Observe(p)
			if !inLane(p, k) {
				mixed.Store(true)
				return
			}
			if l.results {
				r := l.cur
				for range l.tcp.Count() - n {
					r.newTCP = append(r.newTCP, uint32(p.Num))
				}
				if l.http != nil {
					l.frame = uint32(p.Num)
					l.http.Observe(p)
				}
				if l.dns != nil {
					l.dns.Observe(p)
				}
				if l.malformed && p.IsMalformed() {
					r.malformed = append(r.malformed, uint32(p.Num))
				}
			}
			p.ReleaseMessages()
		}
		if c.sweep[i] {
			l.tcp.SweepAt(fr.TimeNS)
		}
		prev = fr.TimeNS
	}
}

// laneOf is the lane of a TCP or UDP segment between ports a and b (either way round). DNS goes to lane
// 0, which pairs every query with its response (analysis.DNSPairing keeps one table for the trace).
func laneOf(a, b uint16) uint8 {
	if dnsPort(a) || dnsPort(b) {
		return 0
	}
	return uint8((uint32(a^b) * 0x9e3779b1) >> 31)
}

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

// inLane says whether decoded packet p belongs in lane k: every TCP and UDP header the trackers take
// (not those quoted in ICMP errors) hashes to k, and a frame whose decoding depends on other frames (an
// IP fragment, ICMP or ARP, which the decoder matches across frames; DNS, paired across frames by lane
// 0) is in lane 0.
func inLane(p *dissect.Packet, k uint8) bool {
	if k != 0 && p.Frag.IsFragment {
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

// eachConversation yields the lanes' TCP conversations, then their UDP ones, merged by first frame and
// numbered again in that order (tcp.stream, udp.stream): each lane's are read back in a goroutine of its
// own, a few batches ahead.
func (ls *laneSet) eachConversation(yield func(analysis.Conversation) bool) {
	var feeds [laneCount]convFeed
	stop := make(chan struct{})
	for k := range feeds {
		f := &feeds[k]
		*f = convFeed{full: make(chan []analysis.Conversation, convBatches), free: make(chan []analysis.Conversation, convBatches), done: make(chan struct{})}
		for range convBatches {
			f.free <- make([]analysis.Conversation, 0, convBatch)
		}
		go f.run(&ls.lanes[k], stop)
	}
	defer func() {
		close(stop)
		for k := range feeds {
			<-feeds[k].done
		}
	}()
	for range 2 { // TCP, then UDP
		var stream uint32
		for k := range feeds {
			feeds[k].ended = false
		}
		for {
			var next *convFeed
			var best *analysis.Conversation
			for k := range feeds {
				if c := feeds[k].peek(); c != nil && (best == nil || c.FirstFrame < best.FirstFrame) {
					next, best = &feeds[k], c
				}
			}
			if best == nil {
				break
			}
			c := *best
			next.i++
			c.Stream = stream
			stream++
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

func (f *convFeed) run(l *lane, stop chan struct{}) {
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

// conversations is EachConversation for a trace run in lanes.
func (ls *laneSet) conversations() iter.Seq[analysis.Conversation] { return ls.eachConversation }

// close lets go of the lanes' trackers.
func (ls *laneSet) close() {
	for k := range ls.lanes {
		ls.lanes[k].tcp.Close()
	}
}
