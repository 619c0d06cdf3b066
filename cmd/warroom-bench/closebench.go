package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
)

// benchClose measures what closing a 100,000-entry incident costs everyone else: notes on
// another incident arrive open-loop at 500/s for 4 s through the engine and its single
// writer, and 1 s in, the big incident is closed (its report built from all its entries).
// The notes' p99 over the whole run shows whether the close held the writer: when it did,
// every note due during the build waited for it.
func benchClose(dir string, entries int) []figure {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(dir, "close.db"))
	if err != nil {
		fatal(err)
	}
	defer db.Close()
	held := &heldDB{DB: db}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](held)})
	src := bot.Source{Platform: "console", Channel: "general", User: bot.User{ID: "alice"}}
	chans := [2]string{"inc-1-big-incident", "inc-2-busy-incident"}
	for i, title := range []string{"Big incident", "Busy incident"} {
		engine.HandleCommand(ctx, bot.Command{Source: src, Name: "incident", Text: "declare " + title})
		if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.SetIncidentChannel(int64(i+1), chans[i], chans[i]) }); err != nil {
			fatal(err)
		}
	}
	appendNotes(db, 1, entries)
	held.reset()
	in := func(ch string) bot.Source {
		return bot.Source{Platform: "console", Channel: ch, User: bot.User{ID: "alice"}}
	}
	closeTook := make(chan time.Duration, 1)
	go func() {
		time.Sleep(time.Second)
		start := time.Now()
		r := engine.HandleCommand(ctx, bot.Command{Source: in(chans[0]), Name: "incident", Text: "close true-positive bench"})
		if !strings.Contains(r.Text.String(), "is closed") {
			fatal(fmt.Errorf("close: %s", r.Text))
		}
		closeTook <- time.Since(start)
	}()
	res := openLoop(500, 4*time.Second, false, 10*time.Second, func(i int) bool {
		r := engine.HandleCommand(ctx, bot.Command{Source: in(chans[1]), Name: "incident", Text: fmt.Sprintf("note busy note %d", i)})
		return strings.Contains(r.Text.String(), "Noted")
	})
	took := <-closeTook
	p99 := ms(pct(res.lat, 99))
	return []figure{
		{name: "close_100k_took", value: took.Seconds(), unit: "s"},
		{name: "close_100k_others_p99", value: p99, unit: "ms", target: "<= 20", ok: check(p99, true, 20.0001)},
		{name: "close_100k_others_max", value: ms(pct(res.lat, 100)), unit: "ms"},
		{name: "close_100k_writer_hold_max", value: ms(held.longest()), unit: "ms"},
		{name: "close_100k_others_failed", value: float64(res.failed), unit: "count", target: "= 0", ok: check(float64(res.failed), true, 1)},
	}
}

// appendNotes appends n prose notes to incident inc, 10,000 per transaction.
func appendNotes(db *storage.DB, inc int64, n int) {
	ctx := context.Background()
	t0 := time.Now().Add(-time.Duration(n) * time.Second)
	for done := 0; done < n; {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			for i := 0; i < 10000 && done < n; i, done = i+1, done+1 {
				text := fmt.Sprintf("checked file server share %d: permissions unchanged, no new files since the snapshot", done)
				if _, err := tx.Append(inc, &bot.Entry{At: t0.Add(time.Duration(done) * time.Second), Actor: "bob", Kind: bot.KindNote, Text: text, Data: []byte("{}")}, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fatal(err)
		}
	}
}

// heldDB times every function the engine runs inside the single writer: the longest one
// during the run is the close's own transaction or the one that queues its report (the
// notes' take well under a millisecond; the report file's parts are written by the store
// itself and not counted), the hold every note due meanwhile waits behind.
type heldDB struct {
	*storage.DB
	mu  sync.Mutex
	max time.Duration
}

func (h *heldDB) Update(ctx context.Context, fn func(*storage.Tx) error) error {
	return h.DB.Update(ctx, func(tx *storage.Tx) error {
		start := time.Now()
		err := fn(tx)
		d := time.Since(start)
		h.mu.Lock()
		h.max = max(h.max, d)
		h.mu.Unlock()
		return err
	})
}

func (h *heldDB) reset() {
	h.mu.Lock()
	h.max = 0
	h.mu.Unlock()
}

func (h *heldDB) longest() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.max
}
