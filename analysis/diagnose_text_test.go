package analysis

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/field"
)

// TestFindingTextAsFmt: the reset and loss findings written in findingText's reused buffer say, word for
// word, what fmt made of them before (fmtResetFinding, fmtLossFinding below): for IPv4, IPv6 and missing
// endpoints, one and many of each count, no data, and one buffer used for finding after finding.
func TestFindingTextAsFmt(t *testing.T) {
	eps := []Endpoint{
		{netip.MustParseAddr("10.99.0.1"), 6712}, {netip.MustParseAddr("2001:db8::1"), 443},
		{netip.MustParseAddr("::ffff:192.0.2.1"), 80}, {netip.MustParseAddr("fe80::1%eth0"), 22}, {},
	}
	var text findingText
	n := 0
	for i, cl := range eps {
		for j, sv := range eps {
			for k := range 64 {
				c := Conversation{
					Proto: "tcp", Stream: uint32(i*1000 + j*100 + k), Client: cl, Server: sv,
					FirstTime: int64(k) * 1e9, LastTime: int64(k)*1e9 + int64(k*k)*12345679,
					Payload: [2]uint64{uint64(k % 3), uint64(k * 1000)}, DataPkts: [2]uint64{uint64(k % 5), uint64(k % 7)},
					Retrans: [2]uint32{uint32(k % 2), uint32(k % 3)}, LostSegs: [2]uint32{uint32(k / 2 % 2), uint32(k / 8 % 3)},
					DupAcks: [2]uint32{uint32(k / 4 % 2), 0}, ZeroWindows: [2]uint32{0, uint32(k / 16 % 3)},
					State: []string{"RSTO", "RSTR", "SF", ""}[k%4], History: strings.Repeat("ShADad", k%3) + "R",
					RSTFrame: uint32(k * 7), RSTSide: k % 2,
				}
				got, want := resetFinding(&c, &text).clone(), fmtResetFinding(c)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("reset finding:\n got %+v\nwant %+v", got, want)
				}
				if lossy(&c) {
					got, want := lossFinding(&c, &text).clone(), fmtLossFinding(c)
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("loss finding:\n got %+v\nwant %+v", got, want)
					}
					n++
				}
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d loss findings compared", n)
	}
}

// fmtResetFinding is resetFinding as it was made with fmt.
func fmtResetFinding(c Conversation) Finding {
	who := "client"
	if c.RSTSide == 1 {
		who = "server"
	}
	return Finding{
		Severity: "warning", Category: "reset", rank: 1,
		Title: fmt.Sprintf("tcp.stream %d (%s → %s) reset by the %s", c.Stream, c.Client, c.Server, who),
		Detail: fmt.Sprintf("RST in frame %d after %d bytes from the client and %d from the server, %s into the connection (state %s, history %s)",
			c.RSTFrame, c.Payload[0], c.Payload[1], refSeconds(c.LastTime-c.FirstTime), c.State, c.History),
		Streams: []uint32{c.Stream}, Frames: []uint32{c.RSTFrame}, Filter: refStreamFilter("tcp", []uint32{c.Stream}),
	}
}

// fmtLossFinding is lossFinding as it was made with fmt.
func fmtLossFinding(c Conversation) Finding {
	retr := c.Retrans[0] + c.Retrans[1]
	lost := c.LostSegs[0] + c.LostSegs[1]
	dups := c.DupAcks[0] + c.DupAcks[1]
	zw := c.ZeroWindows[0] + c.ZeroWindows[1]
	var parts []string
	data := c.DataPkts[0] + c.DataPkts[1]
	if retr > 0 {
		rate := 0.0
		if data > 0 {
			rate = 100 * float64(retr) / float64(data)
		}
		parts = append(parts, fmt.Sprintf("%d retransmission%s of %d data segments (%.1f%%; client %d, server %d)", retr, plural(int(retr)), data, rate, c.Retrans[0], c.Retrans[1]))
	}
	if lost > 0 {
		parts = append(parts, fmt.Sprintf("%d segment%s not captured", lost, plural(int(lost))))
	}
	if dups > 0 {
		parts = append(parts, fmt.Sprintf("%d duplicate ACK%s", dups, plural(int(dups))))
	}
	if zw > 0 {
		parts = append(parts, fmt.Sprintf("%d zero-window advertisement%s (a receiver could not keep up)", zw, plural(int(zw))))
	}
	sev := "note"
	if retr > 0 && (data == 0 || float64(retr)/float64(data) >= 0.01) || zw > 0 {
		sev = "warning"
	}
	return Finding{
		Severity: sev, Category: "loss", rank: 3,
		Title:   fmt.Sprintf("tcp.stream %d (%s → %s) lost or repeated data", c.Stream, c.Client, c.Server),
		Detail:  strings.Join(parts, ", "),
		Streams: []uint32{c.Stream},
		Filter:  refStreamFilter("tcp", []uint32{c.Stream}) + " && tcp.analysis.flags && !tcp.analysis.window_update",
	}
}

// refSeconds and refStreamFilter are seconds and streamFilter as they were made before they were written
// with appendSeconds and appendStreamFilter, so that the reference findings above do not use the code
// under test.
func refSeconds(ns int64) string {
	return string(field.AppendSeconds(nil, ns)[:len(field.AppendSeconds(nil, ns))-6]) + " s"
}

func refStreamFilter(proto string, ss []uint32) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = strconv.FormatUint(uint64(s), 10)
	}
	if len(ss) == 1 {
		return proto + ".stream == " + parts[0]
	}
	return proto + ".stream in {" + strings.Join(parts, ", ") + "}"
}

// TestStreamFilter: appendStreamFilter writes what the strings did, for one stream and for several.
func TestStreamFilter(t *testing.T) {
	for _, ss := range [][]uint32{{0}, {7}, {7, 9}, {1, 2, 40000}} {
		if got, want := streamFilter("tcp", ss), refStreamFilter("tcp", ss); got != want {
			t.Errorf("streamFilter(%v) = %q, want %q", ss, got, want)
		}
	}
	for _, ns := range []int64{0, 1, 999_999, 1_500_000_000, 123_456_789_012} {
		if got, want := seconds(ns), refSeconds(ns); got != want {
			t.Errorf("seconds(%d) = %q, want %q", ns, got, want)
		}
	}
}
