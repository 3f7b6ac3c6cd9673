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
