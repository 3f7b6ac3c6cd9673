package netlab

import (
	"io"
	"testing"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
)

// TestHTTPStatuses checks the capture of the HTTP scenario: nothing but TCP between the lab's two
// addresses (no neighbour discovery or listener reports), two connections over IPv4 then two over IPv6,
// each opened with a SYN and closed with FINs, and one HTTP message per request and per response of
// HTTPSteps (the redirect adds one exchange) in each family.
func TestHTTPStatuses(t *testing.T) {
	SkipUnavailable(t)
	t.Parallel()
	path := HTTPStatuses(t)
	var (
		fSrc    = lookup(t, "ip.src")
		fSrc6   = lookup(t, "ipv6.src")
		fStream = lookup(t, "tcp.stream")
		fSyn    = lookup(t, "tcp.flags.syn")
		fAck    = lookup(t, "tcp.flags.ack")
		fFin    = lookup(t, "tcp.flags.fin")
	)
	tr, err := engine.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	type conn struct{ syns, fins, http int }
	conns := map[uint64]*conn{}
	for {
		p, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !p.Has(dissect.ProtoTCP) {
			t.Fatalf("frame %d is not TCP: %s", p.Num, p.AppendSummary(nil))
		}
		stream := p.Values(fStream, nil)[0].U
		// IPv4 first, then IPv6: the client waits for the IPv4 teardowns before it starts.
		src := string(p.AppendField(nil, fSrc, ','))
		if stream >= 2 {
			src = string(p.AppendField(nil, fSrc6, ','))
		}
		switch {
		case stream < 2 && (src == ClientIP || src == ServerIP) && p.Has(dissect.ProtoIPv4):
		case stream >= 2 && (src == ClientIP6 || src == ServerIP6) && p.Has(dissect.ProtoIPv6):
		default:
			t.Errorf("frame %d of stream %d is from %q", p.Num, stream, src)
		}
		c := conns[stream]
		if c == nil {
			c = &conn{}
			conns[stream] = c
		}
		if p.Values(fSyn, nil)[0].U != 0 && p.Values(fAck, nil)[0].U == 0 {
			c.syns++
		}
		if p.Values(fFin, nil)[0].U != 0 {
			c.fins++
		}
		if p.Has(dissect.ProtoHTTP) {
			c.http++
		}
	}
	// Per family: "/" twice and "/old" on the first connection, "/new/", "/missing", "/busy" on the second.
	for s, want := range []int{6, 6, 6, 6} {
		c := conns[uint64(s)]
		if c == nil || c.syns != 1 || c.fins != 2 || c.http != want {
			t.Errorf("stream %d: %+v; want 1 SYN, 2 FINs and %d HTTP messages", s, c, want)
		}
	}
	if len(conns) != 4 {
		t.Errorf("%d TCP streams, want 4", len(conns))
	}
}
