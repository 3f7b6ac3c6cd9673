package analysis

import "testing"

// TestRing: elements come out in the order they went in, across the wrap of the array and its growth,
// and a queue whose length stays bounded stops allocating.
func TestRing(t *testing.T) {
	var r ring[int]
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 * 5 { // the queue grows and shrinks, wrapping around
			r.push(next)
			next++
		}
		for range round % 5 * 6 {
			if r.len() == 0 {
				break
			}
			if got := r.front(); got != want {
				t.Fatalf("front %d, want %d", got, want)
			}
			r.pop()
			want++
		}
	}
	for r.len() > 0 {
		if got := r.front(); got != want {
			t.Fatalf("front %d, want %d", got, want)
		}
		r.pop()
		want++
	}
	if want != next {
		t.Fatalf("%d elements out, %d in", want, next)
	}
	for range 100 {
		r.push(1)
	}
	if n := testing.AllocsPerRun(100, func() { r.push(2); r.pop() }); n != 0 {
		t.Errorf("%v allocations for a push and a pop at a steady length", n)
	}
}
