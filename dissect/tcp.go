package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// TCP (RFC 9293) header and options. Sequence and acknowledgement numbers are shown relative to the
// bases found by conversation tracking (package analysis fills Packet.TCP), as Wireshark does by default;
// without tracking they are raw. The window size is scaled by the shift negotiated in the handshake.
//
// A header cut short (inside an ICMP error, or by the snapshot length) is still decoded as far as it goes:
// each field exists only if its bytes were captured, and the frame is marked malformed unless it is the
// packet quoted by an ICMP error (which routinely holds only 8 bytes of TCP).

func init() {
	byIPProto[6] = ProtoTCP
	register(ProtoTCP, protocol{name: "TCP", filter: "tcp", long: "Transmission Control Protocol", decode: decodeTCP, tree: tcpTree, summary: tcpSummary})
}

// TCP flag bits in the 12-bit flags field.
const (
	TCPFin = 1 << iota
	TCPSyn
	TCPRst
	TCPPsh
	TCPAck
	TCPUrg
	TCPEce
	TCPCwr
	TCPAe
)

// tcpGetter returns a getter for a value computed from a TCP header; need is the number of header bytes
// the value reads (a truncated header lacks it).
func tcpGetter(need int, fn func(p *Packet, l *Layer, h []byte) (uint64, bool)) getter {
	return layerGetter(ProtoTCP, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
		if int(l.Hdr) < need {
			return field.Value{}, false
		}
		u, ok := fn(p, l, b)
		return field.Value{U: u}, ok
	})
}

func tcpU16(off int) getter {
	return tcpGetter(off+2, func(_ *Packet, _ *Layer, h []byte) (uint64, bool) {
		return uint64(binary.BigEndian.Uint16(h[off:])), true
	})
}

func tcpFlag(mask uint16) getter {
	return tcpGetter(14, func(_ *Packet, _ *Layer, h []byte) (uint64, bool) {
		if binary.BigEndian.Uint16(h[12:])&mask != 0 {
			return 1, true
		}
		return 0, true
	})
}

var (
	fTCP        = reg(field.Info{Abbrev: "tcp", Name: "Transmission Control Protocol", Type: field.Protocol}, presence(ProtoTCP))
	fTCPSrcPort = reg(field.Info{Abbrev: "tcp.srcport", Name: "Source Port", Type: field.Uint, Bits: 16}, tcpU16(0))
	fTCPDstPort = reg(field.Info{Abbrev: "tcp.dstport", Name: "Destination Port", Type: field.Uint, Bits: 16}, tcpU16(2))
	fTCPPort    = reg(field.Info{Abbrev: "tcp.port", Name: "Source or Destination Port", Type: field.Uint, Bits: 16}, pairU16(ProtoTCP, 0, 2))
	fTCPStream  = reg(field.Info{Abbrev: "tcp.stream", Name: "Stream index", Type: field.Uint, Blurb: "the TCP conversation's number, from 0 in order of first appearance"},
		tcpGetter(4, func(p *Packet, l *Layer, h []byte) (uint64, bool) {
			c := &p.TCP[l.Aux]
			return uint64(c.Stream), c.Valid
		}))
	fTCPLen = reg(field.Info{Abbrev: "tcp.len", Name: "TCP Segment Len", Type: field.Uint, Blurb: "payload length, by the IP header's length"},
		tcpGetter(13, func(p *Packet, l *Layer, h []byte) (uint64, bool) { return uint64(p.tcpLen(l)), !l.InError() }))
	fTCPSeq = reg(field.Info{Abbrev: "tcp.seq", Name: "Sequence Number", Type: field.Uint, Blurb: "relative to the stream's initial sequence number"},
		tcpGetter(8, func(p *Packet, l *Layer, h []byte) (uint64, bool) { return uint64(p.tcpSeq(l, h)), true }))
	fTCPSeqRaw = reg(field.Info{Abbrev: "tcp.seq_raw", Name: "Sequence Number (raw)", Type: field.Uint},
		tcpGetter(8, func(_ *Packet, _ *Layer, h []byte) (uint64, bool) {
			return uint64(binary.BigEndian.Uint32(h[4:])), true
		}))
	fTCPNxtSeq = reg(field.Info{Abbrev: "tcp.nxtseq", Name: "Next Sequence Number", Type: field.Uint, Blurb: "relative sequence number of the byte after this segment"},
		tcpGetter(14, func(p *Packet, l *Layer, h []byte) (uint64, bool) {
			v, ok := p.tcpNxtSeq(l, h)
			return uint64(v), ok
		}))
	fTCPAck = reg(field.Info{Abbrev: "tcp.ack", Name: "Acknowledgment Number", Type: field.Uint, Blurb: "relative to the other side's initial sequence number when the ACK flag is set"},
		tcpGetter(12, func(p *Packet, l *Layer, h []byte) (uint64, bool) { return uint64(p.tcpAck(l, h)), true }))
	fTCPAckRaw = reg(field.Info{Abbrev: "tcp.ack_raw", Name: "Acknowledgment number (raw)", Type: field.Uint},
		tcpGetter(12, func(_ *Packet, _ *Layer, h []byte) (uint64, bool) {
			return uint64(binary.BigEndian.Uint32(h[8:])), true
		}))
	fTCPHdrLen = reg(field.Info{Abbrev: "tcp.hdr_len", Name: "Header Length", Type: field.Uint, Bits: 8, Blurb: "in bytes"},
		tcpGetter(13, func(_ *Packet, _ *Layer, h []byte) (uint64, bool) { return uint64(h[12]>>4) * 4, true }))
	fTCPFlags = reg(field.Info{Abbrev: "tcp.flags", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 16},
		tcpGetter(14, func(_ *Packet, _ *Layer, h []byte) (uint64, bool) {
			return uint64(binary.BigEndian.Uint16(h[12:]) & 0x0fff), true
		}))
	fTCPFlagRes  = reg(field.Info{Abbrev: "tcp.flags.res", Name: "Reserved", Type: field.Bool}, tcpFlag(0x0e00))
	fTCPFlagAE   = reg(field.Info{Abbrev: "tcp.flags.ns", Name: "Accurate ECN (Nonce)", Type: field.Bool}, tcpFlag(TCPAe))
	fTCPFlagCWR  = reg(field.Info{Abbrev: "tcp.flags.cwr", Name: "Congestion Window Reduced", Type: field.Bool}, tcpFlag(TCPCwr))
	fTCPFlagECE  = reg(field.Info{Abbrev: "tcp.flags.ecn", Name: "ECN-Echo", Type: field.Bool}, tcpFlag(TCPEce))
	fTCPFlagURG  = reg(field.Info{Abbrev: "tcp.flags.urg", Name: "Urgent", Type: field.Bool}, tcpFlag(TCPUrg))
	fTCPFlagACK  = reg(field.Info{Abbrev: "tcp.flags.ack", Name: "Acknowledgment", Type: field.Bool}, tcpFlag(TCPAck))
	fTCPFlagPSH  = reg(field.Info{Abbrev: "tcp.flags.push", Name: "Push", Type: field.Bool}, tcpFlag(TCPPsh))
	fTCPFlagRST  = reg(field.Info{Abbrev: "tcp.flags.reset", Name: "Reset", Type: field.Bool}, tcpFlag(TCPRst))
	fTCPFlagSYN  = reg(field.Info{Abbrev: "tcp.flags.syn", Name: "Syn", Type: field.Bool}, tcpFlag(TCPSyn))
	fTCPFlagFIN  = reg(field.Info{Abbrev: "tcp.flags.fin", Name: "Fin", Type: field.Bool}, tcpFlag(TCPFin))
	fTCPFlagsStr = reg(field.Info{Abbrev: "tcp.flags.str", Name: "TCP Flags", Type: field.String, Blurb: "the flags as Wireshark's 12-character string"},
		layerGetter(ProtoTCP, func(p *Packet, l *Layer, h []byte) (field.Value, bool) {
			if l.Hdr < 14 {
				return field.Value{}, false
			}
			return field.Value{B: appendWSFlags(p.alloc(0)[:0:0], binary.BigEndian.Uint16(h[12:]))}, true
		}))
	fTCPWinValue = reg(field.Info{Abbrev: "tcp.window_size_value", Name: "Window", Type: field.Uint, Bits: 16, Blurb: "the raw window field"}, tcpU16(14))
	fTCPWinSize  = reg(field.Info{Abbrev: "tcp.window_size", Name: "Calculated window size", Type: field.Uint, Blurb: "the window field scaled by the negotiated shift"},
		tcpGetter(16, func(p *Packet, l *Layer, h []byte) (uint64, bool) { return uint64(p.tcpWindow(l, h)), true }))
	fTCPWinScale = reg(field.Info{Abbrev: "tcp.window_size_scalefactor", Name: "Window size scaling factor", Type: field.Int, Blurb: "-1: unknown, -2: no scaling"},
		tcpGetter(16, func(p *Packet, l *Layer, h []byte) (uint64, bool) {
			v, ok := p.tcpScaleFactor(l)
			return uint64(v), ok
		}))
	fTCPChecksum = reg(field.Info{Abbrev: "tcp.checksum", Name: "Checksum", Type: field.Uint, Base: field.Hex, Bits: 16}, tcpU16(16))
	fTCPUrgPtr   = reg(field.Info{Abbrev: "tcp.urgent_pointer", Name: "Urgent Pointer", Type: field.Uint, Bits: 16}, tcpU16(18))
	fTCPOptions  = reg(field.Info{Abbrev: "tcp.options", Name: "Options", Type: field.Bytes},
		layerGetter(ProtoTCP, func(_ *Packet, l *Layer, h []byte) (field.Value, bool) {
			if l.Hdr <= 20 {
				return field.Value{}, false
			}
			return field.Value{B: h[20:l.Hdr]}, true
		}))
	fTCPOptKind = reg(field.Info{Abbrev: "tcp.option_kind", Name: "Kind", Type: field.Uint, Bits: 8, Names: tcpOptName}, tcpOptGetter(-1, func(h []byte) uint64 { return uint64(h[0]) }))
	fTCPOptLen  = reg(field.Info{Abbrev: "tcp.option_len", Name: "Length", Type: field.Uint, Bits: 8},
		tcpOptGetter(-2, func(h []byte) uint64 { return uint64(len(h)) }))
	fTCPMSS     = reg(field.Info{Abbrev: "tcp.options.mss_val", Name: "MSS Value", Type: field.Uint, Bits: 16}, tcpOptGetter(2, func(h []byte) uint64 { return uint64(binary.BigEndian.Uint16(h[2:])) }))
	fTCPWSShift = reg(field.Info{Abbrev: "tcp.options.wscale.shift", Name: "Shift count", Type: field.Uint, Bits: 8}, tcpOptGetter(3, func(h []byte) uint64 { return uint64(h[2]) }))
	fTCPWSMult  = reg(field.Info{Abbrev: "tcp.options.wscale.multiplier", Name: "Multiplier", Type: field.Uint, Bits: 16},
		tcpOptGetter(3, func(h []byte) uint64 { return 1 << min(uint64(h[2]), 14) }))
	fTCPSackPerm = reg(field.Info{Abbrev: "tcp.options.sack_perm", Name: "TCP SACK Permitted Option", Type: field.Protocol}, tcpOptGetter(4, func(h []byte) uint64 { return 0 }))
	fTCPSackLE   = reg(field.Info{Abbrev: "tcp.options.sack_le", Name: "left edge", Type: field.Uint, Blurb: "relative"}, tcpSackGetter(0))
	fTCPSackRE   = reg(field.Info{Abbrev: "tcp.options.sack_re", Name: "right edge", Type: field.Uint, Blurb: "relative"}, tcpSackGetter(4))
	fTCPTSVal    = reg(field.Info{Abbrev: "tcp.options.timestamp.tsval", Name: "Timestamp value", Type: field.Uint}, tcpOptGetter(8, func(h []byte) uint64 { return uint64(binary.BigEndian.Uint32(h[2:])) }))
	fTCPTSEcr    = reg(field.Info{Abbrev: "tcp.options.timestamp.tsecr", Name: "Timestamp echo reply", Type: field.Uint}, tcpOptGetter(8, func(h []byte) uint64 { return uint64(binary.BigEndian.Uint32(h[6:])) }))
	fTCPPayload  = reg(field.Info{Abbrev: "tcp.payload", Name: "TCP payload", Type: field.Bytes},
		layerGetter(ProtoTCP, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
			pl := b[l.Hdr:]
			return field.Value{B: pl}, len(pl) > 0 && !l.InError()
		}))
)

// tcpOptGetter returns a getter for a value of each TCP option of this kind (a valid length is checked);
// kind -1 means every option, -2 every option that has a length byte.
func tcpOptGetter(kind int, fn func(opt []byte) uint64) getter {
	return multiGetter(ProtoTCP, func(_ *Packet, l *Layer, h []byte, dst []field.Value) []field.Value {
		walkTCPOptions(h[:l.Hdr], func(k byte, opt []byte) {
			if kind == -1 || kind == -2 && len(opt) > 1 || int(k) == kind && tcpOptLenOK(k, len(opt)) {
				dst = append(dst, field.Value{U: fn(opt)})
			}
		})
		return dst
	})
}

func tcpSackGetter(at int) getter {
	return multiGetter(ProtoTCP, func(p *Packet, l *Layer, h []byte, dst []field.Value) []field.Value {
		walkTCPOptions(h[:l.Hdr], func(k byte, opt []byte) {
			if k != 5 {
				return
			}
			for o := 2; o+8 <= len(opt); o += 8 {
				dst = append(dst, field.Value{U: uint64(binary.BigEndian.Uint32(opt[o+at:]) - p.TCP[l.Aux].ackBase())})
			}
		})
		return dst
	})
}

func (c *TCPConv) ackBase() uint32 {
	if c.Valid {
		return c.AckBase
	}
	return 0
}

// tcpOptLenOK reports whether an option of kind k has its expected length.
func tcpOptLenOK(k byte, n int) bool {
	switch k {
	case 2:
		return n == 4
	case 3:
		return n == 3
	case 4:
		return n == 2
	case 5:
		return n >= 2 && (n-2)%8 == 0
	case 8:
		return n == 10
	}
	return true
}

// walkTCPOptions calls fn for each option in the header h (kind and the option's bytes, kind and length
// included). It stops at End of Option List or at a length that does not fit.
func walkTCPOptions(h []byte, fn func(kind byte, opt []byte)) {
	for off := 20; ; {
		end := tcpOptionEnd(h, off)
		if end < 0 {
			return
		}
		k := h[off]
		fn(k, h[off:end])
		if k == 0 {
			return
		}
		off = end
	}
}

// tcpOptionEnd returns where the option at offset off of the TCP header h ends, or -1 when there is none
// (the header ends, or a length does not fit). End of Option List and No-Operation take one byte.
func tcpOptionEnd(h []byte, off int) int {
	if off >= len(h) {
		return -1
	}
	if h[off] <= 1 {
		return off + 1
	}
	if off+1 >= len(h) {
		return -1
	}
	if n := int(h[off+1]); n >= 2 && off+n <= len(h) {
		return off + n
	}
	return -1
}

func tcpOptName(v uint64) string {
	switch v {
	case 0:
		return "End of Option List (EOL)"
	case 1:
		return "No-Operation (NOP)"
	case 2:
		return "Maximum segment size"
	case 3:
		return "Window scale"
	case 4:
		return "SACK permitted"
	case 5:
		return "SACK"
	case 8:
		return "Time stamp"
	case 19:
		return "MD5 signature"
	case 28:
		return "User Timeout"
	case 29:
		return "TCP Authentication Option"
	case 30:
		return "Multipath TCP"
	case 34:
		return "TCP Fast Open Cookie"
	}
	return ""
}

// tcpLen is the payload length by the IP header's length (not the captured bytes).
func (p *Packet) tcpLen(l *Layer) int {
	for i := 0; i < p.N; i++ {
		if &p.Layers[i] == l {
			return p.TCPPayloadLenAt(i)
		}
	}
	return int(l.End - l.Off - l.Hdr)
}

// TCPPayloadLenAt is TCPPayloadLen of layer i (a TCP layer), for a caller that knows the layer's index.
func (p *Packet) TCPPayloadLenAt(i int) int {
	l := &p.Layers[i]
	if rep, ok := p.ipReportedLen(i); ok {
		return max(rep-int(l.Hdr), 0)
	}
	return int(l.End - l.Off - l.Hdr)
}

func (p *Packet) tcpSeq(l *Layer, h []byte) uint32 {
	s := binary.BigEndian.Uint32(h[4:])
	if c := &p.TCP[l.Aux]; c.Valid {
		return s - c.SeqBase
	}
	return s
}

func (p *Packet) tcpAck(l *Layer, h []byte) uint32 {
	a := binary.BigEndian.Uint32(h[8:])
	if c := &p.TCP[l.Aux]; c.Valid && len(h) >= 14 && binary.BigEndian.Uint16(h[12:])&TCPAck != 0 {
		return a - c.AckBase
	}
	return a
}

// tcpNxtSeq is the relative sequence number after this segment (tshark shows it on every segment).
func (p *Packet) tcpNxtSeq(l *Layer, h []byte) (uint32, bool) {
	n := p.tcpLen(l)
	if binary.BigEndian.Uint16(h[12:])&(TCPSyn|TCPFin) != 0 {
		n++
	}
	return p.tcpSeq(l, h) + uint32(n), !l.InError()
}

// tcpScaleFactor is the window scaling factor shown for this segment: -1 unknown, -2 no scaling, else the
// multiplier. It is absent on a SYN and without conversation tracking.
func (p *Packet) tcpScaleFactor(l *Layer) (int64, bool) {
	c := &p.TCP[l.Aux]
	if !c.Valid || !c.WinApply || l.InError() {
		return 0, false
	}
	if c.WinScale < 0 {
		return int64(c.WinScale), true
	}
	return 1 << uint(c.WinScale), true
}

func (p *Packet) tcpWindow(l *Layer, h []byte) uint32 {
	w := uint32(binary.BigEndian.Uint16(h[14:]))
	if c := &p.TCP[l.Aux]; c.Valid && c.WinApply && c.WinScale >= 0 {
		return w << uint(c.WinScale)
	}
	return w
}

func decodeTCP(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	inErr := flags&layerInError != 0
	if int(p.nTCP) == len(p.TCP) {
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	aux := uint8(p.nTCP)
	p.TCP[aux] = TCPConv{}
	p.nTCP++
	if len(b) < 20 {
		if len(b) >= 4 {
			l := p.push(ProtoTCP, off, len(b), len(buf), flags)
			l.Aux = aux
			l.Flags |= layerTruncated
		}
		if !inErr {
			p.malformed(ProtoTCP, "header cut short: fewer than 20 bytes")
		}
		return ProtoNone, 0
	}
	hl := int(b[12]>>4) * 4
	if hl < 20 {
		l := p.push(ProtoTCP, off, 20, off+20, flags)
		l.Aux = aux
		p.malformed(ProtoTCP, "bogus header length: below 20 bytes")
		return ProtoNone, 0
	}
	if hl > len(b) {
		l := p.push(ProtoTCP, off, len(b), len(buf), flags)
		l.Aux = aux
		l.Flags |= layerTruncated
		if !inErr {
			p.malformed(ProtoTCP, "header cut short: options extend past the captured bytes")
		}
		return ProtoNone, 0
	}
	l := p.push(ProtoTCP, off, hl, len(buf), flags)
	l.Aux = aux
	if inErr || off+hl >= len(buf) {
		return ProtoNone, 0
	}
	sp, dp := binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])
	if pr := portProto(&tcpPortTab, sp, dp); pr != ProtoNone {
		return pr, off + hl
	}
	p.pushData(buf, off+hl, flags)
	return ProtoNone, 0
}

// portProto looks both ports up in a port table, the lower port first, as Wireshark tries them.
func portProto(tab *[1 << 16]Proto, a, b uint16) Proto {
	if a > b {
		a, b = b, a
	}
	if pr := tab[a]; pr != ProtoNone {
		return pr
	}
	return tab[b]
}

// appendMAFlags appends the flags as Message Analyzer's 8-character string: CWR ECE URG ACK PSH RST SYN FIN,
// a letter where set and '.' where not ("...A.R.." is RST+ACK).
func appendMAFlags(dst []byte, fl uint16) []byte {
	const letters = "CEUAPRSF"
	for i := 0; i < 8; i++ {
		if fl&(0x80>>i) != 0 {
			dst = append(dst, letters[i])
		} else {
			dst = append(dst, '.')
		}
	}
	return dst
}

// appendWSFlags appends Wireshark's tcp.flags.str: 12 characters, reserved bits first ("·······A··S·").
func appendWSFlags(dst []byte, fl uint16) []byte {
	const letters = "RRRNCEUAPRSF"
	for i := 0; i < 12; i++ {
		if fl&(0x800>>i) != 0 {
			dst = append(dst, letters[i])
		} else {
			dst = append(dst, "·"...)
		}
	}
	return dst
}

func tcpSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	h := p.LayerBytes(l)
	dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(h)), 10)
	dst = append(dst, " → "...)
	dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(h[2:])), 10)
	if l.Hdr < 20 {
		return append(dst, " [header cut short]"...)
	}
	fl := binary.BigEndian.Uint16(h[12:])
	dst = append(dst, " Flags: "...)
	dst = appendMAFlags(dst, fl)
	dst = append(dst, " Seq="...)
	dst = strconv.AppendUint(dst, uint64(p.tcpSeq(l, h)), 10)
	if fl&TCPAck != 0 {
		dst = append(dst, " Ack="...)
		dst = strconv.AppendUint(dst, uint64(p.tcpAck(l, h)), 10)
	}
	dst = append(dst, " Win="...)
	dst = strconv.AppendUint(dst, uint64(p.tcpWindow(l, h)), 10)
	dst = append(dst, " Len="...)
	dst = strconv.AppendUint(dst, uint64(p.tcpLen(l)), 10)
	walkTCPOptions(h[:l.Hdr], func(k byte, opt []byte) {
		if !tcpOptLenOK(k, len(opt)) {
			return
		}
		switch k {
		case 2:
			dst = append(dst, " MSS="...)
			dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(opt[2:])), 10)
		case 3:
			dst = append(dst, " WS="...)
			dst = strconv.AppendUint(dst, 1<<min(uint64(opt[2]), 14), 10)
		case 4:
			dst = append(dst, " SACK_PERM"...)
		case 5:
			base := p.TCP[l.Aux].ackBase()
			for o := 2; o+8 <= len(opt); o += 8 {
				dst = append(dst, " SLE="...)
				dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint32(opt[o:])-base), 10)
				dst = append(dst, " SRE="...)
				dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint32(opt[o+4:])-base), 10)
			}
		case 8:
			dst = append(dst, " TSval="...)
			dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint32(opt[2:])), 10)
			dst = append(dst, " TSecr="...)
			dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint32(opt[6:])), 10)
		}
	})
	return dst
}

func tcpFlagNames(fl uint16) string {
	names := []string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"}
	s := ""
	for i := len(names) - 1; i >= 0; i-- {
		if fl&(1<<i) != 0 {
			if s != "" {
				s += ", "
			}
			s += names[i]
		}
	}
	return s
}

func tcpTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	h := p.LayerBytes(l)
	hl := int(l.Hdr)
	sp, dp := binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])
	title := "Transmission Control Protocol, Src Port: " + strconv.Itoa(int(sp)) + ", Dst Port: " + strconv.Itoa(int(dp))
	if hl >= 14 {
		title += ", Seq: " + strconv.FormatUint(uint64(p.tcpSeq(l, h)), 10)
		if binary.BigEndian.Uint16(h[12:])&TCPAck != 0 {
			title += ", Ack: " + strconv.FormatUint(uint64(p.tcpAck(l, h)), 10)
		}
		if !l.InError() {
			title += ", Len: " + strconv.Itoa(p.tcpLen(l))
		}
	}
	n := t.Proto(title, "tcp", 0, hl)
	t.Add(n, fTCPSrcPort, field.Value{U: uint64(sp)}, 0, 2)
	t.Add(n, fTCPDstPort, field.Value{U: uint64(dp)}, 2, 2)
	if c := &p.TCP[l.Aux]; c.Valid {
		t.Add(n, fTCPStream, field.Value{U: uint64(c.Stream)}, 0, 0)
	}
	if hl < 8 {
		t.Text(n, "[Header cut short after "+strconv.Itoa(hl)+" bytes]", 0, hl)
		return
	}
	if hl >= 13 && !l.InError() {
		t.Add(n, fTCPLen, field.Value{U: uint64(p.tcpLen(l))}, 0, 0)
	}
	t.Add(n, fTCPSeq, field.Value{U: uint64(p.tcpSeq(l, h))}, 4, 4).Label = "Sequence Number: " + strconv.FormatUint(uint64(p.tcpSeq(l, h)), 10) + map[bool]string{true: "    (relative sequence number)", false: ""}[p.TCP[l.Aux].Valid]
	if !l.InError() {
		t.Add(n, fTCPSeqRaw, field.Value{U: uint64(binary.BigEndian.Uint32(h[4:]))}, 4, 4)
	}
	if hl < 20 {
		t.Text(n, "[Header cut short after "+strconv.Itoa(hl)+" bytes]", 0, hl)
		return
	}
	fl := binary.BigEndian.Uint16(h[12:])
	if v, ok := p.tcpNxtSeq(l, h); ok {
		t.Add(n, fTCPNxtSeq, field.Value{U: uint64(v)}, 0, 0)
	}
	t.Add(n, fTCPAck, field.Value{U: uint64(p.tcpAck(l, h))}, 8, 4)
	t.Add(n, fTCPAckRaw, field.Value{U: uint64(binary.BigEndian.Uint32(h[8:]))}, 8, 4)
	t.Add(n, fTCPHdrLen, field.Value{U: uint64(hl)}, 12, 1).Label = "Header Length: " + strconv.Itoa(hl) + " bytes (" + strconv.Itoa(hl/4) + ")"
	fn := t.AddLabel(n, fTCPFlags, field.Value{U: uint64(fl & 0xfff)}, "Flags: "+string(appendHex16(nil, fl&0xfff))+" ("+tcpFlagNames(fl)+")", 12, 2)
	t.Add(fn, fTCPFlagRes, field.Value{U: b2u(fl&0x0e00 != 0)}, 12, 1)
	t.Add(fn, fTCPFlagAE, field.Value{U: b2u(fl&TCPAe != 0)}, 12, 1)
	t.Add(fn, fTCPFlagCWR, field.Value{U: b2u(fl&TCPCwr != 0)}, 13, 1)
	t.Add(fn, fTCPFlagECE, field.Value{U: b2u(fl&TCPEce != 0)}, 13, 1)
	t.Add(fn, fTCPFlagURG, field.Value{U: b2u(fl&TCPUrg != 0)}, 13, 1)
	t.Add(fn, fTCPFlagACK, field.Value{U: b2u(fl&TCPAck != 0)}, 13, 1)
	t.Add(fn, fTCPFlagPSH, field.Value{U: b2u(fl&TCPPsh != 0)}, 13, 1)
	t.Add(fn, fTCPFlagRST, field.Value{U: b2u(fl&TCPRst != 0)}, 13, 1)
	t.Add(fn, fTCPFlagSYN, field.Value{U: b2u(fl&TCPSyn != 0)}, 13, 1)
	t.Add(fn, fTCPFlagFIN, field.Value{U: b2u(fl&TCPFin != 0)}, 13, 1)
	t.Add(fn, fTCPFlagsStr, field.Value{B: appendWSFlags(nil, fl)}, 12, 2)
	t.Add(n, fTCPWinValue, field.Value{U: uint64(binary.BigEndian.Uint16(h[14:]))}, 14, 2)
	t.Add(n, fTCPWinSize, field.Value{U: uint64(p.tcpWindow(l, h))}, 14, 2)
	if v, ok := p.tcpScaleFactor(l); ok {
		t.Add(n, fTCPWinScale, field.Value{U: uint64(v)}, 0, 0)
	}
	t.Add(n, fTCPChecksum, field.Value{U: uint64(binary.BigEndian.Uint16(h[16:]))}, 16, 2).Label += " [unverified]"
	t.Add(n, fTCPUrgPtr, field.Value{U: uint64(binary.BigEndian.Uint16(h[18:]))}, 18, 2)
	if hl > 20 {
		on := t.AddLabel(n, fTCPOptions, field.Value{B: h[20:hl]}, "Options: ("+strconv.Itoa(hl-20)+" bytes)", 20, hl-20)
		walkTCPOptions(h[:hl], func(k byte, opt []byte) {
			tcpOptionTree(p, l, t, on, k, opt, optOffset(h[:hl], opt))
		})
	}
	tcpAnalysisTree(p, l, t, n)
	if pl := int(l.End - l.Off - int32(hl)); pl > 0 && !l.InError() {
		t.Add(n, fTCPPayload, field.Value{B: h[hl:]}, hl, pl).Label = "TCP payload (" + strconv.Itoa(pl) + " bytes)"
	}
}

// optOffset is the offset of opt, a sub-slice of h, in h.
func optOffset(h, opt []byte) int {
	return cap(h) - cap(opt)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func tcpOptionTree(p *Packet, l *Layer, t *Tree, parent *Node, k byte, opt []byte, off int) {
	name := tcpOptName(uint64(k))
	if name == "" {
		name = "Unknown option"
	}
	label := "TCP Option - " + name
	ok := tcpOptLenOK(k, len(opt))
	switch {
	case k == 2 && ok:
		label += ": " + strconv.Itoa(int(binary.BigEndian.Uint16(opt[2:]))) + " bytes"
	case k == 3 && ok:
		label += ": " + strconv.Itoa(int(opt[2])) + " (multiply by " + strconv.Itoa(1<<min(int(opt[2]), 14)) + ")"
	case k == 8 && ok:
		label += ": TSval " + strconv.FormatUint(uint64(binary.BigEndian.Uint32(opt[2:])), 10) + ", TSecr " + strconv.FormatUint(uint64(binary.BigEndian.Uint32(opt[6:])), 10)
	case k == 5 && ok:
		base := p.TCP[l.Aux].ackBase()
		for o := 2; o+8 <= len(opt); o += 8 {
			label += " " + strconv.FormatUint(uint64(binary.BigEndian.Uint32(opt[o:])-base), 10) + "-" + strconv.FormatUint(uint64(binary.BigEndian.Uint32(opt[o+4:])-base), 10)
		}
	case !ok:
		label += " (bad length " + strconv.Itoa(len(opt)) + "): " + string(field.AppendHexBytes(nil, opt, 0))
	case tcpOptName(uint64(k)) == "" || k > 8:
		label += " (kind " + strconv.Itoa(int(k)) + ", " + strconv.Itoa(len(opt)) + " bytes): " + string(field.AppendHexBytes(nil, opt, 0))
	}
	on := t.Text(parent, label, off, len(opt))
	t.Add(on, fTCPOptKind, field.Value{U: uint64(k)}, off, 1)
	if len(opt) > 1 {
		t.Add(on, fTCPOptLen, field.Value{U: uint64(len(opt))}, off+1, 1)
	}
	if !ok {
		return
	}
	switch k {
	case 2:
		t.Add(on, fTCPMSS, field.Value{U: uint64(binary.BigEndian.Uint16(opt[2:]))}, off+2, 2)
	case 3:
		t.Add(on, fTCPWSShift, field.Value{U: uint64(opt[2])}, off+2, 1)
		t.Add(on, fTCPWSMult, field.Value{U: 1 << min(uint64(opt[2]), 14)}, off+2, 1)
	case 4:
		t.Add(on, fTCPSackPerm, field.Value{}, off, 2).Label = "TCP SACK Permitted Option: True"
	case 5:
		base := p.TCP[l.Aux].ackBase()
		for o := 2; o+8 <= len(opt); o += 8 {
			t.Add(on, fTCPSackLE, field.Value{U: uint64(binary.BigEndian.Uint32(opt[o:]) - base)}, off+o, 4)
			t.Add(on, fTCPSackRE, field.Value{U: uint64(binary.BigEndian.Uint32(opt[o+4:]) - base)}, off+o+4, 4)
		}
	case 8:
		t.Add(on, fTCPTSVal, field.Value{U: uint64(binary.BigEndian.Uint32(opt[2:]))}, off+2, 4)
		t.Add(on, fTCPTSEcr, field.Value{U: uint64(binary.BigEndian.Uint32(opt[6:]))}, off+6, 4)
	}
}

// FindTCPOption returns the first option of this kind (one with a length byte: 2 and above) in the TCP
// header h (kind and length bytes included) when its length is valid for the kind, or nil.
func FindTCPOption(h []byte, kind byte) []byte {
	if len(h) <= 20 {
		return nil // no options
	}
	if len(h) == 32 && kind != 8 && h[20] == 1 && h[21] == 1 && h[22] == 8 && h[23] == 10 {
		return nil // NOP, NOP, timestamps: what most segments carry, and nothing else
	}
	// walkTCPOptions' walk without its function call per option: the tracker looks for SACK blocks in
	// every segment and for the window scale in every SYN, and the calls cost more than the search.
	for off := 20; ; {
		end := tcpOptionEnd(h, off)
		if end < 0 {
			return nil
		}
		if k := h[off]; k == kind && tcpOptLenOK(k, end-off) {
			return h[off:end]
		} else if k == 0 {
			return nil
		}
		off = end
	}
}

// NetAddrs returns the source and destination addresses of the IP layer below layer i (4 or 16 bytes
// each), or nil if there is none.
func (p *Packet) NetAddrs(i int) (src, dst []byte) {
	for j := i - 1; j >= 0; j-- {
		l := &p.Layers[j]
		b := p.LayerBytes(l)
		switch l.Proto {
		case ProtoIPv4:
			return b[12:16], b[16:20]
		case ProtoIPv6:
			return b[8:24], b[24:40]
		}
	}
	return nil, nil
}
