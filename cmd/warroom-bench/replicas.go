package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// A deployment: warroom run processes on one database — one on SQLite, one or several
// replicas on PostgreSQL — all on one fake Slack, with one configuration and, on
// PostgreSQL, one signing key. Used by the PostgreSQL bench (postgres.go).

type deployment struct {
	bin, db, logDir string
	env             []string
	bots            []*botProc
	fake            *slackfake.Server
	senders         []*slackfake.HTTPSender
	general         string
	incCh           string // INC-1's channel, where the notes go
}

const benchSecret = "bench-signing-secret"
const benchAlice = "U0ALICE001"

// deploy starts n replicas of warroom on db (a SQLite path or a postgres:// URL; key is
// the signing key on PostgreSQL) with the configuration yaml, and declares INC-1.
func deploy(bin, dir, name, db, key string, n int, yaml string) (*deployment, error) {
	fake := slackfake.New(nil, slackfake.WithSigningSecret(benchSecret))
	fake.AddUser(benchAlice, "alice")
	d := &deployment{bin: bin, db: db, logDir: filepath.Join(dir, name), fake: fake}
	d.general = fake.AddChannel("general", false, benchAlice, fake.BotUserID())
	if err := os.MkdirAll(d.logDir, 0o700); err != nil {
		return nil, err
	}
	cfg := filepath.Join(d.logDir, "warroom.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		return nil, err
	}
	d.env = []string{"SLACK_BOT_TOKEN=" + fake.BotToken(), "SLACK_SIGNING_SECRET=" + benchSecret, "SLACK_API_URL=" + fake.APIURL(), "WARROOM_CONFIG=" + cfg}
	if key != "" {
		d.env = append(d.env, "WARROOM_KEY="+key)
	}
	for i := range n {
		b, _, err := launchBot(bin, db, d.logPath(i), d.env)
		if err != nil {
			d.stop()
			return nil, fmt.Errorf("replica %d of %d: %w", i+1, n, err)
		}
		d.bots = append(d.bots, b)
		s := fake.HTTPSender(b.http)
		s.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients}}
		d.senders = append(d.senders, s)
	}
	res, err := d.senders[0].SlashCommand(d.inGeneral("declare Replica bench sev2"))
	if err != nil || res.Status != 200 {
		d.stop()
		return nil, fmt.Errorf("declare: %v %d %s", err, res.Status, res.Body)
	}
	if !fake.WaitFor(func() bool {
		c, ok := fake.ChannelByName("inc-1-replica-bench")
		d.incCh = c.ID
		return ok && len(fake.Messages(c.ID)) > 0
	}, 20*time.Second) {
		d.stop()
		return nil, fmt.Errorf("the incident channel never appeared in the fake")
	}
	return d, nil
}

func (d *deployment) logPath(i int) string {
	return filepath.Join(d.logDir, fmt.Sprintf("replica-%d.log", i))
}

func (d *deployment) stop() {
	for _, b := range d.bots {
		if b != nil {
			b.stop()
		}
	}
	d.fake.Close()
}

// restart starts replica i again on its old log after it was killed; its Slack address
// changes, and so does its sender.
func (d *deployment) restart(i int) error {
	b, _, err := launchBot(d.bin, d.db, d.logPath(i), d.env)
	if err != nil {
		return err
	}
	d.bots[i] = b
	s := d.fake.HTTPSender(b.http)
	s.Client = d.senders[i].Client
	d.senders[i] = s
	return nil
}

// inGeneral is a slash command from alice in #general.
func (d *deployment) inGeneral(text string) slackfake.SlashCommandFields {
	return slackfake.SlashCommandFields{Command: "/incident", Text: text, ChannelID: d.general, UserID: benchAlice}
}

// noter sends signed `/incident note` commands to INC-1, request i to replica i mod n (a
// round-robin load balancer); it counts the acknowledged ones.
func (d *deployment) noter(label string, acked *atomic.Int64) func(i int) bool {
	var seq atomic.Int64
	var reported atomic.Bool
	return func(i int) bool {
		s := d.senders[i%len(d.senders)]
		r, err := s.SlashCommand(slackfake.SlashCommandFields{Command: "/incident", Text: fmt.Sprintf("note %s note %d", label, seq.Add(1)), ChannelID: d.incCh, UserID: benchAlice})
		ok := err == nil && r.Status == 200 && strings.Contains(string(r.Body), "Noted")
		if !ok && reported.CompareAndSwap(false, true) {
			fmt.Fprintf(os.Stderr, "first failed command (%s): err=%v status=%d body=%.300s\n", label, err, r.Status, r.Body)
		}
		if ok {
			acked.Add(1)
		}
		return ok
	}
}

// leader is the replica whose /readyz says "leader": true, waiting up to timeout; a lone
// replica that answers a plain "ready" (a warroom without replicas) leads itself.
func (d *deployment) leader(timeout time.Duration) (int, error) {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		for i, b := range d.bots {
			resp, err := client.Get(b.admin + "/readyz")
			if err != nil {
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var r struct {
				Leader *bool `json:"leader"`
			}
			if json.Unmarshal(body, &r) == nil && r.Leader != nil {
				if *r.Leader {
					return i, nil
				}
			} else if resp.StatusCode == 200 && len(d.bots) == 1 {
				return i, nil
			}
		}
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("no replica leads after %v", timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
