// Package field is the registry of every value wirelens decodes: its Wireshark-compatible filter name
// (tcp.srcport, ip.addr, dns.qry.name, …), its type, its display base and its description.
//
// The registry is the public contract shared by the CLI's --fields, the display-filter language, the
// details tree and the web workspace. Names are Wireshark's so that a filter or a column means exactly what
// it means there. The same abbreviation may be backed by several occurrences in one frame (tcp.port holds
// both ports; ip.src holds the outer and the quoted header's source in an ICMP error).
//
// This package holds metadata and formatting only; the code that extracts a field's values from a decoded
// packet lives with the protocol's decoder (package dissect) and is registered there.
package field

import (
	"sort"
	"strings"
)

// ID identifies a registered field. The zero ID is invalid.
type ID uint16

// Type is the kind of value a field holds; it decides how a Value is read and printed.
type Type uint8

// Field types. The comments say which part of a Value holds the data.
const (
	Protocol Type = iota // presence only: the protocol or item exists (no value)
	Bool                 // U: 0 or 1
	Uint                 // U
	Int                  // int64(U)
	IPv4                 // U: the address as a big-endian uint32
	IPv6                 // B: 16 bytes
	Ether                // B: 6 bytes
	Bytes                // B
	String               // B: the text
	AbsTime              // int64(U): nanoseconds since the Unix epoch
	RelTime              // int64(U): nanoseconds
	FrameNum             // U: a frame number (a link to another frame)
)

var typeNames = [...]string{"protocol", "bool", "uint", "int", "ipv4", "ipv6", "ether", "bytes", "string", "abs_time", "rel_time", "frame_num"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Base is the display base of an integer field.
type Base uint8

// Display bases, as Wireshark's BASE_DEC, BASE_HEX, BASE_DEC_HEX and BASE_HEX_DEC.
const (
	Dec Base = iota
	Hex
	DecHex
	HexDec
)

// Value is one occurrence of a field in a frame. Which part holds the data depends on the field's Type.
// B is borrowed from the packet (or its decoder's scratch space) and is valid only while that packet is.
type Value struct {
	U uint64
	B []byte
}

// Info describes a field.
type Info struct {
	ID     ID     // set by Register
	Abbrev string // filter name, e.g. "tcp.srcport"
	Name   string // display name, e.g. "Source Port"
	Type   Type
	Base   Base
	Bits   int    // integer width in bits (8, 16, 32, 64): the zero padding of hexadecimal output
	Blurb  string // one-line description
	// Present is what tshark -T fields prints for an occurrence of a Protocol-type field ("1" for the
	// expert-style flags such as tcp.analysis.retransmission; empty for most).
	Present string
	// Names gives the meaning of a value (a DNS type name, an ICMP type name); nil if none.
	Names func(v uint64) string
}

var (
	byID   = []*Info{nil}
	byName = map[string]*Info{}
)

// Register adds a field and returns its ID. It is called from package initialisation only and panics on a
// duplicate name, which is a programming error.
func Register(info Info) ID {
	if _, dup := byName[info.Abbrev]; dup {
		panic("field: duplicate registration of " + info.Abbrev)
	}
	if info.Bits == 0 {
		info.Bits = 32
	}
	in := info
	in.ID = ID(len(byID))
	byID = append(byID, &in)
	byName[in.Abbrev] = &in
	return in.ID
}

// Get returns the field with this ID, or nil.
func Get(id ID) *Info {
	if int(id) < len(byID) {
		return byID[id]
	}
	return nil
}

// Lookup returns the field with this filter name, or nil.
func Lookup(abbrev string) *Info { return byName[abbrev] }

// All returns every registered field sorted by name. With a non-empty prefix, only fields whose name
// starts with it.
func All(prefix string) []*Info {
	var out []*Info
	for _, in := range byID[1:] {
		if strings.HasPrefix(in.Abbrev, prefix) {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Abbrev < out[j].Abbrev })
	return out
}

// Closest returns up to n registered names closest to s (by edit distance), best first: the suggestions
// printed after "unknown field".
func Closest(s string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for name := range byName {
		cs = append(cs, cand{name, editDistance(s, name)})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
