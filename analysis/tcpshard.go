package analysis

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/dissect"
)

// A trace's TCP connections may be tracked by two trackers on two goroutines, each taking the
// connections of some port pairs (the engine's pipeline splits them so that both its stages share the
// work). Each tracker numbers its own streams; the caller gives them the trace's numbers in the order of
// their first frames. What the trackers need for that is here.

// Twin returns an empty tracker that hashes endpoints with t's seeds, so that a segment prepared by t
// (Prepare) can be observed by it (ObservePrepared).
func (t *TCPStreams) Twin() *TCPStreams {
	u := NewTCPStreams()
	u.hseed, u.seed2 = t.hseed, t.seed2
	return u
}

// Ports returns the ports of the TCP header Prepare read into s; ok is false when it read none (the
// frame has no TCP header the tracker observes first).
func (s *TCPSeg) Ports() (sp, dp uint16, ok bool) { return s.sp, s.dp, s.layer != 0 }

// TrackedPorts calls yield with the ports of each TCP header of p that ObservePrepared assigns to a
// stream (not quoted in an ICMP error, complete, with network addresses), in the order of the layers,
// until yield returns false.
func TrackedPorts(p *dissect.Packet, yield func(sp, dp uint16) bool) {
	if !p.MayHave(dissect.ProtoTCP) {
		return
	}
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if !tracked(l) {
			continue
		}
		if src, _ := p.NetAddrs(i); src == nil {
			continue
		}
		h := p.Header(l)
		if !yield(binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])) {
			return
		}
	}
}

// Claim writes a word on each cache line of s (fields less than 64 bytes apart: a TCPSeg of 120 bytes
// spans two or three lines) and changes nothing Prepare does not set again: see dissect.Packet.Claim.
func (s *TCPSeg) Claim() { s.layer, s.side, s.sacked, s.wscale = 0, 0, 0, nil }
