package outbox

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testutil"
)

// queueingStore is oneOpStore keeping what the deliverer queues.
type queueingStore struct {
	oneOpStore
	qmu    sync.Mutex
	queued []bot.Outbound
}

func (s *queueingStore) Enqueue(_ context.Context, o bot.Outbound, _ time.Time) error {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	s.queued = append(s.queued, o)
	return nil
}

// The direct message telling the declarer that their incident's channel could not be
// created yet names the channel (from the title), so it carries its incident: a
// redaction in another incident then does not reach it (storage's ScrubReaching), where
// before it was an operation of no incident, reached by anyone's redaction.
func TestTheChannelPendingNoticeCarriesItsIncident(t *testing.T) {
	store := &queueingStore{oneOpStore: oneOpStore{op: bot.Outbound{ID: 42, Lane: "new", Platform: "fake", Op: bot.OpCreateChannel, Incident: 3,
		Payload: bot.Payload{Name: "inc-3-vault-leak", Notify: "U1"}}}}
	d := NewDeliverer(store, clockwork.NewFakeClock(), slog.New(slog.NewTextHandler(&testutil.LockedBuffer{}, nil)), &failingPlatform{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	store.qmu.Lock()
	defer store.qmu.Unlock()
	if len(store.queued) != 1 || store.queued[0].Op != bot.OpDM || store.queued[0].Payload.User != "U1" || store.queued[0].Incident != 3 {
		t.Fatalf("queued %+v, want one DM to U1 about INC-3", store.queued)
	}
}
