package analysis

import "os"

// spillFile is a temporary file that memory is written out to (the store's chunks of records, the stream
// index's pages): made on the first write, removed at once where the system allows it (otherwise when it
// is closed). Once a write fails it stays failed, and what was to be written stays in memory.
type spillFile struct {
	f      *os.File
	failed bool
}

// writeAt writes b at off, making the file first if need be; false if the file could not be made or
// written (now or before).
func (s *spillFile) writeAt(b []byte, off int64) bool {
	if s.failed {
		return false
	}
	if s.f == nil {
		f, err := os.CreateTemp("", "wirelens-spill-*")
		if err != nil {
			s.failed = true
			return false
		}
		s.f = f
		os.Remove(f.Name()) // where the system allows it, the file goes when it is closed
	}
	if _, err := s.f.WriteAt(b, off); err != nil {
		s.failed = true
		return false
	}
	return true
}

// readAt reads len(b) bytes written before at off. Several goroutines may read at once.
func (s *spillFile) readAt(b []byte, off int64) error {
	_, err := s.f.ReadAt(b, off)
	return err
}

// close closes and removes the file.
func (s *spillFile) close() {
	if s.f != nil {
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
		s.f = nil
	}
}
