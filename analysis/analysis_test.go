package analysis

import (
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
)

// seg describes one TCP segment of a scripted conversation between 10.0.0.1:40000 (client) and
// 10.0.0.2:80 (server).
type seg struct {
	fromServer bool
	ms         int64 // time in milliseconds
	seq, ack   uint32
	flags      uint16
	payload    int
	win        uint16 // 0: 8192
	zeroWin    bool   // send a window of 0
	port       uint16 // the client's port (0: 40000)
}

func frameOf(s seg) []byte {
	src, dst := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sp, dp := uint16(40000), uint16(80)
	if s.port != 0 {
		sp = s.port
	}
	if s.fromServer {
		src, dst, sp, dp = dst, src, dp, sp
	}
	b := make([]byte, 14+20+20+s.payload)
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(40+s.payload))
	ip[8], ip[9] = 64, 6
	copy(ip[12:], src)
	copy(ip[16:], dst)
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp, sp)
	binary.BigEndian.PutUint16(tcp[2:], dp)
	binary.BigEndian.PutUint32(tcp[4:], s.seq)
	binary.BigEndian.PutUint32(tcp[8:], s.ack)
	binary.BigEndian.PutUint16(tcp[12:], 5<<12|s.flags)
	win := s.win
	if win == 0 {
		win = 8192
	}
	if s.zeroWin {
		win = 0
	}
	binary.BigEndian.PutUint16(tcp[14:], win)
	return b
}

type result struct {
	flags []dissect.TCPAFlag
	diags [][]string
	convs []Conversation
	late  map[uint32][]dissect.Diag
	// revived counts the evicted conversations read back from the store.
	revived int
}

// play runs the segments through the decoder and the TCP tracker.
func play(segs []seg) result { return playIdle(segs, closedIdle) }

// playIdle is play with closed conversations evicted after idle, the settled ones after
// closedIdleSettled or idle if less (0: never).
func playIdle(segs []seg, idle int64) result {
	d := dissect.NewDecoder()
	t := NewTCPStreams()
	t.idle, t.idleSettled = idle, min(idle, closedIdleSettled)
	var r result
	for _, s := range segs {
		data := frameOf(s)
		p := d.Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet, TimeNS: 1e12 + s.ms*1e6})
		t.Observe(p)
		r.flags = append(r.flags, p.TCP[0].A.Flags)
		var ds []string
		for _, x := range p.Diags() {
			ds = append(ds, string(p.AppendMessage(nil, x)))
		}
		r.diags = append(r.diags, ds)
	}
	r.convs = t.Conversations()
	r.late = t.Late()
	_, _, r.revived = t.Live()
	return r
}

const (
	syn    = dissect.TCPSyn
	ack    = dissect.TCPAck
	synack = dissect.TCPSyn | dissect.TCPAck
	rst    = dissect.TCPRst
	rstack = dissect.TCPRst | dissect.TCPAck
	psh    = dissect.TCPPsh | dissect.TCPAck
	finack = dissect.TCPFin | dissect.TCPAck
)

func has(ds []string, want string) bool {
	for _, d := range ds {
		if d == want {
			return true
		}
	}
	return false
}

func TestUnansweredSYN(t *testing.T) {
	r := play([]seg{{ms: 0, seq: 1000, flags: syn}, {ms: 1000, seq: 1000, flags: syn}, {ms: 3000, seq: 1000, flags: syn}})
	for i := 1; i < 3; i++ {
		if r.flags[i]&dissect.TCPARetransmission == 0 || !has(r.diags[i], "Retransmission of frame 1") {
			t.Errorf("frame %d: flags %b diags %v", i+1, r.flags[i], r.diags[i])
		}
	}
	c := r.convs[0]
	if len(r.convs) != 1 || c.State != "S0" || c.SYNs != 3 || c.History != "S" {
		t.Errorf("conversation %+v", c)
	}
	if l := r.late[1]; len(l) != 1 || l[0].Code != dissect.DiagSYNUnanswered {
		t.Errorf("late diagnostics %v", r.late)
	}
	d := Diagnose(r.convs, TraceFacts{Frames: 3})
	if len(d.Findings) != 1 || d.Findings[0].Category != "failed-connection" || d.Findings[0].Frames[2] != 3 {
		t.Errorf("diagnosis %+v", d)
	}
}

func TestRefused(t *testing.T) {
	r := play([]seg{{ms: 0, seq: 1000, flags: syn}, {fromServer: true, ms: 1, seq: 0, ack: 1001, flags: rstack, win: 0}})
	if !has(r.diags[1], "Connection refused: RST in reply to the SYN in frame 1") {
		t.Errorf("diags %v", r.diags[1])
	}
	if c := r.convs[0]; c.State != "REJ" || !c.Refused || c.History != "Sr" {
		t.Errorf("conversation %+v", c)
	}
	if len(r.late) != 0 {
		t.Errorf("a refused SYN is answered: late %v", r.late)
	}
}

func TestNormalAndReset(t *testing.T) {
	handshake := []seg{
		{ms: 0, seq: 1000, flags: syn},
		{fromServer: true, ms: 10, seq: 5000, ack: 1001, flags: synack},
		{ms: 20, seq: 1001, ack: 5001, flags: ack},
		{ms: 21, seq: 1001, ack: 5001, flags: psh, payload: 100},
		{fromServer: true, ms: 30, seq: 5001, ack: 1101, flags: psh, payload: 200},
	}
	normal := append(append([]seg{}, handshake...),
		seg{ms: 40, seq: 1101, ack: 5201, flags: finack},
		seg{fromServer: true, ms: 50, seq: 5201, ack: 1102, flags: finack},
		seg{ms: 60, seq: 1102, ack: 5202, flags: ack})
	r := play(normal)
	c := r.convs[0]
	if c.State != "SF" || c.History != "ShADdFf" || c.IRTT != 20e6 || c.Payload != [2]uint64{100, 200} {
		t.Errorf("conversation %+v", c)
	}
	for i, ds := range r.diags {
		if len(ds) != 0 {
			t.Errorf("frame %d: unexpected diagnostics %v", i+1, ds)
		}
	}
	if d := Diagnose(r.convs, TraceFacts{Frames: len(normal)}); len(d.Findings) != 0 {
		t.Errorf("clean trace: %+v", d)
	}
	reset := append(append([]seg{}, handshake...), seg{ms: 40, seq: 1101, flags: rst})
	r = play(reset)
	if !has(r.diags[5], "Connection reset by the client") || r.convs[0].State != "RSTO" {
		t.Errorf("reset: %v %+v", r.diags[5], r.convs[0])
	}
}

func TestDuplicateAcksAndFastRetransmission(t *testing.T) {
	segs := []seg{
		{ms: 0, seq: 1000, flags: syn},
		{fromServer: true, ms: 1, seq: 5000, ack: 1001, flags: synack},
		{ms: 2, seq: 1001, ack: 5001, flags: ack},
		{ms: 3, seq: 1001, ack: 5001, flags: psh, payload: 100},     // 4: lost on the way
		{ms: 4, seq: 1101, ack: 5001, flags: psh, payload: 100},     // 5
		{fromServer: true, ms: 5, seq: 5001, ack: 1001, flags: ack}, // 6: repeats the SYN+ACK's ack: dup #1 of frame 2
		{fromServer: true, ms: 6, seq: 5001, ack: 1001, flags: ack}, // 7: dup #2
		{fromServer: true, ms: 7, seq: 5001, ack: 1001, flags: ack}, // 8: dup #3
		{ms: 8, seq: 1001, ack: 5001, flags: psh, payload: 100},     // 9: fast retransmission
	}
	r := play(segs)
	if r.flags[6]&dissect.TCPADuplicateAck == 0 || !has(r.diags[7], "Duplicate ACK #3 of frame 2") {
		t.Errorf("dup acks: %b %v", r.flags[6], r.diags[7])
	}
	if r.flags[8]&dissect.TCPAFastRetransmission == 0 || !has(r.diags[8], "Fast retransmission of frame 4 after duplicate ACKs") {
		t.Errorf("fast retransmission: %b %v", r.flags[8], r.diags[8])
	}
}

func TestZeroWindowProbeAndReusedPorts(t *testing.T) {
	segs := []seg{
		{ms: 0, seq: 1000, flags: syn},
		{fromServer: true, ms: 1, seq: 5000, ack: 1001, flags: synack},
		{ms: 2, seq: 1001, ack: 5001, flags: ack},
		{ms: 3, seq: 1001, ack: 5001, flags: psh, payload: 100},
		{fromServer: true, ms: 4, seq: 5001, ack: 1101, flags: ack, zeroWin: true},   // 5: zero window
		{ms: 500, seq: 1101, ack: 5001, flags: psh, payload: 1},                      // 6: zero window probe
		{fromServer: true, ms: 501, seq: 5001, ack: 1101, flags: ack, zeroWin: true}, // 7: its ACK
		{fromServer: true, ms: 900, seq: 5001, ack: 1101, flags: ack},                // 8: window update
	}
	r := play(segs)
	want := []dissect.TCPAFlag{4: dissect.TCPAZeroWindow, 5: dissect.TCPAZeroWindowProbe, 6: dissect.TCPAZeroWindowProbeAck | dissect.TCPAZeroWindow, 7: dissect.TCPAWindowUpdate}
	for i, w := range want {
		if w != 0 && r.flags[i] != w {
			t.Errorf("frame %d: flags %b, want %b", i+1, r.flags[i], w)
		}
	}
	if !has(r.diags[4], "Zero window: the receiver cannot take more data") {
		t.Errorf("frame 5 diagnostics %v", r.diags[4])
	}
	// Port reuse: the same ports, a new ISN after the connection closed.
	reuse := []seg{
		{ms: 0, seq: 1000, flags: syn},
		{fromServer: true, ms: 1, seq: 5000, ack: 1001, flags: synack},
		{ms: 2, seq: 1001, ack: 5001, flags: finack},
		{fromServer: true, ms: 3, seq: 5001, ack: 1002, flags: finack},
		{ms: 4, seq: 1002, ack: 5002, flags: ack},
		{ms: 5000, seq: 777777, flags: syn},
	}
	r = play(reuse)
	if len(r.convs) != 2 || r.flags[5]&dissect.TCPAReusedPorts == 0 || !has(r.diags[5], "Port numbers reused: a new connection on the ports of an earlier one") {
		t.Errorf("reuse: %d conversations, flags %b, diags %v", len(r.convs), r.flags[5], r.diags[5])
	}
}

// TestReusedPortsAfterEviction reuses the ports of a conversation evicted long before (its tomb answers
// without the record being read back): streams, flags, diagnostics and the conversation table are those
// of a tracker that evicts nothing. A late copy of another evicted conversation's SYN (same ISN, its
// record read back) joins that conversation's stream and is analysed as if it had never been evicted.
func TestReusedPortsAfterEviction(t *testing.T) {
	segs := []seg{
		{ms: 0, seq: 1000, flags: syn},
		{fromServer: true, ms: 1, seq: 5000, ack: 1001, flags: synack},
		{ms: 2, seq: 1001, ack: 5001, flags: finack},
		{fromServer: true, ms: 3, seq: 5001, ack: 1002, flags: finack},
		{ms: 4, seq: 1002, ack: 5002, flags: ack},
		{port: 40001, ms: 5, seq: 300, flags: syn},
		{port: 40001, fromServer: true, ms: 6, seq: 900, ack: 301, flags: rstack},
		{port: 40002, ms: 20000, seq: 1, flags: syn}, // a sweep: the two above are evicted
		{ms: 30000, seq: 777777, flags: syn},         // port reuse of the first, from its tomb
		{fromServer: true, ms: 30001, seq: 9000, ack: 777778, flags: synack},
	}
	got, want := playIdle(segs, closedIdle), playIdle(segs, 0)
	if !reflect.DeepEqual(got.flags, want.flags) || !reflect.DeepEqual(got.diags, want.diags) {
		t.Errorf("flags %v diags %v\nwant %v %v", got.flags, got.diags, want.flags, want.diags)
	}
	if !reflect.DeepEqual(got.convs, want.convs) {
		t.Errorf("conversations\n got %+v\nwant %+v", got.convs, want.convs)
	}
	if len(got.convs) != 4 || got.flags[8]&dissect.TCPAReusedPorts == 0 || got.revived != 0 {
		t.Errorf("%d conversations, flags of the reusing SYN %b, %d records read back (want 0: the tomb decides)", len(got.convs), got.flags[8], got.revived)
	}
	lateSegs := append(segs, seg{port: 40001, ms: 30002, seq: 300, flags: syn})
	late, lateKeep := playIdle(lateSegs, closedIdle), playIdle(lateSegs, 0)
	if c := late.convs[1]; len(late.convs) != 4 || c.SYNs != 2 || late.flags[10]&dissect.TCPAReusedPorts != 0 || late.revived != 1 {
		t.Errorf("the late SYN: %d conversations, stream 1 has %d SYNs, flags %b, %d records read back", len(late.convs), c.SYNs, late.flags[10], late.revived)
	}
	// The refused attempt was settled (the RST acknowledged the SYN): brought back, it analyses the late
	// SYN as a tracker that evicts nothing does, a retransmission.
	if !reflect.DeepEqual(late.flags, lateKeep.flags) || late.flags[10]&dissect.TCPARetransmission == 0 {
		t.Errorf("the late SYN's flags %b, want %b (a retransmission)", late.flags[10], lateKeep.flags[10])
	}
}
