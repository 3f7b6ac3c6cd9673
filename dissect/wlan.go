package dissect

import (
	"encoding/binary"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/field"
)

// IEEE 802.11 frames (link type 105, radiotap 127, and Aruba's GRE encapsulation 0x8200). Data frames
// are decoded through LLC/SNAP to the network layer; management and control frames and protected
// (encrypted) data stop at the 802.11 header.

func init() {
	byLinkType[capture.LinkType(105)] = ProtoWLAN
	byLinkType[capture.LinkType(127)] = ProtoRadiotap
	register(ProtoWLAN, protocol{name: "802.11", filter: "wlan", long: "IEEE 802.11", decode: decodeWLAN, tree: wlanTree, summary: wlanSummary})
	register(ProtoRadiotap, protocol{name: "Radiotap", filter: "radiotap", long: "Radiotap Header", decode: decodeRadiotap, tree: radiotapTree})
}

// 802.11 frame control: byte 0 holds version (2 bits), type (2) and subtype (4); byte 1 the flags.
const (
	wlanToDS      = 0x01
	wlanFromDS    = 0x02
	wlanProtected = 0x40
	wlanOrder     = 0x80
)

var (
	fWLAN       = reg(field.Info{Abbrev: "wlan", Name: "IEEE 802.11", Type: field.Protocol}, presence(ProtoWLAN))
	fWLANTypeST = reg(field.Info{Abbrev: "wlan.fc.type_subtype", Name: "Type/Subtype", Type: field.Uint, Base: field.Hex, Bits: 16, Names: wlanTypeName},
		layerGetter(ProtoWLAN, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: wlanTypeSubtype(b)}, true
		}))
	fWLANFlags = reg(field.Info{Abbrev: "wlan.flags", Name: "Flags", Type: field.Uint, Base: field.Hex, Bits: 8}, u8At(ProtoWLAN, 1))
	fWLANRA    = reg(field.Info{Abbrev: "wlan.ra", Name: "Receiver address", Type: field.Ether}, bytesAt(ProtoWLAN, 4, 6))
	fWLANTA    = reg(field.Info{Abbrev: "wlan.ta", Name: "Transmitter address", Type: field.Ether},
		layerGetter(ProtoWLAN, func(_ *Packet, l *Layer, b []byte) (field.Value, bool) {
			if l.Hdr < 16 {
				return field.Value{}, false
			}
			return field.Value{B: b[10:16]}, true
		}))
	fRadiotap    = reg(field.Info{Abbrev: "radiotap", Name: "Radiotap Header", Type: field.Protocol}, presence(ProtoRadiotap))
	fRadiotapLen = reg(field.Info{Abbrev: "radiotap.length", Name: "Header length", Type: field.Uint, Bits: 16},
		layerGetter(ProtoRadiotap, func(_ *Packet, _ *Layer, b []byte) (field.Value, bool) {
			return field.Value{U: uint64(binary.LittleEndian.Uint16(b[2:]))}, true
		}))
)

func wlanTypeSubtype(b []byte) uint64 { return uint64(b[0]>>2&3)<<4 | uint64(b[0]>>4) }

func wlanTypeName(v uint64) string {
	switch v {
	case 0x00:
		return "Association Request"
	case 0x01:
		return "Association Response"
	case 0x04:
		return "Probe Request"
	case 0x05:
		return "Probe Response"
	case 0x08:
		return "Beacon frame"
	case 0x0b:
		return "Authentication"
	case 0x0c:
		return "Deauthentication"
	case 0x0d:
		return "Action"
	case 0x1b:
		return "Request-to-send"
	case 0x1c:
		return "Clear-to-send"
	case 0x1d:
		return "Acknowledgement"
	case 0x20:
		return "Data"
	case 0x24:
		return "Null function (No data)"
	case 0x28:
		return "QoS Data"
	case 0x2c:
		return "QoS Null function (No data)"
	}
	return ""
}

// wlanHeaderLen returns the MAC header length of a frame, or 0 if it is cut short.
func wlanHeaderLen(b []byte) int {
	if len(b) < 10 {
		return 0
	}
	typ, sub, fl := b[0]>>2&3, b[0]>>4, b[1]
	n := 24
	switch typ {
	case 1: // control: only RA (10 bytes) or RA+TA (16)
		switch sub {
		case 0xc, 0xd: // CTS, ACK
			n = 10
		default:
			n = 16
		}
	case 2:
		if fl&wlanToDS != 0 && fl&wlanFromDS != 0 {
			n += 6
		}
		if sub&8 != 0 { // QoS
			n += 2
			if fl&wlanOrder != 0 {
				n += 4
			}
		}
	}
	if n > len(b) {
		return 0
	}
	return n
}

func decodeWLAN(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	hl := wlanHeaderLen(b)
	if hl == 0 {
		p.malformed(ProtoWLAN, "802.11 header cut short")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoWLAN, off, hl, len(buf), flags)
	typ, sub := b[0]>>2&3, b[0]>>4
	if typ != 2 || sub&4 != 0 || b[1]&wlanProtected != 0 || off+hl >= len(buf) {
		p.pushData(buf, off+hl, flags)
		return ProtoNone, 0
	}
	return ProtoLLC, off + hl
}

func wlanSummary(p *Packet, i int, dst []byte) []byte {
	b := p.LayerBytes(&p.Layers[i])
	if n := wlanTypeName(wlanTypeSubtype(b)); n != "" {
		return append(dst, n...)
	}
	dst = append(dst, "802.11 frame type/subtype 0x"...)
	ts := wlanTypeSubtype(b)
	return append(dst, hexDigit[ts>>4&15], hexDigit[ts&15])
}

func wlanTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	b := p.LayerBytes(l)
	ts := wlanTypeSubtype(b)
	n := t.Proto("IEEE 802.11 "+wlanTypeName(ts), "wlan", 0, int(l.Hdr))
	t.Add(n, fWLANTypeST, field.Value{U: ts}, 0, 1)
	t.Add(n, fWLANFlags, field.Value{U: uint64(b[1])}, 1, 1)
	t.Add(n, fWLANRA, field.Value{B: b[4:10]}, 4, 6)
	if l.Hdr >= 16 {
		t.Add(n, fWLANTA, field.Value{B: b[10:16]}, 10, 6)
	}
}

// decodeRadiotap skips the radiotap header (its length is little-endian at offset 2) to the 802.11 frame.
// A frame-check sequence announced in the radiotap flags is left at the end of the data.
func decodeRadiotap(d *Decoder, p *Packet, buf []byte, off int, flags uint8) (Proto, int) {
	b := buf[off:]
	if len(b) < 8 {
		p.malformed(ProtoRadiotap, "shorter than the 8-byte radiotap header")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	hl := int(binary.LittleEndian.Uint16(b[2:]))
	if hl < 8 || hl > len(b) {
		p.malformed(ProtoRadiotap, "radiotap length runs past the frame")
		p.pushData(buf, off, flags)
		return ProtoNone, 0
	}
	p.push(ProtoRadiotap, off, hl, len(buf), flags)
	return ProtoWLAN, off + hl
}

func radiotapTree(p *Packet, i int, t *Tree) {
	l := &p.Layers[i]
	n := t.Proto("Radiotap Header", "radiotap", 0, int(l.Hdr))
	t.Add(n, fRadiotapLen, field.Value{U: uint64(l.Hdr)}, 2, 2)
}
