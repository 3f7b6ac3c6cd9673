package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

type httpOpts struct {
	format string
	filter string
	chains bool
	slow   float64
}

func httpCmd(g *globals) *cobra.Command {
	o := &httpOpts{}
	c := &cobra.Command{
		Use:   "http FILE",
		Short: "List the HTTP operations: each request with its response",
		Long: "One row per HTTP/1.x operation (a request and its response, paired first in first out, which is right\n" +
			"for pipelining and 1xx responses): the frames that complete the request and the response, time, client,\n" +
			"server, method, host, URI, status and phrase, response time, body size, Server, Location and\n" +
			"Content-Type. Requests without a response and responses without a request have a note. tshark 4.0 pairs\n" +
			"pipelined requests differently: where its http.request_in differs, the note says so.\n\n" +
			"Redirects are followed: a 3xx whose Location the same client requests next (on the same or a new\n" +
			"connection) is linked to that request; --chains prints each chain (GET /old → 302 → GET /new/ → 200).",
		Example: "  wirelens http trace.pcap\n  wirelens http trace.pcap -f 'http.response.code >= 400'\n  wirelens http trace.pcap --chains",
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runHTTP(g, o, args[0]) },
	}
	c.Flags().StringVarP(&o.filter, "filter", "f", "", "display filter: only the operations whose request or response frame it selects")
	c.Flags().StringVar(&o.format, "format", "table", "output format: table, csv or json")
	c.Flags().BoolVar(&o.chains, "chains", false, "print the redirect chains instead of the operations")
	c.Flags().Float64Var(&o.slow, "slow", 1, "response time in seconds above which a response is flagged slow")
	return c
}

func runHTTP(g *globals, o *httpOpts, path string) error {
	f, err := parseFormat(o.format)
	if err != nil {
		return err
	}
	var frames map[uint32]bool
	var sel *selection
	if o.filter != "" {
		if sel, err = newSelection(o.filter); err != nil {
			return err
		}
		frames = map[uint32]bool{}
	}
	t, err := openTraceOpts(path, engine.Options{})
	if err != nil {
		return err
	}
	defer t.Close()
	t.HTTP().Slow = int64(o.slow * 1e9)
	var readErr error
	for {
		p, err := t.Next()
		if err != nil {
			readErr = err
			break
		}
		if sel != nil && p.Has(dissect.ProtoHTTP) && sel.prog.Match(p) {
			frames[uint32(p.Num)] = true
		}
	}
	ops := t.HTTPOperations()
	if o.chains {
		err = writeChains(g, f, ops, frames, t.Start)
	} else {
		err = writeOps(g, f, ops, frames, t.Start)
	}
	if err != nil {
		return &exitError{ExitError, err}
	}
	return g.finish(t, path, readErr)
}

func selected(op *analysis.HTTPOperation, frames map[uint32]bool) bool {
	return frames == nil || frames[op.ReqFrame] || frames[op.RespFrame]
}

func writeOps(g *globals, f format, ops []analysis.HTTPOperation, frames map[uint32]bool, start int64) error {
	cols := []column{
		{name: "request", width: 7, right: true}, {name: "response", width: 8, right: true}, {name: "time", width: 12, right: true},
		{name: "stream", width: 6, right: true}, {name: "client", width: 21}, {name: "server", width: 21},
		{name: "method", width: 6}, {name: "host", width: 18}, {name: "uri", width: 28}, {name: "status", width: 6, right: true},
		{name: "phrase", width: 16}, {name: "response_time", width: 13, right: true}, {name: "body", width: 8, right: true},
		{name: "server_header", width: 16}, {name: "location", width: 24}, {name: "content_type", width: 16},
		{name: "chain", width: 5, right: true}, {name: "notes", width: 12},
	}
	w := newRowWriter(g.stdout, f, cols)
	for i := range ops {
		op := &ops[i]
		if !selected(op, frames) {
			continue
		}
		if err := w.row(opCells(op, start)); err != nil {
			return err
		}
	}
	return w.close()
}

func frameCell(n uint32) []byte {
	if n == 0 {
		return []byte{}
	}
	return strconv.AppendUint(nil, uint64(n), 10)
}

func opCells(op *analysis.HTTPOperation, start int64) [][]byte {
	t := op.ReqTime
	if op.ReqFrame == 0 {
		t = op.RespTime
	}
	rt := []byte{}
	if d := op.ResponseTime(); d >= 0 {
		rt = field.AppendSeconds(nil, d)
	}
	status, body := []byte{}, []byte{}
	if op.RespFrame != 0 {
		status = strconv.AppendInt(nil, int64(op.Status), 10)
		body = strconv.AppendInt(nil, op.BodyLen, 10)
	}
	chain := []byte{}
	if op.Chain != 0 {
		chain = strconv.AppendInt(nil, int64(op.Chain), 10)
	}
	notes := op.Notes
	if op.RespFrame != 0 && op.TsharkRequestIn != op.ReqFrame && !op.Recovered {
		n := "tshark pairs the response with "
		if op.TsharkRequestIn == 0 {
			n += "no request"
		} else {
			n += "frame " + strconv.FormatUint(uint64(op.TsharkRequestIn), 10)
		}
		notes = joinNote(notes, n)
	}
	if len(op.Interim) > 0 {
		var s []string
		for _, c := range op.Interim {
			s = append(s, strconv.Itoa(c))
		}
		notes = joinNote(notes, "after "+strings.Join(s, ","))
	}
	if op.Auth != "" {
		notes = joinNote(notes, "auth "+op.Auth)
	}
	return [][]byte{
		frameCell(op.ReqFrame), frameCell(op.RespFrame), field.AppendSeconds(nil, t-start),
		strconv.AppendInt(nil, int64(op.Stream), 10), []byte(op.Client), []byte(op.Server),
		[]byte(op.Method), []byte(op.Host), []byte(op.URI), status, []byte(op.Phrase), rt, body,
		[]byte(op.ServerHeader), []byte(op.Location), []byte(op.ContentType), chain, []byte(notes),
	}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// writeChains prints each redirect chain: one row per chain with its steps.
func writeChains(g *globals, f format, ops []analysis.HTTPOperation, frames map[uint32]bool, start int64) error {
	cols := []column{
		{name: "chain", width: 5, right: true}, {name: "first_frame", width: 11, right: true}, {name: "client", width: 21},
		{name: "steps", width: 6, right: true}, {name: "final_status", width: 12, right: true}, {name: "outcome", width: 10},
		{name: "path", width: 60},
	}
	w := newRowWriter(g.stdout, f, cols)
	byChain := map[int][]*analysis.HTTPOperation{}
	var order []int
	for i := range ops {
		op := &ops[i]
		if op.Chain == 0 {
			continue
		}
		if _, ok := byChain[op.Chain]; !ok {
			order = append(order, op.Chain)
		}
		byChain[op.Chain] = append(byChain[op.Chain], op)
	}
	slices.Sort(order)
	for _, id := range order {
		steps := byChain[id]
		any := false
		for _, op := range steps {
			any = any || selected(op, frames)
		}
		if !any {
			continue
		}
		last := steps[len(steps)-1]
		if err := w.row([][]byte{
			strconv.AppendInt(nil, int64(id), 10), frameCell(steps[0].ReqFrame), []byte(steps[0].Client),
			strconv.AppendInt(nil, int64(len(steps)), 10), strconv.AppendInt(nil, int64(last.Status), 10),
			[]byte(chainOutcome(steps)), []byte(ChainPath(steps)),
		}); err != nil {
			return err
		}
	}
	return w.close()
}

// ChainPath writes a redirect chain as "GET /old → 302 → GET /new/ → 200".
func ChainPath(steps []*analysis.HTTPOperation) string {
	var b strings.Builder
	for i, op := range steps {
		if i > 0 {
			b.WriteString(" → ")
		}
		uri := op.URI
		if i > 0 && op.Host != steps[i-1].Host {
			uri = op.URL()
		}
		fmt.Fprintf(&b, "%s %s", op.Method, uri)
		if op.RespFrame != 0 {
			fmt.Fprintf(&b, " → %d", op.Status)
		} else {
			b.WriteString(" → (no response)")
		}
	}
	return b.String()
}

// chainOutcome says how a redirect chain ended: ok, error (4xx/5xx), loop (a URL requested twice) or
// unanswered.
func chainOutcome(steps []*analysis.HTTPOperation) string {
	seen := map[string]bool{}
	for _, op := range steps {
		if seen[op.URL()] {
			return "loop"
		}
		seen[op.URL()] = true
	}
	last := steps[len(steps)-1]
	switch {
	case last.RespFrame == 0:
		return "unanswered"
	case last.Status >= 400:
		return "error"
	case last.Status >= 300:
		return "redirect"
	}
	return "ok"
}
