package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// IPv6 (RFC 8200) with its extension headers (hop-by-hop, routing, fragment, destination options,
// authentication, mobility) walked as part of the IPv6 layer, and fragments reassembled (defrag.go).

func init() {
	byEtherType[0x86dd] = ProtoIPv6
	byIPProto[41] = ProtoIPv6 // IPv6 in IP (6in4)
	register(ProtoIPv6, protocol{name: "IPv6", filter: "ipv6", long: "Internet Protocol Version 6", decode: decodeIPv6, tree: ipv6Tree, summary: ipSummary})
}

var (
	fIPv6      = reg(field.Info{Abbrev: "ipv6", Name: "Internet Protocol Version 6", Type: field.Protocol}, presence(ProtoIPv6))
	fIPv6Ver   = reg(field.Info{Abbrev: "ipv6.version", Name: "Version", Type: field.Uint, Bits: 8}, bitsAt(ProtoIPv6, 0, 1, 0xf0))
	fIPv6TC    = reg(field.Info{Abbrev: "ipv6.tclass", Name: "Traffic Class", Type: field.Uint, Base: field.Hex, Bits: 32}, bitsAt(ProtoIPv6, 0, 4, 0x0ff00000))
	fIPv6Flow  = reg(field.Info{Abbrev: "ipv6.flow", Name: "Flow Label", Type: field.Uint, Base: field.Hex, Bits: 24}, bitsAt(ProtoIPv6, 0, 4, 0x000fffff))
	fIPv6Plen  = reg(field.Info{Abbrev: "ipv6.plen", Name: "Payload Length", Type: field.Uint, Bits: 16}, u16At(ProtoIPv6, 4))
	fIPv6Nxt   = reg(field.Info{Abbrev: "ipv6.nxt", Name: "Next Header", Type: field.Uint, Bits: 8, Names: ipProtoName}, u8At(ProtoIPv6, 6))
	fIPv6Hlim  = reg(field.Info{Abbrev: "ipv6.hlim", Name: "Hop Limit", Type: field.Uint, Bits: 8}, u8At(ProtoIPv6, 7))
	fIPv6Src   = reg(field.Info{Abbrev: "ipv6.src", Name: "Source Address", Type: field.IPv6}, bytesAt(ProtoIPv6, 8, 16))
	fIPv6Dst   = reg(field.Info{Abbrev: "ipv6.dst", Name: "Destination Address", Type: field.IPv6}, bytesAt(ProtoIPv6, 24, 16))
	fIPv6Addr  = reg(field.Info{Abbrev: "ipv6.addr", Name: "Source or Destination Address", Type: field.IPv6}, pairBytes(ProtoIPv6, 8, 24, 16))
	fIPv6ExtNH = reg(field.Info{Abbrev: "ipv6.ext.nxt", Name: "Extension Next Header", Type: field.Uint, Bits: 8, Names: ipProtoName, Blurb: "next header field of an extension header"},
		multiGetter(ProtoIPv6, func(_ *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
			walkIPv6Ext(b[:l.Hdr], func(nh byte, off, n int) { dst = append(dst, field.Value{U: uint64(b[off])}) })
			return dst
		}))
	fIPv6FragOff = reg(field.Info{Abbrev: "ipv6.fraghdr.offset", Name: "Offset", Type: field.Uint, Bits: 16, Blurb: "fragment offset in 8-byte units"},
		ipv6FragGetter(func(h []byte) uint64 { return uint64(binary.BigEndian.Uint16(h[2:]) >> 3) }))
	fIPv6FragMore = reg(field.Info{Abbrev: "ipv6.fraghdr.more", Name: "More Fragments", Type: field.Bool},
		ipv6FragGetter(func(h []byte) uint64 { return uint64(h[3] & 1) }))
	fIPv6FragID = reg(field.Info{Abbrev: "ipv6.fraghdr.ident", Name: "Identification", Type: field.Uint, Base: field.Hex, Bits: 32},
		ipv6FragGetter(func(h []byte) uint64 { return uint64(binary.BigEndian.Uint32(h[4:])) }))
)

func ipv6FragGetter(fn func(h []byte) uint64) getter {
	return multiGetter(ProtoIPv6, func(_ *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		walkIPv6Ext(b[:l.Hdr], func(nh byte, off, n int) {
			if nh == 44 {
				dst = append(dst, field.Value{U: fn(b[off : off+n])})
			}
		})
		return dst
	})
}

// isIPv6Ext reports whether a next-header value is an extension header walked inside the IPv6 layer.
func isIPv6Ext(nh byte) bool {
	switch nh {
	case 0, 43, 44, 51, 60, 135, 139, 140:
		return true
	}
	return false
}

// ipv6ExtLen returns the length of the extension header of type nh at h, or -1 if it does not fit.
func ipv6ExtLen(nh byte, h []byte) int {
	if len(h) < 8 && nh == 44 || len(h) < 2 {
		return -1
	}
	n := 8
	switch nh {
	case 44:
	case 51:
		n = (int(h[1]) + 2) * 4
	default:
		n = (int(h[1]) + 1) * 8
	}
	if n > len(h) {
		return -1
	}
	return n
}

// walkIPv6Ext calls fn for each extension header in the IPv6 header bytes b (which end where the
// decoder stopped walking): its type, offset and length.
func walkIPv6Ext(b []byte, fn func(nh byte, off, n int)) {
	nh := b[6]
	for off := 40; off < len(b) && isIPv6Ext(nh); {
		n := ipv6ExtLen(nh, b[off:])
		if n < 0 {
			return
		}
		fn(nh, off, n)
		nh = b[off]
		off += n
	}
}

// ipv6PayloadLen is the payload length after the extension headers, by the header's own length field.
func (p *Packet) ipv6PayloadLen(l *Layer) int {
	b := p.LayerBytes(l)
	plen := int(binary.BigEndian.Uint16(b[4:]))
	if plen == 0 {
		if b[6] != 0 {
			return 0 // an offloaded length, taken literally as tshark 4.0 does
		}
		return int(l.End - l.Off - l.Hdr)
	}
	return plen - int(l.Hdr-40)
}

func decodeIPv6(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 40 {
		p.malformed(ProtoIPv6, "shorter than the 40-byte IPv6 header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	if b[0]>>4 != 6 {
		p.malformed(ProtoIPv6, "version is not 6")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	plen := int(binary.BigEndian.Uint16(b[4:]))
	end := off + 40 + plen
	switch {
	case plen == 0 && b[6] != 0:
		// A length of 0 without a hop-by-hop header (where a jumbogram's length would be) is what a
		// sender with TCP segmentation offload writes; tshark 4.0 takes it literally ("IPv6 payload length
		// equals 0"): the payload is empty and the bytes after the header are a trailer.
		end = off + 40
	case plen == 0 || end > len(buf):
		// A jumbogram, or a packet cut by the snapshot length.
		end = len(buf)
	}
	// Walk the extension headers that belong to this layer.
	nh := b[6]
	pos := 40
	fragAt := -1
	bad := ""
	for isIPv6Ext(nh) {
		n := ipv6ExtLen(nh, buf[off+pos:end])
		if n < 0 {
			bad = "extension header cut short"
			break
		}
		if nh == 44 {
			fragAt = pos
		}
		nh = buf[off+pos]
		pos += n
	}
	p.push(ProtoIPv6, off, pos, end, flags)
	if bad != "" {
		p.malformed(ProtoIPv6, bad)
		return ProtoNone, 0
	}
	if fragAt >= 0 && flags&layerInError == 0 {
		fh := buf[off+fragAt:]
		fo := binary.BigEndian.Uint16(fh[2:])
		if fo&0xfff9 != 0 { // an offset or the M flag: a real fragment (an atomic fragment is not)
			p.Frag.IsFragment = true
			p.rare |= rareFrag
			key := fragKey{v6: true, id: binary.BigEndian.Uint32(fh[4:]), proto: nh}
			copy(key.src[:], buf[off+8:off+24])
			copy(key.dst[:], buf[off+24:off+40])
			reported := plen - (pos - 40)
			whole := d.defrag.add(key, int(fo>>3)*8, fo&1 == 0, buf[off+pos:end], plen != 0 && reported > end-off-pos)
			if whole == nil {
				p.pushData(buf, off+pos, flags)
				return ProtoNone, 0
			}
			p.Frag.Reassembled = true
			p.rare |= rareFrag
			p.Frag.Count = d.defrag.lastCount
			p.Frag.Length = len(whole)
			p.reasm = whole
			p.curBuf = 1
			return ipNext(p, nh, p.reasm, 0, flags)
		}
	}
	if nh == 59 { // no next header
		return ProtoNone, 0
	}
	if plen == 0 && b[6] != 0 && flags&layerInError == 0 {
		// The offloaded length taken literally (see above): the upper layer gets no bytes, and tshark
		// 4.0 reports it malformed; what follows the header is a trailer.
		if up := byIPProto[nh]; up != ProtoNone {
			p.malformed(up, "IPv6 payload length equals 0 (maybe because of TCP segmentation offload)")
		}
		p.pushData(buf, off+pos, flags)
		return ProtoNone, 0
	}
	return ipNext(p, nh, buf, off+pos, flags)
}

func ipv6ExtName(nh byte) string {
	switch nh {
	case 0:
		return "IPv6 Hop-by-Hop Option"
	case 43:
		return "Routing Header for IPv6"
	case 44:
		return "Fragment Header for IPv6"
	case 51:
		return "Authentication Header"
	case 60:
		return "Destination Options for IPv6"
	case 135:
		return "Mobility Header"
	}
	return "IPv6 extension header " + strconv.Itoa(int(nh))
}

func ipv6Tree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	src, dst := b[8:24], b[24:40]
	n := t.Proto("Internet Protocol Version 6, Src: "+string(field.AppendIPv6(nil, src))+", Dst: "+string(field.AppendIPv6(nil, dst)), "ipv6", 0, int(l.Hdr))
	w := binary.BigEndian.Uint32(b)
	t.Add(n, fIPv6Ver, field.Value{U: uint64(w >> 28)}, 0, 1)
	t.Add(n, fIPv6TC, field.Value{U: uint64(w >> 20 & 0xff)}, 0, 4)
	t.Add(n, fIPv6Flow, field.Value{U: uint64(w & 0xfffff)}, 1, 3)
	t.Add(n, fIPv6Plen, field.Value{U: uint64(binary.BigEndian.Uint16(b[4:]))}, 4, 2)
	t.Add(n, fIPv6Nxt, field.Value{U: uint64(b[6])}, 6, 1)
	t.Add(n, fIPv6Hlim, field.Value{U: uint64(b[7])}, 7, 1)
	t.Add(n, fIPv6Src, field.Value{B: src}, 8, 16)
	t.Add(n, fIPv6Dst, field.Value{B: dst}, 24, 16)
	walkIPv6Ext(b[:l.Hdr], func(nh byte, off, ln int) {
		e := t.Text(n, ipv6ExtName(nh)+" ("+strconv.Itoa(ln)+" bytes)", off, ln)
		t.Add(e, fIPv6ExtNH, field.Value{U: uint64(b[off])}, off, 1)
		if nh == 44 {
			h := b[off:]
			t.Add(e, fIPv6FragOff, field.Value{U: uint64(binary.BigEndian.Uint16(h[2:]) >> 3)}, off+2, 2)
			t.Add(e, fIPv6FragMore, field.Value{U: uint64(h[3] & 1)}, off+3, 1)
			t.Add(e, fIPv6FragID, field.Value{U: uint64(binary.BigEndian.Uint32(h[4:]))}, off+4, 4)
		}
	})
	if p.Frag.IsFragment && l.Buf == 0 && !l.InError() {
		if p.Frag.Reassembled {
			t.Text(n, "[Reassembled IPv6 datagram of "+strconv.Itoa(p.Frag.Length)+" bytes from "+strconv.Itoa(p.Frag.Count)+" fragments, completed in this frame]", 0, 0)
		} else {
			t.Text(n, "[IPv6 fragment: reassembled in a later frame, if every fragment was captured]", 0, 0)
		}
	}
}
