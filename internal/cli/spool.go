package cli

import (
	"bufio"
	"io"
	"os"
)

// spool holds what is written to it until it is copied out: its first spoolMem bytes in memory, the rest
// in a temporary file (deleted when the spool is closed, or at once where the system allows). diagnose
// writes each finding into the spool of its rank as it is made and copies the spools out worst first,
// so that its memory stays the same however many findings a long trace has (10,974 on the 8 GB benchmark
// capture: 3.5 MB of report). Without a file (it could not be made or written), the spool keeps
// everything in memory.
type spool struct {
	mem  []byte
	file *os.File
	w    *bufio.Writer
	err  bool // the file failed: what follows stays in memory
}

// spoolMem is the bytes a spool keeps in memory before it writes to a file.
const spoolMem = 64 << 10

// Write appends b to the spool. It never fails: a file that fails leaves the rest in memory. The first
// write always stays in memory, however long.
func (s *spool) Write(b []byte) (int, error) {
	if s.w == nil && (len(s.mem)+len(b) <= spoolMem || len(s.mem) == 0 || s.err) {
		s.mem = append(s.mem, b...)
		return len(b), nil
	}
	if s.w == nil {
		f, err := os.CreateTemp("", "wirelens-report-*")
		if err != nil {
			s.err = true
			return s.Write(b)
		}
		os.Remove(f.Name()) // where the system allows it, the file goes when it is closed
		s.file, s.w = f, bufio.NewWriterSize(f, 32<<10)
	}
	s.w.Write(b) // an error shows in Flush (copyTo)
	return len(b), nil
}

// copyTo writes what the spool holds to w, in the order it was written, less its first skip bytes
// (at most what the first write put in).
func (s *spool) copyTo(w io.Writer, skip int) error {
	if _, err := w.Write(s.mem[min(skip, len(s.mem)):]); err != nil {
		return err
	}
	if s.w == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

// close lets go of the spool's file.
func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}
