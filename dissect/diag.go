package dissect

import (
	"strconv"
	"strings"

	"github.com/wirelens/wirelens/field"
)

// Diagnostics: what a frame tells about the conversation, in plain words, with a severity, a category and
// the related frame. The analyzers (package analysis) add them; a malformed layer gives one too. They are
// stored as codes and numbers and put into words only when shown, so recording them costs no allocation.

// Severity ranks diagnostics, as Wireshark's expert levels.
type Severity uint8

// Severities, lowest first.
const (
	SevNone Severity = iota
	SevChat
	SevNote
	SevWarning
	SevError
)

var (
	sevNames = [...]string{"", "chat", "note", "warning", "error"}
	sevBytes = [...][]byte{nil, []byte("chat"), []byte("note"), []byte("warning"), []byte("error")}
	// catBytes holds each category as bytes, so that the diag.category field allocates nothing.
	catBytes = map[string][]byte{}
)

func init() {
	for _, in := range diagInfos {
		if in.category != "" {
			catBytes[in.category] = []byte(in.category)
		}
	}
}

func (s Severity) String() string { return sevNames[s] }

// DiagCode identifies what a diagnostic says.
type DiagCode uint8

// Diagnostic codes.
const (
	DiagNone DiagCode = iota
	DiagMalformed
	DiagSYNUnanswered
	DiagSYNRetransmission
	DiagRefused
	DiagResetByClient
	DiagResetByServer
	DiagRetransmission
	DiagFastRetransmission
	DiagSpuriousRetransmission
	DiagOutOfOrder
	DiagLostSegment
	DiagAckedUnseen
	DiagDuplicateAck
	DiagZeroWindow
	DiagZeroWindowProbe
	DiagZeroWindowProbeAck
	DiagWindowFull
	DiagWindowUpdate
	DiagKeepAlive
	DiagKeepAliveAck
	DiagReusedPorts
	DiagHTTPServerError
	DiagHTTPClientError
	DiagHTTPNoResponse
	DiagHTTPNoRequest
	DiagHTTPSlow
	DiagHTTPCutShort
	DiagHTTPRedirect
	DiagHTTPReassemblyCap
	DiagHTTPConflictingLength
	DiagDNSRetransQuery
	DiagDNSRetransResponse
	DiagDNSNXDomain
	DiagDNSServFail
	DiagDNSRefused
	DiagDNSUnanswered
	numDiagCodes
)

type diagInfo struct {
	sev      Severity
	category string
	text     string // the sentence; "##" is replaced by "#N", "#" by N and "@" by the related frame number
}

var diagInfos = [numDiagCodes]diagInfo{
	DiagMalformed:              {SevError, "malformed", ""},
	DiagSYNUnanswered:          {SevWarning, "connection", "No acknowledgement received for this SYN"},
	DiagSYNRetransmission:      {SevWarning, "connection", "Retransmission of frame @"},
	DiagRefused:                {SevError, "connection", "Connection refused: RST in reply to the SYN in frame @"},
	DiagResetByClient:          {SevWarning, "connection", "Connection reset by the client"},
	DiagResetByServer:          {SevWarning, "connection", "Connection reset by the server"},
	DiagRetransmission:         {SevWarning, "sequence", "Retransmission of frame @"},
	DiagFastRetransmission:     {SevWarning, "sequence", "Fast retransmission of frame @ after duplicate ACKs"},
	DiagSpuriousRetransmission: {SevNote, "sequence", "Spurious retransmission: the receiver had already acknowledged this data"},
	DiagOutOfOrder:             {SevWarning, "sequence", "Out-of-order segment"},
	DiagLostSegment:            {SevWarning, "sequence", "Previous segment not captured"},
	DiagAckedUnseen:            {SevWarning, "sequence", "ACKed segment that wasn't captured"},
	DiagDuplicateAck:           {SevNote, "sequence", "Duplicate ACK ## of frame @"},
	DiagZeroWindow:             {SevWarning, "window", "Zero window: the receiver cannot take more data"},
	DiagZeroWindowProbe:        {SevNote, "window", "Zero window probe"},
	DiagZeroWindowProbeAck:     {SevNote, "window", "Zero window probe ACK"},
	DiagWindowFull:             {SevWarning, "window", "Window full: the sender has filled the receiver's window"},
	DiagWindowUpdate:           {SevChat, "window", "Window update"},
	DiagKeepAlive:              {SevNote, "sequence", "Keep-alive"},
	DiagKeepAliveAck:           {SevNote, "sequence", "Keep-alive ACK"},
	DiagReusedPorts:            {SevNote, "connection", "Port numbers reused: a new connection on the ports of an earlier one"},
	DiagHTTPServerError:        {SevError, "http", "HTTP server error # (request in frame @)"},
	DiagHTTPClientError:        {SevWarning, "http", "HTTP client error # (request in frame @)"},
	DiagHTTPNoResponse:         {SevWarning, "http", "HTTP request with no response"},
	DiagHTTPNoRequest:          {SevWarning, "http", "HTTP response with no request"},
	DiagHTTPSlow:               {SevWarning, "http", "Slow HTTP response: # ms after the request in frame @"},
	DiagHTTPCutShort:           {SevWarning, "http", "HTTP message cut short: the stream ended # bytes before its end"},
	DiagHTTPRedirect:           {SevNote, "http", "HTTP redirect # (request in frame @)"},
	DiagHTTPReassemblyCap:      {SevWarning, "http", "HTTP message too large to reassemble: the memory cap was reached at # bytes"},
	DiagHTTPConflictingLength:  {SevWarning, "http", "HTTP message framing is ambiguous: conflicting Content-Length headers, or Content-Length with Transfer-Encoding"},
	DiagDNSRetransQuery:        {SevWarning, "dns", "DNS query retransmission of frame @"},
	DiagDNSRetransResponse:     {SevWarning, "dns", "DNS response retransmission of frame @"},
	DiagDNSNXDomain:            {SevWarning, "dns", "No such name (NXDOMAIN) in reply to the query in frame @"},
	DiagDNSServFail:            {SevError, "dns", "Server failure (SERVFAIL) in reply to the query in frame @"},
	DiagDNSRefused:             {SevError, "dns", "Query refused (REFUSED) in reply to the query in frame @"},
	DiagDNSUnanswered:          {SevWarning, "dns", "No response to this DNS query in the trace"},
}

// Diag is one diagnostic of a frame.
type Diag struct {
	Code  DiagCode
	Frame uint32 // the related frame, if the sentence names one
	N     uint32 // a count, if the sentence has one (the duplicate ACK number)
}

// Severity returns the diagnostic's severity.
func (d Diag) Severity() Severity { return diagInfos[d.Code].sev }

// Category returns the diagnostic's category ("connection", "sequence", "window", "malformed").
func (d Diag) Category() string { return diagInfos[d.Code].category }

// maxDiags bounds the diagnostics kept per frame.
const maxDiags = 8

// AddDiag records a diagnostic on the packet (beyond maxDiags they are dropped).
func (p *Packet) AddDiag(d Diag) {
	if p.nDiag < maxDiags {
		p.diags[p.nDiag] = d
		p.nDiag++
	}
}

// Diags returns the packet's diagnostics, the malformed-packet one first.
func (p *Packet) Diags() []Diag {
	if p.IsMalformed() && (p.nDiag == 0 || p.diags[0].Code != DiagMalformed) && p.nDiag < maxDiags {
		copy(p.diags[1:p.nDiag+1], p.diags[:p.nDiag])
		p.diags[0] = Diag{Code: DiagMalformed}
		p.nDiag++
	}
	return p.diags[:p.nDiag]
}

// Worst returns the diagnostic of the highest severity (the first of equals), or false.
func (p *Packet) Worst() (Diag, bool) {
	var w Diag
	for _, d := range p.Diags() {
		if d.Severity() > w.Severity() {
			w = d
		}
	}
	return w, w.Code != DiagNone
}

// AppendMessage appends the diagnostic's sentence.
func (p *Packet) AppendMessage(dst []byte, d Diag) []byte {
	if d.Code == DiagMalformed {
		dst = append(dst, "Malformed packet: "...)
		dst = append(dst, protocols[p.Bad.Proto].name...)
		dst = append(dst, ": "...)
		return append(dst, p.Bad.Reason...)
	}
	text := diagInfos[d.Code].text
	if d.Frame == 0 {
		// No related frame is known: drop the clause that would name it.
		for _, clause := range []string{" (request in frame @)", " after the request in frame @", " of frame @", " in frame @"} {
			if i := strings.Index(text, clause); i >= 0 {
				text = text[:i] + text[i+len(clause):]
			}
		}
	}
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '@':
			dst = strconv.AppendUint(dst, uint64(d.Frame), 10)
		case text[i] == '#' && i+1 < len(text) && text[i+1] == '#':
			dst = append(dst, '#')
			dst = strconv.AppendUint(dst, uint64(d.N), 10)
			i++
		case text[i] == '#':
			dst = strconv.AppendUint(dst, uint64(d.N), 10)
		default:
			dst = append(dst, text[i])
		}
	}
	return dst
}

func diagGetter(fn func(p *Packet, d Diag, dst []field.Value) []field.Value) getter {
	return func(p *Packet, dst []field.Value) []field.Value {
		for _, d := range p.Diags() {
			dst = fn(p, d, dst)
		}
		return dst
	}
}

var (
	fDiag = reg(field.Info{Abbrev: "diag", Name: "Diagnostics", Type: field.Protocol, Blurb: "the frame has at least one diagnostic"}, func(p *Packet, dst []field.Value) []field.Value {
		if len(p.Diags()) > 0 {
			dst = append(dst, field.Value{})
		}
		return dst
	})
	fDiagSeverity = reg(field.Info{Abbrev: "diag.severity", Name: "Severity", Type: field.String, Blurb: "error, warning, note or chat"},
		diagGetter(func(p *Packet, d Diag, dst []field.Value) []field.Value {
			return append(dst, field.Value{B: sevBytes[d.Severity()]})
		}))
	fDiagCategory = reg(field.Info{Abbrev: "diag.category", Name: "Category", Type: field.String, Blurb: "connection, sequence, window, dns or malformed"},
		diagGetter(func(p *Packet, d Diag, dst []field.Value) []field.Value {
			return append(dst, field.Value{B: catBytes[d.Category()]})
		}))
	fDiagMessage = reg(field.Info{Abbrev: "diag.message", Name: "Message", Type: field.String, Blurb: "the diagnostic in words"},
		diagGetter(func(p *Packet, d Diag, dst []field.Value) []field.Value {
			buf := p.alloc(160)
			if buf == nil {
				return dst
			}
			return append(dst, field.Value{B: p.AppendMessage(buf[:0], d)})
		}))
	fDiagFrame = reg(field.Info{Abbrev: "diag.frame", Name: "Related frame", Type: field.FrameNum},
		diagGetter(func(p *Packet, d Diag, dst []field.Value) []field.Value {
			if d.Frame != 0 {
				dst = append(dst, field.Value{U: uint64(d.Frame)})
			}
			return dst
		}))
)

// diagTree adds the "Diagnostics" item listing the packet's diagnostics.
func diagTree(p *Packet, t *Tree) {
	ds := p.Diags()
	if len(ds) == 0 {
		return
	}
	n := &Node{Label: "Diagnostics", Field: "diag", Off: -1}
	for _, d := range ds {
		msg := string(p.AppendMessage(nil, d))
		c := &Node{Label: "[" + d.Severity().String() + "] " + msg, Field: "diag.message", Value: msg, Severity: d.Severity().String(), Off: -1}
		if d.Frame != 0 {
			c.Children = append(c.Children, &Node{Label: "Related frame: " + strconv.Itoa(int(d.Frame)), Field: "diag.frame", Value: strconv.Itoa(int(d.Frame)), Off: -1})
		}
		c.Children = append(c.Children, &Node{Label: "Category: " + d.Category(), Field: "diag.category", Value: d.Category(), Off: -1})
		n.Children = append(n.Children, c)
	}
	t.Nodes = append(t.Nodes, n)
}
