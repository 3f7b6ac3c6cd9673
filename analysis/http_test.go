package analysis

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// httpConv scripts a TCP connection between 10.0.0.1:40000 (client) and 10.0.0.2:80 (server) that
// carries payloads, and runs every frame through the decoder, TCP tracking and the HTTP analyzer.
type httpConv struct {
	t        *testing.T
	dec      *dissect.Decoder
	tcp      *TCPStreams
	http     *HTTPStreams
	seq      [2]uint32 // next sequence number of client (0) and server (1)
	ms       int64
	frames   []string // per frame: its HTTP messages ("GET /a", "200<-3" = a 200 whose request_in is 3)
	ops      []HTTPOperation
	keepOps  bool
	callback func(p *dissect.Packet)
	// reuse, if set, holds every frame in turn (as the engine reuses its batches' memory), so that
	// bytes kept from a frame past it are overwritten by the next one.
	reuse []byte
}

func newHTTPConv(t *testing.T) *httpConv {
	c := &httpConv{t: t, dec: dissect.NewDecoder(), tcp: NewTCPStreams(), http: NewHTTPStreams(), keepOps: true}
	c.seq = [2]uint32{1000, 5000}
	c.http.OnOperation = func(op *HTTPOperation) {
		if c.keepOps {
			c.ops = append(c.ops, *op)
		}
	}
	return c
}

func tcpFrame(fromServer bool, seq, ack uint32, flags uint16, payload []byte) []byte {
	src, dst := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sp, dp := uint16(40000), uint16(80)
	if fromServer {
		src, dst, sp, dp = dst, src, dp, sp
	}
	b := make([]byte, 14+20+20+len(payload))
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
	ip[8], ip[9] = 64, 6
	copy(ip[12:], src)
	copy(ip[16:], dst)
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp, sp)
	binary.BigEndian.PutUint16(tcp[2:], dp)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	binary.BigEndian.PutUint16(tcp[12:], 5<<12|flags)
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	copy(tcp[20:], payload)
	return b
}

// send sends one segment from the client (side 0) or the server (side 1).
func (c *httpConv) send(side int, flags uint16, payload []byte) *dissect.Packet {
	c.ms++
	seq := c.seq[side]
	data := tcpFrame(side == 1, seq, c.seq[1-side], flags, payload)
	if len(c.reuse) >= len(data) {
		for i := range c.reuse {
			c.reuse[i] = 'Z'
		}
		data = c.reuse[:copy(c.reuse, data)]
	}
	c.seq[side] += uint32(len(payload))
	if flags&(dissect.TCPSyn|dissect.TCPFin) != 0 {
		c.seq[side]++
	}
	p := c.dec.Decode(&capture.Frame{Data: data, OrigLen: len(data), LinkType: capture.LinkTypeEthernet, TimeNS: 1e12 + c.ms*1e6})
	c.tcp.Observe(p)
	c.http.Observe(p)
	var msgs []string
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if l.Proto != dissect.ProtoHTTP {
			continue
		}
		h := &p.HTTP[l.Aux]
		b := p.LayerBytes(l)
		switch h.Type {
		case dissect.HTTPRequest:
			hd := dissect.ParseHTTPHead(b, int(l.Hdr))
			msgs = append(msgs, string(hd.Method)+" "+string(hd.URI))
		case dissect.HTTPResponse:
			hd := dissect.ParseHTTPHead(b, int(l.Hdr))
			msgs = append(msgs, fmt.Sprintf("%d<-%d", hd.Code, h.RequestIn))
		default:
			msgs = append(msgs, "cont")
		}
	}
	c.frames = append(c.frames, strings.Join(msgs, ","))
	if c.callback != nil {
		c.callback(p)
	}
	return p
}

func (c *httpConv) handshake() {
	c.send(0, dissect.TCPSyn, nil)
	c.send(1, dissect.TCPSyn|dissect.TCPAck, nil)
	c.send(0, dissect.TCPAck, nil)
}

// data sends s from side in segments of at most n bytes.
func (c *httpConv) data(side int, s string, n int) {
	for len(s) > 0 {
		k := min(n, len(s))
		c.send(side, dissect.TCPAck|dissect.TCPPsh, []byte(s[:k]))
		s = s[k:]
	}
}

func (c *httpConv) fin(side int) { c.send(side, dissect.TCPFin|dissect.TCPAck, nil) }

const getA = "GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n"

func TestHTTPMessagesAndPairing(t *testing.T) {
	resp := "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/7.5\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij"
	chunked := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
	cases := []struct {
		name string
		run  func(c *httpConv)
		want []string // HTTP messages of frames 4…
	}{
		{"content-length in three segments", func(c *httpConv) { c.data(0, getA, 1000); c.data(1, resp, 30) },
			[]string{"GET /a", "", "", "200<-4"}},
		{"chunked in small segments", func(c *httpConv) { c.data(0, getA, 1000); c.data(1, chunked, 20) },
			[]string{"GET /a", "", "", "", "200<-4"}},
		{"until FIN", func(c *httpConv) {
			c.data(0, getA, 1000)
			c.data(1, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody without length", 1000)
			c.data(1, " and more", 1000)
			c.fin(1)
		}, []string{"GET /a", "", "", "200<-4"}},
		{"header split mid-line", func(c *httpConv) { c.data(0, getA, 7); c.data(1, resp, 1000) },
			[]string{"", "", "", "", "", "GET /a", "200<-9"}},
		{"304 and HEAD have no body", func(c *httpConv) {
			c.data(0, "GET /a HTTP/1.1\r\nIf-Modified-Since: x\r\n\r\n", 1000)
			c.data(1, "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", 1000)
			c.data(0, "HEAD /b HTTP/1.1\r\n\r\n", 1000)
			c.data(1, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", 1000)
		}, []string{"GET /a", "304<-4", "HEAD /b", "200<-6"}},
		{"pipelined requests pair as tshark 4.0", func(c *httpConv) {
			c.data(0, getA+"GET /b HTTP/1.1\r\n\r\n", 1000)
			c.data(1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000)
			c.data(1, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 1000)
		}, []string{"GET /a,GET /b", "200<-4", "404<-0"}},
		{"100 continue", func(c *httpConv) {
			c.data(0, "POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", 1000)
			c.data(1, "HTTP/1.1 100 Continue\r\n\r\n", 1000)
			c.data(0, "data", 1000)
			c.data(1, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 1000)
		}, []string{"", "100<-0", "POST /up", "201<-6"}},
		{"leading CRLF and a response with two messages", func(c *httpConv) {
			c.data(0, "\r\n"+getA, 1000)
			c.data(1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000)
		}, []string{"GET /a", "200<-4,200<-0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newHTTPConv(t)
			c.handshake()
			tc.run(c)
			got := c.frames[3:]
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("frames:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestHTTPAmbiguousLength(t *testing.T) {
	c := newHTTPConv(t)
	c.handshake()
	var diags []string
	c.callback = func(p *dissect.Packet) {
		for _, d := range p.Diags() {
			if d.Code == dissect.DiagHTTPConflictingLength {
				diags = append(diags, strings.Split(c.frames[len(c.frames)-1], ",")[0])
			}
		}
	}
	c.data(0, "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 1000)
	c.data(0, "POST /b HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 1000)
	c.data(0, "POST /c HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1000)
	if strings.Join(diags, " ") != "POST /b POST /c" {
		t.Errorf("ambiguous framing flagged on %q, want POST /b and POST /c", diags)
	}
}

func TestHTTPOperationsFIFO(t *testing.T) {
	c := newHTTPConv(t)
	c.handshake()
	c.data(0, getA+"GET /b HTTP/1.1\r\n\r\n", 1000)
	c.data(1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1000)
	c.data(1, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", 1000)
	c.data(0, "GET /c HTTP/1.1\r\n\r\n", 1000)
	c.http.Close()
	if len(c.ops) != 3 {
		t.Fatalf("%d operations, want 3: %+v", len(c.ops), c.ops)
	}
	want := []struct {
		uri     string
		status  int
		tshark  uint32
		respFrm uint32
		notes   string
	}{{"/a", 200, 4, 5, ""}, {"/b", 503, 0, 6, ""}, {"/c", 0, 0, 0, "no response"}}
	for i, w := range want {
		op := c.ops[i]
		if op.URI != w.uri || op.Status != w.status || op.TsharkRequestIn != w.tshark || op.RespFrame != w.respFrm || op.Notes != w.notes {
			t.Errorf("op %d = %s %d tshark=%d resp=%d %q, want %+v", i, op.URI, op.Status, op.TsharkRequestIn, op.RespFrame, op.Notes, w)
		}
	}
	if op := c.ops[0]; op.Client != "10.0.0.1:40000" || op.Server != "10.0.0.2:80" || op.Host != "example.com" || op.ResponseTime() != 1e6 {
		t.Errorf("op 0: %+v", op)
	}
	if late := c.http.Late()[7]; len(late) != 1 || late[0].Code != dissect.DiagHTTPNoResponse {
		t.Errorf("late diagnostics of frame 7: %v", late)
	}
}

func TestHTTPFields(t *testing.T) {
	c := newHTTPConv(t)
	c.handshake()
	var fields []string
	c.callback = func(p *dissect.Packet) {
		if !p.Has(dissect.ProtoHTTP) {
			return
		}
		for _, name := range []string{"http.request.method", "http.request.uri", "http.request.version", "http.host", "http.request.full_uri",
			"http.request.line", "http.response.code", "http.response.phrase", "http.server", "http.location", "http.request_in", "http.time", "http.content_length"} {
			in := field.Lookup(name)
			if v := p.AppendField(nil, in.ID, ','); len(v) > 0 {
				fields = append(fields, name+"="+string(v))
			}
		}
	}
	c.data(0, "GET /old HTTP/1.1\r\nHost: www.example.com \r\nUser-Agent: test\r\n\r\n", 1000)
	c.data(1, "HTTP/1.1 302 Found\r\nServer: Microsoft-IIS/7.5\r\nLocation: /new/\r\nContent-Length: 0\r\n\r\n", 1000)
	want := []string{
		"http.request.method=GET", "http.request.uri=/old", "http.request.version=HTTP/1.1", "http.host=www.example.com ",
		"http.request.full_uri=http://www.example.com/old", `http.request.line=Host: www.example.com \r\n,User-Agent: test\r\n`,
		"http.response.code=302", "http.response.phrase=Found", "http.server=Microsoft-IIS/7.5", "http.location=/new/",
		"http.request_in=4", "http.time=0.001000000", "http.content_length=0",
	}
	if strings.Join(fields, "\n") != strings.Join(want, "\n") {
		t.Errorf("fields:\n%s\nwant:\n%s", strings.Join(fields, "\n"), strings.Join(want, "\n"))
	}
}

// TestHTTPHostileStreamsStayBounded sends what an attacker could: a response announcing 10 GB and
// streaming 96 MiB of it (only its head is kept: the body is counted), a head that never ends (96 MiB of
// one header line: reassembly stops at its cap, with one diagnostic), a 1 MiB header line, and 100,000
// pipelined requests. Reassembly stays within its caps, the pending-request queue within its bound, and
// the heap small.
func TestHTTPHostileStreamsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("sends about 200 MiB of segments")
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	chunk := make([]byte, 60000)
	for i := range chunk {
		chunk[i] = 'x'
	}
	stream := func(head string) (c *httpConv, peak int64, capDiags int) {
		c = newHTTPConv(t)
		c.keepOps = false
		c.handshake()
		c.data(0, getA, 1000)
		c.data(1, head, 1000)
		c.callback = func(p *dissect.Packet) {
			for _, d := range p.Diags() {
				if d.Code == dissect.DiagHTTPReassemblyCap {
					capDiags++
				}
			}
		}
		for sent := 0; sent < 96<<20; sent += len(chunk) {
			c.send(1, dissect.TCPAck, chunk)
			peak = max(peak, c.http.held)
		}
		return c, peak, capDiags
	}
	c, bodyPeak, diags := stream("HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n")
	if bodyPeak > 64<<10 || c.http.CapHits != 0 || diags != 0 {
		t.Errorf("10 GB body: reassembly held %d bytes, %d cap hits, %d diagnostics; want only the head held", bodyPeak, c.http.CapHits, diags)
	}
	c, peak, capDiags := stream("HTTP/1.1 200 OK\r\nX-Endless: ")
	if peak > httpMaxPDU+int64(len(chunk)) {
		t.Errorf("reassembly held %d bytes, cap %d", peak, httpMaxPDU)
	}
	if c.http.CapHits == 0 || capDiags != 1 {
		t.Errorf("the endless head hit the reassembly cap %d times with %d diagnostics, want once with one", c.http.CapHits, capDiags)
	}

	// A header line of 1 MiB, then the end of the head: the message is reassembled and shown.
	c2 := newHTTPConv(t)
	c2.handshake()
	long := "GET /big HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 1<<20) + "\r\n\r\n"
	c2.data(0, long, 60000)
	last := c2.frames[len(c2.frames)-1]
	if last != "GET /big" {
		t.Errorf("the request with a 1 MiB header line is not shown in its last frame: %q", last)
	}

	// 100,000 pipelined requests with no response.
	c3 := newHTTPConv(t)
	c3.keepOps = false
	var nops int
	c3.http.OnOperation = func(op *HTTPOperation) { nops++ }
	c3.handshake()
	var b strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, "GET /%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
	}
	c3.data(0, b.String(), 60000)
	for _, id := range c3.http.streams.ids(nil) {
		if s, _ := c3.http.streams.get(id); len(s.pending) > httpMaxPending {
			t.Errorf("%d requests pending, bound %d", len(s.pending), httpMaxPending)
		}
	}
	c3.http.Close()
	if nops != 100000 || c3.http.Requests != 100000 {
		t.Errorf("%d operations, %d requests; want 100000", nops, c3.http.Requests)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	grow := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("10 GB body: 96 MiB streamed, reassembly held at most %d bytes; endless head: held at most %d MiB (cap %d MiB); 100,000 pipelined requests: %d operations; heap in use grew by %d MiB",
		bodyPeak, peak>>20, httpMaxPDU>>20, nops, grow>>20)
	if grow > 200<<20 {
		t.Errorf("heap grew by %d MiB", grow>>20)
	}
}

// sendCut sends data cut into segments of 1 to 97 bytes, from either side, some sent again as
// retransmissions, as cuts says; each, if set, is called with each first sending.
func (c *httpConv) sendCut(data []byte, cuts uint64, each func(p *dissect.Packet)) {
	for len(data) > 0 {
		n := int(cuts%97) + 1
		side := int(cuts>>7) & 1
		cuts = cuts*6364136223846793005 + 1442695040888963407
		n = min(n, len(data))
		p := c.send(side, dissect.TCPAck|dissect.TCPPsh, data[:n])
		if each != nil {
			each(p)
		}
		if cuts&15 == 0 { // a retransmission of the same bytes
			c.seq[side] -= uint32(n)
			c.send(side, dissect.TCPAck|dissect.TCPPsh, data[:n])
		}
		data = data[n:]
	}
}

// FuzzHTTPStreams feeds arbitrary payloads, cut into segments of arbitrary sizes and directions (some
// repeated as retransmissions), through TCP tracking and the HTTP analyzer.
func FuzzHTTPStreams(f *testing.F) {
	f.Add([]byte(getA+"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"), uint64(0x1234567))
	f.Add([]byte("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.0 200 OK\r\n\r\nrest"), uint64(99))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n\x81\x00"), uint64(7))
	f.Fuzz(func(t *testing.T, data []byte, cuts uint64) {
		c := newHTTPConv(t)
		c.keepOps = false
		c.http.OnOperation = func(op *HTTPOperation) { _ = op.URL() }
		c.handshake()
		c.sendCut(data, cuts, func(p *dissect.Packet) { _ = p.Tree() })
		c.fin(0)
		c.fin(1)
		c.http.Close()
	})
}

// TestHTTPRecoveredFromRetransmission loses a segment of a response body and retransmits it: tshark
// never shows the response (it does not give retransmissions to HTTP), the operations do, with a note.
func TestHTTPRecoveredFromRetransmission(t *testing.T) {
	c := newHTTPConv(t)
	c.handshake()
	c.data(0, getA, 1000)
	c.lossyResponse(nil)
	c.http.Close()
	for _, f := range c.frames {
		if strings.Contains(f, "200") {
			t.Errorf("a frame shows the response (tshark does not): %q", c.frames)
		}
	}
	if len(c.ops) != 1 || c.ops[0].Status != 200 || c.ops[0].RespFrame != 7 || !c.ops[0].Recovered || !strings.Contains(c.ops[0].Notes, "tshark does not show") || c.ops[0].TsharkRequestIn != 0 {
		t.Fatalf("operations: %+v", c.ops)
	}
}

// TestHTTPTable: streams whose numbers share a slot (8192 apart) are found, forgotten and listed like
// the others.
func TestHTTPTable(t *testing.T) {
	var tab slotTable[*httpStream]
	get := func(id uint32) *httpStream { s, _ := tab.get(id); return s }
	ids := []uint32{0, 8192, 16384, 1, 8193, 5000}
	for _, id := range ids {
		tab.set(id, &httpStream{id: id})
	}
	for _, id := range ids {
		if s := get(id); s == nil || s.id != id {
			t.Fatalf("stream %d not found", id)
		}
	}
	if get(2) != nil || get(24576) != nil || tab.len() != len(ids) {
		t.Fatalf("found what was not set, or len %d", tab.len())
	}
	tab.del(0) // the slot's holder: the others sharing it stay
	tab.del(8193)
	if get(0) != nil || get(8193) != nil || get(8192) == nil || get(16384) == nil || get(1) == nil {
		t.Fatal("del forgot the wrong stream")
	}
	got := tab.ids(nil)
	slices.Sort(got)
	if want := []uint32{1, 5000, 8192, 16384}; !slices.Equal(got, want) || tab.len() != 4 {
		t.Fatalf("ids %v (len %d), want %v", got, tab.len(), want)
	}
	tab.set(0, &httpStream{id: 0}) // the slot is free again
	if tab.slots[0].v == nil || tab.slots[0].v.id != 0 {
		t.Fatal("a freed slot was not reused")
	}
	tab.clear()
	if tab.len() != 0 || get(8192) != nil {
		t.Fatal("clear left streams")
	}
}

// TestPortTable: server ports of streams that share a slot are kept apart.
func TestPortTable(t *testing.T) {
	var tab slotTable[uint16]
	tab.set(3, 80)
	tab.set(3+httpSlots, 8080)
	tab.set(3, 81) // replaced
	if p, ok := tab.get(3); !ok || p != 81 {
		t.Fatalf("stream 3: %d %v", p, ok)
	}
	if p, ok := tab.get(3 + httpSlots); !ok || p != 8080 {
		t.Fatalf("stream %d: %d %v", 3+httpSlots, p, ok)
	}
	if _, ok := tab.get(4); ok {
		t.Fatal("a port for a stream never set")
	}
	tab.del(3)
	if _, ok := tab.get(3); ok {
		t.Fatal("stream 3 still has a port")
	}
	if p, ok := tab.get(3 + httpSlots); !ok || p != 8080 {
		t.Fatal("del forgot the other stream of the slot")
	}
	tab.del(3 + httpSlots)
	if _, ok := tab.get(3 + httpSlots); ok {
		t.Fatal("the other stream still has a port")
	}
	// A port set while the slot was taken, then another once it is free: del forgets both.
	tab.set(5, 1)
	tab.set(5+httpSlots, 2) // in the map
	tab.del(5)
	tab.set(5+httpSlots, 3) // in the slot
	tab.del(5 + httpSlots)
	if p, ok := tab.get(5 + httpSlots); ok {
		t.Fatalf("a forgotten port came back: %d", p)
	}
}

// TestHTTPReportWants: the report asks for an operation's request strings exactly when Add reads them:
// for an error, a response among the five slowest so far, a redirect, and a request while a redirect's
// target is awaited; an ordinary fast response, once five slower ones are kept, is left without.
func TestHTTPReportWants(t *testing.T) {
	r := NewHTTPReport(1e9)
	op := func(status int, rt int64) *HTTPOperation {
		return &HTTPOperation{ReqFrame: 1, RespFrame: 2, ReqTime: 0, RespTime: rt, Status: status}
	}
	for i := range 5 {
		o := op(200, int64(100+i))
		if !r.Wants(o) {
			t.Fatalf("response %d: not wanted while fewer than five are kept", i)
		}
		o.Client, o.Server, o.Host, o.URI = "10.0.0.1:1000", "10.0.0.2:80", "h", "/x"
		r.Add(o)
	}
	if r.Wants(op(200, 50)) {
		t.Error("a response faster than the five kept is wanted")
	}
	if !r.Wants(op(200, 500)) {
		t.Error("a response slower than the five kept is not wanted")
	}
	if !r.Wants(op(404, 50)) || !r.Wants(op(503, 50)) {
		t.Error("an error is not wanted")
	}
	redirect := op(302, 50)
	redirect.Location = "/new"
	if !r.Wants(redirect) {
		t.Error("a redirect is not wanted")
	}
	redirect.Client, redirect.Host, redirect.URI = "10.0.0.1:1001", "h", "/old"
	r.Add(redirect)
	if !r.Wants(op(200, 50)) {
		t.Error("a request while a redirect's target is awaited is not wanted")
	}
	if noResp := (&HTTPOperation{ReqFrame: 3}); !r.Wants(noResp) {
		t.Error("a request without a response, while a target is awaited, is not wanted")
	}
}

// TestHTTPStr: str gives back a string equal to its bytes whatever it held before: values that share a slot
// of strLast (same length and end bytes), values past the map's bound, long and empty values, and a buffer
// reused for the next value (the strings must not alias it).
func TestHTTPStr(t *testing.T) {
	h := NewHTTPStreams()
	buf := make([]byte, 0, 256)
	check := func(v string) {
		t.Helper()
		buf = append(buf[:0], v...)
		got := h.str(buf)
		for i := range buf {
			buf[i] = '#' // the next value overwrites the bytes
		}
		if got != v {
			t.Fatalf("str(%q) = %q", v, got)
		}
	}
	for round := 0; round < 3; round++ {
		for _, v := range []string{"aXb", "aYb", "aXb", "OK", "Ok", "", "HTTP/1.1", "HTTP/1.0", strings.Repeat("z", 200), "aYb"} {
			check(v)
		}
	}
	for i := 0; i < maxStrs+100; i++ {
		check(fmt.Sprintf("v%05dv", i))
	}
	check("aXb")
	check("v00001v")
}

// lossyResponse sends a 200 response of 3,000 body bytes whose bytes 1,000 to 2,000 are lost: the rest
// after them in segments that end at cuts, then, after waiting (if set) is called, their retransmission.
func (c *httpConv) lossyResponse(waiting func(), cuts ...int) {
	head := "HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n"
	body := strings.Repeat("b", 3000)
	c.data(1, head+body[:1000], 10000)
	lost := c.seq[1]
	c.seq[1] += 1000 // body[1000:2000] is lost
	from := 2000
	for _, cut := range append(cuts, len(body)) {
		c.data(1, body[from:cut], 10000)
		from = cut
	}
	if waiting != nil {
		waiting()
	}
	end := c.seq[1]
	c.seq[1] = lost
	c.send(1, dissect.TCPAck, []byte(body[1000:2000])) // the retransmission
	c.seq[1] = end
}

// TestHTTPTimesForgottenOnceFilled: the times of the segments that wait behind a gap are kept while they
// wait, for the operation they complete, and forgotten once the gap is filled (forgetTimes), so that a
// long connection on a lossy link does not keep one per segment ever delayed.
func TestHTTPTimesForgottenOnceFilled(t *testing.T) {
	c := newHTTPConv(t)
	times := func() int {
		ids := c.http.streams.ids(nil)
		if len(ids) != 1 {
			t.Fatalf("%d HTTP streams, want 1", len(ids))
		}
		s, _ := c.http.streams.get(ids[0])
		if s.ops == nil {
			return 0
		}
		return len(s.ops.times)
	}
	c.handshake()
	for round := range 3 {
		c.data(0, getA, 1000)
		c.lossyResponse(func() {
			if n := times(); n != 2 {
				t.Fatalf("round %d: %d times remembered while two segments wait, want 2", round, n)
			}
		}, 2500)
		if n := times(); n != 0 {
			t.Fatalf("round %d: %d times remembered once the gap is filled, want 0", round, n)
		}
	}
	if len(c.ops) != 3 {
		t.Fatalf("%d operations, want 3: %+v", len(c.ops), c.ops)
	}
	for i, op := range c.ops {
		if op.Status != 200 || op.RespFrame != uint32(8+5*i) {
			t.Errorf("operation %d: status %d, response frame %d", i, op.Status, op.RespFrame)
		}
	}
}

// TestHTTPLongLineKeptInItsStart checks hollow PDUs: a first line that grows past httpHollowAt with no end,
// no colon and no start of a message is kept only in its start, and every frame shows what it shows
// when the whole line is kept (httpHollowAt out of reach), while the bytes held stay near httpHollowAt.
func TestHTTPLongLineKeptInItsStart(t *testing.T) {
	pattern := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(i%26)
		}
		return string(b)
	}
	next := "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
	run := func(hollowAt int, send func(c *httpConv)) (frames []string, peak int64, caps int) {
		old := httpHollowAt
		httpHollowAt = hollowAt
		defer func() { httpHollowAt = old }()
		c := newHTTPConv(t)
		c.callback = func(p *dissect.Packet) {
			peak = max(peak, c.http.held)
			var b []byte
			b = p.AppendSummary(b)
			for i := 0; i < p.N; i++ {
				if l := &p.Layers[i]; l.Proto == dissect.ProtoHTTP {
					h := &p.HTTP[l.Aux]
					b = fmt.Appendf(b, " | type %d hdr %d body %d", h.Type, l.Hdr, h.BodyLen)
				}
			}
			for _, d := range p.Diags() {
				b = fmt.Appendf(b, " | diag %d", d.Code)
				if d.Code == dissect.DiagHTTPReassemblyCap {
					caps++
				}
			}
			frames = append(frames, string(b))
		}
		c.handshake()
		c.data(0, getA, 1448)
		send(c)
		c.data(0, getA, 1448)
		c.data(1, next, 1448)
		return frames, peak, caps
	}
	long := pattern(300 << 10)
	for _, tc := range []struct {
		name string
		send func(c *httpConv)
	}{
		// A body whose head was lost, and the next response after it: the line ends at its CRLF.
		{"body then response", func(c *httpConv) { c.data(1, long+next, 1448) }},
		{"leading CRLF", func(c *httpConv) { c.data(1, "\r\n"+long+"\r\n", 1448) }},
		{"spaces and slashes", func(c *httpConv) { c.data(1, "x /y"+long+" HTTP/1.1 /z\nmore", 1448) }},
		// The line ends at a CR that ends a segment: the PDU takes the next segment too.
		{"CR at a segment's end", func(c *httpConv) {
			c.data(1, long[:100<<10]+"\r", 1448)
			c.data(1, "\nafter", 1448)
		}},
		{"CR alone", func(c *httpConv) {
			c.data(1, long[:100<<10]+"\r", 1448)
			c.data(1, "after", 1448)
		}},
		// Lines that must be kept whole: a start line, a colon early on.
		{"request line", func(c *httpConv) { c.data(1, "GET /"+long+" HTTP/1.1\r\n\r\n", 1448) }},
		{"colon early", func(c *httpConv) { c.data(1, "abc: "+long+"\r\n"+next, 1448) }},
	} {
		want, wantPeak, _ := run(1<<62, tc.send)
		got, peak, caps := run(64<<10, tc.send)
		if !slices.Equal(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("%s: frame %d: %.200q, kept whole %.200q", tc.name, i+1, got[i], want[i])
					break
				}
			}
			if len(got) != len(want) {
				t.Errorf("%s: %d frames, kept whole %d", tc.name, len(got), len(want))
			}
		}
		if caps != 0 {
			t.Errorf("%s: %d cap diagnostics", tc.name, caps)
		}
		hollowed := !strings.HasPrefix(tc.name, "request") && !strings.HasPrefix(tc.name, "colon")
		if hollowed && (peak > 64<<10+2*1448 || wantPeak < 100<<10) {
			t.Errorf("%s: held at most %d bytes (%d when kept whole), want about %d", tc.name, peak, wantPeak, 64<<10)
		}
		if !hollowed && peak != wantPeak {
			t.Errorf("%s: held at most %d bytes, %d when kept whole", tc.name, peak, wantPeak)
		}
	}

	// A colon after the kept start: the line would be a header line, whose bytes are not all kept. The
	// PDU is given up as over a cap, with the cap's diagnostic (tshark shows it as Continuation data
	// with a header line).
	_, _, caps := run(64<<10, func(c *httpConv) { c.data(1, long[:100<<10]+":"+long[:1000]+"\r\n", 1448) })
	if caps != 1 {
		t.Errorf("a colon past the kept start: %d cap diagnostics, want 1", caps)
	}
}
