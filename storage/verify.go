package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Verdict is the outcome of checking one incident's hash chain.
type Verdict struct {
	Incident string
	Entries  int64
	HeadHash string
	OK       bool
	// BadSeq is the first entry that does not verify (0 when OK or when the problem is the
	// head record); Problem says what is wrong.
	BadSeq  int64
	Problem string
}

// Verify re-derives every digest and link of incident n's timeline and checks it against
// the head the incident records. It catches a row altered, deleted or inserted behind
// warroom's back, and a redaction not announced on the timeline.
func (db *DB) Verify(ctx context.Context, n int64) (Verdict, error) {
	v := Verdict{Incident: bot.FormatID(n)}
	err := db.View(ctx, func(tx *Tx) error {
		inc, err := tx.Incident(n)
		if err != nil {
			return err
		}
		prev := bot.GenesisHash
		expect := int64(1)
		redacted := map[int64]bool{}
		announced := map[int64]bool{}
		err = tx.EachEntry(n, func(e bot.Entry) error {
			if !v.OK && v.Problem != "" {
				return nil
			}
			fail := func(format string, args ...any) {
				v.BadSeq, v.Problem = e.Seq, fmt.Sprintf(format, args...)
			}
			switch {
			case e.Seq != expect:
				if e.Seq > expect {
					fail("entry %d is missing (found %d next)", expect, e.Seq)
					v.BadSeq = expect
				} else {
					fail("entry %d is out of order", e.Seq)
				}
			case e.Incident != v.Incident:
				fail("entry %d belongs to another incident", e.Seq)
			case !e.Redacted && bot.EntryDigest(e) != e.Digest:
				fail("entry %d was altered: its content does not match its digest", e.Seq)
			case bot.ChainHash(prev, e.Digest) != e.Hash:
				fail("entry %d does not link to entry %d: its hash is wrong (altered, inserted or reordered)", e.Seq, e.Seq-1)
			}
			if e.Redacted {
				redacted[e.Seq] = true
			}
			if e.Kind == bot.KindRedaction {
				if seq, ok := redactionTarget(e.Text); ok {
					announced[seq] = true
				}
			}
			prev = e.Hash
			expect++
			v.Entries = e.Seq
			return nil
		})
		if err != nil {
			return err
		}
		if v.Problem != "" {
			return nil
		}
		for seq := range redacted {
			if !announced[seq] {
				v.BadSeq, v.Problem = seq, fmt.Sprintf("entry %d has no text but no redaction of it is on the timeline", seq)
				return nil
			}
		}
		if inc.HeadSeq != v.Entries || inc.HeadHash != prev {
			v.Problem = fmt.Sprintf("the timeline ends at entry %d (hash %.12s…) but the incident's recorded head is entry %d (hash %.12s…): entries were removed or added",
				v.Entries, prev, inc.HeadSeq, inc.HeadHash)
			v.BadSeq = min(v.Entries, inc.HeadSeq) + 1
			return nil
		}
		v.OK, v.HeadHash = true, prev
		return nil
	})
	return v, err
}

// RedactionText is the text of the timeline entry that records a redaction; Verify reads
// the seq back from it.
func RedactionText(seq int64, reason string) string {
	return "redacted entry " + strconv.FormatInt(seq, 10) + ": " + reason
}

func redactionTarget(text string) (int64, bool) {
	rest, ok := strings.CutPrefix(text, "redacted entry ")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, ":")
	seq, err := strconv.ParseInt(num, 10, 64)
	return seq, err == nil
}
