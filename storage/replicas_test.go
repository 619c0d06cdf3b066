package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Several replicas on one PostgreSQL database: the campaign's one connection, claims of
// the outbox, the leader hearing what followers commit, and aborted writes retried.

// campaignPIDs are the backends of the campaign connections on the database, by pid.
func campaignPIDs(t *testing.T, db *DB) map[int64]bool {
	t.Helper()
	rows, err := db.reader.Query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?`, CampaignApplication)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			t.Fatal(err)
		}
		out[pid] = true
	}
	return out
}

// Every candidate, follower or leader, keeps one connection for its whole campaign: the
// same backends are there before and after followers have tried for the lock several
// times (they used to open a new connection for each try).
func TestPostgresFollowersKeepOneConnection(t *testing.T) {
	postgresOnly(t)
	dbs, els, _ := candidates(t, 3)
	leaderOf(t, els, -1, 15*time.Second)
	before := campaignPIDs(t, dbs[0])
	time.Sleep(2*LeaderRetry + LeaderRetry/2)
	after := campaignPIDs(t, dbs[0])
	if len(before) != 3 || fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("campaign connections before %v, after %v tries: want the same 3", before, after)
	}
	for _, e := range els {
		if pid, _ := e.fence(); !after[int64(pid)] {
			t.Fatalf("a candidate's connection %d is not among the campaign's %v", pid, after)
		}
	}
}

// Two deliverers claiming the outbox at once never get the same row; a claimed row is not
// due again for anyone until its lease ends or it is recorded; when the lease ends (its
// deliverer died) it is claimable again.
func TestPostgresOutboxClaimedOnceAcrossDeliverers(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	ctx := context.Background()
	const lanes, each = 20, 3
	for i := 0; i < lanes*each; i++ {
		lane := fmt.Sprintf("c%d", i%lanes)
		if err := a.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "slack", Op: bot.OpPost, Target: lane, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(fmt.Sprint(i))}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]string{}
	for round := 0; round < each; round++ {
		var mu sync.Mutex
		var wg sync.WaitGroup
		got := map[string][]int64{}
		for name, db := range map[string]*DB{"a": a, "b": b} {
			for k := 0; k < 4; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					due, err := db.DueOutbound(ctx, t0, 5, true)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					defer mu.Unlock()
					for _, o := range due {
						got[name] = append(got[name], o.ID)
					}
				}()
			}
		}
		wg.Wait()
		n := 0
		for name, ids := range got {
			for _, id := range ids {
				if prev, dup := seen[id]; dup {
					t.Fatalf("round %d: outbox row %d claimed by %s and by %s", round, id, prev, name)
				}
				seen[id] = name
				n++
			}
		}
		if n != lanes {
			t.Fatalf("round %d: %d heads claimed, want one per lane (%d)", round, n, lanes)
		}
		if due, _ := b.DueOutbound(ctx, t0.Add(OutboxLease-time.Second), 100, true); len(due) != 0 {
			t.Fatalf("round %d: %d claimed rows due again before their lease ended", round, len(due))
		}
		for id, name := range seen {
			if name != "" {
				if err := a.CompleteOutbound(ctx, bot.Outbound{ID: id}, bot.Delivered{ID: "m"}, t0); err != nil {
					t.Fatal(err)
				}
				seen[id] = ""
			}
		}
	}
	// A deliverer that dies holding a claim: its row is due again once the lease ends.
	if err := a.Enqueue(ctx, bot.Outbound{Lane: "late", Platform: "slack", Op: bot.OpPost, Target: "late"}, t0); err != nil {
		t.Fatal(err)
	}
	first, _ := a.DueOutbound(ctx, t0, 10, true)
	again, _ := b.DueOutbound(ctx, t0.Add(OutboxLease+time.Second), 10, true)
	if len(first) != 1 || len(again) != 1 || again[0].ID != first[0].ID {
		t.Fatalf("after its lease ended a claimed row should be claimable again: first %v, again %v", first, again)
	}
}

// A replica that campaigns claims only while the database says it holds the leader lock:
// a follower claims nothing, and neither does a leader whose connection was cut, even
// before it has noticed.
func TestPostgresOnlyTheLeaderClaims(t *testing.T) {
	postgresOnly(t)
	dbs, els, stops := candidates(t, 2)
	ctx := context.Background()
	leader, _ := leaderOf(t, els, -1, 15*time.Second)
	follower := 1 - leader
	enqueue := func(lane string) {
		t.Helper()
		if err := dbs[0].Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "slack", Op: bot.OpPost, Target: lane}, t0); err != nil {
			t.Fatal(err)
		}
	}
	enqueue("one")
	if due, err := dbs[follower].DueOutbound(ctx, t0, 10, true); err != nil || len(due) != 0 {
		t.Fatalf("a follower claimed %v (%v)", due, err)
	}
	if due, err := dbs[leader].DueOutbound(ctx, t0, 10, true); err != nil || len(due) != 1 {
		t.Fatalf("the leader claimed %v (%v); want the one row", due, err)
	}
	enqueue("two")
	pid, _ := els[leader].fence()
	if _, err := dbs[follower].writer.Exec(`SELECT pg_terminate_backend(?)`, pid); err != nil {
		t.Fatal(err)
	}
	// The cut leader stops campaigning, or it could win the lock back on a new connection
	// before the follower tries again (both retry every LeaderRetry), and then nobody else
	// would ever lead: the follower must be the one that takes over.
	stops[leader]()
	els[leader].Wait()
	next, _ := leaderOf(t, els, leader, 15*time.Second)
	// The old leader has noticed by now (its connection told it); make it believe it
	// still leads, as one that has not noticed yet would: the database refuses its claim.
	els[leader].mu.Lock()
	els[leader].lead = true
	els[leader].mu.Unlock()
	if due, err := dbs[leader].DueOutbound(ctx, t0, 10, true); err != nil || len(due) != 0 {
		t.Fatalf("a deposed leader that believes it leads claimed %v (%v)", due, err)
	}
	if due, err := dbs[next].DueOutbound(ctx, t0, 10, true); err != nil || len(due) != 1 || due[0].Lane != "two" {
		t.Fatalf("the new leader claimed %v (%v); want lane two", due, err)
	}
}

// The leader hears of the timers and messages followers commit, not of its own commits,
// and not of a transaction rolled back.
func TestPostgresLeaderHearsFollowersChanges(t *testing.T) {
	postgresOnly(t)
	u := testDBAt(t, t.TempDir()+"/shared.db")
	open := func() *DB {
		db, err := Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	leaderDB, followerDB := open(), open()
	heard := make(chan string, 16)
	ctx, cancel := context.WithCancel(context.Background())
	e, err := leaderDB.Campaign(ctx, CampaignOptions{Notified: func(ch string) { heard <- ch }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); e.Wait() })
	leaderOf(t, []*Elector{e}, -1, 15*time.Second)
	expect := func(want string) {
		t.Helper()
		select {
		case ch := <-heard:
			if ch != want {
				t.Fatalf("heard %q, want %q", ch, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the leader did not hear %q", want)
		}
	}
	quiet := func(what string) {
		t.Helper()
		select {
		case ch := <-heard:
			t.Fatalf("after %s the leader heard %q", what, ch)
		case <-time.After(300 * time.Millisecond):
		}
	}
	must := func(db *DB, fn func(*Tx) error) {
		t.Helper()
		if err := db.Update(context.Background(), fn); err != nil {
			t.Fatal(err)
		}
	}
	must(followerDB, func(tx *Tx) error { return tx.SetTimer(bot.Timer{Key: "nudge:9", Kind: "nudge", Due: t0}) })
	expect(ChannelTimers)
	must(followerDB, func(tx *Tx) error { return tx.Enqueue(bot.Outbound{Lane: "x", Platform: "slack", Op: bot.OpPost}, t0) })
	expect(ChannelOutbox)
	must(leaderDB, func(tx *Tx) error { return tx.SetTimer(bot.Timer{Key: "nudge:10", Kind: "nudge", Due: t0}) })
	quiet("its own commit")
	boom := errors.New("boom")
	if err := followerDB.Update(context.Background(), func(tx *Tx) error {
		_ = tx.SetTimer(bot.Timer{Key: "nudge:11", Kind: "nudge", Due: t0})
		return boom
	}); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	quiet("a rolled-back transaction")
}

// A write that PostgreSQL aborts as a serialisation failure or a deadlock's victim is run
// again, and its effects are committed once; one that keeps failing gives up after
// pgMaxTries runs as busy.
func TestPostgresAbortedWritesRetried(t *testing.T) {
	postgresOnly(t)
	db := openTest(t)
	ctx := context.Background()
	raise := func(tx *Tx, code string) error {
		_, err := tx.exec(`DO $$ BEGIN RAISE EXCEPTION 'aborted for the test' USING ERRCODE = '` + code + `'; END $$`)
		return err
	}
	for _, code := range []string{"40001", "40P01"} {
		var runs atomic.Int32
		err := db.Update(ctx, func(tx *Tx) error {
			if runs.Add(1) <= 2 {
				return raise(tx, code)
			}
			return tx.SetTimer(bot.Timer{Key: "retried:" + code, Kind: "nudge", Due: t0})
		})
		if err != nil || runs.Load() != 3 {
			t.Fatalf("%s: %v after %d runs; want success at the third", code, err, runs.Load())
		}
		runs.Store(0)
		err = db.Update(ctx, func(tx *Tx) error { runs.Add(1); return raise(tx, code) })
		if !errors.Is(err, bot.ErrBusy) || runs.Load() != pgMaxTries {
			t.Fatalf("%s every time: %v after %d runs; want ErrBusy after %d", code, err, runs.Load(), pgMaxTries)
		}
	}
	// In a group commit: one command aborted once, the whole batch runs again, and every
	// command's effect is there once.
	var wg sync.WaitGroup
	var once atomic.Bool
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Update(ctx, func(tx *Tx) error {
				if i == 7 && once.CompareAndSwap(false, true) {
					return raise(tx, "40P01")
				}
				return tx.SetTimer(bot.Timer{Key: fmt.Sprint("batch:", i), Kind: "nudge", Due: t0})
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	timers, err := db.PendingTimers(ctx)
	if err != nil || len(timers) != 2+16 {
		t.Fatalf("%d pending timers (%v), want 18: each retried write committed once", len(timers), err)
	}
}

// A real deadlock between two processes (row locks only, so the write lock does not order
// them): PostgreSQL aborts one, warroom runs it again, and both commit.
func TestPostgresDeadlockRetried(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	a.noWriteLock, b.noWriteLock = true, true
	one, two := newIncident(t, a), newIncident(t, a)
	lockedA, lockedB := make(chan struct{}), make(chan struct{})
	var runsA, runsB atomic.Int32
	touch := func(tx *Tx, n int64) error {
		_, err := tx.exec(`UPDATE incidents SET title = title WHERE number = ?`, n)
		return err
	}
	side := func(db *DB, runs *atomic.Int32, first, second int64, mine, theirs chan struct{}) error {
		return db.Update(context.Background(), func(tx *Tx) error {
			if err := touch(tx, first); err != nil {
				return err
			}
			if runs.Add(1) == 1 { // the first run waits until both hold their first row
				close(mine)
				select {
				case <-theirs:
				case <-time.After(10 * time.Second):
				}
			}
			return touch(tx, second)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- side(a, &runsA, one.Number, two.Number, lockedA, lockedB) }()
	go func() { errs <- side(b, &runsB, two.Number, one.Number, lockedB, lockedA) }()
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("a deadlocked write was not retried to success: %v", err)
		}
	}
	if runsA.Load()+runsB.Load() < 3 {
		t.Fatalf("runs %d and %d: one side should have been aborted and run again", runsA.Load(), runsB.Load())
	}
}

// A deliverer that stops gives its claim up: the row is due again at the time it names.
// A claim that ran out and was taken by another deliverer since is not given up by the
// first.
func TestPostgresClaimGivenUp(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	ctx := context.Background()
	if err := a.Enqueue(ctx, bot.Outbound{Lane: "c", Platform: "slack", Op: bot.OpPost, Target: "c"}, t0); err != nil {
		t.Fatal(err)
	}
	first, err := a.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(first) != 1 || !first[0].Until.Equal(t0.Add(OutboxLease)) {
		t.Fatalf("claim: %+v %v", first, err)
	}
	if err := a.ReleaseOutbound(ctx, first[0].ID, first[0].Until, t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if due, _ := b.DueOutbound(ctx, t0.Add(time.Second), 10, true); len(due) != 0 {
		t.Fatalf("due before the time the release named: %+v", due)
	}
	late := t0.Add(2 * time.Second)
	second, _ := b.DueOutbound(ctx, late, 10, true)
	if len(second) != 1 {
		t.Fatalf("not due again after its release: %+v", second)
	}
	// a's old claim is stale now: giving it up again must not undo b's.
	if err := a.ReleaseOutbound(ctx, first[0].ID, first[0].Until, late); err != nil {
		t.Fatal(err)
	}
	if due, _ := a.DueOutbound(ctx, late.Add(time.Second), 10, true); len(due) != 0 {
		t.Fatalf("a stale release freed another deliverer's claim: %+v", due)
	}
}
