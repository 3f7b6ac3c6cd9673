package field

import "testing"

func TestAppendValue(t *testing.T) {
	for _, c := range []struct {
		in   Info
		v    Value
		want string
	}{
		{Info{Type: Uint, Base: Hex, Bits: 16}, Value{U: 0x12}, "0x0012"},
		{Info{Type: Uint, Base: Hex, Bits: 8}, Value{U: 2}, "0x02"},
		{Info{Type: Uint, Base: Hex, Bits: 24}, Value{U: 0}, "0x000000"},
		{Info{Type: Uint}, Value{U: 4294967295}, "4294967295"},
		{Info{Type: Int}, Value{U: uint64(^uint64(1))}, "-2"},
		{Info{Type: Bool}, Value{U: 1}, "1"},
		{Info{Type: IPv4}, Value{U: 0x0a000001}, "10.0.0.1"},
		{Info{Type: IPv6}, Value{B: []byte{0x20, 1, 0xd, 0xb8, 15: 1}}, "2001:db8::1"},
		{Info{Type: Ether}, Value{B: []byte{0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}}, "00:1b:21:aa:bb:cc"},
		{Info{Type: RelTime}, Value{U: 1477000}, "0.001477000"},
		{Info{Type: RelTime}, Value{U: uint64(-39000 & (1<<64 - 1))}, "-0.000039000"},
		{Info{Type: RelTime}, Value{U: uint64(-1422528504003689281 & (1<<64 - 1))}, "18445321545205.547926719"},
		{Info{Type: String}, Value{B: []byte("a\\b\tc\x01\xff")}, "a\\b\\tc\\001\uFFFD"},
		{Info{Type: Protocol, Present: "1"}, Value{}, "1"},
	} {
		if got := c.in.String(c.v); got != c.want {
			t.Errorf("%v %v: %q, want %q", c.in.Type, c.v, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	Register(Info{Abbrev: "zz.test.port", Type: Uint})
	if got := Closest("zz.test.prot", 1); len(got) != 1 || got[0] != "zz.test.port" {
		t.Errorf("Closest: %v", got)
	}
}
