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
		case !e.Redacted && EntryDigest(e) != e.Digest:
			fail("entry %d was altered: its content does not match its digest", e.Seq)
		case ChainHash(prev, e.Digest) != e.Hash:
			fail("entry %d does not link to entry %d: its hash is wrong (altered, inserted or reordered)", e.Seq, e.Seq-1)
		}
		if e.Redacted {
			redacted[e.Seq] = true
		}
		if e.Kind == KindRedaction {
			if seq, ok := RedactionTarget(e.Text); ok {
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
			v.BadSeq, v.Problem = seq, fmt.Sprintf("entry %d has no text but no redaction of it is on the timeline", seq)
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
