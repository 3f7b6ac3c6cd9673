package cli

import (
	"strings"

	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/filter"
)

// selection remembers which conversations have at least one frame a display filter selects: commands
// that report per conversation (conversations, diagnose) keep those. Analysis still sees every frame.
type selection struct {
	prog *filter.Program
	all  bool
	tcp  map[uint32]bool
	udp  map[uint32]bool
}

func newSelection(text string) (*selection, error) {
	s := &selection{all: text == "", tcp: map[uint32]bool{}, udp: map[uint32]bool{}}
	if s.all {
		return s, nil
	}
	prog, err := compileFilter(text)
	if err != nil {
		return nil, err
	}
	s.prog = prog
	return s, nil
}

// observe records the conversations of p if the filter selects it, and reports whether it did.
func (s *selection) observe(p *dissect.Packet) bool {
	if s.all {
		return true
	}
	if !s.prog.Match(p) {
		return false
	}
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		switch {
		case l.Proto == dissect.ProtoTCP && p.TCP[l.Aux].Valid:
			s.tcp[p.TCP[l.Aux].Stream] = true
		case l.Proto == dissect.ProtoUDP && p.UDP[l.Aux].Valid:
			s.udp[p.UDP[l.Aux].Stream] = true
		}
	}
	return true
}

// keeps reports whether a conversation is selected.
func (s *selection) keeps(c analysis.Conversation) bool {
	return s.all || c.Proto == "tcp" && s.tcp[c.Stream] || c.Proto == "udp" && s.udp[c.Stream]
}

// reads reports whether the filter reads a field of one of these protocols (by filter-name prefix).
func (s *selection) reads(protos ...string) bool {
	if s.all {
		return false
	}
	for _, f := range s.prog.Fields() {
		for _, pr := range protos {
			if f == pr || strings.HasPrefix(f, pr+".") {
				return true
			}
		}
	}
	return false
}

// readToEnd reads a trace to its end for a command that reports at the end, and returns the error Next
// gave there (io.EOF normally). When the selection takes every frame there is nothing to look at frame
// by frame, and the trace may be read in lanes (engine.Trace.Run); otherwise each frame is given to each,
// in capture order.
func readToEnd(t *engine.Trace, sel *selection, each func(p *dissect.Packet)) error {
	if sel.all {
		return t.Run()
	}
	for {
		p, err := t.Next()
		if err != nil {
			return err
		}
		each(p)
	}
}
