package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// MPLS label stacks (RFC 3032), PPPoE sessions (RFC 2516) and PPP (link types PPP and PPP-in-HDLC).
// After the bottom label, the payload is guessed from its first nibble (4: IPv4, 6: IPv6), as Wireshark
// does by default.

func init() {
	byEtherType[0x8847] = ProtoMPLS
	byEtherType[0x8848] = ProtoMPLS
	byIPProto[137] = ProtoMPLS
	byEtherType[0x8864] = ProtoPPPoE
	byLinkType[capture.LinkType(9)] = ProtoPPP
	byLinkType[capture.LinkType(50)] = ProtoPPP
	register(ProtoMPLS, protocol{name: "MPLS", filter: "mpls", long: "MultiProtocol Label Switching Header", decode: decodeMPLS, tree: mplsTree})
	register(ProtoPPPoE, protocol{name: "PPPoES", filter: "pppoes", long: "PPP-over-Ethernet Session", decode: decodePPPoE, tree: pppoeTree})
	register(ProtoPPP, protocol{name: "PPP", filter: "ppp", long: "Point-to-Point Protocol", decode: decodePPP, tree: pppTree})
}

func mplsGetter(fn func(e uint32) uint64) getter {
	return multiGetter(ProtoMPLS, func(_ *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		for o := 0; o+4 <= int(l.Hdr); o += 4 {
			dst = append(dst, field.Value{U: fn(binary.BigEndian.Uint32(b[o:]))})
		}
		return dst
	})
}

var (
	fMPLS        = reg(field.Info{Abbrev: "mpls", Name: "MultiProtocol Label Switching Header", Type: field.Protocol}, presence(ProtoMPLS))
	fMPLSLabel   = reg(field.Info{Abbrev: "mpls.label", Name: "MPLS Label", Type: field.Uint}, mplsGetter(func(e uint32) uint64 { return uint64(e >> 12) }))
	fMPLSExp     = reg(field.Info{Abbrev: "mpls.exp", Name: "MPLS Experimental Bits", Type: field.Uint, Bits: 8}, mplsGetter(func(e uint32) uint64 { return uint64(e >> 9 & 7) }))
	fMPLSBottom  = reg(field.Info{Abbrev: "mpls.bottom", Name: "MPLS Bottom Of Label Stack", Type: field.Uint, Bits: 8}, mplsGetter(func(e uint32) uint64 { return uint64(e >> 8 & 1) }))
	fMPLSTTL     = reg(field.Info{Abbrev: "mpls.ttl", Name: "MPLS TTL", Type: field.Uint, Bits: 8}, mplsGetter(func(e uint32) uint64 { return uint64(e & 0xff) }))
	fPPPoE       = reg(field.Info{Abbrev: "pppoes", Name: "PPP-over-Ethernet Session", Type: field.Protocol}, presence(ProtoPPPoE))
	fPPPoESessID = reg(field.Info{Abbrev: "pppoes.session_id", Name: "Session ID", Type: field.Uint, Base: field.Hex, Bits: 16}, u16At(ProtoPPPoE, 2))
	fPPP         = reg(field.Info{Abbrev: "ppp", Name: "Point-to-Point Protocol", Type: field.Protocol}, presence(ProtoPPP))
	fPPPProto    = reg(field.Info{Abbrev: "ppp.protocol", Name: "Protocol", Type: field.Uint, Base: field.Hex, Bits: 16, Names: pppProtoName},
		layerGetter(ProtoPPP, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint16(b[l.Hdr-2:]))}, true
		}))
)

func pppProtoName(v uint64) string {
	switch v {
	case 0x0021:
		return "Internet Protocol version 4"
	case 0x0057:
		return "Internet Protocol version 6"
	case 0x0281:
		return "MPLS"
	case 0xc021:
		return "Link Control Protocol"
	case 0x8021:
		return "Internet Protocol Control Protocol"
	}
	return ""
}

func decodeMPLS(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	o := off
	for {
		if len(buf)-o < 4 {
			p.malformed(ProtoMPLS, "label stack cut short")
			p.pushData(buf, off, flags)
			return ProtoNone, 0
		}
		bottom := buf[o+2]&1 != 0
		o += 4
		if bottom || o-off >= 64 {
			break
		}
	}
	p.push(ProtoMPLS, off, o-off, len(buf), flags)
	if pr := rawIPProto(buf[o:]); pr != ProtoNone {
		return pr, o
	}
	p.pushData(buf, o, flags)
	return ProtoNone, 0
}

func mplsTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	for o := 0; o+4 <= int(l.Hdr); o += 4 {
		e := binary.BigEndian.Uint32(b[o:])
		n := t.Proto("MultiProtocol Label Switching Header, Label: "+strconv.Itoa(int(e>>12))+", Exp: "+strconv.Itoa(int(e>>9&7))+", S: "+strconv.Itoa(int(e>>8&1))+", TTL: "+strconv.Itoa(int(e&0xff)), "mpls", o, 4)
		t.Add(n, fMPLSLabel, field.Value{U: uint64(e >> 12)}, o, 3)
		t.Add(n, fMPLSExp, field.Value{U: uint64(e >> 9 & 7)}, o+2, 1)
		t.Add(n, fMPLSBottom, field.Value{U: uint64(e >> 8 & 1)}, o+2, 1)
		t.Add(n, fMPLSTTL, field.Value{U: uint64(e & 0xff)}, o+3, 1)
	}
}

func decodePPPoE(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 6 {
		p.malformed(ProtoPPPoE, "shorter than the 6-byte PPPoE header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	end := min(off+6+int(binary.BigEndian.Uint16(buf[off+4:])), len(buf))
	p.push(ProtoPPPoE, off, 6, end, flags)
	return ProtoPPP, off + 6
}

func pppoeTree(p *Packet, i int, t *Tree) {
	b := p.LayerBytes(&p.Layers[i])
	n := t.Proto("PPP-over-Ethernet Session", "pppoes", 0, 6)
	t.Add(n, fPPPoESessID, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
}

// decodePPP reads the PPP protocol field, after an HDLC address/control pair (ff 03) when present.
func decodePPP(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	hl := 2
	if len(b) >= 2 && b[0] == 0xff && b[1] == 0x03 {
		hl = 4
	}
	if len(b) < hl {
		p.malformed(ProtoPPP, "shorter than the PPP header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoPPP, off, hl, len(buf), flags)
	switch binary.BigEndian.Uint16(b[hl-2:]) {
	case 0x0021:
		return ProtoIPv4, off + hl
	case 0x0057:
		return ProtoIPv6, off + hl
	case 0x0281:
		return ProtoMPLS, off + hl
	}
	p.pushData(buf, off+hl, flags)
	return ProtoNone, 0
}

func pppTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	n := t.Proto("Point-to-Point Protocol", "ppp", 0, int(l.Hdr))
	t.Add(n, fPPPProto, field.Value{U: uint64(binary.BigEndian.Uint16(b[l.Hdr-2:]))}, int(l.Hdr)-2, 2)
}
