package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/stdwebhook"
	"github.com/warroom/warroom/storage"
)

// quorumConfig adds isolate-host, approved by two distinct people among the commander and
// the analyst (never the requester), to block-ip (one commander, not the requester).
func quorumConfig(url string) string {
	return strings.ReplaceAll(`
egress: {allow_urls: ["URL/hooks/"], allow_private: true}
actions:
  block-ip:
    describe: Block an IP address at the edge firewall
    params: {ip: ip}
    request: {method: POST, url: URL/hooks/block-ip, body: '{"ip": {{json .Params.ip}}}'}
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander], quorum: 1, not_requester: true, expires: 15m}
  isolate-host:
    describe: Isolate a host from the network
    params: {host: host, reason: text}
    request: {method: POST, url: "URL/hooks/isolate/{{.Params.host}}", body: '{"reason": {{json .Params.reason}}}'}
    secret_env: WARROOM_ACTION_SECRET
    approval: {roles: [commander, analyst], quorum: 2, not_requester: true, expires: 15m}
playbooks:
  ransomware:
    match: {type: ransomware}
    actions: [block-ip, isolate-host]
`, "URL", url)
}

func quorumWorker(t *testing.T, q actions.Queue) *actions.Worker {
	key, err := stdwebhook.ParseSecret(actionSecret)
	if err != nil {
		t.Fatal(err)
	}
	signers := map[string]actions.Signer{"block-ip": key, "isolate-host": key}
	return actions.NewWorker(q, actions.NewClient(true), signers, time.Now, slog.New(slog.DiscardHandler))
}

func (rc *signedReceiver) snapshot() (map[string]int, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ids := map[string]int{}
	for k, v := range rc.ids {
		ids[k] = v
	}
	return ids, rc.unsigned
}

// approvalRequest finds the approval request whose text holds prefix.
func (h *slackE2E) approvalRequest(channel, prefix string) slackfake.Message {
	h.t.Helper()
	for _, m := range h.botMessages(channel) {
		if strings.Contains(m.Text, prefix) {
			return m
		}
	}
	h.t.Fatalf("no approval request %q in the channel", prefix)
	return slackfake.Message{}
}

// click presses a button as user and returns warroom's answer to the click.
func (h *slackE2E) click(m slackfake.Message, label, user string) string {
	h.t.Helper()
	before := len(h.fake.ResponseURLPosts())
	b := slackButton(h.t, m, label)
	b.UserID = user
	h.press(b)
	h.awaitHandled("press", 1)
	h.waitFake("the answer to the click", func() bool { return len(h.fake.ResponseURLPosts()) > before })
	return h.fake.ResponseURLPosts()[before].Text
}

// Through the Slack fake with the real slack-go client, every decision by [Approve]
// buttons: the requester is refused when not_requester; a member holding no approval role
// is refused; a quorum of 2 needs two distinct people (the same one twice is refused, and
// nothing is sent on one approval); then exactly one signed call.
func TestSlackQuorumOfTwoByButtons(t *testing.T) {
	rc := newSignedReceiver(t)
	h := newSlackE2E(t, e2eOptions{transport: socketMode, extraYAML: quorumConfig(rc.srv.URL), people: map[string]string{"dave": uDave}})
	w := quorumWorker(t, h.engine)
	inc := h.declare("Files encrypted on the file server")
	for _, c := range [][3]string{{uAlice, "type ransomware", "Playbook ransomware"}, {uAlice, "role commander <@" + uBob + ">", "bob is commander"},
		{uBob, "role analyst <@" + uCarol + ">", "carol is analyst"}, {uBob, "invite <@" + uDave + ">", "dave"}} {
		if ans := h.command(c[0], inc, c[1]); !strings.Contains(ans, c[2]) {
			t.Fatalf("%s: %q", c[1], ans)
		}
	}
	if ans := h.command(uBob, inc, "run block-ip 203.0.113.7"); !strings.Contains(ans, "waiting for approval") {
		t.Fatalf("run: %s", ans)
	}
	h.deliver(time.Minute)
	if ans := h.click(h.approvalRequest(inc, "Run 1: block-ip"), "Approve", uBob); !strings.Contains(ans, "bob asked for run 1") || !strings.Contains(ans, "someone else") {
		t.Fatalf("the requester's own click: %q", ans)
	}
	if ans := h.command(uAlice, inc, "run isolate-host files01.corp.example beacon to a known C2"); !strings.Contains(ans, "waiting for approval (2 of commander/analyst)") {
		t.Fatalf("run: %s", ans)
	}
	h.deliver(time.Minute)
	ask := h.approvalRequest(inc, "Run 2: isolate-host")
	if ans := h.click(ask, "Approve", uDave); !strings.Contains(ans, "you hold none of these") {
		t.Fatalf("a member without a role: %q", ans)
	}
	if ans := h.click(ask, "Approve", uBob); !strings.Contains(ans, "1 of 2 approvals") {
		t.Fatalf("first approval: %q", ans)
	}
	if ans := h.click(ask, "Approve", uBob); !strings.Contains(ans, "already approved") {
		t.Fatalf("the same person twice: %q", ans)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 0 {
		t.Fatalf("sent on one approval: %d %v", n, err)
	}
	if ans := h.click(ask, "Approve", uCarol); !strings.Contains(ans, "queued") {
		t.Fatalf("second approval: %q", ans)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 1 {
		t.Fatalf("worker: %d %v", n, err)
	}
	if ids, unsigned := rc.snapshot(); len(ids) != 1 || ids["warroom-INC-1-run-2"] != 1 || unsigned != 0 {
		t.Fatalf("receiver: %v, unsigned %d", ids, unsigned)
	}
	var texts []string
	for _, e := range h.timeline(1) {
		texts = append(texts, e.Text)
	}
	all := strings.Join(texts, "\n")
	wantAll(t, all, "run 2 of isolate-host approved by bob (1 of 2)", "run 2 of isolate-host approved by carol (2 of 2)", "run 2 of isolate-host result: HTTP 200")
	if strings.Contains(all, "run 1 of block-ip approved") || strings.Contains(all, "approved by dave") {
		t.Fatalf("a refused click was recorded:\n%s", all)
	}
}

// A drill through Slack: approved by the commander's click as usual, then shown as
// DRILL: would call … and never sent.
func TestSlackDrillActionNeverCallsOut(t *testing.T) {
	rc := newSignedReceiver(t)
	h := newSlackE2E(t, e2eOptions{transport: socketMode, extraYAML: quorumConfig(rc.srv.URL)})
	w := quorumWorker(t, h.engine)
	if ans := h.command(uAlice, h.general, "drill ransomware"); !strings.Contains(ans, "Drill INC-1") {
		t.Fatalf("drill: %s", ans)
	}
	h.deliver(time.Minute)
	inc := h.incident(1).ChannelID
	h.command(uAlice, inc, "role commander <@"+uBob+">")
	if ans := h.command(uAlice, inc, "run block-ip 203.0.113.7"); !strings.Contains(ans, "waiting for approval") {
		t.Fatalf("run: %s", ans)
	}
	h.deliver(time.Minute)
	if ans := h.click(h.approvalRequest(inc, "Run 1: block-ip"), "Approve", uBob); !strings.Contains(ans, "DRILL: would call POST "+rc.srv.URL+"/hooks/block-ip") {
		t.Fatalf("approval in a drill: %q", ans)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 0 {
		t.Fatalf("a drill run was handed to the worker: %d %v", n, err)
	}
	h.deliver(time.Minute)
	if ids, unsigned := rc.snapshot(); len(ids) != 0 || unsigned != 0 {
		t.Fatalf("a drill called out: %v, unsigned %d", ids, unsigned)
	}
	wantAll(t, slackTexts(h.botMessages(inc)), "DRILL: would call POST "+rc.srv.URL+"/hooks/block-ip — run 1 of block-ip")
}

// approvalRequest finds the approval request and its [Approve] button's custom id.
func (h *discordE2E) approvalRequest(channel, prefix string) (discordfake.Message, string) {
	h.t.Helper()
	for _, m := range h.fake.Messages(channel) {
		if !strings.Contains(m.Content, prefix) {
			continue
		}
		for _, id := range buttons(h.t, m) {
			if strings.Contains(id, "approve") {
				return m, id
			}
		}
	}
	h.t.Fatalf("no approval request %q with an Approve button", prefix)
	return discordfake.Message{}, ""
}

func (h *discordE2E) click(channel string, m discordfake.Message, customID, user string) string {
	h.t.Helper()
	ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: channel, UserID: user, CustomID: customID, MessageID: m.ID})
	return h.reply(ref)
}

// The same through the Discord fake with the real discordgo client.
func TestDiscordQuorumOfTwoByButtons(t *testing.T) {
	rc := newSignedReceiver(t)
	h := newDiscordE2EWith(t, discordOptions{extraYAML: quorumConfig(rc.srv.URL), people: map[string]string{"dave": dDave}})
	w := quorumWorker(t, h.engine)
	if r := h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Files encrypted"), discordfake.StringOption("severity", "sev1")); !strings.Contains(r, "Declared INC-1") {
		t.Fatalf("declare: %s", r)
	}
	h.deliver(time.Minute)
	ch := h.channel("inc-1-files-encrypted").ID
	for _, c := range []struct {
		user, sub, want string
		opts            []discordfake.CommandOption
	}{
		{dAlice, "type", "Playbook ransomware", []discordfake.CommandOption{discordfake.StringOption("type", "ransomware")}},
		{dAlice, "role", "bob is commander", []discordfake.CommandOption{discordfake.StringOption("role", "commander"), discordfake.UserOption("user", dBob)}},
		{dBob, "role", "carol is analyst", []discordfake.CommandOption{discordfake.StringOption("role", "analyst"), discordfake.UserOption("user", dCarol)}},
		{dBob, "invite", "dave", []discordfake.CommandOption{discordfake.UserOption("user", dDave)}},
	} {
		if r := h.incident(c.user, ch, c.sub, c.opts...); !strings.Contains(r, c.want) {
			t.Fatalf("%s: %q", c.sub, r)
		}
	}
	if r := h.more(dBob, ch, "run", discordfake.StringOption("action", "block-ip"), discordfake.StringOption("params", "203.0.113.7")); !strings.Contains(r, "waiting for approval") {
		t.Fatalf("run: %s", r)
	}
	h.deliver(time.Minute)
	m1, approve1 := h.approvalRequest(ch, "Run 1: block-ip")
	if r := h.click(ch, m1, approve1, dBob); !strings.Contains(r, "someone else") {
		t.Fatalf("the requester's own click: %q", r)
	}
	if r := h.more(dAlice, ch, "run", discordfake.StringOption("action", "isolate-host"), discordfake.StringOption("params", "files01.corp.example beacon to a known C2")); !strings.Contains(r, "waiting for approval (2 of commander/analyst)") {
		t.Fatalf("run: %s", r)
	}
	h.deliver(time.Minute)
	m2, approve2 := h.approvalRequest(ch, "Run 2: isolate-host")
	if r := h.click(ch, m2, approve2, dDave); !strings.Contains(r, "you hold none of these") {
		t.Fatalf("a member without a role: %q", r)
	}
	if r := h.click(ch, m2, approve2, dBob); !strings.Contains(r, "1 of 2 approvals") {
		t.Fatalf("first approval: %q", r)
	}
	if r := h.click(ch, m2, approve2, dBob); !strings.Contains(r, "already approved") {
		t.Fatalf("the same person twice: %q", r)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 0 {
		t.Fatalf("sent on one approval: %d %v", n, err)
	}
	if r := h.click(ch, m2, approve2, dCarol); !strings.Contains(r, "queued") {
		t.Fatalf("second approval: %q", r)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 1 {
		t.Fatalf("worker: %d %v", n, err)
	}
	if ids, unsigned := rc.snapshot(); len(ids) != 1 || ids["warroom-INC-1-run-2"] != 1 || unsigned != 0 {
		t.Fatalf("receiver: %v, unsigned %d", ids, unsigned)
	}
	var texts []string
	for _, e := range h.entries(1) {
		texts = append(texts, e.Text)
	}
	wantAll(t, strings.Join(texts, "\n"), "run 2 of isolate-host approved by bob (1 of 2)", "run 2 of isolate-host approved by carol (2 of 2)", "run 2 of isolate-host result: HTTP 200")
}

// A drill through Discord never calls out.
func TestDiscordDrillActionNeverCallsOut(t *testing.T) {
	rc := newSignedReceiver(t)
	h := newDiscordE2EWith(t, discordOptions{extraYAML: quorumConfig(rc.srv.URL)})
	w := quorumWorker(t, h.engine)
	if r := h.more(dAlice, h.general, "drill", discordfake.StringOption("scenario", "ransomware")); !strings.Contains(r, "Drill INC-1") {
		t.Fatalf("drill: %s", r)
	}
	h.deliver(time.Minute)
	var ch string
	if err := h.db.View(context.Background(), func(tx *storage.Tx) error {
		inc, err := tx.Incident(1)
		ch = inc.ChannelID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	h.incident(dAlice, ch, "role", discordfake.StringOption("role", "commander"), discordfake.UserOption("user", dBob))
	if r := h.more(dAlice, ch, "run", discordfake.StringOption("action", "block-ip"), discordfake.StringOption("params", "203.0.113.7")); !strings.Contains(r, "waiting for approval") {
		t.Fatalf("run: %s", r)
	}
	h.deliver(time.Minute)
	m, approve := h.approvalRequest(ch, "Run 1: block-ip")
	if r := h.click(ch, m, approve, dBob); !strings.Contains(r, "DRILL: would call POST "+rc.srv.URL+"/hooks/block-ip") {
		t.Fatalf("approval in a drill: %q", r)
	}
	if n, err := w.Step(context.Background()); err != nil || n != 0 {
		t.Fatalf("a drill run was handed to the worker: %d %v", n, err)
	}
	if ids, unsigned := rc.snapshot(); len(ids) != 0 || unsigned != 0 {
		t.Fatalf("a drill called out: %v, unsigned %d", ids, unsigned)
	}
}
