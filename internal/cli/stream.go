package cli

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/analysis"
	"github.com/wirelens/wirelens/reassembly"
)

type streamOpts struct {
	format string
	udp    bool
	all    bool
	outDir string
}

func streamCmd(g *globals) *cobra.Command {
	o := &streamOpts{}
	c := &cobra.Command{
		Use:   "stream FILE N",
		Short: "Follow a TCP (or UDP) stream: the bytes each side sent, reassembled",
		Long: "Follow TCP stream N (its tcp.stream number) like Wireshark's Follow TCP Stream: the data of both\n" +
			"directions reassembled in sequence order (retransmissions and overlaps dropped, the first copy winning;\n" +
			"out-of-order segments put in place), printed in the order it becomes available, each chunk marked with\n" +
			"its direction (the client is the sender of the first SYN, else the first sender; its chunks are not\n" +
			"indented, the server's are). Bytes missing from the capture are shown as \"[N bytes missing in capture]\",\n" +
			"never glued over. --udp follows UDP stream N (datagrams, no reassembly).\n\n" +
			"Formats: ascii (non-printable bytes as '.'), hex (offsets per direction), raw (the bytes only; gaps\n" +
			"reported on stderr), json (chunks {dir, frame, offset, data (base64)} and gaps {dir, frame, offset, gap}).\n\n" +
			"--all -o DIR writes every TCP stream (UDP with --udp) of the trace in one pass, one file per stream and\n" +
			"direction (DIR/tcp-0-client.bin, DIR/tcp-0-server.bin, …), and lists the gaps in DIR/gaps.txt.",
		Example: "  wirelens stream trace.pcap 3\n" +
			"  wirelens stream trace.pcap 3 --format hex\n" +
			"  wirelens stream trace.pcap 0 --udp\n" +
			"  wirelens stream trace.pcap --all -o streams/",
		Args: func(cmd *cobra.Command, args []string) error {
			if o.all {
				return cobra.ExactArgs(1)(cmd, args)
			}
			return cobra.ExactArgs(2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.all {
				return runStreamAll(g, o, args[0])
			}
			n, err := strconv.ParseUint(args[1], 10, 32)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("stream number %q: want a number from 0", args[1])}
			}
			return runStream(g, o, args[0], uint32(n))
		},
	}
	c.Flags().StringVar(&o.format, "format", "ascii", "output format: ascii, hex, raw or json")
	c.Flags().BoolVar(&o.udp, "udp", false, "follow a UDP stream (udp.stream) instead of a TCP stream")
	c.Flags().BoolVar(&o.all, "all", false, "write every stream of the trace to files in the -o directory")
	c.Flags().StringVarP(&o.outDir, "output", "o", "", "directory for --all")
	return c
}

// follower follows one stream for the command, counting the bytes written each way (the offsets its
// output shows).
type follower struct {
	*analysis.Follower
	offset [2]int64 // bytes (data and gaps) output per direction
}

func newFollower(udp bool, sinks reassembly.Sinks, budget *reassembly.Budget) *follower {
	return &follower{Follower: analysis.NewFollower(udp, sinks, budget)}
}

var dirNames = [2]string{"client", "server"}

func runStream(g *globals, o *streamOpts, path string, n uint32) error {
	switch o.format {
	case "ascii", "hex", "raw", "json":
	default:
		return &exitError{ExitError, fmt.Errorf("unknown --format %q: use ascii, hex, raw or json", o.format)}
	}
	if o.outDir != "" {
		return &exitError{ExitError, fmt.Errorf("-o is only for --all")}
	}
	t, err := openTrace(path)
	if err != nil {
		return err
	}
	defer t.Close()
	proto := "tcp"
	if o.udp {
		proto = "udp"
	}
	w := bufio.NewWriterSize(g.stdout, 1<<16)
	out := &followPrinter{w: w, format: o.format, proto: proto, stream: n, stderr: g.stderr}
	f := newFollower(o.udp, reassembly.Sinks{Data: out.data, Gap: out.gap, Event: out.event}, nil)
	out.f = f
	var readErr error
	for {
		p, err := t.Next()
		if err != nil {
			readErr = err
			break
		}
		analysis.EachStreamSegment(p, o.udp, func(s *analysis.StreamSegment) bool {
			if s.Stream == n {
				f.Add(uint32(p.Num), s)
			}
			return true
		})
	}
	f.Close()
	if !f.Seen {
		w.Flush()
		if readErr != nil && readErr != io.EOF {
			return g.finish(t, path, readErr)
		}
		return &exitError{ExitError, fmt.Errorf("%s: no %s stream %d", path, proto, n)}
	}
	out.end()
	if err := w.Flush(); err != nil {
		return &exitError{ExitError, err}
	}
	return g.finish(t, path, readErr)
}

// followPrinter writes the chunks of one followed stream in one of the formats.
type followPrinter struct {
	w       *bufio.Writer
	stderr  io.Writer
	format  string
	proto   string
	stream  uint32
	f       *follower
	started bool
	nchunk  int
	line    []byte
}

func (o *followPrinter) begin() {
	if o.started {
		return
	}
	o.started = true
	switch o.format {
	case "ascii", "hex":
		fmt.Fprintf(o.w, "\n===================================================================\n"+
			"Follow: %s,%s\nFilter: %s.stream eq %d\nNode 0: %s\nNode 1: %s\n",
			o.proto, o.format, o.proto, o.stream, o.f.Client, o.f.Server)
	case "json":
		fmt.Fprintf(o.w, "{\"proto\":%q,\"stream\":%d,\"client\":%q,\"server\":%q,\"chunks\":[",
			o.proto, o.stream, o.f.Client.String(), o.f.Server.String())
	}
}

func (o *followPrinter) end() {
	o.begin()
	switch o.format {
	case "ascii", "hex":
		o.w.WriteString("===================================================================\n")
	case "json":
		o.w.WriteString("\n]}\n")
	}
}

func (o *followPrinter) jsonHead(dir int, frame uint32) {
	if o.nchunk > 0 {
		o.w.WriteByte(',')
	}
	fmt.Fprintf(o.w, "\n{\"dir\":%q,\"frame\":%d,\"offset\":%d,", dirNames[dir], frame, o.f.offset[dir])
}

func (o *followPrinter) data(dir int, frame uint32, data []byte) {
	o.begin()
	switch o.format {
	case "ascii":
		if dir == 1 {
			o.w.WriteByte('\t')
		}
		o.line = strconv.AppendInt(o.line[:0], int64(len(data)), 10)
		o.line = append(o.line, '\n')
		o.line = appendFollowASCII(o.line, data)
		o.line = append(o.line, '\n')
		o.w.Write(o.line)
	case "hex":
		o.line = appendFollowHex(o.line[:0], data, o.f.offset[dir], dir == 1)
		o.w.Write(o.line)
	case "raw":
		o.w.Write(data)
	case "json":
		o.jsonHead(dir, frame)
		o.w.WriteString("\"data\":\"")
		o.line = base64.StdEncoding.AppendEncode(o.line[:0], data)
		o.w.Write(o.line)
		o.w.WriteString("\"}")
	}
	o.nchunk++
	o.f.offset[dir] += int64(len(data))
}

func (o *followPrinter) gap(dir int, frame uint32, seq uint32, missing int) {
	o.begin()
	switch o.format {
	case "ascii":
		// As tshark prints it: a chunk holding the marker and its terminating NUL.
		if dir == 1 {
			o.w.WriteByte('\t')
		}
		msg := fmt.Sprintf("[%d bytes missing in capture file].", missing)
		fmt.Fprintf(o.w, "%d\n%s\n", len(msg), msg)
	case "hex":
		if dir == 1 {
			o.w.WriteByte('\t')
		}
		fmt.Fprintf(o.w, "[%d bytes missing in capture file]\n", missing)
	case "raw":
		fmt.Fprintf(o.stderr, "wirelens: %s stream %d: %d bytes missing in capture (%s, offset %d, frame %d)\n",
			o.proto, o.stream, missing, dirNames[dir], o.f.offset[dir], frame)
	case "json":
		o.jsonHead(dir, frame)
		fmt.Fprintf(o.w, "\"gap\":%d}", missing)
	}
	o.nchunk++
	o.f.offset[dir] += int64(missing)
}

func (o *followPrinter) event(dir int, frame uint32, kind reassembly.EventKind) {
	fmt.Fprintf(o.stderr, "wirelens: warning: %s stream %d (%s) at frame %d: %v; the data waited for is reported as missing\n",
		o.proto, o.stream, dirNames[dir], frame, kind)
}

// appendFollowASCII appends data with every byte that is not printable ASCII, CR or LF replaced by '.',
// as tshark's Follow ascii output does.
func appendFollowASCII(dst, data []byte) []byte {
	for _, c := range data {
		if (c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' {
			c = '.'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendFollowHex appends data as tshark's Follow hex dump: 16 bytes a line, the offset within the
// direction, the bytes in two groups of eight and the printable characters; server lines are indented.
func appendFollowHex(dst, data []byte, off int64, indent bool) []byte {
	const hexd, hexu = "0123456789abcdef", "0123456789ABCDEF"
	for i := 0; i < len(data); i += 16 {
		row := data[i:min(i+16, len(data))]
		if indent {
			dst = append(dst, '\t')
		}
		o := off + int64(i)
		for s := 28; s >= 0; s -= 4 {
			dst = append(dst, hexu[(o>>s)&0xf])
		}
		dst = append(dst, ' ', ' ')
		for j := 0; j < 16; j++ {
			if j < len(row) {
				dst = append(dst, hexd[row[j]>>4], hexd[row[j]&0xf], ' ')
			} else {
				dst = append(dst, ' ', ' ', ' ')
			}
			if j == 7 {
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, ' ')
		for j, c := range row {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			dst = append(dst, c)
			if j == 7 {
				dst = append(dst, ' ')
			}
		}
		if dst[len(dst)-1] == ' ' { // as tshark, which drops one trailing space
			dst = dst[:len(dst)-1]
		}
		dst = append(dst, '\n')
	}
	return dst
}

// streamFiles writes the two directions of many streams to files, keeping at most max of them open.
type streamFiles struct {
	dir     string
	max     int
	open    map[string]*openFile
	created map[string]bool
	tick    int
	err     error
}

type openFile struct {
	f    *os.File
	w    *bufio.Writer
	used int
}

func (s *streamFiles) write(name string, data []byte) {
	if s.err != nil {
		return
	}
	of := s.open[name]
	if of == nil {
		if len(s.open) >= s.max {
			s.evict()
		}
		flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
		if !s.created[name] {
			flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(filepath.Join(s.dir, name), flags, 0o644)
		if err != nil {
			s.err = err
			return
		}
		s.created[name] = true
		of = &openFile{f: f, w: bufio.NewWriterSize(f, 32<<10)}
		s.open[name] = of
	}
	s.tick++
	of.used = s.tick
	if _, err := of.w.Write(data); err != nil {
		s.err = err
	}
}

// evict closes the least recently used file.
func (s *streamFiles) evict() {
	var lru string
	best := -1
	for name, of := range s.open {
		if best < 0 || of.used < best {
			lru, best = name, of.used
		}
	}
	s.closeFile(lru)
}

func (s *streamFiles) closeFile(name string) {
	of := s.open[name]
	delete(s.open, name)
	if err := of.w.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if err := of.f.Close(); err != nil && s.err == nil {
		s.err = err
	}
}

func (s *streamFiles) closeAll() error {
	for name := range s.open {
		s.closeFile(name)
	}
	return s.err
}

// maxOpenStreamFiles bounds the files --all keeps open at once.
const maxOpenStreamFiles = 64

func runStreamAll(g *globals, o *streamOpts, path string) error {
	if o.outDir == "" {
		return &exitError{ExitError, fmt.Errorf("--all needs -o DIR")}
	}
	if o.format != "ascii" && o.format != "raw" {
		return &exitError{ExitError, fmt.Errorf("--all writes the raw bytes; --format is not used with it")}
	}
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return &exitError{ExitError, err}
	}
	t, err := openTrace(path)
	if err != nil {
		return err
	}
	defer t.Close()
	proto := "tcp"
	if o.udp {
		proto = "udp"
	}
	files := &streamFiles{dir: o.outDir, max: maxOpenStreamFiles, open: map[string]*openFile{}, created: map[string]bool{}}
	gapFile, err := os.Create(filepath.Join(o.outDir, "gaps.txt"))
	if err != nil {
		return &exitError{ExitError, err}
	}
	defer gapFile.Close()
	gaps := bufio.NewWriter(gapFile)
	budget := &reassembly.Budget{}
	// followers[i] is nil once stream i is over (both FINs reached), so that a long trace does not keep
	// every stream it has seen.
	var followers []*follower
	var ngaps, nstreams int
	fileName := func(id, dir int) string { return fmt.Sprintf("%s-%d-%s.bin", proto, id, dirNames[dir]) }
	var readErr error
	for {
		p, err := t.Next()
		if err != nil {
			readErr = err
			break
		}
		analysis.EachStreamSegment(p, o.udp, func(s *analysis.StreamSegment) bool {
			for uint32(nstreams) <= s.Stream {
				id := nstreams
				nstreams++
				var f *follower
				f = newFollower(o.udp, reassembly.Sinks{
					Data: func(dir int, frame uint32, data []byte) {
						files.write(fileName(id, dir), data)
						f.offset[dir] += int64(len(data))
					},
					Gap: func(dir int, frame uint32, seq uint32, missing int) {
						ngaps++
						fmt.Fprintf(gaps, "%s: %d bytes missing in capture at offset %d (frame %d)\n", fileName(id, dir), missing, f.offset[dir], frame)
						f.offset[dir] += int64(missing)
					},
					Event: func(dir int, frame uint32, kind reassembly.EventKind) {
						fmt.Fprintf(g.stderr, "wirelens: warning: %s stream %d (%s) at frame %d: %v; the data waited for is reported as missing\n",
							proto, id, dirNames[dir], frame, kind)
					},
				}, budget)
				followers = append(followers, f)
			}
			f := followers[s.Stream]
			if f == nil {
				return true
			}
			f.Add(uint32(p.Num), s)
			if f.Finished() {
				f.Close()
				followers[s.Stream] = nil
			}
			return true
		})
	}
	for _, f := range followers {
		if f != nil {
			f.Close()
		}
	}
	nfiles := len(files.created)
	if err := files.closeAll(); err != nil {
		return &exitError{ExitError, err}
	}
	if err := gaps.Flush(); err != nil {
		return &exitError{ExitError, err}
	}
	fmt.Fprintf(g.stdout, "%d %s streams, %d files written to %s, %d gaps (listed in %s)\n",
		nstreams, proto, nfiles, o.outDir, ngaps, filepath.Join(o.outDir, "gaps.txt"))
	return g.finish(t, path, readErr)
}
