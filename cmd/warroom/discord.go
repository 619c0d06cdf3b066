package main

import (
	"context"

	"github.com/warroom/warroom/bot/discord"
)

// startDiscord starts the Discord adapter when DISCORD_BOT_TOKEN is set: it logs in to the
// gateway and registers the slash commands before `run` reports ready. The token is passed
// to the adapter only; neither it nor an error carrying it is ever logged.
func startDiscord(ctx context.Context, env adapterEnv) (*adapter, error) {
	token := env.getenv("DISCORD_BOT_TOKEN")
	if token == "" {
		return nil, nil
	}
	a, err := discord.New(discord.Config{
		Token:    token,
		AppID:    env.getenv("DISCORD_APP_ID"),
		GuildID:  env.getenv("DISCORD_GUILD_ID"),
		APIURL:   env.getenv("DISCORD_API_URL"),
		GuildIDs: env.cfg.Discord.GuildIDs,
		Category: env.cfg.Discord.Category,
		Handler:  env.handler,
		Specs:    env.specs,
		Log:      env.log.With("platform", discord.Name),
	})
	if err != nil {
		return nil, err
	}
	if err := a.Start(ctx); err != nil {
		return nil, err
	}
	return &adapter{name: discord.Name, platform: a, run: a.Run, connected: a.Connected}, nil
}
