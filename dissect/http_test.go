package dissect

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/field"
)

func TestDissectHTTPNeeds(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		eos      bool
		wantLen  int
		wantNeed int
	}{
		{"complete request", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", false, 27, 0},
		{"head cut mid-line", "GET / HTTP/1.1\r\nHo", false, -1, HTTPNeedOneMoreSegment},
		{"CR at the end", "GET / HTTP/1.1\r", false, -1, HTTPNeedOneMoreSegment},
		{"body needs 5 more", "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345", false, -1, 5},
		{"last Content-Length wins", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 4\r\n\r\n1234", false, 61, 0},
		{"bad Content-Length ignored", "POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", false, 40, 0},
		{"response until FIN", "HTTP/1.1 200 OK\r\n\r\nabc", false, -1, HTTPNeedUntilFIN},
		{"response at FIN", "HTTP/1.1 200 OK\r\n\r\nabc", true, 22, 0},
		{"204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", false, 27, 0},
		{"chunked needs more", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false, -1, HTTPNeedOneMoreSegment},
		{"chunked complete", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false, 62, 0},
		{"not HTTP", "\x16\x03\x01\x02\x00", false, -1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var st HTTPConvState
			s := DissectHTTP(&st, []byte(tc.in), 0, len(tc.in), tc.eos, true)
			if s.Len != tc.wantLen || s.Need != tc.wantNeed {
				t.Errorf("DissectHTTP(%q) = len %d need %d, want len %d need %d", tc.in, s.Len, s.Need, tc.wantLen, tc.wantNeed)
			}
		})
	}
}

func TestHTTPHeuristicLineTypes(t *testing.T) {
	for _, tc := range []struct {
		line string
		typ  HTTPType
		ok   bool
	}{
		{"GET / HTTP/1.1", HTTPRequest, true}, {"get / HTTP/1.1", HTTPOther, false}, {"M-POST / HTTP/1.1", HTTPRequest, true},
		{"HTTP/1.0 200 OK", HTTPResponse, true}, {"ICY 200 OK", HTTPResponse, true}, {"NOTIFY * HTTP/1.1", HTTPNotification, true},
		{"RPC_IN_DATA /rpc HTTP/1.1", HTTPRequest, true}, {"GETX / HTTP/1.1", HTTPOther, false},
	} {
		typ, _, ok := httpLineType([]byte(tc.line))
		if typ != tc.typ || ok != tc.ok {
			t.Errorf("httpLineType(%q) = %v %v, want %v %v", tc.line, typ, ok, tc.typ, tc.ok)
		}
	}
}

func TestNTLMInAuthorization(t *testing.T) {
	// An NTLMSSP AUTHENTICATE message (type 3) with domain "DOM", user "bob", host "PC" in UTF-16.
	m := make([]byte, 64)
	copy(m, ntlmSig)
	m[8] = 3
	strs := []string{"DOM", "bob", "PC"}
	off := 64
	var payload []byte
	for i, s := range strs {
		var u []byte
		for _, r := range s {
			u = append(u, byte(r), 0)
		}
		at := 28 + 8*i
		m[at], m[at+2] = byte(len(u)), byte(len(u))
		m[at+4] = byte(off)
		off += len(u)
		payload = append(payload, u...)
	}
	m[60] = 1 // NEGOTIATE_UNICODE
	m = append(m, payload...)
	b64 := []byte("NTLM ")
	b64 = append(b64, []byte(base64Std(m))...)
	msg := append([]byte("GET / HTTP/1.1\r\nAuthorization: "), b64...)
	msg = append(msg, "\r\n\r\n"...)
	var p Packet
	p.AddHTTP(msg, len(msg))
	p.HTTP[0].Type = HTTPRequest
	for name, want := range map[string]string{"ntlmssp.messagetype": "0x00000003", "ntlmssp.auth.username": "bob", "ntlmssp.auth.domain": "DOM", "ntlmssp.auth.hostname": "PC"} {
		if got := string(p.AppendField(nil, field.Lookup(name).ID, ',')); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// FuzzDissectHTTP runs the HTTP parser over arbitrary bytes with every flag combination, then builds
// the fields and details tree of what it found.
func FuzzDissectHTTP(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: NTLM TlRMTVNTUAABAAAA\r\n\r\n"), uint8(0))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\nff;x\r\nabc\r\n0\r\nT: 1\r\n\r\n"), uint8(3))
	f.Add([]byte("\r\nPOST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		var st HTTPConvState
		st.SeenRequest = flags&4 != 0
		reported := len(data)
		if flags&8 != 0 {
			reported += 100
		}
		var p Packet
		DissectHTTPPDUs(&st, data, len(data), reported, flags&1 != 0, flags&2 != 0 && flags&8 == 0, func(start int, s HTTPStep) {
			end := len(data)
			if s.Len >= 0 {
				end = start + s.Len
			}
			if end > len(data) || start > end || s.Hdr < 0 {
				t.Fatalf("message [%d:%d] hdr %d outside %d bytes", start, end, s.Hdr, len(data))
			}
			if info := p.AddHTTP(data[start:end], s.Hdr); info != nil {
				info.Type = s.Type
			}
		})
		for _, in := range field.All("") {
			if len(in.Abbrev) > 4 && (in.Abbrev[:4] == "http" || in.Abbrev[:4] == "ntlm") {
				p.AppendField(nil, in.ID, ',')
			}
		}
		_ = p.Tree()
		p.AppendSummary(nil)
	})
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestHTTPDecimalParsers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i32  int32
		ok32 bool
		i64  int64
		ok64 bool
	}{
		{"42", 42, true, 42, true},
		{" +7", 7, true, 7, true},
		{"-0", 0, true, 0, true},
		{"-5", -5, true, 0, false},
		{"12 ", 0, false, 12, true},
		{"12x", 0, false, 0, false},
		{"", 0, false, 0, false},
		{"3000000000", 1<<31 - 1, false, 3000000000, true},
		{"-3000000000", -1 << 31, false, 0, false},
		{"99999999999999999999", 1<<31 - 1, false, 0, false},
	} {
		if v, ok := parseStrtoi32([]byte(tc.in)); v != tc.i32 || ok != tc.ok32 {
			t.Errorf("parseStrtoi32(%q) = %d %v, want %d %v", tc.in, v, ok, tc.i32, tc.ok32)
		}
		if v, ok := parseStrtoll([]byte(tc.in)); v != tc.i64 || ok != tc.ok64 {
			t.Errorf("parseStrtoll(%q) = %d %v, want %d %v", tc.in, v, ok, tc.i64, tc.ok64)
		}
	}
}

// TestParseHTTPHead checks the fields ParseHTTPHead keeps: every kept header, whatever the case of its
// name; others (also with a kept header's name as a prefix, or of the same length) are left alone; the
// last Content-Length wins and framing that reads two ways is marked.
func TestParseHTTPHead(t *testing.T) {
	req := "GET /a?b HTTP/1.1\r\nHOST: example.org\r\nUser-Agent: curl/8\r\nAuthorization: NTLM abc\r\n" +
		"Hosts: no\r\nX-Server: no\r\nContent-Length: 5\r\n\r\n"
	h := ParseHTTPHead([]byte(req), len(req))
	if h.Type != HTTPRequest || string(h.Method) != "GET" || string(h.URI) != "/a?b" || string(h.Version) != "HTTP/1.1" ||
		string(h.Host) != "example.org" || string(h.UserAgent) != "curl/8" || string(h.Authorization) != "NTLM abc" ||
		h.Server != nil || h.ContentLength != 5 || h.Chunked || h.Ambiguous {
		t.Errorf("request: %+v", h)
	}
	resp := "HTTP/1.1 302 Found\r\nserver: nginx\r\nLocation: /new/\r\ncontent-type: text/html\r\n" +
		"WWW-Authenticate: Negotiate\r\nContent-Length: 7\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
	h = ParseHTTPHead([]byte(resp), len(resp))
	if h.Type != HTTPResponse || h.Code != 302 || string(h.Phrase) != "Found" || string(h.Server) != "nginx" ||
		string(h.Location) != "/new/" || string(h.ContentType) != "text/html" || string(h.Authenticate) != "Negotiate" ||
		h.ContentLength != 9 || !h.Chunked || !h.Ambiguous {
		t.Errorf("response: %+v", h)
	}
	plain := "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n"
	if h := ParseHTTPHead([]byte(plain), len(plain)); h.ContentLength != 3 || h.Ambiguous || h.Chunked {
		t.Errorf("plain: %+v", h)
	}
}

// refParseHTTPHead is HTTPHead.Parse written over httpLines, the line walker of the details tree, with
// the header names compared after folding ASCII case (not through headKept): Parse walks the lines in a
// loop of its own, which FuzzParseHTTPHead and TestParseHTTPHeadLines hold to this one.
func refParseHTTPHead(msg []byte, hdr int) HTTPHead {
	h := HTTPHead{ContentLength: -1}
	clSeen, teSeen := false, false
	lower := func(b []byte) string {
		out := []byte(string(b))
		for i, c := range out {
			if 'A' <= c && c <= 'Z' {
				out[i] = c + 'a' - 'A'
			}
		}
		return string(out)
	}
	w := newHTTPLines(msg, hdr)
	for w.next() {
		ln := &w.ln
		if ln.kind == httpLineStart {
			h.Type = ln.typ
			h.startLine(ln.line)
			continue
		}
		v := httpHeaderValue(ln.line, ln.colon)
		switch lower(ln.line[:ln.colon]) {
		case "content-length":
			n, ok := parseStrtoll(v)
			if !ok {
				n = -1
			}
			if clSeen && n != h.ContentLength || teSeen {
				h.Ambiguous = true
			}
			h.ContentLength, clSeen = n, true
		case "transfer-encoding":
			h.Chunked = httpChunkedCoding(v)
			if clSeen {
				h.Ambiguous = true
			}
			teSeen = true
		case "host":
			h.Host = v
		case "server":
			h.Server = v
		case "location":
			h.Location = v
		case "user-agent":
			h.UserAgent = v
		case "content-type":
			h.ContentType = v
		case "authorization":
			h.Authorization = v
		case "www-authenticate":
			h.Authenticate = v
		}
	}
	return h
}

// sameHead reports whether two parsed heads hold the same values (the byte slices compared by content).
func sameHead(a, b HTTPHead) bool {
	eq := func(x, y []byte) bool { return bytes.Equal(x, y) && (x == nil) == (y == nil) }
	return a.Type == b.Type && a.Code == b.Code && a.ContentLength == b.ContentLength && a.Chunked == b.Chunked &&
		a.Ambiguous == b.Ambiguous && eq(a.Method, b.Method) && eq(a.URI, b.URI) && eq(a.Version, b.Version) &&
		eq(a.Phrase, b.Phrase) && eq(a.Host, b.Host) && eq(a.Server, b.Server) && eq(a.Location, b.Location) &&
		eq(a.ContentType, b.ContentType) && eq(a.UserAgent, b.UserAgent) && eq(a.Authorization, b.Authorization) &&
		eq(a.Authenticate, b.Authenticate)
}

// parseHeadCases are heads whose lines take each of the walker's paths: a leading CRLF, bare CR and LF line
// ends, a start line after headers, a line without a colon (the end of the walk), an empty line, names
// in any case, a name that starts like a start line, RFC 2774's "M-" prefix, a header name with a space.
var parseHeadCases = []string{
	"GET /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\n\r\n",
	"\r\nHTTP/1.1 302 Found\r\nLOCATION: /b\r\nserver: s\r\ncontent-type: text/x\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.0 200 OK\nContent-Length: 3\nTransfer-Encoding: chunked\n\nabc",
	"HTTP/1.1 401 No\rWWW-Authenticate: NTLM\rContent-Length: 1\rContent-Length: 2\r\r",
	"POST /x HTTP/1.1\r\nAuthorization: Basic x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
	"Host: before\r\nGET / HTTP/1.1\r\nHost: after\r\n\r\n",
	"GET / HTTP/1.1\r\nno colon here\r\nHost: unseen\r\n\r\n",
	"GET / HTTP/1.1\r\nHTTP-Thing: x\r\nICY-Name: y\r\nM-Host: z\r\nHost : spaced\r\nHost: h\r\n\r\n",
	"M-POST / HTTP/1.1\r\nHost:\r\n\r\n",
	"NOTIFY * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 12345678901234567890\r\nServer:   spaced value  \r\n\r\n",
	"GET / HTTP/1.1\r\n:empty name\r\nHost: h",
	"ICY 200 OK\r\nicy-name: x\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n\r\nHost: b\r\n", // the walk ends at the empty line
}

// TestParseHTTPHeadLines holds HTTPHead.Parse to refParseHTTPHead on heads that take every path of the
// line walk, cut at every length.
func TestParseHTTPHeadLines(t *testing.T) {
	for _, c := range parseHeadCases {
		for n := 0; n <= len(c); n++ {
			b := []byte(c[:n])
			if got, want := ParseHTTPHead(b, len(b)), refParseHTTPHead(b, len(b)); !sameHead(got, want) {
				t.Fatalf("ParseHTTPHead(%q) = %+v, want %+v", b, got, want)
			}
		}
	}
}

// FuzzParseHTTPHead: HTTPHead.Parse reads any head as refParseHTTPHead does.
func FuzzParseHTTPHead(f *testing.F) {
	for _, c := range parseHeadCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := ParseHTTPHead(b, len(b)), refParseHTTPHead(b, len(b)); !sameHead(got, want) {
			t.Fatalf("ParseHTTPHead(%q) = %+v, want %+v", b, got, want)
		}
	})
}

// FuzzHeaderNameEnd: a line that headerNameEnd takes for a header is classified by the general path
// (httpFindLineEnd, httpLineType, the first colon) the same way, with the same line and colon.
func FuzzHeaderNameEnd(f *testing.F) {
	for _, s := range []string{"Host: a\r\n", "GET: x\r\n", "HTTP/1.1:200\r\n", "ICY: 1\r\n", "M-POST:\r\n", "a:b c\rd\n",
		"X-Y:z", ":v\r\n", "Content-Length:5\n\n", "NOTIFY: x\r\n", "Host :x\r\n", "H:\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		co := headerNameEnd(b)
		if co == 0 {
			return
		}
		n, _ := httpFindLineEnd(b, 0, false)
		line := b[:n]
		if _, _, ok := httpLineType(line); ok {
			t.Fatalf("%q: taken for a header, but httpLineType sees a start line", line)
		}
		if c := bytes.IndexByte(line, ':'); c != co {
			t.Fatalf("%q: colon at %d, the general path finds it at %d", line, co, c)
		}
		if n2, _ := httpFindLineEnd(b, co, false); n2+co != n {
			t.Fatalf("%q: line of %d bytes from the colon, %d from the start", b, n2+co, n)
		}
	})
}

// FuzzHTTPStartLine: HTTPHead.startLine reads a start line's parts as httpStartPart and
// httpResponseCode do, for requests and responses.
func FuzzHTTPStartLine(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1", "GET  HTTP/1.1", "HTTP/1.1 200 OK", "HTTP/1.1 20x Bad", "HTTP/1.0 404",
		"HTTP/1.1 200", "ICY 200 OK", "POST /a%20b HTTP/1.0 extra", "", " ", "HTTP/1.1  200  OK  ", "NOTIFY * HTTP/1.1", "GET"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, typ := range []HTTPType{HTTPRequest, HTTPResponse, HTTPNotification} {
			var got HTTPHead
			got.Type = typ
			got.startLine(line)
			var want HTTPHead
			want.Type = typ
			if typ == HTTPResponse {
				want.Version, _ = httpStartPart(line, typ, httpPartRespVersion)
				if _, ok := httpStartPart(line, typ, httpPartCode); ok {
					want.Code = httpResponseCode(line)
				}
				want.Phrase, _ = httpStartPart(line, typ, httpPartPhrase)
			} else {
				want.Method, _ = httpStartPart(line, typ, httpPartMethod)
				want.URI, _ = httpStartPart(line, typ, httpPartURI)
				want.Version, _ = httpStartPart(line, typ, httpPartReqVersion)
			}
			if string(got.Method) != string(want.Method) || string(got.URI) != string(want.URI) || string(got.Version) != string(want.Version) ||
				got.Code != want.Code || string(got.Phrase) != string(want.Phrase) {
				t.Fatalf("%q (type %d): got %q %q %q %d %q, want %q %q %q %d %q", line, typ,
					got.Method, got.URI, got.Version, got.Code, got.Phrase, want.Method, want.URI, want.Version, want.Code, want.Phrase)
			}
		}
	})
}

// FuzzHTTPCodeKept: the value of http.response.code that KeepCodes keeps from dissecting a message is
// the one the getter reads by walking the layer's head lines, for every message DissectHTTPPDUs finds
// in arbitrary bytes (several messages, leading CRLFs, more than one response line, cut heads).
func FuzzHTTPCodeKept(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nHTTP/1.1 500 Bad\r\n\r\n",
		"\r\nHTTP/1.0 302 Found\r\nLocation: /x\r\n\r\nHTTP/1.1 20x Odd\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nHTTP/1.1 301 Moved\r\nX: y\r\nno colon\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
		"ICY 200 OK\r\n\r\n", "HTTP/1.1 2000\r\n\r\n", "HTTP/1.1 20\r\n\r\n",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(3))
	}
	codes := field.Lookup("http.response.code").ID
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		var st HTTPConvState
		st.SeenRequest = flags&4 != 0
		var kept, walked Packet
		DissectHTTPPDUs(&st, data, len(data), len(data), flags&1 != 0, flags&2 != 0, func(start int, s HTTPStep) {
			end := len(data)
			if s.Len >= 0 {
				end = min(start+s.Len, len(data))
			}
			msg := data[start:end:end]
			if info := kept.AddHTTP(msg, s.Hdr); info != nil {
				info.KeepCodes(&s, len(msg))
			}
			walked.AddHTTP(msg, s.Hdr)
		})
		got := kept.AppendField(nil, codes, ',')
		want := walked.AppendField(nil, codes, ',')
		if string(got) != string(want) {
			t.Fatalf("%q: http.response.code kept %q, walked %q", data, got, want)
		}
	})
}

// TestIndexCRLF compares the word-at-a-time search with a byte loop, for every position of a CR or LF
// (and of neither) in lines of every length up to 40, with bytes just around CR and LF and high bytes
// around them (a borrow in the word trick must not move the answer).
func TestIndexCRLF(t *testing.T) {
	ref := func(b []byte) int {
		for i, c := range b {
			if c == '\r' || c == '\n' {
				return i
			}
		}
		return -1
	}
	fill := []byte{'a', 0x00, 0x0b, 0x0c, 0x0e, 0x09, 0x80, 0xff, 0x8d, 0x8a}
	for n := 0; n <= 40; n++ {
		for _, f := range fill {
			for at := -1; at < n; at++ {
				for _, c := range []byte{'\r', '\n'} {
					b := bytes.Repeat([]byte{f}, n)
					if at >= 0 {
						b[at] = c
						if at+1 < n {
							b[at+1] = c ^ ('\r' ^ '\n') // the other one follows
						}
					}
					if got, want := indexCRLF(b), ref(b); got != want {
						t.Fatalf("indexCRLF(%q) = %d, want %d", b, got, want)
					}
				}
			}
		}
	}
}

// TestHeaderNameEnd compares headerNameEnd with a byte loop (the rule it states) on names of every length
// up to 40, with the first colon, space, CR or LF at every position, bytes next to them in value around
// it, and the other stop bytes after it.
func TestHeaderNameEnd(t *testing.T) {
	ref := func(b []byte) int {
		if len(b) >= 2 && (b[0] == 'H' && b[1] == 'T' || b[0] == 'I' && b[1] == 'C' || b[0] == 'M' && b[1] == '-') {
			return 0
		}
		for i, c := range b {
			switch c {
			case ':':
				return i
			case ' ', '\r', '\n':
				return 0
			}
		}
		return 0
	}
	fill := []byte{'a', 'Z', '-', 0x00, 0x3b, 0x39, 0x21, 0x1f, 0x0b, 0x0e, 0x80, 0xba, 0xa0, 0xff}
	stops := []byte{':', ' ', '\r', '\n'}
	for n := 0; n <= 40; n++ {
		for _, f := range fill {
			for at := -1; at < n; at++ {
				for _, c := range stops {
					for _, after := range stops {
						b := bytes.Repeat([]byte{f}, n)
						if at >= 0 {
							b[at] = c
							for k := at + 1; k < n; k += 3 {
								b[k] = after
							}
						}
						if got, want := headerNameEnd(b), ref(b); got != want {
							t.Fatalf("headerNameEnd(%q) = %d, want %d", b, got, want)
						}
					}
				}
			}
		}
	}
	for _, s := range []string{"HTTP/1.1 200 OK", "HT:x", "ICY 200", "IC:x", "M-POST / HTTP/1.1", "M-:", "Host: a", "H:", "I:", "M:"} {
		if got, want := headerNameEnd([]byte(s)), ref([]byte(s)); got != want {
			t.Errorf("headerNameEnd(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestHasPrefixFold compares hasPrefixFold with a byte loop that folds A-Z only, over every byte in every
// position of a few prefixes (so that non-ASCII letters, and the bytes 0x20 apart from letters that are
// not letters, never match one).
func TestHasPrefixFold(t *testing.T) {
	ref := func(b []byte, prefix string) bool {
		if len(b) < len(prefix) {
			return false
		}
		for i := range len(prefix) {
			c, d := b[i], prefix[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if c != d {
				return false
			}
		}
		return true
	}
	for _, prefix := range []string{"Content-Length:", "Transfer-Encoding:", "chunked", "@[`{"} {
		for _, base := range []string{prefix, strings.ToLower(prefix), strings.ToUpper(prefix), prefix + " 12"} {
			for i := range len(base) {
				for c := range 256 {
					b := []byte(base)
					b[i] = byte(c)
					if got, want := hasPrefixFold(b, prefix), ref(b, prefix); got != want {
						t.Fatalf("hasPrefixFold(%q, %q) = %v, want %v", b, prefix, got, want)
					}
					if got, want := hasPrefixFold(b[:i], prefix), ref(b[:i], prefix); got != want {
						t.Fatalf("hasPrefixFold(%q, %q) = %v, want %v", b[:i], prefix, got, want)
					}
				}
			}
		}
	}
}

// refStatusCode and refResponseCode are the references for httpStatusOf's exact code and code: the
// status code as Wireshark's parse_http_status_code reads it (the second token, exactly three
// characters, an integer) and as its basic_response_dissector does (strtoul of the first three characters
// of a second token of at least three).
func refStatusCode(line []byte) int {
	n, next := httpToken(line)
	if n == 0 {
		return 0
	}
	line = line[next:]
	n, _ = httpToken(line)
	if n != 3 {
		return 0
	}
	c := 0
	for _, d := range line[:3] {
		if d < '0' || d > '9' {
			return 0
		}
		c = c*10 + int(d-'0')
	}
	return c
}

func refResponseCode(line []byte) int {
	n, next := httpToken(line)
	if n == 0 {
		return 0
	}
	line = line[next:]
	n, _ = httpToken(line)
	if n < 3 {
		return 0
	}
	c := 0
	for _, d := range line[:3] {
		if d < '0' || d > '9' {
			break
		}
		c = c*10 + int(d-'0')
	}
	return c
}

// TestHTTPStatusOf: the status read once gives what the three readings it replaced gave (refStatusCode
// for the body rule, refResponseCode and httpStartPart's code part for the fields), on status lines
// whose second token is short, long, not numeric or missing.
func TestHTTPStatusOf(t *testing.T) {
	codes := []string{"", "2", "20", "200", "2000", "20a", "2a0", "a20", "404", "099", "999x", " 301", "  204"}
	for _, v := range []string{"HTTP/1.1", "HTTP/1.0", "ICY", "X", ""} {
		for _, c := range codes {
			for _, tail := range []string{"", " OK", "  Not Found", "\r"} {
				line := []byte(v + " " + c + tail)
				if v == "" {
					line = []byte(c + tail)
				}
				s := httpStatusOf(line)
				_, has := httpStartPart(line, HTTPResponse, httpPartCode)
				if s.code != refResponseCode(line) || s.hasCode != has || s.exact != refStatusCode(line) {
					t.Errorf("httpStatusOf(%q) = %+v, want code %d, hasCode %v, exact %d", line, s, refResponseCode(line), has, refStatusCode(line))
				}
			}
		}
	}
	if s := httpStatusOf([]byte("HTTP/1.1 404 Not Found")); s != (httpStatus{404, true, 404}) {
		t.Errorf("a plain status line: %+v", s)
	}
}
