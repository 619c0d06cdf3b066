package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/report"
)

// Live updates: the incident page opens /incidents/INC-n/events (Server-Sent Events) and
// gets each new timeline entry as it is committed. One hub reads each watched incident's
// new entries once per change, however many browsers watch it, and hands the same bytes
// to each. The engine wakes it after every command (Changed); a poll catches anything
// else (timers, another process).

const (
	pollEvery = time.Second
	// maxReplay bounds what a reconnecting browser is sent; further behind, it is told to
	// reload the page.
	maxReplay = 500
	subBuffer = 64
)

type subscriber struct {
	n      int64
	cursor int64  // the last seq handed over; the hub's own after add
	shown  string // the name the watcher may see the incident under; a withheld title is scrubbed
	ch     chan []byte
	gone   chan struct{} // closed when the hub drops a subscriber that cannot keep up
}

type hub struct {
	s    *Server
	mu   sync.Mutex
	subs map[int64]map[*subscriber]bool
	kick chan struct{}
}

func newHub(s *Server) *hub {
	return &hub{s: s, subs: map[int64]map[*subscriber]bool{}, kick: make(chan struct{}, 1)}
}

func (h *hub) wake() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

func (h *hub) add(sub *subscriber) {
	h.mu.Lock()
	if h.subs[sub.n] == nil {
		h.subs[sub.n] = map[*subscriber]bool{}
	}
	h.subs[sub.n][sub] = true
	h.mu.Unlock()
	h.wake()
}

func (h *hub) remove(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[sub.n], sub)
	if len(h.subs[sub.n]) == 0 {
		delete(h.subs, sub.n)
	}
}

func (h *hub) run(ctx context.Context) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.kick:
		case <-t.C:
		}
		if err := h.deliver(ctx); err != nil && ctx.Err() == nil {
			h.s.o.Log.Warn("web view live updates", "err", err)
		}
	}
}

// deliver hands every watcher the entries it has not had yet.
func (h *hub) deliver(ctx context.Context) error {
	h.mu.Lock()
	watched := make(map[int64][]*subscriber, len(h.subs))
	for n, set := range h.subs {
		for sub := range set {
			watched[n] = append(watched[n], sub)
		}
	}
	h.mu.Unlock()
	var errs []error
	for n, subs := range watched {
		errs = append(errs, h.deliverIncident(ctx, n, subs))
	}
	return errors.Join(errs...)
}

func (h *hub) deliverIncident(ctx context.Context, n int64, subs []*subscriber) error {
	from := subs[0].cursor
	for _, sub := range subs {
		from = min(from, sub.cursor)
	}
	var inc *bot.Incident
	var batch []bot.Entry
	err := h.s.o.Store.View(ctx, func(rd Reader) error {
		head, err := rd.HeadSeq(n)
		if err != nil || head <= from {
			return err
		}
		if inc, err = rd.Incident(n); err != nil {
			return err
		}
		return rd.EntriesAfter(n, max(from, head-maxReplay), func(e bot.Entry) error { batch = append(batch, e); return nil })
	})
	if err != nil || len(batch) == 0 {
		return err
	}
	rep := report.Build(report.Data{Incident: *inc, Entries: batch})
	plain := make([][]byte, len(rep.Timeline))
	for i := range rep.Timeline {
		plain[i] = entryEvent(&rep.Timeline[i], nil)
	}
	// A watcher who may not see the title gets the text with it replaced: rendered once per
	// name (there is at most one other, the codename).
	scrubbed := map[string][][]byte{}
	first := batch[0].Seq
	for _, sub := range subs {
		events := plain
		if sub.shown != inc.Title {
			if scrubbed[sub.shown] == nil {
				scrub := scrubber(inc, sub.shown)
				for i := range rep.Timeline {
					scrubbed[sub.shown] = append(scrubbed[sub.shown], entryEvent(&rep.Timeline[i], scrub))
				}
			}
			events = scrubbed[sub.shown]
		}
		if sub.cursor < first-1 {
			// Too far behind to replay: the page is reloaded instead.
			h.send(sub, []byte("event: reload\ndata: {}\n\n"))
			sub.cursor = batch[len(batch)-1].Seq
			continue
		}
		for i, b := range events {
			if rep.Timeline[i].Seq > sub.cursor && !h.send(sub, b) {
				break
			}
		}
		sub.cursor = batch[len(batch)-1].Seq
	}
	return nil
}

// send hands b to sub without waiting; a subscriber whose buffer is full is dropped (its
// browser reconnects and catches up from its last event id).
func (h *hub) send(sub *subscriber, b []byte) bool {
	select {
	case sub.ch <- b:
		return true
	default:
		h.remove(sub)
		select {
		case <-sub.gone:
		default:
			close(sub.gone)
		}
		return false
	}
}

// liveEntry is an event's data: one entry as the page shows it.
type liveEntry struct {
	Seq      int64  `json:"seq"`
	When     string `json:"when"`
	Actor    string `json:"actor"`
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	Decision bool   `json:"decision"`
}

func entryEvent(e *report.Entry, scrub func(string) string) []byte {
	text := report.ShownText(e)
	if scrub != nil {
		text = scrub(text)
	}
	data, _ := json.Marshal(liveEntry{Seq: e.Seq, When: e.OccurredAt.UTC().Format("2006-01-02 15:04:05"), Actor: e.Actor,
		Kind: e.Kind, Text: text, Decision: e.Decision})
	b := make([]byte, 0, len(data)+40)
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, "\nevent: entry\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// events is /incidents/INC-n/events.
func (s *Server) events(w http.ResponseWriter, r *http.Request, sess *session) {
	n, ok := incidentNumber(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	var shown string
	var head int64
	err := s.o.Store.View(r.Context(), func(rd Reader) error {
		inc, name, err := s.visible(rd, n, sess.Person)
		if err != nil {
			return err
		}
		shown, head = name, inc.HeadSeq
		return nil
	})
	// The stream replays the timeline: a view like the page, so it is a read-in too.
	if !s.readDone(w, r, sess, n, err) {
		return
	}
	after := head
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("after")} {
		if k, err := strconv.ParseInt(v, 10, 64); err == nil && k >= 0 && k <= head {
			after = k
			break
		}
	}
	rc := http.NewResponseController(w)
	// A stream outlives the server's write timeout; a dead client shows as a failed write.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 3000\n\n")); err != nil || rc.Flush() != nil {
		return
	}
	sub := &subscriber{n: n, cursor: after, shown: shown, ch: make(chan []byte, subBuffer), gone: make(chan struct{})}
	s.hub.add(sub)
	defer s.hub.remove(sub)
	recheck := time.NewTicker(s.o.Recheck)
	defer recheck.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sub.gone:
			return
		case b := <-sub.ch:
			if _, err := w.Write(b); err != nil || rc.Flush() != nil {
				return
			}
		case <-recheck.C:
			if !s.stillAllowed(r, sess, n) {
				_, _ = w.Write([]byte("event: signedout\ndata: {}\n\n"))
				_ = rc.Flush()
				return
			}
			if _, err := w.Write([]byte(": ping\n\n")); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// stillAllowed re-checks an open stream's session and the person's access.
func (s *Server) stillAllowed(r *http.Request, sess *session, n int64) bool {
	current, err := s.session(r)
	if err != nil || current == nil || current.ID != sess.ID {
		return false
	}
	err = s.o.Store.View(r.Context(), func(rd Reader) error {
		_, _, err := s.visible(rd, n, sess.Person)
		return err
	})
	return err == nil
}
