package analysis

// streamIndex maps each stream number to its live conversation or, once the conversation is evicted, to
// where its record is in the store. It grows in pages that never move: a slice of every stream, grown
// by doubling, moved to a new array again and again (4.8 of the 40 MB that diagnose allocated on a
// trace of 170,000 connections), and a longer trace kept more of that garbage at its end.
type streamIndex struct {
	pages []*streamPage
	n     int
}

// streamPageLen is the number of streams in a page (48 KiB).
const streamPageLen = 4096

type streamPage struct {
	conv [streamPageLen]*tcpConv // nil once evicted
	off  [streamPageLen]uint32   // where an evicted record is in the store (doneStore.add)
	// quiet marks the evicted conversations that TCPStreams.SkipQuiet's test found quiet, a bit each.
	quiet [streamPageLen / 64]uint64
}

// len returns the number of streams.
func (x *streamIndex) len() int { return x.n }

// add gives c the next stream number's entry (the caller numbers it: c.stream == x.len()).
func (x *streamIndex) add(c *tcpConv) {
	if x.n%streamPageLen == 0 {
		x.pages = append(x.pages, new(streamPage))
	}
	x.pages[x.n/streamPageLen].conv[x.n%streamPageLen] = c
	x.n++
}

// conv returns stream s's live conversation, or nil once it is evicted.
func (x *streamIndex) conv(s uint32) *tcpConv {
	return x.pages[s/streamPageLen].conv[s%streamPageLen]
}

// setConv makes c stream s's live conversation (nil: evicted).
func (x *streamIndex) setConv(s uint32, c *tcpConv) {
	x.pages[s/streamPageLen].conv[s%streamPageLen] = c
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
