package slack

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot/slack/slackfake"
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

func FuzzParseInteraction(f *testing.F) {
	f.Add([]byte("payload=" + `{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"role.claim#2","block_id":"b","value":"1:analyst"}]}`))
	f.Add([]byte(`payload={"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":1}]}`))
	f.Add([]byte("payload=null"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := parseInteraction(body)
		if err != nil {
			return
		}
		a := &Adapter{cfg: Config{}}
		_ = a.interaction(cb) // building the work must not panic either
		for _, act := range cb.ActionCallback.BlockActions {
			if act != nil {
				_ = actionName(act.ActionID)
			}
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`{"type":"url_verification","challenge":"c"}`))
	f.Add([]byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"reaction_added","user":"U1","reaction":"pushpin::skin-tone-2","item":{"type":"message","channel":"C1","ts":"1.2"}}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","item":7}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := parseEvent(body)
		if err != nil {
			return
		}
		r, err := ev.reactionAdded()
		if err != nil || r == nil {
			return
		}
		_ = normalizeEmoji(r.Reaction)
		_ = tsTime(r.Item.Timestamp)
		a := &Adapter{cfg: Config{Reactions: DefaultReactions}}
		_ = a.reaction(ev.TeamID, ev.EventID, r)
	})
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"a & b <t:1700000000:f> slack:U0BOB <@U0ALICE>", "<@U1|x> <#C1|g> <!here> <http://a|b> &amp;&lt;",
		"<t:-99999999999:f>", "<<>><", strings.Repeat("x&y ", 2000), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := slackText(s)
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
// fuzzer gets past the signature check into the parsers and the translation.
func FuzzSignedRequests(f *testing.F) {
	f.Add(uint8(0), []byte(slackfake.SlashCommandFields{Command: "/incident", Text: "status", ChannelID: "C1", UserID: "U1"}.Form().Encode()))
	f.Add(uint8(1), []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"reaction_added","user":"U1","reaction":"thumbsup","item":{"type":"message","channel":"C1","ts":"1.2"}}}`))
	f.Add(uint8(1), []byte(`{"type":"url_verification","challenge":"c"}`))
	f.Add(uint8(2), []byte(`payload={"type":"view_submission","user":{"id":"U1"}}`))
	stub := newStub("")
	a, err := New(Config{BotToken: "xoxb-x", SigningSecret: "s3cret", APIURL: "http://127.0.0.1:1/", Handler: stub, Clock: clockwork.NewRealClock(),
		Reactions: []string{"none"}})
	if err != nil {
		f.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	signer := slackfake.Signer{Secret: "s3cret"}
	paths := []string{CommandsPath, EventsPath, InteractionsPath}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		req := httptest.NewRequest(http.MethodPost, paths[int(which)%len(paths)], bytes.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", signer.Signature(ts, body))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q", rec.Code, body)
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
