//go:build faults

package faults

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

const (
	lostFor      = 30 * time.Second
	lostClients  = 64
	lostDiscord  = 16                     // of the 64 clients, these drive Discord
	lostFraction = 0.3                    // of every call's answers, on both platforms
	lostPace     = 400 * time.Millisecond // between one client's commands
	lostDeadline = 3 * time.Minute        // to drain the outbox after the fault
	lostSeed     = 21
)

// TestLostAnswers: for 30 s both fakes apply 30 % of all calls and then lose the answer (a
// 500, a 502 for Discord, a dropped connection), while 64 clients declare incidents, add
// notes, 📌 messages to the timeline and page the on-call, on Slack and on Discord. Once the
// network is good again and the outbox has drained:
//   - every channel's bot messages equal the outbox's delivered rows, one to one (nothing
//     posted twice, nothing recorded that was not posted);
//   - every incident has exactly one channel (no `inc-N-…-2` twin);
//   - every acknowledged note is on its timeline once and in its channel once.
func TestLostAnswers(t *testing.T) {
	w := newWorkspace(t)
	dw := newDiscordWorkspace(t)
	b := newBot(t, w, filepath.Join(t.TempDir(), "warroom.db"))
	dw.attach(t, b, pagingConfig)
	b.mustStart()
	dw.waitConnected(t)

	// Incidents to write in, two per platform, declared while the network is good.
	var slackChans, discordChans []string
	for i := range 2 {
		slackChans = append(slackChans, w.declare(t, b, uAlice, fmt.Sprintf("Lost answers slack %d sev2", i+1)))
		discordChans = append(discordChans, dw.declare(t, b, dAlice, fmt.Sprintf("Lost answers discord %d", i+1)))
	}

	l := &lostLoad{w: w, dw: dw, b: b, slackChans: slackChans, discordChans: discordChans, stop: make(chan struct{})}
	w.fake.LoseSomeAnswers("*", lostFraction, lostSeed)
	dw.fake.LoseSomeAnswers("*", lostFraction, lostSeed)
	start := time.Now()
	for i := range lostClients {
		l.wg.Add(1)
		go l.client(i)
	}
	pause(lostFor)
	close(l.stop)
	l.wg.Wait()
	w.fake.ClearFaults()
	dw.fake.ClearFaults()
	lostSlack, lostDiscord := w.fake.LostAnswers("*"), dw.fake.LostAnswers("*")
	faultTime := time.Since(start)
	if lostSlack == 0 || lostDiscord == 0 {
		t.Fatalf("answers lost: slack %d, discord %d — the fault never bit", lostSlack, lostDiscord)
	}
	recovered := time.Now()
	b.waitOutboxEmpty(t, lostDeadline)
	drained := time.Since(recovered)

	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.unexpected) > 0 {
		t.Errorf("%d unexpected answers, e.g. %v", len(l.unexpected), firstFew(l.unexpected))
	}
	rows := deliveredRows(t, b.db)
	slackShown, discordShown := w.shown(), dw.shown()
	// A 📌 on Discord is answered by DM, outside the outbox (Slack answers it ephemerally):
	// at most one answer per reaction.
	replies := 0
	for id := range discordShown {
		if m, _ := dw.fake.Message(id); strings.HasPrefix(m.Content, "Added to the INC-") || strings.HasPrefix(m.Content, "warroom could not read that message") {
			delete(discordShown, id)
			replies++
		}
	}
	if replies > int(l.discordPins.Load()) {
		t.Errorf("%d answers to %d 📌 reactions on Discord: an answer was sent twice", replies, l.discordPins.Load())
	}
	oneToOne(t, "slack", rows["slack"], slackShown, func(name string) string { c, _ := w.fake.ChannelByName(name); return c.ID })
	oneToOne(t, "discord", rows["discord"], discordShown, func(name string) string { c, _ := dw.fake.ChannelByName(dGuild, name); return c.ID })
	if t.Failed() { // name a few of the Discord messages, to tell what was doubled
		n := 0
		for id := range discordShown {
			if m, ok := dw.fake.Message(id); ok && n < 20 {
				n++
				t.Logf("discord %s in %s: %.80q", id, m.ChannelID, m.Content)
			}
		}
	}

	// Every incident exactly one channel, and the one it recorded.
	incs := incidentChannels(t, b.db)
	twins := 0
	for _, inc := range incs {
		var named []string
		switch inc.platform {
		case "slack":
			for _, c := range w.fake.Channels() {
				if strings.HasPrefix(c.Name, inc.prefix) {
					named = append(named, c.ID)
				}
			}
		case "discord":
			for _, c := range dw.fake.Channels(dGuild) {
				if strings.HasPrefix(c.Name, inc.prefix) && c.Type == discordfake.ChannelText {
					named = append(named, c.ID)
				}
			}
		}
		if len(named) != 1 || named[0] != inc.channel {
			twins++
			t.Errorf("INC-%d (%s): channels %v named %s…, recorded %q", inc.number, inc.platform, named, inc.prefix, inc.channel)
		}
	}

	// Every acknowledged note once on the timeline and once in its channel.
	s := readDB(t, b.db)
	if d := s.duplicated(); len(d) > 0 {
		t.Errorf("notes on a timeline twice: %v", firstFew(d))
	}
	var acked []string
	for text := range l.notes {
		acked = append(acked, text)
	}
	if m := s.missing(acked); len(m) > 0 {
		t.Errorf("%d acknowledged notes missing from the timeline: %v", len(m), firstFew(m))
	}
	shownTexts := map[string]int{}
	for _, texts := range [][]string{w.allBotTexts(), dw.allBotTexts()} {
		for _, text := range texts {
			if i := strings.Index(text, "lost-c"); i >= 0 {
				shownTexts[strings.TrimRight(text[i:], "*_` ")]++
			}
		}
	}
	wrongCount := 0
	for text := range l.notes {
		if n := shownTexts[text]; n != 1 {
			wrongCount++
			if wrongCount <= 5 {
				t.Errorf("note %q shown %d times", text, n)
			}
		}
	}
	if s.integrity != "ok" {
		t.Errorf("integrity_check: %s", s.integrity)
	}
	verifyAll(t, b.db)
	if code := b.stop(30 * time.Second); code != 0 {
		t.Errorf("warroom exited %d after SIGTERM", code)
	}
	found := strings.Count(b.log(), "recording it, not posting again")
	adopted := strings.Count(b.log(), "adopting the channel")
	figure("lost_answers duration=%v clients=%d fraction=%.2f commands=%d notes_acked=%d declared=%d pages=%d pins=%d answers_lost_slack=%d answers_lost_discord=%d slack_found_in_history=%d slack_channels_adopted=%d drained_after=%.1fs bot_messages_slack=%d bot_messages_discord=%d twins=%d notes_not_shown_once=%d",
		faultTime.Round(time.Second), lostClients, lostFraction, l.sent.Load(), len(l.notes), l.declared.Load(), l.pages.Load(), l.pins.Load(),
		lostSlack, lostDiscord, found, adopted, drained.Seconds(), len(slackShown), len(discordShown), twins, wrongCount)
}

// pagingConfig adds an on-call team (bob, on call on both platforms) so /page has someone
// to DM.
func pagingConfig() string {
	start := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	return `oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [bob], length: 1w, handoff: "00:00", start: ` + start + `}
      escalation:
        steps:
          - {notify: oncall, wait: 1h}
`
}

// lostLoad is the 64 clients and what they were told.
type lostLoad struct {
	w                        *workspace
	dw                       *discordWorkspace
	b                        *botProc
	slackChans, discordChans []string
	stop                     chan struct{}
	wg                       sync.WaitGroup

	sent, declared, pages, pins atomic.Int64
	discordPins                 atomic.Int64

	mu         sync.Mutex
	notes      map[string]bool // acknowledged note texts
	unexpected []string
}

// client sends one command every lostPace: mostly notes, and every few a declaration, a
// page or a 📌 on a message someone wrote.
func (l *lostLoad) client(i int) {
	defer l.wg.Done()
	tick := time.NewTicker(lostPace)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		}
		l.sent.Add(1)
		if i < lostDiscord {
			l.discordCommand(i, n)
		} else {
			l.slackCommand(i, n)
		}
	}
}

func (l *lostLoad) slackCommand(i, n int) {
	ch := l.slackChans[(i+n)%len(l.slackChans)]
	send := l.w.sender(l.b)
	var fields slackfake.SlashCommandFields
	text := fmt.Sprintf("lost-c%02d-%04d", i, n)
	switch {
	case n%23 == 7:
		l.declared.Add(1)
		fields = l.w.command(l.w.general, uAlice, "declare Declared while answers are lost "+text+" sev3")
	case n%19 == 5:
		l.pages.Add(1)
		fields = l.w.fake.PrepareSlashCommand(slackfake.SlashCommandFields{Command: "/page", Text: "secops " + text, ChannelID: ch, UserID: uAlice})
	case n%17 == 3:
		l.pins.Add(1)
		ts := l.w.fake.PostAsUser(ch, uBob, "a line worth keeping "+text)
		res, _, err := send.ReactionAdded(slackfake.ReactionAdded{User: uAlice, Reaction: "pushpin", Channel: ch, TS: ts})
		if err != nil || res.Status != 200 {
			l.unexpectedAnswer(text, fmt.Sprintf("📌: %v %d", err, res.Status))
		}
		return
	default:
		fields = l.w.command(ch, uBob, "note "+text)
	}
	res, err := send.SlashCommand(fields)
	if err != nil || res.Status != 200 {
		l.unexpectedAnswer(text, fmt.Sprintf("%v HTTP %d", err, res.Status))
		return
	}
	ans, err := ackText(res.Body)
	switch {
	case err != nil:
		l.unexpectedAnswer(text, err.Error())
	case strings.HasPrefix(fields.Text, "note ") && strings.Contains(ans, "Noted on"):
		l.noted(text)
	case strings.HasPrefix(fields.Text, "note "), strings.Contains(ans, "Working on it"):
		if !strings.Contains(ans, "Working on it") {
			l.unexpectedAnswer(text, ans)
		}
	}
}

func (l *lostLoad) discordCommand(i, n int) {
	ch := l.discordChans[(i+n)%len(l.discordChans)]
	text := fmt.Sprintf("lost-c%02d-%04d", i, n)
	var spec discordfake.InteractionSpec
	isNote := false
	switch {
	case n%23 == 7:
		l.declared.Add(1)
		spec = discordfake.InteractionSpec{GuildID: dGuild, ChannelID: l.dw.general, UserID: dAlice, Command: "incident",
			Options: []discordfake.CommandOption{discordfake.SubCommand("declare", discordfake.StringOption("title", "Declared while answers are lost "+text))}}
	case n%19 == 5:
		l.pages.Add(1)
		spec = discordfake.InteractionSpec{GuildID: dGuild, ChannelID: ch, UserID: dAlice, Command: "page",
			Options: []discordfake.CommandOption{discordfake.SubCommand("team", discordfake.StringOption("team", "secops"), discordfake.StringOption("message", text))}}
	case n%17 == 3:
		l.pins.Add(1)
		l.discordPins.Add(1)
		id := l.dw.fake.DispatchMessageCreate(ch, dBob, "a line worth keeping "+text)
		l.dw.fake.DispatchReactionAdd(dGuild, ch, id, dAlice, "📌")
		return
	default:
		isNote = true
		spec = discordfake.InteractionSpec{GuildID: dGuild, ChannelID: ch, UserID: dBob, Command: "incident",
			Options: []discordfake.CommandOption{discordfake.SubCommand("note", discordfake.StringOption("text", text))}}
	}
	ref := l.dw.fake.DispatchInteraction(spec)
	if !isNote {
		return
	}
	// The answer is an edit of the deferred reply; it may itself be lost, so wait briefly.
	var answer string
	l.dw.fake.WaitFor(func() bool {
		for _, f := range l.dw.fake.Followups(ref.Token) {
			if f.Original && f.Op == "edit" {
				answer = f.Content
				return true
			}
		}
		return false
	}, 5*time.Second)
	if strings.Contains(answer, "Noted on") {
		l.noted(text)
	}
}

func (l *lostLoad) noted(text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.notes == nil {
		l.notes = map[string]bool{}
	}
	l.notes[text] = true
}

func (l *lostLoad) unexpectedAnswer(id, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unexpected = append(l.unexpected, id+": "+what)
}

// shown is every bot message in the Slack workspace: ts → channel id.
func (w *workspace) shown() map[string]string {
	out := map[string]string{}
	for _, c := range w.fake.Channels() {
		for _, m := range w.fake.Messages(c.ID) {
			if m.BotID != "" || m.User == w.fake.BotUserID() {
				out[m.TS] = c.ID
			}
		}
	}
	return out
}

func (w *workspace) allBotTexts() []string {
	var out []string
	for _, c := range w.fake.Channels() {
		out = append(out, w.botMessages(c.ID)...)
	}
	return out
}

// oneToOne holds a platform's bot messages (id → channel) against its delivered outbox
// rows: each row's message exists in the row's channel, no two rows claim one message
// (card edits re-deliver the card and may), and every bot message has its row.
func oneToOne(t *testing.T, platform string, rows []delivered, shown map[string]string, resolve func(string) string) {
	t.Helper()
	claimed := map[string]int64{}
	bad := 0
	report := func(format string, args ...any) {
		bad++
		if bad <= 10 {
			t.Errorf(platform+": "+format, args...)
		}
	}
	for _, r := range rows {
		if name, ok := strings.CutPrefix(r.channel, "#"); ok {
			r.channel = resolve(name)
		}
		ch, ok := shown[r.message]
		switch {
		case !ok:
			report("outbox row %d (%s) recorded message %q, which is not there", r.id, r.op, r.message)
		case r.channel != "" && ch != r.channel:
			report("outbox row %d (%s): message %s is in %s, the row went to %s", r.id, r.op, r.message, ch, r.channel)
		}
		if prev, dup := claimed[r.message]; dup && r.op != "card" {
			report("outbox rows %d and %d both claim message %s", prev, r.id, r.message)
		}
		claimed[r.message] = r.id
	}
	for id, ch := range shown {
		if _, ok := claimed[id]; !ok {
			report("bot message %s in %s has no delivered outbox row: posted twice", id, ch)
		}
	}
	if len(rows) == 0 {
		t.Errorf("%s: no delivered rows at all", platform)
	}
	if bad > 10 {
		t.Errorf("%s: %d mismatches in all", platform, bad)
	}
}

// delivered is one delivered post, card or DM row.
type delivered struct {
	id               int64
	op               string
	channel, message string
}

// deliveredRows reads the delivered post/card/DM rows per platform (DM rows have no
// channel: the platform chose it).
func deliveredRows(t *testing.T, path string) map[string][]delivered {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT o.id, o.platform, o.op,
		CASE WHEN o.op = 'dm' THEN '' WHEN o.target <> '' THEN o.target ELSE COALESCE(i.channel_id, '') END, o.result
		FROM outbox o LEFT JOIN incidents i ON i.number = o.incident
		WHERE o.state = 'done' AND o.op IN ('post', 'card', 'dm') ORDER BY o.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]delivered{}
	for rows.Next() {
		var d delivered
		var platform string
		if err := rows.Scan(&d.id, &platform, &d.op, &d.channel, &d.message); err != nil {
			t.Fatal(err)
		}
		out[platform] = append(out[platform], d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// incidentChannel is one incident's platform, recorded channel and its name's "inc-N-"
// prefix.
type incidentChannel struct {
	number                    int64
	platform, channel, prefix string
}

func incidentChannels(t *testing.T, path string) []incidentChannel {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT number, platform, channel_id FROM incidents ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []incidentChannel
	for rows.Next() {
		var c incidentChannel
		if err := rows.Scan(&c.number, &c.platform, &c.channel); err != nil {
			t.Fatal(err)
		}
		c.prefix = fmt.Sprintf("inc-%d-", c.number)
		out = append(out, c)
	}
	return out
}
