package bot

// CommandSpec describes one chat verb for adapters that register commands with the
// platform (Discord application commands, Slack manifests) or render help. It is derived
// from the commands package's declarations, so there is one source of truth.
type CommandSpec struct {
	Command string // "incident", "page", "oncall"
	Verb    string // "declare", "task add"; "" for the command alone (/page <team> …)
	Group   string // sub-command group ("task"), "" for top level
	Sub     string // the sub-command name for a verb without a name ("show")
	Usage   string // without the command: "task add <text> [@owner] [due <duration>]"
	Summary string
	Options []OptionSpec
}

// OptionSpec is one typed argument of a verb.
type OptionSpec struct {
	Name     string
	Kind     string // text | word | int | user | choice | incident | duration | flag
	Required bool
	Choices  []string
	Help     string
	Keyword  string // written after this word in text ("due"), or the flag itself ("--force")
	Slot     string // options sharing a slot are alternatives for one place (/page's team or user)
}
