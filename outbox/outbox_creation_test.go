package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// creationStore is laneStore handing out channel creations first, as the storage does.
type creationStore struct{ *laneStore }

func (s creationStore) DueOutbound(ctx context.Context, now time.Time, limit int, creations bool) ([]bot.Outbound, error) {
	due, err := s.laneStore.DueOutbound(ctx, now, 1<<30, creations)
	sort.SliceStable(due, func(i, j int) bool { return due[i].Op == bot.OpCreateChannel && due[j].Op != bot.OpCreateChannel })
	return due[:min(limit, len(due))], err
}

func (s creationStore) addCreation(lane, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows = append(s.rows, laneRow{o: bot.Outbound{ID: int64(len(s.rows) + 1), Lane: lane, Platform: "fake", Op: bot.OpCreateChannel,
		Payload: bot.Payload{Name: name, Private: true}}})
}

// hangPlatform holds every post to a channel named hang… until released; other posts and
// channel creations answer at once and are reported.
type hangPlatform struct {
	countingPlatform
	release chan struct{}
	hung    chan string
	posted  chan string
	created chan string
}

func (p *hangPlatform) Post(ctx context.Context, ch string, m bot.Message) (string, error) {
	if strings.HasPrefix(ch, "hang") {
		p.hung <- ch
		select {
		case <-p.release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	p.posted <- ch
	return "m", nil
}

func (p *hangPlatform) CreateChannel(_ context.Context, name string, _ bool, _ string) (bot.Channel, error) {
	p.created <- name
	return bot.Channel{ID: "C-" + name, Name: name}, nil
}

// A declaration's channel is created while every delivery slot is held by other channels'
// posts that do not answer (a 3 s API) and hundreds of other lanes wait for a slot: channel
// creations have slots of their own and are read first. Before, the creation waited for a
// slot behind every head queued before it — in a flood of declarations, behind the
// invites, posts and cards of all the earlier incidents (issue 18: 200 declarations/s).
func TestChannelCreationDoesNotWaitForOtherLanes(t *testing.T) {
	st := creationStore{&laneStore{}}
	st.add("hang1", "h1")
	st.add("hang2", "h2")
	p := &hangPlatform{release: make(chan struct{}), hung: make(chan string, 2), posted: make(chan string, 400), created: make(chan string, 1)}
	d := NewDeliverer(st, clockwork.NewFakeClock(), slog.New(slog.DiscardHandler), p)
	d.Concurrency = 2
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(ran) }()
	next(t, p.hung, "the first hung post")
	next(t, p.hung, "the second hung post")
	// Both slots are held; now a flood: 300 other lanes' posts, then a declaration.
	for i := range 300 {
		st.add(fmt.Sprintf("wait%d", i), "w")
	}
	st.addCreation("inc:9", "inc-9-new")
	d.Kick()
	if got := next(t, p.created, "the channel creation"); got != "inc-9-new" {
		t.Fatalf("created %q, want inc-9-new", got)
	}
	select {
	case ch := <-p.posted:
		t.Fatalf("%s was posted while both slots were held by unanswered posts", ch)
	default:
	}
	close(p.release)
	for range 302 {
		next(t, p.posted, "the waiting lanes, once the hung posts answer")
	}
	cancel()
	<-ran
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range st.rows {
		if !r.done {
			t.Fatalf("row %d (%s) left pending", r.o.ID, r.o.Lane)
		}
	}
}
