package slackfake

import (
	"slices"
	"strconv"
)

// convList models conversations.list: the conversations of the requested
// types that the bot can see (public channels always; private channels,
// DMs and group DMs only when it is a member), in creation order, with
// offset cursors. Bots use it to resolve a configured "#name" to an id.
func (s *Server) convList(p params) reply {
	types := splitList(p.Get("types"))
	if len(types) == 0 {
		types = []string{"public_channel"}
	}
	for _, t := range types {
		if !slices.Contains([]string{"public_channel", "private_channel", "mpim", "im"}, t) {
			return failure("invalid_types")
		}
	}
	excludeArchived := truthy(p.Get("exclude_archived"))
	var all []*channel
	for _, id := range s.chanOrder {
		c := s.channels[id]
		kind := "public_channel"
		switch {
		case c.im:
			kind = "im"
		case c.mpim:
			kind = "mpim"
		case c.private:
			kind = "private_channel"
		}
		if !slices.Contains(types, kind) || (excludeArchived && c.archived) {
			continue
		}
		if kind != "public_channel" && !c.isMember(s.cfg.botUserID) {
			continue
		}
		all = append(all, c)
	}
	off := 0
	if cur := p.Get("cursor"); cur != "" {
		v, ok := decodeCursor(cur)
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || n > len(all) {
			return failure("invalid_cursor")
		}
		off = n
	}
	end := min(off+limitParam(p, 100, 1000), len(all))
	out := make([]map[string]any, 0, end-off)
	for _, c := range all[off:end] {
		out = append(out, s.channelJSON(c))
	}
	next := ""
	if end < len(all) {
		next = encodeCursor(strconv.Itoa(end))
	}
	return reply{"channels": out, "response_metadata": map[string]any{"next_cursor": next}}
}
