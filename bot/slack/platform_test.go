package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func TestCreateChannelPrivateWithSuffixAndTopic(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	ta.fake.AddChannel("inc-1-phishing", false)
	ch, err := ta.CreateChannel(ctx, "inc-1-phishing", true, "Phishing · sev3 medium")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := ta.fake.Channel(ch.ID)
	if !ok || ch.Name != "inc-1-phishing-2" || got.Name != ch.Name || !got.IsPrivate || got.Topic != "Phishing · sev3 medium" {
		t.Fatalf("created %+v, fake has %+v", ch, got)
	}
	// Public incident channels need the optional channels:manage (docs/slack §6).
	if _, err := ta.CreateChannel(ctx, "inc-2-x", false, ""); !errors.Is(err, bot.ErrPermanent) || !strings.Contains(err.Error(), "missing_scope") {
		t.Fatalf("a public channel with the manifest's scopes: %v, want missing_scope", err)
	}
	withManage := newTestAdapter(t, nil, "channels:manage")
	pub, err := withManage.CreateChannel(ctx, "inc-2-x", false, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := withManage.fake.Channel(pub.ID); got.IsPrivate {
		t.Fatal("private=false made a private channel")
	}
}

func TestInviteRemoveArePermissive(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	ta.fake.AddUser("U0ALICE", "alice")
	ta.fake.AddUser("U0BOB", "bob")
	ch, _ := ta.CreateChannel(ctx, "inc-1-x", true, "")
	if err := ta.Invite(ctx, ch.ID, []string{"U0ALICE", ta.fake.BotUserID()}); err != nil {
		t.Fatal(err)
	}
	// Delivered twice (an answer was lost), plus someone new: not an error, bob added.
	if err := ta.Invite(ctx, ch.ID, []string{"U0ALICE", "U0BOB"}); err != nil {
		t.Fatalf("re-invite: %v", err)
	}
	if m := ta.fake.Members(ch.ID); len(m) != 3 {
		t.Fatalf("members %v", m)
	}
	if err := ta.Invite(ctx, ch.ID, []string{"U0NOBODY"}); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := ta.Remove(ctx, ch.ID, "U0BOB"); err != nil {
		t.Fatal(err)
	}
	if err := ta.Remove(ctx, ch.ID, "U0BOB"); err != nil {
		t.Fatalf("removing twice: %v", err)
	}
	if err := ta.Remove(ctx, ch.ID, ta.fake.BotUserID()); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("kicking self: %v", err)
	}
}

func TestPostRendersBlocksAndEscapes(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	ch, _ := ta.CreateChannel(ctx, "inc-1-x", true, "")
	msg := bot.Message{Text: bot.Textf("*INC-1* a<b & c>d at %s by %s and %s", bot.ChatTime(tsTime("1700000000")), bot.Who("slack:U0BOB"), bot.Who("slack:U0ALICE")),
		Buttons: []bot.Button{{Action: "role.claim", Label: "I'm analyst", Value: "1:analyst", Style: "primary"},
			{Action: "role.claim", Label: "I'm scribe", Value: "1:scribe"}}}
	ts, err := ta.Post(ctx, ch.ID, msg)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := ta.fake.Message(ch.ID, ts)
	if !ok {
		t.Fatal("no message")
	}
	wantText := "*INC-1* a&lt;b &amp; c&gt;d at <!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC> by <@U0BOB> and <@U0ALICE>"
	if got.Text != wantText {
		t.Fatalf("text\n got %s\nwant %s", got.Text, wantText)
	}
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  any    `json:"block_id"`
		Text     struct{ Type, Text string }
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Style    string `json:"style"`
		}
	}
	if err := json.Unmarshal(got.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 || blocks[0].Type != "section" || blocks[0].Text.Text != wantText || blocks[1].Type != "actions" {
		t.Fatalf("blocks %s", got.Blocks)
	}
	for _, b := range blocks {
		if id, ok := b.BlockID.(string); !ok || id == "" {
			t.Fatalf("block without a string block_id: %s", got.Blocks)
		}
	}
	els := blocks[1].Elements
	if len(els) != 2 || els[0].ActionID != "role.claim" || els[1].ActionID != "role.claim#2" || els[0].Value != "1:analyst" || els[0].Style != "primary" {
		t.Fatalf("buttons %+v", els)
	}
	if actionName(els[1].ActionID) != "role.claim" {
		t.Fatal("suffix not removed")
	}

	// Update replaces text and drops the buttons; pinning twice is fine.
	if err := ta.Update(ctx, ch.ID, ts, bot.Message{Text: bot.Plain("edited")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ta.fake.Message(ch.ID, ts); got.Text != "edited" || !got.Edited || strings.Contains(string(got.Blocks), "actions") {
		t.Fatalf("after update %+v", got)
	}
	for range 2 {
		if err := ta.Pin(ctx, ch.ID, ts); err != nil {
			t.Fatal(err)
		}
	}
	if p := ta.fake.Pins(ch.ID); len(p) != 1 || p[0] != ts {
		t.Fatalf("pins %v", p)
	}
}

func TestLongTextIsSplitIntoSections(t *testing.T) {
	long := strings.Repeat("line of checklist text & more\n", 400) // ~12k characters
	blocks := messageBlocks(slackText(bot.LegacyText(long)), nil)
	if len(blocks) < 4 {
		t.Fatalf("%d blocks", len(blocks))
	}
	for _, b := range blocks {
		raw, _ := json.Marshal(b)
		var s struct{ Text struct{ Text string } }
		_ = json.Unmarshal(raw, &s)
		if n := len([]rune(s.Text.Text)); n > maxSectionText || n == 0 {
			t.Fatalf("section of %d characters", n)
		}
		if strings.HasSuffix(s.Text.Text, "&amp") || strings.HasSuffix(s.Text.Text, "&") {
			t.Fatal("cut inside an escape")
		}
	}
}

func TestEphemeralDMUploadArchiveAndAnnounceByName(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	ta.fake.AddUser("U0ALICE", "alice")
	status := ta.fake.AddChannel("security-status", false, ta.fake.BotUserID())
	ch, _ := ta.CreateChannel(ctx, "inc-1-x", true, "")
	_ = ta.Invite(ctx, ch.ID, []string{"U0ALICE"})

	if err := ta.Ephemeral(ctx, ch.ID, "U0ALICE", bot.Message{Text: bot.Plain("only you")}); err != nil {
		t.Fatal(err)
	}
	if e := ta.fake.Ephemerals(); len(e) != 1 || e[0].User != "U0ALICE" || e[0].Text != "only you" {
		t.Fatalf("ephemerals %+v", e)
	}
	for range 2 { // the DM channel is opened once and reused
		if _, err := ta.DM(ctx, "U0ALICE", bot.Message{Text: bot.Plain("your duties")}); err != nil {
			t.Fatal(err)
		}
	}
	if n := ta.fake.Calls("conversations.open"); n != 1 {
		t.Fatalf("conversations.open called %d times", n)
	}
	if err := ta.Upload(ctx, ch.ID, bot.File{Name: "report-INC-1.md", Title: "Report", Comment: bot.Plain("v1"), Data: []byte("# report")}); err != nil {
		t.Fatal(err)
	}
	if f := ta.fake.Files(ch.ID); len(f) != 1 || string(f[0].Bytes) != "# report" || f[0].Title != "Report" {
		t.Fatalf("files %+v", f)
	}
	if err := ta.Upload(ctx, ch.ID, bot.File{Name: "empty"}); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("empty upload: %v", err)
	}
	if _, err := ta.Post(ctx, "#security-status", bot.Message{Text: bot.Plain("INC-1 · sev2")}); err != nil {
		t.Fatal(err)
	}
	if m := ta.fake.Messages(status); len(m) != 1 {
		t.Fatalf("announce channel has %d messages", len(m))
	}
	if _, err := ta.Post(ctx, "#nowhere", bot.Message{Text: bot.Plain("x")}); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("unknown #name: %v", err)
	}
	for range 2 {
		if err := ta.Archive(ctx, ch.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	ch, _ := ta.CreateChannel(ctx, "inc-1-x", true, "")
	post := func() error { _, err := ta.Post(ctx, ch.ID, bot.Message{Text: bot.Plain("x")}); return err }

	ta.fake.RateLimit("chat.postMessage", 1, 7)
	var rl *bot.RetryAfterError
	if err := post(); !errors.As(err, &rl) || rl.Wait.Seconds() != 7 {
		t.Fatalf("429: %v", err)
	}
	for _, code := range []string{"channel_not_found", "not_in_channel", "missing_scope", "is_archived"} {
		ta.fake.InjectError("chat.postMessage", code, 1)
		if err := post(); !errors.Is(err, bot.ErrPermanent) {
			t.Fatalf("%s: %v", code, err)
		}
	}
	for _, code := range []string{"internal_error", "invalid_auth"} {
		ta.fake.InjectError("chat.postMessage", code, 1)
		if err := post(); err == nil || errors.Is(err, bot.ErrPermanent) || errors.As(err, &rl) {
			t.Fatalf("%s should be retried: %v", code, err)
		}
	}
	ta.fake.SetOutageMode(slackfake.OutageAlternate)
	ta.fake.Outage(true)
	for range 2 { // a 500 and a dropped connection
		if err := post(); err == nil || errors.Is(err, bot.ErrPermanent) || errors.As(err, &rl) {
			t.Fatalf("outage should be retried: %v", err)
		}
	}
	ta.fake.Outage(false)
	if err := post(); err != nil {
		t.Fatal(err)
	}
	if n := len(ta.fake.Messages(ch.ID)); n != 1 {
		t.Fatalf("%d messages after the faults, want 1", n)
	}
}
