package dissect

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/field"
)

// IEEE 802.2 LLC, with SNAP: the header that IEEE 802.3 (length-field) Ethernet frames and 802.11 data
// frames put before their payload. A SNAP header with an EtherType dispatches like Ethernet II.

func init() {
	register(ProtoLLC, protocol{name: "LLC", filter: "llc", long: "Logical-Link Control", decode: decodeLLC, tree: llcTree, summary: llcSummary})
}

var (
	fLLC     = reg(field.Info{Abbrev: "llc", Name: "Logical-Link Control", Type: field.Protocol}, presence(ProtoLLC))
	fLLCDSAP = reg(field.Info{Abbrev: "llc.dsap", Name: "DSAP", Type: field.Uint, Base: field.Hex, Bits: 8}, u8At(ProtoLLC, 0))
	fLLCSSAP = reg(field.Info{Abbrev: "llc.ssap", Name: "SSAP", Type: field.Uint, Base: field.Hex, Bits: 8}, u8At(ProtoLLC, 1))
	fLLCCtl  = reg(field.Info{Abbrev: "llc.control", Name: "Control field", Type: field.Uint, Base: field.Hex, Bits: 16}, u8At(ProtoLLC, 2))
	fLLCOUI  = reg(field.Info{Abbrev: "llc.oui", Name: "Organization Code", Type: field.Uint, Base: field.Hex, Bits: 24},
		layerGetter(ProtoLLC, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
			if l.Hdr != 8 {
				return field.Value{}, false
			}
			return field.Value{U: uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])}, true
		}))
	fLLCPID = reg(field.Info{Abbrev: "llc.type", Name: "Type", Type: field.Uint, Base: field.Hex, Bits: 16, Names: etherTypeName},
		layerGetter(ProtoLLC, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
			if l.Hdr != 8 {
				return field.Value{}, false
			}
			return field.Value{U: uint64(binary.BigEndian.Uint16(b[6:]))}, true
		}))
)

func decodeLLC(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 3 {
		p.malformed(ProtoLLC, "shorter than the 3-byte LLC header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	if b[0] == 0xaa && b[1] == 0xaa && b[2] == 0x03 && len(b) >= 8 {
		p.push(ProtoLLC, off, 8, len(buf), flags)
		if b[3] == 0 && b[4] == 0 && b[5] == 0 || b[3] == 0 && b[4] == 0 && b[5] == 0xf8 {
			return etherNext(p, buf, off+8, binary.BigEndian.Uint16(b[6:]), flags)
		}
		p.pushData(buf, off+8, flags)
		return ProtoNone, 0
	}
	hl := 3
	if b[2]&3 != 3 && len(b) >= 4 { // I- and S-format frames have a 2-byte control field
		hl = 4
	}
	p.push(ProtoLLC, off, hl, len(buf), flags)
	p.pushData(buf, off+hl, flags)
	return ProtoNone, 0
}

func llcSummary(p *Packet, i int, dst []byte) []byte {
	b := p.LayerBytes(&p.Layers[i])
	dst = append(dst, "LLC DSAP 0x"...)
	dst = append(dst, hexDigit[b[0]>>4], hexDigit[b[0]&15])
	dst = append(dst, " SSAP 0x"...)
	return append(dst, hexDigit[b[1]>>4], hexDigit[b[1]&15])
}

func llcTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	n := t.Proto("Logical-Link Control", "llc", 0, int(l.Hdr))
	t.Add(n, fLLCDSAP, field.Value{U: uint64(b[0])}, 0, 1)
	t.Add(n, fLLCSSAP, field.Value{U: uint64(b[1])}, 1, 1)
	t.Add(n, fLLCCtl, field.Value{U: uint64(b[2])}, 2, 1)
	if l.Hdr == 8 {
		t.Add(n, fLLCOUI, field.Value{U: uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])}, 3, 3)
		t.Add(n, fLLCPID, field.Value{U: uint64(binary.BigEndian.Uint16(b[6:]))}, 6, 2)
	}
}
