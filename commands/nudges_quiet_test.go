package commands

import (
	"strings"
	"testing"
	"time"
)

func TestQuietShift(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		spec, at, want string
		loc            *time.Location
	}{
		{"20:00-08:00", "2026-03-02 19:59:59", "2026-03-02 19:59:59", time.UTC}, // before
		{"20:00-08:00", "2026-03-02 20:00:00", "2026-03-03 08:00:00", time.UTC}, // start is quiet
		{"20:00-08:00", "2026-03-02 23:30:00", "2026-03-03 08:00:00", time.UTC},
		{"20:00-08:00", "2026-03-03 03:00:00", "2026-03-03 08:00:00", time.UTC}, // after midnight
		{"20:00-08:00", "2026-03-03 07:59:59", "2026-03-03 08:00:00", time.UTC},
		{"20:00-08:00", "2026-03-03 08:00:00", "2026-03-03 08:00:00", time.UTC}, // end is not
		{"12:00-13:30", "2026-03-03 12:10:00", "2026-03-03 13:30:00", time.UTC}, // not wrapping
		{"12:00-13:30", "2026-03-03 13:30:00", "2026-03-03 13:30:00", time.UTC},
		{"off", "2026-03-02 23:30:00", "2026-03-02 23:30:00", time.UTC},
		{"", "2026-03-02 23:30:00", "2026-03-02 23:30:00", time.UTC},
		// In the configured zone: 20:00–08:00 Berlin is 19:00–07:00 UTC in winter …
		{"20:00-08:00", "2026-03-02 19:30:00", "2026-03-03 07:00:00", berlin},
		{"20:00-08:00", "2026-03-02 18:59:00", "2026-03-02 18:59:00", berlin},
		// … and the night the clocks go forward (29 March 2026) ends at 08:00 CEST = 06:00 UTC.
		{"20:00-08:00", "2026-03-28 22:00:00", "2026-03-29 06:00:00", berlin},
	} {
		got := quietShift(utc(c.at), c.spec, c.loc)
		if want := utc(c.want); !got.Equal(want) {
			t.Errorf("quietShift(%s, %q, %s) = %s, want %s", c.at, c.spec, c.loc, got.UTC().Format(time.DateTime), want.Format(time.DateTime))
		}
	}
}

// sev3/sev4 reminders wait for the end of quiet hours in the configured zone; sev1/sev2 never do.
func TestNudgeQuietHoursHoldForSev3And4Only(t *testing.T) {
	r := newNgRig(t, withYAML("timezone: Europe/Berlin"))
	// 18:58 UTC is 19:58 in Berlin: the no-commander reminder falls at 20:03, in quiet hours.
	r.at(9*time.Hour + 58*time.Minute)
	low := r.h.declare("alice", "Suspicious login on a kiosk sev4")
	high := r.h.declare("bob", "Beaconing from FS-02 sev2")
	r.h.flush()
	out := r.at(10*time.Hour + 3*time.Minute)
	wantContains(t, "sev2 at 20:03 Berlin", channelLines(out, high), "has no incident commander")
	wantNot(t, "sev4 in quiet hours", channelLines(out, low), "has no incident commander")
	// 08:00 Berlin the next morning is 07:00 UTC: not a second before.
	if out := r.at(22*time.Hour - time.Second); strings.Contains(channelLines(out, low), "no incident commander") {
		t.Fatalf("sev4 reminder during quiet hours:\n%s", out)
	}
	out = r.at(22 * time.Hour)
	wantContains(t, "sev4 at 08:00 Berlin", channelLines(out, low), "has no incident commander")
	wantContains(t, "sev4 DM to the declarer", ngDM(out, "alice"), "has no incident commander")

	// Raising the severity lifts quiet hours for it at once.
	r.at(34 * time.Hour) // 19:00 UTC, 20:00 Berlin: quiet again
	r.must("alice", low, "update Kiosk reimaged", "posted")
	if tm, _ := r.timer(timerKey(kindStatus, 1)); !tm.Due.Equal(t0.Add(70 * time.Hour)) {
		t.Fatalf("sev4 status reminder (natural 24h later, 20:00 Berlin) due %v, want 08:00 Berlin the day after", tm.Due)
	}
	r.must("alice", low, "sev 2", "now sev2")
	if tm, _ := r.timer(timerKey(kindStatus, 1)); !tm.Due.Equal(t0.Add(35 * time.Hour)) {
		t.Fatalf("at sev2 the status reminder is due %v, want an hour after the update", tm.Due)
	}
}
