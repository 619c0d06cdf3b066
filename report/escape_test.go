package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Hostile text from chat, as people (or an attacker who got into the channel) write it.
const (
	hostileScript = `<script>alert(document.cookie)</script>`
	hostileLink   = `[totally the runbook](javascript:alert(1))`
	hostileImage  = `![x](https://tracker.example/pixel.png)`
	hostileTable  = `| a | b |`
	hostilePing   = `@everyone @here @channel <!channel> <!here> <!subteam^S123> <@U0ALICE> <@!80351110224678912> <@&123> <#C0GEN>`
	slackToken    = `xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx`
	pemKey        = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7yDq0mY1uHfUbN0pRmHGc0kgZTg1Q3ZpZXJyZWRhY3RlZA\nq9mYb3BlbnNzbC1rZXktbWF0ZXJpYWwtdGhhdC1tdXN0LW5vdC1sZWFr\n-----END RSA PRIVATE KEY-----"
)

var hostile = []string{hostileScript, hostileLink, hostileImage, hostileTable, hostilePing,
	"# heading", "> quote", "- item", "1. item", "`code` ``more``", "**bold** _it_ ~~s~~", "a\nb\r\nc", "&lt;b&gt; &amp;",
	"\u202eevil\u202c", "tab\there", "<img src=x onerror=alert(1)>", "</td></tr></table><h1>x</h1>"}

func TestMarkdownEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, 10.0.0.1", "plain text, 10.0.0.1"},
		{hostileScript, `\<script\>alert(document.cookie)\</script\>`},
		{hostileLink, `\[totally the runbook\](javascript:alert(1))`},
		{hostileTable, `\| a \| b \|`},
		{"# heading", `\# heading`},
		{"  ## indented", `\## indented`},
		{"12. item", `12\. item`},
		{"3) item", `3\) item`},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"> quote", `\> quote`},
		{"a\nb\r\nc\rd", "a<br>b<br>c<br>d"},
		{"*x* _y_ ~z~ `w` \\", `\*x\* \_y\_ \~z\~ \` + "`w\\` \\\\"},
		{"&lt;", `\&lt;`},
		{"@everyone and @Here, @channel, @all", "@\u200beveryone and @\u200bHere, @\u200bchannel, @\u200ball"},
		{"@everyones-friend mail me@here.example", "@everyones-friend mail me@here.example"},
		{"<!channel> <@U123> <#C1>", "\\<\u200b!channel\\> \\<\u200b@U123\\> \\<\u200b#C1\\>"},
		{"bell\x07 del\x7f", "bell\uFFFD del\uFFFD"},
		{"\u202eevil\u202c", "\uFFFDevil\uFFFD"},
		{"héllo wörld ✅", "héllo wörld ✅"},
	} {
		if got := md(tc.in); got != tc.want {
			t.Errorf("md(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestCodeSpan(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hxxp://evil[.]example", "`hxxp://evil[.]example`"},
		{"a`b", "`` a`b ``"},
		{"a|b", "`a\\|b`"},
		{"", ""},
	} {
		if got := code(tc.in); got != tc.want {
			t.Errorf("code(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHTMLEscape(t *testing.T) {
	got := string(appendHTML(nil, `<script>"x" & 'y'`+"\nz\u202e"))
	want := `&lt;script&gt;&#34;x&#34; &amp; &#39;y&#39;<br>z` + "\uFFFD"
	if got != want {
		t.Errorf("appendHTML = %q, want %q", got, want)
	}
}

// hostileData puts hostile text in every field that comes from chat or people.
func hostileData() Data {
	d := seededData()
	all := strings.Join(hostile, " ")
	d.Incident.Title = hostileScript + " " + hostilePing + " " + hostileTable
	d.Incident.Resolution = hostileLink + " " + hostileTable
	d.Incident.OriginLink = hostileLink
	b := &timelineBuilder{id: "INC-7"}
	b.add(0, "alice", bot.KindDeclared, "declared "+hostileScript)
	for i, h := range hostile {
		b.add(time.Duration(i+1)*time.Minute, "mallory|<b>", bot.KindNote, h)
	}
	b.add(30*time.Minute, "mallory", bot.KindPin, "mallory: my token is "+slackToken+" (https://acme.slack.com/archives/C0INC7/p1)")
	b.add(31*time.Minute, "mallory", bot.KindNote, "key for the box:\n"+pemKey)
	b.add(32*time.Minute, "mallory", bot.KindUpdate, all)
	d.Entries = b.entries
	d.Incident.HeadSeq, d.Incident.HeadHash = int64(len(b.entries)), b.prev
	d.Integrity = bot.Verdict{Incident: "INC-7", Entries: int64(len(b.entries)), HeadHash: b.prev, OK: true}
	d.Tasks[1].Text, d.Tasks[1].Owner = all, "<b>eve</b>"
	d.Lessons[0].Text = "# not a heading " + hostilePing
	d.Lessons[1].Text = hostileImage
	d.Clocks[1].Label = hostileScript
	d.Related[0].Title = hostileLink
	d.Roles[2].Person = "@everyone"
	d.Members = append(d.Members, "<!here>")
	return d
}

func TestHostileMarkdown(t *testing.T) {
	r := Build(hostileData())
	out := render(t, &r, "md")
	// Markup characters may appear only backslash-escaped.
	for _, bad := range []string{"<script", "</td>", "<img", "<b>", "](javascript:", "](https://tracker", "![", "`code`", "**bold**"} {
		if unescapedIndex(out, bad) >= 0 {
			t.Errorf("markdown holds an unescaped %q", bad)
		}
	}
	for _, bad := range []string{"@everyone", "@here", "@channel", "<!channel>", "<!here>", "<@U0ALICE>", "<#C0GEN>",
		slackToken, "MIIEowIBAAKCAQEA", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown contains %q", bad)
		}
	}
	// Every line that looks like a table row has the column count of its table: no cell
	// text opened a new column.
	cols := map[string]int{}
	header := ""
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = ""
			continue
		}
		n := unescapedPipes(line)
		if header == "" {
			header = line
			cols[header] = n
			continue
		}
		if n != cols[header] {
			t.Errorf("row has %d cell separators, its table %d:\n%s\n%s", n, cols[header], header, line)
		}
	}
	// Headings are only the report's own.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") && !ownHeading.MatchString(line) {
			t.Errorf("a heading from chat text: %q", line)
		}
		if strings.HasPrefix(line, ">") && !strings.HasPrefix(line, "> **D") && !strings.HasPrefix(line, "> **TLP:") {
			t.Errorf("a block quote from chat text: %q", line)
		}
	}
	if !strings.Contains(out, `xoxb-\*\*\*\*`) || !strings.Contains(out, `\[REDACTED\]`) {
		t.Error("the masked token and key are not marked as masked")
	}
}

// unescapedIndex finds s in out where its first byte is not backslash-escaped.
func unescapedIndex(out, s string) int {
	for i := 0; ; {
		j := strings.Index(out[i:], s)
		if j < 0 {
			return -1
		}
		j += i
		backslashes := 0
		for k := j - 1; k >= 0 && out[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j
		}
		i = j + 1
	}
}

var ownHeading = regexp.MustCompile(`^(# INC-7 · .* — lessons-learned report|## [A-Z][a-z -]+|## Sign-off|### [A-Z][a-z ]+|### Evidence [0-9]+: .*)$`)

// unescapedPipes counts the | that separate GFM table cells (not preceded by \).
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' {
			i++
			continue
		}
		if line[i] == '|' {
			n++
		}
	}
	return n
}

func TestHostileHTML(t *testing.T) {
	r := Build(hostileData())
	out := render(t, &r, "html")
	for _, bad := range []string{"<script", "<img", "<h1>x", "</table><h1>", "javascript:alert(1))\">", slackToken, "MIIEowIBAAKCAQEA", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("html contains %q", bad)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;alert(document.cookie)&lt;/script&gt;") {
		t.Error("the script tag is not shown escaped")
	}
	checkNoExternal(t, out)
}

func TestHostileJSON(t *testing.T) {
	r := Build(hostileData())
	out := render(t, &r, "json")
	if strings.Contains(out, slackToken) || strings.Contains(out, "MIIEowIBAAKCAQEA") {
		t.Error("json holds a secret")
	}
	// JSON carries text as written (escaping is the consumer's business), masked.
	if !strings.Contains(out, `"text":"<script>alert(document.cookie)</script>"`) {
		t.Error("json does not carry the note's text as written")
	}
	if !strings.Contains(out, `"masked":1`) {
		t.Error("masked entries are not flagged")
	}
}

func TestSummaryNeutralisesPings(t *testing.T) {
	r := Build(hostileData())
	s := r.Summary()
	for _, bad := range []string{"@everyone", "<!channel>", "<@U0ALICE>"} {
		if strings.Contains(s, bad) {
			t.Errorf("summary contains %q: %s", bad, s)
		}
	}
}
