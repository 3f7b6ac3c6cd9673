package engine

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelens/wirelens/dissect"
	"github.com/wirelens/wirelens/field"
	"github.com/wirelens/wirelens/internal/etltest"
)

// tcpFrame builds an Ethernet/IPv4/TCP frame from 10.0.0.1:50000 (fromClient) or 10.0.0.2:80.
func tcpFrame(fromClient bool, seq, ack uint32, flags uint8, payload string) []byte {
	b := make([]byte, 14+20+20)
	b[12], b[13] = 0x08, 0x00
	ip := b[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 6
	binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
	src, dst := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sp, dp := uint16(50000), uint16(80)
	if !fromClient {
		src, dst, sp, dp = dst, src, dp, sp
	}
	copy(ip[12:], src)
	copy(ip[16:], dst)
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	t := ip[20:]
	binary.BigEndian.PutUint16(t, sp)
	binary.BigEndian.PutUint16(t[2:], dp)
	binary.BigEndian.PutUint32(t[4:], seq)
	binary.BigEndian.PutUint32(t[8:], ack)
	t[12], t[13] = 5<<4, flags
	binary.BigEndian.PutUint16(t[14:], 64240)
	return append(b, payload...)
}

// pktmonEvent builds a PktMon packet event (160) of one appearance of a packet.
func pktmonEvent(group uint64, appearance, component uint16, ticks uint64, frame []byte) etltest.Event {
	le := binary.LittleEndian
	u := le.AppendUint64(nil, group)
	u = le.AppendUint16(u, 1)          // PktNumber
	u = le.AppendUint16(u, appearance) // AppearanceCount
	u = le.AppendUint16(u, 4)          // DirTag
	u = le.AppendUint16(u, 1)          // PacketType: Ethernet
	u = le.AppendUint16(u, component)
	u = le.AppendUint16(u, 1) // EdgeId
	u = le.AppendUint16(u, 0) // FilterId
	u = le.AppendUint32(u, 0) // DropReason
	u = le.AppendUint32(u, 0) // DropLocation
	u = le.AppendUint16(u, uint16(len(frame)))
	u = le.AppendUint16(u, uint16(len(frame)))
	return etltest.Event{Provider: "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac", ID: 160, Ticks: ticks, UserData: append(u, frame...)}
}

// TestPktMonAppearancesAreNotRetransmissions: every packet of a TCP connection is logged by PktMon at two
// components. The second appearance of each is the same packet: it belongs to the stream but gets no TCP
// analysis verdict and is not counted twice in the conversation, while a real retransmission (a new
// packet group carrying the same bytes) is still one, on its first appearance only.
func TestPktMonAppearancesAreNotRetransmissions(t *testing.T) {
	const SYN, ACK, PSH = 0x02, 0x10, 0x08
	packets := [][]byte{
		tcpFrame(true, 1000, 0, SYN, ""),
		tcpFrame(false, 5000, 1001, SYN|ACK, ""),
		tcpFrame(true, 1001, 5001, ACK, ""),
		tcpFrame(true, 1001, 5001, PSH|ACK, "0123456789"),
		tcpFrame(true, 1001, 5001, PSH|ACK, "0123456789"), // retransmitted: a new packet
		tcpFrame(false, 5001, 1011, ACK, ""),
	}
	var evs []etltest.Event
	for i, pk := range packets {
		g := uint64(700 + i)
		ticks := uint64(i) * 2_000_000 // 200 ms apart: the retransmission comes after the RTO
		evs = append(evs, pktmonEvent(g, 1, 59, ticks, pk), pktmonEvent(g, 2, 61, ticks+20, pk))
	}
	path := filepath.Join(t.TempDir(), "pktmon-tcp.etl")
	if err := os.WriteFile(path, etltest.File(evs), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	get := func(p *dissect.Packet, name string) string {
		return string(p.AppendField(nil, field.Lookup(name).ID, ','))
	}
	var rows []string
	for {
		p, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, strings.Join([]string{get(p, "pktmon.appearance"), get(p, "pktmon.repeat"), get(p, "tcp.stream"),
			get(p, "tcp.seq"), get(p, "tcp.analysis.flags"), get(p, "tcp.analysis.retransmission")}, " "))
	}
	want := []string{
		"1 0 0 0  ", "2 1 0 0  ", // SYN
		"1 0 0 0  ", "2 1 0 0  ", // SYN+ACK
		"1 0 0 1  ", "2 1 0 1  ", // ACK
		"1 0 0 1  ", "2 1 0 1  ", // data
		"1 0 0 1 1 1", "2 1 0 1  ", // retransmission, then its second appearance
		"1 0 0 1  ", "2 1 0 1  ",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("appearance repeat stream seq flags retransmission:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	convs := tr.Conversations()
	if len(convs) != 1 || convs[0].Packets != [2]uint64{4, 2} || convs[0].Retrans != [2]uint32{1, 0} || convs[0].LastFrame != 11 {
		t.Errorf("conversations %+v, want one of 4+2 packets, one retransmission, last frame 11", convs)
	}
}
