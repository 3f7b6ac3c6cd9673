package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"

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
			w := bufio.NewWriter(g.stdout)
			convs := func(yield func(analysis.Conversation) bool) {
				for c := range t.EachConversation() {
					if sel.keeps(c) && !yield(c) {
						return
					}
				}
			}
			if err := writeDiagnosis(w, f, path, convs, facts); err != nil {
				return &exitError{ExitError, err}
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

// writeDiagnosis diagnoses convs and facts (analysis.DiagnoseStream) and writes the report to w in format
// f: the same bytes as the whole analysis.Diagnosis written out, but each finding is written as it is made,
// into the spool of its rank, and the spools are copied out worst first once the summary is known.
func writeDiagnosis(w *bufio.Writer, f format, path string, convs iter.Seq[analysis.Conversation], facts analysis.TraceFacts) error {
	var spools []spool
	defer func() {
		for i := range spools {
			spools[i].close()
		}
	}()
	var fw findingWriter
	fw.init(f, path)
	summary := analysis.DiagnoseStream(convs, facts, func(x *analysis.Finding) {
		r := x.Rank()
		for len(spools) <= r {
			spools = append(spools, spool{})
		}
		fw.write(&spools[r], x)
	})
	fw.head(w, summary)
	skip := 0
	if f == fmtJSON {
		skip = 1 // the first finding's comma
	}
	for i := range spools {
		if len(spools[i].mem) == 0 {
			continue
		}
		if err := spools[i].copyTo(w, skip); err != nil {
			return err
		}
		skip = 0
	}
	fw.tail(w)
	return nil
}

// findingWriter writes diagnose's report in a format: the head (the summary, or a header row), the
// findings one at a time, and the tail, byte for byte what writing the whole analysis.Diagnosis would.
// It writes a finding without garbage (its buffers are reused), but in JSON.
type findingWriter struct {
	f     format
	path  string
	n     int          // findings written
	line  []byte       // a finding in table format
	buf   bytes.Buffer // a CSV row, or a finding in JSON
	csv   *csv.Writer
	cells [5]string
	json  *json.Encoder
}

func (fw *findingWriter) init(f format, path string) {
	fw.f, fw.path = f, path
	fw.csv = csv.NewWriter(&fw.buf)
	fw.json = json.NewEncoder(&fw.buf)
	fw.json.SetIndent("    ", "  ") // as json.MarshalIndent of the Diagnosis indents its findings
}

// diagnoseColumns are the columns of diagnose's CSV output.
var diagnoseColumns = []string{"severity", "category", "title", "detail", "filter"}

// head writes what comes before the findings.
func (fw *findingWriter) head(w *bufio.Writer, summary string) {
	switch fw.f {
	case fmtJSON:
		b, _ := json.Marshal(summary)
		w.WriteString("{\n  \"summary\": ")
		w.Write(b)
		w.WriteString(",\n  \"findings\": ")
		if fw.n == 0 {
			w.WriteString("null")
		} else {
			w.WriteString("[")
		}
	case fmtCSV:
		fw.csv.Write(diagnoseColumns)
		fw.csv.Flush()
		w.Write(fw.buf.Bytes())
		fw.buf.Reset()
	default:
		fmt.Fprintln(w, summary)
	}
}

// write writes finding x into sp. In JSON every finding starts with a comma, which is dropped from the
// first when the spools are copied out: the findings are written in the order they are made, not the
// report's.
func (fw *findingWriter) write(sp *spool, x *analysis.Finding) {
	fw.n++
	switch fw.f {
	case fmtJSON:
		fw.buf.WriteString(",\n    ")
		fw.json.Encode(x)
		sp.Write(fw.buf.Bytes()[:fw.buf.Len()-1]) // less the newline Encode ends with
		fw.buf.Reset()
	case fmtCSV:
		fw.cells = [5]string{x.Severity, x.Category, x.Title, x.Detail, x.Filter}
		fw.csv.Write(fw.cells[:])
		fw.csv.Flush()
		sp.Write(fw.buf.Bytes())
		fw.buf.Reset()
	default:
		b := append(fw.line[:0], "\n["...)
		b = append(append(b, x.Severity...), "] "...)
		b = append(append(b, x.Title...), "\n    "...)
		b = append(append(b, x.Detail...), '\n')
		if x.Filter != "" {
			b = append(append(b, "    wirelens list "...), fw.path...)
			b = append(strconv.AppendQuote(append(b, " -f "...), x.Filter), '\n')
		}
		sp.Write(b)
		fw.line = b
	}
}

// tail writes what comes after the findings.
func (fw *findingWriter) tail(w *bufio.Writer) {
	if fw.f == fmtJSON {
		if fw.n > 0 {
			w.WriteString("\n  ]")
		}
		w.WriteString("\n}\n")
	}
}
