package commands

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/bot"
)

// standingStore counts the standing reads a write transaction makes.
type standingStore struct {
	Store
	members, roles atomic.Int64
}

func (s *standingStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.Store.Update(ctx, func(tx Tx) error { return fn(standingTx{Tx: tx, s: s}) })
}

type standingTx struct {
	Tx
	s *standingStore
}

func (t standingTx) IsMember(n int64, person string) (bool, error) {
	t.s.members.Add(1)
	return t.Tx.IsMember(n, person)
}

func (t standingTx) CurrentRoles(n int64) (map[string]string, error) {
	t.s.roles.Add(1)
	return t.Tx.CurrentRoles(n)
}

// A 📌 is allowed to members and the leads, so the engine reads only what decides that:
// a member's pin reads the membership once and not the roles (a query per event on the
// ingest path), a lead's pin reads neither, and a stranger is still refused. A steward's
// verb still reads the roles. The decisions are TestPolicyMatrix's; this is the reads.
func TestAPinReadsOnlyTheMembershipItNeeds(t *testing.T) {
	ss := &standingStore{}
	h := newHarness(t, withStore(func(s Store) Store { ss.Store = s; return ss }))
	ch := h.declare("alice", "Pin reads sev3")
	pin := func(user, id string) string {
		ss.members.Store(0)
		ss.roles.Store(0)
		return h.react(user, "pushpin", &bot.ChatMessage{ID: id, Channel: ch, Author: bot.User{ID: "alice"}, Text: "line " + id})
	}
	if r := pin("alice", "m1"); !strings.Contains(r, "Added to the INC-1 timeline") {
		t.Fatalf("alice's pin: %q", r)
	}
	if m, r := ss.members.Load(), ss.roles.Load(); m != 1 || r != 0 {
		t.Errorf("a member's pin read the membership %d times and the roles %d times, want 1 and 0", m, r)
	}
	if r := pin("dave", "m2"); !strings.Contains(r, "Added to the INC-1 timeline") {
		t.Fatalf("dave's (a lead's) pin: %q", r)
	}
	if m, r := ss.members.Load(), ss.roles.Load(); m != 0 || r != 0 {
		t.Errorf("a lead's pin read the membership %d times and the roles %d times, want none", m, r)
	}
	if r := pin("carol", "m3"); !strings.Contains(r, "You are not a member of INC-1") {
		t.Fatalf("a stranger's pin was not refused: %q", r)
	}
	ss.roles.Store(0)
	h.cmd("alice", ch, "sev sev2")
	if ss.roles.Load() == 0 {
		t.Error("a steward's verb decided without reading the roles")
	}
}
