package slackfake_test

import (
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// waitTimeout is generous: waits end on the fake's change notifications,
// so a passing test never pays it.
const waitTimeout = 5 * time.Second

func newFake(t *testing.T, opts ...slackfake.Option) (*slackfake.Server, *slack.Client) {
	t.Helper()
	fake := slackfake.New(t, opts...)
	api := slack.New(fake.BotToken(),
		slack.OptionAPIURL(fake.APIURL()),
		slack.OptionAppLevelToken(fake.AppToken()))
	return fake, api
}

// must(f())(t) unwraps a (value, error) pair, failing the test on error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func wantSlackErr(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil || err.Error() != code {
		t.Fatalf("error = %v, want %q", err, code)
	}
}
