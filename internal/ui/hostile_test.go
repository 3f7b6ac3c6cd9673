package ui_test

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pcapWriter builds a small Ethernet pcap file in memory.
type pcapWriter struct {
	buf bytes.Buffer
	ts  int64 // µs
}

func newPcap() *pcapWriter {
	w := &pcapWriter{ts: 1_700_000_000_000_000}
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1) // Ethernet
	w.buf.Write(hdr)
	return w
}

func (w *pcapWriter) frame(b []byte) {
	w.ts += 1500
	rec := make([]byte, 16)
	binary.LittleEndian.PutUint32(rec[0:], uint32(w.ts/1e6))
	binary.LittleEndian.PutUint32(rec[4:], uint32(w.ts%1e6))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(b)))
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(b)))
	w.buf.Write(rec)
	w.buf.Write(b)
}

func ipv4(src, dst [4]byte, proto byte, payload []byte) []byte {
	eth := []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00}
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(payload)))
	ip[8] = 64
	ip[9] = proto
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	return append(append(eth, ip...), payload...)
}

func tcpSeg(sp, dp uint16, seq, ack uint32, flags byte, payload []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], sp)
	binary.BigEndian.PutUint16(h[2:], dp)
	binary.BigEndian.PutUint32(h[4:], seq)
	binary.BigEndian.PutUint32(h[8:], ack)
	h[12] = 5 << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 65535)
	return append(h, payload...)
}

func udpDgram(sp, dp uint16, payload []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h[0:], sp)
	binary.BigEndian.PutUint16(h[2:], dp)
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
	return append(h, payload...)
}

// The hostile strings: each would run a script or add an element if the page ever put packet text in
// the DOM as HTML.
const (
	evilURI    = `/<script>window.__pwned=1;alert(1)</script>?q="><img src=x onerror="window.__pwned=2;alert(2)">`
	evilServer = `<script>window.__pwned=3;alert(3)</script>`
	evilLabel1 = `<script>alert(5)</script>`
	evilLabel2 = `<img src=x onerror=alert(6)>`
)

func junk(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

// hostileCapture writes a capture whose HTTP request, response and DNS query carry markup and binary
// junk.
func hostileCapture(t *testing.T) string {
	w := newPcap()
	c, s, dns := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}, [4]byte{10, 0, 0, 53}
	const cp, sp = 40000, 80
	w.frame(ipv4(c, s, 6, tcpSeg(cp, sp, 1000, 0, 0x02, nil)))
	w.frame(ipv4(s, c, 6, tcpSeg(sp, cp, 5000, 1001, 0x12, nil)))
	w.frame(ipv4(c, s, 6, tcpSeg(cp, sp, 1001, 5001, 0x10, nil)))
	req := "GET " + evilURI + " HTTP/1.1\r\nHost: <img src=x onerror=\"window.__pwned=4\">\r\nUser-Agent: " + string(junk(200)) + "\r\n\r\n"
	w.frame(ipv4(c, s, 6, tcpSeg(cp, sp, 1001, 5001, 0x18, []byte(req))))
	resp := "HTTP/1.1 302 Found\r\nServer: " + evilServer + "\r\nLocation: javascript:alert(4)\r\nContent-Length: 300\r\n\r\n" + string(junk(300))
	w.frame(ipv4(s, c, 6, tcpSeg(sp, cp, 5001, 1001+uint32(len(req)), 0x18, []byte(resp))))
	// A DNS query whose name holds markup and a label of binary junk.
	q := []byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, l := range [][]byte{[]byte(evilLabel1), []byte(evilLabel2), junk(63), []byte("example")} {
		q = append(q, byte(len(l)))
		q = append(q, l...)
	}
	q = append(q, 0, 0, 1, 0, 1)
	w.frame(ipv4(c, dns, 17, udpDgram(53000, 53, q)))
	p := filepath.Join(t.TempDir(), "hostile.pcap")
	if err := os.WriteFile(p, w.buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBrowserHostile(t *testing.T) {
	chromium(t)
	pcap := hostileCapture(t)
	srv, url := workspace(t, pcap)
	// An upload whose file name is markup too.
	body, _ := os.ReadFile(pcap)
	base := url[:strings.Index(url, "/?token=")]
	req, _ := http.NewRequest("POST", base+"/api/upload?name="+`%3Cimg%20src%3Dx%20onerror%3Dalert(7)%3E.pcap`, bytes.NewReader(body))
	req.Header.Set("X-Wirelens-Token", srv.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("upload: %v %v", err, resp)
	}
	resp.Body.Close()

	b := newBrowser(t, 2*time.Minute)
	b.openPage(url)
	b.wait(`document.querySelectorAll('#list-rows .row[data-n]').length === 6`)
	// Show every message with its whole tree open, then follow the TCP stream.
	for n := 1; n <= 6; n++ {
		b.run(chromedp.Click(chromedp.CSS(`#list-rows .row[data-n="` + string(rune('0'+n)) + `"]`)))
		b.wait(`document.querySelector('#details-title').textContent === 'frame ` + string(rune('0'+n)) + `'`)
		eval[any](b, `(() => { document.querySelectorAll('#tree .tnode.closed').forEach(n => n.classList.remove('closed')); return true; })()`)
		if n == 6 {
			b.shot("hostile-dns")
		}
	}
	eval[any](b, `(() => { const r = document.querySelector('#list-rows .row[data-n="4"]'); r.dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, clientX: 300, clientY: 300})); return true; })()`)
	eval[any](b, `[...document.querySelectorAll('#menu li')].find(li => li.textContent.startsWith('Follow TCP')).click()`)
	b.wait(`document.querySelector('#follow-text').textContent.includes('HTTP/1.1 302 Found')`)
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=diag]`)))
	for _, tab := range []string{"conv", "http", "timeline"} {
		b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=` + tab + `]`)))
	}
	b.run(chromedp.Click(chromedp.CSS(`#tabs button[data-tab=follow]`)))
	time.Sleep(300 * time.Millisecond)
	b.shot("hostile-follow")

	// The markup shows as text, literally.
	text := eval[string](b, `document.body.innerText`)
	follow := eval[string](b, `document.querySelector('#follow-text').textContent`)
	for _, want := range []string{evilURI, evilServer} {
		if !strings.Contains(follow, want) {
			t.Errorf("follow stream does not show %q literally", want)
		}
	}
	if !strings.Contains(text, "<img src=x onerror=alert(7)>.pcap") {
		t.Errorf("the uploaded trace's name is not shown literally")
	}
	if !strings.Contains(text, "onerror=alert(6)") {
		t.Errorf("the DNS name's markup is not shown as text")
	}
	// And nothing ran or was injected: no dialog, no flag, no element but the page's own.
	if n := eval[int](b, `document.querySelectorAll('img, iframe, object, embed').length`); n != 0 {
		t.Errorf("%d injected elements", n)
	}
	if n := eval[int](b, `document.querySelectorAll('script').length`); n != 1 {
		t.Errorf("%d script elements, want only app.js", n)
	}
	if v := eval[bool](b, `window.__pwned !== undefined`); v {
		t.Errorf("a script from the capture ran")
	}
	if b.dialogs.Load() != 0 {
		t.Errorf("%d dialogs opened", b.dialogs.Load())
	}
}
