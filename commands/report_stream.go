package commands

import (
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/report"
)

// entriesOfKind is what reading the incident's label ahead of its timeline needs.
type entriesOfKind interface {
	EachEntryOfKind(n int64, kinds []string, fn func(bot.Entry) error) error
}

// StreamReport builds incident n's report reading its timeline once, entry by entry,
// into a report.Builder: each entry is checked (chain, projection) as it goes by, and
// only what the report keeps of it (report.Entry, text masked) stays in memory — not the
// stored entry with its salt, commitment and data as well (`warroom report` on a
// 100,000-entry incident). The report is the one Build makes from LoadReport's Data.
func StreamReport(src ReportSource, n int64, o ReportOptions) (report.Report, error) {
	d, err := loadReportParts(src, n, o)
	if err != nil {
		return report.Report{}, err
	}
	// An entry's label defaults to the incident's, which its last TLP entry sets: read
	// those (a few) first.
	var labelled []bot.Entry
	keepLabelled := func(e bot.Entry) error {
		if e.Kind == bot.KindDeclared || e.Kind == bot.KindTLP {
			labelled = append(labelled, e)
		}
		return nil
	}
	if k, ok := src.(entriesOfKind); ok {
		err = k.EachEntryOfKind(n, report.IncidentTLPKinds, keepLabelled)
	} else {
		err = src.EachEntry(n, keepLabelled)
	}
	if err != nil {
		return report.Report{}, err
	}
	// The checkpoints name entries by seq: their hashes are kept while streaming.
	wanted, hashes := map[int64]bool{}, map[int64]string{}
	if cs, ok := src.(reportCheckpoints); ok {
		cps, err := cs.Checkpoints(n)
		if err != nil {
			return report.Report{}, err
		}
		for _, c := range cps {
			wanted[c.Seq] = true
		}
	}
	b := report.NewBuilder(d, report.IncidentTLP(labelled, d.DefaultTLP), int(min(max(d.Incident.HeadSeq, 0), 1<<20)))
	chain, proj := bot.NewChainCheck(d.Incident.ID()), bot.Projection{}
	if err := src.EachEntry(n, func(e bot.Entry) error {
		proj.Apply(e)
		chain.Add(e)
		if wanted[e.Seq] {
			hashes[e.Seq] = e.Hash
		}
		b.Add(&e)
		return nil
	}); err != nil {
		return report.Report{}, err
	}
	hashAt := func(seq int64) (string, bool) {
		h, ok := hashes[seq]
		return h, ok
	}
	if err := verifyForReport(src, &d, chain, &proj, hashAt); err != nil {
		return report.Report{}, err
	}
	b.SetIntegrity(d.Integrity, d.Checkpoints)
	return b.Report(), nil
}
