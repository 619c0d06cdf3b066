package discord

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Incident channels are text channels in the "Incidents" category. Discord allows 50
// channels per category and 500 per guild: when a category fills, the next one ("Incidents
// 2", "Incidents 3" …) is opened; a full guild is a refusal with a message saying what to do.

// categoryLimit is Discord's number of channels per category.
const categoryLimit = 50

// archiveSuffix names the category closed incidents are moved to.
const archiveSuffix = " archive"

// CreateChannel implements bot.Platform in the home guild (see homeGuild).
func (a *Adapter) CreateChannel(ctx context.Context, name string, private bool, topic string) (bot.Channel, error) {
	what := "creating channel #" + name
	guild, err := a.homeGuild()
	if err != nil {
		return bot.Channel{}, bot.Permanent(fmt.Errorf("discord: %s: %w", what, err))
	}
	chans, err := a.guildChannels(ctx, guild, what)
	if err != nil {
		return bot.Channel{}, err
	}
	topic = truncate(topic, maxTopic)
	for _, c := range chans {
		// The same name and topic in one of our categories: an earlier attempt created it
		// but its answer was lost. Use it rather than open a twin.
		if c.Type == discordgo.ChannelTypeGuildText && c.Name == name && c.Topic == topic && a.isCategory(chans, c.ParentID, a.cfg.Category) {
			return bot.Channel{ID: c.ID, Name: c.Name}, nil
		}
	}
	data := discordgo.GuildChannelCreateData{Name: freeName(chans, name), Type: discordgo.ChannelTypeGuildText,
		Topic: topic, PermissionOverwrites: a.overwrites(guild, private)}
	ch, err := a.createInCategory(ctx, guild, chans, a.cfg.Category, data, what)
	if err != nil {
		return bot.Channel{}, err
	}
	a.mu.Lock()
	a.topics[ch.ID] = topic
	a.mu.Unlock()
	return bot.Channel{ID: ch.ID, Name: ch.Name}, nil
}

// overwrites make a channel private: @everyone (whose role id is the guild id) may not see
// it, the bot may; responders are added one by one (Invite).
func (a *Adapter) overwrites(guild string, private bool) []*discordgo.PermissionOverwrite {
	ows := []*discordgo.PermissionOverwrite{{ID: a.botUserID(), Type: discordgo.PermissionOverwriteTypeMember, Allow: botChannelAllow}}
	if private {
		ows = append([]*discordgo.PermissionOverwrite{{ID: guild, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel}}, ows...)
	}
	return ows
}

// createInCategory creates a channel in the first category of the family (base, "base 2" …)
// with room, opening the next one when all are full. Discord's answer is the authority: a
// category it reports full is skipped even if the count here said otherwise.
func (a *Adapter) createInCategory(ctx context.Context, guild string, chans []*discordgo.Channel, base string,
	data discordgo.GuildChannelCreateData, what string) (*discordgo.Channel, error) {
	full := map[string]bool{}
	for range 5 {
		parent, created, err := a.categoryWithRoom(ctx, guild, chans, base, full, what)
		if err != nil {
			return nil, err
		}
		if created != nil {
			chans = append(chans, created)
		}
		data.ParentID = parent
		if err := a.held(discordgo.EndpointGuildChannels(guild)); err != nil {
			return nil, classify(err, what)
		}
		// No quick retry inside discordgo: a 502 may come after Discord created the channel,
		// and only CreateChannel's look at the guild's channels (on the outbox's retry)
		// tells a twin from a first.
		ch, err := a.s.GuildChannelCreateComplex(guild, data, discordgo.WithContext(ctx), discordgo.WithRestRetries(0))
		if err == nil {
			return ch, nil
		}
		if !categoryFull(err) {
			return nil, classify(err, what)
		}
		a.log.Info("discord: category full, opening the next", "category", parent)
		full[parent] = true
	}
	return nil, fmt.Errorf("discord: %s: no category with room after several tries", what)
}

// categoryWithRoom picks (or creates) the category to put a channel in.
func (a *Adapter) categoryWithRoom(ctx context.Context, guild string, chans []*discordgo.Channel, base string,
	full map[string]bool, what string) (string, *discordgo.Channel, error) {
	count := map[string]int{}
	for _, c := range chans {
		if c.ParentID != "" {
			count[c.ParentID]++
		}
	}
	cats := family(chans, base)
	highest := 0
	for _, c := range cats {
		highest = max(highest, c.n)
		if !full[c.id] && count[c.id] < categoryLimit {
			return c.id, nil, nil
		}
	}
	name := base
	if highest > 0 {
		name = base + " " + strconv.Itoa(highest+1)
	}
	if err := a.held(discordgo.EndpointGuildChannels(guild)); err != nil {
		return "", nil, classify(err, what)
	}
	cat, err := a.s.GuildChannelCreateComplex(guild, discordgo.GuildChannelCreateData{Name: name, Type: discordgo.ChannelTypeGuildCategory},
		discordgo.WithContext(ctx), discordgo.WithRestRetries(0))
	if err != nil {
		return "", nil, classify(err, "opening category "+name+" for "+strings.TrimPrefix(what, "creating "))
	}
	a.log.Info("discord: category opened", "category", name, "id", cat.ID)
	return cat.ID, cat, nil
}

type numbered struct {
	id string
	n  int
}

// family lists the categories named base, "base 2", "base 3" … in number order.
func family(chans []*discordgo.Channel, base string) []numbered {
	var out []numbered
	for _, c := range chans {
		if c.Type != discordgo.ChannelTypeGuildCategory {
			continue
		}
		if c.Name == base {
			out = append(out, numbered{c.ID, 1})
		} else if rest, ok := strings.CutPrefix(c.Name, base+" "); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > 1 {
				out = append(out, numbered{c.ID, n})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out
}

func (a *Adapter) isCategory(chans []*discordgo.Channel, id, base string) bool {
	for _, c := range family(chans, base) {
		if c.id == id {
			return true
		}
	}
	return false
}

// freeName adds a numeric suffix when the name is taken in the guild.
func freeName(chans []*discordgo.Channel, name string) string {
	taken := map[string]bool{}
	for _, c := range chans {
		taken[c.Name] = true
	}
	final := name
	for i := 2; taken[final]; i++ {
		final = name + "-" + strconv.Itoa(i)
	}
	return final
}

func (a *Adapter) guildChannels(ctx context.Context, guild, what string) ([]*discordgo.Channel, error) {
	if err := a.held(discordgo.EndpointGuildChannels(guild)); err != nil {
		return nil, classify(err, what)
	}
	chans, err := a.s.GuildChannels(guild, discordgo.WithContext(ctx))
	if err != nil {
		return nil, classify(err, what)
	}
	return chans, nil
}

// Invite implements bot.Platform: a member overwrite lets each person see and use the channel.
func (a *Adapter) Invite(ctx context.Context, channelID string, users []string) error {
	for _, u := range users {
		if u == a.botUserID() {
			continue
		}
		if !isSnowflake(u) {
			return bot.Permanent(fmt.Errorf("discord: inviting %q: not a Discord user id", u))
		}
		what := "adding a member to channel " + channelID
		if err := a.held(discordgo.EndpointChannelPermission(channelID, u)); err != nil {
			return classify(err, what)
		}
		if err := a.s.ChannelPermissionSet(channelID, u, discordgo.PermissionOverwriteTypeMember, memberAllow, 0,
			discordgo.WithContext(ctx)); err != nil {
			return classify(err, what)
		}
	}
	return nil
}

// Remove implements bot.Platform: deleting the member's overwrite takes the channel away.
func (a *Adapter) Remove(ctx context.Context, channelID, user string) error {
	if !isSnowflake(user) {
		return bot.Permanent(fmt.Errorf("discord: removing %q: not a Discord user id", user))
	}
	what := "removing a member from channel " + channelID
	if err := a.held(discordgo.EndpointChannelPermission(channelID, user)); err != nil {
		return classify(err, what)
	}
	return classify(a.s.ChannelPermissionDelete(channelID, user, discordgo.WithContext(ctx)), what)
}

// Archive implements bot.Archiver: the channel moves to the "Incidents archive" category
// and becomes read-only — every overwrite keeps View and Read History but loses Send — so the
// record stays readable by the people who had it and nobody else.
func (a *Adapter) Archive(ctx context.Context, channelID string) error {
	what := "archiving channel " + channelID
	if err := a.held(discordgo.EndpointChannel(channelID)); err != nil {
		return classify(err, what)
	}
	ch, err := a.s.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		return classify(err, what)
	}
	chans, err := a.guildChannels(ctx, ch.GuildID, what)
	if err != nil {
		return err
	}
	ows := readOnly(ch.PermissionOverwrites, ch.GuildID, a.botUserID())
	base := a.cfg.Category + archiveSuffix
	full := map[string]bool{}
	for range 5 {
		parent, created, err := a.categoryWithRoom(ctx, ch.GuildID, chans, base, full, what)
		if err != nil {
			return err
		}
		if created != nil {
			chans = append(chans, created)
		}
		if err := a.held(discordgo.EndpointChannel(channelID)); err != nil {
			return classify(err, what)
		}
		_, err = a.s.ChannelEditComplex(channelID, &discordgo.ChannelEdit{ParentID: parent, PermissionOverwrites: ows}, discordgo.WithContext(ctx))
		if err == nil || !categoryFull(err) {
			return classify(err, what)
		}
		full[parent] = true
	}
	return errors.New("discord: " + what + ": no archive category with room")
}

// readOnly turns a channel's overwrites into the archived set: Send denied to everyone but
// the bot.
func readOnly(in []*discordgo.PermissionOverwrite, guild, botID string) []*discordgo.PermissionOverwrite {
	var out []*discordgo.PermissionOverwrite
	everyone := false
	for _, o := range in {
		c := *o
		if c.ID != botID {
			c.Allow &^= discordgo.PermissionSendMessages
			c.Deny |= discordgo.PermissionSendMessages
		}
		everyone = everyone || c.ID == guild
		out = append(out, &c)
	}
	if !everyone {
		out = append(out, &discordgo.PermissionOverwrite{ID: guild, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionSendMessages})
	}
	return out
}

// resolveChannel accepts a channel id or "#name" (the configured announce channel) and
// returns the id.
func (a *Adapter) resolveChannel(ctx context.Context, id string) (string, error) {
	name, ok := strings.CutPrefix(id, "#")
	if !ok {
		return id, nil
	}
	a.mu.Lock()
	cached, found := a.names[id]
	a.mu.Unlock()
	if found {
		return cached, nil
	}
	guild, err := a.homeGuild()
	if err != nil {
		return "", bot.Permanent(fmt.Errorf("discord: finding %s: %w", id, err))
	}
	chans, err := a.guildChannels(ctx, guild, "finding "+id)
	if err != nil {
		return "", err
	}
	for _, c := range chans {
		if c.Type == discordgo.ChannelTypeGuildText && strings.EqualFold(c.Name, name) {
			a.mu.Lock()
			a.names[id] = c.ID
			a.mu.Unlock()
			return c.ID, nil
		}
	}
	return "", bot.Permanent(fmt.Errorf("discord: there is no text channel %s in the guild; create it or change channels.announce", id))
}

// held asks the guard whether a call to endpoint (a discordgo endpoint URL) must wait,
// before discordgo's own bucket lock would sleep on it.
func (a *Adapter) held(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil
	}
	if h := a.guard.hold(u.Path); h != nil {
		return h
	}
	return nil
}
