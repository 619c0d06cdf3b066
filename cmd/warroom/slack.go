package main

import (
	"context"
	"errors"
)

// startSlack starts the Slack adapter when SLACK_BOT_TOKEN is set.
func startSlack(ctx context.Context, env adapterEnv) (*adapter, error) {
	if env.getenv("SLACK_BOT_TOKEN") == "" {
		return nil, nil
	}
	return nil, errors.New("Slack support is not built yet in this version of warroom; unset SLACK_BOT_TOKEN to use the console")
}
