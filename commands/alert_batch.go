package commands

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// Alerts arrive in storms: an outage makes a SIEM or Alertmanager send hundreds of alerts
// of a few keys at once. Each alert is still committed before it is answered, but alerts
// that arrive together are recorded in one transaction: the engine's recorder, a goroutine
// that runs while alerts wait (recordWaiting), takes every alert queued (up to
// maxAlertBatch) and runs them one after the other in a single store.Update, and alerts
// queued while it runs join it before it commits (ingestBatch, up to maxAlertBatch in all).
// Within that transaction an open group is read once, not once per alert (its incident
// only when an alert has something to say in its channel); a group's count and last
// arrival, and an incident's chain head, are written once at the end. Alone, an alert is a
// batch of one: a quiet source waits for nobody.
//
// A batch is all or nothing. If any alert of it fails (a route naming a platform this
// warroom is not connected to, a storage error), the whole transaction is rolled back and
// every alert of the batch is run again alone, so each is answered with its own outcome:
// nobody is told 202 for an alert that was not committed, and one bad alert does not cost
// the others theirs.

// maxAlertBatch bounds how many alerts share one transaction, so one batch's latency stays
// small.
const maxAlertBatch = 64

// alertJob is one alert waiting for its batch.
type alertJob struct {
	a     alert.Alert
	r     *routedAlert // a, masked and routed by its sender (routeAlert)
	start time.Time
	res   alert.Result
	err   error
	c     *call
	done  chan struct{}
}

// alertQueue is the engine's queue of alerts waiting to be recorded.
type alertQueue struct {
	mu      sync.Mutex
	waiting []*alertJob
	// last is the size of the batch taken last (gather).
	last int
	// recording is set while the recorder runs (recordWaiting): one batch at a time, so
	// alerts that arrive meanwhile gather into the next one.
	recording bool
	// routeIDs are the fingerprints (Route.ID) of the configured routes, in their order:
	// worked out once, not for every alert (a JSON encoding and a SHA-256, ~1.8 µs each).
	routeIDs []string
}

func newAlertQueue(routes []alert.Route) *alertQueue {
	q := &alertQueue{routeIDs: make([]string, len(routes))}
	for i, r := range routes {
		q.routeIDs[i] = r.ID()
	}
	return q
}

// add queues j and reports whether the caller is to start the recorder: none runs.
func (q *alertQueue) add(j *alertJob) (start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waiting = append(q.waiting, j)
	start = !q.recording
	q.recording = true
	return start
}

// gather lets alerts already on their way join the batch about to be taken. When a busy
// source's batch is answered, its senders come back one by one, and the recorder would take
// the first at once: without this it records that alert alone, paying a whole transaction
// and commit (most of what a batch costs) for one alert, the next few go the same way, and
// batches stay small exactly when alerts come fastest (a mean of 6–8 alerts at 64 senders,
// most batches of one). So when fewer than half as many alerts wait as the last batch held
// — a sign that the rest are being read and parsed right now — the recorder first yields
// its processor once to the goroutines that are runnable (runtime.Gosched: no timer, no
// sleep). A quiet source's alert (the last batch was its own, or nothing else is
// runnable) does not wait.
func (q *alertQueue) gather() {
	q.mu.Lock()
	n, last := len(q.waiting), q.last
	q.mu.Unlock()
	if n < maxAlertBatch && 2*n < last {
		runtime.Gosched()
	}
}

// take removes up to maxAlertBatch waiting alerts, oldest first, for the recorder. When
// none wait the recorder is over: under the lock add takes, so the next alert added starts
// a new one.
func (q *alertQueue) take() []*alertJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.waiting), maxAlertBatch)
	if n == 0 {
		q.recording = false
		return nil
	}
	q.last = n
	return q.takeLocked(n)
}

// join removes up to n waiting alerts, oldest first, for the batch being recorded (which
// then holds more than take counted: its size is counted when it is done, done).
func (q *alertQueue) join(n int) []*alertJob {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.takeLocked(min(len(q.waiting), n))
}

// done counts a recorded batch's size, joined alerts included, for gather.
func (q *alertQueue) done(n int) {
	q.mu.Lock()
	q.last = n
	q.mu.Unlock()
}

func (q *alertQueue) takeLocked(n int) []*alertJob {
	batch := q.waiting[:n:n]
	q.waiting = q.waiting[n:]
	if len(q.waiting) == 0 {
		q.waiting = nil
	}
	return batch
}

// IngestAlert records one alert and returns what became of it, once it is committed.
func (e *Engine) IngestAlert(ctx context.Context, a alert.Alert) (alert.Result, error) {
	if err := ctx.Err(); err != nil {
		return alert.Result{}, err
	}
	j := &alertJob{a: a, r: e.routeAlert(a), start: time.Now(), done: make(chan struct{})}
	// Once queued, the alert is recorded or refused whatever ctx does: its sender may
	// retry, and the delivery id makes that a replay.
	if e.alertQ.add(j) {
		go e.recordWaiting()
	}
	<-j.done
	return j.res, j.err
}

// recordWaiting is the recorder: it records the waiting alerts, batch after batch, until
// none wait. One goroutine begins each batch as soon as the last is committed. When the
// senders took turns instead, the one to begin the next batch had to be woken and then
// wait for a processor behind the handlers (a runtime trace of the storm: the writer idle
// 212 ms, for 46 % of it with that sender runnable and not running), and senders whose
// alerts were already taken contended for the turn. The answers go to a goroutine of their
// own, so the next batch need not wait for them (a wake-up and the metrics for each alert);
// consecutive batches' answers (and their hooks) may so run at the same time.
func (e *Engine) recordWaiting() {
	q := e.alertQ
	for {
		q.gather()
		batch := q.take()
		if len(batch) == 0 {
			return
		}
		answer := e.recordAlerts(batch, true)
		go answer()
	}
}

// recordAlerts records a batch in one transaction, or each alone when the batch failed,
// and returns what answers every alert of it: the recorder runs it on a goroutine of its
// own and begins the next batch, which need not wait for this one's answers (a wake-up and
// the metrics for each alert). With grow, alerts that arrive while the batch is being
// recorded join it (ingestBatch).
func (e *Engine) recordAlerts(batch []*alertJob, grow bool) (answer func()) {
	err := e.store.Update(bot.Gathered(context.Background()), func(tx Tx) error {
		var err error
		batch, err = e.ingestBatch(tx, batch, grow)
		return err
	})
	if grow {
		e.alertQ.done(len(batch))
	}
	if err != nil && len(batch) > 1 {
		answers := make([]func(), len(batch))
		for i, j := range batch {
			answers[i] = e.recordAlerts([]*alertJob{j}, false)
		}
		return func() {
			for _, a := range answers {
				a()
			}
		}
	}
	if err == nil {
		e.kick()
	}
	return func() {
		for _, j := range batch {
			e.answerOne(j, err)
		}
	}
}

// answerOne is answerAlert for one alert of a batch, on the answers' own goroutine: should
// a hook panic, the alert is still answered with what was committed (its sender would wait
// forever otherwise), the panic is logged, and the batch's other alerts are answered.
func (e *Engine) answerOne(j *alertJob, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("answering an alert panicked", "verb", "alert "+j.a.Source, "panic", p)
			close(j.done)
		}
	}()
	e.answerAlert(j, err)
}

// answerAlert runs what follows a commit for one alert, counts it and wakes its sender.
func (e *Engine) answerAlert(j *alertJob, err error) {
	outcome := "error"
	switch {
	case err == nil:
		c := j.c
		if e.hooks.Checkpointed != nil {
			for _, cp := range c.checkpoints {
				e.hooks.Checkpointed(cp)
			}
		}
		if c.runQueued && e.hooks.ActionQueued != nil {
			e.hooks.ActionQueued()
		}
		if c.timersChanged && e.hooks.TimersChanged != nil {
			e.hooks.TimersChanged()
		}
		outcome = j.res.Outcome()
	case isUserError(err):
		outcome = "refused"
		j.res, j.err = alert.Result{}, &alert.Refused{Reason: err.Error()}
	default:
		e.log.Error("alert failed", "verb", "alert "+j.a.Source, "err", err)
		j.res, j.err = alert.Result{}, errors.New(storageProblem(err))
	}
	if e.hooks.Observe != nil {
		e.hooks.Observe("alert "+j.a.Source, outcome, time.Since(j.start))
	}
	close(j.done)
}

// ingestBatch runs every alert of the batch in tx, in arrival order, and returns the batch.
// With grow, the alerts queued meanwhile then join it, up to maxAlertBatch in all: at 64
// senders a batch's senders are answered together and come back while the next batch is
// being recorded, so without joining, batches alternated between the few that had arrived
// when it began and the rest (a mean of about half the senders), and each paid a whole
// transaction's fixed cost (its commit, and the look-ups of every key's group and
// incident: ~1.1 ms) for half as many alerts. A joined alert is recorded like the others:
// committed before it is answered, and re-run alone should the batch fail.
func (e *Engine) ingestBatch(tx Tx, batch []*alertJob, grow bool) ([]*alertJob, error) {
	b := &alertBatch{groups: map[alert.GroupKey]*alert.Group{}, read: map[alert.GroupKey]*alert.Group{}, incidents: map[int64]*bot.Incident{},
		answered: map[alert.Delivery]string{}, remember: map[alert.Delivery]string{}}
	// The alerts of a batch append to a few incidents many times; each incident's chain
	// head is written once, after the last of them (a failed batch writes nothing at all).
	tx.DeferChainHeads()
	var now time.Time
	for next := batch; len(next) > 0; {
		if err := b.prepare(tx, next, e.clock.Now().UTC().Add(-e.cfg.Alerts.GroupWindow.Std())); err != nil {
			return batch, err
		}
		for _, j := range next {
			c := &call{e: e, tx: tx, now: e.clock.Now().UTC(), who: alertActor(j.a.Source)}
			j.c, j.res, now = c, alert.Result{}, c.now
			res, err := c.ingestDelivery(j.r, b)
			if err != nil {
				return batch, err
			}
			j.res = res
		}
		if !grow || len(batch) >= maxAlertBatch {
			break
		}
		next = e.alertQ.join(maxAlertBatch - len(batch))
		batch = append(batch, next...)
	}
	if err := tx.WriteChainHeads(); err != nil {
		return batch, err
	}
	if err := tx.SaveAlertGroupArrivals(b.moved...); err != nil {
		return batch, err
	}
	if len(b.remember) == 0 {
		return batch, nil
	}
	if err := tx.RememberAlertDeliveries(b.remember, now); err != nil {
		return batch, err
	}
	return batch, tx.ForgetAlertDeliveries(now)
}

// prepare reads the answers given before to the delivery ids of jobs (alerts about to be
// recorded in the batch), reserves their alert ids and reads their keys' open groups
// (readGroups), since being the start of the group window now.
func (b *alertBatch) prepare(tx Tx, jobs []*alertJob, since time.Time) error {
	var ds []alert.Delivery
	for _, j := range jobs {
		if j.a.DeliveryID != "" {
			ds = append(ds, alert.Delivery{Source: j.a.Source, ID: j.a.DeliveryID})
		}
	}
	answered, err := tx.AlertDeliveries(ds)
	if err != nil {
		return err
	}
	// An answer given earlier in this batch is not in the database yet, and stays.
	for d, a := range answered {
		if _, ok := b.answered[d]; !ok {
			b.answered[d] = a
		}
	}
	if err := tx.ReserveAlertIDs(idsNeeded(jobs, b.answered)); err != nil {
		return err
	}
	return b.readGroups(tx, jobs, since)
}

// idsNeeded is how many alert ids the batch may take: one for each alert a route takes
// that is not a replay of an answered delivery (a resolution with nothing to resolve, or a
// replay within the batch, leaves one unused).
func idsNeeded(batch []*alertJob, answered map[alert.Delivery]string) int {
	n := 0
	for _, j := range batch {
		if _, replay := answered[alert.Delivery{Source: j.a.Source, ID: j.a.DeliveryID}]; replay && j.a.DeliveryID != "" {
			continue
		}
		if j.r.ok && j.r.route.Action != alert.ActionDrop {
			n++
		}
	}
	return n
}

// ingestDelivery records r, unless its delivery id was answered before (in an earlier
// transaction or earlier in this batch): then the first answer is repeated and nothing
// changes.
func (c *call) ingestDelivery(r *routedAlert, b *alertBatch) (alert.Result, error) {
	var res alert.Result
	a := r.a
	d := alert.Delivery{Source: a.Source, ID: a.DeliveryID}
	if a.DeliveryID != "" {
		if prev, ok := b.answered[d]; ok {
			if err := json.Unmarshal([]byte(prev), &res); err != nil {
				return res, err
			}
			res.New, res.Replayed = false, true
			return res, nil
		}
	}
	res, err := c.ingestAlert(r, b)
	if err != nil {
		return res, err
	}
	if a.DeliveryID != "" {
		answer, err := json.Marshal(res)
		if err != nil {
			return res, err
		}
		b.answered[d], b.remember[d] = string(answer), string(answer)
	}
	return res, c.finish()
}
