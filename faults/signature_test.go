//go:build faults

package faults

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// TestSignatureAbuse: forged, stale, replayed, truncated, oversized and unsigned requests
// to every Slack endpoint are refused with 401 (or 413 for size) and change nothing: not
// the database, not Slack.
func TestSignatureAbuse(t *testing.T) {
	w := newWorkspace(t)
	b := newBot(t, w, filepath.Join(t.TempDir(), "warroom.db"))
	b.mustStart()
	ch := w.declare(t, b, uAlice, "Signature abuse sev3")
	send := w.sender(b)

	// One genuine request, kept byte for byte (body and signed headers) to replay later.
	genuine := []byte(w.command(ch, uAlice, "note the one genuine note").Form().Encode())
	genuineHdr := send.Signer.Headers(genuine)
	if res := rawPost(t, b, slackfake.CommandsPath, genuine, genuineHdr); res.Status != http.StatusOK || !strings.Contains(res.text(t), "Noted") {
		t.Fatalf("genuine request: %d %s", res.Status, res.Body)
	}
	bait := w.fake.PostAsUser(w.general, uBob, "a message a forged 🚨 would declare an incident from")
	b.waitOutboxEmpty(t, 30*time.Second)
	before := snapshotAll(t, w, b)

	type attempt struct {
		name string
		want int
		do   func() (int, error)
	}
	cmd := func(text string, opts ...slackfake.HTTPOption) func() (int, error) {
		return func() (int, error) {
			res, err := send.SlashCommand(w.command(ch, uAlice, text), opts...)
			return res.Status, err
		}
	}
	raw := func(body []byte, hdr http.Header) func() (int, error) {
		return func() (int, error) { return rawPost(t, b, slackfake.CommandsPath, body, hdr).Status, nil }
	}
	reaction := func(opts ...slackfake.HTTPOption) func() (int, error) {
		return func() (int, error) {
			res, _, err := send.ReactionAdded(slackfake.ReactionAdded{User: uBob, Reaction: "rotating_light", Channel: w.general, TS: bait}, opts...)
			return res.Status, err
		}
	}
	click := func(opts ...slackfake.HTTPOption) func() (int, error) {
		return func() (int, error) {
			res, err := send.BlockAction(slackfake.BlockAction{UserID: uBob, ChannelID: ch, ActionID: "role.claim", Value: "1:analyst"}, opts...)
			return res.Status, err
		}
	}
	// A body cut after signing: the signature covers bytes that never arrived.
	full := []byte(w.command(ch, uAlice, "note this note is cut short after it was signed").Form().Encode())
	cutHdr := send.Signer.Headers(full)
	cut := full[:bytes.Index(full, []byte("cut+short"))]
	// Headers that are present but malformed.
	badScheme := send.Signer.Headers(full)
	badScheme.Set("X-Slack-Signature", "v1="+strings.TrimPrefix(badScheme.Get("X-Slack-Signature"), "v0="))
	badTS := send.Signer.Headers(full)
	badTS.Set("X-Slack-Request-Timestamp", "soon")

	attempts := []attempt{
		{"forged command", 401, cmd("note forged", slackfake.ForgedSignature())},
		{"stale command (10 min old)", 401, cmd("note stale", slackfake.StaleTimestamp())},
		{"command from the future (+10 min)", 401, cmd("note future", slackfake.TimestampOffset(10*time.Minute))},
		{"replayed command", 401, raw(genuine, genuineHdr)},
		{"replayed command again", 401, raw(genuine, genuineHdr)},
		{"truncated body (cut after signing)", 401, raw(cut, cutHdr)},
		{"body cut in transit (Content-Length not met)", 400, func() (int, error) { return truncatedInTransit(t, b, full, cutHdr) }},
		{"oversized command (100 KiB)", 413, cmd("note oversized", slackfake.Oversized(100<<10))},
		{"oversized command (64 KiB + 1)", 413, cmd("note just over", slackfake.Oversized(64<<10+1))},
		{"oversized and forged", 413, cmd("note big forged", slackfake.Oversized(100<<10), slackfake.ForgedSignature())},
		{"missing signature", 401, cmd("note unsigned", slackfake.OmitSignature())},
		{"missing timestamp", 401, cmd("note untimed", slackfake.OmitTimestamp())},
		{"no Slack headers at all", 401, raw(full, http.Header{})},
		{"signature scheme v1", 401, raw(full, badScheme)},
		{"malformed timestamp", 401, raw(full, badTS)},
		{"forged 🚨 reaction", 401, reaction(slackfake.ForgedSignature())},
		{"stale 🚨 reaction", 401, reaction(slackfake.StaleTimestamp())},
		{"unsigned 🚨 reaction", 401, reaction(slackfake.OmitSignature())},
		{"oversized 🚨 reaction", 413, reaction(slackfake.Oversized(100 << 10))},
		{"forged button click", 401, click(slackfake.ForgedSignature())},
		{"stale button click", 401, click(slackfake.StaleTimestamp())},
		{"oversized button click", 413, click(slackfake.Oversized(100 << 10))},
	}
	byStatus := map[int]int{}
	for _, a := range attempts {
		got, err := a.do()
		if err != nil {
			t.Errorf("%s: %v", a.name, err)
			continue
		}
		byStatus[got]++
		if got != a.want {
			t.Errorf("%s: HTTP %d, want %d", a.name, got, a.want)
		}
	}

	// The bot still serves genuine requests, and nothing refused left a trace: a genuine
	// read-only command goes through the same path after all of the above.
	if ans := w.say(t, b, ch, uAlice, "status"); !strings.Contains(ans, "INC-1") {
		t.Errorf("status after the abuse answered %q", ans)
	}
	after := snapshotAll(t, w, b)
	changes := before.diff(after)
	for _, c := range changes {
		t.Errorf("a refused request changed something: %s", c)
	}
	logs := b.log()
	for _, why := range []string{"signature does not match", "timestamp outside the 5-minute window", "request replayed",
		"missing X-Slack-Signature", "malformed X-Slack-Request-Timestamp", "body over the size limit"} {
		if !strings.Contains(logs, why) {
			t.Errorf("the bot's log never says %q", why)
		}
	}
	if strings.Contains(logs, signingSecret) || strings.Contains(logs, genuineHdr.Get("X-Slack-Signature")) || strings.Contains(logs, w.fake.BotToken()) {
		t.Error("a secret or a signature was logged")
	}
	var parts []string
	for _, s := range []int{401, 413, 400} {
		parts = append(parts, fmt.Sprintf("http%d=%d", s, byStatus[s]))
	}
	figure("signature requests=%d %s changed=%d timeline_entries=%d", len(attempts), strings.Join(parts, " "), len(changes), after.db.entries)
}

type rawResult struct {
	Status int
	Body   []byte
}

func (r rawResult) text(t *testing.T) string {
	s, err := ackText(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rawPost sends body with exactly the headers given (no signing of its own).
func rawPost(t *testing.T, b *botProc, path string, body []byte, hdr http.Header) rawResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.baseURL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{Timeout: 10 * time.Second, Transport: sharedTransport}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return rawResult{Status: resp.StatusCode, Body: buf.Bytes()}
}

// truncatedInTransit announces the whole signed body in Content-Length, sends half of it
// and closes its side of the connection, as a client dying mid-request does.
func truncatedInTransit(t *testing.T, b *botProc, body []byte, hdr http.Header) (int, error) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", b.httpAddr, 2*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var req strings.Builder
	req.WriteString("POST " + slackfake.CommandsPath + " HTTP/1.1\r\nHost: " + b.httpAddr + "\r\n")
	req.WriteString("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
	for k := range hdr {
		req.WriteString(k + ": " + hdr.Get(k) + "\r\n")
	}
	req.WriteString("Connection: close\r\n\r\n")
	if _, err := conn.Write([]byte(req.String())); err != nil {
		return 0, err
	}
	if _, err := conn.Write(body[:len(body)/2]); err != nil {
		return 0, err
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// stateSnapshot is everything a refused request must not change.
type stateSnapshot struct {
	db         dbState
	calls      map[string]int // Web API calls by method
	messages   map[string]int // messages per channel id
	channels   int
	ephemerals int
	responses  int
}

func snapshotAll(t *testing.T, w *workspace, b *botProc) stateSnapshot {
	t.Helper()
	s := stateSnapshot{db: readDB(t, b.db), calls: w.fake.CallCounts(), messages: map[string]int{}}
	for _, c := range w.fake.Channels() {
		s.messages[c.ID] = len(w.fake.Messages(c.ID))
		s.channels++
	}
	s.ephemerals = len(w.fake.Ephemerals())
	s.responses = len(w.fake.ResponseURLPosts())
	return s
}

func (s stateSnapshot) diff(o stateSnapshot) []string {
	var out []string
	cmp := func(what string, a, b int) {
		if a != b {
			out = append(out, fmt.Sprintf("%s %d → %d", what, a, b))
		}
	}
	cmp("timeline entries", s.db.entries, o.db.entries)
	cmp("incidents", s.db.incidents, o.db.incidents)
	cmp("outbox rows", s.db.outbox, o.db.outbox)
	cmp("notes", len(s.db.notes), len(o.db.notes))
	cmp("Slack channels", s.channels, o.channels)
	cmp("Slack ephemerals", s.ephemerals, o.ephemerals)
	cmp("Slack response_url posts", s.responses, o.responses)
	if !maps.Equal(s.messages, o.messages) {
		out = append(out, fmt.Sprintf("Slack messages per channel %v → %v", s.messages, o.messages))
	}
	if !maps.Equal(s.calls, o.calls) {
		out = append(out, fmt.Sprintf("Slack Web API calls %v → %v", s.calls, o.calls))
	}
	if s.db.integrity != "ok" || o.db.integrity != "ok" {
		out = append(out, "integrity_check: "+o.db.integrity)
	}
	return out
}
