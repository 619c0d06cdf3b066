package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Bad input is refused with a clear message and changes nothing: no page, no override, no
// timer, nothing queued, nothing posted.
func TestPagingRefusals(t *testing.T) {
	r := newPgRig(t, "")
	pgPaged(t, r)
	for _, tc := range []struct{ line, want string }{
		{"@alice #general /page", "Usage: /page <team|@user> <message> · /page list · /page ack [id]"},
		{"@alice #general /page secops", "say what the page is about"},
		{"@alice #general /page secopz phish", `Unknown team "secopz". Teams: netops, secops.`},
		{"@alice #general /page @zed phish", "Unknown user @zed: they are not in warroom's roster."},
		{"@alice #general /page @alice phish", "You cannot page yourself."},
		{"@alice #general /page list everything", "Usage: /page list"},
		{"@erin #general /page ack 1", "Page 1 was sent to secops (notified: bob), not to you; only they or someone in secops can acknowledge it."},
		{"@erin #@bob !press 1 Acknowledge", "Page 1 was sent to secops (notified: bob), not to you"},
		{"@erin #@bob +✅ 1", "Page 1 was sent to secops (notified: bob), not to you"},
		{"@erin #general /page ack", "You have no open page to acknowledge."},
		{"@bob #general /page ack 7", "There is no page 7."},
		{"@bob #general /page ack one", `"one" is not a page id`},
		{"@bob #general /page ack 1 2", "Usage: /page ack [id]"},
		{"@alice #general /oncall nosuch", `Unknown team "nosuch". Teams: netops, secops.`},
		{"@alice #general /oncall secops now", "Usage: /oncall [team]"},
		{"@alice #general /oncall me please", "Usage: /oncall [team]"},
		{"@bob #general /oncall override secops @carol", "Usage: /oncall override <team> @user <duration>"},
		{"@bob #general /oncall override secops @carol soon", `invalid duration "soon"`},
		{"@bob #general /oncall override secops @carol 100d", "An override lasts at most 90d"},
		{"@bob #general /oncall override secops @zed 1h", "Unknown user @zed"},
		{"@bob #general /oncall override nosuch @carol 1h", `Unknown team "nosuch". Teams: netops, secops.`},
		{"@erin #general /oncall override secops @alice 1h", "Only secops's members (bob, carol) or a lead (dave) can change its on-call."},
		// Nobody outside the team puts themselves on its call: they would get its pages and,
		// acknowledging one, become commander of a private incident.
		{"@erin #general /oncall override secops @erin 90d", "Only secops's members (bob, carol) or a lead (dave) can change its on-call."},
		{"@bob #general /oncall override cancel 9", "There is no override 9."},
		{"@bob #general /oncall override cancel", "Usage: /oncall override cancel <id>"},
	} {
		before := r.state()
		out := r.line(tc.line)
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s\n got: %s\nwant: …%s…", tc.line, out, tc.want)
		}
		if strings.Contains(out, "warroom: 📟") || strings.Contains(out, "] warroom: ✅") || pgDMs(out) != "" && !strings.Contains(tc.line, "#@") {
			t.Errorf("%s posted something:\n%s", tc.line, out)
		}
		if after := r.state(); after != before {
			t.Errorf("%s changed state: %q → %q", tc.line, before, after)
		}
	}
}

// With no oncall section, team pages and /oncall say so; a direct page still works.
func TestPagingWithoutSchedule(t *testing.T) {
	r := newPgRig(t, "roster:\n  - {name: alice}\n  - {name: bob}\n")
	for _, line := range []string{"@alice /page secops phish", "/oncall", "/oncall me", "/oncall secops", "/oncall override secops @bob 1h"} {
		pgWant(t, line, r.line(line), "No on-call schedule is defined: add an oncall: section with teams to warroom's config (see docs/paging.md)")
	}
	pgWant(t, "/page secops", r.line("/page secops phish"), "or page a person directly with /page @user <message>")
	pgWant(t, "direct", r.line("/page @bob phish"), "Page 1 sent to @bob: bob notified.", "[@bob 1] warroom: 📟 Page 1 from alice for @bob: phish")
}

// Nobody reachable: a team whose only step is its on-call, with nobody on call yet, is
// refused rather than paged into the void.
func TestPageRefusedWhenNobodyIsReachable(t *testing.T) {
	r := newPgRig(t, `
roster:
  - {name: alice}
  - {name: bob}
oncall:
  teams:
    later:
      rotations:
        - {name: main, members: [bob], length: 1d, start: 2027-01-01}
`)
	before := r.state()
	pgWant(t, "page", r.line("@alice /page later disk full"), "Nobody can be paged for later right now: nobody is on call for later.")
	if r.state() != before {
		t.Error("a refused page changed state")
	}
	pgWant(t, "oncall", r.line("/oncall later"), "later: nobody is on call now.", "Next: bob, handoff at 2027-01-01 00:00 UTC.")
}

// Whatever follows /page or /oncall, warroom answers and does not fail; timers set by odd
// pages still run.
func FuzzPageAndOnCall(f *testing.F) {
	for _, s := range []string{"secops hi", "@bob x", "<@U0BOB> hi", "ack", "ack 1", "ack #1", "list", "", "me",
		"override secops @bob 1h", "override cancel 1", "override netops @carol 99999w", "SECOPS   spaced   out", "@ x"} {
		f.Add("page", s)
		f.Add("oncall", s)
	}
	r := newPgRig(f, "")
	f.Fuzz(func(t *testing.T, command, text string) {
		r.t = t
		if command != "page" {
			command = "oncall"
		}
		for _, user := range []string{"alice", "bob"} {
			reply := r.eng.HandleCommand(r.ctx, bot.Command{Source: bot.Source{Platform: "console", Channel: "general", User: bot.User{ID: user, Name: user}},
				Name: command, Text: text})
			if reply.Text.Empty() {
				t.Fatalf("/%s %q: no answer", command, text)
			}
			if strings.Contains(reply.Text.String(), "could not do that") {
				t.Fatalf("/%s %q: %s", command, text, reply.Text)
			}
		}
		r.run(7 * time.Minute)
	})
}
