package analysis

import (
	"encoding/binary"
	"net/netip"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/reassembly"
)

// Following a stream (wirelens stream, the workspace's Follow and sequence graph): the segments of a
// numbered TCP or UDP stream as packets carry them, and a Follower that reassembles them per direction.

// StreamSegment is one TCP segment or UDP datagram of a numbered stream, as a packet carries it.
type StreamSegment struct {
	Stream           uint32
	Src, Dst         netip.AddrPort
	Seq, Ack         uint32 // TCP: as on the wire
	SeqBase, AckBase uint32 // TCP: what conversation tracking subtracts to make them relative
	Flags            uint16 // TCP: the flag bits
	Window           uint16 // TCP: the window field, unscaled
	Payload          []byte // the captured payload, at most Len bytes
	Len              int    // the payload length the headers report (more than len(Payload) when cut)
}

// EachStreamSegment calls fn for every TCP layer (UDP layer with udp) of the packet that conversation
// tracking numbered, outside ICMP errors, in layer order, until fn returns false. The segment is reused
// from one call to the next.
func EachStreamSegment(p *dissect.Packet, udp bool, fn func(s *StreamSegment) bool) {
	var s StreamSegment
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if l.InError() {
			continue
		}
		h := p.Header(l)
		switch {
		case !udp && l.Proto == dissect.ProtoTCP && p.TCP[l.Aux].Valid && len(h) >= 16:
			c := &p.TCP[l.Aux]
			s.Stream, s.SeqBase, s.AckBase = c.Stream, c.SeqBase, c.AckBase
			s.Seq = binary.BigEndian.Uint32(h[4:])
			s.Ack = binary.BigEndian.Uint32(h[8:])
			s.Flags = binary.BigEndian.Uint16(h[12:]) & 0x0fff
			s.Window = binary.BigEndian.Uint16(h[14:])
			s.Len = p.TCPPayloadLen(l)
		case udp && l.Proto == dissect.ProtoUDP && p.UDP[l.Aux].Valid && len(h) >= 8:
			s = StreamSegment{Stream: p.UDP[l.Aux].Stream, Len: int(binary.BigEndian.Uint16(h[4:])) - 8}
		default:
			continue
		}
		s.Payload = p.Payload(l)
		if s.Len < 0 {
			s.Len = len(s.Payload)
		}
		if len(s.Payload) > s.Len {
			s.Payload = s.Payload[:s.Len]
		}
		sa, da := p.NetAddrs(i)
		a, _ := netip.AddrFromSlice(sa)
		b, _ := netip.AddrFromSlice(da)
		s.Src = netip.AddrPortFrom(a, binary.BigEndian.Uint16(h[0:]))
		s.Dst = netip.AddrPortFrom(b, binary.BigEndian.Uint16(h[2:]))
		if !fn(&s) {
			return
		}
	}
}

// Sides returns the client and the server of a stream from its first segment: its sender, unless a TCP
// segment is a SYN+ACK (its receiver sent the SYN).
func Sides(first *StreamSegment, tcp bool) (client, server netip.AddrPort) {
	if tcp && first.Flags&(dissect.TCPSyn|dissect.TCPAck) == dissect.TCPSyn|dissect.TCPAck {
		return first.Dst, first.Src
	}
	return first.Src, first.Dst
}

// Follower follows one stream: it decides which side is the client (Sides) and hands each direction's bytes to the sinks, reassembled (TCP)
// or datagram by datagram (UDP; a datagram cut short is followed by a gap).
type Follower struct {
	UDP bool
	// Seen is set by the first segment; Client and Server are known from then on.
	Seen           bool
	Client, Server netip.AddrPort
	rs             *reassembly.Stream
	sinks          reassembly.Sinks
}

// NewFollower returns a follower that delivers to the sinks; budget, if not nil, caps the out-of-order
// bytes buffered across followers.
func NewFollower(udp bool, sinks reassembly.Sinks, budget *reassembly.Budget) *Follower {
	f := &Follower{UDP: udp, sinks: sinks}
	if !udp {
		f.rs = reassembly.NewStream(sinks, 0, budget)
	}
	return f
}

// Dir returns the direction of a segment: 0 from the client, 1 from the server. It is only meaningful
// once Seen.
func (f *Follower) Dir(s *StreamSegment) int {
	if s.Src != f.Client {
		return 1
	}
	return 0
}

// Add follows one segment of the stream, carried by frame.
func (f *Follower) Add(frame uint32, s *StreamSegment) {
	if !f.Seen {
		f.Seen = true
		f.Client, f.Server = Sides(s, !f.UDP)
	}
	dir := f.Dir(s)
	if f.UDP {
		if len(s.Payload) > 0 && f.sinks.Data != nil {
			f.sinks.Data(dir, frame, s.Payload)
		}
		if m := s.Len - len(s.Payload); m > 0 && f.sinks.Gap != nil {
			f.sinks.Gap(dir, frame, 0, m)
		}
		return
	}
	f.rs.Dir[dir].Add(frame, s.Seq, s.Flags, s.Payload, s.Len)
	if s.Flags&dissect.TCPAck != 0 {
		f.rs.Dir[1-dir].Ack(frame, s.Ack)
	}
}

// Finished reports whether a TCP stream has been followed up to its FIN both ways.
func (f *Follower) Finished() bool {
	return f.rs != nil && f.rs.Dir[0].Finished() && f.rs.Dir[1].Finished()
}

// Close delivers what is still buffered (behind gaps) at the end.
func (f *Follower) Close() {
	if f.rs != nil {
		f.rs.Close()
	}
}
