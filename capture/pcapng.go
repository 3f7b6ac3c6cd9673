package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// pcapng block types this reader interprets; it skips all others (name
// resolution, interface statistics, decryption secrets, custom blocks, ...).
const (
	blockSHB = 0x0a0d0d0a // Section Header Block (the same in both byte orders)
	blockIDB = 0x00000001 // Interface Description Block
	blockPB  = 0x00000002 // Packet Block (obsolete)
	blockSPB = 0x00000003 // Simple Packet Block
	blockEPB = 0x00000006 // Enhanced Packet Block
)

const (
	byteOrderMagic = 0x1a2b3c4d

	minBlockLen = 12 // type, length, trailing length
	minSHBLen   = 28
	minIDBLen   = 20
	minEPBLen   = 32
	minSPBLen   = 16

	// maxBlockLen caps the length of any block: room for the largest
	// packet of any link type (see maxSnapLen), its header and plenty of
	// options. Skipped blocks are read in a streaming way, and the buffer
	// only grows as a block's data arrives, so a lying length field costs
	// no memory.
	maxBlockLen = minEPBLen + 128<<20 + 128<<10
)

// Option codes.
const (
	optEndOfOpt   = 0
	optComment    = 1
	optEPBFlags   = 2 // epb_flags, and pack_flags in the obsolete Packet Block
	optIfName     = 2
	optIfDescr    = 3
	optIfTsResol  = 9
	optIfTsOffset = 14
)

// startPcapNG reads the first Section Header Block, and then the blocks up to
// the first packet, so that Interfaces is filled before the first Next. An
// error in those blocks is kept for Next to return.
func (r *Reader) startPcapNG() error {
	r.format = FormatPcapNG
	if !r.fill(12) {
		return r.cut(0, "section header block", 12)
	}
	h := r.buf[r.r : r.r+12]
	switch binary.LittleEndian.Uint32(h[8:]) {
	case byteOrderMagic, swap32(byteOrderMagic):
	default:
		return &NotCaptureError{Head: headCopy(h)}
	}
	if r.fill(16) {
		r.be = binary.LittleEndian.Uint32(h[8:]) != byteOrderMagic
		if major, minor := r.u16(r.buf[r.r+12:]), r.u16(r.buf[r.r+14:]); major != 1 {
			return &NotCaptureError{Head: headCopy(r.buf[r.r : r.r+16]), Known: fmt.Sprintf("a pcapng file of version %d.%d", major, minor)}
		}
	}
	if err := r.readSHB(); err != nil {
		return err
	}
	if err := r.blocks(nil); err != nil {
		r.err = err
	}
	return nil
}

// nextPcapNG reads blocks up to and including the next packet block.
func (r *Reader) nextPcapNG(f *Frame) error {
	return r.blocks(f)
}

// blocks reads blocks until it has read a packet into f. When f is nil it
// stops before the next packet block instead, without consuming it, and
// returns nil; io.EOF at the end either way.
func (r *Reader) blocks(f *Frame) error {
	for {
		if !r.fill(8) {
			if r.w == r.r {
				return r.atEnd()
			}
			return r.cut(r.offset(), "block header", 8)
		}
		off := r.offset()
		typ := r.u32(r.buf[r.r:])
		if typ == blockSHB {
			if err := r.readSHB(); err != nil {
				return err
			}
			continue
		}
		blen := r.u32(r.buf[r.r+4:])
		if err := r.checkBlockLen(off, blen, minBlockLen, "block"); err != nil {
			return err
		}
		switch typ {
		case blockEPB, blockPB, blockSPB:
			if f == nil {
				return nil
			}
			blk, err := r.block(off, blen)
			if err != nil {
				return err
			}
			if err := r.packet(f, typ, blk, off); err != nil {
				return err
			}
			r.r += len(blk)
			return nil
		case blockIDB:
			blk, err := r.block(off, blen)
			if err != nil {
				return err
			}
			if err := r.readIDB(blk, off); err != nil {
				return err
			}
			r.r += len(blk)
		default:
			if !r.skip(int64(blen) - 4) {
				return r.cut(off, "block", int64(blen))
			}
			if !r.fill(4) {
				return r.cut(off, "block", int64(blen))
			}
			if end := r.u32(r.buf[r.r:]); end != blen {
				return r.corrupt(off, "block: trailing length %d does not match leading length %d", end, blen)
			}
			r.r += 4
		}
	}
}

// checkBlockLen checks a block's total length field.
func (r *Reader) checkBlockLen(off int64, blen, minLen uint32, what string) error {
	switch {
	case blen < minLen:
		return r.corrupt(off, "%s: length %d is less than %d", what, blen, minLen)
	case blen%4 != 0:
		return r.corrupt(off, "%s: length %d is not a multiple of 4", what, blen)
	case blen > maxBlockLen:
		return r.corrupt(off, "%s: length %d exceeds %d", what, blen, maxBlockLen)
	}
	return nil
}

// block buffers the whole block of blen bytes at r.r, checks its trailing
// length and returns it, without consuming it.
func (r *Reader) block(off int64, blen uint32) ([]byte, error) {
	if !r.fill(int(blen)) {
		return nil, r.cut(off, "block", int64(blen))
	}
	blk := r.buf[r.r : r.r+int(blen)]
	if end := r.u32(blk[blen-4:]); end != blen {
		return nil, r.corrupt(off, "block: trailing length %d does not match leading length %d", end, blen)
	}
	return blk, nil
}

// readSHB reads a Section Header Block at r.r and starts a new section.
func (r *Reader) readSHB() error {
	off := r.offset()
	if !r.fill(12) {
		return r.cut(off, "section header block", 12)
	}
	switch binary.LittleEndian.Uint32(r.buf[r.r+8:]) {
	case byteOrderMagic:
		r.be = false
	case swap32(byteOrderMagic):
		r.be = true
	default:
		return r.corrupt(off, "section header block: byte-order magic % x", r.buf[r.r+8:r.r+12])
	}
	blen := r.u32(r.buf[r.r+4:])
	if err := r.checkBlockLen(off, blen, minSHBLen, "section header block"); err != nil {
		return err
	}
	blk, err := r.block(off, blen)
	if err != nil {
		return err
	}
	if major, minor := r.u16(blk[12:]), r.u16(blk[14:]); major != 1 {
		return r.corrupt(off, "section header block: unsupported version %d.%d", major, minor)
	}
	for opts := blk[24 : blen-4]; ; {
		code, val, rest, ok := r.nextOption(opts)
		if !ok {
			break
		}
		if code == optComment {
			r.comments = append(r.comments, string(trimNUL(val)))
		}
		opts = rest
	}
	r.secBase = len(r.ifaces)
	r.secIfaces = 0
	r.r += len(blk)
	return nil
}

// readIDB reads an Interface Description Block.
func (r *Reader) readIDB(blk []byte, off int64) error {
	if len(blk) < minIDBLen {
		return r.corrupt(off, "interface description block: length %d is less than %d", len(blk), minIDBLen)
	}
	ifc := Interface{
		LinkType: linkTypeFromFile(uint32(r.u16(blk[8:]))),
		SnapLen:  int(r.u32(blk[12:])),
		tsUnits:  1e6,
	}
	for opts := blk[16 : len(blk)-4]; ; {
		code, val, rest, ok := r.nextOption(opts)
		if !ok {
			break
		}
		switch code {
		case optIfName:
			ifc.Name = string(trimNUL(val))
		case optIfDescr:
			ifc.Description = string(trimNUL(val))
		case optIfTsResol:
			if len(val) >= 1 {
				ifc.tsUnits = tsUnits(val[0])
			}
		case optIfTsOffset:
			if len(val) >= 8 {
				hi, lo := r.u32(val), r.u32(val[4:])
				if r.be {
					ifc.tsOffset = int64(uint64(hi)<<32 | uint64(lo))
				} else {
					ifc.tsOffset = int64(uint64(lo)<<32 | uint64(hi))
				}
			}
		}
		opts = rest
	}
	r.ifaces = append(r.ifaces, ifc)
	r.secIfaces++
	return nil
}

// packet fills f from a packet block (EPB, SPB or PB) blk at offset off.
func (r *Reader) packet(f *Frame, typ uint32, blk []byte, off int64) error {
	var (
		ifid      uint32
		ts        uint64
		capLen    uint32
		origLen   uint32
		data      []byte // the block's packet data and options
		name      string
		hasTime   = true
		blockMin  = uint32(minEPBLen)
		blen      = uint32(len(blk))
		body      = blk[8 : blen-4]
		dataStart = 20
	)
	switch typ {
	case blockEPB:
		name = "enhanced packet block"
	case blockPB:
		name = "packet block"
	default:
		name = "simple packet block"
		blockMin = minSPBLen
	}
	if blen < blockMin {
		return r.corrupt(off, "%s: length %d is less than %d", name, blen, blockMin)
	}
	if typ == blockSPB {
		if r.secIfaces == 0 {
			return r.corrupt(off, "%s: the section has no interface", name)
		}
		origLen = r.u32(body)
		dataStart = 4
		capLen = min(origLen, uint32(len(body)-4))
		if snap := r.ifaces[r.secBase].SnapLen; snap > 0 && uint64(capLen) > uint64(snap) {
			capLen = uint32(snap)
		}
		hasTime = false
	} else {
		if typ == blockEPB {
			ifid = r.u32(body)
		} else {
			ifid = uint32(r.u16(body))
		}
		ts = uint64(r.u32(body[4:]))<<32 | uint64(r.u32(body[8:]))
		capLen, origLen = r.u32(body[12:]), r.u32(body[16:])
		if uint64(capLen) > uint64(len(body)-20) {
			return r.corrupt(off, "%s: captured length %d exceeds the block's %d data bytes", name, capLen, len(body)-20)
		}
		if ifid >= uint32(r.secIfaces) {
			return r.corrupt(off, "%s: interface %d is not defined (the section has %d)", name, ifid, r.secIfaces)
		}
	}
	idx := r.secBase + int(ifid)
	ifc := &r.ifaces[idx]
	if snapCap := maxSnapLen(ifc.LinkType); uint64(capLen) > uint64(snapCap) {
		return r.corrupt(off, "%s: captured length %d exceeds %d", name, capLen, snapCap)
	}
	data = body[dataStart:]
	f.Data = data[:capLen:capLen]
	f.OrigLen = int(origLen)
	f.TimeNS = 0
	f.NoTime = !hasTime
	if hasTime {
		f.TimeNS = ifc.timeNS(ts)
	}
	f.LinkType = ifc.LinkType
	f.Interface = idx
	f.Offset = off
	f.Flags = 0
	f.Comment = nil
	if typ == blockSPB {
		return nil
	}
	opts := data[min(int(capLen+3)&^3, len(data)):]
	for {
		code, val, rest, ok := r.nextOption(opts)
		if !ok {
			break
		}
		switch code {
		case optComment:
			if f.Comment == nil {
				f.Comment = val
			}
		case optEPBFlags:
			if len(val) == 4 {
				f.Flags = r.u32(val)
			}
		}
		opts = rest
	}
	return nil
}

// nextOption parses the option at the start of opts and returns its code,
// its value and the options after it; ok is false at opt_endofopt, at the
// end of opts, or when the option runs past the end of opts.
func (r *Reader) nextOption(opts []byte) (code uint16, val, rest []byte, ok bool) {
	if len(opts) < 4 {
		return 0, nil, nil, false
	}
	code = r.u16(opts)
	n := int(r.u16(opts[2:]))
	if code == optEndOfOpt || 4+n > len(opts) {
		return 0, nil, nil, false
	}
	val = opts[4 : 4+n : 4+n]
	rest = opts[min(4+(n+3)&^3, len(opts)):]
	return code, val, rest, true
}

func trimNUL(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// tsUnits turns an if_tsresol value into time stamp units per second: 10^-n
// seconds, or 2^-n when the top bit is set. Resolutions too fine to count in
// 64 bits become the largest count.
func tsUnits(v byte) uint64 {
	e := uint(v & 0x7f)
	if v&0x80 != 0 {
		if e >= 64 {
			return math.MaxUint64
		}
		return 1 << e
	}
	if e > 19 {
		return math.MaxUint64
	}
	u := uint64(1)
	for ; e > 0; e-- {
		u *= 10
	}
	return u
}

// timeNS converts a time stamp in the interface's units to nanoseconds since
// the epoch, exactly (rounding down) for every resolution.
func (ifc *Interface) timeNS(ts uint64) int64 {
	var ns int64
	switch u := ifc.tsUnits; u {
	case 1e6:
		ns = int64(ts) * 1e3
	case 1e9:
		ns = int64(ts)
	default:
		sec, rem := ts/u, ts%u
		hi, lo := bits.Mul64(rem, 1e9)
		frac, _ := bits.Div64(hi, lo, u) // rem < u, so the quotient fits
		ns = int64(sec)*1e9 + int64(frac)
	}
	return ns + ifc.tsOffset*1e9
}
