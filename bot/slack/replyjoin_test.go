package slack

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// waitReplies waits until n answers to user in ch wait behind the one in flight (or, were
// each sent on its own, until n more ephemerals reached the fake, so the test goes on to
// count them).
func (ta *testAdapter) waitReplies(t *testing.T, ch, user string, n, sent int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ta.replies.mu.Lock()
		got := len(ta.replies.waiting[replyKey{ch, user}])
		ta.replies.mu.Unlock()
		if got == n || len(ta.fake.Ephemerals()) >= sent+n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d answers to %s wait in %s, want %d", got, user, ch, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// The answers to one person's reactions that come while one to them is being sent go
// together in one ephemeral, the same line once with its count; another person's answer is
// not held up. Before, each answer was its own chat.postEphemeral (6 here).
func TestAnswersQueuedBehindOneInFlightGoTogether(t *testing.T) {
	ta, held := heldAdapter(t, "chat.postEphemeral")
	ta.fake.AddUser("U0ALICE", "alice")
	ta.fake.AddUser("U0BOB", "bob")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE", "U0BOB")
	var ts []string
	for i := range 5 {
		ts = append(ts, ta.fake.PostAsUser(ch, "U0BOB", "evidence "+strconv.Itoa(i)))
	}
	ta.stub.reply = "Added to the INC-1 timeline."
	ta.react(t, ch, ts[0], "pushpin", 0)
	<-held.entered // alice's first answer is on its way
	for i := 1; i < 5; i++ {
		ta.react(t, ch, ts[i], "pushpin", i)
	}
	ta.waitReplies(t, ch, "U0ALICE", 4, 0)
	ta.reactAs(t, "U0BOB", ch, ts[0], "pushpin", 5)
	if !ta.fake.WaitFor(func() bool {
		return slices.ContainsFunc(ta.fake.Ephemerals(), func(e slackfake.Ephemeral) bool { return e.User == "U0BOB" })
	}, waitTimeout) {
		t.Fatal("bob's answer waited behind alice's")
	}
	held.free()
	for range 6 {
		ta.stub.await(t, "reaction")
	}
	if !ta.fake.WaitFor(func() bool { return len(ta.fake.Ephemerals()) >= 3 }, waitTimeout) {
		t.Fatalf("ephemerals %+v", ta.fake.Ephemerals())
	}
	var got []string
	for _, e := range ta.fake.Ephemerals() {
		got = append(got, e.User+": "+e.Text)
	}
	want := []string{"U0BOB: Added to the INC-1 timeline.", "U0ALICE: Added to the INC-1 timeline.",
		"U0ALICE: Added to the INC-1 timeline. (×4)"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("ephemerals\n%q\nwant\n%q", got, want)
	}
	if n := ta.fake.Calls("chat.postEphemeral"); n != 3 {
		t.Errorf("chat.postEphemeral called %d times, want 3", n)
	}
}

// Joined answers keep their order, a line each; only neighbours that say the same are
// written once with their count.
func TestJoinRepliesCountsRepeatedNeighbours(t *testing.T) {
	rs := func(texts ...string) []bot.Reply {
		var out []bot.Reply
		for _, s := range texts {
			out = append(out, bot.Reply{Text: bot.Plain(s), Verb: "v-" + s})
		}
		return out
	}
	for _, c := range []struct {
		in   []bot.Reply
		want string
	}{
		{rs("a"), "a"},
		{rs("a", "a", "b", "a"), "a (×2)\nb\na"},
		{rs("a", "b", "b", "b"), "a\nb (×3)"},
	} {
		got := joinReplies(c.in)
		if slackText(got.Text) != c.want || got.Verb != c.in[0].Verb {
			t.Errorf("joinReplies(%v) = %q (%s), want %q", c.in, slackText(got.Text), got.Verb, c.want)
		}
	}
	// The first reply's text is not changed by the count written after it.
	in := rs("a", "a")
	in[0].Text = append(make(bot.Text, 0, 8), in[0].Text...)
	joinReplies(in)
	if slackText(in[0].Text) != "a" || len(in[0].Text) != 1 {
		t.Errorf("the first reply became %q", slackText(in[0].Text))
	}
}

// One joined answer holds at most maxJoinedReply characters; the rest waits for the next,
// and a longer single answer still goes (alone).
func TestJoinedAnswersAreBounded(t *testing.T) {
	var q replyQueue
	k := replyKey{"C1", "U1"}
	if !q.add(k, bot.Reply{}) {
		t.Fatal("the first answer must be sent at once")
	}
	long := strings.Repeat("x", maxJoinedReply/2)
	for _, s := range []string{long, long, "y", strings.Repeat("z", 2*maxJoinedReply)} {
		if q.add(k, bot.Reply{Text: bot.Plain(s)}) {
			t.Fatal("an answer behind one in flight must wait")
		}
	}
	var sizes []int
	for b := q.next(k); b != nil; b = q.next(k) {
		sizes = append(sizes, len(b))
	}
	if len(sizes) != 3 || sizes[0] != 2 || sizes[1] != 1 || sizes[2] != 1 {
		t.Errorf("batches %v, want [2 1 1]", sizes)
	}
	if q.add(k, bot.Reply{}) != true {
		t.Error("after the queue ran dry the next answer must be sent at once")
	}
}
