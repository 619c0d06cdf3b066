package discordfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Permission overwrites: parsing (Discord accepts strings or numbers), the "only grant what you
// have" rule, and the PUT/DELETE /channels/{c}/permissions/{id} routes.

// overwritePayload accepts allow/deny and type as JSON strings or numbers, as Discord does;
// discordgo sends allow/deny as strings and type as a number.
type overwritePayload struct {
	ID    string          `json:"id"`
	Type  json.RawMessage `json:"type"`
	Allow json.RawMessage `json:"allow"`
	Deny  json.RawMessage `json:"deny"`
}

func parseFlexInt(r json.RawMessage) (int64, bool) {
	if len(r) == 0 || string(r) == "null" {
		return 0, true
	}
	s := strings.Trim(string(r), `"`)
	switch s {
	case "role":
		return 0, true
	case "member":
		return 1, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func (p overwritePayload) toOverwrite(idOverride string) (Overwrite, bool) {
	t, ok1 := parseFlexInt(p.Type)
	a, ok2 := parseFlexInt(p.Allow)
	d, ok3 := parseFlexInt(p.Deny)
	id := p.ID
	if idOverride != "" {
		id = idOverride
	}
	if !ok1 || !ok2 || !ok3 || (t != 0 && t != 1) || id == "" {
		return Overwrite{}, false
	}
	return Overwrite{ID: id, Type: int(t), Allow: a, Deny: d}, true
}

// checkOverwriteBits enforces Discord's rule that a bot can only allow or deny permissions it
// has itself in the guild.
func (st *state) checkOverwriteBits(guildID string, ows []Overwrite) (response, bool) {
	base := st.basePermissions(guildID, st.cfg.botID)
	for _, o := range ows {
		if (o.Allow|o.Deny)&^base != 0 {
			return missingPermissions(), false
		}
	}
	return response{}, true
}

func (s *Server) hPutPermission(rq *request) response {
	st := s.st
	c := st.channels[rq.params["channel_id"]]
	if c == nil {
		return notFound(CodeUnknownChannel, "Channel")
	}
	if c.Type == ChannelDM {
		return errResp(http.StatusForbidden, CodeDMAction, "Cannot execute action on a DM channel")
	}
	if r, allowed := st.botCan(c, PermManageRoles); !allowed {
		return r
	}
	var p overwritePayload
	if !decodeJSON(rq.body, &p) {
		return badJSON()
	}
	o, good := p.toOverwrite(rq.params["overwrite_id"])
	if !good {
		return formErr("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 1}.")
	}
	if r, fine := st.checkOverwriteBits(c.GuildID, []Overwrite{o}); !fine {
		return r
	}
	replaced := false
	for i := range c.Overwrites {
		if c.Overwrites[i].ID == o.ID {
			c.Overwrites[i], replaced = o, true
		}
	}
	if !replaced {
		c.Overwrites = append(c.Overwrites, o)
	}
	s.echo("CHANNEL_UPDATE", st.channelJSON(c))
	return noContent()
}

// hDeletePermission removes an overwrite; deleting one that does not exist is a no-op 204 here.
func (s *Server) hDeletePermission(rq *request) response {
	st := s.st
	c := st.channels[rq.params["channel_id"]]
	if c == nil {
		return notFound(CodeUnknownChannel, "Channel")
	}
	if c.Type == ChannelDM {
		return errResp(http.StatusForbidden, CodeDMAction, "Cannot execute action on a DM channel")
	}
	if r, allowed := st.botCan(c, PermManageRoles); !allowed {
		return r
	}
	id := rq.params["overwrite_id"]
	kept := c.Overwrites[:0]
	for _, o := range c.Overwrites {
		if o.ID != id {
			kept = append(kept, o)
		}
	}
	c.Overwrites = kept
	s.echo("CHANNEL_UPDATE", st.channelJSON(c))
	return noContent()
}
