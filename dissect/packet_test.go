package dissect

import (
	"testing"
	"unsafe"
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
