package ui

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"sync"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// The index is what the message list reads: one small fixed record per frame, and the row text (source,
// destination, summary, diagnostic) kept in flate-compressed blocks of blockRows frames. A trace of 1.5 M
// frames costs about 24 bytes a frame plus its compressed text; the details tree is never kept, it is
// rebuilt for the frame shown.

// blockRows is the number of frames whose text shares one compressed block.
const blockRows = 512

// chunkRows is the number of fixed records in one chunk (chunks avoid copying a huge slice as it grows).
const chunkRows = 1 << 16

// rec is the fixed part of one frame's index entry.
type rec struct {
	rel    int64  // ns since the first frame
	length uint32 // bytes on the wire
	stream int32  // tcp.stream (first TCP layer), -1 if none
	proto  uint16 // index into index.protos
	sev    uint8  // worst diagnostic severity (dissect.Severity)
	udp    bool   // stream is a udp.stream
}

// rowText is the text part of one frame's row.
type rowText struct {
	src, dst, summary, diag string
}

// index is the per-frame index of one trace. It grows while the trace is read; every method is safe for
// concurrent use.
type index struct {
	mu     sync.RWMutex
	chunks [][]rec
	n      int
	protos []string
	protoN map[string]uint16
	blocks [][]byte // compressed text of full blocks
	open   []byte   // text of the block being filled, uncompressed
	late   map[uint32]string

	cacheMu sync.Mutex
	cache   map[int][]rowText // decompressed blocks, a few at a time
	order   []int

	zw  *flate.Writer
	zbf bytes.Buffer
}

func newIndex() *index {
	return &index{protoN: map[string]uint16{}, cache: map[int][]rowText{}, late: map[uint32]string{}}
}

// appendText appends s with a length prefix.
func appendText(dst []byte, s []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// add appends one packet. src, dst, sum and diag are the row's text; scratch buffers are the caller's.
func (x *index) add(p *dissect.Packet, src, dst, sum, diag []byte) {
	r := rec{rel: p.RelNS, length: uint32(p.Len), stream: -1}
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if l.InError() {
			continue
		}
		if l.Proto == dissect.ProtoTCP && p.TCP[l.Aux].Valid {
			r.stream = int32(p.TCP[l.Aux].Stream)
			break
		}
		if l.Proto == dissect.ProtoUDP && p.UDP[l.Aux].Valid {
			r.stream = int32(p.UDP[l.Aux].Stream)
			r.udp = true
			break
		}
	}
	if d, ok := p.Worst(); ok {
		r.sev = uint8(d.Severity())
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	name := p.Protocol()
	id, ok := x.protoN[name]
	if !ok && len(x.protos) < 65535 {
		id = uint16(len(x.protos))
		x.protos = append(x.protos, name)
		x.protoN[name] = id
	}
	r.proto = id
	c := x.n / chunkRows
	if c == len(x.chunks) {
		x.chunks = append(x.chunks, make([]rec, 0, chunkRows))
	}
	x.chunks[c] = append(x.chunks[c], r)
	x.n++
	x.open = appendText(x.open, src)
	x.open = appendText(x.open, dst)
	x.open = appendText(x.open, sum)
	x.open = appendText(x.open, diag)
	if x.n%blockRows == 0 {
		x.seal()
	}
}

// seal compresses the open block. Called with mu held.
func (x *index) seal() {
	x.zbf.Reset()
	if x.zw == nil {
		x.zw, _ = flate.NewWriter(&x.zbf, flate.BestSpeed)
	} else {
		x.zw.Reset(&x.zbf)
	}
	x.zw.Write(x.open)
	x.zw.Close()
	x.blocks = append(x.blocks, bytes.Clone(x.zbf.Bytes()))
	x.open = x.open[:0]
}

// setLate records diagnostics that only the whole trace gives (a SYN never answered) on their frames.
func (x *index) setLate(late map[uint32][]dissect.Diag) {
	var p dissect.Packet
	x.mu.Lock()
	defer x.mu.Unlock()
	for num, ds := range late {
		i := int(num) - 1
		if i < 0 || i >= x.n {
			continue
		}
		r := &x.chunks[i/chunkRows][i%chunkRows]
		for _, d := range ds {
			if uint8(d.Severity()) > r.sev {
				r.sev = uint8(d.Severity())
				x.late[num] = string(p.AppendMessage(nil, d))
			}
		}
	}
}

// len returns the number of frames indexed so far.
func (x *index) len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.n
}

// rec returns frame i's record (0-based); i must be below len().
func (x *index) rec(i int) rec {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.chunks[i/chunkRows][i%chunkRows]
}

// recs calls fn for every record from 0 to len()-1, under one read lock.
func (x *index) recs(fn func(i int, r *rec)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for c, ch := range x.chunks {
		for j := range ch {
			fn(c*chunkRows+j, &ch[j])
		}
	}
}

// proto returns a protocol name by its index.
func (x *index) proto(id uint16) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if int(id) < len(x.protos) {
		return x.protos[id]
	}
	return ""
}

// text returns frame i's row text (0-based).
func (x *index) text(i int) rowText {
	b := i / blockRows
	x.mu.RLock()
	if b >= len(x.blocks) {
		// The open block: decode it under the lock, it changes as frames are added.
		rows := decodeBlock(x.open)
		x.mu.RUnlock()
		if j := i % blockRows; j < len(rows) {
			return x.withLate(i, rows[j])
		}
		return rowText{}
	}
	z := x.blocks[b]
	x.mu.RUnlock()
	x.cacheMu.Lock()
	rows, ok := x.cache[b]
	x.cacheMu.Unlock()
	if !ok {
		raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
		if err != nil {
			return rowText{}
		}
		rows = decodeBlock(raw)
		x.cacheMu.Lock()
		if len(x.order) >= 64 {
			delete(x.cache, x.order[0])
			x.order = x.order[1:]
		}
		x.cache[b] = rows
		x.order = append(x.order, b)
		x.cacheMu.Unlock()
	}
	if j := i % blockRows; j < len(rows) {
		return x.withLate(i, rows[j])
	}
	return rowText{}
}

func (x *index) withLate(i int, t rowText) rowText {
	x.mu.RLock()
	m, ok := x.late[uint32(i+1)]
	x.mu.RUnlock()
	if ok {
		t.diag = m
	}
	return t
}

// decodeBlock splits a block's text into rows.
func decodeBlock(b []byte) []rowText {
	var rows []rowText
	var f [4]string
	for len(b) > 0 {
		for k := range f {
			n, w := binary.Uvarint(b)
			if w <= 0 || uint64(len(b)-w) < n {
				return rows
			}
			f[k] = string(b[w : w+int(n)])
			b = b[w+int(n):]
		}
		rows = append(rows, rowText{src: f[0], dst: f[1], summary: f[2], diag: f[3]})
	}
	return rows
}

// seconds formats ns as the time columns do.
func seconds(ns int64) string { return string(field.AppendSeconds(nil, ns)) }
