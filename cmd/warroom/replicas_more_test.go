package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/pgtest"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/timers"
)

// Two schedulers on one PostgreSQL database — an old leader that has not noticed it lost
// its lock and the new one — both firing every due timer: each timer's effects commit
// once, because the claim reads the row FOR UPDATE and checks it is still pending.
func TestPostgresTwoSchedulersFireEachTimerOnce(t *testing.T) {
	u := pgtest.DB(t)
	var dbs [2]*storage.DB
	for i := range dbs {
		db, err := storage.Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	const n = 60
	now := time.Now().UTC()
	if err := dbs[0].Update(context.Background(), func(tx *storage.Tx) error {
		for i := 0; i < n; i++ {
			due := now.Add(-time.Second) // overdue: both schedulers fire them at start
			if i%2 == 1 {
				due = now.Add(time.Duration(200+i*10) * time.Millisecond) // due while both run
			}
			if err := tx.SetTimer(bot.Timer{Key: fmt.Sprint("nudge:", i), Kind: "test", Due: due}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	fired := map[string][]int{}
	clock := clockwork.NewRealClock()
	for i, db := range dbs {
		fire := func(ctx context.Context, id int64) {
			var key string
			err := db.Update(ctx, func(tx *storage.Tx) error {
				tm, ok, err := tx.ClaimTimer(id, clock.Now().UTC())
				key = ""
				if ok {
					key = tm.Key
				}
				return err
			})
			if err == nil && key != "" {
				mu.Lock()
				fired[key] = append(fired[key], i)
				mu.Unlock()
			}
		}
		s, err := timers.NewScheduler(db, clock, slog.New(slog.DiscardHandler), fire)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Stop() })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		pending, err := dbs[0].PendingTimers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d timers still pending after 30 s", len(pending))
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	by := [2]int{}
	for i := 0; i < n; i++ {
		who := fired[fmt.Sprint("nudge:", i)]
		if len(who) != 1 {
			t.Fatalf("timer %d fired %d times (by %v)", i, len(who), who)
		}
		by[who[0]]++
	}
	t.Logf("fired by the two schedulers: %v", by)
}

// Only the leader connects to the Discord gateway (every session would receive every
// event); when it is killed, the new leader connects and serves Discord's commands.
func TestPostgresOnlyTheLeaderConnectsDiscord(t *testing.T) {
	rs := newReplicaSet(t)
	const token = "tok-replicas-7"
	fake := discordfake.New(t, discordfake.WithToken(token))
	fake.AddGuild(dGuild, "ops")
	fake.AddMember(dGuild, dAlice, "alice")
	general := fake.AddChannel(dGuild, "general", discordfake.ChannelText, "")
	rs.cfg = writeConfig(t, "leads: [alice]\nroster:\n  - {name: alice, slack: U0ALICE, discord: \""+dAlice+"\"}\nnudges: {quiet_hours: \"off\"}\n")
	rs.extraEnv = []string{"DISCORD_BOT_TOKEN=" + token, "DISCORD_API_URL=" + fake.URL(), "DISCORD_GUILD_ID=" + dGuild}
	for i := 0; i < 3; i++ {
		rs.start()
	}
	rs.waitReady(60 * time.Second)
	l := rs.leader(15 * time.Second)
	if !fake.WaitFor(func() bool { return fake.Connected() }, 15*time.Second) {
		t.Fatal("the leader never connected to the Discord gateway")
	}
	time.Sleep(2 * time.Second) // a follower that connected too would have by now
	if n := fake.IdentifyCount(); n != 1 {
		t.Fatalf("%d gateway sessions identified, want the leader's only", n)
	}
	l.kill()
	rs.leader(15 * time.Second)
	if !fake.WaitFor(func() bool { return fake.IdentifyCount() == 2 && fake.Connected() }, 20*time.Second) {
		t.Fatalf("the new leader did not connect to the gateway (identified %d)", fake.IdentifyCount())
	}
	fake.DispatchInteraction(discordfake.InteractionSpec{GuildID: dGuild, ChannelID: general, UserID: dAlice, Command: "incident",
		Options: []discordfake.CommandOption{discordfake.SubCommand("declare", discordfake.StringOption("title", "Gateway moved"))}})
	if !fake.WaitFor(func() bool { _, ok := fake.ChannelByName(dGuild, "inc-1-gateway-moved"); return ok }, 20*time.Second) {
		t.Fatal("the new leader did not serve a Discord command")
	}
	time.Sleep(2 * time.Second)
	if n := fake.IdentifyCount(); n != 2 {
		t.Fatalf("%d gateway sessions identified after one failover, want 2", n)
	}
}
