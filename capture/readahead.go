package capture

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Reading ahead: the file is read in large blocks, by default in a goroutine of its own a few blocks
// ahead of the frames being parsed (the read system calls and, for a gzip-compressed capture, the
// decompression), so that on a machine with several cores the copy from the page cache overlaps decoding
// and analysis instead of adding to them; or, once ReadInline was called, by the goroutine that parses
// them, for a caller that has a goroutine per core already.
// A block becomes the Reader's buffer as it is (fillAhead), and a frame read from it names it
// (Frame.Block), so that a caller that keeps frames' bytes past the next call can hold the block instead
// of copying them.

const (
	aheadBlock  = 256 << 10 // bytes per read: small enough that a block is still in the L2 cache when it is parsed
	aheadBlocks = 4         // blocks read ahead at most
	// aheadRoom is the room left in front of each block's data, where the Reader moves the unread start
	// of a record cut by the end of the previous block (fillAhead), so that a block becomes the Reader's
	// buffer without being copied. A pcap record is at most 256 KiB and its header.
	aheadRoom = 256<<10 + 64
	// aheadMax bounds the blocks of one reader: those read ahead, the one being read into, the Reader's,
	// and those its caller holds (engine: at most two per batch or chunk; when the batches or chunks in
	// flight hold the rest, reading waits until one is done with; see Block). Blocks are made when none
	// is free, so only what is held at once is ever allocated.
	aheadMax = 24
)

// Block is a block of a file read ahead. Frame.Block names the block a frame's bytes lie in: Hold keeps
// them valid past the next call to Next (the block is not reused) until the matching Release. Hold and
// Release may be called from any goroutine. A caller that holds blocks must release them as it goes:
// reading stops when every block is held.
type Block struct {
	buf  []byte // room and data
	refs atomic.Int32
	a    *aheadReader
}

// Hold keeps the block from being reused.
func (b *Block) Hold() { b.refs.Add(1) }

// Release undoes one Hold (or the reader's own hold); the last one hands the block back for reuse.
func (b *Block) Release() {
	if b.refs.Add(-1) == 0 {
		b.a.free <- b // never blocks: free has room for every block there can be
	}
}

// Contains reports whether p lies in the block.
func (b *Block) Contains(p []byte) bool {
	if len(p) == 0 {
		return true
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b.buf)))
	at := uintptr(unsafe.Pointer(unsafe.SliceData(p)))
	return at >= start && at+uintptr(len(p)) <= start+uintptr(len(b.buf))
}

// aheadReader is an io.Reader that hands out blocks read by its goroutine, or, once ReadInline was
// called, by the caller's.
type aheadReader struct {
	src     io.Reader
	full    chan aheadData // blocks read, in order; the receiver owns one hold on each
	free    chan *Block    // blocks released by all their holders
	made    int            // blocks made (by run, or by next when inline)
	started bool           // run's goroutine was started (by the first next)
	inline  bool           // blocks are read by next, in the caller's goroutine
	stop    chan struct{}
	done    chan struct{}
	cur     []byte // Read: the rest of the block being read from
	block   *Block // Read: that block, released when it is used up
	err     error  // the source's error, once the block that carried it was taken
}

type aheadData struct {
	blk *Block
	b   []byte // the bytes read, after the room
	err error
}

// ReadAhead makes the reader read its file in large blocks, in a goroutine of its own ahead of Next
// (started by the first read after the header), for pcap and pcapng (also gzip-compressed). It returns
// a function that stops the goroutine and waits for it; call it before closing the file. Frames are the
// same with or without it. For other formats it does nothing.
func (r *Reader) ReadAhead() (stop func()) {
	if r.alt != nil || r.rerr != nil || (r.format != FormatPcap && r.format != FormatPcapNG) {
		return func() {}
	}
	a := &aheadReader{
		src:  r.src,
		full: make(chan aheadData, aheadBlocks),
		free: make(chan *Block, aheadMax),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	r.src, r.ahead = a, a
	var once sync.Once
	return func() {
		once.Do(func() {
			if a.started {
				close(a.stop)
				<-a.done
			}
		})
	}
}

// errAllHeld is the error of a reader that reads inline and finds every block held by its caller, who
// would wait for itself (the engine holds at most two blocks per batch or chunk in flight, fewer than
// aheadMax).
var errAllHeld = errors.New("every block read ahead is held: reading cannot go on")

// ReadInline makes a reader that ReadAhead set up read its blocks in the goroutine that calls Next, as
// Next needs them, instead of in a goroutine of its own: for a caller that keeps every core busy itself,
// where a third goroutine would wait for a core (engine's pipeline and lanes). The blocks are the same.
// A gzip-compressed file keeps its goroutine: decompressing is worth a core of its own. ReadInline is
// called before the first frame is read (the goroutine starts with the first block, past what Open read
// itself); it reports whether the reader now reads inline. ReadInlineOff undoes it.
func (r *Reader) ReadInline() bool {
	a := r.ahead
	if a == nil || a.started || r.compressed {
		return false
	}
	a.inline = true
	return true
}

// ReadInlineOff makes a reader that reads inline read ahead in a goroutine of its own again, from the
// next block on: for a caller that finds the copy from the page cache worth a core after all (large
// frames). It is called from the goroutine that calls Next.
func (r *Reader) ReadInlineOff() {
	if a := r.ahead; a != nil {
		a.inline = false
	}
}

// next returns the next block read, reading it now when the reader reads inline.
func (a *aheadReader) next() aheadData {
	if a.inline {
		b := a.freeBlock(false)
		if b == nil {
			return aheadData{err: errAllHeld}
		}
		return a.read(b)
	}
	if !a.started {
		a.started = true
		go a.run()
	}
	return <-a.full
}

// freeBlock returns a free block to read into, a new one if none is free and fewer than aheadMax were
// made, else, if wait, waits for one to be released. It returns nil if it does not wait or stop is closed
// meanwhile.
func (a *aheadReader) freeBlock(wait bool) *Block {
	select {
	case b := <-a.free:
		return b
	default:
	}
	if a.made < aheadMax {
		a.made++
		return &Block{buf: make([]byte, aheadRoom+aheadBlock), a: a}
	}
	if !wait {
		return nil
	}
	select {
	case b := <-a.free:
		return b
	case <-a.stop:
		return nil
	}
}

// read fills block b from the source; the caller owns the one hold it has.
func (a *aheadReader) read(b *Block) aheadData {
	n, err := fill(a.src, b.buf[aheadRoom:])
	b.refs.Store(1)
	return aheadData{b, b.buf[aheadRoom : aheadRoom+n], err}
}

// run reads blocks from src until it fails or ends (the last block carries the error) or stop is closed.
func (a *aheadReader) run() {
	defer close(a.done)
	for {
		b := a.freeBlock(true)
		if b == nil {
			return
		}
		d := a.read(b)
		select {
		case a.full <- d:
		case <-a.stop:
			return
		}
		if d.err != nil {
			return
		}
	}
}

// fill reads into b until it is full or src fails. Unlike io.ReadFull it passes the source's error on
// as it is (io.EOF at the end, a gzip stream's own io.ErrUnexpectedEOF when it is cut short), so that the
// reader reports the end of the input as it would without reading ahead.
// A source that keeps returning nothing fails as in Reader.readMore.
func fill(src io.Reader, b []byte) (int, error) {
	n, empty := 0, 0
	for n < len(b) {
		m, err := src.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
		if m > 0 {
			empty = 0
		} else if empty++; empty == 100 {
			return n, io.ErrNoProgress
		}
	}
	return n, nil
}

// Read copies from the current block, waiting for the next one when it is used up.
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.block != nil {
			a.block.Release()
			a.block = nil
		}
		if a.err != nil {
			return 0, a.err
		}
		d := a.next()
		a.cur, a.block, a.err = d.b, d.blk, d.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// fillAhead is one step of fill for a file read ahead: the next block becomes the buffer, with the unread
// bytes (the start of a record cut by the block's end) moved into the room in front of its data, instead
// of the block being copied into the buffer. It falls back to copying when the unread bytes do not fit
// in the room or a block is half read by aheadReader.Read.
func (r *Reader) fillAhead(n int) {
	a := r.ahead
	k := r.w - r.r
	if len(a.cur) > 0 || a.err != nil || k > aheadRoom {
		r.makeRoom(n)
		r.readMore()
		return
	}
	d := a.next()
	if d.err != nil {
		r.rerr, a.err = d.err, d.err // the goroutine has returned: nothing more to receive
	}
	if len(d.b) == 0 {
		if d.blk != nil { // nil: no block to read into (errAllHeld)
			d.blk.Release()
		}
		return
	}
	copy(d.blk.buf[aheadRoom-k:aheadRoom], r.buf[r.r:r.w])
	if r.bufBlock != nil {
		r.bufBlock.Release() // the frames in it were returned by earlier calls
	}
	r.bufBlock = d.blk
	r.base += int64(r.r)
	r.buf = d.blk.buf[aheadRoom-k : aheadRoom+len(d.b)]
	r.r, r.w = 0, k+len(d.b)
}

// detach moves the unread bytes out of the block the buffer lies in, into a buffer of the reader's own,
// before anything writes into the buffer (holders of the block may still read it).
func (r *Reader) detach() {
	if r.bufBlock == nil {
		return
	}
	nb := make([]byte, max(defaultBufSize, 2*(r.w-r.r)))
	k := copy(nb, r.buf[r.r:r.w])
	r.bufBlock.Release()
	r.bufBlock = nil
	r.base += int64(r.r)
	r.buf, r.r, r.w = nb, 0, k
}
