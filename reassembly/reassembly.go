// Package reassembly puts the two byte streams of a TCP connection back together in sequence order.
//
// Each direction is reassembled on its own: in-order data is handed to the sink without a copy,
// retransmitted and overlapping data is dropped (the first copy of a byte wins, as in Wireshark's Follow
// TCP Stream), out-of-order segments are buffered until the gap before them fills, and a gap that is never
// filled (or bytes cut by the snapshot length) is reported to the gap sink, never glued over. Sequence
// numbers are compared modulo 2^32. Buffered memory is capped per direction and across all streams that
// share a Budget; when a cap is hit the oldest buffered data is flushed behind a reported gap.
package reassembly

import "github.com/wirelens/wirelens/internal/recycle"

// TCP flag bits as they appear in the TCP header's flags field.
const (
	FlagFIN uint16 = 0x01 // FIN: consumes one sequence number after the data
	FlagSYN uint16 = 0x02 // SYN: consumes one sequence number before the data
	FlagRST uint16 = 0x04 // RST
)

// Default memory caps.
const (
	DefaultMaxPerDirection = 4 << 20  // out-of-order bytes buffered in one direction
	DefaultMaxTotal        = 64 << 20 // out-of-order bytes buffered by all streams of a Budget
)

// EventKind says which memory cap was hit.
type EventKind int

// Event kinds.
const (
	// CapDirection: the out-of-order buffer of one direction is full.
	CapDirection EventKind = iota + 1
	// CapTotal: the Budget shared by all streams is exhausted.
	CapTotal
)

// String names the event kind.
func (k EventKind) String() string {
	switch k {
	case CapDirection:
		return "per-direction buffer cap reached"
	case CapTotal:
		return "total buffer cap reached"
	}
	return "unknown event"
}

// Budget is a memory budget for out-of-order data shared by many streams. It is not safe for concurrent
// use; streams that share one must be driven from one goroutine.
type Budget struct {
	// Max is the number of bytes all streams may buffer together; 0 means DefaultMaxTotal.
	Max  int
	used int
	// free holds released copies of segments (of cap segCopySize) for the next out-of-order segment: on
	// a lossy link every segment behind a loss waits in a copy, and making each anew is most of what a
	// trace allocates.
	free [][]byte
	// segs holds the arrays of finished streams' lists of out-of-order segments, for the next list that
	// grows.
	segs recycle.Pool[segment]
}

const (
	segCopySize = 2048 // the copies kept for reuse: a segment of a 1500-byte MTU fits
	maxFreeCopy = 1024
)

// copyOf returns a copy of data, in a reused buffer when one is free.
func (b *Budget) copyOf(data []byte) []byte {
	if b != nil && len(data) <= segCopySize {
		var cp []byte
		if n := len(b.free); n > 0 {
			cp, b.free = b.free[n-1], b.free[:n-1]
		} else {
			cp = make([]byte, segCopySize)
		}
		cp = cp[:len(data)]
		copy(cp, data)
		return cp
	}
	return append([]byte(nil), data...)
}

// recycle keeps a copy made by copyOf for reuse.
func (b *Budget) recycle(cp []byte) {
	if b != nil && cap(cp) == segCopySize && len(b.free) < maxFreeCopy {
		b.free = append(b.free, cp[:0])
	}
}

// Used returns the bytes currently buffered under the budget.
func (b *Budget) Used() int { return b.used }

func (b *Budget) max() int {
	if b.Max <= 0 {
		return DefaultMaxTotal
	}
	return b.Max
}

// Sinks receive what a Stream reassembles. Data slices are only valid during the call: a consumer that
// keeps them must copy. Any sink may be nil.
type Sinks struct {
	// Data receives contiguous bytes of direction dir; frame is the frame that carried them.
	Data func(dir int, frame uint32, data []byte)
	// Gap reports that missing bytes at sequence number seq will never be delivered; frame is the frame
	// whose arrival (or Close, with the last frame seen) revealed it.
	Gap func(dir int, frame uint32, seq uint32, missing int)
	// Event reports that a memory cap was hit (once per direction and kind).
	Event func(dir int, frame uint32, kind EventKind)
}

// Stream reassembles both directions of one TCP connection. Dir[0] and Dir[1] are the directions; which
// one is which is up to the caller.
type Stream struct {
	// Dir holds the two directions.
	Dir [2]Direction
}

// NewStream returns a stream delivering to the sinks. maxPerDir caps the out-of-order bytes buffered in
// each direction (0: DefaultMaxPerDirection); budget, if not nil, caps them across streams.
func NewStream(s Sinks, maxPerDir int, budget *Budget) *Stream {
	st := &Stream{}
	for i := range st.Dir {
		st.Dir[i].init(i, s, maxPerDir, budget)
	}
	return st
}

// Reset makes the stream new again, with the sinks and caps it was made with, so that a finished
// stream's memory can serve the next one. Buffered data is dropped (Close delivers it first).
func (s *Stream) Reset() {
	for i := range s.Dir {
		d := &s.Dir[i]
		for j := range d.buf {
			d.release(&d.buf[j])
		}
		buf := d.buf[:0] // release left no data in it
		if d.budget != nil {
			d.budget.segs.Put(buf)
			buf = nil
		}
		*d = Direction{dir: d.dir, sinks: d.sinks, maxBuf: d.maxBuf, budget: d.budget, buf: buf}
	}
}

// Close flushes both directions (see Direction.Close).
func (s *Stream) Close() {
	s.Dir[0].Close()
	s.Dir[1].Close()
}

// segOverhead is what one buffered segment costs besides its bytes, charged against the caps so that
// many tiny (or fully cut) segments cannot grow the buffer without bound.
const segOverhead = 64

// segment is buffered out-of-order data: it covers [seq, seq+n); data holds its first len(data) bytes
// (the rest was cut by the snapshot length).
type segment struct {
	seq   uint32
	n     int
	frame uint32
	data  []byte
}

// Direction reassembles one direction of a stream.
type Direction struct {
	dir       int
	sinks     Sinks
	maxBuf    int
	budget    *Budget
	started   bool
	next      uint32 // next sequence number expected
	finSet    bool
	finSeq    uint32 // sequence number of the FIN
	finDone   bool
	ackSet    bool
	acked     uint32 // the highest acknowledgment the peer sent: bytes before it will never come
	lastFrame uint32
	buf       []segment // out-of-order segments, sorted by seq, not overlapping
	buffered  int
	evented   [3]bool
	stats     Stats
}

// Stats counts what a direction saw.
type Stats struct {
	Delivered  int64 // bytes handed to the data sink
	Missing    int64 // bytes reported as gaps
	Duplicate  int64 // bytes dropped as retransmitted or overlapping
	Buffered   int   // bytes currently charged for buffered out-of-order segments (data plus overhead)
	CapReached int   // times a memory cap forced a flush
}

// Next returns the sequence number of the next byte the direction will deliver, and whether it has
// seen a segment yet.
func (d *Direction) Next() (uint32, bool) { return d.next, d.started }

// Waiting reports whether out-of-order segments wait in the direction for the bytes before them.
func (d *Direction) Waiting() bool { return len(d.buf) > 0 }

// Stats returns the direction's counters.
func (d *Direction) Stats() Stats {
	s := d.stats
	s.Buffered = d.buffered
	return s
}

func (d *Direction) init(dir int, s Sinks, maxPerDir int, budget *Budget) {
	if maxPerDir <= 0 {
		maxPerDir = DefaultMaxPerDirection
	}
	*d = Direction{dir: dir, sinks: s, maxBuf: maxPerDir, budget: budget}
}

// before reports a < b modulo 2^32.
func before(a, b uint32) bool { return int32(a-b) < 0 }

// Add feeds one segment of this direction: its frame number, sequence number (absolute or relative, as
// long as the direction is consistent), TCP flags, the captured payload and the payload length reported
// by the IP header (reportedLen > len(payload) when the snapshot length cut the frame; the cut bytes are
// reported as a gap).
func (d *Direction) Add(frame uint32, seq uint32, flags uint16, payload []byte, reportedLen int) {
	d.lastFrame = frame
	if reportedLen < len(payload) {
		reportedLen = len(payload)
	}
	if flags&FlagSYN != 0 {
		seq++
	}
	if !d.started {
		d.started = true
		d.next = seq
	}
	if flags&FlagFIN != 0 && !d.finSet {
		d.finSet = true
		d.finSeq = seq + uint32(reportedLen)
	}
	if reportedLen > 0 {
		d.insert(frame, seq, payload, reportedLen)
	}
	d.checkFin()
}

func (d *Direction) checkFin() {
	if d.finSet && !d.finDone && d.next == d.finSeq {
		d.finDone = true
		d.next++
	}
}

// deliver hands the part of [seq, seq+n) at or after d.next to the sinks and advances d.next; data holds
// the captured prefix. It requires !before(d.next, seq), i.e. seq <= next.
func (d *Direction) deliver(frame uint32, seq uint32, data []byte, n int) {
	skip := int(d.next - seq)
	if skip >= n {
		d.stats.Duplicate += int64(n)
		return
	}
	d.stats.Duplicate += int64(skip)
	n -= skip
	if skip < len(data) {
		data = data[skip:]
	} else {
		data = nil
	}
	if len(data) > 0 {
		d.stats.Delivered += int64(len(data))
		if d.sinks.Data != nil {
			d.sinks.Data(d.dir, frame, data)
		}
		d.next += uint32(len(data))
	}
	if m := n - len(data); m > 0 {
		d.gap(frame, m)
	}
}

func (d *Direction) gap(frame uint32, m int) {
	d.stats.Missing += int64(m)
	if d.sinks.Gap != nil {
		d.sinks.Gap(d.dir, frame, d.next, m)
	}
	d.next += uint32(m)
}

// drain delivers buffered segments that have become contiguous.
func (d *Direction) drain() {
	i := 0
	for i < len(d.buf) && !before(d.next, d.buf[i].seq) {
		s := &d.buf[i]
		d.deliver(s.frame, s.seq, s.data, s.n)
		d.release(s)
		i++
	}
	d.removeFirst(i)
	d.checkFin()
}

func (d *Direction) release(s *segment) {
	d.buffered -= len(s.data) + segOverhead
	if d.budget != nil {
		d.budget.used -= len(s.data) + segOverhead
		d.budget.recycle(s.data)
	}
	s.data = nil
}

func (d *Direction) removeFirst(i int) {
	if i == 0 {
		return
	}
	n := copy(d.buf, d.buf[i:])
	clear(d.buf[n:])
	d.buf = d.buf[:n]
}

// flushFirst delivers the first buffered segment behind a gap, then whatever follows it contiguously.
func (d *Direction) flushFirst(frame uint32) {
	s := &d.buf[0]
	if before(d.next, s.seq) {
		d.gap(frame, int(s.seq-d.next))
	}
	d.drain()
}

// sub returns the part [from, to) of a segment [seq, seq+n) whose captured prefix is data.
func sub(seq uint32, data []byte, from, to uint32) ([]byte, int) {
	a, b := int(from-seq), int(to-seq)
	switch {
	case a >= len(data):
		data = nil
	case b >= len(data):
		data = data[a:]
	default:
		data = data[a:b]
	}
	return data, b - a
}

func (d *Direction) insert(frame uint32, seq uint32, data []byte, n int) {
	for n > 0 {
		end := seq + uint32(n)
		if !before(d.next, seq) {
			// In order, retransmitted or overlapping what was delivered: the hot path, no copy.
			if len(d.buf) == 0 || !before(d.buf[0].seq, end) {
				d.deliver(frame, seq, data, n)
				if len(d.buf) > 0 {
					d.drain()
				}
				return
			}
			// The segment reaches into buffered data: deliver up to it, let the buffered copy win.
			cut := d.buf[0].seq
			if before(d.next, cut) {
				pd, pn := sub(seq, data, seq, cut)
				d.deliver(frame, seq, pd, pn)
			}
			d.drain()
			if before(d.next, end) {
				d.stats.Duplicate += int64(d.next - cut)
			} else {
				d.stats.Duplicate += int64(end - cut)
				return
			}
			data, n = sub(seq, data, d.next, end)
			seq = d.next
			continue
		}
		if d.ackSet && !before(d.acked, seq) {
			// The peer acknowledged the bytes before this segment: they are lost from the capture.
			for len(d.buf) > 0 && before(d.buf[0].seq, seq) {
				d.flushFirst(frame)
			}
			if before(d.next, seq) {
				d.gap(frame, int(seq-d.next))
			}
			continue
		}
		// Out of order: find the first buffered segment that ends after seq.
		i := 0
		for i < len(d.buf) && !before(seq, d.buf[i].seq+uint32(d.buf[i].n)) {
			i++
		}
		if i == len(d.buf) || !before(d.buf[i].seq, end) {
			if d.buffer(frame, seq, data, n, i) {
				return
			}
			continue
		}
		b := d.buf[i]
		if !before(seq, b.seq) {
			// Overlaps the front of a buffered segment: the buffered copy wins.
			bEnd := b.seq + uint32(b.n)
			if !before(bEnd, end) {
				d.stats.Duplicate += int64(n)
				return
			}
			d.stats.Duplicate += int64(bEnd - seq)
			data, n = sub(seq, data, bEnd, end)
			seq = bEnd
			continue
		}
		// Starts before a buffered segment and runs into it: buffer the part before it.
		pd, pn := sub(seq, data, seq, b.seq)
		if d.buffer(frame, seq, pd, pn, i) {
			data, n = sub(seq, data, b.seq, end)
			seq = b.seq
		}
	}
}

// buffer stores a copy of [seq, seq+n) at index i of the out-of-order buffer, first making room under the
// caps by flushing older data behind gaps. It returns false when, instead, the data became in order
// (the caller then delivers it).
func (d *Direction) buffer(frame uint32, seq uint32, data []byte, n int, i int) bool {
	size := len(data) + segOverhead
	for {
		kind := d.overCap(size)
		if kind == 0 {
			break
		}
		d.stats.CapReached++
		if !d.evented[kind] {
			d.evented[kind] = true
			if d.sinks.Event != nil {
				d.sinks.Event(d.dir, frame, kind)
			}
		}
		if len(d.buf) > 0 && before(d.buf[0].seq, seq) {
			d.flushFirst(frame)
		} else {
			// Nothing older to flush: give up waiting for the bytes before this segment.
			d.drain()
			if before(d.next, seq) {
				d.gap(frame, int(seq-d.next))
			}
			return false
		}
		if !before(d.next, seq) {
			return false
		}
	}
	if !before(d.next, seq) {
		return false
	}
	// The buffer may have changed while making room: find the insertion point again.
	if i > len(d.buf) || (i > 0 && !before(d.buf[i-1].seq, seq)) || (i < len(d.buf) && before(d.buf[i].seq, seq)) {
		i = 0
		for i < len(d.buf) && before(d.buf[i].seq, seq) {
			i++
		}
	}
	var cp []byte
	if len(data) > 0 {
		cp = d.budget.copyOf(data)
	}
	if d.budget != nil {
		d.buf = d.budget.segs.Grow(d.buf, 1)
	}
	d.buf = append(d.buf, segment{})
	copy(d.buf[i+1:], d.buf[i:])
	d.buf[i] = segment{seq: seq, n: n, frame: frame, data: cp}
	d.buffered += size
	if d.budget != nil {
		d.budget.used += size
	}
	return true
}

func (d *Direction) overCap(size int) EventKind {
	if d.buffered+size > d.maxBuf {
		return CapDirection
	}
	if d.budget != nil && d.budget.used+size > d.budget.max() {
		return CapTotal
	}
	return 0
}

// Finished reports whether the direction's FIN was reached: every byte before it was delivered or
// reported missing.
func (d *Direction) Finished() bool { return d.finDone }

// Ack tells the direction that the peer acknowledged every byte before ack (the ACK field of a segment
// going the other way). The peer will not see those bytes again, so data missing before ack is reported
// as a gap as soon as data after it is known, instead of waiting for Close (Wireshark's Follow does the
// same).
func (d *Direction) Ack(frame uint32, ack uint32) {
	if !d.started || !before(d.next, ack) {
		return
	}
	if !d.ackSet || before(d.acked, ack) {
		d.ackSet, d.acked = true, ack
	}
	for len(d.buf) > 0 && !before(ack, d.buf[0].seq) {
		d.flushFirst(frame)
	}
}

// Close flushes the direction at the end of the trace: buffered out-of-order data is delivered, each
// piece behind a reported gap, and a FIN beyond the delivered data reports the bytes missing before it.
// Buffered memory is released.
func (d *Direction) Close() {
	for len(d.buf) > 0 {
		d.flushFirst(d.lastFrame)
	}
	if d.finSet && !d.finDone && before(d.next, d.finSeq) {
		d.gap(d.lastFrame, int(d.finSeq-d.next))
		d.checkFin()
	}
}
