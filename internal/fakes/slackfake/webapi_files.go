package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Files v2 is three requests: files.getUploadURLExternal hands out an upload
// URL, the client POSTs the bytes there, and files.completeUploadExternal
// shares the file. The upload URL lives on this server's host:port because
// slack-go refuses to send the bot token anywhere else
// (ensureURLMayReceiveToken).

const uploadMethod = "(upload)"

func (s *Server) filesGetUploadURL(p params) reply {
	name := p.Get("filename")
	n, err := strconv.Atoi(p.Get("length"))
	if name == "" || err != nil || n <= 0 {
		return failure("invalid_arguments")
	}
	f := &file{id: s.newIDLocked("F"), filename: name, length: n}
	s.files[f.id] = f
	return reply{"upload_url": s.base + "/upload/" + f.id, "file_id": f.id}
}

func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	data, rerr := readUploadBody(r)
	if !s.waitSlow(r, uploadMethod) {
		return
	}
	s.mu.Lock()
	v := s.faultVerdictLocked(uploadMethod)
	status, msg := http.StatusOK, ""
	if v.kind == faultNone {
		f, ok := s.files[id]
		switch {
		case r.Method != http.MethodPost:
			status, msg = http.StatusMethodNotAllowed, "method not allowed"
		case rerr != nil:
			status, msg = http.StatusBadRequest, "bad upload: "+rerr.Error()
		case !ok || f.completed:
			status, msg = http.StatusNotFound, "no such upload"
		default:
			f.data, f.uploaded = data, true
			msg = fmt.Sprintf("OK - %d", len(data))
		}
		errCode := ""
		if status != http.StatusOK {
			errCode = msg
		}
		if v = s.loseVerdictLocked(uploadMethod); v.kind != faultNone {
			status, errCode = v.status(), v.errCode() // applied, answer lost
		}
		s.recordLocked(uploadMethod, status, errCode)
	} else {
		s.recordLocked(uploadMethod, v.status(), v.errCode())
	}
	s.bumpLocked()
	s.mu.Unlock()
	if v.kind != faultNone {
		v.write(w)
		return
	}
	// slack-go treats anything but exactly 200 as failure and ignores the body.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

// readUploadBody takes the "file" part of a multipart upload (what slack-go
// sends) or, failing that, the raw body.
func readUploadBody(r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxAPIBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return io.ReadAll(r.Body)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, fmt.Errorf("no file part")
		}
		if err != nil {
			return nil, err
		}
		if part.FormName() == "file" {
			b, err := io.ReadAll(part)
			_, _ = io.Copy(io.Discard, r.Body)
			return b, err
		}
	}
}

func (s *Server) filesComplete(p params) reply {
	var reqFiles []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(p.Get("files")), &reqFiles); err != nil || len(reqFiles) == 0 {
		return failure("invalid_arguments")
	}
	var targets []*channel
	for _, id := range splitList(p.Get("channel_id") + "," + p.Get("channels")) {
		c, code := s.postTargetLocked(id)
		if code != "" {
			return failure(code)
		}
		targets = append(targets, c)
	}
	// Validate every file before sharing any, so a failure has no effect.
	for _, rf := range reqFiles {
		if f, ok := s.files[rf.ID]; !ok || !f.uploaded || f.completed {
			return failure("file_not_found")
		}
	}
	out := make([]map[string]any, 0, len(reqFiles))
	for _, rf := range reqFiles {
		f := s.files[rf.ID]
		f.completed, f.title = true, rf.Title
		if f.title == "" {
			f.title = f.filename
		}
		f.initialComment, f.threadTS = p.Get("initial_comment"), p.Get("thread_ts")
		for _, c := range targets {
			f.channels = append(f.channels, c.id)
			c.files = append(c.files, f.id)
		}
		out = append(out, map[string]any{"id": f.id, "title": f.title})
	}
	return reply{"files": out}
}
