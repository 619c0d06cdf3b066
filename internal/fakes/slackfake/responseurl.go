package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

const responseURLMethod = "(response_url)"

// ResponseURLPost is one message the bot POSTed to a response_url handed out
// with a slash command or interaction.
type ResponseURLPost struct {
	URL             string
	Channel         string // the conversation the response_url was issued for
	ResponseType    string // "in_channel", "ephemeral", or "" (Slack treats "" as ephemeral)
	Text            string
	Blocks          json.RawMessage
	ReplaceOriginal bool
	DeleteOriginal  bool
	ThreadTS        string
	Raw             json.RawMessage
	Time            time.Time
}

// InChannel reports whether the post was visible to the whole channel.
func (p ResponseURLPost) InChannel() bool { return p.ResponseType == "in_channel" }

// NewResponseURL issues a response_url on this server for channel. Slash
// command and interaction helpers call it when the caller leaves
// ResponseURL empty. Posts are recorded, not turned into channel messages.
func (s *Server) NewResponseURL(channel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newResponseURLLocked(channel)
}

func (s *Server) newResponseURLLocked(channel string) string {
	id := s.newIDLocked("R")
	s.respURLs[id] = channel
	return s.base + "/response/" + id
}

func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	body, rerr := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxAPIBody))
	if !s.waitSlow(r, responseURLMethod) {
		return
	}
	var msg struct {
		Text            string          `json:"text"`
		ResponseType    string          `json:"response_type"`
		Blocks          json.RawMessage `json:"blocks"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	jerr := json.Unmarshal(body, &msg)

	s.mu.Lock()
	v := s.faultVerdictLocked(responseURLMethod)
	status, rep := http.StatusOK, reply{"ok": true}
	if v.kind == faultNone {
		ch, known := s.respURLs[id]
		switch {
		case !known:
			status, rep = http.StatusNotFound, failure("no_service")
		case r.Method != http.MethodPost, rerr != nil, jerr != nil:
			status, rep = http.StatusBadRequest, failure("invalid_payload")
		default:
			s.respPosts = append(s.respPosts, ResponseURLPost{
				URL: s.base + r.URL.Path, Channel: ch, ResponseType: msg.ResponseType,
				Text: msg.Text, Blocks: nullToNil(msg.Blocks), ReplaceOriginal: msg.ReplaceOriginal,
				DeleteOriginal: msg.DeleteOriginal, ThreadTS: msg.ThreadTS,
				Raw: append(json.RawMessage(nil), body...), Time: time.Now(),
			})
		}
		errCode, _ := rep["error"].(string)
		if v = s.loseVerdictLocked(responseURLMethod); v.kind != faultNone {
			status, errCode = v.status(), v.errCode() // applied, answer lost
		}
		s.recordLocked(responseURLMethod, status, errCode)
	} else {
		s.recordLocked(responseURLMethod, v.status(), v.errCode())
	}
	s.bumpLocked()
	s.mu.Unlock()
	if v.kind != faultNone {
		v.write(w)
		return
	}
	writeJSON(w, status, rep)
}

func nullToNil(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}
