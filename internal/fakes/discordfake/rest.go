package discordfake

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// request is one REST call as the handlers see it: already routed, body fully read.
type request struct {
	method string
	route  string
	params map[string]string
	query  url.Values
	header http.Header
	body   []byte
	ctx    context.Context
	at     time.Time
}

// response is what a handler returns; it is written after the state lock is released so a slow
// client can never stall other handlers.
type response struct {
	status int
	body   any // JSON-encoded; nil means no body
	header http.Header
	text   string // non-JSON body (an outage's HTML-ish page)
}

var versionSeg = regexp.MustCompile(`^v[0-9]+$`)

// serveREST runs the pipeline: route, auth, outage, injected failures, rate limit, slow delay,
// then the handler under the state lock. Every rejection happens before the handler, so a
// rejected request never changes state; only a lost answer (LoseAnswers) comes after it.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // client went away mid-body: nothing was accepted
	}
	path := strings.TrimPrefix(r.URL.Path, "/api")
	if segs := splitPath(path); len(segs) > 0 && versionSeg.MatchString(segs[0]) {
		path = "/" + strings.Join(segs[1:], "/")
	}
	entry := LoggedRequest{
		At:     time.Now(),
		Method: r.Method,
		Path:   path,
		Query:  r.URL.RawQuery,
		Header: r.Header.Clone(),
		Body:   body,
	}
	rt, params := matchRoute(r.Method, path)
	if rt == nil {
		s.logf("unknown route %s %s", r.Method, r.URL.Path)
		s.finish(w, &entry, response{status: http.StatusNotFound, body: apiError{Message: "404: Not Found"}})
		return
	}
	entry.Route = rt.key
	rq := &request{
		method: r.Method, route: rt.key, params: params, query: r.URL.Query(),
		header: r.Header, body: body, ctx: r.Context(), at: entry.At,
	}

	s.mu.Lock()
	resp, rejected := s.preflight(rt, rq)
	slow := s.faults.slowFor(rt.key)
	if !rejected {
		s.log.inFlight[rt.key]++
	}
	s.mu.Unlock()
	if rejected {
		s.finish(w, &entry, resp)
		return
	}
	defer func() {
		s.mu.Lock()
		s.log.inFlight[rt.key]--
		s.mu.Unlock()
		s.changed()
	}()
	s.changed() // lets a test WaitFor(InFlight(...) > 0) while the request is held by Slow
	if slow > 0 {
		t := time.NewTimer(slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.closed:
		}
		t.Stop()
	}

	s.mu.Lock()
	if slow > 0 && s.faults.restOutage {
		// An outage that began while this request was "in flight" still rejects it unapplied.
		resp = s.faults.outageResponse()
		s.mu.Unlock()
		s.finish(w, &entry, resp)
		return
	}
	if r.Context().Err() != nil || s.isClosed() {
		// The caller gave up (timeout/cancel) while we were "slow": do not act on a request
		// whose answer nobody will read.
		s.mu.Unlock()
		entry.Status = StatusAbandoned
		s.record(&entry)
		return
	}
	resp = rt.h(s, rq)
	lost := s.faults.takeLose(rt.key)
	s.mu.Unlock()
	if lost != notLost {
		s.loseAnswer(w, &entry, lost)
		return
	}
	s.finish(w, &entry, resp)
}

// preflight applies auth and the faults. Called with s.mu held.
func (s *Server) preflight(rt *route, rq *request) (response, bool) {
	if !rt.noAuth && rq.header.Get("Authorization") != s.Authorization() {
		return response{status: http.StatusUnauthorized, body: apiError{Message: "401: Unauthorized"}}, true
	}
	if s.faults.restOutage {
		return s.faults.outageResponse(), true
	}
	if f, ok := s.faults.takeFailure(rt.key); ok {
		return f, true
	}
	if rl, ok := s.faults.takeRateLimit(rt.key); ok {
		return rl, true
	}
	return response{}, false
}

// finish records the request and writes the response.
func (s *Server) finish(w http.ResponseWriter, entry *LoggedRequest, resp response) {
	if resp.status == 0 {
		resp.status = http.StatusOK
	}
	entry.Status = resp.status
	var out []byte
	if resp.body != nil {
		b, err := json.Marshal(resp.body)
		if err != nil {
			resp.status, b = http.StatusInternalServerError, []byte(`{"message":"fake marshal error","code":0}`)
			entry.Status = resp.status
		}
		out = b
		w.Header().Set("Content-Type", "application/json")
	} else if resp.text != "" {
		out = []byte(resp.text)
		w.Header().Set("Content-Type", "text/html")
	}
	entry.Response = out
	s.record(entry)
	for k, vs := range resp.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.status)
	if len(out) > 0 && resp.status != http.StatusNoContent {
		_, _ = w.Write(out)
	}
}

func (s *Server) record(entry *LoggedRequest) {
	s.mu.Lock()
	s.log.add(*entry)
	s.mu.Unlock()
	s.changed()
}

// decodeJSON unmarshals the body; an empty body decodes to the zero value like Discord treats it.
func decodeJSON(body []byte, v any) bool {
	if len(body) == 0 {
		return true
	}
	return json.Unmarshal(body, v) == nil
}

func noContent() response { return response{status: http.StatusNoContent} }

func ok(v any) response { return response{status: http.StatusOK, body: v} }
