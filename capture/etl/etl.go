// Package etl reads Windows Event Trace Log (.etl) files, as ETW sessions write them (`netsh trace`,
// `pktmon`, `logman`, xperf), in pure Go.
//
// An ETL file is a series of buffers, each a 0x48-byte WMI_BUFFER_HEADER followed by event records,
// 8-byte aligned. The first buffer holds the logfile header (a system record carrying
// TRACE_LOGFILE_HEADER: start time, clock type, timer frequency, boot time, logger name). A buffer with
// flag 0x40 is compressed with Xpress (MS-XCA plain LZ77): its size field is then the size on disk and
// its saved-offset field the size once decompressed. Records are told apart by their second 16-bit word:
// a header type byte and the marker flags 0xC0. Reader returns every event record in file order, with
// its time converted to UTC from the session's clock.
//
// The package does not import package capture: capture adapts its events into frames.
package etl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/wirelens/wirelens/capture/xpress"
)

// Header kinds: the header type byte of a record.
const (
	HeaderSystem32    = 0x01
	HeaderSystem64    = 0x02
	HeaderCompact32   = 0x03
	HeaderCompact64   = 0x04
	HeaderFull32      = 0x0A // classic EVENT_TRACE_HEADER
	HeaderInstance32  = 0x0B
	HeaderTimed       = 0x0C
	HeaderError       = 0x0D
	HeaderWnode       = 0x0E
	HeaderMessage     = 0x0F
	HeaderPerfInfo32  = 0x10
	HeaderPerfInfo64  = 0x11
	HeaderEvent32     = 0x12 // EVENT_HEADER
	HeaderEvent64     = 0x13 // EVENT_HEADER
	HeaderFull64      = 0x14
	HeaderInstance64  = 0x15
	bufferHeaderSize  = 0x48
	bufferCompressed  = 0x40
	maxBufferSize     = 16 << 20 // ETW sessions allocate buffers of at most 16 MiB (EVENT_TRACE_PROPERTIES.BufferSize)
	eventHeaderSize   = 80
	extItemHeaderSize = 8
)

// GUID is a Windows GUID as stored in a file (the first three fields little-endian).
type GUID [16]byte

// String returns the GUID in its usual form, lower case, without braces.
func (g GUID) String() string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le.Uint32(g[0:]), le.Uint16(g[4:]), le.Uint16(g[6:]), g[8:10], g[10:16])
}

// ParseGUID parses the form String returns (braces allowed); it panics on a malformed constant, so it
// is meant for package-level values.
func ParseGUID(s string) GUID {
	s = strings.Trim(s, "{}")
	var g GUID
	var a uint32
	var b, c uint16
	var d [8]byte
	n, err := fmt.Sscanf(s, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", &a, &b, &c, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6], &d[7])
	if err != nil || n != 11 {
		panic("etl: bad GUID " + s)
	}
	binary.LittleEndian.PutUint32(g[0:], a)
	binary.LittleEndian.PutUint16(g[4:], b)
	binary.LittleEndian.PutUint16(g[6:], c)
	copy(g[8:], d[:])
	return g
}

// LogfileHeader is what the TRACE_LOGFILE_HEADER record says about the session.
type LogfileHeader struct {
	BufferSize         uint32
	Version            uint32
	ProviderVersion    uint32 // the Windows build number
	NumberOfProcessors uint32
	EndTime            uint64 // FILETIME
	TimerResolution    uint32
	LogFileMode        uint32
	BuffersWritten     uint32
	PointerSize        uint32
	EventsLost         uint32
	CPUSpeedMHz        uint32
	BootTime           uint64 // FILETIME
	PerfFreq           uint64 // ticks per second of the QPC clock
	StartTime          uint64 // FILETIME
	ClockType          uint32 // 1 QPC, 2 system time, 3 CPU cycle counter
	BuffersLost        uint32
	LoggerName         string
	LogFileName        string
	startTicks         uint64 // the header record's own time stamp, in session clock ticks
}

// Event is one event record.
type Event struct {
	// Kind is the header type byte (HeaderSystem64, HeaderEvent64, …).
	Kind uint8
	// Provider is the provider GUID (EVENT_HEADER, classic header); for system records it is zero and
	// HookID names the event.
	Provider GUID
	// HookID is the group and type of a system or PerfInfo record.
	HookID uint16
	// ID, Version, Channel, Level, Opcode, Task and Keywords are the EVENT_DESCRIPTOR (EVENT_HEADER);
	// a classic header fills Opcode (its type), Level and Version.
	ID                              uint16
	Version, Channel, Level, Opcode uint8
	Task                            uint16
	Keywords                        uint64
	// Flags and Property are the EVENT_HEADER's flags and event property.
	Flags, Property uint16
	// ThreadID and ProcessID are those of the header (0xFFFFFFFF and 0 are common for kernel events).
	ThreadID, ProcessID uint32
	// Ticks is the raw time stamp in session clock units; Time the time as a FILETIME (100 ns since
	// 1601-01-01 UTC).
	Ticks uint64
	Time  uint64
	// ActivityID is the EVENT_HEADER's activity id.
	ActivityID GUID
	// Extended holds the extended data items (EVENT_HEADER with flag 0x0001): type and bytes.
	Extended []ExtendedItem
	// UserData is the event's payload. It is borrowed from the Reader until the next call to Next.
	UserData []byte
	// Processor is the processor of the buffer that held the record; Buffer the 0-based index of the
	// buffer in the file and Offset the record's offset in the (decompressed) buffer.
	Processor uint16
	Buffer    int
	Offset    int
}

// ExtendedItem is one extended data item of an EVENT_HEADER record.
type ExtendedItem struct {
	Type uint16
	Data []byte
}

// Extended data item types (EVENT_HEADER_EXT_TYPE_*) used here.
const (
	ExtRelatedActivityID = 0x0001
	ExtSID               = 0x0002
	ExtTSID              = 0x0003
	ExtInstanceInfo      = 0x0004
	ExtStackTrace32      = 0x0005
	ExtStackTrace64      = 0x0006
	ExtPEBSIndex         = 0x0007
	ExtPMCCounters       = 0x0008
	ExtPSMKey            = 0x0009
	ExtEventKey          = 0x000A
	ExtEventSchemaTL     = 0x000B
	ExtProvTraits        = 0x000C
	ExtProcessStartKey   = 0x000D
)

// FormatError reports a file that is no ETL trace or a damaged one. Buffer is the 0-based index of the
// buffer where reading stopped and Offset its offset in the file.
type FormatError struct {
	Buffer int
	Offset int64
	Reason string
}

// Error returns the buffer, its offset and the reason in one line.
func (e *FormatError) Error() string {
	return fmt.Sprintf("etl: buffer %d at byte %d: %s", e.Buffer, e.Offset, e.Reason)
}

// Reader reads the events of an ETL file sequentially. It holds one buffer at a time (at most
// maxBufferSize bytes, plus the decompressed copy), so memory does not grow with the file.
type Reader struct {
	src     io.Reader
	off     int64 // file offset of the next buffer
	nbuf    int   // buffers read
	raw     []byte
	dec     []byte
	buf     []byte // the current buffer's records (raw or decompressed), header included
	pos     int    // next record in buf
	end     int    // end of valid data in buf
	proc    uint16
	err     error
	header  *LogfileHeader
	pending []Event // events read ahead while looking for the logfile header
	// Skipped counts records that could not be parsed and were stepped over.
	Skipped int
	// Compressed counts the buffers that were compressed.
	Compressed int
}

// NewReader returns a Reader over src. It reads the first buffer to find the logfile header; an input
// whose start is no ETL buffer gives a *FormatError.
func NewReader(src io.Reader) (*Reader, error) {
	r := &Reader{src: src}
	if err := r.nextBuffer(); err != nil {
		if err == io.EOF {
			return nil, &FormatError{Reason: "empty file"}
		}
		return nil, err
	}
	// Read the records of the first buffer: the logfile header is among them.
	for r.header == nil && r.pos < r.end {
		var ev Event
		ok, err := r.record(&ev)
		if err != nil {
			break
		}
		if ok {
			ev.UserData = append([]byte(nil), ev.UserData...)
			r.pending = append(r.pending, ev)
		}
	}
	for i := range r.pending {
		r.pending[i].Time = r.convert(r.pending[i].Ticks)
	}
	return r, nil
}

// Header returns the logfile header, or nil when the file has none (the times are then the raw ticks,
// taken as FILETIME).
func (r *Reader) Header() *LogfileHeader { return r.header }

// Buffers returns the number of buffers read so far.
func (r *Reader) Buffers() int { return r.nbuf }

// nextBuffer reads the next buffer into r.buf. It returns io.EOF at a clean end of the file.
func (r *Reader) nextBuffer() error {
	var h [bufferHeaderSize]byte
	n, err := io.ReadFull(r.src, h[:])
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return io.EOF
	}
	bad := func(format string, args ...any) error {
		return &FormatError{Buffer: r.nbuf, Offset: r.off, Reason: fmt.Sprintf(format, args...)}
	}
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			return bad("buffer header cut short: %d of %d bytes", n, bufferHeaderSize)
		}
		return err
	}
	le := binary.LittleEndian
	size := int(le.Uint32(h[0:]))
	saved := int(le.Uint32(h[4:]))
	flags := le.Uint16(h[0x34:])
	if size < bufferHeaderSize || size > maxBufferSize {
		return bad("buffer size %d is not between %d and %d", size, bufferHeaderSize, maxBufferSize)
	}
	r.raw = append(r.raw[:0], h[:]...)
	// Read the body in chunks as it arrives, so that a size field alone cannot make us allocate much.
	for len(r.raw) < size {
		chunk := min(size-len(r.raw), 256<<10)
		if cap(r.raw)-len(r.raw) < chunk {
			r.raw = append(r.raw[:cap(r.raw)], make([]byte, chunk)...)[:len(r.raw)]
		}
		m, err := io.ReadFull(r.src, r.raw[len(r.raw):len(r.raw)+chunk])
		r.raw = r.raw[:len(r.raw)+m]
		if err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				return bad("buffer needs %d bytes, %d present", size, len(r.raw))
			}
			return err
		}
	}
	r.proc = uint16(h[0x28])
	if flags&bufferCompressed != 0 {
		r.Compressed++
		if saved < bufferHeaderSize || saved > maxBufferSize {
			r.off += int64(size)
			r.nbuf++
			return bad("compressed buffer claims %d bytes once decompressed", saved)
		}
		r.dec = append(r.dec[:0], h[:]...)
		out, err := xpress.Decompress(r.dec, r.raw[bufferHeaderSize:], saved-bufferHeaderSize)
		r.dec = out
		if err != nil {
			r.off += int64(size)
			r.nbuf++
			return bad("compressed buffer: %v", err)
		}
		r.buf = r.dec
		r.end = len(r.dec)
	} else {
		r.buf = r.raw
		end := int(le.Uint32(h[0x30:])) // the offset after the last record
		if end < bufferHeaderSize || end > size {
			end = saved
		}
		if end < bufferHeaderSize || end > size {
			end = size
		}
		r.end = end
	}
	r.pos = bufferHeaderSize
	r.off += int64(size)
	r.nbuf++
	return nil
}

// Next reads the next event. It returns io.EOF at the end of the file and a *FormatError when a buffer
// is damaged: the events before it have been returned. ev.UserData is valid until the next call.
func (r *Reader) Next(ev *Event) error {
	if len(r.pending) > 0 {
		*ev = r.pending[0]
		r.pending = r.pending[1:]
		return nil
	}
	if r.err != nil {
		return r.err
	}
	for {
		for r.pos+4 <= r.end {
			ok, err := r.record(ev)
			if err != nil {
				break // the rest of this buffer cannot be parsed
			}
			if ok {
				ev.Time = r.convert(ev.Ticks)
				return nil
			}
		}
		if err := r.nextBuffer(); err != nil {
			r.err = err
			return err
		}
	}
}

var errStop = errors.New("stop")

// record parses the record at r.pos. ok is false for padding and for records that are skipped; err
// is set when nothing more can be read in this buffer.
func (r *Reader) record(ev *Event) (ok bool, err error) {
	b := r.buf[r.pos:r.end]
	le := binary.LittleEndian
	if len(b) < 8 {
		r.pos = r.end
		return false, errStop
	}
	marker := le.Uint32(b)
	if marker == 0xFFFFFFFF || marker == 0 {
		r.pos = r.end // padding up to the end of the buffer
		return false, errStop
	}
	kind := b[2]
	if b[3]&0xC0 != 0xC0 {
		r.Skipped++
		r.pos = r.end
		return false, errStop
	}
	var size int
	switch kind {
	case HeaderSystem32, HeaderSystem64, HeaderCompact32, HeaderCompact64, HeaderPerfInfo32, HeaderPerfInfo64:
		size = int(le.Uint16(b[4:]))
	default:
		size = int(le.Uint16(b[0:]))
	}
	if size < 8 || size > len(b) {
		r.Skipped++
		r.pos = r.end
		return false, errStop
	}
	rec := b[:size]
	start := r.pos
	r.pos += (size + 7) &^ 7
	*ev = Event{Kind: kind, Processor: r.proc, Buffer: r.nbuf - 1, Offset: start}
	switch kind {
	case HeaderSystem32, HeaderSystem64, HeaderCompact32, HeaderCompact64:
		hl := 32
		if kind == HeaderCompact32 || kind == HeaderCompact64 {
			hl = 24
		}
		if size < hl {
			r.Skipped++
			return false, nil
		}
		ev.HookID = le.Uint16(rec[6:])
		ev.Version = rec[0]
		ev.ThreadID = le.Uint32(rec[8:])
		ev.ProcessID = le.Uint32(rec[12:])
		ev.Ticks = le.Uint64(rec[16:])
		ev.UserData = rec[hl:]
		if ev.HookID == 0 && r.header == nil {
			r.parseLogfileHeader(ev.UserData, ev.Ticks, kind == HeaderSystem64 || kind == HeaderCompact64)
		}
	case HeaderPerfInfo32, HeaderPerfInfo64:
		if size < 16 {
			r.Skipped++
			return false, nil
		}
		ev.HookID = le.Uint16(rec[6:])
		ev.Ticks = le.Uint64(rec[8:])
		ev.UserData = rec[16:]
	case HeaderFull32, HeaderFull64, HeaderInstance32, HeaderInstance64:
		if size < 48 {
			r.Skipped++
			return false, nil
		}
		ev.Opcode = rec[4]
		ev.Level = rec[5]
		ev.Version = uint8(le.Uint16(rec[6:]))
		ev.ThreadID = le.Uint32(rec[8:])
		ev.ProcessID = le.Uint32(rec[12:])
		ev.Ticks = le.Uint64(rec[16:])
		copy(ev.Provider[:], rec[24:40])
		hl := 48
		if kind == HeaderInstance32 || kind == HeaderInstance64 {
			hl = min(size, 48+24) // instance id, parent instance id and parent GUID follow
		}
		ev.UserData = rec[hl:]
	case HeaderEvent32, HeaderEvent64:
		if size < eventHeaderSize {
			r.Skipped++
			return false, nil
		}
		ev.Flags = le.Uint16(rec[4:])
		ev.Property = le.Uint16(rec[6:])
		ev.ThreadID = le.Uint32(rec[8:])
		ev.ProcessID = le.Uint32(rec[12:])
		ev.Ticks = le.Uint64(rec[16:])
		copy(ev.Provider[:], rec[24:40])
		ev.ID = le.Uint16(rec[40:])
		ev.Version = rec[42]
		ev.Channel = rec[43]
		ev.Level = rec[44]
		ev.Opcode = rec[45]
		ev.Task = le.Uint16(rec[46:])
		ev.Keywords = le.Uint64(rec[48:])
		copy(ev.ActivityID[:], rec[64:80])
		p := eventHeaderSize
		if ev.Flags&0x0001 != 0 {
			for k := 0; k < 64; k++ { // a record holds few items; the cap stops a loop over garbage
				if p+extItemHeaderSize > size {
					r.Skipped++
					return false, nil
				}
				typ := le.Uint16(rec[p+2:])
				link := le.Uint16(rec[p+4:])
				n := int(le.Uint16(rec[p+6:]))
				if p+extItemHeaderSize+n > size {
					r.Skipped++
					return false, nil
				}
				ev.Extended = append(ev.Extended, ExtendedItem{Type: typ, Data: rec[p+extItemHeaderSize : p+extItemHeaderSize+n]})
				p = (p + extItemHeaderSize + n + 7) &^ 7
				if link&1 == 0 {
					break
				}
			}
			p = min(p, size)
		}
		ev.UserData = rec[p:]
	default:
		// Other kinds (WNODE, message, timed, error) carry nothing wirelens reads: counted, skipped.
		ev.Ticks = 0
		if size >= 24 {
			ev.Ticks = le.Uint64(rec[16:])
		}
		ev.UserData = rec[min(size, 8):]
	}
	return true, nil
}

// parseLogfileHeader reads TRACE_LOGFILE_HEADER from the user data of the first system record.
func (r *Reader) parseLogfileHeader(b []byte, ticks uint64, ptr64 bool) {
	le := binary.LittleEndian
	ptr := 4
	if ptr64 {
		ptr = 8
	}
	// Offsets after the two pointers (LoggerName, LogFileName) depend on the pointer size.
	tz := 56 + 2*ptr
	boot := (tz + 172 + 7) &^ 7
	fixed := boot + 8 + 8 + 8 + 4 + 4
	if len(b) < fixed {
		return
	}
	h := &LogfileHeader{
		BufferSize: le.Uint32(b[0:]), Version: le.Uint32(b[4:]), ProviderVersion: le.Uint32(b[8:]),
		NumberOfProcessors: le.Uint32(b[12:]), EndTime: le.Uint64(b[16:]), TimerResolution: le.Uint32(b[24:]),
		LogFileMode: le.Uint32(b[32:]), BuffersWritten: le.Uint32(b[36:]),
		PointerSize: le.Uint32(b[44:]), EventsLost: le.Uint32(b[48:]), CPUSpeedMHz: le.Uint32(b[52:]),
		BootTime: le.Uint64(b[boot:]), PerfFreq: le.Uint64(b[boot+8:]), StartTime: le.Uint64(b[boot+16:]),
		ClockType: le.Uint32(b[boot+24:]), BuffersLost: le.Uint32(b[boot+28:]),
		startTicks: ticks,
	}
	rest := b[fixed:]
	h.LoggerName, rest = utf16z(rest)
	h.LogFileName, _ = utf16z(rest)
	r.header = h
}

// utf16z decodes a NUL-terminated little-endian UTF-16 string and returns the bytes after it.
func utf16z(b []byte) (string, []byte) {
	var u []uint16
	i := 0
	for ; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			i += 2
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), b[min(i, len(b)):]
}

// convert turns a record's time stamp into a FILETIME with the session clock of the logfile header.
func (r *Reader) convert(ticks uint64) uint64 {
	h := r.header
	if h == nil {
		return ticks
	}
	switch h.ClockType {
	case 2: // system time: already a FILETIME
		return ticks
	case 3: // CPU cycle counter
		if h.CPUSpeedMHz == 0 {
			return ticks
		}
		return addTicks(h.StartTime, ticks, h.startTicks, uint64(h.CPUSpeedMHz)*1e6)
	}
	if h.PerfFreq == 0 {
		return ticks
	}
	return addTicks(h.StartTime, ticks, h.startTicks, h.PerfFreq)
}

// addTicks returns start plus (ticks - base) clock ticks of freq per second, in 100 ns units.
func addTicks(start, ticks, base, freq uint64) uint64 {
	d := int64(ticks - base)
	neg := d < 0
	if neg {
		d = -d
	}
	u := uint64(d)
	v := u/freq*1e7 + u%freq*1e7/freq
	if neg {
		return start - v
	}
	return start + v
}
