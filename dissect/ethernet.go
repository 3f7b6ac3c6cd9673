package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// Ethernet II and IEEE 802.3 frames, and 802.1Q / 802.1ad (QinQ) VLAN tags.

func init() {
	byLinkType[capture.LinkTypeEthernet] = ProtoEth
	for _, t := range []uint16{0x8100, 0x88a8, 0x9100, 0x9200} {
		byEtherType[t] = ProtoVLAN
	}
	register(ProtoEth, protocol{name: "ETH", filter: "eth", long: "Ethernet II", decode: decodeEth, tree: ethTree, summary: ethSummary})
	register(ProtoVLAN, protocol{name: "VLAN", filter: "vlan", long: "802.1Q Virtual LAN", decode: decodeVLAN, tree: vlanTree, summary: vlanSummary})
}

var (
	fEth     = reg(field.Info{Abbrev: "eth", Name: "Ethernet", Type: field.Protocol}, presence(ProtoEth))
	fEthDst  = reg(field.Info{Abbrev: "eth.dst", Name: "Destination", Type: field.Ether, Blurb: "destination MAC address"}, bytesAt(ProtoEth, 0, 6))
	fEthSrc  = reg(field.Info{Abbrev: "eth.src", Name: "Source", Type: field.Ether, Blurb: "source MAC address"}, bytesAt(ProtoEth, 6, 6))
	fEthAddr = reg(field.Info{Abbrev: "eth.addr", Name: "Address", Type: field.Ether, Blurb: "source or destination MAC address"}, pairBytes(ProtoEth, 6, 0, 6))
	fEthType = reg(field.Info{Abbrev: "eth.type", Name: "Type", Type: field.Uint, Base: field.Hex, Bits: 16, Names: etherTypeName},
		layerGetter(ProtoEth, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			t := binary.BigEndian.Uint16(b[12:])
			return field.Value{U: uint64(t)}, t >= 0x600
		}))
	fEthLen = reg(field.Info{Abbrev: "eth.len", Name: "Length", Type: field.Uint, Blurb: "IEEE 802.3 length field"},
		layerGetter(ProtoEth, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			t := binary.BigEndian.Uint16(b[12:])
			return field.Value{U: uint64(t)}, t < 0x600
		}))
	fEthIG = reg(field.Info{Abbrev: "eth.dst.ig", Name: "IG bit", Type: field.Bool, Blurb: "group (multicast/broadcast) destination"}, bitsAt(ProtoEth, 0, 1, 0x01))
	fEthLG = reg(field.Info{Abbrev: "eth.dst.lg", Name: "LG bit", Type: field.Bool, Blurb: "locally administered destination"}, bitsAt(ProtoEth, 0, 1, 0x02))
)

func etherTypeName(v uint64) string {
	switch v {
	case 0x0800:
		return "IPv4"
	case 0x0806:
		return "ARP"
	case 0x86dd:
		return "IPv6"
	case 0x8100:
		return "802.1Q Virtual LAN"
	case 0x88a8:
		return "802.1ad Provider Bridge (Q-in-Q)"
	case 0x8035:
		return "RARP"
	case 0x8863:
		return "PPPoE Discovery"
	case 0x8864:
		return "PPPoE Session"
	case 0x8847:
		return "MPLS label switched packet"
	case 0x88cc:
		return "802.1 Link Layer Discovery Protocol (LLDP)"
	case 0x888e:
		return "802.1X Authentication"
	}
	return ""
}

func decodeEth(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 14 {
		p.malformed(ProtoEth, "frame shorter than the 14-byte Ethernet header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoEth, off, 14, len(buf), flags)
	return etherNext(p, buf, off+14, binary.BigEndian.Uint16(buf[off+12:]), flags)
}

// etherNext dispatches on an EtherType; an 802.3 length (below 0x600) announces an LLC header.
func etherNext(p *Packet, buf []byte, off int, t uint16, flags uint8) (Proto, int) {
	if pr := etherTypeTab[t]; pr != ProtoNone {
		return pr, off
	}
	if t < 0x600 && off < len(buf) {
		return ProtoLLC, off
	}
	p.pushData(buf, off, flags)
	return ProtoNone, 0
}

func ethSummary(p *Packet, i int, dst []byte) []byte {
	b := p.LayerBytes(&p.Layers[i])
	t := binary.BigEndian.Uint16(b[12:])
	if t < 0x600 {
		dst = append(dst, "IEEE 802.3, length "...)
		return strconv.AppendUint(dst, uint64(t), 10)
	}
	dst = append(dst, "Ethernet II, type "...)
	return appendHex16(dst, t)
}

func appendHex16(dst []byte, v uint16) []byte {
	return append(dst, '0', 'x', hexDigit[v>>12], hexDigit[v>>8&15], hexDigit[v>>4&15], hexDigit[v&15])
}

const hexDigit = "0123456789abcdef"

func ethTree(p *Packet, i int, t *Tree) {
	b := p.LayerBytes(&p.Layers[i])
	src, dst := string(field.AppendHexBytes(nil, b[6:12], ':')), string(field.AppendHexBytes(nil, b[0:6], ':'))
	ty := binary.BigEndian.Uint16(b[12:])
	title := "Ethernet II, Src: " + src + ", Dst: " + dst
	if ty < 0x600 {
		title = "IEEE 802.3 Ethernet, Src: " + src + ", Dst: " + dst
	}
	n := t.Proto(title, "eth", 0, 14)
	d := t.Add(n, fEthDst, field.Value{B: b[0:6]}, 0, 6)
	t.Add(d, fEthIG, field.Value{U: uint64(b[0] & 1)}, 0, 1)
	t.Add(d, fEthLG, field.Value{U: uint64(b[0] >> 1 & 1)}, 0, 1)
	t.Add(n, fEthSrc, field.Value{B: b[6:12]}, 6, 6)
	if ty < 0x600 {
		t.Add(n, fEthLen, field.Value{U: uint64(ty)}, 12, 2)
	} else {
		t.Add(n, fEthType, field.Value{U: uint64(ty)}, 12, 2)
	}
}

var (
	fVLAN      = reg(field.Info{Abbrev: "vlan", Name: "802.1Q Virtual LAN", Type: field.Protocol}, presence(ProtoVLAN))
	fVLANPrio  = reg(field.Info{Abbrev: "vlan.priority", Name: "Priority", Type: field.Uint, Bits: 16}, bitsAt(ProtoVLAN, 0, 2, 0xe000))
	fVLANDEI   = reg(field.Info{Abbrev: "vlan.dei", Name: "DEI", Type: field.Uint, Bits: 16, Blurb: "drop eligible indicator"}, bitsAt(ProtoVLAN, 0, 2, 0x1000))
	fVLANID    = reg(field.Info{Abbrev: "vlan.id", Name: "ID", Type: field.Uint, Bits: 16, Blurb: "VLAN identifier"}, bitsAt(ProtoVLAN, 0, 2, 0x0fff))
	fVLANEtype = reg(field.Info{Abbrev: "vlan.etype", Name: "Type", Type: field.Uint, Base: field.Hex, Bits: 16, Names: etherTypeName},
		layerGetter(ProtoVLAN, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			t := binary.BigEndian.Uint16(b[2:])
			return field.Value{U: uint64(t)}, t >= 0x600
		}))
	fVLANLen = reg(field.Info{Abbrev: "vlan.len", Name: "Length", Type: field.Uint},
		layerGetter(ProtoVLAN, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			t := binary.BigEndian.Uint16(b[2:])
			return field.Value{U: uint64(t)}, t < 0x600
		}))
)

func decodeVLAN(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 4 {
		p.malformed(ProtoVLAN, "shorter than the 4-byte VLAN tag")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoVLAN, off, 4, len(buf), flags)
	return etherNext(p, buf, off+4, binary.BigEndian.Uint16(buf[off+2:]), flags)
}

func vlanSummary(p *Packet, i int, dst []byte) []byte {
	b := p.LayerBytes(&p.Layers[i])
	dst = append(dst, "VLAN "...)
	return strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(b)&0xfff), 10)
}

func vlanTree(p *Packet, i int, t *Tree) {
	b := p.LayerBytes(&p.Layers[i])
	tci := binary.BigEndian.Uint16(b)
	n := t.Proto("802.1Q Virtual LAN, PRI: "+strconv.Itoa(int(tci>>13))+", DEI: "+strconv.Itoa(int(tci>>12&1))+", ID: "+strconv.Itoa(int(tci&0xfff)), "vlan", 0, 4)
	t.Add(n, fVLANPrio, field.Value{U: uint64(tci >> 13)}, 0, 2)
	t.Add(n, fVLANDEI, field.Value{U: uint64(tci >> 12 & 1)}, 0, 2)
	t.Add(n, fVLANID, field.Value{U: uint64(tci & 0xfff)}, 0, 2)
	if ty := binary.BigEndian.Uint16(b[2:]); ty < 0x600 {
		t.Add(n, fVLANLen, field.Value{U: uint64(ty)}, 2, 2)
	} else {
		t.Add(n, fVLANEtype, field.Value{U: uint64(ty)}, 2, 2)
	}
}
