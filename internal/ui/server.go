// Package ui is the browser workspace of "wirelens ui": an HTTP server on the local machine that serves
// the embedded web assets (package web) and a JSON API over the traces given on the command line or
// uploaded. Every view reads traces through the same packages as the commands (engine, filter, dissect,
// analysis), so the workspace shows what "wirelens list", "show", "conversations" and "diagnose" print.
//
// Each trace is indexed once in the background into a compact per-frame index (index.go) that the message
// list, sorting and the timeline read; a display filter is a pass over the trace through engine whose
// matches are published as they are found (view.go); the details tree is built only for the frame shown
// (details.go).
//
// Every request must carry the access token (in the URL of the first page, which turns it into a
// cookie, or in the X-Wirelens-Token header). The API reads only the traces it was given.
package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wirelens/wirelens/field"
	"github.com/wirelens/wirelens/filter"
	"github.com/wirelens/wirelens/web"
)

// DefaultMaxUpload is the default size cap of an uploaded trace.
const DefaultMaxUpload = 4 << 30

// Server is the workspace's HTTP server: it holds the open traces and answers the API.
type Server struct {
	token     string
	maxUpload int64
	tempDir   string

	mu     sync.Mutex
	traces []*trace
	nextID int

	assets http.Handler
}

// Options configure a Server.
type Options struct {
	// Token is the access token; empty makes a random one.
	Token string
	// MaxUpload caps the size of an uploaded trace in bytes (0: DefaultMaxUpload).
	MaxUpload int64
	// TempDir is where uploads are written (empty: the system's temporary directory).
	TempDir string
}

// New returns a server with no trace open.
func New(o Options) (*Server, error) {
	s := &Server{token: o.Token, maxUpload: o.MaxUpload, tempDir: o.TempDir}
	if s.token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		s.token = hex.EncodeToString(b)
	}
	if s.maxUpload <= 0 {
		s.maxUpload = DefaultMaxUpload
	}
	sub, err := fs.Sub(web.Assets, "static")
	if err != nil {
		return nil, err
	}
	s.assets = http.FileServerFS(sub)
	return s, nil
}

// Token returns the access token that URLs must carry.
func (s *Server) Token() string { return s.token }

// Open opens a trace file and starts indexing it; it returns the trace's id.
func (s *Server) Open(path string) (int, error) {
	return s.open(filepath.Base(path), path, false)
}

func (s *Server) open(name, path string, temp bool) (int, error) {
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	s.mu.Unlock()
	tr, err := openTrace(id, name, path, temp)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.traces = append(s.traces, tr)
	s.mu.Unlock()
	return id, nil
}

// WaitIndexed blocks until trace id is indexed (for tests and benchmarks), or the timeout passes.
func (s *Server) WaitIndexed(id int, timeout time.Duration) bool {
	tr := s.trace(id)
	if tr == nil {
		return false
	}
	select {
	case <-tr.doneCh:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Close stops background work and removes uploaded files.
func (s *Server) Close() {
	s.mu.Lock()
	ts := s.traces
	s.traces = nil
	s.mu.Unlock()
	for _, tr := range ts {
		tr.close()
		tr.details.close()
	}
}

func (s *Server) trace(id int) *trace {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.traces {
		if t.id == id {
			return t
		}
	}
	return nil
}

const cookieName = "wirelens_token"

// authorized reports whether the request carries the token (header, cookie or, for the first page, the
// URL).
func (s *Server) authorized(r *http.Request) bool {
	ok := func(v string) bool { return v != "" && subtle.ConstantTimeCompare([]byte(v), []byte(s.token)) == 1 }
	if ok(r.Header.Get("X-Wirelens-Token")) {
		return true
	}
	if c, err := r.Cookie(cookieName); err == nil && ok(c.Value) {
		return true
	}
	return false
}

// ServeHTTP answers every request: the token check, then the page, the assets or the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if tok := r.URL.Query().Get("token"); tok != "" && r.URL.Path == "/" && r.Method == http.MethodGet {
		if subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) != 1 {
			http.Error(w, "wrong access token: use the URL wirelens ui printed", http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		// Drop the token from the address bar.
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !s.authorized(r) {
		http.Error(w, "access token required: open the URL wirelens ui printed", http.StatusForbidden)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.api(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.assets.ServeHTTP(w, r)
}

// apiError is an error answer; a bad filter carries its position.
type apiError struct {
	Error  string       `json:"error"`
	Filter *filterError `json:"filterError,omitempty"`
}

type filterError struct {
	Message string   `json:"message"`
	Kind    string   `json:"kind"`
	Pos     int      `json:"pos"` // byte offset
	Len     int      `json:"len"`
	Col     int      `json:"col"` // UTF-16 code units, for the browser's caret
	Span    int      `json:"span"`
	Suggest []string `json:"suggest,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

func fail(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, apiError{Error: fmt.Sprintf(format, args...)})
}

// utf16Len counts UTF-16 code units, as JavaScript indexes strings.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// compile compiles a filter; a bad one becomes the error to answer with.
func compile(text string) (*filter.Program, *apiError) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	prog, err := filter.Compile(text)
	if err == nil {
		return prog, nil
	}
	var fe *filter.Error
	if errors.As(err, &fe) {
		pos := min(max(fe.Pos, 0), len(text))
		end := min(max(pos+fe.Len, pos), len(text))
		return nil, &apiError{Error: "bad filter: " + fe.Msg, Filter: &filterError{
			Message: fe.Msg, Kind: fe.Kind.String(), Pos: fe.Pos, Len: fe.Len, Suggest: fe.Suggest,
			Col: utf16Len(text[:pos]), Span: utf16Len(text[pos:end]),
		}}
	}
	return nil, &apiError{Error: "bad filter: " + err.Error()}
}

func intParam(r *http.Request, name string, def int64) int64 {
	v, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil {
		return def
	}
	return v
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/")
	switch path {
	case "traces":
		s.mu.Lock()
		list := make([]status, 0, len(s.traces))
		for _, t := range s.traces {
			list = append(list, t.status())
		}
		s.mu.Unlock()
		writeJSON(w, 200, list)
		return
	case "upload":
		s.upload(w, r)
		return
	case "check":
		text := r.URL.Query().Get("f")
		prog, ae := compile(text)
		if ae != nil {
			writeJSON(w, 200, ae)
			return
		}
		res := map[string]any{"ok": true}
		if prog != nil {
			res["normalized"] = prog.String()
			res["fields"] = prog.Fields()
		}
		writeJSON(w, 200, res)
		return
	case "fields":
		s.fields(w, r)
		return
	}
	if r.Method != http.MethodGet {
		fail(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	tr := s.trace(int(intParam(r, "t", 0)))
	if tr == nil {
		fail(w, http.StatusNotFound, "no such trace")
		return
	}
	switch path {
	case "status":
		writeJSON(w, 200, tr.status())
	case "rows":
		s.rows(w, r, tr)
	case "locate":
		s.locate(w, r, tr)
	case "frame":
		fd, err := tr.details.get(int(intParam(r, "n", 0)))
		if err != nil {
			fail(w, http.StatusNotFound, "%v", err)
			return
		}
		writeJSON(w, 200, fd)
	case "diagnose", "conversations", "http":
		if !tr.isDone() {
			writeJSON(w, 200, map[string]any{"pending": true})
			return
		}
		tr.mu.Lock()
		var v any
		switch path {
		case "diagnose":
			v = tr.diag
		case "conversations":
			v = convRows(tr.convs, tr.start)
		default:
			v = map[string]any{"operations": nonNil(tr.http)}
		}
		tr.mu.Unlock()
		writeJSON(w, 200, v)
	case "timeline":
		writeJSON(w, 200, tr.timeline(intParam(r, "from", 0), intParam(r, "to", 0), int(intParam(r, "buckets", 200))))
	case "tcpseq":
		g, err := tr.seqGraph(r.Context(), int(intParam(r, "stream", -1)))
		if err != nil {
			fail(w, 500, "%v", err)
			return
		}
		writeJSON(w, 200, g)
	case "follow":
		f, err := tr.follow(r.Context(), int(intParam(r, "stream", -1)), r.URL.Query().Get("udp") == "1")
		if err != nil {
			fail(w, 500, "%v", err)
			return
		}
		writeJSON(w, 200, f)
	default:
		fail(w, http.StatusNotFound, "no such API")
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// fields answers the filter bar's completion: registry fields whose name starts with the prefix.
func (s *Server) fields(w http.ResponseWriter, r *http.Request) {
	prefix := r.URL.Query().Get("prefix")
	limit := int(min(max(intParam(r, "limit", 60), 1), 5000))
	type fieldInfo struct {
		Name string `json:"name"`
		Desc string `json:"desc"`
		Type string `json:"type"`
	}
	out := []fieldInfo{}
	all := field.All(prefix)
	// Shorter names first (the protocol, then its direct fields), then alphabetical.
	sort.SliceStable(all, func(i, j int) bool {
		di, dj := strings.Count(all[i].Abbrev, "."), strings.Count(all[j].Abbrev, ".")
		if di != dj {
			return di < dj
		}
		return all[i].Abbrev < all[j].Abbrev
	})
	for _, in := range all {
		if len(out) >= limit {
			break
		}
		out = append(out, fieldInfo{Name: in.Abbrev, Desc: in.Name, Type: in.Type.String()})
	}
	writeJSON(w, 200, out)
}

// viewFor returns the view a request names (filter f, window from/to), or answers with an error.
func viewFor(w http.ResponseWriter, r *http.Request, tr *trace) (*view, bool) {
	text := r.URL.Query().Get("f")
	prog, ae := compile(text)
	if ae != nil {
		writeJSON(w, http.StatusBadRequest, ae)
		return nil, false
	}
	k := viewKey{from: intParam(r, "from", 0), to: intParam(r, "to", 0)}
	if prog != nil {
		k.filter = prog.String()
	}
	if k.to <= k.from {
		k.from, k.to = 0, 0
	}
	return tr.views.get(k, prog), true
}

// row is one line of the message list.
type row struct {
	N       int    `json:"n"`
	Rel     string `json:"rel"`
	Abs     string `json:"abs"`
	Delta   string `json:"delta"`
	Src     string `json:"src"`
	Dst     string `json:"dst"`
	Proto   string `json:"proto"`
	Len     uint32 `json:"len"`
	Summary string `json:"summary"`
	Sev     string `json:"sev,omitempty"`
	Diag    string `json:"diag,omitempty"`
	Stream  int32  `json:"stream"`
	UDP     bool   `json:"udp,omitempty"`
}

// rowsAnswer is a page of the message list and the state of its view.
type rowsAnswer struct {
	Total  int    `json:"total"`  // rows in the view so far
	Done   bool   `json:"done"`   // the view is complete
	Seen   int    `json:"seen"`   // frames the filter pass has examined
	Frames int    `json:"frames"` // frames indexed
	Sorted bool   `json:"sorted"`
	Error  string `json:"error,omitempty"`
	Offset int    `json:"offset"`
	Rows   []row  `json:"rows"`
}

func (s *Server) rows(w http.ResponseWriter, r *http.Request, tr *trace) {
	v, ok := viewFor(w, r, tr)
	if !ok {
		return
	}
	off := int(max(intParam(r, "off", 0), 0))
	n := int(min(max(intParam(r, "n", 100), 0), 1000))
	frames, total, done, seen, verr := v.snapshot(tr)
	ans := rowsAnswer{Total: total, Done: done, Seen: seen, Frames: tr.idx.len(), Error: verr, Offset: off, Rows: []row{}}
	if col := r.URL.Query().Get("sort"); sortKeys[col] && !(col == "number" && r.URL.Query().Get("desc") != "1") {
		if s := v.order(tr, col, r.URL.Query().Get("desc") == "1"); s != nil {
			frames, ans.Sorted = s, true
		}
	}
	tr.mu.Lock()
	start := tr.start
	tr.mu.Unlock()
	for i := off; i < min(off+n, total); i++ {
		num := i + 1
		if frames != nil {
			num = int(frames[i])
		}
		ans.Rows = append(ans.Rows, tr.row(num, start))
	}
	writeJSON(w, 200, ans)
}

// row builds the list row of frame num from the index.
func (tr *trace) row(num int, start int64) row {
	rc := tr.idx.rec(num - 1)
	tx := tr.idx.text(num - 1)
	var delta int64
	if num > 1 {
		delta = rc.rel - tr.idx.rec(num-2).rel
	}
	out := row{
		N: num, Rel: seconds(rc.rel), Delta: seconds(delta),
		Abs: time.Unix(0, start+rc.rel).UTC().Format("2006-01-02 15:04:05.000000000"),
		Src: tx.src, Dst: tx.dst, Proto: tr.idx.proto(rc.proto), Len: rc.length, Summary: tx.summary,
		Diag: tx.diag, Stream: rc.stream, UDP: rc.udp,
	}
	if rc.sev > 0 {
		out.Sev = sevName(rc.sev)
	}
	return out
}

func sevName(s uint8) string {
	switch s {
	case 1:
		return "chat"
	case 2:
		return "note"
	case 3:
		return "warning"
	case 4:
		return "error"
	}
	return ""
}

// locate answers the position of frame n in a view (-1 when the view does not hold it, or not yet).
func (s *Server) locate(w http.ResponseWriter, r *http.Request, tr *trace) {
	v, ok := viewFor(w, r, tr)
	if !ok {
		return
	}
	n := int(intParam(r, "n", 0))
	frames, total, done, _, _ := v.snapshot(tr)
	pos := -1
	if col := r.URL.Query().Get("sort"); sortKeys[col] && !(col == "number" && r.URL.Query().Get("desc") != "1") {
		if s := v.order(tr, col, r.URL.Query().Get("desc") == "1"); s != nil {
			for i, f := range s {
				if int(f) == n {
					pos = i
					break
				}
			}
			writeJSON(w, 200, map[string]any{"pos": pos, "done": done})
			return
		}
	}
	if frames == nil {
		if n >= 1 && n <= total {
			pos = n - 1
		}
	} else {
		i := sort.Search(len(frames), func(i int) bool { return int(frames[i]) >= n })
		if i < len(frames) && int(frames[i]) == n {
			pos = i
		}
	}
	writeJSON(w, 200, map[string]any{"pos": pos, "done": done})
}

// upload writes the request body to a temporary file, at most maxUpload bytes, and opens it.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		fail(w, http.StatusMethodNotAllowed, "upload with POST")
		return
	}
	if r.ContentLength > s.maxUpload {
		fail(w, http.StatusRequestEntityTooLarge, "the trace is larger than the upload cap (%d bytes); open it from the command line: wirelens ui FILE", s.maxUpload)
		return
	}
	name := filepath.Base(r.URL.Query().Get("name"))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	f, err := os.CreateTemp(s.tempDir, "wirelens-upload-*")
	if err != nil {
		fail(w, 500, "%v", err)
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.maxUpload)
	_, err = io.Copy(f, body)
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			fail(w, http.StatusRequestEntityTooLarge, "the trace is larger than the upload cap (%d bytes); open it from the command line: wirelens ui FILE", s.maxUpload)
			return
		}
		fail(w, http.StatusBadRequest, "upload failed: %v", err)
		return
	}
	id, err := s.open(name, f.Name(), true)
	if err != nil {
		os.Remove(f.Name())
		fail(w, http.StatusBadRequest, "%s: %v", name, err)
		return
	}
	writeJSON(w, 200, map[string]any{"id": id})
}

// Listen opens a listener: addr "" means 127.0.0.1 on a free port.
func Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	return net.Listen("tcp", addr)
}
