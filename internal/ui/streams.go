package ui

import (
	"context"
	"encoding/binary"
	"net/netip"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/reassembly"
)

// Both the sequence graph and Follow Stream read the trace through engine up to the stream's last frame.

// seg is one TCP or UDP segment of a stream, from the raw header.
type seg struct {
	stream         uint32
	seq, ack       uint32
	seqBase        uint32
	ackBase        uint32
	flags          uint16
	win            uint16
	payload        []byte
	rlen           int
	src, dst       netip.AddrPort
	isTCP, isValid bool
}

// firstSeg finds the first TCP (or UDP) layer of p that belongs to a stream, not inside an ICMP error.
func firstSeg(p *dissect.Packet, udp bool, s *seg) bool {
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if l.InError() {
			continue
		}
		h := p.Header(l)
		switch {
		case !udp && l.Proto == dissect.ProtoTCP && p.TCP[l.Aux].Valid && len(h) >= 16:
			c := &p.TCP[l.Aux]
			s.stream, s.seqBase, s.ackBase = c.Stream, c.SeqBase, c.AckBase
			s.seq = binary.BigEndian.Uint32(h[4:])
			s.ack = binary.BigEndian.Uint32(h[8:])
			s.flags = binary.BigEndian.Uint16(h[12:]) & 0x0fff
			s.win = binary.BigEndian.Uint16(h[14:])
			s.rlen = p.TCPPayloadLen(l)
		case udp && l.Proto == dissect.ProtoUDP && p.UDP[l.Aux].Valid && len(h) >= 8:
			s.stream = p.UDP[l.Aux].Stream
			s.rlen = int(binary.BigEndian.Uint16(h[4:])) - 8
		default:
			continue
		}
		s.payload = p.Payload(l)
		if s.rlen < 0 {
			s.rlen = len(s.payload)
		}
		if len(s.payload) > s.rlen {
			s.payload = s.payload[:s.rlen]
		}
		sa, da := p.NetAddrs(i)
		a, _ := netip.AddrFromSlice(sa)
		b, _ := netip.AddrFromSlice(da)
		s.src = netip.AddrPortFrom(a, binary.BigEndian.Uint16(h[0:]))
		s.dst = netip.AddrPortFrom(b, binary.BigEndian.Uint16(h[2:]))
		s.isTCP = !udp
		return true
	}
	return false
}

// lastFrame returns the last frame of stream n in the index (0 when it has none).
func (tr *trace) lastFrame(n int, udp bool) int {
	last := 0
	tr.idx.recs(func(i int, r *rec) {
		if int(r.stream) == n && r.udp == udp {
			last = i + 1
		}
	})
	return last
}

// seqPoint is one segment in the sequence graph.
type seqPoint struct {
	Frame uint32 `json:"frame"`
	Rel   int64  `json:"rel"` // ns since the first frame
	Dir   int    `json:"dir"` // 0 client to server, 1 back
	Seq   uint32 `json:"seq"` // relative
	Len   int    `json:"len"`
	Ack   uint32 `json:"ack"` // relative, 0 without ACK
	Flags uint16 `json:"flags"`
	Win   uint16 `json:"win"`
	Sev   uint8  `json:"sev"` // worst diagnostic severity of the frame
}

// seqGraph is the Stevens-style time/sequence graph of one TCP stream.
type seqGraph struct {
	Stream    int        `json:"stream"`
	Client    string     `json:"client"`
	Server    string     `json:"server"`
	Points    []seqPoint `json:"points"`
	Truncated bool       `json:"truncated,omitempty"`
}

const maxSeqPoints = 200000

func (tr *trace) seqGraph(ctx context.Context, n int) (*seqGraph, error) {
	last := tr.lastFrame(n, false)
	g := &seqGraph{Stream: n, Points: []seqPoint{}}
	if last == 0 {
		return g, nil
	}
	t, err := engine.Open(tr.path)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	late := tr.lateDiags()
	var client netip.AddrPort
	var s seg
	for {
		if t.Frames%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p, err := t.Next()
		if err != nil || p.Num > last {
			break
		}
		if !firstSeg(p, false, &s) || int(s.stream) != n {
			continue
		}
		if len(g.Points) == 0 {
			client = s.src
			if s.flags&0x12 == 0x12 {
				client = s.dst
			}
			g.Client, g.Server = client.String(), s.dst.String()
			if client != s.src {
				g.Server = s.src.String()
			}
		}
		if len(g.Points) >= maxSeqPoints {
			g.Truncated = true
			break
		}
		addLate(late, p)
		pt := seqPoint{Frame: uint32(p.Num), Rel: p.RelNS, Seq: s.seq - s.seqBase, Len: s.rlen, Flags: s.flags, Win: s.win}
		if s.src != client {
			pt.Dir = 1
		}
		if s.flags&0x10 != 0 {
			pt.Ack = s.ack - s.ackBase
		}
		if d, ok := p.Worst(); ok {
			pt.Sev = uint8(d.Severity())
		}
		g.Points = append(g.Points, pt)
	}
	return g, nil
}

// followChunk is a run of bytes of one direction, as Follow Stream shows it: printable ASCII kept, other
// bytes as '.', as Wireshark's ASCII view does.
type followChunk struct {
	Dir   int    `json:"dir"`
	Frame uint32 `json:"frame"`
	Text  string `json:"text,omitempty"`
	Gap   int    `json:"gap,omitempty"` // bytes missing from the capture
}

// followed is one followed stream.
type followed struct {
	Stream    int           `json:"stream"`
	UDP       bool          `json:"udp"`
	Client    string        `json:"client"`
	Server    string        `json:"server"`
	Bytes     [2]int64      `json:"bytes"`
	Chunks    []followChunk `json:"chunks"`
	Truncated bool          `json:"truncated,omitempty"`
}

// maxFollowBytes and maxFollowChunks bound what one Follow Stream answer holds.
const (
	maxFollowBytes  = 2 << 20
	maxFollowChunks = 20000
)

func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		switch {
		case c == '\n' || c == '\r' || c == '\t' || c >= 0x20 && c < 0x7f:
			out[i] = c
		default:
			out[i] = '.'
		}
	}
	return string(out)
}

func (tr *trace) follow(ctx context.Context, n int, udp bool) (*followed, error) {
	f := &followed{Stream: n, UDP: udp, Chunks: []followChunk{}}
	last := tr.lastFrame(n, udp)
	if last == 0 {
		return f, nil
	}
	t, err := engine.Open(tr.path)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	shown := 0
	add := func(dir int, frame uint32, data []byte) {
		f.Bytes[dir] += int64(len(data))
		if shown+len(data) > maxFollowBytes {
			data = data[:max(0, maxFollowBytes-shown)]
			f.Truncated = true
		}
		if len(data) == 0 {
			return
		}
		shown += len(data)
		if k := len(f.Chunks) - 1; k >= 0 && f.Chunks[k].Dir == dir && f.Chunks[k].Gap == 0 {
			f.Chunks[k].Text += printable(data)
			return
		}
		if len(f.Chunks) >= maxFollowChunks {
			f.Truncated = true
			return
		}
		f.Chunks = append(f.Chunks, followChunk{Dir: dir, Frame: frame, Text: printable(data)})
	}
	gap := func(dir int, frame uint32, _ uint32, m int) {
		if len(f.Chunks) >= maxFollowChunks {
			f.Truncated = true
			return
		}
		f.Chunks = append(f.Chunks, followChunk{Dir: dir, Frame: frame, Gap: m})
	}
	var rs *reassembly.Stream
	if !udp {
		rs = reassembly.NewStream(reassembly.Sinks{Data: add, Gap: gap}, 0, nil)
	}
	var client netip.AddrPort
	seen := false
	var s seg
	for {
		if t.Frames%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p, err := t.Next()
		if err != nil || p.Num > last {
			break
		}
		if !firstSeg(p, udp, &s) || int(s.stream) != n {
			continue
		}
		if !seen {
			seen = true
			client = s.src
			if !udp && s.flags&0x12 == 0x12 {
				client = s.dst
			}
			f.Client, f.Server = client.String(), s.dst.String()
			if client != s.src {
				f.Server = s.src.String()
			}
		}
		dir := 0
		if s.src != client {
			dir = 1
		}
		if udp {
			add(dir, uint32(p.Num), s.payload)
			if m := s.rlen - len(s.payload); m > 0 {
				gap(dir, uint32(p.Num), 0, m)
			}
			continue
		}
		rs.Dir[dir].Add(uint32(p.Num), s.seq, s.flags, s.payload, s.rlen)
		if s.flags&0x10 != 0 {
			rs.Dir[1-dir].Ack(uint32(p.Num), s.ack)
		}
	}
	if rs != nil {
		rs.Close()
	}
	return f, nil
}
