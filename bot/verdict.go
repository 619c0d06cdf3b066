package bot

import (
	"fmt"
	"strconv"
	"strings"
)

// Verdict is the outcome of checking one incident's hash chain. storage computes it for
// `warroom verify`; the report computes it from the entries it has loaded. It lives here so
// both share one algorithm, and the engine, which never imports storage, can use it.
type Verdict struct {
	Incident string
	Entries  int64
	HeadHash string
	OK       bool
	// BadSeq is the first entry that does not verify (0 when OK or when the problem is the
	// head record); Problem says what is wrong.
	BadSeq  int64
	Problem string
	// V1 counts the entries written before chain v2 (first release): they verify under the
	// version 1 rules, without data, so the projection check does not cover them.
	V1 int64
	// Checkpoints is how many signed checkpoints were checked (CheckCheckpoints).
	Checkpoints int
	// LastCheckpoint is the latest checked checkpoint's seq.
	LastCheckpoint int64
	// Projection is set when the chain verifies but the incident record disagrees with
	// what its entries say (Problem names the field, the stored value and the entry).
	Projection bool
}

// VerifyChain re-derives every digest and link of an incident's timeline — the entries
// each yields in seq order — and checks them against the head the incident records
// (headSeq, headHash). It catches an entry altered, deleted, inserted or reordered behind
// warroom's back, and a redaction not announced on the timeline. The error is each's.
func VerifyChain(incident string, headSeq int64, headHash string, each func(fn func(Entry) error) error) (Verdict, error) {
	v := Verdict{Incident: incident}
	prev := GenesisHash
	expect := int64(1)
	redacted := map[int64]bool{}
	announced := map[int64]bool{}
	sawV2 := false
	err := each(func(e Entry) error {
		if v.Problem != "" {
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
		case e.Incident != incident:
			fail("entry %d belongs to another incident", e.Seq)
		case e.V < 2 && sawV2:
			fail("entry %d claims chain version 1 after version 2 entries", e.Seq)
		case e.V >= 2 && EntryDigest(e) != e.Digest:
			fail("entry %d was altered: its content does not match its digest", e.Seq)
		case e.V >= 2 && !e.Redacted && TextCommit(e.Salt, e.Text) != e.TextCommit:
			fail("entry %d was altered: its text does not match its text commitment", e.Seq)
		case e.V >= 2 && e.Redacted && (e.Text != "" || e.Salt != ""):
			fail("entry %d is marked redacted but still holds text", e.Seq)
		case e.V < 2 && !e.Redacted && EntryDigest(e) != e.Digest:
			fail("entry %d was altered: its content does not match its digest", e.Seq)
		case ChainHash(prev, e.Digest) != e.Hash:
			fail("entry %d does not link to entry %d: its hash is wrong (altered, inserted or reordered)", e.Seq, e.Seq-1)
		case e.Redacted && e.Kind == KindRedaction:
			fail("entry %d records a redaction and cannot itself be redacted", e.Seq)
		}
		if e.V >= 2 {
			sawV2 = true
		} else {
			v.V1++
		}
		if e.Redacted {
			redacted[e.Seq] = true
		}
		if e.Kind == KindRedaction && !e.Redacted {
			if seq, ok := redactionTargetOf(e); ok && seq < e.Seq {
				announced[seq] = true
			}
		}
		prev = e.Hash
		expect++
		v.Entries = e.Seq
		return nil
	})
	if err != nil || v.Problem != "" {
		return v, err
	}
	for seq := range redacted {
		if !announced[seq] {
			v.BadSeq, v.Problem = seq, fmt.Sprintf("entry %d has no text but no later redaction entry names it", seq)
			return v, nil
		}
	}
	if headSeq != v.Entries || headHash != prev {
		v.Problem = fmt.Sprintf("the timeline ends at entry %d (hash %.12s…) but the incident's recorded head is entry %d (hash %.12s…): entries were removed or added",
			v.Entries, prev, headSeq, headHash)
		v.BadSeq = min(v.Entries, headSeq) + 1
		return v, nil
	}
	v.OK, v.HeadHash = true, prev
	return v, nil
}

// redactionTargetOf is the entry a redaction entry names: data.seq in version 2, its text
// in version 1.
func redactionTargetOf(e Entry) (int64, bool) {
	if e.V >= 2 {
		d, err := DecodeData(e.Data)
		if err != nil || !d.Has("seq") {
			return 0, false
		}
		return d.Int("seq"), true
	}
	return RedactionTarget(e.Text)
}

// RedactionTarget reads the seq back from a redaction entry's text ("redacted entry 7:
// pasted a password").
func RedactionTarget(text string) (int64, bool) {
	rest, ok := strings.CutPrefix(text, "redacted entry ")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, ":")
	seq, err := strconv.ParseInt(num, 10, 64)
	return seq, err == nil
}
