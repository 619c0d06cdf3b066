package storage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// fillTraffic delivers count messages and sees count events at, as a busy day would.
func fillTraffic(t *testing.T, db *DB, at time.Time, count int, tag string) {
	t.Helper()
	ctx := context.Background()
	text := strings.Repeat("a status update of ordinary length. ", 6)
	err := db.Update(ctx, func(tx *Tx) error {
		for i := 0; i < count; i++ {
			o := bot.Outbound{Lane: "inc:1", Platform: "slack", Op: bot.OpPost, Incident: 1, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(text)}}}
			if err := tx.Enqueue(o, at); err != nil {
				return err
			}
			if _, err := tx.MarkSeen(fmt.Sprintf("slack:event:%s:%06d", tag, i), at); err != nil {
				return err
			}
		}
		_, err := tx.exec(`UPDATE outbox SET state = 'done', done_at = ?, result = '1712345678.000100' WHERE state = 'pending' AND created_at = ?`, ts(at), ts(at))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.reader.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// 10,000 delivered messages and 10,000 events leave under 512 KiB in use once pruned (the
// empty schema, every feature's tables and indexes, is about 260 KiB of that; the rows
// before pruning are megabytes), and the file does not grow past its first high-water mark
// however many days follow.
func TestPruneBoundsGrowth(t *testing.T) {
	const limit = 512 << 10
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	keep := 7 * 24 * time.Hour
	var highWater int64
	for day := 0; day < 3; day++ {
		at := t0.Add(time.Duration(day) * 10 * 24 * time.Hour)
		fillTraffic(t, db, at, 10000, fmt.Sprint(day))
		if n := count(t, db, "outbox"); n < 10000 {
			t.Fatalf("only %d outbox rows before pruning", n)
		}
		// Pending rows and recent history stay: prune runs a week and a minute later.
		if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "slack", Op: bot.OpPost, Incident: 1, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("not yet sent")}}}, at); err != nil {
			t.Fatal(err)
		}
		p, err := db.Prune(ctx, at.Add(keep+time.Minute), keep)
		if err != nil {
			t.Fatal(err)
		}
		if p.Outbox != 10000 || p.Seen != 10000 {
			t.Fatalf("day %d: pruned %+v, want 10000 of each", day, p)
		}
		if onPostgres {
			// The rows are gone; the space is PostgreSQL's to reuse after (auto)vacuum,
			// and its size is the server's, not a file of ours: not measured here.
			continue
		}
		if _, err := db.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		file, used, err := db.Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("day %d: file %d KiB, in use %d KiB after pruning", day, file>>10, used>>10)
		if used > limit {
			t.Errorf("day %d: %d bytes in use after pruning, want under %d", day, used, limit)
		}
		if day == 0 {
			highWater = file
		} else if file > highWater {
			t.Errorf("day %d: the file grew from %d to %d bytes: freed pages are not reused", day, highWater, file)
		}
	}
	if n := count(t, db, "outbox WHERE state = 'pending'"); n != 3 {
		t.Errorf("%d pending rows left, want the 3 never sent", n)
	}
}

// Seen-event ids are kept at least a day even when the outbox is kept less.
func TestPruneKeepsDedupKeysADay(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	fillTraffic(t, db, t0, 10, "x")
	p, err := db.Prune(ctx, t0.Add(2*time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p.Outbox != 10 || p.Seen != 0 {
		t.Fatalf("pruned %+v: delivered rows after 1h, no dedup key before 24h", p)
	}
	err = db.Update(ctx, func(tx *Tx) error {
		first, err := tx.MarkSeen("slack:event:x:000003", t0.Add(2*time.Hour))
		if err == nil && first {
			t.Error("a redelivered event two hours later was not recognised")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Prune(ctx, t0.Add(25*time.Hour), time.Hour); p.Seen != 10 {
		t.Errorf("after 25h pruned %+v", p)
	}
}
