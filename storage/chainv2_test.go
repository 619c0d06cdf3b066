package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// redactedIncident is an incident with entries 1–4, entry 2 redacted and announced by entry
// 5 (a redaction entry), all written through Append and Redact.
func redactedIncident(t *testing.T) (*DB, int64) {
	t.Helper()
	db := openTest(t)
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 3)
	err := db.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.Redact(inc.Number, 2); err != nil {
			return err
		}
		_, err := tx.Append(inc.Number, &bot.Entry{At: t0.Add(time.Hour), Actor: "alice", Kind: bot.KindRedaction,
			Text: RedactionText(2, "pasted password"), Data: []byte(`{"seq":2}`)}, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Verify(context.Background(), inc.Number); !v.OK {
		t.Fatalf("redacted chain does not verify: %+v", v)
	}
	return db, inc.Number
}

// An insider with write access to the database, against the redaction rules.
func TestVerifyCatchesRedactionAbuse(t *testing.T) {
	cases := map[string]struct {
		sql     string
		wantSeq int64
		problem string
	}{
		// The first release passed this: the entry announced its own redaction.
		"forged self-announcing redaction":    {`UPDATE timeline SET redacted = 1, kind = 'redaction', text = 'redacted entry 3: routine', salt = '' WHERE seq = 3`, 3, "altered"},
		"forged redaction keeping the kind":   {`UPDATE timeline SET redacted = 1, text = '', salt = '' WHERE seq = 3`, 3, "no later redaction entry names it"},
		"metadata of a redacted entry: actor": {`UPDATE timeline SET actor = 'mallory' WHERE seq = 2`, 2, "altered"},
		"metadata of a redacted entry: kind":  {`UPDATE timeline SET kind = 'pin' WHERE seq = 2`, 2, "altered"},
		"metadata of a redacted entry: time":  {`UPDATE timeline SET at = '2020-01-01T00:00:00.000000000Z', occurred_at = '2020-01-01T00:00:00.000000000Z' WHERE seq = 2`, 2, "altered"},
		"metadata of a redacted entry: data":  {`UPDATE timeline SET data = '{"x":1}' WHERE seq = 2`, 2, "altered"},
		"redacting the redaction":             {`UPDATE timeline SET redacted = 1, text = '', salt = '' WHERE seq = 5`, 5, "cannot itself be redacted"},
		"text swapped under its commitment":   {`UPDATE timeline SET text = 'nothing to see' WHERE seq = 3`, 3, "text commitment"},
		"downgraded to version 1":             {`UPDATE timeline SET v = 1 WHERE seq = 4`, 4, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			db, n := redactedIncident(t)
			if _, err := db.writer.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			v, err := db.Verify(context.Background(), n)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK {
				t.Fatal("tampering not detected")
			}
			if v.BadSeq != c.wantSeq || !strings.Contains(v.Problem, c.problem) {
				t.Errorf("entry %d: %s; want entry %d, %q", v.BadSeq, v.Problem, c.wantSeq, c.problem)
			}
		})
	}
}

// A redaction entry must come after the entry it names.
func TestVerifyRefusesAnEarlierAnnouncement(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *Tx) error {
		// Entry 2 "announces" entry 3 before it exists.
		if _, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "alice", Kind: bot.KindRedaction, Text: RedactionText(3, "x"), Data: []byte(`{"seq":3}`)}, ""); err != nil {
			return err
		}
		if _, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: "later", Data: []byte(`{}`)}, ""); err != nil {
			return err
		}
		_, err := tx.Redact(inc.Number, 3)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Verify(ctx, inc.Number); v.OK || v.BadSeq != 3 {
		t.Fatalf("an announcement before the entry passed: %+v", v)
	}
}

// rewriteAsV1 turns an incident's entries into what the first release wrote: no data, salt
// or commitment, digests over the version 1 canonical entry.
func rewriteAsV1(t *testing.T, db *DB, n int64) {
	t.Helper()
	var es []bot.Entry
	db.View(context.Background(), func(tx *Tx) (err error) { es, err = tx.Entries(n); return err })
	prev := bot.GenesisHash
	for _, e := range es {
		e.V, e.Data, e.Salt, e.TextCommit = 1, nil, "", ""
		bot.Seal(&e, prev)
		prev = e.Hash
		if _, err := db.writer.Exec(`UPDATE timeline SET v = 1, data = '', salt = '', text_commit = '', digest = ?, hash = ? WHERE incident = ? AND seq = ?`,
			e.Digest, e.Hash, n, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.writer.Exec(`UPDATE incidents SET head_hash = ? WHERE number = ?`, prev, n); err != nil {
		t.Fatal(err)
	}
}

func TestFirstReleaseEntriesStillVerify(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	appendN(t, db, inc.Number, 3)
	rewriteAsV1(t, db, inc.Number)
	ctx := context.Background()
	v, err := db.Verify(ctx, inc.Number)
	if err != nil || !v.OK || v.V1 != 4 {
		t.Fatalf("first-release chain: %+v %v", v, err)
	}
	// New entries on an old incident are version 2 and chain on.
	appendN(t, db, inc.Number, 2)
	if v, _ = db.Verify(ctx, inc.Number); !v.OK || v.V1 != 4 || v.Entries != 6 {
		t.Fatalf("mixed chain: %+v", v)
	}
	// And a version 1 entry is still checked as before.
	if _, err := db.writer.Exec(`UPDATE timeline SET text = 'forged' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if v, _ = db.Verify(ctx, inc.Number); v.OK || v.BadSeq != 2 {
		t.Fatalf("altered v1 entry: %+v", v)
	}
}

func TestAppendNeedsData(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	err := db.Update(context.Background(), func(tx *Tx) error {
		_, err := tx.Append(inc.Number, &bot.Entry{At: t0, Actor: "bob", Kind: bot.KindNote, Text: "x"}, "")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "no data") {
		t.Fatalf("an entry without data was appended: %v", err)
	}
}
