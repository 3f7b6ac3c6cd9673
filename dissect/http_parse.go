package dissect

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The HTTP/1.x message parser. It is stateless about TCP: package analysis feeds it the bytes of one
// direction of a stream (a segment, or a PDU reassembled from several) and it says, as Wireshark 4.0's
// HTTP dissector does, how many bytes the next message takes, or how many more bytes it needs before it
// can be dissected (the desegmentation request of the TCP layer). The rules follow
// ../shared/spec/tcp-http-analysis.md §6 and were checked against tshark 4.0.17: header desegmentation by
// lines, then the body by chunked coding, Content-Length (the last valid one) or, for a response, until the
// end of the stream; no body for HEAD responses, 1xx, 204, 304 and 2xx to CONNECT.

// HTTPType says what a message is.
type HTTPType uint8

// HTTP message types (Wireshark's http_type_t).
const (
	HTTPOther        HTTPType = iota // not a request or response: "Continuation" data of an HTTP stream
	HTTPRequest                      // a request line and its headers
	HTTPResponse                     // a status line and its headers
	HTTPNotification                 // NOTIFY, SUBSCRIBE, UNSUBSCRIBE (UPnP GENA)
)

// Special values of HTTPStep.Need.
const (
	HTTPNeedOneMoreSegment = -1 // the message needs at least the next segment (its length is not known yet)
	HTTPNeedUntilFIN       = -2 // the message runs until the end of the stream
)

// HTTPConvState is the per-TCP-conversation state the HTTP dissector keeps (Wireshark's http_conv_t): it
// is shared by both directions.
type HTTPConvState struct {
	// SeenRequest is set once a request line has been dissected: data that is not a message is then
	// "Continuation" of the HTTP stream rather than something else.
	SeenRequest bool
	// Method is the method of the most recent request line (for the HEAD and CONNECT body rules).
	Method    [16]byte
	MethodLen uint8
	// Code is the status code of the most recent response line.
	Code int
	// Switched is set when a 101 response to an Upgrade or a 2xx to CONNECT turns the stream into
	// another protocol: what follows is not HTTP.
	Switched bool
	// Head, if set, receives the head of each message read (see HTTPStep.HeadRead): a caller that also
	// needs the message's HTTPHead gets it from the dissector's walk over the lines instead of reading
	// them again with ParseHTTPHead.
	Head *HTTPHead
}

func (s *HTTPConvState) method() []byte { return s.Method[:s.MethodLen] }

func (s *HTTPConvState) setMethod(m []byte) {
	s.MethodLen = uint8(copy(s.Method[:], m))
}

// HTTPStep is the outcome of dissecting one message at the start of a buffer.
type HTTPStep struct {
	// Layer is set when the bytes are shown as HTTP: a message, or Continuation data.
	Layer bool
	Type  HTTPType
	// Len is the number of bytes the message takes (header, body); -1 when dissection stops here (no
	// further message in this buffer).
	Len int
	// Hdr is the length of the message head (leading CRLF, start line, header lines, blank line).
	Hdr int
	// NeedOff and Need form the desegmentation request: the message starting at NeedOff needs Need more
	// bytes (or one of the HTTPNeed constants). Need is 0 when nothing is requested.
	NeedOff, Need int
	// Code is the status code of a response (0 if none); HeadOnly says the response has no body
	// because of its request's method or its status.
	Code int
	// Aborted is set when Wireshark would stop with an exception inside the header lines (a line
	// without a colon at the very end of the data): the message is shown but not paired.
	Aborted bool
	// BodyStart is, with a desegmentation request, the offset where the message's body starts once its
	// head is complete; 0 while the head is not complete.
	BodyStart int
	// codes counts the head's response lines that give http.response.code (the getter's test), and
	// firstCode is the first one's; codesKnown says the head was read to its end (see HTTPInfo.KeepCodes).
	codes      int
	firstCode  int
	codesKnown bool
	// HeadRead says the message's head was read into HTTPConvState.Head (set when dissecting): it starts
	// with a start line, every one of its lines up to the blank line that ends it ends with CRLF, and
	// it lies whole in the data. Head is then what ParseHTTPHead gives for the message's Hdr bytes, its
	// slices in the data dissected.
	HeadRead bool
}

// HTTPNeed is the desegmentation request left by DissectHTTPPDUs: the message at Off needs Need more
// bytes (or an HTTPNeed constant); Need 0: none.
type HTTPNeed struct {
	Off, Need int
	// BodyStart is where the message's body starts, 0 while its head is incomplete (then more data only
	// changes the answer once it holds an end of line).
	BodyStart int
}

// httpFindLineEnd returns the length of the line starting at off in b and the offset after its end of
// line, as Wireshark's tvb_find_line_end: the line ends at CR, LF or CRLF. With desegment set, a buffer
// that ends before an end of line (or right after a CR that a LF could follow) gives -1.
func httpFindLineEnd(b []byte, off int, desegment bool) (n, next int) {
	rest := b[off:]
	i := indexCRLF(rest)
	if i < 0 {
		if desegment {
			return -1, off
		}
		return len(rest), len(b)
	}
	if rest[i] == '\r' {
		if i+1 >= len(rest) {
			if desegment {
				return -1, off
			}
		} else if rest[i+1] == '\n' {
			return i, off + i + 2
		}
	}
	return i, off + i + 1
}

// Word-at-a-time byte search (indexCRLF, headerNameEnd): byte k of a word x equals c exactly when byte
// k of x^(c*wordOnes) is zero.
const (
	wordOnes = 0x0101010101010101
	wordHigh = 0x8080808080808080
)

// zeroBytes, masked with wordHigh, has the high bit set in v's lowest zero byte (and perhaps in bytes above
// it, never below), so that in an OR of several, masked once, the lowest bit set marks the first byte that
// is any of their bytes.
func zeroBytes(v uint64) uint64 { return (v - wordOnes) &^ v }

// indexCRLF returns the index of the first CR or LF in b, or -1. Header lines are short (a few dozen
// bytes), so it looks at eight bytes at a time in a word (see zeroBytes) rather than calling
// bytes.IndexByte twice, whose set-up costs more than the search on such lines.
func indexCRLF(b []byte) int {
	const cr, lf = '\r' * wordOnes, '\n' * wordOnes
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := (zeroBytes(x^cr) | zeroBytes(x^lf)) & wordHigh; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '\r' || b[i] == '\n' {
			return i
		}
	}
	return -1
}

// httpToken returns the length of the token at the start of b (up to a space or the end) and the offset
// of the next token (spaces skipped), as Wireshark's get_token_len.
func httpToken(b []byte) (n, next int) {
	for n < len(b) && !httpTokenEnd[b[n]] {
		n++
	}
	next = n
	for next < len(b) && b[next] == ' ' {
		next++
	}
	return n, next
}

// httpTokenEnd marks the bytes that end a token for httpToken: a space, a CR, a LF.
var httpTokenEnd = [256]bool{' ': true, '\r': true, '\n': true}

var httpMethods = [...][]string{
	3:  {"GET", "PUT"},
	4:  {"COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST"},
	5:  {"BCOPY", "BMOVE", "MKCOL", "TRACE", "PATCH", "LABEL", "MERGE"},
	6:  {"DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE"},
	7:  {"BDELETE", "CONNECT", "OPTIONS", "CHECKIN"},
	8:  {"PROPFIND", "CHECKOUT", "CCM_POST"},
	9:  {"PROPPATCH", "BPROPFIND"},
	10: {"BPROPPATCH", "UNCHECKOUT", "MKACTIVITY"},
	11: {"MKWORKSPACE", "RPC_CONNECT", "RPC_IN_DATA"},
	12: {"RPC_OUT_DATA"},
	15: {"VERSION-CONTROL"},
	16: {"BASELINE-CONTROL", "SSTP_DUPLEX_POST"},
}

// httpLineType classifies a line as Wireshark's is_http_request_or_reply does: "HTTP/" or "ICY" starts a
// response; a known method followed by a space (or the end of the line) a request; NOTIFY, SUBSCRIBE and
// UNSUBSCRIBE a notification. The method is case-sensitive; an "M-" prefix (RFC 2774) is skipped.
// It returns the method token for requests and notifications.
func httpLineType(line []byte) (HTTPType, []byte, bool) {
	if len(line) >= 2 && line[0] == 'M' && line[1] == '-' {
		line = line[2:]
	}
	if bytes.HasPrefix(line, []byte("HTTP/")) || bytes.HasPrefix(line, []byte("ICY")) {
		return HTTPResponse, nil, true
	}
	n := bytes.IndexByte(line, ' ')
	if n < 0 {
		n = len(line)
	}
	m := line[:n]
	if n > 0 && m[n-1] == ':' {
		return HTTPOther, nil, false // a header name: no method ends with a colon
	}
	switch string(m) {
	case "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE":
		return HTTPNotification, m, true
	}
	if n < len(httpMethods) {
		for _, s := range httpMethods[n] {
			if string(m) == s {
				return HTTPRequest, m, true
			}
		}
	}
	return HTTPOther, nil, false
}

// HTTPStartsNoMessage reports whether a line that begins with b, however it goes on, is not a start
// line (httpLineType): b is at least httpDecidedPrefix bytes long and gives no request, response or
// notification. httpLineType reads the line up to its first space, and no method it knows is longer
// than 16 bytes (18 with the "M-" prefix), so the rest of the line cannot change its answer.
func HTTPStartsNoMessage(b []byte) bool {
	if len(b) < httpDecidedPrefix {
		return false
	}
	_, _, ok := httpLineType(b[:httpDecidedPrefix])
	return !ok
}

// httpDecidedPrefix is the length of a line's start that decides httpLineType's answer (see
// HTTPStartsNoMessage): longer than the "M-" prefix and the longest method.
const httpDecidedPrefix = 2 + 16 + 2

func isPrint(c byte) bool { return c >= 0x20 && c < 0x7f }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// hasPrefixFold reports whether b begins with prefix, ignoring the case of ASCII letters only (as
// Wireshark's g_ascii_strncasecmp).
func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	b = b[:len(prefix)]
	if string(b) == prefix {
		return true // the usual spelling: one comparison of memory
	}
	for i := 0; i < len(prefix); i++ {
		if lowerASCII[b[i]] != lowerASCII[prefix[i]] {
			return false
		}
	}
	return true
}

// lowerASCII maps each byte to its lower case in ASCII (A-Z to a-z), and every other byte to itself.
var lowerASCII = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		t[i] = c
	}
	return t
}()

// cDecimal reads a decimal number as C's strtoll does: leading white space, an optional sign, digits. It
// returns the magnitude, the sign, whether a digit was read, whether the magnitude overflowed (it stops
// growing then), and the offset after the digits.
func cDecimal(b []byte) (mag int64, neg, digits, over bool, end int) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if mag > (1<<63-1)/10-1 {
			over = true
		} else {
			mag = mag*10 + int64(b[i]-'0')
		}
		i++
	}
	return mag, neg, i > start, over, i
}

// parseStrtoi32 is Wireshark's ws_strtoi32 over the whole of b (C strtoll rules: leading white space,
// a sign, decimal digits, and nothing after). On failure it returns the value C leaves behind (0, or the
// clamped bound on overflow).
func parseStrtoi32(b []byte) (int32, bool) {
	v, neg, digits, over, end := cDecimal(b)
	if !digits || end != len(b) {
		return 0, false
	}
	if neg {
		v = -v
	}
	switch {
	case over && neg, v < -1<<31:
		return -1 << 31, false
	case over, v > 1<<31-1:
		return 1<<31 - 1, false
	}
	return int32(v), true
}

// parseHexSize is C's sscanf("%x"): white space, an optional sign and 0x prefix, hex digits.
func parseHexSize(b []byte) (uint64, bool) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i+1 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') && i+2 < len(b) && hexVal(b[i+2]) >= 0 {
		i += 2
	}
	start := i
	var v uint64
	for i < len(b) && hexVal(b[i]) >= 0 {
		if v < 1<<60 {
			v = v<<4 | uint64(hexVal(b[i]))
		} else {
			v = ^uint64(0) // C saturates an overflowing conversion
		}
		i++
	}
	if i == start {
		return 0, false
	}
	if neg {
		v = uint64(uint32(-int64(v)))
	}
	return v & 0xffffffff, true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// httpNeed is the result of Wireshark's req_resp_hdrs_do_reassembly: need == 0 when the message at off
// is complete in b (or cannot be completed), else the number of bytes it still needs (or an HTTPNeed
// constant).
func httpNeed(b []byte, have, off int, body, untilFIN bool) (need, bodyStart int) {
	next := off
	clFound, ctRPC, chunked := false, false, false
	var cl int32
	for {
		if next >= len(b) {
			return HTTPNeedOneMoreSegment, 0
		}
		save := next
		n, nx := httpFindLineEnd(b, next, true)
		if n < 0 {
			return HTTPNeedOneMoreSegment, 0
		}
		next = nx
		if n == 0 {
			break
		}
		if !body {
			continue
		}
		line := b[save : save+n]
		// The first letter says which of the three headers the line may be; "Content-" is compared
		// once for two of them (a Connection header fails there).
		switch lowerASCII[line[0]] {
		case 'c':
			if !hasPrefixFold(line, "Content-") {
				continue
			}
		case 't':
		default:
			continue
		}
		switch {
		case hasPrefixFold(line, "Content-Length:"):
			if v, ok := parseStrtoi32(trimSpace(line[15:])); ok && v >= 0 {
				cl, clFound = v, true
			} else {
				cl = v
			}
		case hasPrefixFold(line, "Content-Type:"):
			ct := line[13:]
			for len(ct) > 0 && ct[0] == ' ' {
				ct = ct[1:]
			}
			ctRPC = bytes.HasPrefix(ct, []byte("application/rpc"))
		case hasPrefixFold(line, "Transfer-Encoding:"):
			v := line[18:]
			for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
				v = v[1:]
			}
			if hasPrefixFold(v, "chunked") {
				chunked = true
			}
		}
	}
	bodyStart = next
	if !body {
		return 0, bodyStart
	}
	switch {
	case chunked:
		for {
			if next >= len(b) {
				return HTTPNeedOneMoreSegment, bodyStart
			}
			n, chunkOff := httpFindLineEnd(b, next, true)
			if n < 0 {
				return HTTPNeedOneMoreSegment, bodyStart
			}
			line := b[next : next+n]
			if i := bytes.IndexByte(line, ';'); i >= 0 {
				line = line[:i]
			}
			size, ok := parseHexSize(line)
			if !ok || size > 1<<31 {
				return 0, bodyStart
			}
			if size == 0 {
				if n, _ := httpFindLineEnd(b, chunkOff, true); n < 0 {
					return HTTPNeedOneMoreSegment, bodyStart
				}
				return 0, bodyStart
			}
			if len(b)-next > int(size) {
				next = chunkOff + int(size) + 2
			} else {
				return HTTPNeedOneMoreSegment, bodyStart
			}
		}
	case clFound:
		if cl >= 128*1024 {
			if ctRPC || bytes.HasPrefix(b, []byte("RPC_IN_DATA")) || bytes.HasPrefix(b, []byte("RPC_OUT_DATA")) {
				return 0, bodyStart
			}
		}
		if int64(have-next) < int64(cl) {
			return int(int64(cl) - int64(have-next)), bodyStart
		}
	case untilFIN:
		return HTTPNeedUntilFIN, bodyStart
	}
	return 0, bodyStart
}

// DissectHTTP dissects the message at off in b, as Wireshark 4.0's dissect_http_message does for one
// TCP payload or reassembled PDU. reported is the length the data had on the wire (larger than len(b)
// only when the frame was cut by the snapshot length); canDesegment says the TCP layer can collect
// more data for it (the whole segment was captured); endOfStream says the segment carries a FIN.
// st is the conversation's state, updated as the dissector does.
//
// A reassembled message whose body was counted but not kept (package analysis keeps only the head of a
// message with a Content-Length) is passed with have > len(b): the body checks use have.
func DissectHTTP(st *HTTPConvState, b []byte, off, reported int, endOfStream, canDesegment bool) HTTPStep {
	return dissectHTTP(st, b, len(b), off, reported, endOfStream, canDesegment)
}

func dissectHTTP(st *HTTPConvState, b []byte, have, off, reported int, endOfStream, canDesegment bool) HTTPStep {
	orig := off
	var r HTTPStep
	r.Len = -1
	if reported-off < 1 || off >= len(b) {
		return r
	}
	if reported-off > 3 && off+1 < len(b) && b[off] == '\r' && b[off+1] == '\n' {
		off += 2
		if off >= len(b) {
			return r
		}
	}
	seen := st.SeenRequest
	if !isPrint(b[off]) {
		if seen {
			r.Layer, r.Type, r.Hdr = true, HTTPOther, 0
		}
		return r
	}
	firstOff := off
	firstLen, firstNext := httpFindLineEnd(b, off, true)
	if firstLen < 0 && canDesegment {
		r.NeedOff, r.Need = off, HTTPNeedOneMoreSegment
		return r
	}
	var first []byte
	if firstLen < 0 {
		first = b[off:]
	} else {
		first = b[off : off+firstLen]
	}
	typ, method, isMsg := httpLineType(first)
	// A response's status is read once, here or in the line loop.
	var firstStatus httpStatus
	statusRead := false
	if isMsg {
		if canDesegment {
			body := !endOfStream
			if body && typ == HTTPResponse {
				firstStatus, statusRead = httpStatusOf(first), true
				code := firstStatus.exact
				m := string(st.method())
				if m == "HEAD" || (code/100 == 2 && (m == "CONNECT" || m == "SSTP_DUPLEX_POST")) ||
					code/100 == 1 || code == 204 || code == 304 {
					body = false
				}
			}
			if need, bodyStart := httpNeed(b[:min(len(b), reported)], max(have, min(len(b), reported)), off, body, typ == HTTPResponse); need != 0 {
				r.NeedOff, r.Need, r.BodyStart = off, need, bodyStart
				return r
			}
		}
	}
	r.Layer = isMsg || seen

	// The line loop: the start line, header lines, up to the blank line. With st.Head set, the head is
	// also read as ParseHTTPHead reads it (same lines, same classification: a start line's first token
	// holds no colon, so headerNameEnd, which Parse asks first, does not take the first line for a
	// header), while every line ends with CRLF, so that its end is where a reader that ends lines at LF
	// finds it too.
	hd := st.Head
	canon := hd != nil && firstOff == orig && firstLen >= 0 && isMsg
	if canon {
		*hd = HTTPHead{ContentLength: -1}
	}
	var clSeen, teSeen bool
	msgType := HTTPOther
	sawLine := false
	var clValid bool
	var cl int64
	te := false
	chunked := false
	upgrade := false
	code := 0
	for off < len(b) {
		var n, next int
		var t HTTPType
		var m []byte
		var ok bool
		if off == firstOff && firstLen >= 0 {
			// The first line, classified above (its end is the same with or without desegmentation, as
			// it has one).
			n, next, t, m, ok = firstLen, firstNext, typ, method, isMsg
		} else {
			if co := headerNameEnd(b[off:]); co > 0 {
				// A header line (see headerNameEnd: no start line, and its first colon is at co), found
				// without the general path's searches; what it does with the header is the same as below.
				n, next := httpFindLineEnd(b, off+co, false)
				line := b[off : off+co+n]
				r.Layer = true
				sawLine = true
				name := line[:co]
				if httpValidName(name) {
					httpFraming(name, httpHeaderValue(line, co), &clValid, &cl, &te, &chunked, &upgrade)
				}
				if canon {
					canon = next == off+co+n+2
					if keptLen(name) {
						hd.keep(name, line, co, &clSeen, &teSeen)
					}
				}
				off = next
				continue
			}
			n, next = httpFindLineEnd(b, off, false)
			t, m, ok = httpLineType(b[off : off+n])
		}
		line := b[off : off+n]
		if canon {
			canon = next == off+n+2
		}
		if ok {
			if canon {
				hd.Type = t
				hd.startLine(line)
			}
			msgType = t
			sawLine = true
			r.Layer = true
			if t == HTTPRequest || t == HTTPNotification {
				st.setMethod(m)
				if t == HTTPRequest {
					st.SeenRequest = true
				}
			} else {
				status := firstStatus
				if off != firstOff || !statusRead {
					status = httpStatusOf(line)
				}
				code = status.code
				st.Code = code
				if status.hasCode {
					if r.codes == 0 {
						r.firstCode = code
					}
					r.codes++
				}
			}
			off = next
			continue
		}
		if n == 0 {
			r.Layer = true
			off = next
			r.HeadRead = canon
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			if sawLine && next >= len(b) && off+n >= len(b) {
				// Wireshark throws an exception here: a line cut short at the end of the data.
				r.Layer = true
				r.Aborted = true
				r.Type = msgType
				r.Hdr = len(b) - orig
				return r
			}
			break
		}
		r.Layer = true
		sawLine = true
		name := line[:colon]
		if httpValidName(name) {
			httpFraming(name, httpHeaderValue(line, colon), &clValid, &cl, &te, &chunked, &upgrade)
		}
		if canon && keptLen(name) {
			hd.keep(name, line, colon, &clSeen, &teSeen)
		}
		off = next
	}
	r.Type = msgType
	r.Hdr = off - orig
	r.Code = code
	r.codesKnown = true
	if !r.Layer {
		return r
	}

	// The body.
	data := max(have, len(b)) - off
	switch {
	case clValid && !te:
		if int64(data) > cl {
			data = int(cl)
		}
	case msgType == HTTPRequest:
		if !te {
			data = 0
		}
	case msgType == HTTPResponse:
		if code/100 == 1 || code == 204 || code == 304 {
			data = 0
		}
	}
	if data > 0 && chunked {
		if n := httpChunkedLen(b[off : off+data]); n > 0 {
			data = n
		}
	}
	off += data
	if msgType == HTTPResponse {
		m := string(st.method())
		if (m == "SSTP_DUPLEX_POST" && code == 200) || (upgrade && code == 101) {
			st.Switched = true
		}
	}
	r.Len = off - orig
	return r
}

// httpFraming reads the headers of a message that say how its body is framed, as dissect_http_message's
// header loop does: Content-Length (the last one, valid or not), Transfer-Encoding (chunked coding) and
// Upgrade. The names are compared by length first: most header lines are none of the three.
func httpFraming(name, val []byte, clValid *bool, cl *int64, te, chunked, upgrade *bool) {
	switch len(name) {
	case len("Content-Length"):
		if equalFold(name, "Content-Length") {
			*cl, *clValid = parseStrtoll(val)
		}
	case len("Transfer-Encoding"):
		if equalFold(name, "Transfer-Encoding") {
			*te = true
			if httpChunkedCoding(val) {
				*chunked = true
			}
		}
	case len("Upgrade"):
		if equalFold(name, "Upgrade") {
			*upgrade = true
		}
	}
}

// DissectHTTPPDUs dissects the messages of one buffer in turn, as Wireshark's dissect_http_on_stream,
// calling emit for each message or Continuation shown. It returns the desegmentation request of the
// last message (Need 0: none).
//
// have is the logical length of the data (see DissectHTTP); pass len(b) for bytes that are all present.
// With a request for a known number of bytes, the last result is the message's body start.
func DissectHTTPPDUs(st *HTTPConvState, b []byte, have, reported int, endOfStream, canDesegment bool, emit func(start int, s HTTPStep)) HTTPNeed {
	off := 0
	for off < reported && off < len(b) && !st.Switched {
		s := dissectHTTP(st, b, have, off, reported, endOfStream, canDesegment)
		if s.Layer {
			emit(off, s)
		}
		if s.Need != 0 {
			return HTTPNeed{s.NeedOff, s.Need, s.BodyStart}
		}
		if s.Len <= 0 || s.Aborted {
			break
		}
		off += s.Len
	}
	return HTTPNeed{}
}

// httpStatus is what a status line's second token gives, read once. code is the status code as
// Wireshark's basic_response_dissector reads it (strtoul of the first three characters of a second token
// of at least three, up to the first non-digit: http.response.code); hasCode says the line has such a token
// (httpStartPart's code part); exact is the code as parse_http_status_code reads it (a second token of
// exactly three digits, else 0), which decides whether a response has a body.
type httpStatus struct {
	code    int
	hasCode bool
	exact   int
}

// httpStatusOf reads a status line's code the three ways at once (see httpStatus).
func httpStatusOf(line []byte) (s httpStatus) {
	n, next := httpToken(line)
	if n == 0 {
		return s
	}
	rest := line[next:]
	n, _ = httpToken(rest)
	if n < 3 {
		return s
	}
	s.hasCode = true
	digits := true
	for _, d := range rest[:3] {
		if d < '0' || d > '9' {
			digits = false
			break
		}
		s.code = s.code*10 + int(d-'0')
	}
	if n == 3 && digits {
		s.exact = s.code
	}
	return s
}

// httpResponseCode is the status code as Wireshark's basic_response_dissector reads it (strtoul of the
// first three characters of a second token of at least three): unlike the body rule's exact code
// (httpStatus.exact), it accepts a longer token and stops at the first non-digit.
func httpResponseCode(line []byte) int { return httpStatusOf(line).code }

// httpChunkedLen returns the number of bytes the chunked body at the start of b takes, as Wireshark's
// chunked_encoding_dissector: chunks until the zero chunk and its trailer lines, or the end of b.
func httpChunkedLen(b []byte) int {
	off := 0
	for off < len(b) {
		n, chunkOff := httpFindLineEnd(b, off, true)
		if n <= 0 {
			break
		}
		line := b[off : off+n]
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size64, _ := parseHexSize(line)
		size := int(min(size64, uint64(len(b)-off)))
		if size == 0 {
			off = chunkOff
			t := off
			for {
				n, nx := httpFindLineEnd(b, t, true)
				if n < 0 {
					return min(t, len(b))
				}
				t = nx
				if n == 0 {
					return t
				}
			}
		}
		off = chunkOff + size + 2
	}
	return min(off, len(b))
}

func httpChunkedCoding(v []byte) bool {
	for len(v) > 0 {
		for len(v) > 0 && (v[0] == ' ' || v[0] == '\t' || v[0] == ',') {
			v = v[1:]
		}
		if bytes.HasPrefix(v, []byte("chunked")) {
			return true
		}
		i := bytes.IndexByte(v, ',')
		if i < 0 {
			return false
		}
		v = v[i:]
	}
	return false
}

// parseStrtoll is the Content-Length check of Wireshark's process_header: a decimal number (C strtoll)
// that is not negative, followed by nothing or white space.
func parseStrtoll(b []byte) (int64, bool) {
	v, neg, digits, over, end := cDecimal(b)
	if !digits || over || neg && v != 0 || end < len(b) && !isSpace(b[end]) {
		return 0, false
	}
	return v, true
}

// httpValidName reports whether a header name is made of Wireshark's token characters (is_token_char:
// letters, digits and !#$%&\:*+-.^_`|~ — the backslash and colon included, the apostrophe not).
func httpValidName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !httpTokenChar[c] {
			return false
		}
	}
	return true
}

// httpTokenChar marks the bytes httpValidName accepts.
var httpTokenChar = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || bytes.IndexByte([]byte("!#$%&\\:*+-.^_`|~"), byte(c)) >= 0
	}
	return t
}()

// httpHeaderValue returns the value of a header line: after the colon and any spaces or tabs, to the end
// of the line.
func httpHeaderValue(line []byte, colon int) []byte {
	v := line[colon+1:]
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	return v
}

func equalFold(b []byte, s string) bool { return len(b) == len(s) && hasPrefixFold(b, s) }

// HTTPStartLine classifies a line as Wireshark's is_http_request_or_reply does (see httpLineType): a
// request, a response or a notification start line, or not one.
func HTTPStartLine(line []byte) (HTTPType, bool) {
	t, _, ok := httpLineType(line)
	return t, ok
}
