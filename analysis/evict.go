package analysis

import (
	"encoding/binary"
	"hash/maphash"

	"github.com/wirelens/wirelens/dissect"
)

// Eviction of finished TCP conversations, so that memory follows the conversations in progress, not the
// length of the trace.
//
// A conversation is finished when it is closed (a FIN each way with everything acknowledged, or a RST).
// Its record then moves to a compact store (a varint encoding of the convRecord, and of the state of its
// sequence analysis: 162 bytes on average on the small-packet benchmark capture, 70 of them the sequence
// analysis, instead of some 500 for the live state), and a
// small tombstone set keeps a hash of its endpoints with its stream number and its base sequence numbers
// (24 bytes a tomb, tombSet; the record holds the endpoints, which are checked when it is read back):
//
//   - a SYN that reuses the endpoints later still opens a new stream and is flagged "reused ports", as
//     tshark does, because the tombstone keeps both sides' base sequence numbers;
//   - any later segment still belongs to the same tcp.stream with the same relative sequence numbers, and
//     is counted in the same conversation.
//
// A settled conversation (nothing either side sent is left unacknowledged, tcpConv.settled: every
// conversation closed by FINs, most reset ones) keeps the state of its sequence analysis in its record, so
// that a segment that comes after it was evicted is analysed exactly as if it never had been: it is
// evicted once no segment of it has been seen for closedIdleSettled of capture time. One reset with data
// unacknowledged waits closedIdle, and a segment that comes after that starts its sequence analysis
// afresh: the one difference from keeping everything.
//
// A conversation replaced by a new one on the same endpoints (port reuse) can receive nothing more and
// moves to the store at once.

// closedIdle is how long (capture time) a closed conversation with data left unacknowledged is kept whole
// after its last segment. It is longer than the retransmission timeouts after which a FIN, its ACK or a
// RST is repeated.
const closedIdle = 10e9

// closedIdleSettled is how long (capture time) a closed and settled conversation is kept whole after its
// last segment: a segment after that reads its record back from the store (an ACK repeated when the last
// one was lost, a late retransmitted FIN), which costs more than finding it live. With closedIdle for every
// conversation, a trace kept its last 10 s of connections whole, some 500 bytes each: memory grew with the
// trace until it was 10 s long (+16 to +25 % from the 1 GB benchmark capture, 6.4 s, to the 2 GB one).
const closedIdleSettled = 1e9

// sweepEvery is how often (capture time) the closing conversations are looked over for finished ones. A
// sweep costs only the conversations it evicts (see sweep), so looking often costs nothing more, and the
// evictions come a few at a time instead of in bursts. Once a second, on a trace of short connections,
// each sweep evicted thousands at once, and in the pipeline the goroutine that swept held up the other:
// on the small-packet benchmark capture the caller's goroutine of list -f waited 0.067–0.074 s of a run
// for batches, 0.027–0.029 s at 1/32 s (execution traces, bench/tracestat), and list -f took 0.922 of
// the wall time (15 alternating pairs, 14 faster). 1/8 s was slower than 1/32, 1/128 the same
// (BENCHMARKS.md).
const sweepEvery = 1e9 / 32

// maxFree bounds the list of retired conversation structures kept for reuse.
const maxFree = 4096

// closing is a conversation that has seen a FIN or a RST, queued for a later look at time at.
type closing struct {
	c  *tcpConv
	at int64
}

const doneChunk = 64 << 10 // bytes per chunk of the store; a record never spans two

// doneStore holds the encoded records of evicted conversations, in chunks that are never moved. Past
// memChunks chunks, the older full ones are written to a temporary file (deleted when the store is
// closed, or at once where the system allows) and read back a chunk at a time through a small cache: the
// store's memory stays the same however many connections a trace holds.
type doneStore struct {
	chunks    [][]byte   // nil for a chunk in the file
	lens      []uint16   // bytes used in each chunk (doneChunk fits: 64 KiB - 1 at most, see add)
	memChunks int        // chunks kept in memory (0: memChunksDefault)
	spilled   int        // chunks [0, spilled) are in the file
	file      spillFile  // chunks [0, spilled); one that cannot be written stays in memory
	spare     []byte     // a chunk written to the file, whose memory the next chunk takes
	cache     chunkCache // spilled chunks read back during the trace and by Each
}

// chunkCache holds spilled chunks read back, the least recently used replaced first. Records are read
// back (the conversation table at the end, a port reused) in stream order, which is only roughly the
// order they were written in: on a trace of short connections, consecutive streams' records lie some 7
// chunks apart, up to some 30. Indexed by chunk number modulo 8, the cache made diagnose read 6,622
// chunks back for 89 written on the small-packet benchmark capture (strace -c); least recently used over
// 8, 320 (over 16, 278: not worth 512 KiB more, which would make the memory of a longer trace grow).
// Each goroutine reading records at the end (ConvReader) has its own.
type chunkCache struct {
	e [doneCache]struct {
		chunk int // 1 + the chunk's index, or 0
		used  uint64
		b     []byte
	}
	size  int       // entries in use at most (0: doneCache)
	uses  uint64    // the clock of cache uses
	reads int       // chunks read back from the file
	page  pageCache // the stream index's last page read back (streamIndex.off)
}

// doneCache is the number of spilled chunks kept once read back (512 KiB).
const doneCache = 8

// maxRecord bounds one encoded record: 16 SYN frames, the sequence analysis state and the rest, in
// varints, each at its longest (383 bytes and 152, counted field by field).
const maxRecord = 768

// memChunksDefault is how many chunks of records stay in memory (512 KiB, some 8,000 conversations).
const memChunksDefault = 8

// add encodes a conversation and returns where it is (chunk<<16 | offset), or false when the store is full.
func (d *doneStore) add(c *tcpConv) (uint32, bool) {
	n := len(d.chunks)
	if n == 0 || len(d.chunks[n-1])+maxRecord >= doneChunk {
		if n == 1<<16 {
			return 0, false
		}
		d.spill()
		ch := d.spare
		if ch == nil {
			ch = make([]byte, 0, doneChunk)
		}
		d.spare = nil
		d.chunks = append(d.chunks, ch[:0])
		d.lens = append(d.lens, 0)
		n++
	}
	ch := d.chunks[n-1]
	off := uint32(n-1)<<16 | uint32(len(ch))
	d.chunks[n-1] = encodeConv(ch, c)
	d.lens[n-1] = uint16(len(d.chunks[n-1]))
	return off, true
}

// spill writes the oldest full chunks held in memory to the file, so that at most memChunks stay.
func (d *doneStore) spill() {
	keep := d.memChunks
	if keep == 0 {
		keep = memChunksDefault
	}
	for len(d.chunks)-d.spilled >= keep {
		i := d.spilled
		if !d.file.writeAt(d.chunks[i], int64(i)*doneChunk) {
			return // the chunks stay in memory
		}
		if d.spare == nil {
			d.spare = d.chunks[i] // the next chunk is written in it
		}
		d.chunks[i] = nil
		d.spilled++
	}
}

// get decodes the conversation stored at off into c (whose stream is set by the caller), with the state of
// its sequence analysis where the record has it: to bring it back to life.
func (d *doneStore) get(off uint32, c *tcpConv) { d.getWith(off, c, &d.cache, true) }

// getWith is get reading spilled chunks through cc. Once the trace is read, several goroutines may call
// it at once, each with its own cache: the store no longer changes then.
func (d *doneStore) getWith(off uint32, c *tcpConv, cc *chunkCache, seq bool) {
	i, o := int(off>>16), int(off&0xffff)
	if ch := d.chunks[i]; ch != nil {
		decodeConv(ch[o:], c, seq)
		return
	}
	e := d.cached(i, cc)
	decodeConv(e[o:d.lens[i]], c, seq)
}

// cached returns spilled chunk i, read back into the least recently used entry of cc if it is not there.
func (d *doneStore) cached(i int, cc *chunkCache) []byte {
	cc.uses++
	n := cc.size
	if n == 0 {
		n = len(cc.e)
	}
	lru := 0
	for k := range cc.e[:n] {
		e := &cc.e[k]
		if e.chunk == i+1 {
			e.used = cc.uses
			return e.b
		}
		if e.used < cc.e[lru].used {
			lru = k
		}
	}
	e := &cc.e[lru]
	if e.b == nil {
		e.b = make([]byte, doneChunk)
	}
	cc.reads++
	if err := d.file.readAt(e.b[:d.lens[i]], int64(i)*doneChunk); err != nil {
		clear(e.b) // cannot happen short of a failing disk: the records read as empty
	}
	e.chunk, e.used = i+1, cc.uses
	return e.b
}

// close removes the file of spilled records.
func (d *doneStore) close() {
	d.file.close()
}

// Record layout, all varints: flags, key, frames and times, counters, history, the sides' sequence bases
// and window scales, the initial RTT; then, with encSeq, each side's sequence analysis state and the
// time of the last SYN (appendSeq), which only bringing the conversation back to life reads.
const (
	encV4 = 1 << iota // both addresses are IPv4: 4 bytes each instead of 16
	encIRTT
	encRefused
	encBaseSet0
	encBaseSet1
	encSeq // the sequence analysis state follows: nothing was left unacknowledged (tcpConv.settled)
)

func encodeConv(b []byte, c *tcpConv) []byte {
	r := &c.rec
	flags := uint64(0)
	v4 := isV4(r.key.a) && isV4(r.key.b)
	if v4 {
		flags |= encV4
	}
	if c.irttSet {
		flags |= encIRTT
	}
	if r.c.Refused {
		flags |= encRefused
	}
	if c.dirs[0].baseSet {
		flags |= encBaseSet0
	}
	if c.dirs[1].baseSet {
		flags |= encBaseSet1
	}
	settled := c.settled()
	if settled {
		flags |= encSeq
	}
	b = binary.AppendUvarint(b, flags)
	if v4 {
		b = append(b, r.key.a[:4]...)
		b = append(b, r.key.b[:4]...)
	} else {
		b = append(b, r.key.a[:]...)
		b = append(b, r.key.b[:]...)
	}
	b = binary.AppendUvarint(b, uint64(r.key.pa))
	b = binary.AppendUvarint(b, uint64(r.key.pb))
	f := &r.c
	b = binary.AppendUvarint(b, uint64(f.FirstFrame))
	b = binary.AppendUvarint(b, uint64(f.LastFrame-f.FirstFrame))
	b = binary.AppendVarint(b, f.FirstTime)
	b = binary.AppendVarint(b, f.LastTime-f.FirstTime)
	for _, v := range [...]uint32{f.SYNFrame, f.SYNs, f.SYNAckFrame, f.RSTFrame} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = binary.AppendUvarint(b, uint64(len(f.SYNFrames)))
	for _, v := range f.SYNFrames {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = append(b, byte(f.RSTSide+1), byte(r.client+1), byte(r.firstSide+1), byte(r.synSide+1))
	var seen uint64
	for i, s := range [...][2]bool{r.synSeen, r.synAckSeen, r.finSeen, r.rstSeen, r.dataSeen, r.ackSeen} {
		for side := 0; side < 2; side++ {
			if s[side] {
				seen |= 1 << (2*i + side)
			}
		}
	}
	b = binary.AppendUvarint(b, seen)
	b = append(b, r.nhist)
	b = append(b, r.hist[:r.nhist]...)
	for side := 0; side < 2; side++ {
		b = binary.AppendUvarint(b, uint64(r.histSeen[side]))
		for _, v := range [...]uint64{r.pkts[side], r.bytes[side], r.payload[side], r.dataPkts[side],
			uint64(r.retrans[side]), uint64(r.lost[side]), uint64(r.dups[side]), uint64(r.zw[side])} {
			b = binary.AppendUvarint(b, v)
		}
		b = binary.AppendUvarint(b, uint64(c.dirs[side].base))
		b = append(b, byte(c.dirs[side].winScale))
	}
	if c.irttSet {
		b = binary.AppendVarint(b, c.irtt)
	}
	if settled {
		b = appendSeq(b, c)
	}
	return b
}

// appendSeq appends what the sequence analysis of a settled conversation holds besides its (empty) lists
// of unacknowledged segments: each side's seqState, and the time of the last SYN (times relative to the
// first frame's). Brought back with it (decodeSeq), the conversation analyses its next segment exactly
// as if it had never been evicted.
func appendSeq(b []byte, c *tcpConv) []byte {
	t0 := c.rec.c.FirstTime
	for side := range c.dirs {
		q := &c.dirs[side].seq
		for _, v := range [...]uint32{q.nextseq, q.nextseqFrame, q.maxseqtobeacked, q.lastack, q.lastackLen, q.window,
			uint32(q.dupacknum), q.lastnondupack, uint32(q.lastFlags), q.sacked} {
			b = binary.AppendUvarint(b, uint64(v))
		}
		b = binary.AppendVarint(b, q.nextseqTime-t0)
		b = binary.AppendVarint(b, q.lastackTime-t0)
		var bits byte
		if q.firstAck {
			bits |= 1
		}
		if q.bifOff {
			bits |= 2
		}
		b = append(b, bits)
	}
	return binary.AppendVarint(b, c.synTime-t0)
}

// decodeSeq reads what appendSeq wrote.
func decodeSeq(d *decoder, c *tcpConv) {
	t0 := c.rec.c.FirstTime
	for side := range c.dirs {
		q := &c.dirs[side].seq
		for _, v := range [...]*uint32{&q.nextseq, &q.nextseqFrame, &q.maxseqtobeacked, &q.lastack, &q.lastackLen, &q.window} {
			*v = uint32(d.u())
		}
		q.dupacknum = int32(uint32(d.u()))
		q.lastnondupack = uint32(d.u())
		q.lastFlags = dissect.TCPAFlag(d.u())
		q.sacked = uint32(d.u())
		q.nextseqTime = t0 + d.i()
		q.lastackTime = t0 + d.i()
		bits := d.byte()
		q.firstAck, q.bifOff = bits&1 != 0, bits&2 != 0
	}
	c.synTime = t0 + d.i()
}

// settled reports whether nothing a side sent is left unacknowledged: the conversation's sequence analysis
// then fits in its record (appendSeq), and evicting it changes nothing (closedIdleSettled).
func (c *tcpConv) settled() bool {
	return len(c.dirs[0].seq.segs) == 0 && len(c.dirs[1].seq.segs) == 0
}

func isV4(a [16]byte) bool {
	return a[15] == 4 && a[4]|a[5]|a[6]|a[7]|a[8]|a[9]|a[10]|a[11]|a[12]|a[13]|a[14] == 0
}

// decoder reads the varints of a record.
type decoder struct {
	b []byte
}

// u reads an unsigned varint. Most of a record's numbers are below 128 (one byte): that case is read
// inline, the others by uLong.
func (d *decoder) u() uint64 {
	if len(d.b) > 0 && d.b[0] < 0x80 {
		v := d.b[0]
		d.b = d.b[1:]
		return uint64(v)
	}
	return d.uLong()
}

// uLong reads an unsigned varint of any length.
func (d *decoder) uLong() uint64 {
	v, n := binary.Uvarint(d.b)
	d.b = d.b[n:]
	return v
}

func (d *decoder) i() int64 {
	v, n := binary.Varint(d.b)
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) bytes(n int) []byte {
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// decodeConv rebuilds a conversation's record, sequence bases, window scales and initial RTT, and, with
// seq, the state of its sequence analysis where the record has it (encSeq): otherwise that starts afresh.
// The conversation table and the diagnosis read only the record.
func decodeConv(b []byte, c *tcpConv, seq bool) {
	d := decoder{b}
	flags := d.u()
	r := &c.rec
	*r = convRecord{}
	if flags&encV4 != 0 {
		copy(r.key.a[:4], d.bytes(4))
		copy(r.key.b[:4], d.bytes(4))
		r.key.a[15], r.key.b[15] = 4, 4
	} else {
		copy(r.key.a[:], d.bytes(16))
		copy(r.key.b[:], d.bytes(16))
	}
	r.key.pa, r.key.pb = uint16(d.u()), uint16(d.u())
	f := &r.c
	f.FirstFrame = uint32(d.u())
	f.LastFrame = f.FirstFrame + uint32(d.u())
	f.FirstTime = d.i()
	f.LastTime = f.FirstTime + d.i()
	f.SYNFrame, f.SYNs, f.SYNAckFrame, f.RSTFrame = uint32(d.u()), uint32(d.u()), uint32(d.u()), uint32(d.u())
	if n := int(d.u()); n > 0 {
		f.SYNFrames = make([]uint32, n)
		for i := range f.SYNFrames {
			f.SYNFrames[i] = uint32(d.u())
		}
	}
	f.Refused = flags&encRefused != 0
	f.RSTSide = int8(d.byte()) - 1
	r.client, r.firstSide, r.synSide = int8(d.byte())-1, int8(d.byte())-1, int8(d.byte())-1
	seen := d.u()
	for i, s := range [...]*[2]bool{&r.synSeen, &r.synAckSeen, &r.finSeen, &r.rstSeen, &r.dataSeen, &r.ackSeen} {
		for side := 0; side < 2; side++ {
			s[side] = seen&(1<<(2*i+side)) != 0
		}
	}
	r.nhist = d.byte()
	copy(r.hist[:], d.bytes(int(r.nhist)))
	c.dirs = [2]tcpDir{newDir(), newDir()}
	for side := 0; side < 2; side++ {
		r.histSeen[side] = uint16(d.u())
		r.pkts[side], r.bytes[side], r.payload[side], r.dataPkts[side] = d.u(), d.u(), d.u(), d.u()
		r.retrans[side], r.lost[side], r.dups[side], r.zw[side] = uint32(d.u()), uint32(d.u()), uint32(d.u()), uint32(d.u())
		c.dirs[side].base = uint32(d.u())
		c.dirs[side].winScale = int8(d.byte())
	}
	c.dirs[0].baseSet = flags&encBaseSet0 != 0
	c.dirs[1].baseSet = flags&encBaseSet1 != 0
	c.irttSet = flags&encIRTT != 0
	c.irtt, c.synTime = 0, 0
	if c.irttSet {
		c.irtt = d.i()
	}
	if seq && flags&encSeq != 0 {
		decodeSeq(&d, c)
	}
}

// closed reports whether a conversation is over: a RST, or a FIN each way with nothing left unacknowledged.
func (c *tcpConv) closed() bool {
	r := &c.rec
	return r.rstSeen[0] || r.rstSeen[1] ||
		r.finSeen[0] && r.finSeen[1] && c.settled()
}

// sweep moves the closed conversations idle long enough at capture time now to the store (closedIdleSettled
// or closedIdle, see the top of this file). Only the conversations queued when they saw a FIN or a RST are
// looked at, oldest first, and only those queued idleSettled ago or more: a sweep costs the conversations
// it evicts, not the ones in progress. One that is not finished yet is queued again, to be looked at later.
func (t *TCPStreams) sweep(now int64) {
	for t.queue.len() > 0 {
		e := t.queue.front()
		if now-e.at < t.idleSettled {
			break
		}
		t.queue.pop()
		c := e.c
		if int(c.stream) >= t.all.len() || t.all.conv(c.stream) != c {
			continue // evicted already (replaced by a new conversation on its endpoints)
		}
		if c.closed() {
			wait := t.idle
			if c.settled() {
				wait = t.idleSettled
			}
			if now-c.rec.c.LastTime >= wait {
				t.evict(c)
				continue
			}
		}
		t.queue.push(closing{c, max(c.rec.c.LastTime, now)})
	}
}

// evict moves live conversation c to the store and leaves a tomb for its endpoints.
func (t *TCPStreams) evict(c *tcpConv) {
	if t.retire(c) {
		h := t.hashKey(&c.rec.key)
		t.convs.del(h, &c.rec.key)
		t.tombs.set(h, t.tombOf(c))
	}
}

// newConv returns a zeroed conversation, reusing a retired one when there is one.
func (t *TCPStreams) newConv() *tcpConv {
	if c := t.free.get(); c != nil {
		*c = tcpConv{}
		return c
	}
	return &tcpConv{}
}

// retire moves a conversation's record to the store; false if the store is full (it then stays live).
func (t *TCPStreams) retire(c *tcpConv) bool {
	off, ok := t.done.add(c)
	if !ok {
		return false
	}
	for i := range c.dirs {
		t.segs.Put(c.dirs[i].seq.segs)
	}
	e := lateRec{off: off}
	if t.skipQuiet {
		q := c.rec.quietView()
		e.quiet = q.Quiet()
	}
	t.all.setRec(c.stream, e)
	t.all.setConv(c.stream, nil) // last: the page may go to the file
	t.evicted++
	if t.lastConv == c {
		t.lastConv = nil // the structure is about to be reused for another conversation
	}
	t.free.put(c) // nothing refers to it any more (a stale queue entry is checked)
	return true
}

// tomb is what stays in memory of an evicted conversation: its stream, and what a SYN reusing its
// endpoints needs (newStreamOnSYN: each side's base sequence number), so that port reuse, the common
// case on a busy client, opens the new stream without reading the record back from the store. check
// holds a second hash of the endpoints (its top 30 bits: a SYN whose endpoints share the first hash with
// another conversation's is not taken for a reuse of it) and, in its low 2 bits, whether each side's base
// is set: 16 bytes, where two bools of their own made the map's slots 32 bytes instead of 24.
type tomb struct {
	stream uint32
	check  uint32
	base   [2]uint32
}

// tombCheck is the check of a tomb for endpoints k, its base-set bits clear.
func (t *TCPStreams) tombCheck(k convKey) uint32 {
	return uint32(maphash.Comparable(t.seed2, k)) &^ 3
}

func (t *TCPStreams) tombOf(c *tcpConv) tomb {
	check := t.tombCheck(c.rec.key)
	for i := range c.dirs {
		if c.dirs[i].baseSet {
			check |= 1 << i
		}
	}
	return tomb{stream: c.stream, check: check, base: [2]uint32{c.dirs[0].base, c.dirs[1].base}}
}

// reusedTomb reports whether a SYN on the endpoints k (whose hash is h) of an evicted conversation opens a new stream
// (newStreamOnSYN on the evicted conversation), and if so forgets the tomb as revive would: the evicted
// record stays in the store as it is. When it returns false, revive decides.
func (t *TCPStreams) reusedTomb(h uint64, k convKey, side int, seq uint32) bool {
	tb, ok := t.tombs.get(h)
	if !ok || tb.check&^3 != t.tombCheck(k) || tb.check&(1<<side) == 0 || tb.base[side] == seq {
		return false
	}
	t.tombs.del(h)
	return true
}

// revive brings an evicted conversation on endpoints k (whose hash is h) back to life for a new segment,
// or returns nil if there is none.
func (t *TCPStreams) revive(h uint64, k convKey) *tcpConv {
	tb, ok := t.tombs.get(h)
	if !ok {
		return nil
	}
	stream := tb.stream
	c := t.newConv()
	c.stream = stream
	t.done.get(t.all.off(stream, &t.done.cache.page), c)
	if !c.rec.key.eq(&k) {
		t.free.put(c)
		return nil // another conversation's endpoints with the same 64-bit hash
	}
	t.tombs.del(h)
	t.convs.set(h, &k, c)
	t.all.setConv(stream, c)
	t.revived++
	return c
}

// record returns the record of stream s, live or from the store (decoded into tmp).
func (t *TCPStreams) record(s uint32, tmp *tcpConv) *tcpConv {
	return t.recordWith(s, tmp, &t.done.cache)
}

// recordWith is record reading spilled chunks through cc (see doneStore.getWith).
func (t *TCPStreams) recordWith(s uint32, tmp *tcpConv, cc *chunkCache) *tcpConv {
	if c := t.all.conv(s); c != nil {
		return c
	}
	tmp.stream = s
	t.done.getWith(t.all.off(s, &cc.page), tmp, cc, false)
	return tmp
}

// Close removes the temporary files that the records of evicted conversations and the stream index's
// pages may have been written to. Conversations can no longer be read after it.
func (t *TCPStreams) Close() {
	t.done.close()
	t.all.close()
}

// Live returns the number of TCP conversations held whole (in progress or recently closed), the number
// moved to the compact store and the number brought back from it by a late segment.
func (t *TCPStreams) Live() (live, evicted, revived int) {
	return t.convs.len(), t.evicted, t.revived
}
