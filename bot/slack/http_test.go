package slack

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func httpAdapter(t *testing.T) (*testAdapter, *slackfake.HTTPSender) {
	t.Helper()
	// The fake's sender signs with the wall clock; the adapter's fake clock starts there.
	ta := newTestAdapter(t, nil)
	ta.run(t)
	mux := http.NewServeMux()
	ta.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return ta, ta.fake.HTTPSender(srv.URL)
}

func TestHTTPCommandRepliesInBody(t *testing.T) {
	ta, send := httpAdapter(t)
	ta.stub.reply = "INC-1 · sev2"
	ta.fake.AddUser("U0ALICE", "alice")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID())
	res, err := send.SlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "status", ChannelID: general, UserID: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ ResponseType, Text string }
	_ = json.Unmarshal(res.Body, &body)
	if res.Status != 200 || body.Text != "INC-1 · sev2" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if len(ta.stub.commands) != 1 || ta.stub.commands[0].DedupKey == "" {
		t.Fatalf("commands %+v", ta.stub.commands)
	}
}

func TestHTTPRefusesBadRequestsWithoutProcessing(t *testing.T) {
	ta, send := httpAdapter(t)
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID())
	cmd := slackfake.SlashCommandFields{Command: "/incident", Text: "declare x", ChannelID: general, UserID: "U0ALICE"}
	for name, opt := range map[string]slackfake.HTTPOption{
		"forged":       slackfake.ForgedSignature(),
		"stale":        slackfake.StaleTimestamp(),
		"future":       slackfake.TimestampOffset(10 * time.Minute),
		"no signature": slackfake.OmitSignature(),
		"no timestamp": slackfake.OmitTimestamp(),
	} {
		res, err := send.SlashCommand(cmd, opt)
		if err != nil || res.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d %v", name, res.Status, err)
		}
	}
	res, err := send.SlashCommand(cmd, slackfake.Oversized(70_000))
	if err != nil || res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d %v", res.Status, err)
	}
	res, _ = send.Post(slackfake.EventsPath, "application/json", []byte("{not json"))
	if res.Status != http.StatusBadRequest {
		t.Errorf("malformed: %d", res.Status)
	}
	get, _ := http.Get(strings.TrimSuffix(send.BaseURL, "/") + slackfake.CommandsPath)
	if get.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", get.StatusCode)
	}
	if len(ta.stub.commands) != 0 {
		t.Fatalf("a refused request reached the engine: %+v", ta.stub.commands)
	}

	// A captured request sent again, byte for byte, is refused the second time.
	body := []byte(cmd.Form().Encode())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := send.Signer.Signature(ts, body)
	post := func() int {
		req, _ := http.NewRequest(http.MethodPost, send.BaseURL+slackfake.CommandsPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if first, again := post(), post(); first != 200 || again != http.StatusUnauthorized {
		t.Fatalf("replay: first %d, again %d", first, again)
	}
	if len(ta.stub.commands) != 1 {
		t.Fatalf("replayed request processed: %d commands", len(ta.stub.commands))
	}
}

func TestHTTPEventsAndInteractions(t *testing.T) {
	ta, send := httpAdapter(t)
	res, err := send.URLVerification("challenge-123")
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), "challenge-123") {
		t.Fatalf("url_verification: %d %s %v", res.Status, res.Body, err)
	}
	ta.fake.AddUser("U0ALICE", "alice")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0ALICE")
	ts := ta.fake.PostAsUser(general, "U0ALICE", "db is down")
	res, id, err := send.ReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "rotating_light", Channel: general, TS: ts})
	if err != nil || res.Status != 200 {
		t.Fatalf("event: %d %v", res.Status, err)
	}
	ta.stub.await(t, "reaction")
	if r := ta.stub.reactions[0]; r.DedupKey != id || r.Message == nil || r.Message.Text != "db is down" {
		t.Fatalf("reaction %+v", r)
	}
	// A retry carries the same event_id: passed on with the same key for the engine to drop.
	res, id2, _ := send.ReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "rotating_light", Channel: general, TS: ts, EventID: id, RetryAttempt: 1})
	ta.stub.await(t, "reaction")
	if res.Status != 200 || id2 != id || ta.stub.reactions[1].DedupKey != id {
		t.Fatal("retry not passed on with the same key")
	}
	res, err = send.BlockAction(slackfake.BlockAction{UserID: "U0ALICE", ChannelID: general, ActionID: "join.approve", Value: "INC-1:bob"})
	if err != nil || res.Status != 200 {
		t.Fatalf("interaction: %d %v", res.Status, err)
	}
	ta.stub.await(t, "press")
	if p := ta.stub.presses[0]; p.Action != "join.approve" || p.Value != "INC-1:bob" {
		t.Fatalf("press %+v", p)
	}
	// An event type warroom does not model is acknowledged so Slack stops retrying it.
	body, _ := ta.fake.EventCallback(map[string]any{"type": "member_joined_channel", "user": "U0ALICE"}, "")
	if res, _ := send.Event(body); res.Status != 200 {
		t.Fatalf("unmodelled event: %d", res.Status)
	}
}

// An event's and an interaction's ack is one complete, empty answer: its length is said,
// so the one flush before the work starts writes all of it (chunked, its end took a second
// write on every event).
func TestAcksAreCompleteEmptyAnswers(t *testing.T) {
	ta, send := httpAdapter(t)
	ta.fake.AddUser("U0ALICE", "alice")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0ALICE")
	ts := ta.fake.PostAsUser(general, "U0ALICE", "db is down")
	res, _, err := send.ReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "pushpin", Channel: general, TS: ts})
	if err != nil || res.Status != 200 || len(res.Body) != 0 || res.Header.Get("Content-Length") != "0" {
		t.Fatalf("event ack: %v %d %q, Content-Length %q", err, res.Status, res.Body, res.Header.Get("Content-Length"))
	}
	ta.stub.await(t, "reaction")
	res, err = send.BlockAction(slackfake.BlockAction{UserID: "U0ALICE", ChannelID: general, ActionID: "join.approve", Value: "INC-1:bob"})
	if err != nil || res.Status != 200 || len(res.Body) != 0 || res.Header.Get("Content-Length") != "0" {
		t.Fatalf("interaction ack: %v %d %q, Content-Length %q", err, res.Status, res.Body, res.Header.Get("Content-Length"))
	}
	ta.stub.await(t, "press")
}

// Reactions arriving together are read back over kept-alive connections: the Web API
// client keeps as many idle connections as there are calls in flight, where
// http.DefaultTransport keeps two per host and every other call dialled a new one.
func TestWebAPICallsReuseConnections(t *testing.T) {
	ta, send := httpAdapter(t)
	ta.fake.AddUser("U0ALICE", "alice")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE")
	const rounds, burst = 3, 48
	ts := make([]string, rounds*burst)
	for i := range ts {
		ts[i] = ta.fake.PostAsUser(ch, "U0ALICE", "evidence "+strconv.Itoa(i))
	}
	before := ta.fake.HTTPConnections()
	for r := range rounds {
		var wg sync.WaitGroup
		for i := range burst {
			wg.Go(func() {
				res, _, err := send.ReactionAdded(slackfake.ReactionAdded{User: "U0ALICE", Reaction: "pushpin", Channel: ch, TS: ts[r*burst+i]})
				if err != nil || res.Status != 200 {
					t.Errorf("reaction: %v %d", err, res.Status)
				}
			})
		}
		wg.Wait()
		for range burst {
			ta.stub.await(t, "reaction")
		}
	}
	ta.stub.mu.Lock()
	defer ta.stub.mu.Unlock()
	for _, r := range ta.stub.reactions {
		if r.Message == nil || !strings.HasPrefix(r.Message.Text, "evidence ") {
			t.Fatalf("a reaction reached the engine without its message: %+v", r)
		}
	}
	// Each reaction makes three calls (history, permalink, the ephemeral reply).
	if got := ta.fake.HTTPConnections() - before; got > 2*burst {
		t.Errorf("%d reactions, 3 calls each, took %d new connections; want at most %d", rounds*burst, got, 2*burst)
	}
}
