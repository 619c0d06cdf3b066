package discord

import (
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/jonboulle/clockwork"
)

// seenSet remembers recent event keys so an event the gateway delivers twice (a resume
// replay overlapping what was already read) is acknowledged and handled once in this
// process. The engine's DedupKey is the durable guard across restarts; this one only saves
// Discord calls (a second acknowledgement would be refused with 40060 anyway).
type seenSet struct {
	mu    sync.Mutex
	max   int
	order []string
	keys  map[string]bool
}

func newSeenSet(max int) *seenSet { return &seenSet{max: max, keys: map[string]bool{}} }

// add reports whether key is new, remembering it.
func (s *seenSet) add(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys[key] {
		return false
	}
	s.keys[key] = true
	s.order = append(s.order, key)
	if len(s.order) > s.max {
		delete(s.keys, s.order[0])
		s.order = s.order[1:]
	}
	return true
}

// tokenLife is how long warroom uses an interaction token for follow-ups: Discord allows
// 15 minutes; a margin keeps a follow-up from racing the expiry.
const tokenLife = 14 * time.Minute

// interactionTokens keeps, per channel and user, the latest interaction: Discord has no
// ephemeral channel message outside interactions, so an ephemeral reply the outbox delivers
// later goes out as a follow-up on it while its token is valid (else as a DM).
type interactionTokens struct {
	mu    sync.Mutex
	clock clockwork.Clock
	last  map[string]tokenEntry
}

type tokenEntry struct {
	in *discordgo.Interaction
	at time.Time
}

func newInteractionTokens(clock clockwork.Clock) *interactionTokens {
	return &interactionTokens{clock: clock, last: map[string]tokenEntry{}}
}

func (t *interactionTokens) remember(channelID, userID string, in *discordgo.Interaction) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	for k, e := range t.last { // keep the map small: drop expired entries
		if now.Sub(e.at) > tokenLife {
			delete(t.last, k)
		}
	}
	t.last[channelID+"/"+userID] = tokenEntry{in: in, at: now}
}

// fresh returns the user's latest interaction in the channel if its token is still usable.
func (t *interactionTokens) fresh(channelID, userID string) *discordgo.Interaction {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.last[channelID+"/"+userID]
	if !ok || t.clock.Now().Sub(e.at) > tokenLife {
		return nil
	}
	return e.in
}
