package analysis

// httpTable finds the HTTP streams in progress by stream number: a slot per stream number modulo
// httpSlots, and a map for a stream whose slot another one holds (stream numbers that far apart are
// rarely live together). A map alone was looked up for nearly every TCP segment of a trace of many
// interleaved connections, on the goroutine that runs HTTP analysis.
type httpTable struct {
	slots [httpSlots]*httpStream
	over  map[uint32]*httpStream
	n     int
}

// httpSlots is the number of slots (64 KiB of pointers).
const httpSlots = 8192

// get returns stream id's state, or nil.
func (t *httpTable) get(id uint32) *httpStream {
	if s := t.slots[id%httpSlots]; s != nil && s.id == id {
		return s
	}
	if len(t.over) > 0 {
		return t.over[id]
	}
	return nil
}

// set records s as stream s.id's state; the stream must have none.
func (t *httpTable) set(s *httpStream) {
	t.n++
	if slot := &t.slots[s.id%httpSlots]; *slot == nil {
		*slot = s
		return
	}
	if t.over == nil {
		t.over = map[uint32]*httpStream{}
	}
	t.over[s.id] = s
}

// del forgets stream id's state.
func (t *httpTable) del(id uint32) {
	if slot := &t.slots[id%httpSlots]; *slot != nil && (*slot).id == id {
		*slot = nil
		t.n--
		return
	}
	if _, ok := t.over[id]; ok {
		delete(t.over, id)
		t.n--
	}
}

// len returns the number of streams held.
func (t *httpTable) len() int { return t.n }

// ids appends the numbers of the streams held to ids, in no order.
func (t *httpTable) ids(ids []uint32) []uint32 {
	for _, s := range t.slots {
		if s != nil {
			ids = append(ids, s.id)
		}
	}
	for id := range t.over {
		ids = append(ids, id)
	}
	return ids
}

// clear forgets every stream.
func (t *httpTable) clear() {
	clear(t.slots[:])
	clear(t.over)
	t.n = 0
}
