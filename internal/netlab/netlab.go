// Package netlab produces real captures of real TCP and HTTP traffic for tests: it builds a small
// network out of Linux network namespaces, runs a real Go HTTP server and real clients in it, shapes
// the path (dropped SYNs, random loss, netem), and records the client's interface with tcpdump.
//
// # Topology
//
// Every Lab has three namespaces with unique names (netlab-PID-N-client, -server, -wire), so tests
// can run in parallel:
//
//	client ns                    wire ns                         server ns
//	veth0 10.99.0.1/24 ── to-client ─ br0 (bridge) ─ to-server ── veth0 10.99.0.2/24
//
// The client and server share one Ethernet segment, as if joined by a veth pair, but through a
// bridge in a third namespace: packets dropped there (Lab.Loss) are lost on the path, so the sender
// learns of the loss only as TCP does, by missing ACKs, and the capture on the client shows the gap
// as a real capture would. The link is made to look like a real NIC's: IPv6 is off (no router or
// neighbour solicitations), the neighbour entries are static (no ARP), the MAC addresses are fixed
// (ClientMAC, ServerMAC), and segmentation and checksum offloads are off, so the capture holds
// MTU-sized frames with correct checksums rather than 64 KB GSO frames.
//
// # Servers and clients
//
// Go code runs in a namespace through setns(2) on a locked OS thread that is thrown away afterwards:
// a socket belongs to the namespace it was created in, so the listener made by Lab.ServeHTTP lives in
// the server namespace and the connections made by Lab.DialContext (and Lab.HTTPClient) in the client
// namespace, whichever goroutine uses them afterwards. Handlers are ordinary http.Handlers of the test
// process; no helper program is built. External programs (curl, a load generator) run through
// `ip netns exec` with Lab.Client and Lab.Server.
//
// # Needs
//
// Linux and root (CAP_NET_ADMIN and CAP_SYS_ADMIN), and the programs ip and tc (iproute2), iptables,
// nft (nftables), ethtool and tcpdump. Available says whether they are there; New skips the test when
// they are not, or fails it when NETLAB_REQUIRE is set (as CI does once it has installed them). On
// Debian: apt-get install -y iproute2 iptables nftables ethtool tcpdump.
//
// The scenarios of the diagnose tests (Unanswered, Refused, Normal, Lossy, ClientReset, ServerReset)
// are functions that build their own Lab and return the path of their capture; Scenarios lists them
// by name for cmd/netlab-capture.
package netlab

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Addresses of the two ends. They are the same in every Lab: each Lab has namespaces of its own.
const (
	ClientIP  = "10.99.0.1"
	ServerIP  = "10.99.0.2"
	ClientMAC = "02:00:0a:63:00:01"
	ServerMAC = "02:00:0a:63:00:02"
	// Iface is the name of the client's and the server's interface, each in its own namespace.
	Iface = "veth0"
)

// nsPrefix starts the name of every namespace a Lab makes; stale ones (whose process is gone) are
// removed by New.
const nsPrefix = "netlab-"

// cmdTimeout bounds every helper command (ip, iptables, ...).
const cmdTimeout = 30 * time.Second

// T is the part of testing.TB a Lab needs; *testing.T and *testing.B satisfy it, and
// cmd/netlab-capture has its own. Fatalf and Skipf must not return (testing's call runtime.Goexit).
type T interface {
	Helper()
	Logf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}

// tools are the programs a Lab runs.
var tools = []string{"ip", "tc", "iptables", "nft", "ethtool", "tcpdump"}

// toolPath finds a tool in PATH or, since a root shell's PATH may lack them, in /usr/sbin and /sbin;
// "" if it is nowhere.
func toolPath(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// command returns the command for args, with the tools (also the one `ip netns exec` runs) named by
// their full path.
func command(ctx context.Context, args ...string) *exec.Cmd {
	args = append([]string(nil), args...)
	resolve := func(i int) {
		for _, tool := range tools {
			if args[i] == tool {
				if p := toolPath(tool); p != "" {
					args[i] = p
				}
			}
		}
	}
	resolve(0)
	if len(args) > 4 && args[1] == "netns" && args[2] == "exec" {
		resolve(4)
	}
	return exec.CommandContext(ctx, args[0], args[1:]...)
}

// Available reports whether a Lab can be built here: Linux, root, network namespaces, and the tools
// (ip, tc, iptables, nft, ethtool, tcpdump) in PATH. If not, reason says what is missing.
func Available() (ok bool, reason string) {
	if runtime.GOOS != "linux" {
		return false, "netlab needs Linux network namespaces (GOOS=" + runtime.GOOS + ")"
	}
	if os.Geteuid() != 0 {
		return false, "netlab needs root to create network namespaces"
	}
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		return false, "this kernel has no network namespaces"
	}
	var missing []string
	for _, tool := range tools {
		if toolPath(tool) == "" {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		return false, "netlab needs " + strings.Join(missing, ", ") +
			" in PATH (Debian: apt-get install -y iproute2 iptables nftables ethtool tcpdump)"
	}
	return true, ""
}

// Lab is one client/server network: three namespaces, their links, and everything started in them.
// Close (run by the test's Cleanup) removes all of it.
type Lab struct {
	t T
	// ClientNS, ServerNS and WireNS are the names of the three namespaces (for `ip netns exec`).
	ClientNS, ServerNS, WireNS string
	dir                        string

	mu       sync.Mutex
	closed   bool
	closers  []func() // run in reverse order by Close, before the namespaces go
	captures []*Capture
}

var labSeq atomic.Int64

// RequireEnv is the environment variable that turns the skip of a test that cannot run here into a
// failure: CI sets NETLAB_REQUIRE=1 once it has installed the tools, so that a missing install step
// fails the run instead of passing it silently.
const RequireEnv = "NETLAB_REQUIRE"

// SkipUnavailable skips the test, with the reason, when Available reports false (it fails the test
// instead when RequireEnv is set). New calls it; tests call it first to skip before t.Parallel.
func SkipUnavailable(t T) {
	t.Helper()
	if ok, reason := Available(); !ok {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("netlab: %s (and %s is set)", reason, RequireEnv)
		}
		t.Skipf("netlab: %s", reason)
	}
}

// New builds a Lab and registers its Close with t.Cleanup, so nothing is left behind when the test
// ends, passes or not. It skips the test (SkipUnavailable) when Available reports false, and fails it
// when the network cannot be built.
func New(t T) *Lab {
	t.Helper()
	SkipUnavailable(t)
	removeStale()
	base := fmt.Sprintf("%s%d-%d", nsPrefix, os.Getpid(), labSeq.Add(1))
	l := &Lab{t: t, ClientNS: base + "-client", ServerNS: base + "-server", WireNS: base + "-wire", dir: t.TempDir()}
	t.Cleanup(l.Close)
	if err := l.build(); err != nil {
		t.Fatalf("netlab: building the lab: %v", err)
	}
	return l
}

// sysctls are set in each namespace before any interface exists (those the kernel lacks are skipped).
var sysctls = [][2]string{
	// No IPv6: no router or neighbour solicitations in the captures.
	{"net/ipv6/conf/all/disable_ipv6", "1"},
	{"net/ipv6/conf/default/disable_ipv6", "1"},
	// No IGMP reports for link-local groups (the bridge's multicast snooping joins one).
	{"net/ipv4/igmp_link_local_mcast_reports", "0"},
	// The classic SYN back-off (retransmissions 1 s, 3 s, 7 s ... after the first SYN), as the
	// walk-throughs and most captures in the field show it; kernels since 6.x otherwise resend the
	// first four SYNs at 1 s intervals.
	{"net/ipv4/tcp_syn_linear_timeouts", "0"},
}

// build makes the namespaces and the links and checks that the server's kernel answers.
func (l *Lab) build() error {
	for _, ns := range []string{l.ClientNS, l.ServerNS, l.WireNS} {
		if _, err := run("ip", "netns", "add", ns); err != nil {
			return err
		}
		if err := inNS(ns, func() error {
			for _, s := range sysctls {
				if err := os.WriteFile("/proc/sys/"+s[0], []byte(s[1]), 0); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("setting up %s: %w", ns, err)
		}
	}
	steps := [][]string{
		{"ip", "-n", l.WireNS, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0"},
		{"ip", "-n", l.WireNS, "link", "add", "to-client", "type", "veth", "peer", "name", Iface, "netns", l.ClientNS, "address", ClientMAC},
		{"ip", "-n", l.WireNS, "link", "add", "to-server", "type", "veth", "peer", "name", Iface, "netns", l.ServerNS, "address", ServerMAC},
		// Frames as a real NIC puts them on the wire: MTU-sized, with their checksums filled in.
		{"ip", "netns", "exec", l.ClientNS, "ethtool", "-K", Iface, "tx", "off", "tso", "off", "gso", "off", "gro", "off"},
		{"ip", "netns", "exec", l.ServerNS, "ethtool", "-K", Iface, "tx", "off", "tso", "off", "gso", "off", "gro", "off"},
		{"ip", "netns", "exec", l.WireNS, "ethtool", "-K", "to-client", "tx", "off", "tso", "off", "gso", "off", "gro", "off"},
		{"ip", "netns", "exec", l.WireNS, "ethtool", "-K", "to-server", "tx", "off", "tso", "off", "gso", "off", "gro", "off"},
		{"ip", "-n", l.WireNS, "link", "set", "to-client", "master", "br0", "up"},
		{"ip", "-n", l.WireNS, "link", "set", "to-server", "master", "br0", "up"},
		{"ip", "-n", l.WireNS, "link", "set", "br0", "up"},
		{"ip", "-n", l.ClientNS, "addr", "add", ClientIP + "/24", "dev", Iface},
		{"ip", "-n", l.ServerNS, "addr", "add", ServerIP + "/24", "dev", Iface},
		{"ip", "-n", l.ClientNS, "link", "set", "lo", "up"},
		{"ip", "-n", l.ServerNS, "link", "set", "lo", "up"},
		{"ip", "-n", l.ClientNS, "link", "set", Iface, "up"},
		{"ip", "-n", l.ServerNS, "link", "set", Iface, "up"},
		// Static neighbours: no ARP in the captures, whenever they start.
		{"ip", "-n", l.ClientNS, "neigh", "replace", ServerIP, "lladdr", ServerMAC, "dev", Iface, "nud", "permanent"},
		{"ip", "-n", l.ServerNS, "neigh", "replace", ClientIP, "lladdr", ClientMAC, "dev", Iface, "nud", "permanent"},
	}
	for _, s := range steps {
		if _, err := run(s...); err != nil {
			return err
		}
	}
	// A port nobody listens on must be refused at once: then the path works both ways.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := l.DialContext(ctx, "tcp", net.JoinHostPort(ServerIP, "9"))
		cancel()
		if c != nil {
			c.Close()
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server namespace does not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Close stops the captures, the servers, the HTTP clients' idle connections and the commands started
// in the Lab, then removes its links and namespaces. It is idempotent and registered with t.Cleanup by
// New.
func (l *Lab) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	caps := l.captures
	closers := l.closers
	l.mu.Unlock()

	for _, c := range caps {
		c.stop(false)
	}
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
	for _, ns := range []string{l.ClientNS, l.ServerNS, l.WireNS} {
		killNS(ns)
	}
	// Deleting the wire's ends deletes their peers; then the namespaces go even if a socket of this
	// process still holds one of them.
	run("ip", "-n", l.WireNS, "link", "del", "to-client")
	run("ip", "-n", l.WireNS, "link", "del", "to-server")
	for _, ns := range []string{l.ClientNS, l.ServerNS, l.WireNS} {
		if _, err := run("ip", "netns", "del", ns); err != nil {
			l.t.Logf("netlab: %v", err)
		}
	}
}

// onClose registers f to run when the Lab closes (or at once if it already has).
func (l *Lab) onClose(f func()) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		f()
		return
	}
	l.closers = append(l.closers, f)
	l.mu.Unlock()
}

// ServeHTTP serves handler with a real net/http server listening on ServerIP:port in the server
// namespace, until the Lab closes. The listener is made in the server namespace (see the package
// comment), so the handler runs in the test process and may use anything the test has.
func (l *Lab) ServeHTTP(port int, handler http.Handler) {
	l.t.Helper()
	var ln net.Listener
	err := inNS(l.ServerNS, func() error {
		var err error
		ln, err = net.Listen("tcp4", net.JoinHostPort(ServerIP, strconv.Itoa(port)))
		return err
	})
	if err != nil {
		l.t.Fatalf("netlab: listening on port %d in the server namespace: %v", port, err)
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

// DialContext opens a connection from the client namespace, as net.Dialer.DialContext does (its
// signature fits http.Transport.DialContext). The caller closes it; the client namespace has no route
// but to the lab's own subnet, so nothing dialled here leaves the machine.
func (l *Lab) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := inNS(l.ClientNS, func() error {
		var err error
		c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// HTTPClient returns an HTTP client whose connections start in the client namespace. Its transport
// keeps connections alive as net/http does by default; set Request.Close for one connection per
// request. Its idle connections are closed with the Lab.
func (l *Lab) HTTPClient() *http.Client {
	tr := &http.Transport{DialContext: l.DialContext, DisableCompression: true}
	l.onClose(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// Client runs a command (such as curl) in the client namespace with `ip netns exec` and returns its
// combined output. The command is killed if it runs for more than two minutes.
func (l *Lab) Client(args ...string) ([]byte, error) {
	return l.exec(l.ClientNS, args)
}

// Server runs a command in the server namespace, as Client does in the client's.
func (l *Lab) Server(args ...string) ([]byte, error) {
	return l.exec(l.ServerNS, args)
}

func (l *Lab) exec(ns string, args []string) ([]byte, error) {
	if len(args) == 0 {
		return nil, errors.New("netlab: no command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := command(ctx, append([]string{"ip", "netns", "exec", ns}, args...)...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := start(cmd)
	if err == nil {
		err = cmd.Wait()
	}
	out := buf.Bytes()
	if err != nil {
		err = fmt.Errorf("%s in %s: %w: %s", strings.Join(args, " "), ns, err, bytes.TrimSpace(out))
	}
	return out, err
}

// DropSYNs makes the server namespace's firewall drop the SYNs that arrive for port, so connection
// attempts go unanswered (iptables -A INPUT -p tcp --dport PORT --syn -j DROP).
func (l *Lab) DropSYNs(port int) {
	l.t.Helper()
	if _, err := run("ip", "netns", "exec", l.ServerNS, "iptables", "-w", "-A", "INPUT", "-p", "tcp",
		"--dport", strconv.Itoa(port), "--syn", "-j", "DROP"); err != nil {
		l.t.Fatalf("netlab: %v", err)
	}
}

// Loss makes the wire drop, at random, percent % of the TCP segments of more than 200 bytes (IP length)
// that cross it in either direction: data segments are lost, while handshakes, teardowns and pure ACKs
// always get through, so a run's duration and outcome stay predictable. The loss is on the path (an
// nftables rule on the bridge in the wire namespace): the sender's kernel does not know of it and the
// client's capture shows the gap. Calling it again replaces the rate; 0 removes the loss.
func (l *Lab) Loss(percent float64) {
	l.t.Helper()
	if percent < 0 || percent > 100 {
		l.t.Fatalf("netlab: loss of %v %%", percent)
	}
	run("ip", "netns", "exec", l.WireNS, "nft", "delete", "table", "bridge", "netlab")
	if percent == 0 {
		return
	}
	rule := fmt.Sprintf(`table bridge netlab {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip protocol tcp ip length > 200 numgen random mod 1000000 < %d counter drop
	}
}
`, int(percent*10000+0.5))
	if _, err := runInput(rule, "ip", "netns", "exec", l.WireNS, "nft", "-f", "-"); err != nil {
		l.t.Fatalf("netlab: %v", err)
	}
}

// Netem replaces the root qdisc of the server's interface with netem and the given parameters, e.g.
// Netem("loss", "5%", "delay", "10ms"): the server's packets to the client are delayed or lost before
// they reach the wire (and the capture). It skips the test when the kernel has no netem (some
// virtual machines' kernels are built without it; Loss works there).
func (l *Lab) Netem(args ...string) {
	l.t.Helper()
	out, err := run(append([]string{"ip", "netns", "exec", l.ServerNS, "tc", "qdisc", "replace", "dev", Iface, "root", "netem"}, args...)...)
	if err != nil {
		if strings.Contains(string(out), "kind is unknown") || strings.Contains(string(out), "No such file") {
			l.t.Skipf("netlab: this kernel has no netem qdisc (sch_netem): %v", err)
		}
		l.t.Fatalf("netlab: %v", err)
	}
}

// run runs a helper command and returns its combined output; the error includes the output.
func run(args ...string) ([]byte, error) {
	return runInput("", args...)
}

func runInput(stdin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := command(ctx, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return out, nil
}

// inNS runs fn on an OS thread switched into the named network namespace. The thread is discarded
// afterwards (its goroutine exits still locked to it), so no other goroutine ever runs in the
// namespace by accident. Sockets fn creates stay in the namespace for their whole life.
func inNS(name string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the runtime ends the thread when this goroutine returns.
		f, err := os.Open(filepath.Join("/run/netns", name))
		if err != nil {
			errc <- err
			return
		}
		err = setns(int(f.Fd()))
		f.Close()
		if err != nil {
			errc <- fmt.Errorf("setns %s: %w", name, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

var (
	spawnOnce sync.Once
	spawnCh   chan func()
)

// start starts cmd so that the kernel kills it if this process dies first (a test binary killed by a
// timeout leaves no tcpdump behind). That signal (PR_SET_PDEATHSIG) follows the OS thread that forked
// the command, and inNS throws threads away, so every such command is forked by one goroutine locked
// to a thread that lives as long as the process.
func start(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnCh = make(chan func())
		go func() {
			runtime.LockOSThread()
			for f := range spawnCh {
				f()
			}
		}()
	})
	dieWithParent(cmd)
	errc := make(chan error, 1)
	spawnCh <- func() { errc <- cmd.Start() }
	return <-errc
}

// killNS kills (SIGKILL) the processes left in a namespace of a Lab: commands it started.
func killNS(ns string) {
	out, err := run("ip", "netns", "pids", ns)
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
			kill(pid)
		}
	}
}

// removeStale removes the namespaces of Labs whose process has died without closing them (a test
// binary killed by a timeout), so that a rerun starts clean.
func removeStale() {
	out, err := run("ip", "netns", "list")
	if err != nil {
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || !strings.HasPrefix(fields[0], nsPrefix) {
			continue
		}
		name := fields[0]
		pidStr, _, _ := strings.Cut(strings.TrimPrefix(name, nsPrefix), "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		killNS(name)
		if strings.HasSuffix(name, "-wire") {
			run("ip", "-n", name, "link", "del", "to-client")
			run("ip", "-n", name, "link", "del", "to-server")
		}
		run("ip", "netns", "del", name)
	}
}
