// Package xpress decompresses the "plain LZ77" variant of Microsoft's Xpress
// compression algorithm ([MS-XCA] sections 2.3 and 2.4), the format in which
// ETW writes compressed ETL buffers (pktmon traces, for example).
//
// The compressed stream is a series of 32-bit little-endian flag words, each
// followed by the items its 32 bits describe, most significant bit first: a 0
// bit is one literal byte, a 1 bit a match of 16 bits (length-3 in the low 3
// bits, distance-1 in the high 13), whose length may continue in a shared
// half byte, a byte, a 16-bit and a 32-bit field. The stream ends where a
// match is due and the input is exhausted.
package xpress

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCorrupt is wrapped by every error Decompress returns for invalid data.
var ErrCorrupt = errors.New("xpress: corrupt data")

// Decompress appends the decompression of src to dst and returns the result.
// It produces at most maxOut bytes: output beyond that is an error, so that a
// hostile stream cannot make it allocate more than the caller allows. Input
// that ends in the middle of an item, a match reaching before the start of
// the output or an invalid length are errors wrapping ErrCorrupt; the
// returned slice then holds what was decoded before the problem.
func Decompress(dst, src []byte, maxOut int) ([]byte, error) {
	base := len(dst)
	in := 0
	var flags uint32
	nflags := 0
	halfByte := -1 // position of the pending shared length half byte, or -1
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format+" (input byte %d, output byte %d)", append([]any{ErrCorrupt}, append(args, in, len(dst)-base)...)...)
	}
	for {
		if nflags == 0 {
			if in == len(src) {
				return dst, nil // the stream may end at a flag word boundary
			}
			if in+4 > len(src) {
				return dst, corrupt("flag word cut short")
			}
			flags = binary.LittleEndian.Uint32(src[in:])
			in += 4
			nflags = 32
		}
		nflags--
		if flags&(1<<nflags) == 0 {
			if in == len(src) {
				return dst, nil
			}
			if len(dst)-base >= maxOut {
				return dst, corrupt("output exceeds %d bytes", maxOut)
			}
			dst = append(dst, src[in])
			in++
			continue
		}
		if in == len(src) {
			return dst, nil // end of stream
		}
		if in+2 > len(src) {
			return dst, corrupt("match cut short")
		}
		m := binary.LittleEndian.Uint16(src[in:])
		in += 2
		length := int(m & 7)
		dist := int(m>>3) + 1
		if length == 7 {
			if halfByte < 0 {
				if in >= len(src) {
					return dst, corrupt("match length cut short")
				}
				length = int(src[in] & 0x0f)
				halfByte = in
				in++
			} else {
				length = int(src[halfByte] >> 4)
				halfByte = -1
			}
			if length == 15 {
				if in >= len(src) {
					return dst, corrupt("match length cut short")
				}
				length = int(src[in])
				in++
				if length == 255 {
					if in+2 > len(src) {
						return dst, corrupt("match length cut short")
					}
					length = int(binary.LittleEndian.Uint16(src[in:]))
					in += 2
					if length == 0 {
						if in+4 > len(src) {
							return dst, corrupt("match length cut short")
						}
						length = int(binary.LittleEndian.Uint32(src[in:]))
						in += 4
					}
					if length < 15+7 {
						return dst, corrupt("match length %d below 22", length)
					}
					length -= 15 + 7
				}
				length += 15
			}
			length += 7
		}
		length += 3
		if dist > len(dst)-base {
			return dst, corrupt("match distance %d reaches before the start", dist)
		}
		if length > maxOut-(len(dst)-base) {
			return dst, corrupt("output exceeds %d bytes", maxOut)
		}
		from := len(dst) - dist
		for i := 0; i < length; i++ { // byte by byte: a match may overlap its own output
			dst = append(dst, dst[from+i])
		}
	}
}
