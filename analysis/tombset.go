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
// older tombs lie in one sorted run, 24 bytes each, and only the newest, at most tombRecent, in a small
// map. The run is kept in pages that never move, so that it grows without leaving arrays behind: the
// streaming commands allocate so little that a collection comes seldom, and garbage stays resident
// until one does (an array grown by an eighth at a time left 2.19 MB of them on the 2 GB capture). A tomb
// is looked up only for a segment whose conversation is not live (the first of a connection, or one
// after its eviction), so the binary search costs nothing a packet.
type tombSet struct {
	recent map[uint64]tomb // the newest tombs
	old    tombRun         // the older ones, sorted by hash; a forgotten one is marked dead
	dead   int             // dead entries in old
	batch  []tombEntry     // reused to sort recent when it moves to old
}

// tombRun is a sorted run of tombs in pages of tombPage.
type tombRun struct {
	pages []*[tombPage]tombEntry
	n     int
}

// tombPage is the number of tombs in a page of a tombRun (12 KiB).
const tombPage = 512

// at returns entry i of the run.
func (r *tombRun) at(i int) *tombEntry { return &r.pages[i/tombPage][i%tombPage] }

// resize makes the run n entries long, adding pages as needed (it never shrinks them).
func (r *tombRun) resize(n int) {
	for len(r.pages)*tombPage < n {
		r.pages = append(r.pages, new([tombPage]tombEntry))
	}
	r.n = n
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
func (s *tombSet) len() int { return len(s.recent) + s.old.n - s.dead }

// find returns the entry of old for h, or nil.
func (s *tombSet) find(h uint64) *tombEntry {
	i, j := 0, s.old.n // the first entry whose hash is not below h
	for i < j {
		m := int(uint(i+j) >> 1)
		if s.old.at(m).h < h {
			i = m + 1
		} else {
			j = m
		}
	}
	if i == s.old.n {
		return nil
	}
	if e := s.old.at(i); e.h == h && e.t.stream != deadTomb {
		return e
	}
	return nil
}

// get returns the tomb for h.
func (s *tombSet) get(h uint64) (tomb, bool) {
	if t, ok := s.recent[h]; ok {
		return t, true
	}
	if e := s.find(h); e != nil {
		return e.t, true
	}
	return tomb{}, false
}

// set makes t the tomb for h, replacing the one there may be (endpoints whose hash another's has).
func (s *tombSet) set(h uint64, t tomb) {
	if e := s.find(h); e != nil {
		e.t = t
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
	if e := s.find(h); e != nil {
		e.t.stream = deadTomb
		s.dead++
	}
}

// merge moves the recent tombs into old and drops old's dead entries, in place: the dead are squeezed
// out from the front, then the two sorted runs are merged from the back.
func (s *tombSet) merge() {
	b := s.batch[:0]
	for h, t := range s.recent {
		b = append(b, tombEntry{h, t})
	}
	clear(s.recent)
	slices.SortFunc(b, func(x, y tombEntry) int { return cmp.Compare(x.h, y.h) })
	s.batch = b
	o := &s.old
	live := 0
	for i := range o.n {
		if e := o.at(i); e.t.stream != deadTomb {
			*o.at(live) = *e
			live++
		}
	}
	s.dead = 0
	n := live + len(b)
	o.resize(n)
	i, j := live-1, len(b)-1
	for k := n - 1; j >= 0; k-- {
		if i >= 0 && o.at(i).h > b[j].h {
			*o.at(k) = *o.at(i)
			i--
		} else {
			*o.at(k) = b[j]
			j--
		}
	}
}
