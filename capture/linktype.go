package capture

import "strconv"

// LinkType is a pcap LINKTYPE_ value: it says what header each frame's data
// starts with. The values are those of the tcpdump.org link-layer header type
// registry, which pcap and pcapng files share.
type LinkType uint32

// Link types. Readers map the values that some operating systems wrote into
// files instead of the LINKTYPE_ ones (DLT_RAW as 12 or 14) to their LINKTYPE_
// value.
const (
	LinkTypeNull         LinkType = 0   // BSD loopback: a 4-byte address family in the capturing host's byte order
	LinkTypeEthernet     LinkType = 1   // Ethernet (DIX or 802.3)
	LinkTypeTokenRing    LinkType = 6   // IEEE 802.5 Token Ring
	LinkTypeSLIP         LinkType = 8   // SLIP
	LinkTypePPP          LinkType = 9   // PPP, RFC 1661 framing
	LinkTypeFDDI         LinkType = 10  // FDDI
	LinkTypePPPHDLC      LinkType = 50  // PPP in HDLC-like framing
	LinkTypePPPoE        LinkType = 51  // PPPoE session without the Ethernet header
	LinkTypeATMRFC1483   LinkType = 100 // LLC/SNAP-encapsulated ATM
	LinkTypeRaw          LinkType = 101 // raw IPv4 or IPv6, told apart by the version nibble
	LinkTypeCHDLC        LinkType = 104 // Cisco HDLC
	LinkTypeIEEE80211    LinkType = 105 // IEEE 802.11 without a radio header
	LinkTypeFrameRelay   LinkType = 107 // Frame Relay
	LinkTypeLoop         LinkType = 108 // OpenBSD loopback: a 4-byte address family in network byte order
	LinkTypeLinuxSLL     LinkType = 113 // Linux "cooked" capture, version 1
	LinkTypePFLog        LinkType = 117 // OpenBSD pflog
	LinkTypePrism        LinkType = 119 // 802.11 with a Prism header
	LinkTypeSunATM       LinkType = 123 // SunATM
	LinkTypeRadiotap     LinkType = 127 // 802.11 with a radiotap header
	LinkTypeJuniperMLPPP LinkType = 130 // Juniper MLPPP
	LinkTypeUSBLinux     LinkType = 189 // Linux USB, 48-byte header
	LinkTypePPI          LinkType = 192 // Per-Packet Information header
	LinkTypeIEEE802154   LinkType = 195 // IEEE 802.15.4 with FCS
	LinkTypeERF          LinkType = 197 // Endace ERF records
	LinkTypeUSBLinuxMM   LinkType = 220 // Linux USB, 64-byte memory-mapped header
	LinkTypeIPNet        LinkType = 226 // Solaris ipnet
	LinkTypeCAN          LinkType = 227 // Linux SocketCAN
	LinkTypeIPv4         LinkType = 228 // raw IPv4
	LinkTypeIPv6         LinkType = 229 // raw IPv6
	LinkTypeDBus         LinkType = 231 // D-Bus messages
	LinkTypeNFLog        LinkType = 239 // Linux netfilter NFLOG
	LinkTypeIPoIB        LinkType = 242 // IP over InfiniBand
	LinkTypeUSBPcap      LinkType = 249 // Windows USBPcap
	LinkTypeBluetoothLE  LinkType = 251 // Bluetooth Low Energy link layer
	LinkTypeNetlink      LinkType = 253 // Linux netlink
	LinkTypePKTAP        LinkType = 258 // Apple PKTAP
	LinkTypeLinuxSLL2    LinkType = 276 // Linux "cooked" capture, version 2
	LinkTypeEBHSCR       LinkType = 279 // Elektrobit high-speed capture and replay
	LinkTypeETW          LinkType = 290 // Event Tracing for Windows messages
)

// Link types of records that have no LINKTYPE_ value. They are wirelens's own,
// above 0xFFFF so that no file can hold them, and never written to a file.
const (
	// LinkTypeNetMonMedia | media is a NetMon frame of a media type without
	// a LINKTYPE_ value (its bytes are not decoded).
	LinkTypeNetMonMedia LinkType = 0x10000
	// LinkTypeNetMonEvent is a NetMon "NetEvent" frame: an ETW event as
	// Network Monitor stores it (media type 0xFFE0).
	LinkTypeNetMonEvent LinkType = LinkTypeNetMonMedia | 0xFFE0
	// LinkTypeNetMon80211 is 802.11 with Network Monitor's radio header.
	LinkTypeNetMon80211 LinkType = LinkTypeNetMonMedia | 6
	// LinkTypeETLEvent is an event of an ETL trace that carries no packet,
	// shown as a message of its own (Frame.Event holds it).
	LinkTypeETLEvent LinkType = 0x20000
)

// linkTypeNames are the names String returns; they follow the short
// descriptions that capture tools commonly show.
var linkTypeNames = map[LinkType]string{
	LinkTypeNull:         "BSD loopback",
	LinkTypeEthernet:     "Ethernet",
	3:                    "AX.25",
	6:                    "Token Ring",
	7:                    "ARCNET",
	LinkTypeSLIP:         "SLIP",
	LinkTypePPP:          "PPP",
	LinkTypeFDDI:         "FDDI",
	LinkTypePPPHDLC:      "PPP in HDLC-like framing",
	LinkTypePPPoE:        "PPPoE",
	LinkTypeATMRFC1483:   "RFC 1483 ATM",
	LinkTypeRaw:          "Raw IP",
	LinkTypeCHDLC:        "Cisco HDLC",
	LinkTypeIEEE80211:    "IEEE 802.11",
	LinkTypeFrameRelay:   "Frame Relay",
	LinkTypeLoop:         "OpenBSD loopback",
	LinkTypeLinuxSLL:     "Linux cooked v1",
	114:                  "LocalTalk",
	LinkTypePFLog:        "OpenBSD pflog",
	LinkTypePrism:        "802.11 plus Prism header",
	122:                  "RFC 2625 IP over Fibre Channel",
	LinkTypeSunATM:       "SunATM",
	LinkTypeRadiotap:     "802.11 plus radiotap header",
	129:                  "Linux ARCNET",
	LinkTypeJuniperMLPPP: "Juniper MLPPP",
	138:                  "Apple IP over IEEE 1394",
	139:                  "MTP2 with pseudo-header",
	140:                  "MTP2",
	141:                  "MTP3",
	142:                  "SCCP",
	143:                  "DOCSIS",
	144:                  "Linux IrDA",
	163:                  "802.11 plus AVS header",
	165:                  "BACnet MS/TP",
	166:                  "PPP with direction (pppd)",
	169:                  "GPRS LLC",
	177:                  "Linux LAPD",
	187:                  "Bluetooth HCI UART",
	LinkTypeUSBLinux:     "Linux USB",
	LinkTypePPI:          "802.11 plus PPI header",
	LinkTypeIEEE802154:   "IEEE 802.15.4",
	LinkTypeERF:          "Endace ERF",
	201:                  "Bluetooth HCI UART with direction",
	204:                  "PPP with direction",
	205:                  "Cisco HDLC with direction",
	206:                  "Frame Relay with direction",
	LinkTypeUSBLinuxMM:   "Linux USB (memory-mapped)",
	LinkTypeIPNet:        "Solaris ipnet",
	LinkTypeCAN:          "SocketCAN",
	LinkTypeIPv4:         "Raw IPv4",
	LinkTypeIPv6:         "Raw IPv6",
	230:                  "IEEE 802.15.4 without FCS",
	LinkTypeDBus:         "D-Bus",
	LinkTypeNFLog:        "Linux netfilter NFLOG",
	240:                  "netANALYZER",
	241:                  "netANALYZER transparent",
	LinkTypeIPoIB:        "IP over InfiniBand",
	243:                  "MPEG-2 TS",
	247:                  "InfiniBand",
	248:                  "SCTP",
	LinkTypeUSBPcap:      "USBPcap",
	LinkTypeBluetoothLE:  "Bluetooth LE link layer",
	LinkTypeNetlink:      "Linux netlink",
	254:                  "Bluetooth Linux monitor",
	256:                  "Bluetooth LE link layer with pseudo-header",
	LinkTypePKTAP:        "Apple PKTAP",
	263:                  "Wattstopper DLM",
	266:                  "USB (Darwin)",
	270:                  "LoRaTap",
	271:                  "Linux vsock",
	272:                  "Nordic BLE",
	274:                  "Ethernet with mPackets",
	LinkTypeLinuxSLL2:    "Linux cooked v2",
	LinkTypeEBHSCR:       "EBHSCR",
	280:                  "VPP dispatch trace",
	281:                  "Broadcom tag",
	282:                  "Broadcom tag (prepended)",
	283:                  "IEEE 802.15.4 TAP",
	284:                  "Marvell DSA",
	285:                  "Marvell EDSA",
	290:                  "ETW events",
}

// String returns a short name for l, such as "Ethernet" or "Raw IP", or
// "LINKTYPE n" for a value without a name here.
func (l LinkType) String() string {
	if s, ok := linkTypeNames[l]; ok {
		return s
	}
	if l >= 147 && l <= 162 {
		return "USER" + strconv.Itoa(int(l-147))
	}
	return "LINKTYPE " + strconv.FormatUint(uint64(l), 10)
}

// linkTypeFromFile turns the link-layer type field of a pcap file header or a
// pcapng interface description into a LinkType: it keeps the low 16 bits (the
// upper ones of a pcap header carry the FCS length) and maps the DLT_RAW values
// that some systems wrote (12, 14) to LinkTypeRaw.
func linkTypeFromFile(v uint32) LinkType {
	v &= 0xffff
	switch v {
	case 12, 14:
		return LinkTypeRaw
	}
	return LinkType(v)
}

// maxSnapLen returns the largest captured length that Wireshark accepts for a
// record of link type l; a longer one marks a corrupt file.
func maxSnapLen(l LinkType) int {
	switch l {
	case LinkTypeDBus, LinkTypeUSBPcap:
		return 128 << 20
	case LinkTypeEBHSCR:
		return 8 << 20
	}
	return 262144
}
