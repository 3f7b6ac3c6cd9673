package ui

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strconv"
	"sync"

	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/filter"
)

// A view is the list of frames the message list shows: the frames a display filter selects (found by a
// pass over the trace through engine and filter.Program.Match, exactly as "wirelens list -f" does),
// optionally restricted to a time window (from the timeline's brush), optionally sorted. The frames are
// held as 4-byte numbers; the unfiltered view holds nothing and reads the index.

// viewKey identifies a view.
type viewKey struct {
	filter   string
	from, to int64 // relative ns; to == 0: no window
}

// view is one list of frames, filled in the background.
type view struct {
	key    viewKey
	all    bool // every frame of the index (no filter, no window): frames is unused
	mu     sync.Mutex
	frames []uint32
	done   bool
	seen   int // frames examined, for progress
	err    string
	cancel context.CancelFunc
	sorted map[string][]uint32
}

// viewCache keeps the last few views of a trace; only one filter pass runs at a time.
type viewCache struct {
	tr    *trace
	mu    sync.Mutex
	views []*view
}

const maxViews = 6

func newViewCache(tr *trace) *viewCache { return &viewCache{tr: tr} }

// get returns the view for a key, starting its pass if it is new. prog is the compiled filter (nil for
// none).
func (c *viewCache) get(k viewKey, prog *filter.Program) *view {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, v := range c.views {
		if v.key == k && v.stale() {
			c.views = append(c.views[:i:i], c.views[i+1:]...)
			break
		}
		if v.key == k {
			// Most recently used last.
			c.views = append(append(c.views[:i:i], c.views[i+1:]...), v)
			return v
		}
	}
	v := &view{key: k}
	if k.filter == "" && k.to == 0 {
		v.all = true
	} else {
		// A newer filter supersedes the passes still running.
		for _, o := range c.views {
			o.stop()
		}
		ctx, cancel := context.WithCancel(context.Background())
		v.cancel = cancel
		if prog == nil {
			go v.window(ctx, c.tr)
		} else {
			go v.pass(ctx, c.tr, prog)
		}
	}
	if len(c.views) >= maxViews {
		c.views[0].stop()
		c.views = c.views[1:]
	}
	c.views = append(c.views, v)
	return v
}

func (c *viewCache) cancelAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range c.views {
		v.stop()
	}
}

// stop cancels a running pass; a stopped view that was not done is dropped by its next get.
func (v *view) stop() {
	if v.cancel != nil {
		v.cancel()
	}
}

// stale reports whether the view's pass was cancelled before it ended.
func (v *view) stale() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err == "cancelled"
}

func (v *view) inWindow(rel int64) bool {
	return v.key.to == 0 || rel >= v.key.from && rel <= v.key.to
}

// window fills a view that has a time window and no filter from the index alone.
func (v *view) window(ctx context.Context, tr *trace) {
	<-tr.doneCh
	var fs []uint32
	tr.idx.recs(func(i int, r *rec) {
		if v.inWindow(r.rel) {
			fs = append(fs, uint32(i+1))
		}
	})
	v.mu.Lock()
	v.frames, v.done, v.seen = fs, true, tr.idx.len()
	v.mu.Unlock()
}

// pass reads the trace through engine and keeps the frames the filter selects, publishing them as it
// goes so that the first rows show before the pass ends.
func (v *view) pass(ctx context.Context, tr *trace, prog *filter.Program) {
	defer func() {
		v.mu.Lock()
		v.done = true
		v.mu.Unlock()
	}()
	t, err := engine.Open(tr.path)
	if err != nil {
		v.mu.Lock()
		v.err = err.Error()
		v.mu.Unlock()
		return
	}
	defer t.Close()
	late := tr.lateDiags()
	var batch []uint32
	n := 0
	flush := func() {
		v.mu.Lock()
		v.frames = append(v.frames, batch...)
		v.seen = n
		v.mu.Unlock()
		batch = batch[:0]
	}
	for {
		if n%2048 == 0 {
			if ctx.Err() != nil {
				v.mu.Lock()
				v.err = "cancelled"
				v.mu.Unlock()
				return
			}
			flush()
		}
		p, err := t.Next()
		if err != nil {
			break
		}
		n++
		if late == nil && n%2048 == 0 {
			late = tr.lateDiags()
		}
		addLate(late, p)
		if v.inWindow(p.RelNS) && prog.Match(p) {
			batch = append(batch, uint32(p.Num))
		}
	}
	flush()
}

// snapshot returns the frames found so far (the caller must not change them), whether the view is
// complete, and how many frames the pass has examined.
func (v *view) snapshot(tr *trace) (frames []uint32, total int, done bool, seen int, err string) {
	if v.all {
		n := tr.idx.len()
		return nil, n, tr.isDone(), n, ""
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.frames, len(v.frames), v.done, v.seen, v.err
}

// sortKeys are the columns the list can be sorted by.
var sortKeys = map[string]bool{"number": true, "time": true, "length": true, "protocol": true, "severity": true, "stream": true,
	"source": true, "destination": true, "summary": true}

// sortByText sorts frames by a text column: addresses compare by their bytes (as Wireshark sorts them),
// other text as text, ties in frame order. The row text is read from the compressed blocks once.
func sortByText(x *index, frames []uint32, col string, desc bool) {
	type pair struct {
		f uint32
		k sortKey
	}
	ps := make([]pair, len(frames))
	for i, f := range frames {
		t := x.text(int(f) - 1)
		k := sortKey{s: t.summary}
		if col != "summary" {
			k.s = t.src
			if col == "destination" {
				k.s = t.dst
			}
			if a, err := netip.ParseAddr(k.s); err == nil {
				k.addr, k.isAddr = a, true
			}
		}
		ps[i] = pair{f, k}
	}
	slices.SortStableFunc(ps, func(a, b pair) int {
		c := a.k.compare(b.k)
		if c == 0 {
			c = cmp.Compare(a.f, b.f)
		}
		if desc {
			c = -c
		}
		return c
	})
	for i := range ps {
		frames[i] = ps[i].f
	}
}

type sortKey struct {
	s      string
	addr   netip.Addr
	isAddr bool
}

func (a sortKey) compare(b sortKey) int {
	switch {
	case a.isAddr && b.isAddr:
		return a.addr.Compare(b.addr)
	case a.isAddr != b.isAddr:
		if a.isAddr {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.s, b.s)
}

// order returns the view's frames sorted by a column (descending when desc), computing it once the view
// is complete. It returns nil when the view is not complete yet.
func (v *view) order(tr *trace, col string, desc bool) []uint32 {
	frames, total, done, _, _ := v.snapshot(tr)
	if !done {
		return nil
	}
	key := col + strconv.FormatBool(desc)
	v.mu.Lock()
	s, ok := v.sorted[key]
	v.mu.Unlock()
	if ok {
		return s
	}
	s = make([]uint32, total)
	if v.all {
		for i := range s {
			s[i] = uint32(i + 1)
		}
	} else {
		copy(s, frames)
	}
	x := tr.idx
	if col == "source" || col == "destination" || col == "summary" {
		sortByText(x, s, col, desc) // text takes the index lock itself
		v.keepSorted(key, s)
		return s
	}
	names := map[uint16]string{}
	x.mu.RLock()
	for id, n := range x.protos {
		names[uint16(id)] = n
	}
	recOf := func(f uint32) *rec { i := int(f) - 1; return &x.chunks[i/chunkRows][i%chunkRows] }
	slices.SortStableFunc(s, func(a, b uint32) int {
		ra, rb := recOf(a), recOf(b)
		var c int
		switch col {
		case "time":
			c = cmp.Compare(ra.rel, rb.rel)
		case "length":
			c = cmp.Compare(ra.length, rb.length)
		case "protocol":
			c = cmp.Compare(names[ra.proto], names[rb.proto])
		case "severity":
			c = cmp.Compare(ra.sev, rb.sev)
		case "stream":
			c = cmp.Compare(ra.stream, rb.stream)
		}
		if c == 0 {
			c = cmp.Compare(a, b)
		}
		if desc {
			c = -c
		}
		return c
	})
	x.mu.RUnlock()
	v.keepSorted(key, s)
	return s
}

// keepSorted remembers one sorted copy of the view: memory stays bounded.
func (v *view) keepSorted(key string, s []uint32) {
	v.mu.Lock()
	if v.sorted == nil {
		v.sorted = map[string][]uint32{}
	}
	for k := range v.sorted {
		delete(v.sorted, k)
	}
	v.sorted[key] = s
	v.mu.Unlock()
}
