package storage

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/warroom/warroom/bot"
)

// The deliverer reads the due lane heads each time a lane is released, and on SQLite the
// heads of the lanes still being delivered come back with the rest: in a flood of
// declarations each head was decoded from JSON again at every read, tens of times over
// while it waited for its turn, 12% of the bot's CPU. A head does not change while it is
// pending, so its decoded payload is kept, keyed by the stored JSON itself (an id may be
// reused after pruning; the text cannot mean anything else). Large payloads (files) and
// secret ones (the text must not outlive the row's pending state) are not kept. Nor is a
// payload two reads in a row did not return: its row is delivered, or a redaction rewrote
// it, and the text the redaction removed must not stay here under the old JSON.

const (
	payloadCacheMax     = 1024     // entries; the cache starts afresh when full
	payloadCacheMaxSize = 32 << 10 // bytes of JSON; larger payloads are decoded each time
)

type payloadCache struct {
	mu sync.Mutex
	// m holds what the current read of the due heads decoded or found, prev what the
	// read before it did: what two reads in a row did not return is no longer a pending
	// head (delivered, or rewritten by a redaction, whose removed text must not stay here)
	// and is forgotten.
	m, prev map[string]bot.Payload
	decoded int // JSON decodes done (for tests)
}

// newRead starts a read of the due heads (see m and prev).
func (c *payloadCache) newRead() {
	c.mu.Lock()
	c.prev, c.m = c.m, nil
	c.mu.Unlock()
}

// decode returns the payload stored as raw: the kept one when there is one, as a copy the
// caller may change.
func (c *payloadCache) decode(raw string) (bot.Payload, error) {
	if c == nil {
		var p bot.Payload
		err := json.Unmarshal([]byte(raw), &p)
		return p, err
	}
	c.mu.Lock()
	p, ok := c.m[raw]
	if !ok {
		if p, ok = c.prev[raw]; ok {
			c.keep(raw, p)
		}
	}
	c.mu.Unlock()
	if ok {
		return clonePayload(p), nil
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return bot.Payload{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.decoded++
	if len(raw) <= payloadCacheMaxSize && !p.Secret {
		c.keep(raw, p)
	}
	return clonePayload(p), nil
}

// keep puts p in the current read's map (lock held).
func (c *payloadCache) keep(raw string, p bot.Payload) {
	if c.m == nil || len(c.m) >= payloadCacheMax {
		c.m = make(map[string]bot.Payload)
	}
	c.m[raw] = p
}

// clonePayload copies what a caller could change in place (slices, the file), so no two
// deliveries share them.
func clonePayload(p bot.Payload) bot.Payload {
	p.Message.Text = slices.Clone(p.Message.Text)
	p.Message.Buttons = slices.Clone(p.Message.Buttons)
	p.Users = slices.Clone(p.Users)
	if p.File != nil {
		f := *p.File
		p.File = &f
	}
	return p
}
