package capture

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/internal/etltest"
)

// processRecord builds the user data of a kernel process event (Process_TypeGroup1) of the given
// version: pointers of ptr bytes, a SID with n sub-authorities when n >= 0 (none when n < 0), the name.
func processRecord(version uint8, ptr int, pid uint32, n int, name string) []byte {
	var b []byte
	le := binary.LittleEndian
	b = append(b, make([]byte, ptr)...) // UniqueProcessKey
	b = le.AppendUint32(b, pid)
	b = le.AppendUint32(b, 4) // ParentId
	if version >= 2 {
		b = le.AppendUint32(b, 1) // SessionId
		b = le.AppendUint32(b, 0) // ExitStatus
	}
	if version >= 3 {
		b = append(b, bytes.Repeat([]byte{0xaa}, ptr)...) // DirectoryTableBase
	}
	if version >= 4 {
		b = le.AppendUint32(b, 0) // Flags
	}
	if n < 0 {
		b = le.AppendUint32(b, 0)
	} else {
		tu := make([]byte, 2*ptr)
		tu[0] = 0x10 // TOKEN_USER: a pointer to the SID that follows
		b = append(b, tu...)
		b = append(b, 1, byte(n), 0, 0, 0, 0, 0, 5)
		for i := 0; i < n; i++ {
			b = le.AppendUint32(b, uint32(21+i))
		}
	}
	b = append(b, name...)
	b = append(b, 0)
	return append(b, 'C', 0, ':', 0, 0, 0) // CommandLine (UTF-16)
}

func TestParseProcessEvent(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		version uint8
		ptr64   bool
		pid     uint32
		image   string
		ok      bool
	}{
		{"v4 64-bit with SID", processRecord(4, 8, 7220, 5, "iexplore.exe"), 4, true, 7220, "iexplore.exe", true},
		{"v3 32-bit without SID", processRecord(3, 4, 880, -1, "svchost.exe"), 3, false, 880, "svchost.exe", true},
		{"v2", processRecord(2, 8, 12, 1, "smss.exe"), 2, true, 12, "smss.exe", true},
		{"wrong pointer size", processRecord(4, 8, 7220, 5, "iexplore.exe"), 4, false, 0, "", false},
		{"name not printable", processRecord(4, 8, 7220, 5, "a\x01b"), 4, true, 0, "", false},
		{"name not terminated", processRecord(4, 8, 7220, 5, "x")[:64-8], 4, true, 0, "", false},
		{"pid -1", processRecord(4, 8, 0xFFFFFFFF, 5, "a.exe"), 4, true, 0, "", false},
		{"absurd SID", append(processRecord(4, 8, 9, -1, "")[:36], 1, 0, 0, 0), 4, true, 0, "", false},
		{"empty", nil, 4, true, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pid, name, ok := parseProcessEvent(tt.data, tt.version, tt.ptr64)
			if ok != tt.ok || ok && (pid != tt.pid || name != tt.image) {
				t.Errorf("got %d %q %v, want %d %q %v", pid, name, ok, tt.pid, tt.image, tt.ok)
			}
		})
	}
	if !isProcessHook(0x0303) || isProcessHook(0x0503) || isProcessHook(0x0302) {
		t.Error("isProcessHook")
	}
}

// TestNetMonProcessNames: the NetEvent frames of a Message Analyzer capture are named after the process
// of their header's id, from the kernel's process rundown events in the same capture; ids of -1 are none.
func TestNetMonProcessNames(t *testing.T) {
	path := filepath.Join(corpusDir, "windows/netmon/MS-ADFSOD_Example2_WIN2016_X64_WIN10_X64_Domain.cap")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	_, frames, err := readAllFrames(t, data)
	if err != nil {
		t.Fatal(err)
	}
	names := map[uint32]map[string]int{}
	for i, f := range frames {
		if f.ProcessID == 0xFFFFFFFF {
			t.Fatalf("frame %d: process id -1", i+1)
		}
		if f.Process != "" && f.ProcessID == 0 {
			t.Errorf("frame %d: process %q without id", i+1, f.Process)
		}
		if names[f.ProcessID] == nil {
			names[f.ProcessID] = map[string]int{}
		}
		names[f.ProcessID][f.Process]++
	}
	// WinINet-Capture events of Internet Explorer (two processes) and Message Analyzer's own.
	for pid, want := range map[uint32]string{7220: "iexplore.exe", 1668: "iexplore.exe", 8048: "MessageAnalyzer.exe"} {
		if len(names[pid]) != 1 || names[pid][want] == 0 {
			t.Errorf("process %d: names %v, want only %q", pid, names[pid], want)
		}
	}
}

// TestETLAllEvents: with SetAllEvents, every event of the pktmon trace is a frame, in file order: the
// 114 packets as without it, and the 353 other events as LinkTypeETLEvent messages holding their user
// data; a trace without packets gives all its events.
func TestETLAllEvents(t *testing.T) {
	data, err := os.ReadFile(demikernelETL)
	if err != nil {
		t.Fatal(err)
	}
	_, packets, err := readAllFrames(t, data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r.SetAllEvents(true)
	var all []Frame
	for {
		var f Frame
		if err := r.Next(&f); err != nil {
			break
		}
		f.Data = append([]byte(nil), f.Data...)
		e := *f.Event
		f.Event = &e
		all = append(all, f)
	}
	if len(all) != 467 {
		t.Fatalf("%d frames, want 467 events", len(all))
	}
	k := 0
	var lastOff int64 = -1
	providers := map[string]int{}
	for i, f := range all {
		if f.Offset <= lastOff {
			t.Errorf("frame %d: offset %#x not after %#x", i+1, f.Offset, lastOff)
		}
		lastOff = f.Offset
		if f.Event.Packet {
			if k >= len(packets) || !bytes.Equal(f.Data, packets[k].Data) || f.TimeNS != packets[k].TimeNS {
				t.Fatalf("frame %d is not packet %d", i+1, k+1)
			}
			k++
			continue
		}
		if f.LinkType != LinkTypeETLEvent || f.OrigLen != len(f.Data) || r.Interfaces()[f.Interface].LinkType != LinkTypeETLEvent {
			t.Errorf("frame %d: link type %v, %d/%d bytes", i+1, f.LinkType, len(f.Data), f.OrigLen)
		}
		providers[f.Event.ProviderName]++
	}
	if k != 114 {
		t.Errorf("%d packets, want 114", k)
	}
	if providers["Microsoft-Windows-PktMon"] != 289 || providers["EventMetadata (event schemas)"] != 21 {
		t.Errorf("providers %v", providers)
	}
	if notes := strings.Join(r.Notes(), "; "); !strings.Contains(notes, "114 packet events and 353 other events read") {
		t.Errorf("notes %q", notes)
	}

	files, _ := filepath.Glob(filepath.Join(corpusDir, "windows/etl/nopackets-tx-HTTP_Server.etl"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		r.SetAllEvents(true)
		n, http := 0, 0
		var f Frame
		for r.Next(&f) == nil {
			n++
			if f.Event.ProviderName == "Microsoft-Windows-HttpService" {
				http++
			}
			if f.ProcessID == 0xFFFFFFFF {
				t.Errorf("event %d: process id -1", n)
			}
		}
		if n != 2042 || http != 2041 {
			t.Errorf("%s: %d events, %d of HttpService", filepath.Base(path), n, http)
		}
	}
}

// TestETLProcessNames: a kernel process rundown event in an ETL trace names the process of the packet
// events logged with its id; an id of -1 names none.
func TestETLProcessNames(t *testing.T) {
	pkt := ethIPv4(20+8, 8)
	rundown := etltest.Event{Provider: "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c", Version: 4, Opcode: processDCStart, ProcessID: 0xFFFFFFFF,
		UserData: processRecord(4, 8, 880, 5, "svchost.exe")}
	p1 := ndisEvent(kwWhole|kwSend, 7, 8, 10, pkt, -1)
	p1.ProcessID = 880
	p2 := ndisEvent(kwWhole|kwRecv, 7, 8, 20, pkt, -1)
	p2.ProcessID = 0xFFFFFFFF
	p3 := ndisEvent(kwWhole|kwRecv, 7, 8, 30, pkt, -1)
	p3.ProcessID = 4
	_, frames, err := readAllFrames(t, etltest.File([]etltest.Event{rundown, p1, p2, p3}))
	if err != nil || len(frames) != 3 {
		t.Fatalf("%d frames, %v", len(frames), err)
	}
	for i, want := range []struct {
		pid  uint32
		name string
	}{{880, "svchost.exe"}, {0, ""}, {4, ""}} {
		if f := frames[i]; f.ProcessID != want.pid || f.Process != want.name {
			t.Errorf("frame %d: process %d %q, want %d %q", i+1, f.ProcessID, f.Process, want.pid, want.name)
		}
	}
}
