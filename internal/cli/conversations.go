package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

type convOpts struct {
	proto  string
	format string
	filter string
}

func conversationsCmd(g *globals) *cobra.Command {
	o := &convOpts{}
	c := &cobra.Command{
		Use:   "conversations FILE",
		Short: "List the TCP and UDP conversations: who talked to whom, how it went",
		Long: "One row per conversation: stream number, client and server (the client sent the first SYN, else the\n" +
			"first packet), the connection state and history in Zeek's conn_state/history vocabulary (S0: SYN not\n" +
			"answered, REJ: refused, SF: normal open and close, RSTO/RSTR: reset by client/server, SH, OTH …), times,\n" +
			"packets and bytes each way, retransmissions and the initial round-trip time.",
		Example: "  wirelens conversations trace.pcap\n  wirelens conversations trace.pcap --proto tcp --format csv",
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runConversations(g, o, args[0]) },
	}
	c.Flags().StringVar(&o.proto, "proto", "", "only tcp or only udp conversations")
	c.Flags().StringVarP(&o.filter, "filter", "f", "", "display filter: only the conversations with at least one frame it selects")
	c.Flags().StringVar(&o.format, "format", "table", "output format: table, csv or json")
	return c
}

func runConversations(g *globals, o *convOpts, path string) error {
	streamingGC()
	f, err := parseFormat(o.format)
	if err != nil {
		return err
	}
	switch o.proto {
	case "", "tcp", "udp":
	default:
		return &exitError{ExitError, fmt.Errorf("unknown --proto %q: use tcp or udp", o.proto)}
	}
	sel, err := newSelection(o.filter)
	if err != nil {
		return err
	}
	// Conversations show no HTTP: its analysis runs only when the filter reads HTTP (or diagnostic) fields.
	t, err := openTraceOpts(path, engine.Options{NoHTTP: !sel.reads("http", "ntlmssp", "diag")})
	if err != nil {
		return err
	}
	defer t.Close()
	readErr := readToEnd(t, sel, func(p *dissect.Packet) { sel.observe(p) })
	cols := []column{
		{name: "proto", width: 5}, {name: "stream", width: 6, right: true}, {name: "client", width: 22}, {name: "server", width: 22},
		{name: "state", width: 6}, {name: "history", width: 10}, {name: "start", width: 12, right: true}, {name: "duration", width: 12, right: true},
		{name: "packets_c2s", width: 7, right: true}, {name: "packets_s2c", width: 7, right: true},
		{name: "bytes_c2s", width: 9, right: true}, {name: "bytes_s2c", width: 9, right: true},
		{name: "retrans", width: 7, right: true}, {name: "irtt", width: 11, right: true},
	}
	w := newRowWriter(g.stdout, f, cols)
	var row convRow
	for c := range t.EachConversation() {
		if !sel.keeps(c) || o.proto != "" && c.Proto != o.proto {
			continue
		}
		w.row(row.cells(c, t.Start))
	}
	if err := w.close(); err != nil {
		return &exitError{ExitError, err}
	}
	return g.finish(t, path, readErr)
}

// convRow formats conversation rows into one buffer reused from row to row (170,000 conversations
// made 20 small allocations each).
type convRow struct {
	buf  []byte
	ends [14]int
	out  [14][]byte
}

// cells returns the row's cells, valid until the next call.
func (r *convRow) cells(c analysis.Conversation, start int64) [][]byte {
	b := r.buf[:0]
	n := 0
	end := func() { r.ends[n] = len(b); n++ }
	b = append(b, c.Proto...)
	end()
	b = strconv.AppendUint(b, uint64(c.Stream), 10)
	end()
	b = c.Client.AppendTo(b)
	end()
	b = c.Server.AppendTo(b)
	end()
	b = append(b, c.State...)
	end()
	b = append(b, c.History...)
	end()
	b = field.AppendSeconds(b, c.FirstTime-start)
	end()
	b = field.AppendSeconds(b, c.LastTime-c.FirstTime)
	end()
	for _, v := range [...]uint64{c.Packets[0], c.Packets[1], c.Bytes[0], c.Bytes[1], uint64(c.Retrans[0] + c.Retrans[1])} {
		b = strconv.AppendUint(b, v, 10)
		end()
	}
	if c.IRTT != 0 {
		b = field.AppendSeconds(b, c.IRTT)
	}
	end()
	r.buf = b
	from := 0
	for i, e := range r.ends {
		r.out[i] = b[from:e:e]
		from = e
	}
	return r.out[:]
}
