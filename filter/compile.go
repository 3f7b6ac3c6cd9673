package filter

import (
	"bytes"
	"cmp"
	"regexp"
	"strings"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
)

// Program is a compiled filter. Match evaluates it on a decoded packet. A Program keeps reusable buffers,
// so it is not safe for concurrent use: compile one per goroutine.
type Program struct {
	expr  *Expr
	match func(p *dissect.Packet) bool
}

// Compile parses and compiles a filter. An empty or blank filter gives a Program that matches every frame.
// Errors are *Error.
func Compile(text string) (*Program, error) {
	e, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return CompileExpr(e)
}

// CompileExpr checks a parsed filter against the field registry and compiles it. Errors are *Error.
func CompileExpr(e *Expr) (*Program, error) {
	if e.Root == nil {
		return &Program{expr: e, match: func(*dissect.Packet) bool { return true }}, nil
	}
	root := clone(e.Root)
	c := &compiler{}
	m, err := c.test(root)
	if err != nil {
		err.Filter = e.Text
		return nil, err
	}
	return &Program{expr: &Expr{Text: e.Text, Root: root}, match: m}, nil
}

// Match reports whether the packet passes the filter.
func (pr *Program) Match(p *dissect.Packet) bool { return pr.match(p) }

// Expr returns the compiled filter's syntax tree, with field names as the registry spells them (TCP
// becomes tcp).
func (pr *Program) Expr() *Expr { return pr.expr }

// String returns the normalised filter (see Expr.String), with registry names.
func (pr *Program) String() string { return pr.expr.String() }

// Fields returns the registry names of the fields and protocols the filter reads.
func (pr *Program) Fields() []string { return pr.expr.Fields() }

// lookupField finds a field by name: exactly, or a protocol written in upper case (TCP, Http).
func lookupField(name string) *field.Info {
	if in := field.Lookup(name); in != nil {
		return in
	}
	if lower := strings.ToLower(name); lower != name {
		if in := field.Lookup(lower); in != nil && in.Type == field.Protocol {
			return in
		}
	}
	return nil
}

// fieldLike reports whether a word looks like a field name rather than a value.
func fieldLike(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] == '_') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return !isHexBytesLike(s)
}

// isHexBytesLike reports whether s reads as a byte string or MAC address (aa-bb-cc, dead.beef).
func isHexBytesLike(s string) bool {
	if !strings.ContainsAny(s, "-.") {
		return false
	}
	_, ok := parseHexBytes(s)
	return ok
}

func unknownField(name string, sp span) *Error {
	e := errAt(ErrUnknownField, sp, name+" is neither a field nor a protocol name.")
	if fieldLike(name) {
		e.Suggest = field.Closest(strings.ToLower(name), 3)
		if len(e.Suggest) > 0 {
			e.Msg += " Did you mean " + strings.Join(e.Suggest, ", ") + "?"
		}
	}
	return e
}

// values appends an operand's values in a packet to dst.
type valuesFunc func(p *dissect.Packet, dst []field.Value) []field.Value

// operand is a compiled field, slice, function call or bitwise and.
type operand struct {
	operandInfo
	ftype  field.Type
	id     field.ID // a plain field (not a slice, call or mask); 0 otherwise
	sp     span
	values valuesFunc
}

type compiler struct{}

// test compiles a node used as a condition.
func (c *compiler) test(n Node) (func(*dissect.Packet) bool, *Error) {
	switch n := n.(type) {
	case *Logical:
		if m, ok, err := c.fusedOr(n); ok || err != nil {
			return m, err
		}
		x, err := c.test(n.X)
		if err != nil {
			return nil, err
		}
		y, err := c.test(n.Y)
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case And:
			return func(p *dissect.Packet) bool { return x(p) && y(p) }, nil
		case Or:
			return func(p *dissect.Packet) bool { return x(p) || y(p) }, nil
		}
		return func(p *dissect.Packet) bool { return x(p) != y(p) }, nil
	case *Not:
		x, err := c.test(n.X)
		if err != nil {
			return nil, err
		}
		return func(p *dissect.Packet) bool { return !x(p) }, nil
	case *Compare:
		return c.compare(n)
	case *Member:
		return c.member(n)
	case *Field:
		in := lookupField(n.Name)
		if in == nil {
			return nil, unknownField(n.Name, spanOf(n))
		}
		n.Name = in.Abbrev
		id := in.ID
		var buf []field.Value
		return func(p *dissect.Packet) bool {
			buf = p.Values(id, buf[:0])
			return len(buf) > 0
		}, nil
	case *Literal:
		return nil, errAt(ErrUnknownField, spanOf(n), n.Text+" is neither a field nor a protocol name.")
	case *Call:
		if _, err := c.call(n); err != nil {
			return nil, err
		}
		return nil, errAt(ErrType, span{n.Pos, n.Pos + len(n.Func)}, "You cannot test whether a function is present.")
	case *Slice, *BitAnd:
		o, err := c.operand(n, "")
		if err != nil {
			return nil, err
		}
		var buf []field.Value
		if _, ok := n.(*BitAnd); ok {
			return func(p *dissect.Packet) bool {
				buf = o.values(p, buf[:0])
				for _, v := range buf {
					if v.U != 0 {
						return true
					}
				}
				return false
			}, nil
		}
		return func(p *dissect.Packet) bool {
			buf = o.values(p, buf[:0])
			return len(buf) > 0
		}, nil
	}
	return nil, errAt(ErrSyntax, spanOf(n), "Unexpected expression.")
}

// operand compiles a field, slice, call or bitwise and whose values a comparison reads. opLit names the
// comparison for the message about a literal on its left ("" when the node is not a left side).
func (c *compiler) operand(n Node, opLit string) (*operand, *Error) {
	switch n := n.(type) {
	case *Field:
		in := lookupField(n.Name)
		if in == nil {
			if opLit != "" && !fieldLike(n.Name) {
				return nil, errAt(ErrSyntax, spanOf(n), "Left side of \""+opLit+"\" expression must be a field or function, not "+n.Name+".")
			}
			return nil, unknownField(n.Name, spanOf(n))
		}
		n.Name = in.Abbrev
		k := kindOf(in.Type)
		o := &operand{operandInfo: operandInfo{kind: k, bits: in.Bits, name: in.Abbrev}, ftype: in.Type, id: in.ID, sp: spanOf(n)}
		o.typ = typeName(k, in.Bits, in.Type)
		if k == kProto {
			o.values = dissect.ProtocolBytes(in.ID)
		} else {
			id := in.ID
			o.values = func(p *dissect.Packet, dst []field.Value) []field.Value { return p.Values(id, dst) }
		}
		return o, nil
	case *Literal:
		if opLit != "" {
			return nil, errAt(ErrSyntax, spanOf(n), "Left side of \""+opLit+"\" expression must be a field or function, not "+n.Text+".")
		}
		return nil, errAt(ErrSyntax, spanOf(n), n.Text+" is not a field or function.")
	case *Slice:
		return c.slice(n)
	case *Call:
		return c.call(n)
	case *BitAnd:
		return c.bitAnd(n)
	}
	return nil, errAt(ErrSyntax, spanOf(n), "Unexpected expression.")
}

func (c *compiler) slice(n *Slice) (*operand, *Error) {
	x, err := c.operand(n.X, "")
	if err != nil {
		return nil, err
	}
	switch x.kind {
	case kIPv4, kIPv6, kEther, kBytes, kString, kProto:
	default:
		return nil, errAt(ErrType, x.sp, "\""+x.name+"\" is a "+x.typ+" and cannot be sliced into a sequence of bytes.")
	}
	ranges := n.Ranges
	isV4 := x.kind == kIPv4
	var in []field.Value
	var arena []byte
	o := &operand{operandInfo: operandInfo{kind: kBytes, typ: "Byte sequence", name: x.name + "[…]"}, ftype: field.Bytes, sp: spanOf(n)}
	o.values = func(p *dissect.Packet, dst []field.Value) []field.Value {
		in = x.values(p, in[:0])
		arena = arena[:0]
		for _, v := range in {
			b := v.B
			if isV4 {
				start := len(arena)
				arena = append(arena, byte(v.U>>24), byte(v.U>>16), byte(v.U>>8), byte(v.U))
				b = arena[start:len(arena):len(arena)]
			}
			if len(ranges) == 1 {
				if s, e, ok := sliceBounds(ranges[0], len(b)); ok {
					dst = append(dst, field.Value{B: b[s:e:e]})
				}
				continue
			}
			start := len(arena)
			ok := true
			for _, r := range ranges {
				s, e, good := sliceBounds(r, len(b))
				if !good {
					ok = false
					break
				}
				arena = append(arena, b[s:e]...)
			}
			if !ok {
				arena = arena[:start]
				continue
			}
			dst = append(dst, field.Value{B: arena[start:len(arena):len(arena)]})
		}
		return dst
	}
	return o, nil
}

// sliceBounds resolves a range against a value of n bytes as Wireshark does (negative offsets count
// from the end; a range that does not fit gives no value).
func sliceBounds(r Range, n int) (start, end int, ok bool) {
	start = r.Start
	if start < 0 {
		start += n
		if start < 0 {
			return 0, 0, false
		}
	}
	switch r.Form {
	case RangeToEnd:
		end = n
		if end-start <= 0 {
			return 0, 0, false
		}
	case RangeLen:
		end = start + r.N
		if end > n {
			return 0, 0, false
		}
	case RangeOne:
		end = start + 1
		if end > n {
			return 0, 0, false
		}
	case RangeTo:
		last := r.N
		if last < 0 {
			last += n
			if last < start {
				return 0, 0, false
			}
		} else if last >= n {
			return 0, 0, false
		}
		end = last + 1
		if end <= start {
			return 0, 0, false
		}
	}
	if start > n {
		return 0, 0, false
	}
	return start, end, true
}

func (c *compiler) call(n *Call) (*operand, *Error) {
	nameSpan := span{n.Pos, n.Pos + len(n.Func)}
	switch n.Func {
	case "len", "count", "lower", "upper":
	default:
		return nil, errAt(ErrSyntax, nameSpan, "Function '"+n.Func+"' does not exist")
	}
	if len(n.Args) < 1 {
		return nil, errAt(ErrSyntax, nameSpan, "Function "+n.Func+" needs at least 1 arguments.")
	}
	if len(n.Args) > 1 {
		return nil, errAt(ErrSyntax, nameSpan, "Function "+n.Func+" can only accept 1 arguments.")
	}
	arg := n.Args[0]
	onlyFields := func() *Error {
		return errAt(ErrType, spanOf(arg), "Only fields can be used as parameter for "+n.Func+"()")
	}
	switch a := arg.(type) {
	case *Field:
		if lookupField(a.Name) == nil && !fieldLike(a.Name) {
			return nil, onlyFields()
		}
	case *Slice:
		if n.Func == "count" {
			return nil, onlyFields()
		}
	case *Call:
		if n.Func == "count" || n.Func == "len" {
			return nil, onlyFields()
		}
	default:
		return nil, onlyFields()
	}
	x, err := c.operand(arg, "")
	if err != nil {
		return nil, err
	}
	var in []field.Value
	switch n.Func {
	case "count":
		o := &operand{operandInfo: operandInfo{kind: kUint, bits: 32, typ: "Unsigned integer (4 bytes)", name: "count()"}, ftype: field.Uint, sp: spanOf(n)}
		o.values = func(p *dissect.Packet, dst []field.Value) []field.Value {
			in = x.values(p, in[:0])
			if len(in) == 0 {
				return dst
			}
			return append(dst, field.Value{U: uint64(len(in))})
		}
		return o, nil
	case "len":
		size := uint64(0)
		switch x.kind {
		case kBool:
			size = 1
		case kUint, kInt:
			size = uint64(max(x.bits/8, 1))
		case kIPv4:
			size = 4
		case kAbsTime, kRelTime:
			size = 8
		}
		o := &operand{operandInfo: operandInfo{kind: kUint, bits: 32, typ: "Unsigned integer (4 bytes)", name: "len()"}, ftype: field.Uint, sp: spanOf(n)}
		byteK := x.kind.byteKind()
		o.values = func(p *dissect.Packet, dst []field.Value) []field.Value {
			in = x.values(p, in[:0])
			for _, v := range in {
				if byteK {
					dst = append(dst, field.Value{U: uint64(len(v.B))})
				} else {
					dst = append(dst, field.Value{U: size})
				}
			}
			return dst
		}
		return o, nil
	}
	// lower, upper
	if x.kind != kString {
		return nil, errAt(ErrType, spanOf(arg), "Only string type fields can be used as parameter for "+n.Func+"()")
	}
	up := n.Func == "upper"
	var arena []byte
	o := &operand{operandInfo: operandInfo{kind: kString, typ: "Character string", name: n.Func + "()"}, ftype: field.String, sp: spanOf(n)}
	o.values = func(p *dissect.Packet, dst []field.Value) []field.Value {
		in = x.values(p, in[:0])
		arena = arena[:0]
		for _, v := range in {
			start := len(arena)
			for _, ch := range v.B {
				if up && ch >= 'a' && ch <= 'z' {
					ch -= 'a' - 'A'
				} else if !up && ch >= 'A' && ch <= 'Z' {
					ch += 'a' - 'A'
				}
				arena = append(arena, ch)
			}
			dst = append(dst, field.Value{B: arena[start:len(arena):len(arena)]})
		}
		return dst
	}
	return o, nil
}

func (c *compiler) bitAnd(n *BitAnd) (*operand, *Error) {
	x, err := c.operand(n.X, "&")
	if err != nil {
		return nil, err
	}
	if x.kind != kUint && x.kind != kInt && x.kind != kBool {
		return nil, errAt(ErrType, x.sp, x.name+" (type="+x.typ+") cannot participate in bitwise and.")
	}
	lit, ok := n.Y.(*Literal)
	if !ok {
		return nil, errAt(ErrType, spanOf(n.Y), "The mask of a bitwise and must be a constant.")
	}
	mv, err := parseLiteral(lit, &x.operandInfo)
	if err != nil {
		return nil, err
	}
	mask := mv.v.U
	var in []field.Value
	o := &operand{operandInfo: x.operandInfo, ftype: x.ftype, sp: spanOf(n)}
	o.name = x.name + " & " + lit.Text
	o.values = func(p *dissect.Packet, dst []field.Value) []field.Value {
		in = x.values(p, in[:0])
		for _, v := range in {
			dst = append(dst, field.Value{U: v.U & mask})
		}
		return dst
	}
	return o, nil
}

// rhs compiles the right side of a comparison or a set member: a constant read as the left side's type,
// or another operand of a compatible type.
func (c *compiler) rhs(n Node, x *operand) (cv *cval, y *operand, err *Error) {
	if lit, ok := n.(*Literal); ok {
		v, err := parseLiteral(lit, &x.operandInfo)
		if err != nil {
			return nil, nil, err
		}
		return &v, nil, nil
	}
	y, err = c.operand(n, "")
	if err != nil {
		return nil, nil, err
	}
	if !compatible(x.kind, y.kind) {
		return nil, nil, errAt(ErrType, y.sp, x.name+" and "+y.name+" are not of compatible types.")
	}
	return nil, y, nil
}

func (c *compiler) compare(n *Compare) (func(*dissect.Packet) bool, *Error) {
	x, err := c.operand(n.X, n.OpLit)
	if err != nil {
		return nil, err
	}
	cannot := func() *Error {
		return errAt(ErrType, x.sp, x.name+" (type="+x.typ+") cannot participate in "+n.OpLit+" comparison.")
	}
	switch n.Op {
	case OpContains:
		if x.kind != kString && x.kind != kBytes && x.kind != kEther && x.kind != kProto {
			return nil, cannot()
		}
	case OpMatches:
		if x.kind != kString && x.kind != kBytes && x.kind != kProto {
			return nil, cannot()
		}
		return c.matches(n, x)
	case OpLt, OpLe, OpGt, OpGe:
		if x.kind == kProto {
			return nil, cannot()
		}
	}
	// contains takes bytes on the right of a bytes-like field (a byte string of any length).
	rx := x
	if n.Op == OpContains && x.kind == kEther {
		rx = &operand{operandInfo: operandInfo{kind: kBytes, typ: "Byte sequence", name: x.name}, sp: x.sp, values: x.values}
	}
	cv, y, err := c.rhs(n.Y, rx)
	if err != nil {
		return nil, err
	}
	all := n.Op == OpNe || n.Op == OpAllEq
	if cv != nil {
		pred := constPred(x.kind, n.Op, *cv)
		if x.id != 0 && x.kind == kUint && (n.Op == OpEq || n.Op == OpNe) {
			return uintEq(x.id, cv.v.U, n.Op == OpNe), nil
		}
		var buf []field.Value
		xv := x.values
		if all {
			return func(p *dissect.Packet) bool {
				buf = xv(p, buf[:0])
				if len(buf) == 0 {
					return false
				}
				for _, v := range buf {
					if !pred(v) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(p *dissect.Packet) bool {
			buf = xv(p, buf[:0])
			for _, v := range buf {
				if pred(v) {
					return true
				}
			}
			return false
		}, nil
	}
	pred := pairPred(x.kind, y.kind, n.Op)
	var xs, ys []field.Value
	var arena []byte
	keep := x.kind.byteKind()
	return func(p *dissect.Packet) bool {
		xs = x.values(p, xs[:0])
		if len(xs) == 0 {
			return false
		}
		if keep {
			xs, arena = own(xs, arena)
		}
		ys = y.values(p, ys[:0])
		if len(ys) == 0 {
			return false
		}
		for _, a := range xs {
			for _, b := range ys {
				ok := pred(a, b)
				if all && !ok {
					return false
				}
				if !all && ok {
					return true
				}
			}
		}
		return all
	}, nil
}

// own copies the bytes of vals into arena, so that they survive the next Packet.Values call.
func own(vals []field.Value, arena []byte) ([]field.Value, []byte) {
	arena = arena[:0]
	for _, v := range vals {
		arena = append(arena, v.B...)
	}
	off := 0
	for i := range vals {
		n := len(vals[i].B)
		vals[i].B = arena[off : off+n : off+n]
		off += n
	}
	return vals, arena
}

// fusedOr compiles a chain "f == a or f == b or …" on one integer field as one pass over the field's
// values (tcp.port == 80 or tcp.port == 443 reads tcp.port once). ok is false when n is not such a chain.
func (c *compiler) fusedOr(n *Logical) (m func(*dissect.Packet) bool, ok bool, err *Error) {
	var leaves []*Compare
	var collect func(Node) bool
	collect = func(x Node) bool {
		switch x := x.(type) {
		case *Logical:
			return x.Op == Or && collect(x.X) && collect(x.Y)
		case *Compare:
			f, isField := x.X.(*Field)
			_, isLit := x.Y.(*Literal)
			if x.Op != OpEq || !isField || !isLit || len(leaves) > 0 && f.Name != leaves[0].X.(*Field).Name {
				return false
			}
			leaves = append(leaves, x)
			return true
		}
		return false
	}
	if n.Op != Or || !collect(n) {
		return nil, false, nil
	}
	in := lookupField(leaves[0].X.(*Field).Name)
	if in == nil || kindOf(in.Type) != kUint {
		return nil, false, nil
	}
	consts := make([]uint64, len(leaves))
	for i, leaf := range leaves {
		x, err := c.operand(leaf.X, leaf.OpLit)
		if err != nil {
			return nil, true, err
		}
		v, err := parseLiteral(leaf.Y.(*Literal), &x.operandInfo)
		if err != nil {
			return nil, true, err
		}
		consts[i] = v.v.U
	}
	id := in.ID
	var buf []field.Value
	return func(p *dissect.Packet) bool {
		buf = p.Values(id, buf[:0])
		for _, v := range buf {
			for _, k := range consts {
				if v.U == k {
					return true
				}
			}
		}
		return false
	}, true, nil
}

// uintEq is the common case tcp.port == 80 (or !=) compiled without indirection.
func uintEq(id field.ID, c uint64, ne bool) func(*dissect.Packet) bool {
	var buf []field.Value
	if ne {
		return func(p *dissect.Packet) bool {
			buf = p.Values(id, buf[:0])
			for _, v := range buf {
				if v.U == c {
					return false
				}
			}
			return len(buf) > 0
		}
	}
	return func(p *dissect.Packet) bool {
		buf = p.Values(id, buf[:0])
		for _, v := range buf {
			if v.U == c {
				return true
			}
		}
		return false
	}
}

func (c *compiler) matches(n *Compare, x *operand) (func(*dissect.Packet) bool, *Error) {
	lit, ok := n.Y.(*Literal)
	if !ok || lit.Kind != LitString {
		return nil, errAt(ErrType, spanOf(n.Y), "Matches requires a double quoted string on the right side.")
	}
	_, rerr := regexp.Compile(lit.Value)
	if rerr == nil {
		_, rerr = regexp.Compile("(?i)" + lit.Value)
	}
	if rerr != nil {
		msg := strings.TrimPrefix(rerr.Error(), "error parsing regexp: ")
		return nil, errAt(ErrRegex, spanOf(lit), "Regex compilation error: "+msg+".")
	}
	// Wireshark compiles patterns case-insensitively (PCRE2_CASELESS); (?-i) in the pattern turns it off.
	re := regexp.MustCompile("(?i)" + lit.Value)
	var buf []field.Value
	return func(p *dissect.Packet) bool {
		buf = x.values(p, buf[:0])
		for _, v := range buf {
			if re.Match(v.B) {
				return true
			}
		}
		return false
	}, nil
}

func (c *compiler) member(n *Member) (func(*dissect.Packet) bool, *Error) {
	x, err := c.operand(n.X, "in")
	if err != nil {
		return nil, err
	}
	if x.kind == kProto {
		return nil, errAt(ErrType, x.sp, x.name+" (type="+x.typ+") cannot participate in in comparison.")
	}
	type item struct {
		lo, hi  *cval
		y       *operand
		isRange bool
	}
	var items []item
	hasFields := false
	for _, it := range n.Set {
		lo, y, err := c.rhs(it.Lo, x)
		if err != nil {
			return nil, err
		}
		if it.Hi == nil {
			items = append(items, item{lo: lo, y: y})
			hasFields = hasFields || y != nil
			continue
		}
		if y != nil {
			return nil, errAt(ErrType, y.sp, "A range in a set must be made of constants.")
		}
		hi, y2, err := c.rhs(it.Hi, x)
		if err != nil {
			return nil, err
		}
		if y2 != nil {
			return nil, errAt(ErrType, y2.sp, "A range in a set must be made of constants.")
		}
		items = append(items, item{lo: lo, hi: hi, isRange: true})
	}
	if x.kind == kUint && !hasFields {
		// Unsigned integers against constants and ranges: plain comparisons, no indirection.
		lo, hi := make([]uint64, len(items)), make([]uint64, len(items))
		for i, it := range items {
			lo[i], hi[i] = it.lo.v.U, it.lo.v.U
			if it.isRange {
				hi[i] = it.hi.v.U
			}
		}
		neg := n.Negate
		var xs []field.Value
		return func(p *dissect.Packet) bool {
			xs = x.values(p, xs[:0])
			for _, v := range xs {
				for i := range lo {
					if v.U >= lo[i] && v.U <= hi[i] {
						return !neg
					}
				}
			}
			return neg
		}, nil
	}
	eqs := make([]func(field.Value) bool, len(items))
	his := make([]func(field.Value) bool, len(items))
	pairEq := make([]func(a, b field.Value) bool, len(items))
	for i, it := range items {
		switch {
		case it.isRange:
			eqs[i] = constPred(x.kind, OpGe, *it.lo)
			his[i] = constPred(x.kind, OpLe, *it.hi)
		case it.y != nil:
			pairEq[i] = pairPred(x.kind, it.y.kind, OpEq)
		default:
			eqs[i] = constPred(x.kind, OpEq, *it.lo)
		}
	}
	neg := n.Negate
	var xs, ys []field.Value
	var arena []byte
	keep := hasFields && x.kind.byteKind()
	return func(p *dissect.Packet) bool {
		xs = x.values(p, xs[:0])
		if keep {
			xs, arena = own(xs, arena)
		}
		found := false
	outer:
		for i, it := range items {
			if it.y != nil {
				ys = it.y.values(p, ys[:0])
				for _, a := range xs {
					for _, b := range ys {
						if pairEq[i](a, b) {
							found = true
							break outer
						}
					}
				}
				continue
			}
			for _, a := range xs {
				if eqs[i](a) && (his[i] == nil || his[i](a)) {
					found = true
					break outer
				}
			}
		}
		return found != neg
	}, nil
}

// constPred returns the test of one value against a constant for a comparison operator. For OpNe and
// OpAnyNe it is "not equal"; the caller applies "all" or "any".
func constPred(k kind, op CmpOp, c cval) func(field.Value) bool {
	switch op {
	case OpContains:
		needle := c.v.B
		return func(v field.Value) bool { return bytes.Contains(v.B, needle) }
	case OpNe, OpAnyNe:
		eq := constPred(k, OpEq, c)
		return func(v field.Value) bool { return !eq(v) }
	case OpAllEq:
		op = OpEq
	}
	cmp := constCmp(k, c)
	switch op {
	case OpEq:
		return func(v field.Value) bool { return cmp(v) == 0 }
	case OpLt:
		return func(v field.Value) bool { return cmp(v) < 0 }
	case OpLe:
		return func(v field.Value) bool { return cmp(v) <= 0 }
	case OpGt:
		return func(v field.Value) bool { return cmp(v) > 0 }
	}
	return func(v field.Value) bool { return cmp(v) >= 0 }
}

// constCmp returns a function comparing a value with the constant c: negative, zero or positive.
func constCmp(k kind, c cval) func(field.Value) int {
	switch k {
	case kUint:
		u := c.v.U
		return func(v field.Value) int { return cmpU(v.U, u) }
	case kBool:
		u := b2u(c.v.U)
		return func(v field.Value) int { return cmpU(b2u(v.U), u) }
	case kInt, kAbsTime, kRelTime:
		s := int64(c.v.U)
		return func(v field.Value) int { return cmpI(int64(v.U), s) }
	case kIPv4:
		m := uint64(0xffffffff) << (32 - c.prefix) & 0xffffffff
		u := c.v.U & m
		return func(v field.Value) int { return cmpU(v.U&m, u) }
	case kIPv6:
		a := c.v.B
		n := c.prefix
		return func(v field.Value) int { return cmpPrefix(v.B, a, n) }
	}
	b := c.v.B
	return func(v field.Value) int { return bytes.Compare(v.B, b) }
}

// pairPred returns the test of two values of two operands (field against field).
func pairPred(kx, ky kind, op CmpOp) func(a, b field.Value) bool {
	cmp := func(a, b field.Value) int { return bytes.Compare(a.B, b.B) }
	switch {
	case op == OpContains:
		return func(a, b field.Value) bool { return bytes.Contains(a.B, b.B) }
	case kx == kBool || ky == kBool:
		cmp = func(a, b field.Value) int { return cmpU(b2u(a.U), b2u(b.U)) }
	case kx == kInt || ky == kInt || kx == kAbsTime || kx == kRelTime:
		cmp = func(a, b field.Value) int { return cmpI(int64(a.U), int64(b.U)) }
	case kx == kUint || kx == kIPv4:
		cmp = func(a, b field.Value) int { return cmpU(a.U, b.U) }
	}
	switch op {
	case OpEq, OpAllEq:
		return func(a, b field.Value) bool { return cmp(a, b) == 0 }
	case OpNe, OpAnyNe:
		return func(a, b field.Value) bool { return cmp(a, b) != 0 }
	case OpLt:
		return func(a, b field.Value) bool { return cmp(a, b) < 0 }
	case OpLe:
		return func(a, b field.Value) bool { return cmp(a, b) <= 0 }
	case OpGt:
		return func(a, b field.Value) bool { return cmp(a, b) > 0 }
	}
	return func(a, b field.Value) bool { return cmp(a, b) >= 0 }
}

func b2u(u uint64) uint64 {
	if u != 0 {
		return 1
	}
	return 0
}

func cmpU(a, b uint64) int { return cmp.Compare(a, b) }

func cmpI(a, b int64) int { return cmp.Compare(a, b) }

// cmpPrefix compares the first n bits of two addresses.
func cmpPrefix(a, b []byte, n int) int {
	if len(a) != len(b) {
		return bytes.Compare(a, b)
	}
	full := n / 8
	if full > len(a) {
		full = len(a)
	}
	if c := bytes.Compare(a[:full], b[:full]); c != 0 || full == len(a) {
		return c
	}
	if rem := n % 8; rem != 0 {
		m := byte(0xff) << (8 - rem)
		return cmpU(uint64(a[full]&m), uint64(b[full]&m))
	}
	return 0
}

// clone copies a syntax tree, so that compiling (which writes registry names into fields) leaves the
// parsed Expr as typed.
func clone(n Node) Node {
	switch n := n.(type) {
	case *Logical:
		c := *n
		c.X, c.Y = clone(n.X), clone(n.Y)
		return &c
	case *Not:
		c := *n
		c.X = clone(n.X)
		return &c
	case *Compare:
		c := *n
		c.X, c.Y = clone(n.X), clone(n.Y)
		return &c
	case *Member:
		c := *n
		c.X = clone(n.X)
		c.Set = make([]SetItem, len(n.Set))
		for i, it := range n.Set {
			c.Set[i].Lo = clone(it.Lo)
			if it.Hi != nil {
				c.Set[i].Hi = clone(it.Hi)
			}
		}
		return &c
	case *Field:
		c := *n
		return &c
	case *Literal:
		c := *n
		return &c
	case *Slice:
		c := *n
		c.X = clone(n.X)
		c.Ranges = append([]Range(nil), n.Ranges...)
		return &c
	case *Call:
		c := *n
		c.Args = make([]Node, len(n.Args))
		for i, a := range n.Args {
			c.Args[i] = clone(a)
		}
		return &c
	case *BitAnd:
		c := *n
		c.X, c.Y = clone(n.X), clone(n.Y)
		return &c
	}
	return n
}
