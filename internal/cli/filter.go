package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/filter"
)

// compileFilter compiles the display filter of a command. An empty filter selects every frame. A bad
// filter is an exit-status-2 error whose message ends with the filter and a caret under the fault.
func compileFilter(text string) (*filter.Program, error) {
	prog, err := filter.Compile(text)
	if err == nil {
		return prog, nil
	}
	var fe *filter.Error
	if errors.As(err, &fe) {
		return nil, &exitError{ExitError, fmt.Errorf("bad filter: %s\n%s", fe.Msg, fe.Caret())}
	}
	return nil, &exitError{ExitError, fmt.Errorf("bad filter: %v", err)}
}

func filterCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "filter",
		Short: "Work with display filters (Wireshark's filter language)",
	}
	var format string
	check := &cobra.Command{
		Use:   "check EXPR",
		Short: "Check a display filter: print it normalised with the fields it reads, or what is wrong",
		Long: "Parse and check a display filter against the field registry. A good filter is printed normalised\n" +
			"(and, or, not as words; ==, != … as symbols; registry names) with the fields it reads. A bad one is\n" +
			"printed with a caret under the offending text, and the exit status is 2. The words of EXPR are\n" +
			"joined with spaces, so quoting the filter is needed only for the shell's sake.",
		Example: "  wirelens filter check 'tcp.port == 80 or tcp.port == 443'\n" +
			"  wirelens filter check 'ip.addr == 10.0.0.0/8 && !tcp.analysis.flags' --format json",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFilterCheck(g, strings.Join(args, " "), format)
		},
	}
	check.Flags().StringVar(&format, "format", "table", "output format: table (text), csv or json")
	c.AddCommand(check)
	return c
}

// filterCheckResult is the JSON form of "filter check".
type filterCheckResult struct {
	Filter     string           `json:"filter"`
	Normalized string           `json:"normalized,omitempty"`
	Fields     []string         `json:"fields,omitempty"`
	Error      *filterCheckFail `json:"error,omitempty"`
}

type filterCheckFail struct {
	Message string   `json:"message"`
	Kind    string   `json:"kind"`
	Pos     int      `json:"pos"` // byte offset in filter
	Len     int      `json:"len"` // byte length
	Suggest []string `json:"suggest,omitempty"`
	Caret   string   `json:"caret"`
}

func runFilterCheck(g *globals, text, format string) error {
	f, err := parseFormat(format)
	if err != nil {
		return err
	}
	prog, err := filter.Compile(text)
	var fe *filter.Error
	if err != nil && !errors.As(err, &fe) {
		return &exitError{ExitError, err}
	}
	res := filterCheckResult{Filter: text}
	if fe != nil {
		res.Error = &filterCheckFail{Message: fe.Msg, Kind: fe.Kind.String(), Pos: fe.Pos, Len: fe.Len, Suggest: fe.Suggest, Caret: fe.Caret()}
	} else {
		res.Normalized = prog.String()
		res.Fields = prog.Fields()
	}
	switch f {
	case fmtJSON:
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return &exitError{ExitError, err}
		}
		fmt.Fprintf(g.stdout, "%s\n", b)
		if fe != nil {
			return &exitError{ExitError, nil}
		}
		return nil
	case fmtCSV:
		if fe != nil {
			return &exitError{ExitError, fmt.Errorf("bad filter: %s\n%s", fe.Msg, fe.Caret())}
		}
		w := newRowWriter(g.stdout, f, []column{{name: "filter"}, {name: "fields"}})
		w.row([][]byte{[]byte(res.Normalized), []byte(strings.Join(res.Fields, ","))})
		return w.close()
	}
	if fe != nil {
		return &exitError{ExitError, fmt.Errorf("bad filter: %s\n%s", fe.Msg, fe.Caret())}
	}
	fmt.Fprintf(g.stdout, "filter: %s\nfields: %s\n", res.Normalized, strings.Join(res.Fields, " "))
	return nil
}
