package analysis

import (
	"encoding/binary"
	"iter"

	"github.com/wirelens/wirelens/dissect"
)

// UDPStreams numbers UDP conversations (udp.stream): one conversation per unordered pair of endpoints
// (address, port), numbered from 0 in order of first appearance, and keeps their statistics. Headers
// quoted inside ICMP errors are not counted.
//
// tshark 4.0 differs where a protocol dissector above UDP opens conversations of its own (SNMP, for
// instance, so that a response gets a new udp.stream); wirelens keeps one stream per endpoint pair.
type UDPStreams struct {
	convs map[convKey]*udpConv
	all   []*udpConv
}

type udpConv struct {
	stream uint32
	rec    convRecord
}

// NewUDPStreams returns an empty tracker.
func NewUDPStreams() *UDPStreams { return &UDPStreams{convs: make(map[convKey]*udpConv)} }

// Count returns the number of UDP streams seen so far.
func (u *UDPStreams) Count() int { return len(u.all) }

// Observe fills p.UDP for every UDP header of the packet.
func (u *UDPStreams) Observe(p *dissect.Packet) {
	if !p.MayHave(dissect.ProtoUDP) {
		return
	}
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if l.Proto != dissect.ProtoUDP || l.InError() || l.Hdr < 8 {
			continue
		}
		src, dst := p.NetAddrs(i)
		if src == nil {
			continue
		}
		h := p.Header(l)
		k, side := key(src, dst, binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:]))
		c := u.convs[k]
		if c == nil {
			c = &udpConv{stream: uint32(len(u.all))}
			c.rec.init(k)
			u.convs[k] = c
			u.all = append(u.all, c)
		}
		p.UDP[l.Aux] = dissect.UDPConv{Valid: true, Stream: c.stream}
		if p.Repeated() {
			continue // the same packet logged at another stack component (PktMon): counted once
		}
		r := &c.rec
		if r.c.FirstFrame == 0 {
			r.c.FirstFrame, r.c.FirstTime, r.firstSide = uint32(p.Num), p.TimeNS, int8(side)
		}
		r.c.LastFrame, r.c.LastTime = uint32(p.Num), p.TimeNS
		r.pkts[side]++
		r.bytes[side] += uint64(p.Len)
		r.payload[side] += uint64(max(int(binary.BigEndian.Uint16(h[4:]))-8, 0))
		p.UDP[l.Aux] = dissect.UDPConv{Valid: true, Stream: c.stream}
	}
}

// Conversations returns the UDP conversations seen so far, by stream number.
func (u *UDPStreams) Conversations() []Conversation {
	out := make([]Conversation, 0, len(u.all))
	for c := range u.Each() {
		out = append(out, c)
	}
	return out
}

// Each yields the UDP conversations seen so far, by stream number, one at a time.
func (u *UDPStreams) Each() iter.Seq[Conversation] {
	return func(yield func(Conversation) bool) {
		for _, c := range u.all {
			if !yield(c.rec.conversation("udp", c.stream, 0, nil)) {
				return
			}
		}
	}
}
