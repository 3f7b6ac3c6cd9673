package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// IPv4 (RFC 791), with options shown raw by type and fragments reassembled (defrag.go): the upper layer is
// decoded in the frame that completes the datagram, as Wireshark does with its default preferences.

func init() {
	byEtherType[0x0800] = ProtoIPv4
	byIPProto[4] = ProtoIPv4 // IP in IP
	register(ProtoIPv4, protocol{name: "IPv4", filter: "ip", long: "Internet Protocol Version 4", decode: decodeIPv4, tree: ipv4Tree, summary: ipSummary})
}

var (
	fIP        = reg(field.Info{Abbrev: "ip", Name: "Internet Protocol Version 4", Type: field.Protocol}, presence(ProtoIPv4))
	fIPVersion = reg(field.Info{Abbrev: "ip.version", Name: "Version", Type: field.Uint, Bits: 8}, bitsAt(ProtoIPv4, 0, 1, 0xf0))
	fIPHdrLen  = reg(field.Info{Abbrev: "ip.hdr_len", Name: "Header Length", Type: field.Uint, Bits: 8, Blurb: "in bytes"},
		layerGetter(ProtoIPv4, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[0]&15) * 4}, true
		}))
	fIPDSField = reg(field.Info{Abbrev: "ip.dsfield", Name: "Differentiated Services Field", Type: field.Uint, Base: field.Hex, Bits: 8}, u8At(ProtoIPv4, 1))
	fIPDSCP    = reg(field.Info{Abbrev: "ip.dsfield.dscp", Name: "Differentiated Services Codepoint", Type: field.Uint, Bits: 8}, bitsAt(ProtoIPv4, 1, 1, 0xfc))
	fIPECN     = reg(field.Info{Abbrev: "ip.dsfield.ecn", Name: "Explicit Congestion Notification", Type: field.Uint, Bits: 8}, bitsAt(ProtoIPv4, 1, 1, 0x03))
	fIPLen     = reg(field.Info{Abbrev: "ip.len", Name: "Total Length", Type: field.Uint, Bits: 16}, u16At(ProtoIPv4, 2))
	fIPID      = reg(field.Info{Abbrev: "ip.id", Name: "Identification", Type: field.Uint, Base: field.HexDec, Bits: 16}, u16At(ProtoIPv4, 4))
	fIPFlags   = reg(field.Info{Abbrev: "ip.flags", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 8}, bitsAt(ProtoIPv4, 6, 1, 0xe0))
	fIPFlagRB  = reg(field.Info{Abbrev: "ip.flags.rb", Name: "Reserved bit", Type: field.Bool}, bitsAt(ProtoIPv4, 6, 1, 0x80))
	fIPFlagDF  = reg(field.Info{Abbrev: "ip.flags.df", Name: "Don't fragment", Type: field.Bool}, bitsAt(ProtoIPv4, 6, 1, 0x40))
	fIPFlagMF  = reg(field.Info{Abbrev: "ip.flags.mf", Name: "More fragments", Type: field.Bool}, bitsAt(ProtoIPv4, 6, 1, 0x20))
	fIPFragOff = reg(field.Info{Abbrev: "ip.frag_offset", Name: "Fragment Offset", Type: field.Uint, Bits: 16, Blurb: "in bytes"},
		layerGetter(ProtoIPv4, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint16(b[6:])&0x1fff) * 8}, true
		}))
	fIPTTL      = reg(field.Info{Abbrev: "ip.ttl", Name: "Time to Live", Type: field.Uint, Bits: 8}, u8At(ProtoIPv4, 8))
	fIPProto    = reg(field.Info{Abbrev: "ip.proto", Name: "Protocol", Type: field.Uint, Bits: 8, Names: ipProtoName}, u8At(ProtoIPv4, 9))
	fIPChecksum = reg(field.Info{Abbrev: "ip.checksum", Name: "Header Checksum", Type: field.Uint, Base: field.Hex, Bits: 16}, u16At(ProtoIPv4, 10))
	fIPSrc      = reg(field.Info{Abbrev: "ip.src", Name: "Source Address", Type: field.IPv4}, u32At(ProtoIPv4, 12))
	fIPDst      = reg(field.Info{Abbrev: "ip.dst", Name: "Destination Address", Type: field.IPv4}, u32At(ProtoIPv4, 16))
	fIPAddr     = reg(field.Info{Abbrev: "ip.addr", Name: "Source or Destination Address", Type: field.IPv4}, pairU32(ProtoIPv4, 12, 16))
	fIPOptType  = reg(field.Info{Abbrev: "ip.opt.type", Name: "Type", Type: field.Uint, Bits: 8, Names: ipOptName},
		multiGetter(ProtoIPv4, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
			walkIPv4Options(b, func(t byte, off, n int) { dst = append(dst, field.Value{U: uint64(t)}) })
			return dst
		}))
	fIPFragment = reg(field.Info{Abbrev: "ip.fragment", Name: "IPv4 Fragment", Type: field.Protocol, Blurb: "the frame holds an IPv4 fragment"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Frag.IsFragment {
				dst = append(dst, field.Value{})
			}
			return dst
		})
	fIPFragCount = reg(field.Info{Abbrev: "ip.fragment.count", Name: "Fragment count", Type: field.Uint, Blurb: "fragments of the datagram reassembled in this frame"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Frag.Reassembled {
				dst = append(dst, field.Value{U: uint64(p.Frag.Count)})
			}
			return dst
		})
	fIPReasmLen = reg(field.Info{Abbrev: "ip.reassembled.length", Name: "Reassembled IPv4 length", Type: field.Uint},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Frag.Reassembled {
				dst = append(dst, field.Value{U: uint64(p.Frag.Length)})
			}
			return dst
		})
)

func ipProtoName(v uint64) string {
	switch v {
	case 0:
		return "IPv6 Hop-by-Hop Option"
	case 1:
		return "ICMP"
	case 2:
		return "IGMP"
	case 4:
		return "IPIP"
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 41:
		return "IPv6"
	case 43:
		return "IPv6 Routing"
	case 44:
		return "IPv6 Fragment"
	case 47:
		return "GRE"
	case 50:
		return "ESP"
	case 51:
		return "AH"
	case 58:
		return "ICMPv6"
	case 59:
		return "IPv6 No Next Header"
	case 60:
		return "IPv6 Destination Options"
	case 89:
		return "OSPF IGP"
	case 103:
		return "PIM"
	case 112:
		return "VRRP"
	case 132:
		return "SCTP"
	}
	return ""
}

func ipOptName(v uint64) string {
	switch v & 0x1f {
	case 0:
		return "End of Options List (EOL)"
	case 1:
		return "No-Operation (NOP)"
	case 2:
		return "Security"
	case 3:
		return "Loose Source Route"
	case 4:
		return "Time Stamp"
	case 7:
		return "Record Route"
	case 9:
		return "Strict Source Route"
	case 20:
		return "Router Alert"
	}
	return ""
}

// walkIPv4Options calls fn for each option in the header b (type, offset, length); it stops at EOL or at
// an option whose length does not fit.
func walkIPv4Options(b []byte, fn func(t byte, off, n int)) {
	hl := int(b[0]&15) * 4
	for off := 20; off < hl; {
		t := b[off]
		if t == 0 {
			fn(t, off, 1)
			return
		}
		if t == 1 {
			fn(t, off, 1)
			off++
			continue
		}
		if off+1 >= hl || b[off+1] < 2 || off+int(b[off+1]) > hl {
			return
		}
		n := int(b[off+1])
		fn(t, off, n)
		off += n
	}
}

func decodeIPv4(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 20 {
		p.malformed(ProtoIPv4, "shorter than the 20-byte IPv4 header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	if b[0]>>4 != 4 {
		p.malformed(ProtoIPv4, "version is not 4")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	hl := int(b[0]&15) * 4
	if hl < 20 {
		p.malformed(ProtoIPv4, "header length below the minimum of 20 bytes")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	if hl > len(b) {
		p.malformed(ProtoIPv4, "header cut short by the capture")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	total := int(binary.BigEndian.Uint16(b[2:]))
	if total == 0 {
		// TCP segmentation offload: the length is not filled in; use what was captured.
		total = len(b)
	}
	if total < hl {
		p.push(ProtoIPv4, off, hl, off+hl, flags)
		p.malformed(ProtoIPv4, "total length is less than the header length")
		return ProtoNone, 0
	}
	end := off + min(total, len(b))
	l := p.push(ProtoIPv4, off, hl, end, flags)
	l.Aux = 0
	proto := b[9]
	fo := binary.BigEndian.Uint16(b[6:])
	if fo&0x3fff != 0 && flags&layerInError == 0 {
		// A fragment: its payload is kept until the datagram is complete.
		p.Frag.IsFragment = true
		p.rare |= rareFrag
		key := fragKey{v6: false, id: uint32(binary.BigEndian.Uint16(b[4:])), proto: proto}
		copy(key.src[:], b[12:16])
		copy(key.dst[:], b[16:20])
		whole := d.defrag.add(key, int(fo&0x1fff)*8, fo&0x2000 == 0, buf[off+hl:end], total-hl > end-off-hl)
		if whole == nil {
			p.pushData(buf, off+hl, flags)
			return ProtoNone, 0
		}
		p.Frag.Reassembled = true
		p.rare |= rareFrag
		p.Frag.Count = d.defrag.lastCount
		p.Frag.Length = len(whole)
		p.reasm = whole
		p.curBuf = 1
		return ipNext(p, proto, p.reasm, 0, flags)
	}
	return ipNext(p, proto, buf, off+hl, flags)
}

// ipNext dispatches an IP payload on its protocol number.
func ipNext(p *Packet, proto byte, buf []byte, off int, flags uint8) (Proto, int) {
	if pr := byIPProto[proto]; pr != ProtoNone {
		return pr, off
	}
	p.pushData(buf, off, flags)
	return ProtoNone, 0
}

// ipReportedLen returns the length of the IP payload of the IP layer below layer i by the IP header's own
// length field — which may lie beyond the captured bytes — but never beyond the frame's length on the wire
// (Wireshark: "IPv4 total length exceeds packet length").
func (p *Packet) ipReportedLen(i int) (int, bool) {
	for j := i - 1; j >= 0; j-- {
		l := &p.Layers[j]
		var n int
		switch l.Proto {
		case ProtoIPv4:
			if p.Layers[i].Buf == 1 && l.Buf == 0 && p.Frag.Reassembled { // the layer's line first: Frag lies on a line of its own
				return p.Frag.Length, true
			}
			b := p.LayerBytes(l)
			total := int(binary.BigEndian.Uint16(b[2:]))
			if total == 0 {
				return int(l.End - l.Off - l.Hdr), true
			}
			n = total - int(l.Hdr)
		case ProtoIPv6:
			if p.Layers[i].Buf == 1 && l.Buf == 0 && p.Frag.Reassembled { // the layer's line first: Frag lies on a line of its own
				return p.Frag.Length, true
			}
			n = p.ipv6PayloadLen(l)
		default:
			continue
		}
		if l.Buf == 0 {
			if onWire := p.reportedEnd(j) - int(l.Off+l.Hdr); onWire >= 0 && n > onWire {
				n = onWire
			}
		}
		return n, true
	}
	return 0, false
}

// reportedEnd is where the bytes available to layer j end on the wire: the frame's length, or less when
// an enclosing PPPoE header announces a shorter payload (Wireshark bounds the IP payload by both).
func (p *Packet) reportedEnd(j int) int {
	end := p.Len
	for k := j - 1; k >= 0; k-- {
		if l := &p.Layers[k]; l.Proto == ProtoPPPoE && l.Buf == 0 {
			b := p.LayerBytes(l)
			end = min(end, int(l.Off)+6+int(binary.BigEndian.Uint16(b[4:])))
			break
		}
	}
	return end
}

func ipSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	if l.Proto == ProtoIPv4 {
		if p.Frag.IsFragment && !p.Frag.Reassembled {
			fo := binary.BigEndian.Uint16(b[6:])
			dst = append(dst, "Fragmented IP protocol (proto="...)
			dst = append(dst, ipProtoName(uint64(b[9]))...)
			dst = append(dst, ' ')
			dst = strconv.AppendUint(dst, uint64(b[9]), 10)
			dst = append(dst, ", off="...)
			dst = strconv.AppendUint(dst, uint64(fo&0x1fff)*8, 10)
			dst = append(dst, ", ID="...)
			dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(b[4:])), 16)
			return append(dst, ')')
		}
		dst = append(dst, "IPv4, proto "...)
		if n := ipProtoName(uint64(b[9])); n != "" {
			dst = append(dst, n...)
		} else {
			dst = strconv.AppendUint(dst, uint64(b[9]), 10)
		}
		return dst
	}
	dst = append(dst, "IPv6, next header "...)
	return strconv.AppendUint(dst, uint64(b[6]), 10)
}

func ipv4Tree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	hl := int(l.Hdr)
	src, dst := binary.BigEndian.Uint32(b[12:]), binary.BigEndian.Uint32(b[16:])
	n := t.Proto("Internet Protocol Version 4, Src: "+string(field.AppendIPv4(nil, src))+", Dst: "+string(field.AppendIPv4(nil, dst)), "ip", 0, hl)
	t.Add(n, fIPVersion, field.Value{U: uint64(b[0] >> 4)}, 0, 1)
	t.Add(n, fIPHdrLen, field.Value{U: uint64(hl)}, 0, 1).Label = "Header Length: " + strconv.Itoa(hl) + " bytes (" + strconv.Itoa(hl/4) + ")"
	ds := t.Add(n, fIPDSField, field.Value{U: uint64(b[1])}, 1, 1)
	t.Add(ds, fIPDSCP, field.Value{U: uint64(b[1] >> 2)}, 1, 1)
	t.Add(ds, fIPECN, field.Value{U: uint64(b[1] & 3)}, 1, 1)
	t.Add(n, fIPLen, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
	t.Add(n, fIPID, field.Value{U: uint64(binary.BigEndian.Uint16(b[4:]))}, 4, 2)
	fo := binary.BigEndian.Uint16(b[6:])
	fl := t.Add(n, fIPFlags, field.Value{U: uint64(fo >> 13)}, 6, 1)
	t.Add(fl, fIPFlagRB, field.Value{U: uint64(fo >> 15 & 1)}, 6, 1)
	t.Add(fl, fIPFlagDF, field.Value{U: uint64(fo >> 14 & 1)}, 6, 1)
	t.Add(fl, fIPFlagMF, field.Value{U: uint64(fo >> 13 & 1)}, 6, 1)
	t.Add(n, fIPFragOff, field.Value{U: uint64(fo&0x1fff) * 8}, 6, 2)
	t.Add(n, fIPTTL, field.Value{U: uint64(b[8])}, 8, 1)
	t.Add(n, fIPProto, field.Value{U: uint64(b[9])}, 9, 1)
	t.Add(n, fIPChecksum, field.Value{U: uint64(binary.BigEndian.Uint16(b[10:]))}, 10, 2)
	t.Add(n, fIPSrc, field.Value{U: uint64(src)}, 12, 4)
	t.Add(n, fIPDst, field.Value{U: uint64(dst)}, 16, 4)
	if hl > 20 {
		o := t.Text(n, "Options: ("+strconv.Itoa(hl-20)+" bytes)", 20, hl-20)
		walkIPv4Options(b, func(ty byte, off, ln int) {
			name := ipOptName(uint64(ty))
			if name == "" {
				name = "Unknown option " + strconv.Itoa(int(ty))
			}
			t.AddLabel(o, fIPOptType, field.Value{U: uint64(ty)}, "IP Option - "+name+" ("+strconv.Itoa(ln)+" bytes): "+string(field.AppendHexBytes(nil, b[off:off+ln], 0)), off, ln)
		})
	}
	if i == 0 || !l.InError() {
		if p.Frag.IsFragment && l.Buf == 0 {
			if p.Frag.Reassembled {
				t.Text(n, "[Reassembled IPv4 datagram of "+strconv.Itoa(p.Frag.Length)+" bytes from "+strconv.Itoa(p.Frag.Count)+" fragments, completed in this frame]", 0, 0)
			} else {
				t.Text(n, "[IPv4 fragment: reassembled in a later frame, if every fragment was captured]", 0, 0)
			}
		}
	}
}
