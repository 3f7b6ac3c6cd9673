package recycle

import "testing"

// TestGrowReuses: an array put back serves the next slice that grows to its capacity, with its old
// elements cleared; elements already in the slice are kept.
func TestGrowReuses(t *testing.T) {
	var p Pool[*int]
	x := 1
	a := p.Grow(nil, 3)
	if cap(a) != minCap || len(a) != 0 {
		t.Fatalf("Grow(nil, 3): len %d cap %d", len(a), cap(a))
	}
	a = append(a, &x, &x, &x)
	p.Put(a)
	if p.Bytes() != minCap*8 {
		t.Fatalf("holds %d bytes after Put, want %d", p.Bytes(), minCap*8)
	}
	b := p.Grow(nil, 1)
	if &b[:1][0] != &a[:1][0] {
		t.Fatal("Grow made an array while one of the capacity was held")
	}
	if b[:cap(b)][0] != nil {
		t.Fatal("a reused array still refers to what it held")
	}
	if p.Bytes() != 0 {
		t.Fatalf("holds %d bytes after Grow took the array", p.Bytes())
	}
	b = append(b, &x, &x, &x, &x)
	c := p.Grow(b, 1) // full: grows to 8, b's array goes to the pool
	if cap(c) != 2*minCap || len(c) != 4 || c[3] != &x {
		t.Fatalf("Grow of a full slice: len %d cap %d", len(c), cap(c))
	}
	if p.Bytes() != minCap*8 {
		t.Fatalf("the outgrown array was not kept: %d bytes", p.Bytes())
	}
	if d := p.Grow(nil, 100); cap(d) != 128 {
		t.Fatalf("Grow(nil, 100): cap %d, want 128", cap(d))
	}
}

// TestPutBounded: the pool never holds more than Max bytes, nor arrays of capacities it does not hold.
func TestPutBounded(t *testing.T) {
	p := Pool[int64]{Max: 1000}
	for range 100 {
		p.Put(make([]int64, 0, 16)) // 128 bytes each
	}
	if p.Bytes() > 1000 || p.Bytes() != 7*128 {
		t.Fatalf("holds %d bytes with Max 1000, want %d", p.Bytes(), 7*128)
	}
	p.Put(make([]int64, 0, 12)) // not a power of two
	p.Put(make([]int64, 0, 2))  // below minCap
	if p.Bytes() != 7*128 {
		t.Fatalf("kept an array of a capacity it does not hold: %d bytes", p.Bytes())
	}
}

// TestGrowNoAlloc: growing through arrays the pool holds allocates nothing.
func TestGrowNoAlloc(t *testing.T) {
	var p Pool[uint32]
	s := p.Grow(nil, 1)
	for range 1000 {
		s = append(p.Grow(s, 1), 1)
	}
	p.Put(s)
	n := testing.AllocsPerRun(100, func() {
		var s []uint32
		for range 1000 {
			s = append(p.Grow(s, 1), 1)
		}
		p.Put(s)
	})
	if n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}
