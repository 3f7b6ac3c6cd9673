package analysis

// slotTable maps stream numbers to values: a slot per stream number modulo httpSlots, and a map for a
// stream whose slot another holds (stream numbers that far apart are rarely in progress together). HTTP
// analysis keeps the streams in progress and the server ports their handshakes named in two of them: a
// map alone was looked up for nearly every TCP segment of a trace of many interleaved connections, on the
// goroutine that runs HTTP analysis. A stream number is in one place at a time, slot or map.
type slotTable[V any] struct {
	slots [httpSlots]struct {
		id uint32 // 1 + the stream number, 0 for a free slot
		v  V
	}
	over map[uint32]V
	n    int
}

// httpSlots is the number of slots.
const httpSlots = 8192

// get returns stream id's value, if it has one.
func (t *slotTable[V]) get(id uint32) (V, bool) {
	if slot := &t.slots[id%httpSlots]; slot.id == id+1 {
		return slot.v, true
	}
	if len(t.over) > 0 {
		v, ok := t.over[id]
		return v, ok
	}
	var zero V
	return zero, false
}

// set gives stream id the value v, replacing any it had.
func (t *slotTable[V]) set(id uint32, v V) {
	slot := &t.slots[id%httpSlots]
	if slot.id == id+1 {
		slot.v = v
		return
	}
	if _, ok := t.over[id]; ok {
		t.over[id] = v
		return
	}
	t.n++
	if slot.id == 0 {
		slot.id, slot.v = id+1, v
		return
	}
	if t.over == nil {
		t.over = map[uint32]V{}
	}
	t.over[id] = v
}

// del forgets stream id's value.
func (t *slotTable[V]) del(id uint32) {
	if slot := &t.slots[id%httpSlots]; slot.id == id+1 {
		var zero V
		slot.id, slot.v = 0, zero
		t.n--
		return
	}
	if _, ok := t.over[id]; ok {
		delete(t.over, id)
		t.n--
	}
}

// len returns the number of streams with a value.
func (t *slotTable[V]) len() int { return t.n }

// ids appends the numbers of the streams with a value to ids, in no order.
func (t *slotTable[V]) ids(ids []uint32) []uint32 {
	for i := range t.slots {
		if id := t.slots[i].id; id != 0 {
			ids = append(ids, id-1)
		}
	}
	for id := range t.over {
		ids = append(ids, id)
	}
	return ids
}

// clear forgets every stream.
func (t *slotTable[V]) clear() {
	clear(t.slots[:])
	clear(t.over)
	t.n = 0
}
