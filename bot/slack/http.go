package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// The HTTP transport: Slack POSTs slash commands, events and interactions to public
// endpoints, each request signed with the app's signing secret. Every request is size-
// limited and verified before anything is parsed; a refused request changes nothing.

// Endpoint paths, as the HTTP manifest configures them.
const (
	CommandsPath     = "/slack/commands"
	EventsPath       = "/slack/events"
	InteractionsPath = "/slack/interactions"
)

// Register mounts the HTTP endpoints on mux. It does nothing without a signing secret.
func (a *Adapter) Register(mux *http.ServeMux) {
	if a.verifier == nil {
		return
	}
	mux.HandleFunc("POST "+CommandsPath, a.verified(a.serveCommand))
	mux.HandleFunc("POST "+EventsPath, a.verified(a.serveEvent))
	mux.HandleFunc("POST "+InteractionsPath, a.verified(a.serveInteraction))
}

// verified reads the body within the limit, checks the signature and only then calls
// next with the raw body.
func (a *Adapter) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				a.log.Warn("slack: refused an HTTP request", "path", r.URL.Path, "reason", "body over the size limit", "limit", a.cfg.MaxBody, "remote", r.RemoteAddr)
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read the request", http.StatusBadRequest)
			return
		}
		if err := a.verifier.Verify(r.Header, body); err != nil {
			// The reason is one of the fixed errors in signature.go: it names the failed
			// check, never the secret or the signature.
			a.log.Warn("slack: refused an HTTP request", "path", r.URL.Path, "reason", err.Error(), "remote", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	sc, err := parseCommand(body)
	if err != nil {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	reply := a.command(sc)
	if reply.Text.Empty() {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, ackPayload(reply.Text))
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := parseEvent(body)
	if err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case "url_verification":
		writeJSON(w, map[string]string{"challenge": ev.Challenge})
		return
	case "event_callback":
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			// Slack thinks an earlier delivery failed; the event id makes it a no-op if not.
			a.log.Debug("slack: event redelivered", "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"), "event_id", ev.EventID)
		}
	default:
		w.WriteHeader(http.StatusOK) // app_rate_limited and future types: nothing to do
		return
	}
	reaction, err := ev.reactionAdded()
	if err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	var work func(context.Context)
	if reaction != nil {
		work = a.reaction(ev.TeamID, ev.EventID, reaction)
	}
	if work != nil && !a.tasks.accepting() {
		// Not acknowledged: Slack retries it, after the restart.
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	// Acknowledge first: the handler returns, Slack gets its 200, and the work that needs
	// Slack's API runs afterwards.
	ackNow(w)
	if work != nil {
		a.tasks.goAsync(work)
	}
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	cb, err := parseInteraction(body)
	if err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	work := a.interaction(cb)
	if work != nil && !a.tasks.accepting() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ackNow(w)
	if work != nil {
		a.tasks.goAsync(work)
	}
}

// ackNow sends the 200 before the handler goes on to start work. Its length is said (0),
// so the flush writes the whole answer at once; without it the answer went out chunked, and
// the chunked body's end took a second write on every event.
func ackNow(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}
