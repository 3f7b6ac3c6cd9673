package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/wirelens/wirelens/capture/etl"
)

// EventInfo is what an ETW event header and a packet provider's event say
// about a frame read from an ETL trace (Frame.Event).
type EventInfo struct {
	// Provider is the provider's GUID in its text form
	// ("4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac"); ProviderName its name when
	// the trace or wirelens knows it.
	Provider, ProviderName string
	// ID, Version, Channel, Level, Opcode, Task and Keywords are the event
	// descriptor.
	ID                              uint16
	Version, Channel, Level, Opcode uint8
	Task                            uint16
	Keywords                        uint64
	// ThreadID and ProcessID are the thread and process ids of the event
	// header, as recorded (0xFFFFFFFF for many kernel events).
	ThreadID, ProcessID uint32
	// Kind is the record's header type (etl.HeaderEvent64, …) and HookID
	// the group and type of a system or PerfInfo record, which names the
	// event where there is no provider GUID.
	Kind   uint8
	HookID uint16
	// Processor is the number of the processor whose buffer held the event.
	Processor uint16

	// Packet is true for an event that carries a packet: the frame's data
	// are the packet's bytes. Otherwise the data are the event's user data.
	Packet bool
	// Direction is 1 for a received packet, 2 for a sent one, 0 unknown (the
	// values of pcapng's epb_flags direction bits).
	Direction uint8
	// IfIndex is the interface index: NDIS-PacketCapture's MiniportIfIndex,
	// PktMon's PktMon component id's interface; LowerIfIndex NDIS's lower
	// interface index.
	IfIndex, LowerIfIndex uint32

	// PktMon is true for a Microsoft-Windows-PktMon packet event; the fields
	// below are its metadata.
	PktMon bool
	// PktGroupID identifies one packet through all its appearances;
	// PktNumber and Appearance count them.
	PktGroupID            uint64
	PktNumber, Appearance uint16
	// Repeat is true when the same packet (PktGroupID and PktNumber) was
	// already returned at another component: analyzers leave it alone, so
	// that a packet logged at four components is not taken for three
	// retransmissions.
	Repeat bool
	// Component is the id of the stack component that logged the packet,
	// ComponentName its name when the trace describes it; Edge and Filter
	// the component's edge and the pktmon filter that matched.
	Component     uint16
	ComponentName string
	Edge, Filter  uint16
	// MediaType is PktMon's packet type (1 Ethernet, 2 WiFi, 3 IP, …).
	MediaType uint16
	// OriginalSize and LoggedSize are the packet's size and the bytes logged.
	OriginalSize, LoggedSize uint32
	// DropReason and DropLocation are set for a dropped packet (event 170).
	DropReason, DropLocation uint32
}

// Providers whose events carry packets, and a few others named in messages.
var (
	providerPktMon        = etl.ParseGUID("4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac")
	providerNDISCap       = etl.ParseGUID("2ed6006e-4729-4609-b423-3ee7bcd678ef")
	providerKernelProcess = etl.ParseGUID("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c")
	knownProviderName     = map[etl.GUID]string{
		providerPktMon:  "Microsoft-Windows-PktMon",
		providerNDISCap: "Microsoft-Windows-NDIS-PacketCapture",
		etl.ParseGUID("9e814aad-3204-11d2-9a82-006008a86939"): "NT Kernel Logger (system trace)",
		providerKernelProcess: "Process (NT Kernel Logger)",
		etl.ParseGUID("68fdd900-4a3e-11d1-84f4-0000f80464e3"): "EventTraceEvent (logfile header)",
		etl.ParseGUID("bbccf6c1-6cd1-48c4-80ff-839482e37671"): "EventMetadata (event schemas)",
		etl.ParseGUID("dd5ef90a-6398-47a4-ad34-4dcecdef795f"): "Microsoft-Windows-HttpService",
		etl.ParseGUID("7dd42a49-5329-4832-8dfd-43d979153a88"): "Microsoft-Windows-Kernel-Network",
		{}: "ETW system records (logfile header, rundown)",
	}
)

// NDIS-PacketCapture keywords (event 1001).
const (
	ndisKeywordStart = 0x40000000
	ndisKeywordEnd   = 0x80000000
	ndisKeywordSend  = 0x100000000
	ndisKeywordRecv  = 0x200000000
	ndisKeywordWiFi  = 0x10000
	ndisKeywordWWAN  = 0x200
	etlMaxPacket     = 262144 // a packet assembled from NDIS fragments is cut here
)

// etlSource turns the events of an ETL trace into frames: one per packet event, in file order.
type etlSource struct {
	r          *etl.Reader
	ev         etl.Event
	info       EventInfo
	frag       []byte // NDIS fragments of a packet not ended yet
	fragEv     EventInfo
	fragTime   uint64
	fragPID    uint32
	fragLink   LinkType
	fragActive bool
	ifaceIndex map[uint64]int // (kind<<32 | interface key) -> index in Reader.ifaces
	components map[uint16]string
	packets    int
	others     map[etl.GUID]int
	otherN     int
	done       bool
	notes      []string
	all        bool              // every event becomes a frame (Reader.SetAllEvents)
	pids       map[uint32]string // process names from kernel process events
	counted    bool              // the current event carries no packet
	seen       map[uint64]bool   // PktMon packets (group id, packet number) returned, the last maxSeenPackets
	seenOrder  []uint64          // the same keys in the order they were seen, for forgetting the oldest
}

// maxSeenPackets bounds the PktMon packets remembered for Repeat: the appearances of one packet are
// logged within microseconds of each other, far fewer packets apart than this.
const maxSeenPackets = 1 << 16

// repeated reports whether the PktMon packet of key was returned before, and remembers it.
func (s *etlSource) repeated(key uint64) bool {
	if s.seen[key] {
		return true
	}
	if s.seen == nil {
		s.seen = map[uint64]bool{}
	}
	if len(s.seenOrder) >= maxSeenPackets {
		delete(s.seen, s.seenOrder[0])
		s.seenOrder = s.seenOrder[1:]
	}
	s.seen[key] = true
	s.seenOrder = append(s.seenOrder, key)
	return false
}

// startETL prepares r to read an ETL trace; its first bytes are in r.buf.
func (r *Reader) startETL() error {
	src := io.MultiReader(bytes.NewReader(append([]byte(nil), r.buf[r.r:r.w]...)), r.src)
	er, err := etl.NewReader(src)
	if err != nil {
		return &TruncatedError{Frame: 1, Reason: err.Error()}
	}
	r.format = FormatETL
	r.alt = &etlSource{r: er, ifaceIndex: map[uint64]int{}, components: map[uint16]string{}, others: map[etl.GUID]int{}}
	return nil
}

func (s *etlSource) notesList() []string { return s.notes }

// providerName returns a provider's name when known, else its GUID.
func providerName(g etl.GUID) string {
	if n, ok := knownProviderName[g]; ok {
		return n
	}
	return "{" + g.String() + "}"
}

func (s *etlSource) next(r *Reader, f *Frame) error {
	for {
		err := s.r.Next(&s.ev)
		if err != nil {
			if !s.done {
				s.done = true
				s.finish()
			}
			if err == io.EOF {
				return io.EOF
			}
			var fe *etl.FormatError
			if errors.As(err, &fe) {
				return &TruncatedError{Offset: fe.Offset, Frame: r.frames + 1, Reason: fe.Reason}
			}
			return fmt.Errorf("capture: %w", err)
		}
		ev := &s.ev
		s.counted = false
		s.learnProcess()
		switch {
		case ev.Provider == providerPktMon && (ev.ID == 160 || ev.ID == 170):
			if s.pktmon(r, f) {
				return nil
			}
		case ev.Provider == providerPktMon && ev.ID == 20:
			s.component()
			s.count()
		case ev.Provider == providerNDISCap && ev.ID == 1001:
			if s.ndis(r, f) {
				return nil
			}
		default:
			s.count()
		}
		if s.all && s.counted {
			s.event(r, f)
			return nil
		}
	}
}

// SetAllEvents makes an ETL trace return every event, not only those that carry packets: an event without
// a packet becomes a frame of link type LinkTypeETLEvent whose Data is the event's user data and whose
// Event describes it (Event.Packet false), in file order among the packets. Call it before the first
// Next. NetMon NetEvent frames are always returned; other formats have no such events.
func (r *Reader) SetAllEvents(on bool) {
	if s, ok := r.alt.(*etlSource); ok {
		s.all = on
	}
}

// event turns the current event, which carries no packet, into a frame.
func (s *etlSource) event(r *Reader, f *Frame) {
	s.header()
	ev := &s.ev
	data := ev.UserData
	pid := knownPID(ev.ProcessID)
	*f = Frame{Data: data[:len(data):len(data)], OrigLen: len(data), TimeNS: FileTimeToUnixNano(ev.Time),
		LinkType: LinkTypeETLEvent, Offset: int64(ev.Buffer)<<32 | int64(ev.Offset), ProcessID: pid, Process: s.pids[pid], Event: &s.info}
	f.Interface = s.iface(r, 3, 0, LinkTypeETLEvent, "ETW events", "ETW events that carry no packet")
}

// learnProcess records the image name of a process from a kernel process event (a system record of the
// process group, or a classic event of the kernel Process provider): start, rundown start and end.
func (s *etlSource) learnProcess() {
	ev := &s.ev
	var ptr64 bool
	switch {
	case ev.Provider == (etl.GUID{}) && (ev.Kind == etl.HeaderSystem32 || ev.Kind == etl.HeaderSystem64) && isProcessHook(ev.HookID):
		ptr64 = ev.Kind == etl.HeaderSystem64
	case ev.Provider == providerKernelProcess && (ev.Opcode == 1 || ev.Opcode == 3 || ev.Opcode == 4):
		ptr64 = ev.Kind == etl.HeaderFull64 || ev.Kind == etl.HeaderInstance64 || ev.Kind == etl.HeaderEvent64 && ev.Flags&0x20 == 0
	default:
		return
	}
	if pid, name, ok := parseProcessEvent(ev.UserData, ev.Version, ptr64); ok {
		if s.pids == nil {
			s.pids = map[uint32]string{}
		}
		if len(s.pids) < maxProcessNames {
			s.pids[pid] = name
		}
	}
}

func (s *etlSource) count() {
	s.counted = true
	s.others[s.ev.Provider]++
	s.otherN++
}

// finish writes the notes: how many packets, and which providers the other events came from.
func (s *etlSource) finish() {
	type pc struct {
		name string
		n    int
	}
	var list []pc
	for g, n := range s.others {
		list = append(list, pc{providerName(g), n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].name < list[j].name
	})
	var b strings.Builder
	for i, p := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%d)", p.name, p.n)
	}
	if s.packets == 0 {
		s.notes = append(s.notes, fmt.Sprintf("this ETL trace holds no packet events (no Microsoft-Windows-PktMon or NDIS-PacketCapture packets); its %d events come from: %s", s.otherN, b.String()))
		if !s.all && s.otherN > 0 {
			s.notes = append(s.notes, "list --all-events shows the events")
		}
	} else if s.otherN > 0 && s.all {
		s.notes = append(s.notes, fmt.Sprintf("%d packet events and %d other events read, from: %s", s.packets, s.otherN, b.String()))
	} else if s.otherN > 0 {
		s.notes = append(s.notes, fmt.Sprintf("%d packet events read; %d other events not shown (list --all-events shows them), from: %s", s.packets, s.otherN, b.String()))
	}
	if s.r.Skipped > 0 {
		s.notes = append(s.notes, fmt.Sprintf("%d records could not be parsed and were skipped", s.r.Skipped))
	}
}

// component records the name of a pktmon component (event 20: id, type, name, description).
func (s *etlSource) component() {
	b := s.ev.UserData
	if len(b) < 4 || len(s.components) > 4096 {
		return
	}
	id := binary.LittleEndian.Uint16(b)
	name, rest := utf16Prefix(b[4:])
	desc, _ := utf16Prefix(rest)
	if desc != "" && desc != name {
		name += " (" + desc + ")"
	}
	s.components[id] = name
}

// utf16Prefix decodes a NUL-terminated UTF-16 string and returns the bytes after it.
func utf16Prefix(b []byte) (string, []byte) {
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			return utf16String(b[:i]), b[i+2:]
		}
	}
	return utf16String(b), nil
}

// header fills the EventInfo fields of the event header.
func (s *etlSource) header() {
	ev := &s.ev
	s.info = EventInfo{
		Provider: ev.Provider.String(), ProviderName: providerName(ev.Provider),
		ID: ev.ID, Version: ev.Version, Channel: ev.Channel, Level: ev.Level, Opcode: ev.Opcode,
		Task: ev.Task, Keywords: ev.Keywords, ThreadID: ev.ThreadID, ProcessID: ev.ProcessID, Processor: ev.Processor,
		Kind: ev.Kind, HookID: ev.HookID,
	}
}

// iface returns the index of the interface for (kind, key), adding it the first time.
func (s *etlSource) iface(r *Reader, kind uint32, key uint32, lt LinkType, name, desc string) int {
	k := uint64(kind)<<32 | uint64(key)
	if i, ok := s.ifaceIndex[k]; ok {
		return i
	}
	r.ifaces = append(r.ifaces, Interface{LinkType: lt, Name: name, Description: desc})
	s.ifaceIndex[k] = len(r.ifaces) - 1
	return len(r.ifaces) - 1
}

// pktmonLinkType maps PktMon's PacketType to a link type.
func pktmonLinkType(t uint16) LinkType {
	switch t {
	case 1:
		return LinkTypeEthernet
	case 2:
		return LinkTypeIEEE80211
	case 3:
		return LinkTypeRaw
	}
	return LinkTypeETLEvent
}

// pktmon turns a PktMon packet event (160, or 170 for a dropped packet) into a frame. Its user data:
// PktGroupId u64, PktNumber, AppearanceCount, DirTag, PacketType, ComponentId, EdgeId, FilterId (u16 each),
// DropReason, DropLocation (u32), OriginalPayloadSize, LoggedPayloadSize (u16) and the payload.
func (s *etlSource) pktmon(r *Reader, f *Frame) bool {
	b := s.ev.UserData
	const fixed = 34
	if len(b) < fixed {
		s.count()
		return false
	}
	le := binary.LittleEndian
	s.header()
	in := &s.info
	in.Packet, in.PktMon = true, true
	in.PktGroupID = le.Uint64(b)
	in.PktNumber = le.Uint16(b[8:])
	in.Appearance = le.Uint16(b[10:])
	dir := le.Uint16(b[12:])
	in.MediaType = le.Uint16(b[14:])
	in.Component = le.Uint16(b[16:])
	in.Edge = le.Uint16(b[18:])
	in.Filter = le.Uint16(b[20:])
	in.DropReason = le.Uint32(b[22:])
	in.DropLocation = le.Uint32(b[26:])
	in.OriginalSize = uint32(le.Uint16(b[30:]))
	in.LoggedSize = uint32(le.Uint16(b[32:]))
	in.ComponentName = s.components[in.Component]
	in.Repeat = s.repeated(in.PktGroupID<<16 ^ uint64(in.PktNumber))
	in.Direction = pktmonDirection(dir)
	in.IfIndex = uint32(in.Component)
	data := b[fixed:]
	if int(in.LoggedSize) < len(data) {
		data = data[:in.LoggedSize]
	}
	lt := pktmonLinkType(in.MediaType)
	name := fmt.Sprintf("pktmon component %d", in.Component)
	*f = Frame{Data: data[:len(data):len(data)], OrigLen: max(int(in.OriginalSize), len(data)), TimeNS: FileTimeToUnixNano(s.ev.Time),
		LinkType: lt, Offset: int64(s.ev.Buffer)<<32 | int64(s.ev.Offset), Flags: uint32(in.Direction),
		ProcessID: knownPID(s.ev.ProcessID), Event: in}
	f.Process = s.pids[f.ProcessID]
	f.Interface = s.iface(r, 1, uint32(in.Component), lt, name, in.ComponentName)
	s.packets++
	return true
}

// pktmonDirection maps PktMon's DirTag to pcapng's direction bits (1 inbound, 2 outbound).
// In pktmon-demikernel.etl, 3 marks the packets from the remote host (Rx) and 4 the host's own (Tx), at
// every component; other values are kept as unknown.
func pktmonDirection(d uint16) uint8 {
	switch d {
	case 3:
		return 1
	case 4:
		return 2
	}
	return 0
}

// ndis turns an NDIS-PacketCapture fragment (event 1001: MiniportIfIndex, LowerIfIndex, FragmentSize,
// Fragment) into a frame, joining the fragments of a packet split over several events.
func (s *etlSource) ndis(r *Reader, f *Frame) bool {
	b := s.ev.UserData
	if len(b) < 12 {
		s.count()
		return false
	}
	le := binary.LittleEndian
	miniport, lower, n := le.Uint32(b), le.Uint32(b[4:]), int(le.Uint32(b[8:]))
	frag := b[12:]
	if n < len(frag) {
		frag = frag[:n]
	}
	kw := s.ev.Keywords
	if kw&ndisKeywordStart != 0 || !s.fragActive {
		s.header()
		s.fragEv = s.info
		s.fragEv.Packet = true
		s.fragEv.IfIndex, s.fragEv.LowerIfIndex = miniport, lower
		switch {
		case kw&ndisKeywordSend != 0:
			s.fragEv.Direction = 2
		case kw&ndisKeywordRecv != 0:
			s.fragEv.Direction = 1
		}
		s.fragLink = LinkTypeEthernet
		switch {
		case kw&ndisKeywordWiFi != 0:
			s.fragLink = LinkTypeIEEE80211
		case kw&ndisKeywordWWAN != 0:
			s.fragLink = LinkTypeRaw
		}
		s.fragTime = s.ev.Time
		s.fragPID = s.ev.ProcessID
		s.frag = s.frag[:0]
		s.fragActive = true
	}
	if room := etlMaxPacket - len(s.frag); room > 0 {
		s.frag = append(s.frag, frag[:min(len(frag), room)]...)
	}
	if kw&ndisKeywordEnd == 0 && kw&ndisKeywordStart != 0 || kw&(ndisKeywordStart|ndisKeywordEnd) == 0 {
		return false // more fragments follow
	}
	s.fragActive = false
	s.info = s.fragEv
	in := &s.info
	lt := s.fragLink
	*f = Frame{Data: s.frag[:len(s.frag):len(s.frag)], OrigLen: len(s.frag), TimeNS: FileTimeToUnixNano(s.fragTime),
		LinkType: lt, Offset: int64(s.ev.Buffer)<<32 | int64(s.ev.Offset), Flags: uint32(in.Direction),
		ProcessID: knownPID(s.fragPID), Event: in}
	f.Process = s.pids[f.ProcessID]
	if lt != LinkTypeIEEE80211 {
		if l := ipTotalLength(s.frag, lt); l > len(s.frag) {
			f.OrigLen = l // truncation is not recorded: the IP header says how long the packet was
		}
	}
	f.Interface = s.iface(r, 2, lower, lt, fmt.Sprintf("ifIndex %d", lower), fmt.Sprintf("NDIS miniport ifIndex %d, lower ifIndex %d", miniport, lower))
	s.packets++
	return true
}

// ipTotalLength returns the length of the packet the IPv4 or IPv6 header in data claims (with the
// Ethernet header for Ethernet), or 0.
func ipTotalLength(data []byte, lt LinkType) int {
	off := 0
	if lt == LinkTypeEthernet {
		if len(data) < 14 {
			return 0
		}
		switch binary.BigEndian.Uint16(data[12:]) {
		case 0x0800, 0x86dd:
			off = 14
		default:
			return 0
		}
	}
	ip := data[off:]
	if len(ip) < 1 {
		return 0
	}
	switch ip[0] >> 4 {
	case 4:
		if len(ip) >= 4 {
			return off + int(binary.BigEndian.Uint16(ip[2:]))
		}
	case 6:
		if len(ip) >= 6 {
			return off + 40 + int(binary.BigEndian.Uint16(ip[4:]))
		}
	}
	return 0
}
