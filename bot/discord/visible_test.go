package discord

import (
	"context"
	"errors"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
)

// An upload's last check (bot.BeforeVisible) runs right before the message with the file is
// created: refused, nothing reaches Discord and the refusal comes back as it is (the
// deliverer reads the upload again); passed, the file is posted. The bytes on their way are
// the ones the deliverer read before a redaction could commit.
func TestAnUploadRefusedAtItsLastCheckIsNotSent(t *testing.T) {
	fake := newTestFake(t)
	a := restAdapter(t, fake, nil)
	ctx := context.Background()
	ch, err := a.CreateChannel(ctx, "inc-1-db-down", true, "")
	if err != nil {
		t.Fatal(err)
	}
	checks := 0
	refuse := bot.WithBeforeVisible(ctx, func(context.Context) error { checks++; return bot.ErrRewritten })
	file := bot.File{Name: "report-INC-1.md", Data: []byte("# report: the password is hunter2")}
	if err := a.Upload(refuse, ch.ID, file); !errors.Is(err, bot.ErrRewritten) {
		t.Fatalf("upload refused at its last check: %v, want bot.ErrRewritten", err)
	}
	if checks != 1 || len(fake.Messages(ch.ID)) != 0 || fake.RouteCount(discordfake.RouteCreateMessage) != 0 {
		t.Fatalf("%d checks, %d messages, %d message creates after a refused upload; want 1, 0, 0",
			checks, len(fake.Messages(ch.ID)), fake.RouteCount(discordfake.RouteCreateMessage))
	}
	pass := bot.WithBeforeVisible(ctx, func(context.Context) error { checks++; return nil })
	if err := a.Upload(pass, ch.ID, file); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages(ch.ID); checks != 2 || len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("%d checks, messages %+v after an upload that passed its check", checks, msgs)
	}
}
