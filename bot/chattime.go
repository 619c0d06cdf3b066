package bot

import (
	"regexp"
	"strconv"
	"time"
)

// Times in chat are written as a neutral marker, <t:UNIX:f> (Discord's own syntax), that each
// adapter renders the platform's way: Discord shows it as is, Slack as <!date^…>, the console
// as a UTC date with the configured zone beside it.

// ChatTime writes t as a chat time marker.
func ChatTime(t time.Time) string { return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":f>" }

var chatTimeRe = regexp.MustCompile(`<t:(-?\d{1,12}):f>`)

// RenderChatTimes replaces every time marker in text with render(t).
func RenderChatTimes(text string, render func(time.Time) string) string {
	return chatTimeRe.ReplaceAllStringFunc(text, func(m string) string {
		sub := chatTimeRe.FindStringSubmatch(m)
		sec, err := strconv.ParseInt(sub[1], 10, 64)
		if err != nil {
			return m
		}
		return render(time.Unix(sec, 0).UTC())
	})
}

// PlainTime renders a time for text outputs: "2026-03-01 09:00 UTC (10:00 CET)".
func PlainTime(t time.Time, loc *time.Location) string {
	s := t.UTC().Format("2006-01-02 15:04 UTC")
	if loc != nil && loc != time.UTC && loc.String() != "UTC" {
		s += " (" + t.In(loc).Format("15:04 MST") + ")"
	}
	return s
}
