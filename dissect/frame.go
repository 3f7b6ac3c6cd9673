package dissect

import (
	"strconv"

	"github.com/wirelens/wirelens/field"
)

// Frame fields: facts about the captured record itself, not its bytes.
var (
	fFrame = reg(field.Info{Abbrev: "frame", Name: "Frame", Type: field.Protocol},
		func(p *Packet, dst []field.Value) []field.Value { return append(dst, field.Value{}) })
	fFrameNumber = reg(field.Info{Abbrev: "frame.number", Name: "Frame Number", Type: field.Uint, Blurb: "position of the frame in the capture, from 1"},
		frameU(func(p *Packet) uint64 { return uint64(p.Num) }))
	fFrameLen = reg(field.Info{Abbrev: "frame.len", Name: "Frame Length", Type: field.Uint, Blurb: "length on the wire, in bytes"},
		frameU(func(p *Packet) uint64 { return uint64(p.Len) }))
	fFrameCapLen = reg(field.Info{Abbrev: "frame.cap_len", Name: "Capture Length", Type: field.Uint, Blurb: "bytes captured"},
		frameU(func(p *Packet) uint64 { return uint64(len(p.Data)) }))
	fFrameTime = reg(field.Info{Abbrev: "frame.time", Name: "Arrival Time", Type: field.AbsTime},
		frameTime(func(p *Packet) uint64 { return uint64(p.TimeNS) }))
	fFrameTimeEpoch = reg(field.Info{Abbrev: "frame.time_epoch", Name: "Epoch Time", Type: field.RelTime, Blurb: "seconds since 1970-01-01 UTC"},
		frameTime(func(p *Packet) uint64 { return uint64(p.TimeNS) }))
	fFrameTimeRel = reg(field.Info{Abbrev: "frame.time_relative", Name: "Time since reference or first frame", Type: field.RelTime},
		frameTime(func(p *Packet) uint64 { return uint64(p.RelNS) }))
	fFrameTimeDelta = reg(field.Info{Abbrev: "frame.time_delta", Name: "Time delta from previous captured frame", Type: field.RelTime},
		frameTime(func(p *Packet) uint64 { return uint64(p.DeltaNS) }))
	fFrameIface = reg(field.Info{Abbrev: "frame.interface_id", Name: "Interface id", Type: field.Uint},
		frameU(func(p *Packet) uint64 { return uint64(p.Interface) }))
	fFrameLinkType = reg(field.Info{Abbrev: "frame.encap_type", Name: "Link type", Type: field.Uint, Blurb: "the capture's LINKTYPE number"},
		frameU(func(p *Packet) uint64 { return uint64(p.LinkType) }))
	fFrameComment = reg(field.Info{Abbrev: "frame.comment", Name: "Comment", Type: field.String},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Comment != nil {
				dst = append(dst, field.Value{B: p.Comment})
			}
			return dst
		})
	fFrameProtocols = reg(field.Info{Abbrev: "frame.protocols", Name: "Protocols in frame", Type: field.String},
		func(p *Packet, dst []field.Value) []field.Value {
			return append(dst, field.Value{B: p.appendProtocols(p.alloc(0)[:0:0])})
		})
	fMalformed = reg(field.Info{Abbrev: "_ws.malformed", Name: "Malformed Packet", Type: field.Protocol, Blurb: "decoding stopped: a layer is malformed or cut short"},
		func(p *Packet, dst []field.Value) []field.Value {
			if p.Bad.Proto != ProtoNone {
				dst = append(dst, field.Value{})
			}
			return dst
		})
)

// frameTime is frameU for the time fields, which a record without a time stamp lacks.
func frameTime(fn func(p *Packet) uint64) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		if p.NoTime {
			return dst
		}
		return append(dst, field.Value{U: fn(p)})
	}
}

func frameU(fn func(p *Packet) uint64) getter {
	return func(p *Packet, dst []field.Value) []field.Value { return append(dst, field.Value{U: fn(p)}) }
}

// appendProtocols appends the colon-separated filter names of the layers ("eth:ethertype:ip:tcp").
func (p *Packet) appendProtocols(dst []byte) []byte {
	for i := 0; i < p.N; i++ {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, protocols[p.Layers[i].Proto].filter...)
	}
	return dst
}

func frameTree(p *Packet, t *Tree) {
	capLen := len(p.Data)
	n := t.Proto("Frame "+strconv.Itoa(p.Num)+": "+strconv.Itoa(p.Len)+" bytes on wire, "+strconv.Itoa(capLen)+" bytes captured", "frame", 0, capLen)
	t.Add(n, fFrameIface, field.Value{U: uint64(p.Interface)}, 0, 0)
	t.Add(n, fFrameLinkType, field.Value{U: uint64(p.LinkType)}, 0, 0).Label = "Link type: " + p.LinkType.String() + " (" + strconv.Itoa(int(p.LinkType)) + ")"
	if p.NoTime {
		t.Text(n, "[No time stamp: the record carries none]", 0, 0)
	} else {
		t.Add(n, fFrameTime, field.Value{U: uint64(p.TimeNS)}, 0, 0)
		t.Add(n, fFrameTimeEpoch, field.Value{U: uint64(p.TimeNS)}, 0, 0)
		t.Add(n, fFrameTimeDelta, field.Value{U: uint64(p.DeltaNS)}, 0, 0)
		t.Add(n, fFrameTimeRel, field.Value{U: uint64(p.RelNS)}, 0, 0)
	}
	t.Add(n, fFrameNumber, field.Value{U: uint64(p.Num)}, 0, 0)
	t.Add(n, fFrameLen, field.Value{U: uint64(p.Len)}, 0, 0).Label = "Frame Length: " + strconv.Itoa(p.Len) + " bytes"
	t.Add(n, fFrameCapLen, field.Value{U: uint64(capLen)}, 0, 0).Label = "Capture Length: " + strconv.Itoa(capLen) + " bytes"
	if p.Comment != nil {
		t.Add(n, fFrameComment, field.Value{B: p.Comment}, 0, 0)
	}
	processTree(p, t, n)
	t.Add(n, fFrameProtocols, field.Value{B: p.appendProtocols(nil)}, 0, 0)
}
