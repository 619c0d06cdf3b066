package commands

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// FuzzHandleCommand feeds arbitrary /incident text to the engine in an incident channel (and,
// for some inputs, elsewhere or as a plain member). Every input must get an answer, never
// panic, keep every touched timeline verifiable, keep valid UTF-8 valid, and be delivered
// exactly once: the same event redelivered is either a silent no-op or, if the first was
// refused and so rolled back, refused again in the same words.
func FuzzHandleCommand(f *testing.F) {
	for _, s := range []string{
		"", "help", "help task", "status", "status INC-1", "roles", "tasks", "checklist", "list",
		"declare Phishing wave sev2", "declare " + strings.Repeat("€", MaxTitleLen), "declare sev1", "declare x\x00y",
		"phase", "phase next", "phase next --force", "phase lessons --force", "phase bogus", "sev 1", "sev 9", "type malware", "type",
		"close", "close duplicate INC-1", "close duplicate 2 dup", "close fp nothing", "reopen", "link INC-2", "link 1",
		"role analyst me", "role commander @bob", "role scribe <@bob|Bob>", "role x", "invite @carol", "invite <@>", "remove @bob", "remove me", "join INC-1",
		"note hello <b>&amp;", "note \u202eevil", "update all good", "task add Reset passwords @bob due 2h", "task add x due 99999999w",
		"task add due 2h", "task done 1", "task done 99999999999999999999", "check 1", "check 7", "check -1",
		"lesson good fine", "lesson meh", "redact 3 secret", "redact 1", "review tomorrow", "remind off", "clock gdpr", "drill x", "report",
		"task", "TASK DONE", "frobnicate", "\xff", "note " + strings.Repeat("a", MaxTextLen),
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	var h *harness
	var ch string
	used := 0
	f.Cleanup(func() {
		if h != nil {
			h.close()
		}
	})
	// A fresh database every few dozen inputs keeps each input's work small.
	fresh := func(t *testing.T) {
		if h != nil {
			h.close()
		}
		h = newHarness(t, inDir(dir))
		ch = h.declare("alice", "Fuzzed incident")
		h.mustSay("alice", ch, "invite @bob", "added")
		h.flush()
		used = 0
	}

	f.Fuzz(func(t *testing.T, text string) {
		if h == nil || used >= 40 {
			fresh(t)
		}
		h.t = t
		if !h.incident(1).Open() {
			fresh(t)
		}
		used++
		user, channel := "alice", ch
		switch len(text) % 5 {
		case 3:
			user = "bob" // a plain member
		case 4:
			channel = "general"
		}
		src := h.source("console", user, channel)
		src.DedupKey = "fuzz-" + strconv.Itoa(used)
		send := func() string {
			r := h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: "incident", Text: text}).Text
			h.deliver()
			return r.String()
		}

		before := h.snapshot()
		r1 := send()
		if r1 == "" {
			t.Fatalf("no reply to %q", text)
		}
		if strings.Contains(r1, "warroom could not do that") {
			t.Fatalf("%q hit an internal error: %s\n%s", text, r1, h.logs.String())
		}
		after := h.snapshot()
		if utf8.ValidString(text) {
			if !utf8.ValidString(r1) {
				t.Errorf("reply to %q is not valid UTF-8: %q", text, r1)
			}
			if out := h.flush(); !utf8.ValidString(out) {
				t.Errorf("output for %q is not valid UTF-8: %q", text, out)
			}
		}
		for n, head := range after.heads {
			if head != before.heads[n] {
				h.verify(n)
			}
		}

		// The same event again.
		r2 := send()
		again := h.snapshot()
		switch {
		case r2 == "" && again.String() != after.String():
			t.Errorf("a redelivered %q changed state:\n%s\n→\n%s", text, after, again)
		case r2 != "" && (r2 != r1 || after.String() != before.String()):
			t.Errorf("a redelivered %q was processed again although the first changed state or answered differently:\n%q\n%q", text, r1, r2)
		}
		h.flush()
	})
}

// state is what a command may change, for comparing before and after.
type state struct {
	heads map[int64]int64
	desc  string
}

func (s state) String() string { return s.desc }

func (h *harness) snapshot() state {
	h.t.Helper()
	s := state{heads: map[int64]int64{}}
	var b strings.Builder
	for _, inc := range h.incidents() {
		s.heads[inc.Number] = inc.HeadSeq
		fmt.Fprintf(&b, "%s %d %s %s %d %s %s %d %q;", inc.ID(), inc.HeadSeq, inc.HeadHash, inc.Phase, inc.Severity, inc.Type, inc.Status, inc.ReportVersion, h.members(inc.Number))
		fmt.Fprintf(&b, "%v %d;", h.roles(inc.Number), len(h.tasks(inc.Number)))
	}
	fmt.Fprintf(&b, "pending %d", h.pending())
	s.desc = b.String()
	return s
}
