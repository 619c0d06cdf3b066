package slackfake_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func TestUploadFileV2(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	ch := fake.AddChannel("inc-7", true, fake.BotUserID())
	content := "12:00 paged\n12:05 mitigated\n"

	sum, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader:         strings.NewReader(content),
		FileSize:       len(content),
		Filename:       "timeline.md",
		Title:          "Incident timeline",
		Channel:        ch,
		InitialComment: "postmortem draft",
	})
	if err != nil {
		t.Fatalf("UploadFileContext: %v", err)
	}
	files := fake.Files(ch)
	if len(files) != 1 {
		t.Fatalf("files = %+v", files)
	}
	f := files[0]
	if f.ID != sum.ID || f.Filename != "timeline.md" || f.Title != "Incident timeline" ||
		string(f.Bytes) != content || f.Length != len(content) || f.InitialComment != "postmortem draft" {
		t.Fatalf("file = %+v (summary %+v)", f, sum)
	}
	for _, m := range []string{"files.getUploadURLExternal", "(upload)", "files.completeUploadExternal"} {
		if fake.SuccessfulCalls(m) != 1 {
			t.Fatalf("%s calls = %d", m, fake.SuccessfulCalls(m))
		}
	}

	// Sharing into a private channel the bot is not in fails without effect.
	other := fake.AddChannel("elsewhere", true)
	_, err = api.UploadFileContext(ctx, slack.UploadFileParameters{
		Content: "x", FileSize: 1, Filename: "x.txt", Channel: other,
	})
	if err == nil || !strings.Contains(err.Error(), "not_in_channel") {
		t.Fatalf("upload to hidden channel: %v", err)
	}
	if len(fake.Files(other)) != 0 {
		t.Fatal("file shared despite error")
	}
}

// A shared file is listed on its message and served at url_private_download only to the bot
// token (with files:read, in a channel the file is in); anything else lands on the sign-in
// page, which slack-go reports as such.
func TestSharedFileDownload(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U0ALICE", "alice")
	ch := fake.AddChannel("inc-7", true, fake.BotUserID(), "U0ALICE")
	content := "MZ\x90\x00 ransomware sample"
	ts, ids := fake.PostFilesAsUser(ch, "U0ALICE", "the dropper", slackfake.FileUpload{Name: "dropper.exe", Data: []byte(content)},
		slackfake.FileUpload{Name: "big.img", Zeros: 3 << 20})
	hist := must(api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1}))(t)
	if len(hist.Messages) != 1 || len(hist.Messages[0].Files) != 2 {
		t.Fatalf("history %+v", hist.Messages)
	}
	f := hist.Messages[0].Files[0]
	if f.ID != ids[0] || f.Name != "dropper.exe" || f.Size != len(content) || f.User != "U0ALICE" || !strings.Contains(f.URLPrivateDownload, "/download/") {
		t.Fatalf("file %+v", f)
	}
	var got strings.Builder
	if err := api.GetFileContext(ctx, f.URLPrivateDownload, &got); err != nil || got.String() != content {
		t.Fatalf("download with the bot token: %q %v", got.String(), err)
	}
	var n countWriter
	if err := api.GetFileContext(ctx, hist.Messages[0].Files[1].URLPrivateDownload, &n); err != nil || n != 3<<20 {
		t.Fatalf("the zeros file: %d bytes, %v", n, err)
	}

	// No token, a wrong one, or a token without files:read: the sign-in page, never the bytes.
	resp, err := http.Get(f.URLPrivateDownload)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), content) || resp.Request.URL.Query().Get("redir") == "" {
		t.Fatalf("a download without the token got %q from %s", body, resp.Request.URL)
	}
	other := slack.New("xoxb-someone-else", slack.OptionAPIURL(fake.APIURL()))
	if err := other.GetFileContext(ctx, f.URLPrivateDownload, io.Discard); err == nil || !strings.Contains(err.Error(), "sign-in page") {
		t.Fatalf("a wrong token: %v", err)
	}
	scoped := slackfake.New(t, slackfake.WithScopes("channels:history"))
	scoped.AddUser("U0ALICE", "alice")
	sch := scoped.AddChannel("inc-8", true, scoped.BotUserID(), "U0ALICE")
	_, sids := scoped.PostFilesAsUser(sch, "U0ALICE", "", slackfake.FileUpload{Name: "x.txt", Data: []byte("x")})
	sapi := slack.New(scoped.BotToken(), slack.OptionAPIURL(scoped.APIURL()))
	url := scoped.BaseURL() + "/files-pri/" + scoped.TeamID() + "-" + sids[0] + "/download/x.txt"
	if err := sapi.GetFileContext(ctx, url, io.Discard); err == nil || !strings.Contains(err.Error(), "sign-in page") {
		t.Fatalf("a token without files:read: %v", err)
	}
	if fake.SuccessfulCalls("(download)") != 2 {
		t.Errorf("downloads served: %d, want 2", fake.SuccessfulCalls("(download)"))
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
