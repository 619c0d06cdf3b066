package discordfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestAuthAndIdentity(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	me, err := s.User("@me")
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != f.BotUserID() || !me.Bot {
		t.Fatalf("users/@me = %+v", me)
	}

	bad, _ := discordgo.New("Bot wrong")
	bad.Client = f.Client()
	_, err = bad.User("@me")
	restErr(t, err, http.StatusUnauthorized, 0)
	if got := f.InvalidRequestCount(); got != 1 {
		t.Fatalf("InvalidRequestCount = %d, want 1 (401 counts)", got)
	}

	// The transport is a safety net: nothing but Discord hosts and the fake itself.
	if _, err := f.Client().Get("https://example.com/"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("non-Discord host not refused: %v", err)
	}
	// Unknown routes answer Discord's 404 and are logged.
	_, err = s.Request("GET", discordgo.EndpointAPI+"nope/123", nil)
	restErr(t, err, http.StatusNotFound, 0)
}

func TestPrivateChannelLifecycle(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	catID, chID := privateChannel(t, f, s)

	got, err := s.Channel(chID)
	if err != nil {
		t.Fatal(err)
	}
	// Discord normalizes text channel names; the bot must not expect its input back verbatim.
	if got.Name != "inc-42-db-down" || got.ParentID != catID || got.Topic != "sev1" || got.GuildID != guildID {
		t.Fatalf("channel read back = %+v", got)
	}
	if len(got.PermissionOverwrites) != 3 || got.PermissionOverwrites[0].Deny != discordgo.PermissionViewChannel {
		t.Fatalf("overwrites = %+v", got.PermissionOverwrites)
	}
	fc, _ := f.Channel(chID)
	want := []Overwrite{
		{ID: guildID, Type: 0, Deny: PermViewChannel},
		{ID: f.BotUserID(), Type: 1, Allow: PermViewChannel | PermSendMessages},
		{ID: alice, Type: 1, Allow: PermViewChannel},
	}
	for i, o := range want {
		if fc.Overwrites[i] != o {
			t.Fatalf("overwrite %d = %+v, want %+v", i, fc.Overwrites[i], o)
		}
	}
	if f.Permissions(chID, alice)&PermViewChannel == 0 || f.Permissions(chID, bob) != 0 {
		t.Fatalf("visibility wrong: alice %d bob %d", f.Permissions(chID, alice), f.Permissions(chID, bob))
	}
	// The exact request body is in the log, for assertions on the wire format.
	var body map[string]any
	for _, e := range f.RequestLog() {
		if e.Route == RouteCreateChannel && strings.Contains(string(e.Body), "INC 42") {
			_ = json.Unmarshal(e.Body, &body)
		}
	}
	if ows, _ := body["permission_overwrites"].([]any); len(ows) != 3 || ows[0].(map[string]any)["deny"] != "1024" {
		t.Fatalf("logged body = %v", body)
	}

	list, err := s.GuildChannels(guildID)
	if err != nil || len(list) != 2 {
		t.Fatalf("GuildChannels = %d, %v", len(list), err)
	}
	topic := "sev1 - mitigated"
	if _, err := s.ChannelEdit(chID, &discordgo.ChannelEdit{Topic: topic}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChannelPermissionSet(chID, bob, discordgo.PermissionOverwriteTypeMember, discordgo.PermissionViewChannel, 0); err != nil {
		t.Fatal(err)
	}
	if f.Permissions(chID, bob)&PermViewChannel == 0 {
		t.Fatal("bob should see the channel after ChannelPermissionSet")
	}
	if err := s.ChannelPermissionDelete(chID, bob); err != nil {
		t.Fatal(err)
	}
	fc, _ = f.Channel(chID)
	if fc.Topic != topic || len(fc.Overwrites) != 3 || f.Permissions(chID, bob) != 0 {
		t.Fatalf("after edits: %+v", fc)
	}
	// Archive by deleting the category: the channel survives, uncategorized.
	if _, err := s.ChannelDelete(catID); err != nil {
		t.Fatal(err)
	}
	fc, _ = f.Channel(chID)
	if fc.ParentID != "" || len(f.DeletedChannels()) != 1 {
		t.Fatalf("after category delete: parent %q deleted %d", fc.ParentID, len(f.DeletedChannels()))
	}

	// A private channel that forgets the bot locks the bot out, like on Discord.
	locked, err := s.GuildChannelCreateComplex(guildID, discordgo.GuildChannelCreateData{
		Name: "locked", PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ChannelMessageSend(locked.ID, "hello?")
	restErr(t, err, http.StatusForbidden, CodeMissingAccess)
}

func TestChannelLimits(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	cat := f.AddChannel(guildID, "full", ChannelCategory, "")
	for i := 0; i < DefaultCategoryLimit; i++ {
		f.AddChannel(guildID, "c", ChannelText, cat)
	}
	_, err := s.GuildChannelCreateComplex(guildID, discordgo.GuildChannelCreateData{Name: "one-too-many", ParentID: cat})
	re := restErr(t, err, http.StatusBadRequest, CodeInvalidFormBody)
	if !bytes.Contains(re.ResponseBody, []byte("CHANNEL_PARENT_MAX_CHANNELS")) {
		t.Fatalf("body = %s", re.ResponseBody)
	}
	// Moving a channel into the full category fails the same way.
	loose := f.AddChannel(guildID, "loose", ChannelText, "")
	_, err = s.ChannelEdit(loose, &discordgo.ChannelEdit{ParentID: cat})
	restErr(t, err, http.StatusBadRequest, CodeInvalidFormBody)

	for n := len(f.Channels(guildID)); n < DefaultGuildChannelLimit; n++ {
		f.AddChannel(guildID, "filler", ChannelText, "")
	}
	_, err = s.GuildChannelCreate(guildID, "inc-501", discordgo.ChannelTypeGuildText)
	re = restErr(t, err, http.StatusBadRequest, CodeMaxGuildChannels)
	if re.Message.Message != "Maximum number of guild channels reached (500)" {
		t.Fatalf("message = %q", re.Message.Message)
	}
	if n := len(f.Channels(guildID)); n != DefaultGuildChannelLimit {
		t.Fatalf("channels = %d after rejected creates", n)
	}
}

func TestMessagesPinsReactionsDMsFiles(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	_, chID := privateChannel(t, f, s)

	m, err := s.ChannelMessageSendComplex(chID, &discordgo.MessageSend{
		Content: "Incident declared",
		Embeds:  []*discordgo.MessageEmbed{{Title: "INC-42", Description: "db down"}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Ack", CustomID: "ack:42", Style: discordgo.PrimaryButton}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Author.ID != f.BotUserID() || m.ChannelID != chID || len(m.Components) != 1 || len(m.Embeds) != 1 {
		t.Fatalf("sent message = %+v", m)
	}
	if _, err := s.ChannelMessageEdit(chID, m.ID, "Incident declared (sev1)"); err != nil {
		t.Fatal(err)
	}
	if err := s.ChannelMessagePin(chID, m.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.MessageReactionAdd(chID, m.ID, "🚨"); err != nil {
		t.Fatal(err)
	}
	err = s.MessageReactionAdd(chID, m.ID, "rotating_light")
	restErr(t, err, http.StatusBadRequest, CodeUnknownEmoji)

	// Reading a message back, as the bot does for a reacted message.
	got, err := s.ChannelMessage(chID, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Content != "Incident declared (sev1)" || got.EditedTimestamp == nil || !got.Pinned ||
		got.Timestamp.IsZero() || len(got.Reactions) != 1 || !got.Reactions[0].Me || len(got.Embeds) != 1 {
		t.Fatalf("read back = %+v", got)
	}
	if got.GuildID != "" {
		t.Fatalf("REST messages carry no guild_id on Discord, got %q", got.GuildID)
	}
	if p := f.Pins(chID); len(p) != 1 || p[0] != m.ID {
		t.Fatalf("pins = %v", p)
	}
	_, err = s.ChannelMessageSend(chID, strings.Repeat("x", 2001))
	restErr(t, err, http.StatusBadRequest, CodeInvalidFormBody)
	_, err = s.ChannelMessageSend(chID, "")
	restErr(t, err, http.StatusBadRequest, CodeEmptyMessage)

	// File upload: multipart payload_json + files[0].
	data := []byte("2024-01-01 db01 OOM\n")
	up, err := s.ChannelMessageSendComplex(chID, &discordgo.MessageSend{
		Content: "logs",
		Files:   []*discordgo.File{{Name: "db01.log", ContentType: "text/plain", Reader: bytes.NewReader(data)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Attachments) != 1 || up.Attachments[0].Filename != "db01.log" || up.Attachments[0].Size != len(data) {
		t.Fatalf("attachments = %+v", up.Attachments)
	}
	msgs := f.Messages(chID)
	if len(msgs) != 2 || !bytes.Equal(msgs[1].Attachments[0].Data, data) || msgs[1].Content != "logs" {
		t.Fatalf("stored = %+v", msgs)
	}

	// DMs: the same channel every time; blocked DMs fail with 50007.
	dm, err := s.UserChannelCreate(carol)
	if err != nil {
		t.Fatal(err)
	}
	dm2, _ := s.UserChannelCreate(carol)
	if dm.Type != discordgo.ChannelTypeDM || dm.ID != dm2.ID || dm.Recipients[0].ID != carol {
		t.Fatalf("dm = %+v / %+v", dm, dm2)
	}
	if _, err := s.ChannelMessageSend(dm.ID, "You are on call for INC-42"); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.DMChannel(carol); len(f.Messages(c.ID)) != 1 {
		t.Fatal("DM not stored")
	}
	f.BlockDMs(carol, true)
	_, err = s.ChannelMessageSend(dm.ID, "again")
	restErr(t, err, http.StatusForbidden, CodeCannotDMUser)
}

func TestCommandsBulkOverwrite(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	cmds := []*discordgo.ApplicationCommand{{
		Name: "incident", Description: "Incident commands",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "role", Description: "Roles",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "assign", Description: "Assign a role",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionUser, Name: "user", Description: "Who", Required: true},
				},
			}},
		}},
	}}
	out, err := s.ApplicationCommandBulkOverwrite(f.ApplicationID(), guildID, cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].ID == "" || out[0].GuildID != guildID || out[0].Version == "" {
		t.Fatalf("returned = %+v", out[0])
	}
	// Re-registering keeps the id, as Discord does.
	again, err := s.ApplicationCommandBulkOverwrite(f.ApplicationID(), guildID, cmds)
	if err != nil || again[0].ID != out[0].ID {
		t.Fatalf("id changed on overwrite: %v %v", again, err)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(f.ApplicationID(), "", cmds); err != nil {
		t.Fatal(err)
	}
	if len(f.Commands(guildID)) != 1 || len(f.Commands("")) != 1 || len(f.CommandUploads()) != 3 {
		t.Fatalf("commands guild=%d global=%d uploads=%d", len(f.Commands(guildID)), len(f.Commands("")), len(f.CommandUploads()))
	}
	var raw []map[string]any
	_ = json.Unmarshal(f.CommandUploads()[0].Body, &raw)
	if raw[0]["name"] != "incident" {
		t.Fatalf("upload body = %s", f.CommandUploads()[0].Body)
	}
	// Discord rejects upper-case chat command names and missing descriptions.
	_, err = s.ApplicationCommandBulkOverwrite(f.ApplicationID(), guildID, []*discordgo.ApplicationCommand{{Name: "Incident", Description: "x"}})
	restErr(t, err, http.StatusBadRequest, CodeInvalidFormBody)
	_, err = s.ApplicationCommandBulkOverwrite(f.ApplicationID(), guildID, []*discordgo.ApplicationCommand{{Name: "incident"}})
	restErr(t, err, http.StatusBadRequest, CodeInvalidFormBody)
	if len(f.CommandUploads()) != 3 {
		t.Fatal("rejected uploads must not be recorded")
	}
}
