package bot

import (
	"fmt"
	"maps"
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
	c := NewChainCheck(incident)
	if err := each(func(e Entry) error { c.Add(e); return nil }); err != nil {
		return c.v, err
	}
	return c.Verdict(headSeq, headHash), nil
}

// ChainCheck is VerifyChain one entry at a time. Its state after a prefix of the timeline
// can be kept and extended by the entries appended later, so a long timeline that was
// checked once is not read and re-derived again for every new entry (the web view). What
// it then vouches for is the prefix as it was when it was added: a row altered since is
// only seen by a check that starts over.
type ChainCheck struct {
	v         Verdict
	prev      string
	redacted  map[int64]bool // entries without text …
	announced map[int64]bool // … and the ones a later redaction entry names
	sawV2     bool
}

// NewChainCheck starts checking incident's timeline from its first entry.
func NewChainCheck(incident string) *ChainCheck {
	return &ChainCheck{v: Verdict{Incident: incident}, prev: GenesisHash, redacted: map[int64]bool{}, announced: map[int64]bool{}}
}

// Clone is an independent copy: extending it leaves c as it was.
func (c *ChainCheck) Clone() *ChainCheck {
	d := *c
	d.redacted, d.announced = maps.Clone(c.redacted), maps.Clone(c.announced)
	return &d
}

// Seq is the last entry added (0 before the first); Hash its hash.
func (c *ChainCheck) Seq() int64   { return c.v.Entries }
func (c *ChainCheck) Hash() string { return c.prev }

// Failed says whether an entry added so far does not verify; once it has, the check stays
// failed whatever is added after.
func (c *ChainCheck) Failed() bool { return c.v.Problem != "" }

// Add checks the next entry.
func (c *ChainCheck) Add(e Entry) {
	v := &c.v
	if v.Problem != "" {
		return
	}
	fail := func(format string, args ...any) {
		v.BadSeq, v.Problem = e.Seq, fmt.Sprintf(format, args...)
	}
	expect := v.Entries + 1
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
	case e.V < 2 && c.sawV2:
		fail("entry %d claims chain version 1 after version 2 entries", e.Seq)
	case e.V >= 2 && EntryDigest(e) != e.Digest:
		fail("entry %d was altered: its content does not match its digest", e.Seq)
	case e.V >= 2 && !e.Redacted && TextCommit(e.Salt, e.Text) != e.TextCommit:
		fail("entry %d was altered: its text does not match its text commitment", e.Seq)
	case e.V >= 2 && e.Redacted && (e.Text != "" || e.Salt != ""):
		fail("entry %d is marked redacted but still holds text", e.Seq)
	case e.V < 2 && !e.Redacted && EntryDigest(e) != e.Digest:
		fail("entry %d was altered: its content does not match its digest", e.Seq)
	case ChainHash(c.prev, e.Digest) != e.Hash:
		fail("entry %d does not link to entry %d: its hash is wrong (altered, inserted or reordered)", e.Seq, e.Seq-1)
	case e.Redacted && e.Kind == KindRedaction:
		fail("entry %d records a redaction and cannot itself be redacted", e.Seq)
	}
	if e.V >= 2 {
		c.sawV2 = true
	} else {
		v.V1++
	}
	if e.Redacted {
		c.redacted[e.Seq] = true
	}
	if e.Kind == KindRedaction && !e.Redacted {
		if seq, ok := redactionTargetOf(e); ok && seq < e.Seq {
			c.announced[seq] = true
		}
	}
	c.prev = e.Hash
	v.Entries = e.Seq
}

// Verdict is the outcome for the entries added so far, against the head the incident
// records.
func (c *ChainCheck) Verdict(headSeq int64, headHash string) Verdict {
	v := c.v
	if v.Problem != "" {
		return v
	}
	for seq := range c.redacted {
		if !c.announced[seq] {
			v.BadSeq, v.Problem = seq, fmt.Sprintf("entry %d has no text but no later redaction entry names it", seq)
			return v
		}
	}
	if headSeq != v.Entries || headHash != c.prev {
		v.Problem = fmt.Sprintf("the timeline ends at entry %d (hash %.12s…) but the incident's recorded head is entry %d (hash %.12s…): entries were removed or added",
			v.Entries, c.prev, headSeq, headHash)
		v.BadSeq = min(v.Entries, headSeq) + 1
		return v
	}
	v.OK, v.HeadHash = true, c.prev
	return v
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
