package commands

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// midStream is the store's read transaction with a command run by someone else while the
// report streams the timeline: at its first entry, a note (with a secret) and a task are
// committed through the engine, before the stream goes on.
type midStream struct {
	*storage.Tx
	once   sync.Once
	during func()
}

func (m *midStream) EachEntry(n int64, fn func(bot.Entry) error) error {
	return m.Tx.EachEntry(n, func(e bot.Entry) error {
		m.once.Do(m.during)
		return fn(e)
	})
}

// `warroom report` streams a live database: what is committed while it streams is not in
// the report, in part or whole — not the entries, not the tasks, not the integrity
// section, which counts and verifies exactly what is rendered.
func TestStreamedReportIsOneSnapshot(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "payroll export leaked")
	h.mustSay("alice", ch, "note checked the export job", "")
	before := len(h.entries(1))
	ran := false
	var replies []string
	var r reportOf
	err := h.db.View(context.Background(), func(tx *storage.Tx) error {
		src := &midStream{Tx: tx, during: func() {
			ran = true
			replies = append(replies, h.cmd("alice", ch, "note mid-report: the key was AKIAIOSFODNN7EXAMPLE"),
				h.cmd("alice", ch, "task add rotate the export key"))
		}}
		rep, err := StreamReport(src, 1, ReportOptions{Config: h.cfg, Now: h.clock.Now()})
		r = reportOf{entries: len(rep.Timeline), counted: int(rep.Integrity.Entries), verified: rep.Integrity.Verified, problem: rep.Integrity.Problem, tasks: len(rep.Tasks)}
		for _, e := range rep.Timeline {
			if strings.Contains(e.Text, "mid-report") || strings.Contains(e.Text, "rotate the export key") {
				r.leaked = append(r.leaked, e.Text)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("nothing was committed during the stream: the test tested nothing")
	}
	if after := len(h.entries(1)); after != before+2 {
		t.Fatalf("the commands during the stream did not both commit: %d entries before, %d after (%q)", before, after, replies)
	}
	if r.entries != before || r.counted != before || !r.verified || r.tasks != 0 || len(r.leaked) != 0 {
		t.Fatalf("report streamed while two entries committed: %d entries rendered, integrity counts %d (verified %v: %s), %d tasks, leaked %q; want the %d entries before, verified, no task",
			r.entries, r.counted, r.verified, r.problem, r.tasks, r.leaked, before)
	}
}

type reportOf struct {
	entries, counted, tasks int
	verified                bool
	problem                 string
	leaked                  []string
}
