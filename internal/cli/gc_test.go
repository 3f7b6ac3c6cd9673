package cli

import (
	"runtime/debug"
	"testing"
)

// TestSetGCPercent checks the collector's settings: the target percent, and a ballast of
// minGCHeadroom×100/percent bytes (16 MiB at 25 %), kept when a later call asks for less; and nothing at
// all when GOGC says otherwise.
func TestSetGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	oldBallast := gcBallast
	t.Cleanup(func() {
		debug.SetGCPercent(old)
		gcBallast = oldBallast
	})
	gcBallast = nil
	t.Setenv("GOGC", "")
	SetGCPercent(50)
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("percent %d after SetGCPercent(50)", got)
	}
	if len(gcBallast) != 8<<20 {
		t.Errorf("ballast of %d bytes at 50 %%, want 8 MiB", len(gcBallast))
	}
	SetGCPercent(25)
	if got := debug.SetGCPercent(25); got != 25 || len(gcBallast) != 16<<20 {
		t.Errorf("percent %d, ballast %d bytes after SetGCPercent(25), want 25 and 16 MiB", got, len(gcBallast))
	}
	SetGCPercent(50)
	if len(gcBallast) != 16<<20 {
		t.Errorf("ballast of %d bytes after asking for less, want 16 MiB kept", len(gcBallast))
	}

	gcBallast = nil
	debug.SetGCPercent(100)
	t.Setenv("GOGC", "200")
	SetGCPercent(25)
	if got := debug.SetGCPercent(100); got != 100 || gcBallast != nil {
		t.Errorf("with GOGC set: percent %d, ballast %d bytes; want both untouched", got, len(gcBallast))
	}
}
