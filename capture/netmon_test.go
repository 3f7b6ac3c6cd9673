package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// nmFrame is one frame of a NetMon file built by netmonFile.
type nmFrame struct {
	delta   uint64 // µs since the start
	data    []byte
	orig    uint32
	media   uint16
	proc    uint32
	ft      uint64 // FILETIME of the 2.3 trailer
	comment string
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return append(b, 0, 0)
}

// netmonFile builds a NetMon 2.minor file: header, frames, comment table,
// process table (procs entries, header count procCount) and the frame table.
func netmonFile(minor uint8, procCount uint32, procs []NetMonProcess, frames ...nmFrame) []byte {
	le := binary.LittleEndian
	b := make([]byte, netmonHeaderSize)
	copy(b, "GMBU")
	b[4], b[5] = minor, 2
	le.PutUint16(b[6:], 1)
	for i, v := range []uint16{2016, 9, 1, 5, 7, 3, 6, 592} { // 2016-09-05 07:03:06.592
		le.PutUint16(b[8+2*i:], v)
	}
	var offs []uint32
	for _, f := range frames {
		offs = append(offs, uint32(len(b)))
		b = le.AppendUint64(b, f.delta)
		orig := f.orig
		if orig == 0 {
			orig = uint32(len(f.data))
		}
		b = le.AppendUint32(b, orig)
		b = le.AppendUint32(b, uint32(len(f.data)))
		b = append(b, f.data...)
		if minor >= 1 {
			b = le.AppendUint16(b, f.media)
		}
		if minor >= 2 {
			b = le.AppendUint32(b, f.proc)
		}
		if minor >= 3 {
			b = le.AppendUint64(b, f.ft)
			b = append(b, 0)
		}
	}
	commentOff := len(b)
	for i, f := range frames {
		if f.comment == "" {
			continue
		}
		title := utf16le(f.comment)
		b = le.AppendUint32(b, 1)
		b = le.AppendUint32(b, offs[i])
		b = le.AppendUint32(b, uint32(len(title)))
		b = append(b, title...)
		desc := []byte(`{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard details here\par}`)
		b = le.AppendUint32(b, uint32(len(desc)))
		b = append(b, desc...)
	}
	le.PutUint32(b[40:], uint32(commentOff))
	le.PutUint32(b[44:], uint32(len(b)-commentOff))
	if procCount != 0 {
		le.PutUint32(b[48:], uint32(len(b)))
		le.PutUint32(b[52:], procCount)
		b = le.AppendUint16(b, 1)
		for _, p := range procs {
			path := utf16le(p.Path)
			b = le.AppendUint32(b, uint32(len(path)))
			b = append(b, path...)
			b = le.AppendUint32(b, 3)
			b = append(b, 1, 2, 3)
			b = le.AppendUint32(b, p.PID)
			b = le.AppendUint32(b, uint32(p.LocalPort))
			b = le.AppendUint32(b, uint32(p.RemotePort))
			b = le.AppendUint32(b, 0)
			b = append(b, make([]byte, 32)...)
		}
	}
	le.PutUint32(b[24:], uint32(len(b)))
	le.PutUint32(b[28:], uint32(4*len(offs)))
	for _, o := range offs {
		b = le.AppendUint32(b, o)
	}
	return b
}

func readAllFrames(t *testing.T, file []byte) (*Reader, []Frame, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		return nil, nil, err
	}
	var out []Frame
	for {
		var f Frame
		err := r.Next(&f)
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return r, out, err
		}
		f.Data = append([]byte(nil), f.Data...)
		f.Comment = append([]byte(nil), f.Comment...)
		if f.Event != nil {
			e := *f.Event
			f.Event = &e
		}
		out = append(out, f)
	}
}

func TestNetMon(t *testing.T) {
	ft := uint64(time.Date(2016, 9, 5, 7, 3, 6, 592676300, time.UTC).UnixNano()/100) + 116444736000000000
	start := time.Date(2016, 9, 5, 7, 3, 6, 592e6, time.UTC).UnixNano()
	eth := pkt(60, 0)
	procs := []NetMonProcess{{Path: `C:\Windows\System32\svchost.exe`, PID: 1234, LocalPort: 445, RemotePort: 55457}}
	tests := []struct {
		name      string
		file      []byte
		wantN     int
		wantLT    []LinkType
		wantTime  []int64
		wantProc  []string
		wantCmt   []string
		wantNote  string
		wantTrunc bool
	}{
		{"v2.0 start plus delta", netmonFile(0, 0, nil, nmFrame{delta: 1500, data: eth}, nmFrame{delta: 2500000, data: eth}),
			2, []LinkType{LinkTypeEthernet, LinkTypeEthernet}, []int64{start + 1500e3, start + 2500000e3}, nil, nil, "", false},
		{"v2.3 FILETIME, media types, skipped records", netmonFile(3, 0, nil,
			nmFrame{data: eth, media: 1, ft: ft},
			nmFrame{data: []byte("dns cache"), media: netmonMediaDNSCache, ft: ft},
			nmFrame{data: pkt(40, 0)[14:], media: 9, ft: ft + 10},
			nmFrame{data: make([]byte, 89), media: netmonMediaNetEvent, ft: ft + 20},
			nmFrame{data: eth, media: 0xE000 | 113, ft: ft + 30}),
			4, []LinkType{LinkTypeEthernet, LinkTypeRaw, LinkTypeNetMonEvent, LinkTypeLinuxSLL},
			[]int64{1473058986592676300, 1473058986592677300, 1473058986592678300, 1473058986592679300}, nil, nil, "", false},
		{"process table and comments", netmonFile(3, 1, procs, nmFrame{data: eth, media: 1, ft: ft, proc: 0, comment: "Example 10"}, nmFrame{data: eth, media: 1, ft: ft, proc: 7}),
			2, nil, nil, []string{procs[0].Path, ""}, []string{"Example 10: details here", ""}, "", false},
		{"absurd process count", netmonFile(3, 0xFFFFFFFF, procs, nmFrame{data: eth, media: 1, ft: ft}),
			1, nil, nil, []string{procs[0].Path}, nil, "claims 4294967295 entries", false},
		{"frame cut", netmonFile(3, 0, nil, nmFrame{data: eth, media: 1, ft: ft})[:netmonHeaderSize+30],
			0, nil, nil, nil, nil, "frame table is cut short", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, frames, err := readAllFrames(t, tt.file)
			if (err != nil) != tt.wantTrunc {
				t.Fatalf("err = %v", err)
			}
			if len(frames) != tt.wantN {
				t.Fatalf("%d frames, want %d", len(frames), tt.wantN)
			}
			if r.Format() != FormatNetMon || r.Format().String() != "netmon" {
				t.Errorf("format %v", r.Format())
			}
			for i, f := range frames {
				if i < len(tt.wantLT) && f.LinkType != tt.wantLT[i] {
					t.Errorf("frame %d link type %v, want %v", i+1, f.LinkType, tt.wantLT[i])
				}
				if i < len(tt.wantTime) && f.TimeNS != tt.wantTime[i] {
					t.Errorf("frame %d time %d, want %d", i+1, f.TimeNS, tt.wantTime[i])
				}
				if i < len(tt.wantProc) && f.Process != tt.wantProc[i] {
					t.Errorf("frame %d process %q, want %q", i+1, f.Process, tt.wantProc[i])
				}
				if i < len(tt.wantCmt) && string(f.Comment) != tt.wantCmt[i] {
					t.Errorf("frame %d comment %q, want %q", i+1, f.Comment, tt.wantCmt[i])
				}
			}
			notes := strings.Join(r.Notes(), "; ")
			if tt.wantNote != "" && !strings.Contains(notes, tt.wantNote) {
				t.Errorf("notes %q, want %q", notes, tt.wantNote)
			}
		})
	}
}

func TestNetMonCorrupt(t *testing.T) {
	le := binary.LittleEndian
	good := netmonFile(3, 0, nil, nmFrame{data: pkt(60, 0), media: 1}, nmFrame{data: pkt(60, 0), media: 1})
	huge := append([]byte(nil), good...)
	le.PutUint32(huge[netmonHeaderSize+netmonFrameHeaderSize+60+15+12:], 1<<30) // second frame's captured length
	tests := []struct {
		name   string
		file   []byte
		frames int
		reason string
	}{
		{"huge frame", huge, 1, "exceeds 262144"},
		{"body cut", append(good[:netmonHeaderSize+netmonFrameHeaderSize+40:netmonHeaderSize+netmonFrameHeaderSize+40], good[len(good)-8:]...), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, err := readAllFrames(t, tt.file)
			var te *TruncatedError
			if len(frames) != tt.frames {
				t.Errorf("%d frames, want %d (err %v)", len(frames), tt.frames, err)
			}
			if tt.reason != "" && (!errors.As(err, &te) || !strings.Contains(te.Reason, tt.reason)) {
				t.Errorf("err %v, want a TruncatedError saying %q", err, tt.reason)
			}
		})
	}
}

func TestRTFText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{\rtf1\ansi\ansicpg1252\deff0\deflang1033{\fonttbl{\f0\fnil\fcharset0 MS Shell Dlg 2;}}` + "\r\n" +
			`{\colortbl ;\red0\green0\blue0;}` + "\r\n" + `\viewkind4\uc1\pard\cf1\f0\fs17 The annotated frames 20-38 illustrate:\par` + "\r\n" + `}`,
			"The annotated frames 20-38 illustrate:"},
		{`{\rtf1 a\par b \{c\}}`, "a b {c}"},
		{`{\rtf1 unclosed \`, "unclosed"},
		{"", ""},
	} {
		if got := rtfText([]byte(tt.in)); got != tt.want {
			t.Errorf("rtfText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNetMonCorpus reads every NetMon file of the shared corpus: all of them open and end cleanly.
func TestNetMonCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "windows/netmon/*.cap"))
	if len(files) == 0 {
		t.Skipf("no NetMon file under %s", corpusDir)
	}
	for _, path := range files {
		f, err := Open(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		n := 0
		var fr Frame
		for {
			if err = f.Next(&fr); err != nil {
				break
			}
			n++
		}
		f.Close()
		if err != io.EOF || n == 0 {
			t.Errorf("%s: %d frames, then %v", filepath.Base(path), n, err)
		}
	}
}

// FuzzNetMon feeds corrupted NetMon files to the reader: no panic, and every frame within bounds.
func FuzzNetMon(f *testing.F) {
	procs := []NetMonProcess{{Path: "a.exe", PID: 1}}
	f.Add(netmonFile(3, 1, procs, nmFrame{data: pkt(60, 0), media: 1, comment: "x"}, nmFrame{data: make([]byte, 89), media: netmonMediaNetEvent}))
	f.Add(netmonFile(0, 0, nil, nmFrame{data: pkt(60, 0)}))
	if b, err := os.ReadFile(filepath.Join(corpusDir, "windows/netmon/MS-AUTHSOD_Example2-1_Win2016_X64_Win2016_X64_Domain.cap")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			_ = err.Error()
			return
		}
		var fr Frame
		for i := 0; i < 1<<16; i++ {
			if err := r.Next(&fr); err != nil {
				_ = err.Error()
				break
			}
			if len(fr.Data) > netmonMaxFrame {
				t.Fatalf("frame of %d bytes", len(fr.Data))
			}
		}
		_ = r.Notes()
	})
}
