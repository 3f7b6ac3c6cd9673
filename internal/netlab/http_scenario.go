package netlab

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// IPv6 addresses of the two ends (unique local addresses), for the scenarios that use IPv6: EnableIPv6
// puts them on the Lab's link.
const (
	ClientIP6 = "fd00:99::1"
	ServerIP6 = "fd00:99::2"
)

// StatusPage is the body of StatusSite's "/".
const StatusPage = `<!DOCTYPE html>
<html><head><title>netlab status codes</title></head>
<body><h1>Home</h1><p>The page that StatusSite serves with a Last-Modified date.</p></body></html>
`

// NewPage is the body of StatusSite's "/new/", where "/old" redirects to.
const NewPage = `<!DOCTYPE html>
<html><head><title>moved</title></head><body><p>The new place of /old.</p></body></html>
`

// StatusModified is the Last-Modified date of StatusSite's "/".
var StatusModified = time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC)

// StatusSite returns the HTTP handler of the HTTP scenario, one path per status a support engineer meets:
//
//	/          StatusPage, text/html, 200 with Last-Modified: StatusModified; 304 Not Modified to a
//	           request whose If-Modified-Since is that date or later
//	/old       302 Found, Location: /new/, and Connection: close, so the client follows on a new connection
//	/new/      NewPage, text/html, 200
//	/missing   404 Not Found
//	/busy      503 Service Unavailable with Retry-After: 30
//
// Anything else is 404 as well.
func StatusSite() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "", StatusModified, strings.NewReader(StatusPage))
	})
	mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, "/new/", http.StatusFound)
	})
	mux.HandleFunc("GET /new/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, NewPage)
	})
	mux.HandleFunc("GET /busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "busy: try again later", http.StatusServiceUnavailable)
	})
	return mux
}

// HTTPStep is one request of the HTTP scenario's client and what it must get.
type HTTPStep struct {
	// Method and Path are the request's; IfModifiedSince sends the Last-Modified of the step before.
	Method, Path    string
	IfModifiedSince bool
	// Status is the status the client gets at the end (after following a redirect); Redirected says
	// that the request is answered with a 302 the client follows.
	Status     int
	Redirected bool
}

// HTTPSteps is the sequence of requests the HTTP scenario's client makes, once over IPv4 and once over
// IPv6: a page (200), the same page again with If-Modified-Since (304, same connection), /old (302,
// followed on a new connection to /new/, 200), /missing (404) and /busy (503). On the wire that is six
// operations per family, on two connections.
var HTTPSteps = []HTTPStep{
	{Method: "GET", Path: "/", Status: http.StatusOK},
	{Method: "GET", Path: "/", IfModifiedSince: true, Status: http.StatusNotModified},
	{Method: "GET", Path: "/old", Status: http.StatusOK, Redirected: true},
	{Method: "GET", Path: "/missing", Status: http.StatusNotFound},
	{Method: "GET", Path: "/busy", Status: http.StatusServiceUnavailable},
}

// EnableIPv6 turns IPv6 on for the client's and the server's interface and gives them ClientIP6 and
// ServerIP6 (/64), with static neighbour entries. To keep the capture free of anything but the
// scenario's traffic there is no link-local address (so no router solicitations), no duplicate address
// detection, no neighbour discovery, and the Multicast Listener reports are dropped as they leave.
func (l *Lab) EnableIPv6() {
	l.t.Helper()
	for _, ns := range []string{l.ClientNS, l.ServerNS} {
		err := inNS(ns, func() error {
			for _, s := range [][2]string{
				{"net/ipv6/conf/" + Iface + "/addr_gen_mode", "1"},
				{"net/ipv6/conf/" + Iface + "/accept_ra", "0"},
				{"net/ipv6/conf/" + Iface + "/router_solicitations", "0"},
				{"net/ipv6/conf/" + Iface + "/accept_dad", "0"},
				{"net/ipv6/conf/" + Iface + "/dad_transmits", "0"},
				{"net/ipv6/conf/" + Iface + "/disable_ipv6", "0"},
				{"net/ipv6/conf/lo/disable_ipv6", "0"},
			} {
				if err := os.WriteFile("/proc/sys/"+s[0], []byte(s[1]), 0); err != nil {
					return fmt.Errorf("%s: %w", s[0], err)
				}
			}
			return nil
		})
		if err != nil {
			l.t.Fatalf("netlab: enabling IPv6 in %s: %v", ns, err)
		}
	}
	// The Multicast Listener reports for the groups the addresses join would go out at random times,
	// maybe while a capture runs: both ends drop them.
	const noMLD = `table ip6 netlab-mld {
	chain out {
		type filter hook output priority 0; policy accept;
		icmpv6 type { mld-listener-report, mld2-listener-report, mld-listener-done } drop
	}
}
`
	for _, ns := range []string{l.ClientNS, l.ServerNS} {
		if _, err := runInput(noMLD, "ip", "netns", "exec", ns, "nft", "-f", "-"); err != nil {
			l.t.Fatalf("netlab: %v", err)
		}
	}
	for _, s := range [][]string{
		{"ip", "-n", l.ClientNS, "-6", "addr", "add", ClientIP6 + "/64", "dev", Iface, "nodad"},
		{"ip", "-n", l.ServerNS, "-6", "addr", "add", ServerIP6 + "/64", "dev", Iface, "nodad"},
		{"ip", "-n", l.ClientNS, "-6", "neigh", "replace", ServerIP6, "lladdr", ServerMAC, "dev", Iface, "nud", "permanent"},
		{"ip", "-n", l.ServerNS, "-6", "neigh", "replace", ClientIP6, "lladdr", ClientMAC, "dev", Iface, "nud", "permanent"},
	} {
		if _, err := run(s...); err != nil {
			l.t.Fatalf("netlab: %v", err)
		}
	}
	// The address is usable once a port on it is refused; by then the listener reports are out.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := l.DialContext(ctx, "tcp6", net.JoinHostPort(ServerIP6, "9"))
		cancel()
		if c != nil {
			c.Close()
		}
		if err != nil && strings.Contains(err.Error(), "refused") {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("netlab: the server does not answer over IPv6: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ServeHTTPOn serves handler with a real net/http server listening on host:port in the server
// namespace (network "tcp4" or "tcp6"), until the Lab closes, as ServeHTTP does for ServerIP.
func (l *Lab) ServeHTTPOn(network, host string, port int, handler http.Handler) {
	l.t.Helper()
	var ln net.Listener
	err := inNS(l.ServerNS, func() error {
		var err error
		ln, err = net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		return err
	})
	if err != nil {
		l.t.Fatalf("netlab: listening on %s port %d in the server namespace: %v", host, port, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	l.onClose(func() {
		srv.Close()
		<-done
	})
}

// HTTPStatuses captures the HTTP scenario: StatusSite served on ServerIP and ServerIP6, and a net/http
// client that makes the requests of HTTPSteps to ServerIP, then again to ServerIP6. Each family uses one
// keep-alive connection for "/" (200, then 304) and "/old" (302, after which the server closes it) and
// a second one for "/new/" (200), "/missing" (404) and "/busy" (503); the client closes that one when it
// is done, before the next family starts.
func HTTPStatuses(t T) string {
	t.Helper()
	l := New(t)
	l.EnableIPv6()
	l.ServeHTTPOn("tcp4", ServerIP, HTTPPort, StatusSite())
	l.ServeHTTPOn("tcp6", ServerIP6, HTTPPort, StatusSite())
	c := l.StartCapture()
	for _, host := range []string{ServerIP, ServerIP6} {
		httpSteps(t, l, host)
		// Let the teardown finish before the next family, so the capture's order is the same every run.
		time.Sleep(100 * time.Millisecond)
	}
	return c.Stop()
}

// httpSteps makes HTTPSteps' requests to host with a client of their own and checks the answers.
func httpSteps(t T, l *Lab, host string) {
	t.Helper()
	tr := &http.Transport{DialContext: l.DialContext, DisableCompression: true, MaxConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	base := "http://" + net.JoinHostPort(host, strconv.Itoa(HTTPPort))
	lastModified := ""
	for _, s := range HTTPSteps {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		req, err := http.NewRequestWithContext(ctx, s.Method, base+s.Path, nil)
		if err != nil {
			cancel()
			t.Fatalf("netlab: %v", err)
		}
		req.Header.Set("User-Agent", "netlab")
		if s.IfModifiedSince {
			req.Header.Set("If-Modified-Since", lastModified)
		}
		resp, err := client.Do(req)
		if err != nil {
			cancel()
			t.Fatalf("netlab: %s %s: %v", s.Method, base+s.Path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		if err != nil {
			t.Fatalf("netlab: %s %s: reading the body: %v", s.Method, base+s.Path, err)
		}
		if resp.StatusCode != s.Status {
			t.Fatalf("netlab: %s %s: %s, want %d", s.Method, base+s.Path, resp.Status, s.Status)
		}
		if redirected := resp.Request.URL.Path != s.Path; redirected != s.Redirected {
			t.Fatalf("netlab: %s %s ended at %s", s.Method, base+s.Path, resp.Request.URL)
		}
		switch {
		case s.Path == "/" && s.Status == http.StatusOK:
			lastModified = resp.Header.Get("Last-Modified")
			if string(body) != StatusPage || lastModified == "" {
				t.Fatalf("netlab: GET /: body %q, Last-Modified %q", body, lastModified)
			}
		case s.Redirected && string(body) != NewPage:
			t.Fatalf("netlab: GET %s → %s: body %q", s.Path, resp.Request.URL, body)
		}
	}
}

func init() {
	Scenarios = append(Scenarios, Scenario{"http",
		"HTTP status codes over IPv4, then IPv6: GET / 200 (Last-Modified), again with If-Modified-Since 304, " +
			"/old 302 followed to /new/ 200 on a new connection, /missing 404, /busy 503",
		HTTPStatuses})
}
