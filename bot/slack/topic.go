package slack

import "sync"

// A declaration sets its channel's topic twice: the creation carries it (finishChannel
// sets it on the new channel) and the declaration's card refresh queues it again behind
// the card. The second call changes nothing, and is one Web API call (and a round trip
// in the creating lane) of the ten a declaration costs; so the first SetTopic after a
// creation that set that very topic is answered without calling Slack. Only that first
// one: afterwards every SetTopic calls, so warroom still puts its topic back after a
// person changed it. A creation whose topic call failed leaves nothing here, and the
// queued SetTopic sets it (and is retried by the outbox), as before.

// freshTopics are the topics set by channel creations and not yet asked for again.
type freshTopics struct {
	mu sync.Mutex
	m  map[string]string // channel id → topic as set
}

// created notes that a creation just set channel's topic.
func (f *freshTopics) created(channel, topic string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[channel] = topic
}

// already reports (once) whether channel was just created with topic.
func (f *freshTopics) already(channel, topic string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.m[channel]
	delete(f.m, channel)
	return ok && t == topic
}
