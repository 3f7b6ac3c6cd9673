package ui

import (
	"github.com/wirelens/wirelens/engine"
)

// HTTPOperation is one HTTP request and its response, as the HTTP operations pane lists them. It mirrors
// the HTTP analysis of package analysis field for field, so the pane shows what that analysis found.
type HTTPOperation struct {
	Stream       int    `json:"stream"`
	ReqFrame     uint32 `json:"reqFrame"`
	RespFrame    uint32 `json:"respFrame"`
	ReqTime      int64  `json:"reqTime"`  // ns since the Unix epoch
	RespTime     int64  `json:"respTime"` // ns since the Unix epoch, 0 without a response
	Client       string `json:"client"`
	Server       string `json:"server"`
	Method       string `json:"method"`
	Host         string `json:"host"`
	URI          string `json:"uri"`
	Status       int    `json:"status"`
	Phrase       string `json:"phrase"`
	BodyLen      int64  `json:"bodyLen"`
	ServerHeader string `json:"serverHeader"`
	Location     string `json:"location"`
	ContentType  string `json:"contentType"`
	Chain        int    `json:"chain"` // redirect chain number, operations of one chain share it
	Notes        string `json:"notes"`
}

// httpOperations returns the HTTP operations engine found in a trace read to its end (request and
// response pairs, first in first out, with redirect chains numbered).
func httpOperations(t *engine.Trace) []HTTPOperation {
	ops := t.HTTPOperations()
	out := make([]HTTPOperation, len(ops))
	for i := range ops {
		o := &ops[i]
		out[i] = HTTPOperation{
			Stream: o.Stream, ReqFrame: o.ReqFrame, RespFrame: o.RespFrame, ReqTime: o.ReqTime, RespTime: o.RespTime,
			Client: o.Client, Server: o.Server, Method: o.Method, Host: o.Host, URI: o.URI, Status: o.Status,
			Phrase: o.Phrase, BodyLen: o.BodyLen, ServerHeader: o.ServerHeader, Location: o.Location,
			ContentType: o.ContentType, Chain: o.Chain, Notes: o.Notes,
		}
	}
	return out
}
