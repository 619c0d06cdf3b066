package discord

import (
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Discord's limits on message components.
const (
	maxCustomID      = 100 // characters in a custom_id
	maxButtonLabel   = 80
	buttonsPerRow    = 5
	maxComponentRows = 5
)

// customID encodes a button as Action + ":" + Value. Actions never contain ":" (they are
// names like "role.claim"), so the first ":" splits it back however many the value holds.
func customID(b bot.Button) string { return b.Action + ":" + b.Value }

// parseCustomID is the inverse of customID; ok is false for ids warroom did not make.
func parseCustomID(id string) (action, value string, ok bool) {
	action, value, ok = strings.Cut(id, ":")
	return action, value, ok && action != ""
}

// components lays buttons out in rows of five. A button Discord would refuse (custom_id over
// 100 characters, or beyond 25 buttons) is left off and logged rather than failing the whole
// message: the text still matters more than one button.
func components(bs []bot.Button, log *slog.Logger) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	for _, b := range bs {
		id := customID(b)
		if len(id) > maxCustomID || len(rows) == maxComponentRows {
			log.Warn("discord: button left off", "action", b.Action, "custom_id_len", len(id))
			continue
		}
		label := truncate(b.Label, maxButtonLabel)
		if label == "" {
			label = b.Action
		}
		row.Components = append(row.Components, discordgo.Button{Label: label, Style: buttonStyle(b.Style), CustomID: id})
		if len(row.Components) == buttonsPerRow {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 && len(rows) < maxComponentRows {
		rows = append(rows, row)
	}
	return rows
}

func buttonStyle(s string) discordgo.ButtonStyle {
	switch s {
	case "primary":
		return discordgo.PrimaryButton
	case "danger":
		return discordgo.DangerButton
	}
	return discordgo.SecondaryButton
}
