package actions

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Call is one attempt at a run, handed out by the Queue.
type Call struct {
	ID       string // webhook-id: the run's id, the same on every attempt
	Incident int64
	Run      int64
	Action   string
	Request  Request
	Timeout  time.Duration
	Attempt  int
}

// Queue is where runs wait (the engine, over action_runs).
type Queue interface {
	ClaimCalls(ctx context.Context, limit int) ([]Call, error)
	FinishCall(ctx context.Context, c Call, r Result) error
	NextCallAt(ctx context.Context) (*time.Time, error)
}

// Worker makes the calls of approved runs.
type Worker struct {
	Queue   Queue
	Client  *http.Client
	Signers map[string]Signer // by action name
	Now     func() time.Time
	Log     *slog.Logger
	wake    chan struct{}
}

// NewWorker builds a worker; signers must hold one per configured action.
func NewWorker(q Queue, c *http.Client, signers map[string]Signer, now func() time.Time, log *slog.Logger) *Worker {
	return &Worker{Queue: q, Client: c, Signers: signers, Now: now, Log: log, wake: make(chan struct{}, 1)}
}

// Kick wakes the worker after a run was queued.
func (w *Worker) Kick() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Step claims the due runs and makes one attempt at each; it returns how many it tried.
func (w *Worker) Step(ctx context.Context) (int, error) {
	calls, err := w.Queue.ClaimCalls(ctx, 16)
	if err != nil {
		return 0, err
	}
	for _, c := range calls {
		s, ok := w.Signers[c.Action]
		res := Result{Err: errNoSigner}
		if ok {
			res = Do(ctx, w.Client, c.Request, c.ID, s, w.Now(), c.Timeout)
		}
		if res.Err != nil {
			w.Log.Warn("action call failed", "run", c.ID, "attempt", c.Attempt, "err", res.Err)
		}
		if err := w.Queue.FinishCall(ctx, c, res); err != nil {
			return len(calls), err
		}
	}
	return len(calls), nil
}

type noSigner struct{}

func (noSigner) Error() string { return "no signing secret for this action" }

var errNoSigner error = noSigner{}

// Run works until ctx ends: after each round it sleeps until the next run is due (at
// most a second, so retries and runs queued by another process are picked up) or a kick.
func (w *Worker) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if _, err := w.Step(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("action worker", "err", err)
		}
		wait := time.Second
		if at, err := w.Queue.NextCallAt(ctx); err == nil && at != nil {
			wait = min(wait, max(at.Sub(w.Now()), 10*time.Millisecond))
		}
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-time.After(wait):
		}
	}
}
