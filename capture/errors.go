package capture

import (
	"fmt"
	"strings"
)

// Names for the input formats that NewReader recognises but cannot read. They
// are the values of NotCaptureError.Known.
const (
	knownNetMon  = "a Network Monitor capture"
	knownETL     = "an ETL trace"
	knownGzip    = "a gzip file that does not hold a capture"
	knownGzipBad = "a damaged gzip file"
	knownSnoop   = "a snoop capture"
	knownZstd    = "a zstd-compressed file"
	knownXz      = "an xz-compressed file"
	knownBzip2   = "a bzip2-compressed file"
	knownLZ4     = "an LZ4-compressed file"
	knownZip     = "a zip archive"
)

// NotCaptureError reports that the input is not a pcap or pcapng file, nor a
// gzip-compressed one. NewReader and Open return it before any frame is read.
type NotCaptureError struct {
	// Head holds the first bytes of the input (at most 16). For a gzip file
	// they are the first bytes of the decompressed data.
	Head []byte
	// Known names the format when it was recognised, for example
	// "a Network Monitor capture", "an ETL trace" or
	// "a gzip file that does not hold a capture"; it is "" otherwise.
	Known string
}

// Error returns one sentence that says what was expected and what was found.
func (e *NotCaptureError) Error() string {
	const prefix = "not a capture file: "
	if len(e.Head) == 0 && e.Known == "" {
		return prefix + "the file is empty"
	}
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString("expected a pcap or pcapng header, found ")
	switch e.Known {
	case "":
		writeHead(&b, e.Head)
	case knownGzip:
		b.WriteString(e.Known)
		if len(e.Head) == 0 {
			b.WriteString(" (it decompresses to nothing)")
		} else {
			b.WriteString(" (it decompresses to ")
			writeHead(&b, e.Head)
			b.WriteString(")")
		}
	case knownGzipBad:
		b.WriteString(e.Known)
		b.WriteString(", which cannot be decompressed")
	case knownZstd, knownXz, knownBzip2, knownLZ4:
		b.WriteString(e.Known)
		b.WriteString(", which this version cannot decompress (only gzip is supported)")
	default:
		b.WriteString(e.Known)
		b.WriteString(", which this version cannot read yet")
	}
	return b.String()
}

// writeHead writes up to 8 bytes of head in hex, followed by the printable
// text at its start, quoted, when there is some.
func writeHead(b *strings.Builder, head []byte) {
	n := min(len(head), 8)
	for i, c := range head[:n] {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(b, "%02x", c)
	}
	text := 0
	for text < len(head) && head[text] >= 0x20 && head[text] < 0x7f {
		text++
	}
	if text >= 2 {
		fmt.Fprintf(b, " (%q)", head[:text])
	}
}

// TruncatedError is returned by Reader.Next, after every complete frame has
// been returned, when the data ends inside a record (its header or its body),
// or when a record is corrupt (for example it claims an absurd length), so
// that nothing after it can be read.
type TruncatedError struct {
	// Offset is the byte offset, in the (decompressed) stream, of the start
	// of the record that could not be read.
	Offset int64
	// Frame is the 1-based number of the frame that could not be read: the
	// number of frames returned so far, plus one.
	Frame int
	// Reason says what is wrong, for example
	// "record needs 1530 bytes, 616 present" or
	// "corrupt record: captured length 4294967295 exceeds 262144".
	Reason string
}

// Error returns the offset, the frame number and the reason in one line.
func (e *TruncatedError) Error() string {
	return fmt.Sprintf("file truncated at byte %d (frame %d): %s", e.Offset, e.Frame, e.Reason)
}
