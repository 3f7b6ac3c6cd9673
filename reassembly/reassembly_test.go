package reassembly

import (
	"fmt"
	"strings"
	"testing"
)

type seg struct {
	dir   int // 2, 3: an ACK of ack=seq sent by direction 0, 1 (acknowledging direction 1, 0)
	seq   uint32
	flags uint16
	data  string
	rlen  int // 0: len(data)
}

type recorder struct {
	out    []string
	events []string
}

func (r *recorder) sinks() Sinks {
	return Sinks{
		Data: func(dir int, frame uint32, data []byte) {
			r.out = append(r.out, fmt.Sprintf("%d:%s", dir, data))
		},
		Gap: func(dir int, frame uint32, seq uint32, missing int) {
			r.out = append(r.out, fmt.Sprintf("%d:[%d@%d]", dir, missing, seq))
		},
		Event: func(dir int, frame uint32, k EventKind) {
			r.events = append(r.events, fmt.Sprintf("%d:%v", dir, k))
		},
	}
}

func run(segs []seg, maxPerDir int, budget *Budget) *recorder {
	r := &recorder{}
	st := NewStream(r.sinks(), maxPerDir, budget)
	for i, s := range segs {
		rl := s.rlen
		if rl == 0 {
			rl = len(s.data)
		}
		if s.dir >= 2 {
			st.Dir[3-s.dir].Ack(uint32(i+1), s.seq)
			continue
		}
		st.Dir[s.dir].Add(uint32(i+1), s.seq, s.flags, []byte(s.data), rl)
	}
	st.Close()
	return r
}

func TestReassembly(t *testing.T) {
	const S, F = FlagSYN, FlagFIN
	tests := []struct {
		name   string
		segs   []seg
		want   string
		max    int
		events string
	}{
		{"in order", []seg{{0, 100, S, "", 0}, {1, 500, S, "", 0}, {0, 101, 0, "GET", 0}, {1, 501, 0, "OK", 0}, {0, 104, F, "!", 0}},
			"0:GET 1:OK 0:!", 0, ""},
		{"out of order", []seg{{0, 0, S, "", 0}, {0, 4, 0, "def", 0}, {0, 7, 0, "ghi", 0}, {0, 1, 0, "abc", 0}},
			"0:abc 0:def 0:ghi", 0, ""},
		{"retransmission", []seg{{0, 1, 0, "abc", 0}, {0, 1, 0, "abc", 0}, {0, 4, 0, "de", 0}, {0, 1, 0, "abcde", 0}},
			"0:abc 0:de", 0, ""},
		{"overlap first copy wins", []seg{{0, 1, 0, "abc", 0}, {0, 2, 0, "XYZW", 0}},
			"0:abc 0:ZW", 0, ""},
		{"overlap buffered first copy wins", []seg{{0, 1, 0, "a", 0}, {0, 4, 0, "de", 0}, {0, 2, 0, "bcXYf", 0}},
			"0:a 0:bc 0:de 0:f", 0, ""},
		{"overlap out of order pieces", []seg{{0, 1, 0, "a", 0}, {0, 4, 0, "d", 0}, {0, 6, 0, "f", 0}, {0, 3, 0, "CDEFG", 0}, {0, 2, 0, "b", 0}},
			"0:a 0:b 0:C 0:d 0:E 0:f 0:G", 0, ""},
		{"gap never filled", []seg{{0, 1, 0, "abc", 0}, {0, 10, 0, "xyz", 0}},
			"0:abc 0:[6@4] 0:xyz", 0, ""},
		{"gap before fin", []seg{{0, 1, 0, "abc", 0}, {0, 10, F, "", 0}},
			"0:abc 0:[6@4]", 0, ""},
		{"snaplen cut", []seg{{0, 1, 0, "ab", 5}, {0, 6, 0, "fg", 0}},
			"0:ab 0:[3@3] 0:fg", 0, ""},
		{"snaplen cut buffered", []seg{{0, 1, 0, "a", 0}, {0, 6, 0, "fg", 0}, {0, 2, 0, "bc", 4}},
			"0:a 0:bc 0:[2@4] 0:fg", 0, ""},
		{"wraparound", []seg{{0, 0xfffffffe, 0, "ab", 0}, {0, 1, 0, "de", 0}, {0, 0, 0, "c", 0}},
			"0:ab 0:c 0:de", 0, ""},
		{"syn wraps", []seg{{0, 0xffffffff, S, "", 0}, {0, 0, 0, "a", 0}},
			"0:a", 0, ""},
		{"old segment across wrap is duplicate", []seg{{0, 2, 0, "cd", 0}, {0, 0xffffffff, 0, "zab", 0}},
			"0:cd", 0, ""},
		{"per-direction cap", []seg{{0, 1, 0, "a", 0}, {0, 10, 0, "0123456789", 0}, {0, 30, 0, "xyz", 0}},
			"0:a 0:[8@2] 0:0123456789 0:[10@20] 0:xyz", segOverhead + 12, "0:per-direction buffer cap reached"},
		{"segment larger than cap", []seg{{0, 1, 0, "a", 0}, {0, 10, 0, "0123456789", 0}},
			"0:a 0:[8@2] 0:0123456789", segOverhead + 4, "0:per-direction buffer cap reached"},
		{"ack declares a gap", []seg{{0, 1, 0, "abc", 0}, {0, 10, 0, "xyz", 0}, {3, 13, 0, "", 0}, {0, 13, 0, "!", 0}},
			"0:abc 0:[6@4] 0:xyz 0:!", 0, ""},
		{"ack before data arrives", []seg{{0, 1, 0, "abc", 0}, {3, 10, 0, "", 0}, {0, 10, 0, "xyz", 0}, {0, 20, 0, "later", 0}},
			"0:abc 0:[6@4] 0:xyz 0:[7@13] 0:later", 0, ""},
		{"old ack ignored", []seg{{0, 1, 0, "abc", 0}, {3, 2, 0, "", 0}, {0, 6, 0, "f", 0}, {0, 4, 0, "de", 0}},
			"0:abc 0:de 0:f", 0, ""},
		{"both directions independent", []seg{{1, 7, 0, "B", 0}, {0, 1, 0, "a", 0}, {1, 8, 0, "C", 0}, {0, 3, 0, "c", 0}, {0, 2, 0, "b", 0}},
			"1:B 0:a 1:C 0:b 0:c", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(tc.segs, tc.max, nil)
			if got := strings.Join(r.out, " "); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if got := strings.Join(r.events, " "); got != tc.events {
				t.Errorf("events %q, want %q", got, tc.events)
			}
		})
	}
}

func TestBudget(t *testing.T) {
	b := &Budget{Max: 2*segOverhead + 10}
	r := &recorder{}
	s1 := NewStream(r.sinks(), 0, b)
	s2 := NewStream(r.sinks(), 0, b)
	s1.Dir[0].Add(1, 1, 0, []byte("a"), 1)
	s1.Dir[0].Add(2, 10, 0, []byte("0123456789"), 10)
	if b.Used() != segOverhead+10 {
		t.Fatalf("used %d", b.Used())
	}
	s2.Dir[0].Add(3, 1, 0, []byte("a"), 1)
	s2.Dir[0].Add(4, 5, 0, []byte("xyz"), 3) // does not fit: given up as a gap
	if got := strings.Join(r.events, " "); got != "0:total buffer cap reached" {
		t.Errorf("events %q", got)
	}
	s1.Close()
	s2.Close()
	if b.Used() != 0 {
		t.Errorf("used %d after Close", b.Used())
	}
	want := "0:a 0:a 0:[3@2] 0:xyz 0:[8@2] 0:0123456789"
	if got := strings.Join(r.out, " "); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestInOrderNoAlloc(t *testing.T) {
	n := 0
	st := NewStream(Sinks{Data: func(dir int, frame uint32, data []byte) { n += len(data) }}, 0, nil)
	payload := make([]byte, 1460)
	seq := uint32(1000)
	allocs := testing.AllocsPerRun(1000, func() {
		st.Dir[0].Add(1, seq, 0, payload, len(payload))
		seq += uint32(len(payload))
	})
	if allocs != 0 {
		t.Errorf("%v allocations per in-order segment", allocs)
	}
}

// FuzzReassembly feeds segments cut from one known byte stream (byte at sequence s is byte(s*7+s>>8)) and
// checks that nothing panics, that every delivered byte is the right byte at the right place, that data
// and gaps tile the sequence space without overlap, and that no more bytes are delivered than were added.
func FuzzReassembly(f *testing.F) {
	f.Add([]byte{0, 5, 10, 3, 2, 0, 1, 7, 200, 0, 255, 4})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Fuzz(func(t *testing.T, in []byte) {
		base := uint32(0xffffff00)
		if len(in) > 0 {
			base = 0xffffff00 + uint32(in[0])
		}
		at := func(s uint32) byte { return byte(s*7 + s>>8) }
		var pos [2]uint32
		var started [2]bool
		var added, delivered [2]int
		check := func(dir int, seq uint32) {
			if !started[dir] {
				started[dir] = true
				pos[dir] = seq
			}
			if pos[dir] != seq {
				t.Fatalf("dir %d: output at %d, expected %d", dir, seq, pos[dir])
			}
		}
		budget := &Budget{Max: 3000}
		st := NewStream(Sinks{
			Data: func(dir int, frame uint32, data []byte) {
				// the data sink has no seq: use the running position
				for i, c := range data {
					if c != at(pos[dir]+uint32(i)) {
						t.Fatalf("dir %d: byte %d at %d is %x, want %x", dir, i, pos[dir], c, at(pos[dir]+uint32(i)))
					}
				}
				pos[dir] += uint32(len(data))
				delivered[dir] += len(data)
			},
			Gap: func(dir int, frame uint32, seq uint32, missing int) {
				check(dir, seq)
				if missing <= 0 {
					t.Fatalf("gap of %d", missing)
				}
				pos[dir] += uint32(missing)
			},
		}, 1000, budget)
		for i := 1; i+3 < len(in); i += 4 {
			dir := int(in[i] & 1)
			flags := uint16(in[i]>>1) & FlagSYN // a FIN would shift the positions the harness tracks
			seq := base + uint32(in[i+1]) + uint32(in[i]>>4)<<8
			n := int(in[i+2])
			cut := int(in[i+3])
			if cut > n {
				cut = n
			}
			data := make([]byte, cut)
			s := seq
			if flags&FlagSYN != 0 {
				s++
			}
			if in[i]&0x0e == 0x0e {
				st.Dir[dir].Ack(uint32(i), seq) // bytes before seq may be declared lost
				continue
			}
			if !started[dir] {
				started[dir] = true
				pos[dir] = s
			}
			for j := range data {
				data[j] = at(s + uint32(j))
			}
			added[dir] += cut
			st.Dir[dir].Add(uint32(i), seq, flags, data, n)
		}
		st.Close()
		for dir := range 2 {
			if delivered[dir] > added[dir] {
				t.Fatalf("dir %d: delivered %d > added %d", dir, delivered[dir], added[dir])
			}
			if b := st.Dir[dir].Stats().Buffered; b != 0 {
				t.Fatalf("dir %d: %d bytes still buffered after Close", dir, b)
			}
		}
		if budget.Used() != 0 {
			t.Fatalf("budget used %d after Close", budget.Used())
		}
	})
}

// TestReset checks that a stream made new again forgets its sequence numbers, FIN and buffered data
// (returning their bytes to the budget) and keeps its sinks.
func TestReset(t *testing.T) {
	r := &recorder{}
	b := &Budget{Max: 1 << 20}
	st := NewStream(r.sinks(), 0, b)
	st.Dir[0].Add(1, 100, FlagSYN, nil, 0)
	st.Dir[0].Add(2, 101, 0, []byte("ab"), 2)
	st.Dir[0].Add(3, 110, FlagFIN, []byte("zz"), 2) // buffered behind a gap
	if b.Used() == 0 {
		t.Fatal("nothing buffered before Reset")
	}
	st.Reset()
	if b.Used() != 0 {
		t.Fatalf("budget after Reset = %d, want 0", b.Used())
	}
	st.Dir[0].Add(4, 5000, FlagSYN, nil, 0)
	st.Dir[0].Add(5, 5001, FlagFIN, []byte("cd"), 2)
	st.Close()
	if got, want := strings.Join(r.out, " "), "0:ab 0:cd"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !st.Dir[0].Finished() {
		t.Fatal("the new FIN was not seen")
	}
}
