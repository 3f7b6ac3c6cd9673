package engine

import "math/bits"

// streamOrder maps the TCP stream numbers each lane gives to the trace's: it records, for each of the
// trace's streams in the order of their first frames, which lane numbered it, a bit each (laneCount is 2).
// The trace's number of lane k's stream j is then the position of the (j+1)th stream of lane k. A slice of
// the trace's numbers per lane took 4 bytes a stream, 8 while append doubled it: 0.33 MB of diagnose's
// heap on the 8 GB benchmark capture (90,068 connections), and it grew with the trace.
type streamOrder struct {
	bits []uint64 // bit i of word w: stream 64w+i was numbered by lane 1
	ones []uint32 // ones[b]: the streams of lane 1 among the first b*orderBlock
	n    uint32   // streams
	set  uint32   // streams of lane 1
	// last is each lane's last lookup: lookups come in runs of one stream (the operations of a
	// keep-alive connection) or in stream order (the conversations at the end).
	last [laneCount]struct{ j, g uint32 }
	used [laneCount]bool // last holds a lookup
}

// orderBlock is the number of streams per entry of streamOrder.ones (8 words).
const orderBlock = 512

// add records that lane k numbered the trace's next stream, and returns its number.
func (o *streamOrder) add(k int) uint32 {
	if o.n%64 == 0 {
		o.bits = append(o.bits, 0)
	}
	if o.n%orderBlock == 0 {
		o.ones = append(o.ones, o.set)
	}
	if k == 1 {
		o.bits[o.n/64] |= 1 << (o.n % 64)
		o.set++
	}
	o.n++
	return o.n - 1
}

// count returns the streams of lane k among the first b*orderBlock.
func (o *streamOrder) count(k int, b int) uint32 {
	if k == 1 {
		return o.ones[b]
	}
	return uint32(b)*orderBlock - o.ones[b]
}

// word returns word i of the bits with a 1 for each stream of lane k (none past the last stream).
func (o *streamOrder) word(k int, i int) uint64 {
	w := o.bits[i]
	if k == 0 {
		w = ^w
	}
	if end := o.n - uint32(i)*64; end < 64 {
		w &= 1<<end - 1
	}
	return w
}

// global returns the trace's number of lane k's stream j (which must have been added). A lookup near the
// lane's last one (the streams of the HTTP operations handed on, in the order of the frames that finished
// them, are mostly close together) counts from there, forward or back; another one searches ones.
func (o *streamOrder) global(k int, j uint32) uint32 {
	l := &o.last[k]
	switch {
	case !o.used[k]:
	case j == l.j:
		return l.g
	case j > l.j && j-l.j <= orderBlock:
		l.g = o.forward(k, l.g+1, j-l.j-1)
		l.j = j
		return l.g
	case j < l.j && l.j-j <= orderBlock:
		l.g = o.backward(k, l.g, l.j-j-1)
		l.j = j
		return l.g
	}
	g := o.selectNth(k, j)
	o.used[k], l.j, l.g = true, j, g
	return g
}

// backward returns the position of the (r+1)th stream of lane k before position from, counting back.
func (o *streamOrder) backward(k int, from uint32, r uint32) uint32 {
	i := int(from / 64)
	w := o.word(k, i) & (1<<(from%64) - 1)
	for {
		c := uint32(bits.OnesCount64(w))
		if r < c {
			return uint32(i)*64 + nthBit(w, c-1-r)
		}
		r -= c
		i--
		w = o.word(k, i)
	}
}

// forward returns the position of the (r+1)th stream of lane k at or after position from.
func (o *streamOrder) forward(k int, from uint32, r uint32) uint32 {
	i := int(from / 64)
	w := o.word(k, i) &^ (1<<(from%64) - 1)
	for {
		if c := uint32(bits.OnesCount64(w)); r >= c {
			r -= c
			i++
			w = o.word(k, i)
			continue
		}
		return uint32(i)*64 + nthBit(w, r)
	}
}

// selectNth returns the position of the (j+1)th stream of lane k, found through ones.
func (o *streamOrder) selectNth(k int, j uint32) uint32 {
	lo, hi := 0, len(o.ones) // the last block whose count before it is at most j
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if o.count(k, m) <= j {
			lo = m
		} else {
			hi = m
		}
	}
	return o.forward(k, uint32(lo)*orderBlock, j-o.count(k, lo))
}

// nthBit returns the position of the (r+1)th set bit of w, which has more than r: the half, quarter and
// eighth of w that hold it are found by counting, then at most seven bits are cleared below it.
func nthBit(w uint64, r uint32) uint32 {
	var pos uint32
	if c := uint32(bits.OnesCount32(uint32(w))); r >= c {
		r, w, pos = r-c, w>>32, 32
	}
	if c := uint32(bits.OnesCount16(uint16(w))); r >= c {
		r, w, pos = r-c, w>>16, pos+16
	}
	if c := uint32(bits.OnesCount8(uint8(w))); r >= c {
		r, w, pos = r-c, w>>8, pos+8
	}
	for ; r > 0; r-- {
		w &= w - 1
	}
	return pos + uint32(bits.TrailingZeros64(w))
}

// recentOrder is a streamOrder with the trace's numbers of each lane's (or tracker's) last recentLen
// streams also kept in a ring: split tracking maps the stream of every TCP header of every frame, nearly
// always one of the last few thousand, so that nearly every lookup is an index into the ring, and an
// older one counts bits in the order. A slice of the trace's numbers per tracker took 4 bytes a stream,
// 8 while append doubled it, and grew with the trace (list -f's peak RSS on the 1 GB small-packet
// benchmark capture, 887,961 streams: 41.3 MiB with it, 34.1 with this); the ring takes recentLen × 4
// bytes per tracker whatever the trace.
type recentOrder struct {
	// The caller's goroutine reads it at every frame: the padding keeps the producer's writes off its
	// cache lines. Without it (a 160-byte object, most likely sharing lines with memory the producer
	// writes: padding alone removed the cost), list -f took 1.031–1.045
	// of the time (bench/ab.sh, small-packet capture, slower in 14 and 15 of 15 pairs) for 0.3 % more
	// instructions (cachegrind); with it, 0.981 (faster in 11 of 15).
	_      [64]byte
	order  streamOrder
	recent [laneCount][]uint32 // recent[k][j&mask]: the trace's number of lane k's stream j, for the last mask+1
	n      [laneCount]uint32   // streams of each lane
	mask   uint32              // the rings' length less one (a power of two: no division per lookup)
	_      [64]byte
}

// recentLen is the length of each lane's ring in recentOrder. It held every stream looked up in list -f
// on the benchmark captures (the 1 and 4 GB ones, keep-alive connections included, and both
// small-packet ones: no lookup left the ring, counted by a scratch build).
const recentLen = 16384

// newRecentOrder returns a recentOrder whose rings hold the last size streams of each lane (size: a power
// of two).
func newRecentOrder(size int) *recentOrder {
	o := &recentOrder{mask: uint32(size - 1)}
	for k := range o.recent {
		o.recent[k] = make([]uint32, size)
	}
	return o
}

// add records that lane k numbered the trace's next stream, and returns its number.
func (o *recentOrder) add(k int) uint32 {
	g := o.order.add(k)
	o.recent[k][o.n[k]&o.mask] = g
	o.n[k]++
	return g
}

// global returns the trace's number of lane k's stream j (which must have been added).
func (o *recentOrder) global(k int, j uint32) uint32 {
	if o.n[k]-j <= o.mask+1 {
		return o.recent[k][j&o.mask]
	}
	return o.order.global(k, j)
}
