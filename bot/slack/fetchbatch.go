package slack

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Reactions in one channel share their reads. While a read of a channel is in flight, the
// reactions arriving there wait for the next one, and that one read fetches all of them with
// a single conversations.history window (oldest = the earliest ts, latest = the newest,
// inclusive). A reaction alone is read exactly as before (one message at exactly ts); a
// burst costs one call per window instead of one per reaction. Nothing is held back to make
// a batch: a read starts as soon as no other is in flight in that channel, and channels
// never wait for each other.
//
// It is what Slack's limits call for: conversations.history is Tier 3 (about 50 calls a
// minute per workspace), and for apps outside the Marketplace installed since May 2025 one
// call a minute of at most 15 messages. One call per reaction is 429s as soon as people pin
// faster than that; here a rate-limited read keeps the reactions arriving during its wait
// and its next attempt reads them all. A window Slack cuts short (has_more: the limit, or
// Slack's own smaller cap) is continued below the oldest message it gave, so no reacted
// message is skipped however many others lie between.

// readWindowLimit is how many messages one window asks for (Slack's recommended most is 200;
// it may give fewer, which has_more tells).
const readWindowLimit = 100

// readResult is one reacted message as read, or why it could not be.
type readResult struct {
	msg *bot.ChatMessage
	err error
}

// errReadLost answers a reaction whose shared read ended without reaching it (a panic
// while reading): it is reported as unreadable rather than left waiting.
var errReadLost = errors.New("slack: the read of a reacted message ended without an answer")

// readQueue holds, per channel, the reactions waiting for a read.
type readQueue struct {
	mu       sync.Mutex
	channels map[string]*channelReads
}

type channelReads struct {
	want map[string][]chan<- readResult // ts → reactions waiting for it
}

// join adds a reaction waiting for channel's message ts. lead is true when no read of the
// channel is in flight: the caller then runs one.
func (q *readQueue) join(channel, ts string, w chan<- readResult) (lead bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.channels == nil {
		q.channels = map[string]*channelReads{}
	}
	c := q.channels[channel]
	if c == nil {
		c = &channelReads{want: map[string][]chan<- readResult{}}
		q.channels[channel] = c
		lead = true
	}
	c.want[ts] = append(c.want[ts], w)
	return lead
}

// take hands the reactions waiting in channel to the read in flight.
func (q *readQueue) take(channel string) map[string][]chan<- readResult {
	q.mu.Lock()
	defer q.mu.Unlock()
	c := q.channels[channel]
	if c == nil || len(c.want) == 0 {
		return nil
	}
	w := c.want
	c.want = map[string][]chan<- readResult{}
	return w
}

// finish ends the read in flight in channel. more is true when reactions arrived meanwhile
// (a next read is due and the channel stays busy); otherwise the channel is forgotten.
func (q *readQueue) finish(channel string) (more bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if c := q.channels[channel]; c != nil && len(c.want) > 0 {
		return true
	}
	delete(q.channels, channel)
	return false
}

// abandon forgets channel and returns whoever still waits in it (shutting down).
func (q *readQueue) abandon(channel string) map[string][]chan<- readResult {
	q.mu.Lock()
	defer q.mu.Unlock()
	c := q.channels[channel]
	delete(q.channels, channel)
	if c == nil {
		return nil
	}
	return c.want
}

// readShared reads message ts of channel together with the other reactions there.
func (a *Adapter) readShared(ctx context.Context, channel, ts string) readResult {
	w := make(chan readResult, 1)
	if a.reads.join(channel, ts, w) {
		a.readRound(ctx, channel)
	}
	return <-w
}

// readRound reads what waits in channel, answers every reaction it took (each its own copy
// of the message), and hands the channel on to a next round when more arrived.
func (a *Adapter) readRound(ctx context.Context, channel string) {
	waiting := a.reads.take(channel)
	if waiting == nil {
		waiting = map[string][]chan<- readResult{}
	}
	got := map[string]readResult{}
	defer func() {
		deliver(waiting, got, readResult{err: errReadLost})
		if a.reads.finish(channel) && !a.tasks.goAsync(func(ctx context.Context) { a.readRound(ctx, channel) }) {
			deliver(a.reads.abandon(channel), nil, readResult{err: errShuttingDown})
		}
	}()
	var replies []string // not top-level messages: each is read from its thread
	err := a.retry(ctx, fetchAttempts, fetchMaxWait, func() error {
		// Reactions that came during a wait between attempts join this read.
		for ts, ws := range a.reads.take(channel) {
			waiting[ts] = append(waiting[ts], ws...)
		}
		more, err := a.readWindows(ctx, channel, unread(waiting, got, replies), got)
		replies = append(replies, more...)
		return err
	})
	if err != nil {
		for ts := range waiting {
			if _, ok := got[ts]; !ok {
				got[ts] = readResult{err: err}
			}
		}
		return
	}
	for _, ts := range replies {
		ws := waiting[ts]
		delete(waiting, ts)
		// A thread reply is read on its own, so its retries hold up no other reaction.
		if !a.tasks.goAsync(func(ctx context.Context) {
			r := readResult{err: errReadLost}
			defer func() { deliver(map[string][]chan<- readResult{ts: ws}, nil, r) }()
			r.err = a.retry(ctx, fetchAttempts, fetchMaxWait, func() error {
				var err error
				r.msg, err = a.readReply(ctx, channel, ts)
				return err
			})
		}) {
			deliver(map[string][]chan<- readResult{ts: ws}, nil, readResult{err: errShuttingDown})
		}
	}
}

// errShuttingDown answers reactions whose read could not start because the adapter is
// stopping; fetchMessage drops them as abandoned.
var errShuttingDown = errors.New("slack: shutting down before the reacted message was read")

// unread is what is still to be read from history, oldest first: the reactions waiting,
// less those read and those known to be thread replies.
func unread(waiting map[string][]chan<- readResult, got map[string]readResult, replies []string) []string {
	out := make([]string, 0, len(waiting))
	for ts := range waiting {
		if _, ok := got[ts]; !ok && !slices.Contains(replies, ts) {
			out = append(out, ts)
		}
	}
	slices.SortFunc(out, compareTS)
	return out
}

// readWindows reads the top-level messages among tss (oldest first) into got and returns
// the rest, which are not top-level messages (thread replies, or gone). Each window is
// latest = the newest still unread, oldest = the oldest; when Slack cuts it short, what it
// gave settles every ts down to its oldest message and the next window starts below that,
// so every call settles at least the newest ts left.
func (a *Adapter) readWindows(ctx context.Context, channel string, tss []string, got map[string]readResult) (replies []string, err error) {
	for len(tss) > 0 {
		limit := readWindowLimit
		if len(tss) == 1 {
			limit = 1
		}
		hist, err := a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Oldest: tss[0], Latest: tss[len(tss)-1], Inclusive: true, Limit: limit})
		if err != nil {
			return replies, mapError(err)
		}
		for i := range hist.Messages {
			m := &hist.Messages[i]
			// Found only by the exact string the event gave, as a lookup by ts always was.
			if _, ok := slices.BinarySearchFunc(tss, m.Timestamp, compareTS); ok {
				if _, done := got[m.Timestamp]; !done {
					got[m.Timestamp] = readResult{msg: a.chatMessage(ctx, channel, m.Timestamp, m)}
				}
			}
		}
		settled := 0 // tss[settled:] are settled by this window
		if hist.HasMore && len(hist.Messages) > 0 {
			oldest := hist.Messages[len(hist.Messages)-1].Timestamp
			settled, _ = slices.BinarySearchFunc(tss, oldest, compareTS)
		}
		for _, ts := range tss[settled:] {
			if _, ok := got[ts]; !ok {
				replies = append(replies, ts)
			}
		}
		tss = tss[:settled]
	}
	return replies, nil
}

// deliver answers each waiting reaction with its result from got, or with missing.
func deliver(waiting map[string][]chan<- readResult, got map[string]readResult, missing readResult) {
	for ts, ws := range waiting {
		r, ok := got[ts]
		if !ok {
			r = missing
		}
		for _, w := range ws {
			c := r
			if r.msg != nil {
				m := *r.msg // each reaction its own copy: the engine may annotate it
				c.msg = &m
			}
			w <- c
		}
	}
}

// compareTS orders Slack timestamps ("seconds.micros") by time; strings that are not
// timestamps sort by their text after those that are.
func compareTS(a, b string) int {
	as, am, aok := splitTS(a)
	bs, bm, bok := splitTS(b)
	switch {
	case aok && bok && as != bs:
		return cmp.Compare(as, bs)
	case aok && bok && am != bm:
		return cmp.Compare(am, bm)
	case aok && bok:
		return strings.Compare(a, b)
	case aok:
		return -1
	case bok:
		return 1
	}
	return strings.Compare(a, b)
}

// splitTS reads "1700000000.000100" as seconds and microseconds.
func splitTS(ts string) (sec, micros int64, ok bool) {
	s, frac, _ := strings.Cut(ts, ".")
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || len(frac) > 6 {
		return 0, 0, false
	}
	if frac != "" {
		if micros, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return sec, micros, true
}
