package storage

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Append adds e to its incident's timeline as a version 2 entry: the next seq, a fresh
// salt, sealed into the hash chain, and moves the incident's recorded head. e.Data must be
// set (bot.EncodeData; "{}" when the change has no fields). ref, when not empty, is a
// natural key (a pinned message): a second entry with the same ref is not added and Append
// returns false.
func (t *Tx) Append(n int64, e *bot.Entry, ref string) (bool, error) {
	if len(e.Data) == 0 {
		return false, errors.New("timeline entry " + e.Kind + " has no data: every entry records its fields")
	}
	if err := checkDataObject(e.Data); err != nil {
		return false, err
	}
	salt := make([]byte, bot.SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return false, err
	}
	e.V, e.Salt = 2, hex.EncodeToString(salt)
	prev, err := t.chainHead(n)
	if err != nil {
		return false, err
	}
	prevSeq, prevHash := prev.seq, prev.hash
	e.Incident = bot.FormatID(n)
	e.Seq = prevSeq + 1
	if e.OccurredAt.IsZero() {
		e.OccurredAt = e.At
	}
	e.At, e.OccurredAt = e.At.UTC(), e.OccurredAt.UTC()
	bot.Seal(e, prevHash)
	var refArg any
	onConflict := ``
	if ref != "" {
		// The unique (incident, ref) index turns a second arrival of the same thing into
		// a no-op, without a separate look-up.
		refArg, onConflict = ref, ` ON CONFLICT DO NOTHING`
	}
	res, err := t.exec(`INSERT INTO timeline (incident, seq, at, occurred_at, actor, kind, text, digest, hash, ref, v, data, salt, text_commit)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+onConflict, n, e.Seq, ts(e.At), ts(e.OccurredAt), e.Actor, e.Kind, e.Text, e.Digest, e.Hash, refArg,
		e.V, string(e.Data), e.Salt, e.TextCommit)
	if err != nil {
		return false, err
	}
	if added, err := res.RowsAffected(); err != nil || added == 0 {
		return false, err
	}
	if t.heads == nil {
		t.heads = map[int64]chainHead{}
	}
	if t.deferHeads && !slices.Contains(t.unwritten, n) {
		t.unwritten = append(t.unwritten, n)
	}
	t.heads[n] = chainHead{e.Seq, e.Hash}
	if t.deferHeads {
		return true, nil
	}
	return true, t.writeHead(n)
}

func (t *Tx) writeHead(n int64) error {
	h := t.heads[n]
	_, err := t.exec(`UPDATE incidents SET head_seq = ?, head_hash = ? WHERE number = ?`, h.seq, h.hash, n)
	return err
}

// DeferChainHeads makes this transaction's later Appends keep the head they move in memory
// until WriteChainHeads: alerts recorded together append to a few incidents many times,
// and each incident's head is then written once instead of once per entry. Until then the
// transaction's own reads of an incident (Incident, HeadSeq …) see the moved head; the
// caller must call WriteChainHeads before the transaction commits.
func (t *Tx) DeferChainHeads() { t.deferHeads = true }

// WriteChainHeads writes the heads Appends moved since DeferChainHeads, in one statement
// (jsonlist.go), and ends the deferral.
func (t *Tx) WriteChainHeads() error {
	if err := t.writeHeads(t.unwritten); err != nil {
		return err
	}
	t.deferHeads, t.unwritten = false, nil
	return nil
}

// writeHeads writes the heads of incidents ns, with one statement (the incidents' numbers
// and heads a JSON list, jsonlist.go); one alone as writeHead does.
func (t *Tx) writeHeads(ns []int64) error {
	switch len(ns) {
	case 0:
		return nil
	case 1:
		return t.writeHead(ns[0])
	}
	rows := make([][3]any, len(ns))
	for i, n := range ns {
		h := t.heads[n]
		rows[i] = [3]any{n, h.seq, h.hash}
	}
	return t.execList(writeHeadsQuery(t.pg), rows)
}

// writeHeadsQuery sets each listed incident's head: on SQLite the list is the outer loop
// and each incident found by its primary key (TestWriteHeadsPlan).
func writeHeadsQuery(pg bool) string {
	if pg {
		return `UPDATE incidents AS i SET head_seq = CAST(j.value ->> 1 AS bigint), head_hash = j.value ->> 2
		FROM jsonb_array_elements(CAST(? AS jsonb)) AS j(value) WHERE i.number = CAST(j.value ->> 0 AS bigint)`
	}
	return `UPDATE incidents SET head_seq = j.value ->> 1, head_hash = j.value ->> 2
		FROM json_each(?) AS j WHERE incidents.number = j.value ->> 0`
}

// ownHead gives inc the head this transaction moved it to, should its row not hold it yet
// (DeferChainHeads).
func (t *Tx) ownHead(inc *bot.Incident) {
	if h, ok := t.heads[inc.Number]; ok {
		inc.HeadSeq, inc.HeadHash = h.seq, h.hash
	}
}

// checkDataObject refuses entry data that is not one JSON object. It checks without
// decoding: every entry passes here, and decoding into a map (bot.DecodeData) cost more than
// sealing the entry.
func checkDataObject(raw []byte) error {
	if v := bytes.TrimLeft(raw, " \t\r\n"); len(v) == 0 || v[0] != '{' || !json.Valid(v) {
		return errors.New("entry data is not a JSON object")
	}
	return nil
}

// knowHead keeps the chain head an incident row just read in this transaction holds, so
// an Append to it need not read the head again: alerts read each incident they append to
// (one statement), then appended to it (a second one, chainHead's, for the same row). Only
// on SQLite, where the one writer's transaction sees every change to the row and only
// writeHead changes the head (from heads). PostgreSQL's chainHead read takes the row lock
// (FOR UPDATE) that orders concurrent appends, which a plain read does not.
func (t *Tx) knowHead(inc *bot.Incident) {
	if t.pg {
		return
	}
	if _, ok := t.heads[inc.Number]; ok {
		return
	}
	if t.heads == nil {
		t.heads = map[int64]chainHead{}
	}
	t.heads[inc.Number] = chainHead{inc.HeadSeq, inc.HeadHash}
}

type chainHead struct {
	seq  int64
	hash string
}

// chainHead is incident n's recorded head. Only Append moves it, so once this transaction
// appended to n the head it wrote is still the head: alerts recorded together append to a
// few incidents many times, and each head is read once.
func (t *Tx) chainHead(n int64) (chainHead, error) {
	if h, ok := t.heads[n]; ok {
		return h, nil
	}
	var h chainHead
	// The row lock (PostgreSQL) holds the next append to this incident until this one commits.
	if err := t.row(`SELECT head_seq, head_hash FROM incidents WHERE number = ?`+t.forUpdate(), n).Scan(&h.seq, &h.hash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return h, ErrNotFound
		}
		return h, err
	}
	return h, nil
}

// Redact drops the text (and, in version 2, the salt) of entry seq, keeping its digest,
// hash and text commitment so the chain still verifies. It returns the entry as it was;
// ErrNotFound if there is none.
func (t *Tx) Redact(n, seq int64) (bot.Entry, error) {
	e, err := t.Entry(n, seq)
	if err != nil {
		return e, err
	}
	if !e.Redacted {
		_, err = t.exec(`UPDATE timeline SET text = '', salt = '', redacted = 1 WHERE incident = ? AND seq = ?`, n, seq)
	}
	return e, err
}

const entryColumns = `incident, seq, at, occurred_at, actor, kind, text, digest, hash, redacted, v, data, salt, text_commit`

func scanEntry(sc interface{ Scan(...any) error }) (bot.Entry, error) {
	var e bot.Entry
	var n int64
	var at, occ, data string
	err := sc.Scan(&n, &e.Seq, &at, &occ, &e.Actor, &e.Kind, &e.Text, &e.Digest, &e.Hash, &e.Redacted, &e.V, &data, &e.Salt, &e.TextCommit)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	e.Incident, e.At, e.OccurredAt = bot.FormatID(n), parseTS(at), parseTS(occ)
	if data != "" {
		e.Data = []byte(data)
	}
	return e, err
}

// Entry loads one timeline entry.
func (t *Tx) Entry(n, seq int64) (bot.Entry, error) {
	return scanEntry(t.row(`SELECT `+entryColumns+` FROM timeline WHERE incident = ? AND seq = ?`, n, seq))
}

// Entries returns the incident's whole timeline in seq order.
func (t *Tx) Entries(n int64) ([]bot.Entry, error) {
	var out []bot.Entry
	err := t.EachEntry(n, func(e bot.Entry) error { out = append(out, e); return nil })
	return out, err
}

// EachEntry streams the timeline in seq order without holding it all in memory.
func (t *Tx) EachEntry(n int64, fn func(bot.Entry) error) error {
	return t.eachEntry(fn, `SELECT `+entryColumns+` FROM timeline WHERE incident = ? ORDER BY seq`, n)
}

// eachEntry runs a query of timeline rows (entryColumns) and hands each entry to fn.
func (t *Tx) eachEntry(fn func(bot.Entry) error, q string, args ...any) error {
	rows, err := t.query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachEntryOfKind streams the incident's entries of the given kinds in seq order: the
// facts (bot.FoldFacts) are read this way for the card and for a new evidence number,
// without reading the whole timeline.
func (t *Tx) EachEntryOfKind(n int64, kinds []string, fn func(bot.Entry) error) error {
	if len(kinds) == 0 {
		return nil
	}
	args := []any{n}
	for _, k := range kinds {
		args = append(args, k)
	}
	return t.eachEntry(fn, entriesOfKinds(len(kinds), slices.Contains(kinds, bot.KindAlert)), args...)
}

// entriesOfKinds is EachEntryOfKind's query for k kinds. It orders by +seq, an expression,
// not the column: with ORDER BY seq SQLite walked the primary key (incident, seq) to save
// the sort, so it read every entry of the incident and filtered by kind. That scan was the
// card's facts read on every command that refreshes the card, and 30-38 ms of the close's
// write transaction at 100,000 entries. With +seq no index gives the order, so the planner
// takes timeline_by_kind (incident, kind) and sorts the few rows it finds. PostgreSQL reads
// +seq as seq.
//
// timeline_by_kind leaves the alert entries out (migration 0015), so a planner may take
// it only for a query that says so in the index's own words: kind <> 'alert'. A read that
// asks for alerts walks the incident's timeline by its primary key instead.
func entriesOfKinds(k int, alerts bool) string {
	marks := strings.Repeat("?, ", k)
	q := `SELECT ` + entryColumns + ` FROM timeline WHERE incident = ? AND kind IN (` + marks[:len(marks)-2] + `)`
	if !alerts {
		q += ` AND kind <> 'alert'`
	}
	return q + ` ORDER BY +seq`
}
