package discord

import (
	"log/slog"
	"strings"
	"testing"
	"time"
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

// Segments render in Discord's syntax; the "<" Discord would read as markup in words is
// escaped, and hints name the Discord command a verb is registered under.
func TestDiscordSegments(t *testing.T) {
	a, err := New(Config{Token: "t", Handler: nopHandler{}, Specs: sampleSpecs()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   bot.Text
		want string
	}{
		{bot.Plain("<t:1:f> <@80351110224678912> <#1> <:e:1> </x:1> discord:80351110224678912 <n> a<b"),
			`\<t:1:f> \<@80351110224678912> \<#1> \<:e:1> \</x:1> discord:80351110224678912 <n> a<b`},
		{bot.Textf("*%s* by %s at %s", "Status <@1>", bot.Who("discord:80351110224678912"), bot.ChatTime(time.Unix(1700000000, 0))),
			`**Status \<@1>** by <@80351110224678912> at <t:1700000000:f>`},
		{bot.Text{bot.Who("alice"), bot.Who("discord:12"), bot.Who("slack:U1")}, "alicediscord:12slack:U1"},
		{bot.Textf("Try /incident report md or `/incident report html`, /incident note x, /page ack 2"),
			"Try /incident-more report md or `/incident-more report html`, /incident note x, /page ack 2"},
		{bot.Text{bot.Code("a`b")}, "`a'b`"},
	} {
		if got := a.render(tc.in); got != tc.want {
			t.Errorf("render(%v)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
