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
	b   []byte
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
		free: make(chan []byte, aheadBlocks+1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range aheadBlocks + 1 {
		a.free <- make([]byte, aheadBlock)
	}
	go a.run(r.src)
	r.src = a
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
		n, err := io.ReadFull(src, b[:cap(b)])
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case a.full <- aheadData{b[:n], err}:
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
			a.free <- a.block[:cap(a.block)] // never blocks: free has room for every block
			a.block = nil
		}
		d := <-a.full
		a.cur, a.block, a.err = d.b, d.b, d.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}
