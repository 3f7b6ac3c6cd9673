package dissect

import "testing"

// ARP frames and tshark 4.0's fields for them (see frameCase in icmp_test.go).

func TestARPFrames(t *testing.T) { runFrameCases(t, arpCases) }

// FuzzARP decodes ARP packets inside an Ethernet frame, with the decoder's address tracking on, and
// reads every ARP field, the columns and the tree.
func FuzzARP(f *testing.F) {
	for _, c := range arpCases {
		if data := frameHex(c.frame); len(data) > 14 {
			f.Add(data[14:])
		}
	}
	ids := fieldIDs("arp")
	f.Fuzz(func(t *testing.T, msg []byte) {
		withMatching(t)
		fuzzProtocols(cat(ethHdr(0x0806), msg), ids)
	})
}

var arpCases = []frameCase{
	{
		name: "request",
		// who has 192.168.0.2, tell 192.168.0.1 (with Ethernet padding)
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00010011 2233445a c0a80001
			00000000 0000c0a8 00020000 00000000
			00000000 00000000 00000000`,
		want: map[string]string{
			"info":               "Who has 192.168.0.2? Tell 192.168.0.1",
			"arp.dst.hw_mac":     "00:00:00:00:00:00",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:5a",
			"arp.src.proto_ipv4": "192.168.0.1",
		},
	},
	{
		name: "reply",
		// 192.168.0.2 is at 00:11:22:33:44:66
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00020011 22334466 c0a80002
			00112233 445ac0a8 0001`,
		want: map[string]string{
			"info":               "192.168.0.2 is at 00:11:22:33:44:66",
			"arp.dst.hw_mac":     "00:11:22:33:44:5a",
			"arp.dst.proto_ipv4": "192.168.0.1",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "2",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:66",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "gratuitous request",
		// sender and target protocol addresses equal, target MAC not zero
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00010011 22334455 c0a80002
			ffffffff ffffc0a8 0002`,
		want: map[string]string{
			"info":               "Gratuitous ARP for 192.168.0.2 (Request)",
			"arp.dst.hw_mac":     "ff:ff:ff:ff:ff:ff",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.isgratuitous":   "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "announcement",
		// gratuitous request with a zero target MAC
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00010011 22334455 c0a80051
			00000000 0000c0a8 0051`,
		want: map[string]string{
			"info":               "ARP Announcement for 192.168.0.81",
			"arp.dst.hw_mac":     "00:00:00:00:00:00",
			"arp.dst.proto_ipv4": "192.168.0.81",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.isannouncement": "1",
			"arp.isgratuitous":   "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.81",
		},
	},
	{
		name: "gratuitous reply",
		// gratuitous reply
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00020011 22334455 c0a80002
			ffffffff ffffc0a8 0002`,
		want: map[string]string{
			"info":               "Gratuitous ARP for 192.168.0.2 (Reply)",
			"arp.dst.hw_mac":     "ff:ff:ff:ff:ff:ff",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.isgratuitous":   "1",
			"arp.opcode":         "2",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "probe",
		// sender IP 0.0.0.0 and zero target MAC
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00010011 22334455 00000000
			00000000 0000c0a8 0002`,
		want: map[string]string{
			"info":               "Who has 192.168.0.2? (ARP Probe)",
			"arp.dst.hw_mac":     "00:00:00:00:00:00",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.isprobe":        "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "0.0.0.0",
		},
	},
	{
		name: "not a probe",
		// sender IP 0.0.0.0 but a target MAC that is not zero
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00010011 22334455 00000000
			00000000 0001c0a8 0002`,
		want: map[string]string{
			"info":               "Who has 192.168.0.2? Tell 0.0.0.0",
			"arp.dst.hw_mac":     "00:00:00:00:00:01",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "0.0.0.0",
		},
	},
	{
		name: "rarp request",
		// RARP (EtherType 0x8035) reverse request
		frame: `
			ffffffff ffff0011 22334455 80350001
			08000604 00030011 2233445a 00000000
			00112233 44550000 0000`,
		want: map[string]string{
			"info":               "Who is 00:11:22:33:44:55? Tell 00:11:22:33:44:5a",
			"arp.dst.hw_mac":     "00:11:22:33:44:55",
			"arp.dst.proto_ipv4": "0.0.0.0",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "3",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:5a",
			"arp.src.proto_ipv4": "0.0.0.0",
		},
	},
	{
		name: "rarp reply",
		// RARP reverse reply
		frame: `
			ffffffff ffff0011 22334455 80350001
			08000604 00040011 2233445a c0a80001
			00112233 4455c0a8 0002`,
		want: map[string]string{
			"info":               "00:11:22:33:44:55 is at 192.168.0.2",
			"arp.dst.hw_mac":     "00:11:22:33:44:55",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "4",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:5a",
			"arp.src.proto_ipv4": "192.168.0.1",
		},
	},
	{
		name: "inverse reply",
		// inverse ARP reply
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00090011 2233445a c0a80001
			00112233 4455c0a8 0002`,
		want: map[string]string{
			"info":               "00:11:22:33:44:5a is at 192.168.0.1",
			"arp.dst.hw_mac":     "00:11:22:33:44:55",
			"arp.dst.proto_ipv4": "192.168.0.2",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "9",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:5a",
			"arp.src.proto_ipv4": "192.168.0.1",
		},
	},
	{
		name: "drarp error",
		// DRARP error: the target protocol address holds the status
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00070011 22334455 c0a80002
			ffffffff ffff03a8 0002`,
		want: map[string]string{
			"info":                       "DRARP Error",
			"arp.dst.drarp_error_status": "3",
			"arp.dst.hw_mac":             "ff:ff:ff:ff:ff:ff",
			"arp.hw.size":                "6",
			"arp.hw.type":                "1",
			"arp.opcode":                 "7",
			"arp.proto.size":             "4",
			"arp.proto.type":             "0x0800",
			"arp.src.hw_mac":             "00:11:22:33:44:55",
			"arp.src.proto_ipv4":         "192.168.0.2",
		},
	},
	{
		name: "unknown opcode",
		// opcode 0xaaaa
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 aaaa0011 22334455 c0a80002
			ffffffff ffffc0a8 0003`,
		want: map[string]string{
			"info":               "Unknown ARP opcode 0xaaaa",
			"arp.dst.hw_mac":     "ff:ff:ff:ff:ff:ff",
			"arp.dst.proto_ipv4": "192.168.0.3",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "43690",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "reserved opcode",
		// opcode 0
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00000011 22334455 c0a80002
			ffffffff ffffc0a8 0003`,
		want: map[string]string{
			"info":               "Reserved opcode 0",
			"arp.dst.hw_mac":     "ff:ff:ff:ff:ff:ff",
			"arp.dst.proto_ipv4": "192.168.0.3",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "0",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "mars",
		// MARS join
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 000e0011 22334455 c0a80002
			ffffffff ffffc0a8 0003`,
		want: map[string]string{
			"info":               "MARS JOIN request from 00:11:22:33:44:55 at 192.168.0.2",
			"arp.dst.hw_mac":     "ff:ff:ff:ff:ff:ff",
			"arp.dst.proto_ipv4": "192.168.0.3",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "14",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "experimental",
		// experimental opcode 25
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00190011 22334455 c0a80002
			ffffffff ffffc0a8 0003`,
		want: map[string]string{
			"info":               "Experimental 2 ( opcode 25 )",
			"arp.dst.hw_mac":     "ff:ff:ff:ff:ff:ff",
			"arp.dst.proto_ipv4": "192.168.0.3",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "25",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto_ipv4": "192.168.0.2",
		},
	},
	{
		name: "non-Ethernet hardware",
		// ARCNET-style 1-byte hardware addresses: raw arp.src.hw
		frame: `
			ffffffff ffff0011 22334455 08060007
			08000104 0002500a 50837ebe 0a508301`,
		want: map[string]string{
			"info":               "10.80.131.126 is at 50",
			"arp.dst.hw":         "be",
			"arp.dst.proto_ipv4": "10.80.131.1",
			"arp.hw.size":        "1",
			"arp.hw.type":        "7",
			"arp.opcode":         "2",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw":         "50",
			"arp.src.proto_ipv4": "10.80.131.126",
		},
	},
	{
		name: "long hardware address",
		// 40-byte hardware addresses: the Info column cuts them after 36 bytes
		frame: `
			ffffffff ffff0011 22334455 08060007
			08002804 0002abab abababab abababab
			abababab abababab abababab abababab
			abababab abababab abababab abab0a00
			0001abab abababab abababab abababab
			abababab abababab abababab abababab
			abababab abababab abab0a00 0002`,
		want: map[string]string{
			"info":               "10.0.0.1 is at abababababababababababababababababababababababababababababababababababab…",
			"arp.dst.hw":         "abababababababababababababababababababababababababababababababababababababababab",
			"arp.dst.proto_ipv4": "10.0.0.2",
			"arp.hw.size":        "40",
			"arp.hw.type":        "7",
			"arp.opcode":         "2",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw":         "abababababababababababababababababababababababababababababababababababababababab",
			"arp.src.proto_ipv4": "10.0.0.1",
		},
	},
	{
		name: "protocol address of 2 bytes",
		// non-IPv4 protocol address, gratuitous
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000602 00010011 22334455 00050000
			00000000 0005`,
		want: map[string]string{
			"info":               "ARP Announcement for 0005",
			"arp.dst.hw_mac":     "00:00:00:00:00:00",
			"arp.dst.proto":      "0005",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.isannouncement": "1",
			"arp.isgratuitous":   "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "2",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "00:11:22:33:44:55",
			"arp.src.proto":      "0005",
		},
	},
	{
		name: "no protocol address",
		// protocol size 0: a probe for <No address>
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000600 00010011 22334455 00000000
			0000`,
		want: map[string]string{
			"info":           "Who has <No address>? (ARP Probe)",
			"arp.dst.hw_mac": "00:00:00:00:00:00",
			"arp.hw.size":    "6",
			"arp.hw.type":    "1",
			"arp.isprobe":    "1",
			"arp.opcode":     "1",
			"arp.proto.size": "0",
			"arp.proto.type": "0x0800",
			"arp.src.hw_mac": "00:11:22:33:44:55",
		},
	},
	{
		name: "cut after opcode",
		// addresses missing: malformed, nothing after the opcode
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00010011 2233445a c0a80001
			00000000 0000c0a8`,
		want: map[string]string{
			"info":               "",
			"malformed":          "1",
			"arp.hw.size":        "6",
			"arp.hw.type":        "1",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x0800",
			"arp.src.hw_mac":     "",
			"arp.src.proto_ipv4": "",
		},
	},
	{
		name: "seven bytes",
		// shorter than the fixed header
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000604 00`,
		want: map[string]string{
			"info":           "",
			"malformed":      "1",
			"arp.hw.size":    "6",
			"arp.hw.type":    "1",
			"arp.opcode":     "",
			"arp.proto.size": "4",
			"arp.proto.type": "0x0800",
		},
	},
	{
		name: "atm arp",
		// hardware type 19 (ATM ARP), too short for its addresses
		frame: `
			ffffffff ffff0011 22334455 08060013
			08000604 00010011 22334455 0a000001
			00000000 00000a00 0002`,
		want: map[string]string{
			"info":        "",
			"malformed":   "1",
			"arp.hw.type": "",
			"arp.opcode":  "",
		},
	},
	{
		name: "ax25 request",
		// AX.25 hardware (type 3): 7-byte addresses in arp.src.hw_ax25, no gratuitous fields
		frame: `
			ffffffff ffff0011 22334455 08060003
			00cc0704 00019c94 a6a8b0b0 600a0000
			01000000 00000000 0a000001`,
		want: map[string]string{
			"info":               "Gratuitous ARP for 10.0.0.1 (Request)",
			"arp.dst.hw_ax25":    "00:00:00:00:00:00:00",
			"arp.dst.proto_ipv4": "10.0.0.1",
			"arp.hw.size":        "7",
			"arp.hw.type":        "3",
			"arp.isgratuitous":   "",
			"arp.opcode":         "1",
			"arp.proto.size":     "4",
			"arp.proto.type":     "0x00cc",
			"arp.src.hw_ax25":    "9c:94:a6:a8:b0:b0:60",
			"arp.src.proto_ipv4": "10.0.0.1",
		},
	},
	{
		name: "ax25 too short",
		// AX.25 ARP longer than the frame: Wireshark shows nothing
		frame: `
			ffffffff ffff0011 22334455 08060003
			08000604 00010011 22334455 0a000001`,
		want: map[string]string{
			"info":        "",
			"malformed":   "1",
			"arp.hw.type": "",
			"arp.opcode":  "",
		},
	},
	{
		name: "tiny addresses",
		// 1-byte hardware and empty protocol addresses: the probe test reads past the packet and fails
		frame: `
			ffffffff ffff0011 22334455 08060001
			08000100 0001ef00 00000000 00000000
			00000000 00000000 0000`,
		want: map[string]string{
			"info":           "Who has <No address>? Tell <No address>",
			"arp.dst.hw":     "00",
			"arp.hw.size":    "1",
			"arp.hw.type":    "1",
			"arp.opcode":     "1",
			"arp.proto.size": "0",
			"arp.proto.type": "0x0800",
			"arp.src.hw":     "ef",
		},
	},
}
