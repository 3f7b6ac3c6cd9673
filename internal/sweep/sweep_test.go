// Package sweep runs every file of the shared capture corpus through what "wirelens list" and
// "wirelens show all" do — decoding, the message-list columns, every registered field and the details tree
// of every frame — and checks that nothing panics, no file takes too long and memory stays bounded.
// The tcpdump crash-regression files (*oobr*, *heapoverflow*, *asan*, …) are the point.
package sweep

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/wirelens/wirelens/capture"
	"github.com/wirelens/wirelens/engine"
	"github.com/wirelens/wirelens/field"
)

const (
	corpusDir   = "../../../shared/captures"
	perFileTime = 60 * time.Second
	maxHeap     = 512 << 20
	// allFieldsFrames bounds how many frames of each file get every registered field extracted (the
	// expensive part); every frame still gets the list columns and the details tree.
	allFieldsFrames = 5000
)

func TestCorpusSweep(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("the shared capture corpus is not at %s: %v", corpusDir, err)
	}
	var files []string
	filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			switch filepath.Ext(path) {
			case ".txt", ".md", "":
				return nil
			}
			files = append(files, path)
		}
		return nil
	})
	fields := field.All("")
	var read, notCapture, truncated, frames int
	var peak uint64
	for _, path := range files {
		rel, _ := filepath.Rel(corpusDir, path)
		done := make(chan result, 1)
		start := time.Now()
		go func() { done <- sweepFile(path, fields) }()
		var r result
		select {
		case r = <-done:
		case <-time.After(perFileTime):
			t.Fatalf("%s: still running after %v", rel, perFileTime)
		}
		if r.panic != nil {
			t.Errorf("%s: panic at frame %d: %v\n%s", rel, r.frames+1, r.panic, r.stack)
			continue
		}
		if d := time.Since(start); d > perFileTime/2 {
			t.Logf("%s: slow: %v", rel, d)
		}
		var nc *capture.NotCaptureError
		switch {
		case errors.As(r.err, &nc):
			notCapture++
		case r.err != nil:
			t.Logf("%s: %v", rel, r.err)
		default:
			read++
		}
		if r.truncated {
			truncated++
		}
		frames += r.frames
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		if ms.HeapInuse > maxHeap {
			t.Errorf("%s: heap in use %d MiB after the file", rel, ms.HeapInuse>>20)
		}
	}
	t.Logf("%d files: %d read (%d truncated), %d not captures; %d frames decoded, listed and shown; peak heap in use %d MiB",
		len(files), read, truncated, notCapture, frames, peak>>20)
}

type result struct {
	frames    int
	err       error
	truncated bool
	panic     any
	stack     []byte
}

func sweepFile(path string, fields []*field.Info) (r result) {
	defer func() {
		if x := recover(); x != nil {
			r.panic = x
			r.stack = debug.Stack()
		}
	}()
	tr, err := engine.Open(path)
	if err != nil {
		r.err = err
		return r
	}
	defer tr.Close()
	var buf []byte
	for {
		p, err := tr.Next()
		if err != nil {
			if err != io.EOF {
				r.err = fmt.Errorf("after %d frames: %w", r.frames, err)
			}
			break
		}
		buf = p.AppendSource(buf[:0])
		buf = p.AppendDestination(buf)
		buf = append(buf, p.Protocol()...)
		buf = p.AppendSummary(buf)
		if r.frames < allFieldsFrames {
			for _, in := range fields {
				buf = p.AppendField(buf[:0], in.ID, ',')
			}
		}
		_ = p.Tree()
		r.frames++
	}
	r.truncated = tr.Truncated != nil
	return r
}
