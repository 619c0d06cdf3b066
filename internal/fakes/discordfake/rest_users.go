package discordfake

import (
	"net/http"
)

// hGateway answers GET /gateway, which discordgo.Open calls (not /gateway/bot) to learn where to
// dial. discordgo appends "/" and "?v=9&encoding=json" to this URL.
func (s *Server) hGateway(rq *request) response {
	return ok(obj{"url": s.GatewayURL()})
}

func (s *Server) hGatewayBot(rq *request) response {
	return ok(obj{
		"url": s.GatewayURL(), "shards": 1,
		"session_start_limit": obj{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
	})
}

func (s *Server) hGetMe(rq *request) response {
	return ok(s.st.userJSONByID(s.cfg.botID))
}

func (s *Server) hGetUser(rq *request) response {
	u := s.st.users[rq.params["user_id"]]
	if u == nil {
		return notFound(CodeUnknownUser, "User")
	}
	return ok(userJSON(u))
}

// hCreateDM answers POST /users/@me/channels {"recipient_id"}: like Discord it returns the same
// DM channel every time for the same recipient.
func (s *Server) hCreateDM(rq *request) response {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if !decodeJSON(rq.body, &body) {
		return badJSON()
	}
	st := s.st
	if st.users[body.RecipientID] == nil {
		return notFound(CodeUnknownUser, "User")
	}
	if id, found := st.dms[body.RecipientID]; found {
		return ok(st.channelJSON(st.channels[id]))
	}
	c := &Channel{ID: st.nextID(), Type: ChannelDM, RecipientIDs: []string{body.RecipientID}}
	st.channels[c.ID] = c
	st.channelOrder = append(st.channelOrder, c.ID)
	st.dms[body.RecipientID] = c.ID
	return ok(st.channelJSON(c))
}

func (s *Server) hGetGuild(rq *request) response {
	g := s.st.guilds[rq.params["guild_id"]]
	if g == nil {
		return notFound(CodeUnknownGuild, "Guild")
	}
	return ok(s.st.guildJSON(g, false))
}

func (s *Server) hGetMember(rq *request) response {
	g := s.st.guilds[rq.params["guild_id"]]
	if g == nil {
		return notFound(CodeUnknownGuild, "Guild")
	}
	m := g.members[rq.params["user_id"]]
	if m == nil {
		return notFound(CodeUnknownMember, "Member")
	}
	return response{status: http.StatusOK, body: memberJSON(m)}
}
