package slack

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/warroom/warroom/bot"
)

// The answers to one person's reactions in one channel share their ephemeral messages.
// While an answer to them there is being sent, the ones that come next wait and go together
// in one chat.postEphemeral, a line each, the same line repeated once with its count ("…
// (×12)"). An answer that finds nothing in flight goes at once, alone, as it always did:
// nothing is held back to make a batch. Someone pinning a burst of messages gets a few
// messages instead of one per pin, and the app makes a few calls instead of one per pin
// (chat.postEphemeral is Tier 4, about 100 a minute per workspace).

// maxJoinedReply bounds the rendered text of one joined answer: what is left waits for the
// next. One section of Block Kit holds 3,000 characters.
const maxJoinedReply = 3000

type replyKey struct{ channel, user string }

// replyQueue holds the answers waiting while another to the same person and channel is sent.
type replyQueue struct {
	mu      sync.Mutex
	waiting map[replyKey][]bot.Reply
}

// add queues r behind an answer in flight to k; lead is true when there is none: the
// caller then sends r, and whatever queues meanwhile (next).
func (q *replyQueue) add(k replyKey, r bot.Reply) (lead bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting == nil {
		q.waiting = map[replyKey][]bot.Reply{}
	}
	if w, busy := q.waiting[k]; busy {
		q.waiting[k] = append(w, r)
		return false
	}
	q.waiting[k] = []bot.Reply{}
	return true
}

// next takes the answers queued for k, as many as one message holds; none ends the
// sending (k is forgotten).
func (q *replyQueue) next(k replyKey) []bot.Reply {
	q.mu.Lock()
	defer q.mu.Unlock()
	w := q.waiting[k]
	if len(w) == 0 {
		delete(q.waiting, k)
		return nil
	}
	n, size := 0, 0
	for n < len(w) && (n == 0 || size+len(slackText(w[n].Text)) <= maxJoinedReply) {
		size += len(slackText(w[n].Text))
		n++
	}
	q.waiting[k] = w[n:]
	return w[:n:n]
}

// forget drops k's queue (the sender stopped without finishing it).
func (q *replyQueue) forget(k replyKey) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.waiting, k)
}

// reactionReply shows a reaction's answer to user in channel, joined with the answers that
// queue behind it.
func (a *Adapter) reactionReply(ctx context.Context, channel, user string, reply bot.Reply) {
	k := replyKey{channel, user}
	if !a.replies.add(k, reply) {
		return // the sender in flight takes it
	}
	finished := false
	defer func() {
		if !finished { // a panic: later answers must not queue behind a sender that is gone
			a.replies.forget(k)
		}
	}()
	for batch := []bot.Reply{reply}; batch != nil; batch = a.replies.next(k) {
		a.ephemeralReply(ctx, channel, user, joinReplies(batch))
	}
	finished = true
}

// joinReplies is one answer of several: a line each, a line repeated next to itself
// written once with its count.
func joinReplies(rs []bot.Reply) bot.Reply {
	if len(rs) == 1 {
		return rs[0]
	}
	var lines []bot.Text
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && slackText(rs[j].Text) == slackText(rs[i].Text) {
			j++
		}
		line := rs[i].Text
		if j-i > 1 {
			line = slices.Clone(line).Append(bot.Plain(" (×" + strconv.Itoa(j-i) + ")")...)
		}
		lines = append(lines, line)
		i = j
	}
	return bot.Reply{Text: bot.Join(lines, "\n"), Verb: rs[0].Verb}
}
