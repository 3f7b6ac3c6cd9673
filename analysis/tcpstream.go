package analysis

import (
	"encoding/binary"
	"github.com/wirelens/wirelens/internal/recycle"
	"hash/maphash"
	"math/rand/v2"

	"github.com/wirelens/wirelens/dissect"
)

// TCPStreams numbers TCP conversations (tcp.stream) and finds the bases of relative sequence numbers and
// the window scaling of each direction, with the rules of Wireshark 4.0 (../shared/spec §1–2):
//
//   - A conversation is keyed by the unordered pair of endpoints (address, port). Its first segment creates
//     it with the next stream number, from 0 in frame order.
//   - newStreamOnSYN: a SYN (with or without ACK) on a known key starts a new conversation when its sender's
//     base sequence number is already set and differs from the SYN's sequence number (a SYN with the same
//     ISN is a retransmission in the same stream).
//   - baseSeq: a direction's base is set by its first segment: the ISN if it has SYN (the SYN is relative 0),
//     otherwise seq-1 (the first segment is relative 1). The reverse direction's base is also set by the
//     first ACK-bearing segment if not yet set: ack-1.
//   - windowScale: the window-scale option on a SYN sets its sender's shift (at most 14); a SYN or SYN+ACK
//     without it sets both directions to "no scaling" (-2). Until a handshake is seen the scale is unknown
//     (-1) and windows are shown unscaled. Scaling never applies to a SYN.
//
// Closed conversations are evicted after a while (evict.go), so that memory follows the conversations in
// progress.
type TCPStreams struct {
	convs convMap
	next  uint32
	all   streamIndex // every conversation by stream number: live, or where its record is (evict.go)

	// Eviction (evict.go).
	idle int64 // closed conversations idle this long are evicted; 0: never
	// idleSettled is idle for the settled ones (tcpConv.settled), at most idle.
	idleSettled int64
	sweeps      SweepClock // when the closing conversations are looked over next
	// sweepsOutside: the caller says when to sweep (SweepAt), not the frames this tracker sees
	// (SweepsOutside).
	sweepsOutside bool
	queue         ring[closing]         // conversations that saw a FIN or a RST, oldest first
	free          pool[tcpConv]         // retired conversations, for reuse
	done          doneStore             // evicted conversations' records
	segs          recycle.Pool[unacked] // arrays of unacknowledged-segment lists, for reuse
	tombs         tombSet               // hash of the endpoints of evicted conversations → their stream
	hseed         uint64                // for hashKey (convs, tombs)
	seed2         maphash.Seed          // for tomb.check
	// lastKey and lastConv are the conversation of the previous segment (lastConv nil: none, or it
	// has left convs since).
	lastKey  convKey
	lastConv *tcpConv
	lastHash uint64 // hashKey(lastKey)
	evicted  int
	revived  int
	// skipQuiet: evicted conversations are marked quiet or not (SkipQuiet).
	skipQuiet bool
}

type convKey struct {
	a, b   [16]byte
	pa, pb uint16
}

// eq reports whether k and o are the same endpoints: k == o, compared eight bytes at a time in line
// (== on the struct calls the runtime's memory comparison for its 36 bytes, once or twice per segment).
func (k *convKey) eq(o *convKey) bool {
	le := binary.LittleEndian
	return le.Uint64(k.a[:8]) == le.Uint64(o.a[:8]) && le.Uint64(k.a[8:]) == le.Uint64(o.a[8:]) &&
		le.Uint64(k.b[:8]) == le.Uint64(o.b[:8]) && le.Uint64(k.b[8:]) == le.Uint64(o.b[8:]) &&
		k.pa == o.pa && k.pb == o.pb
}

type tcpDir struct {
	baseSet  bool
	base     uint32
	winScale int8
	seq      seqState // sequence analysis (tcpanalysis.go)
}

type tcpConv struct {
	stream uint32
	// dirs[0] is the endpoint that sorts first in the key (a), dirs[1] the other.
	dirs [2]tcpDir
	// synTime is the time of the latest SYN without ACK (0: none); irtt the initial RTT once known.
	synTime int64
	irtt    int64
	irttSet bool
	queued  bool       // in TCPStreams.queue (evict.go)
	rec     convRecord // what the conversation table and the diagnosis report (conversation.go)
}

// NewTCPStreams returns an empty tracker.
func NewTCPStreams() *TCPStreams {
	return &TCPStreams{convs: newConvMap(), tombs: newTombSet(), hseed: rand.Uint64(), seed2: maphash.MakeSeed(), idle: closedIdle, idleSettled: closedIdleSettled, free: pool[tcpConv]{max: maxFree}}
}

// Count returns the number of TCP streams seen so far.
func (t *TCPStreams) Count() int { return int(t.next) }

// key builds the unordered key of a segment and says which side of it the sender is (0 or 1).
func key(src, dst []byte, sp, dp uint16) (convKey, int) {
	var k convKey
	side := k.set(src, dst, sp, dp)
	return k, side
}

// set makes k the unordered key of a segment in place (key without copying the 36-byte key out) and
// says which side of it the sender is.
func (k *convKey) set(src, dst []byte, sp, dp uint16) int {
	s, d := keyAddr(src), keyAddr(dst)
	if less(s, sp, d, dp) {
		k.a, k.pa, k.b, k.pb = s, sp, d, dp
		return 0
	}
	k.a, k.pa, k.b, k.pb = d, dp, s, sp
	return 1
}

// keyAddr is an address as a key holds it: 16 bytes, an IPv4 address marked in its last byte so that
// IPv4 keys stay apart from IPv6 ones that share the bytes.
func keyAddr(b []byte) (a [16]byte) {
	switch len(b) {
	case 4:
		a[0], a[1], a[2], a[3] = b[0], b[1], b[2], b[3]
		a[15] = 4
	case 16:
		a = [16]byte(b)
	default:
		copy(a[:], b)
	}
	return a
}

func less(a [16]byte, pa uint16, b [16]byte, pb uint16) bool {
	// Byte order, compared eight bytes at a time.
	if x, y := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8]); x != y {
		return x < y
	}
	if x, y := binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:]); x != y {
		return x < y
	}
	return pa <= pb
}

// Observe assigns every TCP header of the packet (except those quoted inside ICMP errors) to its stream
// and fills p.TCP.
func (t *TCPStreams) Observe(p *dissect.Packet) { t.ObservePrepared(p, nil) }

// TCPSeg is a frame's first TCP header as the tracker reads it before it looks at any state: its
// endpoints' key and hash, its fields and options. Prepare fills it; ObservePrepared uses it.
type TCPSeg struct {
	layer  int // index+1 of the TCP layer read; 0: none
	k      convKey
	hk     uint64 // hashKey(k)
	side   int
	sp, dp uint16
	flags  uint16
	seq    uint32
	ack    uint32
	window uint32
	payLen uint32
	sacked uint32 // bytes the SACK option's blocks cover
	wscale []byte // the window-scale option of a SYN, or nil
}

// Prepare reads p's first TCP header into s: the part of Observe that needs no state, so that it can run
// on another goroutine than Observe (the engine's decoding stage, while the frame is in its core's
// cache), ahead of it. It only reads the tracker's seed.
func (t *TCPStreams) Prepare(p *dissect.Packet, s *TCPSeg) {
	s.layer = 0
	if !p.MayHave(dissect.ProtoTCP) {
		return
	}
	for i := 0; i < p.N; i++ {
		if l := &p.Layers[i]; tracked(l) {
			if t.readSeg(p, i, l, s) {
				s.layer = i + 1
			}
			return
		}
	}
}

// tracked reports whether a layer is a TCP header the tracker assigns to a stream: not one quoted inside
// an ICMP error, and complete.
func tracked(l *dissect.Layer) bool {
	return l.Proto == dissect.ProtoTCP && !l.InError() && l.Hdr >= 20
}

// readSeg reads the TCP header of layer i into s; false when the layer has no network addresses.
func (t *TCPStreams) readSeg(p *dissect.Packet, i int, l *dissect.Layer, s *TCPSeg) bool {
	src, dst := p.NetAddrs(i)
	if src == nil {
		return false
	}
	h := p.Header(l)
	s.sp, s.dp = binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])
	s.seq, s.ack = binary.BigEndian.Uint32(h[4:]), binary.BigEndian.Uint32(h[8:])
	s.flags = binary.BigEndian.Uint16(h[12:])
	s.window = uint32(binary.BigEndian.Uint16(h[14:]))
	s.payLen = uint32(p.TCPPayloadLenAt(i))
	s.side = s.k.set(src, dst, s.sp, s.dp)
	s.hk = t.hashKey(&s.k)
	s.wscale = nil
	if s.flags&dissect.TCPSyn != 0 {
		s.wscale = dissect.FindTCPOption(h, 3)
	}
	s.sacked = sackedBytes(dissect.FindTCPOption(h, 5))
	return true
}

// ObservePrepared is Observe with the packet's first TCP header read by Prepare into pre (nil: none).
func (t *TCPStreams) ObservePrepared(p *dissect.Packet, pre *TCPSeg) {
	var tmp TCPSeg
	n := p.N
	if !p.MayHave(dissect.ProtoTCP) {
		n = 0 // no TCP header to look for; the sweep below still runs
	}
	for i := 0; i < n; i++ {
		l := &p.Layers[i]
		if !tracked(l) {
			continue
		}
		s := pre
		if pre == nil || pre.layer != i+1 {
			if !t.readSeg(p, i, l, &tmp) {
				continue
			}
			s = &tmp
		}
		t.observeSeg(p, l, s)
	}
	if t.idle > 0 && !t.sweepsOutside && t.sweeps.Due(p.TimeNS) {
		t.sweep(p.TimeNS)
	}
}

// SweepClock says at which frames a tracker looks over its closing conversations for finished ones: at
// the first frame, in capture order, at least sweepEvery of capture time after the last look.
type SweepClock struct{ last int64 }

// Due says whether a frame captured at now is one to sweep at (and if so, starts the next interval).
func (c *SweepClock) Due(now int64) bool {
	if now-c.last >= sweepEvery {
		c.last = now
		return true
	}
	return false
}

// SweepsOutside makes the tracker sweep only when SweepAt is called, for a tracker that sees some of a
// trace's frames (the conversations of one lane of several): with SweepAt called at the frames a
// SweepClock over all of them names, it evicts exactly what one tracker of the whole trace would.
func (t *TCPStreams) SweepsOutside() { t.sweepsOutside = true }

// ShareMemory makes the tracker keep in memory 1/n of the evicted conversations' records one tracker
// keeps (the rest goes to the store's file), for one of n trackers that each see some of a trace's
// connections (lanes): together they keep what one would, and the trace's memory stays what it was.
func (t *TCPStreams) ShareMemory(n int) { t.done.memChunks = max(1, memChunksDefault/n) }

// SweepAt looks over the closing conversations at capture time now (see SweepsOutside).
func (t *TCPStreams) SweepAt(now int64) {
	if t.idle > 0 {
		t.sweep(now)
	}
}

// observeSeg assigns one TCP header (read into s) to its stream, runs the sequence analysis and fills
// p.TCP for its layer.
func (t *TCPStreams) observeSeg(p *dissect.Packet, l *dissect.Layer, s *TCPSeg) {
	sp, dp, seq, ack, flags, side := s.sp, s.dp, s.seq, s.ack, s.flags, s.side
	syn, hasAck := flags&dissect.TCPSyn != 0, flags&dissect.TCPAck != 0
	var c *tcpConv
	hk := s.hk
	if t.lastConv != nil && t.lastHash == hk && t.lastKey.eq(&s.k) {
		c = t.lastConv // segments of one connection often come in runs
	} else {
		c = t.convs.get(hk, &s.k)
	}
	reused := false
	if c == nil && t.tombs.len() > 0 {
		if reused = syn && t.reusedTomb(hk, s.k, side, seq); !reused {
			c = t.revive(hk, s.k)
		}
	}
	reused = reused || c != nil && newStreamOnSYN(c, side, syn, seq)
	if c == nil || reused {
		if reused && c != nil && t.idle > 0 {
			t.retire(c) // no segment can reach it any more
		}
		c = t.newConv()
		c.stream, c.dirs = t.next, [2]tcpDir{newDir(), newDir()}
		c.rec.init(s.k)
		t.next++
		t.convs.set(hk, &s.k, c)
		t.all.add(c)
	}
	t.lastKey, t.lastConv, t.lastHash = s.k, c, hk
	fwd, rev := &c.dirs[side], &c.dirs[1-side]
	baseSeq(fwd, rev, syn, hasAck, seq, ack)
	if syn {
		windowScale(fwd, rev, flags&dissect.TCPAck != 0, s.wscale)
	}
	payLen := s.payLen
	p.TCP[l.Aux] = dissect.TCPConv{
		Valid:    true,
		Stream:   c.stream,
		SeqBase:  fwd.base,
		AckBase:  rev.base,
		WinScale: fwd.winScale,
		WinApply: !syn,
		SrcPort:  sp, DstPort: dp, Flags: flags, RawSeq: seq, RawAck: ack, PayloadLen: payLen,
	}
	if p.Repeated() {
		return // the same packet logged at another stack component (PktMon): analyzed once
	}
	seg := segment{
		frame: uint32(p.Num), time: p.TimeNS, seq: seq, ack: ack, len: payLen,
		flags: flags, window: s.window,
	}
	a := &p.TCP[l.Aux].A
	if reused {
		a.Flags |= dissect.TCPAReusedPorts
	}
	analyzeSegment(c, fwd, rev, &seg, a, &t.segs)
	fwd.seq.sacked = s.sacked
	c.rec.observe(p, &fwd.seq, side, &seg, a)
	if c.rec.finSeen != [2]bool{} || c.rec.rstSeen != [2]bool{} {
		t.releaseAcked(c)
		if !c.queued && t.idle > 0 {
			c.queued = true
			t.queue.push(closing{c, p.TimeNS})
		}
	}
}

// releaseAcked frees the unacknowledged-segment lists of a closing conversation once they are empty: a bulk
// transfer leaves a list with room for a whole window, and finished conversations are kept until the end of
// the trace. Nothing else changes (appending to an empty list works the same with or without room).
func (t *TCPStreams) releaseAcked(c *tcpConv) {
	for i := range c.dirs {
		if d := &c.dirs[i].seq; len(d.segs) == 0 && d.segs != nil {
			t.segs.Put(d.segs)
			d.segs = nil
		}
	}
}

// sackedBytes sums the first three SACK blocks of an option (nil: none), as tshark 4.0 keeps them for
// the bytes-in-flight computation of the other side's next segment.
func sackedBytes(opt []byte) uint32 {
	var n uint32
	for o, k := 2, 0; o+8 <= len(opt) && k < 3; o, k = o+8, k+1 {
		n += binary.BigEndian.Uint32(opt[o+4:]) - binary.BigEndian.Uint32(opt[o:])
	}
	return n
}

func newDir() tcpDir {
	return tcpDir{winScale: -1, seq: seqState{window: ^uint32(0)}}
}

// newStreamOnSYN: a SYN whose sender already has a base sequence number different from the SYN's
// sequence number opens a new conversation on the same endpoints (port reuse).
func newStreamOnSYN(c *tcpConv, side int, syn bool, seq uint32) bool {
	d := &c.dirs[side]
	return syn && d.baseSet && d.base != seq
}

// baseSeq sets the relative-sequence bases: the sender's from its first segment, the receiver's from the
// first acknowledgement if the receiver has not been seen yet.
func baseSeq(fwd, rev *tcpDir, syn, hasAck bool, seq, ack uint32) {
	if !fwd.baseSet {
		fwd.baseSet = true
		if syn {
			fwd.base = seq
		} else {
			fwd.base = seq - 1
		}
	}
	if !rev.baseSet && hasAck {
		rev.baseSet = true
		rev.base = ack - 1
	}
}

// windowScale records the window-scale option of a SYN (opt is nil when the SYN has none). A SYN whose
// sender has announced no scale means no scaling either way; a SYN+ACK with a scale answering a SYN without
// one does not scale either.
func windowScale(fwd, rev *tcpDir, synack bool, opt []byte) {
	if opt != nil {
		fwd.winScale = int8(min(opt[2], 14))
	}
	switch {
	case fwd.winScale == -1:
		fwd.winScale, rev.winScale = -2, -2
	case synack && rev.winScale == -2:
		fwd.winScale = -2
	}
}
