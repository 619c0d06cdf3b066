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

// ingestPhases is how many phases each side of the ingest comparison runs, alternating
// engine-bare-bare-engine.
const ingestPhases = 4

// benchIngest compares 📌 ingest through the engine (one transaction per event: dedup
// check, incident lookup, membership, hash-chained append) with bare single-row SQLite
// transactions on the same kind of database (the durable-insert floor, floor.go), in the
// same run. The two take turns A-B-B-A (turnA), n/ingestPhases of each a phase, both
// databases kept open between phases: measured one after the other, the drift of load on
// the shared machine moved the ratio 38–53 % for the same binary. Each round's rates and
// ratio are printed; the figure is both sides' rates over all their phases, the median of
// the rounds beside it, as the alerts' comparison with the floor does.
func benchIngest(dir string, n int) []figure {
	per := max(n/ingestPhases, 1)
	n = per * ingestPhases
	engine := newEnginePins(filepath.Join(dir, "ingest.db"))
	defer engine.close()
	floor := openFloor(filepath.Join(dir, "bare.db"))
	defer floor.close()
	var took [2][]time.Duration // the engine's phases, the floor's
	var cpu [2]float64
	for i := range 2 * ingestPhases {
		cpu0, k := cpuSeconds(), 0
		if turnA(i) {
			took[0] = append(took[0], engine.run(per))
		} else {
			k = 1
			took[1] = append(took[1], floor.run(per))
		}
		cpu[k] += cpuSeconds() - cpu0
	}
	engine.verify(n)
	rounds := roundRatios(took[0], took[1])
	for r, x := range rounds {
		fmt.Printf("# ingest round %d: engine %.0f ev/s, bare %.0f tx/s, %.1f %%\n", r+1, float64(per)/took[0][r].Seconds(), float64(per)/took[1][r].Seconds(), 100*x)
	}
	engineRate, bareRate := float64(n)/sum(took[0]).Seconds(), float64(n)/sum(took[1]).Seconds()
	ratio := 100 * engineRate / bareRate
	return []figure{
		{name: "ingest_pins_per_second", value: engineRate, unit: "ev/s"},
		{name: "ingest_bare_sqlite_per_second", value: bareRate, unit: "tx/s"},
		// CPU of this process (the engine and its 64 senders, or the floor) per event.
		{name: "ingest_cpu_per_pin", value: cpu[0] / float64(n) * 1e6, unit: "µs"},
		{name: "ingest_cpu_per_bare_insert", value: cpu[1] / float64(n) * 1e6, unit: "µs"},
		{name: "ingest_ratio", value: ratio, unit: "%", target: ">= 50", ok: check(ratio, false, 50)},
		{name: "ingest_ratio_median_round", value: 100 * median(rounds), unit: "%"},
	}
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
