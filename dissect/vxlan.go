package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// VXLAN (RFC 7348, UDP port 4789) and Geneve (RFC 8926, UDP port 6081): Ethernet (or IP) frames tunnelled
// over UDP, decoded as nested layers.

func init() {
	byUDPPort[4789] = ProtoVXLAN
	byUDPPort[6081] = ProtoGeneve
	register(ProtoVXLAN, protocol{name: "VXLAN", filter: "vxlan", long: "Virtual eXtensible Local Area Network", decode: decodeVXLAN, tree: vxlanTree})
	register(ProtoGeneve, protocol{name: "Geneve", filter: "geneve", long: "Generic Network Virtualization Encapsulation", decode: decodeGeneve, tree: geneveTree})
}

var (
	fVXLAN      = reg(field.Info{Abbrev: "vxlan", Name: "Virtual eXtensible Local Area Network", Type: field.Protocol}, presence(ProtoVXLAN))
	fVXLANFlags = reg(field.Info{Abbrev: "vxlan.flags", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 16}, u16At(ProtoVXLAN, 0))
	fVXLANVNI   = reg(field.Info{Abbrev: "vxlan.vni", Name: "VXLAN Network Identifier (VNI)", Type: field.Uint, Bits: 32},
		layerGetter(ProtoVXLAN, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]) >> 8)}, true
		}))
	fGeneve      = reg(field.Info{Abbrev: "geneve", Name: "Generic Network Virtualization Encapsulation", Type: field.Protocol}, presence(ProtoGeneve))
	fGeneveVer   = reg(field.Info{Abbrev: "geneve.version", Name: "Version", Type: field.Uint, Bits: 8}, bitsAt(ProtoGeneve, 0, 1, 0xc0))
	fGeneveProto = reg(field.Info{Abbrev: "geneve.proto_type", Name: "Protocol Type", Type: field.Uint, Base: field.Hex, Bits: 16, Names: greProtoName}, u16At(ProtoGeneve, 2))
	fGeneveVNI   = reg(field.Info{Abbrev: "geneve.vni", Name: "Virtual Network Identifier (VNI)", Type: field.Uint, Base: field.Hex, Bits: 24},
		layerGetter(ProtoGeneve, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]) >> 8)}, true
		}))
)

func decodeVXLAN(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 8 {
		p.malformed(ProtoVXLAN, "shorter than the 8-byte VXLAN header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoVXLAN, off, 8, len(buf), flags)
	return ProtoEth, off + 8
}

func vxlanTree(p *Packet, i int, t *Tree) {
	b := p.LayerBytes(&p.Layers[i])
	vni := binary.BigEndian.Uint32(b[4:]) >> 8
	n := t.Proto("Virtual eXtensible Local Area Network, VNI: "+strconv.Itoa(int(vni)), "vxlan", 0, 8)
	t.Add(n, fVXLANFlags, field.Value{U: uint64(binary.BigEndian.Uint16(b))}, 0, 2)
	t.Add(n, fVXLANVNI, field.Value{U: uint64(vni)}, 4, 3)
}

func decodeGeneve(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 8 {
		p.malformed(ProtoGeneve, "shorter than the 8-byte Geneve header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	hl := 8 + int(b[0]&0x3f)*4
	if hl > len(b) {
		p.malformed(ProtoGeneve, "options cut short")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoGeneve, off, hl, len(buf), flags)
	pt := binary.BigEndian.Uint16(b[2:])
	if pt == 0x6558 {
		return ProtoEth, off + hl
	}
	return etherNext(p, buf, off+hl, pt, flags)
}

func geneveTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	vni := binary.BigEndian.Uint32(b[4:]) >> 8
	n := t.Proto("Generic Network Virtualization Encapsulation, VNI: "+string(appendHex24(nil, vni)), "geneve", 0, int(l.Hdr))
	t.Add(n, fGeneveVer, field.Value{U: uint64(b[0] >> 6)}, 0, 1)
	t.Add(n, fGeneveProto, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
	t.Add(n, fGeneveVNI, field.Value{U: uint64(vni)}, 4, 3)
}

func appendHex24(dst []byte, v uint32) []byte {
	return append(dst, '0', 'x', hexDigit[v>>20&15], hexDigit[v>>16&15], hexDigit[v>>12&15], hexDigit[v>>8&15], hexDigit[v>>4&15], hexDigit[v&15])
}
