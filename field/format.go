package field

import (
	"net/netip"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendValue appends v formatted as tshark's -T fields output prints it (no value name, no unit).
func (in *Info) AppendValue(dst []byte, v Value) []byte {
	switch in.Type {
	case Protocol:
		return append(dst, in.Present...)
	case Bool:
		if v.U != 0 {
			return append(dst, '1')
		}
		return append(dst, '0')
	case Uint, FrameNum:
		switch in.Base {
		case Hex, HexDec:
			return appendHex(dst, v.U, in.Bits)
		}
		return strconv.AppendUint(dst, v.U, 10)
	case Int:
		return strconv.AppendInt(dst, int64(v.U), 10)
	case IPv4:
		return AppendIPv4(dst, uint32(v.U))
	case IPv6:
		return AppendIPv6(dst, v.B)
	case Ether:
		return AppendHexBytes(dst, v.B, ':')
	case Bytes:
		return AppendHexBytes(dst, v.B, 0)
	case String:
		return AppendEscaped(dst, v.B)
	case AbsTime:
		return AppendSeconds(dst, int64(v.U))
	case RelTime:
		return appendSecondsTshark(dst, int64(v.U))
	}
	return dst
}

// appendSecondsTshark prints a time difference as tshark 4.0 does in -T fields output. A value of one
// second or more below zero (a frame stamped well before the first one) comes out of tshark's formatter
// as 2^64 microseconds plus the value — a quirk reproduced here so that columns compare equal; the details tree prints the true
// negative value.
func appendSecondsTshark(dst []byte, ns int64) []byte {
	if ns > -1e9 {
		return AppendSeconds(dst, ns)
	}
	const wrapSec, wrapFrac = 18446744073709, 551616000 // 2^64 µs, in seconds and nanoseconds
	s, f := wrapSec+ns/1e9, wrapFrac+ns%1e9
	if f < 0 {
		f += 1e9
		s--
	} else if f >= 1e9 {
		f -= 1e9
		s++
	}
	return appendFrac(strconv.AppendInt(dst, s, 10), f)
}

// String formats v as AppendValue does.
func (in *Info) String(v Value) string { return string(in.AppendValue(nil, v)) }

// Display formats v for the details tree: the value, then its name and the raw number where a value name
// exists, as Wireshark shows "Type: A (Host Address) (1)".
func (in *Info) Display(v Value) string {
	switch in.Type {
	case Bool:
		if v.U != 0 {
			return "True"
		}
		return "False"
	case AbsTime:
		return time.Unix(0, int64(v.U)).UTC().Format("Jan _2, 2006 15:04:05.000000000 UTC")
	case RelTime:
		return string(AppendSeconds(nil, int64(v.U))) + " seconds"
	case Uint:
		s := in.String(v)
		if in.Base == DecHex {
			s += " (" + string(appendHex(nil, v.U, in.Bits)) + ")"
		} else if in.Base == HexDec {
			s += " (" + strconv.FormatUint(v.U, 10) + ")"
		}
		if in.Names != nil {
			if n := in.Names(v.U); n != "" {
				return n + " (" + s + ")"
			}
		}
		return s
	case String:
		return string(AppendEscaped(nil, v.B))
	}
	return in.String(v)
}

func appendHex(dst []byte, u uint64, bits int) []byte {
	dst = append(dst, '0', 'x')
	n := bits / 4
	if n < 1 {
		n = 1
	}
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, hexDigits[(u>>(uint(i)*4))&0xf])
	}
	return dst
}

// AppendIPv4 appends a dotted-quad address.
func AppendIPv4(dst []byte, a uint32) []byte {
	dst = strconv.AppendUint(dst, uint64(a>>24), 10)
	dst = append(dst, '.')
	dst = strconv.AppendUint(dst, uint64(a>>16&0xff), 10)
	dst = append(dst, '.')
	dst = strconv.AppendUint(dst, uint64(a>>8&0xff), 10)
	dst = append(dst, '.')
	return strconv.AppendUint(dst, uint64(a&0xff), 10)
}

// AppendIPv6 appends an IPv6 address in RFC 5952 form.
func AppendIPv6(dst []byte, b []byte) []byte {
	if len(b) != 16 {
		return dst
	}
	// An IPv4-compatible address (the first 96 bits zero) is written "::a.b.c.d", as inet_ntop does.
	if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7]|b[8]|b[9]|b[10]|b[11] == 0 && b[12]|b[13] != 0 {
		dst = append(dst, ':', ':')
		return AppendIPv4(dst, uint32(b[12])<<24|uint32(b[13])<<16|uint32(b[14])<<8|uint32(b[15]))
	}
	a := netip.AddrFrom16([16]byte(b))
	return a.AppendTo(dst)
}

// AppendHexBytes appends bytes as lowercase hex pairs joined by sep (no separator if sep is 0).
func AppendHexBytes(dst []byte, b []byte, sep byte) []byte {
	for i, c := range b {
		if i > 0 && sep != 0 {
			dst = append(dst, sep)
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// AppendEscaped appends text as Wireshark's format_text shows field values: printable characters as they
// are (backslash included), the C escapes \a \b \f \n \r \t \v, other control characters in octal (\ooo),
// and each invalid UTF-8 sequence as U+FFFD.
func AppendEscaped(dst []byte, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(b[i:])
			switch {
			case r == utf8.RuneError && n <= 1:
				dst = utf8.AppendRune(dst, utf8.RuneError)
			case unicode.IsPrint(r):
				dst = append(dst, b[i:i+n]...)
			default:
				dst = append(dst, '\\', 'u')
				dst = append(dst, hexDigits[r>>12&15], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
			}
			i += max(n, 1)
			continue
		}
		i++
		switch {
		case c >= 0x20 && c < 0x7f:
			dst = append(dst, c)
		case c == '\a':
			dst = append(dst, '\\', 'a')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\v':
			dst = append(dst, '\\', 'v')
		default:
			dst = append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
		}
	}
	return dst
}

// AppendSeconds appends ns as seconds with nine decimals ("1.000477000"), as tshark prints times.
func AppendSeconds(dst []byte, ns int64) []byte {
	if ns < 0 {
		dst = append(dst, '-')
		ns = -ns
	}
	return appendFrac(strconv.AppendInt(dst, ns/1e9, 10), ns%1e9)
}

// appendFrac appends '.' and frac as nine digits.
func appendFrac(dst []byte, frac int64) []byte {
	dst = append(dst, '.')
	var tmp [9]byte
	for i := 8; i >= 0; i-- {
		tmp[i] = byte('0' + frac%10)
		frac /= 10
	}
	return append(dst, tmp[:]...)
}
