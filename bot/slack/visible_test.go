package slack

import (
	"context"
	"errors"
	"testing"

	"github.com/warroom/warroom/bot"
)

// An upload's last check (bot.BeforeVisible) runs after the bytes are at Slack's upload URL
// and before files.completeUploadExternal shares the file: refused, the file is shared with
// no one and the refusal comes back as it is (the deliverer reads the upload again);
// passed, it is shared.
func TestAnUploadRefusedAtItsLastCheckIsNotShared(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	ch, err := ta.CreateChannel(ctx, "inc-1-x", true, "")
	if err != nil {
		t.Fatal(err)
	}
	var checks [][2]int // uploads and completions the fake had had at each check
	check := func(err error) context.Context {
		return bot.WithBeforeVisible(ctx, func(context.Context) error {
			checks = append(checks, [2]int{ta.fake.SuccessfulCalls("(upload)"), ta.fake.Calls("files.completeUploadExternal")})
			return err
		})
	}
	file := bot.File{Name: "report-INC-1.md", Data: []byte("# report: the password is hunter2")}
	if err := ta.Upload(check(bot.ErrRewritten), ch.ID, file); !errors.Is(err, bot.ErrRewritten) {
		t.Fatalf("upload refused at its last check: %v, want bot.ErrRewritten", err)
	}
	if n := ta.fake.Calls("files.completeUploadExternal"); n != 0 || len(ta.fake.Files(ch.ID)) != 0 {
		t.Fatalf("a refused upload was completed (%d calls) or shared: %+v", n, ta.fake.Files(ch.ID))
	}
	if err := ta.Upload(check(nil), ch.ID, file); err != nil {
		t.Fatal(err)
	}
	if f := ta.fake.Files(ch.ID); len(f) != 1 || string(f[0].Bytes) != string(file.Data) {
		t.Fatalf("files %+v after an upload that passed its check", f)
	}
	if len(checks) != 2 || checks[0] != [2]int{1, 0} || checks[1] != [2]int{2, 0} {
		t.Fatalf("checks saw %v (uploads, completions), want [[1 0] [2 0]]: each check comes after its bytes and before completion", checks)
	}
}
