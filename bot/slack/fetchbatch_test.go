package slack

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"
)

// heldCall holds the first call to a Web API method until released, so the reactions made
// meanwhile are known to be waiting behind it.
type heldCall struct {
	method  string
	next    http.RoundTripper
	first   atomic.Bool
	entered chan struct{}
	release chan struct{}
	freed   sync.Once
}

func (h *heldCall) free() { h.freed.Do(func() { close(h.release) }) }

func (h *heldCall) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/"+h.method) {
		if h.first.CompareAndSwap(false, true) {
			close(h.entered)
			<-h.release
		}
	}
	return h.next.RoundTrip(r)
}

func heldAdapter(t *testing.T, method string) (*testAdapter, *heldCall) {
	t.Helper()
	h := &heldCall{method: method, next: apiTransport(), entered: make(chan struct{}), release: make(chan struct{})}
	ta := newTestAdapter(t, func(c *Config) { c.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: h} })
	t.Cleanup(func() {
		h.free()
		ta.tasks.stop(time.Second)
	})
	return ta, h
}

// react is alice's reaction to ts in ch as either transport hands it on: the work in a task.
func (ta *testAdapter) react(t *testing.T, ch, ts, emoji string, n int) {
	t.Helper()
	ta.reactAs(t, "U0ALICE", ch, ts, emoji, n)
}

func (ta *testAdapter) reactAs(t *testing.T, user, ch, ts, emoji string, n int) {
	t.Helper()
	work := ta.reaction("T0TEAM", "Ev"+strconv.Itoa(n), &slackevents.ReactionAddedEvent{
		Type: "reaction_added", User: user, Reaction: emoji,
		Item: slackevents.Item{Type: "message", Channel: ch, Timestamp: ts}})
	if work == nil || !ta.tasks.goAsync(work) {
		t.Fatalf("reaction to %s not taken", ts)
	}
}

// waitReads waits until n reactions wait in ch for the next read (or, were each read on its
// own, until n reached the engine past the held read, so the test goes on to count calls).
func (ta *testAdapter) waitReads(t *testing.T, ch string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ta.reads.mu.Lock()
		got := 0
		if c := ta.reads.channels[ch]; c != nil {
			for _, ws := range c.want {
				got += len(ws)
			}
		}
		ta.reads.mu.Unlock()
		ta.stub.mu.Lock()
		handled := len(ta.stub.reactions)
		ta.stub.mu.Unlock()
		if got == n || handled >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reactions wait for a read in %s, want %d", got, ch, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// texts is what each handled reaction's message said, by the message's ts.
func (ta *testAdapter) texts(t *testing.T, n int) map[string][]string {
	t.Helper()
	for range n {
		ta.stub.await(t, "reaction")
	}
	ta.stub.mu.Lock()
	defer ta.stub.mu.Unlock()
	out := map[string][]string{}
	for _, r := range ta.stub.reactions {
		if r.Message == nil {
			t.Fatalf("reaction to %s reached the engine without its message", r.MessageID)
		}
		if r.Message.ID != r.MessageID || r.Message.Channel != r.Channel {
			t.Fatalf("reaction to %s in %s got message %s in %s", r.MessageID, r.Channel, r.Message.ID, r.Message.Channel)
		}
		out[r.MessageID] = append(out[r.MessageID], r.Message.Text)
	}
	return out
}

// Reactions arriving while a read is in flight in their channel are read together, in one
// conversations.history window, each reaching the engine with its own message; a thread
// reply among them is read from its thread; another channel is not held up. Before, every
// reaction made its own history call (9 here for the channel).
func TestReactionsInOneChannelShareTheirReads(t *testing.T) {
	ta, held := heldAdapter(t, "conversations.history")
	ta.fake.AddUser("U0ALICE", "alice")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE")
	other := ta.fake.AddChannel("inc-2-y", true, ta.fake.BotUserID(), "U0ALICE")
	var ts []string
	for i := range 8 {
		ts = append(ts, ta.fake.PostAsUser(ch, "U0ALICE", "evidence "+strconv.Itoa(i)))
	}
	reply := ta.fake.ReplyAsUser(ch, ts[2], "U0ALICE", "in the thread")
	elsewhere := ta.fake.PostAsUser(other, "U0ALICE", "elsewhere")

	ta.react(t, ch, ts[0], "pushpin", 0)
	<-held.entered // the first read is in flight
	ta.react(t, ch, reply, "pushpin", 1)
	ta.react(t, ch, ts[3], "pushpin", 2)
	ta.react(t, ch, ts[3], "rotating_light", 3) // the same message twice
	for i := 4; i < 8; i++ {
		ta.react(t, ch, ts[i], "pushpin", i)
	}
	ta.react(t, ch, ts[1], "pushpin", 8) // out of order
	ta.waitReads(t, ch, 8)
	// Another channel's reaction is read at once, beside the one held.
	ta.react(t, other, elsewhere, "pushpin", 9)
	ta.stub.await(t, "reaction")
	held.free()

	got := ta.texts(t, 9)
	want := map[string][]string{reply: {"in the thread"}, ts[3]: {"evidence 3", "evidence 3"}, elsewhere: {"elsewhere"}}
	for _, i := range []int{0, 1, 4, 5, 6, 7} {
		want[ts[i]] = []string{"evidence " + strconv.Itoa(i)}
	}
	if len(got) != len(want) {
		t.Fatalf("messages read %v, want %v", got, want)
	}
	for k, w := range want {
		if strings.Join(got[k], "|") != strings.Join(w, "|") {
			t.Errorf("reactions to %s read %q, want %q", k, got[k], w)
		}
	}
	// The held read, the other channel's, and one window for the eight waiting.
	if n := ta.fake.Calls("conversations.history"); n != 3 {
		t.Errorf("conversations.history called %d times, want 3", n)
	}
	if n := ta.fake.Calls("conversations.replies"); n != 1 {
		t.Errorf("conversations.replies called %d times, want 1 (the thread reply)", n)
	}
}

// A window Slack cuts short (has_more: more messages lie between the reacted ones than it
// gives) is continued below the oldest message it gave, so every reacted message is found
// and none is read twice.
func TestAWindowCutShortIsContinued(t *testing.T) {
	ta, held := heldAdapter(t, "conversations.history")
	ta.fake.AddUser("U0ALICE", "alice")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE")
	var ts []string
	for i := range 3 * readWindowLimit {
		ts = append(ts, ta.fake.PostAsUser(ch, "U0ALICE", "line "+strconv.Itoa(i)))
	}
	reply := ta.fake.ReplyAsUser(ch, ts[250], "U0ALICE", "in the thread")
	first := ta.fake.PostAsUser(ch, "U0ALICE", "first")
	ta.react(t, ch, first, "pushpin", 0)
	<-held.entered
	picks := []int{0, 1, 120, 251, 299}
	for i, p := range picks {
		ta.react(t, ch, ts[p], "pushpin", i+1)
	}
	ta.react(t, ch, reply, "pushpin", 9)
	ta.waitReads(t, ch, len(picks)+1)
	held.free()

	got := ta.texts(t, len(picks)+2)
	for _, p := range picks {
		if w := "line " + strconv.Itoa(p); len(got[ts[p]]) != 1 || got[ts[p]][0] != w {
			t.Errorf("reaction to line %d read %q", p, got[ts[p]])
		}
	}
	if len(got[reply]) != 1 || got[reply][0] != "in the thread" {
		t.Errorf("thread reply read %q", got[reply])
	}
	// Held: 1. Window line 0 – the reply gives 299…200 and has more (settles 251, 299 and the reply);
	// 0–120 gives 120…21 (settles 120); 0–1 gives both.
	if n := ta.fake.Calls("conversations.history"); n != 4 {
		t.Errorf("conversations.history called %d times, want 4", n)
	}
}

// A read refused by a rate limit waits as Slack says, and the reactions arriving during the
// wait are read by its next attempt: one call, not one each.
func TestARateLimitedReadTakesTheReactionsArrivingMeanwhile(t *testing.T) {
	ta := newTestAdapter(t, nil)
	t.Cleanup(func() { ta.tasks.stop(time.Second) })
	ta.fake.AddUser("U0ALICE", "alice")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE")
	var ts []string
	for i := range 5 {
		ts = append(ts, ta.fake.PostAsUser(ch, "U0ALICE", "evidence "+strconv.Itoa(i)))
	}
	ta.fake.RateLimit("conversations.history", 1, 7)
	ta.react(t, ch, ts[0], "pushpin", 0)
	if err := ta.clock.BlockUntilContext(context.Background(), 1); err != nil { // waiting out the 429
		t.Fatal(err)
	}
	for i := 1; i < 5; i++ {
		ta.react(t, ch, ts[i], "pushpin", i)
	}
	ta.waitReads(t, ch, 4)
	ta.clock.Advance(7 * time.Second)

	got := ta.texts(t, 5)
	for i, s := range ts {
		if w := "evidence " + strconv.Itoa(i); len(got[s]) != 1 || got[s][0] != w {
			t.Errorf("reaction to %s read %q, want %q", s, got[s], w)
		}
	}
	if n := ta.fake.Calls("conversations.history"); n != 2 {
		t.Errorf("conversations.history called %d times, want 2 (the refused one and one for all)", n)
	}
}

// compareTS orders by time, not by text ("9.5" before "10.1"; "1.1" is 1.100000).
func TestCompareTSOrdersByTime(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"9.5", "10.1", -1}, {"1700000000.000100", "1700000000.000099", 1}, {"1.1", "1.099999", 1},
		{"1.1", "1.100000", -1}, {"1.5", "not-a-ts", -1}, {"x", "y", -1}, {"1.5", "1.5", 0},
	} {
		if got := compareTS(c.a, c.b); got != c.want {
			t.Errorf("compareTS(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := compareTS(c.b, c.a); got != -c.want {
			t.Errorf("compareTS(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}
