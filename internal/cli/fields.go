package cli

import (
	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/field"
)

func fieldsCmd(g *globals) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:     "fields [PREFIX]",
		Short:   "List the field registry: every filter name, its type and meaning",
		Example: "  wirelens fields tcp.\n  wirelens fields --format json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			prefix := ""
			if len(args) == 1 {
				prefix = args[0]
			}
			w := newRowWriter(g.stdout, f, []column{{name: "field", width: 32}, {name: "type", width: 9}, {name: "name", width: 36}, {name: "description"}})
			for _, in := range field.All(prefix) {
				w.row([][]byte{[]byte(in.Abbrev), []byte(in.Type.String()), []byte(in.Name), []byte(in.Blurb)})
			}
			return w.close()
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	return c
}
