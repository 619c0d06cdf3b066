package commands

// Verbs whose features are not built yet. They answer honestly instead of pretending.

func notYet(feature string) func(c *call) error {
	return func(c *call) error {
		return refuse("/incident %s is not available yet in this version of warroom: %s is still being built.", c.verb.Name, feature)
	}
}
