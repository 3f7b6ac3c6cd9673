package analysis

import (
	"cmp"
	"slices"
)

// tombSet maps the 64-bit hash of an evicted conversation's endpoints to its tomb. There is one tomb per
// pair of endpoints ever evicted (a port reused replaces it), so the set grows with the trace until its
// endpoints repeat (26,386 pairs on the 4 GB benchmark capture, 33,004 on the 8 GB one, 37,846 on the
// 16 GB one), and its bytes per tomb are what is left of the growth of a long trace's memory.
//
// A Go map of them took 32 to 49 bytes a tomb (its slots are 24 bytes, and it is between 7/16 and 7/8
// full): 1.62 MB for the 33,004 tombs of the 8 GB capture, 0.79 MB more than for the 4 GB one. Here the
// older tombs lie in one array sorted by hash, 24 bytes each and at most an eighth to spare, and only
// the newest, at most tombRecent, in a small map. A tomb is looked up only for a segment whose
// conversation is not live (the first of a connection, or one after its eviction), so the binary search
// costs nothing a packet.
type tombSet struct {
	recent map[uint64]tomb // the newest tombs
	old    []tombEntry     // the older ones, sorted by hash; a forgotten one is marked dead
	dead   int             // dead entries in old
	batch  []tombEntry     // reused to sort recent when it moves to old
}

// tombEntry is a tomb in tombSet.old.
type tombEntry struct {
	h uint64
	t tomb
}

// tombRecent is the most tombs kept in tombSet.recent before they are merged into tombSet.old.
const tombRecent = 512

// deadTomb marks a forgotten entry of tombSet.old (no conversation has that stream number: it is out of a
// uint32's range of frames).
const deadTomb = ^uint32(0)

func newTombSet() tombSet { return tombSet{recent: make(map[uint64]tomb)} }

// len returns the number of tombs.
func (s *tombSet) len() int { return len(s.recent) + len(s.old) - s.dead }

// find returns the index in old of the entry for h, or -1.
func (s *tombSet) find(h uint64) int {
	i, ok := slices.BinarySearchFunc(s.old, h, func(e tombEntry, h uint64) int { return cmp.Compare(e.h, h) })
	if !ok || s.old[i].t.stream == deadTomb {
		return -1
	}
	return i
}

// get returns the tomb for h.
func (s *tombSet) get(h uint64) (tomb, bool) {
	if t, ok := s.recent[h]; ok {
		return t, true
	}
	if i := s.find(h); i >= 0 {
		return s.old[i].t, true
	}
	return tomb{}, false
}

// set makes t the tomb for h, replacing the one there may be (endpoints whose hash another's has).
func (s *tombSet) set(h uint64, t tomb) {
	if i := s.find(h); i >= 0 {
		s.old[i].t = t
		return
	}
	s.recent[h] = t
	if len(s.recent) >= tombRecent {
		s.merge()
	}
}

// del forgets the tomb for h.
func (s *tombSet) del(h uint64) {
	if _, ok := s.recent[h]; ok {
		delete(s.recent, h)
		return
	}
	if i := s.find(h); i >= 0 {
		s.old[i].t.stream = deadTomb
		s.dead++
	}
}

// merge moves the recent tombs into old, drops old's dead entries, and grows old by an eighth when it
// has no room for them: in place, from the back, so that no second array is made but when it grows.
func (s *tombSet) merge() {
	b := s.batch[:0]
	for h, t := range s.recent {
		b = append(b, tombEntry{h, t})
	}
	clear(s.recent)
	slices.SortFunc(b, func(x, y tombEntry) int { return cmp.Compare(x.h, y.h) })
	s.batch = b
	live := 0
	for _, e := range s.old {
		if e.t.stream != deadTomb {
			s.old[live] = e
			live++
		}
	}
	s.dead = 0
	n := live + len(b)
	if n > cap(s.old) {
		grown := make([]tombEntry, live, n+n/8)
		copy(grown, s.old[:live])
		s.old = grown
	}
	s.old = s.old[:n]
	i, j := live-1, len(b)-1
	for k := n - 1; j >= 0; k-- {
		if i >= 0 && s.old[i].h > b[j].h {
			s.old[k] = s.old[i]
			i--
		} else {
			s.old[k] = b[j]
			j--
		}
	}
}
