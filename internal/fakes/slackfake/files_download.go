package slackfake

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Files people share, as a bot reads them: a message's "files" in conversations.history
// carry url_private and url_private_download on the fake's host, and a GET there serves the
// bytes only with "Authorization: Bearer <bot token>", a token holding files:read, and a bot
// in a channel the file was shared in. Otherwise the fake does what Slack does: it redirects
// to the workspace's sign-in page with redir set to the file's path (which slack-go's
// GetFile reports as "redirected to the sign-in page"). Downloads are recorded as
// "(download)" requests.

const downloadMethod = "(download)"

// FileUpload is a file a person shares with a message (PostFilesAsUser).
type FileUpload struct {
	Name string
	Data []byte
	// Zeros serves this many zero bytes instead of Data, generated as they are sent, so a
	// test can offer a file of any size without holding it.
	Zeros int64
	// ListedSize is the size the API lists, when it differs from what is served (a file
	// that changed, or a platform answer not to be trusted).
	ListedSize int64
}

// PostFilesAsUser stores a message from user that shares files (Slack's files v2 upload
// from the client, already completed) and returns its ts and the files' ids.
func (s *Server) PostFilesAsUser(channel, user, text string, files ...FileUpload) (string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channel]
	if !ok {
		s.fatalf("PostFilesAsUser: unknown channel %q", channel)
		return "", nil
	}
	if _, ok := s.users[user]; !ok {
		s.fatalf("PostFilesAsUser: unknown user %q", user)
		return "", nil
	}
	m := &message{ts: s.nextTSLocked(), user: user, text: text}
	var ids []string
	for _, fu := range files {
		size := int64(len(fu.Data))
		if fu.Zeros > 0 {
			size = fu.Zeros
		}
		f := &file{id: s.newIDLocked("F"), filename: fu.Name, title: fu.Name, length: int(size), data: slices.Clone(fu.Data),
			zeros: fu.Zeros, listed: fu.ListedSize, user: user, created: s.now().Unix(), uploaded: true, completed: true,
			channels: []string{c.id}}
		if f.listed == 0 {
			f.listed = size
		}
		s.files[f.id] = f
		c.files = append(c.files, f.id)
		m.files = append(m.files, f.id)
		ids = append(ids, f.id)
	}
	c.messages = append(c.messages, m)
	s.bumpLocked()
	return m.ts, ids
}

// fileJSON is a file as a message in conversations.history carries it.
func (s *Server) fileJSON(f *file) map[string]any {
	path := "/files-pri/" + s.cfg.teamID + "-" + f.id + "/"
	name := url.PathEscape(f.filename)
	return map[string]any{
		"id": f.id, "created": f.created, "timestamp": f.created, "name": f.filename, "title": f.title,
		"mimetype": "application/octet-stream", "filetype": "binary", "pretty_type": "Binary", "user": f.user,
		"mode": "hosted", "editable": false, "is_external": false, "external_type": "", "is_public": false,
		"size": f.listed, "url_private": s.base + path + name, "url_private_download": s.base + path + "download/" + name,
		"permalink": "https://fake.slack.com/files/" + f.user + "/" + f.id + "/" + name,
	}
}

// serveFile answers GET /files-pri/<team>-<file>/[download/]<name>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/files-pri/")
	key, _, _ := strings.Cut(rest, "/")
	id := strings.TrimPrefix(key, s.cfg.teamID+"-")
	if !s.waitSlow(r, downloadMethod) {
		return
	}
	s.mu.Lock()
	v := s.faultVerdictLocked(downloadMethod)
	if v.kind != faultNone {
		s.recordLocked(downloadMethod, v.status(), v.errCode())
		s.bumpLocked()
		s.mu.Unlock()
		v.write(w)
		return
	}
	f, ok := s.files[id]
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	refused := ""
	switch {
	case r.Method != http.MethodGet:
		refused = "method_not_allowed"
	case !ok || !f.completed || key != s.cfg.teamID+"-"+id:
		refused = "file_not_found"
	case token != s.cfg.botToken:
		refused = "not_authed"
	case !s.hasScopeLocked("files:read"):
		refused = "missing_scope"
	case !s.botSharesLocked(f):
		refused = "file_not_shared"
	}
	if refused != "" {
		s.recordLocked(downloadMethod, http.StatusFound, refused)
		s.bumpLocked()
		s.mu.Unlock()
		// Slack's answer to a file the request may not read: its sign-in page.
		http.Redirect(w, r, s.base+"/signin?redir="+url.QueryEscape(r.URL.Path), http.StatusFound)
		return
	}
	if s.usedScopes == nil {
		s.usedScopes = map[string]bool{}
	}
	s.usedScopes["files:read"] = true
	data, zeros := f.data, f.zeros
	s.recordLocked(downloadMethod, http.StatusOK, "")
	s.bumpLocked()
	s.mu.Unlock()

	var body io.Reader = strings.NewReader(string(data))
	size := int64(len(data))
	if zeros > 0 {
		body, size = io.LimitReader(zeroReader{}, zeros), zeros
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, body) // a client that stops reading ends the copy
}

// botSharesLocked reports whether the bot is in a conversation f was shared in.
func (s *Server) botSharesLocked(f *file) bool {
	for _, id := range f.channels {
		if c, ok := s.channels[id]; ok && c.isMember(s.cfg.botUserID) {
			return true
		}
	}
	return false
}

// serveSignIn is the workspace sign-in page a refused download lands on.
func (s *Server) serveSignIn(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, "<!DOCTYPE html><title>Sign in | Slack</title><h1>Sign in to "+s.cfg.teamName+"</h1>")
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
