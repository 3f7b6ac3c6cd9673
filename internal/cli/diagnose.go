package cli

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
)

func diagnoseCmd(g *globals) *cobra.Command {
	var format, filterText string
	var slow float64
	c := &cobra.Command{
		Use:   "diagnose FILE",
		Short: "Tell what went wrong in a trace, worst first",
		Long: "Read the whole trace and report, worst first: connection attempts that failed (never answered or\n" +
			"refused), connections reset mid-way, connections with loss (retransmissions, segments not captured,\n" +
			"duplicate ACKs, zero windows), HTTP errors (5xx, 4xx), requests left unanswered, slow responses and\n" +
			"redirect chains that end badly, DNS failures, and malformed frames. Every finding names its frames and a filter that\n" +
			"selects them (wirelens list FILE -f FILTER). A clean trace says so in one line.",
		Example: "  wirelens diagnose trace.pcap\n  wirelens diagnose trace.pcap --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			streamingGC()
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			path := args[0]
			sel, err := newSelection(filterText)
			if err != nil {
				return err
			}
			report := analysis.NewHTTPReport(int64(slow * 1e9))
			var malformed []uint32
			// diagnose shows no http.* fields: tshark's view of HTTP is skipped unless the filter reads it.
			t, err := openTraceOpts(path, engine.Options{NoHTTPOperations: true, NoHTTPFields: !sel.reads("http", "ntlmssp"),
				WantHTTP: report.Wants,
				OnHTTP: func(op *analysis.HTTPOperation) {
					// With -f, the operations of the streams selected so far (the selection grows as the
					// trace is read).
					if sel.all || sel.tcp[uint32(op.Stream)] {
						report.Add(op)
					}
				},
				OnMalformed: func(frame uint32) { malformed = append(malformed, frame) },
				// Without -f, the conversations diagnose would say nothing about are only counted.
				SkipQuietTCP: sel.all,
			})
			if err != nil {
				return err
			}
			defer t.Close()
			t.HTTP().Slow = report.Slow
			readErr := readToEnd(t, sel, func(p *dissect.Packet) {
				if sel.observe(p) && p.IsMalformed() {
					malformed = append(malformed, uint32(p.Num))
				}
			})
			facts := analysis.TraceFacts{HTTP: report, Frames: t.Frames, Malformed: malformed, QuietTCP: t.QuietTCP}
			report.CutShort = t.HTTP().CutShort
			facts.DNS = t.DNS().Report(func(tcp bool, s uint32) bool { return sel.all || tcp && sel.tcp[s] || !tcp && sel.udp[s] })
			d := analysis.DiagnoseEach(func(yield func(analysis.Conversation) bool) {
				for c := range t.EachConversation() {
					if sel.keeps(c) && !yield(c) {
						return
					}
				}
			}, facts)
			w := bufio.NewWriter(g.stdout)
			switch f {
			case fmtJSON:
				b, _ := json.MarshalIndent(d, "", "  ")
				w.Write(b)
				w.WriteString("\n")
			case fmtCSV:
				rows := newRowWriter(w, fmtCSV, []column{{name: "severity"}, {name: "category"}, {name: "title"}, {name: "detail"}, {name: "filter"}})
				for _, x := range d.Findings {
					rows.row([][]byte{[]byte(x.Severity), []byte(x.Category), []byte(x.Title), []byte(x.Detail), []byte(x.Filter)})
				}
				rows.close()
			default:
				fmt.Fprintln(w, d.Summary)
				for _, x := range d.Findings {
					fmt.Fprintf(w, "\n[%s] %s\n    %s\n", x.Severity, x.Title, x.Detail)
					if x.Filter != "" {
						fmt.Fprintf(w, "    wirelens list %s -f %q\n", path, x.Filter)
					}
				}
			}
			if err := w.Flush(); err != nil {
				return &exitError{ExitError, err}
			}
			return g.finish(t, path, readErr)
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table (a report), csv or json")
	c.Flags().StringVarP(&filterText, "filter", "f", "", "display filter: diagnose only the conversations (and malformed frames) it selects")
	c.Flags().Float64Var(&slow, "slow", 1, "HTTP response time in seconds above which a response counts as slow")
	return c
}
