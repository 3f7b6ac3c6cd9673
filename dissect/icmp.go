package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// ICMP (RFC 792, 1191, 1256, 4884, 8335), as Wireshark 4.0 dissects it.
//
// Fields exist only as far as the message's bytes go, in Wireshark's order: a message shorter than 6
// bytes shows nothing at all (Wireshark reads the RFC 4884 length byte first), and a message cut short
// before the fields its type calls for is malformed (unless it is quoted inside an ICMP error, or the
// capture's snapshot length cut it).
//
// The error messages (3 destination unreachable, 4 source quench, 5 redirect, 11 time exceeded,
// 12 parameter problem) quote the start of the offending datagram after their 8-byte header; it is
// decoded as nested IPv4 (or IPv6) layers flagged layerInError, so that ip.src, udp.srcport and so on
// hold both the outer and the quoted values, as in tshark. The ICMP layer itself is not flagged: it is the
// packet's own protocol (the Protocol and Info columns skip the flagged layers).
//
// RFC 4884 / 4950 / 5837 / 8335 extension objects are walked for their headers, MPLS label stacks and
// raw data; interface information and identification objects are shown raw.
//
// Echo request/reply matching (icmp.resp_to, " (request in 3)") needs state kept across frames; see
// matchState below.

func init() {
	byIPProto[1] = ProtoICMP
	register(ProtoICMP, protocol{name: "ICMP", filter: "icmp", long: "Internet Control Message Protocol", decode: decodeICMP, tree: icmpTree, summary: icmpSummary})
}

// ICMP message types with fields of their own.
const (
	icmpEchoReply  = 0
	icmpUnreach    = 3
	icmpQuench     = 4
	icmpRedirect   = 5
	icmpAltHost    = 6
	icmpEcho       = 8
	icmpRtrAdvert  = 9
	icmpTimeExceed = 11
	icmpParamProb  = 12
	icmpTstamp     = 13
	icmpTstampRep  = 14
	icmpIReq       = 15
	icmpIReqRep    = 16
	icmpMaskReq    = 17
	icmpMaskRep    = 18
	icmpPhoturis   = 40
	icmpExtEcho    = 42
	icmpExtEchoRep = 43
)

// Checksum status values, as Wireshark's proto_checksum_vals.
const (
	cksumBad        = 0
	cksumGood       = 1
	cksumUnverified = 2
	cksumNotPresent = 3
)

func checksumStatusName(v uint64) string {
	switch v {
	case cksumBad:
		return "Bad"
	case cksumGood:
		return "Good"
	case cksumUnverified:
		return "Unverified"
	case cksumNotPresent:
		return "Not present"
	}
	return ""
}

// icmpGetter returns a getter for a value of each ICMP layer that is at least need bytes long.
func icmpGetter(need int, fn func(p *Packet, l *Layer, b []byte) (field.Value, bool)) getter {
	return layerGetter(ProtoICMP, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
		if len(b) < need || len(b) < 6 {
			return field.Value{}, false
		}
		return fn(p, l, b)
	})
}

// icmpU16Of is a getter of a 16-bit field at off of the ICMP types for which ok returns true.
func icmpU16Of(off int, le bool, ok func(t, code byte) bool) getter {
	return icmpGetter(off+2, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		if !ok(b[0], b[1]) {
			return field.Value{}, false
		}
		if le {
			return field.Value{U: uint64(binary.LittleEndian.Uint16(b[off:]))}, true
		}
		return field.Value{U: uint64(binary.BigEndian.Uint16(b[off:]))}, true
	})
}

// icmpHasIdent reports whether a type carries the identifier (and, but for the extended echo types, the
// sequence number) in its second word.
func icmpHasIdent(t, _ byte) bool {
	switch t {
	case icmpEchoReply, icmpEcho, icmpTstamp, icmpTstampRep, icmpIReq, icmpIReqRep, icmpMaskReq, icmpMaskRep, icmpExtEcho, icmpExtEchoRep:
		return true
	}
	return false
}

func icmpHasSeq(t, c byte) bool { return icmpHasIdent(t, c) && t != icmpExtEcho && t != icmpExtEchoRep }

// icmpUnused returns the spans of the second word Wireshark shows as icmp.unused for this message.
func icmpUnused(b []byte) (spans [2][2]int, n int) {
	t, code, ln := b[0], b[1], b[5]
	switch t {
	case icmpUnreach:
		switch {
		case ln > 0 && code == 4:
			return [2][2]int{{4, 1}}, 1
		case ln > 0:
			return [2][2]int{{4, 1}, {6, 2}}, 2
		case code == 4:
			return [2][2]int{{4, 2}}, 1
		}
		return [2][2]int{{4, 4}}, 1
	case icmpTimeExceed:
		if ln > 0 {
			return [2][2]int{{4, 1}, {6, 2}}, 2
		}
		return [2][2]int{{4, 4}}, 1
	case icmpParamProb:
		if ln > 0 {
			return [2][2]int{{6, 2}}, 1
		}
		return [2][2]int{{5, 3}}, 1
	}
	return spans, 0
}

// icmpHasLength reports whether the message carries an RFC 4884 length in its sixth byte.
func icmpHasLength(b []byte) bool {
	return (b[0] == icmpUnreach || b[0] == icmpTimeExceed || b[0] == icmpParamProb) && b[5] > 0
}

var (
	fICMP         = reg(field.Info{Abbrev: "icmp", Name: "Internet Control Message Protocol", Type: field.Protocol, Present: "icmp"}, icmpGetter(6, func(*Packet, *Layer, []byte) (field.Value, bool) { return field.Value{}, true }))
	fICMPType     = reg(field.Info{Abbrev: "icmp.type", Name: "Type", Type: field.Uint, Bits: 8, Names: icmpTypeName}, icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) { return field.Value{U: uint64(b[0])}, true }))
	fICMPCode     = reg(field.Info{Abbrev: "icmp.code", Name: "Code", Type: field.Uint, Bits: 8}, icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) { return field.Value{U: uint64(b[1])}, true }))
	fICMPChecksum = reg(field.Info{Abbrev: "icmp.checksum", Name: "Checksum", Type: field.Uint, Base: field.Hex, Bits: 16},
		icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint16(b[2:]))}, true
		}))
	fICMPCksumStatus = reg(field.Info{Abbrev: "icmp.checksum.status", Name: "Checksum Status", Type: field.Uint, Bits: 8, Names: checksumStatusName},
		icmpGetter(6, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
			st, _ := p.icmpChecksum(l, b)
			return field.Value{U: uint64(st)}, true
		}))
	fICMPUnused = reg(field.Info{Abbrev: "icmp.unused", Name: "Unused", Type: field.Bytes},
		multiGetter(ProtoICMP, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
			if len(b) < 6 {
				return dst
			}
			sp, n := icmpUnused(b)
			for _, s := range sp[:n] {
				if s[0]+s[1] > len(b) {
					break
				}
				dst = append(dst, field.Value{B: b[s[0] : s[0]+s[1] : s[0]+s[1]]})
			}
			return dst
		}))
	fICMPLength = reg(field.Info{Abbrev: "icmp.length", Name: "Length", Type: field.Uint, Bits: 8, Blurb: "the length of the original datagram, in 32-bit words (RFC 4884)"},
		icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[5])}, icmpHasLength(b)
		}))
	fICMPLengthOrig = reg(field.Info{Abbrev: "icmp.length.original_datagram", Name: "Length of original datagram", Type: field.Uint, Bits: 8, Blurb: "the length field times 4"},
		icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[5]) * 4}, icmpHasLength(b)
		}))
	fICMPIdent   = reg(field.Info{Abbrev: "icmp.ident", Name: "Identifier (BE)", Type: field.Uint, Base: field.DecHex, Bits: 16, Blurb: "Identifier (big endian representation)"}, icmpU16Of(4, false, icmpHasIdent))
	fICMPIdentLE = reg(field.Info{Abbrev: "icmp.ident_le", Name: "Identifier (LE)", Type: field.Uint, Base: field.DecHex, Bits: 16, Blurb: "Identifier (little endian representation)"}, icmpU16Of(4, true, icmpHasIdent))
	fICMPSeq     = reg(field.Info{Abbrev: "icmp.seq", Name: "Sequence Number (BE)", Type: field.Uint, Base: field.DecHex, Bits: 16, Blurb: "Sequence Number (big endian representation)"}, icmpU16Of(6, false, icmpHasSeq))
	fICMPSeqLE   = reg(field.Info{Abbrev: "icmp.seq_le", Name: "Sequence Number (LE)", Type: field.Uint, Base: field.DecHex, Bits: 16, Blurb: "Sequence Number (little endian representation)"}, icmpU16Of(6, true, icmpHasSeq))
	fICMPMTU     = reg(field.Info{Abbrev: "icmp.mtu", Name: "MTU of next hop", Type: field.Uint, Bits: 16},
		icmpU16Of(6, false, func(t, c byte) bool { return t == icmpUnreach && c == 4 }))
	fICMPPointer = reg(field.Info{Abbrev: "icmp.pointer", Name: "Pointer", Type: field.Uint, Bits: 32},
		icmpGetter(5, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[4])}, b[0] == icmpParamProb
		}))
	fICMPRedirGW = reg(field.Info{Abbrev: "icmp.redir_gw", Name: "Gateway Address", Type: field.IPv4},
		icmpGetter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]))}, b[0] == icmpRedirect
		}))
	fICMPNumAddrs = reg(field.Info{Abbrev: "icmp.num_addrs", Name: "Number of addresses", Type: field.Uint, Bits: 8},
		icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[4])}, b[0] == icmpRtrAdvert
		}))
	fICMPAddrEntrySize = reg(field.Info{Abbrev: "icmp.addr_entry_size", Name: "Address entry size", Type: field.Uint, Bits: 8},
		icmpGetter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[5])}, b[0] == icmpRtrAdvert
		}))
	fICMPLifetime = reg(field.Info{Abbrev: "icmp.lifetime", Name: "Lifetime", Type: field.Uint, Bits: 16},
		icmpU16Of(6, false, func(t, _ byte) bool { return t == icmpRtrAdvert }))
	fICMPRouterAddr = reg(field.Info{Abbrev: "icmp.router_address", Name: "Router address", Type: field.IPv4}, icmpRouterGetter(0))
	fICMPPrefLevel  = reg(field.Info{Abbrev: "icmp.pref_level", Name: "Preference level", Type: field.Int, Bits: 32}, icmpRouterGetter(4))
	fICMPOrigTS     = reg(field.Info{Abbrev: "icmp.originate_timestamp", Name: "Originate Timestamp", Type: field.Uint, Bits: 32}, icmpTstampGetter(8))
	fICMPRecvTS     = reg(field.Info{Abbrev: "icmp.receive_timestamp", Name: "Receive Timestamp", Type: field.Uint, Bits: 32}, icmpTstampGetter(12))
	fICMPXmitTS     = reg(field.Info{Abbrev: "icmp.transmit_timestamp", Name: "Transmit Timestamp", Type: field.Uint, Bits: 32}, icmpTstampGetter(16))
	fICMPAddrMask   = reg(field.Info{Abbrev: "icmp.address_mask", Name: "Address Mask", Type: field.IPv4},
		icmpGetter(12, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint32(b[8:]))}, b[0] == icmpMaskReq || b[0] == icmpMaskRep
		}))
	fICMPDataTime = reg(field.Info{Abbrev: "icmp.data_time", Name: "Timestamp from icmp data", Type: field.AbsTime, Blurb: "the timestamp in the first 8 bytes of the icmp data"},
		icmpGetter(16, func(p *Packet, _ *Layer, b []byte) (field.Value, bool) {
			ts, ok := icmpEchoTime(b, p.TimeNS)
			return field.Value{U: uint64(ts)}, ok
		}))
	fICMPDataTimeRel = reg(field.Info{Abbrev: "icmp.data_time_relative", Name: "Timestamp from icmp data (relative)", Type: field.RelTime},
		icmpGetter(16, func(p *Packet, _ *Layer, b []byte) (field.Value, bool) {
			ts, ok := icmpEchoTime(b, p.TimeNS)
			return field.Value{U: uint64(p.TimeNS - ts)}, ok
		}))
	fICMPRespTo = reg(field.Info{Abbrev: "icmp.resp_to", Name: "Request frame", Type: field.FrameNum, Blurb: "The frame number of the corresponding request"},
		icmpGetter(8, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
			f := p.echoRequestOf(l)
			return field.Value{U: uint64(f)}, b[0] == icmpEchoReply && f != 0
		}))
	fICMPExtEchoSeq = reg(field.Info{Abbrev: "icmp.ext.echo.seq", Name: "Sequence Number", Type: field.Uint, Base: field.DecHex, Bits: 8},
		icmpGetter(7, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[6])}, b[0] == icmpExtEcho || b[0] == icmpExtEchoRep
		}))
	fICMPExtEchoLocal = reg(field.Info{Abbrev: "icmp.ext.echo.req.local", Name: "Local bit", Type: field.Bool},
		icmpGetter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] & 1)}, b[0] == icmpExtEcho
		}))
	fICMPExtEchoState = reg(field.Info{Abbrev: "icmp.ext.echo.rsp.state", Name: "State", Type: field.Uint, Bits: 8, Names: extEchoStateName},
		icmpGetter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] >> 5)}, b[0] == icmpExtEchoRep
		}))
	fICMPExtEchoActive = reg(field.Info{Abbrev: "icmp.ext.echo.rsp.active", Name: "Active bit", Type: field.Bool},
		icmpGetter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] >> 2 & 1)}, b[0] == icmpExtEchoRep
		}))
	fICMPExtEchoIPv4 = reg(field.Info{Abbrev: "icmp.ext.echo.rsp.ipv4", Name: "IPv4 bit", Type: field.Bool},
		icmpGetter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] >> 1 & 1)}, b[0] == icmpExtEchoRep
		}))
	fICMPExtEchoIPv6 = reg(field.Info{Abbrev: "icmp.ext.echo.rsp.ipv6", Name: "IPv6 bit", Type: field.Bool},
		icmpGetter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] & 1)}, b[0] == icmpExtEchoRep
		}))

	// Multi-part extensions (RFC 4884), after an ICMP or ICMPv6 error or in an extended echo.
	fICMPExt        = reg(field.Info{Abbrev: "icmp.ext", Name: "ICMP Extensions", Type: field.Protocol, Present: "1"}, icmpExtGetter(extHeader, func(e []byte, _ extObj) (uint64, bool) { return 0, true }))
	fICMPExtVersion = reg(field.Info{Abbrev: "icmp.ext.version", Name: "Version", Type: field.Uint, Bits: 8}, icmpExtGetter(extHeader, func(e []byte, o extObj) (uint64, bool) {
		if len(e) >= 4 || o.cut && len(e) >= 1 {
			return uint64(e[0] >> 4), true
		}
		return 0, false
	}))
	fICMPExtRes = reg(field.Info{Abbrev: "icmp.ext.res", Name: "Reserved", Type: field.Uint, Base: field.Hex, Bits: 16},
		icmpExtGetter(extHeader, func(e []byte, o extObj) (uint64, bool) {
			if len(e) >= 4 || o.cut && len(e) >= 2 {
				return uint64(binary.BigEndian.Uint16(e) & 0xfff), true
			}
			return 0, false
		}))
	fICMPExtChecksum = reg(field.Info{Abbrev: "icmp.ext.checksum", Name: "Checksum", Type: field.Uint, Base: field.Hex, Bits: 16},
		icmpExtGetter(extHeader, func(e []byte, _ extObj) (uint64, bool) {
			if len(e) < 4 {
				return 0, false
			}
			return uint64(binary.BigEndian.Uint16(e[2:])), true
		}))
	fICMPExtCkStatus = reg(field.Info{Abbrev: "icmp.ext.checksum.status", Name: "Checksum Status", Type: field.Uint, Bits: 8, Names: checksumStatusName},
		icmpExtGetter(extHeader, func(e []byte, _ extObj) (uint64, bool) {
			if len(e) < 4 {
				return 0, false
			}
			return uint64(extChecksumStatus(e)), true
		}))
	fICMPExtLength = reg(field.Info{Abbrev: "icmp.ext.length", Name: "Length", Type: field.Uint, Bits: 16}, icmpExtGetter(extObject, func(e []byte, o extObj) (uint64, bool) { return uint64(o.length), true }))
	fICMPExtClass  = reg(field.Info{Abbrev: "icmp.ext.class", Name: "Class", Type: field.Uint, Bits: 8, Names: extClassName}, icmpExtGetter(extObject, func(e []byte, o extObj) (uint64, bool) { return uint64(o.class), true }))
	fICMPExtCType  = reg(field.Info{Abbrev: "icmp.ext.ctype", Name: "C-Type", Type: field.Uint, Bits: 8}, icmpExtGetter(extCType, func(e []byte, o extObj) (uint64, bool) { return uint64(o.ctype), true }))
	fICMPExtData   = reg(field.Info{Abbrev: "icmp.ext.data", Name: "Data", Type: field.Bytes}, icmpExtBytes(extData))
	fICMPMPLSLabel = reg(field.Info{Abbrev: "icmp.mpls.label", Name: "Label", Type: field.Uint, Bits: 24}, icmpExtGetter(extMPLS, func(e []byte, o extObj) (uint64, bool) { return uint64(binary.BigEndian.Uint32(e[o.off:]) >> 12), true }))
	fICMPMPLSExp   = reg(field.Info{Abbrev: "icmp.mpls.exp", Name: "Experimental", Type: field.Uint, Bits: 24}, icmpExtGetter(extMPLS, func(e []byte, o extObj) (uint64, bool) { return uint64(e[o.off+2] >> 1 & 7), true }))
	fICMPMPLSS     = reg(field.Info{Abbrev: "icmp.mpls.s", Name: "Stack bit", Type: field.Bool}, icmpExtGetter(extMPLS, func(e []byte, o extObj) (uint64, bool) { return uint64(e[o.off+2] & 1), true }))
	fICMPMPLSTTL   = reg(field.Info{Abbrev: "icmp.mpls.ttl", Name: "Time to live", Type: field.Uint, Bits: 8}, icmpExtGetter(extMPLS, func(e []byte, o extObj) (uint64, bool) { return uint64(e[o.off+3]), true }))
	fICMPMPLSData  = reg(field.Info{Abbrev: "icmp.mpls.data", Name: "Data", Type: field.Bytes}, icmpExtBytes(extMPLSData))
)

func icmpRouterGetter(at int) getter {
	return multiGetter(ProtoICMP, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
		if len(b) < 8 || b[0] != icmpRtrAdvert || b[5] != 2 {
			return dst
		}
		for i := 0; i < int(b[4]); i++ {
			o := 8 + 8*i + at
			if o+4 > len(b) {
				break
			}
			dst = append(dst, field.Value{U: uint64(binary.BigEndian.Uint32(b[o:]))})
			if at == 0 && o+8 > len(b) {
				break
			}
		}
		return dst
	})
}

func icmpTstampGetter(off int) getter {
	return icmpGetter(off+4, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(binary.BigEndian.Uint32(b[off:]))}, b[0] == icmpTstamp || b[0] == icmpTstampRep
	})
}

func icmpTypeName(v uint64) string {
	switch v {
	case icmpEchoReply:
		return "Echo (ping) reply"
	case 1, 2:
		return "Reserved"
	case icmpUnreach:
		return "Destination unreachable"
	case icmpQuench:
		return "Source quench (flow control)"
	case icmpRedirect:
		return "Redirect"
	case icmpAltHost:
		return "Alternate host address"
	case icmpEcho:
		return "Echo (ping) request"
	case icmpRtrAdvert:
		return "Router advertisement"
	case 10:
		return "Router solicitation"
	case icmpTimeExceed:
		return "Time-to-live exceeded"
	case icmpParamProb:
		return "Parameter problem"
	case icmpTstamp:
		return "Timestamp request"
	case icmpTstampRep:
		return "Timestamp reply"
	case icmpIReq:
		return "Information request"
	case icmpIReqRep:
		return "Information reply"
	case icmpMaskReq:
		return "Address mask request"
	case icmpMaskRep:
		return "Address mask reply"
	case 19:
		return "Reserved (for security)"
	case 30:
		return "Traceroute"
	case 31:
		return "Datagram Conversion Error"
	case 32:
		return "Mobile Host Redirect"
	case 33:
		return "IPv6 Where-Are-You"
	case 34:
		return "IPv6 I-Am-Here"
	case 35:
		return "Mobile Registration Request"
	case 36:
		return "Mobile Registration Reply"
	case 37:
		return "Domain Name Request"
	case 38:
		return "Domain Name Reply"
	case 39:
		return "SKIP"
	case icmpPhoturis:
		return "Photuris"
	case 41:
		return "Experimental mobility protocols"
	case icmpExtEcho:
		return "Extended Echo request"
	case icmpExtEchoRep:
		return "Extended Echo reply"
	}
	return ""
}

// icmpTypeStr is the type text of the Info column and the tree: the name, Wireshark's special case for
// router advertisements carrying Mobile IP codes, or its text for unknown types.
func icmpTypeStr(t, code byte) string {
	if t == icmpRtrAdvert && (code == 0 || code == 16) {
		return "Mobile IP Advertisement"
	}
	if s := icmpTypeName(uint64(t)); s != "" {
		return s
	}
	return "Unknown ICMP (obsolete or malformed?)"
}

// icmpCodeStr returns the code text of the types that have code names ("" for the others).
func icmpCodeStr(t, code byte) string {
	var s string
	switch t {
	case icmpUnreach:
		if code < 16 {
			s = [...]string{"Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
				"Fragmentation needed", "Source route failed", "Destination network unknown", "Destination host unknown",
				"Source host isolated", "Network administratively prohibited", "Host administratively prohibited",
				"Network unreachable for TOS", "Host unreachable for TOS", "Communication administratively filtered",
				"Host precedence violation", "Precedence cutoff in effect"}[code]
		}
	case icmpRedirect:
		if code < 4 {
			s = [...]string{"Redirect for network", "Redirect for host", "Redirect for TOS and network", "Redirect for TOS and host"}[code]
		}
	case icmpAltHost:
		if code == 0 {
			s = "Alternate address for host"
		}
	case icmpRtrAdvert:
		switch code {
		case 0:
			s = "Normal router advertisement"
		case 16:
			s = "Does not route common traffic"
		}
	case icmpTimeExceed:
		if code < 2 {
			s = [...]string{"Time to live exceeded in transit", "Fragment reassembly time exceeded"}[code]
		}
	case icmpParamProb:
		if code < 3 {
			s = [...]string{"Pointer indicates the error", "Required option missing", "Bad length"}[code]
		}
	case icmpPhoturis:
		if code < 6 {
			s = [...]string{"Bad SPI", "Authentication Failed", "Decompression Failed", "Decryption Failed", "Need Authentication", "Need Authorization"}[code]
		}
	case icmpExtEcho:
		if code == 0 {
			s = "No error"
		}
	case icmpExtEchoRep:
		if code < 5 {
			s = [...]string{"No error", "Malformed Query", "No Such Interface", "No Such Table Entry", "Multiple Interfaces Satisfy Query"}[code]
		}
	default:
		return ""
	}
	if s == "" {
		s = "Unknown code: " + strconv.Itoa(int(code))
	}
	return s
}

func extEchoStateName(v uint64) string {
	if v < 7 {
		return [...]string{"Reserved", "Incomplete", "Reachable", "Stale", "Delay", "Probe", "Failed"}[v]
	}
	return ""
}

func extClassName(v uint64) string {
	switch v {
	case 1:
		return "MPLS Label Stack Class"
	case 2:
		return "Interface Information Object"
	case 3:
		return "Interface Identification Object"
	}
	return ""
}

// icmpNeed returns how many bytes Wireshark reads from an ICMP message of this type before it is done
// with the fixed part: a shorter message is malformed.
func icmpNeed(b []byte) int {
	switch b[0] {
	case icmpEchoReply, icmpEcho, icmpIReq, icmpIReqRep, icmpUnreach, icmpTimeExceed, icmpParamProb, icmpQuench, icmpExtEcho, icmpExtEchoRep:
		return 8
	case icmpRedirect:
		return 9 // the quoted header's length byte is read to size the quoted datagram
	case icmpRtrAdvert:
		if len(b) >= 8 && b[5] == 2 {
			return 8 + 8*int(b[4])
		}
		return 8
	case icmpTstamp, icmpTstampRep:
		return 20
	case icmpMaskReq, icmpMaskRep:
		return 12
	}
	return 6
}

// ipPayloadEnd returns where the payload of the IP layer just decoded ends in buf.
func ipPayloadEnd(p *Packet, buf []byte, off int) int {
	end := len(buf)
	if p.N > 0 {
		if l := &p.Layers[p.N-1]; (l.Proto == ProtoIPv4 || l.Proto == ProtoIPv6) && l.Buf == p.curBuf && int(l.End) <= end {
			end = int(l.End)
		}
	}
	return max(end, off)
}

// msgReported returns the length of layer i as Wireshark's reported length has it: the length its IP
// header gives, but no more than what was on the wire.
func (p *Packet) msgReported(i int) int {
	l := &p.Layers[i]
	rep, ok := p.ipReportedLen(i)
	if !ok {
		rep = int(l.End - l.Off)
	}
	if l.Buf == 0 && p.Len >= len(p.Data) {
		rep = min(rep, p.Len-int(l.Off))
	}
	return rep
}

// cutByCapture reports whether the snapshot length cut layer i short of its reported length.
func (p *Packet) cutByCapture(i int) bool {
	l := &p.Layers[i]
	return p.msgReported(i) > int(l.End-l.Off)
}

// shortMessage records that the message of layer i is shorter than the need bytes its fixed part
// calls for: malformed, unless it is quoted in an ICMP error (where a cut is expected) or the IP header
// says the bytes were there and only the capture's snapshot length cut them.
func (p *Packet) shortMessage(i int, pr Proto, need int, reason string) {
	l := &p.Layers[i]
	l.Flags |= layerTruncated
	if l.InError() || p.msgReported(i) >= need {
		return
	}
	p.malformed(pr, reason)
}

func decodeICMP(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	end := ipPayloadEnd(p, buf, off)
	b := buf[off:end]
	p.push(ProtoICMP, off, min(8, len(b)), end, flags)
	i := p.N - 1
	if len(b) < 6 {
		p.shortMessage(i, ProtoICMP, 6, "shorter than the 8-byte ICMP header")
		return ProtoNone, 0
	}
	if need := icmpNeed(b); len(b) < need {
		p.shortMessage(i, ProtoICMP, need, "message cut short before the end of its fixed fields")
		return ProtoNone, 0
	}
	inErr := flags&layerInError != 0
	if e, ok := icmpExtOffset(b); ok && e <= len(b) && extCutShort(b[e:]) && !inErr {
		p.malformed(ProtoICMP, "extension object cut short")
	}
	switch b[0] {
	case icmpEchoReply, icmpEcho:
		if !inErr {
			if s := d.matchState(); s != nil {
				s.echo(p, i, b, false)
			}
		}
		data := off + 8
		if _, ok := icmpEchoTime(b, p.TimeNS); ok {
			data += 8
		}
		p.pushData(buf[:end], data, flags)
	case icmpRtrAdvert:
		if b[5] != 2 {
			p.pushData(buf[:end], off+8, flags)
		}
	case icmpUnreach, icmpQuench, icmpRedirect, icmpTimeExceed, icmpParamProb:
		qend := end
		if b[0] == icmpRedirect {
			qend = min(end, off+8+int(b[8]&15)*4+8)
		} else if ln := int(b[5]) * 4; ln > 0 && len(b) > 8+ln && len(b) >= 12 && int(binary.BigEndian.Uint16(b[10:])) > ln {
			qend = min(end, off+8+(int(b[8]&15)+int(b[5]))*4)
		}
		if e, ok := icmpExtOffset(b); ok {
			qend = min(qend, off+e)
		}
		return quoteIP(d, p, buf[:max(qend, off+8)], off+8, flags, false)
	}
	return ProtoNone, 0
}

// quoteIP decodes the datagram quoted by an ICMP or ICMPv6 error at off in buf (which ends where the
// quote does) as layers flagged layerInError, by calling the IP decoder itself so that the flag reaches
// the quoted layers without being set on the error message's own layer.
func quoteIP(d *Decoder, p *Packet, buf []byte, off int, flags uint8, v6 bool) (Proto, int) {
	q := buf[off:]
	if len(q) == 0 {
		return ProtoNone, 0
	}
	pr := ProtoIPv6
	if !v6 && q[0]>>4 == 4 {
		pr = ProtoIPv4
	}
	if !quoteDecodable(q, pr) {
		return ProtoNone, 0
	}
	if p.N >= MaxLayers {
		p.malformed(pr, "too many nested layers")
		return ProtoNone, 0
	}
	return protocols[pr].decode(d, p, buf, off, flags|layerInError)
}

// quoteDecodable reports whether a quoted datagram holds a whole IP header. Wireshark shows the
// fields of a shorter one as far as they go without calling it malformed, but the IP decoders here
// report a short header as malformed, so a quoted header cut short is left in the error's own bytes.
func quoteDecodable(q []byte, pr Proto) bool {
	if pr == ProtoIPv4 {
		return len(q) >= 20 && len(q) >= int(q[0]&15)*4
	}
	return len(q) >= 40 && q[0]>>4 == 6
}

// icmpEchoTime returns the timestamp Wireshark 4.0 finds in the first 8 bytes of echo data (msg is the
// whole message): seconds and microseconds in network byte order, else in little-endian, accepted when
// within a day of the frame's time and the microseconds are below a million (both compared as C does,
// with 32-bit signed arithmetic).
func icmpEchoTime(msg []byte, frameNS int64) (int64, bool) {
	if len(msg) < 16 || (msg[0] != icmpEcho && msg[0] != icmpEchoReply) {
		return 0, false
	}
	now := frameNS / 1e9
	if frameNS%1e9 < 0 {
		now--
	}
	try := func(secs uint32, usecs uint32) (int64, bool) {
		diff := int32(uint32(int64(secs) - now))
		if diff < 0 {
			diff = -diff
		}
		if diff >= 3600*24 || int32(usecs) >= 1000000 {
			return 0, false
		}
		return int64(secs)*1e9 + int64(int32(usecs)*1000), true
	}
	d := msg[8:16]
	if ts, ok := try(binary.BigEndian.Uint32(d), binary.BigEndian.Uint32(d[4:])); ok {
		return ts, true
	}
	return try(binary.LittleEndian.Uint32(d), binary.LittleEndian.Uint32(d[4:]))
}

// onesSum adds b to a ones'-complement sum (an odd final byte is padded with zero).
func onesSum(sum uint32, b []byte) uint32 {
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)&1 != 0 {
		sum += uint32(b[len(b)-1]) << 8
	}
	return sum
}

func foldSum(sum uint32) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}

// layerIndex returns the index of l in p.Layers.
func (p *Packet) layerIndex(l *Layer) int {
	for i := 0; i < p.N; i++ {
		if &p.Layers[i] == l {
			return i
		}
	}
	return -1
}

// icmpChecksum returns the checksum status of an ICMP message and the checksum it should carry.
// Wireshark verifies it unless the message is quoted in an error or cut short by the capture.
func (p *Packet) icmpChecksum(l *Layer, b []byte) (int, uint16) {
	if l.InError() {
		return cksumUnverified, 0
	}
	if p.cutByCapture(p.layerIndex(l)) {
		return cksumUnverified, 0
	}
	want := ^foldSum(onesSum(onesSum(0, b[:2]), b[4:]))
	if want == binary.BigEndian.Uint16(b[2:]) {
		return cksumGood, want
	}
	return cksumBad, want
}

// icmpExtOffset returns where the RFC 4884 extension structure starts in an ICMP message, if it has
// one. After an error, Wireshark 4.0 looks for one when the message exceeds 136 bytes and the quoted
// datagram's total length is at most 128 (its default, not favouring MPLS extensions): right after the
// original datagram when the length byte (the sixth, read for every error type) gives its size, else
// at offset 136. After the header of an extended echo request.
func icmpExtOffset(b []byte) (int, bool) {
	if len(b) < 8 {
		return 0, false
	}
	switch b[0] {
	case icmpUnreach, icmpQuench, icmpRedirect, icmpTimeExceed, icmpParamProb:
		if len(b) > 8+128 && binary.BigEndian.Uint16(b[10:]) <= 128 {
			if b[5] != 0 {
				return 8 + int(b[5])*4, true
			}
			return 8 + 128, true
		}
	case icmpExtEcho:
		if len(b) > 8 {
			return 8, true
		}
	}
	return 0, false
}

// Extension walking. extObj describes one item of the extension structure e: the object header
// (off is the object's offset, n its length as far as the bytes go) or one MPLS label stack entry.
type extObj struct {
	off, n       int
	length       uint16
	class, ctype uint8
	cut          bool // extHeader: the capture cut the structure short (see icmpExtOf)
}

// What an extension getter collects.
const (
	extHeader   = iota // the common header (once)
	extObject          // each object header
	extCType           // each C-Type item (Wireshark adds it twice for an unknown C-Type of a known class)
	extData            // each raw data item (icmp.ext.data)
	extMPLS            // each MPLS label stack entry
	extMPLSData        // the bytes after the last whole stack entry
)

// walkICMPExt calls fn for each item of kind what in the extension structure e.
func walkICMPExt(e []byte, what int, fn func(o extObj)) {
	if what == extHeader {
		fn(extObj{n: len(e)})
		return
	}
	if len(e) < 4 || e[0]>>4 != 1 && e[0]>>4 != 2 {
		return
	}
	for off := 4; len(e)-off >= 4; {
		length := binary.BigEndian.Uint16(e[off:])
		n := min(int(length), len(e)-off)
		o := extObj{off: off, n: n, length: length, class: e[off+2], ctype: e[off+3]}
		if what == extObject {
			fn(o)
		}
		if length < 4 {
			return
		}
		unknown := false
		switch o.class {
		case 1: // MPLS label stack
			if what == extCType {
				fn(o)
			}
			if o.ctype != 1 {
				unknown = true
				break
			}
			p := off + 4
			for ; p+4 <= off+n; p += 4 {
				if what == extMPLS {
					fn(extObj{off: p})
				}
			}
			if p < off+n && what == extMPLSData {
				fn(extObj{off: p, n: off + n - p})
			}
		case 0: // MPLS extended payload
			if what == extCType {
				fn(o)
			}
			if o.ctype != 1 {
				unknown = true
			} else if n > 4 && what == extData {
				fn(extObj{off: off + 4, n: n - 4})
			}
		case 2: // interface information: the C-Type is a bit mask
			if what == extCType {
				fn(o)
			}
		case 3: // interface identification
			if len(e)-off < 5 {
				unknown = true
			} else if what == extCType {
				fn(o)
			}
		default:
			unknown = true
		}
		if unknown {
			if what == extCType {
				fn(o)
			}
			if n > 4 && what == extData {
				fn(extObj{off: off + 4, n: n - 4})
			}
		}
		off += n
	}
}

// icmpExtOf returns the extension structure of an ICMP or ICMPv6 layer, if it has one. When the capture
// cut the message short, Wireshark's checksum of the structure fails and only its first two bytes
// (version and reserved bits) are shown: the structure returned is then those two bytes.
func icmpExtOf(p *Packet, l *Layer) (e []byte, cut, ok bool) {
	e, ok = icmpExtRaw(p, l)
	if ok && p.cutByCapture(p.layerIndex(l)) {
		return e[:min(len(e), 2)], true, true
	}
	return e, false, ok
}

func icmpExtRaw(p *Packet, l *Layer) ([]byte, bool) {
	b := p.LayerBytes(l)
	var off int
	var ok bool
	switch l.Proto {
	case ProtoICMP:
		off, ok = icmpExtOffset(b)
	case ProtoICMPv6:
		off, ok = icmpv6ExtOffset(b)
	}
	if !ok || off > len(b) {
		return nil, false
	}
	return b[off:], true
}

// icmpExtGetter returns a getter of a numeric value of each extension item of kind what, in ICMP and
// ICMPv6 layers alike.
func icmpExtGetter(what int, fn func(e []byte, o extObj) (uint64, bool)) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		for i := 0; i < p.N; i++ {
			e, cut, ok := icmpExtOf(p, &p.Layers[i])
			if !ok {
				continue
			}
			walkICMPExt(e, what, func(o extObj) {
				o.cut = cut
				if v, ok := fn(e, o); ok {
					dst = append(dst, field.Value{U: v})
				}
			})
		}
		return dst
	}
}

// icmpExtBytes returns a getter of the bytes of each extension item of kind what.
func icmpExtBytes(what int) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		for i := 0; i < p.N; i++ {
			e, _, ok := icmpExtOf(p, &p.Layers[i])
			if !ok {
				continue
			}
			walkICMPExt(e, what, func(o extObj) {
				dst = append(dst, field.Value{B: e[o.off : o.off+o.n : o.off+o.n]})
			})
		}
		return dst
	}
}

// extChecksumStatus verifies an extension structure's checksum (zero means none).
func extChecksumStatus(e []byte) int {
	if binary.BigEndian.Uint16(e[2:]) == 0 {
		return cksumNotPresent
	}
	if foldSum(onesSum(0, e)) == 0xffff {
		return cksumGood
	}
	return cksumBad
}

func icmpSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	if len(b) < 6 {
		return dst
	}
	t, code := b[0], b[1]
	start := len(dst)
	dst = append(dst, icmpTypeStr(t, code)...)
	for len(dst)-start < 20 {
		dst = append(dst, ' ')
	}
	if cs := icmpCodeStr(t, code); cs != "" {
		dst = append(dst, " ("...)
		dst = append(dst, cs...)
		dst = append(dst, ')')
	}
	if icmpHasSeq(t, code) && len(b) >= 8 {
		dst = append(dst, " id="...)
		dst = appendHex16(dst, binary.BigEndian.Uint16(b[4:]))
		dst = append(dst, ", seq="...)
		dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(b[6:])), 10)
		dst = append(dst, '/')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint16(b[6:])), 10)
		if i > 0 && p.Layers[i-1].Proto == ProtoIPv4 {
			dst = append(dst, ", ttl="...)
			dst = strconv.AppendUint(dst, uint64(p.LayerBytes(&p.Layers[i-1])[8]), 10)
		}
		if t == icmpEchoReply {
			if f := p.echoRequestOf(l); f != 0 {
				dst = append(dst, " (request in "...)
				dst = strconv.AppendUint(dst, uint64(f), 10)
				dst = append(dst, ')')
			}
		}
	}
	return dst
}

func icmpTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	if len(b) < 6 {
		return
	}
	ty, code := b[0], b[1]
	n := t.Proto("Internet Control Message Protocol", "icmp", 0, len(b))
	t.AddLabel(n, fICMPType, field.Value{U: uint64(ty)}, "Type: "+strconv.Itoa(int(ty))+" ("+icmpTypeStr(ty, code)+")", 0, 1)
	cl := "Code: " + strconv.Itoa(int(code))
	if cs := icmpCodeStr(ty, code); cs != "" {
		cl += " (" + cs + ")"
	}
	t.AddLabel(n, fICMPCode, field.Value{U: uint64(code)}, cl, 1, 1)
	ck := binary.BigEndian.Uint16(b[2:])
	st, want := p.icmpChecksum(l, b)
	checksumTree(t, n, fICMPChecksum, fICMPCksumStatus, ck, st, want, l.InError(), 2)
	if len(b) < 8 && icmpNeed(b) > len(b) {
		t.Text(n, "[Message cut short after "+strconv.Itoa(len(b))+" bytes]", 0, len(b))
	}
	sp, ns := icmpUnused(b)
	unused := func(k int) {
		if k < ns && sp[k][0]+sp[k][1] <= len(b) {
			s := sp[k]
			t.Add(n, fICMPUnused, field.Value{B: b[s[0] : s[0]+s[1]]}, s[0], s[1]).Label = "Unused: " + string(field.AppendHexBytes(nil, b[s[0]:s[0]+s[1]], 0))
		}
	}
	u16 := func(off int) field.Value { return field.Value{U: uint64(binary.BigEndian.Uint16(b[off:]))} }
	switch {
	case icmpHasIdent(ty, code) && len(b) >= 6:
		t.Add(n, fICMPIdent, u16(4), 4, 2)
		t.Add(n, fICMPIdentLE, field.Value{U: uint64(binary.LittleEndian.Uint16(b[4:]))}, 4, 2)
		if len(b) >= 7 && (ty == icmpExtEcho || ty == icmpExtEchoRep) {
			t.Add(n, fICMPExtEchoSeq, field.Value{U: uint64(b[6])}, 6, 1)
		}
		if len(b) >= 8 {
			switch ty {
			case icmpExtEcho:
				t.Add(n, fICMPExtEchoLocal, field.Value{U: uint64(b[7] & 1)}, 7, 1)
			case icmpExtEchoRep:
				t.Add(n, fICMPExtEchoState, field.Value{U: uint64(b[7] >> 5)}, 7, 1)
				t.Add(n, fICMPExtEchoActive, field.Value{U: uint64(b[7] >> 2 & 1)}, 7, 1)
				t.Add(n, fICMPExtEchoIPv4, field.Value{U: uint64(b[7] >> 1 & 1)}, 7, 1)
				t.Add(n, fICMPExtEchoIPv6, field.Value{U: uint64(b[7] & 1)}, 7, 1)
			default:
				t.Add(n, fICMPSeq, u16(6), 6, 2)
				t.Add(n, fICMPSeqLE, field.Value{U: uint64(binary.LittleEndian.Uint16(b[6:]))}, 6, 2)
			}
		}
	case ty == icmpUnreach || ty == icmpTimeExceed || ty == icmpParamProb:
		if ty == icmpParamProb {
			t.Add(n, fICMPPointer, field.Value{U: uint64(b[4])}, 4, 1)
		} else {
			unused(0)
		}
		if icmpHasLength(b) {
			t.Add(n, fICMPLength, field.Value{U: uint64(b[5])}, 5, 1)
			t.Add(n, fICMPLengthOrig, field.Value{U: uint64(b[5]) * 4}, 5, 1)
		}
		if ty == icmpUnreach && code == 4 && len(b) >= 8 {
			t.Add(n, fICMPMTU, u16(6), 6, 2)
		} else if ty == icmpParamProb {
			unused(0)
		} else {
			unused(1)
		}
	case ty == icmpRedirect && len(b) >= 8:
		t.Add(n, fICMPRedirGW, field.Value{U: uint64(binary.BigEndian.Uint32(b[4:]))}, 4, 4)
	case ty == icmpRtrAdvert:
		t.Add(n, fICMPNumAddrs, field.Value{U: uint64(b[4])}, 4, 1)
		t.Add(n, fICMPAddrEntrySize, field.Value{U: uint64(b[5])}, 5, 1)
		if len(b) >= 8 {
			t.Add(n, fICMPLifetime, u16(6), 6, 2).Label += " seconds"
		}
		if b[5] == 2 {
			for k := 0; k < int(b[4]) && 16+8*k <= len(b); k++ {
				o := 8 + 8*k
				t.Add(n, fICMPRouterAddr, field.Value{U: uint64(binary.BigEndian.Uint32(b[o:]))}, o, 4)
				t.Add(n, fICMPPrefLevel, field.Value{U: uint64(int64(int32(binary.BigEndian.Uint32(b[o+4:]))))}, o+4, 4)
			}
		}
	}
	switch {
	case (ty == icmpTstamp || ty == icmpTstampRep) && len(b) >= 20:
		t.Add(n, fICMPOrigTS, field.Value{U: uint64(binary.BigEndian.Uint32(b[8:]))}, 8, 4)
		t.Add(n, fICMPRecvTS, field.Value{U: uint64(binary.BigEndian.Uint32(b[12:]))}, 12, 4)
		t.Add(n, fICMPXmitTS, field.Value{U: uint64(binary.BigEndian.Uint32(b[16:]))}, 16, 4)
	case (ty == icmpMaskReq || ty == icmpMaskRep) && len(b) >= 12:
		t.Add(n, fICMPAddrMask, field.Value{U: uint64(binary.BigEndian.Uint32(b[8:]))}, 8, 4)
	case ty == icmpEcho || ty == icmpEchoReply:
		if ts, ok := icmpEchoTime(b, p.TimeNS); ok {
			t.Add(n, fICMPDataTime, field.Value{U: uint64(ts)}, 8, 8)
			t.Add(n, fICMPDataTimeRel, field.Value{U: uint64(p.TimeNS - ts)}, 8, 8)
		}
		if f := p.echoRequestOf(l); f != 0 && ty == icmpEchoReply {
			t.Add(n, fICMPRespTo, field.Value{U: uint64(f)}, 0, 0).Label = "[Request frame: " + strconv.FormatUint(uint64(f), 10) + "]"
			t.Text(n, "[Response time: "+formatMillis(p.matchResult().respNS)+" ms]", 0, 0)
		}
	}
	if e, cut, ok := icmpExtOf(p, l); ok {
		off, _ := icmpExtOffset(b)
		extTree(t, n, e, off, cut)
	}
}

// checksumTree adds a checksum and its status, labelled as Wireshark labels them.
func checksumTree(t *Tree, n *Node, id, statusID field.ID, ck uint16, st int, want uint16, inErr bool, off int) {
	label := "Checksum: " + string(appendHex16(nil, ck))
	switch st {
	case cksumGood:
		label += " [correct]"
	case cksumBad:
		label += " incorrect, should be " + string(appendHex16(nil, want))
	default:
		label += " [unverified]"
		if inErr {
			label += " [in ICMP error packet]"
		}
	}
	t.AddLabel(n, id, field.Value{U: uint64(ck)}, label, off, 2)
	t.AddLabel(n, statusID, field.Value{U: uint64(st)}, "[Checksum Status: "+checksumStatusName(uint64(st))+"]", off, 0)
	if st == cksumBad {
		t.Expert(n, "warning", "Bad checksum [should be "+string(appendHex16(nil, want))+"]")
	}
}

// formatMillis writes a duration in nanoseconds as milliseconds with three decimals.
func formatMillis(ns int64) string {
	s := ""
	if ns < 0 {
		s, ns = "-", -ns
	}
	us := (ns + 500) / 1000
	frac := strconv.FormatInt(1000+us%1000, 10)[1:]
	return s + strconv.FormatInt(us/1000, 10) + "." + frac
}

// extTree adds an RFC 4884 extension structure e found at off in the message.
func extTree(t *Tree, parent *Node, e []byte, off int, cut bool) {
	n := t.AddLabel(parent, fICMPExt, field.Value{}, "ICMP Multi-Part Extensions", off, len(e))
	if len(e) >= 1 && (cut || len(e) >= 4) {
		t.Add(n, fICMPExtVersion, field.Value{U: uint64(e[0] >> 4)}, off, 1)
	}
	if len(e) >= 2 && (cut || len(e) >= 4) {
		t.Add(n, fICMPExtRes, field.Value{U: uint64(binary.BigEndian.Uint16(e) & 0xfff)}, off, 2)
	}
	if len(e) < 4 {
		return
	}
	st := extChecksumStatus(e)
	ck := binary.BigEndian.Uint16(e[2:])
	label := "Checksum: " + string(appendHex16(nil, ck))
	switch st {
	case cksumGood:
		label += " [correct]"
	case cksumBad:
		label += " [incorrect]"
	}
	t.AddLabel(n, fICMPExtChecksum, field.Value{U: uint64(ck)}, label, off+2, 2)
	t.AddLabel(n, fICMPExtCkStatus, field.Value{U: uint64(st)}, "[Checksum Status: "+checksumStatusName(uint64(st))+"]", off+2, 0)
	if v := e[0] >> 4; v != 1 && v != 2 {
		n.Label += " (unsupported version)"
		return
	}
	walkICMPExt(e, extObject, func(o extObj) {
		name := extClassName(uint64(o.class))
		if name == "" {
			name = "Unknown object (" + strconv.Itoa(int(o.class)) + "/" + strconv.Itoa(int(o.ctype)) + ")"
		}
		if o.length < 4 {
			name = "Object with bad length"
		} else if int(o.length) > o.n {
			name += " (truncated)"
		}
		on := t.Text(n, name, off+o.off, max(o.n, 4))
		t.Add(on, fICMPExtLength, field.Value{U: uint64(o.length)}, off+o.off, 2)
		t.Add(on, fICMPExtClass, field.Value{U: uint64(o.class)}, off+o.off+2, 1)
		if o.length >= 4 {
			t.Add(on, fICMPExtCType, field.Value{U: uint64(o.ctype)}, off+o.off+3, 1)
		}
		if o.class == 1 && o.ctype == 1 && o.length >= 4 {
			for q := o.off + 4; q+4 <= o.off+o.n; q += 4 {
				w := binary.BigEndian.Uint32(e[q:])
				en := t.Text(on, "Label: "+strconv.Itoa(int(w>>12))+", Exp: "+strconv.Itoa(int(w>>9&7))+", S: "+strconv.Itoa(int(w>>8&1))+", TTL: "+strconv.Itoa(int(w&0xff)), off+q, 4)
				t.Add(en, fICMPMPLSLabel, field.Value{U: uint64(w >> 12)}, off+q, 3)
				t.Add(en, fICMPMPLSExp, field.Value{U: uint64(w >> 9 & 7)}, off+q+2, 1)
				t.Add(en, fICMPMPLSS, field.Value{U: uint64(w >> 8 & 1)}, off+q+2, 1)
				t.Add(en, fICMPMPLSTTL, field.Value{U: uint64(w & 0xff)}, off+q+3, 1)
			}
		}
		if o.length < 4 {
			return
		}
		// The raw data items of this object, as the field getters find them.
		walkICMPExt(e, extData, func(d extObj) {
			if d.off == o.off+4 {
				t.Add(on, fICMPExtData, field.Value{B: e[d.off : d.off+d.n]}, off+d.off, d.n).Label = "Data: " + string(field.AppendHexBytes(nil, e[d.off:d.off+d.n], 0))
			}
		})
		walkICMPExt(e, extMPLSData, func(d extObj) {
			if d.off > o.off && d.off < o.off+o.n {
				t.Add(on, fICMPMPLSData, field.Value{B: e[d.off : d.off+d.n]}, off+d.off, d.n)
			}
		})
	})
}

// Cross-frame state: echo request/reply matching for ICMP and ICMPv6, and ARP's record of which MAC
// address uses which IPv4 address. Wireshark keeps both for the whole file; here each map holds at most
// maxMatchEntries entries and is emptied when full, so memory stays bounded and, once the maps have
// grown, nothing is allocated per packet.
//
// The state belongs to the Decoder (Decoder.match) and a frame's results to its Packet (Packet.match);
// the two hooks below reach them (tests may replace them).
var (
	decoderMatchState = func(d *Decoder) *matchState { return &d.match }
	packetMatchResult = func(p *Packet) *matchResult { return &p.match }
)

const maxMatchEntries = 1 << 16

type matchState struct {
	echoes map[echoKey]echoReq
	arp    map[uint32]arpBinding
}

// echoKey identifies an echo transaction as Wireshark does: the address pair (either direction), a
// checksum-derived value that the request and its reply share, the identifier and sequence number, and
// whether it is ICMPv6.
type echoKey struct {
	lo, hi [16]byte
	v6     bool
	ck     uint16
	idSeq  uint32
}

type echoReq struct {
	frame    uint32
	timeNS   int64
	answered bool
}

type arpBinding struct {
	mac   [6]byte
	frame uint32
	secs  int64
}

// matchResult is what the cross-frame state found for one frame (num).
type matchResult struct {
	num      int
	reqLayer int8   // index of the echo reply layer matched, -1 none
	reqFrame uint32 // the matched request's frame
	respNS   int64  // time from the request to the reply

	dupSeen  bool // ARP: an IPv4 address is used by another MAC than before (the last one found is kept)
	dupFound bool // ... and the last check found one (Wireshark then says so in the Info column)
	dupIP    uint32
	dupFrame uint32
	dupSecs  uint32
	dupMAC   [6]byte
}

func (d *Decoder) matchState() *matchState { return decoderMatchState(d) }

// matchResult returns this frame's result, or nil.
func (p *Packet) matchResult() *matchResult {
	r := packetMatchResult(p)
	if r == nil || r.num != p.Num {
		return nil
	}
	return r
}

// newMatchResult returns the frame's result, reset if it belonged to another frame; nil if results are
// not kept.
func (p *Packet) newMatchResult() *matchResult {
	r := packetMatchResult(p)
	if r == nil {
		return nil
	}
	if r.num != p.Num {
		*r = matchResult{num: p.Num, reqLayer: -1}
	}
	return r
}

// echoRequestOf returns the frame of the request matched to the echo reply layer l (0 if none).
func (p *Packet) echoRequestOf(l *Layer) uint32 {
	r := p.matchResult()
	if r == nil || r.reqLayer < 0 || int(r.reqLayer) != p.layerIndex(l) {
		return 0
	}
	return r.reqFrame
}

// echo records an echo request or matches an echo reply (layer i, message b) as Wireshark's
// transaction_start and transaction_end do in a single pass.
func (s *matchState) echo(p *Packet, i int, b []byte, v6 bool) {
	if i == 0 {
		return
	}
	ip := &p.Layers[i-1]
	var k echoKey
	hb := p.LayerBytes(ip)
	switch ip.Proto {
	case ProtoIPv4:
		copy(k.lo[:], hb[12:16])
		copy(k.hi[:], hb[16:20])
	case ProtoIPv6:
		copy(k.lo[:], hb[8:24])
		copy(k.hi[:], hb[24:40])
	default:
		return
	}
	if string(k.lo[:]) > string(k.hi[:]) {
		k.lo, k.hi = k.hi, k.lo
	}
	k.v6 = v6
	k.idSeq = binary.BigEndian.Uint32(b[4:])
	ck := binary.BigEndian.Uint16(b[2:])
	// The request's key is the checksum its reply will carry (ICMP) or its own checksum (ICMPv6).
	request := b[0] == icmpEcho
	if v6 {
		request = b[0] == 128
	}
	diff := uint16(0x0800)
	if v6 {
		diff = 0x0100
	}
	switch {
	case request == !v6:
		// ICMP request, ICMPv6 reply: the other side's checksum, in_cksum(~ck, ~diff).
		k.ck = ^foldSum(uint32(^ck) + uint32(^diff))
	default:
		k.ck = ck
		if k.ck == 0xffff {
			k.ck = 0
		}
	}
	if s.echoes == nil {
		s.echoes = make(map[echoKey]echoReq)
	}
	if request {
		if len(s.echoes) >= maxMatchEntries {
			clear(s.echoes)
		}
		s.echoes[k] = echoReq{frame: uint32(p.Num), timeNS: p.TimeNS}
		return
	}
	req, ok := s.echoes[k]
	if !ok || req.answered {
		return
	}
	req.answered = true
	s.echoes[k] = req
	if r := p.newMatchResult(); r != nil {
		r.reqLayer = int8(i)
		r.reqFrame = req.frame
		r.respNS = p.TimeNS - req.timeNS
	}
}

// arpCheck looks for an IPv4 address used by a new MAC address, as Wireshark's
// check_for_duplicate_addresses: the sender's binding, then (but for a request) the target's; the frame
// reports the last duplicate found, and the Info text whether the last check found one.
func (s *matchState) arpCheck(p *Packet, b []byte, a *arpAt) {
	if s.arp == nil {
		s.arp = make(map[uint32]arpBinding)
	}
	secs := p.TimeNS / 1e9
	var dupIP uint32
	eligible := func(mac []byte, ip uint32) bool {
		return mac[0]&1 == 0 && ip != 0 && string(mac) != "\x00\x00\x00\x00\x00\x00"
	}
	check := func(mac []byte, ip uint32) bool {
		v, ok := s.arp[ip]
		if !ok {
			if len(s.arp) >= maxMatchEntries {
				clear(s.arp)
			}
			e := arpBinding{frame: uint32(p.Num), secs: secs}
			copy(e.mac[:], mac)
			s.arp[ip] = e
			return false
		}
		if uint32(p.Num) <= v.frame {
			return false
		}
		if string(v.mac[:]) == string(mac) {
			v.frame, v.secs = uint32(p.Num), secs
			s.arp[ip] = v
			return false
		}
		if r := p.newMatchResult(); r != nil {
			r.dupFrame, r.dupSecs, r.dupMAC = v.frame, uint32(secs-v.secs), v.mac
		}
		dupIP = ip
		return true
	}
	found := false
	if sip := binary.BigEndian.Uint32(b[a.spa:]); eligible(b[a.sha:a.sha+6], sip) {
		found = check(b[a.sha:a.sha+6], sip)
	}
	if tip := binary.BigEndian.Uint32(b[a.tpa:]); a.op != arpRequest && eligible(b[a.tha:a.tha+6], tip) && dupIP != tip {
		found = check(b[a.tha:a.tha+6], tip)
	}
	if dupIP != 0 {
		if r := p.newMatchResult(); r != nil {
			r.dupSeen, r.dupFound, r.dupIP = true, found, dupIP
		}
	}
}
