package bot

// CommandSpec describes one chat verb for adapters that register commands with the
// platform (Discord application commands, Slack manifests) or render help. It is derived
// from the commands package's declarations, so there is one source of truth.
type CommandSpec struct {
	Command string // "incident", "page", "oncall"
	Verb    string // "declare", "task add"
	Group   string // sub-command group ("task"), "" for top level
	Usage   string
	Summary string
	Options []OptionSpec
}

// OptionSpec is one typed option of a verb.
type OptionSpec struct {
	Name     string
	Kind     string // text | word | int | user | choice | incident | duration
	Required bool
	Choices  []string
	Help     string
}
