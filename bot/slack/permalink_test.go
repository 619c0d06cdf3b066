package slack

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// A reacted message's permalink is built from the workspace address auth.test gave, in the
// shape Slack documents for chat.getPermalink (a thread reply names its thread), so a 📌
// costs two Web API calls, not three.
func TestReactionPermalinkWithoutGetPermalink(t *testing.T) {
	ta := socketAdapter(t, nil)
	ta.fake.AddUser("U0BOB", "bob")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0BOB")
	ts := ta.fake.PostAsUser(general, "U0BOB", "proxy log line")
	reply := ta.fake.ReplyAsUser(general, ts, "U0BOB", "in the thread")
	for i, c := range []struct{ ts, want string }{
		{ts, "https://fake.slack.com/archives/" + general + "/p" + strings.Replace(ts, ".", "", 1)},
		{reply, "https://fake.slack.com/archives/" + general + "/p" + strings.Replace(reply, ".", "", 1) + "?thread_ts=" + ts + "&cid=" + general},
	} {
		env, _ := ta.fake.SendReactionAdded(slackfake.ReactionAdded{User: "U0BOB", Reaction: "pushpin", Channel: general, TS: c.ts})
		if _, err := ta.fake.WaitAck(env, waitTimeout); err != nil {
			t.Fatal(err)
		}
		ta.stub.await(t, "reaction")
		if m := ta.stub.reactions[i].Message; m == nil || m.Permalink != c.want {
			t.Fatalf("reaction %d: message %+v, want permalink %s", i, m, c.want)
		}
	}
	if n := ta.fake.Calls("chat.getPermalink"); n != 0 {
		t.Fatalf("chat.getPermalink called %d times; the link is built from auth.test's url", n)
	}
}

// auth.test's url is used only when it is an http(s) address; otherwise the permalink is
// asked for.
func TestWorkspaceURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://team.slack.com/":     "https://team.slack.com/",
		"https://team.slack.com":      "https://team.slack.com/",
		"":                            "",
		"javascript:alert(1)":         "",
		"https://team.slack.com/?x=1": "",
		"ftp://team.slack.com/":       "",
	} {
		if got := workspaceURL(raw); got != want {
			t.Errorf("workspaceURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

// The message's ts is put into the link's path: whatever the event (and the Web API's
// echo of it) carries, it stays one path segment of the workspace's archives, so a crafted
// ts cannot make the pinned note's link point elsewhere on the host or add a query.
func TestPermalinkEscapesTS(t *testing.T) {
	a := &Adapter{workspaceURL: "https://team.slack.com/"}
	link := a.permalink(t.Context(), "C0GENERAL", "1700000000.000100/../../../oauth?redirect=x#y", "")
	prefix := "https://team.slack.com/archives/C0GENERAL/p"
	if !strings.HasPrefix(link, prefix) || strings.ContainsAny(link[len(prefix):], "/?#") {
		t.Fatalf("permalink %q: the ts left its path segment", link)
	}
}
