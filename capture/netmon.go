package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf16"
)

// Microsoft Network Monitor 2.x capture files (magic "GMBU").
//
// Layout (all integers little-endian): a 128-byte file header (magic, minor
// and major version, the MAC type, the capture start as a SYSTEMTIME, then the
// offset and length of the frame table, the user data, the comment table, the
// process table (offset and count) and the network info); the frame table
// holds the 32-bit file offset of every frame, in display order. A 2.x frame
// is a 64-bit microsecond offset from the start time, the original and the
// captured length (32 bits each), the captured bytes and, from version 2.1, a
// trailer: the frame's media type (16 bits), from 2.2 the index of its process
// in the process table (32 bits), from 2.3 its UTC time as a FILETIME and a
// time zone index (8 bits).
//
// The reader never trusts a count or a length from the file to size an
// allocation: the frame table is read in small pieces as frames are read, the
// comment and process tables are parsed only as far as the file really holds
// them, with caps on their sizes.

// NetMon media types (the per-frame "network" value) that do not map to a
// LINKTYPE_ value directly.
const (
	netmonMediaPcapBase    = 0xE000 // 0xE000 | LINKTYPE_ value: a frame converted from pcap
	netmonMediaNetEvent    = 0xFFE0 // an ETW event wrapped in the capture
	netEventHeaderSize     = 89     // the fixed part of a NetEvent frame
	netmonMediaNetInfoEx   = 0xFFFB // list of the adapters the capture ran on
	netmonMediaPayloadHdr  = 0xFFFC // header of a frame made by reassembly (skipped, as tshark does)
	netmonMediaNetInfo     = 0xFFFD // old adapter list (skipped, as tshark does)
	netmonMediaDNSCache    = 0xFFFE // resolved names (skipped, as tshark does)
	netmonMediaFilter      = 0xFFFF // the capture or display filter text
	netmonHeaderSize       = 128
	netmonFrameHeaderSize  = 16
	netmonMaxFrame         = 262144 // tshark's WTAP_MAX_PACKET_SIZE_STANDARD: a longer frame marks a corrupt file
	netmonMaxComments      = 16 << 20
	netmonMaxProcesses     = 4096
	netmonMaxProcessPath   = 65536
	netmonMaxSlurp         = 1 << 30 // a NetMon file that is not seekable is read into memory, up to this size
	netmonFrameTableWindow = 1024    // frame table entries read at once
)

// netmonLinkType maps a NetMon media type to the link type of the frame's
// bytes, as tshark 4.0 does. ok is false for the media types whose records
// tshark skips.
func netmonLinkType(media uint16) (lt LinkType, ok bool) {
	switch {
	case media == 0 || media == 1:
		return LinkTypeEthernet, true // some VPN captures say 0 for Ethernet
	case media == 2:
		return LinkTypeTokenRing, true
	case media == 3:
		return LinkTypeFDDI, true
	case media == 6:
		return LinkTypeNetMon80211, true
	case media >= 7 && media <= 9:
		return LinkTypeRaw, true
	case media >= 0xE080 && media <= 0xE08A:
		if media == 0xE080 {
			return LinkTypeIEEE80211, true
		}
		return LinkTypeNetMonMedia | LinkType(media), true
	case media&0xF000 == netmonMediaPcapBase:
		return linkTypeFromFile(uint32(media & 0x0FFF)), true
	case media == netmonMediaNetEvent:
		return LinkTypeNetMonEvent, true
	case media == netmonMediaPayloadHdr, media == netmonMediaNetInfo, media == netmonMediaDNSCache:
		return 0, false
	}
	// Unknown media types, NetworkInfoEx and the filter record: kept as
	// frames of their own link type, which no dissector decodes.
	return LinkTypeNetMonMedia | LinkType(media), true
}

// NetMonProcess is one entry of a NetMon capture's process table.
type NetMonProcess struct {
	// Path is the executable's path, as the capturing host recorded it.
	Path string
	// PID is the process id.
	PID uint32
	// LocalPort and RemotePort are the ports of the connection the entry
	// was made for.
	LocalPort, RemotePort uint16
}

// netmonSource reads the frames of a NetMon 2.x file.
type netmonSource struct {
	ra         io.ReaderAt
	size       int64
	minor      uint8
	start      int64 // capture start, ns since the Unix epoch (the SYSTEMTIME taken as UTC)
	tableOff   int64
	tableN     int // frames in the frame table
	idx        int // index of the next frame table entry
	window     []uint32
	windowBase int

	comments  map[uint32]string // frame offset -> comment title and text
	processes []NetMonProcess
	pids      map[uint32]string // process names from kernel process events (winproc.go)
	buf       []byte
	hdr       [netmonFrameHeaderSize]byte
	frames    int
	notes     []string
}

// startNetMon prepares r to read a NetMon file. src is the input as given to
// NewReader; its first bytes are in r.buf.
func (r *Reader) startNetMon(src io.Reader) error {
	ra, size, err := r.randomAccess(src)
	if err != nil {
		return err
	}
	s := &netmonSource{ra: ra, size: size}
	var h [netmonHeaderSize]byte
	n, _ := ra.ReadAt(h[:], 0)
	if n < 64 {
		return &TruncatedError{Frame: 1, Reason: fmt.Sprintf("NetMon file header needs 64 bytes, %d present", n)}
	}
	major := h[5]
	s.minor = h[4]
	if major != 2 {
		return &NotCaptureError{Head: headCopy(h[:n]), Known: fmt.Sprintf("a Network Monitor %d.%d capture", major, s.minor)}
	}
	le := binary.LittleEndian
	st := time.Date(int(le.Uint16(h[8:])), time.Month(le.Uint16(h[10:])), int(le.Uint16(h[14:])),
		int(le.Uint16(h[16:])), int(le.Uint16(h[18:])), int(le.Uint16(h[20:])), int(le.Uint16(h[22:]))*1e6, time.UTC)
	s.start = st.UnixNano()
	s.tableOff = int64(le.Uint32(h[24:]))
	tableLen := int64(le.Uint32(h[28:]))
	if tableLen%4 != 0 {
		return r.netmonBad("frame table length %d is not a multiple of 4", tableLen)
	}
	if s.tableOff+tableLen > size {
		avail := max(0, size-s.tableOff)
		s.notes = append(s.notes, fmt.Sprintf("the frame table is cut short: %d of its %d entries are in the file", avail/4, tableLen/4))
		tableLen = avail &^ 3
	}
	s.tableN = int(tableLen / 4)
	if s.minor >= 2 {
		s.readComments(int64(le.Uint32(h[40:])), int64(le.Uint32(h[44:])))
		s.readProcesses(int64(le.Uint32(h[48:])), le.Uint32(h[52:]))
	}
	r.format = FormatNetMon
	r.ifaces = []Interface{{LinkType: LinkTypeEthernet, Name: "NetMon"}}
	if lt, ok := netmonLinkType(le.Uint16(h[6:])); ok {
		r.ifaces[0].LinkType = lt
	}
	r.alt = s
	return nil
}

func (r *Reader) netmonBad(format string, args ...any) error {
	return &TruncatedError{Frame: 1, Reason: "corrupt NetMon header: " + fmt.Sprintf(format, args...)}
}

// randomAccess returns src as an io.ReaderAt with its size: directly when it
// is a regular file read from its start and not compressed, otherwise by
// reading it into memory (bounded by netmonMaxSlurp).
func (r *Reader) randomAccess(src io.Reader) (io.ReaderAt, int64, error) {
	if f, ok := src.(*os.File); ok && !r.compressed && r.base == 0 {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if pos, err := f.Seek(0, io.SeekCurrent); err == nil && pos == int64(r.w) {
				return f, fi.Size(), nil
			}
		}
	}
	if ra, ok := src.(*bytes.Reader); ok && !r.compressed {
		return ra, ra.Size(), nil
	}
	data := append([]byte(nil), r.buf[r.r:r.w]...)
	if r.rerr == nil {
		rest, err := io.ReadAll(io.LimitReader(r.src, netmonMaxSlurp))
		data = append(data, rest...)
		if err != nil && !gzipDataError(err) {
			return nil, 0, fmt.Errorf("capture: %w", err)
		}
	}
	return bytes.NewReader(data), int64(len(data)), nil
}

// readComments parses the comment table: per comment, the number of frames
// (always 1), the offset of the frame it belongs to, the title (UTF-16, its
// length in bytes first) and the description (RTF, its length first).
func (s *netmonSource) readComments(off, n int64) {
	if off == 0 || n == 0 {
		return
	}
	if n > netmonMaxComments || off > s.size || off+n > s.size {
		s.notes = append(s.notes, fmt.Sprintf("the comment table (%d bytes at %d) lies outside the file; comments ignored", n, off))
		return
	}
	b := make([]byte, n)
	if _, err := s.ra.ReadAt(b, off); err != nil {
		return
	}
	le := binary.LittleEndian
	for len(b) >= 16 {
		frameOff := le.Uint32(b[4:])
		tl := int64(le.Uint32(b[8:]))
		b = b[12:]
		if tl > int64(len(b)) || tl == 0 {
			s.notes = append(s.notes, "the comment table is corrupt; the comments after it are ignored")
			return
		}
		title := utf16String(b[:tl])
		b = b[tl:]
		if len(b) < 4 {
			return
		}
		dl := int64(le.Uint32(b))
		b = b[4:]
		if dl > int64(len(b)) {
			s.notes = append(s.notes, "the comment table is corrupt; the comments after it are ignored")
			return
		}
		desc := rtfText(b[:dl])
		b = b[dl:]
		if s.comments == nil {
			s.comments = map[uint32]string{}
		}
		text := title
		if desc != "" {
			text += ": " + desc
		}
		s.comments[frameOff] = text
	}
}

// readProcesses parses the process table: a 16-bit version, then per
// process the path (UTF-16, byte length first), an icon (length first), the
// PID, the local and remote port (each followed by 2 bytes of padding), an
// IPv6 flag (32 bits) and the local and remote address (16 bytes each).
// The count is not trusted (files with 0xFFFFFFFF exist): parsing stops at the
// end of the file or at the first entry that does not make sense.
func (s *netmonSource) readProcesses(off int64, count uint32) {
	if off == 0 || count == 0 {
		return
	}
	if off >= s.size {
		s.notes = append(s.notes, fmt.Sprintf("the process table offset %d is beyond the end of the file; processes ignored", off))
		return
	}
	if count > netmonMaxProcesses {
		s.notes = append(s.notes, fmt.Sprintf("the process table claims %d entries; reading at most %d, as far as they make sense", count, netmonMaxProcesses))
		count = netmonMaxProcesses
	}
	pos := off + 2
	le := binary.LittleEndian
	var u [4]byte
	read := func(p []byte) bool {
		n, _ := s.ra.ReadAt(p, pos)
		pos += int64(n)
		return n == len(p)
	}
	for i := uint32(0); i < count; i++ {
		if !read(u[:]) {
			return
		}
		pl := int64(le.Uint32(u[:]))
		if pl > netmonMaxProcessPath || pos+pl > s.size {
			s.notes = append(s.notes, fmt.Sprintf("process table entry %d is corrupt; the %d entries before it are kept", i, i))
			return
		}
		path := make([]byte, pl)
		if !read(path) || !read(u[:]) {
			return
		}
		pos += int64(le.Uint32(u[:])) // the icon
		var rest [4 + 4 + 4 + 4 + 32]byte
		if pos > s.size || !read(rest[:]) {
			return
		}
		s.processes = append(s.processes, NetMonProcess{
			Path: utf16String(path), PID: le.Uint32(rest[0:]),
			LocalPort: le.Uint16(rest[4:]), RemotePort: le.Uint16(rest[8:]),
		})
	}
}

// netEventProcess learns process names from the kernel's process events among NetEvent frames and names
// the process of a NetEvent frame from its header's process id, when the process table did not.
func (s *netmonSource) netEventProcess(f *Frame) {
	b := f.Data
	if len(b) < netEventHeaderSize {
		return
	}
	le := binary.LittleEndian
	var provider [16]byte
	copy(provider[:], b[24:40])
	if n := int(le.Uint16(b[86:])); provider == providerKernelProcess && n <= len(b)-netEventHeaderSize {
		switch b[45] { // opcode
		case processStart, processDCStart, processDCEnd:
			ptr64 := le.Uint16(b[4:])&0x20 == 0 // EVENT_HEADER_FLAG_32_BIT_HEADER
			if pid, name, ok := parseProcessEvent(b[len(b)-n:], b[42], ptr64); ok {
				if s.pids == nil {
					s.pids = map[uint32]string{}
				}
				if len(s.pids) < maxProcessNames {
					s.pids[pid] = name
				}
			}
		}
	}
	if f.ProcessID == 0 && f.Process == "" {
		f.ProcessID = knownPID(le.Uint32(b[12:]))
		f.Process = s.pids[f.ProcessID]
	}
}

// entry returns frame table entry i, reading the table a window at a time.
func (s *netmonSource) entry(i int) (uint32, bool) {
	if i < s.windowBase || i >= s.windowBase+len(s.window) {
		n := min(netmonFrameTableWindow, s.tableN-i)
		raw := make([]byte, 4*n)
		got, _ := s.ra.ReadAt(raw, s.tableOff+int64(4*i))
		n = got / 4
		if n == 0 {
			return 0, false
		}
		s.window = s.window[:0]
		for k := 0; k < n; k++ {
			s.window = append(s.window, binary.LittleEndian.Uint32(raw[4*k:]))
		}
		s.windowBase = i
	}
	return s.window[i-s.windowBase], true
}

func (s *netmonSource) trailerSize() int {
	switch {
	case s.minor == 0:
		return 0
	case s.minor == 1:
		return 2
	case s.minor == 2:
		return 6
	}
	return 15
}

func (s *netmonSource) next(r *Reader, f *Frame) error {
	for {
		if s.idx >= s.tableN {
			return io.EOF
		}
		off, ok := s.entry(s.idx)
		if !ok {
			return &TruncatedError{Offset: s.tableOff + int64(4*s.idx), Frame: r.frames + 1, Reason: "the frame table is cut short"}
		}
		s.idx++
		bad := func(format string, args ...any) error {
			return &TruncatedError{Offset: int64(off), Frame: r.frames + 1, Reason: fmt.Sprintf(format, args...)}
		}
		if n, _ := s.ra.ReadAt(s.hdr[:], int64(off)); n < len(s.hdr) {
			return bad("frame header needs %d bytes, %d present", len(s.hdr), n)
		}
		le := binary.LittleEndian
		delta := int64(le.Uint64(s.hdr[0:]) * 10) // µs → 100 ns, as a signed value (see tshark's netmon.c)
		orig := le.Uint32(s.hdr[8:])
		capLen := le.Uint32(s.hdr[12:])
		if capLen > netmonMaxFrame {
			return bad("corrupt frame: captured length %d exceeds %d", capLen, netmonMaxFrame)
		}
		need := int(capLen) + s.trailerSize()
		if cap(s.buf) < need {
			s.buf = make([]byte, need)
		}
		s.buf = s.buf[:need]
		if n, _ := s.ra.ReadAt(s.buf, int64(off)+netmonFrameHeaderSize); n < need {
			return bad("frame needs %d bytes, %d present", need+netmonFrameHeaderSize, n+netmonFrameHeaderSize)
		}
		data := s.buf[:capLen:capLen]
		tr := s.buf[capLen:]
		*f = Frame{Data: data, OrigLen: int(orig), TimeNS: s.start + delta*100, LinkType: r.ifaces[0].LinkType, Offset: int64(off)}
		if len(tr) >= 2 {
			lt, ok := netmonLinkType(le.Uint16(tr))
			if !ok {
				continue
			}
			f.LinkType = lt
		}
		if len(tr) >= 6 {
			if idx := le.Uint32(tr[2:]); idx < uint32(len(s.processes)) {
				p := &s.processes[idx]
				f.ProcessID = p.PID
				f.Process = p.Path
			}
		}
		if len(tr) >= 14 {
			f.TimeNS = FileTimeToUnixNano(le.Uint64(tr[6:]))
		}
		if f.LinkType == LinkTypeNetMonEvent {
			s.netEventProcess(f)
		}
		if c, ok := s.comments[off]; ok {
			f.Comment = []byte(c)
		}
		return nil
	}
}

func (s *netmonSource) notesList() []string { return s.notes }

// FileTimeToUnixNano converts a Windows FILETIME (100 ns units since
// 1601-01-01 UTC) to nanoseconds since the Unix epoch. Values beyond the
// int64 nanosecond range are clamped.
func FileTimeToUnixNano(ft uint64) int64 {
	const epochDiff = 116444736000000000 // 100 ns units from 1601 to 1970
	v := int64(ft) - epochDiff
	if ft > 1<<63-1 {
		v = (1<<63 - 1 - epochDiff)
	}
	const lim = (1<<63 - 1) / 100
	if v > lim {
		return lim * 100
	}
	if v < -lim {
		return -lim * 100
	}
	return v * 100
}

// utf16String decodes little-endian UTF-16 up to the first NUL.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// rtfText returns the plain text of a short RTF document: control words and
// groups of the header (font and colour tables) are dropped, \par becomes a
// space. It is meant for NetMon comment descriptions, not for RTF in general.
func rtfText(b []byte) string {
	var out []byte
	depth, skipDepth := 0, -1
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case '{':
			depth++
			if i+1 < len(b) && b[i+1] == '\\' {
				// groups of the header: {\fonttbl …}, {\colortbl …}, {\*\…}
				j := i + 2
				for j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] == '*') {
					j++
				}
				switch string(b[i+2 : j]) {
				case "fonttbl", "colortbl", "*", "stylesheet", "info":
					if skipDepth < 0 {
						skipDepth = depth
					}
				}
			}
		case '}':
			if depth == skipDepth {
				skipDepth = -1
			}
			depth--
		case '\\':
			j := i + 1
			for j < len(b) && (b[j] >= 'a' && b[j] <= 'z' || b[j] >= 'A' && b[j] <= 'Z') {
				j++
			}
			word := string(b[i+1 : j])
			for j < len(b) && (b[j] == '-' || b[j] >= '0' && b[j] <= '9') {
				j++
			}
			if j < len(b) && b[j] == ' ' {
				j++
			}
			if word == "" && i+1 < len(b) {
				// an escaped character: \\ \{ \}
				if skipDepth < 0 && (b[i+1] == '\\' || b[i+1] == '{' || b[i+1] == '}') {
					out = append(out, b[i+1])
				}
				j = i + 2
			}
			if (word == "par" || word == "line" || word == "tab") && skipDepth < 0 && len(out) > 0 && out[len(out)-1] != ' ' {
				out = append(out, ' ')
			}
			i = j - 1
		case '\r', '\n':
		default:
			if skipDepth < 0 && depth > 0 && c >= 0x20 {
				out = append(out, c)
			}
		}
	}
	return string(bytes.TrimSpace(out))
}

func init() {
	linkTypeNames[LinkTypeNetMonEvent] = "NetMon NetEvent"
	linkTypeNames[LinkTypeNetMon80211] = "NetMon 802.11"
	linkTypeNames[LinkTypeNetMonMedia|netmonMediaNetInfoEx] = "NetMon network info"
	linkTypeNames[LinkTypeNetMonMedia|netmonMediaFilter] = "NetMon filter"
	linkTypeNames[LinkTypeETLEvent] = "ETW event"
}
