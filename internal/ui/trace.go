package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
)

// trace is one trace open in the workspace: its file, its index being built in the background and what
// the whole-trace passes found (conversations, diagnosis, HTTP operations).
type trace struct {
	id   int
	name string // shown to the user
	path string
	size int64
	temp bool // an uploaded temporary file, removed on close

	idx *index

	mu        sync.Mutex
	done      bool
	err       string
	warn      string
	read      int64 // bytes of records read, for the progress bar
	start     int64 // time of the first frame, ns since the epoch
	indexTime time.Duration
	late      map[uint32][]dissect.Diag
	convs     []analysis.Conversation
	diag      analysis.Diagnosis
	http      []HTTPOperation
	doneCh    chan struct{}

	views   *viewCache
	details *detailer

	cancel context.CancelFunc
}

// openTrace checks that path is a capture and starts indexing it in the background.
func openTrace(id int, name, path string, temp bool) (*trace, error) {
	t, err := engine.Open(path)
	if err != nil {
		return nil, err
	}
	st, _ := os.Stat(path)
	tr := &trace{id: id, name: name, path: path, temp: temp, idx: newIndex(), doneCh: make(chan struct{})}
	if st != nil {
		tr.size = st.Size()
	}
	tr.views = newViewCache(tr)
	tr.details = newDetailer(tr)
	ctx, cancel := context.WithCancel(context.Background())
	tr.cancel = cancel
	go tr.build(ctx, t)
	return tr, nil
}

// close stops the background work and removes an uploaded file.
func (tr *trace) close() {
	tr.cancel()
	<-tr.doneCh
	tr.views.cancelAll()
	if tr.temp {
		os.Remove(tr.path)
	}
}

// build reads the whole trace once: the index, then the conversations, the late diagnostics and the
// diagnosis, as the diagnose command computes them.
func (tr *trace) build(ctx context.Context, t *engine.Trace) {
	defer close(tr.doneCh)
	defer t.Close()
	began := time.Now()
	var src, dst, sum, dg []byte
	facts := analysis.TraceFacts{}
	var read int64 = 24
	var readErr error
	for {
		if t.Frames%4096 == 0 && ctx.Err() != nil {
			readErr = ctx.Err()
			break
		}
		p, err := t.Next()
		if err != nil {
			readErr = err
			break
		}
		facts.Frames++
		if p.IsMalformed() {
			facts.Malformed = append(facts.Malformed, uint32(p.Num))
		}
		src = p.AppendSource(src[:0])
		dst = p.AppendDestination(dst[:0])
		sum = p.AppendSummary(sum[:0])
		dg = dg[:0]
		if d, ok := p.Worst(); ok {
			dg = p.AppendMessage(dg, d)
		}
		if t.Frames == 1 {
			tr.mu.Lock()
			tr.start = p.TimeNS
			tr.mu.Unlock()
		}
		tr.idx.add(p, src, dst, sum, dg)
		read += int64(len(p.Data)) + 16
		if t.Frames%1024 == 0 {
			tr.mu.Lock()
			tr.read = read
			tr.mu.Unlock()
		}
	}
	late := t.Late()
	tr.idx.setLate(late)
	convs := t.Conversations()
	d := analysis.Diagnose(convs, facts)
	ops := httpOperations(t)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.read = tr.size
	tr.late = late
	tr.convs = convs
	tr.diag = d
	tr.http = ops
	tr.done = true
	tr.indexTime = time.Since(began)
	if readErr != nil && readErr != io.EOF {
		tr.err = readErr.Error()
		if errors.Is(readErr, context.Canceled) {
			tr.err = "closed"
		}
	}
	if t.Truncated != nil {
		tr.warn = t.Truncated.Error() + "; the frames before it were read"
	}
}

// status is the indexing state, as the API reports it.
type status struct {
	ID       int     `json:"id"`
	Name     string  `json:"name"`
	Size     int64   `json:"size"`
	Frames   int     `json:"frames"`
	Done     bool    `json:"done"`
	Progress float64 `json:"progress"`
	Error    string  `json:"error,omitempty"`
	Warning  string  `json:"warning,omitempty"`
	Start    int64   `json:"start"`
	IndexMS  int64   `json:"indexMs,omitempty"`
}

func (tr *trace) status() status {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	s := status{ID: tr.id, Name: tr.name, Size: tr.size, Frames: tr.idx.len(), Done: tr.done, Error: tr.err, Warning: tr.warn, Start: tr.start}
	switch {
	case tr.done:
		s.Progress = 1
		s.IndexMS = tr.indexTime.Milliseconds()
	case tr.size > 0:
		s.Progress = min(float64(tr.read)/float64(tr.size), 0.99)
	}
	return s
}

// isDone reports whether the index is complete.
func (tr *trace) isDone() bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.done
}

// lateDiags returns the late diagnostics once the index is complete (nil before).
func (tr *trace) lateDiags() map[uint32][]dissect.Diag {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.late
}

// addLate adds the late diagnostics of p's frame, as "list -2" shows them.
func addLate(late map[uint32][]dissect.Diag, p *dissect.Packet) {
	for _, d := range late[uint32(p.Num)] {
		p.AddDiag(d)
	}
}
