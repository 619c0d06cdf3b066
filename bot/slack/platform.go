package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// The bot.Platform methods. Each makes the Web API calls for one outbox operation and
// returns mapError's classification, so the outbox retries, waits or gives up correctly.

var _ bot.Platform = (*Adapter)(nil)
var _ bot.Archiver = (*Adapter)(nil)

// maxNameTries bounds the numeric suffixes tried when a channel name is taken (archived
// channels keep their names forever, so an old inc-3-… can be in the way).
const maxNameTries = 20

// CreateChannel implements bot.Platform: conversations.create, with -2, -3 … on
// name_taken, then the topic.
//
// After an attempt whose answer was lost, the name is taken by the channel that attempt
// created: it is recognised (adoptable) and used instead of opening -2.
func (a *Adapter) CreateChannel(ctx context.Context, name string, private bool, topic string) (bot.Channel, error) {
	base := channelSlug(name)
	d := bot.DeliveryFrom(ctx)
	var existing map[string]slack.Channel // read once, at the first name_taken
	for i := 1; i <= maxNameTries; i++ {
		candidate := withSuffix(base, i)
		ch, err := a.api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: candidate, IsPrivate: private})
		if isCode(err, "name_taken") {
			if existing == nil {
				if existing, err = a.existingChannels(ctx); err != nil {
					return bot.Channel{}, err
				}
			}
			if c, ok := existing[candidate]; ok && a.adoptable(c, d) {
				a.log.Info("slack: adopting the channel an attempt whose answer was lost created", "channel", c.ID, "name", c.Name)
				return a.finishChannel(ctx, &c, topic, d), nil
			}
			continue
		}
		if err != nil {
			return bot.Channel{}, mapError(err)
		}
		return a.finishChannel(ctx, ch, topic, d), nil
	}
	return bot.Channel{}, fmt.Errorf("slack: channel names %s … %s are all taken", base, withSuffix(base, maxNameTries))
}

// finishChannel marks a channel warroom's (its purpose) and sets its topic. The channel
// exists now: it is reported even if these fail, or the retry would create a second one;
// the engine sets the topic again with every card change.
func (a *Adapter) finishChannel(ctx context.Context, ch *slack.Channel, topic string, d bot.Delivery) bot.Channel {
	if ch.Purpose.Value != channelPurpose(d.Key) {
		if _, err := a.api.SetPurposeOfConversationContext(ctx, ch.ID, channelPurpose(d.Key)); err != nil {
			a.log.Warn("slack: marking the new channel's purpose failed", "channel", ch.ID, "err", err)
		}
	}
	if topic != "" && ch.Topic.Value != truncate(topic, 250) {
		if err := a.setTopic(ctx, ch.ID, truncate(topic, 250)); err != nil {
			a.log.Warn("slack: setting the new channel's topic failed", "channel", ch.ID, "err", err)
			return bot.Channel{ID: ch.ID, Name: ch.Name}
		}
	}
	if topic != "" {
		a.topics.created(ch.ID, truncate(topic, 250))
	}
	return bot.Channel{ID: ch.ID, Name: ch.Name}
}

// channelSlug keeps a name within Slack's rules (lowercase letters, digits, - and _;
// at most 80 characters); the engine already sends such names, this is a safety net.
func channelSlug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if s == "" || strings.Trim(s, "-_") == "" {
		s = "incident"
	}
	return s
}

func withSuffix(base string, i int) string {
	suffix := ""
	if i > 1 {
		suffix = "-" + strconv.Itoa(i)
	}
	if len(base)+len(suffix) > 80 {
		base = strings.TrimRight(base[:80-len(suffix)], "-")
	}
	return base + suffix
}

// Invite implements bot.Platform. People already in the channel are not an error: the
// outbox may deliver an invite twice, and the declarer may have created nothing new.
func (a *Adapter) Invite(ctx context.Context, channelID string, users []string) error {
	var who []string
	for _, u := range users {
		if u != "" && u != a.botUserID {
			who = append(who, u)
		}
	}
	if len(who) == 0 {
		return nil
	}
	var err error
	if len(who) == 1 {
		_, err = a.api.InviteUsersToConversationContext(ctx, channelID, who[0])
	} else {
		// force: invite everyone who can be invited even if one id is bad (or already
		// there), instead of nobody.
		_, err = a.api.ForceInviteUsersToConversationContext(ctx, channelID, who...)
	}
	if err == nil || isCode(err, "already_in_channel", "cant_invite_self") {
		return nil
	}
	return mapError(err)
}

// Remove implements bot.Platform (conversations.kick). Someone not in the channel is
// already where the engine wants them.
func (a *Adapter) Remove(ctx context.Context, channelID, user string) error {
	err := a.api.KickUserFromConversationContext(ctx, channelID, user)
	if err == nil || isCode(err, "not_in_channel") {
		return nil
	}
	return mapError(err)
}

// Post implements bot.Platform; the message id is Slack's ts. It posts once per outbox row
// even when an answer is lost (postOnce).
func (a *Adapter) Post(ctx context.Context, channelID string, m bot.Message) (string, error) {
	ch, err := a.resolve(ctx, channelID)
	if err != nil {
		return "", err
	}
	return a.postOnce(ctx, ch, m)
}

// Update implements bot.Platform (chat.update): text and buttons are replaced.
func (a *Adapter) Update(ctx context.Context, channelID, messageID string, m bot.Message) error {
	ch, err := a.resolve(ctx, channelID)
	if err != nil {
		return err
	}
	_, _, _, err = a.api.UpdateMessageContext(ctx, ch, messageID, messageOptions(m, false)...)
	return mapError(err)
}

// Ephemeral implements bot.Platform (chat.postEphemeral).
func (a *Adapter) Ephemeral(ctx context.Context, channelID, user string, m bot.Message) error {
	ch, err := a.resolve(ctx, channelID)
	if err != nil {
		return err
	}
	_, err = a.api.PostEphemeralContext(ctx, ch, user, messageOptions(m, false)...)
	return mapError(err)
}

// DM implements bot.Platform: conversations.open, then chat.postMessage in the DM.
func (a *Adapter) DM(ctx context.Context, user string, m bot.Message) (string, error) {
	ch, err := a.dmChannel(ctx, user)
	if err != nil {
		return "", err
	}
	return a.postOnce(ctx, ch, m)
}

func (a *Adapter) dmChannel(ctx context.Context, user string) (string, error) {
	if id, ok := a.names.dm(user); ok {
		return id, nil
	}
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", mapError(err)
	}
	a.names.setDM(user, ch.ID)
	return ch.ID, nil
}

// SetTopic implements bot.Platform. Topics are plain text (Slack does not format them),
// at most 250 characters.
// The first one after the channel's creation set the same topic is not sent (topic.go).
func (a *Adapter) SetTopic(ctx context.Context, channelID, topic string) error {
	topic = truncate(topic, 250)
	if a.topics.already(channelID, topic) {
		return nil
	}
	return a.setTopic(ctx, channelID, topic)
}

func (a *Adapter) setTopic(ctx context.Context, channelID, topic string) error {
	_, err := a.api.SetTopicOfConversationContext(ctx, channelID, topic)
	return mapError(err)
}

// Pin implements bot.Platform (pins.add); a message pinned already is pinned.
func (a *Adapter) Pin(ctx context.Context, channelID, messageID string) error {
	err := a.api.AddPinContext(ctx, channelID, slack.NewRefToMessage(channelID, messageID))
	if err == nil || isCode(err, "already_pinned") {
		return nil
	}
	return mapError(err)
}

// Upload implements bot.Platform with files v2 (getUploadURLExternal → upload →
// completeUploadExternal), the only upload Slack still accepts.
func (a *Adapter) Upload(ctx context.Context, channelID string, f bot.File) error {
	if len(f.Data) == 0 || f.Name == "" {
		return bot.Permanent(errors.New("slack: a file upload needs a name and content"))
	}
	ch, err := a.resolve(ctx, channelID)
	if err != nil {
		return err
	}
	title := f.Title
	if title == "" {
		title = f.Name
	}
	// slack-go's UploadFileContext, one step at a time: the file is shared only by
	// files.completeUploadExternal, so the delivery's last check (bot.BeforeVisible: has a
	// redaction rewritten the upload since its bytes were read?) comes right before it. A
	// file uploaded but never completed is shared with no one.
	u, err := a.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: f.Name, FileSize: len(f.Data)})
	if err != nil {
		return mapError(err)
	}
	if err := a.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(f.Data), Filename: f.Name}); err != nil {
		return mapError(err)
	}
	if err := bot.BeforeVisible(ctx); err != nil {
		return err
	}
	done, err := a.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
		Files: []slack.FileSummary{{ID: u.FileID, Title: title}}, Channel: ch, InitialComment: slackText(f.Comment)})
	if err == nil && len(done.Files) != 1 {
		err = fmt.Errorf("slack: files.completeUploadExternal answered %d files, want 1", len(done.Files))
	}
	return mapError(err)
}

// Archive implements bot.Archiver.
func (a *Adapter) Archive(ctx context.Context, channelID string) error {
	err := a.api.ArchiveConversationContext(ctx, channelID)
	if err == nil || isCode(err, "already_archived") {
		return nil
	}
	return mapError(err)
}

// messageOptions renders a bot message: blocks for display, the same text as the
// notification fallback. Unfurling is off: incident messages quote hostile URLs, and an
// unfurl would make Slack fetch them.
func messageOptions(m bot.Message, post bool) []slack.MsgOption {
	opts, blocks := messageParts(m, post)
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	return opts
}

// messageParts is messageOptions with the blocks apart: postMessage marshals them itself.
func messageParts(m bot.Message, post bool) ([]slack.MsgOption, []slack.Block) {
	text := slackText(m.Text)
	opts := []slack.MsgOption{slack.MsgOptionText(truncate(text, maxMessageText), false)}
	if post {
		opts = append(opts, slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	}
	return opts, messageBlocks(text, m.Buttons)
}

// channelNames caches what the adapter looked up: "#name" → id (the announce channel may
// be configured by name) and user → DM channel.
type channelNames struct {
	mu   sync.Mutex
	byNm map[string]string
	byDM map[string]string
}

func (c *channelNames) get(name string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.byNm[name]
	return id, ok
}

func (c *channelNames) set(all map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byNm = all
}

func (c *channelNames) dm(user string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.byDM[user]
	return id, ok
}

func (c *channelNames) setDM(user, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byDM == nil {
		c.byDM = map[string]string{}
	}
	c.byDM[user] = id
}

// resolve turns a "#name" target into a channel id (conversations.list over public
// channels, cached); ids pass through.
func (a *Adapter) resolve(ctx context.Context, target string) (string, error) {
	name, ok := strings.CutPrefix(target, "#")
	if !ok {
		return target, nil
	}
	if id, ok := a.names.get(name); ok {
		return id, nil
	}
	all := map[string]string{}
	cursor := ""
	for {
		chans, next, err := a.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{
			Types: []string{"public_channel"}, ExcludeArchived: true, Limit: 1000, Cursor: cursor})
		if err != nil {
			return "", mapError(err)
		}
		for _, c := range chans {
			all[c.Name] = c.ID
		}
		if next == "" {
			break
		}
		cursor = next
	}
	a.names.set(all)
	if id, ok := all[name]; ok {
		return id, nil
	}
	return "", bot.Permanent(fmt.Errorf("slack: no public channel named #%s (configure the channel id, C…, for a private one)", name))
}
