// Package dissect decodes captured frames into layers and exposes their fields.
//
// Decoding is in place and lazy: a Decoder owns one Packet that it resets for every frame; decoding only
// validates each header and records where it lies (a Layer: protocol, offset, length). Field values are
// read from the bytes when a caller asks for them (Packet.Values), and the details tree is built only for a
// frame that is shown (Packet.Tree). Nothing on that path allocates per packet.
//
// Each protocol lives in its own file with three parts: its decoder, its field table (registered in the
// field registry with a getter), and its details-tree and summary builders. Dispatch between protocols is
// data (tables keyed by link type, EtherType, IP protocol and port), separate from the decoders.
package dissect

import (
	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// Proto identifies a protocol layer.
type Proto uint8

// Protocols wirelens decodes.
const (
	ProtoNone Proto = iota
	ProtoEth
	ProtoVLAN
	ProtoSLL
	ProtoSLL2
	ProtoNull
	ProtoARP
	ProtoIPv4
	ProtoIPv6
	ProtoICMP
	ProtoICMPv6
	ProtoTCP
	ProtoUDP
	ProtoDNS
	ProtoGRE
	ProtoERSPAN
	ProtoVXLAN
	ProtoGeneve
	ProtoMPLS
	ProtoPPPoE
	ProtoPPP
	ProtoLLC
	ProtoWLAN
	ProtoRadiotap
	ProtoGTP
	ProtoHTTP
	ProtoETW
	ProtoNetEvent
	ProtoData // payload no decoder claims
	ProtoUnsupported
	numProtos
)

// MaxLayers bounds the number of layers decoded in one frame (tunnels and quoted packets nest).
const MaxLayers = 16

// Layer is one decoded header of a packet: its protocol and where its bytes lie.
type Layer struct {
	Proto Proto
	Buf   uint8 // 0: the frame's bytes; 1: the reassembled datagram; 2+: an application message (see Packet.Bytes)
	Flags uint8 // protocol-specific (e.g. layerInError: inside an ICMP error's quoted packet)
	Aux   uint8 // protocol-specific small value (index into a per-protocol side table)
	Off   int32 // offset of the header in its buffer
	Hdr   int32 // header length
	End   int32 // end of this layer's data (header + payload) in its buffer
}

// Layer flags.
const (
	layerInError   = 1 << iota // inside the packet quoted by an ICMP/ICMPv6 error
	layerTruncated             // the layer's bytes are cut short by the snapshot length (payload only)
)

// InError reports whether the layer belongs to the packet quoted inside an ICMP error.
func (l *Layer) InError() bool { return l.Flags&layerInError != 0 }

// TCPConv is what TCP conversation tracking (package analysis) knows about a TCP header of this frame:
// the stream index, the bases that make sequence numbers relative and the window scaling in force.
type TCPConv struct {
	Valid    bool
	Stream   uint32
	SeqBase  uint32 // subtracted from tcp.seq
	AckBase  uint32 // subtracted from tcp.ack (used only when the ACK flag is set)
	WinScale int8   // -1 unknown, -2 no scaling, else the shift applied to the window field
	WinApply bool   // the scale applies to this segment (never to a SYN)
	// The segment's ports, raw sequence and acknowledgement numbers, flags and payload length (as the
	// IP header reports it), copied here by the tracker, which reads them anyway: a later stage on
	// another core (HTTP) reads them from the Packet instead of the frame's bytes, which are no longer
	// in its cache.
	SrcPort, DstPort uint16
	Flags            uint16
	RawSeq, RawAck   uint32
	PayloadLen       uint32
	A                TCPAnalysis
}

// UDPConv is what conversation tracking knows about a UDP header of this frame.
type UDPConv struct {
	Valid  bool
	Stream uint32
}

// Malformed records why decoding stopped early.
type Malformed struct {
	Proto  Proto  // the layer that could not be decoded
	Reason string // a static sentence, e.g. "header length 4 is below the minimum of 20"
}

// Packet is one decoded frame. It is owned by its Decoder and overwritten by the next Decode; the byte
// slices it holds are borrowed from the capture reader and valid only until the reader's next call.
type Packet struct {
	// The fields are ordered by use: those every frame writes or reads (decoder, analyzers, commands on
	// another goroutine) first and together, so that a frame touches few cache lines; those only some
	// frames use after them.
	Num       int   // frame number, from 1
	TimeNS    int64 // capture time, ns since the Unix epoch
	NoTime    bool  // the record has no time stamp (the time fields are absent, as in Wireshark)
	curBuf    uint8 // the buffer the decoder is reading: 0 Data, 1 reasm
	quoted    bool  // the decoder is inside an ICMP error's quoted packet
	RelNS     int64 // time since the first frame
	DeltaNS   int64 // time since the previous frame
	Len       int   // length on the wire
	LinkType  capture.LinkType
	Interface int

	Data []byte // the captured bytes
	N    int    // number of layers in Layers
	nTCP int32
	nUDP int32
	// nHTTP counts the HTTP layers (HTTP, app), nDiag the diagnostics, nscr the scratch bytes in use.
	nHTTP int32
	nDiag int32
	nscr  int32
	// rare says which of the fields nearly always empty (rareBad, …) a frame set, so that reset empties
	// just those and reads none of them (see reset).
	rare uint8
	_    [3]byte
	// protos has bit pr set for each protocol pr of a layer added to the frame (push, AddHTTP): the
	// analyzers skip a frame without their protocol without looking at its layers (Has).
	protos uint64 // Layers starts on a cache line (see the size check in packet_test.go)

	// Layers, the first TCP header's conversation data and the fields above are what every frame
	// touches: with the padding below, a frame's decoding and analysis touch five cache lines of it
	// (the fields above, the first layers, TCP[0]).
	Layers [MaxLayers]Layer

	// TCP holds conversation data for each TCP layer, indexed by Layer.Aux.
	TCP [4]TCPConv

	Bad Malformed // Bad.Proto != ProtoNone when a layer was malformed (see IsMalformed)
	// Fragment describes IP fragmentation seen in this frame.
	Frag FragInfo
	// UDP holds conversation data for each UDP layer, indexed by Layer.Aux.
	UDP [4]UDPConv
	// DNS holds the query/response pairing of each DNS message (package analysis, dns_pairing.go).
	DNS DNSPairs

	Comment []byte
	// Event, Process and ProcessID are the Windows trace metadata of the frame (capture.Frame's).
	Event     *capture.EventInfo
	Process   string
	ProcessID uint32
	reasm     []byte // a reassembled IP datagram's payload, for layers with Buf == 1

	// HTTP holds stream-analysis data for each HTTP layer, indexed by Layer.Aux.
	HTTP [MaxHTTP]HTTPInfo
	app  [MaxHTTP][]byte // the bytes of each HTTP message (Layer.Buf = 2 + index)

	match matchResult // this frame's ICMP echo / ARP matches (icmp.go)
	diags [maxDiags]Diag
	vals  []field.Value // reused by AppendField
	// scratch is the space for field values made rather than found in the frame (e.g. decompressed DNS
	// names), reused per packet; made on first use, so that the many frames that never need it stay
	// small (a Packet is kept per slot of the engine's batches).
	scratch *[scratchSize]byte
	_       [packetPad]byte
}

// packetPad makes a Packet a whole number of cache lines long, so that in an array of them (the engine's
// batches) each starts on a line boundary and its fields lie on the same lines as in the first.
const packetPad = 40

// MayHave reports whether the frame may hold a layer of protocol pr: false means it holds none (a
// layer dropped after it was added leaves its bit set). It reads one word, not the layers.
func (p *Packet) MayHave(pr Proto) bool { return p.protos&(1<<pr) != 0 }

// NumTCP returns the number of TCP headers of the frame that have conversation data in TCP (TCP[:NumTCP]).
func (p *Packet) NumTCP() int { return int(p.nTCP) }

// IsMalformed reports whether a layer of the frame was malformed (Bad is set): it reads the rare bits,
// on a cache line every frame touches, not Bad.
func (p *Packet) IsMalformed() bool { return p.rare&rareBad != 0 }

// FragInfo tells whether this frame is an IP fragment and whether it completed a datagram.
type FragInfo struct {
	IsFragment  bool
	Reassembled bool // this frame completed the datagram; upper layers are decoded from it
	Count       int  // number of fragments in the completed datagram
	Length      int  // reassembled payload length
}

// Bytes returns the buffer a layer's offsets refer to.
func (p *Packet) Bytes(l *Layer) []byte {
	if l.Buf >= 2 {
		return p.app[l.Buf-2]
	}
	if l.Buf == 1 {
		return p.reasm
	}
	return p.Data
}

// LayerBytes returns the bytes of a layer, header and payload.
func (p *Packet) LayerBytes(l *Layer) []byte {
	return p.Bytes(l)[l.Off:l.End]
}

// Header returns the header bytes of a layer.
func (p *Packet) Header(l *Layer) []byte {
	return p.Bytes(l)[l.Off : l.Off+l.Hdr]
}

// Payload returns the bytes after a layer's header.
func (p *Packet) Payload(l *Layer) []byte {
	return p.Bytes(l)[l.Off+l.Hdr : l.End]
}

// Has reports whether the packet has a layer of this protocol.
func (p *Packet) Has(proto Proto) bool {
	if !p.MayHave(proto) {
		return false
	}
	for i := 0; i < p.N; i++ {
		if p.Layers[i].Proto == proto {
			return true
		}
	}
	return false
}

// Find returns the first layer of this protocol, or nil.
func (p *Packet) Find(proto Proto) *Layer {
	for i := 0; i < p.N; i++ {
		if p.Layers[i].Proto == proto {
			return &p.Layers[i]
		}
	}
	return nil
}

// Top returns the last decoded layer, or nil.
func (p *Packet) Top() *Layer {
	if p.N == 0 {
		return nil
	}
	return &p.Layers[p.N-1]
}

// The fields nearly always empty, as bits of Packet.rare: each is set where its field is written.
const (
	rareBad     = 1 << iota // Bad
	rareFrag                // Frag and reasm
	rareDNS                 // DNS (AddDNSPair)
	rareComment             // Comment
	rareEvent               // Event, Process, ProcessID
)

// reset empties the packet for the next frame. The fields nearly always empty are emptied only when
// this frame's rare bits say they were set, so that they are neither read nor written otherwise: a
// Packet was last used on another core (the analysis stages of the engine's pipeline), and each cache
// line the decoder touches has to come from that core's cache. The rarely used fields lie on lines of
// their own (DNS.N, Bad and Frag, Comment and the frame's metadata, reasm), which reading them to see
// whether they were set, as reset did, took from the other core for every frame.
func (p *Packet) reset() {
	p.N = 0
	p.protos = 0
	p.nTCP = 0
	p.nUDP = 0
	if r := p.rare; r != 0 {
		if r&rareDNS != 0 {
			p.DNS.N = 0
		}
		if r&rareBad != 0 {
			p.Bad = Malformed{}
		}
		if r&rareFrag != 0 {
			p.Frag = FragInfo{}
			p.reasm = nil
		}
		if r&rareComment != 0 {
			p.Comment = nil
		}
		p.rare = r & rareEvent // the metadata stay until DecodeTo meets a frame without them
	}
	p.curBuf = 0
	p.nscr = 0
	p.nDiag = 0
	for i := int32(0); i < p.nHTTP; i++ {
		p.app[i] = nil
	}
	p.nHTTP = 0
}

// AddDNSPair records the DNS pairing of one message of the frame (package analysis).
func (p *Packet) AddDNSPair(x DNSPair) {
	p.rare |= rareDNS
	p.DNS.add(x)
}

// scratchSize is the size of a packet's scratch space.
const scratchSize = 4096

// alloc returns n bytes of the packet's scratch space, or nil if it is exhausted.
func (p *Packet) alloc(n int) []byte {
	at := int(p.nscr)
	if at+n > scratchSize {
		return nil
	}
	if p.scratch == nil {
		p.scratch = new([scratchSize]byte)
	}
	b := p.scratch[at : at+n : at+n]
	p.nscr = int32(at + n)
	return b
}

// Reassembled returns the reassembled IP payload completed in this frame, or nil.
func (p *Packet) Reassembled() []byte { return p.reasm }

// IsFragment says whether the frame carries an IP fragment (Frag.IsFragment), reading Frag's line only when
// the frame has a fragment or a reassembled datagram at all.
func (p *Packet) IsFragment() bool { return p.rare&rareFrag != 0 && p.Frag.IsFragment }

// ReleaseMessages drops the packet's references to the application messages attached to it (AddHTTP),
// so that a packet waiting in a pipeline for its slot to be reused does not keep a large reassembled
// message alive. The packet must not be read afterwards.
func (p *Packet) ReleaseMessages() {
	for i := int32(0); i < p.nHTTP; i++ {
		p.app[i] = nil
	}
}

// KeepReassembled copies the reassembled IP payload of this frame (if any) into buf, reused, and points the
// packet at the copy, so that the packet stays valid after the Decoder decodes further frames. It returns
// the buffer to pass again next time.
func (p *Packet) KeepReassembled(buf []byte) []byte {
	if p.rare&rareFrag == 0 || p.reasm == nil { // the rare bit first: reasm lies on a line of its own
		return buf
	}
	buf = append(buf[:0], p.reasm...)
	p.reasm = buf
	return buf
}

// Claim writes one word on each cache line of p that decoding a frame writes first (the header fields,
// the first layers, TCP[0]) and changes nothing DecodeTo does not set again. The engine claims a batch of
// packets before it decodes frames into them: the lines were last used on another core (the analysis
// stage), and written in one burst their transfers overlap, where decoding frame after frame waited for
// each in turn (list -f on the small-packet benchmark capture: 0.86–0.92 of the wall time, BENCHMARKS.md).
func (p *Packet) Claim() {
	p.Num = 0
	p.N = 0
	p.Layers[0].Proto = 0
	p.TCP[0].Valid = false
}

// Warm reads one word on each cache line of p that the analyzers read first, for the same reason as
// Claim, on the core that reads the packet next; it returns their sum, which the caller keeps so that the
// reads are made.
func (p *Packet) Warm() int {
	return p.Num + p.N + int(p.Layers[0].Off) + int(p.TCP[0].Stream)
}
