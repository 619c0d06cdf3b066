package discord

import (
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

func TestDiscordText(t *testing.T) {
	for in, want := range map[string]string{
		"*Status update* from alice":        "**Status update** from alice",
		"a `*not bold*` b *bold*":           "a `*not bold*` b **bold**",
		"2 * 3 * 4":                         "2 * 3 * 4",
		"**already**":                       "**already**",
		"by discord:80351110224678912 now":  "by <@80351110224678912> now",
		"at <t:1700000000:f>":               "at <t:1700000000:f>",
		"• *Commander* (alice): confirm it": "• **Commander** (alice): confirm it",
	} {
		if got := discordText(bot.LegacyText(in), func(s bot.Segment) string { return "/" + s.Command }); got != want {
			t.Errorf("discordText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitContent(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n"
	text := strings.Repeat(line, 50) // 5000 characters
	parts := splitContent(text, MaxContent)
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	if strings.Join(parts, "\n") != strings.TrimSuffix(text, "") {
		// Cuts at a line break drop only that break.
		joined := strings.Join(parts, "\n")
		if strings.ReplaceAll(joined, "\n", "") != strings.ReplaceAll(text, "\n", "") {
			t.Fatal("text lost in the split")
		}
	}
	for _, p := range parts {
		if utf8.RuneCountInString(p) > MaxContent {
			t.Fatalf("part of %d runes", utf8.RuneCountInString(p))
		}
	}
	// No break anywhere: a hard cut that keeps runes whole.
	parts = splitContent(strings.Repeat("é", 4500), MaxContent)
	if len(parts) != 3 || !utf8.ValidString(parts[0]) || utf8.RuneCountInString(parts[0]) != MaxContent {
		t.Fatalf("hard split: %d parts, first %d runes", len(parts), utf8.RuneCountInString(parts[0]))
	}
	if got := truncate(strings.Repeat("é", 3000), MaxContent); utf8.RuneCountInString(got) != MaxContent || !strings.HasSuffix(got, "…") {
		t.Fatalf("truncate gave %d runes", utf8.RuneCountInString(got))
	}
}

func TestComponentsLayout(t *testing.T) {
	var bs []bot.Button
	for i := range 7 {
		bs = append(bs, bot.Button{Action: "role.claim", Label: "I'm role", Value: "1:r" + string(rune('a'+i))})
	}
	bs = append(bs, bot.Button{Action: "x", Label: "too long", Value: strings.Repeat("v", 100)})
	rows := components(bs, slog.New(slog.DiscardHandler))
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	action, value, ok := parseCustomID("join.approve:3:bob")
	if !ok || action != "join.approve" || value != "3:bob" {
		t.Fatalf("%q %q %v", action, value, ok)
	}
	if _, _, ok := parseCustomID(":x"); ok {
		t.Error("an id without action parsed")
	}
}

func TestHintsNameTheDiscordCommand(t *testing.T) {
	a, err := New(Config{Token: "t", Handler: nopHandler{}, Specs: sampleSpecs()})
	if err != nil {
		t.Fatal(err)
	}
	got := a.render(bot.LegacyText("Try /incident report md or /incident reports, /incident note x"))
	if got != "Try /incident-more report md or /incident reports, /incident note x" {
		t.Fatalf("%q", got)
	}
}
