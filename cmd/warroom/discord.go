package main

import (
	"context"
	"errors"
)

// startDiscord starts the Discord adapter when DISCORD_BOT_TOKEN is set.
func startDiscord(ctx context.Context, env adapterEnv) (*adapter, error) {
	if env.getenv("DISCORD_BOT_TOKEN") == "" {
		return nil, nil
	}
	return nil, errors.New("Discord support is not built yet in this version of warroom; unset DISCORD_BOT_TOKEN to use the console")
}
