package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// span is a byte range of the filter text.
type span struct{ pos, end int }

type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // an unquoted run: field name, number, address, byte string
	tString         // "…" or r"…"; val holds the decoded text
	tChar           // '…'; val holds the one decoded character
	tSlice          // […]; val holds the text between the brackets
	tLParen         // (
	tRParen         // )
	tLBrace         // {
	tRBrace         // }
	tComma          // ,
	tDotDot         // ..
	tAnd            // and &&
	tOr             // or ||
	tXor            // xor ^^
	tNot            // not !
	tIn             // in
	tBitAnd         // & bitwise_and
	tCmp            // a comparison; op says which
)

type token struct {
	kind tokKind
	op   CmpOp // for tCmp
	span
	text string // the source text
	val  string // decoded value of tString, tChar, tSlice
}

// wordOps are the operators spelled as words (lower case only, as in Wireshark).
var wordOps = map[string]token{
	"and": {kind: tAnd}, "or": {kind: tOr}, "xor": {kind: tXor}, "not": {kind: tNot}, "in": {kind: tIn},
	"bitwise_and": {kind: tBitAnd},
	"eq":          {kind: tCmp, op: OpEq}, "any_eq": {kind: tCmp, op: OpEq},
	"ne": {kind: tCmp, op: OpNe}, "all_ne": {kind: tCmp, op: OpNe},
	"all_eq": {kind: tCmp, op: OpAllEq}, "any_ne": {kind: tCmp, op: OpAnyNe},
	"lt": {kind: tCmp, op: OpLt}, "le": {kind: tCmp, op: OpLe}, "gt": {kind: tCmp, op: OpGt}, "ge": {kind: tCmp, op: OpGe},
	"contains": {kind: tCmp, op: OpContains}, "matches": {kind: tCmp, op: OpMatches},
}

// isWordByte reports whether c may appear in an unquoted word: letters, digits and the punctuation of
// field names, numbers, addresses and byte strings.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '-' || c == '/' || c == '+'
}

// lexer splits a filter into tokens on demand.
type lexer struct {
	src string
	off int
}

func (lx *lexer) errf(kind ErrorKind, s span, msg string) *Error { return errAt(kind, s, msg) }

// next returns the next token.
func (lx *lexer) next() (token, *Error) {
	s := lx.src
	for lx.off < len(s) && (s[lx.off] == ' ' || s[lx.off] == '\t' || s[lx.off] == '\n' || s[lx.off] == '\r') {
		lx.off++
	}
	start := lx.off
	if start >= len(s) {
		return token{kind: tEOF, span: span{len(s), len(s)}}, nil
	}
	tok := func(k tokKind, n int) (token, *Error) {
		lx.off = start + n
		return token{kind: k, span: span{start, start + n}, text: s[start : start+n]}, nil
	}
	cmp := func(op CmpOp, n int) (token, *Error) {
		t, _ := tok(tCmp, n)
		t.op = op
		return t, nil
	}
	rest := s[start:]
	c := s[start]
	switch c {
	case '(':
		return tok(tLParen, 1)
	case ')':
		return tok(tRParen, 1)
	case '{':
		return tok(tLBrace, 1)
	case '}':
		return tok(tRBrace, 1)
	case ',':
		return tok(tComma, 1)
	case '=':
		if strings.HasPrefix(rest, "===") {
			return cmp(OpAllEq, 3)
		}
		if strings.HasPrefix(rest, "==") {
			return cmp(OpEq, 2)
		}
	case '!':
		if strings.HasPrefix(rest, "!==") {
			return cmp(OpAnyNe, 3)
		}
		if strings.HasPrefix(rest, "!=") {
			return cmp(OpNe, 2)
		}
		return tok(tNot, 1)
	case '~':
		if strings.HasPrefix(rest, "~=") {
			return cmp(OpAnyNe, 2)
		}
		return cmp(OpMatches, 1)
	case '<':
		if strings.HasPrefix(rest, "<=") {
			return cmp(OpLe, 2)
		}
		return cmp(OpLt, 1)
	case '>':
		if strings.HasPrefix(rest, ">=") {
			return cmp(OpGe, 2)
		}
		return cmp(OpGt, 1)
	case '&':
		if strings.HasPrefix(rest, "&&") {
			return tok(tAnd, 2)
		}
		return tok(tBitAnd, 1)
	case '|':
		if strings.HasPrefix(rest, "||") {
			return tok(tOr, 2)
		}
	case '^':
		if strings.HasPrefix(rest, "^^") {
			return tok(tXor, 2)
		}
	case '"':
		return lx.lexString(start, start+1, false)
	case 'r', 'R':
		if len(rest) > 1 && rest[1] == '"' {
			return lx.lexString(start, start+2, true)
		}
	case '\'':
		return lx.lexChar(start)
	case '[':
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return token{}, lx.errf(ErrSyntax, span{len(s), len(s)}, "The right bracket was missing from a slice.")
		}
		lx.off = start + end + 1
		return token{kind: tSlice, span: span{start, lx.off}, text: rest[:end+1], val: rest[1:end]}, nil
	}
	if strings.HasPrefix(rest, "..") {
		return tok(tDotDot, 2)
	}
	if isWordByte(c) {
		n := 0
		for n < len(rest) && isWordByte(rest[n]) && !strings.HasPrefix(rest[n:], "..") {
			n++
		}
		t, _ := tok(tWord, n)
		if op, ok := wordOps[t.text]; ok {
			op.span, op.text = t.span, t.text
			return op, nil
		}
		return t, nil
	}
	_, n := utf8.DecodeRuneInString(rest)
	if c == '=' || c == '|' || c == '^' {
		n = 1
	}
	return token{}, lx.errf(ErrSyntax, span{start, start + n}, strconv.Quote(rest[:n])+" was unexpected in this context.")
}

// lexString reads a string literal whose text starts at body (after the opening quote).
func (lx *lexer) lexString(start, body int, raw bool) (token, *Error) {
	s := lx.src
	var b strings.Builder
	i := body
	for {
		if i >= len(s) {
			return token{}, lx.errf(ErrSyntax, span{len(s), len(s)}, "The final quote was missing from a quoted string.")
		}
		c := s[i]
		if c == '"' {
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if raw {
			// In a raw string a backslash stays; it only keeps a following quote from ending the string.
			b.WriteByte('\\')
			if i+1 < len(s) {
				b.WriteByte(s[i+1])
			}
			i += 2
			continue
		}
		n, err := lx.escape(&b, i)
		if err != nil {
			return token{}, err
		}
		i += n
	}
	lx.off = i + 1
	return token{kind: tString, span: span{start, lx.off}, text: s[start:lx.off], val: b.String()}, nil
}

// escape decodes the escape sequence at s[i] (a backslash) into b and returns its length.
func (lx *lexer) escape(b *strings.Builder, i int) (int, *Error) {
	s := lx.src
	if i+1 >= len(s) {
		return 0, lx.errf(ErrSyntax, span{len(s), len(s)}, "The final quote was missing from a quoted string.")
	}
	c := s[i+1]
	switch c {
	case '\\', '"', '\'', '?':
		b.WriteByte(c)
		return 2, nil
	case 'a':
		b.WriteByte('\a')
		return 2, nil
	case 'b':
		b.WriteByte('\b')
		return 2, nil
	case 'f':
		b.WriteByte('\f')
		return 2, nil
	case 'n':
		b.WriteByte('\n')
		return 2, nil
	case 'r':
		b.WriteByte('\r')
		return 2, nil
	case 't':
		b.WriteByte('\t')
		return 2, nil
	case 'v':
		b.WriteByte('\v')
		return 2, nil
	case 'x':
		n := 0
		v := 0
		for n < 2 && i+2+n < len(s) && isHex(s[i+2+n]) {
			v = v<<4 | hexVal(s[i+2+n])
			n++
		}
		if n == 0 {
			return 0, lx.errf(ErrSyntax, span{i, i + 2}, `\x is not a valid character escape sequence`)
		}
		b.WriteByte(byte(v))
		return 2 + n, nil
	case 'u', 'U':
		want := 4
		if c == 'U' {
			want = 8
		}
		n := 0
		v := 0
		for n < want && i+2+n < len(s) && isHex(s[i+2+n]) {
			v = v<<4 | hexVal(s[i+2+n])
			n++
		}
		seq := s[i : i+2+n]
		if n < want {
			return 0, lx.errf(ErrSyntax, span{i, i + 2 + n}, seq+" is not a valid universal character name")
		}
		// As in C: no code point below U+00A0 other than $ @ `, no surrogate, nothing above U+10FFFF.
		if v < 0xa0 && v != '$' && v != '@' && v != '`' || v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
			return 0, lx.errf(ErrSyntax, span{i, i + 2 + n}, seq+" is not a valid universal character name")
		}
		b.WriteRune(rune(v))
		return 2 + n, nil
	}
	if c >= '0' && c <= '7' {
		n := 0
		v := 0
		for n < 3 && i+1+n < len(s) && s[i+1+n] >= '0' && s[i+1+n] <= '7' {
			v = v<<3 | int(s[i+1+n]-'0')
			n++
		}
		if v > 0xff {
			return 0, lx.errf(ErrSyntax, span{i, i + 1 + n}, s[i:i+1+n]+" is not a valid character escape sequence")
		}
		b.WriteByte(byte(v))
		return 1 + n, nil
	}
	_, sz := utf8.DecodeRuneInString(s[i+1:])
	return 0, lx.errf(ErrSyntax, span{i, i + 1 + sz}, s[i:i+1+sz]+" is not a valid character escape sequence")
}

// lexChar reads a character constant such as 'A' or '\x41'.
func (lx *lexer) lexChar(start int) (token, *Error) {
	s := lx.src
	end := start + 1
	for end < len(s) && s[end] != '\'' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(s) {
		return token{}, lx.errf(ErrSyntax, span{len(s), len(s)}, "The final quote was missing from a character constant.")
	}
	lx.off = end + 1
	text := s[start:lx.off]
	var b strings.Builder
	body := s[start+1 : end]
	sp := span{start, lx.off}
	switch {
	case body == "":
		return token{}, lx.errf(ErrSyntax, sp, text+" is not a valid character constant.")
	case body[0] == '\\':
		sub := lexer{src: s}
		n, err := sub.escape(&b, start+1)
		if err != nil {
			return token{}, err
		}
		if start+1+n != end || b.Len() != 1 {
			return token{}, lx.errf(ErrSyntax, sp, text+" is too long to be a valid character constant.")
		}
	default:
		if len(body) != 1 {
			return token{}, lx.errf(ErrSyntax, sp, text+" is too long to be a valid character constant.")
		}
		b.WriteString(body)
	}
	return token{kind: tChar, span: sp, text: text, val: b.String()}, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}
