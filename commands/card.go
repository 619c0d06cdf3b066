package commands

import (
	"fmt"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// cardAndTopic renders the pinned incident card and the channel topic from current state.
func (c *call) cardAndTopic() (card bot.Text, topic string, err error) {
	cmdr, acting, err := c.commander()
	if err != nil {
		return nil, "", err
	}
	roles, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return nil, "", err
	}
	// Regulatory clocks are on the card so their deadlines are in front of everyone.
	clocks, err := c.tx.Clocks(c.inc.Number)
	if err != nil {
		return nil, "", err
	}
	facts, err := c.facts()
	if err != nil {
		return nil, "", err
	}
	card = renderCard(c.e.cfg, c.inc, cmdr, acting, roles).Append(factCardLines(facts)...).Append(bot.Plain(c.playbookCardLine())...)
	return card.Append(clockCardLines(clocks, c.now)...), renderTopic(c.e.cfg, c.inc, cmdr, acting), nil
}

func sevLabel(cfg *config.Config, sev int) string {
	return fmt.Sprintf("sev%d (%s)", sev, cfg.SeverityName(sev))
}

func commanderLabel(cmdr string, acting bool) string {
	if acting {
		return cmdr + " (acting)"
	}
	return cmdr
}

// commanderWho is commanderLabel for a message: the commander as a person.
func commanderWho(cmdr string, acting bool) bot.Text {
	if acting {
		return bot.Textf("%s (acting)", bot.Who(cmdr))
	}
	return bot.Text{bot.Who(cmdr)}
}

// renderCard is a pure function of the incident, so every platform shows the same card.
func renderCard(cfg *config.Config, inc *bot.Incident, cmdr string, acting bool, roles map[string]string) bot.Text {
	var b textBuf
	b.printf("*%s · %s*", inc.ID(), inc.Title)
	if inc.Drill {
		b.printf(" · DRILL")
	}
	typ := inc.Type
	if typ == "" {
		typ = "unclassified"
	}
	phase := string(inc.Phase)
	if !inc.Open() {
		phase = "closed (" + inc.CloseClass + ")"
	}
	b.printf("\nSeverity: %s · Type: %s · Phase: %s", sevLabel(cfg, inc.Severity), typ, phase)
	b.printf("\nCommander: %s", commanderWho(cmdr, acting))
	for _, r := range cfg.Roles {
		if r == "commander" {
			continue
		}
		if p, ok := roles[r]; ok {
			b.printf(" · %s: %s", r, bot.Who(p))
		}
	}
	b.printf("\nDeclared %s by %s", bot.ChatTime(inc.DeclaredAt), bot.Who(inc.DeclaredBy))
	if inc.ClosedAt != nil {
		b.printf(" · closed %s", bot.ChatTime(*inc.ClosedAt))
	}
	return b.t
}

func renderTopic(cfg *config.Config, inc *bot.Incident, cmdr string, acting bool) string {
	phase := string(inc.Phase)
	if !inc.Open() {
		phase = "closed"
	}
	t := fmt.Sprintf("%s · sev%d %s · %s · commander %s", inc.Title, inc.Severity, cfg.SeverityName(inc.Severity), phase, commanderLabel(cmdr, acting))
	if inc.Drill {
		t = "DRILL · " + t
	}
	// Cut by characters, not bytes: a cut inside a multi-byte character would send
	// invalid UTF-8 to the platform.
	if r := []rune(t); len(r) > 250 {
		t = string(r[:247]) + "..."
	}
	return t
}
