package dissect

import (
	"github.com/wirelens/wirelens/field"
)

// Node is one line of the details tree: a protocol, a field or a text item.
type Node struct {
	Label    string  `json:"label"`
	Field    string  `json:"field,omitempty"` // filter name, when the item is a registered field
	Value    string  `json:"value,omitempty"` // the value as tshark -T fields prints it
	Buf      string  `json:"buf,omitempty"`   // "reassembled": Off/Len refer to the reassembled IP datagram; "message": to the HTTP message (Packet.MessageBytes)
	Off      int     `json:"offset"`
	Len      int     `json:"length"`
	Severity string  `json:"severity,omitempty"` // for expert items: "error", "warning", "note", "chat"
	Children []*Node `json:"children,omitempty"`
}

// Tree builds the details tree of one packet. It allocates freely: it runs only for frames that are shown.
type Tree struct {
	Nodes []*Node
	p     *Packet
	buf   uint8
	base  int // offset of the current layer in its buffer, added to layer-relative offsets
}

// Tree builds the details tree of the packet: the frame, then every decoded layer, then a Malformed item
// if decoding stopped early.
func (p *Packet) Tree() []*Node {
	t := &Tree{p: p}
	frameTree(p, t)
	for i := 0; i < p.N; i++ {
		l := &p.Layers[i]
		if f := protocols[l.Proto].tree; f != nil {
			t.buf = l.Buf
			t.base = int(l.Off)
			f(p, i, t)
		}
	}
	if p.Bad.Proto != ProtoNone {
		n := &Node{Label: "[Malformed Packet: " + protocols[p.Bad.Proto].name + ": " + p.Bad.Reason + "]", Field: "_ws.malformed", Severity: "error"}
		n.Children = append(n.Children, &Node{Label: "[Expert Info (Error/Malformed): " + p.Bad.Reason + "]", Field: "_ws.malformed.expert", Severity: "error"})
		t.Nodes = append(t.Nodes, n)
	}
	diagTree(p, t)
	return t.Nodes
}

func (t *Tree) node(label string, off, n int) *Node {
	nd := &Node{Label: label, Off: t.base + off, Len: n}
	if t.buf == 1 {
		nd.Buf = "reassembled"
	} else if t.buf >= 2 {
		nd.Buf = "message"
	}
	return nd
}

// Proto adds a top-level protocol item covering the layer (off and n relative to the layer).
func (t *Tree) Proto(label, filter string, off, n int) *Node {
	nd := t.node(label, off, n)
	nd.Field = filter
	t.Nodes = append(t.Nodes, nd)
	return nd
}

// Add adds a field item under parent. off is relative to the current layer's header.
func (t *Tree) Add(parent *Node, id field.ID, v field.Value, off, n int) *Node {
	in := field.Get(id)
	nd := t.node(in.Name+": "+in.Display(v), off, n)
	nd.Field = in.Abbrev
	nd.Value = in.String(v)
	parent.Children = append(parent.Children, nd)
	return nd
}

// AddLabel adds a field item with a label of its own (e.g. "Flags: 0x012 (SYN, ACK)").
func (t *Tree) AddLabel(parent *Node, id field.ID, v field.Value, label string, off, n int) *Node {
	nd := t.Add(parent, id, v, off, n)
	nd.Label = label
	return nd
}

// Text adds a text item (no field) under parent.
func (t *Tree) Text(parent *Node, label string, off, n int) *Node {
	nd := t.node(label, off, n)
	parent.Children = append(parent.Children, nd)
	return nd
}

// Expert adds an expert item (a diagnostic) under parent.
func (t *Tree) Expert(parent *Node, severity, label string) *Node {
	nd := &Node{Label: "[" + label + "]", Severity: severity, Off: -1}
	parent.Children = append(parent.Children, nd)
	return nd
}
