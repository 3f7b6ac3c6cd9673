package dissect

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"unicode/utf16"

	"github.com/wirelens/wirelens/field"
)

// NTLMSSP (MS-NLMP) inside HTTP authentication headers: "WWW-Authenticate: NTLM <base64>" or
// "Authorization: Negotiate <base64>" (SPNEGO wrapping an NTLMSSP token). Windows integrated
// authentication runs as negotiate → challenge → authenticate; the third message names the user,
// domain and workstation. The token is decoded into the packet's scratch space when a field or the tree
// asks for it.

const ntlmSig = "NTLMSSP\x00"

var (
	fNTLMType   = reg(field.Info{Abbrev: "ntlmssp.messagetype", Name: "NTLM Message Type", Type: field.Uint, Base: field.Hex, Bits: 32}, ntlmGetter(ntlmPartType))
	fNTLMDomain = reg(field.Info{Abbrev: "ntlmssp.auth.domain", Name: "Domain name", Type: field.String}, ntlmGetter(ntlmPartDomain))
	fNTLMUser   = reg(field.Info{Abbrev: "ntlmssp.auth.username", Name: "User name", Type: field.String}, ntlmGetter(ntlmPartUser))
	fNTLMHost   = reg(field.Info{Abbrev: "ntlmssp.auth.hostname", Name: "Host name", Type: field.String}, ntlmGetter(ntlmPartHost))
	fNTLMChal   = reg(field.Info{Abbrev: "ntlmssp.ntlmserverchallenge", Name: "NTLM Server Challenge", Type: field.Bytes}, ntlmGetter(ntlmPartChallenge))
)

const (
	ntlmPartType = iota
	ntlmPartDomain
	ntlmPartUser
	ntlmPartHost
	ntlmPartChallenge
)

var ntlmTypeNames = map[uint32]string{1: "NTLMSSP_NEGOTIATE", 2: "NTLMSSP_CHALLENGE", 3: "NTLMSSP_AUTH"}

// ntlmToken returns the NTLMSSP message inside an authentication header value, decoded into the packet's
// scratch space, or nil.
func ntlmToken(p *Packet, v []byte) []byte {
	var b64 []byte
	switch {
	case hasPrefixFold(v, "NTLM "):
		b64 = v[5:]
	case hasPrefixFold(v, "Negotiate "):
		b64 = v[10:]
	default:
		return nil
	}
	b64 = trimSpace(b64)
	if len(b64) == 0 {
		return nil
	}
	out := p.alloc(base64.StdEncoding.DecodedLen(len(b64)))
	if out == nil {
		return nil
	}
	n, err := base64.StdEncoding.Decode(out, b64)
	if err != nil {
		return nil
	}
	out = out[:n]
	i := bytes.Index(out, []byte(ntlmSig))
	if i < 0 || len(out)-i < 12 {
		return nil
	}
	return out[i:]
}

// ntlmString reads a security buffer (length, max length, offset) of an NTLMSSP message as text.
func ntlmString(p *Packet, m []byte, at int, unicode bool) ([]byte, bool) {
	if len(m) < at+8 {
		return nil, false
	}
	n := int(binary.LittleEndian.Uint16(m[at:]))
	off := int(binary.LittleEndian.Uint32(m[at+4:]))
	if n == 0 {
		return []byte("NULL"), true
	}
	if off < 0 || off > len(m) || n > len(m)-off {
		return nil, false
	}
	s := m[off : off+n]
	if !unicode {
		return s, true
	}
	u := make([]uint16, 0, n/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, binary.LittleEndian.Uint16(s[i:]))
	}
	rs := utf16.Decode(u)
	out := p.alloc(len(rs) * 3)
	if out == nil {
		return nil, false
	}
	j := 0
	for _, r := range rs {
		if r < 0x80 {
			out[j] = byte(r)
			j++
		} else {
			j += copy(out[j:], string(r))
		}
	}
	return out[:j], true
}

func ntlmPart(p *Packet, m []byte, part int) (field.Value, bool) {
	typ := binary.LittleEndian.Uint32(m[8:])
	switch part {
	case ntlmPartType:
		return field.Value{U: uint64(typ)}, true
	case ntlmPartChallenge:
		if typ == 2 && len(m) >= 32 {
			return field.Value{B: m[24:32]}, true
		}
		return field.Value{}, false
	}
	if typ != 3 || len(m) < 64 {
		return field.Value{}, false
	}
	unicode := binary.LittleEndian.Uint32(m[60:])&1 != 0
	at := map[int]int{ntlmPartDomain: 28, ntlmPartUser: 36, ntlmPartHost: 44}[part]
	s, ok := ntlmString(p, m, at, unicode)
	return field.Value{B: s}, ok
}

func ntlmGetter(part int) getter {
	return multiGetter(ProtoHTTP, func(p *Packet, l *Layer, b []byte, dst []field.Value) []field.Value {
		httpWalk(b, int(l.Hdr), func(ln httpLine) bool {
			if ln.kind != httpLineHeader {
				return true
			}
			name := ln.line[:ln.colon]
			if !equalFold(name, "authorization") && !equalFold(name, "www-authenticate") &&
				!equalFold(name, "proxy-authorization") && !equalFold(name, "proxy-authenticate") {
				return true
			}
			if m := ntlmToken(p, httpHeaderValue(ln.line, ln.colon)); m != nil {
				if v, ok := ntlmPart(p, m, part); ok {
					dst = append(dst, v)
				}
			}
			return true
		})
		return dst
	})
}

// ntlmTree adds the NTLMSSP message of an authentication header under its item.
func ntlmTree(p *Packet, t *Tree, parent *Node, v []byte) {
	m := ntlmToken(p, v)
	if m == nil {
		return
	}
	typ := binary.LittleEndian.Uint32(m[8:])
	n := t.Text(parent, "NTLM Secure Service Provider", 0, 0)
	n.Off = -1
	name := ntlmTypeNames[typ]
	if name == "" {
		name = "Unknown"
	}
	it := t.AddLabel(n, fNTLMType, field.Value{U: uint64(typ)}, "NTLM Message Type: "+name, 0, 0)
	it.Off = -1
	for _, f := range [...]struct {
		id   field.ID
		part int
	}{{fNTLMChal, ntlmPartChallenge}, {fNTLMDomain, ntlmPartDomain}, {fNTLMUser, ntlmPartUser}, {fNTLMHost, ntlmPartHost}} {
		if val, ok := ntlmPart(p, m, f.part); ok {
			it := t.Add(n, f.id, val, 0, 0)
			it.Off = -1
		}
	}
}
