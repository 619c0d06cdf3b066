package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Leader election for several `warroom run` replicas on one PostgreSQL database. Each
// replica campaigns on one connection of its own, kept for the life of the campaign:
//
//   - on it the replica holds the run lock (pgRunLock) in shared mode, so a console
//     (`shell`), which takes it exclusively (TryRunLock), cannot start beside replicas and
//     replicas cannot start beside a console;
//   - on it the replica tries the leader lock (pgLeaderLock, a session advisory lock) every
//     LeaderRetry; whoever holds it leads. A follower's try doubles as the check that its
//     connection is alive. Between tries it LISTENs on ChannelLeader, which a leader that
//     stops cleanly announces when it gives the lock up: then the followers try at once;
//   - while leading, the replica LISTENs on it for the changes other replicas announce
//     (timers set, messages queued: notify.go), and pings it every runLockCheck. When the
//     ping fails the lock may be gone — PostgreSQL drops it with the session — so the
//     replica stops leading at once and campaigns again on a new connection.
//
// A dead process's connection ends with it, and with it the lock; the next try of another
// replica wins (within LeaderRetry: nothing announces a death). Elector also satisfies gocron's Elector interface
// (gocron.WithDistributedElector), so jobs run only on the leader.
const pgLeaderLock int64 = 0x7761_7272_6f6f_6d04 // "warroom" 4

// LeaderRetry is how often a replica that is not the leader tries to become it. With the
// leader's connection check (runLockCheck) it bounds a failover: a dead process's lock goes
// when PostgreSQL notices its connection is gone (at once for a killed process: the kernel
// closes its socket), a live leader that lost its connection stops leading within
// 2×runLockCheck, and another replica takes over at its next try.
const LeaderRetry = 2 * time.Second

// leaderRetry is LeaderRetry, apart so that a test can make it far longer than it waits.
var leaderRetry = LeaderRetry

// ChannelLeader is what a leader that gives the lock up cleanly (a SIGTERM, after its drain)
// announces, so that a rolling restart does not leave the timers and the outbox without a
// leader until a follower's next try.
const ChannelLeader = "warroom_leader"

// CampaignApplication is the application_name of every campaign connection, so that
// pg_stat_activity shows one per replica.
const CampaignApplication = "warroom campaign"

// ErrNotLeader is IsLeader's answer on a process that does not lead.
var ErrNotLeader = errors.New("not the leader")

// CampaignOptions are what the campaigner wants to hear.
type CampaignOptions struct {
	// Changed is told each time this process becomes or stops being the leader. It is
	// called from the campaign's goroutine: it must return quickly.
	Changed func(leader bool)
	// Notified is told, while this process leads, of each change another process
	// announced (ChannelTimers, ChannelOutbox). Called from the campaign's goroutine: it
	// must not block (wake something up).
	Notified func(channel string)
	// Problem is told when the campaign's connection fails (for the log; the campaign
	// goes on with a new one).
	Problem func(err error)
}

// Elector campaigns for leadership until its context ends.
type Elector struct {
	db   *DB
	opt  CampaignOptions
	mu   sync.Mutex
	lead bool
	pid  uint32 // the backend pid of the campaign's connection (the claims' fence, outboxclaim.go)
	done chan struct{}
}

// Campaign starts campaigning. It connects first, and fails at once when it cannot, or
// when a console holds the database (ErrRunLockHeld); then it campaigns in the background
// until ctx ends, when leadership is given up. It makes this DB's outbox claims fenced by
// leadership: only the leader's claims succeed.
func (db *DB) Campaign(ctx context.Context, opt CampaignOptions) (*Elector, error) {
	if !db.pg {
		return nil, errors.New("leader election needs PostgreSQL")
	}
	e := &Elector{db: db, opt: opt, done: make(chan struct{})}
	conn, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	db.elector.Store(e)
	go e.run(ctx, conn)
	return e, nil
}

// connect opens the campaign's connection and takes the run lock shared on it.
func (e *Elector) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg := e.db.pgcfg.Copy()
	cfg.RuntimeParams["application_name"] = CampaignApplication
	cfg.OnNotification = func(_ *pgconn.PgConn, n *pgconn.Notification) { e.notified(n) }
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: leader election: %w", e.db.path, err)
	}
	if err = limitIdle(ctx, conn); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("database %s: leader election: %w", e.db.path, err)
	}
	var shared bool
	var pid uint32
	err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock_shared($1), pg_backend_pid()`, pgRunLock).Scan(&shared, &pid)
	if err == nil && !shared {
		err = fmt.Errorf("%w (a warroom shell or console is using it; stop it first)", ErrRunLockHeld)
	}
	if err == nil {
		_, err = conn.Exec(ctx, `LISTEN `+ChannelLeader) // this package's constant
	}
	if err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("database %s: leader election: %w", e.db.path, err)
	}
	e.mu.Lock()
	e.pid = pid
	e.mu.Unlock()
	return conn, nil
}

// campaignIdleTimeout is how long the server keeps a campaign session that sends nothing.
// A replica that stops without its connection closing (frozen, its host gone, the network
// to it cut) would otherwise keep its session, and with it the leader lock, for as long as
// the server takes to notice a silent peer — hours with TCP's defaults — and no replica
// would lead meanwhile. A live campaign sends a statement every LeaderRetry (a follower's
// try) or runLockCheck (the leader's ping), well within it.
const campaignIdleTimeout = 10 * time.Second

// limitIdle sets campaignIdleTimeout on the campaign's session. The setting is
// PostgreSQL 14's: an older server, which does not know it, is left without it.
func limitIdle(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `SELECT set_config('idle_session_timeout', $1, false)`, strconv.FormatInt(campaignIdleTimeout.Milliseconds(), 10))
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42704" { // undefined_object: before PostgreSQL 14
		return nil
	}
	return err
}

func (e *Elector) run(ctx context.Context, conn *pgx.Conn) {
	defer close(e.done)
	for {
		err := e.campaign(ctx, conn)
		led := e.Leader()
		e.set(false)
		if led && ctx.Err() != nil {
			release(conn)
		}
		closeConn(conn)
		if ctx.Err() != nil {
			return
		}
		if e.opt.Problem != nil {
			e.opt.Problem(err)
		}
		for conn = nil; conn == nil; {
			if !sleep(ctx, LeaderRetry) {
				return
			}
			if conn, err = e.connect(ctx); err != nil && ctx.Err() == nil && e.opt.Problem != nil {
				e.opt.Problem(err)
			}
		}
	}
}

// campaign tries for the lock on conn until it wins, then leads until the connection
// fails or ctx ends; it returns why it stopped.
func (e *Elector) campaign(ctx context.Context, conn *pgx.Conn) error {
	for !e.Leader() {
		won, err := tryLeaderLock(ctx, conn)
		if err != nil {
			return err
		}
		if won {
			break
		}
		if err := awaitRelease(ctx, conn); err != nil {
			return err
		}
	}
	// LISTEN before leading: whatever another process commits from now on is announced,
	// and what it committed before, the new leader reads when it starts.
	for _, ch := range []string{ChannelTimers, ChannelOutbox} {
		if _, err := conn.Exec(ctx, `LISTEN `+ch); err != nil { // the channel names are this package's constants
			return err
		}
	}
	e.set(true)
	for {
		wait, cancel := context.WithTimeout(ctx, runLockCheck)
		_, err := conn.WaitForNotification(wait) // each is also passed to OnNotification
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && !pgconn.Timeout(err) {
			return err
		}
		if err := ping(ctx, conn); err != nil {
			return err
		}
	}
}

func tryLeaderLock(ctx context.Context, conn *pgx.Conn) (bool, error) {
	c, cancel := context.WithTimeout(ctx, runLockCheck)
	defer cancel()
	var won bool
	err := conn.QueryRow(c, `SELECT pg_try_advisory_lock($1)`, pgLeaderLock).Scan(&won)
	return won, err
}

// awaitRelease waits on a follower's connection until the next try: leaderRetry, or sooner
// when a leader announces it gave the lock up. Its error is the connection's (or ctx's).
func awaitRelease(ctx context.Context, conn *pgx.Conn) error {
	wait, cancel := context.WithTimeout(ctx, leaderRetry)
	defer cancel()
	_, err := conn.WaitForNotification(wait)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && !pgconn.Timeout(err) {
		return err
	}
	return nil
}

// release gives the leader lock up and announces it (one statement: the notification is
// delivered when it commits, after the unlock), for a leader that stops cleanly. Closing
// the connection would drop the lock too, but the followers would only find out at their
// next try. A failure is left to the close.
func release(conn *pgx.Conn) {
	c, cancel := context.WithTimeout(context.Background(), runLockCheck)
	defer cancel()
	_, _ = conn.Exec(c, `SELECT pg_advisory_unlock($1), pg_notify($2, '')`, pgLeaderLock, ChannelLeader)
}

func ping(ctx context.Context, conn *pgx.Conn) error {
	c, cancel := context.WithTimeout(ctx, runLockCheck)
	defer cancel()
	return conn.Ping(c)
}

func closeConn(conn *pgx.Conn) {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(c)
}

// sleep waits d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (e *Elector) set(lead bool) {
	e.mu.Lock()
	was := e.lead
	e.lead = lead
	e.mu.Unlock()
	if was != lead && e.opt.Changed != nil {
		e.opt.Changed(lead)
	}
}

// notified passes on another process's announcement while this one leads.
func (e *Elector) notified(n *pgconn.Notification) {
	if n.Channel == ChannelLeader || n.Payload == e.db.origin || e.opt.Notified == nil || !e.Leader() {
		return
	}
	e.opt.Notified(n.Channel)
}

// Leader reports whether this process leads now.
func (e *Elector) Leader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lead
}

// fence is what a claim checks in the database: the backend pid that must hold the leader
// lock, and whether this process believes it leads.
func (e *Elector) fence() (uint32, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pid, e.lead
}

// IsLeader is gocron's question before each run: nil on the leader, ErrNotLeader elsewhere.
func (e *Elector) IsLeader(context.Context) error {
	if e.Leader() {
		return nil
	}
	return ErrNotLeader
}

// Wait waits for the campaign to end (after its context is cancelled), leadership given up.
func (e *Elector) Wait() { <-e.done }
