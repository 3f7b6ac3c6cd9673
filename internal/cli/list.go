package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

type listOpts struct {
	fields  string
	limit   int
	time    string
	format  string
	twoPass bool
	filter  string
	filterY string
	events  bool
}

func listCmd(g *globals) *cobra.Command {
	o := &listOpts{}
	c := &cobra.Command{
		Use:   "list FILE",
		Short: "List the messages of a trace, one line each",
		Long: "List the messages (frames) of a trace: number, time, source, destination, protocol and a summary.\n" +
			"With --fields, print the given registry fields instead (see \"wirelens fields\"); a field that occurs\n" +
			"several times in a frame prints its values joined with ','. FILE may be - for standard input.\n" +
			"For a Windows trace (NetMon .cap, ETL) a process column follows the protocol: the image name and id of\n" +
			"the process the trace attributes the message to, where it says (frame.process_name, frame.process_id);\n" +
			"packet events are logged in whatever context handles the packet, so it is a hint, not a fact.",
		Example: "  wirelens list trace.pcapng\n" +
			"  wirelens list trace.pcap --fields frame.number,ip.src,tcp.srcport,tcp.flags --format csv\n" +
			"  wirelens list trace.pcap -f 'tcp.port == 80 or tcp.port == 443'",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runList(g, o, args[0]) },
	}
	c.Flags().StringVar(&o.fields, "fields", "", "comma-separated registry fields to print instead of the default columns")
	c.Flags().IntVar(&o.limit, "limit", 0, "stop after this many messages (0: all)")
	c.Flags().StringVar(&o.time, "time", "relative", "time column: relative (seconds since the first frame), absolute (UTC) or delta (since the previous frame)")
	c.Flags().StringVar(&o.format, "format", "table", "output format: table, csv or json")
	c.Flags().BoolVarP(&o.twoPass, "two-pass", "2", false, "read the file twice so that diagnostics only the whole trace can give (a SYN never answered) show on their frame")
	c.Flags().StringVarP(&o.filter, "filter", "f", "", "display filter in Wireshark's language: list only the frames it selects")
	c.Flags().StringVarP(&o.filterY, "display-filter", "Y", "", "same as --filter (tshark's spelling)")
	c.Flags().BoolVar(&o.events, "all-events", false, "ETL traces: list the ETW events that carry no packet too, as messages (etw.* fields), in file order")
	return c
}

func runList(g *globals, o *listOpts, path string) error {
	f, err := parseFormat(o.format)
	if err != nil {
		return err
	}
	var ids []field.ID
	var cols []column
	if o.fields != "" {
		for _, name := range strings.Split(o.fields, ",") {
			name = strings.TrimSpace(name)
			in := field.Lookup(name)
			if in == nil {
				return &exitError{ExitError, fmt.Errorf("unknown field %q; closest: %s", name, strings.Join(field.Closest(name, 3), ", "))}
			}
			ids = append(ids, in.ID)
			cols = append(cols, column{name: name, rawJSON: true})
		}
	} else {
		switch o.time {
		case "relative", "absolute", "delta":
		default:
			return &exitError{ExitError, fmt.Errorf("unknown --time %q: use relative, absolute or delta", o.time)}
		}
		cols = []column{
			{name: "number", width: 6, right: true},
			{name: "time", width: 12, right: true},
			{name: "source", width: 18},
			{name: "destination", width: 18},
			{name: "protocol", width: 8},
			{name: "summary"},
		}
		if f != fmtTable {
			// In a table the diagnostic follows the summary; CSV and JSON get columns of their own.
			cols = append(cols, column{name: "severity"}, column{name: "diagnostic"})
		}
	}
	if o.filter != "" && o.filterY != "" {
		return &exitError{ExitError, fmt.Errorf("give the filter once: -f/--filter or -Y")}
	}
	prog, err := compileFilter(o.filter + o.filterY)
	if err != nil {
		return err
	}
	t, err := openTraceOpts(path, engine.Options{TwoPass: o.twoPass, AllEvents: o.events, NoHTTPOperations: true, NoConversations: true})
	if err != nil {
		return err
	}
	defer t.Close()
	process := ids == nil && hasProcesses(t.Reader().Format())
	if process {
		cols = append(cols[:5], append([]column{{name: "process", width: 20}}, cols[5:]...)...)
	}
	w := newRowWriter(g.stdout, f, cols)
	cells := make([][]byte, len(cols))
	bufs := make([][]byte, len(cols))
	var pbuf []byte
	var vals []field.Value
	n := 0
	var readErr error
	for o.limit <= 0 || n < o.limit {
		p, err := t.Next()
		if err != nil {
			readErr = err
			break
		}
		if !prog.Match(p) {
			continue
		}
		n++
		if ids != nil {
			for i, id := range ids {
				if f == fmtJSON {
					vals = p.Values(id, vals[:0])
					bufs[i] = appendJSONValues(bufs[i][:0], field.Get(id), vals)
				} else {
					bufs[i] = p.AppendField(bufs[i][:0], id, ',')
				}
				cells[i] = bufs[i]
			}
		} else {
			bufs = defaultCells(bufs, p, o.time, f == fmtTable)
			if process {
				pbuf = appendProcess(pbuf[:0], p)
				copy(cells, bufs[:5])
				cells[5] = pbuf
				copy(cells[6:], bufs[5:])
			} else {
				copy(cells, bufs)
			}
		}
		w.row(cells)
	}
	if err := w.close(); err != nil {
		return &exitError{ExitError, err}
	}
	if o.limit > 0 && n >= o.limit {
		return nil
	}
	return g.finish(t, path, readErr)
}

// defaultCells fills the default columns of one packet, reusing the buffers. In a table the worst
// diagnostic is appended to the summary; otherwise it fills the last two columns.
func defaultCells(b [][]byte, p *dissect.Packet, timeMode string, table bool) [][]byte {
	b[0] = appendInt(b[0][:0], p.Num)
	switch timeMode {
	case "absolute":
		b[1] = time.Unix(0, p.TimeNS).UTC().AppendFormat(b[1][:0], "2006-01-02 15:04:05.000000000")
	case "delta":
		b[1] = field.AppendSeconds(b[1][:0], p.DeltaNS)
	default:
		b[1] = field.AppendSeconds(b[1][:0], p.RelNS)
	}
	b[2] = p.AppendSource(b[2][:0])
	b[3] = p.AppendDestination(b[3][:0])
	b[4] = append(b[4][:0], p.Protocol()...)
	b[5] = p.AppendSummary(b[5][:0])
	d, ok := p.Worst()
	if table {
		if ok {
			b[5] = append(b[5], "  ["...)
			b[5] = append(b[5], d.Severity().String()...)
			b[5] = append(b[5], ": "...)
			b[5] = p.AppendMessage(b[5], d)
			b[5] = append(b[5], ']')
		}
		return b
	}
	b[6], b[7] = b[6][:0], b[7][:0]
	if ok {
		b[6] = append(b[6], d.Severity().String()...)
		b[7] = p.AppendMessage(b[7], d)
	}
	return b
}

// hasProcesses reports whether traces of a format may name the process of a message (Message Analyzer's
// ProcessName column): NetMon's process table and NetEvent headers, ETW event headers.
func hasProcesses(f capture.Format) bool {
	return f == capture.FormatNetMon || f == capture.FormatETL
}

// appendProcess appends the process column: "name (pid)", the name or the pid alone, or nothing.
func appendProcess(dst []byte, p *dissect.Packet) []byte {
	dst = append(dst, p.Process...)
	if p.ProcessID != 0 {
		if p.Process != "" {
			dst = append(dst, " ("...)
		}
		dst = strconv.AppendUint(dst, uint64(p.ProcessID), 10)
		if p.Process != "" {
			dst = append(dst, ')')
		}
	}
	return dst
}

func appendInt(dst []byte, n int) []byte {
	return strconv.AppendInt(dst, int64(n), 10)
}

// appendJSONValues appends a field's values as a JSON array of strings formatted as tshark prints them.
func appendJSONValues(dst []byte, in *field.Info, vals []field.Value) []byte {
	dst = append(dst, '[')
	var tmp []byte
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		tmp = in.AppendValue(tmp[:0], v)
		dst = appendJSONString(dst, string(tmp))
	}
	return append(dst, ']')
}
