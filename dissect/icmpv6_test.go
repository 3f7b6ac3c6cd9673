package dissect

import "testing"

// ICMPv6 frames and tshark 4.0's fields for them (see frameCase in icmp_test.go).

func TestICMPv6Frames(t *testing.T) { runFrameCases(t, icmpv6Cases) }

// FuzzICMPv6 decodes ICMPv6 messages inside an Ethernet/IPv6 frame and reads every ICMPv6 field, the
// columns and the tree.
func FuzzICMPv6(f *testing.F) {
	for _, c := range icmpv6Cases {
		data := frameHex(c.frame)
		if len(data) > 54 && data[12] == 0x86 && data[13] == 0xdd && data[20] == 58 {
			f.Add(data[54:])
		}
	}
	ids := fieldIDs("icmpv6", "icmp.", "ipv6.", "udp.", "tcp.")
	f.Fuzz(func(t *testing.T, msg []byte) {
		withMatching(t)
		ip := frameHex("60000000 0000 3a 40 fe800000000000000000000000000001 ff020000000000000000000000000001")
		ip[4], ip[5] = byte(len(msg)>>8), byte(len(msg))
		fuzzProtocols(cat(ethHdr(0x86dd), ip, msg), ids)
	})
}

var icmpv6Cases = []frameCase{
	{
		name: "echo request",
		// IPv6 fe80::1 → ff02::1, echo request id 0x1234 seq 5 with 6 bytes of data
		frame: `
			33330000 00010011 22334455 86dd6000
			0000000e 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018000 45cb1234 00056162
			63646566`,
		want: map[string]string{
			"info":                        "Echo (ping) request id=0x1234, seq=5, hop limit=255",
			"data.len":                    "6",
			"icmpv6.checksum":             "0x45cb",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.echo.identifier":      "0x1234",
			"icmpv6.echo.sequence_number": "5",
			"icmpv6.type":                 "128",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "echo reply",
		// echo reply (hop limit 64)
		frame: `
			33330000 00010011 22334455 86dd6000
			0000000e 3a402001 0db80000 00000000
			00000000 00022001 0db80000 00000000
			00000000 00018100 e6db1234 00056162
			63646566`,
		want: map[string]string{
			"info":                        "Echo (ping) reply id=0x1234, seq=5, hop limit=64",
			"data.len":                    "6",
			"icmpv6.checksum":             "0xe6db",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.echo.identifier":      "0x1234",
			"icmpv6.echo.sequence_number": "5",
			"icmpv6.type":                 "129",
			"ipv6.dst":                    "2001:db8::1",
			"ipv6.src":                    "2001:db8::2",
		},
	},
	{
		name: "echo cut to 7 bytes",
		// echo request of 7 bytes: malformed, no sequence number
		frame: `
			33330000 00010011 22334455 86dd6000
			00000007 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018000 6ffe1234 00`,
		want: map[string]string{
			"info":                        "Echo (ping) request",
			"malformed":                   "1",
			"icmpv6.checksum":             "0x6ffe",
			"icmpv6.checksum.status":      "0",
			"icmpv6.code":                 "0",
			"icmpv6.echo.identifier":      "0x1234",
			"icmpv6.echo.sequence_number": "",
			"icmpv6.type":                 "128",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "icmpv6 of 3 bytes",
		// three bytes: type and code only
		frame: `
			33330000 00010011 22334455 86dd6000
			00000003 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018000 6f`,
		want: map[string]string{
			"info":            "Echo (ping) request",
			"malformed":       "1",
			"icmpv6.checksum": "",
			"icmpv6.code":     "0",
			"icmpv6.type":     "128",
			"ipv6.dst":        "ff02::1",
			"ipv6.src":        "fe80::1",
		},
	},
	{
		name: "bad checksum",
		// echo request with a wrong checksum
		frame: `
			33330000 00010011 22334455 86dd6000
			00000008 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018000 beef1234 0005`,
		want: map[string]string{
			"info":                        "Echo (ping) request id=0x1234, seq=5, hop limit=255",
			"icmpv6.checksum":             "0xbeef",
			"icmpv6.checksum.status":      "0",
			"icmpv6.code":                 "0",
			"icmpv6.echo.identifier":      "0x1234",
			"icmpv6.echo.sequence_number": "5",
			"icmpv6.type":                 "128",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "destination unreachable",
		// port unreachable quoting a whole UDP datagram
		frame: `
			33330000 00010011 22334455 86dd6000
			00000040 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010104 9cca0000 00006000
			00000010 11ff2001 0db80000 00000000
			00000000 00012001 0db80000 00000000
			00000000 000204d2 00350010 00006162
			63646566 6768`,
		want: map[string]string{
			"info":                   "Destination Unreachable (Port unreachable)",
			"icmpv6.checksum":        "0x9cca",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "4",
			"icmpv6.reserved":        "00000000",
			"icmpv6.type":            "1",
			"ipv6.dst":               "ff02::1,2001:db8::2",
			"ipv6.src":               "fe80::1,2001:db8::1",
			"udp.dstport":            "53",
			"udp.srcport":            "1234",
		},
	},
	{
		name: "destination unreachable without quote",
		// no quoted packet: malformed in Wireshark
		frame: `
			33330000 00010011 22334455 86dd6000
			00000008 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010100 01380000 0000`,
		want: map[string]string{
			"info":                   "Destination Unreachable (no route to destination)",
			"malformed":              "1",
			"icmpv6.checksum":        "0x0138",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "0",
			"icmpv6.reserved":        "00000000",
			"icmpv6.type":            "1",
			"ipv6.dst":               "ff02::1",
			"ipv6.src":               "fe80::1",
		},
	},
	{
		name: "destination unreachable short quote",
		// 20 bytes of IPv6 header quoted: malformed
		frame: `
			33330000 00010011 22334455 86dd6000
			0000001c 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010100 615b0000 00006000
			00000010 11ff2001 0db80000 00000000
			0000`,
		want: map[string]string{
			"info":                   "Destination Unreachable (no route to destination)",
			"malformed":              "1",
			"icmpv6.checksum":        "0x615b",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "0",
			"icmpv6.reserved":        "00000000",
			"icmpv6.type":            "1",
		},
	},
	{
		name: "packet too big",
		// packet too big, MTU 1280
		frame: `
			33330000 00010011 22334455 86dd6000
			00000038 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010200 286c0000 05006000
			00000010 11ff2001 0db80000 00000000
			00000000 00012001 0db80000 00000000
			00000000 000204d2 00350010 0000`,
		want: map[string]string{
			"info":                   "Packet Too Big",
			"icmpv6.checksum":        "0x286c",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "0",
			"icmpv6.mtu":             "1280",
			"icmpv6.type":            "2",
			"ipv6.dst":               "ff02::1,2001:db8::2",
			"ipv6.src":               "fe80::1,2001:db8::1",
			"udp.dstport":            "53",
			"udp.srcport":            "1234",
		},
	},
	{
		name: "time exceeded quoting echo",
		// hop limit exceeded quoting an echo request
		frame: `
			33330000 00010011 22334455 86dd6000
			0000003c 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010300 643e0000 00006000
			0000000c 3aff2001 0db80000 00000000
			00000000 00012001 0db80000 00000000
			00000000 00028000 5f6e0007 00086162
			6364`,
		want: map[string]string{
			"info":                        "Time Exceeded (hop limit exceeded in transit)",
			"data.len":                    "4",
			"icmpv6.checksum":             "0x643e,0x5f6e",
			"icmpv6.checksum.status":      "1,2",
			"icmpv6.code":                 "0,0",
			"icmpv6.echo.identifier":      "0x0007",
			"icmpv6.echo.sequence_number": "8",
			"icmpv6.reserved":             "00000000",
			"icmpv6.type":                 "3,128",
			"ipv6.dst":                    "ff02::1,2001:db8::2",
			"ipv6.src":                    "fe80::1,2001:db8::1",
		},
	},
	{
		name: "parameter problem",
		// parameter problem, pointer 40
		frame: `
			33330000 00010011 22334455 86dd6000
			00000038 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010401 2b430000 00286000
			00000010 11ff2001 0db80000 00000000
			00000000 00012001 0db80000 00000000
			00000000 000204d2 00350010 0000`,
		want: map[string]string{
			"info":                   "Parameter Problem (unrecognized Next Header type encountered)",
			"icmpv6.checksum":        "0x2b43",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "1",
			"icmpv6.pointer":         "40",
			"icmpv6.type":            "4",
			"ipv6.dst":               "ff02::1,2001:db8::2",
			"ipv6.src":               "fe80::1,2001:db8::1",
			"udp.dstport":            "53",
			"udp.srcport":            "1234",
		},
	},
	{
		name: "time exceeded with extension",
		// RFC 4884 length 16 words (128 bytes), then an MPLS label stack
		frame: `
			33330000 00010011 22334455 86dd6000
			00000094 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010300 8a7a1000 00006000
			00000010 11ff2001 0db80000 00000000
			00000000 00012001 0db80000 00000000
			00000000 000204d2 00350010 00006162
			63646566 67680000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00000000
			00000000 00000000 00000000 00002000
			7add0008 01010018 6401`,
		want: map[string]string{
			"info":                     "Time Exceeded (hop limit exceeded in transit)",
			"icmp.ext.checksum":        "0x7add",
			"icmp.ext.checksum.status": "1",
			"icmp.ext.class":           "1",
			"icmp.ext.ctype":           "1",
			"icmp.ext.length":          "8",
			"icmp.ext.res":             "0x0000",
			"icmp.ext.version":         "2",
			"icmp.mpls.exp":            "2",
			"icmp.mpls.label":          "390",
			"icmp.mpls.s":              "0",
			"icmp.mpls.ttl":            "1",
			"icmpv6.checksum":          "0x8a7a",
			"icmpv6.checksum.status":   "1",
			"icmpv6.code":              "0",
			"icmpv6.length":            "16",
			"icmpv6.reserved":          "000000",
			"icmpv6.type":              "3",
			"ipv6.dst":                 "ff02::1,2001:db8::2",
			"ipv6.src":                 "fe80::1,2001:db8::1",
			"udp.dstport":              "53",
			"udp.srcport":              "1234",
		},
	},
	{
		name: "MLDv1 query",
		// multicast listener query, maximum response delay 10000 ms
		frame: `
			33330000 00010011 22334455 86dd6000
			00000018 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018200 59172710 00000000
			00000000 00000000 00000000 0000`,
		want: map[string]string{
			"info":                              "Multicast Listener Query",
			"icmpv6.checksum":                   "0x5917",
			"icmpv6.checksum.status":            "1",
			"icmpv6.code":                       "0",
			"icmpv6.mld.maximum_response_delay": "10000",
			"icmpv6.mld.multicast_address":      "::",
			"icmpv6.reserved":                   "0000",
			"icmpv6.type":                       "130",
			"ipv6.dst":                          "ff02::1",
			"ipv6.src":                          "fe80::1",
		},
	},
	{
		name: "MLDv2 query",
		// MLDv2 query with a floating-point maximum response code and one source
		frame: `
			33330000 00010011 22334455 86dd6000
			0000002c 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018200 f6008100 00000000
			00000000 00000000 00000000 00000a8d
			0001fe80 00000000 00000000 00000000
			0003`,
		want: map[string]string{
			"info":                             "Multicast Listener Query",
			"icmpv6.checksum":                  "0xf600",
			"icmpv6.checksum.status":           "1",
			"icmpv6.code":                      "0",
			"icmpv6.mld.flag":                  "0x0a",
			"icmpv6.mld.flag.qrv":              "2",
			"icmpv6.mld.flag.s":                "1",
			"icmpv6.mld.maximum_response_code": "34816",
			"icmpv6.mld.multicast_address":     "::",
			"icmpv6.mld.nb_sources":            "1",
			"icmpv6.mld.qqi":                   "232",
			"icmpv6.mld.source_address":        "fe80::3",
			"icmpv6.reserved":                  "0000",
			"icmpv6.type":                      "130",
			"ipv6.dst":                         "ff02::1",
			"ipv6.src":                         "fe80::1",
		},
	},
	{
		name: "MLD report",
		// multicast listener report for ff02::5
		frame: `
			33330000 00010011 22334455 86dd6000
			00000018 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018300 801f0000 0000ff02
			00000000 00000000 00000000 0005`,
		want: map[string]string{
			"info":                              "Multicast Listener Report",
			"icmpv6.checksum":                   "0x801f",
			"icmpv6.checksum.status":            "1",
			"icmpv6.code":                       "0",
			"icmpv6.mld.maximum_response_delay": "0",
			"icmpv6.mld.multicast_address":      "ff02::5",
			"icmpv6.reserved":                   "0000",
			"icmpv6.type":                       "131",
			"ipv6.dst":                          "ff02::1",
			"ipv6.src":                          "fe80::1",
		},
	},
	{
		name: "MLD done",
		// multicast listener done
		frame: `
			33330000 00010011 22334455 86dd6000
			00000018 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018400 7f1f0000 0000ff02
			00000000 00000000 00000000 0005`,
		want: map[string]string{
			"info":                              "Multicast Listener Done",
			"icmpv6.checksum":                   "0x7f1f",
			"icmpv6.checksum.status":            "1",
			"icmpv6.code":                       "0",
			"icmpv6.mld.maximum_response_delay": "0",
			"icmpv6.mld.multicast_address":      "ff02::5",
			"icmpv6.reserved":                   "0000",
			"icmpv6.type":                       "132",
			"ipv6.dst":                          "ff02::1",
			"ipv6.src":                          "fe80::1",
		},
	},
	{
		name: "MLD report cut",
		// MLD report without its multicast address: malformed
		frame: `
			33330000 00010011 22334455 86dd6000
			00000010 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018300 7f2f0000 00000000
			00000000 0000`,
		want: map[string]string{
			"info":                              "Multicast Listener Report",
			"malformed":                         "1",
			"icmpv6.checksum":                   "0x7f2f",
			"icmpv6.checksum.status":            "1",
			"icmpv6.code":                       "0",
			"icmpv6.mld.maximum_response_delay": "0",
			"icmpv6.reserved":                   "0000",
			"icmpv6.type":                       "131",
			"ipv6.dst":                          "ff02::1",
			"ipv6.src":                          "fe80::1",
		},
	},
	{
		name: "MLDv2 report",
		// MLDv2 report with two records
		frame: `
			33330000 00010011 22334455 86dd6000
			00000040 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018f00 6f720000 00020400
			0001ff02 00000000 00000000 00000000
			0005fe80 00000000 00000000 00000000
			00030200 0000ff02 00000000 00000000
			00000000 00fb`,
		want: map[string]string{
			"info":                              "Multicast Listener Report Message v2",
			"icmpv6.checksum":                   "0x6f72",
			"icmpv6.checksum.status":            "1",
			"icmpv6.code":                       "0",
			"icmpv6.mldr.mar.aux_data_len":      "0,0",
			"icmpv6.mldr.mar.multicast_address": "ff02::5,ff02::fb",
			"icmpv6.mldr.mar.nb_sources":        "1,0",
			"icmpv6.mldr.mar.record_type":       "4,2",
			"icmpv6.mldr.mar.source_address":    "fe80::3",
			"icmpv6.mldr.nb_mcast_records":      "2",
			"icmpv6.reserved":                   "0000",
			"icmpv6.type":                       "143",
			"ipv6.dst":                          "ff02::1",
			"ipv6.src":                          "fe80::1",
		},
	},
	{
		name: "router solicitation",
		// router solicitation with a source link-layer address
		frame: `
			33330000 00010011 22334455 86dd6000
			00000010 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018500 15950000 00000101
			00112233 4455`,
		want: map[string]string{
			"info":                    "Router Solicitation from 00:11:22:33:44:55",
			"icmpv6.checksum":         "0x1595",
			"icmpv6.checksum.status":  "1",
			"icmpv6.code":             "0",
			"icmpv6.opt.length":       "1",
			"icmpv6.opt.linkaddr":     "00:11:22:33:44:55",
			"icmpv6.opt.src_linkaddr": "00:11:22:33:44:55",
			"icmpv6.opt.type":         "1",
			"icmpv6.reserved":         "00000000",
			"icmpv6.type":             "133",
			"ipv6.dst":                "ff02::1",
			"ipv6.src":                "fe80::1",
		},
	},
	{
		name: "router advertisement",
		// router advertisement: flags M, O, high preference; source link-layer, MTU and prefix options
		frame: `
			33330000 00010011 22334455 86dd6000
			00000040 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018600 887340c8 07080000
			000a0000 000b0101 00112233 44550501
			00000000 05dc0304 40c00027 8d000009
			3a800000 00002001 0db80000 00010000
			00000000 0000`,
		want: map[string]string{
			"info":                                 "Router Advertisement from 00:11:22:33:44:55",
			"icmpv6.checksum":                      "0x8873",
			"icmpv6.checksum.status":               "1",
			"icmpv6.code":                          "0",
			"icmpv6.nd.ra.cur_hop_limit":           "64",
			"icmpv6.nd.ra.flag":                    "0xc8",
			"icmpv6.nd.ra.flag.h":                  "0",
			"icmpv6.nd.ra.flag.m":                  "1",
			"icmpv6.nd.ra.flag.o":                  "1",
			"icmpv6.nd.ra.flag.p":                  "0",
			"icmpv6.nd.ra.flag.prf":                "1",
			"icmpv6.nd.ra.flag.rsv":                "0",
			"icmpv6.nd.ra.reachable_time":          "10",
			"icmpv6.nd.ra.retrans_timer":           "11",
			"icmpv6.nd.ra.router_lifetime":         "1800",
			"icmpv6.opt.length":                    "1,1,4",
			"icmpv6.opt.linkaddr":                  "00:11:22:33:44:55",
			"icmpv6.opt.mtu":                       "1500",
			"icmpv6.opt.prefix":                    "2001:db8:0:1::",
			"icmpv6.opt.prefix.flag":               "0xc0",
			"icmpv6.opt.prefix.flag.a":             "1",
			"icmpv6.opt.prefix.flag.l":             "1",
			"icmpv6.opt.prefix.flag.r":             "0",
			"icmpv6.opt.prefix.flag.reserved":      "0",
			"icmpv6.opt.prefix.length":             "64",
			"icmpv6.opt.prefix.preferred_lifetime": "604800",
			"icmpv6.opt.prefix.valid_lifetime":     "2592000",
			"icmpv6.opt.src_linkaddr":              "00:11:22:33:44:55",
			"icmpv6.opt.type":                      "1,5,3",
			"icmpv6.type":                          "134",
			"ipv6.dst":                             "ff02::1",
			"ipv6.src":                             "fe80::1",
		},
	},
	{
		name: "router advertisement RDNSS DNSSL route",
		// route information, recursive DNS server and DNS search list options
		frame: `
			33330000 00010011 22334455 86dd6000
			00000058 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018600 6f1e4000 00000000
			00000000 00001802 30080000 1c20fd8d
			4fb35b2e 00001903 00000000 0708fd8d
			4fb35b2e 00000000 00000000 00011f04
			00000000 0708036c 616e0007 6578616d
			706c6503 636f6d00 00000000 0000`,
		want: map[string]string{
			"info":                                        "Router Advertisement",
			"icmpv6.checksum":                             "0x6f1e",
			"icmpv6.checksum.status":                      "1",
			"icmpv6.code":                                 "0",
			"icmpv6.nd.ra.cur_hop_limit":                  "64",
			"icmpv6.nd.ra.flag":                           "0x00",
			"icmpv6.nd.ra.flag.h":                         "0",
			"icmpv6.nd.ra.flag.m":                         "0",
			"icmpv6.nd.ra.flag.o":                         "0",
			"icmpv6.nd.ra.flag.p":                         "0",
			"icmpv6.nd.ra.flag.prf":                       "0",
			"icmpv6.nd.ra.flag.rsv":                       "0",
			"icmpv6.nd.ra.reachable_time":                 "0",
			"icmpv6.nd.ra.retrans_timer":                  "0",
			"icmpv6.nd.ra.router_lifetime":                "0",
			"icmpv6.opt.dnssl":                            "lan,example.com",
			"icmpv6.opt.dnssl.lifetime":                   "1800",
			"icmpv6.opt.length":                           "2,3,4",
			"icmpv6.opt.prefix":                           "fd8d:4fb3:5b2e::",
			"icmpv6.opt.prefix.length":                    "48",
			"icmpv6.opt.rdnss":                            "fd8d:4fb3:5b2e::1",
			"icmpv6.opt.rdnss.lifetime":                   "1800",
			"icmpv6.opt.route_info.flag":                  "0x08",
			"icmpv6.opt.route_info.flag.reserved":         "0",
			"icmpv6.opt.route_info.flag.route_preference": "1",
			"icmpv6.opt.route_lifetime":                   "7200",
			"icmpv6.opt.type":                             "24,25,31",
			"icmpv6.type":                                 "134",
			"ipv6.dst":                                    "ff02::1",
			"ipv6.src":                                    "fe80::1",
		},
	},
	{
		name: "neighbor solicitation",
		// neighbor solicitation for fe80::3 from 00:11:22:33:44:55
		frame: `
			33330000 00010011 22334455 86dd6000
			00000020 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018700 15010000 0000fe80
			00000000 00000000 00000000 00030101
			00112233 4455`,
		want: map[string]string{
			"info":                        "Neighbor Solicitation for fe80::3 from 00:11:22:33:44:55",
			"icmpv6.checksum":             "0x1501",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.nd.ns.target_address": "fe80::3",
			"icmpv6.opt.length":           "1",
			"icmpv6.opt.linkaddr":         "00:11:22:33:44:55",
			"icmpv6.opt.src_linkaddr":     "00:11:22:33:44:55",
			"icmpv6.opt.type":             "1",
			"icmpv6.reserved":             "00000000",
			"icmpv6.type":                 "135",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "neighbor solicitation EUI-64",
		// source link-layer address option holding an EUI-64
		frame: `
			33330000 00010011 22334455 86dd6000
			00000028 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018700 ae800000 0000fe80
			00000000 00000000 00000000 00030102
			00112233 44556677 00000000 0000`,
		want: map[string]string{
			"info":                          "Neighbor Solicitation for fe80::3 from 00:11:22:33:44:55:66:77",
			"icmpv6.checksum":               "0xae80",
			"icmpv6.checksum.status":        "1",
			"icmpv6.code":                   "0",
			"icmpv6.nd.ns.target_address":   "fe80::3",
			"icmpv6.opt.length":             "2",
			"icmpv6.opt.linkaddr_eui64":     "00:11:22:33:44:55:66:77",
			"icmpv6.opt.src_linkaddr_eui64": "00:11:22:33:44:55:66:77",
			"icmpv6.opt.type":               "1",
			"icmpv6.reserved":               "00000000",
			"icmpv6.type":                   "135",
			"ipv6.dst":                      "ff02::1",
			"ipv6.src":                      "fe80::1",
		},
	},
	{
		name: "neighbor solicitation zero option length",
		// an option of length zero ends the walk; Wireshark calls it malformed
		frame: `
			33330000 00010011 22334455 86dd6000
			00000020 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018700 15020000 0000fe80
			00000000 00000000 00000000 00030100
			00112233 4455`,
		want: map[string]string{
			"info":                        "Neighbor Solicitation for fe80::3",
			"malformed":                   "1",
			"icmpv6.checksum":             "0x1502",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.nd.ns.target_address": "fe80::3",
			"icmpv6.opt.length":           "0",
			"icmpv6.opt.type":             "1",
			"icmpv6.reserved":             "00000000",
			"icmpv6.type":                 "135",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "neighbor solicitation cut",
		// target address cut short: malformed
		frame: `
			33330000 00010011 22334455 86dd6000
			00000010 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018700 7cae0000 0000fe80
			00000000 0000`,
		want: map[string]string{
			"info":                        "Neighbor Solicitation",
			"malformed":                   "1",
			"icmpv6.checksum":             "0x7cae",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.nd.ns.target_address": "",
			"icmpv6.reserved":             "00000000",
			"icmpv6.type":                 "135",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "neighbor advertisement",
		// solicited, override; target link-layer address option
		frame: `
			33330000 00010011 22334455 86dd6000
			00000020 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018800 b3006000 0000fe80
			00000000 00000000 00000000 00030201
			00112233 4455`,
		want: map[string]string{
			"info":                        "Neighbor Advertisement fe80::3 (sol, ovr) is at 00:11:22:33:44:55",
			"icmpv6.checksum":             "0xb300",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.nd.na.flag":           "0x60000000",
			"icmpv6.nd.na.flag.o":         "1",
			"icmpv6.nd.na.flag.r":         "0",
			"icmpv6.nd.na.flag.rsv":       "0",
			"icmpv6.nd.na.flag.s":         "1",
			"icmpv6.nd.na.target_address": "fe80::3",
			"icmpv6.opt.length":           "1",
			"icmpv6.opt.linkaddr":         "00:11:22:33:44:55",
			"icmpv6.opt.target_linkaddr":  "00:11:22:33:44:55",
			"icmpv6.opt.type":             "2",
			"icmpv6.type":                 "136",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "neighbor advertisement no flags",
		// no flag set: "(none)"
		frame: `
			33330000 00010011 22334455 86dd6000
			00000018 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018800 7ba30000 0000fe80
			00000000 00000000 00000000 0003`,
		want: map[string]string{
			"info":                        "Neighbor Advertisement fe80::3 (none)",
			"icmpv6.checksum":             "0x7ba3",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.nd.na.flag":           "0x00000000",
			"icmpv6.nd.na.flag.o":         "0",
			"icmpv6.nd.na.flag.r":         "0",
			"icmpv6.nd.na.flag.rsv":       "0",
			"icmpv6.nd.na.flag.s":         "0",
			"icmpv6.nd.na.target_address": "fe80::3",
			"icmpv6.type":                 "136",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "neighbor advertisement option cut",
		// an option longer than the message: malformed, no option fields
		frame: `
			33330000 00010011 22334455 86dd6000
			00000020 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018800 73ffa000 0000fe80
			00000000 00000000 00000000 00030102
			00112233 4455`,
		want: map[string]string{
			"info":                        "Neighbor Advertisement fe80::3 (rtr, ovr)",
			"malformed":                   "1",
			"icmpv6.checksum":             "0x73ff",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.nd.na.flag":           "0xa0000000",
			"icmpv6.nd.na.flag.o":         "1",
			"icmpv6.nd.na.flag.r":         "1",
			"icmpv6.nd.na.flag.rsv":       "0",
			"icmpv6.nd.na.flag.s":         "0",
			"icmpv6.nd.na.target_address": "fe80::3",
			"icmpv6.opt.length":           "2",
			"icmpv6.opt.type":             "1",
			"icmpv6.type":                 "136",
			"ipv6.dst":                    "ff02::1",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "redirect",
		// redirect with a redirected header option quoting part of a UDP datagram
		frame: `
			33330000 00010011 22334455 86dd6000
			00000060 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00018900 75f60000 0000fe80
			00000000 00000000 00000000 00032001
			0db80000 00000000 00000000 00090407
			00000000 00006000 00000010 11ff2001
			0db80000 00000000 00000000 00012001
			0db80000 00000000 00000000 000204d2
			00350010 0000`,
		want: map[string]string{
			"info":                             "Redirect",
			"icmpv6.checksum":                  "0x75f6",
			"icmpv6.checksum.status":           "1",
			"icmpv6.code":                      "0",
			"icmpv6.nd.rd.target_address":      "fe80::3",
			"icmpv6.opt.length":                "7",
			"icmpv6.opt.type":                  "4",
			"icmpv6.rd.na.destination_address": "2001:db8::9",
			"icmpv6.reserved":                  "00000000",
			"icmpv6.type":                      "137",
			"ipv6.dst":                         "ff02::1,2001:db8::2",
			"ipv6.src":                         "fe80::1,2001:db8::1",
			"udp.dstport":                      "53",
			"udp.srcport":                      "1234",
		},
	},
	{
		name: "extended echo request",
		// RFC 8335 extended echo request with an interface identification object
		frame: `
			33330000 00010011 22334455 86dd6000
			00000014 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 0001a000 4af61234 05012000
			dceb0008 03020000 000a`,
		want: map[string]string{
			"info":                      "Extended Echo request (No error)",
			"icmp.ext.checksum":         "0xdceb",
			"icmp.ext.checksum.status":  "1",
			"icmp.ext.class":            "3",
			"icmp.ext.ctype":            "2",
			"icmp.ext.length":           "8",
			"icmp.ext.res":              "0x0000",
			"icmp.ext.version":          "2",
			"icmpv6.checksum":           "0x4af6",
			"icmpv6.checksum.status":    "1",
			"icmpv6.code":               "0",
			"icmpv6.echo.identifier":    "0x1234",
			"icmpv6.ext.echo.req.local": "1",
			"icmpv6.ext.echo.seq":       "5",
			"icmpv6.type":               "160",
			"ipv6.dst":                  "ff02::1",
			"ipv6.src":                  "fe80::1",
		},
	},
	{
		name: "extended echo reply",
		// RFC 8335 extended echo reply
		frame: `
			33330000 00010011 22334455 86dd6000
			00000008 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 0001a100 49bd1234 0546`,
		want: map[string]string{
			"info":                       "Extended Echo reply (No error)",
			"icmpv6.checksum":            "0x49bd",
			"icmpv6.checksum.status":     "1",
			"icmpv6.code":                "0",
			"icmpv6.echo.identifier":     "0x1234",
			"icmpv6.ext.echo.rsp.active": "1",
			"icmpv6.ext.echo.rsp.ipv4":   "1",
			"icmpv6.ext.echo.rsp.ipv6":   "0",
			"icmpv6.ext.echo.rsp.state":  "2",
			"icmpv6.ext.echo.seq":        "5",
			"icmpv6.type":                "161",
			"ipv6.dst":                   "ff02::1",
			"ipv6.src":                   "fe80::1",
		},
	},
	{
		name: "unknown type",
		// an unassigned type: its body is icmpv6.data
		frame: `
			33330000 00010011 22334455 86dd6000
			00000009 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 0001fa07 ff280102 030405`,
		want: map[string]string{
			"info":                   "Unknown (250)",
			"icmpv6.checksum":        "0xff28",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "7",
			"icmpv6.data":            "0102030405",
			"icmpv6.type":            "250",
			"ipv6.dst":               "ff02::1",
			"ipv6.src":               "fe80::1",
		},
	},
	{
		name: "private experimentation",
		// type 200
		frame: `
			33330000 00010011 22334455 86dd6000
			00000008 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 0001c800 36310102 0304`,
		want: map[string]string{
			"info":                   "Private experimentation",
			"icmpv6.checksum":        "0x3631",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "0",
			"icmpv6.data":            "01020304",
			"icmpv6.type":            "200",
			"ipv6.dst":               "ff02::1",
			"ipv6.src":               "fe80::1",
		},
	},
	{
		name: "routing header checksum",
		// echo request behind a type 0 routing header: the checksum covers the final destination
		frame: `
			33330000 00010011 22334455 86dd6000
			00000024 2b40fe80 00000000 00000000
			00000000 00012001 0db80000 00000000
			00000000 00ff3a02 00010000 00002001
			00780001 00320000 00000000 00018000
			9bc10001 00016162 6364`,
		want: map[string]string{
			"info":                        "Echo (ping) request id=0x0001, seq=1, hop limit=64",
			"data.len":                    "4",
			"icmpv6.checksum":             "0x9bc1",
			"icmpv6.checksum.status":      "1",
			"icmpv6.code":                 "0",
			"icmpv6.echo.identifier":      "0x0001",
			"icmpv6.echo.sequence_number": "1",
			"icmpv6.type":                 "128",
			"ipv6.dst":                    "2001:db8::ff",
			"ipv6.src":                    "fe80::1",
		},
	},
	{
		name: "destination unreachable quoting non-IPv6",
		// the quoted bytes do not start with version 6: Wireshark shows them as data
		frame: `
			33330000 00010011 22334455 86dd6000
			00000024 3afffe80 00000000 00000000
			00000000 0001ff02 00000000 00000000
			00000000 00010100 bc1b0000 00004500
			00000000 00000000 00000000 00000000
			00000000 00000000 0000`,
		want: map[string]string{
			"info":                   "Destination Unreachable (no route to destination)",
			"data.len":               "28",
			"icmpv6.checksum":        "0xbc1b",
			"icmpv6.checksum.status": "1",
			"icmpv6.code":            "0",
			"icmpv6.reserved":        "00000000",
			"icmpv6.type":            "1",
			"ipv6.dst":               "ff02::1",
			"ipv6.src":               "fe80::1",
		},
	},
}
