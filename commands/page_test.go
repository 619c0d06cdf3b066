package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

const pgIncChannel = "#inc-1-phishing-wave"

// pgPaged declares INC-1 as alice and pages secops from its channel.
func pgPaged(t *testing.T, r *pgRig) string {
	t.Helper()
	r.line("@alice /incident declare Phishing wave sev2")
	return r.line(pgIncChannel + " /page secops Credential phishing kit live")
}

// A page nobody acknowledges runs every step of every round at its time, then tells the
// pager — all on the console, as numbered DMs.
func TestPageEscalatesThroughEveryStepAndRound(t *testing.T) {
	r := newPgRig(t, "")
	out := pgPaged(t, r)
	pgWant(t, "paging", out,
		"(to alice) warroom: Page 1 sent to secops: bob notified. It escalates in 5m unless acknowledged; /page list shows open pages.",
		"[@bob 1] warroom: 📟 Page 1 from alice for secops: Credential phishing kit live\n"+
			"  INC-1 · Phishing wave · #inc-1-phishing-wave\n"+
			"  You get this because you are on call for secops. Acknowledge with the button, a ✅ reaction here, or /page ack 1.\n"+
			"  [Acknowledge]\n",
		"warroom: 📟 alice paged secops (page 1): Credential phishing kit live\n  Notified: bob. Escalates in 5m unless acknowledged")

	if out := r.run(5*time.Minute - time.Second); pgDMs(out) != "" {
		t.Fatalf("escalated before the step's wait:\n%s", out)
	}
	out = r.run(time.Second)
	pgWant(t, "step 2", out,
		"[@dave 1] warroom: 📟 Page 1 from alice for secops: Credential phishing kit live",
		"You get this because you are next in secops's escalation.",
		"warroom: 📟 Page 1 (secops) is unanswered after 5m — escalated (step 2 of 3, round 1 of 2): dave notified.")
	pgWantNot(t, "step 2", out, "[@bob 2]", "[@carol")

	out = r.run(10 * time.Minute)
	pgWant(t, "step 3", out,
		"[@bob 2] warroom: 📟 Page 1 is still unanswered — from alice for secops: Credential phishing kit live",
		"[@carol 1] warroom: 📟 Page 1 from alice for secops",
		"You get this because you are in secops.",
		"escalated (step 3 of 3, round 1 of 2): bob, carol notified.")

	out = r.run(10 * time.Minute)
	pgWant(t, "round 2", out, "[@bob 3] warroom: 📟 Page 1 is still unanswered", "because you are on call for secops",
		"is unanswered after 25m — escalated (step 1 of 3, round 2 of 2): bob notified.")
	pgWantNot(t, "round 2", out, "[@dave", "[@carol")

	out = r.run(5 * time.Minute)
	pgWant(t, "round 2 step 2", out, "[@dave 2] warroom: 📟 Page 1 is still unanswered", "(step 2 of 3, round 2 of 2): dave notified.")
	out = r.run(10 * time.Minute)
	pgWant(t, "round 2 step 3", out, "[@bob 4] warroom:", "[@carol 2] warroom:", "(step 3 of 3, round 2 of 2): bob, carol notified.")

	if out := r.run(10*time.Minute - time.Second); strings.Contains(out, "Nobody answered") {
		t.Fatalf("gave up before the last wait:\n%s", out)
	}
	out = r.run(time.Second)
	nobody := "⚠️ Nobody answered page 1 (secops: Credential phishing kit live) after 50m. Notified: bob, dave, carol."
	pgWant(t, "unanswered", out, "[@alice ", nobody, "] warroom: "+nobody)
	if dms := pgDMs(out); strings.Count(dms, "Nobody answered") != 1 || !strings.HasPrefix(dms, "[@alice ") {
		t.Errorf("the pager should get one DM:\n%s", dms)
	}
	if out := r.run(2 * time.Hour); pgDMs(out) != "" {
		t.Errorf("still paging after the last round:\n%s", out)
	}

	p := r.page(1)
	if p.State != bot.PageUnanswered || p.AckedAt != nil || p.EndedAt == nil || !p.EndedAt.Equal(pgT0.Add(50*time.Minute)) || p.Incident != 1 || p.Step != 5 {
		t.Errorf("page %+v", p)
	}
	var got []string
	for _, n := range r.notifications(1) {
		got = append(got, fmt.Sprintf("%d/%d %s +%s", n.Step, n.Round, n.Person, n.At.Sub(pgT0)))
	}
	want := "0/1 bob +0s|1/1 dave +5m0s|2/1 bob +15m0s|2/1 carol +15m0s|3/2 bob +25m0s|4/2 dave +30m0s|5/2 bob +40m0s|5/2 carol +40m0s"
	if strings.Join(got, "|") != want {
		t.Errorf("notifications\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if _, ok := r.pendingTimer(pageTimerKey(1)); ok {
		t.Error("an unanswered page still has a timer")
	}

	var texts []string
	for _, e := range r.timeline(1) {
		if e.Kind == bot.KindPage {
			texts = append(texts, e.Actor+": "+e.Text)
		}
	}
	wantTimeline := []string{
		"alice: page 1 to secops by alice: Credential phishing kit live",
		"alice: page 1 step 1 of 3, round 1 of 2 → bob (on call for secops)",
		"warroom: page 1 step 2 of 3, round 1 of 2 → dave (next in secops's escalation)",
		"warroom: page 1 step 3 of 3, round 1 of 2 → bob, carol (in secops)",
		"warroom: page 1 step 1 of 3, round 2 of 2 → bob (on call for secops)",
		"warroom: page 1 step 2 of 3, round 2 of 2 → dave (next in secops's escalation)",
		"warroom: page 1 step 3 of 3, round 2 of 2 → bob, carol (in secops)",
		"warroom: page 1 to secops: nobody answered after 50m (notified bob, dave, carol)",
	}
	if strings.Join(texts, "\n") != strings.Join(wantTimeline, "\n") {
		t.Errorf("timeline\n got:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(wantTimeline, "\n"))
	}
	if v, err := r.db.Verify(r.ctx, 1); err != nil || !v.OK {
		t.Errorf("chain: %+v %v", v, err)
	}
}

// A page is acknowledged at any stage by whoever it reached, with the button, a ✅ on the
// DM or /page ack: escalation stops, and the acknowledger joins the incident and — while it
// has only an acting commander — becomes its commander.
func TestPageAcknowledgedAtEveryStageByEveryMeans(t *testing.T) {
	stages := []struct {
		name  string
		after time.Duration
		who   string
		dm    int // the DM number in who's channel at that stage
	}{
		{"step 1 on call", 0, "bob", 1},
		{"step 2 named user", 5 * time.Minute, "dave", 1},
		{"step 3 whole team", 15 * time.Minute, "carol", 1},
		{"round 2", 25 * time.Minute, "bob", 3},
	}
	means := []struct{ name, line string }{
		{"button", "!press %d Acknowledge"},
		{"reaction", "+✅ %d"},
		{"command", "/page ack"},
	}
	for _, st := range stages {
		for _, m := range means {
			t.Run(st.name+" by "+m.name, func(t *testing.T) {
				r := newPgRig(t, "")
				pgPaged(t, r)
				r.run(st.after)
				act := fmt.Sprintf("@%s #@%s ", st.who, st.who)
				if strings.Contains(m.line, "%d") {
					act += fmt.Sprintf(m.line, st.dm)
				} else {
					act += m.line
				}
				out := r.line(act)
				took := fmtDuration(st.after)
				pgWant(t, act, out,
					fmt.Sprintf("(to %s) warroom: Acknowledged page 1 (secops: Credential phishing kit live) after %s.", st.who, took),
					fmt.Sprintf("warroom: ✅ %s acknowledged page 1 (secops: Credential phishing kit live) after %s.", st.who, took),
					fmt.Sprintf("[#inc-1-phishing-wave] * %s added to the channel", st.who),
					fmt.Sprintf("warroom: %s is commander.", st.who))
				if m.name == "reaction" {
					pgWant(t, act, out, fmt.Sprintf("[@%s %d] * %s reacted :white_check_mark:", st.who, st.dm, st.who))
				}
				if later := r.run(2 * time.Hour); pgDMs(later) != "" {
					t.Errorf("escalation went on after the acknowledgement:\n%s", later)
				}
				p := r.page(1)
				if tta, ok := p.TimeToAck(); p.State != bot.PageAcked || p.AckedBy != st.who || !ok || tta != st.after {
					t.Errorf("page %+v (time to ack %v)", p, tta)
				}
				if _, ok := r.pendingTimer(pageTimerKey(1)); ok {
					t.Error("the escalation timer is still pending")
				}
				var roles map[string]string
				var member bool
				r.view(func(tx *storage.Tx) (err error) {
					if roles, err = tx.CurrentRoles(1); err != nil {
						return err
					}
					member, err = tx.IsMember(1, st.who)
					return err
				})
				if roles["commander"] != st.who || !member {
					t.Errorf("roles %v, member %v", roles, member)
				}
				es := r.timeline(1)
				var acked bool
				for _, e := range es {
					acked = acked || (e.Kind == bot.KindPage && e.Actor == st.who && e.Text == fmt.Sprintf("page 1 to secops acknowledged by %s after %s", st.who, took))
				}
				if !acked {
					t.Errorf("no acknowledgement on the timeline")
				}
				// The same page cannot be acknowledged twice, by any means.
				if m.name == "command" {
					act += " 1" // without an id: "no open page"
				}
				pgWant(t, "again", r.line(act), "Page 1 was already acknowledged by "+st.who)
			})
		}
	}
}

// A ✅ on the page's post in the incident channel acknowledges it too. carol is in secops
// but the page did not notify her: she is brought in, not made commander.
func TestPageAckByReactionInTheChannel(t *testing.T) {
	r := newPgRig(t, "")
	out := pgPaged(t, r)
	i := strings.Index(out, "] warroom: 📟 alice paged secops")
	j := strings.LastIndex(out[:i], " ")
	n := out[j+1 : i]
	out = r.line("@carol " + pgIncChannel + " +✅ " + n)
	pgWant(t, "ack", out, "(to carol) warroom: Acknowledged page 1", "You are now in #inc-1-phishing-wave.")
	pgWantNot(t, "ack", out, "carol is commander.")
	if p := r.page(1); p.AckedBy != "carol" {
		t.Errorf("page %+v", p)
	}
}

// When the incident already has a commander, the acknowledger only joins.
func TestPageAckKeepsAnExistingCommander(t *testing.T) {
	r := newPgRig(t, "")
	r.line("@alice /incident declare Phishing wave sev2")
	r.line(pgIncChannel + " /incident role commander me")
	r.line("/page secops Credential phishing kit live")
	out := r.line("@bob #@bob !press 1 Acknowledge")
	pgWant(t, "ack", out, "✅ bob acknowledged page 1", "* bob added to the channel", "You are now in #inc-1-phishing-wave.")
	pgWantNot(t, "ack", out, "bob is commander")
	var roles map[string]string
	r.view(func(tx *storage.Tx) (err error) { roles, err = tx.CurrentRoles(1); return err })
	if roles["commander"] != "alice" {
		t.Errorf("commander %q", roles["commander"])
	}
}

// /page @user pages one person, three times five minutes apart, and the pager hears back.
func TestDirectPage(t *testing.T) {
	r := newPgRig(t, "")
	out := r.line("@alice #general /page @carol need eyes on host-7")
	pgWant(t, "page", out,
		"(to alice) warroom: Page 1 sent to @carol: carol notified. It escalates in 5m unless acknowledged",
		"[@carol 1] warroom: 📟 Page 1 from alice for @carol: need eyes on host-7\n  You get this because you are paged directly by alice.")
	pgWant(t, "list", r.line("/page list"), "Open pages:\n  • 1 · @carol · \"need eyes on host-7\" · by alice 0s ago · round 1 of 3 · notified carol")
	pgWant(t, "round 2", r.run(5*time.Minute), "[@carol 2] warroom: 📟 Page 1 is still unanswered")
	pgWant(t, "round 3", r.run(5*time.Minute), "[@carol 3] warroom: 📟 Page 1 is still unanswered")
	out = r.run(5 * time.Minute)
	pgWant(t, "unanswered", out, "[@alice 1] warroom: ⚠️ Nobody answered page 1 (@carol: need eyes on host-7) after 15m. Notified: carol.")
	// A late acknowledgement still counts, and the pager hears of it.
	out = r.line("@carol #@carol +✅ 3")
	pgWant(t, "late ack", out, "(to carol) warroom: Acknowledged page 1 (@carol: need eyes on host-7) after 15m.",
		"[@alice 2] warroom: ✅ carol acknowledged page 1 (@carol: need eyes on host-7) after 15m.")
	if p := r.page(1); p.State != bot.PageAcked || p.Incident != 0 {
		t.Errorf("page %+v", p)
	}
}

// A ✅ on anything but a page DM is just an emoji.
func TestCheckMarkElsewhereIsJustAnEmoji(t *testing.T) {
	r := newPgRig(t, "")
	before := r.state()
	out := r.lines("@bob #general hello", "+✅ 1", "#@bob +✅")
	pgWantNot(t, "react", out, "(to bob) warroom")
	if r.state() != before {
		t.Error("a ✅ on an ordinary message changed something")
	}
}

// Drills never page real people.
func TestPageFromDrillPagesNobody(t *testing.T) {
	r := newPgRig(t, "")
	// A drill as /incident drill opens one (that verb is another feature's).
	if err := r.db.Update(r.ctx, func(tx *storage.Tx) error {
		inc := &bot.Incident{Title: "Tabletop", Severity: 2, Phase: bot.PhaseIdentification, Status: bot.StatusOpen, Drill: true,
			Platform: "console", ChannelID: "drill-1-tabletop", ChannelName: "drill-1-tabletop", DeclaredBy: "alice", DeclaredAt: pgT0}
		if err := tx.CreateIncident(inc); err != nil {
			return err
		}
		_, err := tx.AddMember(inc.Number, "alice", pgT0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := r.state()
	// The incident was written straight to the database, so this workspace has not seen
	// its channel: #new: opens it here (a typo of a channel name is refused).
	out := r.line("@alice #new:drill-1-tabletop /page secops ransomware note on the file server")
	pgWant(t, "drill", out,
		"(to alice) warroom: This is a drill: nobody was paged. Would notify: bob at once, dave after 5m, bob, carol after 15m,",
		"warroom: DRILL: would page secops — ransomware note on the file server\n  Would notify: bob at once, dave after 5m, bob, carol after 15m, bob after 25m, dave after 30m, bob, carol after 40m; unanswered after 50m")
	if dms := pgDMs(out); strings.Contains(dms, "Page") {
		t.Errorf("a drill sent DMs:\n%s", dms)
	}
	// The channel post queued nothing else: no page, no timer.
	r.view(func(tx *storage.Tx) error {
		ps, err := tx.PagesSince(time.Time{})
		if len(ps) != 0 {
			t.Errorf("a drill created pages: %+v", ps)
		}
		return err
	})
	if after := r.state(); after != before {
		t.Errorf("state changed: %q → %q", before, after)
	}
	if pgDMs(r.run(time.Hour)) != "" {
		t.Error("a drill escalated")
	}
}

// Closing an incident withdraws its open pages.
func TestClosingWithdrawsOpenPages(t *testing.T) {
	r := newPgRig(t, "")
	pgPaged(t, r)
	r.line(pgIncChannel + " /incident close false-positive test alert")
	if p := r.page(1); p.State != bot.PageCancelled {
		t.Fatalf("page %+v", p)
	}
	if out := r.run(time.Hour); pgDMs(out) != "" {
		t.Errorf("a withdrawn page escalated:\n%s", out)
	}
	pgWant(t, "ack", r.line("@bob #@bob /page ack 1"), "Page 1 was withdrawn (its incident closed)")
}
