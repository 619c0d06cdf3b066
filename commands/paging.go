package commands

// registerPaging adds on-call paging: timer handlers for escalation steps, the ✅ reaction
// and the acknowledge button. (Issue 6 — not built yet.)
func registerPaging(e *Engine) {}

// page runs /page.
func (c *call) page(text string) error {
	return refuse("/page is not available yet in this version of warroom: on-call paging is still being built.")
}

// oncall runs /oncall.
func (c *call) oncall(text string) error {
	return refuse("/oncall is not available yet in this version of warroom: on-call paging is still being built.")
}
