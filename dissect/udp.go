package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// UDP (RFC 768). The payload goes to the protocol registered for either port (the lower port first).

func init() {
	byIPProto[17] = ProtoUDP
	register(ProtoUDP, protocol{name: "UDP", filter: "udp", long: "User Datagram Protocol", decode: decodeUDP, tree: udpTree, summary: udpSummary})
}

func udpU16(off int) getter {
	return layerGetter(ProtoUDP, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
		if int(l.Hdr) < off+2 {
			return field.Value{}, false
		}
		return field.Value{U: uint64(binary.BigEndian.Uint16(b[off:]))}, true
	})
}

var (
	fUDP        = reg(field.Info{Abbrev: "udp", Name: "User Datagram Protocol", Type: field.Protocol}, presence(ProtoUDP))
	fUDPSrcPort = reg(field.Info{Abbrev: "udp.srcport", Name: "Source Port", Type: field.Uint, Bits: 16}, udpU16(0))
	fUDPDstPort = reg(field.Info{Abbrev: "udp.dstport", Name: "Destination Port", Type: field.Uint, Bits: 16}, udpU16(2))
	fUDPPort    = reg(field.Info{Abbrev: "udp.port", Name: "Source or Destination Port", Type: field.Uint, Bits: 16}, pairU16(ProtoUDP, 0, 2))
	fUDPStream  = reg(field.Info{Abbrev: "udp.stream", Name: "Stream index", Type: field.Uint, Blurb: "the UDP conversation's number, from 0 in order of first appearance"},
		layerGetter(ProtoUDP, func(p *Packet, l *Layer, _ []byte) (field.Value, bool) {
			c := &p.UDP[l.Aux]
			return field.Value{U: uint64(c.Stream)}, c.Valid
		}))
	fUDPLength   = reg(field.Info{Abbrev: "udp.length", Name: "Length", Type: field.Uint, Bits: 16}, udpU16(4))
	fUDPChecksum = reg(field.Info{Abbrev: "udp.checksum", Name: "Checksum", Type: field.Uint, Base: field.Hex, Bits: 16}, udpU16(6))
	fUDPPayload  = reg(field.Info{Abbrev: "udp.payload", Name: "UDP payload", Type: field.Bytes},
		layerGetter(ProtoUDP, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
			return field.Value{B: b[l.Hdr:]}, len(b) > int(l.Hdr) && !l.InError()
		}))
)

func decodeUDP(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	inErr := flags&layerInError != 0
	if int(p.nUDP) == len(p.UDP) {
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	aux := uint8(p.nUDP)
	p.UDP[aux] = UDPConv{}
	p.nUDP++
	if len(b) < 8 {
		if len(b) >= 4 {
			l := p.push(ProtoUDP, off, len(b), len(buf), flags)
			l.Flags |= layerTruncated
			l.Aux = aux
		}
		if !inErr {
			p.malformed(ProtoUDP, "shorter than the 8-byte UDP header")
		}
		return ProtoNone, 0
	}
	ulen := int(binary.BigEndian.Uint16(b[4:]))
	end := len(buf)
	switch {
	case ulen == 0:
		// Jumbogram or offload: the length is taken from the IP layer.
	case ulen < 8:
		p.push(ProtoUDP, off, 8, off+8, flags).Aux = aux
		if !inErr {
			p.malformed(ProtoUDP, "bad length: below the 8-byte header")
		}
		return ProtoNone, 0
	case off+ulen <= len(buf):
		end = off + ulen
	}
	p.push(ProtoUDP, off, 8, end, flags).Aux = aux
	if off+8 >= end {
		return ProtoNone, 0
	}
	// The payload goes on to its protocol even inside an ICMP error, as in tshark (a quoted DNS query).
	if pr := portProto(&udpPortTab, binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])); pr == ProtoDNS || pr != ProtoNone && !inErr {
		return pr, off + 8
	}
	p.pushData(buf[:end], off+8, flags)
	return ProtoNone, 0
}

func udpSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(b)), 10)
	dst = append(dst, " → "...)
	dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(b[2:])), 10)
	if l.Hdr >= 8 {
		dst = append(dst, " Len="...)
		dst = strconv.AppendInt(dst, max(int64(binary.BigEndian.Uint16(b[4:]))-8, 0), 10)
	}
	return dst
}

func udpTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	sp, dp := binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])
	n := t.Proto("User Datagram Protocol, Src Port: "+strconv.Itoa(int(sp))+", Dst Port: "+strconv.Itoa(int(dp)), "udp", 0, int(l.Hdr))
	t.Add(n, fUDPSrcPort, field.Value{U: uint64(sp)}, 0, 2)
	t.Add(n, fUDPDstPort, field.Value{U: uint64(dp)}, 2, 2)
	if c := &p.UDP[l.Aux]; c.Valid {
		t.Add(n, fUDPStream, field.Value{U: uint64(c.Stream)}, 0, 0)
	}
	if l.Hdr < 8 {
		t.Text(n, "[Header cut short after "+strconv.Itoa(int(l.Hdr))+" bytes]", 0, int(l.Hdr))
		return
	}
	t.Add(n, fUDPLength, field.Value{U: uint64(binary.BigEndian.Uint16(b[4:]))}, 4, 2)
	t.Add(n, fUDPChecksum, field.Value{U: uint64(binary.BigEndian.Uint16(b[6:]))}, 6, 2).Label += " [unverified]"
	if pl := len(b) - 8; pl > 0 && !l.InError() {
		t.Add(n, fUDPPayload, field.Value{B: b[8:]}, 8, pl).Label = "UDP payload (" + strconv.Itoa(pl) + " bytes)"
	}
}
