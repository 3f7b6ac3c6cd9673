package dissect

import "testing"

// refFindTCPOption is FindTCPOption written over walkTCPOptions, the walk the details tree and the
// tcp.option_* fields use.
func refFindTCPOption(h []byte, kind byte) []byte {
	if len(h) <= 20 {
		return nil
	}
	var found []byte
	walkTCPOptions(h, func(k byte, opt []byte) {
		if found == nil && k == kind && tcpOptLenOK(k, len(opt)) {
			found = opt
		}
	})
	return found
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
