package slackfake

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// params is a request's arguments however they arrived: slack-go mostly
// posts url-encoded forms (token in the form), uses GET with a query for a
// few methods (chat.getPermalink) and JSON with a Bearer header for others
// (apps.connections.open, views.*). Normalising to url.Values lets handlers
// ignore the transport.
type params struct{ url.Values }

func (p params) has(k string) bool { _, ok := p.Values[k]; return ok }

// reply is a Web API answer body; "ok" is filled in when absent.
type reply map[string]any

func failure(code string) reply { return reply{"ok": false, "error": code} }

type methodSpec struct {
	fn  func(*Server, params) reply
	app bool // authenticated by the app-level (xapp-) token instead of the bot token
}

// apiMethods is the Web API surface. A method missing here answers HTTP 404
// so a bot calling something the fake doesn't model fails loudly.
var apiMethods = map[string]methodSpec{
	"auth.test":                    {fn: (*Server).authTest},
	"users.info":                   {fn: (*Server).usersInfo},
	"conversations.create":         {fn: (*Server).convCreate},
	"conversations.invite":         {fn: (*Server).convInvite},
	"conversations.kick":           {fn: (*Server).convKick},
	"conversations.setTopic":       {fn: (*Server).convSetTopic},
	"conversations.setPurpose":     {fn: (*Server).convSetPurpose},
	"conversations.info":           {fn: (*Server).convInfo},
	"conversations.archive":        {fn: (*Server).convArchive},
	"conversations.members":        {fn: (*Server).convMembers},
	"conversations.list":           {fn: (*Server).convList},
	"conversations.open":           {fn: (*Server).convOpen},
	"conversations.history":        {fn: (*Server).convHistory},
	"conversations.replies":        {fn: (*Server).convReplies},
	"chat.postMessage":             {fn: (*Server).chatPostMessage},
	"chat.update":                  {fn: (*Server).chatUpdate},
	"chat.postEphemeral":           {fn: (*Server).chatPostEphemeral},
	"chat.getPermalink":            {fn: (*Server).chatGetPermalink},
	"pins.add":                     {fn: (*Server).pinsAdd},
	"reactions.add":                {fn: (*Server).reactionsAdd},
	"files.getUploadURLExternal":   {fn: (*Server).filesGetUploadURL},
	"files.completeUploadExternal": {fn: (*Server).filesComplete},
	"apps.connections.open":        {fn: (*Server).appsConnectionsOpen, app: true},
}

const maxAPIBody = 8 << 20

func readParams(r *http.Request) (params, string, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxAPIBody)
	bearer := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		bearer = strings.TrimPrefix(h, "Bearer ")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var v url.Values
	switch {
	case r.Method == http.MethodPost && ct == "application/json":
		v = r.URL.Query()
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return params{}, "", err
		}
		// apps.connections.open posts an empty body (slack-go passes nil JSON).
		var m map[string]any
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &m); err != nil {
				return params{}, "", err
			}
		}
		for k, val := range m {
			if str, ok := val.(string); ok {
				v.Set(k, str)
			} else {
				b, _ := json.Marshal(val)
				v.Set(k, string(b))
			}
		}
	case ct == "multipart/form-data":
		if err := r.ParseMultipartForm(maxAPIBody); err != nil {
			return params{}, "", err
		}
		v = r.Form
	default:
		if err := r.ParseForm(); err != nil {
			return params{}, "", err
		}
		v = r.Form
	}
	tok := v.Get("token")
	if tok == "" {
		tok = bearer
	}
	return params{v}, tok, nil
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	spec, known := apiMethods[method]
	p, token, perr := readParams(r)
	if !known {
		s.finish(w, method, http.StatusNotFound, failure("unknown_method"))
		return
	}
	if perr != nil {
		s.finish(w, method, http.StatusBadRequest, failure("invalid_form_data"))
		return
	}
	if !s.waitSlow(r, method) {
		return
	}

	s.mu.Lock()
	v := s.faultVerdictLocked(method)
	var rep reply
	status := http.StatusOK
	switch {
	case v.kind != faultNone:
		// Rejected before any state is touched.
	case r.Context().Err() != nil:
		// The client gave up (e.g. while Slow held it); applying the call now
		// would create an effect whose answer nobody receives.
		v = verdict{kind: faultClientGone}
	case !s.tokenOK(spec, token):
		rep = failure("invalid_auth")
	default:
		if rep = s.scopeCheckLocked(method, p); rep == nil {
			rep = spec.fn(s, p)
		}
		// Applied; the answer may still be lost on its way back.
		v = s.loseVerdictLocked(method)
	}
	if v.kind == faultNone {
		if _, ok := rep["ok"]; !ok {
			rep["ok"] = true
		}
		errCode, _ := rep["error"].(string)
		s.recordLocked(method, status, errCode)
	} else {
		s.recordLocked(method, v.status(), v.errCode())
	}
	s.bumpLocked()
	s.mu.Unlock()

	if v.kind != faultNone {
		v.write(w)
		return
	}
	writeJSON(w, status, rep)
}

func (s *Server) tokenOK(spec methodSpec, tok string) bool {
	if spec.app {
		return tok == s.cfg.appToken
	}
	return tok == s.cfg.botToken
}

// finish records and answers a request that never reached a handler.
func (s *Server) finish(w http.ResponseWriter, method string, status int, rep reply) {
	s.mu.Lock()
	errCode, _ := rep["error"].(string)
	s.recordLocked(method, status, errCode)
	s.bumpLocked()
	s.mu.Unlock()
	writeJSON(w, status, rep)
}

func (s *Server) recordLocked(method string, status int, errCode string) {
	s.requests = append(s.requests, RequestRecord{Method: method, Time: time.Now(), Status: status, Err: errCode})
	s.counts[method]++
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"ok":false,"error":"fake_marshal_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
