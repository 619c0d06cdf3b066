package discordfake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// A lost answer: the request takes effect, the client sees a 500, a 502 (which discordgo
// retries by itself — a second message, without a nonce) or a dropped connection.
func TestLoseAnswersAppliesTheRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	s.MaxRestRetries = 0
	ch := f.AddChannel(guildID, "general", ChannelText, "")

	f.LoseAnswers(RouteCreateMessage, 3)
	var statuses []int
	for i := range 3 {
		if _, err := s.ChannelMessageSend(ch, "lost "+string(rune('a'+i))); err == nil {
			t.Fatalf("send %d: a lost answer reported success", i)
		}
	}
	for _, e := range f.RequestLog() {
		if e.Route == RouteCreateMessage {
			statuses = append(statuses, e.Status)
			if !e.Lost {
				t.Errorf("entry %+v not marked lost", e)
			}
		}
	}
	if len(statuses) != 3 || !containsAll(statuses, http.StatusInternalServerError, http.StatusBadGateway, StatusAnswerLost) {
		t.Fatalf("statuses %v: want a 500, a 502 and a dropped connection", statuses)
	}
	if n := len(f.Messages(ch)); n != 3 {
		t.Fatalf("%d messages: every lost request took effect", n)
	}
	if n := f.LostAnswers(RouteCreateMessage); n != 3 {
		t.Fatalf("LostAnswers = %d", n)
	}
}

func containsAll(have []int, want ...int) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

// Nonces as Discord honours them: echoed; with enforce_nonce a repeat returns the first
// message instead of creating one; without it a repeat creates another; too long is refused.
func TestMessageNonce(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s := restSession(t, f)
	ch := f.AddChannel(guildID, "general", ChannelText, "")
	send := func(body map[string]any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		res, err := s.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(ch), json.RawMessage(b), "")
		if err != nil {
			var re *discordgo.RESTError
			if ok := asREST(err, &re); ok {
				return re.Response.StatusCode, nil
			}
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(res, &m)
		return 200, m
	}
	_, first := send(map[string]any{"content": "once", "nonce": "wr17.0", "enforce_nonce": true})
	_, again := send(map[string]any{"content": "once", "nonce": "wr17.0", "enforce_nonce": true})
	if first["id"] == nil || first["id"] != again["id"] || again["nonce"] != "wr17.0" {
		t.Fatalf("enforced nonce: first %v, repeat %v", first["id"], again["id"])
	}
	if n := len(f.Messages(ch)); n != 1 {
		t.Fatalf("%d messages after a repeated enforced nonce", n)
	}
	_, loose := send(map[string]any{"content": "twice", "nonce": "wr18.0"})
	_, loose2 := send(map[string]any{"content": "twice", "nonce": "wr18.0"})
	if loose["id"] == loose2["id"] || len(f.Messages(ch)) != 3 {
		t.Fatalf("a nonce without enforce_nonce deduplicated: %v %v", loose["id"], loose2["id"])
	}
	_, numeric := send(map[string]any{"content": "n", "nonce": 12345, "enforce_nonce": true})
	if numeric["nonce"] != "12345" {
		t.Fatalf("integer nonce echoed as %v", numeric["nonce"])
	}
	if st, _ := send(map[string]any{"content": "x", "nonce": strings.Repeat("n", 26), "enforce_nonce": true}); st != http.StatusBadRequest {
		t.Fatalf("26-character nonce answered %d", st)
	}
	// A fetched message does not show its nonce.
	got, err := s.ChannelMessage(ch, first["id"].(string))
	if err != nil || got.Content != "once" {
		t.Fatalf("fetch: %v %+v", err, got)
	}
	raw, _ := s.RequestWithBucketID("GET", discordgo.EndpointChannelMessage(ch, got.ID), nil, "")
	if strings.Contains(string(raw), "wr17.0") {
		t.Fatalf("a fetched message shows its nonce: %s", raw)
	}
}

func asREST(err error, re **discordgo.RESTError) bool {
	e, ok := err.(*discordgo.RESTError)
	if ok {
		*re = e
	}
	return ok
}
