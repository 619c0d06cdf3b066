package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/storage"
)

// benchIdle starts warroom (with Slack) on a database of 10,000 closed incidents and reads
// its time to ready and its resident memory once idle.
func benchIdle(bin, dir string) []figure {
	path := filepath.Join(dir, "idle.db")
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		fatal(err)
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for i := 0; i < 10000; i++ {
			at := t0.Add(time.Duration(i) * time.Hour)
			closed := at.Add(30 * time.Minute)
			inc := &bot.Incident{Title: "Closed incident", Severity: 3, Phase: bot.PhaseClosed, Status: bot.StatusClosed, Platform: "slack",
				ChannelName: "inc", DeclaredBy: "alice", DeclaredAt: at, ClosedAt: &closed, ClosedFrom: bot.PhaseRecovery, CloseClass: bot.ClassTruePositive}
			if err := tx.CreateIncident(inc); err != nil {
				return err
			}
			for _, k := range []string{bot.KindDeclared, bot.KindPhase, bot.KindNote, bot.KindClose} {
				if _, err := tx.Append(inc.Number, &bot.Entry{At: at, Actor: "alice", Kind: k, Text: "seeded " + k, Data: []byte("{}")}, ""); err != nil {
					return err
				}
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		fatal(err)
	}
	fake := slackfake.New(nil, slackfake.WithSigningSecret("bench-signing-secret"))
	defer fake.Close()
	b, ready := startBot(bin, path, []string{
		"SLACK_BOT_TOKEN=" + fake.BotToken(), "SLACK_SIGNING_SECRET=bench-signing-secret", "SLACK_API_URL=" + fake.APIURL(),
	})
	time.Sleep(3 * time.Second)     // let start-up work settle: this measures the idle bot
	rss := rssKB(b.cmd.Process.Pid) // -1 when /proc could not be read: check fails it
	if rss > 0 {
		rss /= 1024
	}
	b.stop()
	return []figure{
		{name: "startup_to_ready", value: ready.Seconds(), unit: "s", target: "< 1", ok: check(ready.Seconds(), true, 1)},
		{name: "idle_rss_10k_closed", value: rss, unit: "MiB", target: "< 50", ok: check(rss, true, 50)},
	}
}
