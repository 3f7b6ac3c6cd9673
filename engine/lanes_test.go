package engine

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/internal/corpus"
)

// runResult is what a command that runs a trace to the end gets from it.
type runResult struct {
	err       string
	frames    int
	start     int64
	truncated string
	convs     []analysis.Conversation
	lanes     bool // the trace ran in lanes
	// The TCP conversations left live at the end, evicted, and brought back (summed over the lanes): the
	// lanes must evict what one tracker of the whole trace does.
	live, evicted, revived int
	// With HTTP analysis (diagnose's options): the operations in the order OnHTTP got them, the malformed
	// frames in the order OnMalformed got them, the HTTP counters and the DNS report.
	ops                                   []analysis.HTTPOperation
	malformed                             []uint32
	cutShort, requests, responses, capHit int
	dns                                   *analysis.DNSReport
}

// diagnoseOptions are the options diagnose runs a trace with, gathering what it hands on into r; with
// wants, the operations go to an HTTP report too, which says whose request strings it reads (WantHTTP).
func diagnoseOptions(r *runResult, wants bool) Options {
	o := Options{NoHTTPOperations: true, NoHTTPFields: true,
		OnHTTP:      func(op *analysis.HTTPOperation) { r.ops = append(r.ops, *op) },
		OnMalformed: func(f uint32) { r.malformed = append(r.malformed, f) },
	}
	if wants {
		report := analysis.NewHTTPReport(1e7)
		o.WantHTTP = report.Wants
		o.OnHTTP = func(op *analysis.HTTPOperation) {
			r.ops = append(r.ops, *op)
			report.Add(op)
		}
	}
	return o
}

func runTrace(t *testing.T, path string, o Options, lanes bool) runResult {
	t.Helper()
	lanesOff = !lanes
	defer func() { lanesOff = false }()
	var r runResult
	if o.OnHTTP != nil {
		o = diagnoseOptions(&r, o.WantHTTP != nil)
	}
	tr, err := OpenWith(path, o)
	if err != nil {
		return runResult{err: "open: " + err.Error()}
	}
	defer tr.Close()
	tr.HTTP().Slow = 1e7
	if err := tr.Run(); err != io.EOF {
		r.err = fmt.Sprint(err)
	}
	r.frames, r.start, r.lanes = tr.Frames, tr.Start, tr.ln != nil
	if tr.Truncated != nil {
		r.truncated = tr.Truncated.Error()
	}
	if tr.ln != nil {
		for k := range tr.ln.lanes {
			l, e, v := tr.ln.lanes[k].tcp.Live()
			r.live, r.evicted, r.revived = r.live+l, r.evicted+e, r.revived+v
		}
	} else {
		r.live, r.evicted, r.revived = tr.tcp.Live()
	}
	if o.OnHTTP != nil {
		h := tr.HTTP()
		r.cutShort, r.requests, r.responses, r.capHit = h.CutShort, h.Requests, h.Responses, h.CapHits
		r.dns = tr.DNS().Report(nil)
	}
	r.convs = tr.Conversations()
	if len(r.convs) == 0 {
		r.convs = nil
	}
	return r
}

// corpusFiles lists the project's test captures and, when it is there, the shared corpus.
func corpusFiles(t *testing.T) []string {
	return corpus.Files(t, "../testdata", "../../shared/captures")
}

// TestLanesMatchPipeline runs every capture in lanes and through the pipeline: the frames, the end (a
// read error, a truncated file) and every conversation, with its stream number, are the same. Some files
// must run in lanes and some must fall back (IP fragments, tunnels), or the comparison says nothing.
func TestLanesMatchPipeline(t *testing.T) {
	compareLanes(t, Options{NoHTTP: true, NoHTTPOperations: true})
}

// TestLanesMatchPipelineHTTP does the same with diagnose's options: the HTTP operations, in the order
// they are handed on and with their stream numbers, the malformed frames, the HTTP counters and the DNS
// report are also the same.
func TestLanesMatchPipelineHTTP(t *testing.T) {
	t.Run("all strings", func(t *testing.T) { compareLanes(t, Options{OnHTTP: func(*analysis.HTTPOperation) {}}) })
	// diagnose's report wants the request strings of some operations only, asked in capture order.
	t.Run("wanted strings", func(t *testing.T) {
		compareLanes(t, Options{OnHTTP: func(*analysis.HTTPOperation) {}, WantHTTP: func(*analysis.HTTPOperation) bool { return true }})
	})
}

func compareLanes(t *testing.T, o Options) {
	inLanes, fellBack, evicting, ops := 0, 0, 0, 0
	for _, f := range corpusFiles(t) {
		want := runTrace(t, f, o, false)
		ops += len(want.ops)
		got := runTrace(t, f, o, true)
		if want.evicted > 0 {
			evicting++
		}
		if got.lanes {
			inLanes++
		} else if want.err == "" && want.frames > 0 {
			fellBack++
		}
		got.lanes, want.lanes = false, false
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: lanes differ from the pipeline", f)
			if got.err != want.err || got.frames != want.frames || got.truncated != want.truncated {
				t.Errorf("  err %q frames %d truncated %q, want %q %d %q", got.err, got.frames, got.truncated, want.err, want.frames, want.truncated)
			}
			if got.live != want.live || got.evicted != want.evicted || got.revived != want.revived {
				t.Errorf("  live/evicted/revived %d/%d/%d, want %d/%d/%d", got.live, got.evicted, got.revived, want.live, want.evicted, want.revived)
			}
			firstDiff(t, "conversation", got.convs, want.convs)
			firstDiff(t, "HTTP operation", got.ops, want.ops)
			if !reflect.DeepEqual(got.malformed, want.malformed) || !reflect.DeepEqual(got.dns, want.dns) {
				t.Errorf("  malformed %v, DNS %+v\n  want %v, %+v", got.malformed, got.dns, want.malformed, want.dns)
			}
		}
	}
	t.Logf("%d captures ran in lanes, %d fell back to the pipeline; %d evict conversations; %d HTTP operations", inLanes, fellBack, evicting, ops)
	if inLanes < 10 {
		t.Errorf("only %d captures ran in lanes", inLanes)
	}
}

// TestDeferredRequestStrings: the request strings made when an operation is finished (a reader that wants
// only some, Options.WantHTTP) are those made when its request is read, also for a request without a
// version or an Authorization header, which keeps the response's (methods.pcap: "OPTIONS HTTP/1.1").
func TestDeferredRequestStrings(t *testing.T) {
	lanesOff = true
	defer func() { lanesOff = false }()
	ops := func(path string, deferred bool) (out []analysis.HTTPOperation) {
		o := Options{NoHTTPOperations: true, NoHTTPFields: true, OnHTTP: func(op *analysis.HTTPOperation) { out = append(out, *op) }}
		if deferred {
			o.WantHTTP = func(*analysis.HTTPOperation) bool { return true }
		}
		tr, err := OpenWith(path, o)
		if err != nil {
			return nil
		}
		defer tr.Close()
		tr.Run()
		return out
	}
	n := 0
	for _, f := range corpusFiles(t) {
		got, want := ops(f, true), ops(f, false)
		n += len(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: deferred request strings differ", f)
			firstDiff(t, "HTTP operation", got, want)
		}
	}
	if n < 1000 {
		t.Errorf("only %d HTTP operations compared", n)
	}
}

// firstDiff reports the first element where got and want differ, and a difference in length.
func firstDiff[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("  %s %d:\n  got  %+v\n  want %+v", what, i, got[i], want[i])
			break
		}
	}
	if len(got) != len(want) {
		t.Errorf("  %d of %s, want %d", len(got), what, len(want))
	}
}

// TestLanesFallBack: a trace whose TCP segments come in IP fragments cannot be split by the quick look
// at the frames; it is read again through the pipeline, with the same result.
func TestLanesFallBack(t *testing.T) {
	const f = "../../shared/captures/zeek/ipv4/fragmented-1.pcap"
	if _, err := os.Stat(f); err != nil {
		t.Skip("the shared capture corpus is not at ../../shared/captures")
	}
	o := Options{NoHTTP: true, NoHTTPOperations: true}
	got := runTrace(t, f, o, true)
	if got.lanes {
		t.Fatal("a trace of fragmented segments ran in lanes")
	}
	want := runTrace(t, f, o, false)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after falling back: %+v, want %+v", got, want)
	}
}

// TestLanesFallBackMidway: a trace that splits by connection until an IP-fragmented datagram is read
// again through the pipeline, which passes over what the lanes handed on: Run with diagnose's options
// gives what the pipeline gives, nothing twice.
func TestLanesFallBackMidway(t *testing.T) {
	const frag = "../../shared/captures/zeek/ipv4/fragmented-1.pcap"
	if _, err := os.Stat(frag); err != nil {
		t.Skip("the shared capture corpus is not at ../../shared/captures")
	}
	frames := loadFrames(t, "../testdata/bench/small-4000.pcap")
	// A malformed frame in the first part (an IPv4 header cut short), which must be reported once.
	bad := frames[99]
	bad.Data = bad.Data[:20]
	frames = append(frames[:100], append([]capture.Frame{bad}, frames[100:]...)...)
	for i := 100; i < len(frames); i++ {
		frames[i].TimeNS += 1000
	}
	last := frames[len(frames)-1].TimeNS
	for _, fr := range loadFrames(t, frag) {
		fr.TimeNS = last + 1e6 // after the first part, a millisecond apart
		last = fr.TimeNS
		frames = append(frames, fr)
	}
	path := filepath.Join(t.TempDir(), "http-then-fragments.pcap")
	writePcap(t, path, frames)

	// Run: the lanes hand on the operations of the first part, then fall back.
	var r runResult
	tr, err := OpenWith(path, diagnoseOptions(&r, true))
	if err != nil {
		t.Fatal(err)
	}
	tr.Run()
	skipped := tr.skip
	tr.Close()
	if skipped == 0 || len(r.malformed) == 0 {
		t.Fatalf("skipped %d frames, %d malformed: the trace should fall back midway, after a malformed frame", skipped, len(r.malformed))
	}
	o := Options{OnHTTP: func(*analysis.HTTPOperation) {}}
	got, want := runTrace(t, path, o, true), runTrace(t, path, o, false)
	got.lanes = false
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Run: %d operations, %d conversations; want %d, %d", len(got.ops), len(got.convs), len(want.ops), len(want.convs))
	}
}

// TestFrameLane checks the quick look at a frame's bytes: both directions of a connection go to one lane,
// and what it cannot place (fragments, ARP, short frames) goes to lane 0.
func TestFrameLane(t *testing.T) {
	eth := func(et uint16, vlan bool, payload []byte) []byte {
		b := make([]byte, 12, 64)
		if vlan {
			b = binary.BigEndian.AppendUint16(b, 0x8100)
			b = binary.BigEndian.AppendUint16(b, 7)
		}
		b = binary.BigEndian.AppendUint16(b, et)
		return append(b, payload...)
	}
	ipv4 := func(proto byte, frag uint16, sp, dp uint16) []byte {
		b := make([]byte, 20, 40)
		b[0], b[9] = 0x45, proto
		binary.BigEndian.PutUint16(b[6:], frag)
		b = binary.BigEndian.AppendUint16(b, sp)
		return binary.BigEndian.AppendUint16(b, dp)
	}
	ipv6 := func(next byte, sp, dp uint16) []byte {
		b := make([]byte, 40, 60)
		b[0], b[6] = 0x60, next
		b = binary.BigEndian.AppendUint16(b, sp)
		return binary.BigEndian.AppendUint16(b, dp)
	}
	// Two port pairs in different lanes.
	var pa, pb [2]uint16
	for p := uint16(1024); ; p++ {
		if laneOf(p, 80) == 1 {
			pb = [2]uint16{p, 80}
			break
		}
	}
	for p := uint16(1024); ; p++ {
		if laneOf(p, 80) == 0 {
			pa = [2]uint16{p, 80}
			break
		}
	}
	for _, c := range []struct {
		name string
		lt   capture.LinkType
		data []byte
		want uint8
	}{
		{"tcp lane 1", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0, pb[0], pb[1])), 1},
		{"tcp lane 1, reply", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0, pb[1], pb[0])), 1},
		{"tcp lane 0", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0, pa[0], pa[1])), 0},
		{"udp in a VLAN", capture.LinkTypeEthernet, eth(0x0800, true, ipv4(17, 0, pb[0], pb[1])), 1},
		{"DF set", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0x4000, pb[0], pb[1])), 1},
		{"first fragment", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0x2000, pb[0], pb[1])), 0},
		{"later fragment", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0x0010, pb[0], pb[1])), 0},
		{"icmp", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(1, 0, pb[0], pb[1])), 0},
		{"arp", capture.LinkTypeEthernet, eth(0x0806, false, make([]byte, 28)), 0},
		{"ipv6 tcp", capture.LinkTypeEthernet, eth(0x86dd, false, ipv6(6, pb[0], pb[1])), 1},
		{"ipv6 hop-by-hop", capture.LinkTypeEthernet, eth(0x86dd, false, ipv6(0, pb[0], pb[1])), 0},
		{"raw ip", capture.LinkTypeRaw, ipv4(6, 0, pb[1], pb[0]), 1},
		{"cooked", capture.LinkTypeLinuxSLL, append(make([]byte, 16), ipv4(6, 0, pb[0], pb[1])...), 1},
		{"loopback", capture.LinkTypeNull, append([]byte{2, 0, 0, 0}, ipv4(17, 0, pb[0], pb[1])...), 1},
		{"cut short", capture.LinkTypeEthernet, eth(0x0800, false, ipv4(6, 0, pb[0], pb[1]))[:36], 0},
		{"other link", capture.LinkTypeIEEE80211, make([]byte, 64), 0},
	} {
		if got := frameLane(&capture.Frame{LinkType: c.lt, Data: c.data}); got != c.want {
			t.Errorf("%s: lane %d, want %d", c.name, got, c.want)
		}
	}
}

// TestInLaneShortcut: for every frame of the test and shared captures, inLane at the lane frameLane
// deals the frame to says what the walk over its layers says (inLaneWalk); its shortcut for
// Ethernet/IPv4/TCP-or-UDP frames (with a payload no decoder claims, or none) must not take a frame the
// walk would send elsewhere.
func TestInLaneShortcut(t *testing.T) {
	frames, short := 0, 0
	for _, path := range corpusFiles(t) {
		f, err := capture.Open(path)
		if err != nil {
			continue
		}
		dec := dissect.NewDecoder()
		var fr capture.Frame
		for f.Next(&fr) == nil {
			k := frameLane(&fr)
			p := dec.Decode(&fr)
			got, want := inLane(p, k), inLaneWalk(p, k)
			if got != want {
				f.Close()
				t.Fatalf("%s frame %d (lane %d): inLane %v, the walk %v", path, p.Num, k, got, want)
			}
			frames++
			if (p.N == 3 || p.N == 4 && p.Layers[3].Proto == dissect.ProtoData) && p.Layers[0].Proto == dissect.ProtoEth && p.Layers[1].Proto == dissect.ProtoIPv4 {
				short++
			}
		}
		f.Close()
	}
	t.Logf("%d frames, %d of them Ethernet/IPv4/transport with at most a payload", frames, short)
	if short == 0 {
		t.Error("no frame takes the shortcut: the comparison says nothing")
	}
}

// TestInLaneFragments: a TCP segment in two IP fragments is reassembled at the second, which then decodes
// as Ethernet, IPv4 and TCP like any other frame; frameLane dealt it to lane 0 (a fragment), so inLane
// must look at its ports like the walk, not take it for the lane its header was dealt to.
func TestInLaneFragments(t *testing.T) {
	var sp uint16
	for sp = 1024; laneOf(sp, 80) != 1; sp++ {
	}
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp, sp)
	binary.BigEndian.PutUint16(tcp[2:], 80)
	tcp[12] = 5 << 4
	tcp[13] = 0x02 // SYN
	frag := func(off uint16, more bool, payload []byte) []byte {
		b := make([]byte, 14, 64)
		binary.BigEndian.PutUint16(b[12:], 0x0800)
		ip := make([]byte, 20)
		ip[0], ip[8], ip[9] = 0x45, 64, 6
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(payload)))
		binary.BigEndian.PutUint16(ip[4:], 77)
		fl := off / 8
		if more {
			fl |= 0x2000
		}
		binary.BigEndian.PutUint16(ip[6:], fl)
		copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
		return append(append(b, ip...), payload...)
	}
	dec := dissect.NewDecoder()
	for i, data := range [][]byte{frag(0, true, tcp[:8]), frag(8, false, tcp[8:])} {
		fr := capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet}
		k := frameLane(&fr)
		p := dec.Decode(&fr)
		if k != 0 {
			t.Fatalf("fragment %d dealt to lane %d", i+1, k)
		}
		if got, want := inLane(p, k), inLaneWalk(p, k); got != want {
			t.Fatalf("fragment %d (%d layers, fragment %v): inLane %v, the walk %v", i+1, p.N, p.IsFragment(), got, want)
		}
		if i == 1 && (p.N != 3 || p.Layers[2].Proto != dissect.ProtoTCP || inLane(p, k)) {
			t.Fatalf("the reassembled segment: %d layers, in lane 0 %v; want Ethernet, IPv4, TCP, out of lane 0", p.N, inLane(p, k))
		}
	}
}
