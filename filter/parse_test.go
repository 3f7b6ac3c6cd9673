package filter_test

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/filter"
)

// TestParseString checks the normalised form of filters and that it parses back to itself.
func TestParseString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"tcp", "tcp"},
		{"  tcp  ", "tcp"},
		{"", ""},
		{"tcp.port==64665 or tcp.port==64669", "tcp.port == 64665 or tcp.port == 64669"},
		{"ip.addr == 10.0.0.0/8 && !tcp.analysis.flags", "ip.addr == 10.0.0.0/8 and not tcp.analysis.flags"},
		{"http.response.code >= 400", "http.response.code >= 400"},
		{"a eq 1 and b ne 2 or c lt 3 and d le 4 or e gt 5 and f ge 6", "a == 1 and b != 2 or c < 3 and d <= 4 or e > 5 and f >= 6"},
		{"a any_eq 1 && b all_ne 2 && c all_eq 3 && d any_ne 4 && e ~= 5", "a == 1 and b != 2 and c === 3 and d !== 4 and e !== 5"},
		{"a === 1 || b !== 2", "a === 1 or b !== 2"},
		// Precedence: not binds tighter than and, and than xor, xor than or.
		{"a or b and c", "a or b and c"},
		{"(a or b) and c", "(a or b) and c"},
		{"a and (b or c)", "a and (b or c)"},
		{"a or (b or c)", "a or (b or c)"},
		{"(a or b) or c", "a or b or c"},
		{"not a and b", "not a and b"},
		{"not (a and b)", "not (a and b)"},
		{"!a || !b", "not a or not b"},
		{"!!a", "not not a"},
		{"a xor b or c", "a xor b or c"},
		{"a ^^ b and c", "a xor b and c"},
		{"a xor (b or c)", "a xor (b or c)"},
		{"((((a))))", "a"},
		// Values.
		{`dns.qry.name == "a\"b\\c"`, `dns.qry.name == "a\"b\\c"`},
		{`dns.qry.name matches r"^www\."`, `dns.qry.name matches r"^www\."`},
		{`dns.qry.name ~ "x"`, `dns.qry.name matches "x"`},
		{"ip.proto == '\\x11'", "ip.proto == '\\x11'"},
		{"eth.dst == ff-ff-ff-ff-ff-ff", "eth.dst == ff-ff-ff-ff-ff-ff"},
		{"ipv6.addr == fe80::/10", "ipv6.addr == fe80::/10"},
		{"tcp.port in {80,443 , 8000..8080}", "tcp.port in {80, 443, 8000..8080}"},
		{"tcp.port in{80}", "tcp.port in {80}"},
		{"tcp.port not in {80}", "tcp.port not in {80}"},
		{"not tcp.port in {80}", "not tcp.port in {80}"},
		{"eth.src[0:3] == 00:1b:21", "eth.src[0:3] == 00:1b:21"},
		{"eth.src[:3] == 00:1b:21", "eth.src[0:3] == 00:1b:21"},
		{"eth.src [ 1-2 ] == 1b:21", "eth.src[1-2] == 1b:21"},
		{"eth.src[2] == 21 and eth.src[3:] == aa", "eth.src[2] == 21 and eth.src[3:] == aa"},
		{"eth.src[-1] == cc and eth.src[0:1,-2:2] == 00:bb:cc", "eth.src[-1] == cc and eth.src[0:1,-2:2] == 00:bb:cc"},
		{"len(dns.qry.name)>20", "len(dns.qry.name) > 20"},
		{"count( ip.addr ) == 2", "count(ip.addr) == 2"},
		{"lower(http.host) contains \"x\"", "lower(http.host) contains \"x\""},
		{"tcp.flags&0x12==0x12", "tcp.flags & 0x12 == 0x12"},
		{"tcp.flags bitwise_and 0x02", "tcp.flags & 0x02"},
		{"tcp.srcport>tcp.dstport", "tcp.srcport > tcp.dstport"},
		{"frame.time >= \"2011-01-01 00:00:00Z\"", "frame.time >= \"2011-01-01 00:00:00Z\""},
	}
	for _, tc := range cases {
		e, err := filter.Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		got := e.String()
		if got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		e2, err := filter.Parse(got)
		if err != nil {
			t.Errorf("Parse(%q) (the normalised form): %v", got, err)
			continue
		}
		if again := e2.String(); again != got {
			t.Errorf("round trip of %q gives %q", got, again)
		}
	}
}

func TestParseTree(t *testing.T) {
	e, err := filter.Parse("not a == 1 or b")
	if err != nil {
		t.Fatal(err)
	}
	or, ok := e.Root.(*filter.Logical)
	if !ok || or.Op != filter.Or {
		t.Fatalf("root is %T, want an or", e.Root)
	}
	not, ok := or.X.(*filter.Not)
	if !ok {
		t.Fatalf("left is %T, want not", or.X)
	}
	cmp, ok := not.X.(*filter.Compare)
	if !ok || cmp.Op != filter.OpEq {
		t.Fatalf("under not: %T, want ==", not.X)
	}
	if pos, end := cmp.Span(); pos != 4 || end != 10 {
		t.Errorf("span of a == 1 is %d-%d, want 4-10", pos, end)
	}
}

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"tcp.port == 80 or tcp.port == 443", []string{"tcp.port"}},
		{"ip.addr == 10.0.0.0/8 && !tcp.analysis.flags", []string{"ip.addr", "tcp.analysis.flags"}},
		{"tcp.srcport > tcp.dstport", []string{"tcp.srcport", "tcp.dstport"}},
		{"len(dns.qry.name) > 2 and eth.src[0] == 1 and udp.port in {53, 5353}", []string{"dns.qry.name", "eth.src", "udp.port"}},
		{"", nil},
	} {
		e, err := filter.Parse(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := e.Fields(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Fields(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Compiling writes the registry's spelling.
	prog, err := filter.Compile("TCP and not UDP")
	if err != nil {
		t.Fatal(err)
	}
	if got := prog.String(); got != "tcp and not udp" {
		t.Errorf("normalised %q", got)
	}
	if got := prog.Fields(); !reflect.DeepEqual(got, []string{"tcp", "udp"}) {
		t.Errorf("fields %q", got)
	}
}

// FuzzParse checks that parsing, printing, reparsing and compiling never panic or loop, and that the
// normalised form is stable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"tcp", "tcp.port==64665 or tcp.port==64669", "ip.addr == 10.0.0.0/8 && !tcp.analysis.flags",
		`dns.qry.name matches "^www\\." or dns.qry.name contains "\x2e"`, "eth.src[0:1,-2:2] == 00:bb:cc",
		"tcp.port in {80, 443, 8000..8080}", "len(dns.qry.name) > 20", "tcp.flags & 0x12 == 0x12",
		"frame.time >= \"2011-01-01 00:00:00Z\"", "not (a xor b) ^^ c", "'\\x41' == frame.number", "r\"a\\\"b\"",
		"tcp.port not in {ip.src}", "ip.proto == '\\101'", "((((", "[", "{", "\"\\u00e9\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := filter.Parse(s)
		if err != nil {
			var fe *filter.Error
			if !errorsAs(err, &fe) || fe.Pos < 0 || fe.Pos > len(s) || fe.Pos+fe.Len > len(s) {
				t.Fatalf("Parse(%q): bad error %#v", s, err)
			}
			_ = fe.Caret()
			return
		}
		norm := e.String()
		e2, err := filter.Parse(norm)
		if err != nil {
			t.Fatalf("Parse(%q) ok but its normalised form %q fails: %v", s, norm, err)
		}
		if again := e2.String(); again != norm {
			t.Fatalf("normalised %q → %q → %q", s, norm, again)
		}
		_ = e.Fields()
		prog, err := filter.CompileExpr(e)
		if err != nil {
			var fe *filter.Error
			if !errorsAs(err, &fe) || fe.Pos < 0 || fe.Pos+fe.Len > len(s) {
				t.Fatalf("Compile(%q): bad error %#v", s, err)
			}
			return
		}
		prog.Match(fuzzPacket)
	})
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// fuzzPacket is a decoded TCP packet the fuzzer's compiled filters run on.
var fuzzPacket = func() *dissect.Packet {
	b, err := hex.DecodeString(strings.ReplaceAll(pktTCP, " ", ""))
	if err != nil {
		panic(err)
	}
	return dissect.NewDecoder().Decode(&capture.Frame{Data: b, OrigLen: len(b), LinkType: capture.LinkTypeEthernet})
}()
