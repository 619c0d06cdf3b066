package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
)

// benchIngest compares 📌 ingest through the engine (one transaction per event: dedup
// check, incident lookup, membership, hash-chained append) with bare single-row SQLite
// transactions on the same kind of database, in the same run.
func benchIngest(dir string, n int) []figure {
	engineRate := engineIngestRate(filepath.Join(dir, "ingest.db"), n)
	bareRate := bareInsertRate(filepath.Join(dir, "bare.db"), n)
	ratio := 100 * engineRate / bareRate
	return []figure{
		{name: "ingest_pins_per_second", value: engineRate, unit: "ev/s"},
		{name: "ingest_bare_sqlite_per_second", value: bareRate, unit: "tx/s"},
		{name: "ingest_ratio", value: ratio, unit: "%", target: ">= 50", ok: check(ratio, false, 50)},
	}
}

// engineIngestRate is the rate at which the engine takes n 📌 reactions from 64 senders
// at once (each one transaction: dedup check, incident lookup, membership, append),
// checking that all of them are on a verified timeline.
func engineIngestRate(path string, n int) float64 {
	e := newEnginePins(path)
	defer e.close()
	took := e.run(n)
	e.verify(n)
	return float64(n) / took.Seconds()
}

// enginePins hands 📌 reactions to the engine directly, in an incident declared on a
// fresh database.
type enginePins struct {
	db     *storage.DB
	engine *commands.Engine
	ch     string
	at     time.Time
	next   int
}

func newEnginePins(path string) *enginePins {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		fatal(err)
	}
	engine := commands.New(commands.Deps{Store: commands.StoreOf[*storage.Tx](db)})
	src := bot.Source{Platform: "console", Channel: "general", User: bot.User{ID: "alice"}}
	engine.HandleCommand(ctx, bot.Command{Source: src, Name: "incident", Text: "declare Ingest bench"})
	ch := "inc-1-ingest-bench"
	if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.SetIncidentChannel(1, ch, ch) }); err != nil {
		fatal(err)
	}
	return &enginePins{db: db, engine: engine, ch: ch, at: time.Now()}
}

func (e *enginePins) close() { e.db.Close() }

// run hands the engine the next k pins from 64 senders at once, as a burst of reactions
// arrives from a busy channel, and returns the time they took.
func (e *enginePins) run(k int) time.Duration {
	ctx, from := context.Background(), e.next
	e.next += k
	pin := func(i int) (time.Duration, bool) {
		id := e.ch + "/" + strconv.Itoa(from+i)
		t0 := time.Now()
		r := e.engine.HandleReaction(ctx, bot.Reaction{Source: bot.Source{Platform: "console", Channel: e.ch, User: bot.User{ID: "alice"}, DedupKey: "pin:" + id},
			MessageID: id, Emoji: "pushpin", Message: &bot.ChatMessage{ID: id, Channel: e.ch, Author: bot.User{ID: "alice"}, Text: "evidence line " + strconv.Itoa(from+i), At: e.at}})
		return time.Since(t0), contains([]byte(r.Text.String()), "Added")
	}
	start := time.Now()
	_, _, failed := closedLoop(k, pin)
	if failed > 0 {
		fatal(fmt.Errorf("%d pins were refused", failed))
	}
	return time.Since(start)
}

// verify checks that at least n entries are on the incident's timeline and its chain holds.
func (e *enginePins) verify(n int) {
	if v, err := e.db.Verify(context.Background(), 1); err != nil || !v.OK || v.Entries < int64(n) {
		fatal(fmt.Errorf("ingest left %d entries (ok=%v, %v)", v.Entries, v.OK, err))
	}
}
