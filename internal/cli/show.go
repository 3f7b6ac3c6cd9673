package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
)

type showOpts struct {
	hex    bool
	format string
	events bool
}

func showCmd(g *globals) *cobra.Command {
	o := &showOpts{}
	c := &cobra.Command{
		Use:   "show FILE N [N...]",
		Short: "Show the details tree of messages",
		Long: "Show every layer and field of the given messages: the value, its meaning and the field's filter name.\n" +
			"N is a frame number, a range such as 5-9, or all. A file is read twice, so that diagnostics only the\n" +
			"whole trace can give (a SYN never answered) are listed too; standard input is read once.",
		Example: "  wirelens show trace.pcap 12\n  wirelens show trace.pcap 5-9 --hex\n  wirelens show trace.pcap all --format json",
		Args:    cobra.MinimumNArgs(2),
		RunE:    func(cmd *cobra.Command, args []string) error { return runShow(g, o, args[0], args[1:]) },
	}
	c.Flags().BoolVar(&o.hex, "hex", false, "add the bytes of each frame as a hex dump")
	c.Flags().StringVar(&o.format, "format", "table", "output format: table (an indented tree), csv (one row per item) or json")
	c.Flags().BoolVar(&o.events, "all-events", false, "ETL traces: number the ETW events that carry no packet as messages too, as list --all-events does")
	return c
}

// frameSet is the set of frames a show command selects.
type frameSet struct {
	all    bool
	ranges [][2]int
	max    int
}

func parseFrames(args []string) (*frameSet, error) {
	s := &frameSet{}
	for _, a := range args {
		for _, part := range strings.Split(a, ",") {
			if part == "all" {
				s.all = true
				continue
			}
			lo, hi, isRange := strings.Cut(part, "-")
			a, err1 := strconv.Atoi(lo)
			b := a
			var err2 error
			if isRange {
				b, err2 = strconv.Atoi(hi)
			}
			if err1 != nil || err2 != nil || a < 1 || b < a {
				return nil, &exitError{ExitError, fmt.Errorf("bad frame selection %q: use a number, a range such as 5-9, or all", part)}
			}
			s.ranges = append(s.ranges, [2]int{a, b})
			s.max = max(s.max, b)
		}
	}
	return s, nil
}

func (s *frameSet) has(n int) bool {
	if s.all {
		return true
	}
	for _, r := range s.ranges {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

// shownFrame is the JSON form of one shown frame.
type shownFrame struct {
	Frame int             `json:"frame"`
	Tree  []*dissect.Node `json:"tree"`
	Bytes string          `json:"bytes,omitempty"`
	Reasm string          `json:"reassembled,omitempty"`
}

func runShow(g *globals, o *showOpts, path string, sel []string) error {
	f, err := parseFormat(o.format)
	if err != nil {
		return err
	}
	set, err := parseFrames(sel)
	if err != nil {
		return err
	}
	// Two passes when possible, so that diagnostics only the whole trace gives are listed too.
	t, err := openTraceOpts(path, engine.Options{TwoPass: path != "-", AllEvents: o.events})
	if err != nil {
		return err
	}
	defer t.Close()
	w := bufio.NewWriterSize(g.stdout, 1<<16)
	var rows *rowWriter
	switch f {
	case fmtJSON:
		w.WriteString("[")
	case fmtCSV:
		rows = newRowWriter(w, fmtCSV, []column{{name: "frame"}, {name: "depth"}, {name: "field"}, {name: "value"}, {name: "label"}, {name: "offset"}, {name: "length"}})
	}
	shown := 0
	var readErr error
	for {
		p, err := t.Next()
		if err != nil {
			readErr = err
			break
		}
		if !set.has(p.Num) {
			if !set.all && p.Num >= set.max {
				break
			}
			continue
		}
		tree := p.Tree()
		switch f {
		case fmtJSON:
			sf := shownFrame{Frame: p.Num, Tree: tree}
			if o.hex {
				sf.Bytes = fmt.Sprintf("%x", p.Data)
				if r := p.Reassembled(); r != nil {
					sf.Reasm = fmt.Sprintf("%x", r)
				}
			}
			b, _ := json.MarshalIndent(sf, "", "  ")
			if shown > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n")
			w.Write(b)
		case fmtCSV:
			walkTree(tree, 0, func(n *dissect.Node, depth int) {
				rows.row([][]byte{[]byte(strconv.Itoa(p.Num)), []byte(strconv.Itoa(depth)), []byte(n.Field), []byte(n.Value), []byte(n.Label), []byte(strconv.Itoa(n.Off)), []byte(strconv.Itoa(n.Len))})
			})
		default:
			if shown > 0 {
				w.WriteString("\n")
			}
			writeTree(w, tree)
			if o.hex {
				w.WriteString("\n")
				hexDump(w, p.Data)
				if r := p.Reassembled(); r != nil {
					fmt.Fprintf(w, "\nReassembled IP payload (%d bytes):\n", len(r))
					hexDump(w, r)
				}
			}
		}
		shown++
		if !set.all && p.Num >= set.max {
			break
		}
	}
	switch f {
	case fmtJSON:
		w.WriteString("\n]\n")
	case fmtCSV:
		rows.close()
	}
	if err := w.Flush(); err != nil {
		return &exitError{ExitError, err}
	}
	if err := g.finish(t, path, readErr); err != nil {
		return err
	}
	if shown == 0 {
		return &exitError{ExitError, fmt.Errorf("%s: no frame matches %s", path, strings.Join(sel, " "))}
	}
	return nil
}

func walkTree(nodes []*dissect.Node, depth int, fn func(n *dissect.Node, depth int)) {
	for _, n := range nodes {
		fn(n, depth)
		walkTree(n.Children, depth+1, fn)
	}
}

// writeTree prints the tree indented by four spaces a level, each item's filter name in a right column.
func writeTree(w io.Writer, nodes []*dissect.Node) {
	const col = 72
	walkTree(nodes, 0, func(n *dissect.Node, depth int) {
		line := strings.Repeat("    ", depth) + n.Label
		if n.Field != "" {
			pad := col - len([]rune(line))
			if pad < 2 {
				pad = 2
			}
			line += strings.Repeat(" ", pad) + n.Field
		}
		io.WriteString(w, line+"\n")
	})
}

// hexDump writes bytes as tshark -x does: offset, 16 hex bytes, and their printable characters.
func hexDump(w io.Writer, b []byte) {
	for off := 0; off < len(b); off += 16 {
		end := min(off+16, len(b))
		var sb strings.Builder
		fmt.Fprintf(&sb, "%04x  ", off)
		for i := off; i < off+16; i++ {
			if i < end {
				fmt.Fprintf(&sb, "%02x ", b[i])
			} else {
				sb.WriteString("   ")
			}
			if i == off+7 {
				sb.WriteString(" ")
			}
		}
		sb.WriteString("  ")
		for _, c := range b[off:end] {
			if c >= 0x20 && c < 0x7f {
				sb.WriteByte(c)
			} else {
				sb.WriteByte('.')
			}
		}
		io.WriteString(w, sb.String()+"\n")
	}
}
