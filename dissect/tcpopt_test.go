package dissect

import (
	"fmt"
	"testing"
)

// refFindTCPOption is FindTCPOption written over the walk of the options as the details tree and the
// tcp.option_* fields make it, spelt out here byte by byte so that it shares no code with what it checks
// (FindTCPOption and walkTCPOptions both step with tcpOptionEnd).
func refFindTCPOption(h []byte, kind byte) []byte {
	for off := 20; off < len(h); {
		k := h[off]
		var opt []byte
		switch k {
		case 0, 1:
			opt = h[off : off+1]
		default:
			if off+1 >= len(h) {
				return nil
			}
			n := int(h[off+1])
			if n < 2 || off+n > len(h) {
				return nil
			}
			opt = h[off : off+n]
		}
		if k == kind && tcpOptLenOK(k, len(opt)) {
			return opt
		}
		if k == 0 {
			return nil
		}
		off += len(opt)
	}
	return nil
}

// TestWalkTCPOptions: the walk gives the options the reference steps through, in order, and stops where
// it stops.
func TestWalkTCPOptions(t *testing.T) {
	h := append(make([]byte, 20), 2, 4, 5, 180, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 9, 9)
	var got []string
	walkTCPOptions(h, func(k byte, opt []byte) { got = append(got, fmt.Sprintf("%d:% x", k, opt)) })
	want := []string{"2:02 04 05 b4", "1:01", "1:01", "8:08 0a 00 00 00 01 00 00 00 02", "0:00"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("walk %v, want %v", got, want)
	}
	got = nil
	walkTCPOptions(append(make([]byte, 20), 1, 3, 9), func(k byte, opt []byte) { got = append(got, fmt.Sprintf("%d:% x", k, opt)) })
	if fmt.Sprint(got) != "[1:01]" {
		t.Fatalf("walk of a NOP then a length past the end: %v, want [1:01]", got)
	}
}

// checkFindTCPOption compares FindTCPOption with the walk, for options with a length byte.
func checkFindTCPOption(t *testing.T, h []byte) {
	t.Helper()
	for _, kind := range []byte{2, 3, 4, 5, 8, 30, 255} {
		got, want := FindTCPOption(h, kind), refFindTCPOption(h, kind)
		if string(got) != string(want) || (got == nil) != (want == nil) || len(got) > 0 && &got[0] != &want[0] {
			t.Fatalf("FindTCPOption(% x, %d) = % x, the walk finds % x", h[min(20, len(h)):], kind, got, want)
		}
	}
}

func TestFindTCPOption(t *testing.T) {
	opts := [][]byte{
		{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2},                           // NOP NOP TS: the fast path
		{2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}, // a SYN's
		{1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9},                           // one SACK block
		{1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 20, 0, 0, 0, 30}, // two
		{5, 9, 0, 0, 0, 1, 0, 0, 0, 9, 1, 1},                            // a SACK of a bad length
		{3, 4, 7, 1, 3, 3, 7, 0},                                        // a bad scale, then a good one
		{1, 0, 3, 3, 7, 0},                                              // EOL first
		{8, 1, 0, 0},                                                    // a length below 2
		{2, 40, 0, 0},                                                   // a length past the end
		{1, 1, 1, 2},                                                    // a kind without its length
		{0},
	}
	hdr := make([]byte, 20)
	checkFindTCPOption(t, hdr)
	for _, o := range opts {
		h := append(append([]byte(nil), hdr...), o...)
		for n := 20; n <= len(h); n++ {
			checkFindTCPOption(t, h[:n])
		}
	}
}

func FuzzFindTCPOption(f *testing.F) {
	f.Add([]byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
	f.Add([]byte{2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7})
	f.Add([]byte{1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9})
	f.Fuzz(func(t *testing.T, opts []byte) {
		checkFindTCPOption(t, append(make([]byte, 20), opts...))
	})
}
