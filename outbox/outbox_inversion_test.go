package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// stuckCreations holds every channel creation until released (conversations.create slow
// during a flood of declarations) and reports each DM it delivers.
type stuckCreations struct {
	countingPlatform
	release chan struct{}
	hung    chan string
	dms     chan string
}

func (p *stuckCreations) CreateChannel(ctx context.Context, name string, _ bool, _ string) (bot.Channel, error) {
	p.hung <- name
	select {
	case <-p.release:
	case <-ctx.Done():
		return bot.Channel{}, ctx.Err()
	}
	return bot.Channel{ID: "C-" + name, Name: name}, nil
}

func (p *stuckCreations) DM(_ context.Context, user string, _ bot.Message) (string, error) {
	p.dms <- user
	return "D1", nil
}

func (s creationStore) addDM(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows = append(s.rows, laneRow{o: bot.Outbound{ID: int64(len(s.rows) + 1), Lane: "dm:" + user, Platform: "fake", Op: bot.OpDM,
		Payload: bot.Payload{User: user, Message: bot.Message{Text: bot.Plain("you are paged for INC-1")}}}})
}

// runStuck starts Run over st and waits until hung channel creations are under way.
func runStuck(t *testing.T, st creationStore, hung int) (*stuckCreations, *Deliverer, func()) {
	t.Helper()
	p := &stuckCreations{release: make(chan struct{}), hung: make(chan string, 1024), dms: make(chan string, 16)}
	d := NewDeliverer(st, clockwork.NewFakeClock(), slog.New(slog.DiscardHandler), p)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { d.Run(ctx, time.Hour); close(ran) }()
	for range hung {
		next(t, p.hung, "a channel creation")
	}
	return p, d, func() { close(p.release); cancel(); <-ran }
}

// A burst of declarations while conversations.create does not answer: the 32 creation slots
// are held and more creations are due than a read of the heads returns. Every head the store
// handed out was a creation that could not start, so no post, card, invite or page DM of any
// incident went out until the backlog drained. Now, with no creation slot free, the deliverer
// asks for the other heads only.
func TestADMIsDeliveredWhileCreationsAreStuck(t *testing.T) {
	st := creationStore{&laneStore{}}
	for i := range creationSlots + 40 {
		st.addCreation(fmt.Sprintf("inc:%d", i), fmt.Sprintf("inc-%d", i))
	}
	p, d, stop := runStuck(t, st, creationSlots)
	defer stop()
	st.addDM("U0ONCALL")
	d.Kick() // the page's commit
	if got := next(t, p.dms, "the page DM"); got != "U0ONCALL" {
		t.Fatalf("DM to %q, want U0ONCALL", got)
	}
}

// With one creation slot free, a read of the heads (creations first) can be full of
// creations: it starts one of them and used to leave the other slots idle until the next
// release, kick or poll. The deliverer then reads the other heads alone.
func TestAReadFullOfCreationsLeavesNoOtherSlotIdle(t *testing.T) {
	st := creationStore{&laneStore{}}
	for i := range creationSlots - 1 {
		st.addCreation(fmt.Sprintf("inc:%d", i), fmt.Sprintf("inc-%d", i))
	}
	p, d, stop := runStuck(t, st, creationSlots-1)
	defer stop()
	for i := range 100 {
		st.addCreation(fmt.Sprintf("inc:x%d", i), fmt.Sprintf("inc-x%d", i))
	}
	st.addDM("U0ONCALL")
	d.Kick() // one kick for the lot: the flood's last commit
	next(t, p.hung, "the creation that takes the last creation slot")
	if got := next(t, p.dms, "the page DM"); got != "U0ONCALL" {
		t.Fatalf("DM to %q, want U0ONCALL", got)
	}
	select {
	case name := <-p.hung:
		t.Fatalf("creation of %s started with every creation slot held", name)
	default:
	}
}
