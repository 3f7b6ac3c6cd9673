package etl

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const demikernel = "../../testdata/windows/pktmon-demikernel.etl"

func readAll(t testing.TB, data []byte) (*Reader, []Event, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var out []Event
	for {
		var ev Event
		if err := r.Next(&ev); err != nil {
			if err == io.EOF {
				err = nil
			}
			return r, out, err
		}
		ev.UserData = append([]byte(nil), ev.UserData...)
		out = append(out, ev)
	}
}

func filetime(ft uint64) time.Time {
	return time.Unix(0, (int64(ft)-116444736000000000)*100).UTC()
}

// TestPktMonTrace reads the pktmon trace (two Xpress-compressed buffers) and checks what the file says
// of itself: its logfile header, the number of events and the PktMon packet events.
func TestPktMonTrace(t *testing.T) {
	data, err := os.ReadFile(demikernel)
	if err != nil {
		t.Fatal(err)
	}
	r, evs, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header()
	if h == nil {
		t.Fatal("no logfile header")
	}
	if h.LoggerName != "Relogger" || h.LogFileMode != 0x04010001 || h.ClockType != 1 || h.PerfFreq != 10e6 || h.PointerSize != 8 || h.ProviderVersion != 20348 {
		t.Errorf("header %+v", *h)
	}
	if r.Compressed != 2 || r.Buffers() != 3 || r.Skipped != 0 {
		t.Errorf("compressed %d buffers %d skipped %d", r.Compressed, r.Buffers(), r.Skipped)
	}
	if len(evs) != 467 {
		t.Errorf("%d events, want 467", len(evs))
	}
	pktmon := ParseGUID("4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac")
	start, end := filetime(h.StartTime), filetime(h.EndTime)
	packets := 0
	for i, ev := range evs {
		if ev.Provider == pktmon && ev.ID == 160 {
			packets++
			if ev.Kind != HeaderEvent64 || len(ev.UserData) < 34 {
				t.Errorf("event %d: kind %#x, %d bytes", i, ev.Kind, len(ev.UserData))
			}
			// logged size + 34 bytes of metadata = the user data
			if logged := int(binary.LittleEndian.Uint16(ev.UserData[32:])); logged+34 != len(ev.UserData) {
				t.Errorf("event %d: logged size %d, user data %d", i, logged, len(ev.UserData))
			}
			if tm := filetime(ev.Time); tm.Before(start) || tm.After(end) {
				t.Errorf("event %d: time %v outside the session %v – %v", i, tm, start, end)
			}
		}
	}
	if packets != 114 {
		t.Errorf("%d PktMon packet events, want 114", packets)
	}
	if got := filetime(h.StartTime).Format(time.RFC3339); got != "2024-06-10T20:18:27Z" {
		t.Errorf("start %s", got)
	}
}

func TestGUID(t *testing.T) {
	g := ParseGUID("{2ED6006E-4729-4609-B423-3EE7BCD678EF}")
	if g.String() != "2ed6006e-4729-4609-b423-3ee7bcd678ef" {
		t.Errorf("String %s", g)
	}
	if g[0] != 0x6e || g[8] != 0xb4 {
		t.Errorf("byte order % x", g[:])
	}
}

// TestDamaged cuts and corrupts the trace: the events before the damage are returned, then a FormatError.
func TestDamaged(t *testing.T) {
	data, err := os.ReadFile(demikernel)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), data...)
	flipped[0x400+0x48+100] ^= 0xff // inside the first compressed buffer
	badSize := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(badSize[0x400:], 0xffffffff)
	tests := []struct {
		name      string
		data      []byte
		minEvents int
		maxEvents int
		wantErr   bool
	}{
		{"cut in the second buffer", data[:0x400+5000], 2, 20, true},
		{"cut in a buffer header", data[:0x400+20], 2, 20, true},
		{"absurd buffer size", badSize, 2, 20, true},
		{"flipped compressed byte", flipped, 2, 467, false},
		{"first buffer only", data[:0x400], 2, 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, evs, err := readAll(t, tt.data)
			var fe *FormatError
			if tt.wantErr && !errors.As(err, &fe) {
				t.Errorf("err %v, want a FormatError", err)
			}
			if !tt.wantErr && err != nil && !errors.As(err, &fe) {
				t.Errorf("err %v", err)
			}
			if len(evs) < tt.minEvents || len(evs) > tt.maxEvents {
				t.Errorf("%d events, want %d..%d (err %v)", len(evs), tt.minEvents, tt.maxEvents, err)
			}
		})
	}
	if _, err := NewReader(bytes.NewReader(nil)); err == nil {
		t.Error("empty input accepted")
	}
}

// TestNoPacketTraces reads the ETL files of the shared corpus that hold no packets: each opens, has a
// logfile header and events, and ends cleanly.
func TestNoPacketTraces(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/captures/windows/etl/nopackets-*.etl")
	if len(files) == 0 {
		t.Skip("the shared capture corpus is not at ../../../shared/captures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, evs, err := readAll(t, data)
		if err != nil {
			t.Errorf("%s: %v after %d events", filepath.Base(f), err, len(evs))
			continue
		}
		if r.Header() == nil || len(evs) < 2 {
			t.Errorf("%s: header %v, %d events", filepath.Base(f), r.Header() != nil, len(evs))
		}
		t.Logf("%s: %d events, %d skipped, clock %d", filepath.Base(f), len(evs), r.Skipped, r.Header().ClockType)
	}
}

func FuzzReader(f *testing.F) {
	if data, err := os.ReadFile(demikernel); err == nil {
		f.Add(data[:0x400])
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var ev Event
		for i := 0; i < 1<<20; i++ {
			if err := r.Next(&ev); err != nil {
				var fe *FormatError
				if err != io.EOF && !errors.As(err, &fe) {
					t.Fatalf("error %T %v", err, err)
				}
				return
			}
			_ = ev.Provider.String()
		}
		t.Fatal("too many events")
	})
}
