// Package engine drives one pass over a trace: it reads frames (package capture), decodes them (package
// dissect) and runs the analyzers (package analysis) in capture order, handing each finished Packet to the
// caller. Commands and the web workspace read traces only through it, so every view sees the same frames
// with the same analysis.
package engine

import (
	"errors"
	"io"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/dissect"
)

// Trace is an open trace being read frame by frame.
type Trace struct {
	file  *capture.File
	dec   *dissect.Decoder
	tcp   *analysis.TCPStreams
	udp   *analysis.UDPStreams
	frame capture.Frame
	// Truncated is set when the file ended inside a record or held a corrupt one: every complete frame
	// before it was returned.
	Truncated *capture.TruncatedError
}

// Open opens a trace file ("-" for standard input).
func Open(path string) (*Trace, error) {
	f, err := capture.Open(path)
	if err != nil {
		return nil, err
	}
	return &Trace{file: f, dec: dissect.NewDecoder(), tcp: analysis.NewTCPStreams(), udp: analysis.NewUDPStreams()}, nil
}

// Close closes the file.
func (t *Trace) Close() error { return t.file.Close() }

// Reader returns the underlying capture reader (format, interfaces, comments).
func (t *Trace) Reader() *capture.Reader { return t.file.Reader }

// Next returns the next decoded and analyzed packet, valid until the next call. At the end it returns
// io.EOF; if the file was cut short, Truncated says where. Other errors are read errors.
func (t *Trace) Next() (*dissect.Packet, error) {
	err := t.file.Next(&t.frame)
	if err != nil {
		var te *capture.TruncatedError
		if errors.As(err, &te) {
			t.Truncated = te
			return nil, io.EOF
		}
		return nil, err
	}
	p := t.dec.Decode(&t.frame)
	t.tcp.Observe(p)
	t.udp.Observe(p)
	return p, nil
}
