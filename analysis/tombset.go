package analysis

import (
	"cmp"
	"math/bits"
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
// after its eviction), and set once per eviction: a search (find) and a merge now and then cost nothing
// a packet, and in paired runs on the small-packet capture (85,528 connections) the commands took the
// same wall time as with the Go map, and 0 to 2.7 % more CPU.
type tombSet struct {
	recent map[uint64]tomb // the newest tombs
	old    tombRun         // the older ones, sorted by hash; a forgotten one is marked dead
	dead   int             // dead entries in old
	guide  []uint64        // the hash of every tombGuide-th entry of old (see find)
	found  *tombEntry      // the entry get found last (del forgets a tomb right after get found it)
	sorted []tombEntry     // recent sorted by hash when it moves to old (sortRecent)
	counts []int32         // sortRecent's buckets
}

// tombRun is a sorted run of tombs in pages of tombPage.
type tombRun struct {
	pages []*[tombPage]tombEntry
	n     int
}

// tombPage is the number of tombs in a page of a tombRun (12 KiB).
const tombPage = 512

// tombGuide is the number of tombs per entry of tombSet.guide (192 bytes of them).
const tombGuide = 8

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

// tombRecent is the most tombs kept in tombSet.recent before they are merged into tombSet.old. A merge
// moves most of old, so fewer merges cost less: with 512, list -f on the small-packet capture was 12 %
// slower than with a Go map of every tomb (a binary search of the whole run too). With 4,096, the map,
// its sorted copy and the buckets take 302 KB (the heap of a tombSet after its first merge, less its run
// and guide).
const tombRecent = 4096

// deadTomb marks a forgotten entry of tombSet.old (no conversation has that stream number: it is out of a
// uint32's range of frames).
const deadTomb = ^uint32(0)

func newTombSet() tombSet { return tombSet{recent: make(map[uint64]tomb)} }

// len returns the number of tombs (a tomb shadowed in old counted as well: len is asked only whether it
// is 0).
func (s *tombSet) len() int { return len(s.recent) + s.old.n - s.dead }

// find returns the entry of old for h, or nil.
//
// guide holds the hash of every tombGuide-th entry of the run (1 byte a tomb, in the caches): a binary
// search of it, started where h's value puts it (the hashes are spread evenly), finds the block of
// tombGuide entries that can hold h, which is then read in two or three cache lines. A binary search of
// the whole run read fifteen entries in as many lines, and list -f took 5 % more time on the small-packet
// capture (175,000 searches for 85,528 connections) than with a Go map of every tomb.
func (s *tombSet) find(h uint64) *tombEntry {
	o := &s.old
	if o.n == 0 {
		return nil
	}
	g := s.guide
	lo, hi := 0, len(g) // the last block whose first hash is not above h is lo-1 once lo == hi
	if len(g) > 16 {
		x, _ := bits.Mul64(h, uint64(len(g)))
		lo, hi = bracket(g, h, int(x))
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g[m] <= h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return nil // below the first hash
	}
	for i, end := (lo-1)*tombGuide, min(lo*tombGuide, o.n); i < end; i++ {
		if e := o.at(i); e.h >= h {
			if e.h == h && e.t.stream != deadTomb {
				return e
			}
			return nil
		}
	}
	return nil
}

// sortRecent returns the recent tombs sorted by hash (the batch a merge moves to old). The hashes are
// spread evenly, so the tombs are put in tombRecent buckets by their top bits, straight from the map, and
// each bucket (one tomb on average) is then sorted: a comparison sort of the batch took most of a merge's
// time (BenchmarkTombSetSet).
func (s *tombSet) sortRecent() []tombEntry {
	const shift = 64 - 12 // 4,096 buckets
	if s.counts == nil {
		s.counts = make([]int32, 1<<12+1)
	}
	c := s.counts
	clear(c)
	for h := range s.recent {
		c[h>>shift+1]++
	}
	for i := 1; i < len(c); i++ {
		c[i] += c[i-1]
	}
	out := slices.Grow(s.sorted[:0], len(s.recent))[:len(s.recent)]
	for h, t := range s.recent {
		k := h >> shift
		out[c[k]] = tombEntry{h, t}
		c[k]++
	}
	s.sorted = out
	start := 0 // c[k] is now the end of bucket k
	for _, end := range c[:len(c)-1] {
		if n := int(end) - start; n > 8 {
			slices.SortFunc(out[start:end], func(x, y tombEntry) int { return cmp.Compare(x.h, y.h) })
		} else {
			for i := start + 1; i < int(end); i++ {
				e := out[i]
				j := i
				for ; j > start && out[j-1].h > e.h; j-- {
					out[j] = out[j-1]
				}
				out[j] = e
			}
		}
		start = int(end)
	}
	return out
}

// bracket returns lo and hi such that the first element of g above h is in [lo, hi], searching out from
// element x (< len(g)) by steps that double.
func bracket(g []uint64, h uint64, x int) (lo, hi int) {
	step := 4
	if g[x] <= h {
		lo, hi = x+1, len(g)
		for j := lo + step; j < len(g); j = lo + step {
			if g[j] > h {
				return lo, j
			}
			lo, step = j+1, step*2
		}
		return lo, hi
	}
	lo, hi = 0, x
	for j := hi - step; j >= 0; j = hi - step {
		if g[j] <= h {
			return j + 1, hi
		}
		hi, step = j, step*2
	}
	return lo, hi
}

// get returns the tomb for h.
func (s *tombSet) get(h uint64) (tomb, bool) {
	if t, ok := s.recent[h]; ok {
		return t, true
	}
	if e := s.find(h); e != nil {
		s.found = e
		return e.t, true
	}
	return tomb{}, false
}

// set makes t the tomb for h. A tomb of old with the same hash (endpoints whose hash another's has) is
// shadowed by the new one in recent, and dropped when recent is merged: set does not search old, which
// cost a search for every eviction.
func (s *tombSet) set(h uint64, t tomb) {
	s.recent[h] = t
	if len(s.recent) >= tombRecent {
		s.merge()
	}
}

// del forgets the tomb for h, and the one of old it may shadow.
func (s *tombSet) del(h uint64) {
	e := s.found
	if _, ok := s.recent[h]; ok {
		delete(s.recent, h)
		e = nil
	} else if e != nil && (e.h != h || e.t.stream == deadTomb) {
		e = nil
	}
	if e == nil {
		e = s.find(h)
	}
	if e != nil {
		e.t.stream = deadTomb
		s.dead++
	}
}

// merge moves the recent tombs into old and drops old's dead entries, in place: the dead are squeezed
// out from the front, then the two sorted runs are merged from the back.
func (s *tombSet) merge() {
	s.found = nil // entries move
	b := s.sortRecent()
	clear(s.recent)
	o := &s.old
	// One pass drops the dead tombs and those the batch shadows, and notes the guide's hashes where the
	// tombs stay; the merge from the back then moves the rest and notes theirs.
	live := 0
	s.guide = s.guide[:0]
	for i, j := 0, 0; i < o.n; i++ {
		e := o.at(i)
		for j < len(b) && b[j].h < e.h {
			j++
		}
		if e.t.stream == deadTomb || j < len(b) && b[j].h == e.h {
			continue
		}
		if live != i {
			*o.at(live) = *e
		}
		if live%tombGuide == 0 {
			s.guide = append(s.guide, e.h)
		}
		live++
	}
	s.dead = 0
	n := live + len(b)
	o.resize(n)
	for len(s.guide) < (n+tombGuide-1)/tombGuide {
		s.guide = append(s.guide, 0)
	}
	i, j := live-1, len(b)-1
	for k := n - 1; j >= 0; k-- {
		if i >= 0 && o.at(i).h > b[j].h {
			*o.at(k) = *o.at(i)
			i--
		} else {
			*o.at(k) = b[j]
			j--
		}
		if k%tombGuide == 0 {
			s.guide[k/tombGuide] = o.at(k).h
		}
	}
}
