package dissect

import (
	"encoding/binary"
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// ICMPv6 (RFC 4443), neighbour discovery (RFC 4861), MLD (RFC 2710, 3810) and extended echo (RFC 8335),
// as Wireshark 4.0 dissects them.
//
// As for ICMP, each field exists only as far as the message's bytes go, in Wireshark's order, and a
// message cut short before the fields of its type is malformed. The error messages (1 destination
// unreachable, 2 packet too big, 3 time exceeded, 4 parameter problem) quote the offending packet after
// their 8-byte header, decoded as nested IPv6 layers flagged layerInError; unlike ICMP, Wireshark calls
// an error whose quoted IPv6 header is missing or cut short malformed. A Redirected Header option's
// packet is decoded the same way.
//
// Neighbour discovery options are walked as Wireshark walks them: an option whose length is zero ends
// the walk (the packet is then reported malformed, as Wireshark's expert item is in its Malformed group),
// and an option that does not fit in the message ends it too. The option fields decoded are the
// link-layer addresses, prefix information and MTU; other options show their type and length.
//
// Types 138-142 and 144-159 (router renumbering, node information, inverse ND, Mobile IPv6, SEND, RPL,
// ...) show their type, code and checksum only.

func init() {
	byIPProto[58] = ProtoICMPv6
	register(ProtoICMPv6, protocol{name: "ICMPv6", filter: "icmpv6", long: "Internet Control Message Protocol v6", decode: decodeICMPv6, tree: icmpv6Tree, summary: icmpv6Summary})
}

// ICMPv6 message types with fields of their own.
const (
	icmp6Unreach     = 1
	icmp6TooBig      = 2
	icmp6TimeExceed  = 3
	icmp6ParamProb   = 4
	icmp6EchoRequest = 128
	icmp6EchoReply   = 129
	icmp6MLDQuery    = 130
	icmp6MLDReport   = 131
	icmp6MLDDone     = 132
	icmp6RS          = 133
	icmp6RA          = 134
	icmp6NS          = 135
	icmp6NA          = 136
	icmp6Redirect    = 137
	icmp6INDSol      = 141
	icmp6INDAdv      = 142
	icmp6MLDv2Report = 143
	icmp6ExtEcho     = 160
	icmp6ExtEchoRep  = 161
)

// ND option types with fields of their own.
const (
	ndOptSrcLL     = 1
	ndOptTgtLL     = 2
	ndOptPrefix    = 3
	ndOptRedirect  = 4
	ndOptMTU       = 5
	ndOptRouteInfo = 24
	ndOptRDNSS     = 25
	ndOptDNSSL     = 31
)

// icmp6Getter returns a getter for a value of each ICMPv6 layer that is at least need bytes long.
func icmp6Getter(need int, fn func(p *Packet, l *Layer, b []byte) (field.Value, bool)) getter {
	return layerGetter(ProtoICMPv6, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
		if len(b) < need {
			return field.Value{}, false
		}
		return fn(p, l, b)
	})
}

// icmp6Of returns a getter of a big-endian field of size bytes at off of the ICMPv6 types in types.
func icmp6Of(off, size int, types ...byte) getter {
	return icmp6Getter(off+size, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		for _, t := range types {
			if b[0] == t {
				var u uint64
				for _, c := range b[off : off+size] {
					u = u<<8 | uint64(c)
				}
				return field.Value{U: u}, true
			}
		}
		return field.Value{}, false
	})
}

// icmp6Addr returns a getter of an IPv6 address at off of the ICMPv6 types in types.
func icmp6Addr(off int, ok func(b []byte) bool) getter {
	return icmp6Getter(off+16, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{B: b[off : off+16 : off+16]}, ok(b)
	})
}

func isType(types ...byte) func(b []byte) bool {
	return func(b []byte) bool {
		for _, t := range types {
			if b[0] == t {
				return true
			}
		}
		return false
	}
}

// mldV2Query reports whether a message is an MLDv2 query (a query of at least 28 bytes).
func mldV2Query(b []byte) bool { return b[0] == icmp6MLDQuery && len(b) >= 28 }

// mldV1 reports whether a message has the MLDv1 layout.
func mldV1(b []byte) bool {
	return (b[0] == icmp6MLDQuery || b[0] == icmp6MLDReport || b[0] == icmp6MLDDone) && !mldV2Query(b)
}

// icmp6Reserved returns the spans Wireshark shows as icmpv6.reserved.
func icmp6Reserved(b []byte) (off, n int) {
	switch b[0] {
	case icmp6Unreach, icmp6TimeExceed:
		if len(b) > 4 && b[4] != 0 {
			return 5, 3
		}
		return 4, 4
	case icmp6MLDQuery, icmp6MLDReport, icmp6MLDDone:
		return 6, 2
	case icmp6RS, icmp6NS, icmp6Redirect, icmp6INDSol, icmp6INDAdv:
		return 4, 4
	case icmp6MLDv2Report:
		return 4, 2
	}
	return 0, 0
}

// icmp6Handled reports whether Wireshark has a case for the type (others get icmpv6.data).
func icmp6Handled(t byte) bool { return t >= 1 && t <= 4 || t >= 128 && t <= 161 }

// mldCode decodes MLDv2's floating-point Maximum Response Code and QQIC as Wireshark does.
func mldCode(v uint64) uint64 {
	if v >= 32768 {
		return (v&0x0fff | 0x1000) << ((v&0x7000)>>12 + 3)
	}
	return v
}

func mldQQI(v uint64) uint64 {
	if v >= 128 {
		return (v&0x0f | 0x10) << ((v&0x70)>>4 + 3)
	}
	return v
}

var (
	fICMPv6         = reg(field.Info{Abbrev: "icmpv6", Name: "Internet Control Message Protocol v6", Type: field.Protocol, Present: "icmpv6"}, presence(ProtoICMPv6))
	fICMPv6Type     = reg(field.Info{Abbrev: "icmpv6.type", Name: "Type", Type: field.Uint, Bits: 8, Names: icmpv6TypeName}, icmp6Any(0, 1))
	fICMPv6Code     = reg(field.Info{Abbrev: "icmpv6.code", Name: "Code", Type: field.Uint, Bits: 8}, icmp6Any(1, 1))
	fICMPv6Checksum = reg(field.Info{Abbrev: "icmpv6.checksum", Name: "Checksum", Type: field.Uint, Base: field.Hex, Bits: 16}, icmp6Any(2, 2))
	fICMPv6CkStatus = reg(field.Info{Abbrev: "icmpv6.checksum.status", Name: "Checksum Status", Type: field.Uint, Bits: 8, Names: checksumStatusName},
		icmp6Getter(4, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
			st, _ := p.icmpv6Checksum(l, b)
			return field.Value{U: uint64(st)}, true
		}))
	fICMPv6Reserved = reg(field.Info{Abbrev: "icmpv6.reserved", Name: "Reserved", Type: field.Bytes, Blurb: "Must be Zero"},
		icmp6Getter(4, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			off, n := icmp6Reserved(b)
			if n == 0 || off+n > len(b) {
				return field.Value{}, false
			}
			return field.Value{B: b[off : off+n : off+n]}, true
		}))
	fICMPv6Data = reg(field.Info{Abbrev: "icmpv6.data", Name: "Data", Type: field.Bytes, Blurb: "the body of a message or ND option of a type not decoded"},
		multiGetter(ProtoICMPv6, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
			if len(b) > 4 && !icmp6Handled(b[0]) {
				return append(dst, field.Value{B: b[4:]})
			}
			if len(b) < 8 {
				return dst
			}
			walkNDOpts(b, func(o ndOpt) {
				if o.n > 2 && o.fits(b) && !ndOptHandled(b[o.off]) {
					dst = append(dst, field.Value{B: b[o.off+2 : o.off+o.n : o.off+o.n]})
				}
			})
			return dst
		}))
	fICMPv6MTU     = reg(field.Info{Abbrev: "icmpv6.mtu", Name: "MTU", Type: field.Uint, Bits: 32}, icmp6Of(4, 4, icmp6TooBig))
	fICMPv6Pointer = reg(field.Info{Abbrev: "icmpv6.pointer", Name: "Pointer", Type: field.Uint, Bits: 32}, icmp6Of(4, 4, icmp6ParamProb))
	fICMPv6Length  = reg(field.Info{Abbrev: "icmpv6.length", Name: "Length of original datagram", Type: field.Uint, Bits: 8, Blurb: "in 64-bit words (RFC 4884)"},
		icmp6Getter(5, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[4])}, (b[0] == icmp6Unreach || b[0] == icmp6TimeExceed) && b[4] != 0
		}))
	fICMPv6EchoID  = reg(field.Info{Abbrev: "icmpv6.echo.identifier", Name: "Identifier", Type: field.Uint, Base: field.Hex, Bits: 16}, icmp6Of(4, 2, icmp6EchoRequest, icmp6EchoReply, icmp6ExtEcho, icmp6ExtEchoRep))
	fICMPv6EchoSeq = reg(field.Info{Abbrev: "icmpv6.echo.sequence_number", Name: "Sequence", Type: field.Uint, Bits: 16}, icmp6Of(6, 2, icmp6EchoRequest, icmp6EchoReply))
	fICMPv6RespTo  = reg(field.Info{Abbrev: "icmpv6.resp_to", Name: "Response To", Type: field.FrameNum, Blurb: "This is the response to the request in this frame"},
		icmp6Getter(8, func(p *Packet, l *Layer, b []byte) (field.Value, bool) {
			f := p.echoRequestOf(l)
			return field.Value{U: uint64(f)}, b[0] == icmp6EchoReply && f != 0
		}))
	fICMPv6ExtEchoSeq   = reg(field.Info{Abbrev: "icmpv6.ext.echo.seq", Name: "Sequence number", Type: field.Uint, Base: field.DecHex, Bits: 8}, icmp6Of(6, 1, icmp6ExtEcho, icmp6ExtEchoRep))
	fICMPv6ExtEchoLocal = reg(field.Info{Abbrev: "icmpv6.ext.echo.req.local", Name: "Local bit", Type: field.Bool},
		icmp6Getter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] & 1)}, b[0] == icmp6ExtEcho
		}))
	fICMPv6ExtEchoState = reg(field.Info{Abbrev: "icmpv6.ext.echo.rsp.state", Name: "State", Type: field.Uint, Bits: 8, Names: extEchoStateName},
		icmp6Getter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] >> 5)}, b[0] == icmp6ExtEchoRep
		}))
	fICMPv6ExtEchoActive = reg(field.Info{Abbrev: "icmpv6.ext.echo.rsp.active", Name: "Active bit", Type: field.Bool},
		icmp6Getter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] >> 2 & 1)}, b[0] == icmp6ExtEchoRep
		}))
	fICMPv6ExtEchoIPv4 = reg(field.Info{Abbrev: "icmpv6.ext.echo.rsp.ipv4", Name: "IPv4 bit", Type: field.Bool},
		icmp6Getter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] >> 1 & 1)}, b[0] == icmp6ExtEchoRep
		}))
	fICMPv6ExtEchoIPv6 = reg(field.Info{Abbrev: "icmpv6.ext.echo.rsp.ipv6", Name: "IPv6 bit", Type: field.Bool},
		icmp6Getter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[7] & 1)}, b[0] == icmp6ExtEchoRep
		}))

	// MLD
	fMLDMaxDelay = reg(field.Info{Abbrev: "icmpv6.mld.maximum_response_delay", Name: "Maximum Response Delay [ms]", Type: field.Uint, Bits: 16},
		icmp6Getter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint16(b[4:]))}, mldV1(b)
		}))
	fMLDMaxCode = reg(field.Info{Abbrev: "icmpv6.mld.maximum_response_code", Name: "Maximum Response Code", Type: field.Uint, Bits: 16},
		icmp6Getter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: mldCode(uint64(binary.BigEndian.Uint16(b[4:])))}, mldV2Query(b)
		}))
	fMLDMcast = reg(field.Info{Abbrev: "icmpv6.mld.multicast_address", Name: "Multicast Address", Type: field.IPv6},
		icmp6Addr(8, func(b []byte) bool { return mldV1(b) || mldV2Query(b) }))
	fMLDFlag = reg(field.Info{Abbrev: "icmpv6.mld.flag", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 8},
		icmp6Getter(25, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[24])}, mldV2Query(b)
		}))
	fMLDFlagS = reg(field.Info{Abbrev: "icmpv6.mld.flag.s", Name: "Suppress Router-Side Processing", Type: field.Bool},
		icmp6Getter(25, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[24] >> 3 & 1)}, mldV2Query(b)
		}))
	fMLDFlagQRV = reg(field.Info{Abbrev: "icmpv6.mld.flag.qrv", Name: "QRV (Querier's Robustness Variable)", Type: field.Uint, Bits: 8},
		icmp6Getter(25, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(b[24] & 7)}, mldV2Query(b)
		}))
	fMLDQQI = reg(field.Info{Abbrev: "icmpv6.mld.qqi", Name: "QQIC (Querier's Query Interval Code)", Type: field.Uint, Bits: 8},
		icmp6Getter(26, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: mldQQI(uint64(b[25]))}, mldV2Query(b)
		}))
	fMLDNbSources = reg(field.Info{Abbrev: "icmpv6.mld.nb_sources", Name: "Number of Sources", Type: field.Uint, Bits: 16},
		icmp6Getter(28, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.BigEndian.Uint16(b[26:]))}, mldV2Query(b)
		}))
	fMLDSource = reg(field.Info{Abbrev: "icmpv6.mld.source_address", Name: "Source Address", Type: field.IPv6},
		multiGetter(ProtoICMPv6, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
			if len(b) < 28 || !mldV2Query(b) {
				return dst
			}
			for i, o := 0, 28; i < int(binary.BigEndian.Uint16(b[26:])) && o+16 <= len(b); i, o = i+1, o+16 {
				dst = append(dst, field.Value{B: b[o : o+16 : o+16]})
			}
			return dst
		}))
	fMLDRNbRecords = reg(field.Info{Abbrev: "icmpv6.mldr.nb_mcast_records", Name: "Number of Multicast Address Records", Type: field.Uint, Bits: 16}, icmp6Of(6, 2, icmp6MLDv2Report))
	fMLDRType      = reg(field.Info{Abbrev: "icmpv6.mldr.mar.record_type", Name: "Record Type", Type: field.Uint, Bits: 8, Names: mldrRecordTypeName}, mldrGetter(0, 1))
	fMLDRAuxLen    = reg(field.Info{Abbrev: "icmpv6.mldr.mar.aux_data_len", Name: "Aux Data Len", Type: field.Uint, Bits: 8}, mldrGetter(1, 1))
	fMLDRNbSources = reg(field.Info{Abbrev: "icmpv6.mldr.mar.nb_sources", Name: "Number of Sources", Type: field.Uint, Bits: 16}, mldrGetter(2, 2))
	fMLDRMcast     = reg(field.Info{Abbrev: "icmpv6.mldr.mar.multicast_address", Name: "Multicast Address", Type: field.IPv6}, mldrGetter(4, 16))
	fMLDRSource    = reg(field.Info{Abbrev: "icmpv6.mldr.mar.source_address", Name: "Source Address", Type: field.IPv6}, mldrGetter(20, 16))

	// Neighbour discovery
	fRAHopLimit  = reg(field.Info{Abbrev: "icmpv6.nd.ra.cur_hop_limit", Name: "Cur hop limit", Type: field.Uint, Bits: 8}, icmp6Of(4, 1, icmp6RA))
	fRAFlag      = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 8}, icmp6Of(5, 1, icmp6RA))
	fRAFlagM     = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag.m", Name: "Managed address configuration", Type: field.Bool}, raFlag(0x80))
	fRAFlagO     = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag.o", Name: "Other configuration", Type: field.Bool}, raFlag(0x40))
	fRAFlagH     = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag.h", Name: "Home Agent", Type: field.Bool}, raFlag(0x20))
	fRAFlagPrf   = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag.prf", Name: "Prf (Default Router Preference)", Type: field.Uint, Bits: 8, Names: routerPrefName}, raFlag(0x18))
	fRAFlagP     = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag.p", Name: "Proxy", Type: field.Bool}, raFlag(0x04))
	fRAFlagRsv   = reg(field.Info{Abbrev: "icmpv6.nd.ra.flag.rsv", Name: "Reserved", Type: field.Uint, Bits: 8}, raFlag(0x03))
	fRALifetime  = reg(field.Info{Abbrev: "icmpv6.nd.ra.router_lifetime", Name: "Router lifetime (s)", Type: field.Uint, Bits: 16}, icmp6Of(6, 2, icmp6RA))
	fRAReachable = reg(field.Info{Abbrev: "icmpv6.nd.ra.reachable_time", Name: "Reachable time (ms)", Type: field.Uint, Bits: 32}, icmp6Of(8, 4, icmp6RA))
	fRARetrans   = reg(field.Info{Abbrev: "icmpv6.nd.ra.retrans_timer", Name: "Retrans timer (ms)", Type: field.Uint, Bits: 32}, icmp6Of(12, 4, icmp6RA))
	fNSTarget    = reg(field.Info{Abbrev: "icmpv6.nd.ns.target_address", Name: "Target Address", Type: field.IPv6}, icmp6Addr(8, isType(icmp6NS)))
	fNAFlag      = reg(field.Info{Abbrev: "icmpv6.nd.na.flag", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 32}, icmp6Of(4, 4, icmp6NA))
	fNAFlagR     = reg(field.Info{Abbrev: "icmpv6.nd.na.flag.r", Name: "Router", Type: field.Bool}, naFlag(0x80000000))
	fNAFlagS     = reg(field.Info{Abbrev: "icmpv6.nd.na.flag.s", Name: "Solicited", Type: field.Bool}, naFlag(0x40000000))
	fNAFlagO     = reg(field.Info{Abbrev: "icmpv6.nd.na.flag.o", Name: "Override", Type: field.Bool}, naFlag(0x20000000))
	fNAFlagRsv   = reg(field.Info{Abbrev: "icmpv6.nd.na.flag.rsv", Name: "Reserved", Type: field.Uint, Bits: 32}, naFlag(0x1fffffff))
	fNATarget    = reg(field.Info{Abbrev: "icmpv6.nd.na.target_address", Name: "Target Address", Type: field.IPv6}, icmp6Addr(8, isType(icmp6NA)))
	fRDTarget    = reg(field.Info{Abbrev: "icmpv6.nd.rd.target_address", Name: "Target Address", Type: field.IPv6}, icmp6Addr(8, isType(icmp6Redirect)))
	fRDDest      = reg(field.Info{Abbrev: "icmpv6.rd.na.destination_address", Name: "Destination Address", Type: field.IPv6}, icmp6Addr(24, isType(icmp6Redirect)))

	// ND options. The link-layer addresses are FT_BYTES in Wireshark, printed with colons when they are
	// 6 bytes long (the usual case, registered as Ether here) and as plain hex otherwise.
	fNDOpt        = reg(field.Info{Abbrev: "icmpv6.opt", Name: "ICMPv6 Option", Type: field.Protocol, Present: "1"}, ndOptGetter(func(b []byte, o ndOpt) (field.Value, bool) { return field.Value{}, true }))
	fNDOptType    = reg(field.Info{Abbrev: "icmpv6.opt.type", Name: "Type", Type: field.Uint, Bits: 8, Names: ndOptName}, ndOptGetter(func(b []byte, o ndOpt) (field.Value, bool) { return field.Value{U: uint64(b[o.off])}, true }))
	fNDOptLength  = reg(field.Info{Abbrev: "icmpv6.opt.length", Name: "Length", Type: field.Uint, Bits: 8, Blurb: "in units of 8 bytes"}, ndOptGetter(func(b []byte, o ndOpt) (field.Value, bool) { return field.Value{U: uint64(b[o.off+1])}, true }))
	fNDOptLL      = reg(field.Info{Abbrev: "icmpv6.opt.linkaddr", Name: "Link-layer address", Type: field.Ether}, ndLLGetter(0, false))
	fNDOptSrcLL   = reg(field.Info{Abbrev: "icmpv6.opt.src_linkaddr", Name: "Source Link-layer address", Type: field.Ether}, ndLLGetter(ndOptSrcLL, false))
	fNDOptTgtLL   = reg(field.Info{Abbrev: "icmpv6.opt.target_linkaddr", Name: "Target Link-layer address", Type: field.Ether}, ndLLGetter(ndOptTgtLL, false))
	fNDOptLL64    = reg(field.Info{Abbrev: "icmpv6.opt.linkaddr_eui64", Name: "Link-layer address", Type: field.Ether, Blurb: "EUI-64"}, ndLLGetter(0, true))
	fNDOptSrcLL64 = reg(field.Info{Abbrev: "icmpv6.opt.src_linkaddr_eui64", Name: "Source Link-layer address", Type: field.Ether, Blurb: "EUI-64"}, ndLLGetter(ndOptSrcLL, true))
	fNDOptTgtLL64 = reg(field.Info{Abbrev: "icmpv6.opt.target_linkaddr_eui64", Name: "Target Link-layer address", Type: field.Ether, Blurb: "EUI-64"}, ndLLGetter(ndOptTgtLL, true))
	fNDPfxLen     = reg(field.Info{Abbrev: "icmpv6.opt.prefix.length", Name: "Prefix Length", Type: field.Uint, Bits: 8},
		ndOptGetter(func(b []byte, o ndOpt) (field.Value, bool) {
			t := b[o.off]
			return field.Value{U: uint64(b[min(o.off+2, len(b)-1)])}, (t == ndOptPrefix || t == ndOptRouteInfo) && o.off+3 <= len(b)
		}))
	fNDPfxFlag    = reg(field.Info{Abbrev: "icmpv6.opt.prefix.flag", Name: "Flag", Type: field.Uint, Base: field.Hex, Bits: 8}, ndOptField(ndOptPrefix, 3, 1, 0xff))
	fNDPfxFlagL   = reg(field.Info{Abbrev: "icmpv6.opt.prefix.flag.l", Name: "On-link flag(L)", Type: field.Bool}, ndOptField(ndOptPrefix, 3, 1, 0x80))
	fNDPfxFlagA   = reg(field.Info{Abbrev: "icmpv6.opt.prefix.flag.a", Name: "Autonomous address-configuration flag(A)", Type: field.Bool}, ndOptField(ndOptPrefix, 3, 1, 0x40))
	fNDPfxFlagR   = reg(field.Info{Abbrev: "icmpv6.opt.prefix.flag.r", Name: "Router address flag(R)", Type: field.Bool}, ndOptField(ndOptPrefix, 3, 1, 0x20))
	fNDPfxFlagRsv = reg(field.Info{Abbrev: "icmpv6.opt.prefix.flag.reserved", Name: "Reserved", Type: field.Uint, Bits: 8}, ndOptField(ndOptPrefix, 3, 1, 0x1f))
	fNDPfxValid   = reg(field.Info{Abbrev: "icmpv6.opt.prefix.valid_lifetime", Name: "Valid Lifetime", Type: field.Uint, Bits: 32}, ndOptField(ndOptPrefix, 4, 4, 0xffffffff))
	fNDPfxPref    = reg(field.Info{Abbrev: "icmpv6.opt.prefix.preferred_lifetime", Name: "Preferred Lifetime", Type: field.Uint, Bits: 32}, ndOptField(ndOptPrefix, 8, 4, 0xffffffff))
	fNDPfx        = reg(field.Info{Abbrev: "icmpv6.opt.prefix", Name: "Prefix", Type: field.IPv6},
		func(p *Packet, dst []field.Value) []field.Value {
			for i := 0; i < p.N; i++ {
				l := &p.Layers[i]
				if l.Proto != ProtoICMPv6 {
					continue
				}
				b := p.LayerBytes(l)
				if len(b) < 8 {
					continue
				}
				walkNDOpts(b, func(o ndOpt) {
					if v, ok := ndPrefix(p, b, o); ok {
						dst = append(dst, field.Value{B: v})
					}
				})
			}
			return dst
		})
	fNDRouteFlag = reg(field.Info{Abbrev: "icmpv6.opt.route_info.flag", Name: "Flag", Type: field.Uint, Base: field.Hex, Bits: 8}, ndOptField(ndOptRouteInfo, 3, 1, 0xff))
	fNDRoutePref = reg(field.Info{Abbrev: "icmpv6.opt.route_info.flag.route_preference", Name: "Route Preference", Type: field.Uint, Bits: 8, Names: routerPrefName}, ndOptField(ndOptRouteInfo, 3, 1, 0x18))
	fNDRouteRsv  = reg(field.Info{Abbrev: "icmpv6.opt.route_info.flag.reserved", Name: "Reserved", Type: field.Uint, Bits: 8}, ndOptField(ndOptRouteInfo, 3, 1, 0xe7))
	fNDRouteLife = reg(field.Info{Abbrev: "icmpv6.opt.route_lifetime", Name: "Route Lifetime", Type: field.Uint, Bits: 32}, ndOptField(ndOptRouteInfo, 4, 4, 0xffffffff))
	fNDRDNSSLife = reg(field.Info{Abbrev: "icmpv6.opt.rdnss.lifetime", Name: "Lifetime", Type: field.Uint, Bits: 32}, ndOptField(ndOptRDNSS, 4, 4, 0xffffffff))
	fNDDNSSLLife = reg(field.Info{Abbrev: "icmpv6.opt.dnssl.lifetime", Name: "Lifetime", Type: field.Uint, Bits: 32}, ndOptField(ndOptDNSSL, 4, 4, 0xffffffff))
	fNDRDNSS     = reg(field.Info{Abbrev: "icmpv6.opt.rdnss", Name: "Recursive DNS Servers", Type: field.IPv6},
		multiGetter(ProtoICMPv6, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
			if len(b) < 8 {
				return dst
			}
			walkNDOpts(b, func(o ndOpt) {
				if b[o.off] == ndOptRDNSS && o.fits(b) {
					for q := o.off + 8; q+16 <= o.off+o.n; q += 16 {
						dst = append(dst, field.Value{B: b[q : q+16 : q+16]})
					}
				}
			})
			return dst
		}))
	fNDDNSSL = reg(field.Info{Abbrev: "icmpv6.opt.dnssl", Name: "Domain Names", Type: field.String},
		func(p *Packet, dst []field.Value) []field.Value {
			for i := 0; i < p.N; i++ {
				l := &p.Layers[i]
				if b := p.LayerBytes(l); l.Proto == ProtoICMPv6 && len(b) >= 8 {
					walkNDOpts(b, func(o ndOpt) {
						if b[o.off] == ndOptDNSSL && o.fits(b) {
							opt := b[o.off : o.off+o.n]
							for q := 8; ; {
								s := p.alloc(255)
								if s == nil {
									break
								}
								name, next, ok := nextDNSSL(opt, q, s)
								if !ok {
									break
								}
								dst = append(dst, field.Value{B: name})
								q = next
							}
						}
					})
				}
			}
			return dst
		})
	fNDOptMTU = reg(field.Info{Abbrev: "icmpv6.opt.mtu", Name: "MTU", Type: field.Uint, Bits: 32}, ndOptField(ndOptMTU, 4, 4, 0xffffffff))
)

// icmp6Any returns a getter of a big-endian field of size bytes at off of every ICMPv6 message.
func icmp6Any(off, size int) getter {
	return icmp6Getter(off+size, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		var u uint64
		for _, c := range b[off : off+size] {
			u = u<<8 | uint64(c)
		}
		return field.Value{U: u}, true
	})
}

// ndPrefix returns the prefix of a prefix information option (16 bytes) or of a route information
// option (0, 8 or 16 bytes, zero-padded to an address in the packet's scratch space).
func ndPrefix(p *Packet, b []byte, o ndOpt) ([]byte, bool) {
	switch b[o.off] {
	case ndOptPrefix:
		if q := o.off + 16; q+16 <= len(b) {
			return b[q : q+16 : q+16], true
		}
	case ndOptRouteInfo:
		if (o.n == 16 || o.n == 24) && o.fits(b) {
			v := p.alloc(16)
			if v == nil {
				return nil, false
			}
			clear(v)
			copy(v, b[o.off+8:o.off+o.n])
			return v, true
		}
	}
	return nil, false
}

// nextDNSSL returns the domain name at q in a DNS Search List option (dotted, written into buf) and
// the offset after it; ok is false at the end of the names (a zero byte: padding) or at a label that
// does not fit.
func nextDNSSL(opt []byte, q int, buf []byte) (name []byte, next int, ok bool) {
	if q < 8 || q >= len(opt) || opt[q] == 0 {
		return nil, q, false
	}
	n := 0
	for q < len(opt) && opt[q] != 0 {
		ln := int(opt[q])
		if ln > 63 || q+1+ln > len(opt) {
			return nil, q, false
		}
		if n > 0 && n < len(buf) {
			buf[n] = '.'
			n++
		}
		n += copy(buf[min(n, len(buf)):], opt[q+1:q+1+ln])
		q += 1 + ln
	}
	return buf[:n], q + 1, true
}

func raFlag(mask uint64) getter {
	shift := 0
	for mask>>shift&1 == 0 {
		shift++
	}
	return icmp6Getter(6, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(b[5]) & mask >> shift}, b[0] == icmp6RA
	})
}

func naFlag(mask uint64) getter {
	shift := 0
	for mask>>shift&1 == 0 {
		shift++
	}
	return icmp6Getter(8, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
		return field.Value{U: uint64(binary.BigEndian.Uint32(b[4:])) & mask >> shift}, b[0] == icmp6NA
	})
}

func routerPrefName(v uint64) string {
	if v < 4 {
		return [...]string{"Medium", "High", "Reserved", "Low"}[v]
	}
	return ""
}

func mldrRecordTypeName(v uint64) string {
	if v >= 1 && v <= 6 {
		return [...]string{"Include", "Exclude", "Changed to include", "Changed to exclude", "Allow new sources", "Block old sources"}[v-1]
	}
	return ""
}

// walkMLDRecords calls fn with the offset of each MLDv2 report record, its number of sources and its
// length, for as long as bytes remain. As Wireshark reads a record field by field, a record cut short is passed on (its fields exist
// as far as the bytes go) and ends the walk.
func walkMLDRecords(b []byte, fn func(off, nsrc, n int)) {
	if len(b) < 8 || b[0] != icmp6MLDv2Report {
		return
	}
	off := 8
	for off < len(b) { // Wireshark reads records while bytes remain, whatever their announced number
		nsrc, aux := 0, 0
		if off+4 <= len(b) {
			nsrc = int(binary.BigEndian.Uint16(b[off+2:]))
		}
		if off+2 <= len(b) {
			aux = int(b[off+1])
		}
		n := 20 + 16*nsrc + 4*aux
		fn(off, nsrc, n)
		if off+n > len(b) {
			return
		}
		off += n
	}
}

// mldrGetter returns a getter of a field at rel in each MLDv2 report record (rel 20: each source).
func mldrGetter(rel, size int) getter {
	return multiGetter(ProtoICMPv6, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
		walkMLDRecords(b, func(off, nsrc, n int) {
			if rel == 20 {
				for s, o := 0, off+20; s < nsrc && o+16 <= len(b); s, o = s+1, o+16 {
					dst = append(dst, field.Value{B: b[o : o+16 : o+16]})
				}
				return
			}
			o := off + rel
			if o+size > len(b) {
				return
			}
			switch size {
			case 1:
				dst = append(dst, field.Value{U: uint64(b[o])})
			case 2:
				dst = append(dst, field.Value{U: uint64(binary.BigEndian.Uint16(b[o:]))})
			default:
				dst = append(dst, field.Value{B: b[o : o+16 : o+16]})
			}
		})
		return dst
	})
}

func icmpv6TypeName(v uint64) string {
	switch {
	case v == 1:
		return "Destination Unreachable"
	case v == 2:
		return "Packet Too Big"
	case v == 3:
		return "Time Exceeded"
	case v == 4:
		return "Parameter Problem"
	case v == 100, v == 101, v == 200, v == 201:
		return "Private experimentation"
	case v == 127:
		return "Reserved for expansion of ICMPv6 error messages"
	case v == 255:
		return "Reserved for expansion of ICMPv6 informational messages"
	case v >= 128 && v <= 161:
		return icmpv6InfoNames[v-128]
	}
	return ""
}

var icmpv6InfoNames = [...]string{
	"Echo (ping) request", "Echo (ping) reply", "Multicast Listener Query", "Multicast Listener Report",
	"Multicast Listener Done", "Router Solicitation", "Router Advertisement", "Neighbor Solicitation",
	"Neighbor Advertisement", "Redirect", "Router Renumbering", "Node Information Query",
	"Node Information Reply", "Inverse Neighbor Discovery Solicitation", "Inverse Neighbor Discovery Advertisement", "Multicast Listener Report Message v2",
	"Home Agent Address Discovery Request", "Home Agent Address Discovery Reply", "Mobile Prefix Solicitation", "Mobile Prefix Advertisement",
	"Certification Path Solicitation", "Certification Path Advertisement", "Experimental Mobility", "Multicast Router Advertisement",
	"Multicast Router Solicitation", "Multicast Router Termination", "FMIPv6", "RPL Control",
	"Locator Update", "Duplicate Address Request", "Duplicate Address Confirmation", "MPL Control Message",
	"Extended Echo request", "Extended Echo reply",
}

// icmpv6TypeStr is the type text of the Info column: the name or "Unknown (n)".
func icmpv6TypeStr(t byte) string {
	if s := icmpv6TypeName(uint64(t)); s != "" {
		return s
	}
	return "Unknown (" + strconv.Itoa(int(t)) + ")"
}

// icmpv6CodeStr returns the code text of the types that show one ("" for the others).
func icmpv6CodeStr(t, code byte) string {
	unknown := "Unknown (" + strconv.Itoa(int(code)) + ")"
	switch t {
	case icmp6Unreach:
		if code < 8 {
			return [...]string{"no route to destination", "Administratively prohibited", "Beyond scope of source address", "Address unreachable",
				"Port unreachable", "Source address failed ingress/egress policy", "Reject route to destination", "Error in Source Routing Header"}[code]
		}
		return "Unknown"
	case icmp6TimeExceed:
		if code < 2 {
			return [...]string{"hop limit exceeded in transit", "fragment reassembly time exceeded"}[code]
		}
	case icmp6ParamProb:
		if code < 4 {
			return [...]string{"erroneous header field encountered", "unrecognized Next Header type encountered",
				"unrecognized IPv6 option encountered", "IPv6 First Fragment has incomplete IPv6 Header Chain"}[code]
		}
	case 138:
		switch code {
		case 0:
			return "Command"
		case 1:
			return "Result"
		case 255:
			return "Sequence number reset"
		}
	case 139:
		if code < 3 {
			return [...]string{"Query subject = IPv6 addresses", "Query subject = DNS name or empty", "Query subject = IPv4 addresses"}[code]
		}
	case 140:
		if code < 3 {
			return [...]string{"Successful", "Refused", "Unknown query type"}[code]
		}
	case 150, 154:
		// Wireshark appends an empty subtype name here.
		return unknown
	case 155:
		switch {
		case code <= 5:
			return [...]string{"DODAG Information Solicitation", "DODAG Information Object", "Destination Advertisement Object",
				"Destination Advertisement Object Acknowledgment", "P2P Discovery Reply Object", "P2P Discovery Reply Object Acknowledgement"}[code]
		case code >= 128 && code <= 133:
			return [...]string{"Secure DODAG Information Solicitation", "Secure DODAG Information Object", "Secure Destination Advertisement Object",
				"Secure Destination Advertisement Object Acknowledgment", "P2P Secure Discovery Reply Object", "P2P Secure Discovery Reply Object Acknowledgement"}[code-128]
		case code == 138:
			return "Consistency Check"
		}
	case icmp6ExtEcho:
		if code == 0 {
			return "No error"
		}
	case icmp6ExtEchoRep:
		if code < 5 {
			return [...]string{"No error", "Malformed Query", "No Such Interface", "No Such Table Entry", "Multiple Interfaces Satisfy Query"}[code]
		}
	default:
		return ""
	}
	return unknown
}

func ndOptName(v uint64) string {
	switch {
	case v >= 1 && v <= 42 && v != 22:
		return ndOptNames[v-1]
	case v == 138:
		return "CARD Request"
	case v == 139:
		return "CARD Reply"
	case v == 253:
		return "RFC3692-style Experiment 1"
	case v == 254:
		return "RFC3692-style Experiment 2"
	}
	return ""
}

var ndOptNames = [...]string{
	"Source link-layer address", "Target link-layer address", "Prefix information", "Redirected header", "MTU",
	"NBMA Shortcut Limit Option", "Advertisement Interval", "Home Agent Information", "Source Address List", "Target Address List",
	"CGA", "RSA Signature", "Timestamp", "Nonce", "Trust Anchor", "Certificate", "IP Address/Prefix Option",
	"New Router Prefix Information", "Link-layer Address", "Neighbor Advertisement Acknowledgment", "PvD ID", "",
	"MAP", "Route Information", "Recursive DNS Server", "RA Flags Extension", "Handover Key Request", "Handover Key Reply",
	"Handover Assist Information", "Mobile Node Identifier Option", "DNS Search List Option", "Proxy Signature (PS)",
	"Address Registration Option", "6LoWPAN Context Option", "Authoritative Border Router", "6LoWPAN Capability Indication Option",
	"DHCP Captive-Portal", "PREF64 Option", "Crypto-ID Parameters Option (CIPO)", "NDP Signature Option (NDPSO)",
	"Resource Directory Address Option", "Consistent Uptime Option",
}

// ndOptHandled reports whether Wireshark 4.0 has a case for an ND option type (the others show their
// body as icmpv6.data).
func ndOptHandled(t byte) bool { return t >= 1 && t <= 20 || t >= 23 && t <= 38 }

// ndOptStart returns where the options of an ND message start (0 if the type has none).
func ndOptStart(t byte) int {
	switch t {
	case icmp6RS, icmp6INDSol, icmp6INDAdv:
		return 8
	case icmp6RA:
		return 16
	case icmp6NS, icmp6NA:
		return 24
	case icmp6Redirect:
		return 40
	}
	return 0
}

// ndOpt is one ND option: its offset in the message and its length in bytes.
type ndOpt struct{ off, n int }

// How a walk of ND options ended.
const (
	ndOptsOK   = iota
	ndOptsZero // an option of length zero (Wireshark's "Invalid option length (Zero)")
	ndOptsCut  // an option, or a field Wireshark reads in it, extends past the message
)

// ndOptNeed returns how many bytes from an option's start Wireshark reads for its fields, whatever the
// option's own length says.
func ndOptNeed(t byte, n int) int {
	switch t {
	case ndOptPrefix:
		return 32
	case ndOptMTU, ndOptRedirect, ndOptRouteInfo, ndOptRDNSS, ndOptDNSSL:
		return max(n, 8)
	}
	return n
}

// walkNDOpts calls fn for each option of the ND message b, in order, and reports how the walk ended.
// Like Wireshark, it passes on an option whose length byte is there even when the option runs past the
// message (its type and length are shown, and the walk ends there, cut short); the option that ends a
// walk with ndOptsZero, or whose fields are cut short, is passed to fn too.
func walkNDOpts(b []byte, fn func(o ndOpt)) int {
	start := ndOptStart(b[0])
	if start == 0 {
		return ndOptsOK
	}
	for off := start; off < len(b); {
		if off+2 > len(b) {
			return ndOptsCut
		}
		n := int(b[off+1]) * 8
		fn(ndOpt{off: off, n: n})
		if n == 0 {
			return ndOptsZero
		}
		if off+max(n, ndOptNeed(b[off], n)) > len(b) {
			return ndOptsCut
		}
		off += n
	}
	return ndOptsOK
}

// fits reports whether the whole option lies in the message b.
func (o ndOpt) fits(b []byte) bool { return o.off+o.n <= len(b) }

// ndOptGetter returns a getter of a value of each ND option of each ICMPv6 layer.
func ndOptGetter(fn func(b []byte, o ndOpt) (field.Value, bool)) getter {
	return multiGetter(ProtoICMPv6, func(_ *Packet, _ *Layer, b []byte, dst []field.Value) []field.Value {
		if len(b) < 8 {
			return dst
		}
		walkNDOpts(b, func(o ndOpt) {
			if v, ok := fn(b, o); ok {
				dst = append(dst, v)
			}
		})
		return dst
	})
}

// ndOptField returns a getter of a big-endian field (size bytes at rel in options of type t, masked
// and shifted down).
func ndOptField(t byte, rel, size int, mask uint64) getter {
	shift := 0
	for mask>>shift&1 == 0 {
		shift++
	}
	return ndOptGetter(func(b []byte, o ndOpt) (field.Value, bool) {
		q := o.off + rel
		if b[o.off] != t || q+size > len(b) {
			return field.Value{}, false
		}
		var u uint64
		for _, c := range b[q : q+size] {
			u = u<<8 | uint64(c)
		}
		return field.Value{U: u & mask >> shift}, true
	})
}

// ndLL classifies a link-layer address option: 6-byte MAC, EUI-64 (a 16-byte option whose last six
// bytes are zero) or other.
func ndLL(b []byte, o ndOpt) (addr []byte, eui64 bool) {
	switch {
	case o.n == 8:
		return b[o.off+2 : o.off+8 : o.off+8], false
	case o.n == 16 && binary.BigEndian.Uint32(b[o.off+10:]) == 0 && binary.BigEndian.Uint16(b[o.off+14:]) == 0:
		return b[o.off+2 : o.off+10 : o.off+10], true
	}
	return b[o.off+2 : o.off+o.n : o.off+o.n], false
}

// ndLLGetter returns a getter of link-layer address options: of type t (0: either), the EUI-64 field or
// the plain one (which Wireshark also adds, hidden, for an EUI-64 source address).
func ndLLGetter(t byte, eui64 bool) getter {
	return ndOptGetter(func(b []byte, o ndOpt) (field.Value, bool) {
		ot := b[o.off]
		if o.n < 2 || !o.fits(b) || ot != ndOptSrcLL && ot != ndOptTgtLL || t != 0 && ot != t {
			return field.Value{}, false
		}
		a, isEUI := ndLL(b, o)
		if eui64 {
			return field.Value{B: a}, isEUI
		}
		if isEUI && ot == ndOptTgtLL {
			return field.Value{}, false // Wireshark adds no plain field for a target EUI-64
		}
		return field.Value{B: a}, true
	})
}

// icmpv6Need returns how many bytes Wireshark reads from a message of this type for its fixed fields.
func icmpv6Need(b []byte) int {
	switch b[0] {
	case icmp6Unreach, icmp6TooBig, icmp6TimeExceed, icmp6ParamProb, icmp6EchoRequest, icmp6EchoReply,
		icmp6RS, icmp6INDSol, icmp6INDAdv, icmp6ExtEcho, icmp6ExtEchoRep:
		return 8
	case icmp6MLDv2Report:
		// Records follow while bytes remain: each a type, aux data length, number of sources, address,
		// the sources and aux data.
		need := 8
		for need < len(b) {
			if need+4 > len(b) {
				return need + 4
			}
			need += 20 + 16*int(binary.BigEndian.Uint16(b[need+2:])) + 4*int(b[need+1])
		}
		return need
	case icmp6MLDQuery, icmp6MLDReport, icmp6MLDDone:
		if mldV2Query(b) {
			return 28 + 16*int(binary.BigEndian.Uint16(b[26:]))
		}
		return 24
	case icmp6RA:
		return 16
	case icmp6NS, icmp6NA:
		return 24
	case icmp6Redirect:
		return 40
	}
	return 4
}

// icmpv6ExtOffset returns where the RFC 4884 extension structure starts in an ICMPv6 message: after a
// destination unreachable or time exceeded message whose length byte is set (Wireshark reads it as a
// signed char: a negative length counts back from the end), and after an extended echo request's header.
func icmpv6ExtOffset(b []byte) (int, bool) {
	if len(b) < 8 {
		return 0, false
	}
	switch b[0] {
	case icmp6Unreach, icmp6TimeExceed:
		if b[4] == 0 {
			return 0, false
		}
		off := 8 + 8*int(int8(b[4]))
		if off < 0 {
			off += len(b)
		}
		return off, off >= 0 && off <= len(b)
	case icmp6ExtEcho:
		if len(b) > 8 {
			return 8, true
		}
	}
	return 0, false
}

func decodeICMPv6(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	end := ipPayloadEnd(p, buf, off)
	b := buf[off:end]
	p.push(ProtoICMPv6, off, min(8, len(b)), end, flags)
	i := p.N - 1
	if len(b) < 4 {
		p.shortMessage(i, ProtoICMPv6, 4, "shorter than the 4-byte ICMPv6 header")
		return ProtoNone, 0
	}
	if need := icmpv6Need(b); len(b) < need {
		p.shortMessage(i, ProtoICMPv6, need, "message cut short before the end of its fixed fields")
		return ProtoNone, 0
	}
	inErr := flags&layerInError != 0
	if e, ok := icmpv6ExtOffset(b); ok && extCutShort(b[e:]) && !inErr {
		// Wireshark's ICMP dissector walks the extension, and tshark names it in the report.
		p.malformed(ProtoICMP, "extension object cut short")
	}
	if start := ndOptStart(b[0]); start != 0 {
		redirect := -1
		switch walkNDOpts(b, func(o ndOpt) {
			if b[o.off] == ndOptRedirect && o.n > 8 && o.fits(b) && redirect < 0 {
				redirect = o.off
			}
		}) {
		case ndOptsZero:
			if !inErr {
				p.malformed(ProtoICMPv6, "ND option with length zero")
			}
		case ndOptsCut:
			p.shortMessage(i, ProtoICMPv6, len(b)+1, "ND option extends past the end of the message")
		}
		if redirect >= 0 {
			qend := off + redirect + int(b[redirect+1])*8
			return quoteIPv6(d, p, buf[:qend], off+redirect+8, flags, i)
		}
		return ProtoNone, 0
	}
	switch b[0] {
	case icmp6EchoRequest, icmp6EchoReply:
		if !inErr {
			if s := d.matchState(); s != nil {
				s.echo(p, i, b, true)
			}
		}
		p.pushData(buf[:end], off+8, flags)
	case icmp6Unreach, icmp6TooBig, icmp6TimeExceed, icmp6ParamProb:
		return quoteIPv6(d, p, buf[:end], off+8, flags, i)
	}
	return ProtoNone, 0
}

// quoteIPv6 decodes the packet quoted by an ICMPv6 error (or a Redirected Header option) at off. As in
// Wireshark, a quote that does not start with version 6 is data, and a missing quote or an IPv6 header
// cut short makes the message malformed.
func quoteIPv6(d *Decoder, p *Packet, buf []byte, off int, flags uint8, i int) (Proto, int) {
	q := buf[off:]
	switch {
	case len(q) > 0 && q[0]>>4 != 6:
		p.pushData(buf, off, flags|layerInError)
		return ProtoNone, 0
	case len(q) < 40:
		p.shortMessage(i, ProtoICMPv6, off-int(p.Layers[i].Off)+max(len(q)+1, 40), "quoted IPv6 header cut short")
		return ProtoNone, 0
	}
	return quoteIP(d, p, buf, off, flags, true)
}

// extCutShort reports whether Wireshark's walk of an extension structure would run past its bytes in
// an interface identification object (whose name it reads whole).
func extCutShort(e []byte) bool {
	cut := false
	if len(e) < 4 || e[0]>>4 != 1 && e[0]>>4 != 2 {
		return false
	}
	walkICMPExt(e, extObject, func(o extObj) {
		if o.class == 3 && o.length >= 4 && len(e)-o.off >= 5 {
			switch o.ctype {
			case 1:
				cut = cut || o.off+int(o.length) > len(e)
			case 2:
				cut = cut || o.off+8 > len(e)
			case 3:
				cut = cut || o.off+8 > len(e)
			}
		}
	})
	return cut
}

// icmpv6Checksum returns the checksum status of an ICMPv6 message and the checksum it should carry. The
// pseudo-header's destination is the final one when a routing header has segments left.
func (p *Packet) icmpv6Checksum(l *Layer, b []byte) (int, uint16) {
	i := p.layerIndex(l)
	if l.InError() || i < 1 || p.cutByCapture(i) {
		return cksumUnverified, 0
	}
	ip := &p.Layers[i-1]
	if ip.Proto != ProtoIPv6 {
		return cksumUnverified, 0
	}
	h := p.LayerBytes(ip)
	dst := h[24:40]
	walkIPv6Ext(h[:ip.Hdr], func(nh byte, off, n int) {
		if nh != 43 || n < 8 || h[off+3] == 0 {
			return
		}
		switch h[off+2] {
		case 0, 2: // source route, Mobile IPv6 home address: the last address
			if k := (n - 8) / 16; k > 0 {
				dst = h[off+8+16*(k-1) : off+8+16*k]
			}
		case 4: // segment routing: segment list[0]
			if n >= 24 {
				dst = h[off+8 : off+24]
			}
		}
	})
	var ph [8]byte
	binary.BigEndian.PutUint32(ph[:], uint32(len(b)))
	ph[7] = 58
	sum := onesSum(onesSum(onesSum(onesSum(0, h[8:24]), dst), ph[:]), b[:2])
	want := ^foldSum(onesSum(sum, b[4:]))
	if foldSum(onesSum(onesSum(sum, b[2:4]), b[4:])) == 0xffff {
		return cksumGood, want
	}
	return cksumBad, want
}

func icmpv6Summary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	if len(b) == 0 {
		return dst
	}
	t := b[0]
	dst = append(dst, icmpv6TypeStr(t)...)
	if len(b) < 2 {
		return dst
	}
	if cs := icmpv6CodeStr(t, b[1]); cs != "" {
		dst = append(dst, " ("...)
		dst = append(dst, cs...)
		dst = append(dst, ')')
	}
	if len(b) < icmpv6Need(b) {
		return dst
	}
	switch t {
	case icmp6EchoRequest, icmp6EchoReply:
		dst = append(dst, " id="...)
		dst = appendHex16(dst, binary.BigEndian.Uint16(b[4:]))
		dst = append(dst, ", seq="...)
		dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint16(b[6:])), 10)
		if i > 0 && p.Layers[i-1].Proto == ProtoIPv6 {
			dst = append(dst, ", hop limit="...)
			dst = strconv.AppendUint(dst, uint64(p.LayerBytes(&p.Layers[i-1])[7]), 10)
		}
		if f := p.echoRequestOf(l); f != 0 {
			dst = append(dst, " (request in "...)
			dst = strconv.AppendUint(dst, uint64(f), 10)
			dst = append(dst, ')')
		}
	case icmp6NS:
		dst = append(dst, " for "...)
		dst = field.AppendIPv6(dst, b[8:24])
	case icmp6NA:
		dst = append(dst, ' ')
		dst = field.AppendIPv6(dst, b[8:24])
		dst = append(dst, " ("...)
		fl := binary.BigEndian.Uint32(b[4:])
		n := len(dst)
		for k, name := range [3]string{"rtr", "sol", "ovr"} {
			if fl&(0x80000000>>k) != 0 {
				if len(dst) > n {
					dst = append(dst, ", "...)
				}
				dst = append(dst, name...)
			}
		}
		if len(dst) == n {
			dst = append(dst, "none"...)
		}
		dst = append(dst, ')')
	}
	walkNDOpts(b, func(o ndOpt) {
		ot := b[o.off]
		if o.n == 0 || !o.fits(b) || ot != ndOptSrcLL && ot != ndOptTgtLL {
			return
		}
		a, eui := ndLL(b, o)
		switch {
		case o.n == 8 && ot == ndOptTgtLL:
			dst = append(dst, " is at "...)
		case o.n == 8 || eui:
			dst = append(dst, " from "...)
		default:
			return
		}
		dst = field.AppendHexBytes(dst, a, ':')
	})
	return dst
}

func icmpv6Tree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	n := t.Proto("Internet Control Message Protocol v6", "icmpv6", 0, len(b))
	if len(b) == 0 {
		return
	}
	ty := b[0]
	t.AddLabel(n, fICMPv6Type, field.Value{U: uint64(ty)}, "Type: "+icmpv6TypeStr(ty)+" ("+strconv.Itoa(int(ty))+")", 0, 1)
	if len(b) < 2 {
		return
	}
	cl := "Code: " + strconv.Itoa(int(b[1]))
	if cs := icmpv6CodeStr(ty, b[1]); cs != "" {
		cl += " (" + cs + ")"
	}
	t.AddLabel(n, fICMPv6Code, field.Value{U: uint64(b[1])}, cl, 1, 1)
	if len(b) < 4 {
		return
	}
	st, want := p.icmpv6Checksum(l, b)
	checksumTree(t, n, fICMPv6Checksum, fICMPv6CkStatus, binary.BigEndian.Uint16(b[2:]), st, want, l.InError(), 2)
	u32 := func(off int) field.Value { return field.Value{U: uint64(binary.BigEndian.Uint32(b[off:]))} }
	u16 := func(off int) field.Value { return field.Value{U: uint64(binary.BigEndian.Uint16(b[off:]))} }
	addr := func(id field.ID, off int) {
		if off+16 <= len(b) {
			t.Add(n, id, field.Value{B: b[off : off+16]}, off, 16)
		}
	}
	reserved := func() {
		if off, k := icmp6Reserved(b); k > 0 && off+k <= len(b) {
			t.Add(n, fICMPv6Reserved, field.Value{B: b[off : off+k]}, off, k).Label = "Reserved: " + string(field.AppendHexBytes(nil, b[off:off+k], 0))
		}
	}
	switch {
	case ty == icmp6Unreach || ty == icmp6TimeExceed:
		if len(b) > 4 && b[4] != 0 {
			t.Add(n, fICMPv6Length, field.Value{U: uint64(b[4])}, 4, 1)
		}
		reserved()
	case ty == icmp6TooBig && len(b) >= 8:
		t.Add(n, fICMPv6MTU, u32(4), 4, 4)
	case ty == icmp6ParamProb && len(b) >= 8:
		t.Add(n, fICMPv6Pointer, u32(4), 4, 4)
	case (ty == icmp6EchoRequest || ty == icmp6EchoReply || ty == icmp6ExtEcho || ty == icmp6ExtEchoRep) && len(b) >= 6:
		t.Add(n, fICMPv6EchoID, u16(4), 4, 2)
		if len(b) >= 8 {
			switch ty {
			case icmp6ExtEcho:
				t.Add(n, fICMPv6ExtEchoSeq, field.Value{U: uint64(b[6])}, 6, 1)
				t.Add(n, fICMPv6ExtEchoLocal, field.Value{U: uint64(b[7] & 1)}, 7, 1)
			case icmp6ExtEchoRep:
				t.Add(n, fICMPv6ExtEchoSeq, field.Value{U: uint64(b[6])}, 6, 1)
				t.Add(n, fICMPv6ExtEchoState, field.Value{U: uint64(b[7] >> 5)}, 7, 1)
				t.Add(n, fICMPv6ExtEchoActive, field.Value{U: uint64(b[7] >> 2 & 1)}, 7, 1)
				t.Add(n, fICMPv6ExtEchoIPv4, field.Value{U: uint64(b[7] >> 1 & 1)}, 7, 1)
				t.Add(n, fICMPv6ExtEchoIPv6, field.Value{U: uint64(b[7] & 1)}, 7, 1)
			default:
				t.Add(n, fICMPv6EchoSeq, u16(6), 6, 2)
			}
		}
		if f := p.echoRequestOf(l); f != 0 {
			t.Add(n, fICMPv6RespTo, field.Value{U: uint64(f)}, 0, 0).Label = "[Response To: " + strconv.FormatUint(uint64(f), 10) + "]"
			t.Text(n, "[Response Time: "+formatMillis(p.matchResult().respNS)+" ms]", 0, 0)
		}
	case mldV2Query(b):
		t.Add(n, fMLDMaxCode, field.Value{U: mldCode(uint64(binary.BigEndian.Uint16(b[4:])))}, 4, 2)
		reserved()
		addr(fMLDMcast, 8)
		fl := t.Add(n, fMLDFlag, field.Value{U: uint64(b[24])}, 24, 1)
		t.Add(fl, fMLDFlagS, field.Value{U: uint64(b[24] >> 3 & 1)}, 24, 1)
		t.Add(fl, fMLDFlagQRV, field.Value{U: uint64(b[24] & 7)}, 24, 1)
		t.Add(n, fMLDQQI, field.Value{U: mldQQI(uint64(b[25]))}, 25, 1)
		t.Add(n, fMLDNbSources, u16(26), 26, 2)
		for k, o := 0, 28; k < int(binary.BigEndian.Uint16(b[26:])) && o+16 <= len(b); k, o = k+1, o+16 {
			addr(fMLDSource, o)
		}
	case mldV1(b):
		if len(b) >= 6 {
			t.Add(n, fMLDMaxDelay, u16(4), 4, 2)
		}
		reserved()
		addr(fMLDMcast, 8)
	case ty == icmp6MLDv2Report:
		reserved()
		if len(b) >= 8 {
			t.Add(n, fMLDRNbRecords, u16(6), 6, 2)
		}
		walkMLDRecords(b, func(off, nsrc, rn int) {
			rt := t.Text(n, "Multicast Address Record", off, min(rn, len(b)-off))
			if off+1 <= len(b) {
				t.Add(rt, fMLDRType, field.Value{U: uint64(b[off])}, off, 1)
			}
			if off+2 <= len(b) {
				t.Add(rt, fMLDRAuxLen, field.Value{U: uint64(b[off+1])}, off+1, 1)
			}
			if off+4 <= len(b) {
				t.Add(rt, fMLDRNbSources, u16(off+2), off+2, 2)
			}
			if off+20 <= len(b) {
				t.Add(rt, fMLDRMcast, field.Value{B: b[off+4 : off+20]}, off+4, 16)
			}
			for s, o := 0, off+20; s < nsrc && o+16 <= len(b); s, o = s+1, o+16 {
				t.Add(rt, fMLDRSource, field.Value{B: b[o : o+16]}, o, 16)
			}
		})
	case ty == icmp6RA:
		if len(b) >= 5 {
			t.Add(n, fRAHopLimit, field.Value{U: uint64(b[4])}, 4, 1)
		}
		if len(b) >= 6 {
			f := uint64(b[5])
			fl := t.Add(n, fRAFlag, field.Value{U: f}, 5, 1)
			t.Add(fl, fRAFlagM, field.Value{U: f >> 7 & 1}, 5, 1)
			t.Add(fl, fRAFlagO, field.Value{U: f >> 6 & 1}, 5, 1)
			t.Add(fl, fRAFlagH, field.Value{U: f >> 5 & 1}, 5, 1)
			t.Add(fl, fRAFlagPrf, field.Value{U: f >> 3 & 3}, 5, 1)
			t.Add(fl, fRAFlagP, field.Value{U: f >> 2 & 1}, 5, 1)
			t.Add(fl, fRAFlagRsv, field.Value{U: f & 3}, 5, 1)
		}
		if len(b) >= 8 {
			t.Add(n, fRALifetime, u16(6), 6, 2)
		}
		if len(b) >= 12 {
			t.Add(n, fRAReachable, u32(8), 8, 4)
		}
		if len(b) >= 16 {
			t.Add(n, fRARetrans, u32(12), 12, 4)
		}
	case ty == icmp6NS:
		reserved()
		addr(fNSTarget, 8)
	case ty == icmp6NA:
		if len(b) >= 8 {
			f := uint64(binary.BigEndian.Uint32(b[4:]))
			fl := t.Add(n, fNAFlag, field.Value{U: f}, 4, 4)
			t.Add(fl, fNAFlagR, field.Value{U: f >> 31}, 4, 4)
			t.Add(fl, fNAFlagS, field.Value{U: f >> 30 & 1}, 4, 4)
			t.Add(fl, fNAFlagO, field.Value{U: f >> 29 & 1}, 4, 4)
			t.Add(fl, fNAFlagRsv, field.Value{U: f & 0x1fffffff}, 4, 4)
		}
		addr(fNATarget, 8)
	case ty == icmp6Redirect:
		reserved()
		addr(fRDTarget, 8)
		addr(fRDDest, 24)
	case ty == icmp6RS || ty == icmp6INDSol || ty == icmp6INDAdv:
		reserved()
	case !icmp6Handled(ty) && len(b) > 4:
		t.Add(n, fICMPv6Data, field.Value{B: b[4:]}, 4, len(b)-4).Label = "Data: " + string(field.AppendHexBytes(nil, b[4:], 0))
	}
	if len(b) >= 8 && ndOptStart(ty) != 0 {
		ndOptTree(t, n, b)
	}
	if e, cut, ok := icmpExtOf(p, l); ok {
		off, _ := icmpv6ExtOffset(b)
		extTree(t, n, e, off, cut)
	}
}

// ndOptTree adds the ND options of message b.
func ndOptTree(t *Tree, parent *Node, b []byte) {
	end := walkNDOpts(b, func(o ndOpt) {
		ot := b[o.off]
		name := ndOptName(uint64(ot))
		if name == "" {
			name = "Unknown " + strconv.Itoa(int(ot))
		}
		label := "ICMPv6 Option (" + name
		var ll []byte
		var eui bool
		if (ot == ndOptSrcLL || ot == ndOptTgtLL) && o.n >= 2 && o.fits(b) {
			ll, eui = ndLL(b, o)
			if o.n == 8 || eui {
				label += " : " + string(field.AppendHexBytes(nil, ll, ':'))
			}
		}
		on := t.AddLabel(parent, fNDOpt, field.Value{}, label, o.off, min(o.n, len(b)-o.off))
		defer func() { on.Label += ")" }()
		t.Add(on, fNDOptType, field.Value{U: uint64(ot)}, o.off, 1)
		t.Add(on, fNDOptLength, field.Value{U: uint64(b[o.off+1])}, o.off+1, 1).Label += " (" + strconv.Itoa(o.n) + " bytes)"
		if o.n == 0 {
			t.Expert(on, "error", "Invalid option length (Zero)")
			return
		}
		if !o.fits(b) {
			return
		}
		u32 := func(rel int) field.Value { return field.Value{U: uint64(binary.BigEndian.Uint32(b[o.off+rel:]))} }
		switch {
		case ll != nil:
			src, src64 := fNDOptSrcLL, fNDOptSrcLL64
			if ot == ndOptTgtLL {
				src, src64 = fNDOptTgtLL, fNDOptTgtLL64
			}
			if eui {
				t.Add(on, fNDOptLL64, field.Value{B: ll}, o.off+2, 8)
				t.Add(on, src64, field.Value{B: ll}, o.off+2, 8)
				if ot == ndOptSrcLL {
					t.Add(on, fNDOptLL, field.Value{B: ll}, o.off+2, 8)
					t.Add(on, src, field.Value{B: ll}, o.off+2, 8)
				}
			} else {
				t.Add(on, fNDOptLL, field.Value{B: ll}, o.off+2, len(ll))
				t.Add(on, src, field.Value{B: ll}, o.off+2, len(ll))
			}
		case ot == ndOptPrefix && o.off+32 <= len(b):
			f := uint64(b[o.off+3])
			t.Add(on, fNDPfxLen, field.Value{U: uint64(b[o.off+2])}, o.off+2, 1)
			fl := t.Add(on, fNDPfxFlag, field.Value{U: f}, o.off+3, 1)
			t.Add(fl, fNDPfxFlagL, field.Value{U: f >> 7}, o.off+3, 1)
			t.Add(fl, fNDPfxFlagA, field.Value{U: f >> 6 & 1}, o.off+3, 1)
			t.Add(fl, fNDPfxFlagR, field.Value{U: f >> 5 & 1}, o.off+3, 1)
			t.Add(fl, fNDPfxFlagRsv, field.Value{U: f & 0x1f}, o.off+3, 1)
			t.Add(on, fNDPfxValid, u32(4), o.off+4, 4)
			t.Add(on, fNDPfxPref, u32(8), o.off+8, 4)
			t.Add(on, fNDPfx, field.Value{B: b[o.off+16 : o.off+32]}, o.off+16, 16)
			on.Label += " : " + string(field.AppendIPv6(nil, b[o.off+16:o.off+32])) + "/" + strconv.Itoa(int(b[o.off+2]))
		case ot == ndOptMTU && o.off+8 <= len(b):
			t.Add(on, fNDOptMTU, u32(4), o.off+4, 4)
			on.Label += " : " + strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[o.off+4:])), 10)
		case ot == ndOptRedirect && o.n > 8:
			t.Text(on, "Redirected Packet", o.off+8, o.n-8)
		case !ndOptHandled(ot) && o.n > 2:
			t.Add(on, fICMPv6Data, field.Value{B: b[o.off+2 : o.off+o.n]}, o.off+2, o.n-2).Label = "Data: " + string(field.AppendHexBytes(nil, b[o.off+2:o.off+o.n], 0))
		case ot == ndOptRouteInfo:
			f := uint64(b[o.off+3])
			t.Add(on, fNDPfxLen, field.Value{U: uint64(b[o.off+2])}, o.off+2, 1)
			fl := t.Add(on, fNDRouteFlag, field.Value{U: f}, o.off+3, 1)
			t.Add(fl, fNDRoutePref, field.Value{U: f >> 3 & 3}, o.off+3, 1)
			t.Add(fl, fNDRouteRsv, field.Value{U: f & 0xe7}, o.off+3, 1)
			t.Add(on, fNDRouteLife, u32(4), o.off+4, 4)
			if o.n == 16 || o.n == 24 {
				var a [16]byte
				copy(a[:], b[o.off+8:o.off+o.n])
				t.Add(on, fNDPfx, field.Value{B: a[:]}, o.off+8, o.n-8)
				on.Label += " : " + routerPrefName(f>>3&3) + " " + string(field.AppendIPv6(nil, a[:])) + "/" + strconv.Itoa(int(b[o.off+2]))
			}
		case ot == ndOptRDNSS:
			t.Add(on, fNDRDNSSLife, u32(4), o.off+4, 4)
			for q := o.off + 8; q+16 <= o.off+o.n; q += 16 {
				t.Add(on, fNDRDNSS, field.Value{B: b[q : q+16]}, q, 16)
				on.Label += " " + string(field.AppendIPv6(nil, b[q:q+16]))
			}
		case ot == ndOptDNSSL:
			t.Add(on, fNDDNSSLLife, u32(4), o.off+4, 4)
			opt := b[o.off : o.off+o.n]
			for q := 8; ; {
				name, next, ok := nextDNSSL(opt, q, make([]byte, 255))
				if !ok {
					break
				}
				t.Add(on, fNDDNSSL, field.Value{B: name}, o.off+q, next-q)
				on.Label += " " + string(name)
				q = next
			}
		}
	})
	if end == ndOptsCut {
		t.Text(parent, "[ND option cut short]", 0, len(b))
	}
}
