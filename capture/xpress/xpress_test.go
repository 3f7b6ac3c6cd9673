package xpress

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The examples of [MS-XCA] section 3.1 and hand-made streams for each length encoding.
func TestDecompress(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		maxOut int
		want   string
		err    bool
	}{
		{"MS-XCA 3.1 literals", "3f 00 00 00 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79 7a",
			1 << 20, "abcdefghijklmnopqrstuvwxyz", false},
		{"MS-XCA 3.1 long match", "ff ff ff 1f 61 62 63 17 00 0f ff 26 01", 1 << 20, strings.Repeat("abc", 100), false},
		// "ab", then a match of distance 2, length 3+2: flags 0b001 then ones.
		{"short match", "ff ff ff 3f 61 62 0a 00", 100, "ababab" + "a", false},
		// two matches of length 7+3+x sharing one half byte: 0x21 → 1 then 2.
		{"shared half byte", "ff ff ff 7f 78 07 00 21 07 00", 100, strings.Repeat("x", 1+11+12), false},
		// length byte 15 → 15+byte: distance 1, 3+7+15+5.
		{"length byte", "ff ff ff 7f 79 07 00 0f 05", 100, strings.Repeat("y", 1+30), false},
		// 32-bit length: 255, 0x0000, then 40 → 40-22+15+7+3 = 43.
		{"32-bit length", "ff ff ff 7f 7a 07 00 0f ff 00 00 28 00 00 00", 100, strings.Repeat("z", 1+43), false},
		{"empty", "", 10, "", false},
		{"distance before start", "ff ff ff 7f 61 08 00", 100, "a", true},
		{"flag word cut", "ff ff", 100, "", true},
		{"match cut", "ff ff ff 7f 61 07", 100, "a", true},
		{"length cut", "ff ff ff 7f 61 07 00", 100, "a", true},
		{"output cap", "ff ff ff 1f 61 62 63 17 00 0f ff 26 01", 100, "abc", true},
		{"bad 16-bit length", "ff ff ff 7f 61 07 00 0f ff 05 00", 100, "a", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decompress(nil, unhex(t, tt.in), tt.maxOut)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %v does not wrap ErrCorrupt", err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q (%d bytes), want %q (%d bytes)", got, len(got), tt.want, len(tt.want))
			}
		})
	}
}

func TestDecompressAppends(t *testing.T) {
	in := unhex(t, "ff ff ff 1f 61 62 63 17 00 0f ff 26 01")
	got, err := Decompress([]byte("prefix"), in, 300)
	if err != nil || !bytes.Equal(got, append([]byte("prefix"), strings.Repeat("abc", 100)...)) {
		t.Fatalf("got %q, %v", got, err)
	}
}

func FuzzDecompress(f *testing.F) {
	f.Add(unhex(f, "3f 00 00 00 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79 7a"))
	f.Add(unhex(f, "ff ff ff 1f 61 62 63 17 00 0f ff 26 01"))
	f.Add(unhex(f, "ff ff ff 7f 7a 07 00 0f ff 00 00 28 00 00 00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		const maxOut = 1 << 16
		out, err := Decompress(nil, in, maxOut)
		if len(out) > maxOut {
			t.Fatalf("%d bytes out, cap %d", len(out), maxOut)
		}
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
	})
}
