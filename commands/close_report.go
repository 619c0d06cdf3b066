package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/report"
)

// The close's report, built outside the write transaction. Building the report of a long
// incident reads and verifies every timeline entry (about a second at 100,000 entries);
// inside the close's transaction that second held the single writer, so every other
// command in every incident waited for it. Now the close commits first, with a timer as its
// promise that the report will be delivered; right after the commit the report is loaded
// from a read snapshot (which holds everything the close committed), built and rendered
// with the writer free, and a short second transaction queues it and cancels the timer. If
// the process dies in between, the timer fires after the restart and delivers the report
// then (inside its transaction, as before: that path is rare). The timer is claimed or
// cancelled in a write transaction, so the report goes out exactly once.

// timerCloseReport is the kind of the close's promise timer.
const timerCloseReport = "close.report"

// closeReportGrace is how long after a close its timer waits before delivering the report
// itself: far longer than any build, so it fires only when the process died meanwhile.
const closeReportGrace = 2 * time.Minute

// pendingReport is a committed close whose report is still to be delivered.
type pendingReport struct {
	incident int64
	version  int
	key      string // the promise timer
}

func registerCloseReport(e *Engine) {
	e.timers[timerCloseReport] = func(c *call, t bot.Timer) error {
		if c.inc == nil || c.inc.Open() || t.Key != closeReportKey(c.inc) {
			return nil // reopened since: the next close delivers its own report
		}
		return c.deliverReportNow()
	}
}

func closeReportKey(inc *bot.Incident) string {
	return fmt.Sprintf("close-report:%d:v%d", inc.Number, inc.ReportVersion)
}

// deliverReport is the close's last word: a summary of the report, then the report itself
// in Markdown. With a store that reads snapshots it is promised here and delivered after
// the commit (deliverCloseReport); otherwise it is built in this transaction.
func (c *call) deliverReport() error {
	if _, ok := c.e.store.(Viewer); !ok {
		return c.deliverReportNow()
	}
	key := closeReportKey(c.inc)
	if err := c.setTimer(timerCloseReport, key, c.now.Add(closeReportGrace), ""); err != nil {
		return err
	}
	c.closeReport = &pendingReport{incident: c.inc.Number, version: c.inc.ReportVersion, key: key}
	return nil
}

// deliverCloseReport builds a committed close's report from a read snapshot, with the
// writer free, then queues it in a short transaction that also cancels the promise timer.
// A failure leaves the timer to deliver it later. A broken template override is told in
// the closer's reply (closer).
func (e *Engine) deliverCloseReport(ctx context.Context, closer *call, p pendingReport) {
	v := e.store.(Viewer)
	var r *report.Report
	var redactions int
	now := e.now()
	err := v.View(ctx, func(tx Tx) error {
		inc, err := tx.Incident(p.incident)
		if err != nil {
			return err
		}
		if inc.Open() || inc.ReportVersion != p.version {
			return nil // reopened already: this close's report is no longer the one to send
		}
		// Streamed, so the timeline is never held whole beside the report (at 100,000
		// entries the loaded Data doubled the heap, and the collector's work fell on the
		// other commands), and scanned on one CPU, so the others are left to the
		// commands; the report is the one Build makes of LoadReport's Data.
		built, err := StreamReport(tx, p.incident, ReportOptions{Config: e.cfg, Templates: e.tpl, Now: now, PublicKey: e.PublicKey(), Workers: 1})
		if err != nil {
			return err
		}
		r = &built
		redactions, err = countRedactions(tx, p.incident)
		return err
	})
	if err != nil {
		e.log.Error("building the close's report failed; it is delivered when its timer fires", "verb", "close report", "incident", bot.FormatID(p.incident), "err", err)
		return
	}
	var md []byte
	if r != nil {
		if md, err = e.renderReport("close report", bot.FormatID(p.incident), r, "md"); err != nil {
			if !report.IsFallback(err) {
				e.log.Error("rendering the close's report failed; it is delivered when its timer fires", "verb", "close report", "incident", bot.FormatID(p.incident), "err", err)
				return
			}
			closer.say("(The report template override is broken, so the built-in one was used: %v)", err)
		}
	}
	// The report's bytes are written first, in parts, each its own short write; the
	// transaction below only refers to them. A file it does not take (the timer was first,
	// or it failed) is dropped after it; one left by a crash is pruned.
	var stored int64
	if fk, ok := e.store.(FileKeeper); ok && r != nil {
		if stored, err = fk.StoreFile(ctx, md, now); err != nil {
			e.log.Error("storing the close's report failed; it is delivered when its timer fires", "incident", bot.FormatID(p.incident), "err", err)
			return
		}
		defer func() {
			if err := fk.DropFile(context.WithoutCancel(ctx), stored); err != nil {
				e.log.Warn("dropping an unqueued report file failed; pruning removes it", "incident", bot.FormatID(p.incident), "err", err)
			}
		}()
	}
	src := bot.Source{Platform: "warroom", User: bot.User{ID: "warroom", Name: "warroom"}}
	reply := e.runAs(ctx, "close report", src, func(c *call) error {
		c.who = "warroom"
		pending, err := c.tx.CancelTimer(p.key)
		c.timersChanged = true
		if err != nil || !pending || r == nil {
			return err // delivered by the timer already, or reopened
		}
		if c.inc, err = c.tx.Incident(p.incident); err != nil {
			return err
		}
		c.src.Platform = c.inc.Platform
		// A redaction committed after the snapshot scrubbed every stored file but this
		// one, which was not stored yet: the report is built again here, from what the
		// redaction left (the rare path the timer takes too).
		if now, err := countRedactions(c.tx, p.incident); err != nil {
			return err
		} else if now != redactions {
			return c.deliverReportNow()
		}
		if err := c.post(bot.Message{Text: bot.Markup(r.Summary())}); err != nil {
			return err
		}
		_, err = c.queueReport(r, "md", md, stored)
		return err
	})
	if !reply.Text.Empty() {
		e.log.Warn("queueing the close's report failed; it is delivered when its timer fires", "verb", "close report", "incident", bot.FormatID(p.incident), "reason", reply.Text.String())
	}
}
