package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// Everything here reads untrusted input: it may refuse, never panic.

func FuzzVerify(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	signer := slackfake.Signer{Secret: "s3cret"}
	body := []byte("command=%2Fincident")
	f.Add(body, "1700000000", signer.Signature("1700000000", body))
	f.Add([]byte{}, "", "")
	f.Add([]byte("x"), "-99999999999", "v0=")
	f.Add([]byte("x"), "1700000000", "v0=zz")
	f.Fuzz(func(t *testing.T, body []byte, ts, sig string) {
		v := NewVerifier("s3cret", clockwork.NewFakeClockAt(now))
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", sig)
		// Hex is compared as bytes, so upper-case digits are the same MAC.
		if err := v.Verify(h, body); err == nil && !strings.EqualFold(sig, signer.Signature(ts, body)) {
			t.Fatalf("accepted a signature that is not the HMAC: ts %q sig %q", ts, sig)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add([]byte(slackfake.SlashCommandFields{Command: "/incident", Text: "declare x sev1", ChannelID: "C1", UserID: "U1"}.Form().Encode()))
	f.Add([]byte("command=%zz&text=;;"))
	f.Fuzz(func(t *testing.T, body []byte) {
		sc, err := parseCommand(body)
		if err == nil && (sc.Command == "" || sc.UserID == "" || sc.ChannelID == "") {
			t.Fatal("accepted an incomplete command")
		}
		_ = plainText(sc.Text)
	})
}

// FuzzParseInteraction builds block_actions payloads from fuzzed fields (so the fuzzer
// reaches the translation, not just the JSON decoder) and checks what the engine is handed:
// one press per action, each with its action name (the "#n" suffix dropped), value, user,
// channel and message, and distinct dedup keys. Arbitrary raw bodies are parsed too: one
// accepted must have a type and a user.
func FuzzParseInteraction(f *testing.F) {
	f.Add("U1", "C1", "1.2", "role.claim#2", "1:analyst", uint8(1), "trig", []byte("payload="+`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":1}]}`))
	f.Add("U2", "", "", "page.ack", "", uint8(3), "", []byte("payload=null"))
	f.Fuzz(func(t *testing.T, user, channel, ts, actionID, value string, n uint8, trigger string, raw []byte) {
		if cb, err := parseInteraction(raw); err == nil && (cb.Type == "" || cb.User.ID == "") {
			t.Fatalf("accepted an interaction without type or user: %q", raw)
		}
		user, channel, ts = strings.ToValidUTF8(user, ""), strings.ToValidUTF8(channel, ""), strings.ToValidUTF8(ts, "")
		actionID, value, trigger = strings.ToValidUTF8(actionID, ""), strings.ToValidUTF8(value, ""), strings.ToValidUTF8(trigger, "")
		count := int(n)%4 + 1
		var actions []map[string]any
		for i := range count {
			actions = append(actions, map[string]any{"action_id": actionID + "#" + strconv.Itoa(i), "block_id": "b", "value": value, "type": "button"})
		}
		payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "name": "x"},
			"container": map[string]any{"channel_id": channel, "message_ts": ts}, "trigger_id": trigger, "actions": actions})
		cb, err := parseInteraction([]byte("payload=" + url.QueryEscape(string(payload))))
		if user == "" {
			if err == nil {
				t.Fatal("accepted a click without a user")
			}
			return
		}
		if err != nil {
			t.Fatalf("refused a well-formed click: %v", err)
		}
		stub := newStub("")
		a := &Adapter{cfg: Config{}, handler: stub}
		work := a.interaction(cb)
		if work == nil {
			t.Fatal("a block_actions click did nothing")
		}
		work(context.Background())
		if len(stub.presses) != count {
			t.Fatalf("%d presses for %d actions", len(stub.presses), count)
		}
		keys := map[string]bool{}
		for _, p := range stub.presses {
			if p.Action != actionName(actionID+"#0") || p.Value != value || p.Source.User.ID != user ||
				p.Source.Channel != channel || p.MessageID != ts || p.Source.Platform != Name {
				t.Fatalf("press %+v from action %q value %q user %q channel %q ts %q", p, actionID, value, user, channel, ts)
			}
			if keys[p.Source.DedupKey] {
				t.Fatalf("two presses share the dedup key %q", p.Source.DedupKey)
			}
			keys[p.Source.DedupKey] = true
		}
	})
}

// FuzzParseEvent builds reaction_added events from fuzzed fields and checks what reaches the
// engine: the reaction's normalised emoji, channel, message ts and user, the event id as the
// dedup key — and nothing for an emoji warroom does not forward, the bot's own reaction, or
// a reaction on something that is not a message. Arbitrary raw bodies are parsed too: one
// accepted as an event callback has an event id.
func FuzzParseEvent(f *testing.F) {
	f.Add("U1", "pushpin::skin-tone-2", "C1", "1.2", "message", "Ev1", []byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","item":7}}`))
	f.Add("UBOT", "rotating_light", "C1", "1.2", "message", "Ev2", []byte(`{"type":"url_verification","challenge":"c"}`))
	f.Add("U1", "thumbsup", "C1", "1.2", "file", "Ev3", []byte(`{"type":"event_callback","event_id":"Ev1","event":"x"}`))
	fake := slackfake.New(f)
	fake.AddUser("U1", "alice")
	f.Fuzz(func(t *testing.T, user, reaction, channel, ts, itemType, eventID string, raw []byte) {
		if ev, err := parseEvent(raw); err == nil && ev.Type == "event_callback" && ev.EventID == "" {
			t.Fatalf("accepted an event callback without an event id: %q", raw)
		}
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": eventID,
			"event": map[string]any{"type": "reaction_added", "user": user, "reaction": reaction,
				"item": map[string]any{"type": itemType, "channel": channel, "ts": ts}}})
		ev, err := parseEvent(body)
		if eventID == "" {
			if err == nil {
				t.Fatal("accepted an event callback without an event id")
			}
			return
		}
		if err != nil {
			t.Fatalf("refused a well-formed event: %v", err)
		}
		r, err := ev.reactionAdded()
		if err != nil || r == nil {
			t.Fatalf("a reaction_added was not read as one: %v", err)
		}
		stub := newStub("")
		a := &Adapter{cfg: Config{Reactions: DefaultReactions}, handler: stub, botUserID: "UBOT", api: slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL())),
			log: slog.New(slog.DiscardHandler)}
		work := a.reaction(ev.TeamID, ev.EventID, r)
		emoji := normalizeEmoji(r.Reaction)
		forward := itemType == "message" && r.Item.Channel != "" && r.Item.Timestamp != "" && r.User != "" && r.User != "UBOT" &&
			slices.Contains(DefaultReactions, emoji)
		if (work != nil) != forward {
			t.Fatalf("reaction %+v: forwarded %v, want %v", r, work != nil, forward)
		}
		if work == nil {
			return
		}
		work(context.Background())
		if len(stub.reactions) != 1 {
			t.Fatalf("%d reactions reached the engine", len(stub.reactions))
		}
		got := stub.reactions[0]
		if got.Emoji != emoji || got.Source.Channel != r.Item.Channel || got.MessageID != r.Item.Timestamp ||
			got.Source.User.ID != r.User || got.Source.DedupKey != eventID || got.Source.Team != "T1" {
			t.Fatalf("engine got %+v for %+v", got, r)
		}
	})
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"a & b <t:1700000000:f> slack:U0BOB <@U0ALICE>", "<@U1|x> <#C1|g> <!here> <http://a|b> &amp;&lt;",
		"<t:-99999999999:f>", "<<>><", strings.Repeat("x&y ", 2000), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := slackText(bot.LegacyText(s))
		if !utf8.ValidString(out) {
			t.Fatal("invalid UTF-8 sent to Slack")
		}
		// Every '<' left is markup warroom wrote on purpose.
		for i := strings.IndexByte(out, '<'); i >= 0; i = next(out, i) {
			if !strings.HasPrefix(out[i:], "<@") && !strings.HasPrefix(out[i:], "<!date^") {
				t.Fatalf("unescaped < in %q", out)
			}
		}
		in := plainText(s)
		if !utf8.ValidString(in) {
			t.Fatal("invalid UTF-8 handed to the engine")
		}
		blocks := messageBlocks(out, nil)
		if len(blocks) > maxBlocks {
			t.Fatalf("%d blocks", len(blocks))
		}
		for _, b := range blocks {
			raw, _ := json.Marshal(b)
			var sec struct{ Text struct{ Text string } }
			_ = json.Unmarshal(raw, &sec)
			if n := utf8.RuneCountInString(sec.Text.Text); n > maxSectionText {
				t.Fatalf("section of %d characters", n)
			}
		}
	})
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '<')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// FuzzSignedRequests drives the real HTTP handlers with correctly signed bodies, so the
// fuzzer gets past the signature check into the parsers and the translation. The adapter
// reads reacted messages from a fake Slack, so a signed reaction_added goes the whole way:
// every one that names a forwarded emoji on a message reaches the engine once, with its
// event id, and nothing answers 5xx.
func FuzzSignedRequests(f *testing.F) {
	fake := slackfake.New(f)
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")
	ts := fake.PostAsUser(ch, "U1", "a line worth keeping")
	reaction := func(id, emoji string) []byte {
		return []byte(`{"type":"event_callback","team_id":"T1","event_id":"` + id + `","event":{"type":"reaction_added","user":"U1","reaction":"` + emoji +
			`","item":{"type":"message","channel":"` + ch + `","ts":"` + ts + `"}}}`)
	}
	f.Add(uint8(0), []byte(slackfake.SlashCommandFields{Command: "/incident", Text: "status", ChannelID: "C1", UserID: "U1"}.Form().Encode()))
	f.Add(uint8(1), reaction("Ev1", "pushpin"))
	f.Add(uint8(1), reaction("Ev2", "rotating_light::skin-tone-2"))
	f.Add(uint8(1), reaction("Ev3", "thumbsup"))
	f.Add(uint8(1), []byte(`{"type":"url_verification","challenge":"c"}`))
	f.Add(uint8(2), []byte(`payload={"type":"view_submission","user":{"id":"U1"}}`))
	stub := newStub("")
	a, err := New(Config{BotToken: fake.BotToken(), SigningSecret: "s3cret", APIURL: fake.APIURL(), Handler: stub, Clock: clockwork.NewRealClock(),
		Reactions: DefaultReactions})
	if err != nil {
		f.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	signer := slackfake.Signer{Secret: "s3cret"}
	paths := []string{CommandsPath, EventsPath, InteractionsPath}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", signer.Signature(stamp, body))
		stub.mu.Lock()
		before := len(stub.reactions)
		stub.mu.Unlock()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		// What the engine must get for a reaction, judged from the body independently of the
		// adapter's dispatch: a forwarded emoji on a message, by someone, with an event id.
		want := ""
		if ev, err := parseEvent(body); path == EventsPath && err == nil && ev.Type == "event_callback" && rec.Code == http.StatusOK {
			if r, err := ev.reactionAdded(); err == nil && r != nil && r.Item.Type == "message" && r.Item.Channel != "" &&
				r.Item.Timestamp != "" && r.User != "" && slices.Contains(DefaultReactions, normalizeEmoji(r.Reaction)) {
				want = ev.EventID
			}
		}
		deadline := time.After(5 * time.Second)
		for want != "" {
			stub.mu.Lock()
			got := stub.reactions[before:]
			stub.mu.Unlock()
			if len(got) > 0 {
				if len(got) != 1 || got[0].Source.DedupKey != want {
					t.Fatalf("the engine got %+v for event %s", got, want)
				}
				break
			}
			select {
			case <-deadline:
				t.Fatalf("a signed reaction_added (event %s) never reached the engine", want)
			case <-stub.calls:
			}
		}
		// Drain what the stub saw so its channel never fills.
		for {
			select {
			case <-stub.calls:
				continue
			default:
			}
			break
		}
	})
}
