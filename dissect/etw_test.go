package dissect

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/capture"
)

// netEventRecord builds a NetMon NetEvent record: the 89-byte header and user data.
func netEventRecord(pid, tid uint32, provider string, id uint16, opcode uint8, user []byte) []byte {
	b := make([]byte, netEventHeaderLen)
	le := binary.LittleEndian
	le.PutUint16(b, uint16(80+len(user)))
	le.PutUint16(b[4:], 0x0340)
	le.PutUint32(b[8:], tid)
	le.PutUint32(b[12:], pid)
	g := unhex(strings.ReplaceAll(provider, "-", ""))
	// the first three GUID fields are little-endian in the record
	b[24], b[25], b[26], b[27] = g[3], g[2], g[1], g[0]
	b[28], b[29], b[30], b[31] = g[5], g[4], g[7], g[6]
	copy(b[32:40], g[8:])
	le.PutUint16(b[40:], id)
	b[42] = 4
	b[45] = opcode
	le.PutUint16(b[86:], uint16(len(user)))
	return append(b, user...)
}

func TestNetEvent(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		fields  map[string]string
		summary string
		bad     bool
	}{
		// frame.process_id of a NetEvent frame is set by the capture reader (capture/netmon.go), not here.
		{"kernel process start", netEventRecord(3948, 3232, "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c", 0, 1, []byte("cscript.exe\x00")),
			map[string]string{"etw.pid": "3948", "etw.tid": "3232", "etw.provider": "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c", "etw.opcode": "1",
				"etw.version": "4", "etw.user_data_len": "12", "frame.process_id": "", "netevent": "", "etw.provider_name": "Process (NT Kernel Logger)"},
			"Process (NT Kernel Logger) event 0, opcode 1, PID 3948, 12 bytes of user data", false},
		{"unknown provider", netEventRecord(1, 2, "12345678-9abc-def0-1122-334455667788", 2001, 0, nil),
			map[string]string{"etw.id": "2001", "etw.provider": "12345678-9abc-def0-1122-334455667788", "etw.provider_name": ""},
			"{12345678-9abc-def0-1122-334455667788} event 2001, opcode 0, PID 1, 0 bytes of user data", false},
		{"short record", make([]byte, 40), map[string]string{"etw.id": ""}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decodeOne(capture.LinkTypeNetMonEvent, tt.data)
			if (p.Bad.Proto != ProtoNone) != tt.bad {
				t.Fatalf("malformed %+v", p.Bad)
			}
			for f, want := range tt.fields {
				if got := fieldStr(t, p, f); got != want {
					t.Errorf("%s = %q, want %q", f, got, want)
				}
			}
			if got := string(p.AppendSummary(nil)); tt.summary != "" && got != tt.summary {
				t.Errorf("summary %q, want %q", got, tt.summary)
			}
			exercise(p)
		})
	}
}

func TestETWPacketFields(t *testing.T) {
	frame := cat(ethHdr(0x0800), ipv4Hdr(1, "10.9.1.14", "10.9.1.22", 8, 1, 0, false), []byte{8, 0, 0, 0, 0, 0, 0, 0})
	pkt := &capture.EventInfo{Provider: "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac", ProviderName: "Microsoft-Windows-PktMon", ID: 160,
		Keywords: 0x10, Packet: true, PktMon: true, Direction: 1, IfIndex: 59, PktGroupID: 1071654, PktNumber: 1, Appearance: 2,
		Component: 59, ComponentName: "vmswitch", Edge: 1, Filter: 1, MediaType: 1, OriginalSize: 42, LoggedSize: 42}
	ndis := &capture.EventInfo{Provider: "2ed6006e-4729-4609-b423-3ee7bcd678ef", ProviderName: "Microsoft-Windows-NDIS-PacketCapture", ID: 1001,
		Keywords: 0x2c0000000, Packet: true, Direction: 2, IfIndex: 7, LowerIfIndex: 8, ProcessID: 1234}
	tests := []struct {
		name   string
		ev     *capture.EventInfo
		pid    uint32
		fields map[string]string
	}{
		{"pktmon", pkt, 0, map[string]string{"etw.id": "160", "etw.direction": "1", "pktmon.pkt_group_id": "1071654", "pktmon.appearance": "2",
			"pktmon.component": "59", "pktmon.component_name": "vmswitch", "pktmon.packet_type": "1", "etw.lower_ifindex": "", "ip.src": "10.9.1.14",
			"frame.protocols": "etw:eth:ip:icmp", "etw.keywords": "0x0000000000000010"}},
		{"ndis", ndis, 1234, map[string]string{"etw.id": "1001", "etw.direction": "2", "etw.ifindex": "7", "etw.lower_ifindex": "8",
			"pktmon.pkt_group_id": "", "etw.pid": "1234", "frame.process_id": "1234", "ip.dst": "10.9.1.22"}},
		{"no event", nil, 0, map[string]string{"etw": "", "etw.id": "", "pktmon.appearance": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder()
			p := d.Decode(&capture.Frame{Data: frame, OrigLen: len(frame), LinkType: capture.LinkTypeEthernet, Event: tt.ev, ProcessID: tt.pid})
			for f, want := range tt.fields {
				if f == "frame.protocols" && tt.ev == nil {
					continue
				}
				if got := fieldStr(t, p, f); got != want {
					t.Errorf("%s = %q, want %q", f, got, want)
				}
			}
			if tt.ev == nil && p.Has(ProtoETW) {
				t.Error("etw layer without an event")
			}
			exercise(p)
		})
	}
}

// TestETWEventMessage: an ETL event that carries no packet (list --all-events) is a message of its own:
// its user data are the frame, the etw.* fields describe it, the summary names provider and event.
func TestETWEventMessage(t *testing.T) {
	user := []byte{1, 2, 3, 4, 5}
	tests := []struct {
		name    string
		ev      *capture.EventInfo
		fields  map[string]string
		summary string
	}{
		{"provider event", &capture.EventInfo{Provider: "dd5ef90a-6398-47a4-ad34-4dcecdef795f", ProviderName: "Microsoft-Windows-HttpService",
			ID: 21, Opcode: 28, Level: 4, Keywords: 0x8000000000000010, ThreadID: 77, ProcessID: 4, Kind: 0x13},
			map[string]string{"etw": "", "etw.id": "21", "etw.opcode": "28", "etw.pid": "4", "etw.tid": "77", "etw.user_data_len": "5",
				"etw.user_data": "0102030405", "etw.hook_id": "", "etw.direction": "", "frame.protocols": "etw", "etw.provider_name": "Microsoft-Windows-HttpService"},
			"Microsoft-Windows-HttpService event 21, opcode 28, PID 4, 5 bytes of user data"},
		{"system record", &capture.EventInfo{ProviderName: "ETW system records (logfile header, rundown)", Provider: "00000000-0000-0000-0000-000000000000",
			Kind: 0x02, HookID: 0x0050, ProcessID: 2932},
			map[string]string{"etw.hook_id": "0x0050", "etw.id": "0", "etw.pid": "2932"},
			"ETW system records (logfile header, rundown) hook 0x0050, opcode 0, PID 2932, 5 bytes of user data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewDecoder().Decode(&capture.Frame{Data: user, OrigLen: len(user), LinkType: capture.LinkTypeETLEvent, Event: tt.ev, ProcessID: tt.ev.ProcessID})
			if p.Bad.Proto != ProtoNone || p.Protocol() != "ETW" {
				t.Fatalf("malformed %+v, protocol %q", p.Bad, p.Protocol())
			}
			for f, want := range tt.fields {
				if got := fieldStr(t, p, f); got != want {
					t.Errorf("%s = %q, want %q", f, got, want)
				}
			}
			if got := string(p.AppendSummary(nil)); got != tt.summary {
				t.Errorf("summary %q, want %q", got, tt.summary)
			}
			var labels []string
			var walk func([]*Node)
			walk = func(ns []*Node) {
				for _, n := range ns {
					labels = append(labels, n.Label)
					walk(n.Children)
				}
			}
			walk(p.Tree())
			if all := strings.Join(labels, "\n"); !strings.Contains(all, "User data") || !strings.Contains(all, "Process ID: "+tt.fields["etw.pid"]+" [as the trace records it: a hint") {
				t.Errorf("tree:\n%s", all)
			}
			exercise(p)
		})
	}
}

func TestProcessName(t *testing.T) {
	frame := cat(ethHdr(0x0800), ipv4Hdr(17, "1.2.3.4", "5.6.7.8", 8, 1, 0, false), udpHdr(1, 2, 0))
	d := NewDecoder()
	p := d.Decode(&capture.Frame{Data: frame, OrigLen: len(frame), LinkType: capture.LinkTypeEthernet, Process: `C:\Windows\System32\svchost.exe`, ProcessID: 880})
	if got := fieldStr(t, p, "frame.process_name"); got != `C:\Windows\System32\svchost.exe` {
		t.Errorf("frame.process_name = %q", got)
	}
	if got := fieldStr(t, p, "frame.process_id"); got != "880" {
		t.Errorf("frame.process_id = %q", got)
	}
}

func FuzzNetEvent(f *testing.F) {
	f.Add(netEventRecord(3948, 3232, "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c", 0, 1, []byte("cscript.exe\x00")))
	f.Add(make([]byte, 89))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFrames(capture.LinkTypeNetMonEvent, nil, data) })
}
