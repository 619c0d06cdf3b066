package console

import "github.com/warroom/warroom/bot"

// render writes a message's segments as console text: warroom's light markup as it is
// written (*bold*, `code`), people by name, command hints as typed here, and times as a UTC
// date with the configured zone beside it. Words are printed as they are.
func (c *Console) render(t bot.Text) string {
	var out bot.Text
	for _, s := range t {
		if s.Kind == bot.SegTime {
			s = bot.Segment{Kind: bot.SegText, Text: bot.PlainTime(s.Time(), c.loc)}
		}
		out = append(out, s)
	}
	return out.String()
}
