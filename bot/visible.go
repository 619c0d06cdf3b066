package bot

import (
	"context"
	"errors"
)

// The last check before an upload becomes visible. The deliverer reads an upload's bytes
// before it calls the platform, and sending them takes a while (a close's report is up to
// ~13.5 MB); a redaction that commits meanwhile has scrubbed the stored file, but not the
// bytes on their way, and a file cannot be edited once it is shared. So the deliverer puts
// a check in the attempt's context, and the adapter runs it as late as it can: right before
// the request that makes the file visible (Slack's files.completeUploadExternal, after the
// bytes are at the upload URL; Discord's message create, once its rate-limit wait is over).
// A redaction committed before the check stops the upload, which is then made again from
// the scrubbed bytes; one committed after it is left to the completion (storage's
// afterScrub), which tells the channel.

// ErrRewritten is the check's answer when a redaction rewrote the operation after the
// deliverer read it (or it is no longer this deliverer's to send): it is read again.
var ErrRewritten = errors.New("a redaction rewrote the operation after it was read; it is read again")

type visibleKey struct{}

// WithBeforeVisible returns ctx carrying check, for the adapter to run last.
func WithBeforeVisible(ctx context.Context, check func(context.Context) error) context.Context {
	return context.WithValue(ctx, visibleKey{}, check)
}

// BeforeVisible runs the check ctx carries (nil without one): an adapter calls it right
// before the request that makes what it sends visible, and sends nothing on an error.
func BeforeVisible(ctx context.Context) error {
	if check, _ := ctx.Value(visibleKey{}).(func(context.Context) error); check != nil {
		return check(ctx)
	}
	return nil
}
