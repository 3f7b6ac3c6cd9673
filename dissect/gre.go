package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// GRE (RFC 2784/2890) and the ERSPAN mirroring headers carried in it (types I, II and III). Tunnelled
// frames are decoded as nested layers, so ip.src, eth.src and the rest hold the outer and the inner
// values, as in Wireshark.

func init() {
	byIPProto[47] = ProtoGRE
	register(ProtoGRE, protocol{name: "GRE", filter: "gre", long: "Generic Routing Encapsulation", decode: decodeGRE, tree: greTree, summary: greSummary})
	register(ProtoERSPAN, protocol{name: "ERSPAN", filter: "erspan", long: "Encapsulated Remote Switch Packet ANalysis", decode: decodeERSPAN, tree: erspanTree})
}

var (
	fGRE        = reg(field.Info{Abbrev: "gre", Name: "Generic Routing Encapsulation", Type: field.Protocol}, presence(ProtoGRE))
	fGREFlags   = reg(field.Info{Abbrev: "gre.flags_and_version", Name: "Flags and Version", Type: field.Uint, Base: field.Hex, Bits: 16}, u16At(ProtoGRE, 0))
	fGREProto   = reg(field.Info{Abbrev: "gre.proto", Name: "Protocol Type", Type: field.Uint, Base: field.Hex, Bits: 16, Names: greProtoName}, u16At(ProtoGRE, 2))
	fGREKey     = reg(field.Info{Abbrev: "gre.key", Name: "Key", Type: field.Uint, Base: field.Hex, Bits: 32}, greOptGetter(0x2000))
	fGRESeq     = reg(field.Info{Abbrev: "gre.sequence_number", Name: "Sequence Number", Type: field.Uint}, greOptGetter(0x1000))
	fERSPAN     = reg(field.Info{Abbrev: "erspan", Name: "ERSPAN", Type: field.Protocol}, presence(ProtoERSPAN))
	fERSPANVer  = reg(field.Info{Abbrev: "erspan.version", Name: "Version", Type: field.Uint, Bits: 16}, erspanGetter(func(b []byte) uint64 { return uint64(b[0] >> 4) }))
	fERSPANVLAN = reg(field.Info{Abbrev: "erspan.vlan", Name: "Vlan", Type: field.Uint, Bits: 16}, erspanGetter(func(b []byte) uint64 { return uint64(binary.BigEndian.Uint16(b) & 0xfff) }))
	fERSPANSpan = reg(field.Info{Abbrev: "erspan.spanid", Name: "SpanID", Type: field.Uint, Bits: 16}, erspanGetter(func(b []byte) uint64 { return uint64(binary.BigEndian.Uint16(b[2:]) & 0x3ff) }))
)

func greProtoName(v uint64) string {
	switch v {
	case 0x6558:
		return "Transparent Ethernet bridging"
	case 0x88be:
		return "ERSPAN"
	case 0x22eb:
		return "ERSPAN III"
	}
	return etherTypeName(v)
}

// greOptGetter reads the optional 32-bit field present when flag is set (key 0x2000, sequence 0x1000).
func greOptGetter(flag uint16) getter {
	return layerGetter(ProtoGRE, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		fl := binary.BigEndian.Uint16(b)
		if fl&flag == 0 {
			return field.Value{}, false
		}
		off := 4
		if fl&0x8000 != 0 {
			off += 4
		}
		if flag == 0x1000 && fl&0x2000 != 0 {
			off += 4
		}
		return field.Value{U: uint64(binary.BigEndian.Uint32(b[off:]))}, true
	})
}

func erspanGetter(fn func(b []byte) uint64) getter {
	return layerGetter(ProtoERSPAN, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
		if l.Hdr < 4 {
			return field.Value{}, false
		}
		return field.Value{U: fn(b)}, true
	})
}

func decodeGRE(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 4 {
		p.malformed(ProtoGRE, "shorter than the 4-byte GRE header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	fl := binary.BigEndian.Uint16(b)
	hl := 4
	if fl&0x8000 != 0 {
		hl += 4
	}
	if fl&0x2000 != 0 {
		hl += 4
	}
	if fl&0x1000 != 0 {
		hl += 4
	}
	if hl > len(b) {
		p.malformed(ProtoGRE, "optional fields cut short")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	l := p.push(ProtoGRE, off, hl, len(buf), flags)
	if flags&layerInError != 0 || fl&7 != 0 { // not version 0 (e.g. PPTP's enhanced GRE)
		p.pushData(buf, off+hl, flags)
		return ProtoNone, 0
	}
	switch pt := binary.BigEndian.Uint16(b[2:]); pt {
	case 0x6558:
		return ProtoEth, off + hl
	case 0x8200, 0x8210: // Aruba WLAN: an 802.11 frame
		return ProtoWLAN, off + hl
	case 0x88be:
		if fl&0x1000 == 0 {
			// ERSPAN type I: no ERSPAN header; the mirrored frame follows.
			p.push(ProtoERSPAN, off+hl, 0, len(buf), l.Flags)
			return ProtoEth, off + hl
		}
		return ProtoERSPAN, off + hl
	case 0x22eb:
		return ProtoERSPAN, off + hl
	default:
		return etherNext(p, buf, off+hl, pt, flags)
	}
}

func greSummary(p *Packet, i int, dst []byte) []byte {
	b := p.LayerBytes(&p.Layers[i])
	dst = append(dst, "Encapsulated "...)
	if n := greProtoName(uint64(binary.BigEndian.Uint16(b[2:]))); n != "" {
		return append(dst, n...)
	}
	return appendHex16(dst, binary.BigEndian.Uint16(b[2:]))
}

func greTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	n := t.Proto("Generic Routing Encapsulation ("+greProtoName(uint64(binary.BigEndian.Uint16(b[2:])))+")", "gre", 0, int(l.Hdr))
	t.Add(n, fGREFlags, field.Value{U: uint64(binary.BigEndian.Uint16(b))}, 0, 2)
	t.Add(n, fGREProto, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
	for _, v := range greOptGetter(0x2000)(p, nil) {
		t.Add(n, fGREKey, v, 0, 0)
	}
}

// decodeERSPAN decodes the ERSPAN type II (8 bytes) or type III (12 bytes, plus 8 with the O flag) header.
func decodeERSPAN(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 8 {
		p.malformed(ProtoERSPAN, "shorter than the ERSPAN header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	hl := 8
	ver := b[0] >> 4
	if ver == 2 {
		hl = 12
		if len(b) >= 12 && b[11]&1 != 0 {
			hl += 8
		}
		if hl > len(b) {
			p.malformed(ProtoERSPAN, "type III header cut short")
			p.pushData(buf, off, flags)
			return ProtoNone, 0
		}
		p.push(ProtoERSPAN, off, hl, len(buf), flags)
		if ft := b[11] >> 1 & 0x1f; ft != 0 {
			p.pushData(buf, off+hl, flags)
			return ProtoNone, 0
		}
		return ProtoEth, off + hl
	}
	p.push(ProtoERSPAN, off, hl, len(buf), flags)
	return ProtoEth, off + hl
}

func erspanTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	n := t.Proto("Encapsulated Remote Switch Packet ANalysis", "erspan", 0, int(l.Hdr))
	if l.Hdr < 4 {
		t.Text(n, "Type I (no header)", 0, 0)
		return
	}
	b := p.LayerBytes(l)
	t.Add(n, fERSPANVer, field.Value{U: uint64(b[0] >> 4)}, 0, 2).Label = "Version: " + strconv.Itoa(int(b[0]>>4)) + map[bool]string{true: " (Type III)", false: " (Type II)"}[b[0]>>4 == 2]
	t.Add(n, fERSPANVLAN, field.Value{U: uint64(binary.BigEndian.Uint16(b) & 0xfff)}, 0, 2)
	t.Add(n, fERSPANSpan, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]) & 0x3ff)}, 2, 2)
}
