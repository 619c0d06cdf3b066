package slack

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// waitTimeout bounds waits that end on a change notification; a passing test never pays it.
const waitTimeout = 5 * time.Second

// stubHandler records what the adapter hands the engine and answers with a fixed reply.
type stubHandler struct {
	mu        sync.Mutex
	commands  []bot.Command
	reactions []bot.Reaction
	presses   []bot.Press
	reply     string
	verb      string        // the Reply's Verb
	release   chan struct{} // when set, HandleCommand waits for it
	calls     chan string   // receives "command", "reaction", "press" after each call
}

func newStub(reply string) *stubHandler {
	return &stubHandler{reply: reply, calls: make(chan string, 64)}
}

func (s *stubHandler) HandleCommand(ctx context.Context, c bot.Command) bot.Reply {
	if s.release != nil {
		<-s.release
	}
	s.mu.Lock()
	s.commands = append(s.commands, c)
	s.mu.Unlock()
	s.calls <- "command"
	return bot.Reply{Text: bot.Plain(s.reply), Verb: s.verb}
}

func (s *stubHandler) HandleReaction(ctx context.Context, r bot.Reaction) bot.Reply {
	s.mu.Lock()
	s.reactions = append(s.reactions, r)
	s.mu.Unlock()
	s.calls <- "reaction"
	return bot.Reply{Text: bot.Plain(s.reply), Verb: s.verb}
}

func (s *stubHandler) HandlePress(ctx context.Context, p bot.Press) bot.Reply {
	s.mu.Lock()
	s.presses = append(s.presses, p)
	s.mu.Unlock()
	s.calls <- "press"
	return bot.Reply{Text: bot.Plain(s.reply), Verb: s.verb}
}

func (s *stubHandler) await(t *testing.T, kind string) {
	t.Helper()
	select {
	case got := <-s.calls:
		if got != kind {
			t.Fatalf("handler got %s, want %s", got, kind)
		}
	case <-time.After(waitTimeout):
		t.Fatalf("handler never got a %s", kind)
	}
}

type testAdapter struct {
	*Adapter
	fake  *slackfake.Server
	stub  *stubHandler
	clock *clockwork.FakeClock
}

// manifestScopes are the bot scopes of the shipped manifest (both manifests ask for the
// same; TestManifests checks that). Every adapter test runs with exactly these, so a call the
// manifest does not cover fails the test with missing_scope.
func manifestScopes(t testing.TB) []string {
	t.Helper()
	scopes, err := slackfake.ManifestScopes("../../docs/slack/manifest-socket-mode.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return scopes
}

// newTestAdapter starts an adapter on a fresh fake with the manifest's scopes (plus extra);
// mutate adjusts the config first.
func newTestAdapter(t *testing.T, mutate func(*Config), extra ...string) *testAdapter {
	t.Helper()
	fake := slackfake.New(t, slackfake.WithScopes(append(manifestScopes(t), extra...)...))
	stub := newStub("ok")
	clock := clockwork.NewFakeClockAt(time.Now())
	cfg := Config{BotToken: fake.BotToken(), SigningSecret: fake.SigningSecret(), APIURL: fake.APIURL(),
		Handler: stub, Clock: clock}
	if mutate != nil {
		mutate(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &testAdapter{Adapter: a, fake: fake, stub: stub, clock: clock}
}

// run runs the adapter until the test ends.
func (ta *testAdapter) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ta.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}
