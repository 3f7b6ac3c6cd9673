package filter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/filter"
)

// TestErrors checks the message and the position of the caret for bad filters. Unless noted, the message
// and the caret are tshark 4.0's (tshark -Y FILTER -r F prints them); pos and len are byte offsets.
func TestErrors(t *testing.T) {
	cases := []struct {
		filter   string
		kind     filter.ErrorKind
		msg      string // the message, or its beginning when it ends with "…"
		pos, len int
	}{
		// Unknown fields: tshark's first sentence, then the closest registry names (wirelens adds them;
		// tshark's message for the left side of a comparison is "Left side of "==" expression must be a
		// field or function, not tcp.prt.").
		{"tcp.prt == 1", filter.ErrUnknownField, "tcp.prt is neither a field nor a protocol name. Did you mean tcp.port…", 0, 7},
		{"foo", filter.ErrUnknownField, "foo is neither a field nor a protocol name.…", 0, 3},
		{"tcp and nosuch.field", filter.ErrUnknownField, "nosuch.field is neither a field nor a protocol name.…", 8, 12},
		{"80", filter.ErrUnknownField, "80 is neither a field nor a protocol name.", 0, 2},
		{`"abc"`, filter.ErrUnknownField, `"abc" is neither a field nor a protocol name.`, 0, 5},
		{"count(tcp.port) == 1 == 2", filter.ErrSyntax, `Left side of "==" expression must be a field or function, not 1.`, 19, 1},
		// Syntax.
		{"tcp.port == ", filter.ErrSyntax, "Unexpected end of filter expression.", 12, 0},
		{"(tcp", filter.ErrSyntax, "Unexpected end of filter expression.", 4, 0},
		{"tcp)", filter.ErrSyntax, `")" was unexpected in this context.`, 3, 1},
		{"()", filter.ErrSyntax, `")" was unexpected in this context.`, 1, 1},
		{"tcp.port = 80", filter.ErrSyntax, `"=" was unexpected in this context.`, 9, 1},
		{"tcp.port == 80 80", filter.ErrSyntax, `"80" was unexpected in this context.`, 15, 2},
		{"tcp.flags.syn == 1 && && tcp", filter.ErrSyntax, `"&&" was unexpected in this context.`, 22, 2},
		{"tcp.port == 1 |", filter.ErrSyntax, `"|" was unexpected in this context.`, 14, 1},
		{"tcp AND udp", filter.ErrSyntax, `"AND" was unexpected in this context.`, 4, 3},
		{"tcp.port in {80..}", filter.ErrSyntax, `"}" was unexpected in this context.`, 17, 1},
		{"tcp.port in {80 443}", filter.ErrSyntax, `"443" was unexpected in this context.`, 16, 3},
		{"tcp.port in {80..443..8080}", filter.ErrSyntax, `".." was unexpected in this context.`, 20, 2},
		{`dns.qry.name == "abc`, filter.ErrSyntax, "The final quote was missing from a quoted string.", 20, 0},
		{`dns.qry.name == "a\qb"`, filter.ErrSyntax, `\q is not a valid character escape sequence`, 18, 2},
		{`dns.qry.name == "\u006d"`, filter.ErrSyntax, `\u006d is not a valid universal character name`, 17, 6},
		{"'ab'", filter.ErrSyntax, "'ab' is too long to be a valid character constant.", 0, 4},
		{"eth.dst[0:2 == 33:33", filter.ErrSyntax, "The right bracket was missing from a slice.", 20, 0},
		{"eth.dst[a] == 33", filter.ErrSyntax, `"a" is not a valid number.`, 8, 1},
		// Functions.
		{"len(tcp)", filter.ErrType, "You cannot test whether a function is present.", 0, 3},
		{"nosuchfunc(tcp.port)", filter.ErrSyntax, "Function 'nosuchfunc' does not exist", 0, 10},
		{"len() == 1", filter.ErrSyntax, "Function len needs at least 1 arguments.", 0, 3},
		{"len(tcp.port, ip.src) == 1", filter.ErrSyntax, "Function len can only accept 1 arguments.", 0, 3},
		{"len(80) == 1", filter.ErrType, "Only fields can be used as parameter for len()", 4, 2},
		{`upper(tcp.port) == "A"`, filter.ErrType, "Only string type fields can be used as parameter for upper()", 6, 8},
		// Types.
		{`tcp.port == "abc"`, filter.ErrType, `Unsigned integer (2 bytes) cannot be converted from a string ("abc").`, 12, 5},
		{`ip.src == "208.80.152.2"`, filter.ErrType, `IPv4 address cannot be converted from a string ("208.80.152.2").`, 10, 14},
		{`eth.dst == "ff:ff:ff:ff:ff:ff"`, filter.ErrType, `Ethernet or other MAC address cannot be converted from a string ("ff:ff:ff:ff:ff:ff").`, 11, 19},
		{`frame.time_relative > "1.5"`, filter.ErrType, `Time offset cannot be converted from a string ("1.5").`, 22, 5},
		{"tcp.port contains 80", filter.ErrType, "tcp.port (type=Unsigned integer (2 bytes)) cannot participate in contains comparison.", 0, 8},
		{`tcp.port ~ "80"`, filter.ErrType, "tcp.port (type=Unsigned integer (2 bytes)) cannot participate in ~ comparison.", 0, 8},
		{"udp.payload matches 00:00", filter.ErrType, "Matches requires a double quoted string on the right side.", 20, 5},
		{`ip.src matches "1"`, filter.ErrType, "ip.src (type=IPv4 address) cannot participate in matches comparison.", 0, 6},
		{"ip.src == tcp.port", filter.ErrType, "ip.src and tcp.port are not of compatible types.", 10, 8},
		{"tcp.port in {ip.src}", filter.ErrType, "tcp.port and ip.src are not of compatible types.", 13, 6},
		{"tcp.port[0:2]", filter.ErrType, `"tcp.port" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes.`, 0, 8},
		// Values.
		{"ip.addr == 10.0.0.0/33", filter.ErrValue, "Netmask bits in a CIDR IPv4 address should be <= 32, not 33", 11, 11},
		{"ip.addr == 300.1.1.1", filter.ErrValue, `"300.1.1.1" is not a valid hostname or IPv4 address.`, 11, 9},
		{"ipv6.addr == fe80::/129", filter.ErrValue, "Prefix in a IPv6 address should be <= 128, not 129", 13, 10},
		{"frame.number == 99999999999999999999", filter.ErrValue, `"99999999999999999999" causes an integer overflow.`, 16, 20},
		{"tcp.port == 0x", filter.ErrValue, `"0x" is not a valid number.`, 12, 2},
		{"ip.ttl == 1.0", filter.ErrValue, `"1.0" is not a valid number.`, 10, 3},
		{"frame.number == 08", filter.ErrValue, `"08" is not a valid number.`, 16, 2},
		{"tcp.port == 70000", filter.ErrValue, `"70000" too big for this field, maximum 65535.`, 12, 5},
		{"tcp.port == -70000", filter.ErrValue, `"70000" too big for this field, maximum 65535.`, 13, 5},
		{"eth.src == 00:1b", filter.ErrValue, `"00:1b" contains too few bytes to be a valid Ethernet address.`, 11, 5},
		{"eth.addr == ff:ff:ff:ff:ff:ff:ff", filter.ErrValue, `"ff:ff:ff:ff:ff:ff:ff" contains too many bytes to be a valid Ethernet address.`, 12, 20},
		{"eth.dst == broadcast", filter.ErrValue, `"broadcast" is not a valid Ethernet address.`, 11, 9},
		{"tcp.payload == xyz", filter.ErrValue, `"xyz" is not a valid byte string.`, 15, 3},
		{"tcp.payload contains 0x4747", filter.ErrValue, `"0x4747" is not a valid byte string.`, 21, 6},
		{"tcp.flags.syn == true", filter.ErrValue, `"true" cannot be found among the possible values for tcp.flags.syn.`, 17, 4},
		{"frame.time > 1300000000", filter.ErrValue, `"1300000000" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`, 13, 10},
		{`frame.time == "Jan 1, 2020"`, filter.ErrValue, `"Jan 1, 2020" is not a valid absolute time.…`, 14, 13},
		{"frame.time_relative == abc", filter.ErrValue, `"abc" is not a valid time.`, 23, 3},
		{"frame.time_delta == 0.0004770001", filter.ErrValue, `"0.0004770001" is not a valid time.`, 20, 12},
		{"tcp.srcport == tcp.port.foo", filter.ErrValue, `"tcp.port.foo" is not a valid number.`, 15, 12},
		// Regular expressions (tshark prints PCRE2's message and no caret; wirelens prints Go's RE2 message, with
		// the caret under the pattern; RE2 has no look-behind, which PCRE2 accepts).
		{`dns.qry.name matches "(["`, filter.ErrRegex, "Regex compilation error: missing closing ]: `[`.", 21, 4},
		{`dns.qry.name matches "a)"`, filter.ErrRegex, "Regex compilation error: unexpected ): `a)`.", 21, 4},
		{`dns.qry.name matches "(?<=a)b"`, filter.ErrRegex, "Regex compilation error: invalid named capture: `(?<=a)b`.", 21, 9},
	}
	for _, tc := range cases {
		_, err := filter.Compile(tc.filter)
		var fe *filter.Error
		if !errors.As(err, &fe) {
			t.Errorf("%q: got %v, want an *Error", tc.filter, err)
			continue
		}
		msgOK := fe.Msg == tc.msg
		if prefix, ok := strings.CutSuffix(tc.msg, "…"); ok {
			msgOK = strings.HasPrefix(fe.Msg, prefix)
		}
		if !msgOK || fe.Pos != tc.pos || fe.Len != tc.len || fe.Kind != tc.kind || fe.Filter != tc.filter {
			t.Errorf("%q:\n got %s %q at %d+%d\nwant %s %q at %d+%d", tc.filter, fe.Kind, fe.Msg, fe.Pos, fe.Len, tc.kind, tc.msg, tc.pos, tc.len)
		}
	}
}

func TestUnknownFieldSuggestions(t *testing.T) {
	_, err := filter.Compile("tcp.prt == 1")
	var fe *filter.Error
	if !errors.As(err, &fe) || len(fe.Suggest) == 0 || fe.Suggest[0] != "tcp.port" {
		t.Fatalf("got %v, want tcp.port first among the suggestions", err)
	}
}

func TestCaret(t *testing.T) {
	for _, tc := range []struct{ filter, want string }{
		{"tcp.prt == 1", "    tcp.prt == 1\n    ^~~~~~~"},
		{"tcp.port == ", "    tcp.port == \n                ^"},
		{"ip.addr == 300.1.1.1 and tcp", "    ip.addr == 300.1.1.1 and tcp\n               ^~~~~~~~~"},
		// Columns count characters: the é before the fault is one column.
		{`dns.qry.name == "é" and 1 == 2`, "    dns.qry.name == \"é\" and 1 == 2\n                            ^"},
	} {
		_, err := filter.Compile(tc.filter)
		var fe *filter.Error
		if !errors.As(err, &fe) {
			t.Errorf("%q: no error", tc.filter)
			continue
		}
		if got := fe.Caret(); got != tc.want {
			t.Errorf("%q caret:\n%s\nwant\n%s", tc.filter, got, tc.want)
		}
	}
}
