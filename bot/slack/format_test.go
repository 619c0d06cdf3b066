package slack

import (
	"testing"

	"github.com/warroom/warroom/bot"
)

func TestSlackText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a & b < c > d", "a &amp; b &lt; c &gt; d"},
		{"*bold* `code`\n• item", "*bold* `code`\n• item"},
		{"at <t:1700000000:f>.", "at <!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>."},
		{"<t:abc:f>", "&lt;t:abc:f&gt;"},
		{"by slack:U0BOB, <@U0ALICE> and <@nobody>", "by <@U0BOB>, <@U0ALICE> and &lt;@nobody&gt;"},
		{"<!channel> <https://evil.example>", "&lt;!channel&gt; &lt;https://evil.example&gt;"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	} {
		if got := slackText(bot.LegacyText(tc.in)); got != tc.want {
			t.Errorf("slackText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"note a &lt;b&gt; &amp;amp; c", "note a <b> &amp; c"},
		{"role analyst <@U0BOB|bob>", "role analyst <@U0BOB>"},
		{"invite <@U0BOB>", "invite <@U0BOB>"},
		{"see <#C123|general> and <#C456>", "see #general and #C456"},
		{"<!here> <!subteam^S1|@secops> <!date^1700000000^{date}|Nov 14>", "@here @secops Nov 14"},
		{"mail came from <http://evil.example/x?a=1&amp;b=2|evil.example/x>", "mail came from http://evil.example/x?a=1&b=2"},
		{"<mailto:a@example.com|a@example.com>", "a@example.com"},
		{"unclosed <@U1 and >", "unclosed <@U1 and >"},
	} {
		if got := plainText(tc.in); got != tc.want {
			t.Errorf("plainText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestTSTime(t *testing.T) {
	if got := tsTime("1700000000.000100"); got.Unix() != 1700000000 || got.Nanosecond() != 100000 {
		t.Fatal(got)
	}
	if !tsTime("x").IsZero() {
		t.Fatal("bad ts should be zero")
	}
}

// Segments render in Slack's syntax; words are escaped whatever they hold.
func TestSlackSegments(t *testing.T) {
	at := bot.ChatTime(tsTime("1700000000"))
	for _, tc := range []struct {
		in   bot.Text
		want string
	}{
		{bot.Plain("<t:1700000000:f> slack:U0BOB <@U0BOB> <!here> *b* & <https://x>"),
			"&lt;t:1700000000:f&gt; slack:U0BOB &lt;@U0BOB&gt; &lt;!here&gt; *b* &amp; &lt;https://x&gt;"},
		{bot.Textf("by %s at %s", bot.Who("slack:U0BOB"), at), "by <@U0BOB> at <!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>"},
		{bot.Text{bot.Who("alice"), bot.Who("discord:80351110224678912"), bot.Who("slack:U1>|<!here")}, "alicediscord:80351110224678912slack:U1&gt;|&lt;!here"},
		{bot.Textf("*%s* `%s` /incident report md", "a<b", "c&d"), "*a&lt;b* `c&amp;d` /incident report md"},
		{bot.Text{bot.Link("https://w.example/l?t=a&b", ""), bot.Link("https://w.example", "the view"), bot.Link("javascript:x", "")},
			"<https://w.example/l?t=a&amp;b><https://w.example|the view>javascript:x"},
	} {
		if got := slackText(tc.in); got != tc.want {
			t.Errorf("slackText(%v)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
