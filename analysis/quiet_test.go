package analysis

import (
	"strings"
	"testing"
)

// TestConversationQuiet: Conversation.Quiet is true exactly for the TCP conversations DiagnoseEach says
// nothing about and counts among those without problems.
func TestConversationQuiet(t *testing.T) {
	clean := Conversation{Proto: "tcp", State: "SF", SYNs: 1, SYNFrame: 1, Payload: [2]uint64{40, 400}, DataPkts: [2]uint64{1, 1}}
	cases := []struct {
		name string
		edit func(c *Conversation)
		want bool
	}{
		{"closed cleanly", func(c *Conversation) {}, true},
		{"refused", func(c *Conversation) { c.Refused, c.State, c.RSTFrame = true, "REJ", 2 }, false},
		{"never answered", func(c *Conversation) { c.State, c.Payload, c.DataPkts = "S0", [2]uint64{}, [2]uint64{} }, false},
		{"S0 without a SYN", func(c *Conversation) { c.State, c.SYNs, c.SYNFrame, c.Payload = "S0", 0, 0, [2]uint64{} }, true},
		{"reset after data", func(c *Conversation) { c.State, c.RSTFrame = "RSTO", 9 }, false},
		{"reset established, no data", func(c *Conversation) { c.State, c.RSTFrame, c.Payload = "RSTR", 9, [2]uint64{} }, false},
		{"reset in the handshake", func(c *Conversation) { c.State, c.RSTFrame, c.Payload = "RSTOS0", 9, [2]uint64{} }, true},
		{"a retransmission", func(c *Conversation) { c.Retrans[1] = 1 }, false},
		{"a segment not captured", func(c *Conversation) { c.LostSegs[0] = 1 }, false},
		{"a duplicate ACK", func(c *Conversation) { c.DupAcks[0] = 2 }, false},
		{"a zero window", func(c *Conversation) { c.ZeroWindows[1] = 1 }, false},
	}
	for _, tc := range cases {
		c := clean
		tc.edit(&c)
		if got := c.Quiet(); got != tc.want {
			t.Errorf("%s: Quiet() = %v, want %v", tc.name, got, tc.want)
		}
		d := Diagnose([]Conversation{c}, TraceFacts{Frames: 1})
		if said := !strings.HasPrefix(d.Summary, "No problems found"); said == c.Quiet() {
			t.Errorf("%s: Quiet() = %v, but diagnose says %q", tc.name, c.Quiet(), d.Summary)
		}
	}
	// Counted, not read: the summary is the same.
	want := Diagnose([]Conversation{clean, clean}, TraceFacts{Frames: 1})
	got := DiagnoseEach(func(yield func(Conversation) bool) { yield(clean) }, TraceFacts{Frames: 1, QuietTCP: func() int { return 1 }})
	if got.Summary != want.Summary {
		t.Errorf("one quiet conversation counted: %q, want %q", got.Summary, want.Summary)
	}
}
