package cli

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/capture"
)

func convertCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "convert IN OUT.pcapng",
		Short: "Write any trace wirelens reads (pcap, pcapng, NetMon .cap, ETL) as pcapng",
		Long: "Write the packets of a trace as a pcapng file that Wireshark opens. Each capture interface of the input\n" +
			"(a pcapng interface, a pktmon component, an NDIS interface index) becomes a pcapng interface with its\n" +
			"name and description; the direction of a packet becomes its epb_flags; a frame's comment, its process\n" +
			"and its ETW metadata (provider, event id, pktmon group, appearance, component) its opt_comment.\n" +
			"Records that are no packets (NetMon NetEvents, ETW events) have no pcapng link type: they are counted\n" +
			"and left out. OUT may be - for standard output.",
		Example: "  wirelens convert PktMon.etl pktmon.pcapng\n  wirelens convert capture.cap capture.pcapng",
		Args:    cobra.ExactArgs(2),
		RunE:    func(cmd *cobra.Command, args []string) error { return runConvert(g, args[0], args[1]) },
	}
}

func runConvert(g *globals, in, out string) error {
	f, err := capture.Open(in)
	if err != nil {
		var nc *capture.NotCaptureError
		if errors.As(err, &nc) || !errors.Is(err, os.ErrNotExist) {
			return &exitError{ExitError, fmt.Errorf("%s: %v", in, err)}
		}
		return &exitError{ExitError, err}
	}
	defer f.Close()
	var w io.Writer = g.stdout
	var file *os.File
	if out != "-" {
		if file, err = os.Create(out); err != nil {
			return &exitError{ExitError, err}
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	pw := newPcapngWriter(bw)
	pw.section("wirelens convert of " + in + " (" + f.Format().String() + ")")
	var fr capture.Frame
	written, skipped := 0, 0
	var readErr error
	var te *capture.TruncatedError
	for {
		if err := f.Next(&fr); err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
		if fr.LinkType > 0xFFFF {
			skipped++
			continue
		}
		id := pw.iface(fr.Interface, f.Interfaces(), fr.LinkType)
		pw.packet(id, &fr, frameComment(&fr))
		written++
	}
	if pw.err == nil {
		pw.err = bw.Flush()
	}
	if pw.err != nil {
		return &exitError{ExitError, fmt.Errorf("%s: %v", out, pw.err)}
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return &exitError{ExitError, err}
		}
	}
	fmt.Fprintf(g.stderr, "wirelens: %s: %d packets written to %s", in, written, out)
	if skipped > 0 {
		fmt.Fprintf(g.stderr, "; %d records that are no packets (NetMon or ETW events) left out", skipped)
	}
	fmt.Fprintln(g.stderr)
	for _, n := range f.Notes() {
		fmt.Fprintf(g.stderr, "wirelens: note: %s: %s\n", in, n)
	}
	if readErr != nil {
		if errors.As(readErr, &te) {
			fmt.Fprintf(g.stderr, "wirelens: warning: %s: %v; the frames before it were written\n", in, te)
			if g.strict {
				return &exitError{ExitProblem, nil}
			}
			return nil
		}
		return &exitError{ExitError, fmt.Errorf("%s: %v", in, readErr)}
	}
	return nil
}

// frameComment returns what the pcapng opt_comment of a frame says: the input's comment, the process
// and the ETW metadata.
func frameComment(fr *capture.Frame) string {
	s := string(fr.Comment)
	add := func(t string) {
		if s != "" {
			s += "; "
		}
		s += t
	}
	if fr.Process != "" {
		add("process " + fr.Process + " (PID " + strconv.FormatUint(uint64(fr.ProcessID), 10) + ")")
	}
	if e := fr.Event; e != nil {
		add(fmt.Sprintf("ETW %s event %d", e.ProviderName, e.ID))
		if e.PktMon {
			add(fmt.Sprintf("pktmon PktGroupId %d, PktNumber %d, Appearance %d, Component %d, Edge %d, Filter %d",
				e.PktGroupID, e.PktNumber, e.Appearance, e.Component, e.Edge, e.Filter))
			if e.ComponentName != "" {
				s += " (" + e.ComponentName + ")"
			}
			if e.DropReason != 0 {
				add(fmt.Sprintf("dropped: reason %d, location %d", e.DropReason, e.DropLocation))
			}
		} else if e.Packet {
			add(fmt.Sprintf("MiniportIfIndex %d, LowerIfIndex %d", e.IfIndex, e.LowerIfIndex))
		}
	}
	return s
}

// pcapngWriter writes a little-endian pcapng section: interfaces are described when first used.
type pcapngWriter struct {
	w      io.Writer
	err    error
	ids    map[int]uint32 // input interface -> output interface id
	next   uint32
	scrat  []byte
	linkOf map[uint32]capture.LinkType
}

func newPcapngWriter(w io.Writer) *pcapngWriter {
	return &pcapngWriter{w: w, ids: map[int]uint32{}, linkOf: map[uint32]capture.LinkType{}}
}

// Block types and option codes of pcapng.
const (
	pngSHB          = 0x0A0D0D0A
	pngIDB          = 0x00000001
	pngEPB          = 0x00000006
	pngOptComment   = 1
	pngOptShbApp    = 4
	pngOptIfName    = 2
	pngOptIfDesc    = 3
	pngOptIfTsresol = 9
	pngOptEpbFlags  = 2
)

func (p *pcapngWriter) block(typ uint32, body []byte) {
	if p.err != nil {
		return
	}
	n := uint32(12 + len(body))
	b := p.scrat[:0]
	b = binary.LittleEndian.AppendUint32(b, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	b = binary.LittleEndian.AppendUint32(b, n)
	p.scrat = b
	_, p.err = p.w.Write(b)
}

func appendOpt(b []byte, code uint16, v []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func endOpts(b []byte) []byte { return append(b, 0, 0, 0, 0) }

func (p *pcapngWriter) section(comment string) {
	b := binary.LittleEndian.AppendUint32(nil, 0x1A2B3C4D)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint64(b, ^uint64(0)) // section length unknown
	b = appendOpt(b, pngOptComment, []byte(comment))
	b = appendOpt(b, pngOptShbApp, []byte("wirelens "+Version))
	p.block(pngSHB, endOpts(b))
}

// iface returns the output interface id for input interface i, writing its description block the
// first time. Frames of one input interface with another link type get an interface of their own.
func (p *pcapngWriter) iface(i int, ifaces []capture.Interface, lt capture.LinkType) uint32 {
	key := i<<32>>32 | int(lt)<<32
	if id, ok := p.ids[key]; ok {
		return id
	}
	var in capture.Interface
	if i >= 0 && i < len(ifaces) {
		in = ifaces[i]
	}
	b := binary.LittleEndian.AppendUint16(nil, uint16(lt))
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(in.SnapLen))
	if in.Name != "" {
		b = appendOpt(b, pngOptIfName, []byte(in.Name))
	}
	if in.Description != "" {
		b = appendOpt(b, pngOptIfDesc, []byte(in.Description))
	}
	b = appendOpt(b, pngOptIfTsresol, []byte{9}) // nanoseconds
	p.block(pngIDB, endOpts(b))
	id := p.next
	p.next++
	p.ids[key] = id
	p.linkOf[id] = lt
	return id
}

func (p *pcapngWriter) packet(id uint32, fr *capture.Frame, comment string) {
	b := binary.LittleEndian.AppendUint32(nil, id)
	ts := uint64(fr.TimeNS)
	b = binary.LittleEndian.AppendUint32(b, uint32(ts>>32))
	b = binary.LittleEndian.AppendUint32(b, uint32(ts))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(fr.Data)))
	b = binary.LittleEndian.AppendUint32(b, uint32(max(fr.OrigLen, len(fr.Data))))
	b = append(b, fr.Data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	if comment != "" {
		b = appendOpt(b, pngOptComment, []byte(comment))
	}
	if fr.Flags != 0 {
		b = appendOpt(b, pngOptEpbFlags, binary.LittleEndian.AppendUint32(nil, fr.Flags))
	}
	if comment != "" || fr.Flags != 0 {
		b = endOpts(b)
	}
	p.block(pngEPB, b)
}
