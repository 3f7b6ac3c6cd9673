// Package engine drives one pass over a trace: it reads frames (package capture), decodes them (package
// dissect) and runs the analyzers (package analysis) in capture order, handing each finished Packet to the
// caller. Commands and the web workspace read traces only through it, so every view sees the same frames
// with the same analysis.
package engine

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
)

// Options choose how a trace is read.
type Options struct {
	// TwoPass reads the file twice: the first pass finds what only the end of the trace can tell (a SYN
	// that was never answered), so that the second pass can show it on the frame it concerns, as tshark -2
	// does. It needs a file that can be opened again (not standard input).
	TwoPass bool
	// NoHTTPOperations stops the trace from keeping every HTTP operation for HTTPOperations (streaming
	// commands that only count them keep memory flat); OnHTTP still sees each one.
	NoHTTPOperations bool
	// OnHTTP, if set, is called with each finished HTTP operation, valid only during the call (copy it to
	// keep it).
	OnHTTP func(op *analysis.HTTPOperation)
	// WantHTTP, if set with OnHTTP and NoHTTPOperations, says which operations OnHTTP reads the request
	// strings of (analysis.HTTPStreams.Wants); the others come without them.
	WantHTTP func(op *analysis.HTTPOperation) bool
	// AllEvents makes an ETL trace give its events that carry no packet as messages too
	// (capture.Reader.SetAllEvents).
	AllEvents bool
	// NoHTTP skips HTTP analysis altogether (no http.* fields, no operations): for commands that show
	// neither, such as conversations, it saves the reassembly of every HTTP stream.
	NoHTTP bool
	// NoHTTPFields skips tshark's view of HTTP (the http.* fields and layers) and keeps the operations
	// and their diagnostics: for diagnose.
	NoHTTPFields bool
	// OnMalformed, if set, is called by Run with the number of each malformed frame, in capture order.
	OnMalformed func(frame uint32)
	// SkipQuietTCP makes EachConversation pass over the TCP conversations that were evicted from memory
	// quiet (analysis.Conversation.Quiet: nothing diagnose would report) without reading their records
	// back; QuietTCP then says how many it passed over. For diagnose, on a trace of many short connections.
	SkipQuietTCP bool
	// NoConversations says the caller reads no conversations (Conversations, EachConversation, QuietTCP):
	// TCP tracking may then be split between the pipeline's two goroutines (split.go). For list.
	NoConversations bool
}

// Trace is an open trace being read frame by frame.
type Trace struct {
	path string
	opts Options
	file *capture.File
	dec  *dissect.Decoder
	tcp  *analysis.TCPStreams
	udp  *analysis.UDPStreams
	http *analysis.HTTPStreams
	// sink receives the HTTP operations for OnHTTP and HTTPOperations (see opSink).
	sink *opSink
	done bool
	// noHTTP: Options.NoHTTP
	noHTTP bool
	// quietTCP: QuietTCP.
	quietTCP int
	// early: TCP and UDP conversation tracking runs on the reading goroutine, right after a frame is
	// decoded, rather than on the caller's (see analyzeEarly).
	early bool
	dns   *analysis.DNSPairing
	late  map[uint32][]dissect.Diag
	pl    *pipeline // the read/decode goroutine (pipeline.go), started by the first Next
	ln    *laneSet  // the lanes the trace is read in (lanes.go), or nil
	// triedLanes: the first read has decided whether the trace is read in lanes.
	triedLanes bool
	// skip is the number of frames Next passes over (analysed, not handed out): those the lanes handed
	// out before the trace was read again (fallBack).
	skip int
	// split is the state of TCP tracking split between the pipeline's goroutines (split.go), or nil;
	// noSplit: it is not to be (the trace is read again because a frame could not be split).
	split   *tcpSplit
	warmed  int // the sum of the values batch.warm read (kept so that the reads are made)
	noSplit bool
	// stopAhead stops the goroutine that reads the file ahead (capture.Reader.ReadAhead), if it runs (a
	// compressed file; otherwise the pipeline or the dealer reads it: ReadInline).
	stopAhead func()
	cur       *batch  // the batch Next is handing out
	spin      spinner // how the caller waits for the next batch
	i         int     // the next packet of cur
	err       error   // the error Next returns once cur is done
	// Start is the time of the first frame (ns since the Unix epoch); Frames counts the frames read.
	Start  int64
	Frames int
	// Truncated is set when the file ended inside a record or held a corrupt one: every complete frame
	// before it was returned.
	Truncated *capture.TruncatedError
}

// Open opens a trace file ("-" for standard input) for a single pass.
func Open(path string) (*Trace, error) { return OpenWith(path, Options{}) }

// OpenWith opens a trace with options.
func OpenWith(path string, o Options) (*Trace, error) {
	t, err := open(path, o)
	if err != nil {
		return nil, err
	}
	if !o.TwoPass {
		return t, nil
	}
	if path == "-" {
		t.Close()
		return nil, errors.New("two passes need a file, not standard input")
	}
	// The first pass only gathers what the second shows: it keeps no operations.
	t.Close()
	first := o
	first.OnHTTP, first.NoHTTPOperations = nil, true
	if t, err = open(path, first); err != nil {
		return nil, err
	}
	t.dns.RecordLate()
	t.http.RecordResponses()
	t.triedLanes = true // the first pass records into the trace's own analyzers, not lanes'
	for {
		if _, err := t.Next(); err != nil {
			if err != io.EOF {
				t.Close()
				return nil, err
			}
			break
		}
	}
	late := t.Late()
	t.Close()
	t2, err := open(path, o)
	if err != nil {
		return nil, fmt.Errorf("second pass: %w", err)
	}
	t2.late = late
	t2.dns.UseLate(t.dns.Late())
	t2.http.UseResponses(t.http.ResponseFrames())
	return t2, nil
}

func open(path string, o Options) (*Trace, error) {
	f, err := capture.Open(path)
	if err != nil {
		return nil, err
	}
	f.SetAllEvents(o.AllEvents)
	stopAhead := func() {}
	if st, err := os.Stat(path); path != "-" && err == nil && st.Mode().IsRegular() {
		// A file is read in a goroutine of its own, in large blocks (a pipe or a device is not: its
		// frames are shown as they come).
		stopAhead = f.ReadAhead()
	}
	t := &Trace{path: path, opts: o, file: f, stopAhead: stopAhead, dec: dissect.NewDecoder(), tcp: analysis.NewTCPStreams(), udp: analysis.NewUDPStreams(), http: analysis.NewHTTPStreams(), dns: analysis.NewDNSPairing()}
	t.noHTTP = o.NoHTTP
	if o.SkipQuietTCP {
		t.tcp.SkipQuiet()
	}
	t.early = !o.NoHTTP
	t.http.NoFields = o.NoHTTPFields
	if o.OnHTTP != nil && o.NoHTTPOperations {
		t.http.Wants = o.WantHTTP
	}
	sink := &opSink{}
	t.sink = sink
	if o.OnHTTP != nil || !o.NoHTTPOperations {
		// Without a reader of the operations (list), the HTTP analysis leaves out their strings.
		t.http.OnOperation = func(op *analysis.HTTPOperation) {
			if sink.quiet {
				return
			}
			if o.OnHTTP != nil {
				o.OnHTTP(op)
			}
			if !o.NoHTTPOperations {
				sink.ops = append(sink.ops, *op)
			}
		}
	}
	return t, nil
}

// opSink is where the HTTP analysis hands its operations: a heap object of its own, so that a trace
// opened again (fallBack copies a new Trace over the old one) keeps the one its analysis writes to.
type opSink struct {
	ops []analysis.HTTPOperation // kept for HTTPOperations (without Options.NoHTTPOperations)
	// quiet: the frame being analysed was handed out before (Trace.skip), and so were its operations.
	quiet bool
}

// Close stops the reading goroutine and closes the file. Packets returned before are no longer valid.
func (t *Trace) Close() error {
	t.stopPipeline()
	if t.ln != nil {
		t.stopLanes()
	}
	t.stopAhead()
	t.tcp.Close()
	if t.split != nil {
		t.split.late.Close()
	}
	return t.file.Close()
}

// Reader returns the underlying capture reader (format, interfaces, comments). The reader is read ahead
// of Next by another goroutine (the pipeline's, or the lanes' dealer): use it before the first call to Next
// or Run, or after it has returned an error.
func (t *Trace) Reader() *capture.Reader { return t.file.Reader }

// Next returns the next decoded and analyzed packet, valid until the next call. At the end it returns
// io.EOF; if the file was cut short, Truncated says where. Other errors are read errors. Once it has
// returned an error it returns the same error again.
func (t *Trace) Next() (*dissect.Packet, error) {
	if t.err != nil && t.pl == nil {
		return nil, t.err // Run could not open the trace again (fallBack)
	}
	for {
		// The frames the lanes handed out before the trace was read again are analysed, not handed out.
		t.sink.quiet = t.Frames < t.skip
		p, err := t.next()
		if err != nil || t.Frames > t.skip {
			t.sink.quiet = false
			return p, err
		}
	}
}

// next is Next through the pipeline.
func (t *Trace) next() (*dissect.Packet, error) {
	if t.cur != nil && t.i > 0 {
		// The previous packet is done with: what analyzers attached to it may go now rather than when
		// its slot is decoded into again.
		t.cur.pkts[t.i-1].ReleaseMessages()
	}
	if t.cur == nil || t.i == t.cur.n {
		if !t.fetch() {
			return nil, t.err
		}
	}
	p := &t.cur.pkts[t.i]
	if t.split != nil {
		t.split.caller(t.cur, t.i)
	}
	t.i++
	if t.Frames == 0 {
		t.Start = p.TimeNS
	}
	t.Frames++
	t.analyze(p, &t.cur.tcp[t.i-1])
	return p, nil
}

// fetch moves to the next non-empty batch, handing the finished one back to the producer. It returns
// false, with t.err set, at the end of the frames.
func (t *Trace) fetch() bool {
	if t.err != nil {
		return false
	}
	if t.pl == nil {
		t.startPipeline()
	}
	for {
		if b := t.cur; b != nil {
			t.cur = nil
			b.release() // its frames are done with: the blocks they lie in may be read into again
			if b.err != nil {
				// The last batch: the producer has returned, nothing waits for it.
				batches.Put(b)
				if b.err == errSplitMixed {
					// The next frame cannot be split: read the trace again through one tracker.
					t.fallBack()
					if t.err != nil {
						return false
					}
					return t.fetch()
				}
				t.setErr(b.err)
				return false
			}
			t.pl.free <- b // never blocks: the channel holds every batch there is
		}
		if t.pl.ahead.Load() {
			t.spin.budget = 0
		}
		t.spin.wait(t.pl.full)
		t.cur, t.i = <-t.pl.full, 0
		t.warmed += t.cur.warm()
		if t.cur.n > 0 {
			return true
		}
	}
}

// setErr records the reader's error: a truncated file ends the frames like io.EOF and says where.
func (t *Trace) setErr(err error) {
	var te *capture.TruncatedError
	if errors.As(err, &te) {
		t.Truncated = te
		err = io.EOF
	}
	t.err = err
	if err == io.EOF {
		t.finish()
	}
}

// analyze runs every analyzer over one decoded packet, in capture order. It is the only place where
// analyzers are called: a new analyzer (HTTP, DNS pairing, …) is added here.
func (t *Trace) analyze(p *dissect.Packet, pre *analysis.TCPSeg) {
	if !t.early {
		t.tcp.ObservePrepared(p, pre)
		t.udp.Observe(p)
	}
	if p.Repeated() {
		return // a PktMon packet already seen at another component: HTTP and DNS take it once
	}
	if !t.noHTTP {
		t.http.Observe(p)
	}
	t.dns.Observe(p)
	if t.late != nil {
		for _, d := range t.late[uint32(p.Num)] {
			p.AddDiag(d)
		}
	}
}

// analyzeEarly runs in the pipeline's producer for each decoded batch, frame by frame in capture order:
// TCP and UDP conversation tracking, when the trace runs HTTP analysis. Without HTTP the caller's
// goroutine has little to do, so tracking stays there (analyze).
func (t *Trace) analyzeEarly(p *dissect.Packet, pre *analysis.TCPSeg) {
	if t.early {
		t.tcp.ObservePrepared(p, pre)
		t.udp.Observe(p)
	}
}

// mayReadConversations panics for a trace opened with Options.NoConversations, whose TCP conversations
// may be split between two trackers (split.go).
func (t *Trace) mayReadConversations() {
	if t.opts.NoConversations {
		panic("engine: conversations read from a trace opened with Options.NoConversations")
	}
}

// Conversations returns the TCP conversations, then the UDP ones, seen so far (all of them once the trace
// has been read to the end). Call it before the first Next or after Next has returned an error: the
// reading goroutine may track conversations ahead of Next.
func (t *Trace) Conversations() []analysis.Conversation {
	t.mayReadConversations()
	if t.ln != nil {
		var out []analysis.Conversation
		for c := range t.ln.conversations(nil) {
			out = append(out, c)
		}
		return out
	}
	return append(t.tcp.Conversations(), t.udp.Conversations()...)
}

// EachConversation yields the TCP conversations, then the UDP ones, seen so far, one at a time (see
// Conversations, also for when to call it): a command that writes them as they come holds one, not all of them.
// The records are read back (evicted ones from the compact store) and made into Conversations by two
// goroutines, each taking every other batch of convBatch streams (then the first takes the UDP ones), a
// few batches ahead of the caller, so that on a trace of many connections the caller's formatting and this
// work share the cores. With Options.SkipQuietTCP it passes over the quiet TCP conversations that were
// evicted (see QuietTCP).
func (t *Trace) EachConversation() iter.Seq[analysis.Conversation] {
	t.mayReadConversations()
	if t.ln != nil {
		var quiet *int
		if t.opts.SkipQuietTCP {
			quiet = &t.quietTCP
		}
		return t.ln.conversations(quiet)
	}
	return func(yield func(analysis.Conversation) bool) {
		nTCP := (t.tcp.Count() + convBatch - 1) / convBatch // TCP batches
		var w [2]convWorker
		stop := make(chan struct{})
		for k := range w {
			w[k] = convWorker{full: make(chan []analysis.Conversation, convBatches), free: make(chan []analysis.Conversation, convBatches), done: make(chan struct{})}
			for range convBatches {
				w[k].free <- make([]analysis.Conversation, 0, convBatch)
			}
			go w[k].run(t, k, nTCP, stop)
		}
		defer func() {
			close(stop)
			<-w[0].done
			<-w[1].done
			t.quietTCP = w[0].quiet + w[1].quiet
		}()
		read := func(k int) bool { // hands on one batch of worker k; false when it has no more
			b, ok := <-w[k].full
			if !ok {
				return false
			}
			for _, c := range b {
				if !yield(c) {
					return false
				}
			}
			w[k].free <- b[:0] // never blocks: there are convBatches batches
			return true
		}
		for j := 0; j < nTCP; j++ {
			if !read(j % 2) {
				return
			}
		}
		for read(0) { // the UDP conversations
		}
	}
}

// QuietTCP returns how many quiet TCP conversations the last EachConversation passed over
// (Options.SkipQuietTCP), once it has ended.
func (t *Trace) QuietTCP() int { return t.quietTCP }

// convWorker makes Conversations for EachConversation: worker k takes TCP batches k, k+2, … of nTCP,
// then worker 0 the UDP conversations, and each sends its batches in order on full.
type convWorker struct {
	full, free chan []analysis.Conversation
	done       chan struct{}
	quiet      int // the quiet TCP conversations passed over (Options.SkipQuietTCP), once done is closed
}

func (w *convWorker) run(t *Trace, k, nTCP int, stop chan struct{}) {
	defer close(w.done)
	defer close(w.full)
	var b []analysis.Conversation
	select {
	case b = <-w.free:
	case <-stop:
		return
	}
	send := func() bool {
		select {
		case w.full <- b:
		case <-stop:
			return false
		}
		select {
		case b = <-w.free:
			return true
		case <-stop:
			return false
		}
	}
	r := t.tcp.NewConvReader()
	r.SkipQuiet = t.opts.SkipQuietTCP
	defer func() { w.quiet = r.Quiet }()
	for j := k; j < nTCP; j += 2 {
		for c := range r.Each(j*convBatch, (j+1)*convBatch) {
			b = append(b, c)
		}
		if !send() {
			return
		}
	}
	if k != 0 {
		return
	}
	for c := range t.udp.Each() {
		if b = append(b, c); len(b) == convBatch && !send() {
			return
		}
	}
	if len(b) > 0 {
		send()
	}
}

const (
	convBatch   = 256 // conversations per batch handed from EachConversation's goroutines
	convBatches = 3   // batches per goroutine
)

// finish runs once at the end of the trace: analyzers report what is still open.
func (t *Trace) finish() {
	if t.done {
		return
	}
	t.done = true
	t.http.Close()
}

// Late returns the diagnostics that only the whole trace can give (see Options.TwoPass), by frame.
func (t *Trace) Late() map[uint32][]dissect.Diag {
	late := t.tcp.Late()
	for f, ds := range t.http.Late() {
		late[f] = append(late[f], ds...)
	}
	return late
}

// HTTPOperations returns the HTTP operations (request and response pairs, first in first out) finished
// so far, in the order they finished; all of them once the trace has been read to the end. Redirect
// chains are numbered (analysis.LinkRedirects) when the list is read at the end.
func (t *Trace) HTTPOperations() []analysis.HTTPOperation {
	if t.done {
		analysis.LinkRedirects(t.sink.ops)
	}
	return t.sink.ops
}

// HTTP returns the HTTP analyzer (its counters).
func (t *Trace) HTTP() *analysis.HTTPStreams { return t.http }

// DNS returns the DNS query/response pairing of the frames read so far (its Report, once the trace has
// been read to the end, feeds the diagnosis).
func (t *Trace) DNS() *analysis.DNSPairing { return t.dns }
