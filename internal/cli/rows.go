package cli

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"
)

// format is the output format of a listing.
type format int

const (
	fmtTable format = iota
	fmtCSV
	fmtJSON
)

func parseFormat(s string) (format, error) {
	switch s {
	case "table", "":
		return fmtTable, nil
	case "csv":
		return fmtCSV, nil
	case "json":
		return fmtJSON, nil
	}
	return 0, &exitError{ExitError, fmt.Errorf("unknown --format %q: use table, csv or json", s)}
}

// column describes one column of a listing.
type column struct {
	name    string // header and JSON key
	width   int    // minimum width in a table
	right   bool   // right-aligned in a table
	rawJSON bool   // in JSON output the cell is already encoded JSON (an array of a field's values)
}

// rowWriter writes rows in one of the formats. Cells are passed as byte slices valid only during the call.
// Table output pads to each column's minimum width and never truncates; CSV has a header row; JSON is an
// array of objects keyed by column name.
type rowWriter struct {
	w     *bufio.Writer
	f     format
	cols  []column
	n     int
	line  []byte
	csv   *csv.Writer
	cells []string
}

func newRowWriter(w io.Writer, f format, cols []column) *rowWriter {
	r := &rowWriter{w: bufio.NewWriterSize(w, 1<<16), f: f, cols: cols}
	switch f {
	case fmtTable:
		hdr := make([][]byte, len(cols))
		for i, c := range cols {
			hdr[i] = []byte(c.name)
		}
		r.writeTable(hdr)
	case fmtCSV:
		r.csv = csv.NewWriter(r.w)
		r.cells = make([]string, len(cols))
		for i, c := range cols {
			r.cells[i] = c.name
		}
		r.csv.Write(r.cells)
	case fmtJSON:
		r.w.WriteString("[")
	}
	return r
}

// row writes one row.
func (r *rowWriter) row(cells [][]byte) error {
	switch r.f {
	case fmtTable:
		r.writeTable(cells)
	case fmtCSV:
		for i, c := range cells {
			r.cells[i] = string(c)
		}
		r.csv.Write(r.cells)
	case fmtJSON:
		r.line = r.line[:0]
		if r.n > 0 {
			r.line = append(r.line, ',')
		}
		r.line = append(r.line, "\n{"...)
		for i, c := range cells {
			if i > 0 {
				r.line = append(r.line, ',')
			}
			r.line = appendJSONString(r.line, r.cols[i].name)
			r.line = append(r.line, ':')
			if r.cols[i].rawJSON {
				r.line = append(r.line, c...)
			} else {
				r.line = appendJSONString(r.line, string(c))
			}
		}
		r.line = append(r.line, '}')
		r.w.Write(r.line)
	}
	r.n++
	return nil
}

func (r *rowWriter) writeTable(cells [][]byte) {
	r.line = r.line[:0]
	for i, c := range cells {
		col := r.cols[i]
		pad := col.width - utf8.RuneCount(c)
		if i > 0 {
			r.line = append(r.line, ' ', ' ')
		}
		if col.right {
			for ; pad > 0; pad-- {
				r.line = append(r.line, ' ')
			}
		}
		r.line = append(r.line, c...)
		if !col.right && i < len(cells)-1 {
			for ; pad > 0; pad-- {
				r.line = append(r.line, ' ')
			}
		}
	}
	r.line = append(r.line, '\n')
	r.w.Write(r.line)
}

// close finishes the output and flushes it.
func (r *rowWriter) close() error {
	switch r.f {
	case fmtCSV:
		r.csv.Flush()
		if err := r.csv.Error(); err != nil {
			return err
		}
	case fmtJSON:
		if r.n > 0 {
			r.w.WriteString("\n")
		}
		r.w.WriteString("]\n")
	}
	return r.w.Flush()
}

const hexd = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 bytes become U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, "\\ufffd"...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}
