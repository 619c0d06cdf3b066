// Package alerts is warroom's alert endpoint: POST /hooks/alerts/<source> on the --http
// listener. It authenticates each request (Standard Webhooks signature or bearer token),
// limits each source's rate, reads the body in the source's format (generic or
// Alertmanager v4) and hands the alert to the engine, answering only after the engine has
// committed it:
//
//	202 {"incident":"INC-3","new":true} · {"triage":"TRI-4","new":false} · {"dropped":true}
//	400 {"error":"<what is wrong>"}   nothing was written
//	401 bad or missing signature or token, or a timestamp outside the 5-minute window
//	404 unknown source · 413 body over 256 KiB · 429 over the rate, with Retry-After
//	503 warroom could not store it (the sender should retry)
package alerts

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/stdwebhook"
)

// MaxBody is the largest body accepted.
const MaxBody = 256 << 10

// Path is the route pattern served.
const Path = "POST /hooks/alerts/{source}"

// Ingester takes an authenticated, parsed alert and returns once it is committed.
type Ingester interface {
	IngestAlert(ctx context.Context, a alert.Alert) (alert.Result, error)
}

// Options configure a Handler.
type Options struct {
	Config alert.Config
	Getenv func(string) string
	Ingest Ingester
	Clock  clockwork.Clock
	Log    *slog.Logger
	// Observe counts each request by source ("unknown" for an unknown one) and outcome.
	Observe func(source, outcome string)
	// Where names a config key for start-up errors ("warroom.yaml:7: alerts.sources.x").
	Where func(path string) string
}

// Handler serves the alert endpoint.
type Handler struct {
	sources map[string]*source
	ingest  Ingester
	clock   clockwork.Clock
	log     *slog.Logger
	observe func(source, outcome string)
}

type source struct {
	name   string
	format string
	key    *stdwebhook.Verifier // set for Standard Webhooks sources
	token  [32]byte             // SHA-256 of the bearer token, for token sources
	bucket *bucket
}

// New reads every source's secret from the environment; a missing or malformed one is an
// error naming the config key (never the secret).
func New(o Options) (*Handler, error) {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Observe == nil {
		o.Observe = func(string, string) {}
	}
	if o.Where == nil {
		o.Where = func(p string) string { return p }
	}
	interval, err := alert.ParseRate(o.Config.Rate.PerSource)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Where("alerts.rate.per_source"), err)
	}
	burst := max(o.Config.Rate.Burst, 1)
	h := &Handler{sources: map[string]*source{}, ingest: o.Ingest, clock: o.Clock, log: o.Log, observe: o.Observe}
	var problems []string
	for _, name := range o.Config.SourceNames() {
		cfg := o.Config.Sources[name]
		s := &source{name: name, format: cfg.Format, bucket: newBucket(interval, burst, o.Clock.Now())}
		path, env := "alerts.sources."+name+".secret_env", cfg.SecretEnv
		if cfg.TokenEnv != "" {
			path, env = "alerts.sources."+name+".token_env", cfg.TokenEnv
		}
		val := o.Getenv(env)
		switch {
		case val == "":
			problems = append(problems, fmt.Sprintf("%s: %s is not set in the environment", o.Where(path), env))
		case cfg.SecretEnv != "":
			k, err := stdwebhook.ParseSecret(val)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s: %v", o.Where(path), env, err))
			} else {
				s.key = k.Verifier()
			}
		default:
			if len(val) < 16 {
				problems = append(problems, fmt.Sprintf("%s: %s holds a token of %d characters; use at least 16", o.Where(path), env, len(val)))
			}
			s.token = sha256.Sum256([]byte(val))
		}
		h.sources[name] = s
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return h, nil
}

// Register adds the endpoint to mux.
func (h *Handler) Register(mux *http.ServeMux) { mux.Handle(Path, h) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s, ok := h.sources[r.PathValue("source")]
	if !ok {
		h.observe("unknown", "unknown_source")
		answerError(w, http.StatusNotFound, "unknown alert source")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.observe(s.name, "too_large")
			answerError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d KiB", MaxBody>>10))
			return
		}
		h.observe(s.name, "malformed")
		answerError(w, http.StatusBadRequest, "the body could not be read")
		return
	}
	now := h.clock.Now()
	deliveryID, reason := s.authenticate(r.Header, body, now)
	if reason != "" {
		h.observe(s.name, "unauthorized")
		h.log.Warn("alert refused", "source", s.name, "status", http.StatusUnauthorized, "reason", reason, "remote", r.RemoteAddr)
		answerError(w, http.StatusUnauthorized, reason)
		return
	}
	if ok, wait := s.bucket.take(now); !ok {
		h.observe(s.name, "rate_limited")
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		answerError(w, http.StatusTooManyRequests, "over this source's alert rate; retry after the Retry-After seconds")
		return
	}
	a, err := Parse(s.format, s.name, body)
	if err != nil {
		var be *BodyError
		if !errors.As(err, &be) {
			be = &BodyError{Msg: err.Error()}
		}
		h.observe(s.name, "malformed")
		answerError(w, http.StatusBadRequest, be.Msg)
		return
	}
	a.DeliveryID = deliveryID
	res, err := h.ingest.IngestAlert(r.Context(), a)
	if err != nil {
		var refused *alert.Refused
		if errors.As(err, &refused) {
			h.observe(s.name, "refused")
			answerError(w, http.StatusBadRequest, refused.Reason)
			return
		}
		h.observe(s.name, "error")
		answerError(w, http.StatusServiceUnavailable, "warroom could not store the alert: "+err.Error()+" Nothing was recorded; send it again.")
		return
	}
	h.observe(s.name, res.Outcome())
	answerAccepted(w, res)
}

// authenticate checks the request's signature or token; it returns the delivery id (for
// signed sources) or why the request is refused.
func (s *source) authenticate(h http.Header, body []byte, now time.Time) (id, reason string) {
	if s.key != nil {
		id, err := s.key.Verify(h, body, now)
		if err != nil {
			return "", err.Error()
		}
		return id, ""
	}
	auth := h.Get("Authorization")
	scheme, tok, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", "missing Authorization: Bearer token"
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	if subtle.ConstantTimeCompare(got[:], s.token[:]) != 1 {
		return "", "wrong bearer token"
	}
	return "", ""
}
