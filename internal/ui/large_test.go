package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLargeTrace measures the workspace on a big capture: time to the first rows, time to apply
// tcp.analysis.flags, and the latency of jumps in the message list. It runs only when UI_BENCH_FILE names
// a capture (not in CI); the figures are logged and written to $UI_ARTIFACTS/large-trace.txt.
func TestBrowserLargeTrace(t *testing.T) {
	file := os.Getenv("UI_BENCH_FILE")
	if file == "" {
		t.Skip("set UI_BENCH_FILE to a large capture to measure the workspace")
	}
	chromium(t)
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 10*time.Minute)
	var report strings.Builder
	logf := func(format string, args ...any) {
		t.Logf(format, args...)
		fmt.Fprintf(&report, format+"\n", args...)
	}
	logf("file %s: %d bytes", file, st.Size())

	start := time.Now()
	srv, url := workspace(t, file)
	b.run(chromedp.Navigate(url))
	b.wait(`document.querySelectorAll('#list-rows .row[data-n]').length > 0`)
	logf("first rows on screen: %v after opening (page load included)", time.Since(start).Round(time.Millisecond))
	if !srv.WaitIndexed(1, 10*time.Minute) {
		t.Fatal("not indexed in 10 minutes")
	}
	indexed := time.Since(start)
	b.wait(`!document.querySelector('#list-count').textContent.includes('indexing')`)
	frames := eval[string](b, `document.querySelector('#list-count').textContent`)
	logf("index complete: %v (%s)", indexed.Round(time.Millisecond), frames)
	logf("process peak RSS after indexing: %s", peakRSS())

	jumps := func(label string) {
		ms := eval[[]float64](b, `(async () => {
			const sc = document.getElementById('list-scroll');
			const out = [];
			let seed = 12345;
			const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
			for (let k = 0; k < 25; k++) {
				const t0 = performance.now();
				sc.scrollTop = rnd() * (sc.scrollHeight - sc.clientHeight);
				sc.dispatchEvent(new Event('scroll'));
				await new Promise(res => { const f = () => { const rows = document.querySelectorAll('#list-rows .row');
					if (rows.length && !document.querySelector('#list-rows .row.loading')) res(); else requestAnimationFrame(f); }; requestAnimationFrame(f); });
				out.push(performance.now() - t0);
			}
			return out; })()`, chromedp.EvalAwaitPromise)
		if len(ms) == 0 {
			t.Fatalf("no scroll figures")
		}
		sorted := append([]float64(nil), ms...)
		for i := range sorted {
			for j := i + 1; j < len(sorted); j++ {
				if sorted[j] < sorted[i] {
					sorted[i], sorted[j] = sorted[j], sorted[i]
				}
			}
		}
		logf("%s: 25 random jumps, rows drawn after median %.1f ms, max %.1f ms (in order: %.0f)", label, sorted[len(sorted)/2], sorted[len(sorted)-1], ms)
	}
	jumps("scroll, all frames")

	t0 := time.Now()
	b.run(chromedp.SendKeys(chromedp.ID("filter"), "tcp.analysis.flags\r"))
	b.wait(`S.filter === 'tcp.analysis.flags' && S.total > 0 && document.querySelectorAll('#list-rows .row[data-n]').length > 0`)
	first := time.Since(t0)
	b.wait(`!document.querySelector('#list-count').textContent.includes('filtering')`)
	all := time.Since(t0)
	logf("filter tcp.analysis.flags: first rows %v, complete %v (%s)", first.Round(time.Millisecond), all.Round(time.Millisecond),
		eval[string](b, `document.querySelector('#list-count').textContent`))
	jumps("scroll, tcp.analysis.flags")
	b.shot("large-trace")
	logf("process peak RSS: %s", peakRSS())
	os.WriteFile(filepath.Join(artifacts(t), "large-trace.txt"), []byte(report.String()), 0o644)
}

func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}
