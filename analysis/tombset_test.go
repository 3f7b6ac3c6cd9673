package analysis

import (
	"math/rand/v2"
	"testing"
)

// TestTombSetAsMap runs random sets, deletions and lookups on a tombSet and on a Go map, with hashes
// drawn from a small range so that the same hash is set, forgotten and set again, in recent and in old.
func TestTombSetAsMap(t *testing.T) {
	for _, keys := range []uint64{50, 1500, 5000} {
		r := rand.New(rand.NewPCG(1, keys))
		s := newTombSet()
		m := map[uint64]tomb{}
		merges := 0
		for i := range 40000 {
			h := r.Uint64N(keys) * 0x9e3779b97f4a7c15 // spread, and sorted differently from the draw
			switch r.IntN(3) {
			case 0, 1:
				tb := tomb{stream: uint32(i), check: r.Uint32(), base: [2]uint32{r.Uint32(), r.Uint32()}}
				before := len(s.recent)
				s.set(h, tb)
				m[h] = tb
				if before == tombRecent-1 && len(s.recent) == 0 {
					merges++
				}
			case 2:
				s.del(h)
				delete(m, h)
			}
			probe := r.Uint64N(keys) * 0x9e3779b97f4a7c15
			got, ok := s.get(probe)
			want, wok := m[probe]
			if ok != wok || got != want {
				t.Fatalf("keys %d step %d: get(%#x) = %v %v, want %v %v", keys, i, probe, got, ok, want, wok)
			}
			if s.len() != len(m) {
				t.Fatalf("keys %d step %d: len %d, want %d", keys, i, s.len(), len(m))
			}
		}
		for h, want := range m {
			if got, ok := s.get(h); !ok || got != want {
				t.Fatalf("keys %d: get(%#x) = %v %v at the end, want %v", keys, h, got, ok, want)
			}
		}
		for i := 1; i < s.old.n; i++ {
			if s.old.at(i-1).h >= s.old.at(i).h {
				t.Fatalf("keys %d: old not sorted at %d", keys, i)
			}
		}
		if keys >= 1500 && merges == 0 {
			t.Fatalf("keys %d: no merge happened", keys)
		}
		t.Logf("keys %d: %d tombs, %d in old (%d dead), %d merges", keys, len(m), s.old.n, s.dead, merges)
	}
}
