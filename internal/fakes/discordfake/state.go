package discordfake

import (
	"encoding/json"
	"strconv"
	"time"
)

// Channel types used by the fake (Discord's numbering).
const (
	ChannelText         = 0
	ChannelDM           = 1
	ChannelVoice        = 2
	ChannelCategory     = 4
	ChannelAnnouncement = 5
)

// discordEpoch is 2015-01-01T00:00:00Z in ms; snowflakes carry ms since then in bits 22+.
const discordEpoch = 1420070400000

// User is a Discord user known to the fake.
type User struct {
	ID       string
	Username string
	Bot      bool
}

// Role is a guild role. The @everyone role's ID equals the guild ID.
type Role struct {
	ID          string
	Name        string
	Permissions int64
}

// Member is a user's membership in a guild.
type Member struct {
	User     User
	Roles    []string
	JoinedAt time.Time
}

// Guild is a copy of a guild with its roles and members.
type Guild struct {
	ID      string
	Name    string
	OwnerID string
	Roles   []Role
	Members []Member
}

// Overwrite is a channel permission overwrite exactly as received (Type 0 role, 1 member).
type Overwrite struct {
	ID    string
	Type  int
	Allow int64
	Deny  int64
}

// Channel is a guild channel, category or DM channel.
type Channel struct {
	ID               string
	GuildID          string // "" for DMs
	Name             string
	Type             int
	Topic            string
	ParentID         string
	Position         int
	NSFW             bool
	RateLimitPerUser int
	Overwrites       []Overwrite
	RecipientIDs     []string // DMs only
	LastMessageID    string
}

// Attachment is an uploaded file with its bytes.
type Attachment struct {
	ID          string
	Filename    string
	ContentType string
	Data        []byte
	// Zeros serves this many zero bytes instead of Data, generated as they are sent (a large
	// file at no memory cost); ListedSize, when set, is the size the API lists instead of
	// the size served. Both only for seeded messages (AddMessageWithFiles).
	Zeros      int64
	ListedSize int64
}

// Reaction lists who reacted with one emoji ("🚨" or "name:id" for custom emoji).
type Reaction struct {
	Emoji   string
	UserIDs []string
}

// Message is a message as stored by the fake.
type Message struct {
	ID              string
	ChannelID       string
	GuildID         string
	AuthorID        string
	Content         string
	Embeds          json.RawMessage // JSON array as received, nil when none
	Components      json.RawMessage // JSON array as received, nil when none
	Attachments     []Attachment
	Flags           int
	Pinned          bool
	Timestamp       time.Time
	EditedTimestamp time.Time // zero if never edited
	EditCount       int
	Reactions       []Reaction
	WebhookID       string // set to the application id for interaction responses and follow-ups
	InteractionID   string // interaction this message answers, if any
	Ephemeral       bool   // flag 64; ephemeral messages are not listed in Messages(channel)
	Nonce           string // the create request's nonce, "" when none (never shown on a fetch)
}

type guildState struct {
	Guild
	roles       []*Role
	members     map[string]*Member
	memberOrder []string
}

// state is the fake's world. Guarded by Server.mu.
type state struct {
	cfg    config
	lastID int64

	users        map[string]*User
	guilds       map[string]*guildState
	guildOrder   []string
	channels     map[string]*Channel
	channelOrder []string
	deleted      []*Channel
	messages     map[string]*Message
	channelMsgs  map[string][]string
	pins         map[string][]string
	dms          map[string]string // recipient user id -> DM channel id
	blockedDMs   map[string]bool
	cdn          []CDNDownload // cdn.go

	commands  map[string][]*Command // "" = global, else guild id
	uploads   []CommandUpload
	interacts map[string]*interaction
	byToken   map[string]*interaction
	responses map[string][]InteractionResponse
	followups map[string][]Followup
	nonces    map[nonceKey]nonceEntry // enforced message nonces (nonce.go)
}

func newState(cfg config) *state {
	st := &state{
		cfg:         cfg,
		users:       map[string]*User{},
		guilds:      map[string]*guildState{},
		channels:    map[string]*Channel{},
		messages:    map[string]*Message{},
		channelMsgs: map[string][]string{},
		pins:        map[string][]string{},
		dms:         map[string]string{},
		blockedDMs:  map[string]bool{},
		commands:    map[string][]*Command{},
		interacts:   map[string]*interaction{},
		byToken:     map[string]*interaction{},
		responses:   map[string][]InteractionResponse{},
		followups:   map[string][]Followup{},
	}
	st.users[cfg.botID] = &User{ID: cfg.botID, Username: cfg.botName, Bot: true}
	return st
}

// nextID returns a real-looking snowflake that is strictly increasing, so ids sort like
// Discord's and discordgo.SnowflakeTimestamp gives a sensible time.
func (st *state) nextID() string {
	id := (time.Now().UnixMilli() - discordEpoch) << 22
	if id <= st.lastID {
		id = st.lastID + 1
	}
	st.lastID = id
	return strconv.FormatInt(id, 10)
}

func (st *state) member(guildID, userID string) *Member {
	if g := st.guilds[guildID]; g != nil {
		return g.members[userID]
	}
	return nil
}

// channelsOf lists a guild's live channels in creation order.
func (st *state) channelsOf(guildID string) []*Channel {
	var out []*Channel
	for _, id := range st.channelOrder {
		if c := st.channels[id]; c != nil && c.GuildID == guildID {
			out = append(out, c)
		}
	}
	return out
}

func (st *state) addMessage(m *Message) {
	st.messages[m.ID] = m
	st.channelMsgs[m.ChannelID] = append(st.channelMsgs[m.ChannelID], m.ID)
	if c := st.channels[m.ChannelID]; c != nil && !m.Ephemeral {
		c.LastMessageID = m.ID
	}
}

// Deep copies handed out to tests, so they never alias state guarded by the mutex.

func (c *Channel) clone() Channel {
	out := *c
	out.Overwrites = append([]Overwrite(nil), c.Overwrites...)
	out.RecipientIDs = append([]string(nil), c.RecipientIDs...)
	return out
}

func (m *Message) clone() Message {
	out := *m
	out.Embeds = append(json.RawMessage(nil), m.Embeds...)
	out.Components = append(json.RawMessage(nil), m.Components...)
	out.Attachments = cloneAttachments(m.Attachments)
	out.Reactions = make([]Reaction, len(m.Reactions))
	for i, r := range m.Reactions {
		out.Reactions[i] = Reaction{Emoji: r.Emoji, UserIDs: append([]string(nil), r.UserIDs...)}
	}
	return out
}

func cloneAttachments(in []Attachment) []Attachment {
	if in == nil {
		return nil
	}
	out := make([]Attachment, len(in))
	for i, a := range in {
		a.Data = append([]byte(nil), a.Data...)
		out[i] = a
	}
	return out
}
