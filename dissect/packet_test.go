package dissect

import (
	"testing"
	"unsafe"

	"github.com/wirelens/wirelens/capture"
)

// TestPacketLayout: the parts of a Packet every frame touches lie on as few cache lines as they can
// (reset, the decoder, the tracker and the analyzers run on different cores, and each line they share
// moves between them): the header fields on the first two lines, the layers from the third, the first
// TCP header's conversation data on lines of its own, and a Packet a whole number of lines long, so that
// every Packet of an array lies on its lines alike. A field added to Packet changes its size: adjust
// packetPad (and keep the hot fields before Layers).
func TestPacketLayout(t *testing.T) {
	var p Packet
	const line = 64
	if n := unsafe.Sizeof(p); n%line != 0 {
		t.Errorf("a Packet is %d bytes, not a whole number of %d-byte cache lines: adjust packetPad by %d", n, line, line-n%line)
	}
	if o := unsafe.Offsetof(p.Layers); o != 2*line {
		t.Errorf("Layers at offset %d, want %d (the header fields fill two lines)", o, 2*line)
	}
	if o := unsafe.Offsetof(p.TCP); o%line != 0 {
		t.Errorf("TCP at offset %d, not on a cache line boundary", o)
	}
	for name, o := range map[string]uintptr{"Num": unsafe.Offsetof(p.Num), "Data": unsafe.Offsetof(p.Data), "N": unsafe.Offsetof(p.N),
		"nDiag": unsafe.Offsetof(p.nDiag), "nscr": unsafe.Offsetof(p.nscr), "rare": unsafe.Offsetof(p.rare)} {
		if o >= 2*line {
			t.Errorf("%s at offset %d, beyond the first two cache lines", name, o)
		}
	}
}

// TestResetClearsRareFields: a Packet decoded into again (as the engine's batches do) keeps nothing of
// the previous frame's rarely set fields, which reset clears by their rare bits only: the malformed
// mark, the fragment information and reassembled datagram, the comment, the DNS pairs and the ETW
// metadata; and a frame that sets them again gets them.
func TestResetClearsRareFields(t *testing.T) {
	data := []byte("0123456789abcdef")
	dgram := cat(udpHdr(53, 5353, len(data)), data)
	frag1 := cat(ethHdr(0x0800), ipv4Hdr(17, "192.168.1.1", "192.168.1.2", 16, 0x4242, 0, true), dgram[:16])
	frag2 := cat(ethHdr(0x0800), ipv4Hdr(17, "192.168.1.1", "192.168.1.2", 8, 0x4242, 16, false), dgram[16:])
	tcp := tcpHdr(40000, 80, 1000, 0, TCPSyn, 64240, nil)
	plain := cat(ethHdr(0x0800), ipv4Hdr(6, "10.1.1.1", "10.1.1.2", len(tcp), 7, 0, false), tcp)
	bad := cat(ethHdr(0x0800), unhex("4f00")) // an IPv4 header cut short
	ev := &capture.EventInfo{}
	frame := func(b []byte) *capture.Frame {
		return &capture.Frame{Data: b, OrigLen: len(b), LinkType: capture.LinkTypeEthernet}
	}
	d := NewDecoder()
	var p Packet
	clean := func(what string) {
		t.Helper()
		if p.IsMalformed() || p.Bad != (Malformed{}) || p.Frag != (FragInfo{}) || p.Reassembled() != nil ||
			p.Comment != nil || p.DNS.N != 0 || p.Event != nil || p.Process != "" || p.ProcessID != 0 || p.Repeated() {
			t.Errorf("%s: left from the frame before: Bad %+v, Frag %+v, reasm %d bytes, Comment %q, DNS.N %d, Event %v, Process %q/%d",
				what, p.Bad, p.Frag, len(p.Reassembled()), p.Comment, p.DNS.N, p.Event, p.Process, p.ProcessID)
		}
	}

	f := frame(bad)
	f.Comment = []byte("a comment")
	f.Event, f.Process, f.ProcessID = ev, "svc.exe", 42
	d.DecodeTo(f, &p)
	p.AddDNSPair(DNSPair{})
	if !p.IsMalformed() || p.Comment == nil || p.Event != ev || p.Process != "svc.exe" || p.DNS.N != 1 {
		t.Fatalf("first frame: malformed %v, comment %q, event %v, process %q, DNS.N %d", p.IsMalformed(), p.Comment, p.Event, p.Process, p.DNS.N)
	}
	d.DecodeTo(frame(plain), &p)
	clean("a plain frame after a malformed one with a comment, ETW metadata and a DNS pair")

	d.DecodeTo(frame(frag1), &p)
	d.DecodeTo(frame(frag2), &p)
	if !p.Frag.Reassembled || string(p.Reassembled()) != string(dgram) {
		t.Fatalf("second fragment: %+v, reassembled %q", p.Frag, p.Reassembled())
	}
	d.DecodeTo(frame(plain), &p)
	clean("a plain frame after a reassembled datagram")
}
