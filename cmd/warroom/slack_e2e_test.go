package main

// End-to-end tests of warroom on Slack: the real slack-go client in the adapter, the real
// engine and SQLite storage, against the fake Slack in internal/fakes/slackfake. Behaviours that
// involve a transport run over both Socket Mode and HTTP. No test sleeps: waits end on the
// fake's change notifications or the engine's, and time that must pass (Retry-After, a
// 30-second outage) passes on the outbox's fake clock.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

func ackText(t *testing.T, raw []byte) string {
	t.Helper()
	if len(bytes.TrimSpace(raw)) == 0 {
		return ""
	}
	var p struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("ack is not JSON: %s", raw)
	}
	if p.ResponseType != "ephemeral" {
		t.Fatalf("ack is not ephemeral: %s", raw)
	}
	return p.Text
}

func bothTransports(t *testing.T, fn func(t *testing.T, tr transport)) {
	for _, tr := range []transport{socketMode, httpMode} {
		t.Run(string(tr), func(t *testing.T) {
			t.Parallel()
			fn(t, tr)
		})
	}
}

func TestSlackDeclareBySlashCommand(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, tr transport) {
		h := newSlackE2E(t, e2eOptions{transport: tr})
		ans := h.command(uAlice, h.general, "declare Phishing wave &amp; mailbox rules sev2")
		if !strings.Contains(ans, "Declared INC-1") || !strings.Contains(ans, "inc-1-phishing-wave-mailbox-rules") {
			t.Fatalf("ack: %q", ans)
		}
		h.deliver(time.Minute)

		ch, ok := h.fake.ChannelByName("inc-1-phishing-wave-mailbox-rules")
		if !ok || !ch.IsPrivate {
			t.Fatalf("incident channel %+v", ch)
		}
		if inc := h.incident(1); inc.ChannelID != ch.ID || inc.Platform != "slack" || inc.Title != "Phishing wave & mailbox rules" {
			t.Fatalf("incident %+v", inc)
		}
		if !hasString(ch.Members, uAlice) {
			t.Fatalf("declarer not invited: %v", ch.Members)
		}
		if !strings.HasPrefix(ch.Topic, "Phishing wave & mailbox rules · sev2 high · identification · commander alice (acting)") {
			t.Fatalf("topic %q", ch.Topic)
		}
		pins := h.fake.Pins(ch.ID)
		if len(pins) != 1 {
			t.Fatalf("pins %v", pins)
		}
		card, _ := h.fake.Message(ch.ID, pins[0])
		if !strings.Contains(card.Text, "*INC-1 · Phishing wave &amp; mailbox rules*") || !strings.Contains(card.Text, "<!date^") {
			t.Fatalf("card %q", card.Text)
		}
		if h.incident(1).CardRef != pins[0] {
			t.Fatal("the pinned card is not the one the incident points at")
		}
		// The welcome message offers the roles as buttons, each in a block with a block_id.
		welcome := h.botMessages(ch.ID)[0]
		if !strings.Contains(welcome.Text, "acting commander") || !strings.Contains(string(welcome.Blocks), `"action_id":"role.claim"`) ||
			!strings.Contains(string(welcome.Blocks), `"block_id":"wr-actions-1"`) {
			t.Fatalf("welcome %s / %s", welcome.Text, welcome.Blocks)
		}
	})
}

func TestSlackDeclareByReaction(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, tr transport) {
		h := newSlackE2E(t, e2eOptions{transport: tr})
		ts := h.fake.PostAsUser(h.general, uAlice, "Finance got mail from <http://evil.example|evil.example> asking for logins\nmore detail below")
		h.react(slackfake.ReactionAdded{User: uBob, Reaction: "rotating_light", Channel: h.general, TS: ts})
		h.awaitHandled("reaction", 1)
		h.waitFake("the reply to the reactor", func() bool { return len(h.fake.Ephemerals()) == 1 })
		if e := h.fake.Ephemerals()[0]; e.User != uBob || e.Channel != h.general || !strings.Contains(e.Text, "Declared INC-1 from that message") {
			t.Fatalf("reply %+v", e)
		}
		h.deliver(time.Minute)

		inc := h.incident(1)
		if inc.Title != "Finance got mail from http://evil.example asking for logins" || inc.DeclaredBy != "bob" {
			t.Fatalf("incident %+v", inc)
		}
		link := "https://fake.slack.com/archives/" + h.general + "/p" + strings.Replace(ts, ".", "", 1)
		if inc.OriginLink != link {
			t.Fatalf("origin %q, want %q", inc.OriginLink, link)
		}
		ch, _ := h.fake.Channel(inc.ChannelID)
		if !ch.IsPrivate || !hasString(ch.Members, uBob) {
			t.Fatalf("channel %+v", ch)
		}
		if msgs := h.botMessages(inc.ChannelID); len(msgs) == 0 || !strings.Contains(msgs[0].Text, "Declared from: "+link) {
			t.Fatalf("no link back in the channel: %+v", msgs)
		}
		// The message itself went on the timeline with its author and its own time.
		var pin *bot.Entry
		for _, e := range h.timeline(1) {
			if e.Kind == bot.KindPin {
				pin = &e
			}
		}
		if pin == nil || pin.Actor != "alice" || !pin.OccurredAt.Equal(tsSecondsMicros(ts)) {
			t.Fatalf("timeline pin %+v", pin)
		}
	})
}

func TestSlackPinRecordedOnceUnderRetries(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, tr transport) {
		h := newSlackE2E(t, e2eOptions{transport: tr})
		inc := h.declare("Ransom note on file server")
		ts := h.fake.PostAsUser(inc, uAlice, "Encrypted files on \\\\fs01 since 03:12")
		ev := slackfake.ReactionAdded{User: uAlice, Reaction: "pushpin", Channel: inc, TS: ts}
		ev.EventID = h.react(ev)
		for attempt := 1; attempt <= 3; attempt++ { // Slack retries: same event_id
			ev.RetryAttempt, ev.RetryReason = attempt, "timeout"
			h.react(ev)
		}
		h.awaitHandled("reaction", 4)
		pins := pinEntries(h.timeline(1), ts)
		if len(pins) != 1 {
			t.Fatalf("%d timeline entries for the message, want 1", len(pins))
		}
		if !strings.Contains(pins[0].Text, `Encrypted files on \\fs01`) || !strings.Contains(pins[0].Text, "/p"+strings.Replace(ts, ".", "", 1)) ||
			!pins[0].OccurredAt.Equal(tsSecondsMicros(ts)) || pins[0].Actor != "alice" {
			t.Fatalf("entry %+v", pins[0])
		}
		h.waitFake("the confirmation", func() bool { return countEphemerals(h.fake, "Added to the INC-1 timeline") >= 1 })

		// Dedup state is in SQLite: after a restart, one more retry changes nothing.
		dbPath := h.dbPath
		h.stop()
		h2 := newSlackE2E(t, e2eOptions{transport: tr, db: dbPath, fake: h.fake})
		ev.RetryAttempt = 3
		h2.react(ev)
		h2.awaitHandled("reaction", 1)
		if n := len(pinEntries(h2.timeline(1), ts)); n != 1 {
			t.Fatalf("after restart: %d entries", n)
		}
		if n := countEphemerals(h.fake, "Added to the INC-1 timeline"); n != 1 {
			t.Fatalf("%d confirmations, want 1", n)
		}
	})
}

func TestSlackHTTPSignaturesAndLimits(t *testing.T) {
	t.Parallel()
	h := newSlackE2E(t, e2eOptions{transport: httpMode})
	before := h.fake.CallCounts()
	cmd := slackfake.SlashCommandFields{Command: "/incident", Text: "declare Forged incident", ChannelID: h.general, UserID: uAlice}
	for name, opt := range map[string]slackfake.HTTPOption{
		"forged": slackfake.ForgedSignature(), "stale": slackfake.StaleTimestamp(),
		"missing signature": slackfake.OmitSignature(), "missing timestamp": slackfake.OmitTimestamp(),
	} {
		res, err := h.send.SlashCommand(cmd, opt)
		if err != nil || res.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d %v", name, res.Status, err)
		}
		ts := h.fake.PostAsUser(h.general, uAlice, "bait for a forged reaction")
		res, _, err = h.send.ReactionAdded(slackfake.ReactionAdded{User: uAlice, Reaction: "rotating_light", Channel: h.general, TS: ts}, opt)
		if err != nil || res.Status != http.StatusUnauthorized {
			t.Errorf("%s event: %d %v", name, res.Status, err)
		}
	}
	res, err := h.send.SlashCommand(cmd, slackfake.Oversized(100<<10))
	if err != nil || res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d %v", res.Status, err)
	}

	// Replay: the same bytes and headers, accepted once.
	body := []byte(h.fake.PrepareSlashCommand(cmd).Form().Encode())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := h.send.Signer.Signature(ts, body)
	send := func() int {
		req, _ := http.NewRequest(http.MethodPost, h.send.BaseURL+slackfake.CommandsPath, bytes.NewReader(body))
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
	if first, replay := send(), send(); first != http.StatusOK || replay != http.StatusUnauthorized {
		t.Fatalf("first %d, replay %d", first, replay)
	}
	if n := h.incidentCount(); n != 1 {
		t.Fatalf("%d incidents: refused requests must change nothing", n)
	}
	// Nothing refused reached Slack's API either (the accepted request only queued work).
	for method, n := range h.fake.CallCounts() {
		if n != before[method] {
			t.Errorf("%s called %d times after start-up, want %d", method, n, before[method])
		}
	}
	logs := h.logs.String()
	for _, why := range []string{"signature does not match", "timestamp outside the 5-minute window", "missing X-Slack-Signature",
		"request replayed", "body over the size limit"} {
		if !strings.Contains(logs, why) {
			t.Errorf("log does not say %q", why)
		}
	}
	if strings.Contains(logs, h.fake.SigningSecret()) || strings.Contains(logs, sig) || strings.Contains(logs, h.fake.BotToken()) {
		t.Error("a secret or a signature was logged")
	}
}

// TestSlackAcksWithinThreeSecondsWhileAPISlow: every Web API call takes 3.5 s, longer than
// Slack waits for an ack, yet every command, event and click is acknowledged at once
// because nothing before the ack calls the API. It is the one test here that measures
// time, so it runs alone (not in parallel with this package's other tests), and the adapter
// has the wall clock, so its 2 s command budget would cap even a starved engine.
func TestSlackAcksWithinThreeSecondsWhileAPISlow(t *testing.T) {
	const slow = 3500 * time.Millisecond
	for _, tr := range []transport{socketMode, httpMode} {
		t.Run(string(tr), func(t *testing.T) { acksWhileSlow(t, tr, slow) })
	}
}

func acksWhileSlow(t *testing.T, tr transport, slow time.Duration) {
	h := newSlackE2E(t, e2eOptions{transport: tr, realClock: true})
	msg := h.fake.PostAsUser(h.general, uAlice, "Laptop stolen from a car")
	h.fake.Slow("*", slow)
	var worst time.Duration
	measure := func(what string, fn func() time.Duration) {
		d := fn()
		t.Logf("%s acknowledged in %v", what, d)
		worst = max(worst, d)
		if d >= 3*time.Second {
			t.Errorf("%s acknowledged after %v", what, d)
		}
	}
	switch tr {
	case socketMode:
		ack := func(env string) time.Duration {
			a, err := h.fake.WaitAck(env, e2eWait)
			if err != nil {
				t.Fatal(err)
			}
			return a.Latency
		}
		measure("slash command", func() time.Duration {
			return ack(h.fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "declare Lost laptop", ChannelID: h.general, UserID: uAlice}))
		})
		measure("reaction event", func() time.Duration {
			env, _ := h.fake.SendReactionAdded(slackfake.ReactionAdded{User: uBob, Reaction: "rotating_light", Channel: h.general, TS: msg})
			return ack(env)
		})
		measure("button click", func() time.Duration {
			return ack(h.fake.SendBlockAction(slackfake.BlockAction{UserID: uBob, ChannelID: h.general, ActionID: "role.claim", Value: "1:analyst"}))
		})
	case httpMode:
		timed := func(fn func() (slackfake.HTTPResult, error)) time.Duration {
			start := time.Now()
			res, err := fn()
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("%d %v", res.Status, err)
			}
			return time.Since(start)
		}
		measure("slash command", func() time.Duration {
			return timed(func() (slackfake.HTTPResult, error) {
				return h.send.SlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "declare Lost laptop", ChannelID: h.general, UserID: uAlice})
			})
		})
		measure("reaction event", func() time.Duration {
			return timed(func() (slackfake.HTTPResult, error) {
				r, _, err := h.send.ReactionAdded(slackfake.ReactionAdded{User: uBob, Reaction: "rotating_light", Channel: h.general, TS: msg})
				return r, err
			})
		})
		measure("button click", func() time.Duration {
			return timed(func() (slackfake.HTTPResult, error) {
				return h.send.BlockAction(slackfake.BlockAction{UserID: uBob, ChannelID: h.general, ActionID: "role.claim", Value: "1:analyst"})
			})
		})
	}
	t.Logf("%s: slowest ack %v with every API call delayed %v", tr, worst, slow)
	// The acknowledged reaction is still acted on once the API answers: the read
	// already under way takes its 3.5 s, the calls after it are fast again.
	h.fake.Slow("*", 0)
	h.awaitHandled("reaction", 1)
	if n := h.incidentCount(); n != 2 {
		t.Fatalf("%d incidents, want the command's and the reaction's", n)
	}
}

// TestSlackRateLimitAndOutageLoseAndDuplicateNothing: a burst of 429s and then a
// 30-second outage, during which people keep posting updates. The outbox holds everything
// and delivers it afterwards, in order per channel, exactly once.
//
// How the 30 s are modelled: the outage is switched on in the fake, then the outbox's
// fake clock is moved on a second at a time, the deliverer trying whatever has come due at
// each step, until 30 s of clock time have passed; only then does the fake recover. Every
// attempt in between really goes to the fake and fails (HTTP 500 or a dropped
// connection, alternately).
func TestSlackRateLimitAndOutageLoseAndDuplicateNothing(t *testing.T) {
	t.Parallel()
	h := newSlackE2E(t, e2eOptions{transport: httpMode})
	inc := h.declare("Credential stuffing on the VPN sev2")

	// A 429 burst: the next four Web API calls are refused with Retry-After: 2.
	h.fake.RateLimit("*", 4, 2)
	for i := 1; i <= 3; i++ {
		h.command(uAlice, inc, "update status "+strconv.Itoa(i))
	}
	h.deliver(time.Minute)
	if h.fake.CallCounts()["chat.postMessage"] <= h.fake.SuccessfulCalls("chat.postMessage") {
		t.Fatal("the rate limit was never hit")
	}

	// The outage: updates keep coming in (the HTTP endpoints are warroom's own) while
	// every call to Slack fails.
	h.fake.Outage(true)
	for i := 4; i <= 6; i++ {
		if ans := h.command(uAlice, inc, "update status "+strconv.Itoa(i)); !strings.Contains(ans, "Status update posted") {
			t.Fatalf("update during the outage answered %q", ans)
		}
	}
	failedBefore := len(h.fake.Requests())
	for elapsed := time.Duration(0); elapsed < 30*time.Second; elapsed += time.Second {
		if err := h.deliverer.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Second)
	}
	if len(h.fake.Requests()) == failedBefore {
		t.Fatal("nothing was tried during the outage")
	}
	h.fake.Outage(false)
	// Recovery on a bad network: the first calls land, but their answers are lost.
	h.fake.LoseAnswers("*", 3)
	// Fake time is free: after the outage each operation's backoff sits near MaxBackoff
	// (1 min, jittered in its upper half), and up to three lost answers can fall one after
	// another on the same lane, so allow five minutes rather than a bound jitter can beat.
	h.deliver(5 * time.Minute)
	if n := h.fake.LostAnswers("*"); n != 3 {
		t.Fatalf("%d answers lost after the outage, want 3", n)
	}

	var updates []string
	for _, m := range h.botMessages(inc) {
		if strings.Contains(m.Text, "*Status update*") {
			updates = append(updates, m.Text[strings.Index(m.Text, "status "):])
		}
	}
	want := []string{"status 1", "status 2", "status 3", "status 4", "status 5", "status 6"}
	if strings.Join(updates, "|") != strings.Join(want, "|") {
		t.Fatalf("updates in the incident channel:\n got %q\nwant %q", updates, want)
	}
	announced := h.botMessages(h.status)
	if len(announced) != 6 {
		t.Fatalf("%d announcements, want 6", len(announced))
	}
	for i := 1; i < len(announced); i++ {
		if announced[i].TS <= announced[i-1].TS || !strings.HasPrefix(announced[i].Text, "TLP:GREEN · INC-1 · sev2") {
			t.Fatalf("announcements out of order or wrong: %+v", announced)
		}
	}
	// Exactly once: every bot message in the workspace is one delivered outbox row.
	checkOneToOne(t, h.db, "slack", h.slackShown(), h.slackChannelID)
	if n := len(h.fake.Pins(inc)); n != 1 {
		t.Fatalf("%d pinned cards", n)
	}
}

func TestSlackSocketModeReconnects(t *testing.T) {
	t.Parallel()
	h := newSlackE2E(t, e2eOptions{transport: socketMode})
	if ans := h.command(uAlice, h.general, "list"); ans == "" {
		t.Fatal("no answer before reconnecting")
	}
	// Slack rotating the connection: slack-go reconnects through apps.connections.open.
	if n := h.fake.Disconnect("refresh_requested"); n != 1 {
		t.Fatalf("%d sockets told to disconnect", n)
	}
	h.waitFake("a new connection after disconnect", func() bool { return h.fake.TotalConnections() == 2 && h.fake.Connections() == 1 })
	if ans := h.command(uAlice, h.general, "declare After refresh"); !strings.Contains(ans, "Declared INC-1") {
		t.Fatalf("after disconnect: %q", ans)
	}
	// The socket dropping without a word (TCP reset).
	if n := h.fake.DropConnection(); n != 1 {
		t.Fatalf("%d sockets dropped", n)
	}
	h.waitFake("a new connection after the drop", func() bool { return h.fake.TotalConnections() == 3 && h.fake.Connections() == 1 })
	if ans := h.command(uAlice, h.general, "declare After the drop"); !strings.Contains(ans, "Declared INC-2") {
		t.Fatalf("after drop: %q", ans)
	}
	h.waitFake("connected", func() bool { return h.adapter.connected() })
}

func TestSlackTeamFilter(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, tr transport) {
		h := newSlackE2E(t, e2eOptions{transport: tr, teamIDs: []string{"T0FAKE0001"}})
		other := "T0SOMEWHERE"
		cmd := slackfake.SlashCommandFields{Command: "/incident", Text: "declare Not ours", ChannelID: h.general, UserID: uAlice, TeamID: other}
		msg := h.fake.PostAsUser(h.general, uAlice, "Not ours either")
		reaction := slackfake.ReactionAdded{User: uAlice, Reaction: "rotating_light", Channel: h.general, TS: msg, TeamID: other}
		click := slackfake.BlockAction{UserID: uAlice, ChannelID: h.general, ActionID: "role.claim", Value: "1:analyst", TeamID: other}
		if tr == httpMode {
			res, err := h.send.SlashCommand(cmd)
			if err != nil || res.Status != http.StatusOK || len(res.Body) != 0 {
				t.Fatalf("command: %d %q %v", res.Status, res.Body, err)
			}
		} else {
			ack, err := h.fake.WaitAck(h.fake.SendSlashCommand(cmd), e2eWait)
			if err != nil || len(ack.Payload) != 0 {
				t.Fatalf("command ack %s %v", ack.Payload, err)
			}
		}
		h.react(reaction)
		h.press(click)
		// Our own workspace still works, and is the only thing that happened.
		h.declare("Ours")
		if n := h.incidentCount(); n != 1 || h.incident(1).Title != "Ours" {
			t.Fatalf("%d incidents", n)
		}
		if h.fake.Calls("conversations.history") != 0 {
			t.Fatal("a reaction from another workspace was read")
		}
		if !strings.Contains(h.logs.String(), "not in slack.team_ids") {
			t.Fatal("ignoring other workspaces is not logged")
		}
	})
}

func TestSlackClaimRoleButton(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, tr transport) {
		h := newSlackE2E(t, e2eOptions{transport: tr})
		inc := h.declare("Malware on build agent")
		if ans := h.command(uAlice, inc, "invite <@"+uBob+"|bob>"); !strings.Contains(ans, "bob") {
			t.Fatalf("invite: %q", ans)
		}
		h.deliver(time.Minute)
		if ch, _ := h.fake.Channel(inc); !hasString(ch.Members, uBob) {
			t.Fatalf("bob not in the channel: %v", ch.Members)
		}
		welcome := h.botMessages(inc)[0]
		var blocks []struct {
			BlockID  string `json:"block_id"`
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
				Text     struct{ Text string }
			}
		}
		if err := json.Unmarshal(welcome.Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		var actionID, value, blockID string
		for _, b := range blocks {
			for _, e := range b.Elements {
				if e.Text.Text == "I'm analyst" {
					actionID, value, blockID = e.ActionID, e.Value, b.BlockID
				}
			}
		}
		if actionID == "" {
			t.Fatalf("no I'm analyst button in %s", welcome.Blocks)
		}
		h.press(slackfake.BlockAction{UserID: uBob, ChannelID: inc, MessageTS: welcome.TS, ActionID: actionID, BlockID: blockID, Value: value})
		h.awaitHandled("press", 1)
		h.waitFake("the answer to the click", func() bool { return len(h.fake.ResponseURLPosts()) == 1 })
		if p := h.fake.ResponseURLPosts()[0]; p.InChannel() || !strings.Contains(p.Text, "analyst") {
			t.Fatalf("answer %+v", p)
		}
		h.deliver(time.Minute)
		card, _ := h.fake.Message(inc, h.fake.Pins(inc)[0])
		if !strings.Contains(card.Text, "analyst: bob") || !card.Edited {
			t.Fatalf("card not updated: %q", card.Text)
		}
	})
}

// TestSlackRunFromEnvironment runs `warroom run` as a user would: Slack from the
// environment (Socket Mode), the real clock and outbox loop.
func TestSlackRunFromEnvironment(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	fake.AddUser(uAlice, "alice")
	general := fake.AddChannel("general", false, fake.BotUserID(), uAlice)
	env := map[string]string{"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_APP_TOKEN": fake.AppToken(), "SLACK_API_URL": fake.APIURL()}
	var stderr lockedBuffer
	ready := make(chan struct{})
	m := &Main{Stdin: strings.NewReader(""), Stdout: &lockedBuffer{}, Stderr: &stderr, Getenv: func(k string) string { return env[k] },
		Ready: func() { close(ready) }}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- m.Run(ctx, []string{"run", "--db", filepath.Join(t.TempDir(), "w.db")}) }()
	select {
	case <-ready:
	case c := <-code:
		t.Fatalf("run exited %d: %s", c, stderr.String())
	}
	env2 := fake.SendSlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: "declare DNS hijack sev1", ChannelID: general, UserID: uAlice})
	ack, err := fake.WaitAck(env2, e2eWait)
	if err != nil || !strings.Contains(ackText(t, ack.Payload), "Declared INC-1") {
		t.Fatalf("ack %s %v", ack.Payload, err)
	}
	if !fake.WaitFor(func() bool {
		ch, ok := fake.ChannelByName("inc-1-dns-hijack")
		return ok && ch.IsPrivate && hasString(ch.Members, uAlice) && len(fake.Pins(ch.ID)) == 1 && strings.HasPrefix(ch.Topic, "DNS hijack · sev1")
	}, 3*e2eWait) { // the real outbox loop: up to a poll interval (1 s) per queued operation
		t.Fatalf("incident channel not set up: %+v\n%s", fake.Channels(), stderr.String())
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}
	if strings.Contains(stderr.String(), fake.BotToken()) || strings.Contains(stderr.String(), fake.AppToken()) {
		t.Fatal("a token was logged")
	}
}

func TestSlackBadTokenFailsClearly(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	token := "xoxb-not-the-right-one-12345"
	for name, env := range map[string]map[string]string{
		"refused":               {"SLACK_BOT_TOKEN": token, "SLACK_APP_TOKEN": fake.AppToken(), "SLACK_API_URL": fake.APIURL()},
		"app token refused":     {"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_APP_TOKEN": "xapp-not-the-right-one-67890", "SLACK_API_URL": fake.APIURL()},
		"no transport":          {"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_API_URL": fake.APIURL()},
		"secret without --http": {"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.APIURL()},
	} {
		code, _, stderr := runCLI(t, "", env, "run", "--db", filepath.Join(t.TempDir(), "w.db"))
		if code == 0 || strings.Contains(stderr, token) || strings.Contains(stderr, "67890") || !strings.Contains(stderr, "SLACK_") {
			t.Errorf("%s: exit %d, stderr %q", name, code, stderr)
		}
		if name == "refused" && !strings.Contains(stderr, "auth.test refused SLACK_BOT_TOKEN: invalid_auth") {
			t.Errorf("refused token: %q", stderr)
		}
		if name == "app token refused" && !strings.Contains(stderr, "apps.connections.open refused SLACK_APP_TOKEN: invalid_auth") {
			t.Errorf("refused app token: %q", stderr)
		}
	}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func pinEntries(entries []bot.Entry, ts string) []bot.Entry {
	var out []bot.Entry
	for _, e := range entries {
		if e.Kind == bot.KindPin && strings.Contains(e.Text, "/p"+strings.Replace(ts, ".", "", 1)) {
			out = append(out, e)
		}
	}
	return out
}

func countEphemerals(fake *slackfake.Server, substr string) int {
	n := 0
	for _, e := range fake.Ephemerals() {
		if strings.Contains(e.Text, substr) {
			n++
		}
	}
	return n
}

// tsSecondsMicros is a message's ts as a time.
func tsSecondsMicros(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}
