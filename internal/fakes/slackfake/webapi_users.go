package slackfake

func (s *Server) authTest(params) reply {
	return reply{
		"url":     "https://fake.slack.com/",
		"team":    s.cfg.teamName,
		"user":    s.cfg.botName,
		"team_id": s.cfg.teamID,
		"user_id": s.cfg.botUserID,
		"bot_id":  s.cfg.botID,
	}
}

func (s *Server) usersInfo(p params) reply {
	u, ok := s.users[p.Get("user")]
	if !ok {
		return failure("user_not_found")
	}
	return reply{"user": s.userJSON(u)}
}

func (s *Server) userJSON(u *user) map[string]any {
	return map[string]any{
		"id":        u.id,
		"team_id":   s.cfg.teamID,
		"name":      u.name,
		"real_name": u.realName,
		"deleted":   u.deleted,
		"is_bot":    u.isBot,
		"tz":        "Etc/UTC",
		"tz_offset": 0,
		"profile": map[string]any{
			"real_name":               u.realName,
			"real_name_normalized":    u.realName,
			"display_name":            u.name,
			"display_name_normalized": u.name,
			"email":                   u.email,
		},
	}
}
