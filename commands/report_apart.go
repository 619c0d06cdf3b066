package commands

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/report"
)

// /incident report, built outside the write transaction. Building a report reads and
// verifies every timeline entry (about a second at 100,000 entries) and rendering it
// writes megabytes; inside the command's transaction both held the single writer, so every
// other command waited. The command's own transaction only checks who may ask and for
// what; after its commit the report is built from a read snapshot (which holds everything
// committed by then), rendered and its bytes stored in parts (FileKeeper), each with the
// writer free, and a short second transaction queues the upload by the file's id. The
// command records nothing, so nothing is promised before the upload is queued: a process
// that dies in between has answered nobody, and the asker asks again. The close's report
// goes the same way (close_report.go), with a timer, because the close must deliver one.

// askedReport is a /incident report still to be built after its command's commit.
type askedReport struct {
	incident int64
	format   string
	audience bot.TLP
	now      time.Time
}

// reportApart says whether the store can build a report from a snapshot and keep its
// bytes apart; without both, the report is built and queued in the command's transaction.
func (c *call) reportApart() bool {
	_, views := c.e.store.(Viewer)
	_, keeps := c.e.store.(FileKeeper)
	return views && keeps
}

// deliverAskedReport builds, stores and queues an asked report after its command's commit
// and tells the asker what went out (or why nothing did).
func (e *Engine) deliverAskedReport(ctx context.Context, asker *call, a askedReport) {
	id := bot.FormatID(a.incident)
	var r *report.Report
	var redactions int
	err := e.store.(Viewer).View(ctx, func(tx Tx) error {
		built, err := e.buildReportIn(tx, a.incident, a.now, a.audience)
		if err != nil {
			return err
		}
		r = built
		redactions, err = countRedactions(tx, a.incident)
		return err
	})
	if err != nil {
		e.askedReportFailed(asker, id, "building", err)
		return
	}
	data, err := e.renderReport("incident report", id, r, a.format)
	if err != nil {
		if !report.IsFallback(err) {
			e.askedReportFailed(asker, id, "rendering", err)
			return
		}
		asker.say("(The report template override is broken, so the built-in one was used: %v)", err)
	}
	fk := e.store.(FileKeeper)
	stored, err := fk.StoreFile(ctx, data, a.now)
	if err != nil {
		e.askedReportFailed(asker, id, "storing", err)
		return
	}
	// A file the queue below did not take (it failed) is dropped; one left by a crash is
	// pruned.
	defer func() {
		if err := fk.DropFile(context.WithoutCancel(ctx), stored); err != nil {
			e.log.Warn("dropping an unqueued report file failed; pruning removes it", "verb", "incident report", "incident", id, "err", err)
		}
	}()
	src := asker.src
	src.DedupKey = "" // the command's own transaction marked it seen
	var inc *bot.Incident
	reply := e.runAs(ctx, "report upload", src, func(c *call) error {
		found, err := c.tx.Incident(a.incident)
		if err != nil {
			return err
		}
		c.inc, inc = found, found
		// A redaction committed after the snapshot scrubbed every stored file but this
		// one, which was not stored yet: its bytes may hold what was removed.
		if now, err := countRedactions(c.tx, a.incident); err != nil {
			return err
		} else if now != redactions {
			return refuse("A redaction was recorded in %s while its report was being built, so nothing was uploaded: ask for the report again.", id)
		}
		_, err = c.queueReport(r, a.format, data, stored)
		return err
	})
	if !reply.Text.Empty() {
		asker.reply = append(asker.reply, reply.Text)
		return
	}
	asker.reply = append(asker.reply, reportReply(r, inc, a.format, len(data)))
}

// askedReportFailed logs a report that could not be built, rendered or stored and tells
// the asker: a refusal as itself, a storage failure by its kind.
func (e *Engine) askedReportFailed(asker *call, id, step string, err error) {
	if isUserError(err) {
		asker.reply = append(asker.reply, refusal(err))
		return
	}
	e.log.Error(step+" the report failed", "verb", "incident report", "incident", id, "err", err)
	asker.say("warroom could not upload the report: %s Nothing was uploaded; try again.", storageProblem(err))
}

// countRedactions is how many redactions the incident's timeline holds.
func countRedactions(tx Tx, n int64) (int, error) {
	count := 0
	err := tx.EachEntryOfKind(n, []string{bot.KindRedaction}, func(bot.Entry) error { count++; return nil })
	return count, err
}
