package netlab

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Capture is a tcpdump recording the client's interface into a pcap file.
type Capture struct {
	l    *Lab
	cmd  *exec.Cmd
	path string

	// Settle is how long Stop waits before it stops tcpdump, so that the last packets of an exchange
	// (a final ACK, a RST in answer to a late segment) are in the file. StartCapture sets it to 300 ms.
	Settle time.Duration

	mu       sync.Mutex
	stderr   bytes.Buffer
	done     chan struct{} // closed when tcpdump has exited
	waitErr  error
	stopped  bool
	captured int
	dropped  int
}

// StartCapture starts tcpdump on the client's interface, in the client namespace, writing every frame
// whole (default snap length) to a new pcap file in the Lab's directory (tcpdump -i veth0 -w FILE -U
// --immediate-mode -B 32768 -Z root -n), and returns once tcpdump is capturing.
func (l *Lab) StartCapture() *Capture {
	l.t.Helper()
	l.mu.Lock()
	n := len(l.captures) + 1
	l.mu.Unlock()
	path := filepath.Join(l.dir, fmt.Sprintf("capture-%d.pcap", n))
	return l.startTcpdump(path, "-U", "--immediate-mode", "-B", "32768")
}

// startTcpdump runs tcpdump -i veth0 -w path with the extra options in the client namespace and returns
// once it is capturing; the test fails if it exits or does not start within 20 s.
func (l *Lab) startTcpdump(path string, opts ...string) *Capture {
	l.t.Helper()
	c := &Capture{l: l, path: path, Settle: 300 * time.Millisecond, done: make(chan struct{})}
	args := append([]string{"ip", "netns", "exec", l.ClientNS, "tcpdump", "-i", Iface, "-w", path}, opts...)
	c.cmd = command(context.Background(), append(args, "-Z", "root", "-n")...)
	pipe, err := c.cmd.StderrPipe()
	if err != nil {
		l.t.Fatalf("netlab: %v", err)
	}
	if err := start(c.cmd); err != nil {
		l.t.Fatalf("netlab: starting tcpdump: %v", err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pipe)
		once := false
		for sc.Scan() {
			c.mu.Lock()
			c.stderr.Write(sc.Bytes())
			c.stderr.WriteByte('\n')
			c.mu.Unlock()
			if !once && bytes.Contains(sc.Bytes(), []byte("listening on")) {
				once = true
				close(ready)
			}
		}
		err := c.cmd.Wait()
		c.mu.Lock()
		c.waitErr = err
		c.mu.Unlock()
		close(c.done)
	}()
	l.mu.Lock()
	l.captures = append(l.captures, c)
	l.mu.Unlock()
	select {
	case <-ready:
		return c
	case <-c.done:
		c.mu.Lock()
		err := c.waitErr
		c.mu.Unlock()
		l.t.Fatalf("netlab: tcpdump exited: %v: %s", err, c.output())
	case <-time.After(20 * time.Second):
		c.stop(false)
		l.t.Fatalf("netlab: tcpdump did not start capturing within 20 s: %s", c.output())
	}
	return nil
}

// Path is the pcap file's path.
func (c *Capture) Path() string { return c.path }

// Stop waits Settle, stops tcpdump, waits until it has flushed and closed the file, and returns the
// file's path. It fails the test if tcpdump reports that the kernel dropped packets (the capture would
// then show losses that did not happen). Calling it again returns the path.
func (c *Capture) Stop() string {
	c.l.t.Helper()
	if err := c.stop(true); err != nil {
		c.l.t.Fatalf("netlab: %v", err)
	}
	return c.path
}

// Packets is the number of packets tcpdump wrote, known after Stop.
func (c *Capture) Packets() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.captured
}

var (
	reCaptured = regexp.MustCompile(`(?m)^(\d+) packets? captured`)
	reDropped  = regexp.MustCompile(`(?m)^(\d+) packets? dropped by kernel`)
)

func (c *Capture) stop(settle bool) error {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return nil
	}
	c.stopped = true
	c.mu.Unlock()
	if settle {
		time.Sleep(c.Settle)
	}
	interrupt(c.cmd)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("tcpdump did not stop within 10 s: %s", c.output())
	}
	out := c.output()
	c.mu.Lock()
	defer c.mu.Unlock()
	m := reCaptured.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("tcpdump ended without its statistics (%v): %s", c.waitErr, out)
	}
	c.captured, _ = strconv.Atoi(m[1])
	if m := reDropped.FindStringSubmatch(out); m != nil {
		c.dropped, _ = strconv.Atoi(m[1])
	}
	if c.dropped > 0 {
		return fmt.Errorf("tcpdump: the kernel dropped %d packets: %s", c.dropped, out)
	}
	return nil
}

func (c *Capture) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}
