package engine

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestStreamOrder numbers streams in random lanes, as renumber does, and maps every lane's stream
// numbers back in every order the lanes ask in: in a run, in order with steps, and at random.
func TestStreamOrder(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 511, 512, 513, 5000} {
		for _, bias := range []float64{0, 0.02, 0.5, 0.98, 1} {
			r := rand.New(rand.NewPCG(uint64(n), uint64(bias*100)))
			var o streamOrder
			var want [laneCount][]uint32
			for i := range n {
				k := 0
				if r.Float64() < bias {
					k = 1
				}
				if g := o.add(k); g != uint32(i) {
					t.Fatalf("n %d: add returned %d for stream %d", n, g, i)
				}
				want[k] = append(want[k], uint32(i))
			}
			for k := range laneCount {
				w := want[k]
				for j := range w { // in order
					if g := o.global(k, uint32(j)); g != w[j] {
						t.Fatalf("n %d bias %v lane %d: global(%d) = %d in order, want %d", n, bias, k, j, g, w[j])
					}
				}
				for j := 0; j < len(w); j += 1 + r.IntN(700) { // in order with steps, some past orderBlock
					if g := o.global(k, uint32(j)); g != w[j] {
						t.Fatalf("n %d bias %v lane %d: global(%d) = %d stepping, want %d", n, bias, k, j, g, w[j])
					}
				}
				for j := len(w) - 1; j >= 0; j -= 1 + r.IntN(300) { // back, with steps
					if g := o.global(k, uint32(j)); g != w[j] {
						t.Fatalf("n %d bias %v lane %d: global(%d) = %d going back, want %d", n, bias, k, j, g, w[j])
					}
				}
				for range 2 * len(w) { // at random, each asked twice in a row
					j := r.IntN(len(w))
					for range 2 {
						if g := o.global(k, uint32(j)); g != w[j] {
							t.Fatalf("n %d bias %v lane %d: global(%d) = %d at random, want %d", n, bias, k, j, g, w[j])
						}
					}
				}
			}
		}
	}
}

// TestNthBit compares nthBit with clearing the lowest bits one at a time.
func TestNthBit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		w := r.Uint64() & r.Uint64()
		if r.IntN(4) == 0 {
			w = r.Uint64() | r.Uint64()
		}
		x := w
		for i := uint32(0); x != 0; i++ {
			if got, want := nthBit(w, i), uint32(bits.TrailingZeros64(x)); got != want {
				t.Fatalf("nthBit(%#x, %d) = %d, want %d", w, i, got, want)
			}
			x &= x - 1
		}
	}
}

// TestRecentOrder numbers streams in random trackers, as split tracking does, and after each new
// stream maps back streams of each tracker that are in the ring, just past it and long before it,
// against a slice of every stream's number.
func TestRecentOrder(t *testing.T) {
	for _, size := range []int{1, 8, 64} {
		r := rand.New(rand.NewPCG(uint64(size), 7))
		o := newRecentOrder(size)
		var want [laneCount][]uint32
		for i := range 3000 {
			k := r.IntN(laneCount)
			if g := o.add(k); g != uint32(i) {
				t.Fatalf("size %d: add returned %d for stream %d", size, g, i)
			}
			want[k] = append(want[k], uint32(i))
			for k := range laneCount {
				w := want[k]
				if len(w) == 0 {
					continue
				}
				for _, back := range []int{1, size, size + 1, 1 + r.IntN(len(w))} {
					j := len(w) - min(back, len(w))
					if g := o.global(k, uint32(j)); g != w[j] {
						t.Fatalf("size %d tracker %d after %d streams: global(%d) = %d, want %d", size, k, i+1, j, g, w[j])
					}
				}
			}
		}
	}
}
