package storage

import (
	"context"
	"crypto/ed25519"
	"strconv"

	"github.com/warroom/warroom/bot"
)

// Verdict is the outcome of checking one incident's hash chain.
type Verdict = bot.Verdict

// Verify re-derives every digest and link of incident n's timeline and checks it against
// the head the incident records (bot.VerifyChain), then replays the entries and compares
// the result with the incident row and the tables derived from it (bot.Projection). It
// catches a row altered, deleted or inserted behind warroom's back, a redaction not
// announced on the timeline, and an incident record that says something its entries do not.
func (db *DB) Verify(ctx context.Context, n int64) (Verdict, error) {
	return db.VerifyWith(ctx, n, VerifyOptions{})
}

// VerifyOptions add what lives outside the database: the public key that signed the
// checkpoints and checkpoints kept elsewhere (the log file, lines pasted from chat).
type VerifyOptions struct {
	PublicKey ed25519.PublicKey // nil: signatures are not checked, only that the chain passes through
	Extra     []bot.Checkpoint
}

// VerifyWith is Verify with checkpoints checked against opts.
func (db *DB) VerifyWith(ctx context.Context, n int64, opts VerifyOptions) (Verdict, error) {
	var v Verdict
	err := db.View(ctx, func(tx *Tx) (err error) {
		v, err = tx.VerifyWith(n, opts)
		return err
	})
	return v, err
}

// Verify is DB.Verify inside a transaction.
func (t *Tx) Verify(n int64) (Verdict, error) { return t.VerifyWith(n, VerifyOptions{}) }

// VerifyWith is DB.VerifyWith inside a transaction.
func (t *Tx) VerifyWith(n int64, opts VerifyOptions) (Verdict, error) {
	inc, err := t.Incident(n)
	if err != nil {
		return Verdict{Incident: bot.FormatID(n)}, err
	}
	cps, err := t.Checkpoints(n)
	if err != nil {
		return Verdict{Incident: inc.ID()}, err
	}
	// A checkpoint kept elsewhere that the database also holds is counted once.
	stored := map[string]bool{}
	for _, c := range cps {
		stored[c.Line()] = true
	}
	for _, c := range opts.Extra {
		if !stored[c.Line()] {
			cps = append(cps, c)
		}
	}
	// Only the hashes at checkpointed seqs are kept, so a long timeline is never held.
	hashes := map[int64]string{}
	for _, c := range cps {
		hashes[c.Seq] = ""
	}
	var proj bot.Projection
	v, err := bot.VerifyChain(inc.ID(), inc.HeadSeq, inc.HeadHash, func(fn func(bot.Entry) error) error {
		return t.EachEntry(n, func(e bot.Entry) error {
			proj.Apply(e)
			if _, ok := hashes[e.Seq]; ok {
				hashes[e.Seq] = e.Hash
			}
			return fn(e)
		})
	})
	if err != nil || !v.OK {
		return v, err
	}
	bot.CheckCheckpoints(&v, cps, opts.PublicKey, func(seq int64) (string, bool) {
		h, ok := hashes[seq]
		return h, ok && h != ""
	})
	if !v.OK {
		v.HeadHash = ""
		return v, nil
	}
	if v.V1 > 0 {
		// A first-release incident has no data to replay: the chain is all that verifies.
		return v, err
	}
	rec, err := t.Record(inc)
	if err != nil {
		return v, err
	}
	bot.CheckRecord(&v, &proj, rec)
	return v, nil
}

// Record loads what the database holds about inc besides its timeline.
func (t *Tx) Record(inc *bot.Incident) (bot.Record, error) {
	rec := bot.Record{Incident: *inc}
	var err error
	if rec.Roles, err = t.CurrentRoles(inc.Number); err != nil {
		return rec, err
	}
	if rec.Members, err = t.Members(inc.Number); err != nil {
		return rec, err
	}
	if rec.Tasks, err = t.Tasks(inc.Number); err != nil {
		return rec, err
	}
	if rec.Lessons, err = t.Lessons(inc.Number); err != nil {
		return rec, err
	}
	if rec.Clocks, err = t.Clocks(inc.Number); err != nil {
		return rec, err
	}
	if rec.Runs, err = t.Runs(inc.Number); err != nil {
		return rec, err
	}
	if rec.Playbook, rec.PlaybookVersion, err = t.Playbook(inc.Number); err != nil {
		return rec, err
	}
	rec.Pages, err = t.IncidentPages(inc.Number)
	return rec, err
}

// RedactionText is the text of the timeline entry that records a redaction; Verify reads
// the seq back from it (bot.RedactionTarget).
func RedactionText(seq int64, reason string) string {
	return "redacted entry " + strconv.FormatInt(seq, 10) + ": " + reason
}
