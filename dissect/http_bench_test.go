package dissect

import "testing"

var sinkHead HTTPHead

// BenchmarkParseHTTPHead parses a request head and its response head, as the HTTP operations view does
// for every message: it must not allocate.
func BenchmarkParseHTTPHead(b *testing.B) {
	req := []byte("GET /t HTTP/1.1\r\nHost: 10.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\nConnection: close\r\nAccept-Encoding: gzip\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n")
	b.ReportAllocs()
	for b.Loop() {
		sinkHead = ParseHTTPHead(req, len(req))
		sinkHead = ParseHTTPHead(resp, len(resp))
	}
	if sinkHead.Code != 200 || sinkHead.ContentLength != 2 {
		b.Fatalf("parsed %+v", sinkHead)
	}
}

// TestParseHTTPHeadNoAlloc: the head is parsed without allocating (a closure over the result, or a
// table of field pointers, once made it escape to the heap for every message).
func TestParseHTTPHeadNoAlloc(t *testing.T) {
	req := []byte("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nUser-Agent: u\r\nAuthorization: NTLM x\r\n\r\nabc")
	if n := testing.AllocsPerRun(100, func() { sinkHead = ParseHTTPHead(req, len(req)-3) }); n != 0 {
		t.Errorf("ParseHTTPHead allocates %v times", n)
	}
	if h := sinkHead; string(h.Host) != "h" || h.ContentLength != 3 || string(h.UserAgent) != "u" || string(h.Authorization) != "NTLM x" || string(h.Method) != "POST" {
		t.Errorf("parsed %+v", h)
	}
}

// BenchmarkDissectHTTP dissects a request and its response as tshark's view of HTTP does for every
// message (desegmentation check, then the head's lines): it must not allocate.
func BenchmarkDissectHTTP(b *testing.B) {
	req := []byte("GET /t HTTP/1.1\r\nHost: 10.99.0.2\r\nUser-Agent: Go-http-client/1.1\r\nConnection: close\r\nAccept-Encoding: gzip\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	b.ReportAllocs()
	var st HTTPConvState
	var r HTTPStep
	for b.Loop() {
		r = DissectHTTP(&st, req, 0, len(req), false, true)
		r = DissectHTTP(&st, resp, 0, len(resp), false, true)
	}
	if r.Code != 200 || r.Len != len(resp) {
		b.Fatalf("dissected %+v", r)
	}
}
