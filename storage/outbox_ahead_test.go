package storage

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// queuePosts queues one post per text in lane inc:1 of incident n.
func queuePosts(t *testing.T, db *DB, n int64, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if err := db.Enqueue(context.Background(), bot.Outbound{Lane: "inc:1", Platform: "console", Op: bot.OpPost, Incident: n,
			Payload: bot.Payload{Message: bot.Message{Text: bot.Plain(s)}}}, t0); err != nil {
			t.Fatal(err)
		}
	}
}

// followedHead is the lane's head now, or "" when none is due.
func followedHead(t *testing.T, db *DB) (bot.Outbound, string) {
	t.Helper()
	o, ok, err := db.DueLaneHead(context.Background(), "inc:1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return o, ""
	}
	return o, o.Payload.Message.Text.String()
}

// A followed lane's next operations are read a few at a time: 12 posts, each completed
// before the next look, cost 2 queries (8 and 4), not 12 (and one more for the empty look);
// each comes in order, once.
func TestALaneIsReadAheadInOrder(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL hands out operations only under a claim (DueOutbound)")
	}
	inc := newIncident(t, db)
	var want []string
	for i := range 12 {
		want = append(want, "note "+string(rune('a'+i)))
	}
	queuePosts(t, db, inc.Number, want...)
	for _, w := range want {
		o, got := followedHead(t, db)
		if got != w {
			t.Fatalf("head %q, want %q", got, w)
		}
		if err := db.CompleteOutbound(context.Background(), o, bot.Delivered{ID: "m"}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, got := followedHead(t, db); got != "" {
		t.Fatalf("the drained lane handed out %q", got)
	}
	if n := db.ahead.readsSoFar(); n != 3 {
		t.Fatalf("%d queries for 12 followed posts and the empty look, want 3", n)
	}
}

// What a look read ahead is not sent once a redaction scrubbed it: the next head is read
// again and carries the scrubbed text. And a head whose failure was recorded stays the
// head (waiting for its retry): what was read behind it is not handed out.
func TestAReadAheadForgetsAScrubAndARetry(t *testing.T) {
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL hands out operations only under a claim (DueOutbound)")
	}
	ctx := context.Background()
	inc := newIncident(t, db)
	const secret = "hunter2-db-admin-password"
	queuePosts(t, db, inc.Number, "first", "the password is "+secret, "third", "fourth")
	o, _ := followedHead(t, db)
	if err := db.CompleteOutbound(ctx, o, bot.Delivered{ID: "m1"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *Tx) error { _, err := tx.Scrub(inc.Number, []string{secret}); return err }); err != nil {
		t.Fatal(err)
	}
	o, got := followedHead(t, db)
	if strings.Contains(got, secret) || !strings.Contains(got, bot.RedactedText) {
		t.Fatalf("after the scrub the lane handed out %q", got)
	}
	if err := db.CompleteOutbound(ctx, o, bot.Delivered{ID: "m2"}, t0); err != nil {
		t.Fatal(err)
	}
	o, got = followedHead(t, db)
	if got != "third" {
		t.Fatalf("head %q, want third", got)
	}
	if err := db.RetryOutbound(ctx, o.ID, time.Time{}, t0.Add(time.Minute), "ratelimited"); err != nil {
		t.Fatal(err)
	}
	if _, got := followedHead(t, db); got != "" {
		t.Fatalf("third waits for its retry, yet %q was handed out", got)
	}
}

// A run read ahead belongs to its follower only while it follows: once the lane was let go
// (the follower stopped after the operation it completed), a take may hand out the next
// operation itself. Its failure, or its delivery, recorded that way ends the kept run: the
// next look does not hand out a head waiting for its retry, nor an operation delivered.
func TestAReadAheadEndsWhenAnotherHandsOutTheLane(t *testing.T) {
	db, due := takenAfterAFollower(t)
	ctx := context.Background()
	// A take read "two" and its delivery fails.
	if err := db.RetryOutbound(ctx, due.ID, time.Time{}, t0.Add(time.Minute), "500"); err != nil {
		t.Fatal(err)
	}
	if _, got := followedHead(t, db); got != "" {
		t.Fatalf("two waits for its retry, yet %q was handed out", got)
	}
	// Later the take delivers two; the lane's next look gives three.
	o, got := func() (bot.Outbound, string) {
		due, err := db.DueOutbound(ctx, t0.Add(time.Minute), 10, true)
		if err != nil || len(due) != 1 {
			t.Fatalf("the take read %v (%v)", due, err)
		}
		return due[0], due[0].Payload.Message.Text.String()
	}()
	if got != "two" {
		t.Fatalf("the take read %q, want two", got)
	}
	if err := db.CompleteOutbound(ctx, o, bot.Delivered{ID: "m2"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, got := followedHead(t, db); got != "three" {
		t.Fatalf("after two was delivered the lane handed out %q, want three", got)
	}
}

// Likewise a delivery recorded by a take: the follower's kept run would hand out the
// operation just delivered.
func TestAReadAheadEndsWhenATakeDeliversTheLane(t *testing.T) {
	db, due := takenAfterAFollower(t)
	ctx := context.Background()
	if err := db.CompleteOutbound(ctx, due, bot.Delivered{ID: "m2"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, got := followedHead(t, db); got != "three" {
		t.Fatalf("after a take delivered two the lane handed out %q, want three", got)
	}
}

// takenAfterAFollower queues one, two, three, four in a lane; its follower delivers one
// (keeping two, three, four read ahead) and lets the lane go; a take then reads two, which
// it returns.
func takenAfterAFollower(t *testing.T) (*DB, bot.Outbound) {
	t.Helper()
	db := openTest(t)
	if db.pg {
		t.Skip("PostgreSQL hands out operations only under a claim (DueOutbound)")
	}
	ctx := context.Background()
	inc := newIncident(t, db)
	queuePosts(t, db, inc.Number, "one", "two", "three", "four")
	o, _ := followedHead(t, db)
	if err := db.CompleteOutbound(ctx, o, bot.Delivered{ID: "m1"}, t0); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbound(ctx, t0, 10, true)
	if err != nil || len(due) != 1 || due[0].Payload.Message.Text.String() != "two" {
		t.Fatalf("the take read %v (%v), want two", due, err)
	}
	return db, due[0]
}

// After each commit the store names the lanes it queued into, once per operation; a
// transaction rolled back names none. PostgreSQL announces nothing this way (NOTIFY).
func TestOnQueuedNamesTheCommittedLanes(t *testing.T) {
	db := openTest(t)
	var mu sync.Mutex
	var got [][]string
	if !db.OnQueued(func(lanes []string) { mu.Lock(); got = append(got, lanes); mu.Unlock() }) {
		if db.pg {
			t.Skip("PostgreSQL announces by NOTIFY")
		}
		t.Fatal("SQLite refused to announce")
	}
	ctx := context.Background()
	post := func(lane string) bot.Outbound {
		return bot.Outbound{Lane: lane, Platform: "console", Op: bot.OpPost, Payload: bot.Payload{Message: bot.Message{Text: bot.Plain("x")}}}
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.Enqueue(post("inc:1"), t0); err != nil {
			return err
		}
		return tx.Enqueue(post("dm:U1"), t0)
	}); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	if err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.Enqueue(post("inc:9"), t0); err != nil {
			return err
		}
		return refused
	}); !errors.Is(err, refused) {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !slices.Equal(got[0], []string{"inc:1", "dm:U1"}) {
		t.Fatalf("announced %v, want one commit's [inc:1 dm:U1]", got)
	}
}
