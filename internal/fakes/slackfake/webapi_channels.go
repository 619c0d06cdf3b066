package slackfake

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// validateChannelName mirrors conversations.create's name rules and error codes.
func validateChannelName(name string) string {
	switch {
	case name == "":
		return "invalid_name_required"
	case utf8.RuneCountInString(name) > 80:
		return "invalid_name_maxlength"
	}
	punct := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			punct = false
		case r == '-' || r == '_':
		default:
			// Slack reports upper case, spaces and periods all as "specials".
			return "invalid_name_specials"
		}
	}
	if punct {
		return "invalid_name_punctuation"
	}
	return ""
}

func (s *Server) channelByNameLocked(name string) *channel {
	for _, id := range s.chanOrder {
		if c := s.channels[id]; !c.im && !c.mpim && c.name == name {
			return c
		}
	}
	return nil
}

func (s *Server) addChannelLocked(c *channel) {
	s.channels[c.id] = c
	s.chanOrder = append(s.chanOrder, c.id)
}

// lookupChannelLocked finds a conversation the bot may see. Like Slack, a
// private conversation the bot is not in does not exist as far as the bot
// is concerned.
func (s *Server) lookupChannelLocked(id string) (*channel, string) {
	c, ok := s.channels[id]
	if !ok || ((c.private || c.im || c.mpim) && !c.isMember(s.cfg.botUserID)) {
		return nil, "channel_not_found"
	}
	return c, ""
}

func (s *Server) userExistsLocked(id string) bool {
	u, ok := s.users[id]
	return ok && !u.deleted
}

func (s *Server) channelJSON(c *channel) map[string]any {
	m := map[string]any{
		"id":          c.id,
		"created":     c.created,
		"is_channel":  !c.im && !c.mpim,
		"is_group":    false,
		"is_im":       c.im,
		"is_mpim":     c.mpim,
		"is_private":  c.private,
		"is_archived": c.archived,
		"is_general":  false,
		"is_shared":   false,
		"is_member":   c.isMember(s.cfg.botUserID),
		"num_members": len(c.members),
	}
	if c.im {
		m["user"] = c.imUser
		m["is_open"] = true
		return m
	}
	m["name"] = c.name
	m["name_normalized"] = c.name
	m["creator"] = c.creator
	m["topic"] = map[string]any{"value": c.topic, "creator": c.topicBy, "last_set": c.topicSet}
	m["purpose"] = map[string]any{"value": c.purpose, "creator": c.purposeBy, "last_set": c.purposeSet}
	return m
}

func (s *Server) convCreate(p params) reply {
	name := p.Get("name")
	if code := validateChannelName(name); code != "" {
		return failure(code)
	}
	// Archived channels keep their names, as in Slack.
	if s.channelByNameLocked(name) != nil {
		return failure("name_taken")
	}
	c := &channel{
		id:      s.newIDLocked("C"),
		name:    name,
		private: truthy(p.Get("is_private")),
		creator: s.cfg.botUserID,
		created: s.now().Unix(),
		members: []string{s.cfg.botUserID},
	}
	s.addChannelLocked(c)
	return reply{"channel": s.channelJSON(c)}
}

func splitList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func (s *Server) convInvite(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	switch {
	case code != "":
		return failure(code)
	case c.im:
		return failure("method_not_supported_for_channel_type")
	case c.archived:
		return failure("is_archived")
	case !c.isMember(s.cfg.botUserID):
		return failure("not_in_channel")
	}
	users := splitList(p.Get("users"))
	if len(users) == 0 {
		return failure("no_user")
	}
	var errs []map[string]any
	var add []string
	for _, u := range users {
		e := ""
		switch {
		case u == s.cfg.botUserID:
			e = "cant_invite_self"
		case !s.userExistsLocked(u):
			e = "user_not_found"
		case c.isMember(u):
			e = "already_in_channel"
		}
		if e != "" {
			errs = append(errs, map[string]any{"user": u, "ok": false, "error": e})
			continue
		}
		add = append(add, u)
	}
	// Without force Slack invites nobody when any user fails, and reports the
	// first failure as the error (slack-go exposes the per-user list).
	force := truthy(p.Get("force"))
	if len(errs) > 0 && !force {
		r := failure(errs[0]["error"].(string))
		r["errors"] = errs
		return r
	}
	c.members = append(c.members, add...)
	r := reply{"channel": s.channelJSON(c)}
	if len(errs) > 0 {
		r["errors"] = errs
	}
	return r
}

func (s *Server) convKick(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	u := p.Get("user")
	switch {
	case c.im:
		return failure("method_not_supported_for_channel_type")
	case u == "" || !s.userExistsLocked(u):
		return failure("user_not_found")
	case u == s.cfg.botUserID:
		return failure("cant_kick_self")
	case !c.isMember(s.cfg.botUserID), !c.isMember(u):
		return failure("not_in_channel")
	}
	c.members = slices.DeleteFunc(c.members, func(m string) bool { return m == u })
	// Slack really answers kick with an empty errors object; slack-go has a
	// special decoder for it (issue #1446), so keep the quirk.
	return reply{"errors": map[string]any{}}
}

func (s *Server) convSetTopic(p params) reply {
	return s.setChannelText(p, "topic", func(c *channel, v string) { c.topic, c.topicBy, c.topicSet = v, s.cfg.botUserID, s.now().Unix() })
}

func (s *Server) convSetPurpose(p params) reply {
	return s.setChannelText(p, "purpose", func(c *channel, v string) {
		c.purpose, c.purposeBy, c.purposeSet = v, s.cfg.botUserID, s.now().Unix()
	})
}

// setChannelText is conversations.setTopic and setPurpose: the same rules, 250 characters.
func (s *Server) setChannelText(p params, field string, set func(*channel, string)) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	v := p.Get(field)
	switch {
	case code != "":
		return failure(code)
	case c.im && field == "purpose":
		return failure("method_not_supported_for_channel_type")
	case c.archived:
		return failure("is_archived")
	case !c.isMember(s.cfg.botUserID):
		return failure("not_in_channel")
	case utf8.RuneCountInString(v) > 250:
		return failure("too_long")
	}
	set(c, v)
	return reply{"channel": s.channelJSON(c)}
}

func (s *Server) convInfo(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	return reply{"channel": s.channelJSON(c)}
}

func (s *Server) convArchive(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	switch {
	case code != "":
		return failure(code)
	case c.im || c.mpim:
		return failure("method_not_supported_for_channel_type")
	case c.archived:
		return failure("already_archived")
	case !c.isMember(s.cfg.botUserID):
		return failure("not_in_channel")
	}
	c.archived = true
	return reply{}
}

// Cursors are opaque base64 like Slack's; inside is just an offset or ts.
func encodeCursor(v string) string { return base64.StdEncoding.EncodeToString([]byte("fake:" + v)) }

func decodeCursor(c string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "fake:") {
		return "", false
	}
	return strings.TrimPrefix(string(b), "fake:"), true
}

func limitParam(p params, def, max int) int {
	n, err := strconv.Atoi(p.Get("limit"))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, max)
}

func (s *Server) convMembers(p params) reply {
	c, code := s.lookupChannelLocked(p.Get("channel"))
	if code != "" {
		return failure(code)
	}
	off := 0
	if cur := p.Get("cursor"); cur != "" {
		v, ok := decodeCursor(cur)
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || n > len(c.members) {
			return failure("invalid_cursor")
		}
		off = n
	}
	end := min(off+limitParam(p, 100, 1000), len(c.members))
	next := ""
	if end < len(c.members) {
		next = encodeCursor(strconv.Itoa(end))
	}
	return reply{
		"members":           slices.Clone(c.members[off:end]),
		"response_metadata": map[string]any{"next_cursor": next},
	}
}

func (s *Server) convOpen(p params) reply {
	if id := p.Get("channel"); id != "" {
		c, code := s.lookupChannelLocked(id)
		if code != "" {
			return failure(code)
		}
		return reply{"channel": s.openJSON(c, p), "no_op": true, "already_open": true}
	}
	users := splitList(p.Get("users"))
	if len(users) == 0 {
		return failure("users_list_not_supplied")
	}
	for _, u := range users {
		if !s.userExistsLocked(u) {
			return failure("user_not_found")
		}
	}
	want := append([]string{s.cfg.botUserID}, users...)
	for _, id := range s.chanOrder {
		c := s.channels[id]
		if (c.im || c.mpim) && sameSet(c.members, want) {
			return reply{"channel": s.openJSON(c, p), "no_op": true, "already_open": true}
		}
	}
	c := &channel{private: true, creator: s.cfg.botUserID, created: s.now().Unix(), members: want}
	if len(users) == 1 {
		c.id, c.im, c.imUser = s.newIDLocked("D"), true, users[0]
	} else {
		c.id, c.mpim = s.newIDLocked("G"), true
		c.name = "mpdm-" + strings.Join(want, "--") + "-1"
	}
	s.addChannelLocked(c)
	return reply{"channel": s.openJSON(c, p)}
}

// openJSON: conversations.open returns only the id unless return_im is set.
func (s *Server) openJSON(c *channel, p params) map[string]any {
	if truthy(p.Get("return_im")) {
		return s.channelJSON(c)
	}
	return map[string]any{"id": c.id}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func truthy(v string) bool { return v == "true" || v == "1" }
