// Package corpus lists the captures that corpus-wide tests read: the project's testdata and, where it is,
// the shared corpus beside the repository.
package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Files returns every file under testdata and shared, but notes and golden files (.md, .txt, .json,
// .golden). Without shared, it says so in the test's log and lists testdata only.
func Files(t testing.TB, testdata, shared string) []string {
	var files []string
	for _, dir := range []string{testdata, shared} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".txt") && !strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".golden") {
				files = append(files, p)
			}
			return nil
		})
	}
	if _, err := os.Stat(shared); err != nil {
		t.Logf("the shared capture corpus is not at %s: only %s is read", shared, testdata)
	}
	return files
}
