package discord

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/testutil"
)

// An answer the adapter could not deliver is logged with the verb it answered (never the
// answer's text), so an operator can tell whose answer was lost.
func TestAnUndeliveredAnswerNamesItsVerb(t *testing.T) {
	fake := newTestFake(t)
	ch := fake.AddChannel(tGuild, "general", discordfake.ChannelText, "")
	logs := &testutil.LockedBuffer{}
	a := restAdapter(t, fake, func(c *Config) { c.Log = slog.New(slog.NewTextHandler(logs, nil)) })
	ctx := context.Background()
	ref := fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: tGuild, ChannelID: ch, UserID: tAlice,
		Command: "incident", Options: []discordfake.CommandOption{discordfake.SubCommand("list")}})
	in := &discordgo.Interaction{ID: ref.ID, Token: ref.Token, AppID: fake.ApplicationID(), Type: discordgo.InteractionApplicationCommand}
	if err := a.acknowledge(ctx, in); err != nil {
		t.Fatal(err)
	}
	fake.FailNext(discordfake.RouteEditWebhookMessage, 100, http.StatusForbidden, discordfake.CodeMissingAccess, "Missing Access")
	a.answer(ctx, in, bot.Reply{Text: bot.Plain("Noted on INC-1 as entry 4."), Verb: "incident note"})
	var line string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "answering an interaction failed") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no log line for the lost answer:\n%s", logs.String())
	}
	if !strings.Contains(line, `verb="incident note"`) || strings.Contains(line, "Noted on") {
		t.Errorf("the lost answer's log line should name its verb and hold none of its text: %s", line)
	}
}
