package analysis

import (
	"math/rand/v2"
	"testing"
)

// TestTombSetAsMap runs random sets, deletions and lookups on a tombSet and on a Go map, with hashes
// drawn from a small range so that the same hash is set, forgotten and set again, in recent and in old;
// spread over 64 bits as hashes are, and bunched up near 0 and near the top, where find's first guess is
// far off.
func TestTombSetAsMap(t *testing.T) {
	spreads := []func(uint64) uint64{
		func(k uint64) uint64 { return k * 0x9e3779b97f4a7c15 },
		func(k uint64) uint64 { return k },
		func(k uint64) uint64 { return ^k },
		func(k uint64) uint64 { return k << 40 },
	}
	for _, spread := range spreads {
		testTombSetAsMap(t, spread)
	}
}

func testTombSetAsMap(t *testing.T, spread func(uint64) uint64) {
	for _, keys := range []uint64{50, 8000, 30000} {
		r := rand.New(rand.NewPCG(1, keys))
		s := newTombSet()
		m := map[uint64]tomb{}
		merges := 0
		for i := range 100000 {
			h := spread(r.Uint64N(keys))
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
			probe := spread(r.Uint64N(keys))
			got, ok := s.get(probe)
			want, wok := m[probe]
			if ok != wok || got != want {
				t.Fatalf("keys %d step %d: get(%#x) = %v %v, want %v %v", keys, i, probe, got, ok, want, wok)
			}
			// len counts a tomb of old shadowed by one in recent as well (set does not look in old).
			if s.len() < len(m) || (s.len() == 0) != (len(m) == 0) {
				t.Fatalf("keys %d step %d: len %d, want %d", keys, i, s.len(), len(m))
			}
		}
		s.merge() // every shadowed tomb dropped: len is exact
		if s.len() != len(m) {
			t.Fatalf("keys %d: len %d after a merge, want %d", keys, s.len(), len(m))
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
		if keys >= 8000 && merges == 0 {
			t.Fatalf("keys %d: no merge happened", keys)
		}
		t.Logf("keys %d: %d tombs, %d in old (%d dead), %d merges", keys, len(m), s.old.n, s.dead, merges)
	}
}

// benchTombs returns a set of 30,000 tombs of random hashes (some 8 GB of the benchmark traffic), the
// hashes, and the generator that drew them.
func benchTombs() (*rand.Rand, *tombSet, []uint64) {
	r := rand.New(rand.NewPCG(1, 2))
	s := newTombSet()
	hs := make([]uint64, 30000)
	for i := range hs {
		hs[i] = r.Uint64()
		s.set(hs[i], tomb{stream: uint32(i)})
	}
	return r, &s, hs
}

// BenchmarkTombSetGet looks up tombs in a set of 30,000 (benchTombs): half of
// the hashes there, half not, as a trace of short connections looks them up.
func BenchmarkTombSetGet(b *testing.B) {
	r, s, hs := benchTombs()
	probes := make([]uint64, 1<<16)
	for i := range probes {
		if i%2 == 0 {
			probes[i] = hs[r.IntN(len(hs))]
		} else {
			probes[i] = r.Uint64()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s.get(probes[i&(1<<16-1)])
	}
}

// BenchmarkTombSetSet adds tombs to a set, forgetting as many (a trace past its first connections).
func BenchmarkTombSetSet(b *testing.B) {
	r, s, hs := benchTombs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := i % len(hs)
		s.del(hs[j])
		hs[j] = r.Uint64()
		s.set(hs[j], tomb{stream: uint32(i)})
	}
}
