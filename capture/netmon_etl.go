package capture

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
	// ThreadID is the thread id of the event header.
	ThreadID uint32
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
