package filter

import (
	"strconv"
	"strings"
)

// Expr is a parsed filter: an inert syntax tree that can be printed, inspected and compiled, but that holds
// no compiled state. Parse returns it; Compile turns it into a Program.
type Expr struct {
	Text string // the filter as typed
	Root Node   // nil for an empty filter (which selects every frame)
}

// String returns the normalised filter: logical operators as words (and, or, xor, not), comparisons as
// symbols (==, !=, ===, !==, <, <=, >, >=, contains, matches), single spaces, and only the parentheses
// the tree needs. Literals are printed as typed. Parsing the result gives back the same tree.
func (e *Expr) String() string {
	if e == nil || e.Root == nil {
		return ""
	}
	var b strings.Builder
	e.Root.format(&b, 0)
	return b.String()
}

// Fields returns the names of the fields and protocols the filter reads, in order of first appearance,
// each once, as written.
func (e *Expr) Fields() []string {
	var out []string
	seen := map[string]bool{}
	if e != nil && e.Root != nil {
		walk(e.Root, func(n Node) {
			if f, ok := n.(*Field); ok && !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f.Name)
			}
		})
	}
	return out
}

// Node is a node of the syntax tree: *Logical, *Not, *Compare, *Member, *Field, *Literal, *Slice, *Call or
// *BitAnd. A field, slice or bitwise-and standing alone is a test (present; non-zero).
type Node interface {
	// Span returns the byte range of the node in the filter text.
	Span() (pos, end int)
	format(b *strings.Builder, prec int)
}

// Precedence levels, loosest first.
const (
	precOr = iota + 1
	precXor
	precAnd
	precNot
	precRel
)

// LogicOp is a binary logical operator.
type LogicOp uint8

// Logical operators.
const (
	And LogicOp = iota + 1
	Or
	Xor
)

// String returns the operator as a word.
func (op LogicOp) String() string {
	switch op {
	case And:
		return "and"
	case Or:
		return "or"
	case Xor:
		return "xor"
	}
	return "?"
}

func (op LogicOp) prec() int {
	switch op {
	case Or:
		return precOr
	case Xor:
		return precXor
	}
	return precAnd
}

// CmpOp is a comparison operator.
type CmpOp uint8

// Comparison operators. OpEq, OpLt…OpGe, OpContains and OpMatches hold if any occurrence does; OpNe
// (all_ne) if none equals; OpAllEq if all equal; OpAnyNe if any differs.
const (
	OpEq CmpOp = iota + 1
	OpNe
	OpAllEq
	OpAnyNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpContains
	OpMatches
)

var cmpNames = [...]string{"", "==", "!=", "===", "!==", "<", "<=", ">", ">=", "contains", "matches"}

// String returns the operator's normalised spelling.
func (op CmpOp) String() string {
	if int(op) < len(cmpNames) {
		return cmpNames[op]
	}
	return "?"
}

// Logical is X and/or/xor Y.
type Logical struct {
	Op   LogicOp
	X, Y Node
}

// Not is not X.
type Not struct {
	X   Node
	Pos int // offset of the operator
}

// Compare is X op Y.
type Compare struct {
	Op    CmpOp
	X, Y  Node
	OpPos int    // offset of the operator
	OpLit string // the operator as typed (for messages)
}

// Member is X in {…} (or X not in {…} when Negate).
type Member struct {
	X      Node
	Set    []SetItem
	Negate bool
	End    int // offset after the closing brace
}

// SetItem is one member of a set: a value, or the range Lo..Hi.
type SetItem struct {
	Lo, Hi Node // Hi is nil for a single value
}

// Field names a field or protocol of the registry.
type Field struct {
	Name string
	Pos  int
}

// LitKind tells how a literal was written.
type LitKind uint8

// Literal kinds.
const (
	LitWord   LitKind = iota + 1 // unquoted: 80, 0x1f, 10.0.0.0/8, fe80::1, 00:1b:21, 1.5
	LitString                    // "quoted" or r"raw"
	LitChar                      // 'c'
)

// Literal is a value written in the filter.
type Literal struct {
	Kind  LitKind
	Text  string // as typed, with quotes
	Value string // decoded text of a string or character (Text for a word)
	Pos   int
}

// Slice is X[ranges]: bytes of a field or protocol.
type Slice struct {
	X      Node
	Ranges []Range
	End    int // offset after the closing bracket
}

// RangeForm tells how a slice range was written.
type RangeForm uint8

// Range forms.
const (
	RangeLen   RangeForm = iota + 1 // [i:j]  j bytes from i; [:j] from 0
	RangeTo                         // [i-j]  from i to j inclusive
	RangeOne                        // [i]    one byte
	RangeToEnd                      // [i:]   from i to the end
)

// Range is one range of a slice. Negative offsets count from the end.
type Range struct {
	Form  RangeForm
	Start int
	N     int // length (RangeLen) or last offset (RangeTo)
}

// Call is a function call: len, count, lower, upper.
type Call struct {
	Func string
	Args []Node
	Pos  int
	End  int
}

// BitAnd is X & Y (bitwise and of an integer field and a mask).
type BitAnd struct {
	X, Y Node
}

// Span implements Node.
func (n *Logical) Span() (int, int) { return spanOf(n.X).pos, spanOf(n.Y).end }

// Span implements Node.
func (n *Not) Span() (int, int) { return n.Pos, spanOf(n.X).end }

// Span implements Node.
func (n *Compare) Span() (int, int) { return spanOf(n.X).pos, spanOf(n.Y).end }

// Span implements Node.
func (n *Member) Span() (int, int) { return spanOf(n.X).pos, n.End }

// Span implements Node.
func (n *Field) Span() (int, int) { return n.Pos, n.Pos + len(n.Name) }

// Span implements Node.
func (n *Literal) Span() (int, int) { return n.Pos, n.Pos + len(n.Text) }

// Span implements Node.
func (n *Slice) Span() (int, int) { return spanOf(n.X).pos, n.End }

// Span implements Node.
func (n *Call) Span() (int, int) { return n.Pos, n.End }

// Span implements Node.
func (n *BitAnd) Span() (int, int) { return spanOf(n.X).pos, spanOf(n.Y).end }

func spanOf(n Node) span {
	p, e := n.Span()
	return span{p, e}
}

func (n *Logical) format(b *strings.Builder, prec int) {
	p := n.Op.prec()
	if prec > p {
		b.WriteByte('(')
	}
	n.X.format(b, p)
	b.WriteByte(' ')
	b.WriteString(n.Op.String())
	b.WriteByte(' ')
	n.Y.format(b, p+1)
	if prec > p {
		b.WriteByte(')')
	}
}

func (n *Not) format(b *strings.Builder, prec int) {
	if prec > precNot {
		b.WriteByte('(')
	}
	b.WriteString("not ")
	n.X.format(b, precNot)
	if prec > precNot {
		b.WriteByte(')')
	}
}

func (n *Compare) format(b *strings.Builder, prec int) {
	n.X.format(b, precRel+1)
	b.WriteByte(' ')
	b.WriteString(n.Op.String())
	b.WriteByte(' ')
	n.Y.format(b, precRel+1)
}

func (n *Member) format(b *strings.Builder, prec int) {
	n.X.format(b, precRel+1)
	if n.Negate {
		b.WriteString(" not in {")
	} else {
		b.WriteString(" in {")
	}
	for i, it := range n.Set {
		if i > 0 {
			b.WriteString(", ")
		}
		it.Lo.format(b, precRel+1)
		if it.Hi != nil {
			b.WriteString("..")
			it.Hi.format(b, precRel+1)
		}
	}
	b.WriteByte('}')
}

func (n *Field) format(b *strings.Builder, _ int)   { b.WriteString(n.Name) }
func (n *Literal) format(b *strings.Builder, _ int) { b.WriteString(n.Text) }

func (n *Slice) format(b *strings.Builder, _ int) {
	n.X.format(b, precRel+1)
	b.WriteByte('[')
	for i, r := range n.Ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.String())
	}
	b.WriteByte(']')
}

// String returns the range as written in a slice: "0:3" (also for ":3"), "2-5", "4", "6:".
func (r Range) String() string {
	switch r.Form {
	case RangeLen:
		return strconv.Itoa(r.Start) + ":" + strconv.Itoa(r.N)
	case RangeTo:
		return strconv.Itoa(r.Start) + "-" + strconv.Itoa(r.N)
	case RangeOne:
		return strconv.Itoa(r.Start)
	}
	return strconv.Itoa(r.Start) + ":"
}

func (n *Call) format(b *strings.Builder, _ int) {
	b.WriteString(n.Func)
	b.WriteByte('(')
	for i, a := range n.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.format(b, 0)
	}
	b.WriteByte(')')
}

func (n *BitAnd) format(b *strings.Builder, _ int) {
	n.X.format(b, precRel+1)
	b.WriteString(" & ")
	n.Y.format(b, precRel+1)
}

// walk calls fn for n and every node under it, in source order.
func walk(n Node, fn func(Node)) {
	fn(n)
	switch n := n.(type) {
	case *Logical:
		walk(n.X, fn)
		walk(n.Y, fn)
	case *Not:
		walk(n.X, fn)
	case *Compare:
		walk(n.X, fn)
		walk(n.Y, fn)
	case *Member:
		walk(n.X, fn)
		for _, it := range n.Set {
			walk(it.Lo, fn)
			if it.Hi != nil {
				walk(it.Hi, fn)
			}
		}
	case *Slice:
		walk(n.X, fn)
	case *Call:
		for _, a := range n.Args {
			walk(a, fn)
		}
	case *BitAnd:
		walk(n.X, fn)
		walk(n.Y, fn)
	}
}
