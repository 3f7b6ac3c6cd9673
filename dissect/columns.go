package dissect

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/field"
)

// The message-list columns: source, destination, protocol and summary of a packet, as Wireshark's and
// Message Analyzer's default columns show them.

// netLayer returns the IP layer whose addresses name the packet: the innermost one that is not inside an
// ICMP error's quoted packet; nil if there is none.
func (p *Packet) netLayer() *Layer {
	var nl *Layer
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if (l.Proto == ProtoIPv4 || l.Proto == ProtoIPv6) && !l.InError() {
			nl = l
		}
	}
	return nl
}

// AppendSource appends the source column: the IP source address, else the link-layer source.
func (p *Packet) AppendSource(dst []byte) []byte { return p.appendAddr(dst, true) }

// AppendDestination appends the destination column.
func (p *Packet) AppendDestination(dst []byte) []byte { return p.appendAddr(dst, false) }

func (p *Packet) appendAddr(dst []byte, src bool) []byte {
	if l := p.netLayer(); l != nil {
		b := p.LayerBytes(l)
		if l.Proto == ProtoIPv4 {
			off := 16
			if src {
				off = 12
			}
			return field.AppendIPv4(dst, binary.BigEndian.Uint32(b[off:]))
		}
		off := 24
		if src {
			off = 8
		}
		return field.AppendIPv6(dst, b[off:off+16])
	}
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		b := p.LayerBytes(l)
		switch l.Proto {
		case ProtoARP:
			if v := arpHWAddr(b, src); v != nil {
				return field.AppendHexBytes(dst, v, ':')
			}
		case ProtoEth:
			if src {
				return field.AppendHexBytes(dst, b[6:12], ':')
			}
			return field.AppendHexBytes(dst, b[0:6], ':')
		case ProtoSLL, ProtoSLL2:
			if src {
				for _, v := range sllSrc(p, l, b, nil) {
					return field.AppendHexBytes(dst, v.B, ':')
				}
			}
		}
	}
	return dst
}

// arpHWAddr returns the sender (src) or target hardware address of an Ethernet/IPv4 ARP packet, or nil.
func arpHWAddr(b []byte, src bool) []byte {
	if len(b) < 28 || b[4] != 6 || b[5] != 4 {
		return nil
	}
	if src {
		return b[8:14]
	}
	return b[18:24]
}

// summaryLayer is the layer whose summary describes the packet: the top one, skipping trailing Data.
func (p *Packet) summaryLayer() int {
	i := p.N - 1
	for i > 0 && (p.Layers[i].Proto == ProtoData || protocols[p.Layers[i].Proto].summary == nil) {
		i--
	}
	return i
}

// Protocol returns the protocol column: the name of the top decoded layer (Data excepted).
func (p *Packet) Protocol() string {
	if p.N == 0 {
		return ""
	}
	i := p.N - 1
	for i > 0 && p.Layers[i].Proto == ProtoData {
		i--
	}
	// The quoted packet of an ICMP error does not name the frame.
	for i > 0 && p.Layers[i].InError() {
		i--
	}
	return protocols[p.Layers[i].Proto].name
}

// AppendSummary appends the summary (Info) column.
func (p *Packet) AppendSummary(dst []byte) []byte {
	if p.N == 0 {
		if p.Bad.Proto != ProtoNone {
			return append(dst, "[Malformed: "+p.Bad.Reason+"]"...)
		}
		return dst
	}
	i := p.summaryLayer()
	for i > 0 && p.Layers[i].InError() {
		i--
	}
	if f := protocols[p.Layers[i].Proto].summary; f != nil {
		dst = f(p, i, dst)
	}
	if p.Bad.Proto != ProtoNone {
		dst = append(dst, " [Malformed "...)
		dst = append(dst, protocols[p.Bad.Proto].name...)
		dst = append(dst, ": "...)
		dst = append(dst, p.Bad.Reason...)
		dst = append(dst, ']')
	}
	return dst
}
