package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// SaveAlertGroupArrivals of several groups (one statement, their rows a JSON list) stores
// exactly what it stores for each group alone: every column read back equal, and on SQLite
// of the same type, for source links a JSON string must escape and, on SQLite, for those
// it cannot carry (NUL, invalid UTF-8: written alone). Both stores.
func TestBatchedArrivalsWriteWhatOneByOneWrites(t *testing.T) {
	db := openTest(t)
	links := []string{"", `https://siem.example/a?q="x"&y=\z`, "tab\tnl\n\x01\x1f", "ünïcødé ✓ 🚨 \u2028 <&>"}
	if !onPostgres { // PostgreSQL's text holds neither
		links = append(links, "nul\x00byte", "bad\xffutf8")
	}
	var batch, alone []*alert.Group
	for i, link := range links {
		for _, list := range []*[]*alert.Group{&batch, &alone} {
			g := &alert.Group{Source: "siem", Route: "r1", Key: "k", State: alert.StateTriage, Platform: "console", Channel: "#soc",
				Summary: "s", Status: alert.StatusFiring, FirstAt: t0, LastAt: t0}
			update(t, db, func(tx *Tx) error { return tx.CreateAlertGroup(g) })
			g.LastAt, g.Count, g.Status, g.SourceURL = t0.Add(time.Duration(i)*time.Second+time.Millisecond), 1<<40+i, alert.StatusResolved, link
			*list = append(*list, g)
		}
	}
	update(t, db, func(tx *Tx) error {
		if err := tx.SaveAlertGroupArrivals(batch...); err != nil {
			return err
		}
		for _, g := range alone {
			if err := tx.SaveAlertGroupArrivals(g); err != nil {
				return err
			}
		}
		return nil
	})
	for i := range batch {
		var b, a *alert.Group
		update(t, db, func(tx *Tx) (err error) {
			if b, err = tx.AlertGroup(batch[i].ID); err != nil {
				return err
			}
			a, err = tx.AlertGroup(alone[i].ID)
			return err
		})
		b.ID, a.ID = 0, 0
		if !reflect.DeepEqual(b, a) || b.SourceURL != links[i] || b.Count != 1<<40+i || !b.LastAt.Equal(batch[i].LastAt) || b.Status != alert.StatusResolved {
			t.Errorf("link %q: batched %+v\nalone %+v", links[i], b, a)
		}
		if onPostgres {
			continue
		}
		types := func(id int64) (out [4]string) {
			err := db.reader.QueryRow(`SELECT typeof(last_at), typeof(count), typeof(status), typeof(source_url) FROM alert_groups WHERE id = ?`, id).
				Scan(&out[0], &out[1], &out[2], &out[3])
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if bt, at := types(batch[i].ID), types(alone[i].ID); bt != at {
			t.Errorf("link %q: column types batched %v, alone %v", links[i], bt, at)
		}
	}
}

// A batch's chain heads written in one statement are stored with the types writeHead
// gives them (SQLite would keep a text where an integer was bound).
func TestBatchedHeadsKeepTheirTypes(t *testing.T) {
	sqliteOnly(t, "PostgreSQL's columns are typed")
	db := openTest(t)
	a, b, c := newIncident(t, db), newIncident(t, db), newIncident(t, db)
	update(t, db, func(tx *Tx) error {
		tx.DeferChainHeads()
		for _, n := range []int64{a.Number, b.Number, a.Number} {
			if _, err := tx.Append(n, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: "n", Data: []byte("{}")}, ""); err != nil {
				return err
			}
		}
		return tx.WriteChainHeads()
	})
	appendN(t, db, c.Number, 1) // written alone
	for _, n := range []int64{a.Number, b.Number, c.Number} {
		var seqType, hashType string
		if err := db.reader.QueryRow(`SELECT typeof(head_seq), typeof(head_hash) FROM incidents WHERE number = ?`, n).Scan(&seqType, &hashType); err != nil {
			t.Fatal(err)
		}
		if seqType != "integer" || hashType != "text" {
			t.Errorf("INC-%d's head is stored as %s, %s", n, seqType, hashType)
		}
	}
}
