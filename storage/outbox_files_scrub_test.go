package storage

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/warroom/warroom/bot"
)

// A delivered report file whose stored parts no longer add up to its size (a part lost, or
// an insider's edit of the table) made the whole redaction fail — the entry stayed
// unredacted — where the file should be counted: the platform's copy holds the text. Now
// a file that is not whole and holds the secret in a part is removed (it can never be
// delivered whole again) and counted among the delivered uploads. Both stores.
func TestABrokenStoredFileDoesNotFailTheRedaction(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	const secret = "hunter2-correct-horse-battery"
	id, err := db.StoreFile(ctx, fileOf(secret), t0)
	if err != nil {
		t.Fatal(err)
	}
	deliverStored(t, db, id)
	// The last part goes: the secret is in the first two.
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM outbox_file_parts WHERE file = ? AND part = 3`, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var sc bot.Scrubbed
	if err := db.Update(ctx, func(tx *Tx) (err error) { sc, err = tx.Scrub(1, []string{secret}); return err }); err != nil {
		t.Fatalf("a redaction failed on a stored file that is not whole: %v", err)
	}
	if len(sc.Uploaded) != 1 {
		t.Errorf("scrubbed %+v: want the delivered upload counted", sc)
	}
	if _, err := db.StoredFile(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("the broken file holding the secret is still kept: %v", err)
	}
}

// A redaction reads a stored file part by part and matches each (and each boundary between
// two) before it reassembles anything: a 13.5 MB report without the text is not copied
// into one buffer inside the writer's transaction. Measured as bytes allocated by a scrub
// that finds nothing, on SQLite, whose driver lends each part (sql.RawBytes);
// PostgreSQL's driver copies every value it reads, so there the bound is not asked.
func TestARedactionDoesNotReassembleAFileWithoutTheText(t *testing.T) {
	sqliteOnly(t, "the PostgreSQL driver copies every bytea it reads")
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	data := bytes.Repeat(fileOf(""), 4) // 3.5 MiB
	if _, err := db.StoreFile(ctx, data, t0); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	var sc bot.Scrubbed
	err := db.Update(ctx, func(tx *Tx) (err error) {
		runtime.ReadMemStats(&before)
		sc, err = tx.Scrub(1, []string{"hunter2-correct-horse-battery"})
		runtime.ReadMemStats(&after)
		return err
	})
	if err != nil || sc.Outbox != 0 {
		t.Fatalf("scrub %+v: %v", sc, err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(data))/4 {
		t.Fatalf("a scrub of a %d-byte file without the text allocated %d bytes: it was reassembled", len(data), got)
	}
}
