package ui

import (
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
)

// frameDetails is what the details and hex panes show for one frame: the tree "wirelens show" prints and
// the frame's bytes (and the reassembled IP payload the tree's "reassembled" items point into).
type frameDetails struct {
	Frame       int             `json:"frame"`
	Tree        []*dissect.Node `json:"tree"`
	Bytes       string          `json:"bytes"`
	Reassembled string          `json:"reassembled,omitempty"`
	Stream      int             `json:"stream"` // tcp.stream or -1
	UDP         bool            `json:"udp,omitempty"`
}

// detailer builds the details of single frames. The analysis of a frame depends on the frames before it,
// so a frame is reached by reading the trace through engine from the start; an open reader is kept, so
// that stepping forward through the list reads only the frames in between, and recent results are kept.
type detailer struct {
	tr    *trace
	mu    sync.Mutex
	cur   *engine.Trace
	cache map[int]*frameDetails
	order []int
}

const detailsCached = 32

func newDetailer(tr *trace) *detailer { return &detailer{tr: tr, cache: map[int]*frameDetails{}} }

func (d *detailer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cur != nil {
		d.cur.Close()
		d.cur = nil
	}
}

// get returns the details of frame n (from 1).
func (d *detailer) get(n int) (*frameDetails, error) {
	if n < 1 || n > d.tr.idx.len() {
		return nil, fmt.Errorf("no frame %d", n)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if fd, ok := d.cache[n]; ok {
		return fd, nil
	}
	if d.cur == nil || d.cur.Frames >= n {
		if d.cur != nil {
			d.cur.Close()
		}
		t, err := engine.Open(d.tr.path)
		if err != nil {
			return nil, err
		}
		d.cur = t
	}
	late := d.tr.lateDiags()
	for {
		p, err := d.cur.Next()
		if err != nil {
			d.cur.Close()
			d.cur = nil
			return nil, errors.Join(fmt.Errorf("frame %d not read", n), err)
		}
		if p.Num < n {
			continue
		}
		addLate(late, p)
		fd := &frameDetails{Frame: n, Tree: p.Tree(), Bytes: hex.EncodeToString(p.Data), Stream: -1}
		if r := p.Reassembled(); r != nil {
			fd.Reassembled = hex.EncodeToString(r)
		}
		if r := d.tr.idx.rec(n - 1); r.stream >= 0 {
			fd.Stream, fd.UDP = int(r.stream), r.udp
		}
		if len(d.order) >= detailsCached {
			delete(d.cache, d.order[0])
			d.order = d.order[1:]
		}
		d.cache[n] = fd
		d.order = append(d.order, n)
		return fd, nil
	}
}
