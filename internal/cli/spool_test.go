package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/wirelens/wirelens/analysis"
)

// TestSpool: what goes into a spool comes out in order, past the part kept in memory (a file), less
// the bytes skipped, and a first write longer than the memory part stays whole in memory.
func TestSpool(t *testing.T) {
	var s spool
	defer s.close()
	var want []byte
	for i := 0; len(want) < 3*spoolMem; i++ {
		b := fmt.Appendf(nil, ",%d", i)
		s.Write(b)
		want = append(want, b...)
	}
	if s.file == nil || len(s.mem) > spoolMem {
		t.Fatalf("%d bytes in memory, file %v: the spool did not go to a file", len(s.mem), s.file)
	}
	var got bytes.Buffer
	if err := s.copyTo(&got, 1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want[1:]) {
		t.Errorf("copied %d bytes, want %d", got.Len(), len(want)-1)
	}
	var big spool
	defer big.close()
	big.Write(bytes.Repeat([]byte("x"), 2*spoolMem))
	if big.file != nil || len(big.mem) != 2*spoolMem {
		t.Errorf("a first write of %d bytes: %d in memory, file %v", 2*spoolMem, len(big.mem), big.file)
	}
}

// TestWriteDiagnosisAsWhole: diagnose's report written finding by finding through the spools is, in each
// format, byte for byte the whole analysis.Diagnosis written out as diagnose wrote it before: a JSON
// document, a CSV table, the text report. The conversations make findings of every rank that
// conversations give, enough of them for the spools to use files, and none at all.
func TestWriteDiagnosisAsWhole(t *testing.T) {
	client, server := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	var convs []analysis.Conversation
	for i := range 3000 {
		c := analysis.Conversation{Proto: "tcp", Stream: uint32(i), Client: analysis.Endpoint{Addr: client, Port: uint16(1024 + i)},
			Server: analysis.Endpoint{Addr: server, Port: 80}, FirstTime: int64(i) * 1e6, LastTime: int64(i)*1e6 + 5e5,
			State: "SF", History: "ShADadFf", DataPkts: [2]uint64{3, 5}, Payload: [2]uint64{100, 2000}}
		switch i % 7 {
		case 1:
			c.RSTFrame, c.State = uint32(10*i), "RSTO" // reset
		case 2:
			c.Retrans = [2]uint32{1, 2} // loss
		case 3:
			c.RSTFrame, c.State, c.RSTSide, c.DupAcks = uint32(10*i), "RSTR", 1, [2]uint32{0, 4} // both
		case 4:
			c.State, c.SYNs, c.SYNFrames, c.Payload = "S0", 2, []uint32{uint32(10 * i), uint32(10*i + 1)}, [2]uint64{} // never answered
		case 5:
			c.Refused, c.RSTFrame, c.SYNs, c.SYNFrames = true, uint32(10*i+1), 1, []uint32{uint32(10 * i)}
		}
		convs = append(convs, c)
	}
	facts := analysis.TraceFacts{Frames: 40000, Malformed: []uint32{7, 9}}
	for _, n := range []int{0, 1, 3, len(convs)} {
		cs := convs[:n]
		if n == 1 {
			facts.Malformed = nil
		}
		d := analysis.DiagnoseEach(slices.Values(cs), facts)
		for _, f := range []format{fmtTable, fmtCSV, fmtJSON} {
			var got bytes.Buffer
			w := bufio.NewWriter(&got)
			if err := writeDiagnosis(w, f, "t.pcap", slices.Values(cs), facts); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			if want := wholeDiagnosis(d, f, "t.pcap"); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%d conversations, format %d: %d bytes, want %d\n got %.300q\nwant %.300q", n, f, got.Len(), len(want), got.Bytes(), want)
			}
		}
	}
}

// wholeDiagnosis writes d as diagnose wrote it out whole.
func wholeDiagnosis(d analysis.Diagnosis, f format, path string) []byte {
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	switch f {
	case fmtJSON:
		b, _ := json.MarshalIndent(d, "", "  ")
		w.Write(b)
		w.WriteString("\n")
	case fmtCSV:
		rows := newRowWriter(w, fmtCSV, []column{{name: "severity"}, {name: "category"}, {name: "title"}, {name: "detail"}, {name: "filter"}})
		for _, x := range d.Findings {
			rows.row([][]byte{[]byte(x.Severity), []byte(x.Category), []byte(x.Title), []byte(x.Detail), []byte(x.Filter)})
		}
		rows.close()
	default:
		fmt.Fprintln(w, d.Summary)
		for _, x := range d.Findings {
			fmt.Fprintf(w, "\n[%s] %s\n    %s\n", x.Severity, x.Title, x.Detail)
			if x.Filter != "" {
				fmt.Fprintf(w, "    wirelens list %s -f %q\n", path, x.Filter)
			}
		}
	}
	w.Flush()
	return out.Bytes()
}
