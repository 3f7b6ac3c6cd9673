package analysis

import (
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/internal/recycle"
)

// Wireshark's TCP sequence analysis, with the behaviour of tshark 4.0 (../shared/spec/tcp-http-analysis.md
// §2–5). It runs once per segment, in capture order, on raw (not relative) sequence numbers; comparisons
// wrap at 2^32. As in Wireshark, the value 0 means "unset" for nextseq, lastack and maxseqtobeacked.
// Each rule below is a function named after the verdict it gives, called in the specification's order.

// maxUnacked caps the unacknowledged segments remembered per direction (Wireshark's
// TCP_MAX_UNACKED_SEGMENTS): the per-flow memory bound.
const maxUnacked = 10000

// segment is the current TCP segment as the rules see it.
type segment struct {
	frame  uint32
	time   int64
	seq    uint32
	ack    uint32
	len    uint32 // payload length (tcp.len)
	flags  uint16
	window uint32 // the raw window field
}

func (s *segment) has(f uint16) bool { return s.flags&f != 0 }

// sfr reports whether any of SYN, FIN and RST is set: such segments are never keep-alives, window updates,
// zero windows or duplicate ACKs.
func (s *segment) sfr() bool { return s.flags&(dissect.TCPSyn|dissect.TCPFin|dissect.TCPRst) != 0 }

// unacked is a segment sent and not yet acknowledged.
type unacked struct {
	frame        uint32
	seq, nextseq uint32
	time         int64
}

// seqState is the per-direction state of the sequence analysis.
type seqState struct {
	nextseq         uint32 // highest seq+len(+SYN/FIN) sent; 0: unset
	nextseqTime     int64
	nextseqFrame    uint32
	maxseqtobeacked uint32 // end of the contiguous data sent; 0: unset
	lastack         uint32 // last ack number sent; 0: unset
	lastackTime     int64
	lastackLen      uint32
	window          uint32 // last raw window field sent; all ones until one is seen (as in Wireshark)
	dupacknum       int32  // -1: an ACK of unseen data was just reported (see ackLostSegment)
	lastnondupack   uint32
	lastFlags       dissect.TCPAFlag // verdicts of the last segment sent
	firstAck        bool             // a SYN was sent and no pure ACK yet: the window scale does not apply yet
	bifOff          bool             // bytes in flight are not computed (after a lost segment) until the other side ACKs
	segs            []unacked        // unacknowledged segments, oldest first
	sacked          uint32           // bytes covered by the SACK blocks of the last segment sent
}

func gtSeq(a, b uint32) bool { return int32(a-b) > 0 }
func ltSeq(a, b uint32) bool { return int32(a-b) < 0 }
func leSeq(a, b uint32) bool { return int32(a-b) <= 0 }

// analyzeSegment runs the rules for one segment from fwd to rev and fills a.
func analyzeSegment(c *tcpConv, fwdDir, revDir *tcpDir, s *segment, a *dissect.TCPAnalysis, segs *recycle.Pool[unacked]) {
	fwd, rev := &fwdDir.seq, &revDir.seq
	if s.has(dissect.TCPAck) {
		rev.bifOff = false
	}
	if zeroWindowProbe(fwd, rev, s) {
		a.Flags |= dissect.TCPAZeroWindowProbe
	} else {
		switch {
		case zeroWindow(s):
			a.Flags |= dissect.TCPAZeroWindow
		}
		if lostSegment(fwd, s) {
			a.Flags |= dissect.TCPALostPacket
			fwd.bifOff = true
		}
		if keepAlive(fwd, s) {
			a.Flags |= dissect.TCPAKeepAlive
		}
		if windowUpdate(fwd, s) {
			a.Flags |= dissect.TCPAWindowUpdate
		}
		if windowFull(revDir, s) {
			a.Flags |= dissect.TCPAWindowFull
		}
		switch {
		case keepAliveAck(fwd, rev, s):
			a.Flags |= dissect.TCPAKeepAliveAck
		case zeroWindowProbeAck(fwd, rev, s):
			a.Flags |= dissect.TCPAZeroWindowProbeAck
		case duplicateAck(fwd, s):
			if fwd.dupacknum == -1 {
				fwd.dupacknum = 1 // the first duplicate after an ACK of unseen data
			} else {
				fwd.dupacknum++
			}
			a.Flags |= dissect.TCPADuplicateAck
			a.DupAckNum = uint32(fwd.dupacknum)
			a.DupAckFrame = fwd.lastnondupack
		}
	}
	resetDupAcks(fwd, s, a)
	if ackLostSegment(rev, s) {
		a.Flags |= dissect.TCPAAckLostPacket
	}
	retransmissionFamily(c, fwd, rev, s, a)
	updateState(fwdDir, s, a, segs)
	acksFrame(rev, s, a)
	bytesInFlight(fwd, rev, s, a)
	initialRTT(c, s, a)
	if s.has(dissect.TCPSyn) {
		fwd.firstAck = true
	} else if s.has(dissect.TCPAck) {
		fwd.firstAck = false
	}
	if a.Flags != 0 || a.AcksFrame != 0 || a.BytesInFlight != 0 {
		a.Data = true
	}
	if a.Data && c.irttSet {
		a.IRTT = c.irtt
	}
}

// zeroWindowProbe: one byte at exactly the next expected sequence number while the receiver's window is 0.
func zeroWindowProbe(fwd, rev *seqState, s *segment) bool {
	return s.len == 1 && s.seq == fwd.nextseq && rev.window == 0
}

// zeroWindow: the window field is 0 on a segment without SYN, FIN or RST.
func zeroWindow(s *segment) bool { return s.window == 0 && !s.sfr() }

// lostSegment ("previous segment not captured"): the segment starts beyond the next expected sequence
// number. RST segments are not checked.
func lostSegment(fwd *seqState, s *segment) bool {
	return fwd.nextseq != 0 && gtSeq(s.seq, fwd.nextseq) && !s.has(dissect.TCPRst)
}

// keepAlive: 0 or 1 byte starting one byte before the next expected sequence number, no SYN/FIN/RST.
func keepAlive(fwd *seqState, s *segment) bool {
	return s.len <= 1 && s.seq == fwd.nextseq-1 && !s.sfr()
}

// windowUpdate: no data, the same seq and ack as before, a new non-zero window.
func windowUpdate(fwd *seqState, s *segment) bool {
	return s.len == 0 && s.window != 0 && s.window != fwd.window && s.seq == fwd.nextseq && s.ack == fwd.lastack && !s.sfr()
}

// windowFull: data that reaches exactly the right edge of the window the receiver advertised, when the
// receiver's window scaling is known. The scale counts only after the receiver's first non-SYN ACK.
func windowFull(revDir *tcpDir, s *segment) bool {
	rev := &revDir.seq
	if s.len == 0 || revDir.winScale == -1 || s.sfr() {
		return false
	}
	shift := uint32(0)
	if !rev.firstAck && revDir.winScale >= 0 {
		shift = uint32(revDir.winScale)
	}
	return s.seq+s.len == rev.lastack+(rev.window<<shift)
}

// keepAliveAck: a repeated ACK (same window, seq and ack) answering a keep-alive.
func keepAliveAck(fwd, rev *seqState, s *segment) bool {
	return s.len == 0 && s.window != 0 && s.window == fwd.window && s.seq == fwd.nextseq && s.ack == fwd.lastack &&
		rev.lastFlags&dissect.TCPAKeepAlive != 0 && !s.sfr()
}

// zeroWindowProbeAck: a repeated zero-window ACK (same seq and ack) answering a zero-window probe.
func zeroWindowProbeAck(fwd, rev *seqState, s *segment) bool {
	return s.len == 0 && s.window == 0 && fwd.window == 0 && s.seq == fwd.nextseq && s.ack == fwd.lastack &&
		rev.lastFlags&dissect.TCPAZeroWindowProbe != 0 && !s.sfr()
}

// duplicateAck: no data, and the same window, seq and ack as the previous segment in this direction.
func duplicateAck(fwd *seqState, s *segment) bool {
	return s.len == 0 && s.window != 0 && s.window == fwd.window && s.seq == fwd.nextseq && s.ack == fwd.lastack && !s.sfr()
}

// resetDupAcks: a segment acknowledging something new restarts the duplicate-ACK count and becomes the
// ACK later duplicates refer to (a data segment repeating the last ack keeps the count, as in tshark 4.0).
func resetDupAcks(fwd *seqState, s *segment, a *dissect.TCPAnalysis) {
	if s.ack != fwd.lastack {
		fwd.lastnondupack = s.frame
		fwd.dupacknum = 0
	}
}

// ackLostSegment ("ACKed segment that wasn't captured"): the ACK acknowledges beyond the end of the
// contiguous data seen from the other side. The boundary then jumps to the other side's highest sequence
// number so that one loss is reported once; when it cannot jump, the report is made only if the other
// side has not had one already since its last new ACK (tshark 4.0 marks that with dupacknum = -1).
func ackLostSegment(rev *seqState, s *segment) bool {
	if !s.has(dissect.TCPAck) || rev.maxseqtobeacked == 0 || !gtSeq(s.ack, rev.maxseqtobeacked) {
		return false
	}
	if ltSeq(rev.maxseqtobeacked, rev.nextseq) {
		rev.maxseqtobeacked = rev.nextseq
		return true
	}
	flag := rev.dupacknum == 0
	rev.dupacknum = -1
	return flag
}

// retransmissionFamily classifies a segment that carries data (or SYN/FIN) and does not advance the
// sequence: spurious retransmission, then fast retransmission, out-of-order, or retransmission.
func retransmissionFamily(c *tcpConv, fwd, rev *seqState, s *segment, a *dissect.TCPAnalysis) {
	if !(s.len > 0 || s.has(dissect.TCPSyn|dissect.TCPFin)) || a.Flags&dissect.TCPAKeepAlive != 0 {
		return
	}
	notAdvanced := fwd.nextseq != 0 && ltSeq(s.seq, fwd.nextseq)
	if s.len > 1 && fwd.nextseq-1 == s.seq {
		notAdvanced = false
	}
	if spuriousRetransmission(rev, s) {
		a.Flags |= dissect.TCPASpuriousRetransmission
		return
	}
	if !notAdvanced {
		return
	}
	switch {
	case fastRetransmission(rev, s):
		a.Flags |= dissect.TCPAFastRetransmission
	case outOfOrder(c, fwd, s):
		a.Flags |= dissect.TCPAOutOfOrder
	default:
		// The RTO is measured from the oldest unacknowledged segment, the likeliest original (else from
		// the segment that last advanced the sequence).
		a.Flags |= dissect.TCPARetransmission
		a.RTO = s.time - fwd.nextseqTime
		a.RTOFrame = fwd.nextseqFrame
		if len(fwd.segs) > 0 {
			a.RTO = s.time - fwd.segs[0].time
			a.RTOFrame = fwd.segs[0].frame
		}
	}
}

// spuriousRetransmission: data the receiver has already acknowledged.
func spuriousRetransmission(rev *seqState, s *segment) bool {
	return s.len > 0 && rev.lastack != 0 && leSeq(s.seq+s.len, rev.lastack)
}

// fastRetransmission: within 20 ms of the receiver's last ACK, after two or more duplicate ACKs asking
// for exactly this sequence number. tshark 4.0 compares the count as unsigned, so the "-1" left by an
// ACK of unseen data also counts as two or more; reproduced.
func fastRetransmission(rev *seqState, s *segment) bool {
	t := max(s.time-rev.lastackTime, 0)
	return t < 20e6 && uint32(rev.dupacknum) >= 2 && rev.lastack == s.seq
}

// outOfOrder: within the initial RTT (3 ms when unknown) of the segment that last advanced the sequence,
// and not ending exactly where the sequence stands (tshark 4.0 measures from that segment's time).
func outOfOrder(c *tcpConv, fwd *seqState, s *segment) bool {
	thres := int64(3e6)
	if c.irttSet {
		thres = c.irtt
	}
	end := s.seq + s.len
	if s.has(dissect.TCPSyn | dissect.TCPFin) {
		end++
	}
	t := s.time - fwd.nextseqTime
	return t < thres && fwd.nextseq != end
}

// updateState records the segment: it joins the unacknowledged list (grown through segs, whose arrays
// are reused), advances nextseq (not for a zero window probe) and the end of contiguous data, and stores
// its ack, window and verdicts.
func updateState(fwdDir *tcpDir, s *segment, a *dissect.TCPAnalysis, segs *recycle.Pool[unacked]) {
	fwd := &fwdDir.seq
	nextseq := s.seq + s.len
	if s.len > 0 || s.has(dissect.TCPSyn|dissect.TCPFin) {
		if s.has(dissect.TCPSyn | dissect.TCPFin) {
			nextseq++
		}
		if len(fwd.segs) < maxUnacked {
			fwd.segs = append(segs.Grow(fwd.segs, 1), unacked{frame: s.frame, seq: s.seq, nextseq: nextseq, time: s.time})
		}
	}
	zwp := a.Flags&dissect.TCPAZeroWindowProbe != 0
	if (gtSeq(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !zwp {
		fwd.nextseq = nextseq
		fwd.nextseqFrame = s.frame
		fwd.nextseqTime = s.time
	}
	if (s.seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !zwp {
		fwd.maxseqtobeacked = fwd.nextseq
	}
	fwd.window = s.window
	fwd.lastack = s.ack
	fwd.lastackTime = s.time
	fwd.lastackLen = s.len
	fwd.lastFlags = a.Flags
}

// acksFrame: an ACK equal to the end of an unacknowledged segment of the other side names that segment's
// frame and the round-trip time; the walk goes newest to oldest, so the oldest exact match wins. Segments
// wholly acknowledged are forgotten; a partly acknowledged one is trimmed.
func acksFrame(rev *seqState, s *segment, a *dissect.TCPAnalysis) {
	segs := rev.segs
	keep := len(segs)
	for i := len(segs) - 1; i >= 0; i-- {
		u := &segs[i]
		switch {
		case s.ack == u.nextseq:
			a.AcksFrame = u.frame
			a.AckRTT = s.time - u.time
		case gtSeq(s.ack, u.seq) && leSeq(s.ack, u.nextseq):
			u.seq = s.ack
			continue
		case gtSeq(u.nextseq, s.ack):
			continue
		}
		u.frame = 0 // acknowledged: removed below
		keep--
	}
	if keep == len(segs) {
		return
	}
	out := segs[:0]
	for _, u := range segs {
		if u.frame != 0 {
			out = append(out, u)
		}
	}
	rev.segs = out
}

// bytesInFlight: for a segment with data, the span of the sender's unacknowledged sequence space.
// The bytes the receiver reported in SACK blocks (its last segment) are not in flight.
func bytesInFlight(fwd, rev *seqState, s *segment, a *dissect.TCPAnalysis) {
	if s.len == 0 || len(fwd.segs) == 0 || fwd.bifOff {
		return
	}
	newest := fwd.segs[len(fwd.segs)-1]
	first, last := newest.seq, newest.nextseq
	for _, u := range fwd.segs {
		if gtSeq(u.nextseq, last) {
			last = u.nextseq
		}
		if ltSeq(u.seq, first) {
			first = u.seq
		}
	}
	v := last - first - rev.sacked
	if v > 0 && v < 2e9 {
		if s.has(dissect.TCPSyn | dissect.TCPFin) {
			v-- // SYN and FIN occupy one sequence number but no byte
		}
		a.BytesInFlight = v
	}
}

// initialRTT: the first ACK without SYN in the stream sets the initial RTT, measured from the latest SYN
// without ACK (never when that SYN's time is exactly 0).
func initialRTT(c *tcpConv, s *segment, a *dissect.TCPAnalysis) {
	if s.has(dissect.TCPSyn) && !s.has(dissect.TCPAck) {
		c.synTime = s.time
		return
	}
	if !c.irttSet && s.has(dissect.TCPAck) && !s.has(dissect.TCPSyn) && c.synTime != 0 {
		c.irttSet = true
		c.irtt = s.time - c.synTime
	}
}
