package main

import (
	"bytes"
	"context"
	"github.com/warroom/warroom/internal/testutil"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot/discord"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/fakes/discordfake"
)

// lockedBuffer is safe for concurrent writers and a reader in the test.
type lockedBuffer = testutil.LockedBuffer

// `warroom run` with Discord in the environment: it logs in, registers the commands,
// serves a slash command through the real outbox, stops on cancel, and never logs the token.
func TestDiscordRunFromEnvironment(t *testing.T) {
	const token = "tok-SECRET-4242"
	fake := discordfake.New(t, discordfake.WithToken(token))
	fake.AddGuild(dGuild, "ops")
	fake.AddMember(dGuild, dAlice, "alice")
	general := fake.AddChannel(dGuild, "general", discordfake.ChannelText, "")
	env := map[string]string{"DISCORD_BOT_TOKEN": token, "DISCORD_API_URL": fake.URL(), "DISCORD_GUILD_ID": dGuild}
	stderr := &lockedBuffer{}
	ready := make(chan struct{})
	m := &Main{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: stderr, Getenv: func(k string) string { return env[k] },
		Ready: func() { close(ready) }}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- m.Run(ctx, []string{"run", "--db", filepath.Join(t.TempDir(), "w.db")}) }()
	select {
	case <-ready:
	case c := <-code:
		t.Fatalf("run exited %d: %s", c, stderr.String())
	case <-time.After(dWait):
		t.Fatal("run never became ready")
	}
	if len(fake.Commands(dGuild)) != 4 {
		t.Errorf("commands %v", fake.Commands(dGuild))
	}
	fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: general, UserID: dAlice, Command: "incident",
		Options: []discordfake.CommandOption{discordfake.SubCommand("declare", discordfake.StringOption("title", "Wiring check"))}})
	if !fake.WaitFor(func() bool {
		_, ok := fake.ChannelByName(dGuild, "inc-1-wiring-check")
		return ok
	}, dWait) {
		t.Fatalf("the incident channel never appeared\n%s", stderr.String())
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("run exited %d", c)
	}
	// What was still queued went out on shutdown: the card is there and pinned.
	if c, _ := fake.ChannelByName(dGuild, "inc-1-wiring-check"); len(fake.Pins(c.ID)) != 1 {
		t.Errorf("the outbox was not drained on shutdown: pins %v", fake.Pins(c.ID))
	}
	if strings.Contains(stderr.String(), token) {
		t.Fatal("the bot token was logged")
	}
}

func TestDiscordRunWithABadToken(t *testing.T) {
	fake := discordfake.New(t)
	env := map[string]string{"DISCORD_BOT_TOKEN": "not-the-token-7", "DISCORD_API_URL": fake.URL()}
	var stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	if c := m.Run(context.Background(), []string{"run", "--db", filepath.Join(t.TempDir(), "w.db")}); c == 0 {
		t.Fatal("run succeeded with a bad token")
	}
	if strings.Contains(stderr.String(), "not-the-token-7") || !strings.Contains(stderr.String(), "DISCORD_BOT_TOKEN") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

// docs/discord/README.md lists where every verb lives; the table must match what is
// registered from the engine's declarations.
func TestDiscordREADMEListsTheMapping(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "discord", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(/[a-z-]+(?: [a-z-]+)*)` \\|\\s*([^|]*?)\\s*\\|")
	var listed []string
	options := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		listed = append(listed, m[1])
		options[m[1]] = strings.ReplaceAll(strings.TrimSpace(m[2]), " (required)", "")
	}
	engine := commands.New(commands.Deps{})
	for _, r := range discord.Routes(engine.Specs()) {
		if !slices.Contains(listed, r.Slash) {
			t.Errorf("README does not list %s", r.Slash)
		} else if want := strings.Join(r.Options, ", "); options[r.Slash] != want {
			t.Errorf("README lists %s with options %q; it has %q", r.Slash, options[r.Slash], want)
		}
	}
	if want := int64(discord.RequiredPermissions); !strings.Contains(string(doc), "permissions="+strconv.FormatInt(want, 10)) {
		t.Errorf("README's invite URL does not carry permissions=%d", want)
	}
}
