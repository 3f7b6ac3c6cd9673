package analysis

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestStreamIndexDropsEmptiedPages: a full page whose live conversations are down to pageKeepLive moves
// them aside and keeps only where the evicted records are; every stream still finds its conversation,
// evicted, live or brought back; a page not yet full keeps its array.
func TestStreamIndexDropsEmptiedPages(t *testing.T) {
	var x streamIndex
	defer x.close()
	convs := make([]tcpConv, streamPageLen+10)
	for i := range convs {
		convs[i].stream = uint32(i)
		x.add(&convs[i])
	}
	live := func(s uint32) bool { return s%512 == 3 } // 8 of page 0 never close
	for s := range uint32(streamPageLen) {
		if x.conv(s) != &convs[s] {
			t.Fatalf("stream %d: wrong conversation before eviction", s)
		}
		if !live(s) {
			x.setRec(s, lateRec{off: s * 3})
			x.setConv(s, nil)
		}
	}
	if x.pages[0].conv != nil {
		t.Errorf("page 0: array kept with %d live conversations", x.pages[0].live)
	}
	var pc pageCache
	check := func(when string) {
		t.Helper()
		for s := range uint32(streamPageLen) {
			want := &convs[s]
			if !live(s) {
				want = nil
			}
			if x.conv(s) != want || !live(s) && x.off(s, &pc) != s*3 {
				t.Fatalf("%s: stream %d: conv %p (want %p), off %d", when, s, x.conv(s), want, x.off(s, &pc))
			}
		}
	}
	check("after eviction")
	for s := uint32(streamPageLen); s < uint32(len(convs)); s++ {
		x.setConv(s, nil)
	}
	if x.pages[1].conv == nil {
		t.Error("page 1: array dropped before the page was full")
	}
	x.setConv(7, &convs[7]) // brought back
	if x.conv(7) != &convs[7] || x.conv(8) != nil || x.pages[0].live != 9 {
		t.Errorf("stream 7 brought back: conv %p, stream 8 %p, live %d", x.conv(7), x.conv(8), x.pages[0].live)
	}
	x.setConv(7, nil)
	check("after stream 7 was evicted again")
	for s := range uint32(streamPageLen) {
		if live(s) {
			x.setConv(s, nil)
		}
	}
	if x.pages[0].live != 0 || len(x.rest) != 0 {
		t.Errorf("all evicted: page 0 live %d, %d set aside", x.pages[0].live, len(x.rest))
	}
}

// TestStreamIndexReusesDroppedArray: the array a page drops is the next page's, cleared, and the streams
// of both pages still find their conversations.
func TestStreamIndexReusesDroppedArray(t *testing.T) {
	var x streamIndex
	defer x.close()
	convs := make([]tcpConv, 2*streamPageLen+5)
	for i := range convs[:streamPageLen+1] {
		convs[i].stream = uint32(i)
		x.add(&convs[i])
	}
	dropped := x.pages[0].conv
	for s := range uint32(streamPageLen) {
		x.setConv(s, nil)
	}
	if x.pages[0].conv != nil || x.spare != dropped {
		t.Fatalf("page 0's array not set aside: page %p, spare %p", x.pages[0].conv, x.spare)
	}
	for i := streamPageLen + 1; i < len(convs); i++ {
		convs[i].stream = uint32(i)
		x.add(&convs[i])
	}
	if x.pages[2].conv != dropped || x.spare != nil {
		t.Fatalf("page 2 did not take page 0's array")
	}
	for i, c := range dropped[5:] {
		if c != nil {
			t.Fatalf("page 2's entry %d holds a pointer left from page 0", 5+i)
		}
	}
	for s := range uint32(len(convs)) {
		want := &convs[s]
		if s < streamPageLen {
			want = nil
		}
		if x.conv(s) != want {
			t.Fatalf("stream %d: conv %p, want %p", s, x.conv(s), want)
		}
	}
}

// TestStreamIndexWritesOutEvictedPages: a full page that dropped its array goes to the file and
// its recs to the next page, cleared; its offsets and quiet bits read back right, through a cache, also
// after a stream of it was brought back, evicted again with a new offset and the page written again.
func TestStreamIndexWritesOutEvictedPages(t *testing.T) {
	var x streamIndex
	defer x.close()
	convs := make([]tcpConv, 3*streamPageLen+1)
	add := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			convs[i].stream = uint32(i)
			x.add(&convs[i])
		}
	}
	evict := func(s uint32, off uint32) {
		x.setRec(s, lateRec{off: off, quiet: s%3 == 0})
		x.setConv(s, nil)
	}
	add(0, 2*streamPageLen+1)
	for s := range uint32(2 * streamPageLen) {
		evict(s, s*5)
	}
	for pi := range 2 {
		if p := x.pages[pi]; p.recs != nil || p.slot != int32(pi+1) {
			t.Fatalf("page %d: not written out (recs %p, slot %d)", pi, p.recs, p.slot)
		}
	}
	if x.pages[2].recs == nil {
		t.Fatal("page 2, not full, written out")
	}
	spare := x.spareRecs
	add(2*streamPageLen+1, len(convs))
	if x.pages[3].recs != spare || *spare != (pageRecs{}) {
		t.Fatal("page 3 did not take the recs page 1 let go, cleared")
	}
	var pc pageCache
	check := func(when string, off func(s uint32) uint32) {
		t.Helper()
		for s := range uint32(2 * streamPageLen) {
			if got, q := x.off(s, &pc), x.quiet(s, &pc); got != off(s) || q != (s%3 == 0) {
				t.Fatalf("%s: stream %d: off %d quiet %v, want %d %v", when, s, got, q, off(s), s%3 == 0)
			}
		}
	}
	check("written out", func(s uint32) uint32 { return s * 5 })
	// Streams of page 1 brought back and evicted again: they wait in late, then go into the page.
	back := func(s uint32) bool { return s >= streamPageLen+7 && s < streamPageLen+7+lateFold }
	for s := uint32(streamPageLen + 7); back(s); s++ {
		x.setConv(s, &convs[s])
	}
	for s := uint32(streamPageLen + 7); back(s); s++ {
		if x.conv(s) != &convs[s] || x.off(s+lateFold, &pc) != (s+lateFold)*5 { // pc holds page 1
			t.Fatalf("stream %d brought back: wrong conversation, or a neighbour's offset", s)
		}
		evict(s, s)
		if x.pages[1].recs != nil || x.pages[1].slot != 2 {
			t.Fatalf("page 1 back in memory or in another slot (%d)", x.pages[1].slot)
		}
		if got := x.off(s, &pc); got != s {
			t.Fatalf("stream %d evicted again: off %d, want %d", s, got, s)
		}
		if s < streamPageLen+7+lateFold-1 && len(x.late) != int(s-streamPageLen-6) {
			t.Fatalf("stream %d: %d waiting in late", s, len(x.late))
		}
	}
	if len(x.late) != 0 || x.pages[1].late != 0 {
		t.Fatalf("%d still waiting in late after %d (page 1 counts %d)", len(x.late), lateFold, x.pages[1].late)
	}
	check("written again", func(s uint32) uint32 { // pc held page 1 as it was before
		if back(s) {
			return s
		}
		return s * 5
	})
}

// TestStreamIndexKeepsPagesWhenFileFails: with a file that cannot be written, pages stay in memory and
// every stream still finds its offset.
func TestStreamIndexKeepsPagesWhenFileFails(t *testing.T) {
	var x streamIndex
	x.file.failed = true
	convs := make([]tcpConv, streamPageLen+1)
	for i := range convs {
		convs[i].stream = uint32(i)
		x.add(&convs[i])
	}
	for s := range uint32(streamPageLen) {
		x.setRec(s, lateRec{off: s + 9})
		x.setConv(s, nil)
	}
	if x.pages[0].conv != nil || x.pages[0].recs == nil || x.file.f != nil {
		t.Fatalf("page 0: array %p, recs %p, file %v", x.pages[0].conv, x.pages[0].recs, x.file.f)
	}
	var pc pageCache
	for s := range uint32(streamPageLen) {
		if got := x.off(s, &pc); got != s+9 {
			t.Fatalf("stream %d: off %d, want %d", s, got, s+9)
		}
	}
}

// TestHistCache: the same history gives the same string, a nil cache or a full one still gives the
// right one.
func TestHistCache(t *testing.T) {
	var hc histCache
	a := hc.str([]byte("ShADadFf"))
	b := hc.str([]byte("ShADadFf"))
	if a != "ShADadFf" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatalf("str: %q and %q, not one string", a, b)
	}
	for i := range 2 * maxHistories {
		h := fmt.Sprintf("S%dF", i)
		if got := hc.str([]byte(h)); got != h {
			t.Fatalf("str(%q) = %q", h, got)
		}
	}
	if len(hc.m) != maxHistories {
		t.Fatalf("%d histories kept, want %d", len(hc.m), maxHistories)
	}
	var none *histCache
	if got := none.str([]byte("Sr")); got != "Sr" {
		t.Fatalf("nil cache: %q", got)
	}
}
