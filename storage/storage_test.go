package storage

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)

func newIncident(t *testing.T, db *DB) *bot.Incident {
	t.Helper()
	inc := &bot.Incident{Title: "Phishing wave", Severity: 2, Phase: bot.PhaseIdentification, Status: bot.StatusOpen,
		Platform: "console", ChannelName: "inc-1-phishing-wave", DeclaredBy: "alice", DeclaredAt: t0}
	err := db.Update(context.Background(), func(tx *Tx) error {
		if err := tx.CreateIncident(inc); err != nil {
			return err
		}
		if _, err := tx.AddMember(inc.Number, "alice", t0); err != nil {
			return err
		}
		_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "alice", Kind: bot.KindDeclared, Text: "alice declared sev2 (high): Phishing wave",
			Data: []byte(`{"by":"alice","drill":false,"platform":"console","severity":2,"type":""}`)}, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func appendN(t *testing.T, db *DB, n int64, count int) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *Tx) error {
		for i := 0; i < count; i++ {
			if _, err := tx.Append(n, &bot.Entry{At: t0.Add(time.Duration(i+1) * time.Minute), Actor: "bob", Kind: bot.KindNote, Text: "note <b>&", Data: []byte("{}")}, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesPrivateFileAndMigrates(t *testing.T) {
	sqliteOnly(t, "the file's mode and pragmas (PostgreSQL: TestPostgresMigratesOnceAndRefusesNewer)")
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	var mode string
	if err := db.writer.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q %v", mode, err)
	}
	var fk int
	if err := db.writer.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d %v", fk, err)
	}
	var v int
	db.writer.QueryRow(`PRAGMA user_version`).Scan(&v)
	if v != SchemaVersion() {
		t.Errorf("user_version %d, want %d", v, SchemaVersion())
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	sqliteOnly(t, "PRAGMA user_version (PostgreSQL: TestPostgresMigratesOnceAndRefusesNewer)")
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.writer.Exec(`PRAGMA user_version = 999`)
	db.Close()
	_, err = Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "upgrade warroom") {
		t.Fatalf("want a refusal naming the upgrade, got %v", err)
	}
}

func TestDamagedFileRefused(t *testing.T) {
	sqliteOnly(t, "a damaged file")
	path := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(path, []byte(strings.Repeat("this is not sqlite ", 400)), 0o600)
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("want 'damaged', got %v", err)
	}
}

func TestTimelineChainVerifies(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 5)
	v, err := db.Verify(context.Background(), inc.Number)
	if err != nil || !v.OK || v.Entries != 6 {
		t.Fatalf("verify: %+v %v", v, err)
	}
	var entries []bot.Entry
	db.View(context.Background(), func(tx *Tx) error { entries, err = tx.Entries(inc.Number); return err })
	prev := bot.GenesisHash
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Fatalf("seq %d at %d", e.Seq, i)
		}
		if bot.ChainHash(prev, bot.EntryDigest(e)) != e.Hash {
			t.Fatalf("entry %d does not chain", e.Seq)
		}
		prev = e.Hash
	}
	if v.HeadHash != prev {
		t.Errorf("head %s, want %s", v.HeadHash, prev)
	}
}

func TestVerifyCatchesTampering(t *testing.T) {
	cases := map[string]struct {
		sql     string
		wantSeq int64
	}{
		"altered text":    {`UPDATE timeline SET text = 'nothing happened' WHERE seq = 3`, 3},
		"altered actor":   {`UPDATE timeline SET actor = 'mallory' WHERE seq = 2`, 2},
		"altered time":    {`UPDATE timeline SET at = '2020-01-01T00:00:00.000000000Z' WHERE seq = 4`, 4},
		"deleted middle":  {`DELETE FROM timeline WHERE seq = 3`, 3},
		"deleted tail":    {`DELETE FROM timeline WHERE seq = 6`, 6},
		"silent redact":   {`UPDATE timeline SET text = '', redacted = 1 WHERE seq = 2`, 2},
		"inserted row":    {`UPDATE timeline SET seq = seq + 1 WHERE seq >= 4 AND seq < 100; INSERT INTO timeline (incident, seq, at, occurred_at, actor, kind, text, digest, hash) SELECT incident, 4, at, occurred_at, actor, kind, 'forged', digest, hash FROM timeline WHERE seq = 3`, 4},
		"swapped digests": {`UPDATE timeline SET hash = (SELECT hash FROM timeline WHERE seq = 2) WHERE seq = 5`, 5},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			db := openTest(t)
			inc := newIncident(t, db)
			appendN(t, db, inc.Number, 5)
			// Move rows in descending order so the primary key never collides.
			stmts := strings.Split(c.sql, "; ")
			for _, s := range stmts {
				if strings.Contains(s, "seq = seq + 1") {
					for seq := 6; seq >= 4; seq-- {
						if _, err := db.writer.Exec(`UPDATE timeline SET seq = ? WHERE seq = ?`, seq+1, seq); err != nil {
							t.Fatal(err)
						}
					}
					continue
				}
				if _, err := db.writer.Exec(s); err != nil {
					t.Fatal(err)
				}
			}
			v, err := db.Verify(context.Background(), inc.Number)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK {
				t.Fatal("tampering not detected")
			}
			if v.BadSeq != c.wantSeq {
				t.Errorf("first bad entry %d, want %d (%s)", v.BadSeq, c.wantSeq, v.Problem)
			}
		})
	}
}

func TestRedactKeepsChain(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 3)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Redact(inc.Number, 2); err != nil {
			return err
		}
		_, err := tx.Append(inc.Number, &bot.Entry{At: t0.Add(time.Hour), Actor: "alice", Kind: bot.KindRedaction, Text: RedactionText(2, "pasted password"), Data: []byte(`{"seq":2}`)}, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := db.Verify(ctx, inc.Number)
	if !v.OK {
		t.Fatalf("redacted chain does not verify: %+v", v)
	}
	db.View(ctx, func(tx *Tx) error {
		e, _ := tx.Entry(inc.Number, 2)
		if !e.Redacted || e.Text != "" || e.Digest == "" {
			t.Errorf("redacted entry %+v", e)
		}
		return nil
	})
}

func TestRefRecordedOnce(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	for i := 0; i < 3; i++ {
		db.Update(context.Background(), func(tx *Tx) error {
			ok, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindPin, Text: "pinned", Data: []byte("{}")}, "msg:42")
			if ok != (i == 0) {
				t.Errorf("attempt %d: appended=%v", i, ok)
			}
			return err
		})
	}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	boom := errors.New("boom")
	err := db.Update(context.Background(), func(tx *Tx) error {
		tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "x", Kind: bot.KindNote, Text: "half", Data: []byte("{}")}, "")
		tx.AddLesson(inc.Number, bot.Lesson{Kind: "good", Text: "x", Author: "x", At: t0})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	v, _ := db.Verify(context.Background(), inc.Number)
	if v.Entries != 1 || !v.OK {
		t.Fatalf("half-written: %+v", v)
	}
}

func TestOutboxLanesInOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for i, lane := range []string{"a", "a", "b", "a"} {
		db.Enqueue(ctx, bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost, Target: lane, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(string(rune('0' + i)))}}}, t0)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 2 || due[0].Payload.Message.Text.String() != "0" || due[1].Payload.Message.Text.String() != "2" {
		t.Fatalf("heads: %+v %v", due, err)
	}
	// A retrying head blocks its lane, not the others.
	db.RetryOutbound(ctx, due[0].ID, due[0].Until, t0.Add(time.Minute), "down")
	db.CompleteOutbound(ctx, due[1], bot.Delivered{ID: "m1"}, t0)
	due, _ = db.DueOutbound(ctx, t0, 10, true)
	if len(due) != 0 {
		t.Fatalf("lane a should wait for its head: %+v", due)
	}
	due, _ = db.DueOutbound(ctx, t0.Add(time.Minute), 10, true)
	if len(due) != 1 || due[0].Payload.Message.Text.String() != "0" || due[0].Attempts != 1 {
		t.Fatalf("retry: %+v", due)
	}
}

func TestBackupIsConsistentAndPrivate(t *testing.T) {
	sqliteOnly(t, "VACUUM INTO (PostgreSQL: pg_dump; TestPostgresBackupRefusedNamingPgDump)")
	db := openTest(t)
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 10)
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dest); st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", st.Mode().Perm())
	}
	if err := db.Backup(context.Background(), dest); err == nil {
		t.Error("overwrote an existing backup")
	}
	b, err := Open(context.Background(), dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	v, _ := b.Verify(context.Background(), inc.Number)
	if !v.OK || v.Entries != 11 {
		t.Fatalf("backup verify %+v", v)
	}
}

func TestMarkSeenOnce(t *testing.T) {
	db := openTest(t)
	for i := 0; i < 2; i++ {
		db.Update(context.Background(), func(tx *Tx) error {
			first, err := tx.MarkSeen("slack:Ev1", t0)
			if first != (i == 0) || err != nil {
				t.Errorf("attempt %d first=%v err=%v", i, first, err)
			}
			return nil
		})
	}
	var n int
	db.writer.QueryRow(`SELECT COUNT(*) FROM seen_events`).Scan(&n)
	if n != 1 {
		t.Fatal(n)
	}
	_ = sql.ErrNoRows
}

func TestOpenSnapshotReadsAndVerifiesWithoutWriting(t *testing.T) {
	sqliteOnly(t, "an immutable SQLite file")
	db := openTest(t)
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 3)
	dest := filepath.Join(t.TempDir(), "evidence.db")
	if err := db.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dest, 0o400)
	snap, err := OpenSnapshot(context.Background(), dest)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if v, err := snap.Verify(context.Background(), inc.Number); err != nil || !v.OK || v.Entries != 4 {
		t.Fatalf("verify on a snapshot: %+v %v", v, err)
	}
	if err := snap.Update(context.Background(), func(*Tx) error { return nil }); err == nil {
		t.Fatal("a snapshot accepted a write")
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Fatalf("opening a snapshot left files beside it: %v", entries)
	}
}
