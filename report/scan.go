package report

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/ioc"
)

// decisionKinds are the entries the report lists under "actions and decisions".
var decisionKinds = map[string]bool{
	bot.KindPhase: true, bot.KindOverride: true, bot.KindSeverity: true, bot.KindType: true,
	bot.KindRole: true, bot.KindLink: true, bot.KindRedaction: true, bot.KindClose: true,
	bot.KindReopen: true, bot.KindClock: true, bot.KindPage: true, bot.KindPlaybook: true, bot.KindAction: true,
}

// iocKinds are the entries whose text people wrote about the attack: notes, status updates
// and pinned messages. Bot-written entries would only add noise (page ids, permalinks).
var iocKinds = map[string]bool{bot.KindNote: true, bot.KindUpdate: true, bot.KindPin: true}

// scanChunk is how many entries one worker takes at a time: large enough that handing out
// work costs nothing, small enough that two workers finish together.
const scanChunk = 512

// ScanMemo keeps what Build derived from each entry's text — the text with secrets
// masked, the indicators in it — between builds of the same incident's report: the web
// view builds a long incident's report again on every change, and only the new entries
// need scanning. An entry is scanned again unless the memo holds it with the same seq,
// kind, redaction and text (and the same own indicators). One Build at a time may use a
// memo.
type ScanMemo struct {
	own *ioc.Own
	at  []scanned // by position in the entries Build scans
}

type scanned struct {
	seq      int64
	kind     string
	text     string // as read, before masking
	redacted bool
	shown    string // masked
	masked   int
	iocs     []IOC // in this entry, own ones left out, each once, in order
}

func (m *scanned) holds(e *bot.Entry) bool {
	return m.seq == e.Seq && m.kind == e.Kind && m.redacted == e.Redacted && m.text == e.Text
}

// scanFold scans batches of entries as the Builder hands them over and gathers the
// indicators, in order of first appearance.
type scanFold struct {
	own    *ioc.Own
	memo   *ScanMemo
	hashes bool // keep each entry's digest and hash
	cpus   int  // at most this many workers (0: one per CPU)
	iocs   []IOC
	seen   map[iocKey]bool
}

func newScanFold(own *ioc.Own, memo *ScanMemo, hashes bool, cpus int) scanFold {
	if memo != nil && memo.own != own {
		memo.own, memo.at = own, nil
	}
	return scanFold{own: own, memo: memo, hashes: hashes, cpus: cpus, seen: map[iocKey]bool{}}
}

// add fills out[i] from in[i] — secrets masked — where in[0] is the timeline's entry at
// position pos. Masking and extraction are the expensive part of a report (microseconds
// per entry, 100,000 entries), so chunks run on every CPU; each chunk keeps its own list
// and the lists are merged in chunk order, so the result does not depend on scheduling.
// The memo (if any) answers for the entries it holds.
func (f *scanFold) add(in []bot.Entry, out []Entry, pos int) {
	var at []scanned
	if m := f.memo; m != nil {
		if grow := pos + len(in) - len(m.at); grow > 0 {
			m.at = append(m.at, make([]scanned, grow)...)
		}
		at = m.at[pos : pos+len(in)]
	}
	chunks := (len(in) + scanChunk - 1) / scanChunk
	found := make([][]IOC, chunks)
	var next atomic.Int64
	work := func() {
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			lo, hi := c*scanChunk, min((c+1)*scanChunk, len(in))
			var m []scanned
			if at != nil {
				m = at[lo:hi]
			}
			found[c] = scanRange(in[lo:hi], out[lo:hi], f.own, m, f.hashes)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if f.cpus > 0 {
		workers = min(workers, f.cpus)
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for _, list := range found {
		for _, x := range list {
			key := iocKey{x.Kind, x.Value}
			if !f.seen[key] {
				f.seen[key] = true
				f.iocs = append(f.iocs, x)
			}
		}
	}
}

// finish returns the indicators; n is how many entries the timeline ended with (a memo
// of a longer one forgets the rest).
func (f *scanFold) finish(n int) []IOC {
	if f.memo != nil && len(f.memo.at) > n {
		f.memo.at = f.memo.at[:n]
	}
	return f.iocs
}

// iocKey identifies an indicator for deduplication (a struct, not a joined string: no
// allocation per indicator seen).
type iocKey struct{ kind, value string }

// scanRange scans in into out; memo (nil, or as long as in) answers for what it holds and
// is filled with the rest. hashes keeps each entry's digest and hash.
func scanRange(in []bot.Entry, out []Entry, own *ioc.Own, memo []scanned, hashes bool) []IOC {
	var found []IOC
	seen := map[iocKey]bool{}
	for i := range in {
		e := &in[i]
		var s scanned
		if memo != nil && memo[i].holds(e) {
			s = memo[i]
		} else {
			s = scanEntry(e, own)
			if memo != nil {
				memo[i] = s
			}
		}
		out[i] = Entry{Seq: e.Seq, At: at(e.At), OccurredAt: at(e.OccurredAt), Actor: e.Actor, Kind: e.Kind, Text: s.shown,
			Decision: decisionKinds[e.Kind], Redacted: e.Redacted, Masked: s.masked}
		if hashes {
			out[i].Digest, out[i].Hash = e.Digest, e.Hash
		}
		for _, x := range s.iocs {
			key := iocKey{x.Kind, x.Value}
			if !seen[key] {
				seen[key] = true
				found = append(found, x)
			}
		}
	}
	return found
}

// scanEntry masks e's secrets and lists the indicators in it.
func scanEntry(e *bot.Entry, own *ioc.Own) scanned {
	s := scanned{seq: e.Seq, kind: e.Kind, text: e.Text, redacted: e.Redacted, shown: e.Text}
	if !e.Redacted {
		s.shown, s.masked = ioc.MaskSecrets(e.Text)
	}
	if e.Redacted || !iocKinds[e.Kind] {
		return s
	}
	seen := map[iocKey]bool{}
	for _, x := range ioc.Extract(withoutPermalink(e.Kind, s.shown)) {
		key := iocKey{string(x.Kind), x.Value}
		if own.Contains(x) || seen[key] {
			continue
		}
		seen[key] = true
		s.iocs = append(s.iocs, IOC{Kind: string(x.Kind), Value: x.Value, Defanged: x.Defanged, Seq: e.Seq})
	}
	return s
}

// withoutPermalink drops the " (https://…)" warroom appends to a pinned message: the link
// to the chat message is not an indicator.
func withoutPermalink(kind, text string) string {
	if kind != bot.KindPin || !strings.HasSuffix(text, ")") {
		return text
	}
	i := strings.LastIndex(text, " (")
	if i < 0 {
		return text
	}
	link := text[i+2 : len(text)-1]
	if strings.Contains(link, "://") && !strings.ContainsAny(link, " \n\t") {
		return text[:i]
	}
	return text
}

// redaction is who removed an entry's text, when and why.
type redaction struct {
	by, reason string
}

// redactions reads the redaction entries ("redacted entry 7: pasted a password"); the
// text is taken from the already masked copy so a secret in a reason is masked too.
func redactions(entries []Entry) map[int64]redaction {
	out := map[int64]redaction{}
	for _, e := range entries {
		if e.Kind != bot.KindRedaction || e.Redacted {
			continue
		}
		rest, ok := strings.CutPrefix(e.Text, "redacted entry ")
		if !ok {
			continue
		}
		num, reason, _ := strings.Cut(rest, ":")
		seq, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			continue
		}
		out[seq] = redaction{by: e.Actor, reason: strings.TrimSpace(reason)}
	}
	return out
}
