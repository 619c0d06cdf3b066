package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// clockIncident declares a sev2 incident with alice commanding, bob in comms and carol in legal.
func clockIncident(r *ngRig) string {
	ch := r.h.declare("alice", "Payroll data exfiltrated sev2")
	r.must("alice", ch, "role commander me", "alice is commander")
	r.must("alice", ch, "role comms @bob", "bob is comms")
	r.must("alice", ch, "role legal @carol", "carol is legal")
	r.h.flush()
	return ch
}

func TestClockGDPRRemindsCommsAndLegalAt50_75_90_100(t *testing.T) {
	r := newNgRig(t)
	ch := clockIncident(r)
	r.at(time.Hour)
	// Counting from awareness: the declaration, an hour ago.
	r.must("alice", ch, "clock gdpr", "gdpr clock started on INC-1")
	// remind off never mutes a clock.
	r.must("alice", ch, "remind off", "turned off")
	r.h.flush()
	for i, stage := range []struct {
		at   time.Duration
		want string
	}{
		{36 * time.Hour, "*50% of the time is gone: GDPR Art. 33"},
		{54 * time.Hour, "*75% of the time is gone"},
		{64*time.Hour + 48*time.Minute, "*90% of the time is gone"},
		{72 * time.Hour, "*Deadline now: GDPR Art. 33"},
	} {
		if out := r.at(stage.at - time.Second); strings.Contains(out, "⏱") {
			t.Fatalf("stage %d early:\n%s", i, out)
		}
		out := r.at(stage.at)
		wantContains(t, "channel", channelLines(out, ch), stage.want, "For: bob (comms) and carol (legal).")
		wantContains(t, "comms DM", ngDM(out, "bob"), stage.want)
		wantContains(t, "legal DM", ngDM(out, "carol"), stage.want)
		wantNot(t, "commander", ngDM(out, "alice"), "⏱")
		e := r.h.last(1)
		if e.Kind != bot.KindClock || e.Actor != "warroom" || !strings.Contains(e.Text, "reminded bob (comms) and carol (legal)") {
			t.Errorf("stage %d not on the timeline: %+v", i, e)
		}
	}
	// After the deadline the card shows it missed, and the reminders have ended.
	wantContains(t, "card", r.cmd("alice", ch, "status"), "⏱ gdpr — GDPR Art. 33 notification to the supervisory authority", "(MISSED — not filed yet)")
	if out := r.at(200 * time.Hour); strings.Contains(out, "⏱") {
		t.Fatalf("clock reminded after 100%%:\n%s", out)
	}
	r.must("carol", ch, "clock done gdpr", "LATE")
	k := r.clocks(1)[0]
	if met, decided := k.Met(); !decided || met {
		t.Errorf("a late filing: met %v decided %v", met, decided)
	}
}

func TestClockDoneStopsRemindersAndIsOnTheCard(t *testing.T) {
	r := newNgRig(t)
	ch := clockIncident(r)
	r.must("alice", ch, "clock gdpr", "started")
	out := r.at(36 * time.Hour)
	wantContains(t, "50%", out, "50% of the time is gone")
	r.at(40 * time.Hour)
	reply := r.must("carol", ch, "clock done gdpr Case ICO-2026-00123", "Recorded: gdpr filed")
	wantContains(t, "reply", reply, "on time, 1d8h before the deadline", "reference: Case ICO-2026-00123")
	e := r.h.last(1)
	if e.Kind != bot.KindClock || e.Actor != "carol" || !strings.Contains(e.Text, "gdpr filed (GDPR Art. 33 notification to the supervisory authority): on time") {
		t.Errorf("filing on the timeline: %+v", e)
	}
	if _, ok := r.timer("clock:INC-1:gdpr"); ok {
		t.Error("the clock's timer survived its filing")
	}
	if out := r.at(100 * time.Hour); strings.Contains(out, "of the time is gone") || strings.Contains(out, "Deadline now") {
		t.Fatalf("reminded after clock done:\n%s", out)
	}
	k := r.clocks(1)[0]
	if met, decided := k.Met(); !met || !decided || k.DoneBy != "carol" || k.DoneNote != "Case ICO-2026-00123" {
		t.Errorf("stored clock: %+v", k)
	}
	wantContains(t, "card", r.cmd("bob", ch, "status"), "Regulatory clocks:", "⏱ gdpr", "by carol (on time)")
	wantContains(t, "again", r.cmd("carol", ch, "clock done gdpr"), "already filed")
	wantContains(t, "restart it", r.cmd("carol", ch, "clock gdpr"), "already filed")
}

func TestClockNIS2HasTwoDeadlines(t *testing.T) {
	r := newNgRig(t)
	ch := clockIncident(r)
	reply := r.must("alice", ch, "clock nis2", "nis2-early-warning clock started")
	wantContains(t, "both", reply, "nis2-notification clock started")
	ks := r.clocks(1)
	if len(ks) != 2 || ks[0].Name != "nis2-early-warning" || !ks[0].Deadline.Equal(t0.Add(24*time.Hour)) ||
		ks[1].Name != "nis2-notification" || !ks[1].Deadline.Equal(t0.Add(72*time.Hour)) {
		t.Fatalf("nis2 clocks: %+v", ks)
	}
	out := r.at(12 * time.Hour)
	wantContains(t, "early warning at 50%", channelLines(out, ch), "50% of the time is gone: NIS2 Art. 23 early warning")
	// "clock done nis2" files the earliest open NIS2 deadline.
	wantContains(t, "done", r.cmd("carol", ch, "clock done nis2"), "nis2-early-warning filed", "Still running: nis2-notification")
	out = r.at(36 * time.Hour)
	wantContains(t, "notification at 50%", channelLines(out, ch), "50% of the time is gone: NIS2 Art. 23 incident notification")
	wantNot(t, "early warning stopped", ngOnly(out, "⏱ *"), "early warning to the CSIRT")
}

func TestClockSECCountsFourBusinessDaysFromTheMaterialityDecision(t *testing.T) {
	r := newNgRig(t)
	ch := clockIncident(r)
	// Declared Monday 09:00; materiality decided Friday 6 March 10:00 — deadline Thursday.
	r.at(5 * 24 * time.Hour)
	r.must("alice", ch, "clock sec from 2026-03-06 10:00", "sec clock started")
	k := r.clocks(1)[0]
	if !k.Start.Equal(time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC)) || !k.Deadline.Equal(time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("sec clock %v → %v", k.Start, k.Deadline)
	}
	// Without from, SEC counts from now (the decision being recorded).
	r2 := newNgRig(t)
	ch2 := clockIncident(r2)
	r2.at(3 * time.Hour)
	r2.must("alice", ch2, "clock sec", "sec clock started")
	if k := r2.clocks(1)[0]; !k.Start.Equal(t0.Add(3*time.Hour)) || !k.Deadline.Equal(time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("sec clock without from: %v → %v", k.Start, k.Deadline)
	}
}

func TestAddBusinessDays(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 10, 0, 0, 0, time.UTC) }
	for _, c := range []struct{ from, want time.Time }{
		{d(2), d(6)},  // Monday → Friday
		{d(5), d(11)}, // Thursday → Wednesday
		{d(6), d(12)}, // Friday → Thursday
		{d(7), d(12)}, // Saturday → Thursday
		{d(8), d(12)}, // Sunday → Thursday
		{d(27), time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)}, // over a month end
	} {
		if got := addBusinessDays(c.from, 4, time.UTC); !got.Equal(c.want) {
			t.Errorf("%s + 4 business days = %s, want %s", c.from.Weekday(), got, c.want)
		}
	}
	// Counted in the configured zone: Friday 23:30 UTC is Saturday 00:30 in Berlin, so the
	// count starts on Monday and ends Thursday 00:30 Berlin — a day earlier than in UTC.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	got := addBusinessDays(time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC), 4, berlin)
	if want := time.Date(2026, 3, 11, 23, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Berlin: %s, want %s", got, want)
	}
}

func TestClockCustomFromAndMergedLateStart(t *testing.T) {
	r := newNgRig(t, withYAML("timezone: Europe/Berlin"))
	ch := clockIncident(r)
	r.at(24 * time.Hour)
	// A custom 48 h clock from a local time (Berlin, UTC+1): 1 March 14:00 = 13:00 UTC.
	r.must("alice", ch, "clock dpa-notice 48 from 2026-03-01 14:00", "dpa-notice clock started")
	k := r.clocks(1)[0]
	if !k.Start.Equal(time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)) || !k.Deadline.Equal(time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC)) {
		t.Fatalf("custom clock %v → %v", k.Start, k.Deadline)
	}
	// Started 44 h in (91.7%): the 50, 75 and 90 % points merge into one reminder, at once.
	out := channelLines(r.advance(0), ch)
	if n := ngCount(out, "of the time is gone"); n != 1 || !strings.Contains(out, "90% of the time is gone: dpa-notice deadline") {
		t.Fatalf("late start: %d reminders:\n%s", n, out)
	}
	// RFC 3339 works too, and moves an unfiled clock: now 25 of its 48 h are gone, so the
	// 50 % reminder comes again for the new deadline.
	r.must("alice", ch, "clock dpa-notice 48 from 2026-03-02T08:00:00Z", "dpa-notice clock moved")
	if k := r.clocks(1)[0]; !k.Deadline.Equal(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)) || k.Reminded != 1 {
		t.Fatalf("moved clock: %+v", k)
	}
	wantContains(t, "after the move", channelLines(r.h.flush(), ch), "50% of the time is gone: dpa-notice deadline")
	if e, ok := findEntry(r.h.entries(1), bot.KindClock, "dpa-notice clock moved"); !ok || e.Actor != "alice" {
		t.Errorf("move not on the timeline: %+v", e)
	}
}

// Filing obligations outlive the incident: clocks keep reminding after the close.
func TestClocksKeepRemindingAfterClose(t *testing.T) {
	r := newNgRig(t, withYAML("channels: {archive_on_close: true}"))
	ch := clockIncident(r)
	r.must("alice", ch, "clock gdpr", "started")
	r.at(2 * time.Hour)
	r.must("alice", ch, "close true-positive Mailbox rule removed", "is closed")
	out := r.at(36 * time.Hour)
	wantContains(t, "comms DM after close", ngDM(out, "bob"), "50% of the time is gone")
	wantContains(t, "legal DM after close", ngDM(out, "carol"), "50% of the time is gone")
	wantNot(t, "no post to an archived channel", channelLines(out, ch), "of the time is gone")
	// The filing can be recorded from anywhere by naming the incident.
	wantContains(t, "done from #general", r.cmd("carol", "general", "clock INC-1 done gdpr"), "gdpr filed")
}
