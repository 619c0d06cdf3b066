package main

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/stdwebhook"
)

// actionSigners reads every action's signing secret from the environment (secret_env),
// so a missing or malformed secret stops start-up instead of the first call.
func actionSigners(cfg *config.Config, getenv func(string) string) (map[string]actions.Signer, error) {
	names := make([]string, 0, len(cfg.Actions))
	for n := range cfg.Actions {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]actions.Signer{}
	for _, n := range names {
		env := cfg.Actions[n].SecretEnv
		s := getenv(env)
		if s == "" {
			return nil, fmt.Errorf("%s: actions.%s.secret_env: %s is not set (the secret its calls are signed with, whsec_… or raw)", cfg.File(), n, env)
		}
		k, err := stdwebhook.ParseSecret(s)
		if err != nil {
			return nil, fmt.Errorf("%s: actions.%s.secret_env: %s: %v", cfg.File(), n, env, err)
		}
		out[n] = k
	}
	return out, nil
}

// actionRunner runs the actions worker beside the bot; kick is the engine's ActionQueued
// hook (set before the engine exists, bound after).
type actionRunner struct {
	mu     sync.Mutex
	worker *actions.Worker
	stop   func()
	done   chan struct{}
}

func (r *actionRunner) kick() {
	r.mu.Lock()
	w := r.worker
	r.mu.Unlock()
	if w != nil {
		w.Kick()
	}
}

// start begins making the calls of approved runs (none configured: nothing runs).
func (r *actionRunner) start(ctx context.Context, cfg *config.Config, signers map[string]actions.Signer, engine *commands.Engine, clock clockwork.Clock, log *slog.Logger) {
	if len(cfg.Actions) == 0 {
		return
	}
	w := actions.NewWorker(engine, actions.NewClient(cfg.Egress.AllowPrivate), signers, clock.Now, log)
	ctx, cancel := context.WithCancel(ctx)
	r.mu.Lock()
	r.worker, r.stop, r.done = w, cancel, make(chan struct{})
	r.mu.Unlock()
	go func() { defer close(r.done); w.Run(ctx) }()
}

// close stops the worker and waits for the attempt under way (bounded by its timeout).
func (r *actionRunner) close() {
	if r.stop != nil {
		r.stop()
		<-r.done
	}
}
