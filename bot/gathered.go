package bot

import "context"

// A write that has gathered its batch before it asks the store (commands' alert queue lets
// the alerts on their way join theirs first) says so in its context. The store's writer
// then begins it at once: it otherwise first yields its processor, so that commands from
// handlers short of CPU reach it and share the transaction, and for a gathered batch that
// yield only sent the writer to the back of the run queue, behind the very handlers
// answering the batch before.
type gatheredKey struct{}

// Gathered returns ctx marked as carrying a gathered batch.
func Gathered(ctx context.Context) context.Context {
	return context.WithValue(ctx, gatheredKey{}, true)
}

// IsGathered reports whether ctx carries a gathered batch (Gathered).
func IsGathered(ctx context.Context) bool {
	g, _ := ctx.Value(gatheredKey{}).(bool)
	return g
}
