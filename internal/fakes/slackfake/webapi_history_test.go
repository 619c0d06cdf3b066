package slackfake_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// micros reads a canonical fake ts ("1700000000.000123") as microseconds.
func micros(t *testing.T, ts string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.Replace(ts, ".", "", 1), 10, 64)
	if err != nil {
		t.Fatalf("ts %q: %v", ts, err)
	}
	return v
}

// History and replies find the messages a window names by binary search over the channel;
// this compares what they return with a plain filter over every message, for random
// windows (open or closed at either end, inclusive or not, ends on a message or between
// two, ts written with trailing zeros dropped), so the search finds exactly what a scan
// would.
func TestHistoryWindowsMatchAScan(t *testing.T) {
	fake, api := newFake(t)
	ctx := context.Background()
	fake.AddUser("U1", "alice")
	ch := fake.AddChannel("ops", false, fake.BotUserID(), "U1")
	var parents []string
	for i := range 80 {
		if i%7 == 3 && len(parents) > 0 {
			fake.ReplyAsUser(ch, parents[len(parents)/2], "U1", fmt.Sprintf("reply %d", i))
			continue
		}
		parents = append(parents, fake.PostAsUser(ch, "U1", fmt.Sprintf("message %d", i)))
	}
	all := fake.Messages(ch)
	rng := rand.New(rand.NewPCG(18, 6))
	// bound picks a window end: unset, a message's ts, one microsecond beside one, or a
	// message's ts written short.
	bound := func() string {
		m := all[rng.IntN(len(all))].TS
		v := micros(t, m)
		switch rng.IntN(5) {
		case 0:
			return ""
		case 1:
			return fmt.Sprintf("%d.%06d", (v-1)/1e6, (v-1)%1e6)
		case 2:
			return fmt.Sprintf("%d.%06d", (v+1)/1e6, (v+1)%1e6)
		case 3:
			if short := strings.TrimRight(m, "0"); strings.Contains(short, ".") && !strings.HasSuffix(short, ".") {
				return short
			}
		}
		return m
	}
	value := func(ts string, unset int64) int64 {
		if ts == "" {
			return unset
		}
		sec, frac, _ := strings.Cut(ts, ".")
		return micros(t, sec+"."+(frac + "000000")[:6])
	}
	for q := range 400 {
		oldest, latest, inclusive := bound(), bound(), rng.IntN(2) == 0
		lo, hi := value(oldest, 0), value(latest, 1<<62)
		in := func(m string) bool {
			v := micros(t, m)
			if inclusive {
				return v >= lo && v <= hi
			}
			return v > lo && v < hi
		}
		var want []string
		for _, m := range slices.Backward(all) {
			if (m.ThreadTS == "" || m.ThreadTS == m.TS) && in(m.TS) {
				want = append(want, m.TS)
			}
		}
		h := must(api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: ch, Oldest: oldest, Latest: latest, Inclusive: inclusive, Limit: 999}))(t)
		var got []string
		for _, m := range h.Messages {
			got = append(got, m.Timestamp)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("query %d: history oldest=%q latest=%q inclusive=%v = %v, want %v", q, oldest, latest, inclusive, got, want)
		}
		if q%10 == 0 {
			thread := parents[len(parents)/2]
			want = []string{thread}
			for _, m := range all {
				if m.ThreadTS == thread && m.TS != thread && in(m.TS) {
					want = append(want, m.TS)
				}
			}
			r, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: ch, Timestamp: thread, Oldest: oldest, Latest: latest, Inclusive: inclusive})
			if err != nil {
				t.Fatal(err)
			}
			got = got[:0]
			for _, m := range r {
				got = append(got, m.Timestamp)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("query %d: replies oldest=%q latest=%q inclusive=%v = %v, want %v", q, oldest, latest, inclusive, got, want)
			}
		}
	}
	// A message is found by its ts exactly as written; a ts between two messages, or a
	// short form of a message's own, finds nothing (Slack matches the string).
	taken := map[int64]bool{}
	for _, m := range all {
		taken[micros(t, m.TS)] = true
	}
	for _, m := range all {
		if got, ok := fake.Message(ch, m.TS); !ok || got.Text != m.Text {
			t.Fatalf("Message(%s) = %+v, %v", m.TS, got, ok)
		}
		if v := micros(t, m.TS) + 1; !taken[v] {
			if _, ok := fake.Message(ch, fmt.Sprintf("%d.%06d", v/1e6, v%1e6)); ok {
				t.Fatalf("Message found a message one microsecond after %s", m.TS)
			}
		}
		if short := strings.TrimRight(m.TS, "0"); short != m.TS {
			if _, ok := fake.Message(ch, short); ok {
				t.Fatalf("Message(%s) found %s", short, m.TS)
			}
		}
	}
}
