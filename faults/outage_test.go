//go:build faults

package faults

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

const (
	outageFor      = 30 * time.Second
	outageChannels = 3
	outageEvery    = 300 * time.Millisecond // one note per tick, channels in turn
	// outageDeadline bounds delivery after recovery: the outbox backs off up to 60 s
	// between attempts, so a lane may wait that long for its next try.
	outageDeadline = 120 * time.Second
)

// TestPlatformOutage: Slack answers 500s and drops connections (alternately) for 30 s of
// real time while people keep adding notes in three incident channels; the bot keeps
// acknowledging them. When Slack recovers, every queued message arrives, in order per
// channel, none twice. The fake applies a call only when it answers it, so a message it
// holds is a message whose answer reached the bot.
func TestPlatformOutage(t *testing.T) {
	w := newWorkspace(t)
	b := newBot(t, w, filepath.Join(t.TempDir(), "warroom.db"))
	b.mustStart()
	chans := make([]string, outageChannels)
	for i := range chans {
		chans[i] = w.declare(t, b, uAlice, fmt.Sprintf("Outage test %d sev2", i+1))
	}
	before := map[string]int{}
	for _, ch := range chans {
		before[ch] = len(w.botMessages(ch))
	}
	okBefore := w.fake.SuccessfulCalls("chat.postMessage")
	requestsBefore := len(w.fake.Requests())

	w.fake.SetOutageMode(slackfake.OutageAlternate)
	w.fake.Outage(true)
	outageStart := time.Now()
	want := map[string][]string{}
	send := w.sender(b)
	// A declaration during the outage: its channel, card and invitations wait in the
	// outbox too, and the channel must be created once, not once per attempt.
	ans := w.say(t, b, w.general, uAlice, "declare Declared during the outage sev1")
	m := channelNameRE.FindStringSubmatch(ans)
	if m == nil {
		t.Fatalf("declare during the outage answered %q", ans)
	}
	lateName := m[1]
	tick := time.NewTicker(outageEvery)
	sent := 0
	for time.Since(outageStart) < outageFor {
		<-tick.C
		ch := chans[sent%len(chans)]
		text := fmt.Sprintf("outage-%d-%03d", sent%len(chans)+1, sent/len(chans)+1)
		res, err := send.SlashCommand(w.command(ch, uBob, "note "+text))
		if err != nil {
			t.Fatalf("note during the outage: %v", err)
		}
		if ans, _ := ackText(res.Body); res.Status != 200 || !strings.Contains(ans, "Noted") {
			t.Fatalf("note during the outage: HTTP %d %q", res.Status, ans)
		}
		want[ch] = append(want[ch], "📝 bob: "+text)
		sent++
	}
	tick.Stop()
	// Nothing got through during the outage, yet the bot kept trying.
	during := w.fake.Requests()[requestsBefore:]
	failed500, dropped := 0, 0
	for _, r := range during {
		switch {
		case r.Status == 500:
			failed500++
		case r.Status == 0:
			dropped++
		}
	}
	if ok := w.fake.SuccessfulCalls("chat.postMessage"); ok != okBefore {
		t.Fatalf("%d messages got through during the outage", ok-okBefore)
	}
	if failed500 == 0 || dropped == 0 {
		t.Fatalf("the bot did not meet both failure modes during the outage: %d answered 500, %d dropped", failed500, dropped)
	}

	w.fake.Outage(false)
	recovered := time.Now()
	notes := func(ch string) []string {
		var out []string
		for _, m := range w.botMessages(ch) {
			if strings.HasPrefix(m, "📝 bob: outage-") {
				out = append(out, m)
			}
		}
		return out
	}
	allArrived := func() bool {
		late, ok := w.fake.ChannelByName(lateName)
		if !ok || len(w.fake.Pins(late.ID)) == 0 {
			return false
		}
		for _, ch := range chans {
			if len(notes(ch)) < len(want[ch]) {
				return false
			}
		}
		return true
	}
	if !w.fake.WaitFor(allArrived, outageDeadline) {
		for _, ch := range chans {
			t.Logf("channel %s: %d of %d notes arrived", ch, len(notes(ch)), len(want[ch]))
		}
		t.Fatalf("not every queued message arrived within %v of recovery\n%s", outageDeadline, b.logTail(30))
	}
	tookAll := time.Since(recovered)
	b.waitOutboxEmpty(t, outageDeadline)

	// In order per channel, none twice, nothing else lost.
	duplicated, outOfOrder := 0, 0
	for i, ch := range chans {
		got := notes(ch)
		seen := map[string]bool{}
		for _, n := range got {
			if seen[n] {
				duplicated++
			}
			seen[n] = true
		}
		if !slices.Equal(got, want[ch]) {
			outOfOrder++
			t.Errorf("channel %d: notes arrived as\n%q\nwant\n%q", i+1, got, want[ch])
		}
		if n := len(w.botMessages(ch)) - before[ch]; n != len(want[ch]) {
			t.Errorf("channel %d: %d new bot messages for %d notes", i+1, n, len(want[ch]))
		}
	}
	posted, lateChannels := 0, 0
	for _, c := range w.fake.Channels() {
		posted += len(w.botMessages(c.ID))
		if strings.HasPrefix(c.Name, lateName) {
			lateChannels++
		}
	}
	if late, _ := w.fake.ChannelByName(lateName); lateChannels != 1 || len(w.fake.Pins(late.ID)) != 1 || !slices.Contains(late.Members, uAlice) {
		t.Errorf("the incident declared during the outage: %d channels named %s*, %d pinned cards, members %v",
			lateChannels, lateName, len(w.fake.Pins(late.ID)), late.Members)
	}
	// Every bot message in the workspace is exactly one delivered outbox row, and back.
	oneToOne(t, "slack", deliveredRows(t, b.db)["slack"], w.shown(), func(name string) string { c, _ := w.fake.ChannelByName(name); return c.ID })
	s := readDB(t, b.db)
	if s.integrity != "ok" {
		t.Errorf("integrity_check: %s", s.integrity)
	}
	verifyAll(t, b.db)
	if code := b.stop(30 * time.Second); code != 0 {
		t.Errorf("warroom exited %d after SIGTERM", code)
	}
	figure("outage duration=%v channels=%d notes_acked_during=%d failed_calls=%d (http500=%d dropped=%d) delivered_after_recovery=%.1fs duplicated=%d channels_out_of_order=%d",
		outageFor, outageChannels, sent, failed500+dropped, failed500, dropped, tookAll.Seconds(), duplicated, outOfOrder)
}
