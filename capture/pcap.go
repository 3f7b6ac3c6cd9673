package capture

import "fmt"

// pcap magic numbers, as read in the file's own byte order.
const (
	magicPcapUS       = 0xa1b2c3d4 // microsecond time stamps
	magicPcapNS       = 0xa1b23c4d // nanosecond time stamps
	magicPcapModified = 0xa1b2cd34 // Alexey Kuznetzov's modified format
)

const (
	pcapFileHdrLen = 24
	pcapRecHdrLen  = 16
	// maxOrigLen: a record claiming a longer original length makes a record
	// header layout implausible when guessing the variant.
	maxOrigLen = 128 << 20
)

// startPcap reads the pcap file header. magic is in the file's byte order,
// which is big-endian when be is set.
func (r *Reader) startPcap(magic uint32, be bool) error {
	r.format = FormatPcap
	r.be = be
	if !r.fill(pcapFileHdrLen) {
		return r.cut(0, "file header", pcapFileHdrLen)
	}
	h := r.buf[r.r : r.r+pcapFileHdrLen]
	major := r.u16(h[4:])
	snap := r.u32(h[16:])
	lt := linkTypeFromFile(r.u32(h[20:]))
	if major < 2 {
		return &NotCaptureError{Head: headCopy(h), Known: fmt.Sprintf("a pcap file of version %d.%d", major, r.u16(h[6:]))}
	}
	units := uint64(1e6)
	if magic == magicPcapNS {
		units = 1e9
	}
	r.ifaces = []Interface{{LinkType: lt, SnapLen: int(snap), tsUnits: units}}
	r.snapCap = maxSnapLen(lt)
	r.r += pcapFileHdrLen

	r.recHdrLen = pcapRecHdrLen
	if magic == magicPcapModified {
		// Two modified layouts share the magic number: 24-byte record
		// headers (ifindex, protocol, packet type, pad) and 28-byte
		// ones (plus CPU numbers). Pick the one whose first records
		// look sane, preferring the 24-byte one as Wireshark does.
		r.recHdrLen = r.guessRecHdrLen(24, 28)
	} else if magic == magicPcapUS {
		// A few files with the standard magic number have 24-byte
		// record headers (an earlier version of the modified format);
		// use that only when the standard layout looks odd and it
		// looks less so.
		r.recHdrLen = r.guessRecHdrLen(16, 24)
	}
	return nil
}

// guessRecHdrLen returns the record header length, among lens, that makes
// the first two records look most plausible: the first one that looks right,
// else the one with the fewest oddities (the first one on a tie). This is
// how Wireshark tells the variants apart, so that it reads the same frames.
func (r *Reader) guessRecHdrLen(lens ...int) int {
	best, bestScore := 0, 0
	for i, l := range lens {
		s := r.scoreRecords(l)
		if s == 0 {
			return l
		}
		if i == 0 || s < bestScore {
			best, bestScore = l, s
		}
	}
	return best
}

// scoreRecords looks at the first record, assuming record
// headers of hl bytes, and, when that looks right, at the next one. It
// returns 0 when they look right, else the number of oddities in the first
// odd one. It peeks at buffered data without consuming it.
func (r *Reader) scoreRecords(hl int) int {
	off := 0
	for i := 0; i < 2; i++ {
		if !r.fill(off + hl) {
			if r.w-r.r > off {
				return 1 // cut inside the header: dubious
			}
			return 0 // the file ends here: fine
		}
		h := r.buf[r.r+off:]
		frac, incl, orig := r.u32(h[4:]), r.u32(h[8:]), r.u32(h[12:])
		score := 0
		if r.ifaces[0].tsUnits == 1e6 && frac >= 1e6 {
			score++
		}
		if incl > uint32(r.snapCap) {
			score++
		}
		if orig > maxOrigLen {
			score++
		}
		if incl > uint32(r.ifaces[0].SnapLen) {
			score++
		}
		if incl > orig {
			score++
		}
		if score != 0 {
			return score
		}
		off += hl + int(incl)
		if !r.fill(off) {
			return 1 // cut inside the data: dubious
		}
	}
	return 0
}

// nextPcap reads one pcap record.
func (r *Reader) nextPcap(f *Frame) error {
	hl := r.recHdrLen
	if !r.fill(hl) {
		if r.w == r.r {
			return r.atEnd()
		}
		return r.cut(r.offset(), "record header", int64(hl))
	}
	off := r.offset()
	h := r.buf[r.r : r.r+hl]
	sec, frac := r.u32(h), r.u32(h[4:])
	incl, orig := r.u32(h[8:]), r.u32(h[12:])
	if incl > uint32(r.snapCap) {
		return r.corrupt(off, "record: captured length %d exceeds %d", incl, r.snapCap)
	}
	n := hl + int(incl)
	if !r.fill(n) {
		return r.cut(off, "record", int64(n))
	}
	start := r.r + hl
	f.Data = r.buf[start : start+int(incl) : start+int(incl)]
	f.OrigLen = int(orig)
	f.NoTime = false
	if r.ifaces[0].tsUnits == 1e6 {
		f.TimeNS = int64(sec)*1e9 + int64(frac)*1e3
	} else {
		f.TimeNS = int64(sec)*1e9 + int64(frac)
	}
	f.LinkType = r.ifaces[0].LinkType
	f.Interface = 0
	f.Offset = off
	f.Flags = 0
	f.Comment = nil
	r.r += n
	return nil
}
