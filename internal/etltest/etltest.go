// Package etltest builds small ETL (Event Trace Log) files for tests: a first buffer holding the logfile
// header (a 64-bit system record carrying TRACE_LOGFILE_HEADER, QPC clock at 10 MHz so that one tick is
// 100 ns), then buffers of EVENT_HEADER records, as ETW writes them uncompressed. The layout follows the
// facts in shared/spec/windows-formats.md and is what package capture/etl reads.
package etltest

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// BufferSize is the size of every buffer the builder writes (ETW buffer sizes are multiples of 1 KiB).
const BufferSize = 4096

// StartTime is the session's start, as a FILETIME (2024-06-10 20:18:27 UTC); event times count from it.
const StartTime = 133625243070000000

// Event is one EVENT_HEADER record to write.
type Event struct {
	// Provider is the provider GUID in its usual text form.
	Provider string
	// ID, Version, Opcode and Keywords are the event descriptor's.
	ID       uint16
	Version  uint8
	Opcode   uint8
	Keywords uint64
	// ProcessID and ThreadID are the header's.
	ProcessID, ThreadID uint32
	// Ticks is the time stamp in 100 ns after the session start.
	Ticks uint64
	// UserData is the event's payload.
	UserData []byte
}

const (
	bufHeaderSize   = 0x48
	eventHeaderSize = 80
)

// File returns an ETL file: the logfile header buffer, then the events, as many per buffer as fit.
func File(events []Event) []byte {
	out := buffer([][]byte{logfileHeader()})
	var recs [][]byte
	used := bufHeaderSize
	for _, ev := range events {
		r := record(ev)
		if used+len(r) > BufferSize {
			out = append(out, buffer(recs)...)
			recs, used = nil, bufHeaderSize
		}
		recs = append(recs, r)
		used += len(r)
	}
	if len(recs) > 0 {
		out = append(out, buffer(recs)...)
	}
	return out
}

// buffer lays out records (each already 8-byte aligned) in one buffer of BufferSize bytes.
func buffer(recs [][]byte) []byte {
	b := make([]byte, bufHeaderSize, BufferSize)
	for _, r := range recs {
		b = append(b, r...)
	}
	if len(b) > BufferSize {
		panic(fmt.Sprintf("etltest: %d bytes of records in a %d-byte buffer", len(b), BufferSize))
	}
	end := len(b)
	for len(b) < BufferSize {
		b = append(b, 0xFF)
	}
	le := binary.LittleEndian
	le.PutUint32(b[0:], BufferSize)
	le.PutUint32(b[4:], uint32(end)) // SavedOffset
	le.PutUint32(b[8:], uint32(end)) // CurrentOffset
	le.PutUint32(b[0x30:], uint32(end))
	return b
}

// pad8 pads a record to a multiple of 8 bytes.
func pad8(b []byte) []byte {
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// guid encodes a GUID's text form as stored (the first three fields little-endian).
func guid(s string) []byte {
	s = strings.Trim(s, "{}")
	var a uint32
	var b, c uint16
	var d [8]byte
	if n, err := fmt.Sscanf(s, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", &a, &b, &c, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6], &d[7]); err != nil || n != 11 {
		panic("etltest: bad GUID " + s)
	}
	g := binary.LittleEndian.AppendUint32(nil, a)
	g = binary.LittleEndian.AppendUint16(g, b)
	g = binary.LittleEndian.AppendUint16(g, c)
	return append(g, d[:]...)
}

// record encodes an EVENT_HEADER record (64-bit header type 0x13).
func record(ev Event) []byte {
	le := binary.LittleEndian
	b := make([]byte, eventHeaderSize)
	le.PutUint16(b[0:], uint16(eventHeaderSize+len(ev.UserData)))
	b[2], b[3] = 0x13, 0xC0
	le.PutUint16(b[4:], 0x0040) // EVENT_HEADER_FLAG_64_BIT_HEADER
	le.PutUint32(b[8:], ev.ThreadID)
	le.PutUint32(b[12:], ev.ProcessID)
	le.PutUint64(b[16:], ev.Ticks)
	copy(b[24:40], guid(ev.Provider))
	le.PutUint16(b[40:], ev.ID)
	b[42] = ev.Version
	b[45] = ev.Opcode
	b[44] = 4 // level: information
	le.PutUint64(b[48:], ev.Keywords)
	return pad8(append(b, ev.UserData...))
}

// logfileHeader encodes the system record carrying TRACE_LOGFILE_HEADER (64-bit pointers).
func logfileHeader() []byte {
	le := binary.LittleEndian
	h := make([]byte, 280)
	le.PutUint32(h[0:], BufferSize)
	le.PutUint32(h[4:], 0x0a000005) // version
	le.PutUint32(h[8:], 20348)      // Windows build
	le.PutUint32(h[12:], 1)         // processors
	le.PutUint32(h[32:], 0x00000001)
	le.PutUint32(h[44:], 8) // pointer size
	le.PutUint64(h[248:], StartTime-1e11)
	le.PutUint64(h[256:], 10_000_000) // PerfFreq: one tick is 100 ns
	le.PutUint64(h[264:], StartTime)
	le.PutUint32(h[272:], 1) // clock type: QPC
	for _, s := range []string{"wirelens test", "test.etl"} {
		for _, u := range utf16.Encode([]rune(s)) {
			h = le.AppendUint16(h, u)
		}
		h = append(h, 0, 0)
	}
	r := make([]byte, 32)
	le.PutUint16(r[4:], uint16(32+len(h)))
	r[2], r[3] = 0x02, 0xC0 // HeaderSystem64
	le.PutUint32(r[8:], 1)
	le.PutUint32(r[12:], 4242)
	le.PutUint64(r[16:], 0) // ticks of the header: the start
	return pad8(append(r, h...))
}
