package main

// Alerts end to end: a signed alert posted to the real endpoint (on the --http mux, as
// run.go wires it) opens a private channel through the real slack-go client and the fake
// Slack; the same key again is appended; resolved is recorded and closes nothing; a triage
// post's Declare button, clicked in the fake, declares with the presser as declarer.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/stdwebhook"
	"github.com/warroom/warroom/storage"
)

const e2eAlertSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

const e2eAlertsYAML = `alerts:
  sources:
    siem: {format: generic, secret_env: WARROOM_ALERTS_SIEM_SECRET}
  routes:
    - match: {source: siem, severity: [critical, high]}
      action: declare
      type: malware
      invite: [bob]
    - match: {source: siem}
      action: triage
      channel: "#soc-triage"
`

// alertSender posts signed generic alerts to an endpoint served by startAlerts.
type alertSender struct {
	t   *testing.T
	url string
	key stdwebhook.Key
	n   int
}

func newAlertSender(t *testing.T, cfg *config.Config, engine *commands.Engine, db *storage.DB, platforms []string, clock clockwork.Clock) *alertSender {
	t.Helper()
	mux := http.NewServeMux()
	env := map[string]string{"WARROOM_ALERTS_SIEM_SECRET": e2eAlertSecret}
	tel := newTelemetry(db)
	if err := startAlerts(func(k string) string { return env[k] }, cfg, "127.0.0.1:0", platforms, engine, clock, slog.New(slog.DiscardHandler), tel, mux); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	key, _ := stdwebhook.ParseSecret(e2eAlertSecret)
	return &alertSender{t: t, url: srv.URL + "/hooks/alerts/siem", key: key}
}

// send posts body signed now and returns the answer's status and JSON.
func (s *alertSender) send(body string, now time.Time) (int, map[string]any) {
	s.t.Helper()
	s.n++
	req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader([]byte(body)))
	s.key.SetHeaders(req.Header, "msg_e2e_"+string(rune('a'+s.n)), now, []byte(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatalf("answer %q", raw)
	}
	return resp.StatusCode, out
}

func TestSlackAlertsEndToEnd(t *testing.T) {
	h := newSlackE2E(t, e2eOptions{transport: socketMode, extraYAML: e2eAlertsYAML})
	h.fake.AddChannel("soc-triage", false, h.fake.BotUserID(), uAlice, uBob, uCarol)
	send := newAlertSender(t, h.engine.Config(), h.engine, h.db, []string{"slack"}, h.clock)
	body := `{"summary":"Beacon to 203.0.113.9 from db1","severity":"high","dedup_key":"beacon-db1","source_url":"https://siem.internal/a/77"}`

	if code, ans := send.send(body, h.clock.Now()); code != 202 || ans["incident"] != "INC-1" || ans["new"] != true {
		t.Fatalf("first alert: %d %v", code, ans)
	}
	h.deliver(time.Minute)
	inc := h.incident(1)
	ch, ok := h.fake.Channel(inc.ChannelID)
	if !ok || !ch.IsPrivate || !hasString(ch.Members, uBob) || !hasString(ch.Members, h.fake.BotUserID()) {
		t.Fatalf("incident channel %+v", ch)
	}
	if inc.DeclaredBy != "alerts:siem" || inc.Type != "malware" {
		t.Fatalf("incident %+v", inc)
	}
	if !strings.Contains(joinTexts(h.botMessages(inc.ChannelID)), "Beacon to 203.0.113.9 from db1") {
		t.Fatalf("the alert is not in the channel: %s", joinTexts(h.botMessages(inc.ChannelID)))
	}

	h.clock.Advance(time.Minute)
	if code, ans := send.send(body, h.clock.Now()); code != 202 || ans["incident"] != "INC-1" || ans["new"] != false {
		t.Fatalf("second alert: %d %v", code, ans)
	}
	resolved := strings.Replace(body, `"severity"`, `"status":"resolved","severity"`, 1)
	if code, ans := send.send(resolved, h.clock.Now()); code != 202 || ans["new"] != false {
		t.Fatalf("resolved: %d %v", code, ans)
	}
	h.deliver(time.Minute)
	if h.incidentCount() != 1 || h.incident(1).Status != bot.StatusOpen {
		t.Fatalf("%d incidents, INC-1 %s", h.incidentCount(), h.incident(1).Status)
	}
	alerts := 0
	for _, e := range h.timeline(1) {
		if e.Kind == bot.KindAlert {
			alerts++
		}
	}
	if alerts != 3 {
		t.Fatalf("%d alert entries, want 3", alerts)
	}
	if !strings.Contains(joinTexts(h.botMessages(inc.ChannelID)), "Alert resolved") {
		t.Fatalf("resolved not said in the channel")
	}

	// Triage: a medium alert is posted in #soc-triage; bob clicks Declare in Slack.
	if code, ans := send.send(`{"summary":"Port scan from 198.51.100.4","severity":"medium","dedup_key":"scan"}`, h.clock.Now()); code != 202 || ans["triage"] != "TRI-2" {
		t.Fatalf("triage alert: %d %v", code, ans)
	}
	h.deliver(time.Minute)
	triage, _ := h.fake.ChannelByName("soc-triage")
	posts := h.botMessages(triage.ID)
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "TRI-2") {
		t.Fatalf("triage posts %+v", posts)
	}
	click := slackButton(t, posts[0], "Declare")
	click.UserID = uBob
	h.press(click)
	h.awaitHandled("press", 1)
	h.deliver(time.Minute)
	if h.incidentCount() != 2 || h.incident(2).DeclaredBy != "bob" {
		t.Fatalf("after Declare: %d incidents, INC-2 by %q", h.incidentCount(), h.incident(2).DeclaredBy)
	}
	if es := h.timeline(2); es[0].Kind != bot.KindAlert {
		t.Fatalf("INC-2 entry 1 is %s", es[0].Kind)
	}
	if !strings.Contains(joinTexts(h.botMessages(triage.ID)), "bob declared INC-2 from TRI-2") {
		t.Fatalf("no decision in #soc-triage: %s", joinTexts(h.botMessages(triage.ID)))
	}
}

// joinTexts is the messages' texts, one per line.
func joinTexts(ms []slackfake.Message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

func TestDiscordAlertsEndToEnd(t *testing.T) {
	h := newDiscordE2EWith(t, discordOptions{extraYAML: e2eAlertsYAML})
	triage := h.fake.AddChannel(dGuild, "soc-triage", discordfake.ChannelText, "")
	send := newAlertSender(t, h.engine.Config(), h.engine, h.db, []string{"discord"}, h.clock)
	body := `{"summary":"Ransom note on fs1","severity":"critical","dedup_key":"ransom-fs1"}`

	if code, ans := send.send(body, h.clock.Now()); code != 202 || ans["incident"] != "INC-1" || ans["new"] != true {
		t.Fatalf("first alert: %d %v", code, ans)
	}
	h.deliver(time.Minute)
	ch := h.channel("inc-1-ransom-note-on-fs1")
	if p := h.fake.Permissions(ch.ID, dBob); p&discordfake.PermViewChannel == 0 {
		t.Fatalf("bob (the route's invitee) cannot see the channel: %b", p)
	}
	if p := h.fake.Permissions(ch.ID, dAlice); p != 0 {
		t.Fatalf("alice, not invited, can see the private channel: %b", p)
	}
	if !strings.Contains(strings.Join(h.contents(ch.ID), "\n"), "Ransom note on fs1") {
		t.Fatalf("the alert is not in the channel: %v", h.contents(ch.ID))
	}
	h.clock.Advance(time.Minute)
	if code, ans := send.send(body, h.clock.Now()); code != 202 || ans["incident"] != "INC-1" || ans["new"] != false {
		t.Fatalf("second alert: %d %v", code, ans)
	}
	if code, _ := send.send(strings.Replace(body, `"severity"`, `"status":"resolved","severity"`, 1), h.clock.Now()); code != 202 {
		t.Fatalf("resolved: %d", code)
	}
	h.deliver(time.Minute)
	kinds := ""
	for _, e := range h.entries(1) {
		if e.Kind == bot.KindAlert {
			kinds += e.Kind + " "
		}
	}
	if kinds != "alert alert alert " || countIncidents(t, h.db) != 1 {
		t.Fatalf("alert entries %q, %d incidents", kinds, countIncidents(t, h.db))
	}
	if !strings.Contains(strings.Join(h.contents(ch.ID), "\n"), "Alert resolved") {
		t.Fatalf("resolved not said: %v", h.contents(ch.ID))
	}

	// Triage, and Declare clicked by bob in Discord.
	if code, ans := send.send(`{"summary":"Port scan from 198.51.100.4","severity":"low","dedup_key":"scan"}`, h.clock.Now()); code != 202 || ans["triage"] != "TRI-2" {
		t.Fatalf("triage alert: %d %v", code, ans)
	}
	h.deliver(time.Minute)
	msgs := h.fake.Messages(triage)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Content, "TRI-2") {
		t.Fatalf("triage posts %+v", msgs)
	}
	ids := buttons(t, msgs[0])
	if len(ids) != 2 {
		t.Fatalf("buttons %v", ids)
	}
	ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: triage, UserID: dBob, CustomID: ids[0], MessageID: msgs[0].ID})
	if r := h.reply(ref); !strings.Contains(r, "Declared INC-2 from TRI-2") {
		t.Fatalf("Declare answered %q", r)
	}
	h.deliver(time.Minute)
	var inc2 *bot.Incident
	if err := h.db.View(t.Context(), func(tx *storage.Tx) (err error) { inc2, err = tx.Incident(2); return }); err != nil || inc2.DeclaredBy != "bob" {
		t.Fatalf("INC-2: %+v %v", inc2, err)
	}
}

// `warroom run` with only the console starts the --http listener for alerts.sources, and
// refuses to start without --http or without a source's secret, naming the config key.
func TestRunServesAlertsWithTheConsole(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "warroom.yaml")
	writeFile(t, cfgPath, "leads: [alice]\nroster:\n  - {name: alice}\n  - {name: bob}\n"+e2eAlertsYAML)
	dbPath := filepath.Join(dir, "w.db")
	env := map[string]string{"WARROOM_ALERTS_SIEM_SECRET": e2eAlertSecret, "USER": "alice", "WARROOM_FILES": dir}

	code, _, stderr := runCLI(t, "", env, "run", "--db", dbPath, "--config", cfgPath)
	if code == 0 || !strings.Contains(stderr, "warroom.yaml:6: alerts.sources is set but --http") {
		t.Fatalf("without --http: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "", map[string]string{"USER": "alice"}, "run", "--db", dbPath, "--config", cfgPath, "--http", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, "warroom.yaml:7: alerts.sources.siem.secret_env: WARROOM_ALERTS_SIEM_SECRET is not set in the environment") {
		t.Fatalf("without the secret: %d %s", code, stderr)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stdin, feed := io.Pipe()
	var out, errb lockedBuffer
	ready := make(chan struct{})
	m := &Main{Stdin: stdin, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Ready: func() { close(ready) }}
	done := make(chan int, 1)
	go func() {
		done <- m.Run(context.Background(), []string{"run", "--db", dbPath, "--config", cfgPath, "--http", addr})
	}()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("run exited %d: %s", code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("run never became ready")
	}
	send := &alertSender{t: t, url: "http://" + addr + "/hooks/alerts/siem"}
	send.key, _ = stdwebhook.ParseSecret(e2eAlertSecret)
	code2, ans := send.send(`{"summary":"Beacon from db1","severity":"critical","dedup_key":"db1"}`, time.Now())
	feed.Close()
	if c := <-done; c != 0 {
		t.Fatalf("run exited %d: %s", c, errb.String())
	}
	if code2 != 202 || ans["incident"] != "INC-1" || ans["new"] != true {
		t.Fatalf("alert to the console's run: %d %v", code2, ans)
	}
	if code, stdout, _ := runCLI(t, "", nil, "incidents", "--db", dbPath, "--json"); code != 0 || !strings.Contains(stdout, `"title": "Beacon from db1"`) {
		t.Fatalf("incidents: %d %s", code, stdout)
	}
}
