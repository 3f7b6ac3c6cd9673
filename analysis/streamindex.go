package analysis

// streamIndex maps each stream number to its live conversation or, once the conversation is evicted, to
// where its record is in the store. It grows in pages that never move: a slice of every stream, grown
// by doubling, moved to a new array again and again (4.8 of the 40 MB that diagnose allocated on a
// trace of 170,000 connections), and a longer trace kept more of that garbage at its end.
type streamIndex struct {
	pages []*streamPage
	n     int
	// rest holds the live conversations of the pages that dropped their array (streamPage.conv).
	rest map[uint32]*tcpConv
	// spare is the array a page dropped last, cleared, for the next page: made anew for every page, the
	// arrays were garbage of 32 KiB a page, resident until a collection came (0.94 MB of what
	// conversations allocated more on 16 GB than on 8 GB went to the index).
	spare *[streamPageLen]*tcpConv
}

// streamPageLen is the number of streams in a page (16 KiB, and 32 KiB more while it holds its array).
const streamPageLen = 4096

// pageKeepLive is the most live conversations a full page moves to streamIndex.rest when it drops its
// array: the conversations that never close (a SYN never answered, a connection whose FIN was not
// captured) or last long would otherwise keep the array of nearly every page.
const pageKeepLive = streamPageLen / 64

type streamPage struct {
	// conv holds the live conversations. A full page whose live conversations are down to pageKeepLive
	// moves them to streamIndex.rest and drops it, so that what stays of each evicted stream is its off
	// and its quiet bit (4 bytes), not a nil pointer as well (8 more: 1.3 MB on a trace of 170,000
	// connections).
	conv *[streamPageLen]*tcpConv
	live int                   // live conversations in the page
	off  [streamPageLen]uint32 // where an evicted record is in the store (doneStore.add)
	// quiet marks the evicted conversations that TCPStreams.SkipQuiet's test found quiet, a bit each.
	quiet [streamPageLen / 64]uint64
}

// len returns the number of streams.
func (x *streamIndex) len() int { return x.n }

// add gives c the next stream number's entry (the caller numbers it: c.stream == x.len()).
func (x *streamIndex) add(c *tcpConv) {
	if x.n%streamPageLen == 0 {
		conv := x.spare
		if conv == nil {
			conv = new([streamPageLen]*tcpConv)
		}
		x.spare = nil
		x.pages = append(x.pages, &streamPage{conv: conv})
	}
	p := x.pages[x.n/streamPageLen]
	p.conv[x.n%streamPageLen] = c
	p.live++
	x.n++
}

// conv returns stream s's live conversation, or nil once it is evicted.
func (x *streamIndex) conv(s uint32) *tcpConv {
	p := x.pages[s/streamPageLen]
	if p.conv == nil {
		if p.live == 0 {
			return nil
		}
		return x.rest[s]
	}
	return p.conv[s%streamPageLen]
}

// setConv makes c stream s's live conversation (nil: evicted).
func (x *streamIndex) setConv(s uint32, c *tcpConv) {
	pi := s / streamPageLen
	p := x.pages[pi]
	var old *tcpConv
	if p.conv != nil {
		old, p.conv[s%streamPageLen] = p.conv[s%streamPageLen], c
	} else {
		old = x.rest[s]
		if c == nil {
			delete(x.rest, s)
		} else {
			x.setRest(s, c)
		}
	}
	switch {
	case old == nil && c != nil:
		p.live++
	case old != nil && c == nil:
		p.live--
	}
	if p.conv != nil && p.live <= pageKeepLive && int(pi+1)*streamPageLen <= x.n {
		x.dropArray(pi)
	}
}

// dropArray moves the live conversations of full page pi to rest and drops its array.
func (x *streamIndex) dropArray(pi uint32) {
	p := x.pages[pi]
	for i, c := range p.conv {
		if c != nil {
			x.setRest(pi*streamPageLen+uint32(i), c)
		}
	}
	clear(p.conv[:])
	x.spare, p.conv = p.conv, nil
}

// setRest makes c stream s's live conversation in rest.
func (x *streamIndex) setRest(s uint32, c *tcpConv) {
	if x.rest == nil {
		x.rest = make(map[uint32]*tcpConv)
	}
	x.rest[s] = c
}

// off returns where stream s's record is in the store.
func (x *streamIndex) off(s uint32) uint32 { return x.pages[s/streamPageLen].off[s%streamPageLen] }

// setOff records where stream s's record is in the store.
func (x *streamIndex) setOff(s uint32, off uint32) {
	x.pages[s/streamPageLen].off[s%streamPageLen] = off
}

// quiet says whether stream s's evicted record was marked quiet (setQuiet).
func (x *streamIndex) quiet(s uint32) bool {
	i := s % streamPageLen
	return x.pages[s/streamPageLen].quiet[i/64]&(1<<(i%64)) != 0
}

// setQuiet marks stream s's evicted record quiet, or not.
func (x *streamIndex) setQuiet(s uint32, quiet bool) {
	i := s % streamPageLen
	w := &x.pages[s/streamPageLen].quiet[i/64]
	if quiet {
		*w |= 1 << (i % 64)
	} else {
		*w &^= 1 << (i % 64)
	}
}
