package discordfake

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// JSON shapes as Discord sends them. Maps rather than discordgo structs on purpose: the fake
// models Discord's wire format, and encoding with the client's own structs would hide any
// mismatch between the two. Notable details discordgo depends on: permission bitsets are
// strings ("1024"), ids are strings, timestamps are ISO 8601.

const discordTime = "2006-01-02T15:04:05.000000-07:00"

type obj = map[string]any

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func permString(p int64) string { return strconv.FormatInt(p, 10) }

func userJSON(u *User) obj {
	if u == nil {
		return nil
	}
	o := obj{
		"id": u.ID, "username": u.Username, "discriminator": "0", "global_name": nil,
		"avatar": nil, "public_flags": 0,
	}
	if u.Bot {
		o["bot"] = true
	}
	return o
}

func (st *state) userJSONByID(id string) obj {
	if u := st.users[id]; u != nil {
		return userJSON(u)
	}
	return obj{"id": id, "username": "unknown-" + id, "discriminator": "0", "global_name": nil, "avatar": nil}
}

func memberJSON(m *Member) obj {
	roles := append([]string{}, m.Roles...)
	u := m.User
	return obj{
		"user": userJSON(&u), "roles": roles, "joined_at": m.JoinedAt.Format(discordTime),
		"nick": nil, "avatar": nil, "deaf": false, "mute": false, "flags": 0, "pending": false,
		"premium_since": nil, "communication_disabled_until": nil,
	}
}

func roleJSON(r *Role, position int, managed bool) obj {
	return obj{
		"id": r.ID, "name": r.Name, "permissions": permString(r.Permissions), "position": position,
		"color": 0, "hoist": false, "managed": managed, "mentionable": false, "flags": 0,
	}
}

func overwritesJSON(ows []Overwrite) []obj {
	out := make([]obj, 0, len(ows))
	for _, o := range ows {
		out = append(out, obj{"id": o.ID, "type": o.Type, "allow": permString(o.Allow), "deny": permString(o.Deny)})
	}
	return out
}

func (st *state) channelJSON(c *Channel) obj {
	if c.Type == ChannelDM {
		var rec []obj
		for _, id := range c.RecipientIDs {
			rec = append(rec, st.userJSONByID(id))
		}
		return obj{"id": c.ID, "type": c.Type, "last_message_id": nullable(c.LastMessageID), "recipients": rec, "flags": 0}
	}
	return obj{
		"id": c.ID, "type": c.Type, "guild_id": c.GuildID, "name": c.Name, "topic": nullable(c.Topic),
		"position": c.Position, "permission_overwrites": overwritesJSON(c.Overwrites),
		"parent_id": nullable(c.ParentID), "nsfw": c.NSFW, "rate_limit_per_user": c.RateLimitPerUser,
		"last_message_id": nullable(c.LastMessageID), "flags": 0,
	}
}

func rawArray(r json.RawMessage) any {
	if len(r) == 0 || string(r) == "null" {
		return []any{}
	}
	return r
}

func (st *state) attachmentsJSON(channelID string, as []Attachment) []obj {
	out := make([]obj, 0, len(as))
	now := time.Now()
	for _, a := range as {
		out = append(out, obj{
			"id": a.ID, "filename": a.Filename, "size": a.attachmentSize(), "content_type": nullable(a.ContentType),
			"url": st.cdnURL("cdn.discordapp.com", channelID, a, now), "proxy_url": st.cdnURL("media.discordapp.net", channelID, a, now),
		})
	}
	return out
}

func reactionsJSON(rs []Reaction, botID string) []obj {
	out := make([]obj, 0, len(rs))
	for _, r := range rs {
		name, id, _ := strings.Cut(r.Emoji, ":")
		me := false
		for _, u := range r.UserIDs {
			me = me || u == botID
		}
		out = append(out, obj{"count": len(r.UserIDs), "me": me, "emoji": obj{"id": nullable(id), "name": name}})
	}
	return out
}

// messageJSON is the REST shape. Discord's REST message objects carry no guild_id (only the
// MESSAGE_CREATE dispatch adds guild_id and member), so neither does the fake.
func (st *state) messageJSON(m *Message) obj {
	var edited any
	if !m.EditedTimestamp.IsZero() {
		edited = m.EditedTimestamp.Format(discordTime)
	}
	o := obj{
		"id": m.ID, "channel_id": m.ChannelID, "type": 0, "content": m.Content,
		"author":    st.userJSONByID(m.AuthorID),
		"timestamp": m.Timestamp.Format(discordTime), "edited_timestamp": edited,
		"tts": false, "mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": st.attachmentsJSON(m.ChannelID, m.Attachments),
		"embeds":      rawArray(m.Embeds), "components": rawArray(m.Components),
		"pinned": m.Pinned, "flags": m.Flags,
	}
	if len(m.Reactions) > 0 {
		o["reactions"] = reactionsJSON(m.Reactions, st.cfg.botID)
	}
	if m.WebhookID != "" {
		o["webhook_id"] = m.WebhookID
		o["application_id"] = m.WebhookID
	}
	return o
}

// messageEventJSON is the MESSAGE_CREATE/UPDATE dispatch shape: the REST shape plus guild_id
// and the author's member object.
func (st *state) messageEventJSON(m *Message) obj {
	o := st.messageJSON(m)
	if m.GuildID != "" {
		o["guild_id"] = m.GuildID
		if mem := st.member(m.GuildID, m.AuthorID); mem != nil {
			mj := memberJSON(mem)
			delete(mj, "user") // Discord omits member.user in message events
			o["member"] = mj
		}
	}
	return o
}

func (st *state) guildJSON(g *guildState, full bool) obj {
	roles := make([]obj, 0, len(g.roles))
	for i, r := range g.roles {
		roles = append(roles, roleJSON(r, i, i == 1))
	}
	o := obj{
		"id": g.ID, "name": g.Name, "icon": nil, "owner_id": g.OwnerID, "roles": roles,
		"emojis": []any{}, "stickers": []any{}, "features": []any{}, "unavailable": false,
		"verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
		"mfa_level": 0, "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
	}
	if full {
		var members, channels []obj
		for _, id := range g.memberOrder {
			members = append(members, memberJSON(g.members[id]))
		}
		for _, c := range st.channelsOf(g.ID) {
			cj := st.channelJSON(c)
			delete(cj, "guild_id") // GUILD_CREATE's channels omit guild_id; discordgo fills it in
			channels = append(channels, cj)
		}
		o["members"] = members
		o["channels"] = channels
		o["threads"] = []any{}
		o["voice_states"] = []any{}
		o["presences"] = []any{}
		o["member_count"] = len(members)
		o["large"] = false
		o["joined_at"] = time.Now().UTC().Format(discordTime)
	}
	return o
}
