package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
)

// Migration 0016 makes alert_deliveries a WITHOUT ROWID table: a database written before
// it keeps every delivery it remembered, with its answer, so a replay sent across the
// upgrade is still answered as the first time.
func TestDeliveriesKeptAcrossTheirRekeying(t *testing.T) {
	sqliteOnly(t, "a SQLite table's layout (PostgreSQL's table is unchanged)")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var before []migration
	for _, m := range ms {
		if m.version < 16 {
			before = append(before, m)
		}
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyMigrations(ctx, tx, before, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`PRAGMA user_version = 15`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO alert_deliveries (source, delivery_id, at, answer) VALUES ('siem', 'msg_1', ?, '{"incident":"INC-1"}'), ('edr', 'msg_1', ?, '{"triage":"TRI-2"}')`,
		ts(t0), ts(t0)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var layout string
	if err := db.writer.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'alert_deliveries'`).Scan(&layout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(layout, "WITHOUT ROWID") {
		t.Errorf("alert_deliveries after the upgrade: %s; want a WITHOUT ROWID table", layout)
	}
	var got map[alert.Delivery]string
	err = db.Update(ctx, func(tx *Tx) error {
		got, err = tx.AlertDeliveries([]alert.Delivery{{Source: "siem", ID: "msg_1"}, {Source: "edr", ID: "msg_1"}, {Source: "siem", ID: "msg_2"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[alert.Delivery]string{{Source: "siem", ID: "msg_1"}: `{"incident":"INC-1"}`, {Source: "edr", ID: "msg_1"}: `{"triage":"TRI-2"}`}
	if len(got) != len(want) || got[alert.Delivery{Source: "siem", ID: "msg_1"}] != want[alert.Delivery{Source: "siem", ID: "msg_1"}] ||
		got[alert.Delivery{Source: "edr", ID: "msg_1"}] != want[alert.Delivery{Source: "edr", ID: "msg_1"}] {
		t.Errorf("deliveries after the upgrade: %v, want %v", got, want)
	}
	// The index the forgetting goes by is back, and the table takes and forgets as before.
	var index int
	if err := db.writer.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'alert_deliveries_by_at' AND tbl_name = 'alert_deliveries'`).Scan(&index); err != nil || index != 1 {
		t.Errorf("alert_deliveries_by_at after the upgrade: %d (%v), want it", index, err)
	}
	late := t0.Add(DeliveryRetention + time.Hour)
	err = db.Update(ctx, func(tx *Tx) error {
		if err := tx.RememberAlertDeliveries(map[alert.Delivery]string{{Source: "siem", ID: "msg_3"}: `{"incident":"INC-2"}`}, late); err != nil {
			return err
		}
		if err := tx.ForgetAlertDeliveries(late); err != nil {
			return err
		}
		got, err = tx.AlertDeliveries([]alert.Delivery{{Source: "siem", ID: "msg_1"}, {Source: "siem", ID: "msg_3"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[alert.Delivery{Source: "siem", ID: "msg_3"}] != `{"incident":"INC-2"}` {
		t.Errorf("after remembering msg_3 and forgetting what is older than the retention: %v, want msg_3 alone", got)
	}
	var v int
	if err := db.writer.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != SchemaVersion() {
		t.Errorf("user_version %d (%v), want %d", v, err, SchemaVersion())
	}
}
