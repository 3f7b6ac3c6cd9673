package ui

import (
	"context"
	"net/netip"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/reassembly"
)

// streamSegments reads the trace through engine up to the last frame of stream n (TCP, or UDP with
// udp) and calls fn with each frame's segment of it (the frame's first TCP or UDP layer that belongs to a
// stream, not inside an ICMP error), until fn returns false: what the sequence graph and Follow Stream
// read. A stream the index has no frame of reads nothing.
func (tr *trace) streamSegments(ctx context.Context, n int, udp bool, fn func(p *dissect.Packet, s *analysis.StreamSegment) bool) error {
	last := tr.lastFrame(n, udp)
	if last == 0 {
		return nil
	}
	t, err := engine.Open(tr.path)
	if err != nil {
		return err
	}
	defer t.Close()
	for {
		if t.Frames%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		p, err := t.Next()
		if err != nil || p.Num > last {
			return nil
		}
		more := true
		analysis.EachStreamSegment(p, udp, func(s *analysis.StreamSegment) bool {
			if int(s.Stream) == n {
				more = fn(p, s)
			}
			return false
		})
		if !more {
			return nil
		}
	}
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
	g := &seqGraph{Stream: n, Points: []seqPoint{}}
	late := tr.lateDiags()
	var client, server netip.AddrPort
	err := tr.streamSegments(ctx, n, false, func(p *dissect.Packet, s *analysis.StreamSegment) bool {
		if len(g.Points) == 0 {
			client, server = analysis.Sides(s, true)
			g.Client, g.Server = client.String(), server.String()
		}
		if len(g.Points) >= maxSeqPoints {
			g.Truncated = true
			return false
		}
		addLate(late, p)
		pt := seqPoint{Frame: uint32(p.Num), Rel: p.RelNS, Seq: s.Seq - s.SeqBase, Len: s.Len, Flags: s.Flags, Win: s.Window}
		if s.Src != client {
			pt.Dir = 1
		}
		if s.Flags&dissect.TCPAck != 0 {
			pt.Ack = s.Ack - s.AckBase
		}
		if d, ok := p.Worst(); ok {
			pt.Sev = uint8(d.Severity())
		}
		g.Points = append(g.Points, pt)
		return true
	})
	if err != nil {
		return nil, err
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
	fl := analysis.NewFollower(udp, reassembly.Sinks{Data: add, Gap: gap}, nil)
	err := tr.streamSegments(ctx, n, udp, func(p *dissect.Packet, s *analysis.StreamSegment) bool {
		fl.Add(uint32(p.Num), s)
		return true
	})
	if err != nil {
		return nil, err
	}
	fl.Close()
	if fl.Seen {
		f.Client, f.Server = fl.Client.String(), fl.Server.String()
	}
	return f, nil
}
