package main

import (
	"context"
	"errors"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot/slack"
)

// startSlack starts the Slack adapter when SLACK_BOT_TOKEN is set: Socket Mode with
// SLACK_APP_TOKEN (no public URL needed), the signed HTTP endpoints on --http with
// SLACK_SIGNING_SECRET; both when both are set (Socket Mode is what a new install
// should use; HTTP alongside eases a migration).
func startSlack(ctx context.Context, env adapterEnv) (*adapter, error) {
	if env.getenv("SLACK_BOT_TOKEN") == "" {
		return nil, nil
	}
	return startSlackWith(ctx, env, clockwork.NewRealClock())
}

// startSlackWith is startSlack with the clock injected (signature windows, the command
// budget), for tests.
func startSlackWith(ctx context.Context, env adapterEnv, clock clockwork.Clock) (*adapter, error) {
	secret := env.getenv("SLACK_SIGNING_SECRET")
	appToken := env.getenv("SLACK_APP_TOKEN")
	if secret != "" && env.httpAddr == "" {
		if appToken == "" {
			return nil, errors.New("slack: SLACK_SIGNING_SECRET is set but --http (WARROOM_HTTP_ADDR) is not: Slack's HTTP requests need an address to arrive at (or set SLACK_APP_TOKEN for Socket Mode)")
		}
		env.log.Info("slack: SLACK_SIGNING_SECRET is set but --http is not; using Socket Mode only")
		secret = ""
	}
	a, err := slack.New(slack.Config{
		BotToken:      env.getenv("SLACK_BOT_TOKEN"),
		AppToken:      appToken,
		SigningSecret: secret,
		APIURL:        env.getenv("SLACK_API_URL"),
		TeamIDs:       env.cfg.Slack.TeamIDs,
		Handler:       env.handler,
		Log:           env.log,
		Clock:         clock,
	})
	if err != nil {
		return nil, err
	}
	if err := a.Start(ctx); err != nil {
		return nil, err
	}
	a.Register(env.mux)
	return &adapter{name: slack.Name, platform: a, run: a.Run, connected: a.Connected}, nil
}
