package analysis

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/dissect"
)

// UDPStreams numbers UDP conversations (udp.stream) as Wireshark does: one conversation per unordered
// pair of endpoints (address, port), numbered from 0 in order of first appearance. Headers quoted inside
// ICMP errors are not counted.
type UDPStreams struct {
	convs map[convKey]uint32
}

// NewUDPStreams returns an empty tracker.
func NewUDPStreams() *UDPStreams { return &UDPStreams{convs: make(map[convKey]uint32)} }

// Count returns the number of UDP streams seen so far.
func (u *UDPStreams) Count() int { return len(u.convs) }

// Observe fills p.UDP for every UDP header of the packet.
func (u *UDPStreams) Observe(p *dissect.Packet) {
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
		k, _ := key(src, dst, binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:]))
		s, ok := u.convs[k]
		if !ok {
			s = uint32(len(u.convs))
			u.convs[k] = s
		}
		p.UDP[l.Aux] = dissect.UDPConv{Valid: true, Stream: s}
	}
}
