package analysis

// pool keeps finished structures of one kind for reuse, at most max of them: a trace of many short
// connections would otherwise allocate a conversation, an HTTP stream, an operations view and an
// operation for each. Whoever puts a structure back must hold the last reference to it.
type pool[T any] struct {
	free []*T
	max  int
}

// get returns a structure put back earlier, as it was put back, or nil.
func (p *pool[T]) get() *T {
	n := len(p.free)
	if n == 0 {
		return nil
	}
	x := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	return x
}

// room reports whether put would keep a structure.
func (p *pool[T]) room() bool { return len(p.free) < p.max }

// put keeps x for reuse, unless max are kept already.
func (p *pool[T]) put(x *T) {
	if p.room() {
		p.free = append(p.free, x)
	}
}
