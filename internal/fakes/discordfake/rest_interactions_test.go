package discordfake

import (
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction rules can be checked without a gateway: DispatchInteraction registers the
// interaction (the event itself waits for an identify that never comes) and the callback routes
// only need its id and token.
func TestInteractionRules(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "general", ChannelText, "")
	in := func(ref InteractionRef) *discordgo.Interaction {
		return &discordgo.Interaction{ID: ref.ID, Token: ref.Token, AppID: f.ApplicationID()}
	}

	ref := f.DispatchInteraction(InteractionSpec{GuildID: guildID, ChannelID: ch, UserID: alice, Command: "incident"})
	if ref.Seq != 0 {
		t.Fatalf("no session yet: event must be queued, got seq %d", ref.Seq)
	}
	// Follow-ups before the initial response: Unknown Webhook.
	_, err := s.FollowupMessageCreate(in(ref), true, &discordgo.WebhookParams{Content: "too early"})
	restErr(t, err, http.StatusNotFound, CodeUnknownWebhook)
	// Type 6/7 are for component interactions only.
	err = s.InteractionRespond(in(ref), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	restErr(t, err, http.StatusBadRequest, CodeInvalidFormBody)
	// Type 4 with an ephemeral message and an attachment.
	err = s.InteractionRespond(in(ref), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "declared", Flags: discordgo.MessageFlagsEphemeral,
			Files: []*discordgo.File{{Name: "timeline.md", Reader: stringsReader("# INC-1")}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := f.InteractionResponses(ref.ID)
	if len(r) != 1 || r[0].Type != 4 || !r[0].Ephemeral || r[0].Content != "declared" || string(r[0].Attachments[0].Data) != "# INC-1" {
		t.Fatalf("responses = %+v", r)
	}
	if len(f.Messages(ch)) != 0 {
		t.Fatal("ephemeral replies are not channel messages")
	}
	// wait=false: Discord answers 204 and discordgo returns nil.
	m, err := s.FollowupMessageCreate(in(ref), false, &discordgo.WebhookParams{Content: "public follow-up"})
	if err != nil || m != nil {
		t.Fatalf("followup without wait = %v, %v", m, err)
	}
	if msgs := f.Messages(ch); len(msgs) != 1 || msgs[0].WebhookID != f.ApplicationID() {
		t.Fatalf("messages = %+v", msgs)
	}

	// The 3 s window: a 1 ns window has always passed by the time the callback arrives.
	late := New(t, WithInteractionWindow(time.Nanosecond))
	late.AddGuild(guildID, "ops")
	late.AddMember(guildID, alice, "alice")
	ls := restSession(t, late)
	lref := late.DispatchInteraction(InteractionSpec{GuildID: guildID, ChannelID: "1", UserID: alice, CustomID: "ack"})
	err = ls.InteractionRespond(&discordgo.Interaction{ID: lref.ID, Token: lref.Token},
		&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	restErr(t, err, http.StatusNotFound, CodeUnknownInteraction)
	if len(late.InteractionResponses(lref.ID)) != 0 {
		t.Fatal("a late response must not be recorded as accepted")
	}
}
