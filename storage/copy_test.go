package storage

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// A SQLite database copied into PostgreSQL holds exactly the same rows (Dump is equal), its
// chains and checkpoints verify there, new rows continue after the copied ids, and a second
// copy into the now non-empty target is refused without changing it.
func TestCopyToPostgresKeepsEveryRowAndChain(t *testing.T) {
	postgresOnly(t)
	ctx := context.Background()
	src, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var incs []*bot.Incident
	for i := 0; i < 3; i++ {
		inc := newIncident(t, src)
		appendN(t, src, inc.Number, 150+i)
		incs = append(incs, inc)
	}
	if err := src.Update(ctx, func(tx *Tx) error {
		head, err := tx.Incident(incs[0].Number)
		if err != nil {
			return err
		}
		if err := tx.AddCheckpoint(head.Number, bot.Checkpoint{Incident: head.ID(), Seq: head.HeadSeq, Hash: head.HeadHash, At: t0, Sig: "c2ln"}); err != nil {
			return err
		}
		if _, err := tx.Redact(incs[1].Number, 3); err != nil {
			return err
		}
		if _, err := tx.Append(incs[1].Number, &bot.Entry{At: t0, Actor: "alice", Kind: bot.KindRedaction, Data: []byte(`{"seq":3}`), Text: "secret"}, ""); err != nil {
			return err
		}
		if err := tx.SetTimer(bot.Timer{Key: "nudge:1", Kind: "nudge", Incident: incs[0].Number, Due: t0}); err != nil {
			return err
		}
		// Deliveries: a WITHOUT ROWID table on SQLite, read in its key's order.
		if err := tx.RememberAlertDeliveries(map[alert.Delivery]string{{Source: "siem", ID: "msg_2"}: `{"incident":"INC-1"}`,
			{Source: "edr", ID: "msg_1"}: `{"triage":"TRI-1"}`}, t0); err != nil {
			return err
		}
		_, err = tx.MarkSeen("slack:Ev1", t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := src.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "slack", Op: bot.OpPost, Incident: 1, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("hello")}}}, t0); err != nil {
		t.Fatal(err)
	}
	// An upload whose bytes are kept apart, BLOB parts that are not text.
	file, err := src.StoreFile(ctx, []byte{0xff, 0x00, 0xfe, 'm', 'd'}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := queueStored(ctx, src, file); err != nil {
		t.Fatal(err)
	}

	dst := openTest(t)
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if copied["timeline"] != 150+151+152+3+1 || copied["checkpoints"] != 1 || copied["outbox"] != 2 || copied["outbox_file_parts"] != 1 ||
		copied["alert_deliveries"] != 2 {
		t.Fatalf("copied %v", copied)
	}
	want, err := src.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("the copy differs from the original:\n%s", firstDifference(want, got))
	}
	if data, err := dst.StoredFile(ctx, file); err != nil || string(data) != "\xff\x00\xfemd" {
		t.Fatalf("the stored file on the copy: %q %v", data, err)
	}
	for _, inc := range incs {
		v, err := dst.Verify(ctx, inc.Number)
		if err != nil || !v.OK {
			t.Fatalf("INC-%d on the copy: %+v %v", inc.Number, v, err)
		}
	}
	// The copied ids are taken: the next outbox row gets a new one.
	if err := dst.Enqueue(ctx, bot.Outbound{Lane: "inc:1", Platform: "slack", Op: bot.OpPost, Incident: 1, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("after")}}}, t0); err != nil {
		t.Fatalf("insert after the copy: %v", err)
	}
	before, _ := dst.Dump(ctx)
	if _, err := src.CopyTo(ctx, dst); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second copy into a non-empty target: %v", err)
	}
	if after, _ := dst.Dump(ctx); after != before {
		t.Fatal("the refused copy changed the target")
	}
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			other := "(missing)"
			if i < len(bl) {
				other = bl[i]
			}
			return "line " + strconv.Itoa(i+1) + ":\n  SQLite:     " + al[i] + "\n  PostgreSQL: " + other
		}
	}
	return "PostgreSQL has more lines"
}
