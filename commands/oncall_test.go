package commands

import (
	"testing"
	"time"
)

func TestOnCallShowsNowNextAndHandoff(t *testing.T) {
	r := newPgRig(t, "")
	pgWant(t, "/oncall", r.line("@alice /oncall"),
		"(to alice) warroom: On call now:\n"+
			"  • netops: erin (daily); next carol from 2026-03-03 09:00 UTC\n"+
			"  • secops: bob (primary); next carol from 2026-03-09 08:00 UTC\n")
	pgWant(t, "/oncall secops", r.line("/oncall secops"),
		"secops: bob is on call now (primary), until 2026-03-09 08:00 UTC.",
		"Next: carol, handoff at 2026-03-09 08:00 UTC.",
		"Escalation: 1) the on-call, wait 5m · 2) dave, wait 10m · 3) everyone in secops (bob, carol), wait 10m; 2 rounds.")
	pgWant(t, "/oncall netops (default policy)", r.line("/oncall NetOps"), "netops: erin is on call now (daily)", "Escalation: 1) the on-call, wait 5m.")
	pgWant(t, "/oncall me", r.line("@bob /oncall me"),
		"Your on-call shifts in the next 14 days:\n"+
			"  • secops (primary): 2026-03-02 08:00 UTC → 2026-03-09 08:00 UTC (now)\n"+
			"  • secops (primary): 2026-03-16 08:00 UTC → 2026-03-23 08:00 UTC\n")
	pgWant(t, "/oncall me (two teams)", r.line("@carol /oncall me"),
		"  • netops (daily): 2026-03-03 09:00 UTC → 2026-03-04 09:00 UTC\n",
		"  • secops (primary): 2026-03-09 08:00 UTC → 2026-03-16 08:00 UTC\n")
	pgWant(t, "/oncall me (none)", r.line("@dave /oncall me"), "You (dave) have no on-call shifts in the next 14 days. Teams: netops, secops.")
}

// An override puts someone on call now, ahead of the rotation; overlapping ones are
// refused; it is shown, paged through, and undone with cancel.
func TestOnCallOverride(t *testing.T) {
	r := newPgRig(t, "")
	out := r.line("@carol #general /oncall override secops @carol 4h")
	pgWant(t, "override", out,
		"(to carol) warroom: Override 1: carol is on call for secops from now until 2026-03-02 13:00 UTC instead of bob. Undo with /oncall override cancel 1.",
		"[@bob 1] warroom: carol covers your on-call for secops until 2026-03-02 13:00 UTC (override 1, set by carol).")
	pgWant(t, "/oncall secops", r.line("/oncall secops"),
		"secops: carol is on call now (override), until 2026-03-02 13:00 UTC.",
		"Next: bob, handoff at 2026-03-02 13:00 UTC.",
		"Override 1: carol from 2026-03-02 09:00 UTC until 2026-03-02 13:00 UTC (set by carol; undo with /oncall override cancel 1).")

	before := r.state()
	pgWant(t, "overlap", r.line("@bob /oncall override secops @bob 1h"),
		"secops already has override 1 (carol from 2026-03-02 09:00 UTC until 2026-03-02 13:00 UTC) at that time; overrides may not overlap. Cancel it first with /oncall override cancel 1.")
	if r.state() != before {
		t.Error("a refused override changed state")
	}
	// Another team's override does not overlap; a lead may set it for anyone.
	pgWant(t, "other team", r.line("@dave /oncall override netops @bob 30m"), "Override 2: bob is on call for netops from now until 2026-03-02 09:30 UTC instead of erin.",
		"[@bob 2] warroom: 🔔 dave put you on call for netops until 2026-03-02 09:30 UTC (override 2 instead of erin).")

	out = r.line("@alice /page secops phish")
	pgWant(t, "page", out, "Page 1 sent to secops: carol notified.", "[@carol 1] warroom: 📟 Page 1 from alice for secops: phish")
	r.line("@carol #@carol !press 1 Acknowledge")

	out = r.line("@bob #general /oncall override cancel 1")
	pgWant(t, "cancel", out, "(to bob) warroom: Override 1 (carol for secops) cancelled; bob is on call again.")
	pgWant(t, "after cancel", r.line("/oncall secops"), "secops: bob is on call now (primary)")
	pgWantNot(t, "after cancel", r.line("/oncall secops"), "Override 1")
	pgWant(t, "cancel twice", r.line("/oncall override cancel 1"), "Override 1 was already cancelled by bob.")
	// Now the window is free again.
	pgWant(t, "free", r.line("@bob /oncall override secops @dave 1h"), "Override 3: dave is on call for secops")

}

// At each handoff the incoming responder gets a DM; the timer is then set for the next.
func TestHandoffDM(t *testing.T) {
	r := newPgRig(t, "")
	if tm, ok := r.pendingTimer(handoffKey("netops")); !ok || !tm.Due.Equal(pgT0.Add(24*time.Hour)) {
		t.Fatalf("netops handoff timer %+v %v", tm, ok)
	}
	if tm, ok := r.pendingTimer(handoffKey("secops")); !ok || !tm.Due.Equal(time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("secops handoff timer %+v %v", tm, ok)
	}
	if out := r.run(24*time.Hour - time.Second); pgDMs(out) != "" {
		t.Fatalf("handoff DM before the handoff:\n%s", out)
	}
	out := r.run(time.Second)
	want := "[@carol 1] warroom: 🔔 You are now on call for netops (daily) until 2026-03-04 09:00 UTC. Next: erin. /oncall netops shows the schedule; pages reach you by DM.\n"
	if pgDMs(out) != want {
		t.Fatalf("handoff DMs:\n%s\nwant:\n%s", pgDMs(out), want)
	}
	if tm, ok := r.pendingTimer(handoffKey("netops")); !ok || !tm.Due.Equal(pgT0.Add(48*time.Hour)) {
		t.Fatalf("netops handoff not re-armed: %+v %v", tm, ok)
	}
	// A restart re-arms nothing twice.
	r.open()
	pgWant(t, "next day", r.run(24*time.Hour), "[@erin 1] warroom: 🔔 You are now on call for netops (daily) until 2026-03-05 09:00 UTC. Next: carol.")
	out = r.run(5 * 24 * time.Hour) // to Monday 2026-03-09 09:00: secops hands over at 08:00 UTC
	pgWant(t, "secops", out, "[@carol 3] warroom: 🔔 You are now on call for secops (primary) until 2026-03-16 08:00 UTC. Next: bob.")
}

// An override is a handoff too: the covering person is told at once, and the rotation's
// person when it ends.
func TestHandoffAfterOverride(t *testing.T) {
	r := newPgRig(t, "")
	out := r.line("@erin /oncall override netops @dave 2h")
	pgWant(t, "override", out, "[@dave 1] warroom: 🔔 erin put you on call for netops until 2026-03-02 11:00 UTC (override 1 instead of erin).")
	if tm, ok := r.pendingTimer(handoffKey("netops")); !ok || !tm.Due.Equal(pgT0.Add(2*time.Hour)) {
		t.Fatalf("handoff timer not moved to the override's end: %+v %v", tm, ok)
	}
	pgWant(t, "override ends", r.run(2*time.Hour), "[@erin 1] warroom: 🔔 You are now on call for netops (daily) until 2026-03-03 09:00 UTC. Next: carol.")
	if tm, ok := r.pendingTimer(handoffKey("netops")); !ok || !tm.Due.Equal(pgT0.Add(24*time.Hour)) {
		t.Fatalf("handoff timer after the override: %+v %v", tm, ok)
	}
}

// Someone outside a team may be put on its call by a member or a lead, and may cancel that
// cover themselves — but not set it.
func TestOnCallOverrideOutsiderCancelsOwnCover(t *testing.T) {
	r := newPgRig(t, "")
	pgWant(t, "self-cover", r.line("@erin #general /oncall override secops @erin 4h"), "Only secops's members (bob, carol) or a lead (dave) can change its on-call.")
	pgWant(t, "set by a lead", r.line("@dave #general /oncall override secops @erin 4h"), "Override 1: erin is on call for secops")
	pgWant(t, "cancelled by the person covering", r.line("@erin #general /oncall override cancel 1"), "Override 1 (erin for secops) cancelled; bob is on call again.")
}
