package main

// What people write stays words on every platform. A note or a task whose text looks like
// warroom's old markers — a time "<t:UNIX:f>", a person "slack:U…" or "discord:<id>" — is
// shown as written, never as a date or a mention; what warroom itself says still is one (the
// welcome's declaration time). One script, the three conformance drivers.

import (
	"slices"
	"strings"
	"testing"
)

const (
	markerTime    = "<t:1700000000:f>"
	markerSlack   = "slack:U0BOB"
	markerDiscord = "discord:80351110224678912"
	markerWords   = "see " + markerTime + " and " + markerSlack + " and " + markerDiscord
)

// wordsShown checks that msg shows the markers as words in platform's syntax: on Slack the
// "<" is escaped (&lt;), on Discord it carries a backslash, on the console it is as typed;
// and that none of them became a date or a mention.
func wordsShown(t *testing.T, platform, what, msg string) {
	t.Helper()
	want := map[string]string{
		"console": markerWords,
		"slack":   "see &lt;t:1700000000:f&gt; and " + markerSlack + " and " + markerDiscord,
		"discord": `see \` + markerTime + " and " + markerSlack + " and " + markerDiscord,
	}[platform]
	if !strings.Contains(msg, want) {
		t.Errorf("%s on %s does not show the words as written:\n got %q\nwant it to contain %q", what, platform, msg, want)
	}
	for _, rendered := range []string{"<!date^1700000000", "<@U0BOB>", "<@80351110224678912>", "2023-11-14 22:13"} {
		if strings.Contains(msg, rendered) {
			t.Errorf("%s on %s turned words into markup %q: %q", what, platform, rendered, msg)
		}
	}
}

func TestChatWordsStayWords(t *testing.T) {
	onEachPlatform(t, func(t *testing.T, platform string, d chatDriver) {
		st := &conformanceState{}
		if !t.Run("declare", func(t *testing.T) { conformanceSteps[0].run(t, d, st) }) {
			return
		}
		// warroom's own time still renders the platform's way.
		welcome := d.messages(st.channel)
		rendered := map[string]string{"console": " UTC", "slack": "<!date^", "discord": "<t:"}[platform]
		if !slices.ContainsFunc(welcome, func(m string) bool { return strings.Contains(m, "INC-1") && strings.Contains(m, rendered) }) {
			t.Errorf("the welcome's time is not rendered as %q: %q", rendered, welcome)
		}

		typed := markerWords
		if platform == "slack" { // Slack's client escapes what a person types
			typed = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(typed)
		}
		if r := d.command("alice", st.channel, "note", typed); !strings.Contains(r, "Noted") {
			t.Fatalf("note: reply %q", r)
		}
		if r := d.command("alice", st.channel, "task add", typed); !strings.Contains(r, "Task 1") {
			t.Fatalf("task add: reply %q", r)
		}
		d.deliver()
		msgs := d.messages(st.channel)
		note := slices.IndexFunc(msgs, func(m string) bool { return strings.Contains(m, "📝") })
		task := slices.IndexFunc(msgs, func(m string) bool { return strings.Contains(m, "added task 1") })
		if note < 0 || task < 0 {
			t.Fatalf("note or task not posted: %q", msgs)
		}
		wordsShown(t, platform, "the note", msgs[note])
		wordsShown(t, platform, "the task", msgs[task])
		// The reply listing tasks shows the task's words too.
		wordsShown(t, platform, "the tasks reply", d.command("alice", st.channel, "tasks"))

		// A mention made with the platform's own @ stays a mention in the echo.
		var mention string
		switch dd := d.(type) {
		case *slackDriver:
			mention = "<@" + dd.ids["bob"] + ">"
			d.command("alice", st.channel, "note", "ask", "@bob")
		case *discordDriver:
			mention = "<@" + dd.ids["bob"] + ">"
			d.command("alice", st.channel, "note", "ask "+mention)
		default:
			return
		}
		d.deliver()
		if !contains(d.messages(st.channel), "📝 alice: ask "+mention) {
			t.Errorf("the note's mention is not one on %s: %q", platform, d.messages(st.channel))
		}
	})
}
