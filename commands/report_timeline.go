package commands

import "github.com/warroom/warroom/bot"

// ReportTimeline is an incident's timeline as a report loads it: the entries, and the
// chain check and projection replay run over them. Handed back to the next LoadReport of
// the same incident (ReportOptions.Timeline), it lets that load read and check only the
// entries appended since; what that does not see — a row altered behind warroom's back
// after it was checked — only a load that starts over does (bot.ChainCheck).
type ReportTimeline struct {
	Entries []bot.Entry
	Chain   *bot.ChainCheck
	Proj    bot.Projection
	// Read is how many entries this load read and checked: all of them when it started
	// over (Full), the new ones when it extended an earlier load.
	Read int
	Full bool
}

// entriesAfter is what extending a timeline needs from the store.
type entriesAfter interface {
	EntriesAfter(n, after int64, fn func(bot.Entry) error) error
}

// CheckTimeline reads inc's entries and checks them, extending prev (nil or empty: none)
// when it can. It starts over when the store cannot read a tail, when prev is not a
// prefix of inc's recorded head, and when a new entry is a redaction: a redaction
// empties an earlier entry, which prev still holds with its text.
func CheckTimeline(src ReportSource, inc *bot.Incident, prev *ReportTimeline) (*ReportTimeline, error) {
	tail, ok := src.(entriesAfter)
	if prev == nil || prev.Chain == nil || !ok || prev.Chain.Seq() != int64(len(prev.Entries)) ||
		len(prev.Entries) > 0 && prev.Entries[0].Incident != inc.ID() || inc.HeadSeq < prev.Chain.Seq() {
		return readWholeTimeline(src, inc)
	}
	var fresh []bot.Entry
	redaction := false
	if err := tail.EntriesAfter(inc.Number, prev.Chain.Seq(), func(e bot.Entry) error {
		redaction = redaction || e.Kind == bot.KindRedaction
		fresh = append(fresh, e)
		return nil
	}); err != nil {
		return nil, err
	}
	if redaction {
		return readWholeTimeline(src, inc)
	}
	// A new slice: prev's may be shared with reports built from it.
	t := &ReportTimeline{Entries: make([]bot.Entry, 0, len(prev.Entries)+len(fresh)), Chain: prev.Chain.Clone(),
		Proj: prev.Proj.Clone(), Read: len(fresh)}
	t.Entries = append(append(t.Entries, prev.Entries...), fresh...)
	for _, e := range fresh {
		t.Proj.Apply(e)
		t.Chain.Add(e)
	}
	return t, nil
}

func readWholeTimeline(src ReportSource, inc *bot.Incident) (*ReportTimeline, error) {
	// The timeline is the one large input: sized from the recorded head, it is allocated once.
	t := &ReportTimeline{Entries: make([]bot.Entry, 0, inc.HeadSeq), Chain: bot.NewChainCheck(inc.ID()), Full: true}
	err := src.EachEntry(inc.Number, func(e bot.Entry) error {
		t.Entries = append(t.Entries, e)
		t.Proj.Apply(e)
		t.Chain.Add(e)
		return nil
	})
	t.Read = len(t.Entries)
	return t, err
}
