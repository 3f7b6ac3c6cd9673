package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/wirelens/wirelens/internal/cli"
	"github.com/wirelens/wirelens/internal/netlab"
	"github.com/wirelens/wirelens/internal/ui"
)

// The browser tests drive the workspace in a real headless Chromium (Debian's chromium package) with
// chromedp. Where no Chromium is installed they skip, unless UI_REQUIRE=1 makes that a failure (as
// .ci/run does). Screenshots go to $UI_ARTIFACTS (default: a wirelens-ui-artifacts directory in the
// system's temporary directory).

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("UI_REQUIRE") == "1" {
		t.Fatal("no chromium found and UI_REQUIRE=1: apt-get install -y chromium")
	}
	t.Skip("no chromium installed (apt-get install -y chromium); browser tests skipped")
	return ""
}

func artifacts(t *testing.T) string {
	dir := os.Getenv("UI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "wirelens-ui-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// workspace serves the given traces and returns the URL with the token.
func workspace(t *testing.T, files ...string) (*ui.Server, string) {
	t.Helper()
	s, err := ui.New(ui.Options{MaxUpload: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := s.Open(f); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, hs.URL + "/?token=" + s.Token()
}

// browser is a headless Chromium tab that records JavaScript dialogs (an alert would mean a script
// from a packet ran).
type browser struct {
	ctx     context.Context
	dialogs atomic.Int32
	t       *testing.T
}

func newBrowser(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1600, 1000),
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel3)
	b := &browser{ctx: ctx, t: t}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for d, err := range dialogs {
			if err != nil {
				return
			}
			b.dialogs.Add(1)
			t.Errorf("a JavaScript dialog opened: %q", d.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.shot("failure-" + strings.ReplaceAll(b.t.Name(), "/", "-"))
		b.t.Fatal(err)
	}
}

// wait polls a JavaScript expression until it is truthy.
func (b *browser) wait(expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.shot("failure-" + strings.ReplaceAll(b.t.Name(), "/", "-"))
		b.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// eval evaluates a JavaScript expression and returns its value.
func eval[T any](b *browser, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.shot("failure-" + strings.ReplaceAll(b.t.Name(), "/", "-"))
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (b *browser) shot(name string) {
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifacts(b.t), name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Log(err)
		return
	}
	b.t.Logf("screenshot: %s", p)
}

// filter types a filter into the filter bar and applies it, then waits for the view to be complete.
func (b *browser) filter(text string) {
	b.t.Helper()
	b.clearFilter()
	b.run(chromedp.SendKeys(chromedp.ID("filter"), text+"\r"))
	b.wait(`!document.querySelector('#list-count').textContent.includes('filtering') && !document.querySelector('#list-count').textContent.includes('indexing')`)
	b.wait(`document.querySelectorAll('#list-rows .row.loading').length === 0`)
}

// clearFilter empties the filter bar's text (without applying it).
func (b *browser) clearFilter() {
	eval[any](b, `(() => { const i = document.getElementById('filter'); i.value = ''; i.dispatchEvent(new Event('input')); return true; })()`)
}

// shownFrames returns the frame numbers of the rows on screen.
func (b *browser) shownFrames() []int {
	return eval[[]int](b, `[...document.querySelectorAll('#list-rows .row[data-n]')].map(r => Number(r.dataset.n))`)
}

// cliFrames runs "wirelens list -2 FILE -f FILTER --format json" and returns the frame numbers.
func cliFrames(t *testing.T, file, filter string) []int {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main([]string{"list", "-2", file, "-f", filter, "--format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("list: exit %d: %s", code, errb.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("list json: %v", err)
	}
	var ns []int
	for _, r := range rows {
		n := 0
		fmt.Sscan(fmt.Sprint(r["number"]), &n)
		ns = append(ns, n)
	}
	return ns
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// openPage loads the workspace and waits for the first rows.
func (b *browser) openPage(url string) {
	b.run(chromedp.Navigate(url))
	b.wait(`document.querySelectorAll('#list-rows .row[data-n]').length > 0`)
}

// clickDiagnostic clicks the first frame link of the finding whose title contains title, and checks
// that the list lands on that frame and the details show it.
func (b *browser) clickDiagnostic(title string) int {
	b.t.Helper()
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=diag]`)))
	b.wait(fmt.Sprintf(`[...document.querySelectorAll('.finding h4')].some(h => h.textContent.includes(%q))`, title))
	frame := eval[int](b, fmt.Sprintf(`(() => { const f = [...document.querySelectorAll('.finding')].find(x => x.querySelector('h4').textContent.includes(%q));
		const a = f.querySelector('.frame-link'); a.click(); return Number(a.dataset.frame); })()`, title))
	b.wait(fmt.Sprintf(`(() => { const r = document.querySelector('#list-rows .row.sel'); return r && r.dataset.n === '%d'; })()`, frame))
	b.wait(fmt.Sprintf(`document.querySelector('#details-title').textContent === 'frame %d'`, frame))
	return frame
}

func TestBrowserUnanswered(t *testing.T) {
	chromium(t)
	netlab.SkipUnavailable(t)
	pcap := netlab.Unanswered(t)
	_, url := workspace(t, pcap)
	b := newBrowser(t, 3*time.Minute)
	b.openPage(url)
	frame := b.clickDiagnostic("never answered")
	// The first SYN carries the diagnostic only the whole trace gives, as "list -2" shows it.
	b.wait(fmt.Sprintf(`(() => { const r = document.querySelector('#list-rows .row[data-n="%d"]'); return r && r.textContent.includes('No acknowledgement received for this SYN'); })()`, frame))
	b.wait(`[...document.querySelectorAll('#tree .tline')].some(l => l.textContent.includes('No acknowledgement received for this SYN'))`)
	filter := "tcp.flags.syn == 1 && tcp.flags.ack == 0"
	b.filter(filter)
	if got, want := b.shownFrames(), cliFrames(t, pcap, filter); !sameInts(got, want) || len(got) != 3 {
		t.Errorf("filter %q: rows %v, wirelens list %v (want the SYN and its 2 retransmissions)", filter, got, want)
	}
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=conv]`)))
	b.wait(`[...document.querySelectorAll('#tab-conv td')].some(td => td.textContent === 'S0')`)
	b.shot("unanswered-syn")
}

func TestBrowserRefused(t *testing.T) {
	chromium(t)
	netlab.SkipUnavailable(t)
	pcap := netlab.Refused(t)
	_, url := workspace(t, pcap)
	b := newBrowser(t, 2*time.Minute)
	b.openPage(url)
	b.clickDiagnostic("refused")
	b.wait(`[...document.querySelectorAll('#list-rows .row')].some(r => r.textContent.includes('Connection refused'))`)
	filter := "tcp.flags.reset == 1"
	b.filter(filter)
	if got, want := b.shownFrames(), cliFrames(t, pcap, filter); !sameInts(got, want) || len(got) != 1 {
		t.Errorf("filter %q: rows %v, wirelens list %v", filter, got, want)
	}
	// Selecting the conversation filters the list to it.
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=conv]`)))
	b.wait(`[...document.querySelectorAll('#tab-conv td')].some(td => td.textContent === 'REJ')`)
	b.run(chromedp.Click(chromedp.CSS(`#tab-conv tbody tr`)))
	b.wait(`document.querySelector('#filter').value === 'tcp.stream == 0'`)
	b.wait(`document.querySelectorAll('#list-rows .row[data-n]').length === 2`)
	b.shot("refused")
}

const redirects = "../../../shared/captures/misc/650HttpResponses.pcap"

func TestBrowserRedirect(t *testing.T) {
	chromium(t)
	if _, err := os.Stat(redirects); err != nil {
		t.Skipf("%s absent: %v", redirects, err)
	}
	_, url := workspace(t, redirects)
	b := newBrowser(t, 2*time.Minute)
	b.openPage(url)
	// The filter bar completes field names from the registry.
	b.run(chromedp.SendKeys(chromedp.ID("filter"), "tcp.analysis.fl"))
	b.wait(`!document.querySelector('#completion').hidden && [...document.querySelectorAll('#completion li')].some(li => li.textContent.startsWith('tcp.analysis.flags'))`)
	b.clearFilter()
	// A bad filter shows its error with a caret under the fault.
	b.run(chromedp.SendKeys(chromedp.ID("filter"), "tcp.port == 80 && tcp.prot == 1"))
	b.wait(`document.querySelector('#filter-caret').textContent === ' '.repeat(18) + '^' + '~'.repeat(7)`)
	b.wait(`document.querySelector('#filter-error').textContent.includes('tcp.port')`)
	b.shot("filter-error")

	filter := `tcp.srcport == 80 && tcp contains "302 Found"`
	b.filter(filter)
	want := cliFrames(t, redirects, filter)
	if got := b.shownFrames(); !sameInts(got, want) || len(got) == 0 {
		t.Errorf("filter %q: rows %v, wirelens list %v", filter, got, want)
	}
	b.run(chromedp.Click(chromedp.CSS(`#list-rows .row[data-n]`)))
	b.wait(fmt.Sprintf(`document.querySelector('#details-title').textContent === 'frame %d'`, want[0]))
	// The response's bytes show the 302 in the hex pane's text column.
	b.wait(`[...document.querySelectorAll('#hex .hexrow')].map(r => [...r.querySelectorAll('.a')].map(a => a.textContent).join('')).join('').includes('302 Found')`)
	if !eval[bool](b, `[...document.querySelectorAll('#tree .tnode')].some(n => n.dataset.field === 'http')`) {
		t.Fatal("the details tree of the 302 response has no HTTP layer")
	}
	// Expand the Server header of the response, as in Message Analyzer (Headers → Server): its bytes are
	// highlighted in the hex pane, and they read "Server:".
	eval[any](b, `(() => { const n = [...document.querySelectorAll('#tree .tnode')].find(n => n.dataset.field === 'http.server');
		for (let p = n; p && p.id !== 'tree'; p = p.parentElement) if (p.classList && p.classList.contains('tnode')) p.classList.remove('closed');
		n.querySelector('.tline').click(); return true; })()`)
	b.wait(`document.querySelector('#tree .tnode.sel').dataset.field === 'http.server' && document.querySelectorAll('#hex .b.hl').length > 0`)
	hl := eval[string](b, `(() => { const idx = new Set([...document.querySelectorAll('#hex .b.hl')].map(e => e.dataset.i));
		return [...document.querySelectorAll('#hex .a')].filter(a => idx.has(a.dataset.i)).map(a => a.textContent).join(''); })()`)
	if !strings.HasPrefix(hl, "Server:") {
		t.Errorf("the Server header highlights bytes %q", hl)
	}
	// Clicking a byte selects the field that covers it: byte 12 is the EtherType.
	b.run(chromedp.Click(chromedp.CSS(`#hex .b[data-i="12"]`)))
	b.wait(`document.querySelector('#tree .tnode.sel').dataset.field === 'eth.type'`)
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=http]`)))
	b.wait(`document.querySelector('#tab-http').textContent !== ''`)
	b.shot("redirect-302")
	// Follow the stream: the response shows as text.
	eval[any](b, `(() => { const r = document.querySelector('#list-rows .row.sel'); r.dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, clientX: 300, clientY: 300})); return true; })()`)
	eval[any](b, `[...document.querySelectorAll('#menu li')].find(li => li.textContent.startsWith('Follow TCP')).click()`)
	b.wait(`document.querySelector('#follow-text').textContent.includes('HTTP/1.1 302 Found')`)
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=timeline]`)))
	b.shot("follow-timeline")
	// The README's picture: the messages with TCP analysis flags, one expanded, and the diagnostics.
	b.filter("tcp.analysis.flags")
	b.run(chromedp.Click(chromedp.CSS(`#list-rows .row[data-n]:nth-child(4)`)))
	b.wait(`document.querySelector('#details-title').textContent !== ''`)
	eval[any](b, `(() => { const n = [...document.querySelectorAll('#tree .tnode')].find(n => n.dataset.field === 'tcp.analysis'); if (n) { n.classList.remove('closed'); n.parentElement.closest('.tnode').classList.remove('closed'); n.querySelector('.tline').click(); } return true; })()`)
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=diag]`)))
	b.shot("workspace")
}
