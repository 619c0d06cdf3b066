package slack

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/internal/testutil"
)

// A reply the adapter could not deliver is logged with the verb it answered (never the
// person's text), so an operator can tell whose answer was lost.
func TestAnUndeliveredReplyNamesItsVerb(t *testing.T) {
	logs := &testutil.LockedBuffer{}
	ta := newTestAdapter(t, func(c *Config) { c.Log = slog.New(slog.NewTextHandler(logs, nil)) })
	ta.run(t)
	mux := http.NewServeMux()
	ta.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	send := ta.fake.HTTPSender(srv.URL)

	ta.stub.reply, ta.stub.verb = "Pinned as entry 4.", "reaction pushpin"
	ta.fake.AddUser("U0ALICE", "alice")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0ALICE")
	ts := ta.fake.PostAsUser(general, "U0ALICE", "db is down")
	ta.fake.InjectError("chat.postEphemeral", "channel_not_found", 1)
	if res, _, err := send.ReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "pushpin", Channel: general, TS: ts}); err != nil || res.Status != 200 {
		t.Fatalf("event: %v", err)
	}
	ta.stub.await(t, "reaction")
	var line string
	for deadline := time.Now().Add(waitTimeout); line == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "could not deliver a reply") {
				line = l
			}
		}
	}
	if line == "" {
		t.Fatalf("no log line for the lost reply:\n%s", logs.String())
	}
	if !strings.Contains(line, `verb="reaction pushpin"`) {
		t.Errorf("the lost reply's log line does not name its verb: %s", line)
	}
	if strings.Contains(line, "Pinned as entry") || strings.Contains(line, "db is down") {
		t.Errorf("the log line holds the reply's or the message's text: %s", line)
	}
}
