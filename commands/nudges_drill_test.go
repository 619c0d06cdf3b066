package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/templates"
)

func TestDrillInjectsArriveInOrderAtTheirOffsets(t *testing.T) {
	for _, name := range []string{"phishing", "ransomware"} {
		t.Run(name, func(t *testing.T) {
			sc, err := templates.Default().Scenario(name)
			if err != nil {
				t.Fatal(err)
			}
			r := newNgRig(t)
			reply := r.must("alice", "general", "drill "+name, "Drill INC-1 started from the "+name+" scenario")
			wantContains(t, "reply", reply, fmt.Sprintf("%d injects over", len(sc.Injects)))
			inc := r.h.incident(1)
			if !inc.Drill || !strings.HasPrefix(inc.ChannelName, "drill-1-") || inc.Title != sc.Title || inc.Severity != sc.Severity || inc.Type != name {
				t.Fatalf("drill incident: %+v", inc)
			}
			all := ""
			n := len(sc.Injects)
			for i, in := range sc.Injects {
				head := fmt.Sprintf("*Inject %d/%d*", i+1, n)
				if off := in.Offset.Std(); off > 0 {
					if out := r.at(off - time.Second); strings.Contains(out, head) {
						t.Fatalf("inject %d before its offset %v", i+1, off)
					}
				}
				out := r.at(in.Offset.Std())
				all += out
				if !strings.Contains(channelLines(out, inc.ChannelName), head) || !strings.Contains(out, in.Text[:40]) {
					t.Fatalf("inject %d missing at %v:\n%s", i+1, in.Offset.Std(), out)
				}
				if i+1 < n && strings.Contains(out, fmt.Sprintf("*Inject %d/%d*", i+2, n)) {
					t.Fatalf("inject %d came early, with %d", i+2, i+1)
				}
			}
			wantContains(t, "last", all, "That was the last inject")
			// Every message of the drill — channel, card, topic, DMs — is marked DRILL (the
			// workspace's own "* pinned" notes are not messages).
			for _, m := range ngMessages(all) {
				if (strings.HasPrefix(m, "[#drill-") || strings.HasPrefix(m, "[@")) && !strings.Contains(m, "DRILL") && !strings.Contains(m, "] * ") {
					t.Errorf("drill message not marked DRILL: %s", m)
				}
			}
			// On the timeline, in order.
			var got []string
			for _, e := range r.h.entries(1) {
				if e.Kind == bot.KindInject {
					got = append(got, e.Text[:strings.Index(e.Text, ":")])
				}
			}
			if len(got) != n {
				t.Fatalf("%d injects on the timeline, want %d: %v", len(got), n, got)
			}
			for i, g := range got {
				if !strings.HasPrefix(g, fmt.Sprintf("inject %d/%d (T+", i+1, n)) {
					t.Errorf("timeline inject %d is %q", i+1, g)
				}
			}
			if _, ok := r.timer(timerKey(kindInject, 1)); ok {
				t.Error("inject timer pending after the last inject")
			}
			r.h.verify(1)
		})
	}
}

// After downtime the injects that fell due arrive at once, still in order; the rest on time.
func TestDrillInjectsSurviveARestartInOrder(t *testing.T) {
	sc, err := templates.Default().Scenario("ransomware")
	if err != nil {
		t.Fatal(err)
	}
	r := newNgRig(t)
	r.must("alice", "general", "drill ransomware", "started")
	ch := r.h.incident(1).ChannelName
	r.at(sc.Injects[2].Offset.Std())
	r.h.flush()
	r.restart(sc.Injects[6].Offset.Std() - sc.Injects[2].Offset.Std())
	out := channelLines(r.h.flush(), ch)
	last := -1
	for i := 3; i <= 6; i++ {
		at := strings.Index(out, fmt.Sprintf("*Inject %d/%d*", i+1, len(sc.Injects)))
		if at < 0 || at < last {
			t.Fatalf("inject %d missing or out of order after the restart:\n%s", i+1, out)
		}
		last = at
	}
	wantNot(t, "not early", out, fmt.Sprintf("*Inject 8/%d*", len(sc.Injects)), "*Inject 1/", "*Inject 3/")
	out = r.at(sc.Injects[7].Offset.Std())
	wantContains(t, "on time after", out, fmt.Sprintf("*Inject 8/%d*", len(sc.Injects)))
}

func TestDrillRefusalsListTheScenarios(t *testing.T) {
	r := newNgRig(t)
	wantContains(t, "unknown", r.cmd("alice", "general", "drill tsunami"), `Unknown drill scenario "tsunami". Scenarios: phishing, ransomware.`)
	wantContains(t, "missing", r.cmd("alice", "general", "drill"), "Usage: /incident drill <scenario>. Scenarios: phishing, ransomware.")
	wantContains(t, "two", r.cmd("alice", "general", "drill phishing now"), "Usage: /incident drill <scenario>")
	if n := len(r.h.incidents()); n != 0 {
		t.Fatalf("a refused drill created %d incidents", n)
	}
}

// A drill closed early stops its injects.
func TestDrillCloseStopsInjects(t *testing.T) {
	r := newNgRig(t)
	r.must("alice", "general", "drill phishing", "started")
	ch := r.h.incident(1).ChannelID
	r.at(20 * time.Minute)
	r.must("alice", ch, "close benign Exercise ended early", "is closed")
	if out := r.at(3 * time.Hour); strings.Contains(out, "*Inject") {
		t.Fatalf("inject after the drill closed:\n%s", out)
	}
}
