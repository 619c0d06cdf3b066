package outbox

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testutil"
)

// Every line the deliverer logs about one operation names it: its op and outbox id.

// oneOpStore holds one pending operation until it is completed, retried or failed; queueing
// anything (the channel-pending notice) fails.
type oneOpStore struct {
	recordFailingStore
	mu   sync.Mutex
	op   bot.Outbound
	done bool
}

func (s *oneOpStore) DueOutbound(context.Context, time.Time, int, bool) ([]bot.Outbound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil, nil
	}
	return []bot.Outbound{s.op}, nil
}

func (s *oneOpStore) finish() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	return nil
}

func (s *oneOpStore) CompleteOutbound(context.Context, bot.Outbound, bot.Delivered, time.Time) error {
	return s.finish()
}
func (s *oneOpStore) RetryOutbound(context.Context, int64, time.Time, time.Time, string) error {
	return s.finish()
}
func (s *oneOpStore) Enqueue(context.Context, bot.Outbound, time.Time) error {
	return errors.New("database or disk is full")
}

// failingPlatform refuses pins and channel creations.
type failingPlatform struct{ countingPlatform }

func (p *failingPlatform) Pin(context.Context, string, string) error {
	return errors.New("not_pinnable")
}
func (p *failingPlatform) CreateChannel(context.Context, string, bool, string) (bot.Channel, error) {
	return bot.Channel{}, errors.New("ratelimited upstream")
}

func TestDeliveryLogLinesNameTheOperation(t *testing.T) {
	for _, tc := range []struct {
		op   bot.Outbound
		msg  string
		want []string
	}{
		{bot.Outbound{ID: 41, Lane: "C1", Platform: "fake", Op: bot.OpCard, Target: "C1", Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("card")}}},
			"pinning the incident card failed", []string{"op=card", "outbox_id=41", "not_pinnable"}},
		{bot.Outbound{ID: 42, Lane: "new", Platform: "fake", Op: bot.OpCreateChannel, Incident: 3, Payload: bot.Payload{Name: "inc-3-x", Notify: "U1"}},
			"queueing the channel-pending notice failed", []string{"op=create_channel", "outbox_id=42", "incident=INC-3", "disk is full"}},
	} {
		logs := &testutil.LockedBuffer{}
		store := &oneOpStore{op: tc.op}
		d := NewDeliverer(store, clockwork.NewFakeClock(), slog.New(slog.NewTextHandler(logs, nil)), &failingPlatform{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := d.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		var line string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, tc.msg) {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("no log line %q:\n%s", tc.msg, logs)
		}
		for _, w := range tc.want {
			if !strings.Contains(line, w) {
				t.Errorf("the log line lacks %s:\n%s", w, line)
			}
		}
	}
}
