package report

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/ioc"
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

// scanEntries fills out[i] from in[i] — secrets masked — and returns the indicators found,
// in order of first appearance. Masking and extraction are the expensive part of a report
// (microseconds per entry, 100,000 entries), so chunks run on every CPU; each chunk keeps
// its own list and the lists are merged in chunk order, so the result does not depend on
// scheduling.
func scanEntries(in []bot.Entry, out []Entry, own *ioc.Own) []IOC {
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
			found[c] = scanRange(in[lo:hi], out[lo:hi], own)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	var all []IOC
	seen := map[iocKey]bool{}
	for _, list := range found {
		for _, x := range list {
			key := iocKey{x.Kind, x.Value}
			if !seen[key] {
				seen[key] = true
				all = append(all, x)
			}
		}
	}
	return all
}

// iocKey identifies an indicator for deduplication (a struct, not a joined string: no
// allocation per indicator seen).
type iocKey struct{ kind, value string }

func scanRange(in []bot.Entry, out []Entry, own *ioc.Own) []IOC {
	var found []IOC
	seen := map[iocKey]bool{}
	for i, e := range in {
		text, masked := e.Text, 0
		if !e.Redacted {
			text, masked = ioc.MaskSecrets(e.Text)
		}
		out[i] = Entry{Seq: e.Seq, At: at(e.At), OccurredAt: at(e.OccurredAt), Actor: e.Actor, Kind: e.Kind, Text: text,
			Decision: decisionKinds[e.Kind], Redacted: e.Redacted, Masked: masked, Digest: e.Digest, Hash: e.Hash}
		if e.Redacted || !iocKinds[e.Kind] {
			continue
		}
		for _, x := range ioc.Extract(withoutPermalink(e.Kind, text)) {
			if own.Contains(x) {
				continue
			}
			key := iocKey{string(x.Kind), x.Value}
			if !seen[key] {
				seen[key] = true
				found = append(found, IOC{Kind: string(x.Kind), Value: x.Value, Defanged: x.Defanged, Seq: e.Seq})
			}
		}
	}
	return found
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
