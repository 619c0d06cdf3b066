package outbox

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/warroom/warroom/bot"
)

// oneRowStore serves one pending row until it is completed; retries are recorded.
type oneRowStore struct {
	mu       sync.Mutex
	row      bot.Outbound
	done     bool
	retries  int
	retryErr error
}

func (s *oneRowStore) DueOutbound(context.Context, time.Time, int, bool) ([]bot.Outbound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil, nil
	}
	return []bot.Outbound{s.row}, nil
}
func (s *oneRowStore) CompleteOutbound(context.Context, bot.Outbound, bot.Delivered, time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	return nil
}
func (s *oneRowStore) ReleaseOutbound(context.Context, int64, time.Time, time.Time) error { return nil }
func (s *oneRowStore) RetryOutbound(context.Context, int64, time.Time, time.Time, string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retries++
	if s.retryErr != nil {
		return s.retryErr
	}
	s.row.Attempts++
	return nil
}
func (s *oneRowStore) FailOutbound(context.Context, int64, time.Time, string, time.Time) error {
	return nil
}
func (s *oneRowStore) Enqueue(context.Context, bot.Outbound, time.Time) error { return nil }
func (s *oneRowStore) IncidentChannel(context.Context, int64) (string, string, error) {
	return "", "", nil
}

// deliveryPlatform records the Delivery of every post and fails the first `fail` of them.
type deliveryPlatform struct {
	countingPlatform
	mu   sync.Mutex
	seen []bot.Delivery
	fail int
}

func (p *deliveryPlatform) Post(ctx context.Context, _ string, _ bot.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, bot.DeliveryFrom(ctx))
	if len(p.seen) <= p.fail {
		return "", errors.New("connection reset by peer")
	}
	return "m1", nil
}

func TestDeliveryTellsTheAdapterWhatMayHaveLanded(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		name    string
		created time.Time
		want    []bot.Delivery
	}{
		// Queued after the deliverer started: the first attempt is a first; the retry after
		// a failure without a definite answer may find it landed.
		{"fresh", clock.Now().Add(time.Second), []bot.Delivery{{Key: "5"}, {Key: "5", MaybeDone: true}}},
		// Queued before this process: the last one may have been sending it when it died.
		{"inherited", clock.Now().Add(-time.Second), []bot.Delivery{{Key: "5", MaybeDone: true}, {Key: "5", MaybeDone: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &oneRowStore{row: bot.Outbound{ID: 5, Lane: "C1", Platform: "fake", Op: bot.OpPost, Target: "C1", Created: tc.created}}
			p := &deliveryPlatform{fail: 1}
			d := NewDeliverer(st, clock, slog.New(slog.DiscardHandler), p)
			for range 2 {
				if _, err := d.Round(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if len(p.seen) != 2 || p.seen[0] != tc.want[0] || p.seen[1] != tc.want[1] {
				t.Fatalf("deliveries %+v, want %+v", p.seen, tc.want)
			}
		})
	}
}

// A store error while recording a failed attempt is logged, not dropped.
func TestRetryRecordErrorIsLogged(t *testing.T) {
	clock := clockwork.NewFakeClock()
	st := &oneRowStore{row: bot.Outbound{ID: 9, Lane: "C1", Platform: "fake", Op: bot.OpPost, Target: "C1"}, retryErr: errors.New("disk I/O error")}
	var logs bytes.Buffer
	d := NewDeliverer(st, clock, slog.New(slog.NewTextHandler(&logs, nil)), &deliveryPlatform{fail: 1})
	if _, err := d.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.retries != 1 || !strings.Contains(logs.String(), "recording a failed attempt failed") || !strings.Contains(logs.String(), "disk I/O error") {
		t.Fatalf("retries %d, log:\n%s", st.retries, logs.String())
	}
}

func TestBackoffJitterStaysInTheUpperHalf(t *testing.T) {
	d := NewDeliverer(&oneRowStore{}, clockwork.NewFakeClock(), slog.New(slog.DiscardHandler))
	for attempts := range 12 {
		ceiling := min(time.Second<<min(attempts, 10), d.MaxBackoff)
		seen := map[time.Duration]bool{}
		for range 50 {
			w := d.backoff(attempts)
			if w < ceiling/2 || w > ceiling {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempts, w, ceiling/2, ceiling)
			}
			seen[w] = true
		}
		if len(seen) < 2 {
			t.Fatalf("attempt %d: no jitter, always %v", attempts, ceiling)
		}
	}
}
