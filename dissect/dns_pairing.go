package dissect

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/field"
)

// DNS query/response pairing: the fields tshark 4.0 adds at the end of a DNS message once it has matched
// queries with responses (dns.response_in, dns.response_to, dns.time, dns.retransmission,
// dns.retransmit_request_in, dns.retransmit_response_in, dns.unsolicited). The matching itself is done in
// capture order by package analysis (DNSPairing), which writes one DNSPair per DNS message into
// Packet.DNS; this file reads those slots for the getters and the details tree, and gives the analyzer
// what it needs of a message (DNSMessage).

// DNSPairKind says which pairing items a DNS message carries.
type DNSPairKind uint8

// Pairing outcomes of one message (at most one per message, as in Wireshark).
const (
	DNSPairNone            DNSPairKind = iota
	DNSPairResponseIn                  // a query answered in Frame (known after a first pass)
	DNSPairRetransQuery                // a query repeating the query in Frame
	DNSPairResponseTo                  // a response to the query in Frame, TimeNS after it
	DNSPairRetransResponse             // a response repeating the response in Frame
	DNSPairUnsolicited                 // a response to no known query
)

// DNSPair is the pairing result of one DNS message of a frame.
type DNSPair struct {
	Layer  uint8       // index of the DNS layer in Packet.Layers
	Kind   DNSPairKind // which items the message carries
	Shown  bool        // the message was dissected to its end: Wireshark adds the items only then
	Frame  uint32      // the related frame (see DNSPairKind)
	TimeNS int64       // dns.time, for DNSPairResponseTo
}

// DNSPairs holds the pairing results of a frame's DNS messages, in layer order. Its N is reset for every
// frame; the array is reused, so recording costs no allocation.
type DNSPairs struct {
	N int // first: reset for every frame
	P [MaxLayers]DNSPair
}

// add records the result of one message (beyond MaxLayers they are dropped; a frame has no more layers).
// Packet.AddDNSPair calls it.
func (d *DNSPairs) add(x DNSPair) {
	if d.N < len(d.P) {
		d.P[d.N] = x
		d.N++
	}
}

// Of returns the result recorded for the DNS layer at index layer, or nil.
func (d *DNSPairs) Of(layer int) *DNSPair {
	for i := 0; i < d.N; i++ {
		if int(d.P[i].Layer) == layer {
			return &d.P[i]
		}
	}
	return nil
}

// Members of the DNS family (DNSMessage.Variant), chosen by port as in Wireshark.
const (
	DNSUnicast   = dnsVarDNS   // DNS proper (port 53 and the ports registered for it)
	DNSMulticast = dnsVarMDNS  // multicast DNS (UDP 5353)
	DNSLLMNR     = dnsVarLLMNR // link-local multicast name resolution (UDP 5355)
)

// DNS response codes the diagnostics name.
const (
	DNSRcodeServFail = 2
	DNSRcodeNXDomain = 3
	DNSRcodeRefused  = 5
)

// dnsMaxKeptName is how much of a query name DNSMessage keeps.
const dnsMaxKeptName = 64

// DNSMessage is what query/response pairing needs to know about one DNS message.
type DNSMessage struct {
	ID        uint16
	Flags     uint16
	Variant   uint8 // DNSUnicast, DNSMulticast or DNSLLMNR
	InError   bool  // inside the packet quoted by an ICMP error: Wireshark does not track it
	TCP       bool  // carried over TCP (with the 2-byte length prefix)
	Transport int   // index of the TCP or UDP layer below the message, -1 if none
	// Complete: the message was dissected to its end, without the exception that would stop Wireshark
	// before it adds the pairing items.
	Complete bool
	// Questions: the message has questions and all of them were read (Wireshark then sets the
	// transaction's "multiple responses" mark from them); ZoneTransfer: one of them asks for AXFR or IXFR.
	Questions    bool
	ZoneTransfer bool
	QType        uint16 // type of the first question (0 if none was read)
	// Name holds the first NameLen bytes of the first question's name, as expanded (not yet escaped for
	// display); NameFull is its whole length.
	Name     [dnsMaxKeptName]byte
	NameLen  uint8
	NameFull int
}

// Response reports whether the message is a response (the QR bit).
func (m *DNSMessage) Response() bool { return m.Flags&0x8000 != 0 }

// Rcode returns the response code of the header (the low 4 bits of the flags).
func (m *DNSMessage) Rcode() uint8 { return uint8(m.Flags & 15) }

// Opcode returns the operation code of the header.
func (m *DNSMessage) Opcode() uint8 { return uint8(m.Flags >> 11 & 15) }

// QName returns the kept part of the first question's name.
func (m *DNSMessage) QName() []byte { return m.Name[:m.NameLen] }

// DNSMessage reads the message of the DNS layer at index i. It reports false when the layer is not DNS or
// is too short to hold the ID and the flags (Wireshark then stops before matching it). It walks the whole
// message without allocating.
func (p *Packet) DNSMessage(i int) (DNSMessage, bool) {
	var m DNSMessage
	if i < 0 || i >= p.N || p.Layers[i].Proto != ProtoDNS {
		return m, false
	}
	l := &p.Layers[i]
	var w dnsWalker
	w.init(l, p.LayerBytes(l))
	if len(w.m) < 4 {
		return m, false
	}
	m.ID = binary.BigEndian.Uint16(w.m)
	m.Flags = binary.BigEndian.Uint16(w.m[2:])
	m.Variant = l.Aux
	m.InError = l.InError()
	m.TCP = w.tcp
	m.Transport = -1
	for j := i - 1; j >= 0; j-- {
		if pr := p.Layers[j].Proto; pr == ProtoTCP || pr == ProtoUDP {
			m.Transport = j
			break
		}
	}
	quest, done := 0, 0
	w.walk(func() {
		switch w.it.key {
		case dkCountQueries, dkCountZones:
			quest = int(w.it.u)
		case dkQryName:
			if done == 0 {
				raw := w.raw(w.it.name)
				m.NameFull = len(raw)
				m.NameLen = uint8(copy(m.Name[:], raw))
			}
		case dkQryType:
			if done == 0 {
				m.QType = uint16(w.it.u)
			}
			if w.it.u == 251 || w.it.u == 252 { // IXFR, AXFR
				m.ZoneTransfer = true
			}
		case dkRecordEnd:
			if w.rr.sect == 0 {
				done++
			}
		}
	})
	m.Complete = w.bad == ""
	m.Questions = quest > 0 && done == quest
	return m, true
}

// dnsPairGetter is the getter of one pairing field: fn picks the value from a DNS layer's result.
func dnsPairGetter(fn func(x *DNSPair) (field.Value, bool)) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		for i := 0; i < p.DNS.N; i++ {
			x := &p.DNS.P[i]
			if !x.Shown {
				continue
			}
			if v, ok := fn(x); ok {
				dst = append(dst, v)
			}
		}
		return dst
	}
}

func dnsPairFrame(k DNSPairKind) getter {
	return dnsPairGetter(func(x *DNSPair) (field.Value, bool) { return field.Value{U: uint64(x.Frame)}, x.Kind == k })
}

var (
	fDNSResponseIn = reg(field.Info{Abbrev: "dns.response_in", Name: "Response In", Type: field.FrameNum,
		Blurb: "the response to this DNS query is in this frame (needs two passes, -2)"}, dnsPairFrame(DNSPairResponseIn))
	fDNSResponseTo = reg(field.Info{Abbrev: "dns.response_to", Name: "Request In", Type: field.FrameNum,
		Blurb: "this is a response to the DNS query in this frame"}, dnsPairFrame(DNSPairResponseTo))
	fDNSTime = reg(field.Info{Abbrev: "dns.time", Name: "Time", Type: field.RelTime,
		Blurb: "the time between the query and the response"},
		dnsPairGetter(func(x *DNSPair) (field.Value, bool) {
			return field.Value{U: uint64(x.TimeNS)}, x.Kind == DNSPairResponseTo
		}))
	fDNSRetransmission = reg(field.Info{Abbrev: "dns.retransmission", Name: "Retransmission", Type: field.Bool,
		Blurb: "this is a retransmission (a query with the ID of a pending one within 5 s, or a second response)"},
		dnsPairGetter(func(x *DNSPair) (field.Value, bool) {
			return field.Value{U: 1}, x.Kind == DNSPairRetransQuery || x.Kind == DNSPairRetransResponse
		}))
	fDNSRetransRequestIn = reg(field.Info{Abbrev: "dns.retransmit_request_in", Name: "Retransmitted request. Original request in", Type: field.FrameNum,
		Blurb: "this is a retransmitted DNS query"}, dnsPairFrame(DNSPairRetransQuery))
	fDNSRetransResponseIn = reg(field.Info{Abbrev: "dns.retransmit_response_in", Name: "Retransmitted response. Original response in", Type: field.FrameNum,
		Blurb: "this is a retransmitted DNS response"}, dnsPairFrame(DNSPairRetransResponse))
	fDNSUnsolicited = reg(field.Info{Abbrev: "dns.unsolicited", Name: "Unsolicited", Type: field.Bool,
		Blurb: "this is a response to no query seen in the trace"},
		dnsPairGetter(func(x *DNSPair) (field.Value, bool) { return field.Value{U: 1}, x.Kind == DNSPairUnsolicited }))
)

// The pairing items go at the end of the DNS layer's subtree, where Wireshark adds them: the DNS tree
// builder of dns.go is wrapped once its init has registered it (init functions run in file-name order).
func init() {
	inner := protocols[ProtoDNS].tree
	if inner == nil {
		panic("dns_pairing: the DNS protocol is not registered yet")
	}
	protocols[ProtoDNS].tree = func(p *Packet, i int, t *Tree) {
		n := len(t.Nodes)
		inner(p, i, t)
		if len(t.Nodes) > n {
			dnsPairTree(p, i, t, t.Nodes[len(t.Nodes)-1])
		}
	}
}

// dnsPairTree adds the pairing items of the DNS layer at index i under its protocol node.
func dnsPairTree(p *Packet, i int, t *Tree, root *Node) {
	x := p.DNS.Of(i)
	if x == nil || !x.Shown {
		return
	}
	add := func(id field.ID, v field.Value) {
		n := t.Add(root, id, v, 0, 0)
		n.Label = "[" + n.Label + "]"
	}
	switch x.Kind {
	case DNSPairResponseIn:
		add(fDNSResponseIn, field.Value{U: uint64(x.Frame)})
	case DNSPairResponseTo:
		add(fDNSResponseTo, field.Value{U: uint64(x.Frame)})
		add(fDNSTime, field.Value{U: uint64(x.TimeNS)})
	case DNSPairRetransQuery:
		add(fDNSRetransRequestIn, field.Value{U: uint64(x.Frame)})
		add(fDNSRetransmission, field.Value{U: 1})
	case DNSPairRetransResponse:
		add(fDNSRetransResponseIn, field.Value{U: uint64(x.Frame)})
		add(fDNSRetransmission, field.Value{U: 1})
	case DNSPairUnsolicited:
		add(fDNSUnsolicited, field.Value{U: 1})
	}
}
