package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
)

const pktmonETL = "../../testdata/windows/pktmon-demikernel.etl"

// TestPktMonListGolden compares the message list of the pktmon trace with the committed golden
// (testdata/windows/pktmon-demikernel.list; refresh with go test ./internal/cli -update).
func TestPktMonListGolden(t *testing.T) {
	out, errs, code := run(t, "list", pktmonETL, "--time", "absolute")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "114 packet events read") {
		t.Errorf("stderr %q lacks the note on the events read", errs)
	}
	golden := "../../testdata/windows/pktmon-demikernel.list"
	if *update {
		os.WriteFile(golden, []byte(out), 0o644)
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update)", err)
	}
	if out != string(want) {
		t.Errorf("the list differs from %s:\n--- got\n%s", golden, out)
	}
	if n := strings.Count(out, "\n"); n != 115 {
		t.Errorf("%d lines, want a header and 114 frames", n)
	}
}

// TestConvertPktMon converts the pktmon trace to pcapng and reads it back: the same 114 packets, with
// their direction; where tshark is installed, tshark reads the same number of frames with the same IP
// addresses as wirelens decodes from the ETL.
func TestConvertPktMon(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pktmon.pcapng")
	_, errs, code := run(t, "convert", pktmonETL, out)
	if code != 0 || !strings.Contains(errs, "114 packets written") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	src, err := capture.Open(pktmonETL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := capture.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if dst.Format() != capture.FormatPcapNG {
		t.Errorf("format %v", dst.Format())
	}
	var a, b capture.Frame
	n := 0
	for {
		ea, eb := src.Next(&a), dst.Next(&b)
		if ea == io.EOF && eb == io.EOF {
			break
		}
		if ea != nil || eb != nil {
			t.Fatalf("frame %d: %v / %v", n+1, ea, eb)
		}
		n++
		if string(a.Data) != string(b.Data) || a.TimeNS != b.TimeNS || a.OrigLen != b.OrigLen || b.Flags != uint32(a.Event.Direction) {
			t.Errorf("frame %d differs: time %d/%d len %d/%d flags %d/%d", n, a.TimeNS, b.TimeNS, a.OrigLen, b.OrigLen, a.Event.Direction, b.Flags)
		}
		if !strings.Contains(string(b.Comment), "PktGroupId") {
			t.Errorf("frame %d comment %q", n, b.Comment)
		}
		if iface := dst.Interfaces()[b.Interface]; !strings.HasPrefix(iface.Name, "pktmon component ") {
			t.Errorf("frame %d interface %+v", n, iface)
		}
	}
	if n != 114 {
		t.Errorf("%d frames", n)
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Log("tshark is not installed: the comparison with tshark is skipped")
		return
	}
	fields := "ip.src,ip.dst,ip.proto,tcp.srcport,tcp.dstport,udp.srcport,udp.dstport,icmp.type"
	args := []string{"-n", "-r", out, "-T", "fields", "-E", "separator=,", "-E", "occurrence=f"}
	for _, f := range strings.Split(fields, ",") {
		args = append(args, "-e", f)
	}
	tsh, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	mine, errs, code := run(t, "list", pktmonETL, "--fields", fields, "--format", "csv")
	if code != 0 {
		t.Fatalf("list: %s", errs)
	}
	wl := strings.Split(strings.TrimSpace(mine), "\n")[1:] // without the CSV header
	tl := strings.Split(strings.TrimSpace(string(tsh)), "\n")
	if len(tl) != 114 || len(wl) != 114 {
		t.Fatalf("tshark reads %d frames, wirelens %d; want 114", len(tl), len(wl))
	}
	for i := range tl {
		if tl[i] != wl[i] {
			t.Errorf("frame %d: tshark %q, wirelens %q", i+1, tl[i], wl[i])
		}
	}
}

// TestConvertNetMon converts a NetMon capture of the shared corpus: tshark reads as many frames from the
// result as wirelens wrote packets (the NetEvent and network-info records are left out).
func TestConvertNetMon(t *testing.T) {
	in := "../../../shared/captures/windows/netmon/MS-WMOD_Example2_WS2016_X64_Win10_X64_Domain_Hagala.cap"
	if _, err := os.Stat(in); err != nil {
		t.Skipf("the shared capture corpus is absent: %v", err)
	}
	out := filepath.Join(t.TempDir(), "netmon.pcapng")
	_, errs, code := run(t, "convert", in, out)
	if code != 0 || !strings.Contains(errs, "209 packets written") || !strings.Contains(errs, "3 records that are no packets") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed")
	}
	tsh, err := exec.Command("tshark", "-n", "-r", out, "-T", "fields", "-e", "frame.number").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	if n := strings.Count(string(tsh), "\n"); n != 209 {
		t.Errorf("tshark reads %d frames, want 209", n)
	}
}

func TestConvertErrors(t *testing.T) {
	dir := t.TempDir()
	notCap := filepath.Join(dir, "x.txt")
	os.WriteFile(notCap, []byte("hello, this is text"), 0o644)
	for _, args := range [][]string{
		{"convert", filepath.Join(dir, "missing.etl"), filepath.Join(dir, "o.pcapng")},
		{"convert", notCap, filepath.Join(dir, "o.pcapng")},
		{"convert", pktmonETL, filepath.Join(dir, "no-such-dir", "o.pcapng")},
	} {
		if _, errs, code := run(t, args...); code != ExitError || errs == "" {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}
