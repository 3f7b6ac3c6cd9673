package dissect

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/field"
)

// getter appends the values of one field found in p to dst.
type getter func(p *Packet, dst []field.Value) []field.Value

var getters = []getter{nil}

// reg registers a field with the getter that extracts it.
func reg(info field.Info, g getter) field.ID {
	id := field.Register(info)
	for len(getters) <= int(id) {
		getters = append(getters, nil)
	}
	getters[id] = g
	return id
}

// Values appends every occurrence of the field to dst, in layer order, and returns it. Bytes in the values
// point into the frame or into the packet's scratch space; those in scratch space are valid until the next
// call to Values on this packet.
func (p *Packet) Values(id field.ID, dst []field.Value) []field.Value {
	if int(id) >= len(getters) || getters[id] == nil {
		return dst
	}
	p.nscr = 0
	return getters[id](p, dst)
}

// layerGetter returns a getter that calls fn for each layer of protocol pr (a layer's bytes start at its
// header) and appends the value when fn reports ok.
func layerGetter(pr Proto, fn func(p *Packet, l *Layer, b []byte) (field.Value, bool)) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if !p.MayHave(pr) {
			return dst // most frames of a trace lack most protocols: no layer is looked at
		}
		for i := 0; i < p.N; i++ {
			l := &p.Layers[i]
			if l.Proto != pr {
				continue
			}
			if v, ok := fn(p, l, p.LayerBytes(l)); ok {
				dst = append(dst, v)
			}
		}
		return dst
	}
}

// presence is the getter of a protocol field: one empty value per layer of pr.
func presence(pr Proto) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if !p.MayHave(pr) {
			return dst
		}
		for i := 0; i < p.N; i++ {
			if p.Layers[i].Proto == pr {
				dst = append(dst, field.Value{})
			}
		}
		return dst
	}
}

// u8At, u16At and u32At are getters of fixed header fields at an offset of the layer (the header is
// validated by the decoder, so the offsets are in range).
func u8At(pr Proto, off int) getter {
	return layerGetter(pr, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(b[off])}, true
	})
}

func u16At(pr Proto, off int) getter {
	return layerGetter(pr, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(binary.BigEndian.Uint16(b[off:]))}, true
	})
}

func u32At(pr Proto, off int) getter {
	return layerGetter(pr, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(binary.BigEndian.Uint32(b[off:]))}, true
	})
}

// bitsAt is a getter of the bits selected by mask in the big-endian integer of size bytes at off, shifted down.
func bitsAt(pr Proto, off, size int, mask uint64) getter {
	shift := 0
	for mask != 0 && mask>>shift&1 == 0 {
		shift++
	}
	return layerGetter(pr, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		var u uint64
		for i := 0; i < size; i++ {
			u = u<<8 | uint64(b[off+i])
		}
		return field.Value{U: (u & mask) >> shift}, true
	})
}

// bytesAt is a getter of n bytes at off (addresses).
func bytesAt(pr Proto, off, n int) getter {
	return layerGetter(pr, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{B: b[off : off+n : off+n]}, true
	})
}

// multiGetter returns a getter that lets fn append any number of values for each layer of protocol pr.
func multiGetter(pr Proto, fn func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if !p.MayHave(pr) {
			return dst
		}
		for i := 0; i < p.N; i++ {
			l := &p.Layers[i]
			if l.Proto == pr {
				dst = fn(p, l, p.LayerBytes(l), dst)
			}
		}
		return dst
	}
}

// pairU16 is the getter of a pseudo-field holding two 16-bit header fields of each layer (tcp.port).
func pairU16(pr Proto, a, b int) getter {
	return multiGetter(pr, func(_ *Packet, _ *Layer, h []byte, dst []field.Value) []field.Value {
		return append(dst, field.Value{U: uint64(binary.BigEndian.Uint16(h[a:]))}, field.Value{U: uint64(binary.BigEndian.Uint16(h[b:]))})
	})
}

// pairU32 is like pairU16 for 32-bit fields (ip.addr).
func pairU32(pr Proto, a, b int) getter {
	return multiGetter(pr, func(_ *Packet, _ *Layer, h []byte, dst []field.Value) []field.Value {
		return append(dst, field.Value{U: uint64(binary.BigEndian.Uint32(h[a:]))}, field.Value{U: uint64(binary.BigEndian.Uint32(h[b:]))})
	})
}

// pairBytes is like pairU16 for n-byte fields (eth.addr, ipv6.addr).
func pairBytes(pr Proto, a, b, n int) getter {
	return multiGetter(pr, func(_ *Packet, _ *Layer, h []byte, dst []field.Value) []field.Value {
		return append(dst, field.Value{B: h[a : a+n : a+n]}, field.Value{B: h[b : b+n : b+n]})
	})
}

// AppendField appends every occurrence of the field formatted as tshark -T fields prints it, joined by
// sep (tshark's aggregator, ',' by default).
func (p *Packet) AppendField(dst []byte, id field.ID, sep byte) []byte {
	vals := p.Values(id, p.vals[:0])
	p.vals = vals[:0]
	in := field.Get(id)
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, sep)
		}
		dst = in.AppendValue(dst, v)
	}
	return dst
}
