package engine

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
)

// Reading, decoding and, when HTTP is analyzed, TCP and UDP tracking run in a goroutine of their own
// (produce), ahead of the rest of the analysis and of the command that calls Trace.Next, so that a trace
// is processed on two cores. Decoded packets travel in batches (one channel operation per batch, not per
// packet) and come out in capture order: the channel has one sender and one receiver, and the analyzers
// still see every frame in order.
//
// The producer reads the file itself (capture.Reader.ReadInline): the pipeline is two goroutines for two
// cores. With a third goroutine, for reading ahead or for tracking, whichever of the three a busy one
// woke waited in that one's processor's next slot until it blocked, while the other processor stood
// idle: the runtime takes a goroutine from there only after a pause of some 65 µs (its usleep(3) before it
// steals a running processor's next goroutine, stretched by the kernel's timer slack). Execution traces of
// list -f on the small-packet benchmark capture showed a processor idle for 19 % of the run, mostly with
// a goroutine runnable; with two, list -f took 0.875–0.93 of the wall time (BENCHMARKS.md). A capture of
// large frames goes back to a reading goroutine after its first frames (inlineMaxFrame).
//
// A batch owns its packets and the frames' bytes: it holds the blocks of the file read ahead that they lie
// in (capture.Block), or, for frames elsewhere (the reader's own buffer is valid only until its next
// call), a copy. Memory-mapping the file instead was tried: it saved the copy but not time (page faults and cache
// misses moved to the decoder) and raised the resident size. Batches are recycled: nothing is allocated per
// packet once the pipeline runs.

const (
	batchFrames = 128       // packets per batch
	batchBytes  = 128 << 10 // initial size of a batch's copy of the frame bytes
	maxInFlight = 8         // batches allocated per trace at most (decoded ahead, being analyzed)
)

// batch is a run of consecutive decoded frames.
type batch struct {
	pkts [batchFrames]dissect.Packet
	// tcp is each packet's first TCP header, read for the tracker (analysis.TCPStreams.Prepare).
	tcp   [batchFrames]analysis.TCPSeg
	reasm [batchFrames][]byte // each packet's copy of its reassembled IP payload, reused
	// events holds each packet's copy of its frame's ETW metadata (the reader reuses its own).
	events [batchFrames]capture.EventInfo
	split  splitBatch // split tracking's notes (split.go)
	n      int
	frameStore
	err error // the reader's error after the n frames (io.EOF at the end), or nil
}

// frameStore keeps the bytes of a run of frames valid while they are in flight (a batch, or a chunk of the
// lanes): it holds the blocks of the file read ahead that they lie in, or a copy.
type frameStore struct {
	arena []byte // the frames' bytes, when the reader reuses its buffer
	// blocks are the blocks of the file read ahead that the frames' bytes lie in, held until the frames
	// are done with (at most maxBatchBlocks; frames elsewhere are copied into arena).
	blocks []*capture.Block
}

// maxBatchBlocks bounds the read-ahead blocks one batch holds, so that the blocks held at once stay
// below what the reader may make (capture's aheadMax): a batch being filled, the reader's block and the
// batches in flight never hold them all, and reading goes on.
const maxBatchBlocks = 2

// release lets go of the blocks held (the frames are done with).
func (b *frameStore) release() {
	for i, bl := range b.blocks {
		bl.Release()
		b.blocks[i] = nil
	}
	b.blocks = b.blocks[:0]
}

// hold keeps fr's bytes where they are, in the block of the file read ahead they lie in. It returns
// false when they are not in such a block (they must be copied) or as many blocks are held as may be (fr
// goes into the next batch; ok is then false too, full true).
func (b *frameStore) hold(fr *capture.Frame) (ok, full bool) {
	bl := fr.Block
	if bl == nil || !bl.Contains(fr.Data) || !bl.Contains(fr.Comment) {
		return false, false
	}
	if n := len(b.blocks); n > 0 && b.blocks[n-1] == bl {
		return true, false
	}
	if len(b.blocks) == maxBatchBlocks {
		return false, true
	}
	bl.Hold()
	b.blocks = append(b.blocks, bl)
	return true, false
}

// batches keeps the batches of closed traces for the next trace (a command or a test may open many small
// traces; a batch is some 300 KB).
var batches = sync.Pool{New: func() any { return new(batch) }}

type pipeline struct {
	free chan *batch // batches the consumer is done with
	full chan *batch // decoded (and tracked) batches, in capture order
	stop chan struct{}
	done chan struct{} // closed when the producer has returned
	// ahead: the file is read ahead in a goroutine of its own; the caller then blocks without spinning
	// (spinner).
	ahead atomic.Bool
}

// startPipeline starts the producer. It is called by the first Next, so that Reader can be used before.
func (t *Trace) startPipeline() {
	pl := &pipeline{
		free: make(chan *batch, maxInFlight),
		full: make(chan *batch, maxInFlight),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	t.pl = pl
	t.spin = newSpinner()
	if t.canSplit() {
		t.startSplit()
	}
	if !t.file.Reader.ReadInline() { // no goroutine of its own (see above); a compressed file keeps it
		pl.ahead.Store(true)
	}
	go t.produce(pl)
}

// inlineMaxFrame is the mean frame size (caplen) above which the producer has the file read ahead in a
// goroutine of its own after all, once it has seen the first inlineSample frames. The copy from the page
// cache grows with the bytes, the rest of the producer's work with the frames: on the 1 GB benchmark
// capture (frames of 1,065 bytes on average) the producer, reading inline, became the slower of the two
// goroutines, and list -f took 1.09 of the wall time of the three-stage pipeline before it; with the
// reading goroutine, 0.889 of the time it took reading inline (paired runs; BENCHMARKS.md). On the
// small-packet capture (86 bytes) reading inline is the faster.
const (
	inlineMaxFrame = 512
	inlineSample   = 1024
)

// stopPipeline stops the producer and waits for it, so that the file can be closed under it.
func (t *Trace) stopPipeline() {
	if t.pl == nil {
		return
	}
	close(t.pl.stop)
	<-t.pl.done
	// The producer has returned: every batch is in one of the channels or is t.cur.
	for {
		select {
		case b := <-t.pl.free:
			b.release()
			batches.Put(b)
			continue
		case b := <-t.pl.full:
			b.release()
			batches.Put(b)
			continue
		default:
		}
		break
	}
	if t.cur != nil {
		t.cur.release()
		batches.Put(t.cur)
		t.cur = nil
	}
	t.pl = nil
}

// produce reads and decodes frames into batches, and tracks them when the trace runs HTTP analysis
// (analyzeEarly), until the reader fails or ends (the last batch carries the error) or the pipeline is
// stopped.
func (t *Trace) produce(pl *pipeline) {
	defer close(pl.done)
	var fr capture.Frame
	pending := false // fr holds a frame read but not yet decoded (it did not fit in the last batch)
	allocated := 0
	sampled, sampleBytes := 0, 0 // the first frames' count and bytes (inlineMaxFrame)
	for {
		var b *batch
		select {
		case b = <-pl.free:
		default:
			if allocated < maxInFlight {
				b = batches.Get().(*batch)
				allocated++
				break
			}
			select {
			case b = <-pl.free:
			case <-pl.stop:
				return
			}
		}
		b.n, b.err, b.arena = 0, nil, b.arena[:0]
		b.claim()
		for b.n < batchFrames {
			if ok, err := b.next(t.file, &fr, &pending, b.n > 0); !ok {
				b.err = err
				break
			}
			if fr.Event != nil {
				b.events[b.n] = *fr.Event
				fr.Event = &b.events[b.n]
			}
			p := &b.pkts[b.n]
			t.dec.DecodeTo(&fr, p)
			b.reasm[b.n] = p.KeepReassembled(b.reasm[b.n])
			t.tcp.Prepare(p, &b.tcp[b.n])
			b.n++
		}
		if sampled < inlineSample {
			for i := range b.n {
				sampleBytes += len(b.pkts[i].Data)
			}
			if sampled += b.n; sampled >= inlineSample && sampleBytes > inlineMaxFrame*sampled {
				t.file.Reader.ReadInlineOff()
				pl.ahead.Store(true)
			}
		}
		if sp := t.split; sp != nil {
			for i := 0; i < b.n; i++ {
				if !sp.early(t, b, i) {
					b.n, b.err = i, errSplitMixed // the producer stops; the trace is read again
					break
				}
			}
		} else if t.early {
			for i := 0; i < b.n; i++ {
				t.analyzeEarly(&b.pkts[i], &b.tcp[i])
			}
		}
		select {
		case pl.full <- b:
		case <-pl.stop:
			b.release()
			batches.Put(b)
			return
		}
		if b.err != nil {
			return
		}
	}
}

// claim has this core write the lines of the batch's packets that decoding writes first, all at once
// (dissect.Packet.Claim): the consumer on the other core used them last.
func (b *batch) claim() {
	for i := range b.pkts {
		b.pkts[i].Claim()
		b.tcp[i].Claim()
	}
}

// warm has this core read the lines of the batch's packets that the analyzers read first, all at once
// (dissect.Packet.Warm): the producer on the other core wrote them. It returns the sum Warm returns.
func (b *batch) warm() int {
	x := 0
	for i := range b.n {
		x += b.pkts[i].Warm()
	}
	return x
}

// next reads the next frame into fr, unless fr holds one already (pending), and keeps its bytes (hold or
// keep; some: frames are held already). It returns false with the reader's error, or with a nil error and
// pending set when the frame must go into the next run of frames.
func (b *frameStore) next(f *capture.File, fr *capture.Frame, pending *bool, some bool) (bool, error) {
	if !*pending {
		if err := f.Next(fr); err != nil {
			return false, err
		}
	}
	*pending = false
	if held, full := b.hold(fr); full || !held && !b.keep(fr, some) {
		*pending = true
		return false, nil
	}
	return true, nil
}

// keep copies the frame's bytes (and comment) into the arena and points fr at the copy. It returns false
// when they do not fit and frames are held already (some is true): fr then goes into the next batch. The
// arena never grows under frames already copied.
func (b *frameStore) keep(fr *capture.Frame, some bool) bool {
	need := len(fr.Data) + len(fr.Comment)
	if len(b.arena)+need > cap(b.arena) {
		if some {
			return false
		}
		b.arena = make([]byte, 0, max(need, batchBytes))
	}
	off := len(b.arena)
	b.arena = append(b.arena, fr.Data...)
	fr.Data = b.arena[off:len(b.arena):len(b.arena)]
	if fr.Comment != nil {
		off = len(b.arena)
		b.arena = append(b.arena, fr.Comment...)
		fr.Comment = b.arena[off:len(b.arena):len(b.arena)]
	}
	return true
}

// spinner has the caller wait for the next batch by yielding its processor for a while before it blocks
// on the channel. A goroutine that blocks is woken by the other's next channel operation, and waits in
// that one's processor's next slot until the idle processor takes it (see the top of this file): on the
// small-packet benchmark capture the caller of list -f spent 0.022–0.038 s of a 0.44–0.50 s run runnable
// that way, in 170–313 spells of 50–200 µs (bench/tracestat -spells; 47–158 spinning). Spinning at both
// ends of the pipeline, list -f took 0.92–0.98 of the wall time in five sets of 21 alternating pairs
// (the gain varies with the machine's load) for 1.02–1.12 of the CPU time; in the caller only, the same
// as at both ends (1.000), and 0.978 of the time without (15 of 21 faster, in a slow spell). Spinning
// without yielding took 1.029 of the time of yielding; up to 150 µs or 1 ms, the same as 400 µs.
//
// The producer does not spin: it waits only when every batch is queued for the caller, so it is not
// needed at once. Spinning there too gained nothing on list -f, and cost list of the whole file (where
// the caller is the slower) 1.26 of the CPU time.
//
// The time spun adapts: it halves after a wait that outlasted it (the producer is slow for a while: the
// file is read from a disk, a burst of work) and doubles after one that did not, so that a pipeline that
// waits long costs little CPU time. With a third goroutine reading the file ahead (pipeline.ahead) the
// caller does not spin: a processor it kept would be one the reader waits for, and on the 1 GB benchmark
// capture (large frames, read ahead) spinning at both ends took the same wall time for 1.125 of the CPU
// time (15 pairs).
type spinner struct {
	budget time.Duration // how long the next wait spins at most; 0: it does not spin
}

const (
	// spinMax is the longest a wait spins; spinMin the least a budget halves to.
	spinMax = 400 * time.Microsecond
	spinMin = 10 * time.Microsecond
	// spinYields is how many times a spin yields between two looks at the clock.
	spinYields = 16
)

// newSpinner returns a spinner with the whole budget.
func newSpinner() spinner { return spinner{budget: spinMax} }

// wait returns once ch holds a batch, or once it has spun for the budget: the caller then blocks on ch.
func (s *spinner) wait(ch chan *batch) {
	if len(ch) > 0 || s.budget == 0 {
		return
	}
	start := time.Now()
	for {
		for range spinYields {
			runtime.Gosched()
			if len(ch) > 0 {
				s.budget = min(2*s.budget, spinMax)
				return
			}
		}
		if time.Since(start) > s.budget {
			s.budget = max(s.budget/2, spinMin)
			return
		}
	}
}
