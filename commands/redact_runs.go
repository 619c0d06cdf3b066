package commands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Redacting a response action run: a run's parameters are the free text of its request
// entry (bot/actionparams.go), and they reappear in the call's URL, the answer, the posts
// and the row. Redacting the request entry — by number, or `redact run <n>` — removes them
// from all of these: the parameters become secrets searched everywhere, the entries
// holding them are redacted too, and the row's values become "[redacted]", which is what
// verify replays from the redacted entry.

// redactionScope finds everything a redaction of e removes: it scrubs the derived rows and
// the outbox of e's texts, and of the parameters of every run whose request entry is
// redacted along the way (until no new run is reached). It returns the scrub, the entries
// to redact (e first) and the runs whose parameters go.
func (c *call) redactionScope(e bot.Entry) (bot.Scrubbed, []int64, []int64, error) {
	var total bot.Scrubbed
	seqs, runs := []int64{e.Seq}, []int64{}
	secrets := bot.RedactableTexts(e)
	pending := []bot.Entry{e}
	for len(pending) > 0 || len(secrets) > 0 {
		for _, x := range pending {
			k, ok := requestOfRun(x)
			if !ok || slices.Contains(runs, k) {
				continue
			}
			r, err := c.tx.Run(c.inc.Number, k)
			if err != nil {
				return total, nil, nil, err
			}
			if !r.Final() {
				return total, nil, nil, refuse("Entry %d holds the parameters of run %d of %s, which is %s: they are needed until it ends. Deny it (or wait until it has finished), then redact.", x.Seq, r.N, r.Action, r.State)
			}
			runs = append(runs, k)
			secrets = append(secrets, bot.RunSecrets(r.Params)...)
			// The call's and the answer's SHA-256 are of bytes built from the parameters: a
			// hash of a templated address can be reversed by trying every address.
			hashed, err := c.runHashEntries(k)
			if err != nil {
				return total, nil, nil, err
			}
			for _, seq := range hashed {
				if !slices.Contains(seqs, seq) {
					seqs = append(seqs, seq)
				}
			}
		}
		pending = nil
		if len(secrets) == 0 {
			break
		}
		scrub, err := c.tx.ScrubReaching(c.inc.Number, secrets, c.mayRedactIn)
		if err != nil {
			return total, nil, nil, err
		}
		secrets = nil
		total.Rows, total.Outbox = total.Rows+scrub.Rows, total.Outbox+scrub.Outbox
		// A message a later pass rewrote again is still one message.
		total.Uploaded = addIDs(total.Uploaded, scrub.Uploaded)
		total.Direct = addIDs(total.Direct, scrub.Direct)
		for _, o := range scrub.Posted {
			if !slices.ContainsFunc(total.Posted, func(p bot.Outbound) bool { return p.ID == o.ID }) {
				total.Posted = append(total.Posted, o)
			}
		}
		for _, seq := range scrub.Entries {
			if slices.Contains(seqs, seq) {
				continue
			}
			seqs = append(seqs, seq)
			x, err := c.tx.Entry(c.inc.Number, seq)
			if err != nil {
				return total, nil, nil, err
			}
			pending = append(pending, x)
		}
	}
	total.Entries = seqs[1:]
	return total, seqs, runs, nil
}

// addIDs adds to ids those of more it does not hold yet.
func addIDs(ids, more []int64) []int64 {
	for _, id := range more {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// requestOfRun is the run whose request entry e is.
func requestOfRun(e bot.Entry) (int64, bool) {
	if e.Kind != bot.KindAction {
		return 0, false
	}
	d, err := bot.DecodeData(e.Data)
	if err != nil || d.Str("event") != "request" {
		return 0, false
	}
	return d.Int("run"), d.Int("run") > 0
}

// runHashEntries are the unredacted entries of run k that record a hash of what was sent or
// answered (the call, the drill, the result).
func (c *call) runHashEntries(k int64) ([]int64, error) {
	var out []int64
	err := c.tx.EachEntryOfKind(c.inc.Number, []string{bot.KindAction}, func(e bot.Entry) error {
		d, err := bot.DecodeData(e.Data)
		if err != nil || e.Redacted || d.Int("run") != k {
			return nil
		}
		if ev := d.Str("event"); ev == "call" || ev == "drill" || ev == "result" {
			out = append(out, e.Seq)
		}
		return nil
	})
	return out, err
}

// runRequestEntry finds the request entry of run k (`redact run <k> <reason>`).
func (c *call) runRequestEntry(arg string) (bot.Entry, error) {
	k, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || k <= 0 {
		return bot.Entry{}, refuse("%q is not a run number (see /incident actions).", arg)
	}
	var found bot.Entry
	err = c.tx.EachEntryOfKind(c.inc.Number, []string{bot.KindAction}, func(e bot.Entry) error {
		if n, ok := requestOfRun(e); ok && n == k {
			found = e
		}
		return nil
	})
	if err == nil && found.Seq == 0 {
		return found, refuse("%s has no run %d (see /incident actions).", c.inc.ID(), k)
	}
	return found, err
}

// redactRunsSaid tells what a redaction removed of runs.
func redactRunsSaid(runs []int64) string {
	if len(runs) == 0 {
		return ""
	}
	parts := make([]string, len(runs))
	for i, k := range runs {
		parts[i] = strconv.FormatInt(k, 10)
	}
	return fmt.Sprintf("The parameters of run %s are removed: the run's record shows them as %s.", strings.Join(parts, ", "), bot.RedactedText)
}

// mayRedactIn says whether the caller may redact in incident m too (a steward there: its
// commander, acting commander or scribe, or a lead): a redaction reaches another
// incident's messages that hold its text only then. Anyone may declare an incident and
// redact a word of it; reaching every incident let them edit other, private incidents'
// posts and count what those held. Operations of no incident (m = 0: a page outside any
// incident and its direct messages, a hand-off, a triage post) are reached only by a lead's
// redaction, for the same reason: they are other people's messages.
func (c *call) mayRedactIn(m int64) (bool, error) {
	if m == 0 {
		return c.e.cfg.IsLead(c.who), nil
	}
	inc, err := c.tx.Incident(m)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s, err := c.standingOf(c.who, inc)
	return s.steward(), err
}
