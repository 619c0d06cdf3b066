package slackfake

import (
	"math"
	"slices"
	"sort"
)

// readableLocked applies the read rules of conversations.history/replies: a
// hidden private channel does not exist, and a public channel the bot has
// not joined answers not_in_channel.
func (s *Server) readableLocked(id string) (*channel, string) {
	c, code := s.lookupChannelLocked(id)
	if code != "" {
		return nil, code
	}
	if !c.isMember(s.cfg.botUserID) {
		return nil, "not_in_channel"
	}
	return c, ""
}

// tsWindow is the latest/oldest/inclusive filter shared by history and replies.
type tsWindow struct {
	oldest, latest tsMicros
	inclusive      bool
}

func windowParam(p params) (tsWindow, string) {
	w := tsWindow{latest: math.MaxInt64, inclusive: truthy(p.Get("inclusive"))}
	if v := p.Get("oldest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_oldest"
		}
		w.oldest = t
	}
	if v := p.Get("latest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_latest"
		}
		w.latest = t
	}
	return w, ""
}

// span is the run of msgs (in strictly increasing ts order, as a channel keeps them) that
// the window contains, found by two binary searches. Slack looks a message up by its ts
// through an index; scanning the whole channel under the server's one lock made the fake,
// which stands in for Slack and whose cost is not warroom's, the slow part of reading
// reacted messages back in a busy channel, and held every other call behind it.
func (w tsWindow) span(msgs []*message) []*message {
	lo := sort.Search(len(msgs), func(i int) bool {
		t := msgs[i].time()
		return t > w.oldest || (w.inclusive && t == w.oldest)
	})
	hi := sort.Search(len(msgs), func(i int) bool {
		t := msgs[i].time()
		return t > w.latest || (!w.inclusive && t == w.latest)
	})
	return msgs[lo:max(lo, hi)]
}

// convHistory returns top-level messages newest first. Thread replies are
// left out exactly as Slack does, which is the classic reason a bot's
// "fetch the reacted message by ts" comes back empty for a reply.
// latest=ts&inclusive=true&limit=1 fetches one message.
func (s *Server) convHistory(p params) reply {
	c, code := s.readableLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	w, code := windowParam(p)
	if code != "" {
		return failure(code)
	}
	if cur := p.Get("cursor"); cur != "" {
		// The cursor carries the ts of the last message already returned.
		v, ok := decodeCursor(cur)
		t, ok2 := parseTS(v)
		if !ok || !ok2 {
			return failure("invalid_cursor")
		}
		w.latest, w.inclusive = t, false
	}
	limit := limitParam(p, 100, 999)
	var out []map[string]any
	hasMore, last := false, ""
	for _, m := range slices.Backward(w.span(c.messages)) {
		if m.threadTS != "" && m.threadTS != m.ts {
			continue
		}
		if len(out) == limit {
			hasMore = true
			break
		}
		j := s.messageJSON(c, m)
		if len(m.metadata) > 0 && truthy(p.Get("include_all_metadata")) {
			// Slack returns metadata only to readers who ask for it.
			j["metadata"] = m.metadata
		}
		out = append(out, j)
		last = m.ts
	}
	next := ""
	if hasMore {
		next = encodeCursor(last)
	}
	return reply{
		"messages":          nonNil(out),
		"has_more":          hasMore,
		"pin_count":         len(c.pins),
		"response_metadata": map[string]any{"next_cursor": next},
	}
}

// convReplies returns a thread, parent first, oldest first.
func (s *Server) convReplies(p params) reply {
	c, code := s.readableLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	ts := p.Get("ts")
	parent := s.findMessageLocked(c, ts)
	if parent == nil {
		return failure("thread_not_found")
	}
	w, code := windowParam(p)
	if code != "" {
		return failure(code)
	}
	limit := limitParam(p, 1000, 1000)
	out := []map[string]any{s.messageJSON(c, parent)}
	hasMore := false
	for _, m := range w.span(c.messages) {
		if m.threadTS != ts || m.ts == ts {
			continue
		}
		if len(out) == limit {
			hasMore = true
			break
		}
		out = append(out, s.messageJSON(c, m))
	}
	return reply{"messages": out, "has_more": hasMore, "response_metadata": map[string]any{"next_cursor": ""}}
}

func nonNil(v []map[string]any) []map[string]any {
	if v == nil {
		return []map[string]any{}
	}
	return v
}

// messageJSON renders a message the way slack.Message decodes it.
func (s *Server) messageJSON(c *channel, m *message) map[string]any {
	j := map[string]any{"type": "message", "ts": m.ts, "text": m.text, "team": s.cfg.teamID}
	if m.user != "" {
		j["user"] = m.user
	}
	if m.botID != "" {
		j["bot_id"] = m.botID
		j["app_id"] = s.cfg.appID
	}
	if len(m.blocks) > 0 {
		j["blocks"] = m.blocks
	}
	if len(m.attachments) > 0 {
		j["attachments"] = m.attachments
	}
	if len(m.files) > 0 {
		fs := make([]map[string]any, 0, len(m.files))
		for _, id := range m.files {
			fs = append(fs, s.fileJSON(s.files[id]))
		}
		j["files"], j["upload"] = fs, true
	}
	if m.threadTS != "" {
		j["thread_ts"] = m.threadTS
		if m.threadTS == m.ts {
			n := 0
			for _, r := range c.messages {
				if r.threadTS == m.ts && r.ts != m.ts {
					n++
				}
			}
			j["reply_count"] = n
		}
	}
	if m.edited {
		j["edited"] = map[string]any{"user": m.user, "ts": m.editedTS}
	}
	if len(m.reactions) > 0 {
		rs := make([]map[string]any, len(m.reactions))
		for i, r := range m.reactions {
			rs[i] = map[string]any{"name": r.Name, "users": r.Users, "count": len(r.Users)}
		}
		j["reactions"] = rs
	}
	if slices.Contains(c.pins, m.ts) {
		j["pinned_to"] = []string{c.id}
	}
	return j
}
