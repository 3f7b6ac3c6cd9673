package netlab

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// LoadOptions shapes the traffic of Load.
type LoadOptions struct {
	// Size is the capture size at which Load stops (the file ends a little above it: tcpdump's
	// buffer is flushed when it stops).
	Size int64
	// Small makes every HTTP response tiny (a few bytes of body, no Date or Content-Type header) and
	// most requests short connections, so that most frames are under 100 bytes.
	Small bool
	// KeepAlive and Short are the numbers of concurrent keep-alive clients and of concurrent clients
	// opening one connection per request; 0 picks a default (16 and 16; Small: 4 and 32).
	KeepAlive, Short int
	// LossPercent is the random loss of data segments on the wire (Lab.Loss); 0 means none.
	LossPercent float64
	// Buffer is tcpdump's kernel buffer in KiB (-B); 0 picks 262144 (256 MiB).
	Buffer int
	// Progress, if set, is called about once a second with the capture's current size.
	Progress func(size int64, elapsed time.Duration)
}

// LoadResult says what Load did.
type LoadResult struct {
	Path                  string
	Size                  int64 // the file's size
	Packets, Dropped      int   // tcpdump's counts: captured, dropped by the kernel
	Requests, Connections int64 // HTTP responses read, TCP connections made to the HTTP server
	Refused, Unanswered   int64 // connection attempts to ClosedPort and to DroppedPort
	ClientResets          int64 // downloads the client aborted with a RST (the server aborts as many more: /reset)
	Elapsed               time.Duration
}

// Load captures, into path, an HTTP server (Site, plus "/t": a tiny response) under load until the
// file reaches opts.Size: KeepAlive clients each sending requests on one connection, Short clients
// each opening a connection per request (Connection: close), requests for 404 pages and bad
// parameters (400) among them, connection attempts refused (ClosedPort) and unanswered (DroppedPort,
// whose SYNs are dropped), downloads aborted by the client or the server with a RST, all over a
// path losing opts.LossPercent % of the data segments. The client namespace reuses TIME_WAIT ports
// (tcp_tw_reuse) and uses ports 1024–65535, so short connections can go on for long. Unlike the
// scenarios, Load does not fail when tcpdump reports kernel drops: it returns their number.
func Load(t T, path string, opts LoadOptions) LoadResult {
	t.Helper()
	if opts.Size <= 0 {
		t.Fatalf("netlab: Load needs a size")
	}
	if opts.KeepAlive == 0 && opts.Short == 0 {
		opts.KeepAlive, opts.Short = 16, 16
		if opts.Small {
			opts.KeepAlive, opts.Short = 4, 32
		}
	}
	if opts.Buffer == 0 {
		opts.Buffer = 262144
	}
	l := New(t)
	if err := inNS(l.ClientNS, func() error {
		for _, s := range [][2]string{
			{"net/ipv4/tcp_tw_reuse", "1"},
			{"net/ipv4/ip_local_port_range", "1024 65535"},
		} {
			if err := os.WriteFile("/proc/sys/"+s[0], []byte(s[1]), 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("netlab: %v", err)
	}
	l.ServeHTTP(HTTPPort, loadSite())
	l.DropSYNs(DroppedPort)
	if opts.LossPercent > 0 {
		l.Loss(opts.LossPercent)
	}
	d := newNSDialer(l.ClientNS, 4)
	defer d.close()

	var res LoadResult
	res.Path = path
	c := l.startCaptureTo(path, opts.Buffer)
	c.Settle = 50 * time.Millisecond
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	spawn := func(f func(r *rand.Rand)) {
		wg.Add(1)
		seed := rand.Uint64()
		go func() {
			defer wg.Done()
			f(rand.New(rand.NewPCG(seed, 1)))
		}()
	}
	for range opts.KeepAlive {
		spawn(func(r *rand.Rand) { keepAliveClient(ctx, d, r, opts.Small, &res) })
	}
	for range opts.Short {
		spawn(func(r *rand.Rand) {
			for ctx.Err() == nil {
				if shortRequest(ctx, d, r, opts.Small, &res) != nil {
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	// Refused: a SYN to a closed port every 20 ms.
	spawn(func(r *rand.Rand) {
		for ctx.Err() == nil {
			dctx, dcancel := context.WithTimeout(ctx, time.Second)
			conn, err := d.dial(dctx, net.JoinHostPort(ServerIP, strconv.Itoa(ClosedPort)))
			dcancel()
			if err == nil {
				conn.Close()
			}
			atomic.AddInt64(&res.Refused, 1)
			sleep(ctx, 20*time.Millisecond)
		}
	})
	// Unanswered: every 100 ms an attempt that waits 1.5 s (the SYN and one retransmission).
	spawn(func(r *rand.Rand) {
		var uw sync.WaitGroup
		for ctx.Err() == nil {
			uw.Add(1)
			go func() {
				defer uw.Done()
				dctx, dcancel := context.WithTimeout(ctx, 1500*time.Millisecond)
				conn, err := l.DialContext(dctx, "tcp4", net.JoinHostPort(ServerIP, strconv.Itoa(DroppedPort)))
				dcancel()
				if err == nil {
					conn.Close()
				}
			}()
			atomic.AddInt64(&res.Unanswered, 1)
			sleep(ctx, 100*time.Millisecond)
		}
		uw.Wait()
	})
	// Resets: every 250 ms, a download the server resets (/reset) and one the client aborts (/slow).
	for _, p := range []string{"/reset", "/slow"} {
		spawn(func(r *rand.Rand) {
			for ctx.Err() == nil {
				abortedDownload(ctx, d, p, &res)
				sleep(ctx, 250*time.Millisecond)
			}
		})
	}

	last := time.Now()
	for {
		time.Sleep(50 * time.Millisecond)
		fi, err := os.Stat(path)
		if err != nil {
			continue
		}
		if opts.Progress != nil && time.Since(last) >= time.Second {
			last = time.Now()
			opts.Progress(fi.Size(), time.Since(start))
		}
		if fi.Size() >= opts.Size {
			break
		}
	}
	c.stop(true) // kernel drops are counted, not fatal
	cancel()
	wg.Wait()
	res.Elapsed = time.Since(start)
	c.mu.Lock()
	res.Packets, res.Dropped = c.captured, c.dropped
	c.mu.Unlock()
	if fi, err := os.Stat(path); err == nil {
		res.Size = fi.Size()
	}
	return res
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// loadSite is Site with "/t": a response of a few bytes with no Date or Content-Type header, so
// that request and response frames stay small.
func loadSite() http.Handler {
	site := Site()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /t", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Date"] = nil
		h["Content-Type"] = nil
		h.Set("Content-Length", "2")
		io.WriteString(w, "ok")
	})
	mux.Handle("/", site)
	return mux
}

// loadPath picks a request path: for Small mostly "/t"; otherwise downloads of mostly a few KB and
// sometimes up to 1 MB, the page, and a few 404s and 400s.
func loadPath(r *rand.Rand, small bool) string {
	x := r.IntN(100)
	switch {
	case x < 2:
		return "/missing/" + strconv.Itoa(r.IntN(1000))
	case x < 3:
		return "/bulk?bytes=bad"
	}
	if small {
		return "/t"
	}
	switch {
	case x < 20:
		return "/"
	case x < 85:
		return "/bulk?bytes=" + strconv.Itoa(200+r.IntN(16000))
	case x < 98:
		return "/bulk?bytes=" + strconv.Itoa(16000+r.IntN(200000))
	default:
		return "/bulk?bytes=" + strconv.Itoa(200000+r.IntN(800000))
	}
}

func writeRequest(w io.Writer, path string, close bool) error {
	var b bytes.Buffer
	b.WriteString("GET " + path + " HTTP/1.1\r\nHost: " + ServerIP + "\r\n")
	if close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	_, err := w.Write(b.Bytes())
	return err
}

// exchange sends one request on conn and reads the whole response.
func exchange(conn net.Conn, br *bufio.Reader, path string, close bool) error {
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := writeRequest(conn, path, close); err != nil {
		return err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

func keepAliveClient(ctx context.Context, d *nsDialer, r *rand.Rand, small bool, res *LoadResult) {
	addr := net.JoinHostPort(ServerIP, strconv.Itoa(HTTPPort))
	for ctx.Err() == nil {
		conn, err := d.dial(ctx, addr)
		if err != nil {
			sleep(ctx, 10*time.Millisecond)
			continue
		}
		atomic.AddInt64(&res.Connections, 1)
		br := bufio.NewReader(conn)
		// A connection serves 50–500 requests, then the client closes it and opens another.
		for n := 50 + r.IntN(450); n > 0 && ctx.Err() == nil; n-- {
			if exchange(conn, br, loadPath(r, small), false) != nil {
				break
			}
			atomic.AddInt64(&res.Requests, 1)
		}
		conn.Close()
	}
}

func shortRequest(ctx context.Context, d *nsDialer, r *rand.Rand, small bool, res *LoadResult) error {
	conn, err := d.dial(ctx, net.JoinHostPort(ServerIP, strconv.Itoa(HTTPPort)))
	if err != nil {
		return err
	}
	defer conn.Close()
	atomic.AddInt64(&res.Connections, 1)
	if err := exchange(conn, bufio.NewReader(conn), loadPath(r, small), true); err != nil {
		return err
	}
	atomic.AddInt64(&res.Requests, 1)
	return nil
}

// abortedDownload fetches path ("/reset": the server resets; "/slow": the client resets after
// AbortAfter bytes).
func abortedDownload(ctx context.Context, d *nsDialer, path string, res *LoadResult) {
	conn, err := d.dial(ctx, net.JoinHostPort(ServerIP, strconv.Itoa(HTTPPort)))
	if err != nil {
		return
	}
	defer conn.Close()
	atomic.AddInt64(&res.Connections, 1)
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if writeRequest(conn, path, false) != nil {
		return
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return
	}
	if path == "/slow" {
		io.ReadFull(resp.Body, make([]byte, AbortAfter))
		conn.(*net.TCPConn).SetLinger(0)
		atomic.AddInt64(&res.ClientResets, 1)
		return
	}
	io.Copy(io.Discard, resp.Body)
}

// nsDialer dials from a namespace through a few goroutines locked, for their whole life, to OS
// threads in it, so that a connection does not cost a thread (as Lab.DialContext's does).
type nsDialer struct {
	reqs chan dialReq
	wg   sync.WaitGroup
}

type dialReq struct {
	ctx  context.Context
	addr string
	res  chan dialRes
}

type dialRes struct {
	conn net.Conn
	err  error
}

func newNSDialer(ns string, workers int) *nsDialer {
	d := &nsDialer{reqs: make(chan dialReq)}
	for range workers {
		d.wg.Add(1)
		ready := make(chan error, 1)
		go func() {
			defer d.wg.Done()
			runtime.LockOSThread()
			// No UnlockOSThread: the thread ends with the goroutine.
			f, err := os.Open("/run/netns/" + ns)
			if err == nil {
				err = setns(int(f.Fd()))
				f.Close()
			}
			ready <- err
			if err != nil {
				return
			}
			for req := range d.reqs {
				c, err := (&net.Dialer{}).DialContext(req.ctx, "tcp4", req.addr)
				req.res <- dialRes{c, err}
			}
		}()
		if err := <-ready; err != nil {
			panic(fmt.Sprintf("netlab: entering %s: %v", ns, err))
		}
	}
	return d
}

// dial connects from the namespace. It blocks while every worker is busy, so attempts that wait for
// long (unanswered SYNs) use Lab.DialContext instead.
func (d *nsDialer) dial(ctx context.Context, addr string) (net.Conn, error) {
	res := make(chan dialRes, 1)
	select {
	case d.reqs <- dialReq{ctx, addr, res}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	r := <-res
	return r.conn, r.err
}

func (d *nsDialer) close() {
	close(d.reqs)
	d.wg.Wait()
}

// startCaptureTo is StartCapture writing to path, buffered (no --immediate-mode, no -U) and with a
// kernel buffer of bufKiB, for captures of high rates.
func (l *Lab) startCaptureTo(path string, bufKiB int) *Capture {
	l.t.Helper()
	return l.startTcpdump(path, "-B", strconv.Itoa(bufKiB))
}
