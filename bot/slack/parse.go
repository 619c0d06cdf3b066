package slack

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Parsers for the bodies Slack POSTs in HTTP mode. They run only on requests whose
// signature checked out, but are fuzzed anyway: a parser of network input must never
// panic.

var errIncomplete = errors.New("slack: payload lacks required fields")

// parseCommand reads a slash command's url-encoded form.
func parseCommand(body []byte) (slack.SlashCommand, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return slack.SlashCommand{}, err
	}
	sc := slack.SlashCommand{
		TeamID: v.Get("team_id"), TeamDomain: v.Get("team_domain"), EnterpriseID: v.Get("enterprise_id"),
		ChannelID: v.Get("channel_id"), ChannelName: v.Get("channel_name"), UserID: v.Get("user_id"),
		UserName: v.Get("user_name"), Command: v.Get("command"), Text: v.Get("text"),
		ResponseURL: v.Get("response_url"), TriggerID: v.Get("trigger_id"), APIAppID: v.Get("api_app_id"),
	}
	if sc.Command == "" || sc.UserID == "" || sc.ChannelID == "" {
		return sc, errIncomplete
	}
	return sc, nil
}

// parseInteraction reads an interactive request: JSON in the form field "payload".
func parseInteraction(body []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return cb, err
	}
	p := v.Get("payload")
	if p == "" {
		return cb, errIncomplete
	}
	if err := json.Unmarshal([]byte(p), &cb); err != nil {
		return cb, err
	}
	if cb.Type == "" || cb.User.ID == "" {
		return cb, errIncomplete
	}
	return cb, nil
}

// outerEvent is the part of an Events API body warroom reads. Decoding it directly (not
// with slackevents.ParseEvent) lets an event type warroom does not model be acknowledged
// rather than refused, so Slack does not retry it for an hour.
type outerEvent struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// reactionAdded decodes outerEvent.Event when it is a reaction_added (nil for any other
// type: warroom subscribes to nothing else).
func (o outerEvent) reactionAdded() (*slackevents.ReactionAddedEvent, error) {
	var head struct {
		Type string `json:"type"`
	}
	if len(o.Event) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(o.Event, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case string(slackevents.ReactionAdded):
		var r slackevents.ReactionAddedEvent
		if err := json.Unmarshal(o.Event, &r); err != nil {
			return nil, err
		}
		return &r, nil
	}
	return nil, nil
}

func parseEvent(body []byte) (outerEvent, error) {
	var o outerEvent
	if err := json.Unmarshal(body, &o); err != nil {
		return o, err
	}
	switch o.Type {
	case string(slackevents.URLVerification):
		if o.Challenge == "" {
			return o, errIncomplete
		}
	case string(slackevents.CallbackEvent):
		if o.EventID == "" {
			return o, errIncomplete
		}
	}
	return o, nil
}

// normalizeEmoji drops a skin-tone modifier ("+1::skin-tone-2" is still "+1").
func normalizeEmoji(name string) string {
	name = strings.Trim(name, ":")
	if i := strings.Index(name, "::"); i >= 0 {
		name = name[:i]
	}
	return name
}
