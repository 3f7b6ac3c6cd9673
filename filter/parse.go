package filter

import (
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of parentheses and not, so that a hostile filter cannot exhaust the stack.
const maxDepth = 256

// Parse parses a filter into an Expr. It checks syntax only; Compile checks names, types and values. An
// empty (or blank) filter parses to an Expr with a nil Root, which selects every frame. Errors are *Error.
func Parse(text string) (*Expr, error) {
	p := &parser{lx: lexer{src: text}}
	root, err := p.parse()
	if err != nil {
		err.Filter = text
		return nil, err
	}
	return &Expr{Text: text, Root: root}, nil
}

type parser struct {
	lx     lexer
	tok    token
	peeked *token
	depth  int
}

func (p *parser) advance() *Error {
	if p.peeked != nil {
		p.tok, p.peeked = *p.peeked, nil
		return nil
	}
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) peek() (token, *Error) {
	if p.peeked == nil {
		t, err := p.lx.next()
		if err != nil {
			return token{}, err
		}
		p.peeked = &t
	}
	return *p.peeked, nil
}

// unexpected reports the current token as out of place.
func (p *parser) unexpected() *Error {
	if p.tok.kind == tEOF {
		return errAt(ErrSyntax, p.tok.span, "Unexpected end of filter expression.")
	}
	return errAt(ErrSyntax, p.tok.span, strconv.Quote(p.tok.text)+" was unexpected in this context.")
}

func (p *parser) parse() (Node, *Error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, nil
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected()
	}
	return n, nil
}

func (p *parser) parseOr() (Node, *Error)  { return p.parseLogical(tOr, Or, p.parseXor) }
func (p *parser) parseXor() (Node, *Error) { return p.parseLogical(tXor, Xor, p.parseAnd) }
func (p *parser) parseAnd() (Node, *Error) { return p.parseLogical(tAnd, And, p.parseNot) }

func (p *parser) parseLogical(k tokKind, op LogicOp, sub func() (Node, *Error)) (Node, *Error) {
	x, err := sub()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == k {
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := sub()
		if err != nil {
			return nil, err
		}
		x = &Logical{Op: op, X: x, Y: y}
	}
	return x, nil
}

func (p *parser) enter() *Error {
	p.depth++
	if p.depth > maxDepth {
		return errAt(ErrSyntax, p.tok.span, "The filter is nested too deeply.")
	}
	return nil
}

func (p *parser) parseNot() (Node, *Error) {
	if p.tok.kind != tNot {
		return p.parseRel()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	pos := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	return &Not{X: x, Pos: pos}, nil
}

func (p *parser) parseRel() (Node, *Error) {
	if p.tok.kind == tLParen {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.unexpected()
		}
		return x, p.advance()
	}
	x, err := p.parseValue(false)
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tCmp:
		op := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.parseValue(true)
		if err != nil {
			return nil, err
		}
		if p.tok.kind == tCmp {
			if lit, ok := y.(*Literal); ok {
				return nil, errAt(ErrSyntax, spanOf(lit), "Left side of \""+p.tok.text+"\" expression must be a field or function, not "+lit.Text+".")
			}
			return nil, p.unexpected()
		}
		return &Compare{Op: op.op, X: x, Y: y, OpPos: op.pos, OpLit: op.text}, nil
	case tIn:
		if err := p.advance(); err != nil {
			return nil, err
		}
		return p.parseSet(x, false)
	case tNot:
		if next, err := p.peek(); err != nil {
			return nil, err
		} else if next.kind == tIn {
			p.advance()
			if err := p.advance(); err != nil {
				return nil, err
			}
			return p.parseSet(x, true)
		}
	}
	return x, nil
}

// parseSet reads {a, b, c..d} after in.
func (p *parser) parseSet(x Node, negate bool) (Node, *Error) {
	if p.tok.kind != tLBrace {
		return nil, p.unexpected()
	}
	m := &Member{X: x, Negate: negate}
	for {
		if err := p.advance(); err != nil {
			return nil, err
		}
		lo, err := p.parseValue(true)
		if err != nil {
			return nil, err
		}
		it := SetItem{Lo: lo}
		if p.tok.kind == tDotDot {
			if err := p.advance(); err != nil {
				return nil, err
			}
			if it.Hi, err = p.parseValue(true); err != nil {
				return nil, err
			}
		}
		m.Set = append(m.Set, it)
		switch p.tok.kind {
		case tComma:
			continue
		case tRBrace:
			m.End = p.tok.end
			return m, p.advance()
		}
		return nil, p.unexpected()
	}
}

// parseValue reads an operand: a field, literal, function call, slice or bitwise and. On the right of a
// comparison (rhs) a word is a field only if the registry knows it; elsewhere it is always a field name,
// and Compile reports it if it is not one.
func (p *parser) parseValue(rhs bool) (Node, *Error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	x, err := p.parseEntity(rhs)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tBitAnd {
		if err := p.advance(); err != nil {
			return nil, err
		}
		y, err := p.parseEntity(true)
		if err != nil {
			return nil, err
		}
		x = &BitAnd{X: x, Y: y}
	}
	return x, nil
}

func (p *parser) parseEntity(rhs bool) (Node, *Error) {
	t := p.tok
	var x Node
	switch t.kind {
	case tWord:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tLParen {
			c, err := p.parseCall(t)
			if err != nil {
				return nil, err
			}
			x = c
		} else if rhs && lookupField(t.text) == nil {
			x = &Literal{Kind: LitWord, Text: t.text, Value: t.text, Pos: t.pos}
		} else {
			x = &Field{Name: t.text, Pos: t.pos}
		}
	case tString:
		x = &Literal{Kind: LitString, Text: t.text, Value: t.val, Pos: t.pos}
		if err := p.advance(); err != nil {
			return nil, err
		}
	case tChar:
		x = &Literal{Kind: LitChar, Text: t.text, Value: t.val, Pos: t.pos}
		if err := p.advance(); err != nil {
			return nil, err
		}
	default:
		return nil, p.unexpected()
	}
	for p.tok.kind == tSlice {
		rs, err := parseRanges(p.tok)
		if err != nil {
			return nil, err
		}
		x = &Slice{X: x, Ranges: rs, End: p.tok.end}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// parseCall reads the arguments of name( … ).
func (p *parser) parseCall(name token) (Node, *Error) {
	c := &Call{Func: name.text, Pos: name.pos}
	if err := p.advance(); err != nil { // (
		return nil, err
	}
	if p.tok.kind == tRParen {
		c.End = p.tok.end
		return c, p.advance()
	}
	for {
		a, err := p.parseValue(false)
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
		switch p.tok.kind {
		case tComma:
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		case tRParen:
			c.End = p.tok.end
			return c, p.advance()
		}
		return nil, p.unexpected()
	}
}

// parseRanges reads the ranges of a slice token: "0:3", "2-5", "4", ":2", "6:", comma-separated.
func parseRanges(t token) ([]Range, *Error) {
	var out []Range
	base := t.pos + 1
	body := t.val
	for off := 0; ; {
		part := body[off:]
		if i := strings.IndexByte(part, ','); i >= 0 {
			part = part[:i]
		}
		r, err := parseRange(part, base+off)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		off += len(part) + 1
		if off > len(body) {
			return out, nil
		}
	}
}

func parseRange(s string, pos int) (Range, *Error) {
	// Trim spaces, keeping track of the offset.
	for len(s) > 0 && s[0] == ' ' {
		s, pos = s[1:], pos+1
	}
	s = strings.TrimRight(s, " ")
	num := func(txt string, at int) (int, *Error) {
		n, err := strconv.Atoi(txt)
		if err != nil || len(txt) > 9 {
			if txt == "" {
				return 0, errAt(ErrSyntax, span{at, at + 1}, "A slice range is missing a number.")
			}
			return 0, errAt(ErrSyntax, span{at, at + len(txt)}, strconv.Quote(txt)+" is not a valid number.")
		}
		return n, nil
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		var r Range
		var err *Error
		if i > 0 {
			if r.Start, err = num(s[:i], pos); err != nil {
				return r, err
			}
		}
		if i == len(s)-1 {
			if i == 0 {
				return r, errAt(ErrSyntax, span{pos, pos + 1}, "A slice range is missing a number.")
			}
			r.Form = RangeToEnd
			return r, nil
		}
		r.Form = RangeLen
		if r.N, err = num(s[i+1:], pos+i+1); err != nil {
			return r, err
		}
		if r.N <= 0 {
			return r, errAt(ErrSyntax, span{pos + i + 1, pos + len(s)}, strconv.Quote(s[i+1:])+" is not a valid slice length.")
		}
		return r, nil
	}
	if i := strings.IndexByte(s[min(1, len(s)):], '-'); i >= 0 {
		i++
		var r Range
		var err *Error
		r.Form = RangeTo
		if r.Start, err = num(s[:i], pos); err != nil {
			return r, err
		}
		if r.N, err = num(s[i+1:], pos+i+1); err != nil {
			return r, err
		}
		return r, nil
	}
	n, err := num(s, pos)
	return Range{Form: RangeOne, Start: n}, err
}
