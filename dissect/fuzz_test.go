package dissect

import (
	"testing"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// exercise does everything a command does with a packet: every field, the columns and the tree.
func exercise(p *Packet) {
	var buf []byte
	for _, in := range field.All("") {
		buf = p.AppendField(buf[:0], in.ID, ',')
	}
	buf = p.AppendSource(buf[:0])
	buf = p.AppendDestination(buf)
	buf = p.AppendSummary(buf)
	_ = p.Protocol()
	_ = p.Tree()
}

// fuzzFrames decodes data as a frame of link type lt after prefix, twice with one decoder (so that
// reassembly state carries over), and exercises the result.
func fuzzFrames(lt capture.LinkType, prefix, data []byte) {
	d := NewDecoder()
	frame := cat(prefix, data)
	for i := 0; i < 2; i++ {
		exercise(d.Decode(&capture.Frame{Data: frame, OrigLen: len(frame) + i, LinkType: lt}))
	}
}

func FuzzEthernet(f *testing.F) {
	f.Add(cat(ethHdr(0x8100), vlanHdr(1, 0x0800), ipv4Hdr(6, "1.2.3.4", "5.6.7.8", 20, 1, 0, false), tcpHdr(1, 2, 3, 4, TCPAck, 5, nil)))
	f.Add(ethHdr(0x0806))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFrames(capture.LinkTypeEthernet, nil, data) })
}

func FuzzIPv4(f *testing.F) {
	f.Add(cat(ipv4Hdr(17, "1.2.3.4", "5.6.7.8", 8, 1, 0, false), udpHdr(1, 2, 0)))
	f.Add(cat(ipv4Hdr(17, "1.2.3.4", "5.6.7.8", 16, 9, 0, true), udpHdr(1, 2, 8), []byte("01234567")))
	f.Add(unhex("46000020000000004006000001020304050607080101000000000000"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFrames(capture.LinkTypeRaw, nil, data) })
}

func FuzzIPv6(f *testing.F) {
	f.Add(unhex("60000000000800400000000000000000000000000000000100000000000000000000000000000001 0001000200080000"))
	f.Add(unhex("60000000001000000000000000000000000000000000000100000000000000000000000000000001 2c000001deadbeef 0001000200080000"))
	f.Add(unhex("60000000001000000000000000000000000000000000000100000000000000000000000000000001 11000104000000000001000200080000"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFrames(capture.LinkTypeRaw, nil, data) })
}

func FuzzTCP(f *testing.F) {
	f.Add(tcpHdr(1, 2, 3, 4, TCPSyn, 5, unhex("020405b404020101 080a0000000100000000 0303070000")))
	f.Add(tcpHdr(53, 2, 3, 4, TCPAck|TCPPsh, 5, unhex("0101050a000000010000000200000003 00000004")))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFrames(capture.LinkTypeRaw, ipv4Hdr(6, "1.1.1.1", "2.2.2.2", len(data), 1, 0, false), data)
	})
}

func FuzzUDP(f *testing.F) {
	f.Add(cat(udpHdr(4789, 4789, 8), unhex("0800000000006400")))
	f.Add(cat(udpHdr(6081, 1, 8), unhex("0000655800006400")))
	f.Add(cat(udpHdr(2152, 2152, 16), unhex("34ff0008000000010000008501000000"), ipv4Hdr(17, "1.1.1.1", "2.2.2.2", 0, 1, 0, false)))
	f.Add(cat(udpHdr(4754, 9, 8), unhex("00000800"), ipv4Hdr(17, "1.1.1.1", "2.2.2.2", 0, 1, 0, false)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFrames(capture.LinkTypeRaw, ipv4Hdr(17, "1.1.1.1", "2.2.2.2", len(data), 1, 0, false), data)
	})
}

func FuzzLinkLayers(f *testing.F) {
	f.Add(byte(113), unhex("0000000100060011223344550000 0800"))
	f.Add(byte(0), []byte{2, 0, 0, 0, 0x45})
	f.Add(byte(9), unhex("ff030021 45000014"))
	f.Add(byte(255), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, lt byte, data []byte) {
		// Map the byte onto the link types with decoders, and some without.
		lts := []capture.LinkType{0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 276, 147}
		fuzzFrames(lts[int(lt)%len(lts)], nil, data)
	})
}

func FuzzTunnels(f *testing.F) {
	f.Add(cat(unhex("1000 88be 00000001"), unhex("1064 0001 00000000"), ethHdr(0x0800)))
	f.Add(unhex("0000 6558"))
	f.Add(unhex("0000 22eb 20640001 00000000 00000001 0000000000000000"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFrames(capture.LinkTypeRaw, ipv4Hdr(47, "1.1.1.1", "2.2.2.2", len(data), 1, 0, false), data)
	})
}
