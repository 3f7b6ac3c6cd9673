package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/internal/etltest"
)

const ndisProvider = "2ed6006e-4729-4609-b423-3ee7bcd678ef"

// ndisEvent builds an NDIS-PacketCapture event 1001: MiniportIfIndex, LowerIfIndex, FragmentSize and the
// fragment (claimed is the FragmentSize written, -1 for the fragment's length).
func ndisEvent(kw uint64, miniport, lower uint32, ticks uint64, frag []byte, claimed int) etltest.Event {
	le := binary.LittleEndian
	if claimed < 0 {
		claimed = len(frag)
	}
	u := le.AppendUint32(nil, miniport)
	u = le.AppendUint32(u, lower)
	u = le.AppendUint32(u, uint32(claimed))
	return etltest.Event{Provider: ndisProvider, ID: 1001, Keywords: kw, ProcessID: 1234, ThreadID: 99, Ticks: ticks, UserData: append(u, frag...)}
}

// ethIPv4 builds an Ethernet frame carrying an IPv4 header whose total length says ipLen, followed by
// n bytes of payload pattern.
func ethIPv4(ipLen, n int) []byte {
	b := make([]byte, 14+20)
	b[12], b[13] = 0x08, 0x00
	b[14] = 0x45
	binary.BigEndian.PutUint16(b[16:], uint16(ipLen))
	b[14+9] = 17
	copy(b[14+12:], []byte{192, 168, 1, 10, 192, 168, 1, 20})
	for i := 0; i < n; i++ {
		b = append(b, byte(i))
	}
	return b
}

const (
	kwStart, kwEnd   = 0x40000000, 0x80000000
	kwSend, kwRecv   = 0x100000000, 0x200000000
	kwWiFi, kwWWAN   = 0x10000, 0x200
	kwWhole          = kwStart | kwEnd
	ndisTicksPerStep = 1000 // 100 µs
)

// ndisTrace is a netsh-style trace: whole packets, a packet in three fragments, native 802.11 and WWAN
// raw IP packets, a packet logged short, a fragment claiming more bytes than it has, a damaged event, a
// non-packet event, and a large packet whose two fragments fill buffers of their own.
func ndisTrace() (file []byte, want []ndisWant) {
	a := ethIPv4(20+8+10, 18)
	b := ethIPv4(20+8+100, 108)
	wifi := append([]byte{0x08, 0x02, 0, 0}, bytes.Repeat([]byte{0xab}, 30)...)
	raw := ethIPv4(20+8, 8)[14:]
	short := ethIPv4(1500, 26)
	big := ethIPv4(3000, 2980)
	evs := []etltest.Event{
		ndisEvent(kwWhole|kwRecv, 7, 8, 1*ndisTicksPerStep, a, -1),
		{Provider: "dd5ef90a-6398-47a4-ad34-4dcecdef795f", ID: 1, ProcessID: 4, Ticks: 2 * ndisTicksPerStep, UserData: []byte{1, 2, 3}},
		ndisEvent(kwStart|kwSend, 7, 8, 3*ndisTicksPerStep, b[:50], -1),
		ndisEvent(kwSend, 7, 8, 4*ndisTicksPerStep, b[50:100], -1),
		ndisEvent(kwEnd|kwSend, 7, 8, 5*ndisTicksPerStep, b[100:], -1),
		ndisEvent(kwWhole|kwRecv|kwWiFi, 11, 12, 6*ndisTicksPerStep, wifi, -1),
		ndisEvent(kwWhole|kwSend|kwWWAN, 13, 14, 7*ndisTicksPerStep, raw, -1),
		ndisEvent(kwWhole|kwRecv, 7, 8, 8*ndisTicksPerStep, short, -1),
		ndisEvent(kwWhole|kwRecv, 7, 8, 9*ndisTicksPerStep, a[:10], 100),
		{Provider: ndisProvider, ID: 1001, Keywords: kwWhole, Ticks: 10 * ndisTicksPerStep, UserData: []byte{1, 2, 3}},
		ndisEvent(kwStart|kwRecv, 7, 8, 11*ndisTicksPerStep, big[:1500], -1),
		ndisEvent(kwEnd|kwRecv, 7, 8, 12*ndisTicksPerStep, big[1500:], -1),
	}
	want = []ndisWant{
		{a, len(a), LinkTypeEthernet, 1, 8, 1},
		{b, len(b), LinkTypeEthernet, 2, 8, 3},
		{wifi, len(wifi), LinkTypeIEEE80211, 1, 12, 6},
		{raw, len(raw), LinkTypeRaw, 2, 14, 7},
		{short, 14 + 1500, LinkTypeEthernet, 1, 8, 8},
		{a[:10], 10, LinkTypeEthernet, 1, 8, 9},
		{big, len(big), LinkTypeEthernet, 1, 8, 11},
	}
	return etltest.File(evs), want
}

type ndisWant struct {
	data    []byte
	origLen int
	lt      LinkType
	dir     uint8
	lower   uint32
	step    uint64
}

// TestNDISPacketCapture reads a built netsh trace: each packet is one frame, its fragments joined, the
// link type from the keywords, the direction from the send/receive keywords, one interface per lower
// interface index, the time of its first fragment, and the original length from the IP header when the
// packet was logged short.
func TestNDISPacketCapture(t *testing.T) {
	file, want := ndisTrace()
	if out := os.Getenv("WIRELENS_NDIS_ETL"); out != "" {
		os.WriteFile(out, file, 0o644) // for looking at the trace with wirelens list/show
	}
	r, frames, err := readAllFrames(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != FormatETL || len(frames) != len(want) {
		t.Fatalf("format %v, %d frames, want %d", r.Format(), len(frames), len(want))
	}
	for i, w := range want {
		f := frames[i]
		if !bytes.Equal(f.Data, w.data) || f.OrigLen != w.origLen || f.LinkType != w.lt || f.Flags != uint32(w.dir) {
			t.Errorf("frame %d: %d bytes (orig %d), link %v, flags %d; want %d (orig %d), %v, %d",
				i+1, len(f.Data), f.OrigLen, f.LinkType, f.Flags, len(w.data), w.origLen, w.lt, w.dir)
		}
		e := f.Event
		if e == nil || !e.Packet || e.PktMon || e.ID != 1001 || e.Direction != w.dir || e.LowerIfIndex != w.lower || e.ProviderName != "Microsoft-Windows-NDIS-PacketCapture" {
			t.Errorf("frame %d: event %+v", i+1, e)
			continue
		}
		if e.IfIndex != w.lower-1 || e.ThreadID != 99 || e.ProcessID != 1234 || f.ProcessID != 1234 {
			t.Errorf("frame %d: ifindex %d thread %d process %d/%d", i+1, e.IfIndex, e.ThreadID, e.ProcessID, f.ProcessID)
		}
		if wantNS := FileTimeToUnixNano(etltest.StartTime + w.step*ndisTicksPerStep); f.TimeNS != wantNS {
			t.Errorf("frame %d: time %d, want %d", i+1, f.TimeNS, wantNS)
		}
		iface := r.Interfaces()[f.Interface]
		if iface.Name != "ifIndex "+strconv.Itoa(int(w.lower)) || iface.LinkType != w.lt {
			t.Errorf("frame %d: interface %+v", i+1, iface)
		}
	}
	if len(r.Interfaces()) != 3 {
		t.Errorf("%d interfaces, want 3 (lower ifIndex 8, 12, 14)", len(r.Interfaces()))
	}
	notes := strings.Join(r.Notes(), "; ")
	if !strings.Contains(notes, "7 packet events read; 3 other events not shown") || !strings.Contains(notes, "Microsoft-Windows-HttpService (1)") {
		t.Errorf("notes %q", notes)
	}
}

// TestNDISTruncated cuts the built trace inside its last buffer: the packets of the complete buffers
// are returned, the packet whose fragments straddle the cut is not, and a TruncatedError says where.
func TestNDISTruncated(t *testing.T) {
	file, _ := ndisTrace()
	_, frames, err := readAllFrames(t, file)
	if err != nil {
		t.Fatal(err)
	}
	nbuf := len(file) / etltest.BufferSize
	if nbuf < 3 {
		t.Fatalf("%d buffers: the trace should span at least 3", nbuf)
	}
	before := 0
	for _, f := range frames {
		if int(f.Offset>>32) < nbuf-1 {
			before++
		}
	}
	if before == 0 || before == len(frames) {
		t.Fatalf("%d of %d frames before the last buffer", before, len(frames))
	}
	t.Logf("%d buffers; %d of %d frames end before the last one", nbuf, before, len(frames))
	cut := file[:len(file)-100]
	_, got, err := readAllFrames(t, cut)
	var te *TruncatedError
	if !errors.As(err, &te) || !strings.Contains(te.Reason, "present") {
		t.Fatalf("err %v, want a TruncatedError", err)
	}
	if len(got) != before {
		t.Errorf("%d frames before the cut, want %d", len(got), before)
	}
	for i := range got {
		if !bytes.Equal(got[i].Data, frames[i].Data) {
			t.Errorf("frame %d differs", i+1)
		}
	}
}
