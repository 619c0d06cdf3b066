package commands

// Verbs whose features are not built yet. They answer honestly instead of pretending.

func notYet(feature string) func(c *call) error {
	return func(c *call) error {
		return refuse("/incident %s is not available yet in this version of warroom: %s is still being built.", c.verb.Name, feature)
	}
}

var (
	verbReview = &Verb{Name: "review", Usage: "review <when|held>", Scope: InIncident, Summary: "schedule or mark held the lessons-learned review (not available yet)", Run: notYet("the lessons-learned review reminder")}
	verbRemind = &Verb{Name: "remind", Usage: "remind [snooze <duration>|off|on]", Scope: InIncident, Summary: "control reminders (not available yet)", Run: notYet("reminders")}
	verbClock  = &Verb{Name: "clock", Usage: "clock <gdpr|nis2|sec|<name> <hours>> [from <time>] | clock done <name>", Scope: InIncident, Summary: "regulatory deadline clocks (not available yet)", Run: notYet("regulatory clocks")}
	verbDrill  = &Verb{Name: "drill", Usage: "drill <scenario>", Scope: Anywhere, Summary: "start a practice incident (not available yet)", Run: notYet("drills")}
	verbReport = &Verb{Name: "report", Usage: "report [md|html|json]", Scope: InIncident, Summary: "the lessons-learned report (not available yet)", Run: notYet("the report")}
)
