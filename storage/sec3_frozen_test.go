package storage

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// A replica that stops without its connections closing — the process frozen (SIGSTOP, a
// paused VM), its host gone, the network to it cut — leaves its sessions open on the
// server, which does not notice a silent peer for as long as TCP takes (hours by default).
// What those sessions hold must not stop every other replica for that long.

// freezer dials real connections whose reads and writes stop, while frozen, until thaw:
// to the server the session is alive and silent, as a frozen process's would be.
type freezer struct {
	frozen atomic.Bool
	thaw   chan struct{}
	once   sync.Once
}

func newFreezer(t *testing.T) *freezer {
	f := &freezer{thaw: make(chan struct{})}
	t.Cleanup(func() { f.once.Do(func() { close(f.thaw) }) })
	return f
}

func (f *freezer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return frozenConn{Conn: c, f: f}, nil
}

type frozenConn struct {
	net.Conn
	f *freezer
}

var errThawed = errors.New("thawed at the end of the test")

func (c frozenConn) Read(b []byte) (int, error) {
	if c.f.frozen.Load() {
		<-c.f.thaw
		return 0, errThawed
	}
	return c.Conn.Read(b)
}

func (c frozenConn) Write(b []byte) (int, error) {
	if c.f.frozen.Load() {
		<-c.f.thaw
		return 0, errThawed
	}
	return c.Conn.Write(b)
}

// A leader that freezes gives the leader lock up within a bounded time: the server ends
// its silent campaign session, and another replica leads.
func TestPostgresFrozenLeaderIsReplaced(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	fr := newFreezer(t)
	a.pgcfg.DialFunc = fr.dial // the campaign's connection is dialled with it
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ea, err := a.Campaign(ctx, CampaignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(15 * time.Second); !ea.Leader(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a never led")
		}
	}
	fr.frozen.Store(true)
	eb, err := b.Campaign(ctx, CampaignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for !eb.Leader() {
		if time.Since(start) > campaignIdleTimeout+4*LeaderRetry+5*time.Second {
			t.Fatalf("a frozen leader still holds the lock %v later: no replica leads", time.Since(start).Round(time.Second))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("b leads %v after a froze", time.Since(start).Round(100*time.Millisecond))
}

// A writer that freezes inside a write transaction gives the database-wide write lock up
// within a bounded time: the server ends its transaction, and another replica's writes go
// on. Nothing of the frozen transaction is committed.
func TestPostgresWriterFrozenInATransactionReleasesTheWriteLock(t *testing.T) {
	postgresOnly(t)
	a, b := twoProcesses(t)
	ctx := context.Background()
	entered, release := make(chan struct{}), make(chan struct{})
	frozenDone := make(chan error, 1)
	go func() {
		frozenDone <- a.Update(ctx, func(tx *Tx) error {
			if err := tx.Enqueue(bot.Outbound{Lane: "frozen", Platform: "slack", Op: bot.OpPost, Target: "frozen"}, t0); err != nil {
				return err
			}
			close(entered)
			<-release // the process stops here, its transaction open
			return nil
		})
	}()
	<-entered
	var once sync.Once
	thaw := func() { once.Do(func() { close(release) }) }
	defer thaw()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- b.Enqueue(ctx, bot.Outbound{Lane: "live", Platform: "slack", Op: bot.OpPost, Target: "live"}, t0)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("b's write: %v", err)
		}
	case <-time.After(writerIdleTimeout + 15*time.Second):
		t.Fatalf("b's write still waits %v after a froze in a transaction holding the write lock", time.Since(start).Round(time.Second))
	}
	t.Logf("b wrote %v after a froze", time.Since(start).Round(100*time.Millisecond))
	thaw()
	if err := <-frozenDone; err == nil {
		t.Fatal("the frozen transaction reports committed after the server ended it")
	}
	var n int
	if err := b.reader.QueryRow(`SELECT COUNT(*) FROM outbox WHERE lane = 'frozen'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows of the frozen transaction: %d (%v), want none", n, err)
	}
}
