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
