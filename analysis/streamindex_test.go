package analysis

import "testing"

// TestStreamIndexDropsEmptiedPages: a full page whose live conversations are down to pageKeepLive moves
// them aside and keeps only where the evicted records are; every stream still finds its conversation,
// evicted, live or brought back; a page not yet full keeps its array.
func TestStreamIndexDropsEmptiedPages(t *testing.T) {
	var x streamIndex
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
			x.setConv(s, nil)
			x.setOff(s, s*3)
		}
	}
	if x.pages[0].conv != nil {
		t.Errorf("page 0: array kept with %d live conversations", x.pages[0].live)
	}
	check := func(when string) {
		t.Helper()
		for s := range uint32(streamPageLen) {
			want := &convs[s]
			if !live(s) {
				want = nil
			}
			if x.conv(s) != want || !live(s) && x.off(s) != s*3 {
				t.Fatalf("%s: stream %d: conv %p (want %p), off %d", when, s, x.conv(s), want, x.off(s))
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
