package dissect

import (
	"sync"

	"github.com/wirelens/wirelens/capture"
)

// protocol describes one protocol to the decoder loop. Decoders are registered by their protocol file.
type protocol struct {
	name   string // column name, e.g. "TCP"
	filter string // filter name, e.g. "tcp"
	long   string // tree title, e.g. "Transmission Control Protocol"
	// decode validates the header at off in buf (the packet's current buffer), appends the layer with
	// p.push and returns the protocol of the payload and its offset (ProtoNone: stop). On malformed input it
	// calls p.malformed and returns ProtoNone. A decoder that switches to the reassembled buffer sets
	// p.curBuf and returns an offset in it.
	decode func(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int)
	// summary appends the Info-column text of the layer at index i.
	summary func(p *Packet, i int, dst []byte) []byte
	// tree adds the layer at index i to the details tree.
	tree func(p *Packet, i int, t *Tree)
}

var protocols [numProtos]protocol

func register(pr Proto, d protocol) { protocols[pr] = d }

// Name returns a protocol's display name ("TCP").
func (pr Proto) String() string {
	if pr < numProtos && protocols[pr].name != "" {
		return protocols[pr].name
	}
	return "?"
}

// Dispatch tables: which protocol decodes a payload. They are data, filled by each protocol file's init.
var (
	byLinkType  = map[capture.LinkType]Proto{}
	byEtherType = map[uint16]Proto{}
	byIPProto   [256]Proto
	byUDPPort   = map[uint16]Proto{}
	byTCPPort   = map[uint16]Proto{}
)

// Flat copies of the 16-bit dispatch tables, read on every frame: an array index instead of a map lookup
// (which hashed the key: some 10 % of decoding). Built from the maps by the first NewDecoder, after every
// init has registered its entries; ProtoNone means no entry.
var (
	etherTypeTab, udpPortTab, tcpPortTab [1 << 16]Proto
	buildTabs                            sync.Once
)

func flatten(dst *[1 << 16]Proto, m map[uint16]Proto) {
	for k, v := range m {
		dst[k] = v
	}
}

// Decoder decodes frames. It keeps the state that spans frames (IP reassembly, the first frame's time) and
// owns the Packet it returns. A Decoder is not safe for concurrent use.
type Decoder struct {
	pkt     Packet
	n       int
	first   int64
	prev    int64
	defrag  defragmenter
	match   matchState // ICMP echo and ARP address matching across frames (icmp.go)
	started bool
	link    linkEntry // the last frame's link type, resolved
}

// linkEntry is a link type resolved through byLinkType and linkRaw. A trace's frames nearly always share
// one link type, and the two map lookups were some 3 % of decoding a trace of small frames.
type linkEntry struct {
	lt       capture.LinkType
	pr       Proto
	ok, raw  bool
	resolved bool
}

// resolveLink returns the protocol that decodes frames of link type lt, whether there is one, and
// whether lt is raw IP (the version nibble tells IPv4 from IPv6).
func (d *Decoder) resolveLink(lt capture.LinkType) (Proto, bool, bool) {
	e := &d.link
	if !e.resolved || e.lt != lt {
		pr, ok := byLinkType[lt]
		*e = linkEntry{lt: lt, pr: pr, ok: ok, raw: linkRaw[lt], resolved: true}
	}
	return e.pr, e.ok, e.raw
}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder {
	buildTabs.Do(func() {
		flatten(&etherTypeTab, byEtherType)
		flatten(&udpPortTab, byUDPPort)
		flatten(&tcpPortTab, byTCPPort)
	})
	d := &Decoder{}
	d.defrag.init()
	return d
}

// Decode decodes the next frame. The returned Packet is valid until the next call to Decode and borrows f.Data.
func (d *Decoder) Decode(f *capture.Frame) *Packet {
	d.DecodeTo(f, &d.pkt)
	return &d.pkt
}

// DecodeAt decodes frame number num of a trace whose first frame was captured at first, and the frame
// before it at prev (ns since the Unix epoch), into p: for a decoder that sees only some of a trace's
// frames (the conversations of one lane of several), so that numbers and times are the trace's. Only
// frames of the same conversations share state across frames here (IP fragments, ICMP echo and ARP
// matching): a lane that takes one of them must take all of them.
func (d *Decoder) DecodeAt(f *capture.Frame, p *Packet, num int, first, prev int64) {
	d.n, d.started, d.first, d.prev = num-1, true, first, prev
	d.DecodeTo(f, p)
}

// DecodeTo decodes the next frame into p, a Packet the caller owns, so that several decoded packets can be
// in flight at once (a pipeline decodes ahead of the analysis). p borrows f.Data and, when the frame
// completes an IP datagram, the Decoder's reassembly buffer until the next call: KeepReassembled copies it.
func (d *Decoder) DecodeTo(f *capture.Frame, p *Packet) {
	p.reset()
	d.n++
	if !d.started {
		d.started = true
		d.first = f.TimeNS
		d.prev = f.TimeNS
	}
	p.Num = d.n
	p.TimeNS = f.TimeNS
	p.NoTime = f.NoTime
	p.RelNS = f.TimeNS - d.first
	p.DeltaNS = f.TimeNS - d.prev
	d.prev = f.TimeNS
	p.Len = f.OrigLen
	p.LinkType = f.LinkType
	p.Interface = f.Interface
	if f.Comment != nil {
		p.Comment = f.Comment
		p.rare |= rareComment
	}
	p.Data = f.Data
	// The frame's metadata (Windows traces) are written when they are set, or were for the frame before
	// (see reset).
	if f.Event != nil || f.Process != "" || f.ProcessID != 0 {
		p.Event, p.Process, p.ProcessID = f.Event, f.Process, f.ProcessID
		p.rare |= rareEvent
	} else if p.rare&rareEvent != 0 {
		p.Event, p.Process, p.ProcessID = nil, "", 0
		p.rare &^= rareEvent
	}
	if f.Event != nil {
		end := 0
		if !f.Event.Packet {
			end = len(p.Data) // an event without a packet: its user data are the message
		}
		p.push(ProtoETW, 0, 0, end, 0)
	}

	pr, ok, raw := d.resolveLink(f.LinkType)
	if raw {
		pr = rawIPProto(p.Data)
		if pr == ProtoNone {
			p.malformed(ProtoIPv4, "raw IP frame whose first nibble is not version 4 or 6")
			p.pushData(p.Data, 0, 0)
		}
	} else if !ok {
		pr = ProtoUnsupported
	}
	d.run(p, pr, 0, 0)
}

// run decodes layers starting with pr at off in the current buffer until a decoder stops.
func (d *Decoder) run(p *Packet, pr Proto, off int, flags uint8) {
	for pr != ProtoNone {
		if p.N == MaxLayers {
			p.malformed(pr, "too many nested layers")
			return
		}
		dec := protocols[pr].decode
		if dec == nil {
			return
		}
		var buf []byte
		if p.curBuf == 1 {
			buf = p.reasm
		} else {
			buf = p.Data
		}
		n := p.N
		p.quoted = flags&layerInError != 0
		pr, off = dec(d, p, buf, off, flags)
		if p.N > n {
			flags = p.Layers[p.N-1].Flags
		}
	}
}

// push appends a layer and returns it.
func (p *Packet) push(pr Proto, off, hdr, end int, flags uint8) *Layer {
	l := &p.Layers[p.N]
	*l = Layer{Proto: pr, Buf: p.curBuf, Flags: flags, Off: int32(off), Hdr: int32(hdr), End: int32(end)}
	p.N++
	p.protos |= 1 << pr
	return l
}

// malformed records that decoding of pr stopped for reason.
// Inside the packet quoted by an ICMP error, where a cut is the rule, nothing counts as malformed.
func (p *Packet) malformed(pr Proto, reason string) {
	if p.Bad.Proto == ProtoNone && !p.quoted {
		p.Bad = Malformed{Proto: pr, Reason: reason}
		p.rare |= rareBad
	}
}

// pushData appends the rest of buf as a Data layer when it is not empty.
func (p *Packet) pushData(buf []byte, off int, flags uint8) {
	if off < len(buf) && p.N < MaxLayers {
		p.push(ProtoData, off, 0, len(buf), flags)
	}
}
