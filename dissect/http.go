package dissect

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"unsafe"

	"github.com/wirelens/wirelens/field"
)

// HTTP/1.x (RFC 9112). HTTP runs over a TCP byte stream, so a message is found by package analysis, which
// follows each stream, reassembles the segments a message spans (as Wireshark's TCP desegmentation does)
// and attaches the message to the frame that completes it with Packet.AddHTTP. This file holds the
// fields, read lazily from the message bytes, the summary and the details tree; http_parse.go holds the
// message parser.
//
// An HTTP layer's bytes are the message (head and body) in a buffer of its own (Layer.Buf >= 2): a part
// of the frame when the message fits in the segment, else the reassembled PDU.

func init() {
	register(ProtoHTTP, protocol{name: "HTTP", filter: "http", long: "Hypertext Transfer Protocol", tree: httpTree, summary: httpSummary})
}

// MaxHTTP bounds the HTTP messages attached to one frame (pipelined requests in one segment).
const MaxHTTP = 8

// HTTPInfo is what stream analysis knows about one HTTP message of a frame: its pairing with the other
// side, as tshark 4.0 pairs them (see package analysis).
type HTTPInfo struct {
	Type          HTTPType
	Number        uint32 // the message's record number in its conversation (http.request_number/response_number)
	RequestIn     uint32 // on a response: the frame of its request (0: none)
	ResponseIn    uint32 // on a request: the frame of its response (known after the whole trace; 0: none)
	PrevRequestIn uint32 // the frame of the previous request of the conversation
	PrevRespIn    uint32 // the frame of the previous response
	TimeNS        int64  // on a response: time since its request
	HasTime       bool
	Reassembled   bool // the message spans several segments
	BodyLen       int  // bytes of body in the message
	Truncated     bool // the message was cut short (snapshot length or end of stream)
	// respCode is the value of http.response.code when the head has exactly one line that gives it
	// (codeKnown; see KeepCodes), so that a filter on it does not read the head's lines again.
	respCode  uint16
	codeKnown bool
	noCode    bool // the head has no line that gives http.response.code (with codeKnown)
}

// KeepCodes keeps in i what dissecting the message's head found out about http.response.code, for its
// getter: a filter such as http.response.code >= 400 reads it on every HTTP layer, and walking the
// head's lines again cost more than the rest of the filter. msgLen is the length of the message the
// layer holds: a head longer than that, or with several response lines (rare), is walked as before.
func (i *HTTPInfo) KeepCodes(st *HTTPStep, msgLen int) {
	if !st.codesKnown || st.codes > 1 || st.Hdr > msgLen {
		return
	}
	i.codeKnown, i.noCode, i.respCode = true, st.codes == 0, uint16(st.firstCode)
}

// AddHTTP attaches an HTTP message to the packet: msg holds the message from its first byte (a leading
// CRLF included) and is kept by the packet until the next frame; hdr is the length of its head. The
// first message replaces a trailing Data layer of the TCP payload. It returns the layer's HTTPInfo for
// the caller to fill, or nil when the frame holds too many layers.
func (p *Packet) AddHTTP(msg []byte, hdr int) *HTTPInfo {
	if p.nHTTP == MaxHTTP {
		return nil
	}
	if p.nHTTP == 0 && p.N > 0 && p.Layers[p.N-1].Proto == ProtoData {
		p.N--
	}
	if p.N == MaxLayers {
		return nil
	}
	k := p.nHTTP
	p.nHTTP++
	l := &p.Layers[p.N]
	p.N++
	*l = Layer{Proto: ProtoHTTP, Buf: uint8(2 + k), Aux: uint8(k), Off: 0, Hdr: int32(min(hdr, len(msg))), End: int32(len(msg))}
	p.protos |= 1 << ProtoHTTP
	// A message that lies in the frame (or in its reassembled IP datagram) is addressed there, so that
	// its tree items point at the frame's bytes; a message reassembled from several segments keeps its own
	// buffer.
	if off, ok := subslice(p.Data, msg); ok {
		l.Buf, l.Off = 0, int32(off)
	} else if off, ok := subslice(p.reasm, msg); ok {
		l.Buf, l.Off = 1, int32(off)
	} else {
		p.app[k] = msg
	}
	l.End = l.Off + int32(len(msg))
	p.HTTP[k] = HTTPInfo{}
	return &p.HTTP[k]
}

// subslice reports whether b lies inside buf, and where.
func subslice(buf, b []byte) (int, bool) {
	if len(buf) == 0 || len(b) == 0 {
		return 0, false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if p < start || p+uintptr(len(b)) > start+uintptr(len(buf)) {
		return 0, false
	}
	return int(p - start), true
}

// HTTPLayers returns the number of HTTP messages attached to the packet.
func (p *Packet) HTTPLayers() int { return int(p.nHTTP) }

var (
	fHTTP         = reg(field.Info{Abbrev: "http", Name: "Hypertext Transfer Protocol", Type: field.Protocol}, presence(ProtoHTTP))
	fHTTPRequest  = reg(field.Info{Abbrev: "http.request", Name: "Request", Type: field.Bool, Blurb: "the message is a request"}, httpTypeGetter(HTTPRequest))
	fHTTPResponse = reg(field.Info{Abbrev: "http.response", Name: "Response", Type: field.Bool, Blurb: "the message is a response"}, httpTypeGetter(HTTPResponse))
	_             = reg(field.Info{Abbrev: "http.notification", Name: "Notification", Type: field.Bool}, httpTypeGetter(HTTPNotification))

	fHTTPMethod  = reg(field.Info{Abbrev: "http.request.method", Name: "Request Method", Type: field.String}, httpStartGetter(httpPartMethod))
	fHTTPURI     = reg(field.Info{Abbrev: "http.request.uri", Name: "Request URI", Type: field.String}, httpStartGetter(httpPartURI))
	fHTTPReqVer  = reg(field.Info{Abbrev: "http.request.version", Name: "Request Version", Type: field.String}, httpStartGetter(httpPartReqVersion))
	fHTTPRespVer = reg(field.Info{Abbrev: "http.response.version", Name: "Response Version", Type: field.String}, httpStartGetter(httpPartRespVersion))
	fHTTPCode    = reg(field.Info{Abbrev: "http.response.code", Name: "Status Code", Type: field.Uint, Bits: 16}, httpCodeGetter())
	fHTTPPhrase  = reg(field.Info{Abbrev: "http.response.phrase", Name: "Response Phrase", Type: field.String}, httpStartGetter(httpPartPhrase))
	fHTTPReqLine = reg(field.Info{Abbrev: "http.request.line", Name: "Request line", Type: field.String, Blurb: "a header line of a request"}, httpLineGetter(HTTPRequest))
	fHTTPResLine = reg(field.Info{Abbrev: "http.response.line", Name: "Response line", Type: field.String, Blurb: "a header line of a response"}, httpLineGetter(HTTPResponse))
	fHTTPFullURI = reg(field.Info{Abbrev: "http.request.full_uri", Name: "Full request URI", Type: field.String, Blurb: "http:// + Host + URI"}, httpFullURIGetter())

	fHTTPCLen = reg(field.Info{Abbrev: "http.content_length", Name: "Content length", Type: field.Uint, Bits: 64}, httpCLenGetter())

	fHTTPRequestIn = reg(field.Info{Abbrev: "http.request_in", Name: "Request in frame", Type: field.FrameNum, Blurb: "the frame of the request this response answers"}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) {
		return uint64(h.RequestIn), h.Type == HTTPResponse && h.RequestIn != 0
	}))
	fHTTPResponseIn = reg(field.Info{Abbrev: "http.response_in", Name: "Response in frame", Type: field.FrameNum, Blurb: "the frame of this request's response (needs two passes)"}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) {
		return uint64(h.ResponseIn), h.Type == HTTPRequest && h.ResponseIn != 0
	}))
	fHTTPTime    = reg(field.Info{Abbrev: "http.time", Name: "Time since request", Type: field.RelTime, Blurb: "response frame time minus request frame time"}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) { return uint64(h.TimeNS), h.Type == HTTPResponse && h.HasTime }))
	fHTTPReqNum  = reg(field.Info{Abbrev: "http.request_number", Name: "Request number", Type: field.Uint, Bits: 32}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) { return uint64(h.Number), h.Type == HTTPRequest && h.Number != 0 }))
	fHTTPRespNum = reg(field.Info{Abbrev: "http.response_number", Name: "Response number", Type: field.Uint, Bits: 32}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) { return uint64(h.Number), h.Type == HTTPResponse && h.Number != 0 }))
	fHTTPPrevReq = reg(field.Info{Abbrev: "http.prev_request_in", Name: "Prev request in frame", Type: field.FrameNum}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) {
		return uint64(h.PrevRequestIn), h.Type != HTTPOther && h.PrevRequestIn != 0
	}))
	fHTTPPrevResp = reg(field.Info{Abbrev: "http.prev_response_in", Name: "Prev response in frame", Type: field.FrameNum}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) {
		return uint64(h.PrevRespIn), h.Type == HTTPResponse && h.PrevRespIn != 0
	}))
	fHTTPFileLen = reg(field.Info{Abbrev: "http.content_length_body", Name: "Body length", Type: field.Uint, Bits: 64, Blurb: "bytes of body in the message (wirelens)"}, httpInfoGetter(func(h *HTTPInfo) (uint64, bool) { return uint64(h.BodyLen), h.Type != HTTPOther }))
)

// httpHeaders are the headers Wireshark gives a field of their own, by lower-case name.
var httpHeaders = map[string]field.ID{}

func init() {
	for _, h := range [...]struct{ hdr, abbrev, name string }{
		{"authorization", "http.authorization", "Authorization"},
		{"proxy-authorization", "http.proxy_authorization", "Proxy-Authorization"},
		{"proxy-authenticate", "http.proxy_authenticate", "Proxy-Authenticate"},
		{"www-authenticate", "http.www_authenticate", "WWW-Authenticate"},
		{"content-type", "http.content_type", "Content-Type"},
		{"content-length", "http.content_length_header", "Content length"},
		{"content-encoding", "http.content_encoding", "Content-Encoding"},
		{"transfer-encoding", "http.transfer_encoding", "Transfer-Encoding"},
		{"upgrade", "http.upgrade", "Upgrade"},
		{"user-agent", "http.user_agent", "User-Agent"},
		{"host", "http.host", "Host"},
		{"connection", "http.connection", "Connection"},
		{"cookie", "http.cookie", "Cookie"},
		{"accept", "http.accept", "Accept"},
		{"referer", "http.referer", "Referer"},
		{"accept-language", "http.accept_language", "Accept-Language"},
		{"accept-encoding", "http.accept_encoding", "Accept-Encoding"},
		{"date", "http.date", "Date"},
		{"cache-control", "http.cache_control", "Cache-Control"},
		{"server", "http.server", "Server"},
		{"location", "http.location", "Location"},
		{"sec-websocket-accept", "http.sec_websocket_accept", "Sec-WebSocket-Accept"},
		{"sec-websocket-extensions", "http.sec_websocket_extensions", "Sec-WebSocket-Extensions"},
		{"sec-websocket-key", "http.sec_websocket_key", "Sec-WebSocket-Key"},
		{"sec-websocket-protocol", "http.sec_websocket_protocol", "Sec-WebSocket-Protocol"},
		{"sec-websocket-version", "http.sec_websocket_version", "Sec-WebSocket-Version"},
		{"set-cookie", "http.set_cookie", "Set-Cookie"},
		{"last-modified", "http.last_modified", "Last-Modified"},
		{"x-forwarded-for", "http.x_forwarded_for", "X-Forwarded-For"},
		{"http2-settings", "http.http2_settings", "HTTP2-Settings"},
	} {
		name := h.hdr
		httpHeaders[name] = reg(field.Info{Abbrev: h.abbrev, Name: h.name, Type: field.String, Blurb: "the " + h.name + " header"}, httpHeaderGetter(name))
	}
}

// httpLine is one line of a message head as the dissector's line loop sees it.
type httpLine struct {
	kind  uint8    // httpLineStart, httpLineHeader
	typ   HTTPType // the message type in force at this line
	off   int      // offset of the line in the layer
	line  []byte   // the line without its end of line
	full  []byte   // the line with its end of line
	colon int      // index of the colon in line (headers)
}

const (
	httpLineStart  = 1
	httpLineHeader = 2
)

// httpWalk calls fn for each start and header line of the layer's head, in order, as Wireshark's line
// loop classifies them; fn returns false to stop.
func httpWalk(b []byte, hdr int, fn func(ln httpLine) bool) {
	w := newHTTPLines(b, hdr)
	for w.next() {
		if !fn(w.ln) {
			return
		}
	}
}

// httpLines iterates over the start and header lines of a head as httpWalk does, without a callback,
// for the hot paths (ParseHTTPHead): a closure that writes to the caller's variables makes them escape.
type httpLines struct {
	b   []byte
	off int
	typ HTTPType // the message type in force
	ln  httpLine // the current line, after next returned true
}

// newHTTPLines starts an iteration over the head of b (hdr bytes long).
func newHTTPLines(b []byte, hdr int) httpLines {
	b = b[:min(hdr, len(b))]
	off := 0
	if len(b) > 3 && b[0] == '\r' && b[1] == '\n' {
		off = 2
	}
	return httpLines{b: b, off: off, typ: HTTPOther}
}

// next moves to the next start or header line; false at the end of the head or at a line that is
// neither (Wireshark's loop stops there).
func (w *httpLines) next() bool {
	if w.off >= len(w.b) {
		return false
	}
	b, off := w.b, w.off
	if co := headerNameEnd(b[off:]); co > 0 {
		// A header line: the colon comes before any space or end of line, so the line is no start line
		// (see headerNameEnd), and its end is the first end of line after the colon.
		n, next := httpFindLineEnd(b, off+co, false)
		n += co
		w.ln = httpLine{kind: httpLineHeader, typ: w.typ, off: off, line: b[off : off+n], full: b[off:next], colon: co}
		w.off = next
		return true
	}
	n, next := httpFindLineEnd(b, off, false)
	line := b[off : off+n]
	w.ln = httpLine{off: off, line: line, full: b[off:next]}
	if t, _, ok := httpLineType(line); ok {
		w.typ = t
		w.ln.kind, w.ln.typ = httpLineStart, t
	} else if n == 0 {
		w.off = len(b)
		return false
	} else if c := bytes.IndexByte(line, ':'); c >= 0 {
		w.ln.kind, w.ln.typ, w.ln.colon = httpLineHeader, w.typ, c
	} else {
		w.off = len(b)
		return false
	}
	w.off = next
	return true
}

// headerNameEnd returns the index of the colon that ends a header name at the start of line (a line
// and what follows it), or 0 when the line does not start so: when a space, a CR or a LF comes first,
// or the line starts as a response ("HTTP/", "ICY") or with RFC 2774's "M-" prefix. A line it accepts is
// classified as next's general path would: httpLineType sees no start line in it (its first token, up
// to a space, holds a colon, which no method has) and its first colon is this one. It looks at eight
// bytes of the name at a time in a word (see zeroBytes), which is faster than the general path's
// searches, and than a byte at a time, for names of a few bytes.
func headerNameEnd(line []byte) int {
	if len(line) >= 2 && (line[0] == 'H' && line[1] == 'T' || line[0] == 'I' && line[1] == 'C' || line[0] == 'M' && line[1] == '-') {
		return 0 // perhaps a start line: the general path decides
	}
	const colon, space, cr, lf = ':' * wordOnes, ' ' * wordOnes, '\r' * wordOnes, '\n' * wordOnes
	i := 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:])
		if m := (zeroBytes(x^colon) | zeroBytes(x^space) | zeroBytes(x^cr) | zeroBytes(x^lf)) & wordHigh; m != 0 {
			if j := i + bits.TrailingZeros64(m)>>3; line[j] == ':' {
				return j
			}
			return 0
		}
	}
	for ; i < len(line); i++ {
		switch line[i] {
		case ':':
			return i
		case ' ', '\r', '\n':
			return 0
		}
	}
	return 0
}

func httpTypeGetter(t HTTPType) getter {
	return layerGetter(ProtoHTTP, func(p *Packet, l *Layer, _ []byte) (field.Value, bool) {
		return field.Value{U: 1}, p.HTTP[l.Aux].Type == t
	})
}

func httpInfoGetter(fn func(h *HTTPInfo) (uint64, bool)) getter {
	return layerGetter(ProtoHTTP, func(p *Packet, l *Layer, _ []byte) (field.Value, bool) {
		u, ok := fn(&p.HTTP[l.Aux])
		return field.Value{U: u}, ok
	})
}

// Parts of a start line.
const (
	httpPartMethod = iota
	httpPartURI
	httpPartReqVersion
	httpPartRespVersion
	httpPartCode
	httpPartPhrase
)

// httpStartPart returns a part of a start line, as Wireshark's basic_request_dissector and
// basic_response_dissector split it (an "M-" prefix stays part of the method token, as in Wireshark).
func httpStartPart(line []byte, typ HTTPType, part int) ([]byte, bool) {
	switch typ {
	case HTTPRequest, HTTPNotification:
		if part > httpPartReqVersion {
			return nil, false
		}
		n, next := httpToken(line)
		if n == 0 {
			return nil, false
		}
		if part == httpPartMethod {
			return line[:n], true
		}
		if next > 2 && line[next-1] == ' ' && line[next-2] == ' ' {
			next-- // two spaces: an empty URI
		}
		rest := line[next:]
		n, next = httpToken(rest)
		if part == httpPartURI {
			return rest[:n], true
		}
		return rest[next:], true
	case HTTPResponse:
		if part < httpPartRespVersion {
			return nil, false
		}
		n, next := httpToken(line)
		if n == 0 {
			return nil, false
		}
		if part == httpPartRespVersion {
			return line[:n], true
		}
		rest := line[next:]
		n, next = httpToken(rest)
		if n < 3 {
			return nil, false
		}
		if part == httpPartCode {
			return rest[:3], true
		}
		if len(rest) <= next {
			return nil, false
		}
		return rest[next:], true
	}
	return nil, false
}

func httpStartGetter(part int) getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		for w := newHTTPLines(b, int(l.Hdr)); w.next(); {
			if ln := &w.ln; ln.kind == httpLineStart {
				if v, ok := httpStartPart(ln.line, ln.typ, part); ok {
					dst = append(dst, field.Value{B: p.asciiText(v)})
				}
			}
		}
		return dst
	})
}

func httpCodeGetter() getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		if i := &p.HTTP[l.Aux]; i.codeKnown {
			if i.noCode {
				return dst
			}
			return append(dst, field.Value{U: uint64(i.respCode)})
		}
		for w := newHTTPLines(b, int(l.Hdr)); w.next(); {
			if ln := &w.ln; ln.kind == httpLineStart && ln.typ == HTTPResponse {
				if _, ok := httpStartPart(ln.line, ln.typ, httpPartCode); ok {
					dst = append(dst, field.Value{U: uint64(httpResponseCode(ln.line))})
				}
			}
		}
		return dst
	})
}

func httpLineGetter(typ HTTPType) getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		httpWalk(b, int(l.Hdr), func(ln httpLine) bool {
			if ln.kind == httpLineHeader && ln.typ == typ {
				dst = append(dst, field.Value{B: p.asciiText(ln.full)})
			}
			return true
		})
		return dst
	})
}

// httpHeaderGetter is the getter of a header's field: the value of every header line with that name.
func httpHeaderGetter(name string) getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		for w := newHTTPLines(b, int(l.Hdr)); w.next(); {
			if ln := &w.ln; ln.kind == httpLineHeader && equalFold(ln.line[:ln.colon], name) && httpValidName(ln.line[:ln.colon]) {
				dst = append(dst, field.Value{B: p.asciiText(httpHeaderValue(ln.line, ln.colon))})
			}
		}
		return dst
	})
}

func httpCLenGetter() getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		for w := newHTTPLines(b, int(l.Hdr)); w.next(); {
			if ln := &w.ln; ln.kind == httpLineHeader && equalFold(ln.line[:ln.colon], "content-length") {
				if v, ok := parseStrtoll(httpHeaderValue(ln.line, ln.colon)); ok {
					dst = append(dst, field.Value{U: uint64(v)})
				}
			}
		}
		return dst
	})
}

// httpFullURIGetter builds http.request.full_uri as Wireshark does: the URI itself when it is absolute
// (http:// or https://) or the method is CONNECT, else "http://" + the Host value (trimmed) + the URI.
func httpFullURIGetter() getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		var host, uri, method []byte
		hasHost, hasURI := false, false
		httpWalk(b, int(l.Hdr), func(ln httpLine) bool {
			switch {
			case ln.kind == httpLineStart && ln.typ == HTTPRequest:
				method, _ = httpStartPart(ln.line, ln.typ, httpPartMethod)
				uri, hasURI = httpStartPart(ln.line, ln.typ, httpPartURI)
			case ln.kind == httpLineHeader && equalFold(ln.line[:ln.colon], "host") && httpValidName(ln.line[:ln.colon]):
				host, hasHost = httpHeaderValue(ln.line, ln.colon), true
			}
			return true
		})
		if !hasHost || !hasURI {
			return dst
		}
		var v []byte
		if hasPrefixFold(uri, "http://") || hasPrefixFold(uri, "https://") || hasPrefixFold(method, "CONNECT") {
			v = p.asciiText(uri)
		} else {
			h := trimSpace(host)
			v = p.alloc(7 + len(h) + len(uri))
			if v == nil {
				return dst
			}
			copy(v, "http://")
			copy(v[7:], h)
			copy(v[7+len(h):], uri)
			v = p.asciiText(v)
		}
		return append(dst, field.Value{B: v})
	})
}

// asciiText returns b as Wireshark reads an ASCII string: each byte above 0x7f becomes U+FFFD (copied to
// scratch space only when there is such a byte).
func (p *Packet) asciiText(b []byte) []byte {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	if n == 0 {
		return b
	}
	out := p.alloc(len(b) + 2*n)
	if out == nil {
		return b
	}
	j := 0
	for _, c := range b {
		if c >= 0x80 {
			j += copy(out[j:], "\uFFFD")
		} else {
			out[j] = c
			j++
		}
	}
	return out[:j]
}

// httpSummary is the Info column: the start line of the frame's first message ("GET /old HTTP/1.1",
// "HTTP/1.1 302 Found"), or "Continuation".
func httpSummary(p *Packet, i int, dst []byte) []byte {
	for j := 0; j < p.N; j++ {
		if p.Layers[j].Proto == ProtoHTTP {
			i = j
			break
		}
	}
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	done := false
	httpWalk(b, int(l.Hdr), func(ln httpLine) bool {
		if ln.kind == httpLineStart {
			dst = field.AppendEscaped(dst, ln.line)
			done = true
		}
		return false
	})
	if !done {
		dst = append(dst, "Continuation"...)
	}
	if n := p.nHTTP; n > 1 {
		dst = append(dst, " (+"...)
		dst = strconv.AppendInt(dst, int64(n-1), 10)
		dst = append(dst, " more)"...)
	}
	return dst
}

func httpTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	h := &p.HTTP[l.Aux]
	root := t.Proto("Hypertext Transfer Protocol", "http", 0, len(b))
	if len(b) > 3 && b[0] == '\r' && b[1] == '\n' {
		t.Expert(root, "chat", "Leading CRLF previous message in the stream may have extra CRLF")
	}
	var last int
	httpWalk(b, int(l.Hdr), func(ln httpLine) bool {
		last = ln.off + len(ln.full)
		text := string(field.AppendEscaped(nil, ln.full))
		switch ln.kind {
		case httpLineStart:
			n := t.Text(root, text, ln.off, len(ln.full))
			if ln.typ == HTTPResponse {
				if v, ok := httpStartPart(ln.line, ln.typ, httpPartRespVersion); ok {
					t.Add(n, fHTTPRespVer, field.Value{B: v}, ln.off, len(v))
				}
				if _, ok := httpStartPart(ln.line, ln.typ, httpPartCode); ok {
					code := httpResponseCode(ln.line)
					t.AddLabel(n, fHTTPCode, field.Value{U: uint64(code)}, "Status Code: "+strconv.Itoa(code)+httpStatusText(code), ln.off, 3)
				}
				if v, ok := httpStartPart(ln.line, ln.typ, httpPartPhrase); ok {
					t.Add(n, fHTTPPhrase, field.Value{B: v}, ln.off, len(v))
				}
			} else {
				for _, part := range [...]struct {
					id field.ID
					p  int
				}{{fHTTPMethod, httpPartMethod}, {fHTTPURI, httpPartURI}, {fHTTPReqVer, httpPartReqVersion}} {
					if v, ok := httpStartPart(ln.line, ln.typ, part.p); ok {
						t.Add(n, part.id, field.Value{B: v}, ln.off, len(v))
					}
				}
			}
		case httpLineHeader:
			name := ln.line[:ln.colon]
			id, known := httpHeaders[string(bytes.ToLower(name))]
			if known && httpValidName(name) {
				nd := t.AddLabel(root, id, field.Value{B: httpHeaderValue(ln.line, ln.colon)}, text, ln.off, len(ln.full))
				if id == httpHeaders["content-length"] {
					if v, ok := parseStrtoll(httpHeaderValue(ln.line, ln.colon)); ok {
						t.Add(nd, fHTTPCLen, field.Value{U: uint64(v)}, ln.off, len(ln.full))
					}
				}
				if id == httpHeaders["authorization"] || id == httpHeaders["www-authenticate"] || id == httpHeaders["proxy-authorization"] || id == httpHeaders["proxy-authenticate"] {
					ntlmTree(p, t, nd, httpHeaderValue(ln.line, ln.colon))
				}
			} else {
				lineID := fHTTPReqLine
				if ln.typ == HTTPResponse {
					lineID = fHTTPResLine
				}
				t.AddLabel(root, lineID, field.Value{B: ln.full}, text, ln.off, len(ln.full))
			}
		}
		return true
	})
	if int(l.Hdr) > last && last > 0 {
		t.Text(root, `\r\n`, last, int(l.Hdr)-last)
	}
	gen := func(id field.ID, v field.Value) {
		nd := t.Add(root, id, v, 0, 0)
		nd.Label = "[" + nd.Label + "]"
		nd.Off = -1
	}
	switch h.Type {
	case HTTPRequest:
		if vals := p.Values(fHTTPFullURI, nil); len(vals) > 0 {
			gen(fHTTPFullURI, vals[0])
		}
		if h.Number != 0 {
			gen(fHTTPReqNum, field.Value{U: uint64(h.Number)})
		}
		if h.PrevRequestIn != 0 {
			gen(fHTTPPrevReq, field.Value{U: uint64(h.PrevRequestIn)})
		}
		if h.ResponseIn != 0 {
			gen(fHTTPResponseIn, field.Value{U: uint64(h.ResponseIn)})
		}
	case HTTPResponse:
		if h.Number != 0 {
			gen(fHTTPRespNum, field.Value{U: uint64(h.Number)})
		}
		if h.HasTime {
			gen(fHTTPTime, field.Value{U: uint64(h.TimeNS)})
		}
		if h.PrevRequestIn != 0 {
			gen(fHTTPPrevReq, field.Value{U: uint64(h.PrevRequestIn)})
		}
		if h.PrevRespIn != 0 {
			gen(fHTTPPrevResp, field.Value{U: uint64(h.PrevRespIn)})
		}
		if h.RequestIn != 0 {
			gen(fHTTPRequestIn, field.Value{U: uint64(h.RequestIn)})
		}
	}
	if body := h.BodyLen; body > 0 {
		kept := len(b) - int(l.Hdr)
		label := "File Data: " + strconv.Itoa(body) + " bytes"
		switch {
		case kept >= body:
		case kept > 0:
			label += " (the first " + strconv.Itoa(kept) + " kept: a line this long that is neither a start line nor a header line is kept only in its start)"
		default:
			label += " (not kept: only the message head is kept for a body of known length)"
		}
		t.Text(root, label, int(l.Hdr), max(kept, 0))
	}
	if h.Truncated {
		t.Expert(root, "warning", "The message body is cut short")
	}
}

// httpStatusText is the meaning Wireshark appends to a status code (" Found").
func httpStatusText(code int) string {
	if s, ok := httpStatusNames[code]; ok {
		return " " + s
	}
	return ""
}

var httpStatusNames = map[int]string{
	100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non-authoritative Information", 204: "No Content",
	205: "Reset Content", 206: "Partial Content", 207: "Multi-Status",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
	305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
	405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
	408: "Request Time-out", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
	413: "Request Entity Too Large", 414: "Request-URI Too Long", 415: "Unsupported Media Type",
	416: "Requested Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot",
	421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency",
	426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
	431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
	504: "Gateway Time-out", 505: "HTTP Version not supported", 507: "Insufficient Storage",
	511: "Network Authentication Required",
}

// MessageBytes returns the bytes of the k-th HTTP message of the frame, or nil. Tree nodes with Buf
// "message" refer to it (a message reassembled from several segments); a message that lies in the frame
// is addressed in the frame's bytes instead.
func (p *Packet) MessageBytes(k int) []byte {
	for i := 0; i < p.N; i++ {
		if l := &p.Layers[i]; l.Proto == ProtoHTTP && int(l.Aux) == k {
			return p.LayerBytes(l)
		}
	}
	return nil
}

// HTTPHead is the start line and the main headers of a message, as byte slices into the message.
type HTTPHead struct {
	Type                                   HTTPType
	Method, URI, Version                   []byte
	Code                                   int
	Phrase                                 []byte
	Host, Server, Location, ContentType    []byte
	UserAgent, Authorization, Authenticate []byte
	ContentLength                          int64 // -1 when absent or invalid
	Chunked                                bool
	// Ambiguous is set when the framing can be read two ways (request smuggling): Content-Length
	// headers that disagree, or Content-Length together with Transfer-Encoding (RFC 9112 §6.3).
	Ambiguous bool
}

// The headers ParseHTTPHead keeps.
const (
	keptNone uint8 = iota
	keptHost
	keptServer
	keptLocation
	keptUserAgent
	keptContentType
	keptAuthorization
	keptAuthenticate
	keptContentLength
	keptTransferEncoding
)

// headKept are the headers ParseHTTPHead keeps, by the length of their names (no two share one, so a
// header line is compared with one name at most); which says where the value goes.
var headKept = func() (t [18]struct {
	name  string
	which uint8
}) {
	for _, k := range []struct {
		name  string
		which uint8
	}{
		// Spelt as they usually are, which equalFold compares in one go (any other spelling is
		// compared a byte at a time).
		{"Host", keptHost},
		{"Server", keptServer},
		{"Location", keptLocation},
		{"User-Agent", keptUserAgent},
		{"Content-Type", keptContentType},
		{"Authorization", keptAuthorization},
		{"WWW-Authenticate", keptAuthenticate},
		{"Content-Length", keptContentLength},
		{"Transfer-Encoding", keptTransferEncoding},
	} {
		if t[len(k.name)].name != "" {
			panic("dissect: two kept HTTP headers with names of one length: " + k.name)
		}
		t[len(k.name)] = k
	}
	return t
}()

// startLine fills the start line's parts of a head of type h.Type, as httpStartPart and
// httpResponseCode read them, in one pass over the line (they read its first tokens again for each part).
func (h *HTTPHead) startLine(line []byte) {
	n, next := httpToken(line)
	if n == 0 {
		return
	}
	if h.Type != HTTPResponse {
		h.Method = line[:n]
		if next > 2 && line[next-1] == ' ' && line[next-2] == ' ' {
			next-- // two spaces: an empty URI
		}
		rest := line[next:]
		n, next = httpToken(rest)
		h.URI, h.Version = rest[:n], rest[next:]
		return
	}
	h.Version = line[:n]
	rest := line[next:]
	n, next = httpToken(rest)
	if n < 3 {
		return
	}
	for _, d := range rest[:3] {
		if d < '0' || d > '9' {
			break
		}
		h.Code = h.Code*10 + int(d-'0')
	}
	if len(rest) > next {
		h.Phrase = rest[next:]
	}
}

// ParseHTTPHead reads the head of a message (msg from its first byte, hdr the head's length).
func ParseHTTPHead(msg []byte, hdr int) HTTPHead {
	var h HTTPHead
	h.Parse(msg, hdr)
	return h
}

// Parse is ParseHTTPHead into h (whatever h held before is overwritten): for a caller that keeps the
// head in a larger structure, which then is not copied whole for every message.
func (h *HTTPHead) Parse(msg []byte, hdr int) {
	b := msg[:min(hdr, len(msg))]
	off := 0
	if len(b) > 3 && b[0] == '\r' && b[1] == '\n' {
		off = 2
	}
	h.walk(b, off, false)
}

// ParseWhole parses the head at the start of b into h when b holds it whole in the usual form: a start
// line first, and every line up to the blank line that ends the head ending with CRLF, so that a reader
// that ends lines at LF finds the same end. It returns the head's length, its blank line included; h is
// then what Parse gives for b[:n], its slices in b. It returns 0 for any other bytes (h is then
// undefined): the head is not whole in b, or has another form, and the caller reads it another way. A
// reader of a stream that would otherwise find the head's end and then parse it reads the lines once.
func (h *HTTPHead) ParseWhole(b []byte) int { return h.walk(b, 0, true) }

// walk reads the lines of a head from b[off:] into h, for Parse and ParseWhole. The lines as
// httpLines.next walks them, written out here without its line structure, which costs more to fill in
// than a short header line costs to read. With whole set it stops, returning 0, at anything but the usual
// form (see ParseWhole), and returns the offset after the blank line.
func (h *HTTPHead) walk(b []byte, off int, whole bool) int {
	*h = HTTPHead{ContentLength: -1}
	clSeen, teSeen := false, false
	for off < len(b) {
		var line []byte
		colon := headerNameEnd(b[off:])
		if colon > 0 {
			n, next := httpFindLineEnd(b, off+colon, false)
			if whole && (off == 0 || next != off+colon+n+2) {
				return 0 // not a start line first; a line that does not end with CRLF, or no end of line in b
			}
			line, off = b[off:off+colon+n], next
		} else {
			start := off
			n, next := httpFindLineEnd(b, off, false)
			if whole && next != off+n+2 {
				return 0
			}
			line, off = b[off:off+n], next
			if t, _, ok := httpLineType(line); ok {
				h.Type = t
				h.startLine(line)
				continue
			}
			if whole && start == 0 {
				return 0
			}
			if n == 0 {
				return off // the blank line
			}
			if colon = bytes.IndexByte(line, ':'); colon < 0 {
				return 0 // a line Parse stops at, before the blank line
			}
		}
		if name := line[:colon]; keptLen(name) {
			h.keep(name, line, colon, &clSeen, &teSeen)
		}
	}
	return 0
}

// keptLen reports whether one of headKept has a name of name's length (keep compares the names).
func keptLen(name []byte) bool { return len(name) < len(headKept) && headKept[len(name)].name != "" }

// keep records a header line (its name ends at colon) if the header is the one of headKept whose name
// has the name's length (the caller has checked there is one: keptLen), the names compared after folding ASCII
// case. clSeen and teSeen say whether a Content-Length or a Transfer-Encoding came before (Ambiguous).
func (h *HTTPHead) keep(name, line []byte, colon int, clSeen, teSeen *bool) {
	k := headKept[len(name)]
	if !equalFold(name, k.name) {
		return
	}
	v := httpHeaderValue(line, colon)
	switch k.which {
	case keptContentLength:
		n, ok := parseStrtoll(v)
		if !ok {
			n = -1
		}
		if *clSeen && n != h.ContentLength || *teSeen {
			h.Ambiguous = true
		}
		h.ContentLength, *clSeen = n, true
	case keptTransferEncoding:
		h.Chunked = httpChunkedCoding(v)
		if *clSeen {
			h.Ambiguous = true
		}
		*teSeen = true
	case keptHost:
		h.Host = v
	case keptServer:
		h.Server = v
	case keptLocation:
		h.Location = v
	case keptUserAgent:
		h.UserAgent = v
	case keptContentType:
		h.ContentType = v
	case keptAuthorization:
		h.Authorization = v
	case keptAuthenticate:
		h.Authenticate = v
	}
}

// Rebase moves h's slices, which lie in from (the head h was read from, from its first byte), to the
// same offsets in to, a copy of those bytes: a head Parse gave for from is then what it gives for to. A
// caller that keeps the head after the bytes it was read from are gone (package analysis copies a head
// that tshark's view read from a segment) moves it so.
func (h *HTTPHead) Rebase(from, to []byte) {
	h.Method, h.URI, h.Version = rebase(h.Method, from, to), rebase(h.URI, from, to), rebase(h.Version, from, to)
	h.Phrase, h.Host, h.Server = rebase(h.Phrase, from, to), rebase(h.Host, from, to), rebase(h.Server, from, to)
	h.Location, h.ContentType = rebase(h.Location, from, to), rebase(h.ContentType, from, to)
	h.UserAgent, h.Authorization = rebase(h.UserAgent, from, to), rebase(h.Authorization, from, to)
	h.Authenticate = rebase(h.Authenticate, from, to)
}

// rebase returns the part of to at x's offset in from. x is a slice of from's array at or after from's
// start (a slice's capacity runs to the end of its array, so the offset is the difference of the two).
func rebase(x, from, to []byte) []byte {
	if x == nil {
		return nil
	}
	o := cap(from) - cap(x)
	return to[o : o+len(x)]
}
