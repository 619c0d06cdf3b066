package storage

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
)

// AsRead, the upload's last check before the platform shares the file: true while the row
// is pending as read; false once a redaction has scrubbed its stored file (the bytes on
// their way hold the removed text), and false once the row is recorded (not this
// deliverer's to send). Both stores.
func TestAnUploadIsAsReadUntilARedactionScrubsItsFile(t *testing.T) {
	const secret = "hunter2-db-admin-password"
	ctx := context.Background()
	db := openTest(t)
	inc := newIncident(t, db)
	id, err := db.StoreFile(ctx, []byte("# Report\n\nthe password is "+secret+"\n"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpUpload, Incident: inc.Number,
		Payload: bot.Payload{File: &bot.File{Name: "report.md", Stored: id}}}, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 {
		t.Fatalf("%d heads (%v)", len(due), err)
	}
	read := due[0]
	asRead := func() bool {
		t.Helper()
		ok, err := db.AsRead(ctx, read.ID, read.Payload.Scrubs)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !asRead() {
		t.Fatal("an upload nothing rewrote is not as read")
	}
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.Scrub(inc.Number, []string{secret}); return err }); err != nil {
		t.Fatal(err)
	}
	if asRead() {
		t.Fatal("an upload whose stored file a redaction scrubbed after the read is still as read: its bytes would be shared")
	}
	// As the deliverer does on bot.ErrRewritten: due again at once (under its claim on
	// PostgreSQL), and read again.
	if err := db.RetryOutbound(ctx, read.ID, read.Until, t0, bot.ErrRewritten.Error()); err != nil {
		t.Fatal(err)
	}
	again, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(again) != 1 {
		t.Fatalf("%d heads (%v)", len(again), err)
	}
	read = again[0]
	if !asRead() {
		t.Fatal("the upload read again after the redaction is not as read")
	}
	if err := db.CompleteOutbound(ctx, read, bot.Delivered{}, t0); err != nil {
		t.Fatal(err)
	}
	if asRead() {
		t.Fatal("a recorded upload is still as read: another deliverer could send it again")
	}
}
