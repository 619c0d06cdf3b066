package discordfake

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// A seeded attachment is listed with a signed CDN URL that serves its bytes, with no token
// needed; an unsigned or tampered link gets the CDN's 404.
func TestCDNServesSignedAttachmentLinks(t *testing.T) {
	f := newFake(t)
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "inc-1", ChannelText, "")
	id, ids := f.AddMessageWithFiles(ch, alice, "dropper", Attachment{Filename: "drop per.exe", Data: []byte("MZ payload")},
		Attachment{Filename: "big.img", Zeros: 3 << 20})
	m, err := s.ChannelMessage(ch, id)
	if err != nil || len(m.Attachments) != 2 {
		t.Fatalf("message %+v %v", m, err)
	}
	at := m.Attachments[0]
	if at.ID != ids[0] || at.Size != 10 || !strings.HasPrefix(at.URL, "https://cdn.discordapp.com/attachments/"+ch+"/"+ids[0]+"/") || !strings.Contains(at.URL, "&hm=") {
		t.Fatalf("attachment %+v", at)
	}
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := f.Client().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get(at.URL); st != http.StatusOK || body != "MZ payload" {
		t.Fatalf("signed link: %d %q", st, body)
	}
	if st, body := get(m.Attachments[1].URL); st != http.StatusOK || len(body) != 3<<20 {
		t.Fatalf("zeros: %d, %d bytes", st, len(body))
	}
	unsigned, _, _ := strings.Cut(at.URL, "?")
	tampered := strings.Replace(at.URL, "hm=", "hm=0", 1)
	for _, u := range []string{unsigned, tampered, strings.Replace(at.URL, ids[0], ids[1], 1)} {
		if st, body := get(u); st != http.StatusNotFound || strings.Contains(body, "MZ") {
			t.Errorf("%s: %d %q", u, st, body)
		}
	}
	dl := f.CDNDownloads()
	if len(dl) != 5 || dl[0].Status != 200 || dl[0].Bytes != 10 || dl[0].Authorization != "" {
		t.Errorf("downloads %+v", dl)
	}
}
