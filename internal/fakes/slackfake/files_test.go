package slackfake_test

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"
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
