package netlab

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

// TestMain fails the run if a namespace of this process survives its tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if ok, _ := Available(); ok {
		out, _ := exec.Command(toolPath("ip"), "netns", "list").Output()
		prefix := fmt.Sprintf("%s%d-", nsPrefix, os.Getpid())
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, prefix) {
				fmt.Fprintf(os.Stderr, "netlab: namespace left behind: %s\n", line)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// pkt is what the tests check of one captured frame, read back with the project's own reader.
type pkt struct {
	num, stream          int
	rel                  time.Duration
	src                  string
	syn, ack, rst, fin   bool
	len                  int
	retrans, winUpdate   bool
	analysis             string // tcp.analysis.flags present
	lost, dupAck, fastRt bool
}

func (p pkt) String() string {
	flags := ""
	for _, f := range []struct {
		on bool
		c  string
	}{{p.ack, "A"}, {p.rst, "R"}, {p.syn, "S"}, {p.fin, "F"}} {
		if f.on {
			flags += f.c
		} else {
			flags += "."
		}
	}
	return fmt.Sprintf("#%d %.6fs %s stream %d [%s] len=%d analysis=%q", p.num, p.rel.Seconds(), p.src, p.stream, flags, p.len, p.analysis)
}

func lookup(t *testing.T, name string) field.ID {
	t.Helper()
	in := field.Lookup(name)
	if in == nil {
		t.Fatalf("field %s is not registered", name)
	}
	return in.ID
}

// read decodes the capture with engine.Open and returns its frames; every frame must be TCP over IPv4
// (the lab's link carries nothing else).
func read(t *testing.T, path string) []pkt {
	t.Helper()
	var (
		fSrc     = lookup(t, "ip.src")
		fStream  = lookup(t, "tcp.stream")
		fSyn     = lookup(t, "tcp.flags.syn")
		fAck     = lookup(t, "tcp.flags.ack")
		fRst     = lookup(t, "tcp.flags.reset")
		fFin     = lookup(t, "tcp.flags.fin")
		fLen     = lookup(t, "tcp.len")
		fRetrans = lookup(t, "tcp.analysis.retransmission")
		fFlags   = lookup(t, "tcp.analysis.flags")
		fWinUpd  = lookup(t, "tcp.analysis.window_update")
		fLost    = lookup(t, "tcp.analysis.lost_segment")
		fDupAck  = lookup(t, "tcp.analysis.duplicate_ack")
		fFastRt  = lookup(t, "tcp.analysis.fast_retransmission")
	)
	tr, err := engine.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var pkts []pkt
	for {
		p, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !p.Has(dissect.ProtoIPv4) || !p.Has(dissect.ProtoTCP) {
			t.Fatalf("frame %d is not TCP over IPv4: %s", p.Num, p.AppendSummary(nil))
		}
		has := func(id field.ID) bool { return len(p.Values(id, nil)) > 0 }
		u := func(id field.ID) uint64 {
			v := p.Values(id, nil)
			if len(v) == 0 {
				t.Fatalf("frame %d has no %s", p.Num, field.Get(id).Abbrev)
			}
			return v[0].U
		}
		pkts = append(pkts, pkt{
			num:       p.Num,
			rel:       time.Duration(p.RelNS),
			stream:    int(u(fStream)),
			src:       string(p.AppendField(nil, fSrc, ',')),
			syn:       u(fSyn) != 0,
			ack:       u(fAck) != 0,
			rst:       u(fRst) != 0,
			fin:       u(fFin) != 0,
			len:       int(u(fLen)),
			retrans:   has(fRetrans),
			winUpdate: has(fWinUpd),
			analysis:  string(p.AppendField(nil, fFlags, ',')),
			lost:      has(fLost),
			dupAck:    has(fDupAck),
			fastRt:    has(fFastRt),
		})
	}
	if tr.Truncated != nil {
		t.Fatalf("capture truncated: %v", tr.Truncated)
	}
	if len(pkts) == 0 {
		t.Fatal("empty capture")
	}
	return pkts
}

func logPkts(t *testing.T, pkts []pkt) {
	t.Helper()
	for i, p := range pkts {
		if i == 40 {
			t.Logf("... %d frames in all", len(pkts))
			return
		}
		t.Log(p)
	}
}

func oneStream(t *testing.T, pkts []pkt) {
	t.Helper()
	for _, p := range pkts {
		if p.stream != 0 {
			t.Fatalf("frame %d is in stream %d; want one stream", p.num, p.stream)
		}
	}
}

func TestUnanswered(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	pkts := read(t, Unanswered(t))
	logPkts(t, pkts)
	oneStream(t, pkts)
	syns := 0
	for i, p := range pkts {
		if p.src != ClientIP {
			t.Errorf("frame %d comes from %s: the server must not answer", p.num, p.src)
		}
		if !p.syn || p.ack {
			t.Errorf("frame %d is not a bare SYN", p.num)
			continue
		}
		syns++
		if i > 0 && !p.retrans {
			t.Errorf("SYN frame %d is not marked tcp.analysis.retransmission", p.num)
		}
		if i == 0 && p.retrans {
			t.Errorf("the first SYN is marked as a retransmission")
		}
	}
	if syns < 3 {
		t.Fatalf("%d SYNs; want the SYN and at least two retransmissions", syns)
	}
	// The classic back-off: 1 s, then 2 s more.
	for i, want := range []time.Duration{time.Second, 3 * time.Second} {
		got := pkts[i+1].rel
		if got < want-300*time.Millisecond || got > want+700*time.Millisecond {
			t.Errorf("retransmission %d at %v; want about %v", i+1, got, want)
		}
	}
}

func TestRefused(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	pkts := read(t, Refused(t))
	logPkts(t, pkts)
	oneStream(t, pkts)
	if len(pkts) != 2 {
		t.Fatalf("%d frames; want SYN, RST+ACK", len(pkts))
	}
	if p := pkts[0]; !p.syn || p.ack || p.src != ClientIP {
		t.Errorf("frame 1: %v; want a SYN from the client", p)
	}
	if p := pkts[1]; !p.rst || !p.ack || p.syn || p.src != ServerIP {
		t.Errorf("frame 2: %v; want RST+ACK from the server", p)
	}
}

func TestNormal(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	pkts := read(t, Normal(t))
	logPkts(t, pkts)
	oneStream(t, pkts)
	if len(pkts) < 7 {
		t.Fatalf("%d frames; want handshake, request, response and teardown", len(pkts))
	}
	if !(pkts[0].syn && !pkts[0].ack && pkts[0].src == ClientIP &&
		pkts[1].syn && pkts[1].ack && pkts[1].src == ServerIP &&
		!pkts[2].syn && pkts[2].ack && pkts[2].src == ClientIP) {
		t.Errorf("the capture does not start with the three-way handshake")
	}
	var finC, finS bool
	var sent, got int
	for _, p := range pkts {
		if p.rst {
			t.Errorf("frame %d is a RST", p.num)
		}
		if p.analysis != "" && !p.winUpdate {
			t.Errorf("frame %d has a TCP analysis flag: %v", p.num, p)
		}
		if p.src == ClientIP {
			finC = finC || p.fin
			sent += p.len
		} else {
			finS = finS || p.fin
			got += p.len
		}
	}
	if !finC || !finS {
		t.Errorf("FIN from client %v, from server %v; want both", finC, finS)
	}
	if last := pkts[len(pkts)-1]; !last.ack || last.fin || last.len != 0 {
		t.Errorf("the last frame is %v; want the ACK of the last FIN", last)
	}
	if sent == 0 || got < len(Page) {
		t.Errorf("the client sent %d bytes and got %d; want a request and the page (%d bytes)", sent, got, len(Page))
	}
}

func TestLossy(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	pkts := read(t, Lossy(t))
	logPkts(t, pkts)
	oneStream(t, pkts)
	var retrans, data, lost, dup, fast int
	for _, p := range pkts {
		if p.rst {
			t.Errorf("frame %d is a RST", p.num)
		}
		if p.src == ServerIP && p.len > 0 {
			data++
			if p.retrans {
				retrans++
			}
		}
		if p.lost {
			lost++
		}
		if p.dupAck {
			dup++
		}
		if p.fastRt {
			fast++
		}
	}
	t.Logf("%d frames, %d data segments from the server, %d retransmissions (%.1f %%), %d fast; %d lost segments, %d duplicate ACKs, capture duration %v",
		len(pkts), data, retrans, 100*float64(retrans)/float64(data), fast, lost, dup, pkts[len(pkts)-1].rel)
	if retrans == 0 {
		t.Fatal("no tcp.analysis.retransmission over a lossy link")
	}
	if lost == 0 {
		t.Error("no tcp.analysis.lost_segment: the loss should be upstream of the capture")
	}
}

func TestClientReset(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	pkts := read(t, ClientReset(t))
	logPkts(t, pkts)
	oneStream(t, pkts)
	checkReset(t, pkts, ClientIP)
}

func TestServerReset(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	pkts := read(t, ServerReset(t))
	logPkts(t, pkts)
	oneStream(t, pkts)
	checkReset(t, pkts, ServerIP)
}

// checkReset checks a handshake, AbortAfter bytes or more from the server, no FIN, and the first RST
// sent by resetter.
func checkReset(t *testing.T, pkts []pkt, resetter string) {
	t.Helper()
	if !pkts[0].syn || !pkts[1].syn || !pkts[1].ack {
		t.Errorf("the capture does not start with a handshake")
	}
	got := 0
	for _, p := range pkts {
		if p.fin {
			t.Errorf("frame %d is a FIN: the connection must end with a RST only", p.num)
		}
		if p.rst {
			if p.src != resetter {
				t.Errorf("the first RST (frame %d) comes from %s; want %s", p.num, p.src, resetter)
			}
			if got < AbortAfter {
				t.Errorf("the RST came after %d bytes from the server; want %d", got, AbortAfter)
			}
			return
		}
		if p.src == ServerIP {
			got += p.len
		}
	}
	t.Errorf("no RST")
}

// TestLab runs commands in the namespaces: curl in the client's against the Go server.
func TestLab(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	l := New(t)
	l.ServeHTTP(HTTPPort, Site())

	if _, err := exec.LookPath("curl"); err == nil {
		out, err := l.Client("curl", "-sS", "--max-time", "10", serverURL("/"))
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != Page {
			t.Fatalf("curl got %q", out)
		}
	} else {
		t.Log("no curl: not running it")
	}
	out, err := l.Server("ip", "-br", "addr", "show", Iface)
	if err != nil || !strings.Contains(string(out), ServerIP) {
		t.Fatalf("ip addr in the server namespace: %s %v", out, err)
	}
	out, err = l.Client("ip", "route")
	if err != nil || strings.Contains(string(out), "default") {
		t.Fatalf("the client namespace must have no default route: %s %v", out, err)
	}
}

// TestScenarioNames checks that every scenario has a distinct name and a function.
func TestScenarioNames(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Scenarios {
		if s.Name == "" || s.Run == nil || s.Doc == "" || seen[s.Name] {
			t.Errorf("bad scenario %+v", s)
		}
		seen[s.Name] = true
	}
}

// TestNetem checks that Netem delays the server's packets (skipped where the kernel has no netem).
func TestNetem(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	l := New(t)
	l.ServeHTTP(HTTPPort, Site())
	l.Netem("delay", "50ms")
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := l.DialContext(ctx, "tcp4", net.JoinHostPort(ServerIP, strconv.Itoa(HTTPPort)))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("connecting took %v over a link delayed by 50 ms", d)
	}
}
