package analysis

// ring is a first-in first-out queue in a circular array that doubles when full: unlike a slice
// consumed from the front and appended to at the back, it makes no garbage while its length stays the
// same (the queue of closing conversations moved to a new array, and dropped the old one, some 530,000
// entries' worth on a trace of 170,000 connections).
type ring[T any] struct {
	buf  []T // len(buf) is 0 or a power of two
	head int // index of the first element
	n    int // number of elements
}

// len returns the number of elements.
func (r *ring[T]) len() int { return r.n }

// push adds x at the back.
func (r *ring[T]) push(x T) {
	if r.n == len(r.buf) {
		nb := make([]T, max(16, 2*len(r.buf)))
		k := copy(nb, r.buf[r.head:])
		copy(nb[k:], r.buf[:r.head])
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = x
	r.n++
}

// front returns the first element; the queue must not be empty.
func (r *ring[T]) front() T { return r.buf[r.head] }

// pop removes the first element (its slot is cleared); the queue must not be empty.
func (r *ring[T]) pop() {
	var zero T
	r.buf[r.head] = zero
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
}
