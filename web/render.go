package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/warroom/warroom/report"
)

//go:embed assets/pages/*.html
var pageFiles embed.FS

//go:embed assets/static
var staticFS embed.FS

// pageSet is every page's template, each wrapped in the layout.
type pageSet struct{ t *template.Template }

var pageFuncs = template.FuncMap{
	"utc":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"duration": report.Duration,
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"stamp":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
}

func loadPages() (*pageSet, error) {
	t, err := template.New("").Funcs(pageFuncs).ParseFS(pageFiles, "assets/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web view templates: %w", err)
	}
	return &pageSet{t: t}, nil
}

// frame is what the layout needs around a page.
type frame struct {
	Title  string
	Person string // "" when nobody is signed in
	Page   string
	Data   any
}

// render writes a page in the layout. It renders to memory first so a template error
// becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, sess *session, data any) {
	f := frame{Title: title, Page: page, Data: data}
	if sess != nil {
		f.Person = sess.Person
	}
	var buf bytes.Buffer
	if err := s.pages.t.ExecuteTemplate(&buf, "layout", f); err != nil {
		s.o.Log.Error("web view page", "page", page, "err", err)
		http.Error(w, "warroom could not render this page (logged).", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// refuse answers with a short explanation page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "message", http.StatusText(status), nil, msg)
}

// notFound is the one answer for an incident that does not exist and for one the person
// may not see: the same status, the same page, byte for byte.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "notfound", "Not found", nil, nil)
}

// fail logs an internal error and answers 500 without its details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.o.Log.Error("web view", "path", r.URL.Path, "err", err)
	s.render(w, r, http.StatusInternalServerError, "message", "Error", nil, "warroom could not answer this request (the error is logged). Try again.")
}

// staticFiles serves the embedded stylesheet and script.
func staticFiles() http.Handler {
	sub, err := fs.Sub(staticFS, "assets")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
