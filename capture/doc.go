// Package capture reads packet capture files: pcap (libpcap's format, with
// micro- or nanosecond time stamps, in either byte order, and the old
// "modified" variants) and pcapng (any number of sections, in either byte
// order, and interfaces with their own link types and time stamp
// resolutions), either of them possibly gzip-compressed. The format is
// recognised by the magic number at the start of the data, never by a file
// name.
//
// # Reading
//
// NewReader (or Open, for a named file or "-" for standard input) returns a
// Reader, and Reader.Next fills a caller-owned Frame with the next packet:
//
//	f, err := capture.Open(path)
//	if err != nil {
//		return err // *capture.NotCaptureError for something that is no capture
//	}
//	defer f.Close()
//	var fr capture.Frame
//	for {
//		err := f.Next(&fr)
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			return err // *capture.TruncatedError for a cut or corrupt file
//		}
//		use(fr.Data, fr.TimeNS, fr.LinkType)
//	}
//
// Next returns every complete frame before it reports a problem, so a
// truncated file yields all the frames it holds and then a *TruncatedError
// that says where the damage is.
//
// In pcapng, the frames are the packet blocks (Enhanced, Simple and the
// obsolete Packet Block). Name resolution, interface statistics, decryption
// secrets, custom blocks and blocks of unknown types are skipped by their
// length (tshark 4.0 shows custom and systemd journal blocks as frames too).
//
// # Ownership of returned bytes
//
// The reader is zero-copy: Frame.Data and Frame.Comment are sub-slices of the
// Reader's internal buffer. They are borrowed, valid only until the next call
// to Next (which may overwrite or move the buffer), and must not be modified.
// A caller that keeps a frame beyond that copies the bytes it needs, for
// example with bytes.Clone(f.Data). The slices are capped at their length, so
// appending to them copies instead of clobbering the buffer.
//
// The strings and slices returned by Interfaces and Comments, and the fields
// of Interface, are not borrowed: they stay valid, but the caller must not
// modify the slices.
//
// # Robustness
//
// Any input is safe: length fields are checked against fixed caps before use
// (a record's captured length against the largest that Wireshark accepts for
// its link type, 262144 bytes for most), and the buffer grows only as data
// actually arrives, so a lying length costs neither memory nor time. The
// reader does not panic, and it stops with an error rather than guess when a
// record is corrupt.
package capture
