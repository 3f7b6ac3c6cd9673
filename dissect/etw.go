package dissect

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// Windows trace metadata: the ETW event that carried a packet (an ETL trace read by capture/etl), a NetMon
// "NetEvent" frame (an ETW event wrapped in a Network Monitor capture, media type 0xFFE0), and the
// process a trace attributes a frame to.
//
//   - A frame read from an ETL packet event gets an "etw" layer first (no bytes of its own: its values come
//     from the event header and the provider's metadata, capture.EventInfo), then its packet as usual. PktMon
//     packets add the pktmon.* fields: the same packet is logged once per stack component it crosses, and
//     pktmon.pkt_group_id and pktmon.appearance link those appearances.
//   - A NetEvent frame is a message of its own (protocol "NetEvent"): the 89-byte header NetMon stores
//     (EVENT_HEADER: size, header type, flags, event property, thread and process id, time stamp, provider
//     GUID, event descriptor, processor time, activity id; then processor number, alignment, logger id,
//     extended data count, user data length and a reassembled flag), extended data, and the user data,
//     which is the last UserDataLength bytes of the frame.
//   - frame.process_name and frame.process_id name the process of NetMon's process table or the ETW
//     header. The process ids of packet events are often not the sender's (NDIS and pktmon log from
//     whatever context the packet is processed in), so they are a hint, not a fact.

func init() {
	register(ProtoETW, protocol{name: "ETW", filter: "etw", long: "Event Tracing for Windows event", summary: etwSummary, tree: etwTree})
	byLinkType[capture.LinkTypeETLEvent] = ProtoNone // the ETW layer pushed by Decode is the whole message
	register(ProtoNetEvent, protocol{name: "NetEvent", filter: "netevent", long: "Network Monitor Event (ETW)", decode: decodeNetEvent, summary: netEventSummary, tree: netEventTree})
	byLinkType[capture.LinkTypeNetMonEvent] = ProtoNetEvent
}

// netEventHeaderLen is the fixed part of a NetMon NetEvent record.
const netEventHeaderLen = 89

func decodeNetEvent(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < netEventHeaderLen {
		p.malformed(ProtoNetEvent, "NetEvent record shorter than its 89-byte header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoNetEvent, off, netEventHeaderLen, len(buf), flags)
	return ProtoNone, 0
}

// netEvent is the parsed header of a NetEvent layer.
type netEvent struct {
	flags, property   uint16
	tid, pid          uint32
	ts                uint64
	provider          [16]byte
	id                uint16
	version, channel  uint8
	level, opcode     uint8
	task              uint16
	keywords          uint64
	extCount, userLen uint16
	user              []byte
}

func parseNetEvent(b []byte) (e netEvent, ok bool) {
	if len(b) < netEventHeaderLen {
		return e, false
	}
	le := binary.LittleEndian
	e.flags = le.Uint16(b[4:])
	e.property = le.Uint16(b[6:])
	e.tid = le.Uint32(b[8:])
	e.pid = le.Uint32(b[12:])
	e.ts = le.Uint64(b[16:])
	copy(e.provider[:], b[24:40])
	e.id = le.Uint16(b[40:])
	e.version, e.channel, e.level, e.opcode = b[42], b[43], b[44], b[45]
	e.task = le.Uint16(b[46:])
	e.keywords = le.Uint64(b[48:])
	e.extCount = le.Uint16(b[84:])
	e.userLen = le.Uint16(b[86:])
	if n := int(e.userLen); n <= len(b)-netEventHeaderLen {
		e.user = b[len(b)-n:]
	}
	return e, true
}

func guidString(g [16]byte) string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le.Uint32(g[0:]), le.Uint16(g[4:]), le.Uint16(g[6:]), g[8:10], g[10:16])
}

// netEventProviders names the providers seen in NetEvent frames of NetMon captures.
var netEventProviders = map[string]string{
	"3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c": "Process (NT Kernel Logger)",
	"43d1a55c-76d6-4f7e-995c-64c711e5cafe": "Microsoft-Windows-WinINet",
	"a70ff94f-570b-4979-ba5c-e59c9feab61b": "Microsoft-Windows-WinINet-Capture",
	"2ed6006e-4729-4609-b423-3ee7bcd678ef": "Microsoft-Windows-NDIS-PacketCapture",
	"4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac": "Microsoft-Windows-PktMon",
}

// etwView returns the ETW facts of the packet: from the ETL event, or from a NetEvent layer.
type etwView struct {
	provider, name                string
	id, task                      uint16
	version, level, opcode, chann uint8
	keywords                      uint64
	pid, tid                      uint32
	ok                            bool
}

func (p *Packet) etw() (v etwView) {
	if e := p.Event; e != nil {
		return etwView{provider: e.Provider, name: e.ProviderName, id: e.ID, task: e.Task, version: e.Version, level: e.Level,
			opcode: e.Opcode, chann: e.Channel, keywords: e.Keywords, pid: e.ProcessID, tid: e.ThreadID, ok: true}
	}
	if l := p.Find(ProtoNetEvent); l != nil {
		if e, ok := parseNetEvent(p.LayerBytes(l)); ok {
			g := guidString(e.provider)
			return etwView{provider: g, name: netEventProviders[g], id: e.id, task: e.task, version: e.version, level: e.level,
				opcode: e.opcode, chann: e.channel, keywords: e.keywords, pid: e.pid, tid: e.tid, ok: true}
		}
	}
	return v
}

func etwU(fn func(v *etwView) uint64) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if v := p.etw(); v.ok {
			dst = append(dst, field.Value{U: fn(&v)})
		}
		return dst
	}
}

func etwS(fn func(v *etwView) string) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if v := p.etw(); v.ok {
			if s := fn(&v); s != "" {
				dst = append(dst, field.Value{B: []byte(s)})
			}
		}
		return dst
	}
}

// pktU reads a pktmon metadata value of a PktMon packet event.
func pktU(fn func(e *capture.EventInfo) uint64) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if p.Event != nil && p.Event.PktMon {
			dst = append(dst, field.Value{U: fn(p.Event)})
		}
		return dst
	}
}

var directionNames = func(v uint64) string {
	switch v {
	case 1:
		return "Inbound"
	case 2:
		return "Outbound"
	}
	return "Unknown"
}

var (
	fETW         = reg(field.Info{Abbrev: "etw", Name: "Event Tracing for Windows", Type: field.Protocol}, protoPresent(ProtoETW))
	fNetEvent    = reg(field.Info{Abbrev: "netevent", Name: "Network Monitor Event", Type: field.Protocol}, protoPresent(ProtoNetEvent))
	fETWProvider = reg(field.Info{Abbrev: "etw.provider", Name: "Provider ID", Type: field.String, Blurb: "the ETW provider GUID"}, etwS(func(v *etwView) string { return v.provider }))
	fETWProvName = reg(field.Info{Abbrev: "etw.provider_name", Name: "Provider name", Type: field.String}, etwS(func(v *etwView) string { return v.name }))
	fETWID       = reg(field.Info{Abbrev: "etw.id", Name: "Event ID", Type: field.Uint}, etwU(func(v *etwView) uint64 { return uint64(v.id) }))
	fETWVersion  = reg(field.Info{Abbrev: "etw.version", Name: "Event version", Type: field.Uint}, etwU(func(v *etwView) uint64 { return uint64(v.version) }))
	fETWLevel    = reg(field.Info{Abbrev: "etw.level", Name: "Level", Type: field.Uint}, etwU(func(v *etwView) uint64 { return uint64(v.level) }))
	fETWOpcode   = reg(field.Info{Abbrev: "etw.opcode", Name: "Opcode", Type: field.Uint}, etwU(func(v *etwView) uint64 { return uint64(v.opcode) }))
	fETWTask     = reg(field.Info{Abbrev: "etw.task", Name: "Task", Type: field.Uint}, etwU(func(v *etwView) uint64 { return uint64(v.task) }))
	fETWKeywords = reg(field.Info{Abbrev: "etw.keywords", Name: "Keywords", Type: field.Uint, Base: field.Hex, Bits: 64}, etwU(func(v *etwView) uint64 { return v.keywords }))
	fETWPID      = reg(field.Info{Abbrev: "etw.pid", Name: "Process ID", Type: field.Uint, Blurb: "the event header's process id; for packet events often not the sender's"}, etwU(func(v *etwView) uint64 { return uint64(v.pid) }))
	fETWHookID   = reg(field.Info{Abbrev: "etw.hook_id", Name: "Hook ID", Type: field.Uint, Base: field.Hex, Bits: 16, Blurb: "the group (high byte) and type of an ETW system record, which has no provider GUID"},
		func(p *Packet, dst []field.Value) []field.Value {
			if e := p.Event; e != nil && isSystemRecord(e.Kind) {
				dst = append(dst, field.Value{U: uint64(e.HookID)})
			}
			return dst
		})
	fETWTID       = reg(field.Info{Abbrev: "etw.tid", Name: "Thread ID", Type: field.Uint}, etwU(func(v *etwView) uint64 { return uint64(v.tid) }))
	fETWDirection = reg(field.Info{Abbrev: "etw.direction", Name: "Direction", Type: field.Uint, Names: directionNames, Blurb: "1 inbound (received), 2 outbound (sent)"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Event != nil && p.Event.Packet {
				dst = append(dst, field.Value{U: uint64(p.Event.Direction)})
			}
			return dst
		})
	fETWIfIndex = reg(field.Info{Abbrev: "etw.ifindex", Name: "Interface index", Type: field.Uint, Blurb: "NDIS MiniportIfIndex, or the pktmon component id"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Event != nil && p.Event.Packet {
				dst = append(dst, field.Value{U: uint64(p.Event.IfIndex)})
			}
			return dst
		})
	fETWLowerIfIndex = reg(field.Info{Abbrev: "etw.lower_ifindex", Name: "Lower interface index", Type: field.Uint},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Event != nil && p.Event.Packet && !p.Event.PktMon {
				dst = append(dst, field.Value{U: uint64(p.Event.LowerIfIndex)})
			}
			return dst
		})
	fETWUserLen = reg(field.Info{Abbrev: "etw.user_data_len", Name: "User data length", Type: field.Uint},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Event != nil && !p.Event.Packet {
				dst = append(dst, field.Value{U: uint64(len(p.Data))})
			} else if l := p.Find(ProtoNetEvent); l != nil {
				if e, ok := parseNetEvent(p.LayerBytes(l)); ok {
					dst = append(dst, field.Value{U: uint64(e.userLen)})
				}
			}
			return dst
		})
	fETWUserData = reg(field.Info{Abbrev: "etw.user_data", Name: "User data", Type: field.Bytes},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Event != nil && !p.Event.Packet {
				if len(p.Data) > 0 {
					dst = append(dst, field.Value{B: p.Data})
				}
			} else if l := p.Find(ProtoNetEvent); l != nil {
				if e, ok := parseNetEvent(p.LayerBytes(l)); ok && e.user != nil {
					dst = append(dst, field.Value{B: e.user})
				}
			}
			return dst
		})

	fPktGroup      = reg(field.Info{Abbrev: "pktmon.pkt_group_id", Name: "Packet group id", Type: field.Uint, Blurb: "the same value on every appearance of one packet"}, pktU(func(e *capture.EventInfo) uint64 { return e.PktGroupID }))
	fPktNumber     = reg(field.Info{Abbrev: "pktmon.pkt_number", Name: "Packet number", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.PktNumber) }))
	fPktAppearance = reg(field.Info{Abbrev: "pktmon.appearance", Name: "Appearance", Type: field.Uint, Blurb: "1 for the packet's first appearance in the stack, then 2, 3, …"}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.Appearance) }))
	fPktRepeat     = reg(field.Info{Abbrev: "pktmon.repeat", Name: "Repeated appearance", Type: field.Bool, Blurb: "1 when the same packet (group id and packet number) was already logged at another component; TCP analysis, HTTP and DNS pairing leave it alone"},
		pktU(func(e *capture.EventInfo) uint64 { return b2u(e.Repeat) }))
	fPktComponent = reg(field.Info{Abbrev: "pktmon.component", Name: "Component id", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.Component) }))
	fPktCompName  = reg(field.Info{Abbrev: "pktmon.component_name", Name: "Component name", Type: field.String},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Event != nil && p.Event.PktMon && p.Event.ComponentName != "" {
				dst = append(dst, field.Value{B: []byte(p.Event.ComponentName)})
			}
			return dst
		})
	fPktEdge     = reg(field.Info{Abbrev: "pktmon.edge", Name: "Edge id", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.Edge) }))
	fPktFilter   = reg(field.Info{Abbrev: "pktmon.filter", Name: "Filter id", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.Filter) }))
	fPktType     = reg(field.Info{Abbrev: "pktmon.packet_type", Name: "Packet type", Type: field.Uint, Names: func(v uint64) string { return [...]string{"", "Ethernet", "WiFi", "IP"}[min(v, 3)] }}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.MediaType) }))
	fPktOrigSize = reg(field.Info{Abbrev: "pktmon.original_size", Name: "Original size", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.OriginalSize) }))
	fPktLogged   = reg(field.Info{Abbrev: "pktmon.logged_size", Name: "Logged size", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.LoggedSize) }))
	fPktDropRsn  = reg(field.Info{Abbrev: "pktmon.drop_reason", Name: "Drop reason", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.DropReason) }))
	fPktDropLoc  = reg(field.Info{Abbrev: "pktmon.drop_location", Name: "Drop location", Type: field.Uint}, pktU(func(e *capture.EventInfo) uint64 { return uint64(e.DropLocation) }))

	fProcessName = reg(field.Info{Abbrev: "frame.process_name", Name: "Process name", Type: field.String, Blurb: "the image name of the process the trace attributes the frame to (NetMon's process table, or the kernel's process events in the trace for the event header's process id); a hint, not a fact: packet events are logged in whatever context handles the packet"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Process != "" {
				dst = append(dst, field.Value{B: []byte(p.Process)})
			}
			return dst
		})
	fProcessID = reg(field.Info{Abbrev: "frame.process_id", Name: "Process ID", Type: field.Uint, Blurb: "the process id the trace records for the frame (NetMon's process table, the ETW event header; absent when it is 0 or 0xFFFFFFFF); a hint, not a fact: packet events are logged in whatever context handles the packet"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.ProcessID != 0 {
				dst = append(dst, field.Value{U: uint64(p.ProcessID)})
			}
			return dst
		})
)

// protoPresent is the getter of a protocol field: present when the packet has that layer.
func protoPresent(pr Proto) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if p.Has(pr) {
			dst = append(dst, field.Value{})
		}
		return dst
	}
}

func etwTree(p *Packet, i int, t *Tree) {
	e := p.Event
	if e == nil {
		return
	}
	n := t.Proto("Event Tracing for Windows: "+string(appendETWName(nil, e)), "etw", 0, int(p.Layers[i].End))
	t.Add(n, fETWProvider, field.Value{B: []byte(e.Provider)}, 0, 0)
	t.Add(n, fETWProvName, field.Value{B: []byte(e.ProviderName)}, 0, 0)
	t.Add(n, fETWID, field.Value{U: uint64(e.ID)}, 0, 0)
	t.Add(n, fETWVersion, field.Value{U: uint64(e.Version)}, 0, 0)
	t.Add(n, fETWLevel, field.Value{U: uint64(e.Level)}, 0, 0)
	t.Add(n, fETWOpcode, field.Value{U: uint64(e.Opcode)}, 0, 0)
	t.Add(n, fETWTask, field.Value{U: uint64(e.Task)}, 0, 0)
	t.Add(n, fETWKeywords, field.Value{U: e.Keywords}, 0, 0)
	if isSystemRecord(e.Kind) {
		t.Add(n, fETWHookID, field.Value{U: uint64(e.HookID)}, 0, 0)
	}
	pid := t.Add(n, fETWPID, field.Value{U: uint64(e.ProcessID)}, 0, 0)
	if e.Packet {
		pid.Label = "Process ID: " + strconv.FormatUint(uint64(e.ProcessID), 10) + " (logged in the context that handled the packet: not necessarily its sender)"
	}
	t.Add(n, fETWTID, field.Value{U: uint64(e.ThreadID)}, 0, 0)
	if !e.Packet {
		t.Add(n, fETWUserLen, field.Value{U: uint64(len(p.Data))}, 0, 0)
		if len(p.Data) > 0 {
			t.Add(n, fETWUserData, field.Value{B: p.Data}, 0, len(p.Data))
		}
	}
	if e.Packet {
		t.Add(n, fETWDirection, field.Value{U: uint64(e.Direction)}, 0, 0)
		t.Add(n, fETWIfIndex, field.Value{U: uint64(e.IfIndex)}, 0, 0)
		if !e.PktMon {
			t.Add(n, fETWLowerIfIndex, field.Value{U: uint64(e.LowerIfIndex)}, 0, 0)
		}
	}
	if e.PktMon {
		m := t.Text(n, "PktMon: group "+strconv.FormatUint(e.PktGroupID, 10)+", appearance "+strconv.Itoa(int(e.Appearance))+" at component "+strconv.Itoa(int(e.Component)), 0, 0)
		t.Add(m, fPktGroup, field.Value{U: e.PktGroupID}, 0, 0)
		t.Add(m, fPktNumber, field.Value{U: uint64(e.PktNumber)}, 0, 0)
		t.Add(m, fPktAppearance, field.Value{U: uint64(e.Appearance)}, 0, 0)
		if e.Repeat {
			t.Add(m, fPktRepeat, field.Value{U: 1}, 0, 0).Label = "[Repeated appearance: this packet was logged at another component before; not analyzed again]"
		}
		t.Add(m, fPktComponent, field.Value{U: uint64(e.Component)}, 0, 0)
		if e.ComponentName != "" {
			t.Add(m, fPktCompName, field.Value{B: []byte(e.ComponentName)}, 0, 0)
		}
		t.Add(m, fPktEdge, field.Value{U: uint64(e.Edge)}, 0, 0)
		t.Add(m, fPktFilter, field.Value{U: uint64(e.Filter)}, 0, 0)
		t.Add(m, fPktType, field.Value{U: uint64(e.MediaType)}, 0, 0)
		t.Add(m, fPktOrigSize, field.Value{U: uint64(e.OriginalSize)}, 0, 0)
		t.Add(m, fPktLogged, field.Value{U: uint64(e.LoggedSize)}, 0, 0)
		if e.DropReason != 0 {
			t.Add(m, fPktDropRsn, field.Value{U: uint64(e.DropReason)}, 0, 0)
			t.Add(m, fPktDropLoc, field.Value{U: uint64(e.DropLocation)}, 0, 0)
		}
	}
}

func netEventSummary(p *Packet, i int, dst []byte) []byte {
	e, ok := parseNetEvent(p.LayerBytes(&p.Layers[i]))
	if !ok {
		return dst
	}
	g := guidString(e.provider)
	name := netEventProviders[g]
	if name == "" {
		name = "{" + g + "}"
	}
	dst = append(dst, name...)
	dst = append(dst, " event "...)
	dst = strconv.AppendUint(dst, uint64(e.id), 10)
	dst = append(dst, ", opcode "...)
	dst = strconv.AppendUint(dst, uint64(e.opcode), 10)
	dst = append(dst, ", PID "...)
	dst = strconv.AppendUint(dst, uint64(e.pid), 10)
	dst = append(dst, ", "...)
	dst = strconv.AppendUint(dst, uint64(e.userLen), 10)
	return append(dst, " bytes of user data"...)
}

func netEventTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	e, ok := parseNetEvent(b)
	if !ok {
		return
	}
	off := int(l.Off)
	g := guidString(e.provider)
	n := t.Proto("Network Monitor Event: "+string(netEventSummary(p, i, nil)), "netevent", off, len(b))
	t.Add(n, fETWPID, field.Value{U: uint64(e.pid)}, off+12, 4)
	t.Add(n, fETWTID, field.Value{U: uint64(e.tid)}, off+8, 4)
	t.Add(n, fETWProvider, field.Value{B: []byte(g)}, off+24, 16)
	if name := netEventProviders[g]; name != "" {
		t.Add(n, fETWProvName, field.Value{B: []byte(name)}, off+24, 16)
	}
	t.Add(n, fETWID, field.Value{U: uint64(e.id)}, off+40, 2)
	t.Add(n, fETWVersion, field.Value{U: uint64(e.version)}, off+42, 1)
	t.Add(n, fETWLevel, field.Value{U: uint64(e.level)}, off+44, 1)
	t.Add(n, fETWOpcode, field.Value{U: uint64(e.opcode)}, off+45, 1)
	t.Add(n, fETWTask, field.Value{U: uint64(e.task)}, off+46, 2)
	t.Add(n, fETWKeywords, field.Value{U: e.keywords}, off+48, 8)
	t.Add(n, fETWUserLen, field.Value{U: uint64(e.userLen)}, off+86, 2)
	if e.user != nil {
		t.Add(n, fETWUserData, field.Value{B: e.user}, off+len(b)-len(e.user), len(e.user))
	}
}

// isSystemRecord reports whether an ETL record kind is a system or PerfInfo record: no provider GUID,
// a hook id instead (the values of etl.HeaderSystem32 … etl.HeaderCompact64, etl.HeaderPerfInfo32/64).
func isSystemRecord(kind uint8) bool {
	return kind >= 0x01 && kind <= 0x04 || kind == 0x10 || kind == 0x11
}

// appendETWName appends the provider of an ETL event and its id: "Microsoft-Windows-PktMon event 160",
// or for a system record its hook id.
func appendETWName(dst []byte, e *capture.EventInfo) []byte {
	dst = append(dst, e.ProviderName...)
	if isSystemRecord(e.Kind) {
		dst = fmt.Appendf(dst, " hook 0x%04x", e.HookID)
		if e.HookID == 0 {
			dst = append(dst, " (logfile header)"...)
		}
		return dst
	}
	dst = append(dst, " event "...)
	return strconv.AppendUint(dst, uint64(e.ID), 10)
}

// etwSummary is the summary of an ETL event that carries no packet (capture.Reader.SetAllEvents), or of a
// packet event whose packet decoded to nothing, in the words of a NetEvent's: provider, event id, opcode,
// process id and the size of the user data (of the packet).
func etwSummary(p *Packet, i int, dst []byte) []byte {
	e := p.Event
	if e == nil {
		return dst
	}
	dst = appendETWName(dst, e)
	dst = append(dst, ", opcode "...)
	dst = strconv.AppendUint(dst, uint64(e.Opcode), 10)
	dst = append(dst, ", PID "...)
	dst = strconv.AppendUint(dst, uint64(e.ProcessID), 10)
	dst = append(dst, ", "...)
	dst = strconv.AppendUint(dst, uint64(len(p.Data)), 10)
	if e.Packet { // a packet event whose packet did not decode
		return append(dst, " bytes of packet"...)
	}
	return append(dst, " bytes of user data"...)
}

// processNote is the reliability note of the process items of the details tree.
const processNote = " [as the trace records it: a hint, not a fact; packet events are logged in whatever context handles the packet]"

// processTree adds the process the trace attributes the frame to (frame.process_name, frame.process_id)
// to the frame's item, with the note on its reliability.
func processTree(p *Packet, t *Tree, n *Node) {
	if p.Process != "" {
		t.Add(n, fProcessName, field.Value{B: []byte(p.Process)}, 0, 0).Label = "Process name: " + p.Process + processNote
	}
	if p.ProcessID != 0 {
		t.Add(n, fProcessID, field.Value{U: uint64(p.ProcessID)}, 0, 0).Label = "Process ID: " + strconv.FormatUint(uint64(p.ProcessID), 10) + processNote
	}
}

// Repeated reports whether the packet is a PktMon packet already logged at another component of the
// stack (capture.EventInfo.Repeat): the same packet, not a retransmission. Analyzers leave it alone.
func (p *Packet) Repeated() bool {
	// The rare bit first: Event lies on a cache line that every frame would otherwise read.
	return p.rare&rareEvent != 0 && p.Event != nil && p.Event.Repeat
}
