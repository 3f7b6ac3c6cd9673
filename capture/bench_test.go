package capture

import (
	"io"
	"testing"
)

// cycleReader serves head once, then body over and over: an endless capture.
type cycleReader struct {
	head, body []byte
	hpos, pos  int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if c.hpos < len(c.head) {
			k := copy(p[n:], c.head[c.hpos:])
			c.hpos += k
			n += k
			continue
		}
		k := copy(p[n:], c.body[c.pos:])
		c.pos = (c.pos + k) % len(c.body)
		n += k
	}
	return n, nil
}

// benchFrames returns 1000 frame payloads of varied, realistic sizes.
func benchFrames() [][]byte {
	sizes := []int{60, 1514, 66, 590, 1514, 54, 1024, 78, 1514, 342}
	var out [][]byte
	for i := range 1000 {
		out = append(out, pkt(sizes[i%len(sizes)], byte(i)))
	}
	return out
}

func benchRead(b *testing.B, head, body []byte, frames int) {
	r, err := NewReader(&cycleReader{head: head, body: body})
	if err != nil {
		b.Fatal(err)
	}
	var f Frame
	b.SetBytes(int64(len(body) / frames))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := r.Next(&f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReaderPcap reads pcap frames; one op is one frame.
func BenchmarkReaderPcap(b *testing.B) {
	var recs []pcapRec
	for i, d := range benchFrames() {
		recs = append(recs, pcapRec{sec: uint32(i), frac: uint32(i), data: d})
	}
	file := pcapFile(false, magicPcapUS, 2, 262144, 1, recs...)
	benchRead(b, file[:24], file[24:], len(recs))
}

// BenchmarkReaderPcapNG reads pcapng Enhanced Packet Blocks, with a flags
// option on every tenth and a comment on every hundredth; one op is one frame.
func BenchmarkReaderPcapNG(b *testing.B) {
	n := (&ng{}).shb(false).idb(LinkTypeEthernet, 262144, opt{optIfTsResol, []byte{9}})
	head := len(n.buf)
	frames := benchFrames()
	for i, d := range frames {
		var os []opt
		if i%10 == 0 {
			os = append(os, opt{optEPBFlags, n.u32s(1)})
		}
		if i%100 == 0 {
			os = append(os, opt{optComment, []byte("a comment")})
		}
		n.epb(0, uint64(i)*1e9, d, uint32(len(d)), os...)
	}
	benchRead(b, n.buf[:head], n.buf[head:], len(frames))
}

// BenchmarkReaderPcapGzip reads a gzip-compressed pcap; one op is one frame.
func BenchmarkReaderPcapGzip(b *testing.B) {
	var recs []pcapRec
	for i, d := range benchFrames() {
		recs = append(recs, pcapRec{sec: uint32(i), data: d})
	}
	file := gz(pcapFile(false, magicPcapUS, 2, 262144, 1, recs...))
	var f Frame
	b.ReportAllocs()
	b.ResetTimer()
	var r *Reader
	var br bytesReader
	for i := 0; i < b.N; i++ {
		if r == nil {
			br.reset(file)
			var err error
			if r, err = NewReader(&br); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.Next(&f); err == io.EOF {
			r = nil
			i--
		} else if err != nil {
			b.Fatal(err)
		}
	}
}

// bytesReader is a resettable reader of a byte slice.
type bytesReader struct{ b []byte }

func (r *bytesReader) reset(b []byte) { r.b = b }

func (r *bytesReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
