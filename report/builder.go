package report

import (
	"time"

	"github.com/warroom/warroom/bot"
)

// Builder builds a report from a timeline handed over one entry at a time, so that a
// caller streaming a long timeline from the store never holds it whole: what the report
// keeps of an entry (its Entry, with the text masked) is all that stays. Build is a
// Builder fed from Data.Entries; the two give the same report byte for byte.
type Builder struct {
	d        Data // Entries unused
	aud      audienceFold
	facts    bot.Facts // of the entries the edition holds
	recorded bot.Facts // of every entry (an audience's edition only)
	runs     runFold
	timeline []Entry
	scan     scanFold
	pending  []bot.Entry // entries waiting to be scanned, in order
	last     time.Time   // the latest kept entry's recording time
	names    map[string]string
}

// scanBatch is how many entries wait before being scanned together (on every CPU): enough
// to keep the workers busy, few enough that holding them costs nothing.
const scanBatch = 8 * scanChunk

// NewBuilder starts the report of d, whose entries are then handed to Add in seq order
// (d.Entries is not read). incidentTLP is the incident's label (IncidentTLP over its
// declaration and TLP entries): an entry's label defaults to it, so it must be known
// before the first entry. size is how many entries to expect (0: unknown).
func NewBuilder(d Data, incidentTLP bot.TLP, size int) *Builder {
	d.Entries = nil
	b := &Builder{d: d, facts: bot.FoldFacts(nil), timeline: make([]Entry, 0, size), names: map[string]string{}}
	b.aud = newAudienceFold(d.Audience, incidentTLP)
	if d.Audience != bot.TLPUnset {
		b.recorded = bot.FoldFacts(nil)
	}
	b.runs.byN = map[int64]*run{}
	b.scan = newScanFold(d.Own, d.Scans, !d.OmitEntryHashes, d.Workers)
	return b
}

// Add hands over the next timeline entry. The builder keeps no reference to e.
func (b *Builder) Add(e *bot.Entry) {
	if b.d.Audience != bot.TLPUnset {
		b.recorded.Apply(*e)
	}
	if !b.aud.keep(e) {
		return
	}
	b.facts.Apply(*e)
	b.runs.add(e)
	b.last = e.At
	b.pending = append(b.pending, *e)
	p := &b.pending[len(b.pending)-1]
	// Every entry's actor and kind come from the store as strings of their own; the
	// report keeps one copy of each name.
	p.Actor, p.Kind = b.name(p.Actor), b.name(p.Kind)
	if len(b.pending) == scanBatch {
		b.flush()
	}
}

func (b *Builder) name(s string) string {
	if v, ok := b.names[s]; ok {
		return v
	}
	b.names[s] = s
	return s
}

// flush scans the pending entries onto the timeline.
func (b *Builder) flush() {
	if len(b.pending) == 0 {
		return
	}
	lo := len(b.timeline)
	b.timeline = append(b.timeline, make([]Entry, len(b.pending))...)
	b.scan.add(b.pending, b.timeline[lo:], lo)
	clear(b.pending)
	b.pending = b.pending[:0]
}

// SetIntegrity records the verdict on the chain and the checkpoints, for a caller that
// checks the entries while it streams them (so knows the verdict only after the last).
func (b *Builder) SetIntegrity(v bot.Verdict, checkpoints []bot.Checkpoint) {
	b.d.Integrity, b.d.Checkpoints = v, checkpoints
}

// Report finishes the report. The Builder must not be used afterwards.
func (b *Builder) Report() Report {
	b.flush()
	b.pending = nil
	d := b.d
	class, labels := b.aud.finish(&d)
	if b.d.Audience != bot.TLPUnset {
		return build(d, b, class, labels, b.recorded)
	}
	return build(d, b, class, labels, b.facts)
}
