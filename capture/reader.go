package capture

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Format names the container format of a capture.
type Format int

// Container formats.
const (
	FormatPcap   Format = iota + 1 // libpcap's format, including its nanosecond and modified variants
	FormatPcapNG                   // pcapng
	FormatNetMon                   // Microsoft Network Monitor 2.x (netmon.go)
	FormatETL                      // Windows ETW trace log (netmon_etl.go)
)

// String returns "pcap" or "pcapng".
func (f Format) String() string {
	switch f {
	case FormatPcap:
		return "pcap"
	case FormatPcapNG:
		return "pcapng"
	case FormatNetMon:
		return "netmon"
	case FormatETL:
		return "etl"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Frame is one captured packet record.
type Frame struct {
	// Data holds the captured bytes, as stored: a pseudo-header that some
	// link types put before the packet (SunATM, IrDA, ...) is left in place
	// for the dissector. It is borrowed from the Reader: it is valid only
	// until the next call to Next. Copy it to keep it.
	Data []byte
	// OrigLen is the length of the packet on the wire (pcap orig_len, pcapng
	// original packet length). It may be smaller than len(Data) in broken
	// files; the reader keeps both as they are.
	OrigLen int
	// TimeNS is the capture time in nanoseconds since the Unix epoch, with
	// pcapng if_tsresol and if_tsoffset applied. It is 0 for a pcapng Simple
	// Packet Block, which has no time stamp.
	TimeNS int64
	// NoTime is true for a record that carries no time stamp (a pcapng Simple Packet Block).
	NoTime bool
	// LinkType says what header Data starts with.
	LinkType LinkType
	// Interface is the index into Interfaces of the interface the frame was
	// captured on: for pcapng, interfaces are numbered over all sections in
	// file order (tshark 4.0's frame.interface_id counts from 0 in each
	// section instead); a pcap file has one interface, 0.
	Interface int
	// Offset is the byte offset of the record's start in the (decompressed)
	// stream.
	Offset int64
	// Flags holds the pcapng epb_flags option (direction, reception type,
	// FCS length, link-layer errors); 0 when absent and for pcap.
	Flags uint32
	// Comment is the first opt_comment of the pcapng packet block, or nil.
	// It is borrowed like Data.
	Comment []byte
	// Process and ProcessID name the process the trace attributes the frame
	// to (NetMon's process table, an ETW event header); "" and 0 when the
	// trace says nothing. ETW packet events are often logged in a context
	// that is not the sending process, so treat them as a hint.
	Process   string
	ProcessID uint32
	// Event holds the ETW metadata of a frame read from an ETL trace; nil
	// otherwise. It is borrowed like Data.
	Event *EventInfo
	// Block, when not nil, is the block of a file read ahead (Reader.ReadAhead) that the frame was read
	// from: Data lies in it when Block.Contains(Data). Holding it keeps Data valid past the next call
	// to Next.
	Block *Block
}

// Interface describes one capture interface.
type Interface struct {
	// LinkType is the link-layer header type of the interface's frames.
	LinkType LinkType
	// SnapLen is the snapshot length (0 when unlimited or unknown).
	SnapLen int
	// Name and Description are the pcapng if_name and if_description
	// options; they are empty for pcap.
	Name, Description string

	tsUnits  uint64 // time stamp units per second (1e6 for µs, 1e9 for ns)
	tsOffset int64  // seconds added to every time stamp (pcapng if_tsoffset)
}

// Buffer sizes. The buffer starts small, so that opening many small files is
// cheap, and doubles up to defaultBufSize while the input keeps filling it;
// beyond that it grows only for a record that needs it, and only as fast as
// data for that record arrives, so a length field alone can never make the
// reader allocate much.
const (
	initialBufSize = 64 << 10
	defaultBufSize = 1 << 20
)

// Reader reads frames sequentially from a pcap or pcapng stream, which may be
// gzip-compressed. It is not safe for concurrent use.
type Reader struct {
	src  io.Reader // the (decompressed) stream
	buf  []byte
	r, w int   // buf[r:w] holds data not yet consumed
	base int64 // stream offset of buf[0]
	rerr error // sticky error from src (io.EOF at its end)
	full bool  // the last refill filled the whole buffer

	format     Format
	compressed bool
	be         bool // current byte order is big-endian
	err        error
	frames     int // frames returned so far

	ifaces   []Interface
	comments []string

	// pcap
	recHdrLen int // 16, or 24/28 for the modified formats
	snapCap   int // maxSnapLen of the link type

	// pcapng
	secBase   int // index in ifaces of the current section's first interface
	secIfaces int // interfaces in the current section

	alt frameSource // NetMon and ETL (netmon.go, netmon_etl.go)

	// ahead reads the file in its own goroutine (ReadAhead); bufBlock is the block buf lies in (nil:
	// a buffer of the reader's own), on which the reader keeps one hold.
	ahead    *aheadReader
	bufBlock *Block
}

// frameSource reads the frames of a format with a reader of its own.
type frameSource interface {
	next(r *Reader, f *Frame) error
	notesList() []string
}

// NewReader returns a Reader for the capture in r. It reads the start of r to
// recognise the format by its magic number (not by any file name): pcap in
// either byte order with micro- or nanosecond time stamps, the modified pcap
// formats, pcapng, or a gzip-compressed stream of one of these, which it
// decompresses transparently. When r holds something else, the error is a
// *NotCaptureError; when r ends inside the file header, a *TruncatedError.
//
// NewReader reads ahead a little: for pcap, the first two records (to tell
// the format variants apart, as Wireshark does); for pcapng, the blocks
// before the first packet, so that Interfaces is complete for it. Problems
// found there are returned by the first call to Next.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{src: r, buf: make([]byte, initialBufSize)}
	// Wait for no more than the 4 bytes of a magic number, so that a
	// capture arriving through a pipe can be read as it comes.
	n := rd.fillUpTo(4)
	if n == 0 && rd.rerr != io.EOF {
		return nil, fmt.Errorf("capture: %w", rd.rerr)
	}
	if n >= 2 && rd.buf[0] == 0x1f && rd.buf[1] == 0x8b {
		if err := rd.startGzip(); err != nil {
			return nil, err
		}
		n = rd.fillUpTo(4)
		if n < 4 && gzipDataError(rd.rerr) {
			return nil, &TruncatedError{Frame: 1, Reason: fmt.Sprintf("file header needs 4 bytes, %d present: %s", n, gzipReason(rd.rerr))}
		}
		if n == 0 && rd.rerr != io.EOF {
			return nil, fmt.Errorf("capture: %w", rd.rerr)
		}
	}
	if n >= 4 {
		switch m := binary.LittleEndian.Uint32(rd.buf); m {
		case magicPcapUS, magicPcapNS, magicPcapModified:
			return rd.started(rd.startPcap(m, false))
		case swap32(magicPcapUS), swap32(magicPcapNS), swap32(magicPcapModified):
			return rd.started(rd.startPcap(swap32(m), true))
		case blockSHB:
			return rd.started(rd.startPcapNG())
		}
		if bytes.HasPrefix(rd.buf[rd.r:], []byte("GMBU")) {
			return rd.started(rd.startNetMon(r))
		}
	}
	n = rd.fillUpTo(sniffLen)
	if isETL(rd.buf[:n]) {
		return rd.started(rd.startETL())
	}
	return nil, notCapture(rd.buf[:n], rd.compressed)
}

func (r *Reader) started(err error) (*Reader, error) {
	if err != nil {
		return nil, err
	}
	return r, nil
}

// sniffLen is how many bytes NewReader looks at to recognise a format that
// it does not read.
const sniffLen = 128

// startGzip makes the Reader read through a gzip decompressor: the bytes
// already buffered are fed to it first.
func (r *Reader) startGzip() error {
	prefix := make([]byte, r.w-r.r)
	copy(prefix, r.buf[r.r:r.w])
	var src io.Reader = bytes.NewReader(prefix)
	if r.rerr == nil {
		src = io.MultiReader(src, r.src)
	}
	g := &gzipStream{in: bufio.NewReaderSize(src, 32<<10)}
	zr, err := gzip.NewReader(g.in)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return &TruncatedError{Frame: 1, Reason: "gzip header cut short"}
		}
		return &NotCaptureError{Head: headCopy(prefix), Known: knownGzipBad}
	}
	zr.Multistream(false)
	g.zr = zr
	r.src = g
	r.compressed = true
	r.r, r.w, r.base, r.rerr, r.full = 0, 0, 0, nil, false
	return nil
}

// gzipStream decompresses a series of gzip members, like gzip -d: it stops
// at the first bytes after a member that do not start another one, and
// ignores them.
type gzipStream struct {
	in *bufio.Reader // an io.ByteReader, so that flate reads no further than a member's end
	zr *gzip.Reader
}

func (g *gzipStream) Read(p []byte) (int, error) {
	for {
		n, err := g.zr.Read(p)
		if err != io.EOF {
			return n, err
		}
		if next, _ := g.in.Peek(2); len(next) < 2 || next[0] != 0x1f || next[1] != 0x8b {
			return n, io.EOF
		}
		if err := g.zr.Reset(g.in); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return n, err
		}
		g.zr.Multistream(false)
		if n > 0 {
			return n, nil
		}
	}
}

// notCapture builds the error for input that is no capture NewReader reads.
func notCapture(head []byte, gz bool) error {
	e := &NotCaptureError{Head: headCopy(head)}
	switch {
	case gz:
		e.Known = knownGzip
	case len(head) == 0:
	case bytes.HasPrefix(head, []byte("GMBU")), bytes.HasPrefix(head, []byte("RTSS")):
		e.Known = knownNetMon
	case isETL(head):
		e.Known = knownETL
	case bytes.HasPrefix(head, []byte("snoop\x00\x00\x00")):
		e.Known = knownSnoop
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		e.Known = knownZstd
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		e.Known = knownXz
	case bytes.HasPrefix(head, []byte("BZh")):
		e.Known = knownBzip2
	case bytes.HasPrefix(head, []byte{0x04, 0x22, 0x4d, 0x18}):
		e.Known = knownLZ4
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		e.Known = knownZip
	}
	return e
}

func headCopy(b []byte) []byte {
	if len(b) > 16 {
		b = b[:16]
	}
	return append([]byte(nil), b...)
}

// isETL reports whether head starts with the WMI_BUFFER_HEADER of an ETW
// trace file: a buffer size that is a multiple of 1 KiB, saved and current
// offsets inside the buffer, and, at 0x48, the first record's marker with its
// 0xC0 flag bits.
func isETL(head []byte) bool {
	if len(head) < 0x4c {
		return false
	}
	size := binary.LittleEndian.Uint32(head)
	saved := binary.LittleEndian.Uint32(head[4:])
	cur := binary.LittleEndian.Uint32(head[8:])
	return size != 0 && size%1024 == 0 && size <= 64<<20 &&
		saved <= size && cur <= size && head[0x4b]&0xc0 == 0xc0
}

// Format returns the container format.
func (r *Reader) Format() Format { return r.format }

// Compressed reports whether the input was gzip-compressed.
func (r *Reader) Compressed() bool { return r.compressed }

// Interfaces returns the interfaces seen so far: exactly one for pcap; for
// pcapng those of every Interface Description Block read so far, in file order
// over all sections. Frame.Interface indexes this slice. The caller must not
// modify it.
func (r *Reader) Interfaces() []Interface { return r.ifaces }

// Comments returns the comments (opt_comment) of the pcapng section headers
// seen so far; nil for pcap.
func (r *Reader) Comments() []string { return r.comments }

// Notes returns what the reader found worth saying about the file that is no
// error: parts of a NetMon file it could not trust, an ETL trace that holds no
// packets and which providers it holds. Complete once Next has returned io.EOF.
func (r *Reader) Notes() []string {
	if r.alt == nil {
		return nil
	}
	return r.alt.notesList()
}

// Next reads the next frame into f. It returns io.EOF at a clean end of the
// input, a *TruncatedError when the input ends inside a record or a record is
// corrupt, an error wrapping the underlying reader's when reading fails, and,
// once it has returned an error, returns the same error again.
// The slices it stores in f (Data, Comment) are valid only until the next call.
func (r *Reader) Next(f *Frame) error {
	if r.err != nil {
		return r.err
	}
	var err error
	if r.alt != nil {
		err = r.alt.next(r, f)
	} else if r.format == FormatPcap {
		err = r.nextPcap(f)
	} else {
		err = r.nextPcapNG(f)
	}
	if err != nil {
		r.err = err
		return err
	}
	f.Block = r.bufBlock // nil unless read ahead (never for the formats with a reader of their own)
	r.frames++
	return nil
}

// fill makes buf[r.r:r.w] hold at least n bytes. It returns false when the
// input ends (or fails) first; r.rerr then says why. n must be within the
// caps that callers check, as the buffer grows to hold n bytes (but only as
// data arrives).
func (r *Reader) fill(n int) bool {
	for r.w-r.r < n {
		if r.rerr != nil {
			return false
		}
		if r.ahead != nil {
			r.fillAhead(n)
			continue
		}
		r.makeRoom(n)
		r.readMore()
	}
	return true
}

// fillUpTo reads until buf[r.r:r.w] holds n bytes or the input ends, and
// returns the number of bytes available (at most n is guaranteed to be read).
func (r *Reader) fillUpTo(n int) int {
	r.fill(n)
	return min(r.w-r.r, n)
}

// makeRoom makes space after r.w so that a record of n bytes starting at r.r
// can be completed, moving the unread bytes to the front of the buffer or
// growing it. The buffer grows to at most twice the bytes it holds, so its
// size follows the data actually read, not the length being asked for.
func (r *Reader) makeRoom(n int) {
	r.detach()
	if r.w < len(r.buf) && r.r+n <= len(r.buf) {
		return // room to read into already
	}
	avail := r.w - r.r
	size := len(r.buf)
	if r.full && size < defaultBufSize {
		size *= 2 // the input keeps coming: read in bigger chunks
	}
	for n > size && avail >= size/2 {
		size *= 2
	}
	if size != len(r.buf) {
		nb := make([]byte, size)
		copy(nb, r.buf[r.r:r.w])
		r.buf = nb
	} else if r.r > 0 {
		copy(r.buf, r.buf[r.r:r.w])
	} else if avail == len(r.buf) {
		// Full buffer, nothing consumed, record still incomplete:
		// grow (avail >= size/2 always holds here).
		nb := make([]byte, 2*size)
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	r.base += int64(r.r)
	r.r, r.w = 0, avail
}

// readMore reads once from the source into the free space of the buffer.
func (r *Reader) readMore() {
	r.detach()
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.rerr = err
		}
		if n > 0 || err != nil {
			r.full = r.w == len(r.buf)
			return
		}
	}
	r.rerr = io.ErrNoProgress
}

// skip consumes n bytes, reading and dropping what is not buffered, without
// growing the buffer. It returns false when the input ends first.
func (r *Reader) skip(n int64) bool {
	for {
		avail := int64(r.w - r.r)
		if n <= avail {
			r.r += int(n)
			return true
		}
		n -= avail
		r.base += int64(r.w)
		r.r, r.w = 0, 0
		if r.rerr != nil {
			return false
		}
		r.readMore()
	}
}

// offset returns the stream offset of the next unread byte.
func (r *Reader) offset() int64 { return r.base + int64(r.r) }

// cut returns the error for a record at stream offset off that needs need
// bytes while the input ended first. what names the part ("record", "block").
func (r *Reader) cut(off int64, what string, need int64) error {
	have := r.base + int64(r.w) - off
	if have < 0 {
		have = 0
	}
	if r.rerr != io.EOF && r.rerr != nil {
		if gzipDataError(r.rerr) {
			return &TruncatedError{Offset: off, Frame: r.frames + 1, Reason: fmt.Sprintf("%s needs %d bytes, %d present: %s", what, need, have, gzipReason(r.rerr))}
		}
		return fmt.Errorf("capture: reading frame %d at byte %d: %w", r.frames+1, off, r.rerr)
	}
	return &TruncatedError{Offset: off, Frame: r.frames + 1, Reason: fmt.Sprintf("%s needs %d bytes, %d present", what, need, have)}
}

// atEnd returns the error for the input ending (or failing) cleanly between
// records: io.EOF, or what went wrong with the compressed stream.
func (r *Reader) atEnd() error {
	switch {
	case r.rerr == io.EOF:
		return io.EOF
	case gzipDataError(r.rerr):
		return &TruncatedError{Offset: r.offset(), Frame: r.frames + 1, Reason: gzipReason(r.rerr)}
	}
	return fmt.Errorf("capture: reading frame %d at byte %d: %w", r.frames+1, r.offset(), r.rerr)
}

// corrupt returns the error for a corrupt record at offset off.
func (r *Reader) corrupt(off int64, format string, args ...any) error {
	return &TruncatedError{Offset: off, Frame: r.frames + 1, Reason: "corrupt " + fmt.Sprintf(format, args...)}
}

// gzipDataError reports whether err comes from damaged or cut compressed
// data rather than from the underlying file.
func gzipDataError(err error) bool {
	var ce flate.CorruptInputError
	return err == io.ErrUnexpectedEOF || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, gzip.ErrHeader) || errors.As(err, &ce)
}

func gzipReason(err error) string {
	if err == io.ErrUnexpectedEOF {
		return "compressed data ends early"
	}
	return "compressed data is damaged (" + err.Error() + ")"
}

func (r *Reader) u16(b []byte) uint16 {
	if r.be {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *Reader) u32(b []byte) uint32 {
	if r.be {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func swap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}

// File is a Reader over a named file.
type File struct {
	*Reader
	f *os.File
}

// Open opens the named capture file and returns a File reading it; the name
// "-" means standard input. Errors are those of os.Open and NewReader.
func Open(path string) (*File, error) {
	f := os.Stdin
	if path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, err
		}
	}
	r, err := NewReader(f)
	if err != nil {
		if path != "-" {
			f.Close()
		}
		return nil, err
	}
	return &File{Reader: r, f: f}, nil
}

// Close closes the file (but not standard input). Frames read before it are
// no longer valid.
func (f *File) Close() error {
	if f.f == os.Stdin {
		return nil
	}
	return f.f.Close()
}
