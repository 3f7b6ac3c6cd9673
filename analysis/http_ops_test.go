package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/internal/recycle"
)

// readHeads feeds the pieces to a parser's head reader (readHead, or without its shortcut readHeadWalk)
// as opData does while it reads heads (a head complete, the next message), and returns what each call
// returned and left in the parser.
func readHeads(pieces [][]byte, whole bool) []string {
	var pool recycle.Pool[byte]
	var d opDir
	d.reset()
	read := d.readHead
	if !whole {
		read = d.readHeadWalk
	}
	var out []string
	for f, b := range pieces {
		d.frameNow = uint32(f + 1)
		for len(b) > 0 && d.state == opHead {
			n, done := read(b, &pool)
			out = append(out, fmt.Sprintf("n=%d done=%v head=%q started=%v first=%d state=%d", n, done, d.head, d.started, d.firstFrame, d.state))
			b = b[n:]
			if done {
				d.reset()
				d.frameNow = uint32(f + 1)
			}
		}
	}
	return out
}

// checkReadHead compares the head reader with and without its shortcut for a head lying whole in one
// segment, on data cut in two at every point.
func checkReadHead(t *testing.T, data []byte) {
	t.Helper()
	for cut := 0; cut <= len(data); cut++ {
		pieces := [][]byte{data[:cut], data[cut:]}
		got, want := readHeads(pieces, true), readHeads(pieces, false)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q cut at %d:\nwith the shortcut:\n%s\nwithout:\n%s", data, cut, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestReadHeadWhole(t *testing.T) {
	for _, s := range []string{
		"GET /t HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /t HTTP/1.1\r\nHost: a\r\n\r\nGET /u HTTP/1.1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\nServer: x\n\nbody",
		"HTTP/1.1 204 No Content\r\n\r\r\n",
		"HTTP/1.1 204 No Content\r\nX: y\r\r\r\n\r\n",
		"\r\nGET / HTTP/1.0\r\n\r\n",
		"\nGET / HTTP/1.0\r\n\r\n",
		"junk line\r\nGET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\n",
		"GET / HTTP/1.0",
		"HTTP/1.1 200 OK\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\n\r\n",
		"",
		"\r\n\r\n",
	} {
		checkReadHead(t, []byte(s))
	}
	// A head longer than the cap is dropped, with or without the shortcut.
	big := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", opMaxHead) + "\r\n\r\n"
	got, want := readHeads([][]byte{[]byte(big)}, true), readHeads([][]byte{[]byte(big)}, false)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("a head over the cap:\n%s\nwithout the shortcut:\n%s", got, want)
	}
}

func FuzzReadHead(f *testing.F) {
	f.Add([]byte("GET /t HTTP/1.1\r\nHost: a\r\n\r\nGET /u HTTP/1.1\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 204 No Content\r\nX: y\r\r\r\n\r\n"))
	f.Add([]byte("\r\nHTTP/1.0 200 OK\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512 {
			return
		}
		checkReadHead(t, data)
	})
}

// sharedHeads dissects data as tshark's view does with HTTPConvState.Head set, and returns each head it
// read whole: where it starts in data, the step, and the head.
func sharedHeads(data []byte, flags uint8) (starts []int, steps []dissect.HTTPStep, heads []dissect.HTTPHead) {
	var st dissect.HTTPConvState
	st.SeenRequest = flags&4 != 0
	var hd dissect.HTTPHead
	st.Head = &hd
	dissect.DissectHTTPPDUs(&st, data, len(data), len(data), flags&1 != 0, flags&2 != 0, func(start int, s dissect.HTTPStep) {
		if s.HeadRead {
			starts, steps, heads = append(starts, start), append(steps, s), append(heads, hd)
		}
	})
	return starts, steps, heads
}

// checkSharedHead: for every head tshark's view reads whole from data (HTTPStep.HeadRead), what the
// operations view takes from it (the head's length; the head moved to a copy of its bytes) is what it
// would find reading the same bytes itself: readHead's length and Parse's head, field by field, every
// slice at the same offset of the copy.
func checkSharedHead(t *testing.T, data []byte, flags uint8) int {
	t.Helper()
	starts, steps, heads := sharedHeads(data, flags)
	for i, start := range starts {
		checkHeadRead(t, fmt.Sprintf("%q (flags %d), message at %d, tshark's view", data, flags, start), data[start:], steps[i].Hdr, heads[i])
	}
	return len(starts)
}

// checkHeadRead: a head of n bytes at the start of b, read into hd (its slices in b), is what the
// operations view's readHead and Parse find in b.
func checkHeadRead(t *testing.T, what string, b []byte, n int, hd dissect.HTTPHead) {
	t.Helper()
	var pool recycle.Pool[byte]
	var d opDir
	d.reset()
	got, done := d.readHead(b, &pool)
	if !done || got != n {
		t.Fatalf("%s read a head of %d bytes, readHead %d (done %v)", what, n, got, done)
	}
	hd.Rebase(b, d.head)
	want := dissect.ParseHTTPHead(d.head, len(d.head))
	if g, w := headString(hd, d.head), headString(want, d.head); g != w {
		t.Fatalf("%s:\nread  %s\nParse %s", what, g, w)
	}
}

// checkParseWhole: every head ParseWhole reads at a line's start in data is what readHead and Parse find
// there.
func checkParseWhole(t *testing.T, data []byte) int {
	t.Helper()
	read := 0
	for i := 0; i < len(data); i++ {
		if i > 0 && data[i-1] != '\n' {
			continue
		}
		var hd dissect.HTTPHead
		if n := hd.ParseWhole(data[i:]); n > 0 {
			checkHeadRead(t, fmt.Sprintf("%q at %d, ParseWhole", data, i), data[i:], n, hd)
			read++
		}
	}
	return read
}

// TestParseWhole: the heads ParseWhole reads are what readHead and Parse find in the same bytes.
func TestParseWhole(t *testing.T) {
	read := 0
	for _, s := range append(sharedHeadSeeds, sharedOpsSeeds...) {
		read += checkParseWhole(t, []byte(s))
	}
	if read < 30 {
		t.Errorf("ParseWhole read %d heads from the seeds, want at least 30: the test no longer tests much", read)
	}
}

func FuzzParseWhole(f *testing.F) {
	for _, s := range sharedHeadSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1024 {
			return
		}
		checkParseWhole(t, data)
	})
}

// headString spells out a head, each slice with its offset in buf (or nil).
func headString(h dissect.HTTPHead, buf []byte) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "type=%d code=%d cl=%d chunked=%v ambiguous=%v", h.Type, h.Code, h.ContentLength, h.Chunked, h.Ambiguous)
	for _, f := range []struct {
		name string
		b    []byte
	}{{"method", h.Method}, {"uri", h.URI}, {"version", h.Version}, {"phrase", h.Phrase}, {"host", h.Host},
		{"server", h.Server}, {"location", h.Location}, {"ctype", h.ContentType}, {"ua", h.UserAgent},
		{"auth", h.Authorization}, {"authn", h.Authenticate}} {
		if f.b == nil {
			fmt.Fprintf(&sb, " %s=nil", f.name)
			continue
		}
		at := -1
		if cap(f.b) <= cap(buf) && (len(f.b) == 0 || &buf[cap(buf)-cap(f.b)] == &f.b[0]) {
			at = cap(buf) - cap(f.b)
		}
		fmt.Fprintf(&sb, " %s@%d=%q", f.name, at, f.b)
	}
	return sb.String()
}

var sharedHeadSeeds = []string{
	"GET /t HTTP/1.1\r\nHost: 10.99.0.2\r\nConnection: close\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	"GET /t HTTP/1.1\r\nHost: a\r\n\r\nGET /u HTTP/1.1\r\nUser-Agent: x\r\n\r\n",
	"HTTP/1.1 302 Found\r\nLocation: /x\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 401 No\r\nWWW-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.1\r\nAuthorization: NTLM abc\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\ncontent-length:  7 \r\nTRANSFER-ENCODING: gzip, chunked\r\n\r\n",
	"HTTP/1.1 200 OK\nServer: x\n\nbody",
	"HTTP/1.1 204 No Content\r\n\r\r\n",
	"HTTP/1.1 204 No Content\r\nX: y\r\r\r\n\r\n",
	"HTTP/1.1 200 OK\r\nHost: a\rb\r\n\r\n",
	"HTTP/1.1 200 OK\r\nServer: x\r\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\n\r\n", "GET / HTTP/1.1\r\nHo st: a\r\r\n\r\n",
	"\r\nGET / HTTP/1.0\r\n\r\n",
	"GET / HTTP/1.0\r\nHost : a\r\nHo st: b\r\nHost:c\r\n\r\n",
	"GET / HTTP/1.0\r\n folded: x\r\nHost: a\r\n continued\r\n\r\n",
	"GET / HTTP/1.1\r\nHTTP/1.1 500 Odd\r\nServer: s\r\n\r\n",
	"M-GET / HTTP/1.1\r\nHost: a\r\n\r\n", "ICY 200 OK\r\nServer: s\r\n\r\n", "NOTIFY * HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET  HTTP/1.1\r\n\r\n", "GET\r\n\r\n", "HTTP/1.1 20x\r\n\r\n", "HTTP/1.1\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", "GET / HTTP/1.1\r\nno colon\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\n",
	"HEAD / HTTP/1.1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
}

// TestSharedHead: the heads the operations view takes from tshark's view are the ones it would read.
func TestSharedHead(t *testing.T) {
	read := 0
	for _, s := range sharedHeadSeeds {
		for _, flags := range []uint8{0, 1, 2, 3, 4, 6} {
			read += checkSharedHead(t, []byte(s), flags)
		}
	}
	if read < 60 {
		t.Errorf("tshark's view read %d heads whole from the seeds, want at least 60: the test no longer tests much", read)
	}
}

func FuzzSharedHead(f *testing.F) {
	for _, s := range sharedHeadSeeds {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		if len(data) > 1024 {
			return
		}
		checkSharedHead(t, data, flags)
	})
}

// playShared plays payloads cut into segments (sendCut) through TCP tracking and the HTTP analyzer,
// with or without heads read in place (shared between its two views, or read by ParseWhole), and returns what the analyzer gives: per frame
// its HTTP layers and diagnostics, the operations (with OnOperation set, or only the counts without),
// the diagnostics left for earlier frames. mode 0 sets no OnOperation; 1 sets it; 2 also sets Wants (the
// strings of errors only, made when the operation is finished, from the request's head kept until then).
func playShared(t *testing.T, data []byte, cuts uint64, share bool, mode int) (string, int) {
	defer func(old bool) { headsInPlace = old }(headsInPlace)
	headsInPlace = share
	c := newHTTPConv(t)
	setMode(c, mode)
	c.reuse = make([]byte, 2048)
	var sb strings.Builder
	c.callback = func(p *dissect.Packet) {
		fmt.Fprintf(&sb, "frame %d: %s diags %v\n", p.Num, c.frames[len(c.frames)-1], p.Diags())
	}
	c.handshake()
	c.sendCut(data, cuts, nil)
	c.fin(0)
	c.fin(1)
	c.http.Close()
	for _, op := range c.ops {
		fmt.Fprintf(&sb, "op %+v\n", op)
	}
	fmt.Fprintf(&sb, "requests %d responses %d cut %d late %v\n", c.http.Requests, c.http.Responses, c.http.CutShort, c.http.Late())
	return sb.String(), c.http.sharedUsed
}

// setMode sets the analyzer's reader of operations (see playShared).
func setMode(c *httpConv, mode int) {
	switch mode {
	case 0:
		c.http.OnOperation = nil
	case 2:
		c.http.Wants = func(op *HTTPOperation) bool { return op.Status >= 400 }
	}
}

// checkSharedOps: the analyzer gives the same with heads read in place as without, with and without a
// reader of the operations.
func checkSharedOps(t *testing.T, data []byte, cuts uint64) (shared int) {
	t.Helper()
	for mode := 0; mode < 3; mode++ {
		got, n := playShared(t, data, cuts, true, mode)
		want, _ := playShared(t, data, cuts, false, mode)
		if got != want {
			t.Fatalf("%q cuts %d mode %d:\nshared:\n%s\nnot shared:\n%s", data, cuts, mode, got, want)
		}
		shared += n
	}
	return shared
}

var sharedOpsSeeds = []string{
	getA + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
	getA + getA + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 2\r\n\r\nok",
	"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 500 Oops\r\nServer: s\r\nContent-Length: 70000\r\n\r\n" + strings.Repeat("x", 300),
	"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.0 200 OK\r\n\r\nrest",
	"HEAD / HTTP/1.1\r\nHost: a\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n" + getA + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n\x81\x00",
}

// sharedOpsCut are messages sent a segment each (side 0 the client), a head and its body apart, and a
// body's end with the next message's head: a head taken from tshark's view must outlive its segment.
var sharedOpsCut = []struct {
	side int
	data string
}{
	{0, "POST /x HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\nContent-Length: 5\r\n\r\n"}, {0, "hello"},
	{1, "HTTP/1.1 404 Not Found\r\nServer: s\r\nContent-Length: 4\r\n\r\n"}, {1, "body"},
	{0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"}, {0, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"},
	{1, "HTTP/1.1 301 Moved\r\nLocation: /b\r\nContent-Length: 3\r\n\r\n"}, {1, "ab"},
	{1, "cHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, {1, "3\r\nabc\r\n0\r\n\r\n"},
	{1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"}, {1, "ok"},
	// tshark's view takes the body of a response by the latest request's method, the operations view by
	// the oldest waiting one's: here tshark's view reads the first response whole (a HEAD's, no body),
	// the operations view reads on into its body.
	{0, "GET /g HTTP/1.1\r\nHost: h\r\n\r\n"}, {0, "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n"},
	{1, "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 5\r\n\r\n"}, {1, "hello"},
	{1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"},
}

// TestSharedHeadOps: heads read in place (shared between the views, or by ParseWhole) change nothing
// the analyzer gives, whether a message lies whole in a segment (its head read in place) or not, with
// retransmissions and bodies over segments.
func TestSharedHeadOps(t *testing.T) {
	shared := 0
	for _, s := range sharedOpsSeeds {
		for _, cuts := range []uint64{96, 0x1234567, 99, 7, 1 << 40} {
			shared += checkSharedOps(t, []byte(s), cuts)
		}
	}
	for mode := 0; mode < 3; mode++ {
		var out [2]string
		for i, share := range []bool{true, false} {
			defer func(old bool) { headsInPlace = old }(headsInPlace)
			headsInPlace = share
			c := newHTTPConv(t)
			c.reuse = make([]byte, 2048)
			setMode(c, mode)
			var sb strings.Builder
			c.callback = func(p *dissect.Packet) { fmt.Fprintf(&sb, "frame %d: %v\n", p.Num, p.Diags()) }
			c.handshake()
			for _, m := range sharedOpsCut {
				c.send(m.side, dissect.TCPAck|dissect.TCPPsh, []byte(m.data))
			}
			c.http.Close()
			for _, op := range c.ops {
				fmt.Fprintf(&sb, "op %+v\n", op)
			}
			out[i] = sb.String()
			shared += c.http.sharedUsed
		}
		if out[0] != out[1] {
			t.Errorf("messages a segment each, mode %d:\nshared:\n%s\nnot shared:\n%s", mode, out[0], out[1])
		}
	}
	if shared < 20 {
		t.Errorf("%d heads shared over the seeds, want at least 20: the test no longer tests the sharing", shared)
	}
}

func FuzzSharedHeadOps(f *testing.F) {
	for _, s := range sharedOpsSeeds {
		f.Add([]byte(s), uint64(96))
		f.Add([]byte(s), uint64(0x1234567))
	}
	f.Fuzz(func(t *testing.T, data []byte, cuts uint64) {
		if len(data) > 2048 {
			return
		}
		checkSharedOps(t, data, cuts)
	})
}
