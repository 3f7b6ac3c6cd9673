package ui

import (
	"github.com/wirelens/wirelens/analysis"
)

// convRow is one line of the conversations pane, with the columns of "wirelens conversations".
type convRow struct {
	Proto    string    `json:"proto"`
	Stream   uint32    `json:"stream"`
	Client   string    `json:"client"`
	Server   string    `json:"server"`
	State    string    `json:"state"`
	History  string    `json:"history"`
	Start    string    `json:"start"`
	Duration string    `json:"duration"`
	Packets  [2]uint64 `json:"packets"`
	Bytes    [2]uint64 `json:"bytes"`
	Retrans  uint32    `json:"retrans"`
	IRTT     string    `json:"irtt"`
	First    uint32    `json:"firstFrame"`
}

func convRows(cs []analysis.Conversation, start int64) []convRow {
	out := make([]convRow, 0, len(cs))
	for _, c := range cs {
		r := convRow{
			Proto: c.Proto, Stream: c.Stream, Client: c.Client.String(), Server: c.Server.String(),
			State: c.State, History: c.History, Start: seconds(c.FirstTime - start), Duration: seconds(c.LastTime - c.FirstTime),
			Packets: c.Packets, Bytes: c.Bytes, Retrans: c.Retrans[0] + c.Retrans[1], First: c.FirstFrame,
		}
		if c.IRTT != 0 {
			r.IRTT = seconds(c.IRTT)
		}
		out = append(out, r)
	}
	return out
}

// timeline is packets and bytes per time bucket, with the count of warnings and errors per bucket for
// the diagnostic markers.
type timeline struct {
	From     int64    `json:"from"` // relative ns
	To       int64    `json:"to"`
	Bucket   int64    `json:"bucket"` // ns per bucket
	Packets  []uint32 `json:"packets"`
	Bytes    []uint64 `json:"bytes"`
	Errors   []uint32 `json:"errors"`
	Warnings []uint32 `json:"warnings"`
	End      int64    `json:"end"` // the trace's last relative time
}

// timeline buckets the indexed frames between from and to (to <= from: the whole trace).
func (tr *trace) timeline(from, to int64, buckets int) timeline {
	buckets = min(max(buckets, 1), 2000)
	var end int64
	tr.idx.recs(func(_ int, r *rec) { end = max(end, r.rel) })
	if to <= from {
		from, to = 0, end
	}
	span := max(to-from, 1)
	bw := max((span+int64(buckets)-1)/int64(buckets), 1)
	tl := timeline{From: from, To: to, Bucket: bw, End: end,
		Packets: make([]uint32, buckets), Bytes: make([]uint64, buckets), Errors: make([]uint32, buckets), Warnings: make([]uint32, buckets)}
	tr.idx.recs(func(_ int, r *rec) {
		if r.rel < from || r.rel > to {
			return
		}
		b := min(int((r.rel-from)/bw), buckets-1)
		tl.Packets[b]++
		tl.Bytes[b] += uint64(r.length)
		switch {
		case r.sev >= 4:
			tl.Errors[b]++
		case r.sev == 3:
			tl.Warnings[b]++
		}
	})
	return tl
}
