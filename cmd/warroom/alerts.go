package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/alerts"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
)

// startAlerts registers POST /hooks/alerts/<source> on mux when alerts.sources is set. The
// endpoint needs --http even when no platform uses it (Socket Mode, Discord, the console).
func startAlerts(getenv func(string) string, cfg *config.Config, httpAddr string, platforms []string, engine *commands.Engine,
	clock clockwork.Clock, log *slog.Logger, tel *telemetry, mux *http.ServeMux) error {
	if !cfg.Alerts.Enabled() {
		return nil
	}
	if httpAddr == "" {
		return fmt.Errorf("%s is set but --http (WARROOM_HTTP_ADDR) is not: alerts need an address to arrive at", cfg.Where("alerts.sources"))
	}
	var problems []string
	for i, r := range cfg.Alerts.Routes {
		if r.Platform != "" && !slices.Contains(platforms, r.Platform) {
			problems = append(problems, fmt.Sprintf("%s: %s is not connected (this run has %s)", cfg.Where(fmt.Sprintf("alerts.routes[%d].platform", i)),
				r.Platform, strings.Join(platforms, ", ")))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	h, err := alerts.New(alerts.Options{Config: cfg.Alerts, Getenv: getenv, Ingest: engine, Clock: clock, Log: log,
		Observe: tel.alertReceived, Where: cfg.Where})
	if err != nil {
		return err
	}
	h.Register(mux)
	log.Info("alerts endpoint", "path", "/hooks/alerts/<source>", "sources", strings.Join(cfg.Alerts.SourceNames(), ","))
	return nil
}
