package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStreamTshark compares "wirelens stream F 0" in ascii and hex with tshark's Follow TCP Stream output
// (testdata/stream/*.txt, written by testdata/stream/make-goldens.sh).
func TestStreamTshark(t *testing.T) {
	for _, name := range []string{"post", "http-large-gap", "entity_gap2"} {
		for _, format := range []string{"ascii", "hex"} {
			if name == "entity_gap2" && format == "hex" {
				continue // tshark dumps its gap marker as data; wirelens prints a marker line
			}
			t.Run(name+"/"+format, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stream", name+"."+format+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				out, errOut, code := run(t, "stream", filepath.Join("..", "..", "testdata", "stream", name+".pcap"), "0", "--format", format)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				if out != string(want) {
					t.Errorf("output differs from tshark's:\n%s", firstDiff(out, string(want)))
				}
			})
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + sitoa(i+1) + ":\n got  " + x + "\n want " + y
		}
	}
	return ""
}

func sitoa(n int) string { return string(appendInt(nil, n)) }

type jsonFollow struct {
	Proto, Client, Server string
	Stream                int
	Chunks                []struct {
		Dir    string
		Frame  int
		Offset int64
		Data   string
		Gap    int
	}
}

func TestStreamJSONAndRaw(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "stream", "entity_gap2.pcap")
	out, errOut, code := run(t, "stream", path, "0", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var f jsonFollow
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if f.Proto != "tcp" || f.Client == "" || f.Server == "" {
		t.Errorf("header %+v", f)
	}
	var off [2]int64
	gaps := 0
	var raw bytes.Buffer
	for _, c := range f.Chunks {
		d := 0
		if c.Dir == "server" {
			d = 1
		}
		if c.Offset != off[d] {
			t.Errorf("frame %d: offset %d, want %d", c.Frame, c.Offset, off[d])
		}
		if c.Gap > 0 {
			gaps++
			off[d] += int64(c.Gap)
			continue
		}
		b, err := base64.StdEncoding.DecodeString(c.Data)
		if err != nil {
			t.Fatal(err)
		}
		raw.Write(b)
		off[d] += int64(len(b))
	}
	if gaps != 1 {
		t.Errorf("%d gaps, want 1 (1448 bytes missing)", gaps)
	}
	rawOut, rawErr, code := run(t, "stream", path, "0", "--format", "raw")
	if code != 0 || rawOut != raw.String() {
		t.Errorf("raw output (exit %d) differs from the JSON chunks' data", code)
	}
	if !strings.Contains(rawErr, "1448 bytes missing in capture") {
		t.Errorf("raw: stderr %q does not report the gap", rawErr)
	}
}

func TestStreamUDP(t *testing.T) {
	out, errOut, code := run(t, "stream", filepath.Join("..", "..", "testdata", "wikipedia.pcap"), "0", "--udp")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// tshark -q -z follow,udp,ascii,0 -r testdata/wikipedia.pcap
	want := "\n===================================================================\n" +
		"Follow: udp,ascii\nFilter: udp.stream eq 0\nNode 0: 141.142.220.202:5353\nNode 1: 224.0.0.251:5353\n" +
		"45\n.............gemini._sftp-ssh._tcp.local..!..\n" +
		"===================================================================\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

func TestStreamAll(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join("..", "..", "testdata", "stream", "entity_gap2.pcap")
	out, errOut, code := run(t, "stream", path, "--all", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "1 tcp streams, 2 files") {
		t.Errorf("summary %q", out)
	}
	jsonOut, _, _ := run(t, "stream", path, "0", "--format", "json")
	var f jsonFollow
	if err := json.Unmarshal([]byte(jsonOut), &f); err != nil {
		t.Fatal(err)
	}
	var want [2]bytes.Buffer
	for _, c := range f.Chunks {
		d := 0
		if c.Dir == "server" {
			d = 1
		}
		b, _ := base64.StdEncoding.DecodeString(c.Data)
		want[d].Write(b)
	}
	for d, name := range []string{"tcp-0-client.bin", "tcp-0-server.bin"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[d].Bytes()) {
			t.Errorf("%s: %d bytes, want %d", name, len(got), want[d].Len())
		}
	}
	gaps, err := os.ReadFile(filepath.Join(dir, "gaps.txt"))
	if err != nil || !strings.Contains(string(gaps), "tcp-0-server.bin: 1448 bytes missing") {
		t.Errorf("gaps.txt: %q %v", gaps, err)
	}
}

// TestStreamFilesBounded writes many files through a 3-file limit and checks the contents.
func TestStreamFilesBounded(t *testing.T) {
	dir := t.TempDir()
	s := &streamFiles{dir: dir, max: 3, open: map[string]*openFile{}, created: map[string]bool{}}
	for round := 0; round < 3; round++ {
		for i := 0; i < 10; i++ {
			s.write("f"+sitoa(i), []byte{byte('a' + round)})
			if len(s.open) > 3 {
				t.Fatalf("%d files open", len(s.open))
			}
		}
	}
	if err := s.closeAll(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		b, _ := os.ReadFile(filepath.Join(dir, "f"+sitoa(i)))
		if string(b) != "abc" {
			t.Errorf("f%d = %q", i, b)
		}
	}
}

func TestStreamErrors(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "stream", "post.pcap")
	for _, args := range [][]string{
		{"stream", path, "7"},
		{"stream", path, "x"},
		{"stream", path, "0", "--format", "xml"},
		{"stream", path, "--all"},
		{"stream", "nonexistent.pcap", "0"},
	} {
		if _, _, code := run(t, args...); code != ExitError {
			t.Errorf("%v: exit %d, want %d", args, code, ExitError)
		}
	}
}
