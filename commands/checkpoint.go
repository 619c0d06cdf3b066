package commands

import (
	"crypto/ed25519"

	"github.com/warroom/warroom/bot"
)

// checkpointEvery is how many entries pass between checkpoints when no phase change or
// close signs one.
const checkpointEvery = 100

// signCheckpoint signs incident n's chain at (seq, hash), stores the checkpoint, posts it in
// the incident channel (a copy outside the database) and queues it for the checkpoint log,
// which is written after the commit. Without a key nothing is signed (tests, tools).
func (c *call) signCheckpoint(inc *bot.Incident, seq int64, hash string) (bool, error) {
	if c.e.key == nil {
		return false, nil
	}
	cp := bot.SignCheckpoint(bot.Checkpoint{Incident: inc.ID(), Seq: seq, Hash: hash, At: c.now}, c.e.key)
	if err := c.tx.AddCheckpoint(inc.Number, cp); err != nil {
		return false, err
	}
	c.checkpoints = append(c.checkpoints, cp)
	return true, c.postIn(inc, bot.Message{Text: bot.Textf("🔏 Signed checkpoint of %s at entry %d (warroom verify --checkpoints takes this line):\n%s", inc.ID(), seq, cp.Line())})
}

// maybeCheckpoint signs after every 100th entry.
func (c *call) maybeCheckpoint(n int64, e *bot.Entry) error {
	if e.Seq%checkpointEvery != 0 || c.e.key == nil {
		return nil
	}
	inc, err := c.tx.Incident(n)
	if err != nil {
		return err
	}
	_, err = c.signCheckpoint(inc, e.Seq, e.Hash)
	return err
}

// PublicKey is the key checkpoints are verified with (nil when the engine signs none).
func (e *Engine) PublicKey() ed25519.PublicKey {
	if e.key == nil {
		return nil
	}
	return e.key.Public().(ed25519.PublicKey)
}
