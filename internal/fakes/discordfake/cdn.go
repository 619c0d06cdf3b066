package discordfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The CDN. Attachments are listed with a signed URL on cdn.discordapp.com, as Discord lists
// them since 2024: ?ex=<expiry, hex unix>&is=<issued>&hm=<signature>. The fake serves
// GET /attachments/<channel>/<attachment>/<filename> (what a client's transport, rewriting
// Discord's hosts to the fake, sends) only with a valid, unexpired signature, and answers
// anything else as the CDN does: 404 "This content is no longer available.". The CDN takes
// no token; every download is recorded with whether one was sent anyway (CDNDownloads), so a
// test can check the bot token never left for the CDN.

// cdnLinkLife is how long a listed URL stays valid (Discord: about a day).
const cdnLinkLife = 24 * time.Hour

// CDNDownload is one request to the CDN.
type CDNDownload struct {
	Path string
	// Authorization is the header the request carried ("" when none, as it should be).
	Authorization string
	Status        int
	Bytes         int64 // body bytes written
}

// AddMessageWithFiles stores a message from authorID that carries attachments, without
// dispatching MESSAGE_CREATE (the message a 🧾 test points at). It returns the message id
// and the attachments' ids.
func (s *Server) AddMessageWithFiles(channelID, authorID, content string, files ...Attachment) (string, []string) {
	id := s.AddMessage(channelID, authorID, content)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.messages[id]
	var ids []string
	for _, f := range files {
		f.ID = s.st.nextID()
		f.Data = append([]byte(nil), f.Data...)
		m.Attachments = append(m.Attachments, f)
		ids = append(ids, f.ID)
	}
	return id, ids
}

// CDNDownloads lists the CDN requests so far.
func (s *Server) CDNDownloads() []CDNDownload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CDNDownload(nil), s.st.cdn...)
}

// attachmentSize is the size Discord lists for an attachment.
func (a Attachment) attachmentSize() int64 {
	switch {
	case a.ListedSize > 0:
		return a.ListedSize
	case a.Zeros > 0:
		return a.Zeros
	}
	return int64(len(a.Data))
}

// signCDN is the query that makes path downloadable until ex.
func (st *state) signCDN(path string, issued time.Time) string {
	ex := strconv.FormatInt(issued.Add(cdnLinkLife).Unix(), 16)
	is := strconv.FormatInt(issued.Unix(), 16)
	return "ex=" + ex + "&is=" + is + "&hm=" + st.cdnMAC(path, ex, is)
}

func (st *state) cdnMAC(path, ex, is string) string {
	mac := hmac.New(sha256.New, []byte("discordfake-cdn:"+st.cfg.token))
	_, _ = io.WriteString(mac, path+"|"+ex+"|"+is)
	return hex.EncodeToString(mac.Sum(nil))
}

// serveCDN answers GET /attachments/<channel>/<attachment>/<filename>.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	rec := CDNDownload{Path: r.URL.Path, Authorization: r.Header.Get("Authorization")}
	gone := func() {
		rec.Status = http.StatusNotFound
		s.mu.Lock()
		s.st.cdn = append(s.st.cdn, rec)
		s.mu.Unlock()
		s.changed()
		http.Error(w, "This content is no longer available.", http.StatusNotFound)
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/attachments/"), "/")
	q := r.URL.Query()
	if r.Method != http.MethodGet || len(segs) != 3 {
		gone()
		return
	}
	ex, err := strconv.ParseInt(q.Get("ex"), 16, 64)
	s.mu.Lock()
	valid := err == nil && time.Now().Unix() < ex && hmac.Equal([]byte(q.Get("hm")), []byte(s.st.cdnMAC(r.URL.EscapedPath(), q.Get("ex"), q.Get("is"))))
	var att *Attachment
	if m := s.st.messageWithAttachment(segs[0], segs[1]); valid && m != nil {
		for i := range m.Attachments {
			if m.Attachments[i].ID == segs[1] {
				a := m.Attachments[i]
				att = &a
			}
		}
	}
	s.mu.Unlock()
	if att == nil {
		gone()
		return
	}
	var body io.Reader = strings.NewReader(string(att.Data))
	size := int64(len(att.Data))
	if att.Zeros > 0 {
		body, size = io.LimitReader(zeros{}, att.Zeros), att.Zeros
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	rec.Status = http.StatusOK
	rec.Bytes, _ = io.Copy(w, body) // a client that stops reading ends the copy
	s.mu.Lock()
	s.st.cdn = append(s.st.cdn, rec)
	s.mu.Unlock()
	s.changed()
}

// messageWithAttachment finds the (non-ephemeral) message in channelID holding attachment id.
func (st *state) messageWithAttachment(channelID, id string) *Message {
	for _, mid := range st.channelMsgs[channelID] {
		m := st.messages[mid]
		if m == nil || m.Ephemeral {
			continue
		}
		for _, a := range m.Attachments {
			if a.ID == id {
				return m
			}
		}
	}
	return nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// cdnURL is an attachment's signed URL.
func (st *state) cdnURL(host, channelID string, a Attachment, issued time.Time) string {
	path := "/attachments/" + channelID + "/" + a.ID + "/" + url.PathEscape(a.Filename)
	return "https://" + host + path + "?" + st.signCDN(path, issued)
}
