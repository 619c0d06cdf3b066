package main

// On-call paging end to end (issue 6): a page escalates on a fake clock through the real
// bot.Scheduler — wired as run.go wires it — and is acknowledged through the Slack and
// Discord fakes by each of the three means: the Acknowledge button, a ✅ on the DM and
// /page ack. commands/page_test.go covers every stage on the console; here it is the
// platforms' own payloads (block_actions, reaction_added, component interactions,
// MESSAGE_REACTION_ADD) that must find the page again.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

const (
	uDave = "U0DAVE"
	dDave = "210000000000000004"
)

// pagingYAML is commands/paging_harness_test.go's secops team and policy: bob and carol
// rotate weekly (bob's week began yesterday, so he is on call for the whole test);
// escalation is the on-call, wait 5m; dave, wait 10m; the whole team, wait 10m; twice —
// "nobody answered" after 50m. Nudges are pushed out of the way so the DMs hold only what
// paging sends.
func pagingYAML() string {
	start := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	return `nudges:
  no_commander: 1w
  status_update: {sev1: 1w, sev2: 1w, sev3: 1w, sev4: 1w}
  phase_dwell: {sev1: 1w, sev2: 1w, sev3: 1w, sev4: 1w}
oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob, carol], length: 1w, handoff: "00:00", start: ` + start + `}
      escalation:
        repeat: 2
        steps:
          - {notify: oncall, wait: 5m}
          - {notify: user, user: dave, wait: 10m}
          - {notify: team, wait: 10m}
`
}

const pagingMsg = "Credential phishing kit live"

// pagingClock moves a rig's fake clock and lets its scheduler fire what comes due.
type pagingClock struct {
	t       *testing.T
	db      *storage.DB
	clock   *clockwork.FakeClock
	sched   *timers.Scheduler
	fired   chan int64
	deliver func()
}

// run moves the clock forward by d, stopping at each pending timer's due time on the way:
// the scheduler's job for it fires (the test waits for FireTimer to return), and what it
// queued is delivered before the clock moves on.
func (c pagingClock) run(d time.Duration) {
	c.t.Helper()
	ctx := context.Background()
	end := c.clock.Now().Add(d)
	for {
		pending, err := c.db.PendingTimers(ctx)
		if err != nil {
			c.t.Fatal(err)
		}
		sort.SliceStable(pending, func(i, j int) bool { return pending[i].Due.Before(pending[j].Due) })
		if len(pending) == 0 || pending[0].Due.After(end) {
			break
		}
		// Every pending timer has its job (and its fake-clock timer) before time moves.
		if err := c.sched.Refresh(ctx); err != nil {
			c.t.Fatal(err)
		}
		if wait := pending[0].Due.Sub(c.clock.Now()); wait > 0 {
			c.clock.Advance(wait)
		}
		select {
		case id := <-c.fired:
			if id != pending[0].ID {
				c.t.Fatalf("timer %d fired, want %d (%s)", id, pending[0].ID, pending[0].Key)
			}
		case <-time.After(e2eWait):
			c.t.Fatalf("timer %s (due %v) did not fire", pending[0].Key, pending[0].Due)
		}
		c.deliver()
	}
	if wait := end.Sub(c.clock.Now()); wait > 0 {
		c.clock.Advance(wait)
	}
	select {
	case id := <-c.fired:
		c.t.Fatalf("timer %d fired before it was due", id)
	default:
	}
}

// pageTimerPending reports whether page 1 still has its escalation timer.
func (c pagingClock) pageTimerPending() bool {
	c.t.Helper()
	pending, err := c.db.PendingTimers(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	return slices.ContainsFunc(pending, func(tm bot.Timer) bool { return strings.HasPrefix(tm.Key, "page:") })
}

// checkAcked asserts what the database says after dave acknowledged page 1 at +5m.
func checkAcked(t *testing.T, db *storage.DB, who string, after time.Duration) {
	t.Helper()
	var p *bot.Page
	var roles map[string]string
	var member bool
	if err := db.View(context.Background(), func(tx *storage.Tx) (err error) {
		if p, err = tx.Page(1); err != nil {
			return err
		}
		if roles, err = tx.CurrentRoles(1); err != nil {
			return err
		}
		member, err = tx.IsMember(1, who)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if tta, ok := p.TimeToAck(); p.State != bot.PageAcked || p.AckedBy != who || !ok || tta.Round(time.Second) != after || p.Incident != 1 {
		t.Errorf("page %+v (time to ack %v)", p, tta)
	}
	if roles["commander"] != who || !member {
		t.Errorf("roles %v, %s a member: %v", roles, who, member)
	}
}

// ---- Slack ----

// slackPaging is a Slack rig with dave, the secops team and a scheduler. Its adapter runs
// on the wall clock (socket mode checks no signatures) so the fake clock carries only the
// scheduler's timers.
func slackPaging(t *testing.T) (*slackE2E, pagingClock) {
	h := newSlackE2E(t, e2eOptions{transport: socketMode, realClock: true, people: map[string]string{"dave": uDave},
		extraYAML: pagingYAML(), scheduler: true})
	return h, pagingClock{t: t, db: h.db, clock: h.clock, sched: h.sched, fired: h.fired, deliver: func() { h.deliver(time.Minute) }}
}

// slashAs sends any slash command (/page, /incident) over Socket Mode and returns the
// ephemeral answer its ack carried.
func (h *slackE2E) slashAs(command, user, channel, text string) string {
	h.t.Helper()
	env := h.fake.SendSlashCommand(slackfake.SlashCommandFields{Command: command, Text: text, ChannelID: channel, UserID: user})
	ack, err := h.fake.WaitAck(env, e2eWait)
	if err != nil {
		h.t.Fatal(err)
	}
	return ackText(h.t, ack.Payload)
}

// dmChannel is the bot's DM conversation with user ("" before the bot opened one).
func (h *slackE2E) dmChannel(user string) string {
	for _, c := range h.fake.Channels() {
		if c.IsIM && c.User == user {
			return c.ID
		}
	}
	return ""
}

// dms lists what the bot sent user by DM.
func (h *slackE2E) dms(user string) []slackfake.Message {
	if c := h.dmChannel(user); c != "" {
		return h.botMessages(c)
	}
	return nil
}

// allDMs counts the bot's DMs to everyone.
func (h *slackE2E) allDMs() int {
	n := 0
	for _, c := range h.fake.Channels() {
		if c.IsIM {
			n += len(h.botMessages(c.ID))
		}
	}
	return n
}

// slackButton finds a message's button by its label.
func slackButton(t *testing.T, m slackfake.Message, label string) slackfake.BlockAction {
	t.Helper()
	var blocks []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Text     struct{ Text string }
		}
	}
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatalf("blocks of %q: %v", m.Text, err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.Text.Text == label {
				return slackfake.BlockAction{ChannelID: m.Channel, MessageTS: m.TS, ActionID: e.ActionID, BlockID: b.BlockID, Value: e.Value}
			}
		}
	}
	t.Fatalf("no %s button in %s", label, m.Blocks)
	return slackfake.BlockAction{}
}

func slackTexts(ms []slackfake.Message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Text + "\n---\n")
	}
	return b.String()
}

// slackPaged declares INC-1 as alice, pages secops from its channel, checks bob's DM and
// the channel's note, and returns the incident channel.
func slackPaged(t *testing.T, h *slackE2E) string {
	t.Helper()
	inc := h.declare("Phishing wave")
	ans := h.slashAs("/page", uAlice, inc, "secops "+pagingMsg)
	if !strings.Contains(ans, "Page 1 sent to secops: bob notified. It escalates in 5m unless acknowledged") {
		t.Fatalf("/page answered %q", ans)
	}
	h.deliver(time.Minute)
	bob := h.dms(uBob)
	if len(bob) != 1 || !strings.Contains(bob[0].Text, "📟 Page 1 from alice for secops: "+pagingMsg) ||
		!strings.Contains(bob[0].Text, "You get this because you are on call for secops.") {
		t.Fatalf("bob's DMs:\n%s", slackTexts(bob))
	}
	if b := slackButton(t, bob[0], "Acknowledge"); b.Value != "1" {
		t.Errorf("bob's Acknowledge button %+v", b)
	}
	if !slices.ContainsFunc(h.botMessages(inc), func(m slackfake.Message) bool {
		return strings.Contains(m.Text, "📟 alice paged secops (page 1): "+pagingMsg) && strings.Contains(m.Text, "Notified: bob.")
	}) {
		t.Errorf("no page note in the incident channel:\n%s", slackTexts(h.botMessages(inc)))
	}
	return inc
}

// slackEscalatedToDave runs the clock to the second step and returns dave's DM.
func slackEscalatedToDave(t *testing.T, h *slackE2E, c pagingClock, inc string) slackfake.Message {
	t.Helper()
	c.run(5*time.Minute - time.Second)
	if dms := h.dms(uDave); len(dms) != 0 {
		t.Fatalf("dave paged before the step's wait:\n%s", slackTexts(dms))
	}
	c.run(time.Second)
	dave := h.dms(uDave)
	if len(dave) != 1 || !strings.Contains(dave[0].Text, "📟 Page 1 from alice for secops: "+pagingMsg) ||
		!strings.Contains(dave[0].Text, "because you are next in secops's escalation") {
		t.Fatalf("dave's DMs at +5m:\n%s", slackTexts(dave))
	}
	if n := len(h.dms(uBob)) + len(h.dms(uCarol)); n != 1 {
		t.Errorf("step 2 reached more than dave: bob and carol hold %d DMs", n)
	}
	if !slices.ContainsFunc(h.botMessages(inc), func(m slackfake.Message) bool {
		return strings.Contains(m.Text, "escalated (step 2 of 3, round 1 of 2): dave notified.")
	}) {
		t.Errorf("no escalation note in the incident channel:\n%s", slackTexts(h.botMessages(inc)))
	}
	return dave[0]
}

func TestSlackPagingEscalatesAndIsAcknowledged(t *testing.T) {
	t.Parallel()
	const took = "after 5m."
	for _, means := range []string{"button", "reaction", "command"} {
		t.Run(means, func(t *testing.T) {
			t.Parallel()
			h, c := slackPaging(t)
			inc := slackPaged(t, h)
			dm := slackEscalatedToDave(t, h, c, inc)
			var answer string
			switch means {
			case "button":
				b := slackButton(t, dm, "Acknowledge")
				b.UserID = uDave
				before := len(h.fake.ResponseURLPosts())
				h.press(b)
				h.awaitHandled("press", 1)
				h.waitFake("the answer to the click", func() bool { return len(h.fake.ResponseURLPosts()) > before })
				answer = h.fake.ResponseURLPosts()[before].Text
			case "reaction":
				h.react(slackfake.ReactionAdded{User: uDave, Reaction: "white_check_mark", Channel: dm.Channel, TS: dm.TS})
				h.awaitHandled("reaction", 1)
				h.waitFake("the answer to the reaction", func() bool {
					return slices.ContainsFunc(h.fake.Ephemerals(), func(e slackfake.Ephemeral) bool { return e.User == uDave })
				})
				for _, e := range h.fake.Ephemerals() {
					if e.User == uDave {
						answer = e.Text
					}
				}
			case "command":
				answer = h.slashAs("/page", uDave, dm.Channel, "ack")
			}
			if !strings.Contains(answer, "Acknowledged page 1 (secops: "+pagingMsg+") "+took) {
				t.Errorf("dave was told %q", answer)
			}
			h.deliver(time.Minute)

			notes := h.botMessages(inc)
			for _, want := range []string{"✅ dave acknowledged page 1 (secops: " + pagingMsg + ") " + took, "dave is commander."} {
				if !slices.ContainsFunc(notes, func(m slackfake.Message) bool { return strings.Contains(m.Text, want) }) {
					t.Errorf("no %q in the incident channel:\n%s", want, slackTexts(notes))
				}
			}
			if !hasString(h.fake.Members(inc), uDave) {
				t.Errorf("dave not invited to the incident channel: %v", h.fake.Members(inc))
			}
			checkAcked(t, h.db, "dave", 5*time.Minute)

			// Escalation stopped: no timer, and an hour on nobody hears of the page again.
			if c.pageTimerPending() {
				t.Error("the page's escalation timer is still pending")
			}
			dms := h.allDMs()
			c.run(time.Hour)
			h.deliver(time.Minute)
			if n := h.allDMs(); n != dms {
				t.Errorf("%d more DMs after the acknowledgement", n-dms)
			}
			if n := len(h.dms(uBob)); n != 1 {
				t.Errorf("bob got %d DMs, want 1:\n%s", n, slackTexts(h.dms(uBob)))
			}
		})
	}
}

// ---- Discord ----

// discordPaging is a Discord rig with dave, the secops team and a scheduler (the adapter
// runs on the wall clock; the fake clock carries the scheduler's timers and the outbox).
func discordPaging(t *testing.T) (*discordE2E, pagingClock) {
	h := newDiscordE2EWith(t, discordOptions{people: map[string]string{"dave": dDave}, extraYAML: pagingYAML(), scheduler: true})
	return h, pagingClock{t: t, db: h.db, clock: h.clock, sched: h.sched, fired: h.fired, deliver: func() { h.deliver(time.Minute) }}
}

// pageCmd is /page <sub> [options].
func pageCmd(sub string, opts ...discordfake.CommandOption) discordfake.CommandOption {
	return discordfake.SubCommand(sub, opts...)
}

// allDMs counts the bot's DMs to the roster.
func (h *discordE2E) allDMs() int {
	n := 0
	for _, u := range []string{dAlice, dBob, dCarol, dDave} {
		n += len(h.dmTexts(u))
	}
	return n
}

func discordButton(t *testing.T, m discordfake.Message) string {
	t.Helper()
	ids := buttons(t, m)
	if len(ids) != 1 {
		t.Fatalf("want one button (Acknowledge) on %q, got %v", m.Content, ids)
	}
	return ids[0]
}

// discordPaged declares INC-1 as alice and pages secops from its channel; it returns the
// incident channel.
func discordPaged(t *testing.T, h *discordE2E) discordfake.Channel {
	t.Helper()
	if r := h.incident(dAlice, h.general, "declare", discordfake.StringOption("title", "Phishing wave")); !strings.Contains(r, "Declared INC-1") {
		t.Fatalf("declare: %q", r)
	}
	h.deliver(time.Minute)
	inc := h.channel("inc-1-phishing-wave")
	_, r := h.slash(dAlice, dGuild, inc.ID, "page", pageCmd("team",
		discordfake.StringOption("team", "secops"), discordfake.StringOption("message", pagingMsg)))
	if !strings.Contains(r, "Page 1 sent to secops: bob notified. It escalates in 5m unless acknowledged") {
		t.Fatalf("/page answered %q", r)
	}
	h.deliver(time.Minute)
	bob := h.dmTexts(dBob)
	if len(bob) != 1 || !strings.Contains(bob[0], "📟 Page 1 from alice for secops: "+pagingMsg) ||
		!strings.Contains(bob[0], "because you are on call for secops") {
		t.Fatalf("bob's DMs: %q", bob)
	}
	discordButton(t, h.waitDM(dBob, "📟 Page 1"))
	if !slices.ContainsFunc(h.contents(inc.ID), func(s string) bool {
		return strings.Contains(s, "📟 alice paged secops (page 1): "+pagingMsg) && strings.Contains(s, "Notified: bob.")
	}) {
		t.Errorf("no page note in the incident channel: %q", h.contents(inc.ID))
	}
	return inc
}

func TestDiscordPagingEscalatesAndIsAcknowledged(t *testing.T) {
	t.Parallel()
	const took = "after 5m."
	for _, means := range []string{"button", "reaction", "command"} {
		t.Run(means, func(t *testing.T) {
			t.Parallel()
			h, c := discordPaging(t)
			inc := discordPaged(t, h)
			c.run(5*time.Minute - time.Second)
			if dms := h.dmTexts(dDave); len(dms) != 0 {
				t.Fatalf("dave paged before the step's wait: %q", dms)
			}
			c.run(time.Second)
			dave := h.dmTexts(dDave)
			if len(dave) != 1 || !strings.Contains(dave[0], "📟 Page 1 from alice for secops: "+pagingMsg) ||
				!strings.Contains(dave[0], "because you are next in secops's escalation") {
				t.Fatalf("dave's DMs at +5m: %q", dave)
			}
			if n := len(h.dmTexts(dBob)) + len(h.dmTexts(dCarol)); n != 1 {
				t.Errorf("step 2 reached more than dave: bob and carol hold %d DMs", n)
			}
			if !slices.ContainsFunc(h.contents(inc.ID), func(s string) bool {
				return strings.Contains(s, "escalated (step 2 of 3, round 1 of 2): dave notified.")
			}) {
				t.Errorf("no escalation note in the incident channel: %q", h.contents(inc.ID))
			}
			dm := h.waitDM(dDave, "📟 Page 1")
			dmChan, _ := h.fake.DMChannel(dDave)
			if p := h.fake.Permissions(inc.ID, dDave); p != 0 {
				t.Fatalf("dave can see the channel before acknowledging: %b", p)
			}

			var answer string
			switch means {
			case "button":
				ref := h.fake.DispatchInteraction(discordfake.InteractionSpec{ChannelID: dmChan.ID, UserID: dDave,
					CustomID: discordButton(t, dm), MessageID: dm.ID})
				answer = h.reply(ref)
			case "reaction":
				h.fake.DispatchReactionAdd("", dmChan.ID, dm.ID, dDave, "✅")
				answer = h.waitDM(dDave, "Acknowledged page 1").Content
			case "command":
				_, answer = h.slash(dDave, "", dmChan.ID, "page", pageCmd("ack"))
			}
			if !strings.Contains(answer, "Acknowledged page 1 (secops: "+pagingMsg+") "+took) {
				t.Errorf("dave was told %q", answer)
			}
			h.deliver(time.Minute)

			notes := h.contents(inc.ID)
			for _, want := range []string{"✅ dave acknowledged page 1 (secops: " + pagingMsg + ") " + took, "dave is commander."} {
				if !slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, want) }) {
					t.Errorf("no %q in the incident channel: %q", want, notes)
				}
			}
			if p := h.fake.Permissions(inc.ID, dDave); p&discordfake.PermViewChannel == 0 || p&discordfake.PermSendMessages == 0 {
				t.Errorf("dave was not let into the incident channel: %b", p)
			}
			checkAcked(t, h.db, "dave", 5*time.Minute)

			if c.pageTimerPending() {
				t.Error("the page's escalation timer is still pending")
			}
			dms := h.allDMs()
			c.run(time.Hour)
			h.deliver(time.Minute)
			if n := h.allDMs(); n != dms {
				t.Errorf("%d more DMs after the acknowledgement", n-dms)
			}
			if n := len(h.dmTexts(dBob)); n != 1 {
				t.Errorf("bob got %d DMs, want 1: %q", n, h.dmTexts(dBob))
			}
		})
	}
}

// Nobody acknowledges: every step of both rounds runs at its time, and after the last wait
// (50m) the pager is told — once. dms lists what the bot sent a person (by name) by DM;
// notes lists the incident channel's messages.
func checkNobodyAnswers(t *testing.T, c pagingClock, db *storage.DB, dms func(name string) []string, notes func() []string) {
	t.Helper()
	count := func() string {
		return fmt.Sprintf("bob %d, dave %d, carol %d", len(dms("bob")), len(dms("dave")), len(dms("carol")))
	}
	all := func() int { return len(dms("alice")) + len(dms("bob")) + len(dms("carol")) + len(dms("dave")) }
	noted := func(want string) bool {
		return slices.ContainsFunc(notes(), func(s string) bool { return strings.Contains(s, want) })
	}
	alice0 := len(dms("alice"))
	steps := []struct {
		after      time.Duration
		want, note string
	}{
		{5 * time.Minute, "bob 1, dave 1, carol 0", "unanswered after 5m — escalated (step 2 of 3, round 1 of 2): dave notified."},
		{10 * time.Minute, "bob 2, dave 1, carol 1", "(step 3 of 3, round 1 of 2): bob, carol notified."},
		{10 * time.Minute, "bob 3, dave 1, carol 1", "unanswered after 25m — escalated (step 1 of 3, round 2 of 2): bob notified."},
		{5 * time.Minute, "bob 3, dave 2, carol 1", "(step 2 of 3, round 2 of 2): dave notified."},
		{10 * time.Minute, "bob 4, dave 2, carol 2", "(step 3 of 3, round 2 of 2): bob, carol notified."},
	}
	for _, st := range steps {
		c.run(st.after - time.Second)
		before := count()
		c.run(time.Second)
		if got := count(); got == before || got != st.want {
			t.Fatalf("at %q: %s (a second earlier %s), want %s", st.note, got, before, st.want)
		}
		if !noted(st.note) {
			t.Errorf("no %q in the incident channel:\n%s", st.note, strings.Join(notes(), "\n---\n"))
		}
	}
	if last := dms("bob")[3]; !strings.Contains(last, "📟 Page 1 is still unanswered — from alice for secops") {
		t.Errorf("bob's last DM %q", last)
	}
	c.run(10*time.Minute - time.Second)
	if n := len(dms("alice")); n != alice0 {
		t.Fatalf("alice told before the last wait ran out: %q", dms("alice"))
	}
	c.run(time.Second)
	nobody := "⚠️ Nobody answered page 1 (secops: " + pagingMsg + ") after 50m. Notified: bob, dave, carol."
	if alice := dms("alice"); len(alice) != alice0+1 || !strings.Contains(alice[len(alice)-1], nobody) {
		t.Errorf("alice's DMs: %q", alice)
	}
	if !noted(nobody) {
		t.Errorf("no %q in the incident channel", nobody)
	}
	before := all()
	c.run(2 * time.Hour)
	if n := all(); n != before || c.pageTimerPending() {
		t.Errorf("still paging after the last round: %d more DMs", n-before)
	}
	var p *bot.Page
	if err := db.View(context.Background(), func(tx *storage.Tx) (err error) { p, err = tx.Page(1); return err }); err != nil {
		t.Fatal(err)
	}
	if p.State != bot.PageUnanswered || p.AckedAt != nil || p.Incident != 1 {
		t.Errorf("page %+v", p)
	}
}

func TestDiscordPagingNobodyAnswers(t *testing.T) {
	t.Parallel()
	h, c := discordPaging(t)
	inc := discordPaged(t, h)
	ids := map[string]string{"alice": dAlice, "bob": dBob, "carol": dCarol, "dave": dDave}
	checkNobodyAnswers(t, c, h.db, func(name string) []string { return h.dmTexts(ids[name]) }, func() []string { return h.contents(inc.ID) })
}

func TestSlackPagingNobodyAnswers(t *testing.T) {
	t.Parallel()
	h, c := slackPaging(t)
	inc := slackPaged(t, h)
	ids := map[string]string{"alice": uAlice, "bob": uBob, "carol": uCarol, "dave": uDave}
	texts := func(ms []slackfake.Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Text)
		}
		return out
	}
	checkNobodyAnswers(t, c, h.db, func(name string) []string { return texts(h.dms(ids[name])) }, func() []string { return texts(h.botMessages(inc)) })
}
