package filter

import (
	"strings"
	"unicode/utf8"
)

// ErrorKind classifies a filter error.
type ErrorKind uint8

// Error kinds.
const (
	ErrSyntax       ErrorKind = iota + 1 // the text is not a filter: unexpected token, missing quote or bracket
	ErrUnknownField                      // a name that is neither a field nor a protocol in the registry
	ErrType                              // an operator or value that does not fit the field's type
	ErrValue                             // a literal that cannot be read as the field's type (bad number, address, time)
	ErrRegex                             // a matches pattern that does not compile
)

var kindNames = [...]string{"", "syntax", "unknown field", "type", "value", "regex"}

// String returns the kind's name ("syntax", "unknown field", …).
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Error is a filter that cannot run: what is wrong (Msg) and where (Pos and Len, a byte range of Filter).
// At the end of the text Pos is len(Filter) and Len is 0.
type Error struct {
	Filter string
	Pos    int // byte offset of the offending text
	Len    int // its length in bytes
	Kind   ErrorKind
	Msg    string
	// Suggest lists the registry names closest to an unknown field (empty otherwise).
	Suggest []string
}

// Error returns the message, as tshark prints it after "tshark: ".
func (e *Error) Error() string { return e.Msg }

// Caret returns the filter on one line and, under it, a caret and tildes under the offending text (as
// tshark prints a bad filter), each line indented by four spaces. Columns count characters, not bytes.
func (e *Error) Caret() string {
	text := strings.ReplaceAll(strings.ReplaceAll(e.Filter, "\n", " "), "\t", " ")
	pos := min(max(e.Pos, 0), len(text))
	end := min(max(pos+e.Len, pos), len(text))
	col := utf8.RuneCountInString(text[:pos])
	n := utf8.RuneCountInString(text[pos:end])
	var b strings.Builder
	b.WriteString("    ")
	b.WriteString(text)
	b.WriteString("\n    ")
	b.WriteString(strings.Repeat(" ", col))
	b.WriteByte('^')
	if n > 1 {
		b.WriteString(strings.Repeat("~", n-1))
	}
	return b.String()
}

func errAt(kind ErrorKind, s span, msg string) *Error {
	return &Error{Pos: s.pos, Len: s.end - s.pos, Kind: kind, Msg: msg}
}
