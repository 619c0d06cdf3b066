package slack

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Slack's Block Kit limits (https://api.slack.com/reference/block-kit): a message over them
// is refused with invalid_blocks, which the outbox could only give up on.
const (
	maxBlocks          = 50
	maxSectionText     = 3000
	maxButtonsPerBlock = 25
	maxButtonLabel     = 75
	maxMessageText     = 39000 // chat.postMessage truncates text at 40,000 characters
)

// messageBlocks lays out a message: its text in mrkdwn sections (split at line breaks to
// stay under the section limit) and its buttons in actions blocks. Every block carries a
// string block_id: without one slack-go files a click under attachment actions, and the
// press would never reach the handler.
func messageBlocks(text string, buttons []bot.Button) []slack.Block {
	var actions []slack.Block
	for i := 0; i < len(buttons); i += maxButtonsPerBlock {
		group := buttons[i:min(i+maxButtonsPerBlock, len(buttons))]
		actions = append(actions, actionsBlock(len(actions)+1, group))
	}
	room := maxBlocks - len(actions)
	var blocks []slack.Block
	chunks := splitText(text, maxSectionText)
	if len(chunks) > room {
		chunks = append(chunks[:room-1], "_… (message truncated)_")
	}
	for i, c := range chunks {
		// verbatim: Slack must not turn indicators of compromise (evil.example, URLs in
		// notes) into clickable links by itself.
		obj := slack.NewTextBlockObject(slack.MarkdownType, c, false, true)
		blocks = append(blocks, slack.NewSectionBlock(obj, nil, nil, slack.SectionBlockOptionBlockID("wr-text-"+strconv.Itoa(i+1))))
	}
	return append(blocks, actions...)
}

func actionsBlock(n int, buttons []bot.Button) slack.Block {
	seen := map[string]int{}
	var elems []slack.BlockElement
	for _, b := range buttons {
		seen[b.Action]++
		label := slack.NewTextBlockObject(slack.PlainTextType, truncate(b.Label, maxButtonLabel), true, false)
		btn := slack.NewButtonBlockElement(actionID(b.Action, seen[b.Action]), b.Value, label)
		switch b.Style {
		case "primary":
			btn = btn.WithStyle(slack.StylePrimary)
		case "danger":
			btn = btn.WithStyle(slack.StyleDanger)
		}
		elems = append(elems, btn)
	}
	return slack.NewActionBlock("wr-actions-"+strconv.Itoa(n), elems...)
}

// actionID is the button's action name. Slack wants action_ids unique within a block, and
// a message may offer the same action several times ("I'm analyst", "I'm scribe" are both
// role.claim), so repeats get a "#n" suffix that actionName removes again.
func actionID(action string, n int) string {
	if n <= 1 {
		return action
	}
	return action + "#" + strconv.Itoa(n)
}

var actionSuffixRe = regexp.MustCompile(`#[0-9]+$`)

// actionName is the action a clicked action_id stands for.
func actionName(id string) string { return actionSuffixRe.ReplaceAllString(id, "") }

// splitText cuts text into pieces of at most n characters, preferring line breaks, then
// spaces, and never cutting inside a <…> token or an &…; escape.
func splitText(text string, n int) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		l := utf8.RuneCountInString(line)
		if curLen+l > n {
			flush()
		}
		for l > n {
			head, tail := cutAt(line, n)
			cur.WriteString(head)
			flush()
			line, l = tail, utf8.RuneCountInString(tail)
		}
		cur.WriteString(line)
		curLen += l
	}
	flush()
	return out
}

// cutAt splits s within its first n runes at a safe place.
func cutAt(s string, n int) (string, string) {
	r := []rune(s)
	head := string(r[:n])
	cut := len(head)
	if i := strings.LastIndexByte(head, ' '); i > len(head)/2 {
		cut = i + 1
	}
	// Step back over an unfinished token or escape.
	if lt := strings.LastIndexByte(head[:cut], '<'); lt > strings.LastIndexByte(head[:cut], '>') && lt > 0 {
		cut = lt
	}
	if amp := strings.LastIndexByte(head[:cut], '&'); amp > strings.LastIndexByte(head[:cut], ';') && amp > 0 && cut-amp < 8 {
		cut = amp
	}
	return s[:cut], s[cut:]
}
