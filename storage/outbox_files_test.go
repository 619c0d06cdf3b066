package storage

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// fileOf is data of 3½ parts, the secret (if any) straddling the first boundary.
func fileOf(secret string) []byte {
	data := bytes.Repeat([]byte("0123456789abcdef"), (filePart*7/2)/16)
	if secret != "" {
		copy(data[filePart-len(secret)/2:], secret)
	}
	return data
}

// queueStored queues an upload of a stored file in its own transaction.
func queueStored(ctx context.Context, db *DB, id int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.Enqueue(bot.Outbound{Lane: "inc:1", Platform: "slack", Op: bot.OpUpload, Incident: 1,
			Payload: bot.Payload{File: &bot.File{Name: "report-INC-1.md", Title: "INC-1 report", Stored: id}}}, t0)
	})
}

// deliverStored queues an upload of stored file id, the lane's only operation, and
// records it delivered.
func deliverStored(t *testing.T, db *DB, id int64) {
	t.Helper()
	ctx := context.Background()
	if err := queueStored(ctx, db, id); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %v %v", due, err)
	}
	if err := db.CompleteOutbound(ctx, due[0], bot.Delivered{}, t0); err != nil {
		t.Fatal(err)
	}
}

// A stored file's upload is queued with its id only, and the deliverer reads back exactly
// the bytes stored.
func TestStoredFileIsQueuedByIDAndReadBackWhole(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	data := fileOf("")
	id, err := db.StoreFile(ctx, data, t0)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "outbox_file_parts"); n != 4 {
		t.Fatalf("%d bytes stored in %d parts, want 4", len(data), n)
	}
	if err := queueStored(ctx, db, id); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %v %v", due, err)
	}
	f := due[0].Payload.File
	if f == nil || f.Stored != id || len(f.Data) != 0 || f.Name != "report-INC-1.md" {
		t.Fatalf("the queued upload's file: %+v", f)
	}
	var raw string
	if err := db.reader.QueryRow(`SELECT payload FROM outbox WHERE id = ?`, due[0].ID).Scan(&raw); err != nil || len(raw) > 512 {
		t.Fatalf("the outbox row holds %d bytes of payload (%v); the file's bytes belong in its parts", len(raw), err)
	}
	got, err := db.StoredFile(ctx, id)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (%v), want the %d stored", len(got), err, len(data))
	}
	// One file, one upload.
	if err := queueStored(ctx, db, id); !errors.Is(err, errFileNotWhole) {
		t.Fatalf("a second upload of the same file was queued: %v", err)
	}
}

// Each part is its own transaction: another command commits while the file's parts are
// being written.
func TestAnotherCommandCommitsWhileAFilesPartsAreWritten(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	var seen []int
	hook := func(part int) {
		seen = append(seen, part)
		if part != 0 {
			return
		}
		done := make(chan error, 1)
		go func() {
			done <- db.Update(ctx, func(tx *Tx) error {
				return tx.Enqueue(bot.Outbound{Lane: "inc:2", Platform: "slack", Op: bot.OpPost, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("meanwhile")}}}, t0)
			})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(20 * time.Second):
			t.Error("another command could not commit between two parts of a file")
		}
	}
	afterFilePart.Store(&hook)
	defer afterFilePart.Store(nil)
	if _, err := db.StoreFile(ctx, fileOf(""), t0); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 {
		t.Fatalf("parts committed one by one: %v, want 4", seen)
	}
	if n := count(t, db, "outbox WHERE lane = 'inc:2'"); n != 1 {
		t.Fatalf("the other command's row: %d", n)
	}
}

// A crash after some parts (here the writing goroutine dies after its second part, with
// no chance to clean up) leaves nothing that can be delivered: the unfinished file cannot
// be queued, and pruning removes it once it is older than any write could take.
func TestACrashBetweenPartsLeavesNothingDeliveredAndIsCleaned(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	type crash struct{}
	hook := func(part int) {
		if part == 1 {
			panic(crash{})
		}
	}
	afterFilePart.Store(&hook)
	func() {
		defer func() {
			if _, ok := recover().(crash); !ok {
				t.Fatal("the writing did not stop where the test stopped it")
			}
		}()
		_, _ = db.StoreFile(ctx, fileOf(""), t0)
	}()
	afterFilePart.Store(nil)
	if n := count(t, db, "outbox_file_parts"); n != 2 {
		t.Fatalf("%d parts after a crash at the second, want 2", n)
	}
	var id int64
	if err := db.reader.QueryRow(`SELECT id FROM outbox_files`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := queueStored(ctx, db, id); !errors.Is(err, errFileNotWhole) {
		t.Fatalf("an upload of half a file was queued: %v", err)
	}
	if n := count(t, db, "outbox"); n != 0 {
		t.Fatalf("%d outbox rows after refusing a half-written file", n)
	}
	if _, err := db.Prune(ctx, t0.Add(fileOrphanAge/2), time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "outbox_files"); n != 1 {
		t.Fatal("a file was pruned while it could still be being written")
	}
	p, err := db.Prune(ctx, t0.Add(fileOrphanAge+time.Minute), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n, m := count(t, db, "outbox_files"), count(t, db, "outbox_file_parts"); n+m != 0 || p.Files != 1 {
		t.Fatalf("after pruning: %d files, %d parts left (pruned %d)", n, m, p.Files)
	}
}

// A delivered upload's file goes when its row is pruned.
func TestPruningAnUploadRemovesItsParts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	id, err := db.StoreFile(ctx, fileOf(""), t0)
	if err != nil {
		t.Fatal(err)
	}
	deliverStored(t, db, id)
	if _, err := db.Prune(ctx, t0.Add(2*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, m := count(t, db, "outbox_files"), count(t, db, "outbox_file_parts"); n+m != 0 {
		t.Fatalf("after pruning the delivered upload: %d files, %d parts left", n, m)
	}
}

// A redaction replaces the secret in stored files, queued or delivered or not queued yet,
// across a part boundary; a file whose parts are still being written is dropped, since the
// parts yet to come cannot be scrubbed.
func TestRedactionScrubsStoredFiles(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	newIncident(t, db)
	const secret = "hunter2-correct-horse-battery"
	delivered, err := db.StoreFile(ctx, fileOf(secret), t0)
	if err != nil {
		t.Fatal(err)
	}
	deliverStored(t, db, delivered)
	unqueued, err := db.StoreFile(ctx, fileOf(secret), t0)
	if err != nil {
		t.Fatal(err)
	}
	clean, err := db.StoreFile(ctx, fileOf(""), t0)
	if err != nil {
		t.Fatal(err)
	}
	var half int64
	if err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.row(`INSERT INTO outbox_files (size, created_at) VALUES (?, ?) RETURNING id`, 2*filePart, ts(t0)).Scan(&half); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO outbox_file_parts (file, part, data) VALUES (?, 0, ?)`, half, []byte(secret))
		return err
	}); err != nil {
		t.Fatal(err)
	}

	var sc bot.Scrubbed
	if err := db.Update(ctx, func(tx *Tx) (err error) { sc, err = tx.Scrub(1, []string{secret}); return err }); err != nil {
		t.Fatal(err)
	}
	if sc.Outbox != 1 || len(sc.Uploaded) != 1 {
		t.Errorf("scrubbed: %d outbox rows, %d delivered uploads; want 1 and 1", sc.Outbox, len(sc.Uploaded))
	}
	for _, id := range []int64{delivered, unqueued} {
		got, err := db.StoredFile(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(got, []byte(secret)) || !bytes.Contains(got, []byte(bot.RedactedText)) {
			t.Errorf("file %d still holds the secret after the redaction", id)
		}
	}
	if got, err := db.StoredFile(ctx, clean); err != nil || !bytes.Equal(got, fileOf("")) {
		t.Errorf("a file without the secret changed: %v", err)
	}
	if _, err := db.StoredFile(ctx, half); !errors.Is(err, ErrNotFound) {
		t.Errorf("a half-written file survived the redaction: %v", err)
	}
	rows, err := db.reader.Query(`SELECT data FROM outbox_file_parts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var part []byte
		if err := rows.Scan(&part); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(part, []byte(secret)) {
			t.Error("a part still holds the secret")
		}
	}
}
