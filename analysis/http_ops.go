package analysis

import (
	"bytes"
	"github.com/wirelens/wirelens/internal/recycle"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/reassembly"
)

// The operations view reads HTTP from a proper reassembly of each stream (package reassembly: segments
// in sequence order, retransmissions and out-of-order segments used, gaps reported), not from tshark's
// desegmentation, which never gives retransmitted or out-of-order segments to HTTP and so loses messages
// on a lossy link. Each direction has a streaming parser in the manner of Zeek's: it keeps a message's head
// (up to opMaxHead), then counts the body off by Content-Length, chunked coding, or until the connection
// closes, without keeping it. A gap inside a body of known length is counted through (the message is
// complete, marked as having a gap); a gap anywhere else drops the message being read and the parser looks
// for the next start line. Whether a response has a body is decided with the method of the request it
// answers (the oldest one waiting, first in first out).

const (
	opMaxHead  = 64 << 10 // bytes of a message head kept
	opMaxChunk = 1 << 10  // bytes of a chunk-size line kept
	opMaxOOO   = 4 << 20  // out-of-order bytes buffered per direction
	opMaxAll   = 64 << 20 // out-of-order bytes buffered over all streams
)

// Parser states.
const (
	opHead       = iota // reading a start line and headers
	opBody              // counting a Content-Length body
	opChunkSize         // reading a chunk-size line
	opChunkData         // counting a chunk's data
	opChunkEnd          // reading the CRLF after a chunk
	opTrailer           // reading trailer lines after the last chunk
	opUntilClose        // counting a body that ends with the connection
	opSkipLine          // skipping the rest of a line that is not a start line
)

// opDir is one direction's streaming parser.
type opDir struct {
	state      int
	head       []byte           // the message head read so far
	line       []byte           // a chunk-size or trailer line read so far
	remain     int64            // bytes left in a body or chunk
	body       int64            // body bytes counted
	gapped     bool             // the body had bytes missing from the capture
	hd         dissect.HTTPHead // the parsed head, once complete
	started    bool             // the message's start line was seen
	firstFrame uint32           // the frame that brought the message's first line
	frameNow   uint32           // the latest frame that carried bytes of the message being read, and its time
	timeNow    int64
	chunkFrame uint32 // the frame of the bytes being parsed, and its time
	chunkTime  int64
	// shared, while the message's head is one read in place (taken from tshark's view, sharedHead, or
	// read by HTTPHead.ParseWhole), holds the bytes it was read from, from its first one (shared[:len] the
	// head), which hd's slices lie in: they are copied to head only if the message is still being read
	// when those bytes are handed back (keepShared).
	shared    []byte
	sharedLen int
}

// opStream is the operations view of one HTTP stream: its reassembly and two parsers.
type opStream struct {
	re   *reassembly.Stream
	s    *httpStream // the stream this view belongs to (opStreams are recycled, see newOps)
	dirs [2]opDir
	// The current packet while the reassembly delivers data (the sinks need it).
	p *dissect.Packet
	// times remembers the capture time of frames whose data waited behind a gap (delivered later), in
	// frame order (a list, not a map: its array goes back to HTTPStreams.opTimes for the next stream).
	times []frameTime
}

// frameTime is a frame's capture time.
type frameTime struct {
	frame uint32
	time  int64
}

// timeOf returns the time opFeed remembered for frame.
func (o *opStream) timeOf(frame uint32) (int64, bool) {
	ts := o.times
	i, j := 0, len(ts)
	for i < j { // the first entry whose frame is not before frame
		m := int(uint(i+j) >> 1)
		if ts[m].frame < frame {
			i = m + 1
		} else {
			j = m
		}
	}
	if i < len(ts) && ts[i].frame == frame {
		return ts[i].time, true
	}
	return 0, false
}

// opFeed gives one TCP segment to the stream's operations parser.
func (h *HTTPStreams) opFeed(p *dissect.Packet, s *httpStream, side int, seq, ack uint32, flags uint16, payload []byte, reported int) {
	if s.ops == nil {
		s.ops = h.newOps()
		s.ops.s = s
	}
	o := s.ops
	o.p = p
	rf := uint16(0)
	if flags&dissect.TCPSyn != 0 {
		rf |= reassembly.FlagSYN
	}
	if flags&dissect.TCPFin != 0 {
		rf |= reassembly.FlagFIN
	}
	if flags&dissect.TCPAck != 0 {
		o.re.Dir[1-side].Ack(uint32(p.Num), ack)
	}
	dir := &o.re.Dir[side]
	next, started := dir.Next()
	if started && seqLT(next, seq) && len(payload) > 0 && len(o.times) < 4096 {
		// The segment waits behind a gap: remember its time for when it is delivered. Frames come in
		// order; a frame already remembered (a second TCP header in it) keeps its entry.
		if n := len(o.times); n == 0 || o.times[n-1].frame < uint32(p.Num) {
			o.times = append(h.opTimes.Grow(o.times, 1), frameTime{uint32(p.Num), p.TimeNS})
		}
	}
	dir.Add(uint32(p.Num), seq, rf, payload, reported)
	if od := &o.dirs[side]; started && seqLT(next, seq) && len(payload) > 0 && startsMessage(payload) &&
		(od.state == opHead || od.state == opBody && int64(seq-next) >= od.remain) {
		// A message starts after bytes that were not captured, and none was being read (or the one
		// being read ends inside the gap): as tshark does, read it now rather than wait for the gap to
		// be given up.
		dir.Ack(uint32(p.Num), seq)
	}
	if (flags&dissect.TCPFin != 0 || flags&dissect.TCPRst != 0) && o.dirs[side].state == opUntilClose {
		h.opDone(s, side)
	}
	o.p = nil
	o.forgetTimes(h)
}

// forgetTimes drops the remembered times once no segment waits behind a gap in either direction: no
// frame remembered can be delivered any more. Kept until the stream ended, they made a long
// keep-alive connection on a lossy link hold up to 4,096 of them (64 KiB), and a trace's memory grow
// with its length (HTTPStreams.opTimes: 0.40 MB on the 4 GB benchmark capture, 0.96 MB on the 8 GB one).
func (o *opStream) forgetTimes(h *HTTPStreams) {
	if o.times != nil && !o.re.Dir[0].Waiting() && !o.re.Dir[1].Waiting() {
		h.opTimes.Put(o.times)
		o.times = nil
	}
}

// maxFreeOps bounds the finished operations views kept for reuse.
const maxFreeOps = 256

// newOps returns an operations view for a stream: a finished stream's (recycleOps), or a new one. A
// trace of many short connections would otherwise allocate a reassembly and two parsers for each.
func (h *HTTPStreams) newOps() *opStream {
	if o := h.freeOps.get(); o != nil {
		return o
	}
	o := &opStream{}
	sinks := reassembly.Sinks{
		Data: func(dir int, frame uint32, data []byte) {
			s := o.s
			d := &o.dirs[dir]
			// A message belongs to the latest frame among those that carried its bytes: the one
			// that completed it (a retransmission filling a hole, not the buffered segment after it).
			t := h.frameTime(s, frame)
			d.chunkFrame, d.chunkTime = frame, t
			if d.frameNow == 0 || seqLT(d.frameNow, frame) {
				d.frameNow, d.timeNow = frame, t
			}
			h.opData(s, dir, data)
			if d.shared != nil {
				// A message whose head was read in place is still being read: its head must
				// outlive data.
				d.keepShared(&h.opHeads)
			}
		},
		Gap: func(dir int, frame uint32, seq uint32, missing int) { h.opGap(o.s, dir, missing) },
	}
	o.re = reassembly.NewStream(sinks, opMaxOOO, &h.opBudget)
	return o
}

// recycleOps keeps a finished stream's operations view for the next stream (its head buffers too, when
// they are small).
func (h *HTTPStreams) recycleOps(o *opStream) {
	if !h.freeOps.room() {
		return
	}
	o.re.Reset()
	h.opTimes.Put(o.times)
	o.s, o.p, o.times = nil, nil, nil
	for i := range o.dirs {
		h.opHeads.Put(o.dirs[i].head)
		o.dirs[i] = opDir{}
	}
	h.freeOps.put(o)
}

// opClose ends a stream's parsers at the end of the trace: buffered segments are delivered, a body that
// runs until the connection closes is complete.
func (h *HTTPStreams) opClose(s *httpStream) {
	o := s.ops
	if o == nil {
		return
	}
	o.p = nil
	o.re.Close()
	for side := range o.dirs {
		if o.dirs[side].state == opUntilClose {
			h.opDone(s, side)
		}
	}
}

// opGap handles bytes missing from the capture.
func (h *HTTPStreams) opGap(s *httpStream, side int, missing int) {
	d := &s.ops.dirs[side]
	switch d.state {
	case opBody:
		// Bytes missing inside a body of known length are counted; if the body ends inside the gap,
		// the message is complete and what follows the gap may start the next one.
		n := min(int64(missing), d.remain)
		d.remain -= n
		d.body += n
		d.gapped = true
		if d.remain == 0 {
			h.opDone(s, side)
		}
		return
	case opChunkData:
		if int64(missing) <= d.remain {
			d.remain -= int64(missing)
			d.body += int64(missing)
			d.gapped = true
			if d.remain == 0 {
				d.state = opChunkEnd
			}
			return
		}
	case opUntilClose:
		d.body += int64(missing)
		d.gapped = true
		return
	}
	// Anywhere else the message cannot be read: look for the next start line.
	d.reset()
}

// reset makes the parser ready for the next message, which starts in the frame whose bytes are being
// parsed. It keeps the buffers and sets the other fields one by one, leaving hd as it is: writing the
// whole struct (hd alone is some 200 bytes) cost more than the rest of a short message's parse, and each
// message's head is parsed into hd before anything reads it.
func (d *opDir) reset() {
	d.state, d.head, d.line, d.shared = opHead, d.head[:0], d.line[:0], nil
	d.remain, d.body, d.gapped, d.started, d.firstFrame = 0, 0, false, false, 0
	d.frameNow, d.timeNow = d.chunkFrame, d.chunkTime
}

// keepShared copies the head a message read in place (shared) and moves hd's slices to it.
func (d *opDir) keepShared(heads *recycle.Pool[byte]) {
	d.head = append(heads.Grow(d.head, d.sharedLen), d.shared[:d.sharedLen]...)
	d.hd.Rebase(d.shared, d.head)
	d.shared = nil
}

// opData parses contiguous bytes of one direction. A message whose head it read in place (shared) may
// still be being read at the end: its sink then keeps the head (keepShared).
func (h *HTTPStreams) opData(s *httpStream, side int, b []byte) {
	d := &s.ops.dirs[side]
	for len(b) > 0 {
		switch d.state {
		case opHead:
			if !d.started && len(d.head) > 0 && startsMessage(b) {
				// An unfinished first line (a keep-alive byte, junk) followed by a segment that starts a
				// message: the message starts here.
				d.head = d.head[:0]
			}
			if len(d.head) == 0 && headsInPlace {
				// A head that starts where b starts and lies whole in it, the usual case: read once,
				// into hd, where readHead would find its end and Parse read it again (TestSharedHead,
				// TestParseWhole). tshark's view may have read it already.
				from, n := b, 0
				if e := h.sharedAt(b); e != nil {
					d.hd = e.hd
					from, n = e.at, e.hdr
					h.sharedUsed++
				} else if n = d.hd.ParseWhole(b); n > opMaxHead {
					n = 0 // readHead drops it
				}
				if n > 0 {
					// The head is copied only if something reads it after b is gone: operation keeps a
					// request's head for a reader that makes its strings later (Wants, Defer); a
					// message not finished in b keeps its head when b is done with (the Data sink).
					d.started, d.firstFrame = true, d.frameNow
					d.shared, d.sharedLen = from, n
					if d.hd.Type == dissect.HTTPRequest && h.OnOperation != nil && (h.Wants != nil || h.Defer != nil) {
						d.keepShared(&h.opHeads)
					}
					b = b[n:]
					h.opFraming(s, side)
					continue
				}
			}
			n, done := d.readHead(b, &h.opHeads)
			b = b[n:]
			if done {
				d.hd.Parse(d.head, len(d.head))
				h.opFraming(s, side)
			}
		case opSkipLine:
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				return
			}
			b = b[i+1:]
			d.state = opHead
		case opBody, opChunkData, opUntilClose:
			n := int64(len(b))
			if d.state != opUntilClose {
				n = min(n, d.remain)
				d.remain -= n
			}
			d.body += n
			b = b[n:]
			if d.state == opBody && d.remain == 0 {
				h.opDone(s, side)
			} else if d.state == opChunkData && d.remain == 0 {
				d.state = opChunkEnd
			}
		case opChunkEnd:
			// The CRLF after a chunk's data (lenient: any one end of line).
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				d.body += int64(len(b))
				return
			}
			d.body += int64(i + 1)
			b = b[i+1:]
			d.state = opChunkSize
		case opChunkSize, opTrailer:
			i := bytes.IndexByte(b, '\n')
			take := len(b)
			if i >= 0 {
				take = i + 1
			}
			if len(d.line)+take <= opMaxChunk {
				d.line = append(d.line, b[:take]...)
			}
			d.body += int64(take)
			b = b[take:]
			if i < 0 {
				return
			}
			line := bytes.TrimRight(d.line, "\r\n")
			d.line = d.line[:0]
			if d.state == opTrailer {
				if len(line) == 0 {
					h.opDone(s, side)
				}
				continue
			}
			if j := bytes.IndexByte(line, ';'); j >= 0 {
				line = line[:j]
			}
			size, ok := parseHex(bytes.TrimSpace(line))
			switch {
			case !ok:
				// A bad chunk size ends the body (as Zeek's HTTP_bad_chunk_size).
				h.opDone(s, side)
			case size == 0:
				d.state = opTrailer
			default:
				d.state, d.remain = opChunkData, size
			}
		}
	}
}

func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int64(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int64(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// readHead adds bytes to the head until the blank line that ends it. It returns the bytes used and
// whether the head is complete. Empty lines before a start line are skipped; a first line that is not a
// start line is skipped too (the parser resynchronises on the next line).
func (d *opDir) readHead(b []byte, heads *recycle.Pool[byte]) (int, bool) {
	if len(d.head) == 0 {
		// The usual case: a head that starts where b starts and ends in it. Its end is found without
		// the bookkeeping of readHeadWalk, which would do the same (headWhole says 0 for anything
		// else: the walk reads it).
		if end := headWhole(b); end > 0 && end <= opMaxHead {
			d.started, d.firstFrame = true, d.frameNow
			d.head = append(heads.Grow(d.head, end), b[:end]...)
			return end, true
		}
	}
	return d.readHeadWalk(b, heads)
}

// readHeadWalk is readHead for any bytes: it looks at each line.
func (d *opDir) readHeadWalk(b []byte, heads *recycle.Pool[byte]) (int, bool) {
	// Complete lines are looked at where they lie in b and copied to the head together (b[from:used]),
	// once per call; only a line begun in an earlier segment is read from the head.
	used, from := 0, 0
	for used < len(b) {
		i := bytes.IndexByte(b[used:], '\n')
		take := len(b) - used
		if i >= 0 {
			take = i + 1
		}
		if len(d.head)+used-from+take > opMaxHead {
			// A head larger than the cap: drop the message, find the next one.
			d.head = d.head[:0]
			d.state = opSkipLine
			return used + take, false
		}
		if i < 0 {
			d.head = append(heads.Grow(d.head, len(b[from:])), b[from:]...)
			return len(b), false
		}
		var line []byte
		first := false
		if used == from && len(d.head) > 0 && d.head[len(d.head)-1] != '\n' {
			// The line began in an earlier segment.
			d.head = append(heads.Grow(d.head, len(b[used:used+take])), b[used:used+take]...)
			from = used + take
			lineStart := bytes.LastIndexByte(d.head[:len(d.head)-1], '\n') + 1
			line, first = d.head[lineStart:], lineStart == 0
		} else {
			line, first = b[used:used+take], len(d.head) == 0 && used == from
		}
		used += take
		line = trimEOL(line)
		if first {
			// Is it the first line, a blank one?
			if len(line) == 0 {
				d.head, from = d.head[:0], used // an empty line before the message
				continue
			}
			if _, ok := dissect.HTTPStartLine(line); !ok {
				// Not a start line (a capture that begins inside a body, data after a gap): the rest of
				// this segment is skipped; a message may start with the next one.
				d.head = d.head[:0]
				return len(b), false
			}
			d.started = true
			d.firstFrame = d.frameNow
			continue
		}
		if len(line) == 0 {
			d.head = append(heads.Grow(d.head, len(b[from:used])), b[from:used]...)
			return used, true
		}
	}
	d.head = append(heads.Grow(d.head, len(b[from:used])), b[from:used]...)
	return used, false
}

// headWhole returns the length of the head at the start of b, up to and including the empty line that
// ends it, when b begins with a start line and holds the whole head; otherwise 0. Lines end at LF; a line
// of nothing but CRs before its LF is empty, as trimEOL makes it.
func headWhole(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return 0
	}
	if first := trimEOL(b[:i]); len(first) == 0 {
		return 0 // an empty line before the message: the walk skips it
	} else if _, ok := dissect.HTTPStartLine(first); !ok {
		return 0
	}
	for at := i + 1; at < len(b); {
		j := at
		for j < len(b) && b[j] == '\r' {
			j++
		}
		if j < len(b) && b[j] == '\n' {
			return j + 1
		}
		k := bytes.IndexByte(b[at:], '\n')
		if k < 0 {
			return 0
		}
		at += k + 1
	}
	return 0
}

// trimEOL removes the CR and LF characters that end a line.
func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// sharedHead is a message head tshark's view read whole (dissect.HTTPStep.HeadRead) from the segment
// being analysed. The operations view reads the same bytes next, most often from the start of a message:
// it then takes the head rather than finding its end and parsing it again: list -f executed 8 % fewer
// instructions on the first 300,000 frames of the small-packet benchmark capture (bench/instr.sh).
type sharedHead struct {
	at  []byte // the bytes the head was read from, from its first one
	hdr int    // the head's length, its blank line included
	hd  dissect.HTTPHead
}

// headsInPlace turns on the reading of heads in place: heads shared by tshark's view, and
// HTTPHead.ParseWhole (tests compare with it off).
var headsInPlace = true

// sharedAt returns the head tshark's view read from the bytes b starts with (the same bytes, not a copy
// of them), or nil.
func (h *HTTPStreams) sharedAt(b []byte) *sharedHead {
	for i := 0; i < h.nShared; i++ { // none without tshark's view (diagnose)
		if e := &h.shared[i]; len(b) >= e.hdr && &e.at[0] == &b[0] && e.hdr <= opMaxHead {
			return e
		}
	}
	return nil
}

// opFraming decides how the body of a message whose head is complete (and parsed into d.hd) is
// delimited.
func (h *HTTPStreams) opFraming(s *httpStream, side int) {
	d := &s.ops.dirs[side]
	hd := &d.hd
	d.body, d.gapped = 0, false
	noBody := false
	switch hd.Type {
	case dissect.HTTPResponse:
		method := ""
		if len(s.pending) > 0 {
			method = s.pending[0].Method
		}
		noBody = method == "HEAD" || hd.Code/100 == 1 || hd.Code == 204 || hd.Code == 304 ||
			(method == "CONNECT" && hd.Code/100 == 2)
	case dissect.HTTPRequest, dissect.HTTPNotification:
		noBody = !hd.Chunked && hd.ContentLength <= 0
	}
	switch {
	case noBody:
		h.opDone(s, side)
	case hd.Chunked:
		d.state = opChunkSize
	case hd.ContentLength >= 0:
		d.state, d.remain = opBody, hd.ContentLength
		if d.remain == 0 {
			h.opDone(s, side)
		}
	default:
		d.state = opUntilClose
	}
}

// opDone finishes the message being read: its operation is recorded on the current frame.
func (h *HTTPStreams) opDone(s *httpStream, side int) {
	d := &s.ops.dirs[side]
	p := s.ops.p
	h.operation(p, s, side, &d.hd, d.body, d.gapped, d.frameNow, d.timeNow)
	// The bytes that follow in the same delivery belong to the same frame.
	d.reset()
}

// startsMessage reports whether a segment begins like an HTTP start line: "HTTP/" or "ICY", or a method
// followed by a space (only the first token is looked at, so a long request line costs nothing).
func startsMessage(b []byte) bool {
	if len(b) >= 2 && b[0] == 'M' && b[1] == '-' {
		b = b[2:]
	}
	if bytes.HasPrefix(b, []byte("HTTP/")) || bytes.HasPrefix(b, []byte("ICY")) {
		return true
	}
	n := bytes.IndexByte(b[:min(len(b), 20)], ' ')
	if n <= 0 {
		return false
	}
	_, ok := dissect.HTTPStartLine(b[:n+1])
	return ok
}

// frameTime returns the capture time of a frame of the stream: the current packet's, or that of a
// segment that waited behind a gap, which opFeed remembered.
func (h *HTTPStreams) frameTime(s *httpStream, frame uint32) int64 {
	o := s.ops
	if o.p != nil && uint32(o.p.Num) == frame {
		return o.p.TimeNS
	}
	if t, ok := o.timeOf(frame); ok {
		return t
	}
	return s.lastTime
}
