package dissect

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/field"
)

// GTP-U (3GPP TS 29.281, UDP port 2152): user traffic of mobile networks tunnelled over UDP. A G-PDU
// (message type 255) carries an IP packet, decoded as nested layers. GRE over UDP (RFC 8086, port 4754)
// is dispatched here too.

func init() {
	byUDPPort[2152] = ProtoGTP
	byUDPPort[4754] = ProtoGRE
	register(ProtoGTP, protocol{name: "GTP", filter: "gtp", long: "GPRS Tunneling Protocol", decode: decodeGTP, tree: gtpTree})
}

var (
	fGTP        = reg(field.Info{Abbrev: "gtp", Name: "GPRS Tunneling Protocol", Type: field.Protocol}, presence(ProtoGTP))
	fGTPFlags   = reg(field.Info{Abbrev: "gtp.flags", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 8}, u8At(ProtoGTP, 0))
	fGTPMsgType = reg(field.Info{Abbrev: "gtp.message", Name: "Message Type", Type: field.Uint, Base: field.Hex, Bits: 8}, u8At(ProtoGTP, 1))
	fGTPLength  = reg(field.Info{Abbrev: "gtp.length", Name: "Length", Type: field.Uint, Bits: 16}, u16At(ProtoGTP, 2))
	fGTPTEID    = reg(field.Info{Abbrev: "gtp.teid", Name: "TEID", Type: field.Uint, Base: field.HexDec, Bits: 32}, u32At(ProtoGTP, 4))
)

func decodeGTP(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 8 || b[0]>>5 != 1 { // only GTPv1 carries user data
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	hl := 8
	if b[0]&7 != 0 { // E, S or PN: sequence number, N-PDU number and next extension type follow
		hl = 12
		if len(b) < hl {
			p.malformed(ProtoGTP, "optional fields cut short")
			p.pushData(buf, off, flags)
			return ProtoNone, 0
		}
		for next := b[11]; next != 0 && b[0]&4 != 0; {
			if hl >= len(b) || b[hl] == 0 {
				p.malformed(ProtoGTP, "extension header cut short")
				p.pushData(buf, off, flags)
				return ProtoNone, 0
			}
			n := int(b[hl]) * 4
			if hl+n > len(b) {
				p.malformed(ProtoGTP, "extension header cut short")
				p.pushData(buf, off, flags)
				return ProtoNone, 0
			}
			next = b[hl+n-1]
			hl += n
		}
	}
	p.push(ProtoGTP, off, hl, len(buf), flags)
	if b[1] == 255 {
		if pr := rawIPProto(b[hl:]); pr != ProtoNone {
			return pr, off + hl
		}
	}
	p.pushData(buf, off+hl, flags)
	return ProtoNone, 0
}

func gtpTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	n := t.Proto("GPRS Tunneling Protocol", "gtp", 0, int(l.Hdr))
	t.Add(n, fGTPFlags, field.Value{U: uint64(b[0])}, 0, 1)
	t.Add(n, fGTPMsgType, field.Value{U: uint64(b[1])}, 1, 1)
	t.Add(n, fGTPLength, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
	t.Add(n, fGTPTEID, field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]))}, 4, 4)
}
