package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// derivedText are the columns of rows derived from entries that can hold free text.
var derivedText = []struct{ table, column, where string }{
	{"tasks", "text", "incident = ?"},
	{"lessons", "text", "incident = ?"},
	{"pages", "message", "incident = ?"},
	{"clocks", "done_note", "incident = ?"},
	{"incidents", "title", "number = ?"},
	{"incidents", "resolution", "number = ?"},
	{"timers", "payload", "incident = ?"},
	{"alert_groups", "summary", "incident = ?"},
	{"alert_groups", "dedup_key", "incident = ?"},
	{"alert_groups", "source_url", "incident = ?"},
	{"alerts", "summary", alertsOfIncident},
	{"alerts", "details", alertsOfIncident},
	{"alerts", "labels", alertsOfIncident},
	{"alerts", "members", alertsOfIncident},
	{"alerts", "source_url", alertsOfIncident},
}

// alertsOfIncident selects the received alerts on an incident (alerts in).
const alertsOfIncident = "grp IN (SELECT id FROM alert_groups WHERE incident = ?)"

// Scrub replaces every occurrence of each secret with bot.RedactedText in the rows derived
// from incident n's entries, and in every outbox payload (pending and delivered, any lane:
// a DM or another channel may have carried it). It reports what it changed and which
// delivered posts must be edited on their platform. The timeline itself is left to
// Redact, which keeps the chain verifying.
func (t *Tx) Scrub(n int64, secrets []string) (bot.Scrubbed, error) {
	return t.ScrubReaching(n, secrets, nil)
}

// ScrubReaching is Scrub, reaching into another incident's outbox operations (its channel's
// posts, card, topic, report) only where reach says so (nil: nowhere). The text is incident
// n's; another incident's operations hold it only by chance or by a link, and its timeline
// keeps it: anyone may declare an incident and redact a word of it, and reaching every
// incident edited other, private incidents' posts and counted them in the reply (an oracle
// on incidents the redactor is not in). Operations of no incident (a page sent outside any
// incident and its direct messages, a hand-off, an alert's triage post) hold incident n's
// text only by chance too, and are reached where reach(0) says so — except a triage post
// of a group declared as incident n, whose alerts are n's (reachesOp).
func (t *Tx) ScrubReaching(n int64, secrets []string, reach func(incident int64) (bool, error)) (bot.Scrubbed, error) {
	var out bot.Scrubbed
	for _, s := range secrets {
		for _, d := range derivedText {
			res, err := t.exec(`UPDATE `+d.table+` SET `+d.column+` = REPLACE(`+d.column+`, ?, ?) WHERE `+d.where+` AND instr(`+d.column+`, ?) > 0`,
				s, bot.RedactedText, n, s)
			if err != nil {
				return out, err
			}
			k, _ := res.RowsAffected()
			out.Rows += int(k)
		}
	}
	if err := t.scrubOutbox(n, secrets, reachOf(n, reach), &out); err != nil {
		return out, err
	}
	err := t.EachEntry(n, func(e bot.Entry) error {
		if e.Redacted || e.Kind == bot.KindRedaction {
			return nil
		}
		for _, s := range secrets {
			if strings.Contains(e.Text, s) {
				out.Entries = append(out.Entries, e.Seq)
				return nil
			}
		}
		return nil
	})
	return out, err
}

// scrubOutbox rewrites the outbox payloads that hold a secret, of the incidents reach
// allows. Payloads are JSON, and an upload's file is base64 in it, so each is decoded
// rather than matched as text. A pending one is marked as scrubbed for incident n
// (markScrubbed).
func (t *Tx) scrubOutbox(n int64, secrets []string, reach func(int64) (bool, error), out *bot.Scrubbed) error {
	rows, err := t.query(`SELECT id, lane, platform, op, incident, target, ref, state, result, payload FROM outbox`)
	if err != nil {
		return err
	}
	type change struct {
		o             bot.Outbound
		state, result string
	}
	var changes []change
	// Before any payload changes: a lane's read-ahead (outbox_ahead.go) made before this
	// may hold the text this removes, and is read again rather than sent.
	outboxScrubs.Add(1)
	t.scrubbed = true // and again once committed (scrubsCommitted)
	for rows.Next() {
		var c change
		var raw string
		var ref sql.NullString
		if err := rows.Scan(&c.o.ID, &c.o.Lane, &c.o.Platform, &c.o.Op, &c.o.Incident, &c.o.Target, &ref, &c.state, &c.result, &raw); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal([]byte(raw), &c.o.Payload); err != nil {
			continue // not ours to judge here; it was written by Enqueue
		}
		c.o.Ref = ref.String
		if scrubPayload(&c.o.Payload, secrets) {
			changes = append(changes, c)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	rows.Close()
	changed := map[int64]bool{}
	for _, c := range changes {
		// Asked once the rows are closed: reach may read (PostgreSQL runs one query at a time).
		if ok, err := t.reachesOp(n, c.o, reach); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		o := c.o
		if c.state == "pending" {
			markScrubbed(&o.Payload, n)
		}
		b, err := json.Marshal(o.Payload)
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE outbox SET payload = ? WHERE id = ?`, string(b), o.ID); err != nil {
			return err
		}
		changed[o.ID] = true
		if c.state == "done" && c.result != "" && o.Op == bot.OpPost {
			o.Payload = bot.Payload{MessageID: c.result}
			out.Posted = append(out.Posted, o)
		}
		if c.state == "done" && o.Op == bot.OpUpload {
			out.Uploaded = append(out.Uploaded, o.ID)
		}
		if c.state == "done" && o.Op == bot.OpDM {
			out.Direct = append(out.Direct, o.ID) // an edit names a channel, and a DM's is not kept: it stays as sent
		}
	}
	// Files kept apart from their rows (outbox_files.go) are scrubbed where they are.
	if err := t.scrubFiles(n, secrets, reach, changed, out); err != nil {
		return err
	}
	out.Outbox = len(changed)
	return nil
}

// reachesOp says whether a scrub of incident n rewrites operation o: o is of an incident
// reach allows, or o is an alert's triage post (of no incident, Ref alert:<group>) whose
// group was declared as incident n.
func (t *Tx) reachesOp(n int64, o bot.Outbound, reach func(int64) (bool, error)) (bool, error) {
	g, ok := strings.CutPrefix(o.Ref, "alert:")
	if id, err := strconv.ParseInt(g, 10, 64); ok && err == nil && o.Incident == 0 {
		var on sql.NullInt64
		err := t.row(`SELECT incident FROM alert_groups WHERE id = ?`, id).Scan(&on)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		if on.Valid && on.Int64 == n {
			return true, nil
		}
	}
	return reach(o.Incident)
}

// reachOf is the incidents a scrub of incident n reaches: n itself and those reach allows
// (asked once each), no incident (0) among them; without reach, n and no incident.
func reachOf(n int64, reach func(int64) (bool, error)) func(int64) (bool, error) {
	asked := map[int64]bool{n: true}
	if reach == nil {
		asked[0] = true
	}
	return func(m int64) (bool, error) {
		if ok, seen := asked[m]; seen || reach == nil {
			return ok, nil
		}
		ok, err := reach(m)
		if err == nil {
			asked[m] = ok
		}
		return ok, err
	}
}

// markScrubbed records on a pending operation's payload that a redaction of incident n
// rewrote it: a deliverer that read it before has sent the removed text, and its
// completion (afterScrub) sees the count it read fall short of the stored one.
func markScrubbed(p *bot.Payload, n int64) { p.Scrubs, p.ScrubbedFor = p.Scrubs+1, n }

// scrubsCommitted counts a scrub again once its transaction has ended (committed, or not:
// counting more only costs a read): a lane read ahead between the scrub's first count and
// its commit read the text it removes, under the generation the first count made, and
// would hand it out (outbox_ahead.go). Call it after every commit of txs.
func scrubsCommitted(txs ...*Tx) {
	for _, t := range txs {
		if t != nil && t.scrubbed {
			outboxScrubs.Add(1)
			return
		}
	}
}

// scrubPayload replaces the secrets in every text a payload carries; it reports a change.
func scrubPayload(p *bot.Payload, secrets []string) bool {
	changed := false
	str := func(s *string) {
		for _, sec := range secrets {
			if strings.Contains(*s, sec) {
				*s, changed = strings.ReplaceAll(*s, sec, bot.RedactedText), true
			}
		}
	}
	// Each segment's words; a secret is one argument of the message that quoted it, so it
	// sits within one segment (Textf merges neighbouring words into one).
	for i := range p.Message.Text {
		str(&p.Message.Text[i].Text)
		str(&p.Message.Text[i].URL)
	}
	str(&p.Topic)
	for i := range p.Message.Buttons {
		str(&p.Message.Buttons[i].Label)
		str(&p.Message.Buttons[i].Value)
	}
	if p.File != nil {
		for i := range p.File.Comment {
			str(&p.File.Comment[i].Text)
		}
		str(&p.File.Title)
		for _, sec := range secrets {
			if bytes.Contains(p.File.Data, []byte(sec)) {
				p.File.Data, changed = bytes.ReplaceAll(p.File.Data, []byte(sec), []byte(bot.RedactedText)), true
			}
		}
	}
	return changed
}

var errBusyCheckpoint = errors.New("the WAL could not be truncated: a reader held an old snapshot; it is truncated at the next checkpoint")

// TruncateWAL checkpoints the write-ahead log into the database and truncates it to zero
// bytes, so a redacted text does not linger in the WAL file. Readers holding an old
// snapshot can make it incomplete; it is retried a few times and then reported.
// On PostgreSQL, which has no such file of ours, it vacuums the tables a redaction rewrites.
func (db *DB) TruncateWAL(ctx context.Context) error {
	if db.pg {
		return db.pgVacuum(ctx)
	}
	if c := db.ckpt; c != nil {
		c.mu.Lock() // no background checkpoint meanwhile (checkpoint.go)
		defer c.mu.Unlock()
	}
	var lastErr error
	for i := 0; i < 5; i++ {
		var busy, logPages, done int
		if err := db.writer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
			return describe(db.path, err)
		}
		if busy == 0 {
			return nil
		}
		lastErr = errBusyCheckpoint
	}
	return lastErr
}
