package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/internal/recycle"
)

// readHeads feeds the pieces to a parser's head reader (readHead, or without its shortcut readHeadWalk)
// as opData does while it reads heads (a head complete, the next message), and returns what each call
// returned and left in the parser.
func readHeads(pieces [][]byte, whole bool) []string {
	var pool recycle.Pool[byte]
	var d opDir
	d.reset()
	read := d.readHead
	if !whole {
		read = d.readHeadWalk
	}
	var out []string
	for f, b := range pieces {
		d.frameNow = uint32(f + 1)
		for len(b) > 0 && d.state == opHead {
			n, done := read(b, &pool)
			out = append(out, fmt.Sprintf("n=%d done=%v head=%q started=%v first=%d state=%d", n, done, d.head, d.started, d.firstFrame, d.state))
			b = b[n:]
			if done {
				d.reset()
				d.frameNow = uint32(f + 1)
			}
		}
	}
	return out
}

// checkReadHead compares the head reader with and without its shortcut for a head lying whole in one
// segment, on data cut in two at every point.
func checkReadHead(t *testing.T, data []byte) {
	t.Helper()
	for cut := 0; cut <= len(data); cut++ {
		pieces := [][]byte{data[:cut], data[cut:]}
		got, want := readHeads(pieces, true), readHeads(pieces, false)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q cut at %d:\nwith the shortcut:\n%s\nwithout:\n%s", data, cut, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestReadHeadWhole(t *testing.T) {
	for _, s := range []string{
		"GET /t HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /t HTTP/1.1\r\nHost: a\r\n\r\nGET /u HTTP/1.1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\nServer: x\n\nbody",
		"HTTP/1.1 204 No Content\r\n\r\r\n",
		"HTTP/1.1 204 No Content\r\nX: y\r\r\r\n\r\n",
		"\r\nGET / HTTP/1.0\r\n\r\n",
		"\nGET / HTTP/1.0\r\n\r\n",
		"junk line\r\nGET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\n",
		"GET / HTTP/1.0",
		"HTTP/1.1 200 OK\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\n\r\n",
		"",
		"\r\n\r\n",
	} {
		checkReadHead(t, []byte(s))
	}
	// A head longer than the cap is dropped, with or without the shortcut.
	big := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", opMaxHead) + "\r\n\r\n"
	got, want := readHeads([][]byte{[]byte(big)}, true), readHeads([][]byte{[]byte(big)}, false)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("a head over the cap:\n%s\nwithout the shortcut:\n%s", got, want)
	}
}

func FuzzReadHead(f *testing.F) {
	f.Add([]byte("GET /t HTTP/1.1\r\nHost: a\r\n\r\nGET /u HTTP/1.1\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 204 No Content\r\nX: y\r\r\r\n\r\n"))
	f.Add([]byte("\r\nHTTP/1.0 200 OK\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512 {
			return
		}
		checkReadHead(t, data)
	})
}
