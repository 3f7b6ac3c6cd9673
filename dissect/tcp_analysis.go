package dissect

import (
	"github.com/wirelens/wirelens/field"
)

// Fields of Wireshark's TCP sequence analysis ("SEQ/ACK analysis"). The verdicts are computed by package
// analysis in capture order and stored in TCPConv.A; this file only exposes them under Wireshark's names.

// TCPAFlag is one verdict of the TCP analysis (Wireshark's TCP_A_* bits).
type TCPAFlag uint32

// TCP analysis verdicts.
const (
	TCPARetransmission TCPAFlag = 1 << iota
	TCPALostPacket
	TCPAAckLostPacket
	TCPAKeepAlive
	TCPADuplicateAck
	TCPAZeroWindow
	TCPAZeroWindowProbe
	TCPAZeroWindowProbeAck
	TCPAKeepAliveAck
	TCPAOutOfOrder
	TCPAFastRetransmission
	TCPAWindowUpdate
	TCPAWindowFull
	TCPAReusedPorts
	TCPASpuriousRetransmission
)

// TCPAnalysis holds the TCP analysis of one segment.
type TCPAnalysis struct {
	Flags         TCPAFlag
	DupAckNum     uint32 // duplicate ACK number (with TCPADuplicateAck)
	DupAckFrame   uint32 // the frame this duplicates
	AcksFrame     uint32 // the frame whose segment this acknowledges exactly; 0 if none
	AckRTT        int64  // time since that frame, ns
	IRTT          int64  // the stream's initial round-trip time, ns; 0 if unknown or not shown here
	BytesInFlight uint32 // unacknowledged bytes after this segment; 0 if not shown
	RTO           int64  // for a retransmission: time since the segment it repeats, ns
	RTOFrame      uint32 // for a retransmission: the frame of the original
	Data          bool   // the segment has analysis data (Wireshark shows "SEQ/ACK analysis")
}

func tcpaGetter(fn func(a *TCPAnalysis) (uint64, bool)) getter {
	return layerGetter(ProtoTCP, func(p *Packet, l *Layer, _ []byte) (field.Value, bool) {
		c := &p.TCP[l.Aux]
		if !c.Valid || l.InError() {
			return field.Value{}, false
		}
		u, ok := fn(&c.A)
		return field.Value{U: u}, ok
	})
}

func tcpaFlag(mask TCPAFlag) getter {
	return tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return 0, a.Flags&mask != 0 })
}

var (
	fTCPAnalysis   = reg(field.Info{Abbrev: "tcp.analysis", Name: "SEQ/ACK analysis", Type: field.Protocol}, tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return 0, a.Data }))
	fTCPAFlags     = reg(field.Info{Abbrev: "tcp.analysis.flags", Name: "TCP Analysis Flags", Type: field.Protocol, Present: "1", Blurb: "any TCP analysis verdict (including window updates)"}, tcpaFlag(^TCPAFlag(0)))
	fTCPARetrans   = reg(field.Info{Abbrev: "tcp.analysis.retransmission", Name: "Retransmission", Type: field.Protocol, Present: "1", Blurb: "this segment repeats data already sent (also set for fast and spurious retransmissions)"}, tcpaFlag(TCPARetransmission|TCPAFastRetransmission|TCPASpuriousRetransmission))
	fTCPAFastRetr  = reg(field.Info{Abbrev: "tcp.analysis.fast_retransmission", Name: "Fast retransmission", Type: field.Protocol, Present: "1", Blurb: "a retransmission after two or more duplicate ACKs"}, tcpaFlag(TCPAFastRetransmission))
	fTCPASpurious  = reg(field.Info{Abbrev: "tcp.analysis.spurious_retransmission", Name: "Spurious retransmission", Type: field.Protocol, Present: "1", Blurb: "a retransmission of data the receiver had already acknowledged"}, tcpaFlag(TCPASpuriousRetransmission))
	fTCPAOOO       = reg(field.Info{Abbrev: "tcp.analysis.out_of_order", Name: "Out-Of-Order segment", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAOutOfOrder))
	fTCPALost      = reg(field.Info{Abbrev: "tcp.analysis.lost_segment", Name: "Previous segment not captured", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPALostPacket))
	fTCPAAckLost   = reg(field.Info{Abbrev: "tcp.analysis.ack_lost_segment", Name: "ACKed segment that wasn't captured", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAAckLostPacket))
	fTCPADupAck    = reg(field.Info{Abbrev: "tcp.analysis.duplicate_ack", Name: "Duplicate ACK", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPADuplicateAck))
	fTCPADupAckNum = reg(field.Info{Abbrev: "tcp.analysis.duplicate_ack_num", Name: "Duplicate ACK #", Type: field.Uint},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.DupAckNum), a.Flags&TCPADuplicateAck != 0 }))
	fTCPADupAckFrame = reg(field.Info{Abbrev: "tcp.analysis.duplicate_ack_frame", Name: "Duplicate to the ACK in frame", Type: field.FrameNum},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.DupAckFrame), a.Flags&TCPADuplicateAck != 0 }))
	fTCPAZW        = reg(field.Info{Abbrev: "tcp.analysis.zero_window", Name: "Zero window", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAZeroWindow))
	fTCPAZWP       = reg(field.Info{Abbrev: "tcp.analysis.zero_window_probe", Name: "Zero window probe", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAZeroWindowProbe))
	fTCPAZWPAck    = reg(field.Info{Abbrev: "tcp.analysis.zero_window_probe_ack", Name: "Zero window probe ACK", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAZeroWindowProbeAck))
	fTCPAWinFull   = reg(field.Info{Abbrev: "tcp.analysis.window_full", Name: "Window full", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAWindowFull))
	fTCPAWinUpd    = reg(field.Info{Abbrev: "tcp.analysis.window_update", Name: "Window update", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAWindowUpdate))
	fTCPAKA        = reg(field.Info{Abbrev: "tcp.analysis.keep_alive", Name: "Keep-Alive", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAKeepAlive))
	fTCPAKAAck     = reg(field.Info{Abbrev: "tcp.analysis.keep_alive_ack", Name: "Keep-Alive ACK", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAKeepAliveAck))
	fTCPAReused    = reg(field.Info{Abbrev: "tcp.analysis.reused_ports", Name: "TCP port numbers reused", Type: field.Protocol, Present: "1"}, tcpaFlag(TCPAReusedPorts))
	fTCPAAcksFrame = reg(field.Info{Abbrev: "tcp.analysis.acks_frame", Name: "This is an ACK to the segment in frame", Type: field.FrameNum},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.AcksFrame), a.AcksFrame != 0 }))
	fTCPAAckRTT = reg(field.Info{Abbrev: "tcp.analysis.ack_rtt", Name: "The RTT to ACK the segment was", Type: field.RelTime},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.AckRTT), a.AcksFrame != 0 && a.AckRTT != 0 }))
	fTCPAIRTT = reg(field.Info{Abbrev: "tcp.analysis.initial_rtt", Name: "iRTT", Type: field.RelTime, Blurb: "the stream's initial round-trip time: SYN to the first ACK"},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.IRTT), a.IRTT != 0 }))
	fTCPABiF = reg(field.Info{Abbrev: "tcp.analysis.bytes_in_flight", Name: "Bytes in flight", Type: field.Uint},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.BytesInFlight), a.BytesInFlight != 0 }))
	fTCPARTO = reg(field.Info{Abbrev: "tcp.analysis.rto", Name: "The RTO for this segment was", Type: field.RelTime},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.RTO), a.RTOFrame != 0 }))
	fTCPARTOFrame = reg(field.Info{Abbrev: "tcp.analysis.rto_frame", Name: "RTO based on delta from frame", Type: field.FrameNum},
		tcpaGetter(func(a *TCPAnalysis) (uint64, bool) { return uint64(a.RTOFrame), a.RTOFrame != 0 }))
)

// tcpAnalysisNames lists the verdicts with their tree labels and expert severities, in display order.
var tcpAnalysisNames = []struct {
	flag     TCPAFlag
	id       *field.ID
	severity string
	label    string
}{
	{TCPASpuriousRetransmission, &fTCPASpurious, "note", "This frame is a (suspected) spurious retransmission"},
	{TCPAFastRetransmission, &fTCPAFastRetr, "note", "This frame is a (suspected) fast retransmission"},
	{TCPARetransmission, &fTCPARetrans, "note", "This frame is a (suspected) retransmission"},
	{TCPAOutOfOrder, &fTCPAOOO, "warning", "This frame is a (suspected) out-of-order segment"},
	{TCPALostPacket, &fTCPALost, "warning", "Previous segment(s) not captured (common at capture start)"},
	{TCPAAckLostPacket, &fTCPAAckLost, "warning", "ACKed segment that wasn't captured (common at capture start)"},
	{TCPADuplicateAck, &fTCPADupAck, "note", "Duplicate ACK"},
	{TCPAZeroWindow, &fTCPAZW, "warning", "TCP Zero Window segment"},
	{TCPAZeroWindowProbe, &fTCPAZWP, "note", "TCP Zero Window Probe"},
	{TCPAZeroWindowProbeAck, &fTCPAZWPAck, "note", "TCP Zero Window Probe ACK"},
	{TCPAWindowFull, &fTCPAWinFull, "warning", "TCP window specified by the receiver is now completely full"},
	{TCPAWindowUpdate, &fTCPAWinUpd, "chat", "TCP window update"},
	{TCPAKeepAlive, &fTCPAKA, "note", "TCP keep-alive segment"},
	{TCPAKeepAliveAck, &fTCPAKAAck, "note", "ACK to a TCP keep-alive segment"},
	{TCPAReusedPorts, &fTCPAReused, "note", "A new tcp session is started with the same ports as an earlier session in this trace"},
}

// tcpAnalysisTree adds the "SEQ/ACK analysis" subtree of a TCP layer.
func tcpAnalysisTree(p *Packet, l *Layer, t *Tree, parent *Node) {
	c := &p.TCP[l.Aux]
	a := &c.A
	if !c.Valid || l.InError() || !a.Data {
		return
	}
	n := t.Text(parent, "[SEQ/ACK analysis]", 0, 0)
	n.Field = "tcp.analysis"
	if a.AcksFrame != 0 {
		t.Add(n, fTCPAAcksFrame, field.Value{U: uint64(a.AcksFrame)}, 0, 0)
		if a.AckRTT != 0 {
			t.Add(n, fTCPAAckRTT, field.Value{U: uint64(a.AckRTT)}, 0, 0)
		}
	}
	if a.IRTT != 0 {
		t.Add(n, fTCPAIRTT, field.Value{U: uint64(a.IRTT)}, 0, 0)
	}
	if a.BytesInFlight != 0 {
		t.Add(n, fTCPABiF, field.Value{U: uint64(a.BytesInFlight)}, 0, 0)
	}
	if a.Flags == 0 {
		return
	}
	fl := t.Text(n, "[TCP Analysis Flags]", 0, 0)
	fl.Field = "tcp.analysis.flags"
	for _, e := range tcpAnalysisNames {
		if a.Flags&e.flag == 0 {
			continue
		}
		it := t.Text(fl, "["+e.label+"]", 0, 0)
		it.Field = field.Get(*e.id).Abbrev
		it.Severity = e.severity
		if e.flag == TCPADuplicateAck {
			t.Add(fl, fTCPADupAckNum, field.Value{U: uint64(a.DupAckNum)}, 0, 0)
			t.Add(fl, fTCPADupAckFrame, field.Value{U: uint64(a.DupAckFrame)}, 0, 0)
		}
		if e.flag&(TCPARetransmission|TCPAFastRetransmission|TCPASpuriousRetransmission) != 0 && a.RTOFrame != 0 {
			t.Add(fl, fTCPARTO, field.Value{U: uint64(a.RTO)}, 0, 0)
			t.Add(fl, fTCPARTOFrame, field.Value{U: uint64(a.RTOFrame)}, 0, 0)
		}
	}
}

// TCPPayloadLen is tcp.len of a TCP layer: the payload length by the IP header's length field.
func (p *Packet) TCPPayloadLen(l *Layer) int { return p.tcpLen(l) }
