package dissect

import (
	"sync"

	"github.com/wirelens/wirelens/field"
)

// protoLayers maps the field ID of a protocol decoded as a layer (eth, ip, tcp, …) to its Proto values;
// built on first use, after every protocol file has registered.
var (
	protoLayersOnce sync.Once
	protoLayers     map[field.ID][]Proto
	frameID         field.ID
)

func initProtoLayers() {
	protoLayers = map[field.ID][]Proto{}
	for pr := Proto(1); pr < numProtos; pr++ {
		if in := field.Lookup(protocols[pr].filter); in != nil && in.Type == field.Protocol {
			protoLayers[in.ID] = append(protoLayers[in.ID], pr)
		}
	}
	if in := field.Lookup("frame"); in != nil {
		frameID = in.ID
	}
}

// ProtocolBytes returns a function that appends, for each occurrence of the protocol field id in a packet,
// a value whose B holds that protocol's bytes as Wireshark's protocol item sees them for slices, contains
// and matches (tcp[13], frame contains "GET"): the layer's header and payload; the captured bytes for
// frame. Where the field's occurrences do not correspond one to one with decoded layers, the values are
// those of Packet.Values (no bytes). It returns nil if id is not a protocol field.
func ProtocolBytes(id field.ID) func(p *Packet, dst []field.Value) []field.Value {
	protoLayersOnce.Do(initProtoLayers)
	in := field.Get(id)
	if in == nil || in.Type != field.Protocol {
		return nil
	}
	if id == frameID {
		return func(p *Packet, dst []field.Value) []field.Value {
			return append(dst, field.Value{B: p.Data})
		}
	}
	prs := protoLayers[id]
	return func(p *Packet, dst []field.Value) []field.Value {
		start := len(dst)
		dst = p.Values(id, dst)
		n := len(dst) - start
		if n == 0 || len(prs) == 0 {
			return dst
		}
		k := 0
		for i := 0; i < p.N; i++ {
			for _, pr := range prs {
				if p.Layers[i].Proto == pr {
					k++
				}
			}
		}
		if k != n {
			return dst
		}
		k = start
		for i := 0; i < p.N; i++ {
			l := &p.Layers[i]
			for _, pr := range prs {
				if l.Proto == pr {
					dst[k].B = p.LayerBytes(l)
					k++
				}
			}
		}
		return dst
	}
}
