package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// ARP (RFC 826) and RARP (RFC 903), which share a format and, in Wireshark, a dissector and the filter
// name "arp". Wireshark 4.0's behaviour is followed closely:
//
//   - The packet is 8 + 2·hln + 2·pln bytes long; when the frame is shorter than that, dissection stops
//     after the opcode (the packet is malformed) and neither the Info text nor any address is shown.
//   - Addresses get the typed fields (arp.src.hw_mac, arp.src.proto_ipv4, ...) only for Ethernet
//     hardware (type 1 or 6, 6 bytes) and IPv4 (protocol 0x0800 or 0xcc, 4 bytes); otherwise the raw
//     arp.src.hw / arp.src.proto byte fields. A zero-length address has no field at all.
//   - A request or reply whose sender and target protocol addresses are equal (and not empty) is
//     gratuitous; a gratuitous request whose 6 bytes at the target hardware address are zero is an
//     announcement; a non-gratuitous request whose 4 bytes at the sender protocol address and 6 bytes
//     at the target hardware address are zero is a probe (those reads ignore the address sizes, as
//     Wireshark's do).
//   - Duplicate IP address detection (" (duplicate use of 10.0.0.1 detected!)") needs the decoder's
//     cross-frame state (see matchState in icmp.go).
//
// Wireshark hands two hardware types to dissectors of their own. AX.25 ARP (hardware type 3) has the
// same layout but no gratuitous/probe fields, no DRARP or MARS texts, arp.src.hw_ax25 for 7-byte
// hardware addresses, and shows nothing at all when the frame is too short. ATM ARP (hardware type 19,
// protocol "atmarp") has a layout of its own; only the fixed fields it shares with ARP are shown here.

func init() {
	byEtherType[0x0806] = ProtoARP
	byEtherType[0x8035] = ProtoARP // RARP: Wireshark's ARP dissector, filter "arp"
	register(ProtoARP, protocol{name: "ARP", filter: "arp", long: "Address Resolution Protocol", decode: decodeARP, tree: arpTree, summary: arpSummary})
}

// ARP opcodes.
const (
	arpRequest  = 1
	arpReply    = 2
	arpRRequest = 3
	arpRReply   = 4
	arpDRARPReq = 5
	arpDRARPRep = 6
	arpDRARPErr = 7
	arpIRequest = 8
	arpIReply   = 9
	arpNAK      = 10
)

// Layer.Aux bits of an ARP layer, set by the decoder.
const (
	arpStopped  = 1 << iota // dissection stopped after the fixed header: no Info text, no addresses
	arpGratuit              // gratuitous request or reply
	arpProbe                // ARP probe
	arpAnnounce             // ARP announcement
	arpATM                  // ATM ARP: only the shared fixed fields are decoded
	arpAX25                 // AX.25 ARP (Wireshark's ax25arp dissector)
)

// arpAt is a parsed view of an ARP packet's fixed header, with the offsets of its addresses.
type arpAt struct {
	hrd, pro, op       uint16
	hln, pln           int
	sha, spa, tha, tpa int
	tot                int
}

func arpParse(b []byte) arpAt {
	a := arpAt{hrd: binary.BigEndian.Uint16(b), pro: binary.BigEndian.Uint16(b[2:]), hln: int(b[4]), pln: int(b[5]), op: binary.BigEndian.Uint16(b[6:])}
	a.sha = 8
	a.spa = a.sha + a.hln
	a.tha = a.spa + a.pln
	a.tpa = a.tha + a.hln
	a.tot = a.tpa + a.pln
	return a
}

func (a *arpAt) hwEther() bool  { return (a.hrd == 1 || a.hrd == 6) && a.hln == 6 }
func (a *arpAt) hwAX25() bool   { return a.hrd == 3 && a.hln == 7 }
func (a *arpAt) protoIP4() bool { return (a.pro == 0x0800 || a.pro == 0xcc) && a.pln == 4 }

// arpGetter returns a getter for a value of each ARP layer; need is the number of bytes the value
// reads (a layer cut short lacks it), and addr says the value is one of the addresses, which exist only
// when dissection went past the fixed header.
func arpGetter(need int, addr bool, fn func(a arpAt, b []byte) (field.Value, bool)) getter {
	return layerGetter(ProtoARP, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
		if int(l.Hdr) < need || int(l.Hdr) < 8 && addr || l.Aux&(arpATM|arpAX25) != 0 && l.Aux&arpStopped != 0 {
			return field.Value{}, false
		}
		if addr && l.Aux&(arpStopped|arpATM) != 0 {
			return field.Value{}, false
		}
		var a arpAt
		if len(b) >= 8 {
			a = arpParse(b)
		}
		return fn(a, b[:l.Hdr])
	})
}

// arpFixed is the getter of a fixed header field (offsets 0-7).
func arpFixed(off, n int) getter {
	return arpGetter(off+n, false, func(_ arpAt, b []byte) (field.Value, bool) {
		if n == 1 {
			return field.Value{U: uint64(b[off])}, true
		}
		return field.Value{U: uint64(binary.BigEndian.Uint16(b[off:]))}, true
	})
}

// arpAddr is the getter of an address field: which is 0 for the sender hardware address, 1 sender
// protocol, 2 target hardware, 3 target protocol; typed selects the Ethernet/IPv4 field (true) or the
// raw bytes field (false); ax25 the AX.25 hardware address field.
func arpAddr(which int, typed, ax25 bool) getter {
	return layerGetter(ProtoARP, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
		if l.Hdr < 8 || l.Aux&(arpStopped|arpATM) != 0 {
			return field.Value{}, false
		}
		a := arpParse(b)
		off, n, isTyped := a.addr(which)
		if which&1 == 0 && a.hrd == 3 {
			if ax25 != a.hwAX25() || typed {
				return field.Value{}, false
			}
		} else if ax25 || n == 0 || isTyped != typed {
			return field.Value{}, false
		}
		if n == 0 || off+n > int(l.Hdr) || which == 3 && a.op == arpDRARPErr && l.Aux&arpAX25 == 0 {
			return field.Value{}, false
		}
		v := b[off : off+n : off+n]
		if typed && (which == 1 || which == 3) {
			return field.Value{U: uint64(binary.BigEndian.Uint32(v))}, true
		}
		return field.Value{B: v}, true
	})
}

// addr returns the offset and length of an address and whether it has the typed (MAC/IPv4) field.
func (a *arpAt) addr(which int) (off, n int, typed bool) {
	switch which {
	case 0:
		return a.sha, a.hln, a.hwEther()
	case 1:
		return a.spa, a.pln, a.protoIP4()
	case 2:
		return a.tha, a.hln, a.hwEther()
	}
	return a.tpa, a.pln, a.protoIP4()
}

func arpFlag(bit uint8) getter {
	return layerGetter(ProtoARP, func(_ *Packet, l *Layer, _ []byte) (field.Value, bool) {
		return field.Value{U: 1}, l.Aux&bit != 0 && l.Aux&(arpStopped|arpAX25) == 0
	})
}

var (
	fARP         = reg(field.Info{Abbrev: "arp", Name: "Address Resolution Protocol", Type: field.Protocol}, arpGetter(2, false, func(arpAt, []byte) (field.Value, bool) { return field.Value{}, true }))
	fARPHwType   = reg(field.Info{Abbrev: "arp.hw.type", Name: "Hardware type", Type: field.Uint, Bits: 16, Names: arpHwName}, arpFixed(0, 2))
	fARPProtoTyp = reg(field.Info{Abbrev: "arp.proto.type", Name: "Protocol type", Type: field.Uint, Base: field.Hex, Bits: 16, Names: etherTypeName}, arpFixed(2, 2))
	fARPHwSize   = reg(field.Info{Abbrev: "arp.hw.size", Name: "Hardware size", Type: field.Uint, Bits: 8},
		arpGetter(5, false, func(a arpAt, b []byte) (field.Value, bool) { return field.Value{U: uint64(b[4])}, a.hrd != 19 }))
	fARPProtoSz = reg(field.Info{Abbrev: "arp.proto.size", Name: "Protocol size", Type: field.Uint, Bits: 8},
		arpGetter(6, false, func(a arpAt, b []byte) (field.Value, bool) { return field.Value{U: uint64(b[5])}, a.hrd != 19 }))
	fARPOpcode   = reg(field.Info{Abbrev: "arp.opcode", Name: "Opcode", Type: field.Uint, Bits: 16, Names: arpOpName}, arpFixed(6, 2))
	fARPGratuit  = reg(field.Info{Abbrev: "arp.isgratuitous", Name: "Is gratuitous", Type: field.Bool}, arpFlag(arpGratuit))
	fARPSrcAX25  = reg(field.Info{Abbrev: "arp.src.hw_ax25", Name: "Sender AX.25 address", Type: field.Ether, Blurb: "printed as tshark -T fields prints it: colon-separated bytes"}, arpAddr(0, false, true))
	fARPDstAX25  = reg(field.Info{Abbrev: "arp.dst.hw_ax25", Name: "Target AX.25 address", Type: field.Ether, Blurb: "printed as tshark -T fields prints it: colon-separated bytes"}, arpAddr(2, false, true))
	fARPProbe    = reg(field.Info{Abbrev: "arp.isprobe", Name: "Is probe", Type: field.Bool}, arpFlag(arpProbe))
	fARPAnnounce = reg(field.Info{Abbrev: "arp.isannouncement", Name: "Is announcement", Type: field.Bool}, arpFlag(arpAnnounce))
	fARPSrcHwMAC = reg(field.Info{Abbrev: "arp.src.hw_mac", Name: "Sender MAC address", Type: field.Ether}, arpAddr(0, true, false))
	fARPSrcHw    = reg(field.Info{Abbrev: "arp.src.hw", Name: "Sender hardware address", Type: field.Bytes}, arpAddr(0, false, false))
	fARPSrcIPv4  = reg(field.Info{Abbrev: "arp.src.proto_ipv4", Name: "Sender IP address", Type: field.IPv4}, arpAddr(1, true, false))
	fARPSrcProto = reg(field.Info{Abbrev: "arp.src.proto", Name: "Sender protocol address", Type: field.Bytes}, arpAddr(1, false, false))
	fARPDstHwMAC = reg(field.Info{Abbrev: "arp.dst.hw_mac", Name: "Target MAC address", Type: field.Ether}, arpAddr(2, true, false))
	fARPDstHw    = reg(field.Info{Abbrev: "arp.dst.hw", Name: "Target hardware address", Type: field.Bytes}, arpAddr(2, false, false))
	fARPDstIPv4  = reg(field.Info{Abbrev: "arp.dst.proto_ipv4", Name: "Target IP address", Type: field.IPv4}, arpAddr(3, true, false))
	fARPDstProto = reg(field.Info{Abbrev: "arp.dst.proto", Name: "Target protocol address", Type: field.Bytes}, arpAddr(3, false, false))
	fARPDRARPErr = reg(field.Info{Abbrev: "arp.dst.drarp_error_status", Name: "DRARP error status", Type: field.Uint, Bits: 16, Names: drarpStatusName},
		arpGetter(8, true, func(a arpAt, b []byte) (field.Value, bool) {
			if a.op != arpDRARPErr || a.pln == 0 || a.tpa >= len(b) || a.hrd == 3 {
				return field.Value{}, false
			}
			return field.Value{U: uint64(b[a.tpa])}, true
		}))
	fARPDupFrame = reg(field.Info{Abbrev: "arp.duplicate-address-frame", Name: "Frame showing earlier use of IP address", Type: field.FrameNum},
		arpDupGetter(func(r *matchResult) uint64 { return uint64(r.dupFrame) }))
	fARPDupSecs = reg(field.Info{Abbrev: "arp.seconds-since-duplicate-address-frame", Name: "Seconds since earlier frame seen", Type: field.Uint, Bits: 32},
		arpDupGetter(func(r *matchResult) uint64 { return uint64(r.dupSecs) }))
	fARPDupDetected = reg(field.Info{Abbrev: "arp.duplicate-address-detected", Name: "Duplicate IP address configured", Type: field.Protocol, Present: "1"},
		arpDupGetter(func(*matchResult) uint64 { return 0 }))
)

// arpDupGetter is the getter of a duplicate-address field, from the frame's match result.
func arpDupGetter(fn func(r *matchResult) uint64) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if r := p.matchResult(); r != nil && r.dupSeen {
			if p.Find(ProtoARP) != nil {
				dst = append(dst, field.Value{U: fn(r)})
			}
		}
		return dst
	}
}

func arpHwName(v uint64) string {
	switch v {
	case 0:
		return "NET/ROM pseudo"
	case 1:
		return "Ethernet"
	case 2:
		return "Experimental Ethernet"
	case 3:
		return "AX.25"
	case 4:
		return "ProNET"
	case 5:
		return "Chaos"
	case 6:
		return "IEEE 802"
	case 7:
		return "ARCNET"
	case 8:
		return "Hyperchannel"
	case 9:
		return "Lanstar"
	case 10:
		return "Autonet Short Address"
	case 11:
		return "Localtalk"
	case 12:
		return "LocalNet"
	case 13:
		return "Ultra link"
	case 14:
		return "SMDS"
	case 15:
		return "Frame Relay DLCI"
	case 16:
		return "ATM"
	case 17:
		return "HDLC"
	case 18:
		return "Fibre Channel"
	case 19:
		return "ATM (RFC 2225)"
	case 20:
		return "Serial Line"
	case 21:
		return "ATM"
	case 24:
		return "IEEE 1394.1995"
	case 32:
		return "InfiniBand"
	}
	return ""
}

func arpOpName(v uint64) string {
	switch v {
	case 0, 65535:
		return "reserved"
	case arpRequest:
		return "request"
	case arpReply:
		return "reply"
	case arpRRequest:
		return "reverse request"
	case arpRReply:
		return "reverse reply"
	case arpDRARPReq:
		return "drarp request"
	case arpDRARPRep:
		return "drarp reply"
	case arpDRARPErr:
		return "drarp error"
	case arpIRequest:
		return "inverse request"
	case arpIReply:
		return "inverse reply"
	case arpNAK:
		return "arp nak"
	case 11:
		return "mars request"
	case 12:
		return "mars multi"
	case 13:
		return "mars mserv"
	case 14:
		return "mars join"
	case 15:
		return "mars leave"
	case 16:
		return "mars nak"
	case 17:
		return "mars unserv"
	case 18:
		return "mars sjoin"
	case 19:
		return "mars sleave"
	case 20:
		return "mars grouplist request"
	case 21:
		return "mars grouplist reply"
	case 22:
		return "mars redirect map"
	case 23:
		return "mapos unarp"
	case 24:
		return "experimental 1"
	case 25:
		return "experimental 2"
	}
	return ""
}

func drarpStatusName(v uint64) string {
	switch v {
	case 1:
		return "restricted"
	case 2:
		return "no address"
	case 3:
		return "serverdown"
	case 4:
		return "moved"
	case 5:
		return "failure"
	}
	return ""
}

func decodeARP(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 8 {
		l := p.push(ProtoARP, off, len(b), len(buf), flags|layerTruncated)
		if len(b) >= 2 {
			switch binary.BigEndian.Uint16(b) {
			case 3:
				l.Aux = arpAX25 | arpStopped
			case 19:
				l.Aux = arpATM | arpStopped
			}
		}
		p.malformed(ProtoARP, "shorter than the 8-byte ARP header")
		return ProtoNone, 0
	}
	a := arpParse(b)
	if a.hrd == 19 {
		// ATM ARP: 12-byte header, then addresses whose lengths are in the low 6 bits of the
		// type/length bytes.
		tot := 12 + int(b[4]&0x3f) + int(b[5]&0x3f)
		if len(b) >= 12 {
			tot += int(b[8]) + int(b[9]&0x3f) + int(b[10]&0x3f) + int(b[11])
		}
		l := p.push(ProtoARP, off, min(tot, len(b)), off+min(tot, len(b)), flags)
		l.Aux = arpATM
		if len(b) < tot {
			l.Aux |= arpStopped
			l.Flags |= layerTruncated
			p.malformed(ProtoARP, "ATM ARP packet longer than the frame")
		}
		return ProtoNone, 0
	}
	if a.hrd == 3 {
		// AX.25 ARP: Wireshark's ax25arp shows nothing of a packet longer than the frame.
		if a.tot > len(b) {
			p.push(ProtoARP, off, len(b), len(buf), flags|layerTruncated).Aux = arpAX25 | arpStopped
			p.malformed(ProtoARP, "addresses extend past the end of the frame")
			return ProtoNone, 0
		}
		l := p.push(ProtoARP, off, a.tot, off+a.tot, flags)
		l.Aux = arpAX25
		// Gratuitous when the two protocol addresses print the same (bytes_to_str stops after 36 bytes).
		if k := min(a.pln, 36); (a.op == arpRequest || a.op == arpReply) && string(b[a.spa:a.spa+k]) == string(b[a.tpa:a.tpa+k]) {
			l.Aux |= arpGratuit
		}
		return ProtoNone, 0
	}
	if a.tot > len(b) {
		// Wireshark's tvb_set_reported_length fails: nothing after the opcode is shown.
		l := p.push(ProtoARP, off, len(b), len(buf), flags|layerTruncated)
		l.Aux = arpStopped
		p.malformed(ProtoARP, "addresses extend past the end of the frame")
		return ProtoNone, 0
	}
	// From here on Wireshark's buffer ends with the ARP packet (what follows is padding).
	b = b[:a.tot]
	l := p.push(ProtoARP, off, a.tot, off+a.tot, flags)
	if a.op == arpRequest || a.op == arpReply {
		if a.pln > 0 && string(b[a.spa:a.spa+a.pln]) == string(b[a.tpa:a.tpa+a.pln]) {
			l.Aux |= arpGratuit
			if a.op == arpRequest && zero6(b, a.tha) {
				l.Aux |= arpAnnounce
			}
		} else if a.op == arpRequest && zero6(b, a.tha) && a.spa+4 <= len(b) && binary.BigEndian.Uint32(b[a.spa:]) == 0 {
			// Wireshark compares the 6 bytes at the target hardware address with zeros first, then
			// reads 4 bytes at the sender protocol address, whatever the address sizes.
			l.Aux |= arpProbe
		}
		if a.hwEther() && a.protoIP4() {
			if s := d.matchState(); s != nil {
				s.arpCheck(p, b, &a)
			}
		}
	}
	return ProtoNone, 0
}

// zero6 reports whether the 6 bytes at off are present and zero (Wireshark's tvb_memeql with
// mac_allzero, which fails without an exception when the bytes are missing).
func zero6(b []byte, off int) bool {
	if off+6 > len(b) {
		return false
	}
	for _, c := range b[off : off+6] {
		if c != 0 {
			return false
		}
	}
	return true
}

// appendARPProto appends a protocol address as Wireshark's arpproaddr_to_str writes it.
func appendARPProto(dst []byte, a *arpAt, b []byte, off int) []byte {
	switch {
	case a.pln == 0:
		return append(dst, "<No address>"...)
	case a.protoIP4():
		return field.AppendIPv4(dst, binary.BigEndian.Uint32(b[off:]))
	}
	return appendBytesStr(dst, b[off:off+a.pln])
}

// appendARPHw appends a hardware address as Wireshark's tvb_arphrdaddr_to_str writes it.
func appendARPHw(dst []byte, a *arpAt, b []byte, off int) []byte {
	switch {
	case a.hln == 0:
		return append(dst, "<No address>"...)
	case a.hwEther():
		return field.AppendHexBytes(dst, b[off:off+6], ':')
	}
	return appendBytesStr(dst, b[off:off+a.hln])
}

// appendBytesStr appends bytes as Wireshark's bytes_to_str: plain hex, cut after 36 bytes with "…".
func appendBytesStr(dst []byte, b []byte) []byte {
	if len(b) > 36 {
		return append(field.AppendHexBytes(dst, b[:36], 0), "…"...)
	}
	return field.AppendHexBytes(dst, b, 0)
}

func arpSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	if l.Aux&(arpStopped|arpATM) != 0 || l.Hdr < 8 {
		return dst
	}
	b := p.LayerBytes(l)
	a := arpParse(b)
	if l.Aux&arpAX25 != 0 {
		return ax25ARPSummary(dst, l, &a, b)
	}
	switch a.op {
	case arpRequest:
		switch {
		case l.Aux&arpAnnounce != 0:
			dst = appendARPProto(append(dst, "ARP Announcement for "...), &a, b, a.tpa)
		case l.Aux&arpGratuit != 0:
			dst = appendARPProto(append(dst, "Gratuitous ARP for "...), &a, b, a.tpa)
			dst = append(dst, " (Request)"...)
		case l.Aux&arpProbe != 0:
			dst = appendARPProto(append(dst, "Who has "...), &a, b, a.tpa)
			dst = append(dst, "? (ARP Probe)"...)
		default:
			dst = appendARPProto(append(dst, "Who has "...), &a, b, a.tpa)
			dst = appendARPProto(append(dst, "? Tell "...), &a, b, a.spa)
		}
	case arpReply:
		if l.Aux&arpGratuit != 0 {
			dst = appendARPProto(append(dst, "Gratuitous ARP for "...), &a, b, a.spa)
			dst = append(dst, " (Reply)"...)
		} else {
			dst = appendARPProto(dst, &a, b, a.spa)
			dst = appendARPHw(append(dst, " is at "...), &a, b, a.sha)
		}
	case arpRRequest, arpIRequest, arpDRARPReq:
		dst = appendARPHw(append(dst, "Who is "...), &a, b, a.tha)
		dst = appendARPHw(append(dst, "? Tell "...), &a, b, a.sha)
	case arpRReply, arpDRARPRep:
		dst = appendARPHw(dst, &a, b, a.tha)
		dst = appendARPProto(append(dst, " is at "...), &a, b, a.tpa)
	case arpDRARPErr:
		dst = append(dst, "DRARP Error"...)
	case arpIReply:
		dst = appendARPHw(dst, &a, b, a.sha)
		dst = appendARPProto(append(dst, " is at "...), &a, b, a.spa)
	case arpNAK:
		dst = append(dst, "ARP NAK"...)
	case 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23:
		dst = append(dst, marsInfo[a.op-11]...)
		dst = appendARPHw(append(dst, " from "...), &a, b, a.sha)
		dst = appendARPProto(append(dst, " at "...), &a, b, a.spa)
	case 24, 25:
		dst = append(dst, "Experimental "...)
		dst = strconv.AppendUint(dst, uint64(a.op-23), 10)
		dst = append(dst, " ( opcode "...)
		dst = strconv.AppendUint(dst, uint64(a.op), 10)
		dst = append(dst, " )"...)
	case 0, 65535:
		dst = append(dst, "Reserved opcode "...)
		dst = strconv.AppendUint(dst, uint64(a.op), 10)
	default:
		dst = append(dst, "Unknown ARP opcode "...)
		dst = appendHex16(dst, a.op)
	}
	if r := p.matchResult(); r != nil && r.dupFound {
		dst = append(dst, " (duplicate use of "...)
		dst = field.AppendIPv4(dst, r.dupIP)
		dst = append(dst, " detected!)"...)
	}
	return dst
}

// ax25ARPSummary is the Info text of Wireshark's AX.25 ARP dissector, which knows fewer opcodes.
func ax25ARPSummary(dst []byte, l *Layer, a *arpAt, b []byte) []byte {
	switch a.op {
	case arpRequest:
		if l.Aux&arpGratuit != 0 {
			dst = appendARPProto(append(dst, "Gratuitous ARP for "...), a, b, a.tpa)
			return append(dst, " (Request)"...)
		}
		dst = appendARPProto(append(dst, "Who has "...), a, b, a.tpa)
		return appendARPProto(append(dst, "? Tell "...), a, b, a.spa)
	case arpReply:
		if l.Aux&arpGratuit != 0 {
			dst = appendARPProto(append(dst, "Gratuitous ARP for "...), a, b, a.spa)
			return append(dst, " (Reply)"...)
		}
		dst = appendARPProto(dst, a, b, a.spa)
		return appendARPHw(append(dst, " is at "...), a, b, a.sha)
	case arpRRequest, arpIRequest:
		dst = appendARPHw(append(dst, "Who is "...), a, b, a.tha)
		return appendARPHw(append(dst, "? Tell "...), a, b, a.sha)
	case arpRReply:
		dst = appendARPHw(dst, a, b, a.tha)
		return appendARPProto(append(dst, " is at "...), a, b, a.tpa)
	case arpIReply:
		dst = appendARPHw(dst, a, b, a.sha)
		return appendARPProto(append(dst, " is at "...), a, b, a.spa)
	}
	dst = append(dst, "Unknown ARP opcode "...)
	return appendHex16(dst, a.op)
}

var marsInfo = [...]string{"MARS request", "MARS MULTI request", "MARS MSERV request", "MARS JOIN request", "MARS LEAVE",
	"MARS NAK", "MARS UNSERV request", "MARS SJOIN request", "MARS SLEAVE", "MARS grouplist request",
	"MARS grouplist reply", "MARS redirect map", "MAPOS UNARP request"}

func arpTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	if len(b) < 2 {
		return
	}
	if l.Aux&(arpATM|arpAX25) != 0 && l.Aux&arpStopped != 0 {
		return // Wireshark's ATM and AX.25 ARP dissectors fail before adding anything
	}
	if len(b) < 8 || l.Aux&(arpStopped|arpATM) != 0 {
		title := "Address Resolution Protocol"
		if l.Aux&arpATM != 0 {
			title = "ATM Address Resolution Protocol"
		}
		n := t.Proto(title, "arp", 0, len(b))
		arpFixedTree(t, n, b)
		return
	}
	a := arpParse(b)
	op := arpOpName(uint64(a.op))
	switch {
	case op == "":
		op = "opcode " + string(appendHex16(nil, a.op))
	case l.Aux&arpAnnounce != 0:
		op = "ARP Announcement"
	case l.Aux&arpProbe != 0:
		op = "ARP Probe"
	case l.Aux&arpGratuit != 0 && a.op == arpRequest:
		op = "request/gratuitous ARP"
	case l.Aux&arpGratuit != 0:
		op = "reply/gratuitous ARP"
	}
	n := t.Proto("Address Resolution Protocol ("+op+")", "arp", 0, a.tot)
	arpFixedTree(t, n, b)
	ax25 := l.Aux&arpAX25 != 0
	if l.Aux&arpGratuit != 0 && !ax25 {
		t.Add(n, fARPGratuit, field.Value{U: 1}, 0, 0)
	}
	if l.Aux&arpProbe != 0 {
		t.Add(n, fARPProbe, field.Value{U: 1}, 0, 0)
	}
	if l.Aux&arpAnnounce != 0 {
		t.Add(n, fARPAnnounce, field.Value{U: 1}, 0, 0)
	}
	for which := 0; which < 4; which++ {
		off, ln, typed := a.addr(which)
		if ln == 0 {
			continue
		}
		if which == 3 && a.op == arpDRARPErr && !ax25 {
			t.Add(n, fARPDRARPErr, field.Value{U: uint64(b[off])}, off, 1)
			continue
		}
		v := field.Value{B: b[off : off+ln]}
		if typed && which&1 == 1 {
			v = field.Value{U: uint64(binary.BigEndian.Uint32(b[off:]))}
		}
		id := arpAddrField(which, typed)
		if which&1 == 0 && a.hwAX25() {
			id = [2]field.ID{fARPSrcAX25, fARPDstAX25}[which/2]
		}
		t.Add(n, id, v, off, ln)
	}
	if r := p.matchResult(); r != nil && r.dupSeen {
		mac := string(field.AppendHexBytes(nil, b[a.sha:a.sha+6], ':'))
		if r.dupIP != binary.BigEndian.Uint32(b[a.spa:]) {
			mac = string(field.AppendHexBytes(nil, b[a.tha:a.tha+6], ':'))
		}
		dn := t.Text(n, "[Duplicate IP address detected for "+string(field.AppendIPv4(nil, r.dupIP))+" ("+mac+") - also in use by "+
			string(field.AppendHexBytes(nil, r.dupMAC[:], ':'))+" (frame "+strconv.FormatUint(uint64(r.dupFrame), 10)+")]", 0, 0)
		t.Add(dn, fARPDupFrame, field.Value{U: uint64(r.dupFrame)}, 0, 0)
		t.Expert(dn, "warning", "Duplicate IP address configured ("+string(field.AppendIPv4(nil, r.dupIP))+")")
		t.Add(dn, fARPDupSecs, field.Value{U: uint64(r.dupSecs)}, 0, 0)
	}
}

// arpAddrField returns the field of an address (see arpAddr).
func arpAddrField(which int, typed bool) field.ID {
	if typed {
		return [4]field.ID{fARPSrcHwMAC, fARPSrcIPv4, fARPDstHwMAC, fARPDstIPv4}[which]
	}
	return [4]field.ID{fARPSrcHw, fARPSrcProto, fARPDstHw, fARPDstProto}[which]
}

// arpFixedTree adds the fixed header fields that fit in b.
func arpFixedTree(t *Tree, n *Node, b []byte) {
	if len(b) >= 2 {
		t.Add(n, fARPHwType, field.Value{U: uint64(binary.BigEndian.Uint16(b))}, 0, 2)
	}
	if len(b) >= 4 {
		t.Add(n, fARPProtoTyp, field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, 2, 2)
	}
	atm := binary.BigEndian.Uint16(b) == 19
	if len(b) >= 5 && !atm {
		t.Add(n, fARPHwSize, field.Value{U: uint64(b[4])}, 4, 1)
	}
	if len(b) >= 6 && !atm {
		t.Add(n, fARPProtoSz, field.Value{U: uint64(b[5])}, 5, 1)
	}
	if len(b) >= 8 {
		t.Add(n, fARPOpcode, field.Value{U: uint64(binary.BigEndian.Uint16(b[6:]))}, 6, 2)
	}
}
