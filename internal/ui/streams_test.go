package ui

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

// TestSeqGraphAndFollow checks the sequence graph of TCP streams against the frames' own fields
// (tcp.seq, tcp.ack, tcp.len, tcp.flags, tcp.window_size_value, the sender's address), and that Follow
// names the same client and server.
func TestSeqGraphAndFollow(t *testing.T) {
	const path = "../../testdata/http/example2.pcap"
	tr, err := openTrace(1, "example2", path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	<-tr.doneCh
	fields := []string{"tcp.stream", "tcp.seq", "tcp.ack", "tcp.len", "tcp.flags", "tcp.window_size_value", "ip.src", "tcp.srcport"}
	var ids []field.ID
	for _, n := range fields {
		in := field.Lookup(n)
		if in == nil {
			t.Fatalf("no field %s", n)
		}
		ids = append(ids, in.ID)
	}
	// The frames of each stream, as the fields give them.
	want := map[string][]string{}
	et, err := engine.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := et.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		for _, id := range ids {
			vals = append(vals, string(p.AppendField(nil, id, ',')))
		}
		if vals[0] != "" {
			want[vals[0]] = append(want[vals[0]], fmt.Sprint(p.Num, vals[1:6], vals[6]+":"+vals[7]))
		}
	}
	et.Close()
	for _, n := range []int{0, 1, 5} {
		g, err := tr.seqGraph(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		f, err := tr.follow(context.Background(), n, false)
		if err != nil {
			t.Fatal(err)
		}
		if g.Client == "" || g.Client != f.Client || g.Server != f.Server {
			t.Errorf("stream %d: graph %s → %s, follow %s → %s", n, g.Client, g.Server, f.Client, f.Server)
		}
		frames := want[fmt.Sprint(n)]
		if len(g.Points) != len(frames) {
			t.Fatalf("stream %d: %d points, %d frames", n, len(g.Points), len(frames))
		}
		for i, pt := range g.Points {
			ack := fmt.Sprint(pt.Ack) // 0 without the ACK flag, as tcp.ack shows it then
			from := g.Client
			if pt.Dir == 1 {
				from = g.Server
			}
			got := fmt.Sprint(pt.Frame, []string{fmt.Sprint(pt.Seq), ack, fmt.Sprint(pt.Len), fmt.Sprintf("0x%04x", pt.Flags), fmt.Sprint(pt.Win)}, from)
			if got != frames[i] {
				t.Errorf("stream %d point %d: %s, want %s", n, i, got, frames[i])
			}
		}
	}
}
