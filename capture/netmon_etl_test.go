package capture

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demikernelETL = "../testdata/windows/pktmon-demikernel.etl"

// ipv4HeaderChecksumOK verifies the header checksum of the IPv4 packet in an Ethernet frame.
func ipv4HeaderChecksumOK(t *testing.T, frame []byte) bool {
	t.Helper()
	if len(frame) < 14+20 || binary.BigEndian.Uint16(frame[12:]) != 0x0800 {
		t.Fatalf("not an IPv4 Ethernet frame: % x", frame[:min(len(frame), 16)])
	}
	ip := frame[14:]
	hl := int(ip[0]&0x0f) * 4
	if hl < 20 || hl > len(ip) {
		t.Fatalf("IPv4 header length %d", hl)
	}
	var sum uint32
	for i := 0; i < hl; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return sum == 0xffff
}

// TestPktMonETL reads pktmon-demikernel.etl through the capture reader: 114 packet events become 114
// frames, in file order, each an Ethernet frame whose IPv4 header checksum verifies, with their pktmon
// metadata.
func TestPktMonETL(t *testing.T) {
	data, err := os.ReadFile(demikernelETL)
	if err != nil {
		t.Fatal(err)
	}
	r, frames, err := readAllFrames(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != FormatETL || r.Format().String() != "etl" {
		t.Errorf("format %v", r.Format())
	}
	if len(frames) != 114 {
		t.Fatalf("%d frames, want 114", len(frames))
	}
	groups := map[uint64]int{}
	var last int64
	dirs := map[uint8]int{}
	for i, f := range frames {
		if f.LinkType != LinkTypeEthernet || f.Event == nil || !f.Event.PktMon || !f.Event.Packet {
			t.Fatalf("frame %d: link type %v, event %+v", i+1, f.LinkType, f.Event)
		}
		if !ipv4HeaderChecksumOK(t, f.Data) {
			t.Errorf("frame %d: IPv4 header checksum does not verify", i+1)
		}
		if f.OrigLen != int(f.Event.OriginalSize) || len(f.Data) != int(f.Event.LoggedSize) {
			t.Errorf("frame %d: lengths %d/%d, event %d/%d", i+1, len(f.Data), f.OrigLen, f.Event.LoggedSize, f.Event.OriginalSize)
		}
		if f.TimeNS < last-int64(1e9) { // file order: buffers of different processors may interleave a little
			t.Errorf("frame %d goes back in time by %d ns", i+1, last-f.TimeNS)
		}
		last = max(last, f.TimeNS)
		if f.Interface < 0 || f.Interface >= len(r.Interfaces()) || !strings.HasPrefix(r.Interfaces()[f.Interface].Name, "pktmon component ") {
			t.Errorf("frame %d: interface %d", i+1, f.Interface)
		}
		groups[f.Event.PktGroupID]++
		dirs[f.Event.Direction]++
		// Direction agrees with the addresses: 10.9.1.22 is the capturing host.
		src := f.Data[14+12 : 14+16]
		local := src[0] == 10 && src[1] == 9 && src[2] == 1 && src[3] == 22
		if (f.Event.Direction == 2) != local || f.Flags != uint32(f.Event.Direction) {
			t.Errorf("frame %d: direction %d for source %v", i+1, f.Event.Direction, src)
		}
	}
	if dirs[0] != 0 {
		t.Errorf("directions %v", dirs)
	}
	// Each packet appears at several components: fewer groups than frames.
	if len(groups) >= len(frames) || len(groups) < 10 {
		t.Errorf("%d packet groups for %d frames", len(groups), len(frames))
	}
	notes := strings.Join(r.Notes(), "; ")
	if !strings.Contains(notes, "114 packet events read") || !strings.Contains(notes, "Microsoft-Windows-PktMon") {
		t.Errorf("notes %q", notes)
	}
}

// TestETLTruncated: a cut trace gives the frames before the cut, then a TruncatedError that says where.
func TestETLTruncated(t *testing.T) {
	data, err := os.ReadFile(demikernelETL)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		cut    int
		frames int
		reason string
	}{
		{"in the buffer of the packets", 0x400 + 5000, 0, "buffer needs 11926 bytes, 5000 present"},
		{"in the last buffer", 0x3296 + 5000, 114, "buffer needs 12621 bytes, 5000 present"},
		{"in a buffer header", 0x3296 + 10, 114, "buffer header cut short"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, err := readAllFrames(t, data[:tt.cut])
			var te *TruncatedError
			if !errors.As(err, &te) || !strings.Contains(te.Reason, tt.reason) {
				t.Errorf("err %v, want a TruncatedError saying %q", err, tt.reason)
			}
			if len(frames) != tt.frames {
				t.Errorf("%d frames before the cut, want %d", len(frames), tt.frames)
			}
		})
	}
}

// TestETLNoPackets: the ETL files of the corpus that hold no packet events open, give no frame, and a
// note says so and names the providers.
func TestETLNoPackets(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "windows/etl/nopackets-*.etl"))
	if len(files) == 0 {
		t.Skipf("no ETL file under %s", corpusDir)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, frames, err := readAllFrames(t, data)
		if err != nil || len(frames) != 0 {
			t.Errorf("%s: %d frames, %v", filepath.Base(path), len(frames), err)
			continue
		}
		notes := strings.Join(r.Notes(), "; ")
		if !strings.Contains(notes, "holds no packet events") || !strings.Contains(notes, "come from:") {
			t.Errorf("%s: notes %q", filepath.Base(path), notes)
		}
		t.Logf("%s: %s", filepath.Base(path), notes)
	}
}

// FuzzETLFrames feeds damaged pktmon traces through the capture reader.
func FuzzETLFrames(f *testing.F) {
	if data, err := os.ReadFile(demikernelETL); err == nil {
		f.Add(data)
	}
	ndis, _ := ndisTrace()
	f.Add(ndis)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		r.SetAllEvents(len(data)%2 == 0)
		var fr Frame
		for i := 0; i < 1<<16; i++ {
			if err := r.Next(&fr); err != nil {
				break
			}
			if fr.Interface < 0 || fr.Interface >= len(r.Interfaces()) || len(fr.Data) > etlMaxPacket {
				t.Fatalf("frame %d: interface %d, %d bytes", i, fr.Interface, len(fr.Data))
			}
		}
		_ = r.Notes()
	})
}
