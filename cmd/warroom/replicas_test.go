package main

import (
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// Three `warroom run` replicas on one PostgreSQL database. Every one is ready and holds a
// Socket Mode connection; exactly one leads, and says so in /readyz and warroom_leader.
// A command answered by a follower is delivered by the leader (the channel is created, the
// follower's nudge fires), a Slack retry of one command sent to each replica counts once,
// and a console cannot start beside them.
func TestPostgresReplicasOneLeadsFollowersServe(t *testing.T) {
	rs := newReplicaSet(t)
	for i := 0; i < 3; i++ {
		rs.start()
	}
	rs.waitReady(60 * time.Second)
	l := rs.leader(15 * time.Second)
	if !rs.fake.WaitFor(func() bool { return rs.fake.Connections() == 3 }, 15*time.Second) {
		t.Fatalf("Socket Mode connections: %d, want one per replica", rs.fake.Connections())
	}
	fs := rs.followers(l)
	// Slack sends the same command again (a retry, the same trigger_id) to other replicas.
	decl := rs.fake.PrepareSlashCommand(slackfake.SlashCommandFields{Text: "declare Replicated outage"})
	first := rs.say(fs[0], rs.gen, decl)
	if !strings.Contains(first, "Declared INC-1") {
		t.Fatalf("declare on a follower answered %q", first)
	}
	for _, r := range []*replica{fs[1], l} {
		if again := rs.say(r, rs.gen, decl); strings.Contains(again, "Declared") {
			t.Fatalf("the retried declaration was handled again by %s: %q", r.name, again)
		}
	}
	var ch slackfake.Channel
	if !rs.fake.WaitFor(func() bool { var ok bool; ch, ok = rs.fake.ChannelByName("inc-1-replicated-outage"); return ok }, 15*time.Second) {
		t.Fatal("the leader never created the channel a follower's declaration queued")
	}
	_, out, _ := runCLI(t, "", nil, "incidents", "--all", "--json", "--db", rs.db)
	var incs []map[string]any
	if err := json.Unmarshal([]byte(out), &incs); err != nil || len(incs) != 1 {
		t.Fatalf("incidents after one declaration sent to three replicas: %s", out)
	}
	rs.outboxEmpty(l, 15*time.Second)

	// A nudge a follower's command scheduled: the leader fires it, once.
	if ans := rs.say(fs[1], ch.ID, slackfake.SlashCommandFields{Text: "task add Rotate the keys due 2s"}); !strings.Contains(ans, "Task 1 added") {
		t.Fatalf("task add on a follower answered %q", ans)
	}
	if !rs.fake.WaitFor(func() bool { return rs.count(ch.ID, "Overdue task") > 0 }, 20*time.Second) {
		t.Fatal("the leader never fired the nudge a follower scheduled")
	}
	time.Sleep(2 * time.Second)
	if n := rs.count(ch.ID, "Overdue task"); n != 1 {
		t.Fatalf("the nudge was posted %d times", n)
	}

	// A console (shell) needs the database to itself: refused while replicas run.
	code, _, errOut := runCLI(t, "", map[string]string{"USER": "alice"}, "shell", "--db", rs.db, "--key", rs.key)
	if code == 0 || !strings.Contains(errOut, "another warroom run holds this database") {
		t.Fatalf("a shell beside replicas: exit %d %s", code, errOut)
	}
	for _, r := range rs.reps {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		<-r.exited
		if c := r.cmd.ProcessState.ExitCode(); c != 0 {
			t.Fatalf("%s exited %d after SIGTERM", r.name, c)
		}
	}
}

// kill -9 of the leader: another replica leads within 15 s and fires the nudge that was
// pending, exactly once; the chain verifies.
func TestPostgresLeaderKilledAnotherFiresThePendingNudgeOnce(t *testing.T) {
	pendingNudgeAcrossFailover(t, "killed", func(l *replica) { l.kill() })
}

// A SIGTERM of the leader (a rolling restart): it drains, gives the lock up and exits 0;
// another replica leads — told at once, not at its next try — and fires the nudge that was
// pending, exactly once.
func TestPostgresLeaderStoppedAnotherFiresThePendingNudgeOnce(t *testing.T) {
	pendingNudgeAcrossFailover(t, "stopped", func(l *replica) {
		_ = l.cmd.Process.Signal(syscall.SIGTERM)
		<-l.exited
		if c := l.cmd.ProcessState.ExitCode(); c != 0 {
			t.Fatalf("%s exited %d after SIGTERM", l.name, c)
		}
	})
}

// pendingNudgeAcrossFailover declares an incident on a follower, sets a nudge due in 8 s,
// ends the leader with end, and checks the next leader posts the nudge once.
func pendingNudgeAcrossFailover(t *testing.T, how string, end func(l *replica)) {
	rs := newReplicaSet(t)
	for i := 0; i < 3; i++ {
		rs.start()
	}
	rs.waitReady(60 * time.Second)
	l := rs.leader(15 * time.Second)
	f := rs.followers(l)[0]
	if ans := rs.say(f, rs.gen, slackfake.SlashCommandFields{Text: "declare Failover drill"}); !strings.Contains(ans, "Declared INC-1") {
		t.Fatalf("declare answered %q", ans)
	}
	var ch slackfake.Channel
	if !rs.fake.WaitFor(func() bool { var ok bool; ch, ok = rs.fake.ChannelByName("inc-1-failover-drill"); return ok }, 15*time.Second) {
		t.Fatal("channel never created")
	}
	rs.outboxEmpty(f, 15*time.Second)
	if ans := rs.say(f, ch.ID, slackfake.SlashCommandFields{Text: "task add Call the ISP due 8s"}); !strings.Contains(ans, "Task 1 added") {
		t.Fatalf("task add answered %q", ans)
	}
	rs.outboxEmpty(f, 15*time.Second)
	if rs.count(ch.ID, "Overdue task") != 0 {
		t.Fatal("the nudge fired before its time")
	}
	ended := time.Now()
	end(l)
	next := rs.leader(15 * time.Second)
	t.Logf("leader %s %s: %s leads %v after the signal", l.name, how, next.name, time.Since(ended))
	if !rs.fake.WaitFor(func() bool { return rs.count(ch.ID, "Overdue task") > 0 }, 30*time.Second) {
		t.Fatal("the new leader never fired the pending nudge")
	}
	time.Sleep(3 * time.Second)
	if n := rs.count(ch.ID, "Overdue task"); n != 1 {
		t.Fatalf("the pending nudge was posted %d times across the failover", n)
	}
	if code, out, errOut := runCLI(t, "", nil, "verify", "--all", "--db", rs.db, "--key", rs.key); code != 0 {
		t.Fatalf("verify --all after the failover: %s %s", out, errOut)
	}
}
