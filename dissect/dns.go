package dissect

import (
	"encoding/binary"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/wirelens/wirelens/field"
)

// DNS (RFC 1035 and its extensions), multicast DNS (RFC 6762, UDP 5353) and LLMNR (RFC 4795, UDP 5355).
//
// The decoder validates the header and walks the whole message once, without allocating, to find where
// Wireshark would stop with an exception (a name or record that runs past the end of the message, a bad
// label, a name pointer past the end): that makes the frame malformed. Every field is read lazily by a
// getter that walks the message again (dnsWalker) and picks the items of its field, in the order and with
// the values tshark 4.0 shows. Names are expanded exactly as Wireshark's get_dns_name does, quirks
// included ("<Root>", "<Name contains a pointer that loops>", "<Name too long>", the 253-character limit,
// a pointer to the fourth byte after itself taken for a loop), and formatted as its format_text does (C
// escapes and \ooo for ASCII controls, U+FFFD for bytes that are not UTF-8, \uXXXX for characters that
// are not printable).
//
// Over TCP each message has a 2-byte length prefix. A segment is decoded only when it holds whole
// messages (several are decoded as several DNS layers); a message that continues in a later segment
// becomes a Data layer (reassembly is not done here).

func init() {
	register(ProtoDNS, protocol{name: "DNS", filter: "dns", long: "Domain Name System", decode: decodeDNS, tree: dnsTree, summary: dnsSummary})
	byUDPPort[53] = ProtoDNS
	byUDPPort[5353] = ProtoDNS
	byUDPPort[5355] = ProtoDNS
	byTCPPort[53] = ProtoDNS
	byTCPPort[5353] = ProtoDNS // tshark 4.0 decodes DNS over TCP on 5353 too
}

// Layer.Aux of a DNS layer: which protocol of the family the port selected.
const (
	dnsVarDNS   = 0
	dnsVarMDNS  = 1
	dnsVarLLMNR = 2
)

// Layer.Flags bits of a DNS layer.
const (
	dnsLayerTCP  = 1 << 6 // the layer starts with the 2-byte TCP length prefix
	dnsLayerSnap = 1 << 7 // the message is cut short by the snapshot length
)

// Limits of name expansion. Wireshark keeps 255 bytes of a name and follows at most 255 pointers, so one
// name never takes more than 255 pointer jumps and the label runs between them. dnsWalkSteps bounds the
// labels and pointers walked for a whole message: 32 for each byte of the largest message, twice what
// the worst real capture at hand needs (tcpdump's dns_fwdptr.pcap, 10518 names that each end in the same
// long run of labels, with the run walked once thanks to dnsWalker.skipMemo). Beyond it the message is
// malformed ("name compression exceeds the work limit") where Wireshark would take the time.
const (
	dnsMaxInfo   = 4095 // bytes of the Info column Wireshark keeps
	dnsMaxName   = 255
	dnsWalkSteps = 1 << 21
)

// Why decoding stopped (Malformed.Reason).
const (
	dnsWhyHeader   = "header cut short: fewer than 12 bytes"
	dnsWhyName     = "name runs past the end of the message"
	dnsWhyPointer  = "name pointer points past the end of the message"
	dnsWhyLabel    = "bad label type in a name"
	dnsWhyQuery    = "query runs past the end of the message"
	dnsWhyRecord   = "resource record runs past the end of the message"
	dnsWhyRdata    = "record data runs past the end of the message"
	dnsWhyOption   = "EDNS option runs past the end of the message"
	dnsWhyWorkload = "name compression exceeds the work limit"
)

// DNS record types.
const (
	dnsTA       = 1
	dnsTNS      = 2
	dnsTMD      = 3
	dnsTMF      = 4
	dnsTCNAME   = 5
	dnsTSOA     = 6
	dnsTMB      = 7
	dnsTMG      = 8
	dnsTMR      = 9
	dnsTNULL    = 10
	dnsTWKS     = 11
	dnsTPTR     = 12
	dnsTHINFO   = 13
	dnsTMINFO   = 14
	dnsTMX      = 15
	dnsTTXT     = 16
	dnsTAAAA    = 28
	dnsTSRV     = 33
	dnsTNAPTR   = 35
	dnsTKX      = 36
	dnsTDNAME   = 39
	dnsTOPT     = 41
	dnsTNSEC    = 47
	dnsTNXT     = 30
	dnsTSPF     = 99
	dnsTWINSR   = 65282
	dnsOpUpdate = 5
)

var (
	dnsTextRoot = []byte("<Root>")
	dnsTextLoop = []byte("<Name contains a pointer that loops>")
	dnsTextLong = []byte("<Name too long>")
	dnsTextExt  = []byte("<Unknown extended label>")
)

// dnsKey names the items a walk of a message reports: structure events and field values.
type dnsKey uint8

const (
	dkNone      dnsKey = iota
	dkSection          // a section starts: u is 0 (queries), 1 (answers), 2 (authority) or 3 (additional)
	dkRecord           // a query or resource record starts: dnsWalker.rr describes it
	dkRecordEnd        // the record ends (also after a record whose data ran past the end)
	dkOption           // an EDNS option starts: u is its code, n its length with the 4-byte header
	dkInfo             // the point where Wireshark appends the record's data to the Info column

	dkLength
	dkID
	dkFlags
	dkFResponse
	dkFOpcode
	dkFAuthoritative
	dkFConflict
	dkFTruncated
	dkFRecDesired
	dkFTentative
	dkFRecAvail
	dkFZ
	dkFAuthenticated
	dkFCheckDisable
	dkFRcode
	dkCountQueries
	dkCountZones
	dkCountAnswers
	dkCountPrereq
	dkCountAuth
	dkCountUpdates
	dkCountAdd

	dkQryName
	dkQryNameLen
	dkCountLabels
	dkQryType
	dkQryClass
	dkQryQU

	dkRespName
	dkSrvService
	dkSrvProto
	dkSrvName
	dkRespType
	dkRespClass
	dkRespCacheFlush
	dkRespTTL
	dkRespLen

	dkUDPPayloadSize
	dkExtRcode
	dkEDNSVersion
	dkZ
	dkZDO
	dkZReserved
	dkOptCode
	dkOptLen
	dkOptData
	dkOptFamily
	dkOptNetmask
	dkOptScope
	dkOptAddr
	dkOptAddr4
	dkOptAddr6
	dkOptCookieClient
	dkOptCookieServer
	dkOptPadding
	dkOptExtError
	dkOptExtText

	dkA
	dkNS
	dkMD
	dkMF
	dkCNAME
	dkMB
	dkMG
	dkMR
	dkNull
	dkWKSAddr
	dkWKSProto
	dkPTR
	dkHinfoCPULen
	dkHinfoCPU
	dkHinfoOSLen
	dkHinfoOS
	dkMinfoR
	dkMinfoE
	dkMXPref
	dkMXExchange
	dkTXTLen
	dkTXT
	dkSPFLen
	dkSPF
	dkAAAA
	dkSOAMname
	dkSOARname
	dkSOASerial
	dkSOARefresh
	dkSOARetry
	dkSOAExpire
	dkSOAMinimum
	dkSRVPriority
	dkSRVWeight
	dkSRVPort
	dkSRVTarget
	dkDname
	dkData
	dkNextName
	dkNXTNextName
	dkRRSIGType
	dkRRSIGAlgo
	dkRRSIGLabels
	dkRRSIGOrigTTL
	dkRRSIGKeyTag
	dkRRSIGSigner
	dkRRSIGSignature
	dkRecordCut // a record whose data runs past the end: Wireshark shows only its type in the Info column

	nDNSKeys
)

// How an item's value is carried.
const (
	dnsItemU    = iota // U
	dnsItemB           // B: bytes of the message (an address, raw data)
	dnsItemName        // nameRaw: an expanded name, formatted when read
	dnsItemText        // B: a character-string of the message, decoded when read
	dnsItemPart        // nameRaw: the owner name of an SRV record, of which part is wanted
	dnsItemPad         // B: the first bytes of an address, padded with zeros to 16 when read
)

// dnsFieldOf maps an item to its registered field.
var dnsFieldOf [nDNSKeys]field.ID

func dnsReg(k dnsKey, info field.Info) field.ID {
	id := reg(info, dnsGetter(k))
	dnsFieldOf[k] = id
	return id
}

func dnsU(k dnsKey, abbrev, name string, bits int, base field.Base, names func(uint64) string) field.ID {
	return dnsReg(k, field.Info{Abbrev: abbrev, Name: name, Type: field.Uint, Bits: bits, Base: base, Names: names})
}

func dnsBool(k dnsKey, abbrev, name string) field.ID {
	return dnsReg(k, field.Info{Abbrev: abbrev, Name: name, Type: field.Bool})
}

func dnsStr(k dnsKey, abbrev, name string) field.ID {
	return dnsReg(k, field.Info{Abbrev: abbrev, Name: name, Type: field.String})
}

var (
	fDNS   = reg(field.Info{Abbrev: "dns", Name: "Domain Name System", Type: field.Protocol}, dnsPresence(dnsVarDNS))
	fMDNS  = reg(field.Info{Abbrev: "mdns", Name: "Multicast Domain Name System", Type: field.Protocol}, dnsPresence(dnsVarMDNS))
	fLLMNR = reg(field.Info{Abbrev: "llmnr", Name: "Link-local Multicast Name Resolution", Type: field.Protocol}, dnsPresence(dnsVarLLMNR))

	fDNSLength = dnsU(dkLength, "dns.length", "Length", 16, field.Dec, nil)
	fDNSID     = dnsU(dkID, "dns.id", "Transaction ID", 16, field.Hex, nil)
	fDNSFlags  = dnsU(dkFlags, "dns.flags", "Flags", 16, field.Hex, nil)
	_          = dnsBool(dkFResponse, "dns.flags.response", "Response")
	_          = dnsU(dkFOpcode, "dns.flags.opcode", "Opcode", 16, field.Dec, dnsUnknown(dnsOpcodeName))
	_          = dnsBool(dkFAuthoritative, "dns.flags.authoritative", "Authoritative")
	_          = dnsBool(dkFConflict, "dns.flags.conflict", "Conflict")
	_          = dnsBool(dkFTruncated, "dns.flags.truncated", "Truncated")
	_          = dnsBool(dkFRecDesired, "dns.flags.recdesired", "Recursion desired")
	_          = dnsBool(dkFTentative, "dns.flags.tentative", "Tentative")
	_          = dnsBool(dkFRecAvail, "dns.flags.recavail", "Recursion available")
	_          = dnsBool(dkFZ, "dns.flags.z", "Z")
	_          = dnsBool(dkFAuthenticated, "dns.flags.authenticated", "Answer authenticated")
	_          = dnsBool(dkFCheckDisable, "dns.flags.checkdisable", "Non-authenticated data")
	_          = dnsU(dkFRcode, "dns.flags.rcode", "Reply code", 16, field.Dec, dnsUnknown(dnsRcodeName))
	_          = dnsU(dkCountQueries, "dns.count.queries", "Questions", 16, field.Dec, nil)
	_          = dnsU(dkCountZones, "dns.count.zones", "Zones", 16, field.Dec, nil)
	_          = dnsU(dkCountAnswers, "dns.count.answers", "Answer RRs", 16, field.Dec, nil)
	_          = dnsU(dkCountPrereq, "dns.count.prerequisites", "Prerequisites", 16, field.Dec, nil)
	_          = dnsU(dkCountAuth, "dns.count.auth_rr", "Authority RRs", 16, field.Dec, nil)
	_          = dnsU(dkCountUpdates, "dns.count.updates", "Updates", 16, field.Dec, nil)
	_          = dnsU(dkCountAdd, "dns.count.add_rr", "Additional RRs", 16, field.Dec, nil)

	fDNSQryName = dnsStr(dkQryName, "dns.qry.name", "Name")
	_           = dnsU(dkQryNameLen, "dns.qry.name.len", "Name Length", 16, field.Dec, nil)
	_           = dnsU(dkCountLabels, "dns.count.labels", "Label Count", 16, field.Dec, nil)
	_           = dnsU(dkQryType, "dns.qry.type", "Type", 16, field.Dec, dnsTypeDesc)
	_           = dnsU(dkQryClass, "dns.qry.class", "Class", 16, field.Hex, dnsClassName)
	_           = dnsBool(dkQryQU, "dns.qry.qu", "\"QU\" question")

	_ = dnsStr(dkRespName, "dns.resp.name", "Name")
	_ = dnsStr(dkSrvService, "dns.srv.service", "Service")
	_ = dnsStr(dkSrvProto, "dns.srv.proto", "Protocol")
	_ = dnsStr(dkSrvName, "dns.srv.name", "Name")
	_ = dnsU(dkRespType, "dns.resp.type", "Type", 16, field.Dec, dnsTypeDesc)
	_ = dnsU(dkRespClass, "dns.resp.class", "Class", 16, field.Hex, dnsClassName)
	_ = dnsBool(dkRespCacheFlush, "dns.resp.cache_flush", "Cache flush")
	_ = dnsU(dkRespTTL, "dns.resp.ttl", "Time to live", 32, field.Dec, nil)
	_ = dnsU(dkRespLen, "dns.resp.len", "Data length", 16, field.Dec, nil)

	_ = dnsU(dkUDPPayloadSize, "dns.rr.udp_payload_size", "UDP payload size", 16, field.Dec, nil)
	_ = dnsU(dkExtRcode, "dns.resp.ext_rcode", "Higher bits in extended RCODE", 8, field.Hex, nil)
	_ = dnsU(dkEDNSVersion, "dns.resp.edns0_version", "EDNS0 version", 8, field.Dec, nil)
	_ = dnsU(dkZ, "dns.resp.z", "Z", 16, field.Hex, nil)
	_ = dnsBool(dkZDO, "dns.resp.z.do", "DO bit")
	_ = dnsU(dkZReserved, "dns.resp.z.reserved", "Reserved", 16, field.Hex, nil)
	_ = dnsU(dkOptCode, "dns.opt.code", "Option Code", 16, field.Dec, dnsOptName)
	_ = dnsU(dkOptLen, "dns.opt.len", "Option Length", 16, field.Dec, nil)
	_ = dnsReg(dkOptData, field.Info{Abbrev: "dns.opt.data", Name: "Option Data", Type: field.Bytes})
	_ = dnsU(dkOptFamily, "dns.opt.client.family", "Family", 16, field.Dec, dnsFamilyName)
	_ = dnsU(dkOptNetmask, "dns.opt.client.netmask", "Source Netmask", 8, field.Dec, nil)
	_ = dnsU(dkOptScope, "dns.opt.client.scope", "Scope Netmask", 8, field.Dec, nil)
	_ = dnsReg(dkOptAddr, field.Info{Abbrev: "dns.opt.client.addr", Name: "Client Subnet", Type: field.Bytes})
	_ = dnsReg(dkOptAddr4, field.Info{Abbrev: "dns.opt.client.addr4", Name: "Client Subnet", Type: field.IPv4})
	_ = dnsReg(dkOptAddr6, field.Info{Abbrev: "dns.opt.client.addr6", Name: "Client Subnet", Type: field.IPv6})
	_ = dnsReg(dkOptCookieClient, field.Info{Abbrev: "dns.opt.cookie.client", Name: "Client Cookie", Type: field.Bytes})
	_ = dnsReg(dkOptCookieServer, field.Info{Abbrev: "dns.opt.cookie.server", Name: "Server Cookie", Type: field.Bytes})
	_ = dnsReg(dkOptPadding, field.Info{Abbrev: "dns.opt.padding", Name: "Padding", Type: field.Bytes})
	_ = dnsU(dkOptExtError, "dns.opt.ext_error.info_code", "Info Code", 16, field.Dec, dnsExtErrorName)
	_ = dnsStr(dkOptExtText, "dns.opt.ext_error.extra_text", "Extra Text")

	_ = dnsReg(dkA, field.Info{Abbrev: "dns.a", Name: "Address", Type: field.IPv4})
	_ = dnsStr(dkNS, "dns.ns", "Name Server")
	_ = dnsStr(dkMD, "dns.md", "Mail Destination")
	_ = dnsStr(dkMF, "dns.mf", "Mail Forwarder")
	_ = dnsStr(dkCNAME, "dns.cname", "CNAME")
	_ = dnsStr(dkMB, "dns.mb", "MailBox Domaine")
	_ = dnsStr(dkMG, "dns.mg", "Mail Group member")
	_ = dnsStr(dkMR, "dns.mr", "Mail Rename domaine")
	_ = dnsReg(dkNull, field.Info{Abbrev: "dns.null", Name: "Null (data)", Type: field.Bytes})
	_ = dnsReg(dkWKSAddr, field.Info{Abbrev: "dns.wks.address", Name: "Address", Type: field.IPv4})
	_ = dnsU(dkWKSProto, "dns.wks.protocol", "Protocol", 8, field.Dec, ipProtoName)
	_ = dnsStr(dkPTR, "dns.ptr.domain_name", "Domain Name")
	_ = dnsU(dkHinfoCPULen, "dns.hinfo.cpu_length", "CPU Length", 8, field.Dec, nil)
	_ = dnsStr(dkHinfoCPU, "dns.hinfo.cpu", "CPU")
	_ = dnsU(dkHinfoOSLen, "dns.hinfo.os_length", "OS Length", 8, field.Dec, nil)
	_ = dnsStr(dkHinfoOS, "dns.hinfo.os", "OS")
	_ = dnsStr(dkMinfoR, "dns.minfo.r", "Responsible Mailbox")
	_ = dnsStr(dkMinfoE, "dns.minfo.e", "Error Mailbox")
	_ = dnsU(dkMXPref, "dns.mx.preference", "Preference", 16, field.Dec, nil)
	_ = dnsStr(dkMXExchange, "dns.mx.mail_exchange", "Mail Exchange")
	_ = dnsU(dkTXTLen, "dns.txt.length", "TXT Length", 8, field.Dec, nil)
	_ = dnsStr(dkTXT, "dns.txt", "TXT")
	_ = dnsU(dkSPFLen, "dns.spf.length", "SPF Length", 8, field.Dec, nil)
	_ = dnsStr(dkSPF, "dns.spf", "SPF")
	_ = dnsReg(dkAAAA, field.Info{Abbrev: "dns.aaaa", Name: "AAAA Address", Type: field.IPv6})
	_ = dnsStr(dkSOAMname, "dns.soa.mname", "Primary name server")
	_ = dnsStr(dkSOARname, "dns.soa.rname", "Responsible authority's mailbox")
	_ = dnsU(dkSOASerial, "dns.soa.serial_number", "Serial Number", 32, field.Dec, nil)
	_ = dnsU(dkSOARefresh, "dns.soa.refresh_interval", "Refresh Interval", 32, field.Dec, nil)
	_ = dnsU(dkSOARetry, "dns.soa.retry_interval", "Retry Interval", 32, field.Dec, nil)
	_ = dnsU(dkSOAExpire, "dns.soa.expire_limit", "Expire limit", 32, field.Dec, nil)
	_ = dnsU(dkSOAMinimum, "dns.soa.minimum_ttl", "Minimum TTL", 32, field.Dec, nil)
	_ = dnsU(dkSRVPriority, "dns.srv.priority", "Priority", 16, field.Dec, nil)
	_ = dnsU(dkSRVWeight, "dns.srv.weight", "Weight", 16, field.Dec, nil)
	_ = dnsU(dkSRVPort, "dns.srv.port", "Port", 16, field.Dec, nil)
	_ = dnsStr(dkSRVTarget, "dns.srv.target", "Target")
	_ = dnsStr(dkDname, "dns.dname", "Dname")
	_ = dnsStr(dkNextName, "dns.nsec.next_domain_name", "Next Domain Name")
	_ = dnsStr(dkNXTNextName, "dns.nxt.next_domain_name", "Next Domain Name")
	_ = dnsU(dkRRSIGType, "dns.rrsig.type_covered", "Type Covered", 16, field.Dec, dnsTypeDesc)
	_ = dnsU(dkRRSIGAlgo, "dns.rrsig.algorithm", "Algorithm", 8, field.Dec, dnsAlgoName)
	_ = dnsU(dkRRSIGLabels, "dns.rrsig.labels", "Labels", 8, field.Dec, nil)
	_ = dnsU(dkRRSIGOrigTTL, "dns.rrsig.original_ttl", "Original TTL", 32, field.Dec, nil)
	_ = dnsU(dkRRSIGKeyTag, "dns.rrsig.key_tag", "Key Tag", 16, field.Dec, nil)
	_ = dnsStr(dkRRSIGSigner, "dns.rrsig.signers_name", "Signer's name")
	_ = dnsReg(dkRRSIGSignature, field.Info{Abbrev: "dns.rrsig.signature", Name: "Signature", Type: field.Bytes})
	_ = dnsReg(dkData, field.Info{Abbrev: "dns.data", Name: "Data", Type: field.Bytes, Blurb: "the data of a record type Wireshark does not decode"})
)

// dnsPresence is the getter of the protocol field of one member of the family (dns, mdns or llmnr).
// Wireshark adds the protocol item only once it has read the ID and the flags.
func dnsPresence(v uint8) getter {
	return multiGetter(ProtoDNS, func(_ *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		if l.Aux == v && len(b)-dnsBase(l) >= 4 {
			dst = append(dst, field.Value{})
		}
		return dst
	})
}

// dnsGetter is the getter of every other DNS field: it walks each DNS layer and keeps the items of key k.
func dnsGetter(k dnsKey) getter {
	return multiGetter(ProtoDNS, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		var w dnsWalker
		w.init(l, b)
		w.walk(func() {
			if w.it.key == k {
				dst = append(dst, w.value(p))
			}
		})
		return dst
	})
}

// dnsBase is the offset of the message in the layer: 2 over TCP (the length prefix), else 0.
func dnsBase(l *Layer) int {
	if l.Flags&dnsLayerTCP != 0 {
		return 2
	}
	return 0
}

func decodeDNS(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	if p.N == 0 {
		return ProtoNone, 0
	}
	flags &^= dnsLayerTCP | dnsLayerSnap
	prev := &p.Layers[p.N-1]
	switch prev.Proto {
	case ProtoUDP:
		return decodeDNSUDP(p, buf, off, flags, prev)
	case ProtoTCP, ProtoDNS:
		if prev.Proto == ProtoDNS && prev.Flags&dnsLayerTCP == 0 {
			return ProtoNone, 0
		}
		return decodeDNSTCP(p, buf, off, flags)
	}
	p.pushData(buf, off, flags)
	return ProtoNone, 0
}

func decodeDNSUDP(p *Packet, buf []byte, off int, flags uint8, udp *Layer) (Proto, int) {
	// The message ends with the UDP payload, which ends with the IP payload (a bogus UDP length
	// must not take in a short frame's Ethernet padding).
	end := min(int(udp.End), dnsIPEnd(p, p.N-1, len(buf)))
	if end > len(buf) || off >= end {
		return ProtoNone, 0
	}
	h := buf[udp.Off:]
	sp, dp := binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])
	// The length the headers give the message, which the snapshot length may have cut short.
	reported := end - off
	if ulen := int(binary.BigEndian.Uint16(h[4:])); ulen >= 8 {
		reported = ulen - 8
	}
	if ip, ok := p.ipReportedLen(p.N - 1); ok {
		reported = min(reported, ip-8)
	}
	if reported > end-off {
		flags |= dnsLayerSnap
	}
	// The port that selected DNS: the lower one if it is registered, as portProto tries them.
	port := min(sp, dp)
	if byUDPPort[port] != ProtoDNS {
		port = max(sp, dp)
	}
	l := p.push(ProtoDNS, off, min(end-off, 12), end, flags)
	switch port {
	case 5353:
		l.Aux = dnsVarMDNS
	case 5355:
		l.Aux = dnsVarLLMNR
	}
	dnsCheck(p, l)
	return ProtoNone, 0
}

func decodeDNSTCP(p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	end := dnsSegEnd(p, len(buf))
	if off >= end {
		return ProtoNone, 0
	}
	if end-off < 2 {
		p.pushData(buf[:end], off, flags)
		return ProtoNone, 0
	}
	plen := int(binary.BigEndian.Uint16(buf[off:]))
	mend := off + 2 + plen
	if mend > end {
		// Only part of the message is in this segment.
		p.pushData(buf[:end], off, flags)
		return ProtoNone, 0
	}
	l := p.push(ProtoDNS, off, 2+min(plen, 12), mend, flags|dnsLayerTCP)
	dnsCheck(p, l)
	if mend < end {
		if p.N+1 < MaxLayers {
			return ProtoDNS, mend
		}
		p.pushData(buf[:end], mend, flags)
	}
	return ProtoNone, 0
}

// dnsSegEnd is the end of the TCP payload the DNS messages lie in: the TCP layer's end, trimmed to the
// IP layer's (a short frame's Ethernet padding is not payload).
func dnsSegEnd(p *Packet, end int) int {
	j := p.N - 1
	for j >= 0 && p.Layers[j].Proto != ProtoTCP {
		j--
	}
	if j < 0 {
		return end
	}
	return min(end, int(p.Layers[j].End), dnsIPEnd(p, j, end))
}

// dnsIPEnd is the end of the IP layer below layer j (in the same buffer), or end if there is none.
func dnsIPEnd(p *Packet, j, end int) int {
	for k := j - 1; k >= 0; k-- {
		l := &p.Layers[k]
		if (l.Proto == ProtoIPv4 || l.Proto == ProtoIPv6) && l.Buf == p.Layers[j].Buf {
			return min(end, int(l.End))
		}
	}
	return end
}

// dnsCheck walks the message of a new layer and marks the packet malformed where Wireshark would stop.
func dnsCheck(p *Packet, l *Layer) {
	var w dnsWalker
	w.init(l, p.LayerBytes(l))
	w.walk(func() {})
	if w.bad != "" && !w.short(l) {
		p.malformed(ProtoDNS, w.bad)
	}
}

// short reports whether the walk stopped at the end of a message cut short by the snapshot length:
// Wireshark reports that as "Packet size limited during capture", not as a malformed packet.
func (w *dnsWalker) short(l *Layer) bool {
	return l.Flags&dnsLayerSnap != 0 && w.bad != "" && w.bad != dnsWhyLabel && w.bad != dnsWhyWorkload
}

// dnsRec describes the record being walked.
type dnsRec struct {
	sect  int    // 0 queries, 1 answers, 2 authority, 3 additional
	off   int    // start of the record in the message
	used  int    // bytes of the owner name at off
	typ   uint16 // type
	class uint16 // class, with the mDNS top bit
	ttl   uint32
	rdoff int // start of the record data
	rdlen int
	owner dnsNameRef // the expanded owner name
	pref  uint16     // MX, KX preference; NAPTR order
	pref2 uint16     // NAPTR preference
	srv   [3]uint16
}

// dnsItem is the item a walk reports.
type dnsItem struct {
	key    dnsKey
	kind   uint8
	part   uint8      // dnsItemPart: 0 service, 1 protocol, 2 name
	off, n int        // position in the message (dns.length lies at -2)
	u      uint64     // dnsItemU
	b      []byte     // dnsItemB and dnsItemText: bytes of the message; dkInfo of HINFO: the CPU
	b2     []byte     // dkInfo of HINFO: the OS; of NAPTR: the flags
	name   dnsNameRef // dnsItemName, dnsItemPart and dkInfo: an expanded name (valid until the next item)
}

// Where an expanded name lies (dnsNameRef.src).
const (
	dnsSrcNone  = iota
	dnsSrcOwner // dnsWalker.obuf: the owner name of the current record
	dnsSrcData  // dnsWalker.nbuf: a name in the record data
	dnsSrcRoot
	dnsSrcLoop
	dnsSrcLong
	dnsSrcExt
)

// dnsNameRef locates an expanded name without pointing into the walker (which would make it escape).
type dnsNameRef struct {
	src uint8
	n   int
}

// raw returns the bytes of an expanded name; they are valid until the walker expands another name.
func (w *dnsWalker) raw(r dnsNameRef) []byte {
	switch r.src {
	case dnsSrcOwner:
		return w.obuf[:r.n]
	case dnsSrcData:
		return w.nbuf[:r.n]
	case dnsSrcRoot:
		return dnsTextRoot
	case dnsSrcLoop:
		return dnsTextLoop
	case dnsSrcLong:
		return dnsTextLong
	case dnsSrcExt:
		return dnsTextExt
	}
	return nil
}

// dnsWalker walks one message, reporting each item to a visitor. It allocates nothing: the visitor reads
// the current item in it, and names are expanded into the walker's own buffers.
type dnsWalker struct {
	m      []byte // the message
	v      uint8  // dnsVarDNS, dnsVarMDNS or dnsVarLLMNR
	tcp    bool
	it     dnsItem
	rr     dnsRec
	bad    string // why the walk stopped early ("" when the message was walked to its end)
	end    int    // where the last record ended
	steps  int    // labels walked so far (bounded by dnsWalkSteps)
	memo   [4]dnsSkip
	nmemo  int
	imemo  int
	pmemo  [4]dnsPtrMemo
	npmemo int
	ipmemo int
	nbuf   [256]byte
	obuf   [256]byte
}

func (w *dnsWalker) init(l *Layer, b []byte) {
	base := dnsBase(l)
	if len(b) < base {
		base = len(b)
	}
	w.m = b[base:]
	w.v = l.Aux
	w.tcp = base == 2
}

func (w *dnsWalker) fail(why string) {
	if w.bad == "" {
		w.bad = why
	}
}

// emit reports an item with a numeric value.
func (w *dnsWalker) emit(fn func(), k dnsKey, off, n int, u uint64) {
	w.it = dnsItem{key: k, kind: dnsItemU, off: off, n: n, u: u}
	fn()
}

// emitB reports an item whose value is bytes of the message (kind dnsItemB or dnsItemText).
func (w *dnsWalker) emitB(fn func(), k dnsKey, kind uint8, off, n int) {
	w.it = dnsItem{key: k, kind: kind, off: off, n: n, b: w.m[off : off+n : off+n]}
	fn()
}

// emitName reports a name item.
func (w *dnsWalker) emitName(fn func(), k dnsKey, off, n int, raw dnsNameRef) {
	w.it = dnsItem{key: k, kind: dnsItemName, off: off, n: n, name: raw}
	fn()
}

// value converts the current item to a field value; names are formatted into the packet's scratch space.
func (w *dnsWalker) value(p *Packet) field.Value {
	it := &w.it
	switch it.kind {
	case dnsItemB:
		return field.Value{B: it.b}
	case dnsItemName:
		return field.Value{B: dnsFormat(p, w.raw(it.name))}
	case dnsItemText:
		return field.Value{B: dnsString(p, it.b, w.v == dnsVarMDNS && it.key == dkTXT || it.key == dkOptExtText)}
	case dnsItemPad:
		var b []byte
		if p != nil {
			b = p.alloc(16)
		}
		if b == nil {
			b = make([]byte, 16)
		}
		clear(b)
		copy(b, it.b)
		return field.Value{B: b}
	case dnsItemPart:
		s := dnsFormat(p, w.raw(it.name))
		return field.Value{B: dnsSplitPart(s, int(it.part))}
	}
	return field.Value{U: it.u}
}

// walk reports every item of the message, in the order Wireshark adds them to its tree, and stops where
// Wireshark would throw an exception.
func (w *dnsWalker) walk(fn func()) {
	m := w.m
	w.end = 0
	if len(m) < 4 {
		w.fail(dnsWhyHeader)
		return
	}
	if w.tcp {
		w.emit(fn, dkLength, -2, 2, uint64(len(m)))
	}
	fl := binary.BigEndian.Uint16(m[2:])
	w.emit(fn, dkID, 0, 2, uint64(binary.BigEndian.Uint16(m)))
	w.emit(fn, dkFlags, 2, 2, uint64(fl))
	resp := fl&0x8000 != 0
	bit := func(k dnsKey, mask uint16) { w.emit(fn, k, 2, 2, b2u(fl&mask != 0)) }
	bit(dkFResponse, 0x8000)
	w.emit(fn, dkFOpcode, 2, 2, uint64(fl>>11&15))
	if w.v == dnsVarLLMNR {
		bit(dkFConflict, 0x0400)
		bit(dkFTruncated, 0x0200)
		bit(dkFTentative, 0x0100)
	} else {
		if resp {
			bit(dkFAuthoritative, 0x0400)
		}
		bit(dkFTruncated, 0x0200)
		bit(dkFRecDesired, 0x0100)
		if resp {
			bit(dkFRecAvail, 0x0080)
		}
		bit(dkFZ, 0x0040)
		if resp || fl&0x0020 != 0 {
			bit(dkFAuthenticated, 0x0020)
		}
		bit(dkFCheckDisable, 0x0010)
	}
	if resp {
		w.emit(fn, dkFRcode, 2, 2, uint64(fl&15))
	}
	update := fl>>11&15 == dnsOpUpdate
	keys := [4]dnsKey{dkCountQueries, dkCountAnswers, dkCountAuth, dkCountAdd}
	if update {
		keys = [4]dnsKey{dkCountZones, dkCountPrereq, dkCountUpdates, dkCountAdd}
	}
	var counts [4]int
	for s := 0; s < 4; s++ {
		o := 4 + 2*s
		if o+2 > len(m) {
			w.fail(dnsWhyHeader)
			return
		}
		counts[s] = int(binary.BigEndian.Uint16(m[o:]))
		w.emit(fn, keys[s], o, 2, uint64(counts[s]))
	}
	off := 12
	for s := 0; s < 4; s++ {
		if counts[s] == 0 {
			continue
		}
		// The section's subtree reaches to the end of the message, which fails when nothing is left.
		if off >= len(m) {
			if s == 0 {
				w.fail(dnsWhyQuery)
			} else {
				w.fail(dnsWhyRecord)
			}
			return
		}
		w.emit(fn, dkSection, off, 0, uint64(s))
		// The counts come from the message: every record consumes at least 6 bytes, and a record that
		// starts past the end fails, so the loop ends with the message whatever the count says.
		for i := 0; i < counts[s]; i++ {
			var ok bool
			if s == 0 {
				ok = w.question(fn, &off)
			} else {
				ok = w.record(fn, &off, s)
			}
			if !ok {
				return
			}
		}
	}
	w.end = off
}

// question walks one entry of the question section.
func (w *dnsWalker) question(fn func(), off *int) bool {
	m := w.m
	start := *off
	used, raw, why := w.expand(start, dnsSrcOwner)
	if why != "" {
		w.fail(why)
		return false
	}
	p := start + used
	if p < 0 || p+4 > len(m) {
		w.fail(dnsWhyQuery)
		return false
	}
	typ, cls := binary.BigEndian.Uint16(m[p:]), binary.BigEndian.Uint16(m[p+2:])
	w.rr = dnsRec{sect: 0, off: start, used: used, typ: typ, class: cls, rdoff: p + 4, owner: raw}
	w.emit(fn, dkRecord, start, used+4, 0)
	w.emitName(fn, dkQryName, start, used, raw)
	n := raw.n
	if n <= 1 {
		n = 0
	}
	w.emit(fn, dkQryNameLen, start, used, uint64(n))
	w.emit(fn, dkCountLabels, start, used, uint64(dnsLabels(w.raw(raw))))
	w.emit(fn, dkQryType, p, 2, uint64(typ))
	if w.v == dnsVarMDNS {
		w.emit(fn, dkQryClass, p+2, 2, uint64(cls&0x7fff))
		w.emit(fn, dkQryQU, p+2, 2, uint64(cls>>15))
	} else {
		w.emit(fn, dkQryClass, p+2, 2, uint64(cls))
	}
	w.emit(fn, dkRecordEnd, start, used+4, 0)
	*off = p + 4
	return true
}

// record walks one resource record.
func (w *dnsWalker) record(fn func(), off *int, sect int) bool {
	m := w.m
	start := *off
	used, raw, why := w.expand(start, dnsSrcOwner)
	if why != "" {
		w.fail(why)
		return false
	}
	p := start + used
	if p < 0 || p+10 > len(m) {
		w.fail(dnsWhyRecord)
		return false
	}
	typ, cls := binary.BigEndian.Uint16(m[p:]), binary.BigEndian.Uint16(m[p+2:])
	ttl := binary.BigEndian.Uint32(m[p+4:])
	rdlen := int(binary.BigEndian.Uint16(m[p+8:]))
	w.rr = dnsRec{sect: sect, off: start, used: used, typ: typ, class: cls, ttl: ttl, rdoff: p + 10, rdlen: rdlen, owner: raw}
	if p+10+rdlen > len(m) {
		// The record's subtree covers its data, so Wireshark stops before it adds any of its fields
		// (the Info column already has the type).
		w.emit(fn, dkRecordCut, start, used+10+rdlen, 0)
		w.fail(dnsWhyRdata)
		return false
	}
	w.emit(fn, dkRecord, start, used+10+rdlen, 0)
	mdns := w.v == dnsVarMDNS
	if typ == dnsTOPT {
		w.emitName(fn, dkRespName, start, used, raw)
		w.emit(fn, dkRespType, p, 2, uint64(typ))
		if mdns {
			w.emit(fn, dkUDPPayloadSize, p+2, 2, uint64(cls&0x7fff))
			w.emit(fn, dkRespCacheFlush, p+2, 2, uint64(cls>>15))
		} else {
			w.emit(fn, dkUDPPayloadSize, p+2, 2, uint64(cls))
		}
		w.emit(fn, dkExtRcode, p+4, 1, uint64(ttl>>24))
		w.emit(fn, dkEDNSVersion, p+5, 1, uint64(ttl>>16&0xff))
		w.emit(fn, dkZ, p+6, 2, uint64(ttl&0xffff))
		w.emit(fn, dkZDO, p+6, 2, uint64(ttl>>15&1))
		w.emit(fn, dkZReserved, p+6, 2, uint64(ttl&0x7fff))
	} else {
		if typ == dnsTSRV {
			// Wireshark shows the owner of an SRV record as service, protocol and name.
			parts := 1 + min(dnsDots(w.raw(raw)), 2)
			for i := 0; i < parts; i++ {
				w.it = dnsItem{key: dkSrvService + dnsKey(i), kind: dnsItemPart, part: uint8(i), off: start, n: used, name: raw}
				fn()
			}
		} else {
			w.emitName(fn, dkRespName, start, used, raw)
		}
		w.emit(fn, dkRespType, p, 2, uint64(typ))
		if mdns {
			w.emit(fn, dkRespClass, p+2, 2, uint64(cls&0x7fff))
			w.emit(fn, dkRespCacheFlush, p+2, 2, uint64(cls>>15))
		} else {
			w.emit(fn, dkRespClass, p+2, 2, uint64(cls))
		}
		w.emit(fn, dkRespTTL, p+4, 4, uint64(ttl))
	}
	w.emit(fn, dkRespLen, p+8, 2, uint64(rdlen))
	ok := rdlen == 0 || w.rdata(fn, typ, p+10, rdlen)
	w.emit(fn, dkRecordEnd, start, used+10+rdlen, 0)
	*off = p + 10 + rdlen
	return ok
}

// need reports whether n bytes at off lie in the message.
func (w *dnsWalker) need(off, n int) bool {
	return off >= 0 && n >= 0 && off+n <= len(w.m)
}

// item reports whether an item of length n at off can be added as Wireshark's proto_tree_add_item does:
// -1 means "to the end".
func (w *dnsWalker) item(off, n int) bool {
	if n == -1 {
		return off >= 0 && off <= len(w.m)
	}
	return w.need(off, n)
}

// name expands the name at off into nbuf; on failure it records why.
func (w *dnsWalker) name(off int) (int, dnsNameRef, bool) {
	used, raw, why := w.expand(off, dnsSrcData)
	if why != "" {
		w.fail(why)
		return 0, raw, false
	}
	return used, raw, true
}

// info reports the point where Wireshark appends the record data to the Info column.
func (w *dnsWalker) info(fn func(), raw dnsNameRef, u uint64, b, b2 []byte) {
	w.it = dnsItem{key: dkInfo, name: raw, u: u, b: b, b2: b2}
	fn()
}

// rdata walks the data of a record of this type (rdlen > 0). Like Wireshark it reads the message, not
// only the record data, so a short record length only matters at the end of the message.
func (w *dnsWalker) rdata(fn func(), typ uint16, cur, rdlen int) bool {
	m := w.m
	bad := func(why string) bool { w.fail(why); return false }
	nameField := func(k dnsKey, off int) (int, bool) {
		used, raw, ok := w.name(off)
		if ok && k != dkNone {
			w.emitName(fn, k, off, used, raw)
		}
		return used, ok
	}
	switch typ {
	case dnsTA:
		if !w.need(cur, 4) {
			return bad(dnsWhyRdata)
		}
		a := binary.BigEndian.Uint32(m[cur:])
		w.info(fn, dnsNameRef{}, uint64(a), nil, nil)
		w.emit(fn, dkA, cur, 4, uint64(a))
	case dnsTNS, dnsTCNAME, dnsTPTR, dnsTDNAME:
		used, raw, ok := w.name(cur)
		if !ok {
			return false
		}
		w.info(fn, raw, 0, nil, nil)
		k := dkNS
		switch typ {
		case dnsTCNAME:
			k = dkCNAME
		case dnsTPTR:
			k = dkPTR
		case dnsTDNAME:
			k = dkDname
		}
		w.emitName(fn, k, cur, used, raw)
	case dnsTMD, dnsTMF, dnsTMB, dnsTMG, dnsTMR:
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		k := [...]dnsKey{dnsTMD: dkMD, dnsTMF: dkMF, dnsTMB: dkMB, dnsTMG: dkMG, dnsTMR: dkMR}[typ]
		if _, ok := nameField(k, cur); !ok {
			return false
		}
	case dnsTSOA:
		used, raw, ok := w.name(cur)
		if !ok {
			return false
		}
		w.info(fn, raw, 0, nil, nil)
		w.emitName(fn, dkSOAMname, cur, used, raw)
		cur += used
		used, ok = nameField(dkSOARname, cur)
		if !ok {
			return false
		}
		cur += used
		for _, k := range [...]dnsKey{dkSOASerial, dkSOARefresh, dkSOARetry, dkSOAExpire, dkSOAMinimum} {
			if !w.need(cur, 4) {
				return bad(dnsWhyRdata)
			}
			w.emit(fn, k, cur, 4, uint64(binary.BigEndian.Uint32(m[cur:])))
			cur += 4
		}
	case dnsTNULL:
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, rdlen) {
			return bad(dnsWhyRdata)
		}
		w.emitB(fn, dkNull, dnsItemB, cur, rdlen)
	case dnsTWKS:
		if !w.need(cur, 4) {
			return bad(dnsWhyRdata)
		}
		a := binary.BigEndian.Uint32(m[cur:])
		w.info(fn, dnsNameRef{}, uint64(a), nil, nil)
		w.emit(fn, dkWKSAddr, cur, 4, uint64(a))
		if !w.need(cur+4, 1) {
			return bad(dnsWhyRdata)
		}
		w.emit(fn, dkWKSProto, cur+4, 1, uint64(m[cur+4]))
		// The port bitmap is read byte by byte until the record length is used up, which never happens
		// when the length is below 5: then Wireshark reads on to the end of the message.
		if rdlen < 5 || !w.need(cur+5, rdlen-5) {
			return bad(dnsWhyRdata)
		}
	case dnsTHINFO:
		if !w.need(cur, 1) || !w.need(cur+1, int(m[cur])) {
			return bad(dnsWhyRdata)
		}
		cpuLen := int(m[cur])
		os := cur + 1 + cpuLen
		if !w.need(os, 1) || !w.need(os+1, int(m[os])) {
			return bad(dnsWhyRdata)
		}
		osLen := int(m[os])
		w.info(fn, dnsNameRef{}, 0, m[cur+1:os], m[os+1:os+1+osLen])
		w.emit(fn, dkHinfoCPULen, cur, 1, uint64(cpuLen))
		w.emitB(fn, dkHinfoCPU, dnsItemText, cur+1, cpuLen)
		w.emit(fn, dkHinfoOSLen, os, 1, uint64(osLen))
		w.emitB(fn, dkHinfoOS, dnsItemText, os+1, osLen)
	case dnsTMINFO:
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		used, ok := nameField(dkMinfoR, cur)
		if !ok {
			return false
		}
		if _, ok := nameField(dkMinfoE, cur+used); !ok {
			return false
		}
	case dnsTMX, dnsTKX:
		if !w.need(cur, 2) {
			return bad(dnsWhyRdata)
		}
		pref := binary.BigEndian.Uint16(m[cur:])
		used, raw, ok := w.name(cur + 2)
		if !ok {
			return false
		}
		w.rr.pref = pref
		w.info(fn, raw, uint64(pref), nil, nil)
		if typ == dnsTMX {
			w.emit(fn, dkMXPref, cur, 2, uint64(pref))
			w.emitName(fn, dkMXExchange, cur+2, used, raw)
		}
	case dnsTTXT, dnsTSPF:
		kl, ks := dkTXTLen, dkTXT
		if typ == dnsTSPF {
			kl, ks = dkSPFLen, dkSPF
		}
		// Wireshark loops until the record length is used up exactly; strings that overrun it make it
		// read on to the end of the message.
		for rr, pos := rdlen, cur; rr != 0; {
			if !w.need(pos, 1) {
				return bad(dnsWhyRdata)
			}
			n := int(m[pos])
			w.emit(fn, kl, pos, 1, uint64(n))
			pos++
			if !w.need(pos, n) {
				return bad(dnsWhyRdata)
			}
			w.emitB(fn, ks, dnsItemText, pos, n)
			pos += n
			rr -= 1 + n
		}
	case 17: // RP
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		used, ok := nameField(dkNone, cur)
		if !ok {
			return false
		}
		if _, ok := nameField(dkNone, cur+used); !ok {
			return false
		}
	case 18, 21: // AFSDB, RT
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if _, ok := nameField(dkNone, cur+2); !ok {
			return false
		}
	case 19: // X25
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, 1) || !w.item(cur+1, int(m[cur])) {
			return bad(dnsWhyRdata)
		}
	case 20: // ISDN
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, 1) || !w.item(cur+1, int(m[cur])) {
			return bad(dnsWhyRdata)
		}
		pos := cur + 1 + int(m[cur])
		if rdlen-1-int(m[cur]) > 1 {
			if !w.need(pos, 1) || !w.item(pos+1, int(m[pos])) {
				return bad(dnsWhyRdata)
			}
		}
	case 22, 49: // NSAP, DHCID
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, rdlen) {
			return bad(dnsWhyRdata)
		}
	case 23: // NSAP-PTR
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if _, ok := nameField(dkNone, cur); !ok {
			return false
		}
	case 24, 46: // SIG, RRSIG
		for _, f := range [...]struct {
			k      dnsKey
			off, n int
		}{{dkRRSIGType, 0, 2}, {dkRRSIGAlgo, 2, 1}, {dkRRSIGLabels, 3, 1}, {dkRRSIGOrigTTL, 4, 4}, {dkNone, 8, 4}, {dkNone, 12, 4}, {dkRRSIGKeyTag, 16, 2}} {
			if !w.need(cur+f.off, f.n) {
				return bad(dnsWhyRdata)
			}
			if f.k != dkNone {
				var v uint64
				for _, c := range m[cur+f.off : cur+f.off+f.n] {
					v = v<<8 | uint64(c)
				}
				w.emit(fn, f.k, cur+f.off, f.n, v)
			}
		}
		used, ok := nameField(dkRRSIGSigner, cur+18)
		if !ok {
			return false
		}
		if rest := rdlen - 18 - used; rest != 0 {
			pos := cur + 18 + used
			if rest == -1 {
				rest = len(m) - pos
			}
			if rest < 0 || !w.need(pos, rest) {
				return bad(dnsWhyRdata)
			}
			w.emitB(fn, dkRRSIGSignature, dnsItemB, pos, rest)
		}
	case 25, 48, 60: // KEY, DNSKEY, CDNSKEY
		if !w.need(cur, 4) {
			return bad(dnsWhyRdata)
		}
		if rest := rdlen - 4; (rest != 0 || typ != 25) && !w.item(cur+4, rest) {
			return bad(dnsWhyRdata)
		}
	case 26: // PX
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, 2) {
			return bad(dnsWhyRdata)
		}
		used, ok := nameField(dkNone, cur+2)
		if !ok {
			return false
		}
		if _, ok := nameField(dkNone, cur+2+used); !ok {
			return false
		}
	case 27: // GPOS: three length-prefixed strings
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		pos := cur
		for i := 0; i < 3; i++ {
			if !w.need(pos, 1) || !w.item(pos+1, int(m[pos])) {
				return bad(dnsWhyRdata)
			}
			pos += 1 + int(m[pos])
		}
	case dnsTAAAA:
		if !w.need(cur, 16) {
			return bad(dnsWhyRdata)
		}
		w.info(fn, dnsNameRef{}, 0, m[cur:cur+16:cur+16], nil)
		w.emitB(fn, dkAAAA, dnsItemB, cur, 16)
	case 29: // LOC
		if !w.need(cur, 1) {
			return bad(dnsWhyRdata)
		}
		n := 16
		if m[cur] != 0 {
			n = rdlen
		}
		if !w.need(cur, n) {
			return bad(dnsWhyRdata)
		}
	case dnsTNXT, dnsTNSEC:
		used, raw, ok := w.name(cur)
		if !ok {
			return false
		}
		w.info(fn, raw, 0, nil, nil)
		if typ == dnsTNSEC {
			w.emitName(fn, dkNextName, cur, used, raw)
		} else {
			w.emitName(fn, dkNXTNextName, cur, used, raw)
		}
		if !w.bitmap(fn, cur+used, rdlen-used, typ == dnsTNSEC) {
			return bad(dnsWhyRdata)
		}
	case dnsTSRV:
		for i := 0; i < 3; i++ {
			if !w.need(cur+2*i, 2) {
				return bad(dnsWhyRdata)
			}
			v := binary.BigEndian.Uint16(m[cur+2*i:])
			w.rr.srv[i] = v
			w.emit(fn, dkSRVPriority+dnsKey(i), cur+2*i, 2, uint64(v))
		}
		used, raw, ok := w.name(cur + 6)
		if !ok {
			return false
		}
		w.emitName(fn, dkSRVTarget, cur+6, used, raw)
		w.info(fn, raw, 0, nil, nil)
	case dnsTNAPTR:
		if !w.need(cur, 5) {
			return bad(dnsWhyRdata)
		}
		w.rr.pref, w.rr.pref2 = binary.BigEndian.Uint16(m[cur:]), binary.BigEndian.Uint16(m[cur+2:])
		pos := cur + 4
		var flags []byte
		for i := 0; i < 3; i++ {
			if !w.need(pos, 1) || !w.item(pos+1, int(m[pos])) {
				return bad(dnsWhyRdata)
			}
			if i == 0 {
				flags = m[pos+1 : pos+1+int(m[pos])]
			}
			pos += 1 + int(m[pos])
		}
		if _, _, ok := w.name(pos); !ok {
			return false
		}
		w.info(fn, dnsNameRef{}, 0, nil, flags)
	case 37: // CERT
		if !w.need(cur, 5) || rdlen != 5 && !w.item(cur+5, rdlen-5) {
			return bad(dnsWhyRdata)
		}
	case dnsTOPT:
		return w.options(fn, cur, rdlen)
	case 42: // APL
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		for rr, pos := rdlen, cur; rr > 1; {
			if !w.need(pos, 4) {
				return bad(dnsWhyRdata)
			}
			n := int(m[pos+3] & 0x7f)
			if !w.need(pos+4, n) {
				return bad(dnsWhyRdata)
			}
			pos += 4 + n
			rr -= 4 + n
		}
	case 43, 59, 32769: // DS, CDS, DLV
		if !w.need(cur, 4) || !w.item(cur+4, rdlen-4) {
			return bad(dnsWhyRdata)
		}
	case 44: // SSHFP
		if !w.need(cur, 2) || rdlen != 2 && !w.item(cur+2, rdlen-2) {
			return bad(dnsWhyRdata)
		}
	case 45: // IPSECKEY
		if !w.need(cur, 3) {
			return bad(dnsWhyRdata)
		}
		pos, rr := cur+3, rdlen-3
		switch m[cur+1] {
		case 1:
			pos, rr = pos+4, rr-4
		case 2:
			pos, rr = pos+16, rr-16
		case 3:
			used, ok := nameField(dkNone, pos)
			if !ok {
				return false
			}
			pos, rr = pos+used, rr-used
		}
		if !w.need(cur+3, pos-cur-3) || rr != 0 && !w.item(pos, rr) {
			return bad(dnsWhyRdata)
		}
	case 50: // NSEC3
		if !w.need(cur, 5) || !w.need(cur+5, int(m[cur+4])) {
			return bad(dnsWhyRdata)
		}
		pos := cur + 5 + int(m[cur+4])
		if !w.need(pos, 1) {
			return bad(dnsWhyRdata)
		}
		h := int(m[pos])
		pos++
		// The base32hex conversion reads whole 5-bit groups, possibly into the byte after the hash.
		if h > 0 && !w.need(pos, ((8*h+4)/5*5+7)/8) {
			return bad(dnsWhyRdata)
		}
		if !w.bitmap(fn, pos+h, rdlen-(pos+h-cur), true) {
			return bad(dnsWhyRdata)
		}
	case 51: // NSEC3PARAM
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, 5) || !w.item(cur+5, int(m[cur+4])) {
			return bad(dnsWhyRdata)
		}
	case 52: // TLSA
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, 3) || !w.item(cur+3, rdlen-3) {
			return bad(dnsWhyRdata)
		}
	case 55: // HIP
		w.info(fn, dnsNameRef{}, 0, nil, nil)
		if !w.need(cur, rdlen) {
			return bad(dnsWhyRdata)
		}
	case 61: // OPENPGPKEY
		if !w.need(cur, rdlen) {
			return bad(dnsWhyRdata)
		}
	case 62: // CSYNC
		if !w.need(cur, 6) || !w.item(cur+6, rdlen-6) || !w.bitmap(fn, cur+6, rdlen-6, true) {
			return bad(dnsWhyRdata)
		}
	case 63: // ZONEMD
		if !w.need(cur, 6) || !w.item(cur+6, rdlen-6) {
			return bad(dnsWhyRdata)
		}
	case 64, 65: // SVCB, HTTPS
		return w.svcb(cur, rdlen)
	case 104, 106: // NID, L64
		if !w.need(cur, 10) {
			return bad(dnsWhyRdata)
		}
	case 105: // L32
		if !w.need(cur, 6) {
			return bad(dnsWhyRdata)
		}
	case 107: // LP
		if !w.need(cur, 2) {
			return bad(dnsWhyRdata)
		}
		if _, ok := nameField(dkNone, cur+2); !ok {
			return false
		}
	case 108: // EUI48
		if !w.need(cur, 6) {
			return bad(dnsWhyRdata)
		}
	case 109: // EUI64
		if !w.need(cur, 8) {
			return bad(dnsWhyRdata)
		}
	case 249: // TKEY
		used, ok := nameField(dkNone, cur)
		if !ok {
			return false
		}
		pos := cur + used
		if !w.need(pos, 14) {
			return bad(dnsWhyRdata)
		}
		kl := int(binary.BigEndian.Uint16(m[pos+12:]))
		pos += 14
		if kl != 0 && !w.need(pos, kl) || !w.need(pos+kl, 2) {
			return bad(dnsWhyRdata)
		}
		pos += kl
		if ol := int(binary.BigEndian.Uint16(m[pos:])); ol != 0 && !w.need(pos+2, ol) {
			return bad(dnsWhyRdata)
		}
	case 250: // TSIG
		used, ok := nameField(dkNone, cur)
		if !ok {
			return false
		}
		pos := cur + used
		if !w.need(pos, 10) {
			return bad(dnsWhyRdata)
		}
		sl := int(binary.BigEndian.Uint16(m[pos+8:]))
		pos += 10
		if sl != 0 && !w.need(pos, sl) || !w.need(pos+sl, 6) {
			return bad(dnsWhyRdata)
		}
		pos += sl
		if ol := int(binary.BigEndian.Uint16(m[pos+4:])); ol != 0 && !w.need(pos+6, ol) {
			return bad(dnsWhyRdata)
		}
	case 257: // CAA
		if !w.need(cur, 2) || !w.need(cur+2, int(m[cur+1])) {
			return bad(dnsWhyRdata)
		}
		tl := int(m[cur+1])
		if !w.need(cur+2+tl, int(uint16(rdlen-(tl+2)))) {
			return bad(dnsWhyRdata)
		}
	case 65281: // WINS
		if !w.need(cur, 16) {
			return bad(dnsWhyRdata)
		}
		n := binary.BigEndian.Uint32(m[cur+12:])
		for rr, pos := rdlen-16, cur+16; rr != 0 && n != 0; n-- {
			if !w.need(pos, 4) {
				return bad(dnsWhyRdata)
			}
			pos, rr = pos+4, rr-4
		}
	case dnsTWINSR:
		if !w.need(cur, 12) {
			return bad(dnsWhyRdata)
		}
		_, raw, ok := w.name(cur + 12)
		if !ok {
			return false
		}
		w.info(fn, raw, 0, nil, nil)
	case 65422: // XPF
		if !w.need(cur, 1) {
			return bad(dnsWhyRdata)
		}
		switch m[cur] {
		case 4:
			if !w.need(cur, 14) {
				return bad(dnsWhyRdata)
			}
		case 6:
			if !w.need(cur, 38) {
				return bad(dnsWhyRdata)
			}
		}
	case 38: // A6: not decoded in detail
		if !w.need(cur, rdlen) {
			return bad(dnsWhyRdata)
		}
	default:
		if !w.need(cur, rdlen) {
			return bad(dnsWhyRdata)
		}
		w.emitB(fn, dkData, dnsItemB, cur, rdlen)
	}
	return true
}

// bitmap walks a type bitmap of n bytes at pos (NSEC's windowed form, or NXT's plain one) as Wireshark
// does: each type it lists is a dns.resp.type item, and it reads until n is used up exactly, else on to
// the end of the message.
func (w *dnsWalker) bitmap(fn func(), pos, n int, windowed bool) bool {
	m := w.m
	bits := func(at, typ int) {
		for i := 0; i < 8; i++ {
			if m[at]&(0x80>>i) != 0 {
				w.it = dnsItem{key: dkRespType, kind: dnsItemU, part: 1, off: at, n: 1, u: uint64(typ + i)}
				fn()
			}
		}
	}
	if !windowed {
		for typ := 0; n != 0; typ += 8 {
			if !w.need(pos, 1) {
				return false
			}
			bits(pos, typ)
			pos, n = pos+1, n-1
		}
		return true
	}
	for n != 0 {
		if !w.need(pos, 2) {
			return false
		}
		typ, size := int(m[pos])*256, int(m[pos+1])
		pos, n = pos+2, n-2
		for ; size > 0; size-- {
			if !w.need(pos, 1) {
				return false
			}
			bits(pos, typ)
			pos, n, typ = pos+1, n-1, typ+8
		}
	}
	return true
}

// options walks the EDNS options of an OPT record.
func (w *dnsWalker) options(fn func(), pos, rdlen int) bool {
	m := w.m
	for rr := rdlen; rr > 0; {
		if !w.need(pos, 4) {
			w.fail(dnsWhyOption)
			return false
		}
		code := binary.BigEndian.Uint16(m[pos:])
		olen := int(binary.BigEndian.Uint16(m[pos+2:]))
		rr -= 4
		// The option item itself is not checked against the end of the message; its data is.
		w.emit(fn, dkOption, pos, 4+olen, uint64(code))
		w.emit(fn, dkOptCode, pos, 2, uint64(code))
		w.emit(fn, dkOptLen, pos+2, 2, uint64(olen))
		pos += 4
		if !w.need(pos, olen) {
			w.fail(dnsWhyOption)
			return false
		}
		w.emitB(fn, dkOptData, dnsItemB, pos, olen)
		switch code {
		case 8, 0x50fa: // client subnet: family, netmasks, then as many address bytes as the option has
			if !w.need(pos, 2) {
				w.fail(dnsWhyOption)
				return false
			}
			family := binary.BigEndian.Uint16(m[pos:])
			w.emit(fn, dkOptFamily, pos, 2, uint64(family))
			for i, k := range [2]dnsKey{dkOptNetmask, dkOptScope} {
				if !w.need(pos+2+i, 1) {
					w.fail(dnsWhyOption)
					return false
				}
				w.emit(fn, k, pos+2+i, 1, uint64(m[pos+2+i]))
			}
			al := min(int(uint16(olen-4)), 16)
			if !w.need(pos+4, al) {
				w.fail(dnsWhyOption)
				return false
			}
			switch family {
			case 1:
				var a [4]byte
				copy(a[:], m[pos+4:pos+4+al])
				w.emit(fn, dkOptAddr4, pos+4, al, uint64(binary.BigEndian.Uint32(a[:])))
			case 2:
				w.emitB(fn, dkOptAddr6, dnsItemPad, pos+4, al)
			default:
				n := olen - 4
				if n == -1 {
					n = len(m) - (pos + 4)
				}
				if n < 0 || !w.need(pos+4, n) {
					w.fail(dnsWhyOption)
					return false
				}
				w.emitB(fn, dkOptAddr, dnsItemB, pos+4, n)
			}
			pos += olen
			rr -= olen
		case 10: // cookie: an 8-byte client cookie, then the server cookie
			if !w.need(pos, 8) {
				w.fail(dnsWhyOption)
				return false
			}
			w.emitB(fn, dkOptCookieClient, dnsItemB, pos, 8)
			sl := int(uint16(olen - 8))
			if !w.need(pos+8, sl) {
				w.fail(dnsWhyOption)
				return false
			}
			w.emitB(fn, dkOptCookieServer, dnsItemB, pos+8, sl)
			pos += 8 + sl
			rr -= 8 + sl
		case 12: // padding
			w.emitB(fn, dkOptPadding, dnsItemB, pos, olen)
			pos += olen
			rr -= olen
		case 15: // extended error: the data is skipped only when it is at least 2 bytes long
			if olen >= 2 {
				w.emit(fn, dkOptExtError, pos, 2, uint64(binary.BigEndian.Uint16(m[pos:])))
				if olen > 2 {
					w.emitB(fn, dkOptExtText, dnsItemText, pos+2, olen-2)
				}
				pos += olen
				rr -= olen
			}
		default:
			pos += olen
			rr -= olen
		}
	}
	return true
}

// svcb checks the data of an SVCB or HTTPS record as Wireshark reads it.
func (w *dnsWalker) svcb(cur, rdlen int) bool {
	m := w.m
	bad := func() bool { w.fail(dnsWhyRdata); return false }
	if !w.need(cur, 2) {
		return bad()
	}
	used, _, ok := w.name(cur + 2)
	if !ok {
		return false
	}
	pos := cur + 2 + used
	for rdlen > pos-cur {
		if !w.need(pos, 4) {
			return bad()
		}
		key := binary.BigEndian.Uint16(m[pos:])
		n := int(binary.BigEndian.Uint16(m[pos+2:]))
		pos += 4
		switch key {
		case 0: // mandatory: 2-byte keys
			for o := 0; o < n; o += 2 {
				if !w.need(pos, 2) {
					return bad()
				}
				pos += 2
			}
		case 1: // alpn: length-prefixed strings
			for o := 0; o < n; {
				if !w.need(pos, 1) || !w.need(pos+1, int(m[pos])) {
					return bad()
				}
				l := int(m[pos])
				pos += 1 + l
				o += 1 + l
			}
		case 2: // no-default-alpn
		case 3: // port
			if !w.need(pos, 2) {
				return bad()
			}
			pos += 2
		case 4, 6: // ipv4hint, ipv6hint
			step := 4
			if key == 6 {
				step = 16
			}
			for o := 0; o < n; o += step {
				if !w.need(pos, step) {
					return bad()
				}
				pos += step
			}
		default: // ech, odohconfig and unknown keys: the value as it is
			if !w.need(pos, n) {
				return bad()
			}
			pos += n
		}
	}
	return true
}

// expand expands the name at off as Wireshark 4.0's get_dns_name does, into obuf (src dnsSrcOwner) or
// nbuf (dnsSrcData). It returns the bytes the name occupies at off, where the expanded name is (in that
// buffer, or one of Wireshark's texts such as "<Root>"), and why Wireshark would throw an exception
// instead ("" if it would not).
func (w *dnsWalker) expand(off int, src uint8) (int, dnsNameRef, string) {
	return w.expandFrom(off, src, off, -1, 0)
}

// expandFrom continues the expansion of the name that starts at start from off, where used (-1 if no
// pointer was followed yet) and ptrs are as Wireshark's loop has them; nothing was written yet.
func (w *dnsWalker) expandFrom(off int, src uint8, start, used, ptrs int) (int, dnsNameRef, string) {
	m := w.m
	buf := &w.obuf
	if src == dnsSrcData {
		buf = &w.nbuf
	}
	var none dnsNameRef
	maxname := dnsMaxName
	np := 0      // bytes written to buf
	nameLen := 0 // bytes of the name (a bitstring label is written but not counted, as in Wireshark)
	for {
		if maxname <= 0 {
			// The name is full: what remains decides only how it ends.
			r := w.skipMemo(off, ptrs)
			if used < 0 && r.firstPtr >= 0 {
				used = r.firstPtr - start
			}
			switch r.kind {
			case dnsEndLong:
				if used < 0 {
					used = r.end - start
				}
				return used, dnsNameRef{src: dnsSrcLong, n: len(dnsTextLong)}, ""
			case dnsEndLoop:
				return used, dnsNameRef{src: dnsSrcLoop, n: len(dnsTextLoop)}, ""
			case dnsEndExt:
				if r.end-start < 2 {
					return 0, none, dnsWhyLabel
				}
				return r.end - start, dnsNameRef{src: dnsSrcExt, n: len(dnsTextExt)}, ""
			}
			return 0, none, r.why
		}
		if w.steps++; w.steps > dnsWalkSteps {
			return 0, none, dnsWhyWorkload
		}
		if off >= len(m) {
			if ptrs > 0 {
				return 0, none, dnsWhyPointer
			}
			return 0, none, dnsWhyName
		}
		c := int(m[off])
		off++
		if c == 0 {
			break
		}
		switch c & 0xc0 {
		case 0x00:
			if np != 0 {
				buf[np] = '.'
				np++
				nameLen++
				maxname--
			} else {
				maxname--
			}
			// Bytes past the end of a full name are skipped unread; the next read fails all the same.
			k := min(c, max(maxname, 0))
			if off+k > len(m) {
				return 0, none, dnsWhyName
			}
			copy(buf[np:np+k], m[off:off+k])
			np += k
			nameLen += k
			maxname -= k
			off += c
		case 0x40:
			if c&0x3f != 1 {
				// An extended label type Wireshark does not know: it gives up on the name.
				n := off - start
				if n < 2 {
					return 0, none, dnsWhyLabel
				}
				return n, dnsNameRef{src: dnsSrcExt, n: len(dnsTextExt)}, ""
			}
			// A bitstring label (RFC 2673): written as \[x<hex>/<bits>].
			if off >= len(m) {
				return 0, none, dnsWhyName
			}
			bits := int(m[off])
			off++
			n := (bits-1)/8 + 1
			np, maxname = dnsPrint(buf, np, maxname, "\\[x", 0, -1)
			for ; n > 0; n-- {
				if maxname > 0 {
					if off >= len(m) {
						return 0, none, dnsWhyName
					}
					np, maxname = dnsPrint(buf, np, maxname, "", int(m[off]), 16)
				}
				off++
			}
			if maxname > 0 {
				np, maxname = dnsPrint(buf, np, maxname, "/", bits, 10)
			}
		case 0x80:
			return 0, none, dnsWhyLabel
		case 0xc0:
			if off >= len(m) {
				return 0, none, dnsWhyName
			}
			target := (c&0x3f)<<8 | int(m[off])
			off++
			ptrs++
			if used < 0 {
				used = off - start
			}
			// Wireshark's test for a pointer to itself compares with the offset 2 bytes after the pointer.
			if target == off+2 || ptrs > dnsMaxName {
				return used, dnsNameRef{src: dnsSrcLoop, n: len(dnsTextLoop)}, ""
			}
			if ptrs == 1 && np == 0 {
				// A name that is only a pointer expands as its target does; a target that gives no
				// ordinary name (a loop, a name too long, an error) may be shared by many names.
				if r, ok := w.ptrMemoGet(target); ok {
					return w.ptrMemoResult(r, start)
				}
				u, ref, why := w.expandFrom(target, src, start, used, ptrs)
				if why != dnsWhyWorkload && (why != "" || ref.src != src && ref.src != dnsSrcRoot) {
					w.ptrMemoPut(dnsPtrMemo{target: target, src: ref.src, why: why, used: u, end: start + u})
				}
				return u, ref, why
			}
			off = target
		}
	}
	if used < 0 {
		used = off - start
	}
	// get_dns_name: an empty name (or one that starts with a NUL byte) read from at most 2 bytes is the
	// root; a name of 1 byte, or one from more bytes that expands to nothing, is an error.
	if (np == 0 || buf[0] == 0) && used <= 2 {
		return used, dnsNameRef{src: dnsSrcRoot, n: len(dnsTextRoot)}, ""
	}
	if used < 2 || used > 2 && nameLen == 0 {
		return 0, none, dnsWhyLabel
	}
	return used, dnsNameRef{src: src, n: nameLen}, ""
}

// dnsPtrMemo remembers how a name that is only a pointer to target ended, when that was not an ordinary
// name: a loop, a name too long, an unknown extended label (end: the offset after it) or an error.
type dnsPtrMemo struct {
	target int
	src    uint8
	why    string
	used   int
	end    int
}

func (w *dnsWalker) ptrMemoGet(target int) (dnsPtrMemo, bool) {
	for i := range w.pmemo[:w.npmemo] {
		if w.pmemo[i].target == target {
			return w.pmemo[i], true
		}
	}
	return dnsPtrMemo{}, false
}

func (w *dnsWalker) ptrMemoPut(r dnsPtrMemo) {
	w.pmemo[w.ipmemo] = r
	w.ipmemo = (w.ipmemo + 1) % len(w.pmemo)
	w.npmemo = min(w.npmemo+1, len(w.pmemo))
}

// ptrMemoResult is the expansion a remembered outcome gives the name that starts at start.
func (w *dnsWalker) ptrMemoResult(r dnsPtrMemo, start int) (int, dnsNameRef, string) {
	switch {
	case r.why != "":
		return 0, dnsNameRef{}, r.why
	case r.src == dnsSrcExt:
		if r.end-start < 2 {
			return 0, dnsNameRef{}, dnsWhyLabel
		}
		return r.end - start, dnsNameRef{src: dnsSrcExt, n: len(dnsTextExt)}, ""
	}
	return r.used, dnsNameRef{src: r.src, n: len(w.raw(dnsNameRef{src: r.src}))}, ""
}

// How the rest of a full name ends (dnsSkip.kind); dnsEndError: with an exception (dnsSkip.why).
const (
	dnsEndError = iota
	dnsEndLong  // at its terminating zero: "<Name too long>"
	dnsEndLoop  // at a pointer Wireshark takes for a loop
	dnsEndExt   // at an unknown extended label
)

// dnsSkip is the outcome of walking the rest of a name once its 255 bytes are used up.
type dnsSkip struct {
	off, ptrs int // the state it started from (the memo key)
	kind      uint8
	end       int // the offset after the last byte read
	firstPtr  int // the offset after the first pointer followed, -1 if none
	why       string
}

// skipMemo is skip, remembering its last results: in a crafted message many names may point into the
// same long run of labels, which would otherwise be walked again for each of them.
func (w *dnsWalker) skipMemo(off, ptrs int) dnsSkip {
	for i := range w.memo[:w.nmemo] {
		if r := &w.memo[i]; r.off == off && r.ptrs == ptrs {
			return *r
		}
	}
	r := w.skip(off, ptrs)
	if r.why != dnsWhyWorkload {
		w.memo[w.imemo] = r
		w.imemo = (w.imemo + 1) % len(w.memo)
		w.nmemo = min(w.nmemo+1, len(w.memo))
	}
	return r
}

// skip walks the rest of a name whose buffer is full, as Wireshark does: without reading label bytes,
// until the name ends, a pointer looks like a loop, or a read fails.
func (w *dnsWalker) skip(off, ptrs int) dnsSkip {
	m := w.m
	r := dnsSkip{off: off, ptrs: ptrs, firstPtr: -1}
	for {
		if w.steps++; w.steps > dnsWalkSteps {
			r.why = dnsWhyWorkload
			return r
		}
		if off >= len(m) {
			r.why = dnsWhyName
			if ptrs > 0 {
				r.why = dnsWhyPointer
			}
			return r
		}
		c := int(m[off])
		off++
		switch {
		case c == 0:
			r.kind, r.end = dnsEndLong, off
			return r
		case c&0xc0 == 0:
			off += c
		case c&0xc0 == 0x40:
			if c&0x3f != 1 {
				r.kind, r.end = dnsEndExt, off
				return r
			}
			if off >= len(m) {
				r.why = dnsWhyName
				return r
			}
			off += 1 + (int(m[off])-1)/8 + 1
		case c&0xc0 == 0x80:
			r.why = dnsWhyLabel
			return r
		default:
			if off >= len(m) {
				r.why = dnsWhyName
				return r
			}
			target := (c&0x3f)<<8 | int(m[off])
			off++
			ptrs++
			if r.firstPtr < 0 {
				r.firstPtr = off
			}
			if target == off+2 || ptrs > dnsMaxName {
				r.kind, r.end = dnsEndLoop, off
				return r
			}
			off = target
		}
	}
}

// dnsPrint appends prefix and then, when base is 16 or 10, v (hex: 2 digits; decimal followed by "]")
// to buf as Wireshark's snprintf(np, maxname, ...) does: it fits only if shorter than the room left,
// else nothing more is written.
func dnsPrint(buf *[256]byte, np, maxname int, prefix string, v, base int) (int, int) {
	var tmp [16]byte
	s := append(tmp[:0], prefix...)
	switch base {
	case 16:
		s = append(s, "0123456789abcdef"[v>>4&15], "0123456789abcdef"[v&15])
	case 10:
		s = strconv.AppendInt(s, int64(v), 10)
		s = append(s, ']')
	}
	if len(s) < maxname {
		copy(buf[np:], s)
		return np + len(s), maxname - len(s)
	}
	if len(s) == maxname {
		// snprintf truncates the last character; the name ends up too long anyway.
		return np + len(s) - 1, 0
	}
	return np, 0
}

// dnsLabels is Wireshark's label count: the dots of the name plus one, or 0 for a name of 0 or 1 byte.
func dnsLabels(raw []byte) int {
	if len(raw) <= 1 {
		return 0
	}
	return dnsDots(raw) + 1
}

func dnsDots(raw []byte) int {
	n := 0
	for _, c := range raw {
		if c == '.' {
			n++
		}
	}
	return n
}

// dnsFormat formats a raw name into the packet's scratch space (or the heap, when that is exhausted).
func dnsFormat(p *Packet, raw []byte) []byte {
	n := dnsTextLen(raw)
	var b []byte
	if p != nil {
		b = p.alloc(n)
	}
	if b == nil {
		b = make([]byte, 0, n)
	}
	return dnsAppendText(b[:0], raw)
}

// dnsSplitPart returns part i (0, 1 or 2) of a formatted SRV owner name: "_sip._tcp.example.com" gives
// "_sip", "_tcp" and "example.com" (the third part keeps its dots).
func dnsSplitPart(s []byte, i int) []byte {
	for k := 0; k < i; k++ {
		j := dnsIndexByte(s, '.')
		if j < 0 {
			return s[len(s):]
		}
		s = s[j+1:]
	}
	if i < 2 {
		if j := dnsIndexByte(s, '.'); j >= 0 {
			return s[:j]
		}
	}
	return s
}

func dnsIndexByte(s []byte, c byte) int {
	for i, x := range s {
		if x == c {
			return i
		}
	}
	return -1
}

// dnsString decodes a character-string as Wireshark stores it: up to the first NUL byte, with each byte
// outside ASCII replaced by U+FFFD (ENC_ASCII), or as UTF-8 with invalid bytes replaced (mDNS TXT).
func dnsString(p *Packet, s []byte, utf bool) []byte {
	if i := dnsIndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	n := 0
	clean := true
	for i := 0; i < len(s); {
		if s[i] < 0x80 {
			n++
			i++
			continue
		}
		clean = false
		if utf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size <= 1 {
				n += 3
				i++
				continue
			}
			n += size
			i += size
			continue
		}
		n += 3
		i++
	}
	if clean {
		return s
	}
	var b []byte
	if p != nil {
		b = p.alloc(n)
	}
	if b == nil {
		b = make([]byte, 0, n)
	}
	b = b[:0]
	for i := 0; i < len(s); {
		if s[i] < 0x80 {
			b = append(b, s[i])
			i++
			continue
		}
		if utf {
			r, size := utf8.DecodeRune(s[i:])
			if !(r == utf8.RuneError && size <= 1) {
				b = append(b, s[i:i+size]...)
				i += size
				continue
			}
		}
		b = append(b, "\uFFFD"...)
		i++
	}
	return b
}

// dnsTextLen is the length of dnsAppendText's output for s.
func dnsTextLen(s []byte) int {
	var tmp [16]byte
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			n++
			i++
			continue
		}
		j, out := dnsTextChar(tmp[:0], s, i)
		n += len(out)
		i = j
	}
	return n
}

// dnsAppendText appends s as Wireshark 4.0's format_text shows it: printable ASCII as it is, ASCII
// controls as C escapes (\t, \n, …) or \ooo, valid UTF-8 as it is when printable and as \uXXXX or
// \UXXXXXXXX when not, and U+FFFD for each byte sequence that is not UTF-8. A backslash is not escaped.
func dnsAppendText(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			dst = append(dst, c)
			i++
			continue
		}
		i, dst = dnsTextChar(dst, s, i)
	}
	return dst
}

// dnsTextChar formats the character that is not printable ASCII at s[i]; it returns the index after it.
func dnsTextChar(dst, s []byte, i int) (int, []byte) {
	c := s[i]
	i++
	if c < 0x80 {
		dst = append(dst, '\\')
		switch c {
		case '\a':
			return i, append(dst, 'a')
		case '\b':
			return i, append(dst, 'b')
		case '\f':
			return i, append(dst, 'f')
		case '\n':
			return i, append(dst, 'n')
		case '\r':
			return i, append(dst, 'r')
		case '\t':
			return i, append(dst, 't')
		case '\v':
			return i, append(dst, 'v')
		}
		return i, append(dst, '0'+c>>6&3, '0'+c>>3&7, '0'+c&7)
	}
	var n int
	var r rune
	switch {
	case c&0xe0 == 0xc0:
		n, r = 1, rune(c&0x1f)
	case c&0xf0 == 0xe0:
		n, r = 2, rune(c&0x0f)
	case c&0xf8 == 0xf0:
		n, r = 3, rune(c&0x07)
	case c&0xfc == 0xf8:
		n, r = 4, rune(c&0x03)
	case c&0xfe == 0xfc:
		n, r = 5, rune(c&0x01)
	default:
		return i, append(dst, "\uFFFD"...)
	}
	for ; n > 0; n-- {
		if i >= len(s) || s[i]&0xc0 != 0x80 {
			// An incomplete sequence: one replacement, then the byte that broke it starts anew.
			return i, append(dst, "\uFFFD"...)
		}
		r = r<<6 | rune(s[i]&0x3f)
		i++
	}
	switch {
	case r < 0 || r > unicode.MaxRune || r >= 0xd800 && r < 0xe000:
		return i, append(dst, "\uFFFD"...)
	case dnsPrintable(r):
		return i, utf8.AppendRune(dst, r)
	case r <= 0xffff:
		return i, dnsAppendHexRune(append(dst, '\\', 'u'), uint32(r), 4)
	}
	return i, dnsAppendHexRune(append(dst, '\\', 'U'), uint32(r), 8)
}

func dnsAppendHexRune(dst []byte, r uint32, digits int) []byte {
	for k := digits - 1; k >= 0; k-- {
		dst = append(dst, "0123456789ABCDEF"[r>>(4*k)&15])
	}
	return dst
}

// dnsPrintable is GLib's g_unichar_isprint: every assigned character except controls, format characters
// and surrogates (private-use characters are printable).
func dnsPrintable(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Co)
}

// Value names.

type dnsTypeName struct {
	v           uint16
	short, desc string // the Info column's name; the details tree's (empty: unknown to the tree)
}

var dnsTypeNames = [...]dnsTypeName{
	{0, "Unused", "Unused"}, {1, "A", "A (Host Address)"}, {2, "NS", "NS (authoritative Name Server)"},
	{3, "MD", "MD (Mail Destination)"}, {4, "MF", "MF (Mail Forwarder)"}, {5, "CNAME", "CNAME (Canonical NAME for an alias)"},
	{6, "SOA", "SOA (Start Of a zone of Authority)"}, {7, "MB", "MB (MailBox domain name)"}, {8, "MG", "MG (Mail Group member)"},
	{9, "MR", "MR (Mail Rename domain)"}, {10, "NULL", "NULL RR"}, {11, "WKS", "WKS (Well Known Service)"},
	{12, "PTR", "PTR (domain name PoinTeR)"}, {13, "HINFO", "HINFO (host information)"}, {14, "MINFO", "MINFO (Mailbox or mail list information)"},
	{15, "MX", "MX (Mail eXchange)"}, {16, "TXT", "TXT (Text strings)"}, {17, "RP", "RP (Responsible Person)"},
	{18, "AFSDB", "AFSDB (AFS Data Base location)"}, {19, "X25", "X25 (XX.25 PSDN address)"}, {20, "ISDN", "ISDN (ISDN address)"},
	{21, "RT", "RT (Route Through)"}, {22, "NSAP", "NSAP (NSAP address)"}, {23, "NSAP-PTR", "NSAP-PTR (NSAP domain name pointer)"},
	{24, "SIG", "SIG (security signature)"}, {25, "KEY", "KEY (security key)"}, {26, "PX", "PX (X.400 mail mapping information)"},
	{27, "GPOS", "GPOS (Geographical Position)"}, {28, "AAAA", "AAAA (IPv6 Address)"}, {29, "LOC", "LOC (Location Information)"},
	{30, "NXT", "NXT (Next Domain)"}, {31, "EID", "EID (Endpoint Identifier)"}, {32, "NIMLOC", "NIMLOC (Nimrod Locator)"},
	{33, "SRV", "SRV (Server Selection)"}, {34, "ATMA", "ATMA (ATM Address)"}, {35, "NAPTR", "NAPTR (Naming Authority Pointer)"},
	{36, "KX", "KX (Key Exchanger)"}, {37, "CERT", "CERT"}, {38, "A6", "A6 (OBSOLETE - use AAAA)"}, {39, "DNAME", "DNAME"},
	{40, "SINK", "SINK"}, {41, "OPT", "OPT"}, {42, "APL", "APL"}, {43, "DS", "DS (Delegation Signer)"},
	{44, "SSHFP", "SSHFP (SSH Key Fingerprint)"}, {45, "IPSECKEY", "IPSECKEY"}, {46, "RRSIG", "RRSIG (Resource Record Signature)"},
	{47, "NSEC", "NSEC (Next Secure)"}, {48, "DNSKEY", "DNSKEY (DNS Public Key)"}, {49, "DHCID", "DHCID"}, {50, "NSEC3", "NSEC3"},
	{51, "NSEC3PARAM", "NSEC3PARAM"}, {52, "TLSA", "TLSA"}, {55, "HIP", "HIP (Host Identity Protocol)"}, {57, "RKEY", "RKEY"},
	{58, "TALINK", "TALINK (Trust Anchor LINK)"}, {59, "CDS", "CDS (Child DS)"}, {60, "CDNSKEY", "CDNSKEY (DNSKEY(s) the Child wants reflected in DS)"},
	{61, "OPENPGPKEY", "OPENPGPKEY (OpenPGP Key)"}, {62, "CSYNC", "CSYNC (Child-to-Parent Synchronization)"}, {63, "ZONEMD", "ZONEMD"},
	{64, "SVCB", "SVCB (General Purpose Service Endpoints)"}, {65, "HTTPS", "HTTPS (HTTPS Specific Service Endpoints)"},
	{99, "SPF", "SPF"}, {100, "UINFO", "UINFO"}, {101, "UID", "UID"}, {102, "GID", "GID"}, {103, "UNSPEC", "UNSPEC"},
	{104, "NID", "NID (NodeID)"}, {105, "L32", "L32 (Locator32)"}, {106, "L64", "L64 (Locator64)"}, {107, "LP", "LP (Locator FQDN)"},
	{108, "EUI48", "EUI48"}, {109, "EUI64", "EUI64"}, {249, "TKEY", "TKEY (Transaction Key)"}, {250, "TSIG", "TSIG (Transaction Signature)"},
	{251, "IXFR", "IXFR (incremental transfer)"}, {252, "AXFR", "AXFR (transfer of an entire zone)"},
	// Wireshark's two tables disagree on 253 and 254.
	{253, "MAILA", "MAILB (mailbox-related RRs)"}, {254, "MAILB", "MAILA (mail agent RRs)"},
	{255, "ANY", "* (A request for all records the server/cache has available)"}, {256, "URI", "URI"},
	{257, "CAA", "CAA (Certification Authority Restriction)"}, {32768, "TA", "TA (DNSSEC Trust Authorities)"},
	{32769, "DLV", "DLV (DNSSEC Lookaside Validation)"}, {65281, "WINS", "WINS"}, {65282, "WINS-R", "WINS-R"}, {65422, "XPF", "XPF"},
}

func dnsTypeLookup(v uint64) *dnsTypeName {
	lo, hi := 0, len(dnsTypeNames)
	for lo < hi {
		mid := (lo + hi) / 2
		if uint64(dnsTypeNames[mid].v) < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(dnsTypeNames) && uint64(dnsTypeNames[lo].v) == v {
		return &dnsTypeNames[lo]
	}
	return nil
}

// dnsTypeDesc names a type in the details tree: "A (Host Address)".
func dnsTypeDesc(v uint64) string {
	if t := dnsTypeLookup(v); t != nil {
		return t.desc
	}
	return "Unknown"
}

// dnsAppendTypeShort appends a type's name as the Info column and the record labels show it: "A", or
// "Unknown (53)".
func dnsAppendTypeShort(dst []byte, v uint16) []byte {
	if t := dnsTypeLookup(uint64(v)); t != nil {
		return append(dst, t.short...)
	}
	dst = append(dst, "Unknown ("...)
	dst = strconv.AppendUint(dst, uint64(v), 10)
	return append(dst, ')')
}

func dnsClassName(v uint64) string {
	switch v {
	case 1:
		return "IN"
	case 2:
		return "CS"
	case 3:
		return "CH"
	case 4:
		return "HS"
	case 254:
		return "NONE"
	case 255:
		return "ANY"
	}
	return "Unknown"
}

var dnsOpcodeNames = [...]string{0: "Standard query", 1: "Inverse query", 2: "Server status request", 4: "Zone change notification", 5: "Dynamic update", 6: "DNS Stateful operations (DSO)"}

// dnsOpcodeName is the name of an opcode, "" if it has none.
func dnsOpcodeName(v uint64) string {
	if v < uint64(len(dnsOpcodeNames)) {
		return dnsOpcodeNames[v]
	}
	return ""
}

var dnsRcodeNames = [...]string{"No error", "Format error", "Server failure", "No such name", "Not implemented", "Refused",
	"Name exists", "RRset exists", "RRset does not exist", "Not authoritative", "Name out of zone", "DSO-Type not implemented",
	16: "Bad OPT Version or TSIG Signature Failure", 17: "Key not recognized", 18: "Signature out of time window",
	19: "Bad TKEY Mode", 20: "Duplicate key name", 21: "Algorithm not supported", 22: "Bad Truncation", 23: "Bad/missing Server Cookie"}

// dnsUnknown makes a value-name function say "Unknown" for a value without a name, as Wireshark's tree does.
func dnsUnknown(names func(uint64) string) func(uint64) string {
	return func(v uint64) string {
		if s := names(v); s != "" {
			return s
		}
		return "Unknown"
	}
}

// dnsRcodeName is the name of a reply code, "" if it has none.
func dnsRcodeName(v uint64) string {
	if v < uint64(len(dnsRcodeNames)) {
		return dnsRcodeNames[v]
	}
	return ""
}

func dnsOptName(v uint64) string {
	switch v {
	case 0:
		return "Reserved"
	case 1:
		return "LLQ - Long-lived query"
	case 2:
		return "UL - Update lease"
	case 3:
		return "NSID - Name Server Identifier"
	case 4:
		return "Owner (reserved)"
	case 5:
		return "DAU - DNSSEC Algorithm Understood (RFC6975)"
	case 6:
		return "DHU - DS Hash Understood (RFC6975)"
	case 7:
		return "N3U - NSEC3 Hash Understood (RFC6975)"
	case 8:
		return "CSUBNET - Client subnet"
	case 9:
		return "EDNS EXPIRE (RFC7314)"
	case 10:
		return "COOKIE"
	case 11:
		return "EDNS TCP Keepalive"
	case 12:
		return "PADDING"
	case 13:
		return "CHAIN"
	case 15:
		return "Extended DNS Error"
	case 20730:
		return "Experimental - CSUBNET - Client subnet"
	}
	return "Unknown"
}

var dnsAlgoNames = map[uint64]string{1: "RSA/MD5", 2: "Diffie-Hellman", 3: "DSA", 4: "Elliptic curve crypto", 5: "RSA/SHA1",
	6: "DSA + NSEC3/SHA1", 7: "RSA/SHA1 + NSEC3/SHA1", 8: "RSA/SHA-256", 10: "RSA/SHA-512", 12: "GOST R 34.10-2001",
	13: "ECDSA Curve P-256 with SHA-256", 14: "ECDSA Curve P-386 with SHA-386", 15: "Ed25519", 16: "Ed448", 157: "HMAC/MD5",
	252: "Indirect key", 253: "Private, domain name", 254: "Private, OID"}

// dnsAlgoName names a DNSSEC algorithm.
func dnsAlgoName(v uint64) string {
	if s, ok := dnsAlgoNames[v]; ok {
		return s
	}
	return "Unknown"
}

func dnsFamilyName(v uint64) string {
	switch v {
	case 1:
		return "IPv4"
	case 2:
		return "IPv6"
	}
	return "Unknown"
}

var dnsExtErrorNames = [...]string{"Other Error", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type", "Stale Answer",
	"Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus", "Signature Expired", "Signature Not Yet Valid", "DNSKEY Missing",
	"RRSIGs Missing", "No Zone Key Bit Set", "NSEC Missing", "Cached Error", "Not Ready", "Blocked", "Censored", "Filtered",
	"Prohibited", "Stale NXDomain Answer", "Not Authoritative", "Not Supported", "No Reachable Authority", "Network Error",
	"Invalid Data"}

func dnsExtErrorName(v uint64) string {
	switch {
	case v < uint64(len(dnsExtErrorNames)):
		return dnsExtErrorNames[v]
	case v < 49152:
		return "Unassigned"
	}
	return "Reserved for Private Use"
}

// dnsAppendDuration appends a number of seconds as Wireshark's unsigned_time_secs_to_str does:
// "1 day, 1 hour, 1 minute, 1 second", "0 seconds".
func dnsAppendDuration(dst []byte, secs uint32) []byte {
	if secs == 0 {
		return append(dst, "0 seconds"...)
	}
	units := [4]struct {
		n    uint32
		name string
	}{{secs / 86400, "day"}, {secs / 3600 % 24, "hour"}, {secs / 60 % 60, "minute"}, {secs % 60, "second"}}
	first := true
	for _, u := range units {
		if u.n == 0 {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = strconv.AppendUint(dst, uint64(u.n), 10)
		dst = append(dst, ' ')
		dst = append(dst, u.name...)
		if u.n != 1 {
			dst = append(dst, 's')
		}
	}
	return dst
}

// dnsOwnerInfo lists the types whose Info-column entry is the owner name (Wireshark appends it before
// reading the record data).
func dnsOwnerInfo(t uint16) bool {
	switch t {
	case dnsTMD, dnsTMF, dnsTMB, dnsTMG, dnsTMR, dnsTNULL, dnsTMINFO, 17, 18, 19, 20, 21, 22, 23, 26, 27, 42, 49, 51, 52, 55:
		return true
	}
	return false
}

// dnsAppendASCII appends at most n bytes of a character-string decoded as ENC_ASCII (up to a NUL byte;
// bytes outside ASCII as U+FFFD), as Wireshark's "%.*s" of it does.
func dnsAppendASCII(dst, s []byte, n int) []byte {
	start := len(dst)
	for _, c := range s {
		if c == 0 {
			break
		}
		if c < 0x80 {
			dst = append(dst, c)
		} else {
			dst = append(dst, "\uFFFD"...)
		}
	}
	if len(dst)-start > n {
		dst = dst[:start+n]
	}
	return dst
}

func dnsSummary(p *Packet, i int, dst []byte) []byte {
	l := &p.Layers[i]
	var w dnsWalker
	w.init(l, p.LayerBytes(l))
	m := w.m
	if len(m) < 4 {
		return dst
	}
	start := len(dst)
	id, fl := binary.BigEndian.Uint16(m), binary.BigEndian.Uint16(m[2:])
	if s := dnsOpcodeName(uint64(fl >> 11 & 15)); s != "" {
		dst = append(dst, s...)
	} else {
		dst = append(dst, "Unknown operation ("...)
		dst = strconv.AppendUint(dst, uint64(fl>>11&15), 10)
		dst = append(dst, ')')
	}
	if fl&0x8000 != 0 {
		dst = append(dst, " response"...)
	}
	dst = append(dst, " 0x"...)
	dst = dnsAppendHex(dst, uint64(id), 4)
	if fl&0x8000 != 0 && fl&15 != 0 {
		dst = append(dst, ' ')
		if s := dnsRcodeName(uint64(fl & 15)); s != "" {
			dst = append(dst, s...)
		} else {
			dst = append(dst, "Unknown error ("...)
			dst = strconv.AppendUint(dst, uint64(fl&15), 10)
			dst = append(dst, ')')
		}
	}
	mdns := w.v == dnsVarMDNS
	w.walk(func() {
		if len(dst)-start > dnsMaxInfo {
			return
		}
		rr := &w.rr
		switch w.it.key {
		case dkRecordCut:
			dst = append(dst, ' ')
			dst = dnsAppendTypeShort(dst, rr.typ)
			if mdns && rr.class&0x8000 != 0 {
				dst = append(dst, ", cache flush"...)
			}
		case dkRecord:
			dst = append(dst, ' ')
			dst = dnsAppendTypeShort(dst, rr.typ)
			if rr.sect == 0 {
				dst = append(dst, ' ')
				dst = dnsAppendText(dst, w.raw(rr.owner))
				if mdns {
					if rr.class&0x8000 != 0 {
						dst = append(dst, `, "QU" question`...)
					} else {
						dst = append(dst, `, "QM" question`...)
					}
				}
			} else {
				if mdns && rr.class&0x8000 != 0 {
					dst = append(dst, ", cache flush"...)
				}
				if rr.rdlen > 0 && dnsOwnerInfo(rr.typ) {
					dst = append(dst, ' ')
					dst = dnsAppendText(dst, w.raw(rr.owner))
				}
			}
		case dkInfo:
			dst = w.appendInfo(dst)
		}
	})
	// Wireshark keeps at most 4095 bytes of a column.
	if len(dst)-start > dnsMaxInfo {
		n := start + dnsMaxInfo
		for n > start && !utf8.RuneStart(dst[n]) {
			n--
		}
		dst = dst[:n]
	}
	if w.short(l) {
		dst = append(dst, "[Packet size limited during capture]"...)
	}
	return dst
}

// appendInfo appends what Wireshark appends to the Info column at the current dkInfo item: " " and the
// record data ("93.184.216.34", "10 mail.example.com", "0 5 5060 sip.example.com", …).
func (w *dnsWalker) appendInfo(dst []byte) []byte {
	const sep = " "
	it := &w.it
	rr := &w.rr
	switch rr.typ {
	case dnsTA, dnsTWKS:
		dst = append(dst, sep...)
		return field.AppendIPv4(dst, uint32(it.u))
	case dnsTAAAA:
		dst = append(dst, sep...)
		return field.AppendIPv6(dst, it.b)
	case dnsTMX, dnsTKX:
		dst = append(dst, sep...)
		dst = strconv.AppendUint(dst, uint64(rr.pref), 10)
		dst = append(dst, ' ')
		return dnsAppendText(dst, w.raw(it.name))
	case dnsTSRV:
		for _, v := range rr.srv {
			dst = append(dst, sep...)
			dst = strconv.AppendUint(dst, uint64(v), 10)
		}
		dst = append(dst, ' ')
		return dnsAppendText(dst, w.raw(it.name))
	case dnsTHINFO:
		dst = append(dst, sep...)
		dst = dnsAppendASCII(dst, it.b, len(it.b))
		dst = append(dst, ' ')
		return dnsAppendASCII(dst, it.b2, len(it.b2))
	case dnsTNAPTR:
		dst = append(dst, sep...)
		dst = strconv.AppendUint(dst, uint64(rr.pref), 10)
		dst = append(dst, ' ')
		dst = strconv.AppendUint(dst, uint64(rr.pref2), 10)
		dst = append(dst, ' ')
		return dnsAppendASCII(dst, it.b2, len(it.b2))
	}
	if it.name.src != dnsSrcNone {
		dst = append(dst, sep...)
		return dnsAppendText(dst, w.raw(it.name))
	}
	return dst
}

func dnsAppendHex(dst []byte, v uint64, digits int) []byte {
	for k := digits - 1; k >= 0; k-- {
		dst = append(dst, "0123456789abcdef"[v>>(4*uint(k))&15])
	}
	return dst
}

// dnsBits writes the bits of a 16-bit value under mask as Wireshark's bit-field lines do:
// ".000 0... .... ....".
func dnsBits(v, mask uint16) string {
	var b [19]byte
	n := 0
	for i := 15; i >= 0; i-- {
		if i != 15 && i%4 == 3 {
			b[n] = ' '
			n++
		}
		switch {
		case mask>>i&1 == 0:
			b[n] = '.'
		case v>>i&1 != 0:
			b[n] = '1'
		default:
			b[n] = '0'
		}
		n++
	}
	return string(b[:n])
}

// dnsFlagText is the meaning of each flag bit, set and clear.
var dnsFlagText = map[dnsKey][2]string{
	dkFResponse:      {"Message is a response", "Message is a query"},
	dkFAuthoritative: {"Server is an authority for domain", "Server is not an authority for domain"},
	dkFTruncated:     {"Message is truncated", "Message is not truncated"},
	dkFRecDesired:    {"Do query recursively", "Don't do query recursively"},
	dkFTentative:     {"Tentative", "Not tentative"},
	dkFRecAvail:      {"Server can do recursive queries", "Server can't do recursive queries"},
	dkFZ:             {"reserved - incorrect!", "reserved (0)"},
	dkFAuthenticated: {"Answer/authority portion was authenticated by the server", "Answer/authority portion was not authenticated by the server"},
	dkFCheckDisable:  {"Acceptable", "Unacceptable"},
}

var dnsFlagMask = map[dnsKey]uint16{
	dkFResponse: 0x8000, dkFOpcode: 0x7800, dkFAuthoritative: 0x0400, dkFConflict: 0x0400, dkFTruncated: 0x0200,
	dkFRecDesired: 0x0100, dkFTentative: 0x0100, dkFRecAvail: 0x0080, dkFZ: 0x0040, dkFAuthenticated: 0x0020,
	dkFCheckDisable: 0x0010, dkFRcode: 0x000f,
}

func dnsTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	var w dnsWalker
	w.init(l, b)
	m := w.m
	if len(m) < 4 {
		// Wireshark adds nothing before it has read the ID and the flags.
		return
	}
	base := dnsBase(l)
	fl := binary.BigEndian.Uint16(m[2:])
	resp := fl&0x8000 != 0
	title, filter := "Domain Name System", "dns"
	switch w.v {
	case dnsVarMDNS:
		title, filter = "Multicast Domain Name System", "mdns"
	case dnsVarLLMNR:
		title, filter = "Link-local Multicast Name Resolution", "llmnr"
	}
	if resp {
		title += " (response)"
	} else {
		title += " (query)"
	}
	root := t.Proto(title, filter, 0, len(b))
	mdns := w.v == dnsVarMDNS
	var flagsNode, sect, rec, opt, zNode *Node
	add := func(parent *Node, label string) *Node {
		it := &w.it
		nd := t.Add(parent, dnsFieldOf[it.key], w.value(nil), base+it.off, it.n)
		if label != "" {
			nd.Label = label
		}
		return nd
	}
	named := func(parent *Node) *Node {
		in := field.Get(dnsFieldOf[w.it.key])
		v := w.value(nil)
		if w.it.kind == dnsItemText {
			nd := add(parent, in.Name+": "+string(dnsAppendText(nil, v.B)))
			if i := dnsIndexByte(w.it.b, 0); i >= 0 {
				for _, c := range w.it.b[i:] {
					if c != 0 {
						dnsExpert(t, nd, "warning", "Warning", "Undecoded", "Trailing stray characters")
						break
					}
				}
			}
			return nd
		}
		return add(parent, in.Name+": "+string(v.B))
	}
	bitLine := func(parent *Node, mask uint16, v uint16, text string) *Node {
		return add(parent, dnsBits(v, mask)+" = "+text)
	}
	w.walk(func() {
		it := &w.it
		rr := &w.rr
		switch it.key {
		case dkRecordCut:
			// Wireshark throws before it adds anything of this record.
		case dkLength, dkID, dkCountQueries, dkCountZones, dkCountAnswers, dkCountPrereq, dkCountAuth, dkCountUpdates, dkCountAdd:
			add(root, "")
		case dkFlags:
			label := "Flags: 0x" + string(dnsAppendHex(nil, it.u, 4)) + " "
			if s := dnsOpcodeName(it.u >> 11 & 15); s != "" {
				label += s
			} else {
				label += "Unknown operation"
			}
			if resp {
				label += " response, "
				if s := dnsRcodeName(it.u & 15); s != "" {
					label += s
				} else {
					label += "Unknown error"
				}
			}
			flagsNode = add(root, label)
		case dkFOpcode, dkFRcode:
			in := field.Get(dnsFieldOf[it.key])
			bitLine(flagsNode, dnsFlagMask[it.key], fl, in.Name+": "+in.Display(field.Value{U: it.u}))
		case dkFResponse, dkFAuthoritative, dkFConflict, dkFTruncated, dkFRecDesired, dkFTentative, dkFRecAvail, dkFZ, dkFAuthenticated, dkFCheckDisable:
			in := field.Get(dnsFieldOf[it.key])
			name, texts := in.Name, dnsFlagText[it.key]
			switch {
			case it.key == dkFConflict && resp:
				texts = [2]string{"The name is not considered unique", "The name is considered unique"}
			case it.key == dkFConflict:
				texts = [2]string{"The sender received multiple responses", "None"}
			case it.key == dkFAuthenticated && !resp:
				name, texts = "AD bit", [2]string{"Set", "Not set"}
			}
			text := texts[1]
			if it.u != 0 {
				text = texts[0]
			}
			bitLine(flagsNode, dnsFlagMask[it.key], fl, name+": "+text)
		case dkSection:
			names := [4]string{"Queries", "Answers", "Authoritative nameservers", "Additional records"}
			if fl>>11&15 == dnsOpUpdate {
				names = [4]string{"Zone", "Prerequisites", "Updates", "Additional records"}
			}
			sect = t.Text(root, names[it.u], base+it.off, 0)
		case dkRecord:
			label := string(dnsAppendText(nil, w.raw(rr.owner))) + ": type " + string(dnsAppendTypeShort(nil, rr.typ))
			cls := rr.class
			if mdns {
				cls &= 0x7fff
			}
			if rr.sect == 0 || rr.typ != dnsTOPT {
				label += ", class " + dnsClassName(uint64(cls))
			}
			if mdns && rr.sect == 0 {
				if rr.class&0x8000 != 0 {
					label += `, "QU" question`
				} else {
					label += `, "QM" question`
				}
			} else if mdns && rr.class&0x8000 != 0 {
				label += ", cache flush"
			}
			rec = t.Text(sect, label, base+it.off, it.n)
			opt, zNode = nil, nil
		case dkRecordEnd:
			sect.Len = t.base + base + it.off + it.n - sect.Off
		case dkInfo:
			rec.Label += dnsTreeInfo(&w)
		case dkQryNameLen, dkCountLabels:
			nd := add(rec, "")
			nd.Label = "[" + nd.Label + "]"
		case dkRespType:
			if it.part == 1 {
				add(rec, "RR type in bit map: "+dnsTypeDesc(it.u))
				if dnsTypeLookup(it.u) == nil {
					rec.Children[len(rec.Children)-1].Label = "RR type in bit map: Unknown (" + strconv.FormatUint(it.u, 10) + ")"
				}
			} else {
				add(rec, "")
			}
		case dkQryClass, dkRespClass:
			nd := add(rec, "")
			if mdns {
				nd.Label = dnsBits(rr.class, 0x7fff) + " = " + nd.Label
			}
		case dkQryQU, dkRespCacheFlush:
			in := field.Get(dnsFieldOf[it.key])
			bitLine(rec, 0x8000, rr.class, in.Name+": "+in.Display(field.Value{U: it.u}))
		case dkRespTTL:
			nd := add(rec, "Time to live: "+strconv.FormatUint(it.u, 10)+" ("+string(dnsAppendDuration(nil, uint32(it.u)))+")")
			if it.u&0x80000000 != 0 {
				dnsExpert(t, nd, "warning", "Warning", "Protocol", "The uppermost bit of the TTL is set (RFC 2181, section 8)")
			}
		case dkZ:
			zNode = add(rec, "")
		case dkUDPPayloadSize:
			nd := add(rec, "")
			if mdns {
				// mDNS shows the size in hexadecimal, below the cache-flush bit.
				nd.Label = dnsBits(rr.class, 0x7fff) + " = UDP payload size: 0x" + string(dnsAppendHex(nil, it.u, 4))
			}
		case dkZDO:
			text := "Cannot handle DNSSEC security RRs"
			if it.u != 0 {
				text = "Accepts DNSSEC security RRs"
			}
			bitLine(zNode, 0x8000, uint16(rr.ttl), "DO bit: "+text)
		case dkZReserved:
			bitLine(zNode, 0x7fff, uint16(rr.ttl), "Reserved: 0x"+string(dnsAppendHex(nil, it.u, 4)))
		case dkOption:
			opt = t.Text(rec, "Option: "+dnsOptName(it.u), base+it.off, it.n)
			if dnsOptName(it.u) == "Unknown" {
				opt.Label = "Option: Unknown (" + strconv.FormatUint(it.u, 10) + ")"
			}
		case dkOptCode, dkOptLen, dkOptFamily, dkOptNetmask, dkOptScope, dkOptAddr4, dkOptAddr6, dkOptExtError:
			add(opt, "")
		case dkOptExtText:
			named(opt)
		case dkOptData, dkData, dkNull, dkOptAddr, dkOptCookieClient, dkOptCookieServer, dkOptPadding, dkRRSIGSignature:
			parent := rec
			if opt != nil && it.key != dkData && it.key != dkNull {
				parent = opt
			}
			// Wireshark shows at most 36 bytes of a byte string in the tree.
			hex := string(field.AppendHexBytes(nil, it.b[:min(len(it.b), 36)], 0))
			if len(it.b) > 36 {
				hex += "…"
			}
			if hex == "" {
				hex = "<MISSING>"
			}
			if it.key == dkData {
				dnsExpert(t, rec, "note", "Note", "Undecoded", "Dissector for DNS Type ("+strconv.Itoa(int(rr.typ))+") code not implemented, Contact Wireshark developers if you want this supported")
			}
			add(parent, field.Get(dnsFieldOf[it.key]).Name+": "+hex)
		case dkSOARefresh, dkSOARetry, dkSOAExpire, dkSOAMinimum, dkRRSIGOrigTTL:
			nd := add(rec, "")
			nd.Label += " (" + string(dnsAppendDuration(nil, uint32(it.u))) + ")"
		default:
			switch it.kind {
			case dnsItemName, dnsItemPart, dnsItemText:
				named(rec)
			default:
				add(rec, "")
			}
		}
	})
	dnsTruncLabels(root)
	if w.short(l) {
		t.Proto("[Packet size limited during capture: DNS truncated]", "_ws.short", 0, 0)
	}
	if w.bad == "" && w.end < len(m) {
		n := len(m) - w.end
		ext := t.Text(root, "Extraneous Data ("+strconv.Itoa(n)+" bytes)", base+w.end, n)
		t.Text(ext, "Extraneous Data Bytes: "+string(field.AppendHexBytes(nil, m[w.end:], 0)), base+w.end, n)
		t.Text(ext, "[Extraneous Data Length: "+strconv.Itoa(n)+"]", base+w.end, 0)
	}
}

// dnsLabelMax is Wireshark's ITEM_LABEL_LENGTH: a label that does not fit is cut and marked.
const dnsLabelMax = 240

// dnsTruncLabels cuts the labels that are too long as Wireshark does: " [truncated]" after the field name
// (at the start of a text item), and the label cut before the character at byte 238.
func dnsTruncLabels(n *Node) {
	if len(n.Label) >= dnsLabelMax {
		pos := 0
		if n.Field != "" && n.Severity == "" {
			if i := dnsIndexByte([]byte(n.Label), ':'); i >= 0 {
				pos = i
			}
		}
		s := n.Label[:pos] + " [truncated]" + n.Label[pos:]
		i := dnsLabelMax - 2
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		n.Label = s[:i]
	}
	for _, c := range n.Children {
		dnsTruncLabels(c)
	}
}

// dnsExpert adds an expert item as Wireshark shows it: "[Expert Info (Warning/Protocol): …]" with the
// message, severity and group under it.
func dnsExpert(t *Tree, parent *Node, severity, level, group, msg string) {
	nd := t.Expert(parent, severity, "Expert Info ("+level+"/"+group+"): "+msg)
	for _, s := range [...]string{msg, "Severity level: " + level, "Group: " + group} {
		nd.Children = append(nd.Children, &Node{Label: "[" + s + "]", Severity: severity, Off: -1})
	}
}

// dnsTreeInfo is what Wireshark appends to a record's label in the details tree at the dkInfo item.
func dnsTreeInfo(w *dnsWalker) string {
	it := &w.it
	rr := &w.rr
	name := func() string { return string(dnsAppendText(nil, w.raw(it.name))) }
	u := func(v uint16) string { return strconv.FormatUint(uint64(v), 10) }
	switch rr.typ {
	case dnsTA, dnsTWKS:
		return ", addr " + string(field.AppendIPv4(nil, uint32(it.u)))
	case dnsTAAAA:
		return ", addr " + string(field.AppendIPv6(nil, it.b))
	case dnsTNS:
		return ", ns " + name()
	case dnsTCNAME:
		return ", cname " + name()
	case dnsTSOA:
		return ", mname " + name()
	case dnsTPTR:
		return ", " + name()
	case dnsTMX:
		return ", preference " + u(rr.pref) + ", mx " + name()
	case dnsTKX:
		return ", preference " + u(rr.pref) + ", kx " + name()
	case dnsTSRV:
		return ", priority " + u(rr.srv[0]) + ", weight " + u(rr.srv[1]) + ", port " + u(rr.srv[2]) + ", target " + name()
	case dnsTHINFO:
		return ", CPU " + string(dnsAppendASCII(nil, it.b, len(it.b))) + ", OS " + string(dnsAppendASCII(nil, it.b2, len(it.b2)))
	case dnsTNXT, dnsTNSEC:
		return ", next domain name " + name()
	case dnsTDNAME:
		return ", dname " + name()
	case dnsTNAPTR:
		return ", order " + u(rr.pref) + ", preference " + u(rr.pref2) + ", flags " + string(dnsAppendASCII(nil, it.b2, len(it.b2)))
	case dnsTWINSR:
		return ", name result domain " + name()
	}
	return ""
}
