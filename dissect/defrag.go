package dissect

// IP fragment reassembly for IPv4 and IPv6.
//
// Rule (Wireshark's default): fragments of one datagram are collected by (version, source, destination,
// identification, protocol); the datagram is complete when the last fragment (no "more fragments" flag)
// has been seen and every byte before its end is covered. The frame whose fragment completes it carries
// the reassembled payload and the upper layers are decoded from it; the other fragments show only IP.
//
// Memory is bounded: at most maxPending datagrams and maxPendingBytes bytes are held; beyond that the
// oldest pending datagram is dropped. A datagram may not exceed 65535 bytes of payload.

const (
	maxPending      = 256
	maxPendingBytes = 8 << 20
	maxDatagram     = 65535
)

type fragKey struct {
	v6       bool
	proto    byte
	id       uint32
	src, dst [16]byte
}

type span struct{ from, to int }

type pendingDatagram struct {
	key   fragKey
	data  []byte
	have  []span // covered byte ranges, unsorted
	total int    // payload length, -1 until the last fragment is seen
	count int
	seq   uint64 // arrival order, for eviction
}

type defragmenter struct {
	pending   map[fragKey]*pendingDatagram
	bytes     int
	seq       uint64
	out       []byte // the last completed datagram, valid until the next completion
	lastCount int
	free      []*pendingDatagram
}

func (d *defragmenter) init() {
	d.pending = make(map[fragKey]*pendingDatagram)
}

// add records a fragment of payload data at byte offset off; last is true when the "more fragments" flag
// is clear. It returns the whole payload when this fragment completes the datagram, else nil. A fragment
// whose bytes were cut short by the capture (truncated) cannot take part in reassembly.
func (d *defragmenter) add(k fragKey, off int, last bool, data []byte, truncated bool) []byte {
	if truncated || off+len(data) > maxDatagram {
		return nil
	}
	pd := d.pending[k]
	if pd == nil {
		if len(d.pending) >= maxPending {
			d.evictOldest()
		}
		pd = d.newPending(k)
		d.pending[k] = pd
	}
	d.seq++
	pd.seq = d.seq
	end := off + len(data)
	if end > len(pd.data) {
		if end-len(pd.data)+d.bytes > maxPendingBytes {
			d.drop(pd)
			return nil
		}
		d.bytes += end - len(pd.data)
		if cap(pd.data) >= end {
			pd.data = pd.data[:end]
		} else {
			nb := make([]byte, end, max(end, 2*cap(pd.data)))
			copy(nb, pd.data)
			pd.data = nb
		}
	}
	copy(pd.data[off:end], data)
	pd.have = append(pd.have, span{off, end})
	pd.count++
	if last {
		pd.total = end
	}
	if pd.total < 0 || !covered(pd.have, pd.total) {
		return nil
	}
	d.out = append(d.out[:0], pd.data[:pd.total]...)
	d.lastCount = pd.count
	d.drop(pd)
	return d.out
}

func (d *defragmenter) newPending(k fragKey) *pendingDatagram {
	var pd *pendingDatagram
	if n := len(d.free); n > 0 {
		pd = d.free[n-1]
		d.free = d.free[:n-1]
	} else {
		pd = &pendingDatagram{}
	}
	pd.key = k
	pd.data = pd.data[:0]
	pd.have = pd.have[:0]
	pd.total = -1
	pd.count = 0
	return pd
}

func (d *defragmenter) drop(pd *pendingDatagram) {
	d.bytes -= len(pd.data)
	delete(d.pending, pd.key)
	if len(d.free) < 16 && cap(pd.data) <= 1<<16 {
		d.free = append(d.free, pd)
	}
}

func (d *defragmenter) evictOldest() {
	var old *pendingDatagram
	for _, pd := range d.pending {
		if old == nil || pd.seq < old.seq {
			old = pd
		}
	}
	if old != nil {
		d.drop(old)
	}
}

// covered reports whether the spans cover [0, total).
func covered(have []span, total int) bool {
	at := 0
	for progress := true; progress && at < total; {
		progress = false
		for _, s := range have {
			if s.from <= at && s.to > at {
				at = s.to
				progress = true
			}
		}
	}
	return at >= total
}
