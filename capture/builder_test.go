package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// This file builds small capture files in memory for the tests.

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// order returns the byte order for big-endian or not.
func order(be bool) byteOrder {
	if be {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// pcapRec is one record of a pcap file built by pcapFile.
type pcapRec struct {
	sec, frac uint32
	data      []byte
	orig      uint32 // 0: len(data)
	incl      uint32 // 0: len(data)
	extra     []byte // bytes after the standard 16-byte header (modified formats)
}

// pcapFile builds a pcap file. magic is written in the file's byte order.
func pcapFile(be bool, magic uint32, major uint16, snap, network uint32, recs ...pcapRec) []byte {
	o := order(be)
	b := o.AppendUint32(nil, magic)
	b = o.AppendUint16(b, major)
	b = o.AppendUint16(b, 4)
	b = o.AppendUint32(b, 0) // thiszone
	b = o.AppendUint32(b, 0) // sigfigs
	b = o.AppendUint32(b, snap)
	b = o.AppendUint32(b, network)
	for _, r := range recs {
		incl, orig := r.incl, r.orig
		if incl == 0 {
			incl = uint32(len(r.data))
		}
		if orig == 0 {
			orig = uint32(len(r.data))
		}
		b = o.AppendUint32(b, r.sec)
		b = o.AppendUint32(b, r.frac)
		b = o.AppendUint32(b, incl)
		b = o.AppendUint32(b, orig)
		b = append(b, r.extra...)
		b = append(b, r.data...)
	}
	return b
}

// ng builds a pcapng file block by block.
type ng struct {
	be  bool
	buf []byte
}

// opt is a pcapng option.
type opt struct {
	code uint16
	val  []byte
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// opts encodes options followed by opt_endofopt (nothing when there are none).
func (n *ng) opts(os []opt) []byte {
	if len(os) == 0 {
		return nil
	}
	o := order(n.be)
	var b []byte
	for _, op := range os {
		b = o.AppendUint16(b, op.code)
		b = o.AppendUint16(b, uint16(len(op.val)))
		b = pad4(append(b, op.val...))
	}
	return o.AppendUint32(b, 0)
}

// block appends a block with the given body (padded to 4 bytes).
func (n *ng) block(typ uint32, body []byte) *ng {
	o := order(n.be)
	body = pad4(append([]byte(nil), body...))
	l := uint32(12 + len(body))
	n.buf = o.AppendUint32(n.buf, typ)
	n.buf = o.AppendUint32(n.buf, l)
	n.buf = append(n.buf, body...)
	n.buf = o.AppendUint32(n.buf, l)
	return n
}

// shb starts a section in byte order be, with section length -1.
func (n *ng) shb(be bool, os ...opt) *ng {
	n.be = be
	o := order(be)
	body := o.AppendUint32(nil, byteOrderMagic)
	body = o.AppendUint16(body, 1)
	body = o.AppendUint16(body, 0)
	body = o.AppendUint64(body, ^uint64(0))
	return n.block(blockSHB, append(body, n.opts(os)...))
}

func (n *ng) idb(lt LinkType, snap uint32, os ...opt) *ng {
	o := order(n.be)
	body := o.AppendUint16(nil, uint16(lt))
	body = o.AppendUint16(body, 0)
	body = o.AppendUint32(body, snap)
	return n.block(blockIDB, append(body, n.opts(os)...))
}

func (n *ng) epb(ifid uint32, ts uint64, data []byte, orig uint32, os ...opt) *ng {
	o := order(n.be)
	body := o.AppendUint32(nil, ifid)
	body = o.AppendUint32(body, uint32(ts>>32))
	body = o.AppendUint32(body, uint32(ts))
	body = o.AppendUint32(body, uint32(len(data)))
	body = o.AppendUint32(body, orig)
	body = pad4(append(body, data...))
	return n.block(blockEPB, append(body, n.opts(os)...))
}

// pb appends an obsolete Packet Block.
func (n *ng) pb(ifid uint16, ts uint64, data []byte, orig uint32, os ...opt) *ng {
	o := order(n.be)
	body := o.AppendUint16(nil, ifid)
	body = o.AppendUint16(body, 0) // drops
	body = o.AppendUint32(body, uint32(ts>>32))
	body = o.AppendUint32(body, uint32(ts))
	body = o.AppendUint32(body, uint32(len(data)))
	body = o.AppendUint32(body, orig)
	body = pad4(append(body, data...))
	return n.block(blockPB, append(body, n.opts(os)...))
}

func (n *ng) spb(orig uint32, data []byte) *ng {
	body := order(n.be).AppendUint32(nil, orig)
	return n.block(blockSPB, append(body, data...))
}

// custom appends a custom block (0x00000BAD or 0x40000BAD).
func (n *ng) custom(typ uint32, pen uint32, data []byte) *ng {
	return n.block(typ, append(order(n.be).AppendUint32(nil, pen), data...))
}

// u32s encodes values in the current byte order.
func (n *ng) u32s(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = order(n.be).AppendUint32(b, v)
	}
	return b
}

func (n *ng) bytes() []byte { return n.buf }

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// pkt returns n bytes of recognisable packet data.
func pkt(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// frameCopy is a Frame whose borrowed slices have been copied.
type frameCopy struct {
	Data      []byte
	OrigLen   int
	TimeNS    int64
	LinkType  LinkType
	Interface int
	Offset    int64
	Flags     uint32
	Comment   string
}

// readAll reads every frame of b and returns them with the error that ended
// the reading (nil for a clean io.EOF), or the error from NewReader.
func readAll(t testing.TB, b []byte) (*Reader, []frameCopy, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, nil, err
	}
	var out []frameCopy
	var f Frame
	for {
		err := r.Next(&f)
		if err == io.EOF {
			return r, out, nil
		}
		if err != nil {
			if err2 := r.Next(&f); err2 != err {
				t.Errorf("Next after error %v returned %v", err, err2)
			}
			return r, out, err
		}
		if cap(f.Data) != len(f.Data) {
			t.Errorf("frame %d: Data has spare capacity %d", len(out)+1, cap(f.Data)-len(f.Data))
		}
		out = append(out, frameCopy{
			Data: bytes.Clone(f.Data), OrigLen: f.OrigLen, TimeNS: f.TimeNS,
			LinkType: f.LinkType, Interface: f.Interface, Offset: f.Offset,
			Flags: f.Flags, Comment: string(f.Comment),
		})
	}
}

// asTruncated returns err as a *TruncatedError, or nil.
func asTruncated(err error) *TruncatedError {
	var te *TruncatedError
	if errors.As(err, &te) {
		return te
	}
	return nil
}
