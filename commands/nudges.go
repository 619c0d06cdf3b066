package commands

// registerNudges adds the SANS nudges: observers that schedule reminders and the timer
// handlers that send them. (Issue 5 — not built yet.)
func registerNudges(e *Engine) {}
