package capture

import (
	"io"
	"sync"
)

// Reading ahead: the read system calls (and, for a gzip-compressed capture, the decompression) run in a
// goroutine of their own, a few blocks ahead of the frames being parsed, so that on a machine with
// several cores the copy from the page cache overlaps decoding and analysis instead of adding to them.

const (
	aheadBlock  = 1 << 20 // bytes per read
	aheadBlocks = 3       // blocks read ahead at most
	// aheadRoom is the room left in front of each block's data, where the Reader moves the unread start
	// of a record cut by the end of the previous block (fillAhead), so that a block becomes the Reader's
	// buffer without being copied. A pcap record is at most 256 KiB and its header.
	aheadRoom = 256<<10 + 64
	// aheadTotal: the blocks in the channel, the one being read into, and the one the Reader holds.
	aheadTotal = aheadBlocks + 2
)

// aheadReader is an io.Reader that hands out blocks read by its goroutine.
type aheadReader struct {
	full  chan aheadData // blocks read, in order
	free  chan []byte    // blocks handed back for reuse
	stop  chan struct{}
	done  chan struct{}
	cur   []byte // the rest of the block being read from
	block []byte // the whole of that block, handed back when it is used up
	err   error  // the source's error, once cur is used up and no block follows
}

type aheadData struct {
	blk []byte // the whole block, room included
	b   []byte // the bytes read, after the room
	err error
}

// ReadAhead makes the reader read its file in a goroutine of its own, ahead of Next, for pcap and pcapng
// (also gzip-compressed). It returns a function that stops the goroutine and waits for it; call it before
// closing the file. Frames are the same with or without it. For other formats it does nothing.
func (r *Reader) ReadAhead() (stop func()) {
	if r.alt != nil || r.rerr != nil || (r.format != FormatPcap && r.format != FormatPcapNG) {
		return func() {}
	}
	a := &aheadReader{
		full: make(chan aheadData, aheadBlocks),
		free: make(chan []byte, aheadTotal),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range aheadTotal {
		a.free <- make([]byte, aheadRoom+aheadBlock)
	}
	go a.run(r.src)
	r.src, r.ahead = a, a
	var once sync.Once
	return func() {
		once.Do(func() {
			close(a.stop)
			<-a.done
		})
	}
}

// run reads blocks from src until it fails or ends (the last block carries the error) or stop is closed.
func (a *aheadReader) run(src io.Reader) {
	defer close(a.done)
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		n, err := io.ReadFull(src, b[aheadRoom:])
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case a.full <- aheadData{b, b[aheadRoom : aheadRoom+n], err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read copies from the current block, waiting for the next one when it is used up.
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.block != nil {
			a.free <- a.block // never blocks: free has room for every block
			a.block = nil
		}
		d := <-a.full
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
	d := <-a.full
	if d.err != nil {
		r.rerr, a.err = d.err, d.err // the goroutine has returned: nothing more to receive
	}
	if len(d.b) == 0 {
		a.free <- d.blk
		return
	}
	copy(d.blk[aheadRoom-k:aheadRoom], r.buf[r.r:r.w])
	if r.aheadBlk != nil {
		a.free <- r.aheadBlk // the frames in it were returned by earlier calls: no longer valid
	}
	r.aheadBlk = d.blk
	r.base += int64(r.r)
	r.buf = d.blk[aheadRoom-k : aheadRoom+len(d.b)]
	r.r, r.w = 0, k+len(d.b)
}
