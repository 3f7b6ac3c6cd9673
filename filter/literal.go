package filter

import (
	"math/bits"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wirelens/wirelens/field"
)

// kind is how the compiled program compares a value: the field's type with frame numbers folded into
// unsigned integers.
type kind uint8

const (
	kNone kind = iota
	kBool
	kUint
	kInt
	kIPv4
	kIPv6
	kEther
	kBytes
	kString
	kAbsTime
	kRelTime
	kProto
)

func kindOf(t field.Type) kind {
	switch t {
	case field.Protocol:
		return kProto
	case field.Bool:
		return kBool
	case field.Uint, field.FrameNum:
		return kUint
	case field.Int:
		return kInt
	case field.IPv4:
		return kIPv4
	case field.IPv6:
		return kIPv6
	case field.Ether:
		return kEther
	case field.Bytes:
		return kBytes
	case field.String:
		return kString
	case field.AbsTime:
		return kAbsTime
	case field.RelTime:
		return kRelTime
	}
	return kNone
}

// byteKind reports whether values of k are held in Value.B.
func (k kind) byteKind() bool {
	return k == kIPv6 || k == kEther || k == kBytes || k == kString || k == kProto
}

// typeName names a type as Wireshark's messages do ("Unsigned integer (2 bytes)").
func typeName(k kind, nbits int, t field.Type) string {
	size := func() string {
		n := max(nbits/8, 1)
		if n == 1 {
			return "1 byte"
		}
		return strconv.Itoa(n) + " bytes"
	}
	switch k {
	case kBool:
		return "Boolean"
	case kUint:
		if t == field.FrameNum {
			return "Frame number"
		}
		return "Unsigned integer (" + size() + ")"
	case kInt:
		return "Signed integer (" + size() + ")"
	case kIPv4:
		return "IPv4 address"
	case kIPv6:
		return "IPv6 address"
	case kEther:
		return "Ethernet or other MAC address"
	case kBytes:
		return "Byte sequence"
	case kString:
		return "Character string"
	case kAbsTime:
		return "Date and time"
	case kRelTime:
		return "Time offset"
	case kProto:
		return "Protocol"
	}
	return "unknown"
}

// compatible reports whether two kinds can be compared with each other (Wireshark's compatible_ftypes).
func compatible(a, b kind) bool {
	switch a {
	case kBool, kUint, kInt:
		return b == kBool || b == kUint || b == kInt
	case kEther, kBytes, kProto:
		return b == kEther || b == kBytes || b == kProto
	}
	return a == b
}

// cval is a constant: a literal read as the type it is compared with.
type cval struct {
	v      field.Value
	prefix int // for addresses: the CIDR prefix length (32 or 128 when none)
}

// operandInfo is what literal parsing needs to know about the operand a literal is compared with.
type operandInfo struct {
	kind kind
	bits int
	typ  string // type name for messages
	name string // field name for messages
}

func quoteLit(l *Literal) string {
	if l.Kind == LitWord {
		return strconv.Quote(l.Text)
	}
	return l.Text
}

// parseLiteral reads l as a value of the operand's type.
func parseLiteral(l *Literal, o *operandInfo) (cval, *Error) {
	sp := spanOf(l)
	notString := func() (cval, *Error) {
		return cval{}, errAt(ErrType, sp, o.typ+" cannot be converted from a string ("+strconv.Quote(l.Value)+").")
	}
	switch o.kind {
	case kUint, kInt:
		switch l.Kind {
		case LitString:
			return notString()
		case LitChar:
			return checkRange(uint64(l.Value[0]), false, l.Text, sp, o)
		}
		return parseInt(l.Text, sp, o)
	case kBool:
		if l.Kind == LitWord {
			switch l.Text {
			case "True", "TRUE":
				return cval{v: field.Value{U: 1}}, nil
			case "False", "FALSE":
				return cval{v: field.Value{U: 0}}, nil
			}
			if c, err := parseInt(l.Text, sp, &operandInfo{kind: kUint, bits: 64}); err == nil {
				if c.v.U != 0 {
					c.v.U = 1
				}
				return c, nil
			}
		}
		if l.Kind == LitChar {
			return cval{v: field.Value{U: 1}}, nil
		}
		return cval{}, errAt(ErrValue, sp, quoteLit(l)+" cannot be found among the possible values for "+o.name+".")
	case kIPv4:
		if l.Kind != LitWord {
			return notString()
		}
		return parseIPv4(l.Text, sp)
	case kIPv6:
		if l.Kind != LitWord {
			return notString()
		}
		return parseIPv6(l.Text, sp)
	case kEther:
		if l.Kind == LitString {
			return notString()
		}
		b, ok := parseHexBytes(l.Value)
		if !ok {
			return cval{}, errAt(ErrValue, sp, quoteLit(l)+" is not a valid Ethernet address.")
		}
		if len(b) < 6 {
			return cval{}, errAt(ErrValue, sp, quoteLit(l)+" contains too few bytes to be a valid Ethernet address.")
		}
		if len(b) > 6 {
			return cval{}, errAt(ErrValue, sp, quoteLit(l)+" contains too many bytes to be a valid Ethernet address.")
		}
		return cval{v: field.Value{B: b}}, nil
	case kBytes, kProto:
		if l.Kind != LitWord {
			return cval{v: field.Value{B: []byte(l.Value)}}, nil
		}
		b, ok := parseHexBytes(l.Text)
		if !ok {
			// A number that fits a byte (0x47) is that byte, as in Wireshark.
			if u, isNum, _ := parseUint(l.Text); isNum && u <= 0xff {
				return cval{v: field.Value{B: []byte{byte(u)}}}, nil
			}
			return cval{}, errAt(ErrValue, sp, quoteLit(l)+" is not a valid byte string.")
		}
		return cval{v: field.Value{B: b}}, nil
	case kString:
		return cval{v: field.Value{B: []byte(l.Value)}}, nil
	case kAbsTime:
		ns, ok := parseAbsTime(l.Value)
		if !ok {
			return cval{}, errAt(ErrValue, sp, quoteLit(l)+` is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`)
		}
		return cval{v: field.Value{U: uint64(ns)}}, nil
	case kRelTime:
		if l.Kind == LitString {
			return notString()
		}
		ns, ok := parseRelTime(l.Value)
		if !ok {
			return cval{}, errAt(ErrValue, sp, quoteLit(l)+" is not a valid time.")
		}
		return cval{v: field.Value{U: uint64(ns)}}, nil
	}
	return cval{}, errAt(ErrType, sp, "A value cannot be compared with "+o.name+".")
}

// parseInt reads a decimal, 0x hexadecimal, 0b binary or 0 octal integer with an optional sign, and checks
// it fits the operand. A negative value for an unsigned field wraps around, as in Wireshark (it then
// matches nothing).
func parseInt(text string, sp span, o *operandInfo) (cval, *Error) {
	neg := false
	body := text
	if body != "" && (body[0] == '-' || body[0] == '+') {
		neg = body[0] == '-'
		body = body[1:]
		sp.pos++
	}
	u, ok, overflow := parseUint(body)
	if overflow {
		return cval{}, errAt(ErrValue, sp, strconv.Quote(body)+" causes an integer overflow.")
	}
	if !ok {
		return cval{}, errAt(ErrValue, sp, strconv.Quote(body)+" is not a valid number.")
	}
	return checkRange(u, neg, body, sp, o)
}

func checkRange(u uint64, neg bool, body string, sp span, o *operandInfo) (cval, *Error) {
	nb := o.bits
	if nb <= 0 || nb > 64 {
		nb = 64
	}
	if o.kind == kInt {
		maxv := uint64(1)<<(nb-1) - 1
		if !neg && u > maxv {
			return cval{}, errAt(ErrValue, sp, strconv.Quote(body)+" too big for this field, maximum "+strconv.FormatUint(maxv, 10)+".")
		}
		if neg && u > maxv+1 {
			sp.pos--
			return cval{}, errAt(ErrValue, sp, strconv.Quote("-"+body)+" too small for this field, minimum -"+strconv.FormatUint(maxv+1, 10)+".")
		}
		if neg {
			u = -u
		}
		return cval{v: field.Value{U: u}}, nil
	}
	if nb < 64 && u > uint64(1)<<nb-1 {
		return cval{}, errAt(ErrValue, sp, strconv.Quote(body)+" too big for this field, maximum "+strconv.FormatUint(uint64(1)<<nb-1, 10)+".")
	}
	if neg {
		u = -u
	}
	return cval{v: field.Value{U: u}}, nil
}

// parseUint reads an unsigned integer in C notation (strtoull with base 0, and 0b binary).
func parseUint(s string) (u uint64, ok, overflow bool) {
	base := uint64(10)
	switch {
	case len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'):
		base, s = 2, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" {
		return 0, false, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false, false
		}
		if d >= base {
			return 0, false, false
		}
		hi, lo := bits.Mul64(u, base)
		if hi != 0 || lo+d < lo {
			overflow = true
		}
		u = lo + d
	}
	return u, !overflow, overflow
}

func parseIPv4(text string, sp span) (cval, *Error) {
	addr, pfx, hasPfx := strings.Cut(text, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is4() {
		return cval{}, errAt(ErrValue, sp, strconv.Quote(text)+" is not a valid hostname or IPv4 address.")
	}
	n := 32
	if hasPfx {
		v, err := strconv.Atoi(pfx)
		if err != nil || v < 0 {
			return cval{}, errAt(ErrValue, sp, strconv.Quote(text)+" is not a valid hostname or IPv4 address.")
		}
		if v > 32 {
			return cval{}, errAt(ErrValue, sp, "Netmask bits in a CIDR IPv4 address should be <= 32, not "+pfx)
		}
		n = v
	}
	b := a.As4()
	return cval{v: field.Value{U: uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}, prefix: n}, nil
}

func parseIPv6(text string, sp span) (cval, *Error) {
	addr, pfx, hasPfx := strings.Cut(text, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return cval{}, errAt(ErrValue, sp, strconv.Quote(text)+" is not a valid hostname or IPv6 address.")
	}
	n := 128
	if hasPfx {
		v, err := strconv.Atoi(pfx)
		if err != nil || v < 0 {
			return cval{}, errAt(ErrValue, sp, strconv.Quote(text)+" is not a valid hostname or IPv6 address.")
		}
		if v > 128 {
			return cval{}, errAt(ErrValue, sp, "Prefix in a IPv6 address should be <= 128, not "+pfx)
		}
		n = v
	}
	b := a.As16()
	return cval{v: field.Value{B: b[:]}, prefix: n}, nil
}

// parseHexBytes reads a byte string: hex digit pairs separated by ':', '-' or '.' (one kind of
// separator; a group may hold one digit, or an even number of digits as in 0011.2233.4455), or an even
// number of hex digits without separators, or one or two digits alone.
func parseHexBytes(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	sep := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' || c == '-' || c == '.' {
			if sep != 0 && c != sep {
				return nil, false
			}
			sep = c
		} else if !isHex(c) {
			return nil, false
		}
	}
	var groups []string
	if sep == 0 {
		groups = []string{s}
	} else {
		groups = strings.Split(s, string(sep))
	}
	var out []byte
	for _, g := range groups {
		switch {
		case len(g) == 1:
			out = append(out, byte(hexVal(g[0])))
		case len(g) > 0 && len(g)%2 == 0:
			for i := 0; i < len(g); i += 2 {
				out = append(out, byte(hexVal(g[i])<<4|hexVal(g[i+1])))
			}
		default:
			return nil, false
		}
	}
	return out, true
}

var (
	reTimeMon = regexp.MustCompile(`^([A-Za-z]{3}) +(\d{1,2}), *(\d{4}) +(\d{1,2}):(\d{1,2}):(\d{1,2})`)
	reTimeISO = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?)?`)
	reFrac    = regexp.MustCompile(`^\.(\d{1,9})`)
	months    = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
)

// parseAbsTime reads "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56" (also with T, without seconds
// or minutes), as local time unless followed by Z or UTC. It returns nanoseconds since the epoch.
func parseAbsTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	var y, mo, d, h, mi, sec int
	var rest string
	hasSec := false
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	if m := reTimeMon.FindStringSubmatch(s); m != nil {
		month, ok := months[strings.ToLower(m[1])]
		if !ok {
			return 0, false
		}
		mo, d, y, h, mi, sec = int(month), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6])
		hasSec = true
		rest = s[len(m[0]):]
	} else if m := reTimeISO.FindStringSubmatch(s); m != nil {
		y, mo, d = atoi(m[1]), atoi(m[2]), atoi(m[3])
		h, mi, sec = atoi(m[4]), atoi(m[5]), atoi(m[6])
		hasSec = m[6] != ""
		rest = s[len(m[0]):]
	} else {
		return 0, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return 0, false
	}
	var frac int64
	if hasSec {
		if m := reFrac.FindStringSubmatch(rest); m != nil {
			f := m[1] + strings.Repeat("0", 9-len(m[1]))
			frac, _ = strconv.ParseInt(f, 10, 64)
			rest = rest[len(m[0]):]
		}
	}
	loc := time.Local
	switch strings.TrimSpace(rest) {
	case "":
	case "Z", "UTC":
		loc = time.UTC
	default:
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, int(frac), loc)
	return t.UnixNano(), true
}

// parseRelTime reads seconds with up to nine decimals ("1.5", "-0.000477") as nanoseconds.
func parseRelTime(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	ip, fp, hasFrac := strings.Cut(s, ".")
	if ip == "" || len(ip) > 10 || len(fp) > 9 || hasFrac && strings.ContainsAny(fp, "+-") {
		return 0, false
	}
	sec, err := strconv.ParseUint(ip, 10, 64)
	if err != nil {
		return 0, false
	}
	var frac uint64
	if fp != "" {
		if frac, err = strconv.ParseUint(fp+strings.Repeat("0", 9-len(fp)), 10, 64); err != nil {
			return 0, false
		}
	}
	ns := int64(sec)*1e9 + int64(frac)
	if neg {
		ns = -ns
	}
	return ns, true
}
