package ui_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wirelens/wirelens/internal/cli"
	"github.com/wirelens/wirelens/internal/ui"
)

func apiGet(t *testing.T, base, token, path string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("X-Wirelens-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func TestTokenRequired(t *testing.T) {
	s, err := ui.New(ui.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	for _, p := range []string{"/", "/app.js", "/api/traces", "/api/rows?t=1", "/?token=wrong"} {
		if code := apiGet(t, hs.URL, "", p, nil); code != http.StatusForbidden {
			t.Errorf("%s without the token: status %d", p, code)
		}
	}
	if code := apiGet(t, hs.URL, "x"+s.Token(), "/api/traces", nil); code != http.StatusForbidden {
		t.Errorf("wrong token: status %d", code)
	}
	if code := apiGet(t, hs.URL, s.Token(), "/api/traces", nil); code != 200 {
		t.Errorf("with the token: status %d", code)
	}
	// The URL's token becomes a cookie.
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(hs.URL + "/?token=" + s.Token())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || !resp.Cookies()[0].HttpOnly {
		t.Errorf("first page: status %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	// Only the traces given are read: no other id, no path parameter.
	if code := apiGet(t, hs.URL, s.Token(), "/api/rows?t=7&path=/etc/passwd", nil); code != http.StatusNotFound {
		t.Errorf("unknown trace: status %d", code)
	}
}

func TestUploadCap(t *testing.T) {
	dir := t.TempDir()
	s, _ := ui.New(ui.Options{MaxUpload: 1000, TempDir: dir})
	hs := httptest.NewServer(s)
	defer hs.Close()
	defer s.Close()
	post := func(body []byte) int {
		req, _ := http.NewRequest("POST", hs.URL+"/api/upload?name=x.pcap", bytes.NewReader(body))
		req.Header.Set("X-Wirelens-Token", s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(make([]byte, 5000)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized upload: status %d", code)
	}
	if code := post([]byte("not a capture at all")); code != http.StatusBadRequest {
		t.Errorf("not a capture: status %d", code)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("rejected uploads left %d files", len(ents))
	}
}

type rowsAnswer struct {
	Sorted bool `json:"sorted"`
	Total  int  `json:"total"`
	Done   bool `json:"done"`
	Rows   []struct {
		N       int    `json:"n"`
		Rel     string `json:"rel"`
		Src     string `json:"src"`
		Dst     string `json:"dst"`
		Proto   string `json:"proto"`
		Summary string `json:"summary"`
		Sev     string `json:"sev"`
		Diag    string `json:"diag"`
	} `json:"rows"`
}

// rowsOf reads the whole view of a filter, waiting for it to be complete.
func rowsOf(t *testing.T, base, token, filter string) rowsAnswer {
	t.Helper()
	var a rowsAnswer
	for i := 0; i < 200; i++ {
		a = rowsAnswer{}
		if code := apiGet(t, base, token, "/api/rows?t=1&n=1000&f="+url.QueryEscape(filter), &a); code != 200 {
			t.Fatalf("rows %q: status %d", filter, code)
		}
		if a.Done {
			return a
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("view %q not complete", filter)
	return a
}

// TestRowsAgreeWithList checks that the list the workspace shows is what "wirelens list -2" prints,
// with and without a filter.
func TestRowsAgreeWithList(t *testing.T) {
	for _, file := range []string{"../../testdata/wikipedia.pcap", "../../testdata/tcp/syn.pcap", "../../testdata/tcp/reassembly.pcap"} {
		s, _ := ui.New(ui.Options{})
		if _, err := s.Open(file); err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(s)
		if !s.WaitIndexed(1, time.Minute) {
			t.Fatal("not indexed")
		}
		for _, filter := range []string{"", "tcp.analysis.flags", "dns or tcp.flags.syn == 1", `diag.severity == "warning"`} {
			a := rowsOf(t, hs.URL, s.Token(), filter)
			args := []string{"list", "-2", file, "--format", "json"}
			if filter != "" {
				args = append(args, "-f", filter)
			}
			var out, errb bytes.Buffer
			if code := cli.Main(args, &out, &errb); code != 0 {
				t.Fatalf("list: %s", errb.String())
			}
			var want []map[string]string
			if err := json.Unmarshal(out.Bytes(), &want); err != nil {
				t.Fatal(err)
			}
			if len(want) != a.Total || len(a.Rows) != len(want) {
				t.Errorf("%s %q: %d rows, list prints %d", file, filter, a.Total, len(want))
				continue
			}
			for i, w := range want {
				r := a.Rows[i]
				got := []string{itoa(r.N), r.Rel, r.Src, r.Dst, r.Proto, r.Summary, r.Sev, r.Diag}
				exp := []string{w["number"], w["time"], w["source"], w["destination"], w["protocol"], w["summary"], w["severity"], w["diagnostic"]}
				if strings.Join(got, "|") != strings.Join(exp, "|") {
					t.Errorf("%s %q row %d:\n got %q\nwant %q", file, filter, i, got, exp)
					break
				}
			}
		}
		// A bad filter answers with its position.
		var bad struct {
			FilterError struct {
				Pos, Len int
				Message  string
			} `json:"filterError"`
		}
		if code := apiGet(t, hs.URL, s.Token(), "/api/rows?t=1&f="+url.QueryEscape("tcp.port == 80 && tcp.prot == 1"), &bad); code != http.StatusBadRequest || bad.FilterError.Pos != 18 || bad.FilterError.Len != 8 {
			t.Errorf("bad filter: status %d, %+v", code, bad.FilterError)
		}
		hs.Close()
		s.Close()
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestSortByText sorts the list by source, destination and summary: addresses by their bytes, text as
// text, ties in frame order, and descending reverses it.
func TestSortByText(t *testing.T) {
	s, _ := ui.New(ui.Options{})
	defer s.Close()
	if _, err := s.Open("../../testdata/wikipedia.pcap"); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	if !s.WaitIndexed(1, time.Minute) {
		t.Fatal("not indexed")
	}
	all := rowsOf(t, hs.URL, s.Token(), "")
	for _, col := range []string{"source", "destination", "summary"} {
		for _, desc := range []bool{false, true} {
			var a rowsAnswer
			q := "/api/rows?t=1&n=1000&sort=" + col
			if desc {
				q += "&desc=1"
			}
			for i := 0; i < 100; i++ {
				a = rowsAnswer{}
				apiGet(t, hs.URL, s.Token(), q, &a)
				if a.Sorted {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if !a.Sorted || len(a.Rows) != len(all.Rows) {
				t.Fatalf("sort %s: sorted %v, %d rows of %d", col, a.Sorted, len(a.Rows), len(all.Rows))
			}
			key := func(i int) string {
				r := a.Rows[i]
				switch col {
				case "source":
					return r.Src
				case "destination":
					return r.Dst
				}
				return r.Summary
			}
			for i := 1; i < len(a.Rows); i++ {
				c := compareKey(key(i-1), key(i), col != "summary")
				if c == 0 {
					c = a.Rows[i-1].N - a.Rows[i].N
					if c > 0 {
						c = 1
					} else {
						c = -1
					}
				}
				if desc {
					c = -c
				}
				if c > 0 {
					t.Fatalf("sort %s desc=%v: row %d (%q, frame %d) before row %d (%q, frame %d)", col, desc, i-1, key(i-1), a.Rows[i-1].N, i, key(i), a.Rows[i].N)
				}
			}
		}
	}
}

func compareKey(a, b string, addr bool) int {
	if addr {
		x, errA := netip.ParseAddr(a)
		y, errB := netip.ParseAddr(b)
		switch {
		case errA == nil && errB == nil:
			return x.Compare(y)
		case errA == nil:
			return -1
		case errB == nil:
			return 1
		}
	}
	return strings.Compare(a, b)
}
