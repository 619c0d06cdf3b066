package commands

import (
	"fmt"

	"github.com/warroom/warroom/bot"
)

var verbClose = &Verb{
	Name: "close", Scope: InIncident,
	Summary: "close the incident with its class and resolution",
	Args:    closeArgs,
	Run: func(c *call) error {
		class, dup, resolution, err := closeFrom(c.args)
		if err == errNoClass {
			return refuse("Close %s as what? /incident close true-positive|false-positive|benign|duplicate INC-n [resolution], e.g. /incident close true-positive contained and eradicated.", c.inc.ID())
		}
		if err != nil {
			return err
		}
		// A reopened incident closed again is a duplicate only if it says so again.
		c.inc.DuplicateOf = 0
		if dup != "" {
			other, err := c.lookupIncident(dup)
			if err != nil {
				return err
			}
			if other.Number == c.inc.Number {
				return refuse("An incident cannot be a duplicate of itself.")
			}
			c.inc.DuplicateOf = other.Number
			if _, err := c.tx.AddLink(c.inc.Number, other.Number); err != nil {
				return err
			}
		}
		from := c.inc.Phase
		closed := c.now
		c.inc.Status, c.inc.Phase, c.inc.ClosedFrom, c.inc.ClosedAt = bot.StatusClosed, bot.PhaseClosed, from, &closed
		c.inc.CloseClass, c.inc.Resolution = class, resolution
		if err := c.tx.SaveIncident(c.inc); err != nil {
			return err
		}
		if err := c.tx.LeavePhase(c.inc.Number, c.now); err != nil {
			return err
		}
		if err := c.expirePendingRuns(); err != nil {
			return err
		}
		text := fmt.Sprintf("closed as %s from %s", class, from)
		if c.inc.DuplicateOf != 0 {
			text += " (duplicate of " + bot.FormatID(c.inc.DuplicateOf) + ")"
		}
		if resolution != "" {
			text += ": " + resolution
		}
		closeData := bot.Data{"class": class, "from": string(from)}
		if c.inc.DuplicateOf != 0 {
			closeData["duplicate_of"] = c.inc.DuplicateOf
		}
		if err := c.record(bot.KindClose, text, closeData); err != nil {
			return err
		}
		c.dirty = true
		if err := c.post(bot.Message{Text: bot.Textf("✅ %s %s.", c.inc.ID(), text)}); err != nil {
			return err
		}
		if err := c.happen(Happening{Kind: HappenClosed}); err != nil {
			return err
		}
		if err := c.postHead(c.inc.ID() + " closed"); err != nil {
			return err
		}
		// The report is built from a snapshot taken after this commit (close_report.go), so
		// it holds everything the close recorded and the writer is not held while it builds.
		if err := c.deliverReport(); err != nil {
			return err
		}
		if c.e.cfg.Channels.ArchiveOnClose {
			if err := c.channelOp(bot.OpArchive, bot.Payload{}); err != nil {
				return err
			}
		}
		c.say("%s is closed (%s).", c.inc.ID(), class)
		return nil
	},
}

var verbReopen = &Verb{
	Name: "reopen", Scope: InIncident,
	Summary: "reopen a closed incident in the phase it closed from",
	Run: func(c *call) error {
		if c.inc.Open() {
			return refuse("%s is open.", c.inc.ID())
		}
		to := c.inc.ClosedFrom
		if to.Index() < 0 {
			to = bot.PhaseIdentification
		}
		c.inc.Status, c.inc.ClosedAt, c.inc.Phase = bot.StatusOpen, nil, to
		c.inc.ReportVersion++
		if err := c.tx.SaveIncident(c.inc); err != nil {
			return err
		}
		if err := c.tx.EnterPhase(c.inc.Number, to, c.now, false); err != nil {
			return err
		}
		if err := c.record(bot.KindReopen, fmt.Sprintf("reopened in %s (report version %d)", to, c.inc.ReportVersion),
			bot.Data{"to": string(to), "report_version": c.inc.ReportVersion}); err != nil {
			return err
		}
		c.dirty = true
		if err := c.happen(Happening{Kind: HappenReopened, Phase: to}); err != nil {
			return err
		}
		if err := c.post(bot.Message{Text: bot.Textf("%s reopened %s; it is back in %s.", c.who, c.inc.ID(), to)}); err != nil {
			return err
		}
		c.say("%s is open again, in %s.", c.inc.ID(), to)
		return nil
	},
}
