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

// portTable holds the server port that the handshake of a stream with no HTTP state yet named, as
// httpTable holds the streams: a slot per stream number modulo httpSlots, a map for the others.
type portTable struct {
	slots [httpSlots]struct {
		id   uint32 // 1 + the stream number, 0 for a free slot
		port uint16
	}
	over map[uint32]uint16
}

// set records stream id's server port.
func (t *portTable) set(id uint32, port uint16) {
	slot := &t.slots[id%httpSlots]
	if slot.id == 0 || slot.id == id+1 {
		slot.id, slot.port = id+1, port
		return
	}
	if t.over == nil {
		t.over = map[uint32]uint16{}
	}
	t.over[id] = port
}

// get returns stream id's server port, if one was set.
func (t *portTable) get(id uint32) (uint16, bool) {
	if slot := &t.slots[id%httpSlots]; slot.id == id+1 {
		return slot.port, true
	}
	if len(t.over) > 0 {
		p, ok := t.over[id]
		return p, ok
	}
	return 0, false
}

// del forgets stream id's server port (from the slot and the map: a port set while the slot was taken
// may be in the map while a later one is in the slot).
func (t *portTable) del(id uint32) {
	if slot := &t.slots[id%httpSlots]; slot.id == id+1 {
		slot.id = 0
	}
	if len(t.over) > 0 {
		delete(t.over, id)
	}
}
