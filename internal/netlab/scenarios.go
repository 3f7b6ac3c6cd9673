package netlab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Ports the scenarios use on the server.
const (
	HTTPPort    = 8080 // the HTTP server (Site)
	DroppedPort = 8081 // SYNs dropped by the server's firewall (Unanswered)
	ClosedPort  = 8082 // nothing listens (Refused)
)

// Sizes of the scenarios' transfers.
const (
	// BulkSize is the size of Lossy's download.
	BulkSize = 4 << 20
	// AbortAfter is how many body bytes the reset scenarios transfer before the RST; it fits in the
	// initial congestion window, so all of it is on the wire before the reset.
	AbortAfter = 10000
	// UnansweredWait is how long Unanswered's client waits for a SYN+ACK: the SYN and its
	// retransmissions after 1 s and 3 s go out, the next would be at 7 s.
	UnansweredWait = 5 * time.Second
	// LossPercent is Lossy's loss rate (see Lab.Loss).
	LossPercent = 3
)

// Page is the body of Site's "/".
const Page = `<!DOCTYPE html>
<html><head><title>netlab</title></head>
<body><h1>It works</h1><p>A small page served by netlab for a clean HTTP exchange.</p></body></html>
`

// Site returns the HTTP handler the scenarios serve:
//
//	/                   Page, text/html, 200
//	/bulk?bytes=N       N bytes (default BulkSize) of a fixed pattern, application/octet-stream
//	/slow               announces 1 MB, sends AbortAfter bytes, then waits (up to 30 s) for the client to go
//	/reset              sends AbortAfter bytes of a 1 MB response, then resets the connection (SO_LINGER 0)
//	anything else       404
func Site() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, Page)
	})
	mux.HandleFunc("GET /bulk", func(w http.ResponseWriter, r *http.Request) {
		n := int64(BulkSize)
		if s := r.URL.Query().Get("bytes"); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v < 0 {
				http.Error(w, "bad bytes", http.StatusBadRequest)
				return
			}
			n = v
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		io.CopyN(w, pattern{}, n)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(1<<20))
		io.CopyN(w, pattern{}, AbortAfter)
		http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	mux.HandleFunc("GET /reset", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(1<<20))
		io.CopyN(w, pattern{}, AbortAfter)
		rc := http.NewResponseController(w)
		rc.Flush()
		conn, _, err := rc.Hijack()
		if err != nil {
			return
		}
		// Let the client acknowledge what it got, so the reset comes after a settled exchange.
		time.Sleep(200 * time.Millisecond)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
	})
	return mux
}

// pattern is an endless reader of printable bytes.
type pattern struct{}

func (pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return len(b), nil
}

// Scenario is one named traffic pattern of the diagnose tests.
type Scenario struct {
	// Name is the scenario's name for cmd/netlab-capture's -scenario flag.
	Name string
	// Doc says what the capture shows.
	Doc string
	// Run builds a Lab, produces the traffic while capturing it, and returns the pcap's path (in
	// t.TempDir(), so it lasts as long as the test).
	Run func(t T) string
}

// Scenarios lists every scenario, by the name cmd/netlab-capture takes.
var Scenarios = []Scenario{
	{"unanswered", "a connection attempt whose SYNs the server's firewall drops: the SYN and two retransmissions (1 s, 3 s), no answer", Unanswered},
	{"refused", "a SYN to a closed port, answered with RST+ACK", Refused},
	{"normal", "a clean HTTP GET of a small page: handshake, request, 200, FIN teardown", Normal},
	{"lossy", "a 4 MiB HTTP download over a path losing 3 % of data segments: retransmissions", Lossy},
	{"client-reset", "an HTTP download aborted by the client with a RST after 10000 bytes (a browser tab closed)", ClientReset},
	{"server-reset", "an HTTP download the server aborts with a RST after 10000 bytes", ServerReset},
}

// Unanswered captures a client connecting to DroppedPort, whose SYNs the server's firewall drops; the
// client gives up after UnansweredWait, so the capture holds exactly one stream: the SYN and its
// retransmissions 1 s and 3 s later, and nothing from the server.
func Unanswered(t T) string {
	t.Helper()
	l := New(t)
	l.DropSYNs(DroppedPort)
	c := l.StartCapture()
	ctx, cancel := context.WithTimeout(context.Background(), UnansweredWait)
	defer cancel()
	conn, err := l.DialContext(ctx, "tcp4", net.JoinHostPort(ServerIP, strconv.Itoa(DroppedPort)))
	if err == nil {
		conn.Close()
		t.Fatalf("netlab: connected to port %d, whose SYNs should be dropped", DroppedPort)
	}
	return c.Stop()
}

// Refused captures a SYN to ClosedPort, where nothing listens, and the server kernel's RST+ACK.
func Refused(t T) string {
	t.Helper()
	l := New(t)
	c := l.StartCapture()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := l.DialContext(ctx, "tcp4", net.JoinHostPort(ServerIP, strconv.Itoa(ClosedPort)))
	if err == nil {
		conn.Close()
		t.Fatalf("netlab: connected to port %d, where nothing should listen", ClosedPort)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("netlab: connecting to the closed port: %v (want connection refused)", err)
	}
	return c.Stop()
}

// Normal captures a clean HTTP/1.1 GET of Page (with "Connection: close"): handshake, request, 200
// response, FIN teardown from both sides.
func Normal(t T) string {
	t.Helper()
	l := New(t)
	l.ServeHTTP(HTTPPort, Site())
	c := l.StartCapture()
	body := get(t, l, "/")
	if string(body) != Page {
		t.Fatalf("netlab: GET / returned %q", body)
	}
	return c.Stop()
}

// Lossy captures a BulkSize HTTP download over a path that loses LossPercent % of the data segments
// (Lab.Loss): the capture shows gaps, duplicate ACKs and retransmissions.
func Lossy(t T) string {
	t.Helper()
	l := New(t)
	l.ServeHTTP(HTTPPort, Site())
	l.Loss(LossPercent)
	c := l.StartCapture()
	body := get(t, l, "/bulk?bytes="+strconv.Itoa(BulkSize))
	if len(body) != BulkSize {
		t.Fatalf("netlab: the download returned %d bytes, want %d", len(body), BulkSize)
	}
	return c.Stop()
}

// ClientReset captures a download that the client aborts: it sends GET /slow, reads the response
// header and AbortAfter bytes of the body, and closes with SO_LINGER 0, so its kernel sends a RST, as
// a browser does when a tab is closed mid-download.
func ClientReset(t T) string {
	t.Helper()
	l := New(t)
	l.ServeHTTP(HTTPPort, Site())
	c := l.StartCapture()
	conn, resp := rawGet(t, l, "/slow")
	if _, err := io.ReadFull(resp.Body, make([]byte, AbortAfter)); err != nil {
		t.Fatalf("netlab: reading the slow response: %v", err)
	}
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
	return c.Stop()
}

// ServerReset captures a download that the server aborts: after AbortAfter bytes of the body of GET
// /reset it closes the connection with SO_LINGER 0, so its kernel sends a RST.
func ServerReset(t T) string {
	t.Helper()
	l := New(t)
	l.ServeHTTP(HTTPPort, Site())
	c := l.StartCapture()
	conn, resp := rawGet(t, l, "/reset")
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || n < AbortAfter {
		t.Fatalf("netlab: the reset response gave %d bytes and %v; want at least %d and a reset", n, err, AbortAfter)
	}
	conn.Close()
	return c.Stop()
}

// get fetches path from the Lab's server over one connection (Connection: close) and returns the body.
func get(t T, l *Lab, path string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", serverURL(path), nil)
	if err != nil {
		t.Fatalf("netlab: %v", err)
	}
	req.Close = true
	resp, err := l.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("netlab: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("netlab: GET %s: reading the body: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("netlab: GET %s: %s", path, resp.Status)
	}
	return body
}

// rawGet sends GET path on a new connection of its own and reads the response header; the caller
// reads the body and closes the connection as the scenario needs.
func rawGet(t T, l *Lab, path string) (net.Conn, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := l.DialContext(ctx, "tcp4", net.JoinHostPort(ServerIP, strconv.Itoa(HTTPPort)))
	if err != nil {
		t.Fatalf("netlab: %v", err)
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	req, err := http.NewRequest("GET", serverURL(path), nil)
	if err != nil {
		t.Fatalf("netlab: %v", err)
	}
	req.Header.Set("User-Agent", "netlab")
	if err := req.Write(conn); err != nil {
		t.Fatalf("netlab: sending GET %s: %v", path, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("netlab: GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("netlab: GET %s: %s", path, resp.Status)
	}
	return conn, resp
}

func serverURL(path string) string {
	return fmt.Sprintf("http://%s%s", net.JoinHostPort(ServerIP, strconv.Itoa(HTTPPort)), path)
}
