package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// afterScrub handles the delivery of an operation a redaction scrubbed after the deliverer
// read it (delivered is what it read, stored the payload now stored): the platform got the
// text the redaction removed, and the scrub, which counts only delivered operations, could
// not count it. A post, a card and an edit are edited (again) to the stored, scrubbed
// message, in the operation's lane (a card only if no later update of it is still to go);
// a topic is set again. A direct message and an upload cannot be edited: the
// redacted incident's channel is told that they still hold the text. Every scrub of a
// pending operation counts itself in its payload (markScrubbed), so a payload without the
// count is passed over without decoding.
func (t *Tx) afterScrub(o bot.Outbound, delivered bot.Payload, stored, result string, at time.Time) error {
	if !strings.Contains(stored, `"scrubs":`) {
		return nil
	}
	var now bot.Payload
	if json.Unmarshal([]byte(stored), &now) != nil || now.Scrubs <= delivered.Scrubs {
		return nil
	}
	msgID := result
	switch o.Op {
	case bot.OpEdit:
		msgID = now.MessageID // an edit answers no id of its own
		fallthrough
	case bot.OpPost, bot.OpCard:
		if msgID == "" {
			return nil
		}
		if o.Op == bot.OpCard {
			// A later update of the card still to go was queued, or scrubbed, after the
			// redaction: it mends the card, and an edit behind it would set it back.
			var later int
			if err := t.row(`SELECT COUNT(*) FROM outbox WHERE lane = ? AND op = ? AND state = 'pending' AND id > ?`, o.Lane, bot.OpCard, o.ID).Scan(&later); err != nil || later > 0 {
				return err
			}
		}
		return t.Enqueue(bot.Outbound{Lane: o.Lane, Platform: o.Platform, Op: bot.OpEdit, Incident: o.Incident, Target: o.Target,
			Payload: bot.Payload{MessageID: msgID, Message: now.Message, Secret: now.Secret}}, at)
	case bot.OpTopic:
		return t.Enqueue(bot.Outbound{Lane: o.Lane, Platform: o.Platform, Op: bot.OpTopic, Incident: o.Incident, Target: o.Target,
			Payload: bot.Payload{Topic: now.Topic}}, at)
	case bot.OpDM, bot.OpEphemeral, bot.OpUpload:
		// On the redacted incident's platform: the message may have gone out on another
		// (a page to someone reached elsewhere), where that channel does not exist.
		var platform string
		err := t.row(`SELECT platform FROM incidents WHERE number = ?`, now.ScrubbedFor).Scan(&platform)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no such incident (a payload written by hand): nowhere to tell, and the record must not fail
		}
		if err != nil {
			return err
		}
		return t.Enqueue(bot.Outbound{Lane: bot.IncidentLane(now.ScrubbedFor), Platform: platform, Op: bot.OpPost, Incident: now.ScrubbedFor,
			Payload: bot.Payload{Message: bot.Message{Text: uneditable(o, now)}}}, at)
	}
	return nil
}

// uneditable is the channel's notice for a delivery scrubbed in flight that warroom cannot
// edit. A direct or ephemeral message names its recipient, as a mention: the lead who ran
// the redaction must know whom to ask; the text is not repeated.
func uneditable(o bot.Outbound, now bot.Payload) bot.Text {
	who := bot.Who(now.User)
	if o.Platform != "console" { // the console's users are warroom's names already
		who = bot.Who(o.Platform + ":" + now.User)
	}
	switch o.Op {
	case bot.OpDM:
		return bot.Textf("A direct message warroom was sending to %s as a redaction ran still holds the removed text: warroom cannot edit direct messages; ask %s to delete it (outbox operation %d).", who, who, o.ID)
	case bot.OpEphemeral:
		// Slack keeps no ephemeral message past a reload; Discord's goes as a direct
		// message when its interaction has expired, and that one stays.
		return bot.Textf("A message only %s could see, sent as a redaction ran, still holds the removed text: warroom cannot edit it; ask %s to dismiss it, or delete it where it came as a direct message (outbox operation %d).", who, who, o.ID)
	}
	// The bytes may have been read before the scrub or after: the file may hold it.
	return bot.Textf("A file warroom was uploading as a redaction ran may still hold the removed text: delete that file on the platform (outbox operation %d).", o.ID)
}

// AsRead reports whether operation id is still pending as the deliverer read it, with
// scrubs the redaction count it read: the upload's last check before the platform shares
// the file (bot.BeforeVisible). A scrub committed since then rewrote the row's payload or
// stored file and counted itself in it (markScrubbed); a row no longer pending is not this
// deliverer's to send. Uploads are few, so the payload is read whole.
func (db *DB) AsRead(ctx context.Context, id int64, scrubs int) (bool, error) {
	var state, raw string
	err := db.reader.QueryRowContext(ctx, `SELECT state, payload FROM outbox WHERE id = ?`, id).Scan(&state, &raw)
	if errors.Is(err, sql.ErrNoRows) || err == nil && state != "pending" {
		return false, nil
	}
	if err != nil {
		return false, describe(db.path, err)
	}
	if !strings.Contains(raw, `"scrubs":`) {
		return scrubs == 0, nil
	}
	var now struct {
		Scrubs int `json:"scrubs"`
	}
	if err := json.Unmarshal([]byte(raw), &now); err != nil {
		return false, err
	}
	return now.Scrubs == scrubs, nil
}
