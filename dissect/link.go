package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// Link layers other than Ethernet: raw IP, BSD loopback, Linux cooked capture (SLL and SLL2), and the
// placeholder for link types wirelens does not decode.

func init() {
	for _, lt := range []capture.LinkType{capture.LinkTypeRaw, 12, 14, capture.LinkTypeIPv4, capture.LinkTypeIPv6} {
		linkRaw[lt] = true
	}
	byLinkType[capture.LinkTypeNull] = ProtoNull
	byLinkType[capture.LinkTypeLoop] = ProtoNull
	byLinkType[capture.LinkTypeLinuxSLL] = ProtoSLL
	byLinkType[capture.LinkTypeLinuxSLL2] = ProtoSLL2
	register(ProtoNull, protocol{name: "NULL", filter: "null", long: "Null/Loopback", decode: decodeNull, tree: nullTree})
	register(ProtoSLL, protocol{name: "SLL", filter: "sll", long: "Linux cooked capture v1", decode: decodeSLL, tree: sllTree})
	register(ProtoSLL2, protocol{name: "SLL", filter: "sll", long: "Linux cooked capture v2", decode: decodeSLL2, tree: sll2Tree})
	register(ProtoUnsupported, protocol{name: "UNSUPPORTED", filter: "unsupported", long: "Unsupported link type", decode: decodeUnsupported, tree: unsupportedTree, summary: unsupportedSummary})
	register(ProtoData, protocol{name: "DATA", filter: "data", long: "Data", decode: nil, tree: dataTree, summary: dataSummary})
}

// linkRaw holds the link types whose frames are bare IP packets (LINKTYPE_RAW and its aliases).
var linkRaw = map[capture.LinkType]bool{}

// rawIPProto picks the IP version of a raw-IP link-layer payload from its first nibble.
func rawIPProto(b []byte) Proto {
	if len(b) == 0 {
		return ProtoNone
	}
	switch b[0] >> 4 {
	case 4:
		return ProtoIPv4
	case 6:
		return ProtoIPv6
	}
	return ProtoNone
}

var (
	fNullFamily = reg(field.Info{Abbrev: "null.family", Name: "Family", Type: field.Uint, Names: afName},
		layerGetter(ProtoNull, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(nullFamily(p, b))}, true
		}))
)

func afName(v uint64) string {
	switch v {
	case 2:
		return "IP"
	case 10, 24, 28, 30:
		return "IPv6"
	}
	return ""
}

// nullFamily reads the 4-byte address family: host byte order for LINKTYPE_NULL (guessed: a value above
// 0xffff is byte-swapped), network order for LINKTYPE_LOOP.
func nullFamily(p *Packet, b []byte) uint32 {
	if p.LinkType == capture.LinkTypeLoop {
		return binary.BigEndian.Uint32(b)
	}
	v := binary.LittleEndian.Uint32(b)
	if v > 0xffff {
		v = binary.BigEndian.Uint32(b)
	}
	return v
}

func decodeNull(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 4 {
		p.malformed(ProtoNull, "shorter than the 4-byte family header")
		return ProtoNone, 0
	}
	p.push(ProtoNull, off, 4, len(buf), flags)
	switch nullFamily(p, buf[off:]) {
	case 2:
		return ProtoIPv4, off + 4
	case 10, 24, 28, 30:
		return ProtoIPv6, off + 4
	}
	p.pushData(buf, off+4, flags)
	return ProtoNone, 0
}

func nullTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	n := t.Proto("Null/Loopback", "null", 0, 4)
	t.Add(n, fNullFamily, field.Value{U: uint64(nullFamily(p, p.LayerBytes(l)))}, 0, 4)
}

// Linux cooked capture v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2).
var (
	fSLLPktType = reg(field.Info{Abbrev: "sll.pkttype", Name: "Packet type", Type: field.Uint, Bits: 16, Names: sllPktTypeName}, sllGetter(0, 2, 10, 1))
	fSLLHaType  = reg(field.Info{Abbrev: "sll.hatype", Name: "Link-layer address type", Type: field.Uint, Bits: 16}, sllGetter(2, 2, 8, 2))
	fSLLHaLen   = reg(field.Info{Abbrev: "sll.halen", Name: "Link-layer address length", Type: field.Uint, Bits: 16}, sllGetter(4, 2, 11, 1))
	fSLLEtype   = reg(field.Info{Abbrev: "sll.etype", Name: "Protocol", Type: field.Uint, Base: field.Hex, Bits: 16, Names: etherTypeName}, sllGetter(14, 2, 0, 2))
	fSLLIfIndex = reg(field.Info{Abbrev: "sll.ifindex", Name: "Interface index", Type: field.Uint}, layerGetter(ProtoSLL2, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]))}, true
	}))
	fSLLSrcEth = reg(field.Info{Abbrev: "sll.src.eth", Name: "Source", Type: field.Ether}, multiGetter(ProtoSLL, sllSrc).merge(multiGetter(ProtoSLL2, sllSrc)))
)

// sllGetter reads a field of n1 bytes at off1 in SLL v1 and of n2 bytes at off2 in SLL2.
func sllGetter(off1, n1, off2, n2 int) getter {
	rd := func(b []byte, off, n int) uint64 {
		if n == 1 {
			return uint64(b[off])
		}
		return uint64(binary.BigEndian.Uint16(b[off:]))
	}
	return func(p *Packet, dst []field.Value) []field.Value {
		for i := 0; i < p.N; i++ {
			l := &p.Layers[i]
			switch l.Proto {
			case ProtoSLL:
				dst = append(dst, field.Value{U: rd(p.LayerBytes(l), off1, n1)})
			case ProtoSLL2:
				dst = append(dst, field.Value{U: rd(p.LayerBytes(l), off2, n2)})
			}
		}
		return dst
	}
}

func sllSrc(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
	hatype, halen, a := binary.BigEndian.Uint16(b[2:]), int(binary.BigEndian.Uint16(b[4:])), 6
	if l.Proto == ProtoSLL2 {
		hatype, halen, a = binary.BigEndian.Uint16(b[8:]), int(b[11]), 12
	}
	if (hatype == 1 || hatype == 772) && halen == 6 {
		dst = append(dst, field.Value{B: b[a : a+6 : a+6]})
	}
	return dst
}

// merge concatenates the values of two getters.
func (g getter) merge(h getter) getter {
	return func(p *Packet, dst []field.Value) []field.Value { return h(p, g(p, dst)) }
}

func sllPktTypeName(v uint64) string {
	switch v {
	case 0:
		return "Unicast to us"
	case 1:
		return "Broadcast"
	case 2:
		return "Multicast"
	case 3:
		return "Unicast to another host"
	case 4:
		return "Sent by us"
	}
	return ""
}

func decodeSLL(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 16 {
		p.malformed(ProtoSLL, "shorter than the 16-byte cooked header")
		return ProtoNone, 0
	}
	p.push(ProtoSLL, off, 16, len(buf), flags)
	return sllNext(p, buf, off+16, binary.BigEndian.Uint16(buf[off+14:]), binary.BigEndian.Uint16(buf[off+2:]), flags)
}

func decodeSLL2(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if len(buf)-off < 20 {
		p.malformed(ProtoSLL2, "shorter than the 20-byte cooked v2 header")
		return ProtoNone, 0
	}
	p.push(ProtoSLL2, off, 20, len(buf), flags)
	return sllNext(p, buf, off+20, binary.BigEndian.Uint16(buf[off:]), binary.BigEndian.Uint16(buf[off+8:]), flags)
}

// sllNext dispatches on the cooked header's protocol field, an EtherType for most hardware types.
func sllNext(p *Packet, buf []byte, off int, proto, hatype uint16, flags uint8) (Proto, int) {
	if pr := etherTypeTab[proto]; pr != ProtoNone && hatype != 824 /* netlink */ {
		return pr, off
	}
	p.pushData(buf, off, flags)
	return ProtoNone, 0
}

func sllTree(p *Packet, i int, t *Tree) {
	b := p.LayerBytes(&p.Layers[i])
	n := t.Proto("Linux cooked capture v1", "sll", 0, 16)
	t.Add(n, fSLLPktType, field.Value{U: uint64(binary.BigEndian.Uint16(b))}, 0, 2)
	t.Add(n, fSLLHaType, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
	t.Add(n, fSLLHaLen, field.Value{U: uint64(binary.BigEndian.Uint16(b[4:]))}, 4, 2)
	for _, v := range sllSrc(p, &p.Layers[i], b, nil) {
		t.Add(n, fSLLSrcEth, v, 6, 6)
	}
	t.Add(n, fSLLEtype, field.Value{U: uint64(binary.BigEndian.Uint16(b[14:]))}, 14, 2)
}

func sll2Tree(p *Packet, i int, t *Tree) {
	b := p.LayerBytes(&p.Layers[i])
	n := t.Proto("Linux cooked capture v2", "sll", 0, 20)
	t.Add(n, fSLLEtype, field.Value{U: uint64(binary.BigEndian.Uint16(b))}, 0, 2)
	t.Add(n, fSLLIfIndex, field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]))}, 4, 4)
	t.Add(n, fSLLHaType, field.Value{U: uint64(binary.BigEndian.Uint16(b[8:]))}, 8, 2)
	t.Add(n, fSLLPktType, field.Value{U: uint64(b[10])}, 10, 1)
	t.Add(n, fSLLHaLen, field.Value{U: uint64(b[11])}, 11, 1)
	for _, v := range sllSrc(p, &p.Layers[i], b, nil) {
		t.Add(n, fSLLSrcEth, v, 12, 6)
	}
}

func decodeUnsupported(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	p.push(ProtoUnsupported, off, 0, len(buf), flags)
	return ProtoNone, 0
}

func unsupportedSummary(p *Packet, i int, dst []byte) []byte {
	dst = append(dst, "unsupported link type "...)
	return strconv.AppendUint(dst, uint64(p.LinkType), 10)
}

func unsupportedTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	t.Proto("Unsupported link type "+strconv.Itoa(int(p.LinkType))+" ("+p.LinkType.String()+"): "+strconv.Itoa(int(l.End-l.Off))+" bytes not decoded", "unsupported", 0, int(l.End-l.Off))
}

var fData = reg(field.Info{Abbrev: "data", Name: "Data", Type: field.Protocol}, presence(ProtoData))
var fDataData = reg(field.Info{Abbrev: "data.data", Name: "Data", Type: field.Bytes}, layerGetter(ProtoData, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) { return field.Value{B: b}, true }))
var fDataLen = reg(field.Info{Abbrev: "data.len", Name: "Length", Type: field.Uint}, layerGetter(ProtoData, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) { return field.Value{U: uint64(len(b))}, true }))

func dataSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	dst = append(dst, "Data ("...)
	dst = strconv.AppendInt(dst, int64(l.End-l.Off), 10)
	return append(dst, " bytes)"...)
}

func dataTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	n := int(l.End - l.Off)
	nd := t.Proto("Data ("+strconv.Itoa(n)+" bytes)", "data", 0, n)
	b := p.LayerBytes(l)
	shown := b
	if len(shown) > 64 {
		shown = shown[:64]
	}
	t.Add(nd, fDataData, field.Value{B: shown}, 0, n).Label = "Data: " + string(field.AppendHexBytes(nil, shown, 0)) + map[bool]string{true: "…", false: ""}[len(b) > 64]
	t.Add(nd, fDataLen, field.Value{U: uint64(n)}, 0, 0)
}
