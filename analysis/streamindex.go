package analysis

import "encoding/binary"

// streamIndex maps each stream number to its live conversation or, once the conversation is evicted, to
// where its record is in the store. It grows in pages that never move: a slice of every stream, grown
// by doubling, moved to a new array again and again (4.8 of the 40 MB that diagnose allocated on a
// trace of 170,000 connections), and a longer trace kept more of that garbage at its end.
//
// A page that dropped its array is written to a temporary file of its own and read back a page at a time
// (pageCache), as the store does with its chunks: what stays in memory of a stream is then a few bytes
// per 4,096, where the page's store offsets took 4 bytes a stream (3.7 MB of diagnose's heap on the 1 GB
// small-packet benchmark capture, 878,539 connections) and grew with the trace.
type streamIndex struct {
	pages []*streamPage
	n     int
	// rest holds the live conversations of the pages that dropped their array (streamPage.conv).
	rest map[uint32]*tcpConv
	// spare is the array a page dropped last, cleared, for the next page: made anew for every page, the
	// arrays were garbage of 32 KiB a page, resident until a collection came (0.94 MB of what
	// conversations allocated more on 16 GB than on 8 GB went to the index).
	spare *[streamPageLen]*tcpConv
	// spareRecs is the recs of the page written to the file last, for the next page.
	spareRecs *pageRecs
	file      spillFile // the pages written out, pageRecsSize bytes at (slot-1)*pageRecsSize
	slots     int32     // slots used in the file
	writes    uint64    // pages written (a page brought back and written again makes pageCaches stale)
	buf       []byte    // a page's bytes, being written
	// late holds what changed of the streams of pages in the file (a conversation evicted after its
	// page dropped its array: one of the few that last, or one brought back), lateFold at most per page.
	late map[uint32]lateRec
}

// lateFold is how many entries of streamIndex.late a page may have before they are written into it:
// the file is written once for each lateFold conversations evicted late, and late stays small.
const lateFold = 8

// streamPageLen is the number of streams in a page (16 KiB, and 32 KiB more while it holds its array).
const streamPageLen = 4096

// pageKeepLive is the most live conversations a full page moves to streamIndex.rest when it drops its
// array: the conversations that never close (a SYN never answered, a connection whose FIN was not
// captured) or last long would otherwise keep the array of nearly every page.
const pageKeepLive = streamPageLen / 64

type streamPage struct {
	// conv holds the live conversations. A full page whose live conversations are down to pageKeepLive
	// moves them to streamIndex.rest and drops it, so that what stays of each evicted stream is its off
	// and its quiet bit (4 bytes, then written out with the page), not a nil pointer as well (8 more: 1.3
	// MB on a trace of 170,000 connections).
	conv *[streamPageLen]*tcpConv
	live int       // live conversations in the page
	recs *pageRecs // nil while the page is in the file only
	slot int32     // 1 + the page's slot in the file once written, or 0
	late int       // entries of streamIndex.late for the page
}

// pageRecs is what a page holds of its evicted streams.
type pageRecs struct {
	off [streamPageLen]uint32 // where an evicted record is in the store (doneStore.add)
	// quiet marks the evicted conversations that TCPStreams.SkipQuiet's test found quiet, a bit each.
	quiet [streamPageLen / 64]uint64
}

// pageRecsSize is the size of a page's recs in the file.
const pageRecsSize = streamPageLen*4 + streamPageLen/8

// pageCache holds the last page read back from the file (by one goroutine: each reader of the
// conversations at the end has its own, in its chunkCache).
type pageCache struct {
	slot   int32  // the page's slot + 1, or 0
	writes uint64 // streamIndex.writes when it was read
	recs   *pageRecs
	buf    []byte
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
		recs := x.takeRecs()
		*recs = pageRecs{}
		x.pages = append(x.pages, &streamPage{conv: conv, recs: recs})
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
	full := int(pi+1)*streamPageLen <= x.n
	if p.conv != nil && p.live <= pageKeepLive && full {
		x.dropArray(pi)
	}
	if p.conv == nil && p.recs != nil {
		x.writeOut(p) // the page dropped its array: it goes to the file
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

// recsOf returns the recs of page p, read back through pc if it is in the file only.
func (x *streamIndex) recsOf(p *streamPage, pc *pageCache) *pageRecs {
	if p.recs != nil {
		return p.recs
	}
	if pc.slot != p.slot || pc.writes != x.writes {
		if pc.recs == nil {
			pc.recs = new(pageRecs)
		}
		x.read(p.slot, pc.recs, &pc.buf)
		pc.slot, pc.writes = p.slot, x.writes
	}
	return pc.recs
}

// writeOut writes page p's recs to the file, in the slot it had if it was written before, and lets them
// go (they become the next page's), unless the file cannot be written.
func (x *streamIndex) writeOut(p *streamPage) {
	slot := p.slot
	if slot == 0 {
		slot = x.slots + 1
	}
	x.buf = p.recs.append(x.buf[:0])
	if !x.file.writeAt(x.buf, int64(slot-1)*pageRecsSize) {
		return // the page stays in memory
	}
	if p.slot == 0 {
		x.slots++
		p.slot = slot
	}
	x.writes++
	x.spareRecs, p.recs = p.recs, nil
}

// takeRecs returns the recs a page let go last (as they were), or new ones.
func (x *streamIndex) takeRecs() *pageRecs {
	recs := x.spareRecs
	x.spareRecs = nil
	if recs == nil {
		recs = new(pageRecs)
	}
	return recs
}

// fold writes the offsets and quiet bits that wait in late for page pi (at pages[pi]) into its slot of
// the file: read back, changed, written again.
func (x *streamIndex) fold(pi uint32) {
	p := x.pages[pi]
	recs := x.takeRecs()
	x.read(p.slot, recs, &x.buf)
	for s, e := range x.late {
		if s/streamPageLen == pi {
			recs.set(s%streamPageLen, e)
			delete(x.late, s)
		}
	}
	p.late = 0
	p.recs = recs
	x.writeOut(p)
}

// read reads the recs in slot (1-based) of the file into recs, through buf.
func (x *streamIndex) read(slot int32, recs *pageRecs, buf *[]byte) {
	if cap(*buf) < pageRecsSize {
		*buf = make([]byte, pageRecsSize)
	}
	b := (*buf)[:pageRecsSize]
	if err := x.file.readAt(b, int64(slot-1)*pageRecsSize); err != nil {
		clear(b) // cannot happen short of a failing disk: the offsets read as the first record
	}
	recs.decode(b)
}

// append appends r's bytes as the file holds them (pageRecsSize, little-endian) to b.
func (r *pageRecs) append(b []byte) []byte {
	for _, o := range r.off {
		b = binary.LittleEndian.AppendUint32(b, o)
	}
	for _, q := range r.quiet {
		b = binary.LittleEndian.AppendUint64(b, q)
	}
	return b
}

// decode sets r from the pageRecsSize bytes b that append wrote.
func (r *pageRecs) decode(b []byte) {
	for i := range r.off {
		r.off[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	b = b[4*streamPageLen:]
	for i := range r.quiet {
		r.quiet[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
}

// close removes the file of pages written out.
func (x *streamIndex) close() {
	x.file.close()
}

// off returns where stream s's record is in the store, reading its page back through pc if need be.
func (x *streamIndex) off(s uint32, pc *pageCache) uint32 {
	return x.rec(s, pc).off
}

// quiet says whether stream s's evicted record was marked quiet (setRec), reading its page back through pc
// if need be.
func (x *streamIndex) quiet(s uint32, pc *pageCache) bool {
	return x.rec(s, pc).quiet
}

// rec returns what the index holds of evicted stream s.
func (x *streamIndex) rec(s uint32, pc *pageCache) lateRec {
	p := x.pages[s/streamPageLen]
	if p.recs == nil {
		if e, ok := x.late[s]; ok {
			return e
		}
	}
	return x.recsOf(p, pc).get(s % streamPageLen)
}

// setRec records what the index holds of evicted stream s: where its record is in the store, and
// whether TCPStreams.SkipQuiet's test found it quiet. For a page in the file it waits in late until
// lateFold of the page's are there.
func (x *streamIndex) setRec(s uint32, e lateRec) {
	pi := s / streamPageLen
	p := x.pages[pi]
	if p.recs != nil {
		p.recs.set(s%streamPageLen, e)
		return
	}
	if x.late == nil {
		x.late = make(map[uint32]lateRec)
	}
	if _, ok := x.late[s]; !ok {
		p.late++
	}
	x.late[s] = e
	if p.late >= lateFold {
		x.fold(pi)
	}
}

// lateRec is what the index holds of one evicted stream.
type lateRec struct {
	off   uint32
	quiet bool
}

// get returns what r holds of the stream at i in its page.
func (r *pageRecs) get(i uint32) lateRec {
	return lateRec{off: r.off[i], quiet: r.quiet[i/64]&(1<<(i%64)) != 0}
}

// set changes what r holds of the stream at i in its page.
func (r *pageRecs) set(i uint32, e lateRec) {
	r.off[i] = e.off
	if e.quiet {
		r.quiet[i/64] |= 1 << (i % 64)
	} else {
		r.quiet[i/64] &^= 1 << (i % 64)
	}
}
