// Package cli implements the wirelens commands. Each command is a thin layer over package engine and
// writes through the row writers of rows.go, so that every listing supports --format table|csv|json.
//
// Exit codes: 0 success; 1 the trace was read but a problem was found that --strict turns into a failure
// (a truncated file); 2 the command could not run (bad usage, missing file, not a capture).
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/engine"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitProblem = 1
	ExitError   = 2
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// Version is the program version, set at build time with -ldflags "-X .../internal/cli.Version=…".
var Version = "dev"

type globals struct {
	stdout, stderr io.Writer
	strict         bool
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "wirelens",
		Short: "Open network traces, decode them and explain what happened",
		Long: "wirelens reads pcap and pcapng captures (also gzip-compressed), decodes Ethernet, VLAN, ARP, IPv4,\n" +
			"IPv6, ICMP, TCP, UDP, DNS and HTTP with Wireshark's field names, and lists, shows and explains them.\n\n" +
			"Exit status: 0 success, 1 trace read with a problem that --strict makes fatal, 2 error.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.PersistentFlags().BoolVar(&g.strict, "strict", false, "exit with status 1 when the trace is truncated or damaged")
	root.AddCommand(listCmd(g), showCmd(g), fieldsCmd(g), conversationsCmd(g), diagnoseCmd(g), filterCmd(g), streamCmd(g), httpCmd(g), uiCmd(g))
	root.AddCommand(convertCmd(g))
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "wirelens:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "wirelens:", err)
	return ExitError
}

// streamingGC makes the garbage collector run once the heap has grown by a quarter past what was live
// at the last collection (Go's default is a doubling), unless GOGC says otherwise. It is for conversations
// and diagnose, whose live heap stays the same size however long the trace: per-connection state is
// evicted and its lists recycled. With the default, the collector ran only while the pipeline started up
// (GODEBUG=gctrace=1 on the 1 and 2 GB benchmark captures), so whatever was allocated after it stayed
// until the end and the peak resident memory grew with the trace's length: from the 1 GB capture to the
// 2 GB one (medians of 3), diagnose +10.8 % (+6.1 % with 25), conversations +2.3 % (+0.5 %). diagnose
// then runs 13 collections instead of 3 on the 1 GB capture. list does without: tshark's view of HTTP,
// which it runs, allocates the messages it reassembles (1 GB capture: 44 collections instead of 11),
// and its peak memory stays flat with the default.
func streamingGC() { SetGCPercent(streamingGCPercent) }

// streamingGCPercent is the GOGC of conversations and diagnose (see streamingGC).
const streamingGCPercent = 25

// openTrace opens a trace for one pass, turning errors into one-line messages with exit status 2.
func openTrace(path string) (*engine.Trace, error) { return openTraceWith(path, false) }

// openTraceWith opens a trace, in two passes if asked. The commands that open traces this way do not read
// the HTTP operations, so the trace does not keep them (memory and time that grew with the trace).
func openTraceWith(path string, twoPass bool) (*engine.Trace, error) {
	return openTraceOpts(path, engine.Options{TwoPass: twoPass, NoHTTPOperations: true})
}

// openTraceOpts opens a trace with options.
func openTraceOpts(path string, o engine.Options) (*engine.Trace, error) {
	t, err := engine.OpenWith(path, o)
	if err == nil {
		return t, nil
	}
	var nc *capture.NotCaptureError
	if errors.As(err, &nc) {
		return nil, &exitError{ExitError, fmt.Errorf("%s: %v", path, err)}
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return nil, &exitError{ExitError, err}
	}
	return nil, &exitError{ExitError, fmt.Errorf("%s: %v", path, err)}
}

// finish reports how the read ended: a truncated file gives a warning on stderr (and exit status 1 with
// --strict); a read error gives exit status 2.
func (g *globals) finish(t *engine.Trace, path string, readErr error) error {
	if readErr != nil && readErr != io.EOF {
		return &exitError{ExitError, fmt.Errorf("%s: %v", path, readErr)}
	}
	for _, n := range t.Reader().Notes() {
		fmt.Fprintf(g.stderr, "wirelens: note: %s: %s\n", path, n)
	}
	if t.Truncated != nil {
		fmt.Fprintf(g.stderr, "wirelens: warning: %s: %v; the frames before it were read\n", path, t.Truncated)
		if g.strict {
			return &exitError{ExitProblem, nil}
		}
	}
	return nil
}
