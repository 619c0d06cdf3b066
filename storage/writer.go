package storage

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/warroom/warroom/bot"
)

// Group commit. Every write transaction goes through one goroutine that owns the single
// write connection. When several commands arrive together they share one SQLite
// transaction, each inside its own SAVEPOINT: a command's effects are still all-or-nothing
// (a failing command is rolled back to its savepoint alone), but the batch pays for one
// commit instead of many. Nobody is answered before the commit that holds their work, so
// "acknowledged" still means "committed".

// maxBatch bounds how many commands share one commit, so one batch's latency stays small.
const maxBatch = 64

var errClosed = errors.New("database is closed")

type writeReq struct {
	ctx   context.Context
	fn    func(*Tx) error
	done  chan error
	tries int // runs PostgreSQL aborted (retry.go)
	// exited: fn ended the writer's goroutine (runtime.Goexit, see call).
	exited bool
}

func (db *DB) startWriter() {
	db.writes = make(chan *writeReq)
	db.stop = make(chan struct{})
	db.stopped = make(chan struct{})
	go db.writeLoop(nil)
}

// Update runs fn in a write transaction on the single write connection (BEGIN IMMEDIATE)
// and returns once its effects are committed — or, when fn fails, once they are undone.
// On PostgreSQL fn may run more than once (retry.go).
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.stop:
		return errClosed
	}
	// Once queued, wait for the outcome even if ctx ends: the caller must learn whether
	// its work was committed.
	return classify(db.path, <-req.done)
}

// writeLoop runs the write requests, first the batch a writer that ended left (pending).
func (db *DB) writeLoop(pending []*writeReq) {
	batch, stopping := pending, false
	defer func() {
		if !stopping {
			db.replaceWriter(batch)
			return
		}
		close(db.stopped)
	}()
	for {
		for len(batch) > 0 {
			batch = db.runBatch(batch)
		}
		db.committed()
		var first *writeReq
		select {
		case first = <-db.writes:
		case <-db.stop:
			stopping = true
			return
		}
		batch = []*writeReq{first}
		// Let the goroutines that are ready to run first reach Update. Under load the
		// commands arrive from handlers starved of CPU, one at a time: without the yield
		// the writer, woken by the first, found the queue empty and committed each alone
		// (in the versus bench's saturation profile two thirds of the writer's time was
		// in runOne), paying BEGIN and a commit that writes the same pages again per
		// command.
		// With nothing else ready the yield returns at once, so an idle writer still
		// commits a lone command straight away. A batch gathered already (an alert
		// batch, bot.Gathered) is begun without it.
		if !bot.IsGathered(first.ctx) {
			runtime.Gosched()
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-db.writes:
				batch = append(batch, r)
			default:
				break gather
			}
		}
	}
}

// replaceWriter is the end of a writer goroutine that did not return: a request's function
// called runtime.Goexit (t.Fatal in a test's closure), which no recover stops. call() has
// rolled its transaction back; the request is answered with an error, the others of its
// batch (nothing of theirs was committed) are run again by a new writer.
func (db *DB) replaceWriter(batch []*writeReq) {
	var rest []*writeReq
	for _, r := range batch {
		if r.exited {
			r.done <- errors.New("internal error in a write transaction: its function ended the goroutine (runtime.Goexit); nothing was committed")
			continue
		}
		rest = append(rest, r)
	}
	go db.writeLoop(rest)
}

// runBatch runs requests in one transaction and answers them; it returns the requests it
// could not run because the transaction was lost under them (to be run in a new one).
func (db *DB) runBatch(batch []*writeReq) []*writeReq {
	if len(batch) == 1 {
		err := db.runOne(batch[0])
		if db.pg && retryable(err) {
			return db.again(batch, err)
		}
		batch[0].done <- err
		return nil
	}
	tx, err := db.beginWrite()
	if err != nil {
		err = describe(db.path, err)
		for _, r := range batch {
			r.done <- err
		}
		return nil
	}
	results := make([]error, len(batch))
	txs := make([]*Tx, len(batch))
	notes := db.notesFor()
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT cmd`); err != nil {
			return db.abandon(tx, batch, results, i, err)
		}
		txs[i] = &Tx{ctx: db.stmtCtx(r), tx: tx, pg: db.pg, notes: notes}
		if ferr := call(r, txs[i]); ferr != nil {
			if db.pg && retryable(ferr) {
				_ = tx.Rollback()
				return db.again(batch, ferr)
			}
			results[i] = ferr
			// If SQLite rolled the whole transaction back (disk full, I/O error), the
			// savepoint is gone: everything before this command is lost too.
			if _, err := tx.Exec(`ROLLBACK TO cmd`); err != nil {
				return db.abandon(tx, batch, results, i+1, ferr)
			}
		}
		if _, err := tx.Exec(`RELEASE cmd`); err != nil {
			return db.abandon(tx, batch, results, i+1, err)
		}
	}
	if err := db.announce(tx, notes); err != nil {
		return db.abandon(tx, batch, results, len(batch), err)
	}
	cerr := tx.Commit()
	scrubsCommitted(txs...)
	if db.pg && retryable(cerr) {
		return db.again(batch, cerr)
	}
	if cerr == nil {
		db.announceQueued(txs, results)
	}
	for i, r := range batch {
		if results[i] == nil && cerr != nil {
			results[i] = describe(db.path, cerr)
		}
		r.done <- results[i]
	}
	return nil
}

// abandon ends a batch whose transaction failed: requests before `next` that had succeeded
// are answered with the failure (nothing of theirs was committed), failed ones with their
// own error; requests from `next` on are returned to be run again.
func (db *DB) abandon(tx interface{ Rollback() error }, batch []*writeReq, results []error, next int, cause error) []*writeReq {
	_ = tx.Rollback()
	err := describe(db.path, cause)
	for i := 0; i < next && i < len(batch); i++ {
		if results[i] == nil {
			results[i] = err
		}
		batch[i].done <- results[i]
	}
	if next >= len(batch) {
		return nil
	}
	return batch[next:]
}

// runOne is the plain path: one command, one transaction.
func (db *DB) runOne(r *writeReq) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	tx, err := db.beginWrite()
	if err != nil {
		return describe(db.path, err)
	}
	notes := db.notesFor()
	t := &Tx{ctx: db.stmtCtx(r), tx: tx, pg: db.pg, notes: notes}
	if err := call(r, t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := db.announce(tx, notes); err != nil {
		_ = tx.Rollback()
		return describe(db.path, err)
	}
	err = tx.Commit()
	scrubsCommitted(t)
	if err != nil {
		return describe(db.path, err)
	}
	db.announceQueued([]*Tx{t}, []error{nil})
	return nil
}

// stmtCtx is the context r's statements run under. On SQLite a command the writer has
// begun runs to its end: its caller's cancellation is looked at before it starts
// (runOne, runBatch) and the caller waits for the outcome anyway (Update). Run under a
// context that can end, go-sqlite3 starts a goroutine for every statement, to interrupt
// it; and that interrupt, sqlite3_interrupt, acts on the one write connection, so it can
// roll back the whole batch's transaction, the other commands' work too. On PostgreSQL
// the caller's context still cancels a statement that waits on the server.
func (db *DB) stmtCtx(r *writeReq) context.Context {
	if db.pg {
		return r.ctx
	}
	return context.WithoutCancel(r.ctx)
}

// call runs r's function, turning a panic into an error so one bad command cannot take the
// writer (and every later command) down with it. A runtime.Goexit cannot be stopped: the
// goroutine ends, so call rolls the transaction back (its connection is the only writer)
// and marks r for replaceWriter.
func call(r *writeReq, tx *Tx) (err error) {
	returned := false
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in a write transaction: %v", p)
		} else if !returned {
			r.exited = true
			_ = tx.tx.Rollback()
		}
	}()
	err = r.fn(tx)
	returned = true
	if err == nil && tx.deferHeads {
		err = errHeadsDeferred
	}
	return err
}

func (db *DB) stopWriter() {
	select {
	case <-db.stop:
	default:
		close(db.stop)
	}
	<-db.stopped
}

// errHeadsDeferred refuses a write that called DeferChainHeads and returned without
// WriteChainHeads: committed, its entries would lie past the incident's stored chain head,
// and the next Append would fork the chain.
var errHeadsDeferred = errors.New("internal error in a write transaction: it appended entries with their chain heads deferred and never wrote them (WriteChainHeads); nothing was committed")
