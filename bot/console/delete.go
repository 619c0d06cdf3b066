package console

import (
	"context"
	"fmt"
)

// Delete implements bot.Deleter: a redaction deletes the original message of a redacted
// entry, as Discord does; the workspace prints that it is gone.
func (c *Console) Delete(ctx context.Context, channelID, messageID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, msg, err := c.find(messageID)
	if err != nil {
		return err
	}
	msg.text, msg.buttons = "", nil
	c.print(fmt.Sprintf("[%s %d] (deleted) %s", ch.label(), msg.n, msg.author), "")
	return nil
}
