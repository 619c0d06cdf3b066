package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/storage"
)

// adapterEnv is what a platform adapter needs from the wiring.
type adapterEnv struct {
	getenv   func(string) string
	cfg      *config.Config
	log      *slog.Logger
	handler  bot.Handler
	specs    []bot.CommandSpec
	db       *storage.DB
	mux      *http.ServeMux // routes served on --http (Slack's HTTP mode)
	httpAddr string
}

// adapter is a started platform adapter.
type adapter struct {
	name     string
	platform bot.Platform
	// run blocks until ctx ends (reconnecting as needed).
	run func(ctx context.Context) error
	// connected reports whether the platform connection is up (for /readyz).
	connected func() bool
}

// adapterStarter starts one platform when its environment is set; nil, nil otherwise.
type adapterStarter func(ctx context.Context, env adapterEnv) (*adapter, error)

// replicaStarters start the platforms every replica connects: Slack hands each event to
// one connection or one HTTP request, so several replicas share its load.
var replicaStarters = []adapterStarter{startSlack}

// leaderStarters start the platforms only the leader connects (leader.go): every Discord
// gateway session receives every event, so a second one would only duplicate work.
var leaderStarters = []adapterStarter{startDiscord}
