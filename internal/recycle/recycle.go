// Package recycle keeps the arrays of slices that are no longer used, by capacity, for the next slice
// that grows. Per-connection lists (a TCP direction's unacknowledged segments, a reassembly's out-of-order
// segments, an HTTP head being read) would otherwise grow by doubling for every connection and be
// dropped when it ends: on a long trace of many connections that garbage, not the state kept, made the
// heap and the resident memory grow with the trace's length until a collection came.
//
// A Pool is not safe for concurrent use: each analyzer owns its pools.
package recycle

import (
	"math/bits"
	"unsafe"
)

const (
	minCap  = 4  // the smallest capacity kept, and the least that Grow makes
	classes = 16 // capacities minCap<<0 … minCap<<15
)

// DefaultMax is the bytes a Pool holds at most when its Max is 0.
const DefaultMax = 1 << 20

// Pool holds arrays of T by capacity (powers of two from 4 to 131,072 elements), at most Max bytes.
type Pool[T any] struct {
	free  [classes][][]T
	bytes int
	// Max bounds the bytes held (0: DefaultMax).
	Max int
}

// class returns the class of capacity n, or -1 for a capacity the pool does not hold.
func class(n int) int {
	if n < minCap || n&(n-1) != 0 {
		return -1
	}
	k := bits.TrailingZeros(uint(n)) - bits.TrailingZeros(minCap)
	if k >= classes {
		return -1
	}
	return k
}

func sizeOf[T any]() int {
	var x T
	return int(unsafe.Sizeof(x))
}

// Grow returns s with room for n more elements: s itself if it has the room, else s's elements in an
// array of a power-of-two capacity (at least twice s's and minCap) taken from the pool or made, s's
// array going to the pool.
func (p *Pool[T]) Grow(s []T, n int) []T {
	need := len(s) + n
	if need <= cap(s) {
		return s
	}
	c := max(minCap, 2*cap(s))
	if c < need {
		c = 1 << bits.Len(uint(need-1))
	}
	var g []T
	if k := class(c); k >= 0 {
		if f := p.free[k]; len(f) > 0 {
			g = f[len(f)-1]
			f[len(f)-1] = nil
			p.free[k] = f[:len(f)-1]
			p.bytes -= c * sizeOf[T]()
		}
	}
	if g == nil {
		g = make([]T, 0, c)
	}
	g = append(g, s...)
	p.Put(s)
	return g
}

// Put keeps s's array for reuse if its capacity is one the pool holds and the pool has room; its
// elements are cleared (they may refer to memory that must not be kept). The caller must hold the last
// reference to the array.
func (p *Pool[T]) Put(s []T) {
	k := class(cap(s))
	if k < 0 {
		return
	}
	size := cap(s) * sizeOf[T]()
	limit := p.Max
	if limit == 0 {
		limit = DefaultMax
	}
	if p.bytes+size > limit {
		return
	}
	s = s[:cap(s)]
	clear(s)
	p.free[k] = append(p.free[k], s[:0])
	p.bytes += size
}

// Bytes returns the bytes the pool holds.
func (p *Pool[T]) Bytes() int { return p.bytes }
