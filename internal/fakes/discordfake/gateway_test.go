package discordfake

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// recorder captures what a discordgo session's handlers saw. Handlers only push into buffered
// channels so they never block the session (they run synchronously: SyncEvents is on).
type recorder struct {
	ready        chan *discordgo.Ready
	resumed      chan *discordgo.Resumed
	guilds       chan *discordgo.GuildCreate
	interactions chan *discordgo.InteractionCreate
	reactions    chan *discordgo.MessageReactionAdd

	mu       sync.Mutex
	messages map[string]int // message id -> MESSAGE_CREATE deliveries
	contents map[string]string
}

func newRecorder(s *discordgo.Session) *recorder {
	r := &recorder{
		ready: make(chan *discordgo.Ready, 10), resumed: make(chan *discordgo.Resumed, 10),
		guilds: make(chan *discordgo.GuildCreate, 10), interactions: make(chan *discordgo.InteractionCreate, 10),
		reactions: make(chan *discordgo.MessageReactionAdd, 10),
		messages:  map[string]int{}, contents: map[string]string{},
	}
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Ready) { r.ready <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Resumed) { r.resumed <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildCreate) { r.guilds <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.InteractionCreate) { r.interactions <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageReactionAdd) { r.reactions <- e })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageCreate) {
		r.mu.Lock()
		r.messages[e.ID]++
		r.contents[e.ID] = e.Content
		r.mu.Unlock()
	})
	return r
}

func (r *recorder) deliveries(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.messages[id]
}

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLong):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func incidentCommand() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{{
		Name: "incident", Description: "Incident commands",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "role", Description: "Roles",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "assign", Description: "Assign a role",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionUser, Name: "user", Description: "Who", Required: true},
					{Type: discordgo.ApplicationCommandOptionString, Name: "role", Description: "Which role", Required: true},
				},
			}},
		}},
	}}
}

// TestGatewaySession drives one real discordgo session through the whole gateway story. One
// session on purpose: every discordgo Close (including the ones a drop and an op 7 cause) costs
// a real second.
func TestGatewaySession(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	general := f.AddChannel(guildID, "general", ChannelText, "")
	s := restSession(t, f)
	s.SyncEvents = true // handlers in order, in the read loop: "marker arrived" implies all before it ran
	rec := newRecorder(s)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() }) // registered after New, so it runs before the fake closes

	// Handshake: hello, identify, READY, GUILD_CREATE, heartbeat acked.
	ready := recv(t, rec.ready, "READY")
	if ready.SessionID != f.SessionID() || ready.User.ID != f.BotUserID() || ready.Application.ID != f.ApplicationID() {
		t.Fatalf("READY = %+v", ready)
	}
	gc := recv(t, rec.guilds, "GUILD_CREATE")
	if gc.ID != guildID || len(gc.Channels) != 1 || len(gc.Members) != 3 || gc.Channels[0].GuildID != guildID {
		t.Fatalf("GUILD_CREATE = %+v", gc.Guild)
	}
	if !f.WaitFor(func() bool { return f.HeartbeatAckCount() >= 1 }, waitLong) {
		t.Fatal("no heartbeat acked")
	}
	if ids := f.Identifies(); len(ids) != 1 || ids[0].Intents != int64(discordgo.IntentsAllWithoutPrivileged) {
		t.Fatalf("identifies = %+v", ids)
	}

	// Slash command with a sub-command group and a resolved user option.
	if _, err := s.ApplicationCommandBulkOverwrite(f.ApplicationID(), guildID, incidentCommand()); err != nil {
		t.Fatal(err)
	}
	ref := f.DispatchInteraction(InteractionSpec{GuildID: guildID, ChannelID: general, UserID: alice,
		Command: "incident", Options: []CommandOption{SubCommandGroup("role",
			SubCommand("assign", UserOption("user", bob), StringOption("role", "scribe")))}})
	ic := recv(t, rec.interactions, "INTERACTION_CREATE")
	data := ic.ApplicationCommandData()
	leaf := data.Options[0].Options[0]
	if ic.ID != ref.ID || ic.Token != ref.Token || ic.Member.User.ID != alice || data.ID != f.Commands(guildID)[0].ID ||
		data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommandGroup || leaf.Name != "assign" ||
		leaf.Options[0].UserValue(nil).ID != bob || leaf.Options[1].StringValue() != "scribe" ||
		data.Resolved.Users[bob].Username != "bob" || data.Resolved.Members[bob] == nil {
		t.Fatalf("interaction = %+v data = %+v", ic.Interaction, data)
	}
	if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	fm, err := s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{
		Content: "only you can see this", Flags: discordgo.MessageFlagsEphemeral})
	if err != nil || fm == nil || fm.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("followup = %+v, %v", fm, err)
	}
	done := "bob is now scribe"
	if _, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &done}); err != nil {
		t.Fatal(err)
	}
	err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	restErr(t, err, http.StatusBadRequest, CodeAlreadyAcknowledged)
	resp := f.InteractionResponses(ref.ID)
	if len(resp) != 1 || resp[0].Type != 5 || resp[0].Elapsed <= 0 || resp[0].Elapsed > DefaultInteractionWindow {
		t.Fatalf("responses = %+v", resp)
	}
	fups := f.Followups(ref.Token)
	if len(fups) != 2 || fups[0].Op != "create" || !fups[0].Ephemeral || fups[1].Op != "edit" || !fups[1].Original || fups[1].Content != done {
		t.Fatalf("followups = %+v", fups)
	}
	if msgs := f.Messages(general); len(msgs) != 1 || msgs[0].Content != done || msgs[0].Flags&FlagLoading != 0 {
		t.Fatalf("channel messages = %+v (ephemeral follow-ups are not listed)", msgs)
	}

	// Button click answered with type 7 (update the message carrying the button).
	btn, err := s.ChannelMessageSendComplex(general, &discordgo.MessageSend{Content: "INC-42 declared",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Ack", CustomID: "ack:42", Style: discordgo.PrimaryButton}}}}})
	if err != nil {
		t.Fatal(err)
	}
	f.DispatchInteraction(InteractionSpec{GuildID: guildID, ChannelID: general, UserID: alice, CustomID: "ack:42", MessageID: btn.ID})
	ic2 := recv(t, rec.interactions, "component INTERACTION_CREATE")
	if ic2.MessageComponentData().CustomID != "ack:42" || ic2.Message == nil || ic2.Message.ID != btn.ID {
		t.Fatalf("component interaction = %+v", ic2.Interaction)
	}
	if err := s.InteractionRespond(ic2.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "INC-42 acknowledged by alice"}}); err != nil {
		t.Fatal(err)
	}
	if m, _ := f.Message(btn.ID); m.Content != "INC-42 acknowledged by alice" || m.EditCount != 1 {
		t.Fatalf("updated message = %+v", m)
	}

	// Reaction dispatched to a handler; the reacted message can then be read over REST.
	f.DispatchReactionAdd(guildID, general, btn.ID, alice, "📌")
	ra := recv(t, rec.reactions, "MESSAGE_REACTION_ADD")
	if ra.Emoji.Name != "📌" || ra.UserID != alice || ra.MessageID != btn.ID || ra.GuildID != guildID || ra.Member.User.ID != alice {
		t.Fatalf("reaction = %+v", ra.MessageReaction)
	}
	if m, err := s.ChannelMessage(ra.ChannelID, ra.MessageID); err != nil || m.Author.ID != f.BotUserID() || len(m.Reactions) != 1 {
		t.Fatalf("reacted message = %+v, %v", m, err)
	}

	// Dropped TCP: discordgo resumes (no identify) and the event sent meanwhile arrives once.
	f.DropConnection()
	during := f.DispatchMessageCreate(general, alice, "posted while the bot was away")
	recv(t, rec.resumed, "RESUMED after drop")
	if f.ResumeCount() != 1 || f.IdentifyCount() != 1 {
		t.Fatalf("resumes %d identifies %d, want 1/1", f.ResumeCount(), f.IdentifyCount())
	}
	marker := f.DispatchMessageCreate(general, bob, "marker")
	if !f.WaitFor(func() bool { return rec.deliveries(marker) == 1 }, waitLong) {
		t.Fatal("marker not delivered")
	}
	if n := rec.deliveries(during); n != 1 {
		t.Fatalf("event dispatched during the drop delivered %d times, want 1", n)
	}
	rec.mu.Lock()
	content := rec.contents[during]
	rec.mu.Unlock()
	if content != "" {
		t.Fatalf("without the MESSAGE_CONTENT intent content must arrive empty, got %q", content)
	}

	// op 7 Reconnect: discordgo closes, reconnects and resumes.
	if !f.SendReconnect() {
		t.Fatal("no live connection for op 7")
	}
	recv(t, rec.resumed, "RESUMED after op 7")
	if f.ResumeCount() != 2 || f.IdentifyCount() != 1 {
		t.Fatalf("resumes %d identifies %d, want 2/1", f.ResumeCount(), f.IdentifyCount())
	}

	// op 9 (not resumable): discordgo identifies again on the same connection.
	f.SendInvalidSession(false)
	ready2 := recv(t, rec.ready, "second READY")
	if f.IdentifyCount() != 2 || ready2.SessionID == ready.SessionID || ready2.SessionID != f.SessionID() {
		t.Fatalf("identifies %d session %q (was %q)", f.IdentifyCount(), ready2.SessionID, ready.SessionID)
	}
	after := f.DispatchMessageCreate(general, alice, "after re-identify")
	if !f.WaitFor(func() bool { return rec.deliveries(after) == 1 }, waitLong) {
		t.Fatal("event after re-identify not delivered")
	}
}
