package engine

import (
	"errors"
	"runtime"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
)

// Split tracking: when the pipeline's producer tracks TCP (a trace with HTTP analysis), the producer
// reads, decodes and tracks while the caller's goroutine runs HTTP, DNS and the command, and the producer
// is the slower of the two: on the small-packet benchmark capture, list -f's producer ran 0.55 s and the
// caller 0.27 s (bench/tracestat; once the packets' lines were claimed, Packet.Claim, the two were closer
// and splitting gained 2–4 % of the wall time for 7–8 % more CPU). For a command that reads no conversations at the end
// (Options.NoConversations: list), the TCP connections are therefore split between two trackers by their
// ports: the producer's tracks those of some port pairs, a second one (analysis.TCPStreams.Twin) on the
// caller's goroutine the others, right before the rest of the analysis. A connection's frames all go to
// one tracker, so each sees its connections exactly as one tracker of the whole trace would:
//   - each tracker numbers its own streams; the caller gives them the trace's numbers in the order of
//     their first frames (the order tcp.stream counts in) and writes those into the packet before any
//     other analyzer reads it;
//   - both trackers evict closed conversations at the frames one tracker would (analysis.SweepClock);
//   - a frame whose TCP headers belong to both (a tunnel of TCP in TCP) cannot be split: the producer
//     stops before it and the trace is read again through one tracker, passing over the frames handed
//     out (fallBack).

// splitShare is how many of 256 port-pair classes the caller's tracker takes: a quarter. With half, the
// caller became the slower stage once the packets' lines were claimed and warmed (Packet.Claim): list -f
// took 1.103 of the wall time of a build that split nothing, against 0.958–0.979 with a quarter
// (BENCHMARKS.md).
const splitShare = 64

// splitOff turns split tracking off, and splitMixedAt (a frame number) makes a frame one that cannot be
// split: tests compare split tracking with one tracker, and its fallback.
var (
	splitOff     = false
	splitMixedAt = 0
)

// errSplitMixed ends a batch at a frame whose TCP headers belong to both trackers.
var errSplitMixed = errors.New("engine: a frame's TCP headers belong to both trackers")

// tcpSplit is the state of split tracking.
type tcpSplit struct {
	late  *analysis.TCPStreams // the caller's tracker
	clock analysis.SweepClock  // the producer's: when both trackers sweep
	// order maps each tracker's stream numbers (0: the producer's, 1: the caller's) to the trace's.
	order *recentOrder
}

// splitBatch is what the producer notes about each frame of a batch for split tracking.
type splitBatch struct {
	shard  [batchFrames]uint8 // the tracker that takes the frame's TCP headers (0 also: none)
	newTCP [batchFrames]uint8 // the streams the producer's tracker began at the frame
	sweep  [batchFrames]bool  // both trackers sweep after the frame
}

// splitOf is the tracker of a TCP segment between ports a and b (either way round).
func splitOf(a, b uint16) uint8 {
	if portPairHash(a, b)>>24 < splitShare {
		return 1
	}
	return 0
}

// canSplit says whether the trace's TCP tracking may be split: the producer tracks, nobody reads
// conversations or the first pass's findings, and the file can be read again (fallBack) — a regular
// pcap or pcapng file — on two cores.
func (t *Trace) canSplit() bool {
	if splitOff || !t.opts.NoConversations || t.opts.TwoPass || t.noSplit || !t.early || t.late != nil || runtime.GOMAXPROCS(0) < 2 {
		return false
	}
	return t.canReadAgain()
}

// startSplit gives the trace a second tracker for the caller's goroutine.
func (t *Trace) startSplit() {
	t.tcp.SweepsOutside()
	t.tcp.ShareMemory(2)
	late := t.tcp.Twin()
	late.SweepsOutside()
	late.ShareMemory(2)
	t.split = &tcpSplit{late: late, order: newRecentOrder(recentLen)}
}

// shardOf returns the tracker that takes p's TCP headers (s: its first, prepared); ok is false when
// they belong to both.
func shardOf(p *dissect.Packet, s *analysis.TCPSeg) (k uint8, ok bool) {
	if p.NumTCP() <= 1 {
		// At most one TCP header: the one Prepare read, if the tracker takes it.
		if sp, dp, has := s.Ports(); has {
			return splitOf(sp, dp), true
		}
		return 0, true
	}
	first, ok := true, true
	analysis.TrackedPorts(p, func(sp, dp uint16) bool {
		if j := splitOf(sp, dp); first {
			k, first = j, false
		} else if j != k {
			ok = false
		}
		return ok
	})
	return k, ok
}

// early is the producer's part for frame i of b: TCP tracking of its own connections, UDP tracking, and
// its sweeps. It returns false, having done nothing, for a frame that cannot be split.
func (sp *tcpSplit) early(t *Trace, b *batch, i int) bool {
	p, s := &b.pkts[i], &b.tcp[i]
	k, ok := shardOf(p, s)
	if !ok || p.Num == splitMixedAt {
		return false
	}
	sb := &b.split
	sb.shard[i], sb.newTCP[i] = k, 0
	if k == 0 {
		n := t.tcp.Count()
		t.tcp.ObservePrepared(p, s)
		sb.newTCP[i] = uint8(t.tcp.Count() - n)
	}
	t.udp.Observe(p)
	sb.sweep[i] = sp.clock.Due(p.TimeNS)
	if sb.sweep[i] {
		t.tcp.SweepAt(p.TimeNS)
	}
	return true
}

// caller is the caller's part for frame i of b, before the other analyzers: TCP tracking of its
// connections and its sweeps, then the trace's stream numbers in the packet.
func (sp *tcpSplit) caller(b *batch, i int) {
	p, sb := &b.pkts[i], &b.split
	k := sb.shard[i]
	n := int(sb.newTCP[i])
	if k == 1 {
		c := sp.late.Count()
		sp.late.ObservePrepared(p, &b.tcp[i])
		n = sp.late.Count() - c
	}
	if sb.sweep[i] {
		sp.late.SweepAt(p.TimeNS)
	}
	for range n {
		sp.order.add(int(k))
	}
	for j := range p.NumTCP() {
		if c := &p.TCP[j]; c.Valid {
			c.Stream = sp.order.global(int(k), c.Stream)
		}
	}
}
